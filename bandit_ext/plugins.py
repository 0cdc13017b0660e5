"""Bandit tests for the secguide rules: one test per rule, generated.

Each rule becomes a test function named after its symbol (``sql-built-query``
-> ``sql_built_query``) with the rule's code as test id, so ``bandit -t``,
``-s``, profiles and ``# nosec SCG101`` work as for Bandit's own tests.  A
test looks up the finding of its rule on ``context.node`` in the file's
results (:mod:`bandit_ext.results`), analysed at the file's first call; it
never raises (an internal error means no finding).  The message text is the
one flake8 prints.  :mod:`bandit_ext._trim` keeps Bandit from calling tests
that have nothing to report in the file (speed only).

Every test reads the config section ``secguide`` (as Bandit's shell
injection tests share one), so one block configures every rule::

    secguide:                          # bandit -c bandit.yaml
      password-names: [pin, passphrase]
      min-bcrypt-rounds: 12

or ``[tool.bandit.secguide]`` in pyproject.toml; the keys are those of
``secguide.options.OPTION_SPECS``.  The block is checked at the first test
call: an unknown key, a value of the wrong type or an invalid one is logged
as an error naming the key, the config file and what is accepted, and Bandit
exits with status 2 (as for its own config errors), before any finding;
never a silent run without the rules.

``bandit-config-generator`` writes one ``secguide:`` block with the
defaults, not one block per test (:func:`__getattr__`).
"""
from __future__ import annotations

import logging
import re
import sys
from typing import Any

from bandit.core import issue as _issue
from bandit.core import test_properties as _props

from bandit_ext import _trim, results
from secguide.options import OPTION_SPECS, OptionError, Options
from secguide.registry import ALL_RULES

#: the Bandit config section every secguide test reads
CONFIG_SECTION = "secguide"

_LEVELS = ("LOW", "MEDIUM", "HIGH")
_ALL_CODES = frozenset(r.code for r in ALL_RULES)

LOG = logging.getLogger(__name__)

#: AST classes Bandit never runs tests on: a finding there cannot be reported
UNREPORTABLE = frozenset({"Module", "ClassDef", "Expression", "Interactive"})


def bandit_checks(report_types: tuple[type, ...]) -> list[str]:
    """Bandit check-type names under which nodes of ``report_types`` reach tests.

    Bandit dispatches ``str``/``bytes`` constants as ``Str``/``Bytes`` (and no
    other constant), a relative ``from . import x`` as ``Import``, and runs no
    test on ``ClassDef`` or the ``Module``.
    """
    names: list[str] = []
    for cls in report_types:
        name = cls.__name__
        extra = {"Constant": ["Str", "Bytes"], "ImportFrom": ["ImportFrom", "Import"]}.get(
            name, [] if name in UNREPORTABLE else [name])
        names.extend(n for n in extra if n not in names)
    return names


def _defaults() -> dict[str, Any]:
    defaults = Options()
    out: dict[str, Any] = {}
    for spec in OPTION_SPECS:
        value = getattr(defaults, spec.name.replace("-", "_"))
        out[spec.name] = list(value) if isinstance(value, tuple) else value
    return out


def _gen_config(name: str) -> dict[str, Any]:
    """Default configuration (Bandit calls this when ``secguide:`` is absent)."""
    return _defaults()


def _config_generator_settings(frame):
    """The settings dict being built, when ``frame`` is
    ``bandit-config-generator``'s ``get_config_settings``, else None."""
    generator = sys.modules.get("bandit.cli.config_generator")
    settings = getattr(generator, "get_config_settings", None)
    if frame is None or settings is None or frame.f_code is not getattr(settings, "__code__", None):
        return None
    found = frame.f_locals.get("config")
    return found if isinstance(found, dict) else None


def __getattr__(name: str):
    """``gen_config``, looked up by Bandit (``hasattr(module, "gen_config")``).

    Bandit's config generator writes, for every test that takes config, a
    block named after the test (``sql_built_query:``) that Bandit never
    reads: every secguide test reads the one ``secguide:`` block.  So for the
    generator the module has no ``gen_config`` (it then skips the test) and
    the ``secguide:`` block is put once into the settings it writes; the
    test set's lookup at run time gets it as usual.
    """
    if name != "gen_config":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    settings = _config_generator_settings(sys._getframe(1))
    if settings is None:
        return _gen_config
    settings.setdefault(CONFIG_SECTION, _defaults())
    raise AttributeError(name)


def _checked_options(config) -> Options:
    """The options of the ``secguide:`` block, or a logged error and exit 2."""
    try:
        return results.options_for(config)
    except OptionError as err:
        LOG.error("%s", err.located(_config_place(sys._getframe(2))))
        raise SystemExit(2) from None


