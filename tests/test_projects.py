"""Multi-file fixture projects: inline expectations across modules.

Each folder under ``tests/projects/`` is a small application whose facts
live in several modules (decorators, base classes, models, app setup,
helpers).  Every ``.py`` file in it carries its expectations inline
(``# expect: SCGnnn[:col]``); a file without markers must report nothing.
The engine (fast tier), flake8 with ``-j1``, ``-j2`` and stdin with
``--stdin-display-name``, and Bandit (``hosts`` tier) must all report
exactly the expected (line, code) set on every file; with the option
``project-facts`` off, the engine reports what the file alone shows.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import secguide
from tests.expectations import Expectations
from tests.toolrun import all_codes, bandit, flake8, scg

PROJECTS = Path(__file__).parent / "projects"
PROJECT_DIRS = sorted(p for p in PROJECTS.iterdir() if p.is_dir())
FILES = sorted(PROJECTS.rglob("*.py"))


def _expected(path: Path) -> set[tuple[int, str]]:
    return Expectations(path).expected


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PROJECTS)))
def test_engine_meets_the_inline_expectations(path):
    exp = Expectations(path)
    found = secguide.check_source(path.read_bytes(), str(path), select=all_codes())
    assert exp.check(Expectations.positions(found)) == []


def test_projects_have_expectations_on_both_sides():
    """The projects are not vacuous: some files must report, some must not."""
    reporting = [p for p in FILES if _expected(p)]
    assert reporting, "no project file expects a finding"
    assert len(reporting) < len(FILES)


def _by_file(hits, root: Path) -> dict[Path, set[tuple[int, str]]]:
    out: dict[Path, set[tuple[int, str]]] = {}
    for h in scg(hits):
        out.setdefault(Path(h.path).resolve(), set()).add((h.line, h.code))
    return out


def _want(project: Path) -> dict[Path, set[tuple[int, str]]]:
    return {p.resolve(): _expected(p) for p in sorted(project.rglob("*.py")) if _expected(p)}


@pytest.mark.hosts
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("project", PROJECT_DIRS, ids=lambda p: p.name)
def test_flake8_agrees_on_each_project(project, jobs):
    run = flake8(["."], "--select", "SCG", "-j", jobs, cwd=project)
    assert run.returncode in (0, 1), run.stderr
    assert _by_file(run.hits, project) == _want(project)


@pytest.mark.hosts
@pytest.mark.parametrize("path", [p for p in FILES if _expected(p)],
                         ids=lambda p: str(p.relative_to(PROJECTS)))
def test_flake8_stdin_reads_the_sibling_modules(path):
    """An editor pipes the buffer in; the display name points at the real
    file, and the sibling modules are still read from disk."""
    run = flake8(["-"], "--select", "SCG", f"--stdin-display-name={path}",
                 cwd=PROJECTS, stdin=path.read_bytes())
    assert {(h.line, h.code) for h in scg(run.hits)} == _expected(path)


@pytest.mark.hosts
@pytest.mark.parametrize("project", PROJECT_DIRS, ids=lambda p: p.name)
def test_bandit_agrees_on_each_project(project):
    run = bandit(["-r", "."], "-t", ",".join(all_codes()), cwd=project)
    assert run.data is not None, run.stderr
    assert _by_file(run.hits, project) == _want(project)
