"""A rule's help text, rendered from its declaration alone.

``python -m secguide explain`` prints it and the ``secguide-sarif`` Bandit
formatter puts it in each rule's ``help``; both work from an installed wheel,
with no file outside the package.
"""
from __future__ import annotations

import textwrap

from secguide.rule import Rule


#: how an opt-in rule is turned on in each tool (Bandit runs every installed
#: test unless the run names its tests)
OPT_IN_HOWTO = ("no; flake8: `--extend-select {c}` (or `extend-select` in the config); "
                "Bandit: name it, `bandit -t {c}` or `tests: [{c}]` in the config (a run "
                "that names no test, skips or not, leaves it out)")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def summary(rule: type[Rule]) -> str:
    """One sentence saying what the rule flags: the class docstring's first
    paragraph, else the rationale's first sentence."""
    doc = rule.__dict__.get("__doc__") or ""
    first = one_line(textwrap.dedent(doc).strip().split("\n\n")[0])
    if first:
        return first
    head, dot, _ = one_line(rule.rationale).partition(". ")
    return head + dot.strip()


def bandit_test_name(rule: type[Rule]) -> str:
    return rule.symbol.replace("-", "_")


def find_rule(name: str) -> type[Rule] | None:
    """The rule called ``name``: its code (any case), symbol or Bandit test name."""
    from secguide.registry import ALL_RULES

    wanted = name.strip().lower().replace("_", "-")
    for rule in ALL_RULES:
        if wanted in (rule.code.lower(), rule.symbol):
            return rule
    return None


def _code_block(source: str) -> list[str]:
    return ["```python", textwrap.dedent(source).strip("\n"), "```"]


def _paragraph(text: str) -> str:
    return textwrap.fill(one_line(text), width=79)


def rule_page(rule: type[Rule]) -> str:
    """The rule's page in Markdown: what it flags, why, an example and its fix,
    what it leaves alone, and how to run or silence it."""
    lines = [
        f"# {rule.code} {rule.symbol}",
        "",
        summary(rule),
        "",
        f"* Code: `{rule.code}` (flake8 error code and Bandit test ID; "
        f"Bandit test name `{bandit_test_name(rule)}`)",
        f"* Message: `{rule.code} {one_line(rule.message)}`",
        f"* CWE: [CWE-{rule.cwe}]({rule.cwe_url()})",
        f"* Severity: {rule.severity}, confidence: {rule.confidence}",
        f"* Guide section: {one_line(rule.section)}",
        f"* On by default: {'yes' if rule.default_enabled else OPT_IN_HOWTO.format(c=rule.code)}",
        "",
        "## Why",
        "",
        _paragraph(rule.rationale),
        "",
        "## Flagged",
        "",
        *_code_block(rule.example),
        "",
        "## Fixed",
        "",
        *_code_block(rule.fix),
        "",
    ]
    if one_line(rule.not_flagged):
        lines += ["## Not flagged", "", _paragraph(rule.not_flagged), ""]
    lines += [
        "## Running only this rule, or silencing it",
        "",
        "```sh",
        f"bandit -r src -t {rule.code}",
        f"flake8 --select {rule.code} src",
        f"python -m secguide check --select {rule.code} src",
        "```",
        "",
        f"On one line: `# nosec {rule.code}` (Bandit), `# noqa: {rule.code}` (flake8).",
        "",
    ]
    return "\n".join(lines)
