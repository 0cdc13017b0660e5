"""Every rule's fixtures through the engine: exact (line, code) sets, and
the column wherever a marker names one (``# expect: SCG101:12``).

``bad.py`` must report at least one finding of its rule and exactly the
lines marked ``# expect:``; ``good.py`` must report nothing at all.
"""
from __future__ import annotations

import functools
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


#: every rule, opt-in ones included (as flake8 ``--select SCG`` runs them)
ALL_CODES = [r.code for r in ALL_RULES]


def findings(path: Path):
    return Expectations(path), _findings(path)


@functools.lru_cache(maxsize=None)
def _findings(path: Path):
    """The engine's findings (in strict mode: only tests with ``strict`` call
    this), once per file: several tests read them."""
    assert engine._STRICT
    exp = Expectations(path)
    return check_source(path.read_bytes(), str(path), select=ALL_CODES,
                        options=Options.from_mapping(exp.options))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_expectations(path):
    exp, found = findings(path)
    problems = exp.check(exp.positions(found))
    assert not problems, "\n".join(problems)


def test_markers_name_columns():
    """The fixtures' markers carry columns (tools/annotate_columns.py), so
    the column of each expected finding is checked."""
    total = with_col = 0
    for path in FILES:
        exp = Expectations(path)
        total += len(exp.expected)
        with_col += sum(1 for key in exp.expected if key in exp.columns)
    assert total and with_col == total, (
        f"{total - with_col} of {total} markers without a column: "
        "run `python tools/annotate_columns.py`")


def _annotate_module():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "tools" / "annotate_columns.py"
    spec = importlib.util.spec_from_file_location("secguide_annotate_columns", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_annotate_columns_tool(tmp_path):
    tool = _annotate_module()
    path = tmp_path / "bad.py"
    src = ("import sqlite3\n"
           "def f(db, q, r):\n"
           "    db.execute('SELECT ' + q)  # expect: SCG101\n"
           "    x = 1; db.execute('SELECT ' + r)  # expect: SCG101:3\n"
           "    return 1  # expect-missing: SCG101\n"
           "y = 2  # expect: SCG102\n")
    path.write_text(src)
    text, unresolved = tool.annotate(path)
    assert text.splitlines()[2].endswith("# expect: SCG101:5")
    assert text.splitlines()[3].endswith("# expect: SCG101:3")  # written columns are kept
    assert text.splitlines()[4].endswith("# expect-missing: SCG101")
    assert text.splitlines()[5] == "y = 2  # expect: SCG102"
    assert unresolved == [f"{path}:6: SCG102 not reported"]
    text, _ = tool.annotate(path, refresh=True)
    assert text.splitlines()[3].endswith("# expect: SCG101:12")
    text = text.replace("  # expect: SCG102", "")
    path.write_text(text)
    assert tool.annotate(path) == (text, [])  # idempotent
    assert Expectations(path).check(Expectations.positions(check_source(text))) == []


def test_expectations_compare_columns(tmp_path):
    class F:
        def __init__(self, line, code, col):
            self.line, self.code, self.col = line, code, col

    path = tmp_path / "bad.py"
    path.write_text("x = 1  # expect: SCG101:5, SCG102\n"
                    "y = 2  # expect: SCG101:1, SCG101:9\n"
                    "z = 3  # expect-missing: SCG103:2\n")
    exp = Expectations(path)
    assert exp.expected == {(1, "SCG101"), (1, "SCG102"), (2, "SCG101")}
    assert exp.missing == {(3, "SCG103")}
    assert exp.columns == {(1, "SCG101"): {5}, (2, "SCG101"): {1, 9}, (3, "SCG103"): {2}}
    good = [F(1, "SCG101", 4), F(1, "SCG102", 40), F(2, "SCG101", 0), F(2, "SCG101", 8)]
    assert exp.check(exp.positions(good)) == []
    assert exp.check({(f.line, f.code) for f in good}) == []  # columns not given
    moved = [F(1, "SCG101", 5)] + good[1:]
    assert exp.check(exp.positions(moved)) == [
        "bad.py:1: expected SCG101 at column(s) [5], reported at [6]"]
    assert exp.check(exp.positions(good[:3])) == [
        "bad.py:2: expected SCG101 at column(s) [1, 9], reported at [1]"]
    assert exp.check(exp.positions(good[1:] + [F(3, "SCG104", 0)])) == [
        "bad.py:1: expected SCG101, not reported", "bad.py:3: unexpected SCG104"]


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
