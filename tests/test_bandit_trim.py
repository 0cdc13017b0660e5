"""Bandit adapter: the per-file trimming of Bandit's test lists.

``bandit_ext.plugins._Host`` replaces Bandit's check-type lists, once a file
is analysed, by lists that hold only the secguide tests with a finding in
that file, and puts the full lists back at Bandit's per-file ``File`` check.
These tests run Bandit in-process on several files in one run and check
that nothing is lost: findings equal the engine's, file by file, also when
Bandit abandons a file's walk half-way (so the ``File`` check of that file
never runs and the lists stay trimmed for the wrong file).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import secguide

pytest.importorskip("bandit.core.manager")

import bandit_ext.plugins as plugins  # noqa: E402
from secguide.registry import ALL_RULES  # noqa: E402
from tests.checks import bandit_scan  # noqa: E402

#: a name that makes Bandit's walk raise (see ``abandon``): Bandit then skips
#: the file with "exception while scanning file" and never runs its File check
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
        return str(db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall())


    def store(password):
        return hashlib.md5(password.encode()).hexdigest()
''')


def run_bandit(directory, tests=None):
    issues, skipped = bandit_scan(directory, tests, debug=False)
    found = {}
    for issue in issues:
        if issue.test_id.startswith("SCG"):
            found.setdefault(Path(issue.fname).name, set()).add(
                (issue.lineno, issue.test_id))
    return found, {Path(name).name: why for name, why in skipped}


def engine(path: Path, select=None):
    return {(f.line, f.code) for f in
            secguide.check_source(path.read_text(), str(path), select=select)}


@pytest.fixture
def spy(monkeypatch):
    """Records each analysis (file name, run late) and breaks Bandit's walk
    at the name in ``CRASH``, as a RecursionError on deep code would."""
    calls = []
    real = plugins._results_for

    def recording(raw, node, config, frame, late=False):
        before = plugins._CACHE[0]
        result = real(raw, node, config, frame, late=late)
        if result is not before:
            calls.append((Path(str(raw.get("filename"))).name, late))
        return result

    monkeypatch.setattr(plugins, "_results_for", recording)
    visitor = pytest.importorskip("bandit.core.node_visitor").BanditNodeVisitor
    real_post_visit = visitor.post_visit

    def post_visit(self, node):
        if getattr(node, "id", None) == CRASH.strip():
            raise RuntimeError("walk abandoned")
        return real_post_visit(self, node)

    monkeypatch.setattr(visitor, "post_visit", post_visit)
    return calls


def test_many_files_in_one_run_agree_with_the_engine(tmp_path, spy):
    fixtures = Path(__file__).parent / "fixtures"
    # files with findings of different rules, then files without any, in one run
    sources = [fixtures / "SCG101" / "bad.py", fixtures / "SCG101" / "good.py",
               fixtures / "SCG601" / "bad.py", fixtures / "SCG905" / "bad.py",
               fixtures / "SCG502" / "good.py", fixtures / "SCG701" / "bad.py"]
    for i, src in enumerate(sources):
        (tmp_path / f"f{i}_{src.parent.name}_{src.stem}.py").write_text(src.read_text())
    found, skipped = run_bandit(tmp_path)
    assert not skipped
    for path in sorted(tmp_path.glob("*.py")):
        assert found.get(path.name, set()) == engine(path), path.name
    # each file analysed once, during its walk
    assert sorted(name for name, late in spy) == sorted(p.name for p in tmp_path.glob("*.py"))
    assert not any(late for _, late in spy)


def test_file_after_an_abandoned_walk_without_findings(tmp_path, spy):
    # a.py: a secguide-typed node (trims the lists, no finding), then a walk
    # Bandit abandons; b.py: every secguide test was trimmed away, so b.py is
    # analysed at its File check and reports there
    (tmp_path / "a.py").write_text("import subprocess\nsubprocess.call(['ls'])\n" + CRASH)
    (tmp_path / "b.py").write_text(VIEW)
    found, skipped = run_bandit(tmp_path)
    assert skipped.get("a.py") == "exception while scanning file"
    expected = engine(tmp_path / "b.py")
    assert {code for _, code in expected} >= {"SCG101", "SCG502", "SCG601"}
    assert found.get("b.py") == expected
    assert spy == [("a.py", False), ("b.py", True)]


def test_file_after_an_abandoned_walk_with_findings(tmp_path, spy):
    # a.py leaves the lists holding SCG601's test only; b.py's first call
    # (os.umask) has an SCG905 finding: SCG601's test notices the new file
    # and SCG905's test is appended to the list Bandit is iterating
    (tmp_path / "a.py").write_text(
        "import hashlib\n\n\ndef h(password):\n"
        "    return hashlib.md5(password.encode()).hexdigest()\n\n\n" + CRASH)
    (tmp_path / "b.py").write_text("import os\nos.umask(0)\n" + VIEW)
    found, skipped = run_bandit(tmp_path)
    assert skipped.get("a.py") == "exception while scanning file"
    expected = engine(tmp_path / "b.py")
    assert (2, "SCG905") in expected
    assert found.get("b.py") == expected
    assert spy == [("a.py", False), ("b.py", False)]


def test_selection_still_applies_with_trimming(tmp_path):
    (tmp_path / "a.py").write_text(VIEW)
    (tmp_path / "b.py").write_text(VIEW)
    found, _ = run_bandit(tmp_path, tests=["SCG101"])
    assert found == {"a.py": {(14, "SCG101")}, "b.py": {(14, "SCG101")}}
    found, _ = run_bandit(tmp_path, tests=["SCG601", "B608"])
    assert found == {"a.py": {(18, "SCG601")}, "b.py": {(18, "SCG601")}}


def test_trimmed_lists_keep_bandits_tests(tmp_path):
    # Bandit's own findings are the same with and without the pack's tests
    (tmp_path / "a.py").write_text(VIEW)
    (tmp_path / "b.py").write_text("import subprocess\nsubprocess.call('ls ' + x, shell=True)\n")

    def bandit_ids(exclude):
        issues, _ = bandit_scan(tmp_path, debug=False, exclude=exclude)
        return sorted((Path(i.fname).name, i.lineno, i.test_id)
                      for i in issues if not i.test_id.startswith("SCG"))

    with_pack = bandit_ids(())
    without = bandit_ids({r.code for r in ALL_RULES})
    assert with_pack == without
    assert ("b.py", 2, "B602") in with_pack
