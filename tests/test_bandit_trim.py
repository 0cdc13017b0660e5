"""Bandit adapter: per-file trimming of Bandit's test lists (``bandit_ext._trim``).

Once a file is analysed, the ``BanditTester`` walking it gets a stand-in test
set holding Bandit's tests and only the secguide tests with a finding in that
file.  These tests run Bandit in-process, trimmed and untrimmed
(``SECGUIDE_BANDIT_TRIM=0``), and check that nothing changes: every issue,
Bandit's own included, over the fixtures and the examples; several files in
one run; a file after one whose walk Bandit abandoned half-way.
"""
from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path

import pytest

import secguide

pytest.importorskip("bandit.core.manager")

from bandit_ext import _trim, results  # noqa: E402
from secguide.registry import ALL_RULES  # noqa: E402
from tests.checks import bandit_scan  # noqa: E402
from tests.toolrun import run_python  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

#: a name that makes Bandit's walk raise (see ``spy``): Bandit then skips the
#: file with "exception while scanning file"
CRASH = "__bandit_walk_breaks_here__\n"

VIEW = textwrap.dedent('''\
    import hashlib
    import os
    import sqlite3
    from flask import Flask, request

    app = Flask(__name__)
    SESSION_COOKIE_SECURE = False


    @app.route("/u")
    def user():
        name = request.args.get("name")
        db = sqlite3.connect("x.db")
        db.execute("SELECT * FROM users WHERE id = " + request.args["id"])
        return str(db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall())


    def store(password):
        return hashlib.md5(password.encode()).hexdigest()
''')


def issues(directory, tests=None, exclude=()):
    """Every issue of an in-process Bandit run, as comparable tuples."""
    found, skipped = bandit_scan(directory, tests, debug=False, exclude=exclude)
    return sorted((os.path.relpath(i.fname, directory), i.lineno,
                   i.col_offset, i.test_id, i.severity, i.confidence, i.text,
                   tuple(i.linerange)) for i in found), \
        {Path(name).name: why for name, why in skipped}


def scg(found) -> dict[str, set[tuple[int, str]]]:
    out: dict[str, set] = {}
    for name, line, _col, code, *_ in found:
        if code.startswith("SCG"):
            out.setdefault(name, set()).add((line, code))
    return out


def engine(path: Path, select=None):
    return {(f.line, f.code) for f in
            secguide.check_source(path.read_text(), str(path), select=select)}


@pytest.fixture
def spy(monkeypatch):
    """Records each analysis (file name) and each trimming, and breaks
    Bandit's walk at the name in ``CRASH``, as a RecursionError on deep code
    would."""
    calls: dict[str, list] = {"analysed": [], "trimmed": []}
    real_analyse, real_trim = results.analyse, _trim.trim

    def analyse(raw, node, config, select):
        calls["analysed"].append(Path(str(raw.get("filename"))).name)
        return real_analyse(raw, node, config, select)

    def trim(tester, kinds):
        calls["trimmed"].append(kinds)
        return real_trim(tester, kinds)

    monkeypatch.setattr(results, "analyse", analyse)
    monkeypatch.setattr(_trim, "trim", trim)
    visitor = pytest.importorskip("bandit.core.node_visitor").BanditNodeVisitor
    real_post_visit = visitor.post_visit

    def post_visit(self, node):
        if getattr(node, "id", None) == CRASH.strip():
            raise RuntimeError("walk abandoned")
        return real_post_visit(self, node)

    monkeypatch.setattr(visitor, "post_visit", post_visit)
    return calls


def both_ways(monkeypatch, run):
    """``run()`` trimmed, then untrimmed; asserts the results are equal."""
    monkeypatch.delenv("SECGUIDE_BANDIT_TRIM", raising=False)
    trimmed = run()
    monkeypatch.setenv("SECGUIDE_BANDIT_TRIM", "0")
    untrimmed = run()
    monkeypatch.delenv("SECGUIDE_BANDIT_TRIM")
    assert trimmed == untrimmed
    return trimmed


def test_this_bandit_is_a_verified_one():
    # the test set below only proves something when trimming is on
    assert _trim._run_tests_code() is not None, "trimming is off for this Bandit version"


COUNT_LOOKUPS = textwrap.dedent("""\
    import os, sys
    from bandit.cli import main  # as ``python -m bandit``: Bandit imports first
    from bandit_ext import results
    calls = []
    real = results.FileResults.lookup
    results.FileResults.lookup = lambda self, node, code: (calls.append(code), real(self, node, code))[1]
    sys.argv = ["bandit", "-q", "-f", "json", "-o", os.devnull, sys.argv[1]]
    try:
        main.main()
    except SystemExit:
        pass
    print(len(calls))
""")


