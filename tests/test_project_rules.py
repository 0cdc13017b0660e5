"""Rules that read project-wide facts, on small projects under tests/projects.

The engine (with the file's real path, so ``ctx.project`` reads the
project's other modules), flake8 and Bandit must report the same findings
on a project's files, and the facts must change the verdict: the same
project without the fact reports.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from secguide.engine import analyze_source
from tests.checks import bandit_scan
from tests.toolrun import _flake8_in_process

PROJECTS = Path(__file__).parent / "projects"
LIMITS = PROJECTS / "flask_limits"
CODES = ("SCG503", "SCG904")


def _engine(path: Path) -> set[tuple[int, str]]:
    found = analyze_source(path.read_bytes(), str(path), select=CODES)
    return {(f.line, f.code) for f in found}


def _flake8(path: Path) -> set[tuple[int, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        hits = _flake8_in_process([str(path)], ["--select", ",".join(CODES)],
                                  Path(tmp, "out.txt"))
    return {(h.line, h.code) for h in hits if h.code in CODES}


def _bandit(path: Path) -> set[tuple[int, str]]:
    issues, skipped = bandit_scan(path, CODES)
    assert skipped == []
    return {(i.lineno, i.test_id) for i in issues}


def _def_line(path: Path, name: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith(f"def {name}("):
            return n
    raise AssertionError(name)


def _decorator_line(path: Path, view: str, decorator: str) -> int:
    return next(n for n in range(_def_line(path, view), 0, -1)
                if path.read_text().splitlines()[n - 1].startswith(decorator))


def _agreed(path: Path) -> set[tuple[int, str]]:
    engine = _engine(path)
    assert _flake8(path) == engine
    assert _bandit(path) == engine
    return engine


@pytest.fixture
def unlimited(tmp_path) -> Path:
    """The same project with the app-wide limiter's default limits removed."""
    proj = tmp_path / "flask_limits"
    shutil.copytree(LIMITS, proj)
    ext = proj / "bakery/extensions.py"
    text = ext.read_text()
    assert "default_limits=" in text
    ext.write_text(text.replace(', default_limits=["200 per day", "50 per hour"]', ""))
    return proj


def test_app_wide_limiter_and_project_decorators():
    views = LIMITS / "bakery/views/auth.py"
    found = _agreed(views)
    # login: limited by Limiter(default_limits=...) in extensions.py;
    # reset_password: by the project's @throttled
    assert not {c for _, c in found if c == "SCG904"}
    # @csrf.exempt on an API-key view (the imported @authorize reads
    # X-Api-Key) is not reported; on the session user's view it is
    assert found == {(_decorator_line(views, "profile", "@csrf.exempt"), "SCG503")}


def test_without_the_limiter_the_login_view_is_reported(unlimited):
    views = unlimited / "bakery/views/auth.py"
    found = _agreed(views)
    assert (_def_line(views, "login"), "SCG904") in found
    # still limited by its own (project) decorator
    assert (_def_line(views, "reset_password"), "SCG904") not in found


def test_without_project_facts_the_imported_decorators_are_unknown():
    views = LIMITS / "bakery/views/auth.py"
    found = analyze_source(views.read_bytes(), str(views), select=CODES,
                           options=_options(project_facts=False))
    lines = {(f.line, f.code) for f in found}
    assert (_def_line(views, "login"), "SCG904") in lines
    assert (_def_line(views, "reset_password"), "SCG904") in lines


def _options(**kw):
    from secguide.options import Options

    return Options(**kw)


def test_csrf_exemption_confidence_follows_the_evidence():
    """HIGH where the view shows the session cookie; LOW where it only hands
    the request to code of another module (its effect unknown)."""
    bad = Path(__file__).parent / "fixtures/SCG503/bad.py"
    found = analyze_source(bad.read_bytes(), str(bad), select=["SCG503"])
    upload = _decorator_line(bad, "upload", "@csrf_exempt")
    rename = _decorator_line(bad, "rename", "@csrf_exempt")
    by_line = {f.line: f.confidence for f in found}
    assert by_line[upload] == "LOW"
    assert by_line[rename] == "HIGH"