def _manager(frame):
    """The BanditManager up the stack (its scan loop calls every test), or None."""
    for _ in range(60):
        if frame is None:
            break
        found = frame.f_locals.get("self")
        if hasattr(found, "b_conf") and hasattr(found, "ignore_nosec"):
            return found
        frame = frame.f_back
    return None


def _config_place(frame) -> str:
    """Where the ``secguide:`` block is: the manager's ``-c`` file, if known."""
    path = getattr(getattr(_manager(frame), "b_conf", None), "config_file", None)
    if isinstance(path, str):
        block = "[tool.bandit.secguide]" if path.endswith(".toml") else "secguide:"
        return f"{path}, {block} block"
    return "Bandit config, secguide: block"


_NAMES = {r.symbol.replace("-", "_"): r.code for r in ALL_RULES}


def _apply_suppressions(found, raw: dict, node, frame) -> None:
    """``# noqa: SCG101`` here too, and coded comments on the statement's
    first line (Bandit itself reads ``# nosec`` on the node's lines);
    none with ``--ignore-nosec``."""
    if not found.hits or getattr(_manager(frame), "ignore_nosec", False):
        return
    data = results.source(raw.get("file_data"))
    if data is None:
        return
    from secguide.suppression import Suppressions

    suppressions = Suppressions(data, results.module_of(node), _NAMES)
    if suppressions.by_line:
        found.drop_silenced(suppressions)


def _analyse(raw: dict, node, config, frame) -> results.FileResults:
    """The file's results: cached, or analysed now (and Bandit's lists trimmed)."""
    found = results.same_file(raw, config)
    if found is None:
        tester = _trim.tester(frame)
        select = _trim.enabled_codes(tester) if tester is not None else _ALL_CODES
        found = results.analyse(raw, node, config, select)
        _apply_suppressions(found, raw, node, frame)
        if tester is not None:
            wanted: dict[str, set[str]] = {}
            for cls, codes in found.kinds.items():
                for check in bandit_checks((cls,)):
                    wanted.setdefault(check, set()).update(codes)
            _trim.trim(tester, wanted)
    return found


def _to_issue(rule, finding, node):
    issue = _issue.Issue(
        severity=finding.severity if finding.severity in _LEVELS else rule.severity,
        confidence=finding.confidence if finding.confidence in _LEVELS else rule.confidence,
        cwe=rule.cwe, text=finding.message, lineno=finding.line,
        col_offset=finding.col, test_id=rule.code)
    start = getattr(node, "lineno", finding.line)
    if finding.line < start:   # placed on a decorator above the def: cover it
        issue.linerange = list(range(finding.line, (getattr(node, "end_lineno", None) or start) + 1))
    return issue


def _make_test(rule):
    code = rule.code

    def test(context, config=None):
        _checked_options(config)  # an unusable secguide: block: logged, exit 2
        try:
            raw = context._context
            node = raw.get("node")
            if node is None:
                return None
            found = results.CURRENT[0]
            if found is None or found.fdata is not raw.get("file_data") \
                    or id(config) not in found.config_ids:
                found = _analyse(raw, node, config, sys._getframe(1))
            finding = found.lookup(node, code)
            return None if finding is None else _to_issue(rule, finding, node)
        except Exception:  # noqa: BLE001 - never a "Bandit internal error"
            return None

    name = rule.symbol.replace("-", "_")
    test.__name__ = test.__qualname__ = name
    test.__doc__ = _render_doc(rule)
    test.secguide_code = code   # how bandit_ext._trim tells our tests apart
    test = _props.checks(*bandit_checks(rule.report_types))(test)
    test = _props.test_id(code)(test)
    return name, _props.takes_config(CONFIG_SECTION)(test)


def _render_doc(rule) -> str:
    message = re.sub(r"\{(\w*)[^}]*\}", lambda m: f"<{m.group(1) or '...'}>", rule.message)
    rationale = " ".join(str(getattr(rule, "rationale", "")).split())
    return (f"{rule.code}: {rule.symbol}\n\n{message}\n\n{rationale}\n\n"
            f"Severity {rule.severity}, confidence {rule.confidence}. "
            f"CWE-{rule.cwe}: {rule.cwe_url()}\nDocumentation: {rule.doc_url()}\n")


__all__ = ["CONFIG_SECTION", "bandit_checks"]
for _rule in ALL_RULES:
    _name, _test = _make_test(_rule)
    globals()[_name] = _test
    __all__.append(_name)
del _rule, _name, _test
