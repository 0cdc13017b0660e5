"""``bandit -f secguide-sarif``: Bandit's SARIF with the SCG rules' text.

Bandit's own ``sarif`` formatter writes every result and rule; for a
third-party test its rule has no description and a ``helpUri`` that points
at a bandit.readthedocs.io page that does not exist.  This formatter runs
Bandit's formatter unchanged and then completes each SCG rule from its
declaration: ``shortDescription``, ``fullDescription``, ``help`` (the rule's
page as text and Markdown, as ``python -m secguide explain`` prints it), a
default level, GitHub's ``security-severity``, and the CWE both as a tag
(Bandit's ``external/cwe/cwe-N``) and as a relationship to a CWE taxonomy.
Bandit's own rules and every result are left as Bandit writes them.

Needs ``bandit[sarif]`` (Bandit's formatter and its SARIF object model).
Registered under the ``bandit.formatters`` entry point group.
"""
from __future__ import annotations

import io
import json
import logging
import sys
from typing import Any

LOG = logging.getLogger(__name__)

CWE_TAXONOMY = "CWE"
#: GitHub code scanning ranks security alerts by this number (0.1-3.9 low,
#: 4.0-6.9 medium, 7.0-8.9 high, 9.0+ critical); ours follows the severity
SECURITY_SEVERITY = {"HIGH": "8.0", "MEDIUM": "5.0", "LOW": "3.0"}
LEVEL = {"HIGH": "error", "MEDIUM": "warning", "LOW": "note"}


class _Capture(io.StringIO):
    """A text buffer Bandit's formatter may close (it writes ``with fileobj:``)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.text = ""

    def close(self) -> None:
        if not self.closed:
            self.text = self.getvalue()
        super().close()


def rule_descriptor_fields(rule: Any) -> dict:
    """The SARIF ``reportingDescriptor`` members of one SCG rule."""
    from secguide.ruledoc import one_line, rule_page, summary

    page = rule_page(rule)
    return {
        "shortDescription": {"text": summary(rule)},
        "fullDescription": {"text": one_line(rule.rationale)},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVEL[rule.severity],
                                 "enabled": bool(rule.default_enabled)},
        "relationships": [{
            "target": {"id": str(rule.cwe), "toolComponent": {"name": CWE_TAXONOMY}},
            "kinds": ["superset"],
        }],
    }


def add_rule_text(log: dict) -> dict:
    """``log`` (Bandit's SARIF, as JSON data) with its SCG rules completed."""
    from secguide.registry import BY_CODE

    for run in log.get("runs", []):
        driver = run.get("tool", {}).get("driver", {})
        cwes: dict[int, None] = {}
        for descriptor in driver.get("rules", []):
            rule = BY_CODE.get(descriptor.get("id", ""))
            if rule is None:
                continue
            descriptor.update(rule_descriptor_fields(rule))
            # Bandit derives this link from the test name; for a plugin it is dead
            descriptor.pop("helpUri", None)
            properties = descriptor.setdefault("properties", {})
            tags = properties.setdefault("tags", [])
            for tag in ("security", f"external/cwe/cwe-{rule.cwe}"):
                if tag not in tags:
                    tags.append(tag)
            properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
            cwes[rule.cwe] = None
        if cwes:
            taxa = [{"id": str(cwe), "helpUri": f"https://cwe.mitre.org/data/definitions/{cwe}.html"}
                    for cwe in sorted(cwes)]
            run.setdefault("taxonomies", []).append({
                "name": CWE_TAXONOMY,
                "organization": "MITRE",
                "informationUri": "https://cwe.mitre.org/",
                "isComprehensive": False,
                "taxa": taxa,
            })
    return log


def report(manager, fileobj, sev_level, conf_level, lines=-1):
    """Bandit formatter entry point: write SARIF 2.1.0 to ``fileobj``."""
    try:
        from bandit.formatters import sarif as bandit_sarif
    except ImportError as exc:
        raise RuntimeError(f"the secguide-sarif format needs bandit[sarif] ({exc})") from None

    capture = _Capture(sys.stdout.name)  # Bandit's formatter logs nothing then; we do
    bandit_sarif.report(manager, capture, sev_level, conf_level, lines)
    capture.close()
    log = add_rule_text(json.loads(capture.text))
    with fileobj:
        json.dump(log, fileobj, indent=2)
        fileobj.write("\n")
    if getattr(fileobj, "name", None) != sys.stdout.name:
        LOG.info("SARIF output written to file: %s", fileobj.name)
