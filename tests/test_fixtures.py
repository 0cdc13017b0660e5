"""Every rule's fixtures through the engine: exact (line, code) sets.

``bad.py`` must report at least one finding of its rule and exactly the
lines marked ``# expect:``; ``good.py`` must report nothing at all.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import secguide.engine as engine
from secguide import check_source
from secguide.options import Options
from secguide.registry import ALL_RULES
from tests.expectations import Expectations

FIXTURES = Path(__file__).parent / "fixtures"
FILES = sorted(FIXTURES.glob("SCG*/*.py"))


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    """Internal errors fail the test instead of being swallowed."""
    monkeypatch.setattr(engine, "_STRICT", True)


def findings(path: Path):
    exp = Expectations(path)
    found = check_source(path.read_bytes(), str(path), options=Options.from_mapping(exp.options))
    return exp, found


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_expectations(path):
    exp, found = findings(path)
    problems = exp.check({(f.line, f.code) for f in found})
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_has_bad_and_good_fixtures(rule):
    bad = FIXTURES / rule.code / "bad.py"
    good = FIXTURES / rule.code / "good.py"
    assert bad.is_file() and good.is_file()
    _, found = findings(bad)
    assert any(f.code == rule.code for f in found), f"{rule.code}: bad.py reports nothing"
    exp, found = findings(good)
    assert not exp.expected, "good.py must not carry # expect: markers"
    assert found == [], [f"{f.line}: {f.code} {f.message}" for f in found]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_findings_carry_rule_metadata(rule):
    _, found = findings(FIXTURES / rule.code / "bad.py")
    for f in found:
        if f.code != rule.code:
            continue
        assert f.cwe == rule.cwe
        assert f.severity in ("LOW", "MEDIUM", "HIGH")
        assert f.confidence in ("LOW", "MEDIUM", "HIGH")
        assert f.message and not f.message.startswith("SCG")
        assert "; " in f.message, "a message names what to do instead after '; '"