def test_trimming_is_on_in_a_command_line_run(tmp_path):
    """Bandit imports its plugins before its ``__version__`` is set: the
    version check must still find a verified Bandit in a real run."""
    (tmp_path / "a.py").write_text(VIEW)

    def lookups(trim: str) -> int:
        proc = run_python(["-c", COUNT_LOOKUPS, str(tmp_path / "a.py")],
                          env={"SECGUIDE_BANDIT_TRIM": trim})
        assert proc.returncode == 0, proc.stderr
        return int(proc.stdout.split()[-1])

    trimmed, untrimmed = lookups("1"), lookups("0")
    assert 0 < trimmed < untrimmed / 3, (trimmed, untrimmed)


def test_trimmed_and_untrimmed_runs_report_the_same(monkeypatch):
    """Fixtures and examples: every issue, Bandit's own too, text included;
    trimmed, our tests are called for far fewer nodes."""
    lookups = []
    real_lookup = results.FileResults.lookup

    def lookup(self, node, code):
        lookups.append(code)
        return real_lookup(self, node, code)

    monkeypatch.setattr(results.FileResults, "lookup", lookup)

    def run():
        lookups.clear()
        return [issues(REPO / "tests" / "fixtures"), issues(REPO / "examples")], len(lookups)

    monkeypatch.delenv("SECGUIDE_BANDIT_TRIM", raising=False)
    trimmed, trimmed_calls = run()
    monkeypatch.setenv("SECGUIDE_BANDIT_TRIM", "0")
    untrimmed, untrimmed_calls = run()
    assert trimmed == untrimmed
    assert 0 < trimmed_calls < untrimmed_calls / 3
    (fixtures, skipped), (examples, _) = trimmed
    assert not skipped
    assert sum(code.startswith("SCG") for _, _, _, code, *_ in fixtures + examples) > 300
    assert sum(code.startswith("B") for _, _, _, code, *_ in fixtures + examples) > 100


def test_many_files_in_one_run_agree_with_the_engine(monkeypatch, tmp_path, spy):
    fixtures = REPO / "tests" / "fixtures"
    # files with findings of different rules, then files without any, in one run
    sources = [fixtures / "SCG101" / "bad.py", fixtures / "SCG101" / "good.py",
               fixtures / "SCG601" / "bad.py", fixtures / "SCG905" / "bad.py",
               fixtures / "SCG502" / "good.py", fixtures / "SCG701" / "bad.py"]
    for i, src in enumerate(sources):
        (tmp_path / f"f{i}_{src.parent.name}_{src.stem}.py").write_text(src.read_text())
    found, skipped = both_ways(monkeypatch, lambda: issues(tmp_path))
    assert not skipped
    for path in sorted(tmp_path.glob("*.py")):
        assert scg(found).get(path.name, set()) == engine(path), path.name
    # each file analysed once per run
    names = sorted(p.name for p in tmp_path.glob("*.py"))
    assert sorted(spy["analysed"]) == sorted(names * 2)


@pytest.mark.parametrize("first", [
    # a secguide-typed node without finding: a.py's lists hold none of ours
    "import subprocess\nsubprocess.call(['ls'])\n",
    # a finding: a.py's lists hold SCG601's test only
    "import hashlib\n\n\ndef h(password):\n    return hashlib.md5(password.encode()).hexdigest()\n",
])
def test_file_after_an_abandoned_walk(monkeypatch, tmp_path, spy, first):
    (tmp_path / "a.py").write_text(first + "\n\n" + CRASH)
    (tmp_path / "b.py").write_text("import os\nos.umask(0)\n" + VIEW)
    found, skipped = both_ways(monkeypatch, lambda: issues(tmp_path))
    assert skipped == {"a.py": "exception while scanning file"}
    expected = engine(tmp_path / "b.py")
    # every finding, two of SCG101 among them, each on its own line
    assert {(2, "SCG905"), (16, "SCG101"), (17, "SCG101"), (21, "SCG601")} <= expected
    assert scg(found) == {"b.py": expected}
    assert spy["analysed"] == ["a.py", "b.py"] * 2


