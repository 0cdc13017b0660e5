"""The generated documentation is current, and every rule's documented
example and fix behave as documented."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import secguide
from secguide.registry import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent


def _load_gen_docs():
    spec = importlib.util.spec_from_file_location(
        "secguide_gen_docs", ROOT / "tools" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gen_docs = _load_gen_docs()


def test_generated_files_are_current():
    stale = gen_docs.stale_files(ROOT)
    assert not stale, (
        "generated files out of date, run `python tools/gen_docs.py`: " + ", ".join(stale))


def test_check_mode_passes(capsys):
    assert gen_docs.main(["--check"]) == 0, capsys.readouterr().out


def test_every_rule_has_a_page_and_a_table_row():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert (ROOT / "docs" / "rules" / f"{rule.code}.md").is_file()
        assert f"[{rule.code}](docs/rules/{rule.code}.md)" in readme


def test_readme_demo_runs_both_tools_on_the_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "bandit -r examples/vulnerable_app;" in first_block
    assert "flake8 --select SCG examples/vulnerable_app" in first_block


def test_codes_command_lists_the_default_rules_or_all(capsys):
    from secguide.__main__ import main

    assert main(["codes"]) == 0
    assert capsys.readouterr().out.strip() == ",".join(
        rule.code for rule in ALL_RULES if rule.default_enabled)
    assert main(["codes", "--all"]) == 0
    assert capsys.readouterr().out.strip() == ",".join(rule.code for rule in ALL_RULES)


#: every rule, opt-in ones included
ALL_CODES = [r.code for r in ALL_RULES]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_example_is_flagged(rule):
    findings = secguide.check_source(rule.example, f"{rule.code}_example.py", select=ALL_CODES)
    codes = [f.code for f in findings]
    assert rule.code in codes, f"{rule.code}'s documented example is not flagged: {findings}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_fix_is_not_flagged(rule):
    findings = secguide.check_source(rule.fix, f"{rule.code}_fix.py", select=ALL_CODES)
    assert not findings, f"{rule.code}'s documented fix is flagged: {findings}"
