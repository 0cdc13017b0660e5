"""Parameter-to-sink summaries: untrusted data passed to a helper whose
parameter reaches a sink is reported at the call, in the same file and
across the project's modules (tests/projects/flows)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

import secguide
from secguide import engine
from secguide.analysis import summaries as S
from secguide.options import Options
from tests.expectations import Expectations
from tests.toolrun import _bandit_in_process, _flake8_in_process, bandit, flake8, scg

PROJECT = Path(__file__).parent / "projects" / "flows"
VIEWS = PROJECT / "app" / "views.py"


def _all_codes() -> list[str]:
    from secguide.registry import ALL_RULES

    return [r.code for r in ALL_RULES]


def findings(path: Path, source: str | None = None, **options) -> list:
    """The engine's findings on ``path`` (written first when ``source`` is
    given: a project's modules are read only for files on disk)."""
    if source is not None:
        path.write_text(source)
    return secguide.check_source(path.read_text(), str(path), select=_all_codes(),
                                 options=Options(**options) if options else None)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the flows project to add modules to."""
    shutil.copytree(PROJECT, tmp_path / "flows")
    return tmp_path / "flows"


def positions(found) -> set[tuple[int, str]]:
    return {(f.line, f.code) for f in found}


def fresh_store():
    engine._SUMMARIES.clear()


# -- the engine -----------------------------------------------------------

def test_calls_into_project_helpers_are_reported_at_the_call():
    fresh_store()
    found = findings(VIEWS)
    assert positions(found) == Expectations(VIEWS).expected
    text = {f.line: f.message for f in found}
    assert "request.args['name'] through find_user() in app/db.py" in text[17]
    assert "cur.execute()" in text[17]
    # two modules deep: the service layer, then the database helper
    assert "request.form['n'] through lookup() in app/services.py " \
           "through find_user() in app/db.py" in text[33]
    assert "through archive() in app/db.py" in text[26]
    for f in found:  # never a line of the analysed file, never a token
        assert "line" not in f.message and "\x02" not in f.message
        assert (f.severity, f.confidence) == ("HIGH", "HIGH")


def test_findings_in_the_helpers_themselves_do_not_change():
    """The helpers' own findings are those of the file alone (MEDIUM, a
    parameter pasted into the text): summary mode never reports."""
    db = PROJECT / "app" / "db.py"
    found = findings(db)
    assert positions(found) == {(12, "SCG101"), (23, "SCG102")}
    assert all(f.severity == "MEDIUM" for f in found)
    off = findings(db, project_facts=False)
    assert [(f.line, f.code, f.message) for f in off] == \
        [(f.line, f.code, f.message) for f in found]
    for name in ("services.py", "ping_a.py", "ping_b.py"):
        assert findings(PROJECT / "app" / name) == []


def test_off_switch_keeps_same_file_summaries(project):
    """project-facts=false: no other module is read, so the calls into
    db.py are silent; helpers of the same file are still followed."""
    assert findings(VIEWS, project_facts=False) == []
    src = (
        "import sqlite3\n"
        "from flask import request\n\n"
        "def find(name):\n"
        "    sqlite3.connect('a.db').execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n\n"
        "def view():\n"
        "    find(request.args['q'])\n"
    )
    for opts in ({}, {"project_facts": False}):
        found = findings(project / "app" / "single.py", src, **opts)
        assert positions(found) == {(5, "SCG101"), (8, "SCG101")}
        assert "through find()" in [f for f in found if f.line == 8][0].message


def test_constant_and_sanitized_arguments_are_not_reported(project):
    src = (
        "import shlex\n"
        "from flask import request\n"
        "from app.db import archive, find_user\n\n"
        "def view():\n"
        "    archive(shlex.quote(request.args['f']))\n"
        "    archive('/srv')\n"
        "    find_user(int(request.args['n']))\n"
        "    find_user(name=request.args['n'])\n"
    )
    found = findings(project / "app" / "extra.py", src)
    assert positions(found) == {(9, "SCG101")}  # the keyword argument maps to `name`


def test_a_sanitizer_for_another_kind_does_not_clean(project):
    src = (
        "from html import escape\n"
        "from flask import request\n"
        "from app.db import find_user\n\n"
        "def view():\n"
        "    find_user(escape(request.args['n']))\n"
    )
    assert positions(findings(project / "app" / "extra.py", src)) == {(6, "SCG101")}


def test_import_cycles_terminate_and_answers_do_not_depend_on_order(project):
    """ping_a and ping_b import and call each other: the walk through their
    summaries stops at the cycle; what a call gets depends on the files and
    the call, never on what was analysed before (cold or warm store)."""
    src_a = ("from flask import request\nfrom app import ping_a, ping_b\n\n"
             "def view():\n    ping_a.ping(request.args['h'])\n")
    src_b = ("from flask import request\nfrom app import ping_a, ping_b\n\n"
             "def view():\n    ping_b.pong(request.args['h'], 0)\n")
    both = src_a + "\n\ndef view2():\n    ping_b.pong(request.args['h'], 0)\n"
    path = project / "app" / "extra.py"
    results = []
    for order in ((src_a, src_b, both), (both, src_b, src_a), (src_b, both, src_a)):
        fresh_store()
        results.append({src: positions(findings(path, src)) for src in order})
    assert results[0] == results[1] == results[2]
    got = results[0]
    assert got[src_b] == {(5, "SCG102")}   # pong -> ping_a.run: os.system
    # ping -> pong -> ping is cut where it comes back; pong -> run is found
    assert got[src_a] == {(5, "SCG102")}
    assert got[both] == {(5, "SCG102"), (9, "SCG102")}
    msg = [f.message for f in findings(path, src_a)][0]
    assert "through ping() in app/ping_a.py through pong() in app/ping_b.py " \
           "through run() in app/ping_a.py" in msg


def test_summaries_are_stored_and_a_changed_helper_invalidates_them(project):
    proj = project
    views = proj / "app" / "views.py"
    fresh_store()
    first = positions(findings(views))
    assert first == Expectations(VIEWS).expected
    computed = engine._SUMMARIES.computed
    assert positions(findings(views)) == first
    assert engine._SUMMARIES.computed == computed  # warm: nothing computed again
    db = proj / "app" / "db.py"
    db.write_text(db.read_text().replace(
        "cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
        "cur.execute(\"SELECT * FROM users WHERE name = ?\", (name,))"))
    os.utime(db, ns=(1, 1))  # a different mtime even on coarse clocks
    after = positions(findings(views))
    # both the direct call and the one through services.py (whose stored
    # summary was computed from db.py) are gone
    assert after == first - {(17, "SCG101"), (33, "SCG101")}
    assert engine._SUMMARIES.computed > computed


def _new_process():
    """What another process starts with: empty stores in memory."""
    engine._SUMMARIES.clear()
    engine._FACTS_CACHES.clear()


def test_summaries_are_cached_on_disk_and_invalidated_by_content(project, tmp_path):
    """project-cache-dir: a second process reads the summaries from disk
    (nothing computed again, the same findings); a changed helper
    invalidates its own record and that of the module whose flow goes
    through it."""
    views = project / "app" / "views.py"
    disk = tmp_path / "cache"
    opts = {"project_cache_dir": str(disk)}
    _new_process()
    cold = findings(views, **opts)
    assert positions(cold) == Expectations(VIEWS).expected
    assert list(disk.rglob("*.json")) and not list(disk.rglob("*.tmp"))
    _new_process()
    computed, hits = engine._SUMMARIES.computed, engine._SUMMARIES.disk_hits
    warm = findings(views, **opts)
    assert [(f.line, f.col, f.code, f.message) for f in warm] == \
        [(f.line, f.col, f.code, f.message) for f in cold]
    assert engine._SUMMARIES.computed == computed and engine._SUMMARIES.disk_hits > hits
    db = project / "app" / "db.py"
    db.write_text(db.read_text().replace(
        "cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
        "cur.execute(\"SELECT * FROM users WHERE name = ?\", (name,))"))
    _new_process()
    after = positions(findings(views, **opts))
    assert after == positions(cold) - {(17, "SCG101"), (33, "SCG101")}
    _new_process()  # and without the disk cache: the same
    assert positions(findings(views)) == after


def test_summary_disk_form_round_trips():
    fresh_store()
    findings(VIEWS)
    db = str(PROJECT / "app" / "db.py")
    summary, _ = engine._SUMMARIES.get((db, "find_user", Options()))
    assert S.summary_from_json(json.loads(json.dumps(S.summary_to_json(summary)))) == summary
    assert S.summary_from_json(None) is None
    with pytest.raises(ValueError):
        S.summary_from_json({"name": "f"})


def test_cross_module_summary_entries():
    """What the store keeps for a function (only those a call passed
    untrusted data to): which parameter reaches which rule's sink, for
    which kind and shapes."""
    fresh_store()
    findings(VIEWS)
    db = str(PROJECT / "app" / "db.py")
    assert engine._SUMMARIES.get((db, "get_db", Options())) is None  # never asked for
    summary, deps = engine._SUMMARIES.get((db, "find_user", Options()))
    (entry,) = summary.entries
    assert entry.code == "SCG101" and entry.line == 12
    ((index, kind), shapes), = entry.params
    assert (index, kind) == (0, "sql") and "str" in shapes
    assert summary.params == ("name",)
    assert any(d[0].endswith("db.py") for d in deps)


def test_token_helpers():
    origins = S.param_origins(3, 1, 10)
    assert len(origins) == len(S.SHAPES)
    text = S.symbolic_text(origins)
    assert S.parse_fields({"flow": text}) == (3, {(1, ""): tuple(sorted(S.SHAPES))})
    assert S.parse_fields({"flow": text + S.REAL}) is None  # a mixed flow
    other = S.symbolic_text(S.param_origins(4, 0, 1))
    assert S.parse_fields({"a": text, "b": other}) is None  # two functions
    assert S.parse_fields({"flow": " with request.args['q']"}) is None


# -- the hosts: flake8 and Bandit agree with the engine --------------------

def _engine_positions() -> dict[str, set]:
    out = {}
    for path in sorted((PROJECT / "app").glob("*.py")):
        found = findings(path)
        if found:
            out[f"app/{path.name}"] = {(f.line, f.col, f.code, f.message) for f in found}
    return out


def _by_file(hits, col_base: int) -> dict[str, set]:
    out: dict[str, set] = {}
    for h in scg(hits):
        rel = os.path.relpath(h.path, PROJECT).replace(os.sep, "/")
        out.setdefault(rel, set()).add((h.line, h.col - col_base, h.code, h.text))
    return out


def test_flake8_and_bandit_in_process_agree_with_the_engine():
    fresh_store()
    want = _engine_positions()
    assert set(want) == {"app/views.py", "app/db.py"}
    targets = [str(p) for p in sorted((PROJECT / "app").glob("*.py"))]
    with tempfile.TemporaryDirectory() as tmp:
        hits = _flake8_in_process(targets, ["--select=SCG"], Path(tmp, "out.txt"))
    assert _by_file(hits, 1) == want
    issues, skipped = _bandit_in_process(targets, None)
    assert not skipped
    got: dict[str, set] = {}
    for i in issues:
        if i.test_id.startswith("SCG"):
            rel = os.path.relpath(i.fname, PROJECT).replace(os.sep, "/")
            got.setdefault(rel, set()).add((i.lineno, i.col_offset, i.test_id, i.text))
    assert got == want


@pytest.mark.hosts
@pytest.mark.parametrize("jobs", ["-j1", "-j2"])
def test_flake8_command_line_agrees(jobs):
    want = _engine_positions()
    run = flake8(["app"], "--select=SCG", jobs, cwd=PROJECT)
    assert _by_file(run.hits, 1) == want, run.output


@pytest.mark.hosts
def test_flake8_parallel_runs_share_the_disk_cache(tmp_path):
    """flake8 -j2 with project-cache-dir: cold and warm runs (workers that
    write and read the same records) give the engine's findings; no
    half-written record is left."""
    want = _engine_positions()
    disk = tmp_path / "cache"
    for _ in ("cold", "warm"):
        run = flake8(["app"], "--select=SCG", "-j2", f"--secguide-project-cache-dir={disk}",
                     cwd=PROJECT)
        assert _by_file(run.hits, 1) == want, run.output
    assert list(disk.rglob("*.json")) and not list(disk.rglob("*.tmp"))


@pytest.mark.hosts
def test_flake8_stdin_reads_the_sibling_modules():
    want = _engine_positions()["app/views.py"]
    run = flake8(["--stdin-display-name", "app/views.py", "-"], "--select=SCG",
                 cwd=PROJECT, stdin=VIEWS.read_bytes())
    assert _by_file(run.hits, 1) == {"app/views.py": want}, run.output


@pytest.mark.hosts
def test_bandit_command_line_agrees():
    want = _engine_positions()
    run = bandit(["-r", "app"], cwd=PROJECT)
    assert _by_file(run.hits, 0) == want, run.output