def test_selection_still_applies_with_trimming(monkeypatch, tmp_path, spy):
    (tmp_path / "a.py").write_text(VIEW)
    (tmp_path / "b.py").write_text(VIEW)
    found, _ = both_ways(monkeypatch, lambda: issues(tmp_path, tests=["SCG101"]))
    assert scg(found) == {"a.py": {(14, "SCG101"), (15, "SCG101")},
                          "b.py": {(14, "SCG101"), (15, "SCG101")}}
    found, _ = both_ways(monkeypatch, lambda: issues(tmp_path, tests=["SCG601", "B608"]))
    assert scg(found) == {"a.py": {(19, "SCG601")}, "b.py": {(19, "SCG601")}}
    assert {code for *_, code, _, _, _, _ in found} == {"SCG601", "B608"}


def test_trimmed_lists_keep_bandits_tests(tmp_path):
    # Bandit's own findings are the same with and without the pack's tests
    (tmp_path / "a.py").write_text(VIEW)
    (tmp_path / "b.py").write_text("import subprocess\nsubprocess.call('ls ' + x, shell=True)\n")

    def bandit_ids(exclude):
        found, _ = issues(tmp_path, exclude=exclude)
        return [f for f in found if not f[3].startswith("SCG")]

    with_pack = bandit_ids(())
    assert with_pack == bandit_ids({r.code for r in ALL_RULES})
    assert ("b.py", 2, "B602") in {f[:2] + f[3:4] for f in with_pack}


def test_stand_in_lists():
    """The stand-in keeps Bandit's tests and the wanted secguide tests, in
    Bandit's order; its ``get_tests`` is a dictionary read (no Python frame
    per node) that gives no tests for a check nothing registered."""
    def own(context):
        return None

    def ours(code):
        def test(context, config=None):
            return None
        test.secguide_code = code
        return test

    a, b = ours("SCG101"), ours("SCG601")
    full = type("TestSet", (), {"tests": {"Call": [a, own, b], "Str": [a]}, "x": 1})()
    tester = type("Tester", (), {"testset": full})()
    if os.environ.get("SECGUIDE_BANDIT_TRIM", "1") == "0":
        pytest.skip("trimming switched off in this environment")
    _trim.trim(tester, {ast.Call: {"SCG601"}})
    stand_in = tester.testset
    assert stand_in.get_tests("Call") == [own, b]
    assert list(stand_in.get_tests("Str")) == []
    assert list(stand_in.get_tests("Name")) == list(stand_in.get_tests("NoSuchCheck")) == []
    assert type(stand_in.get_tests).__name__ == "builtin_function_or_method"
    assert stand_in.x == 1 and _trim._full(tester) is full
    assert _trim.enabled_codes(tester) == {"SCG101", "SCG601"}

    # the next file's tester: equal kinds share the stand-in, others do not
    second = type("Tester", (), {"testset": full})()
    _trim.trim(second, {ast.Call: {"SCG601"}})
    assert second.testset is stand_in
    third = type("Tester", (), {"testset": full})()
    _trim.trim(third, {ast.Constant: {"SCG101"}})
    assert third.testset is not stand_in
    assert third.testset.get_tests("Call") == [own] and third.testset.get_tests("Str") == [a]
    # another run's test set (an in-process caller) gets stand-ins of its own
    other = type("TestSet", (), {"tests": {"Call": [b]}})()
    fourth = type("Tester", (), {"testset": other})()
    _trim.trim(fourth, {ast.Call: {"SCG601"}})
    assert fourth.testset is not stand_in and _trim._full(fourth) is other


def test_no_trimming_and_every_default_rule_analysed_on_an_unverified_bandit(monkeypatch, tmp_path, spy):
    import bandit

    monkeypatch.setattr(bandit, "__version__", "1.7.5")
    assert _trim._run_tests_code() is None
    monkeypatch.setattr(bandit, "__version__", "2.0.0")
    assert _trim._run_tests_code() is None
    monkeypatch.undo()
    assert _trim._run_tests_code() is not None

    (tmp_path / "a.py").write_text(VIEW)
    selected = []
    real = results.analyse
    monkeypatch.setattr(results, "analyse", lambda raw, node, config, select: (
        selected.append(sorted(select)), real(raw, node, config, select))[1])
    monkeypatch.setattr(_trim, "_RUN_TESTS", None)
    found, _ = issues(tmp_path, tests=["SCG101"])
    assert scg(found) == {"a.py": {(14, "SCG101"), (15, "SCG101")}}
    # which tests the run named is not known there: opt-in rules stay off
    assert selected == [sorted(r.code for r in ALL_RULES if r.default_enabled)]
