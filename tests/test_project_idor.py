"""SCG401 with project facts: multi-file fixture projects, run through the
engine, flake8 and Bandit on the real files (the tools must see the sibling
modules), and the off switch (``project-facts = false``)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import secguide
from tests.checks import bandit_scan
from tests.expectations import Expectations
from tests.toolrun import _flake8_in_process, bandit_config_file, scg

PROJECTS = Path(__file__).parent / "projects"
FLASK_VIEWS = PROJECTS / "idor_flask/ctf/admin/views.py"
DJANGO_VIEWS = PROJECTS / "idor_django/inv/billing/views.py"
VIEWS = [FLASK_VIEWS, DJANGO_VIEWS]
IDS = [p.parent.parent.parent.name for p in VIEWS]
OFF = {"project-facts": False}


def engine(path: Path, options: dict | None = None, filename: str | None = None):
    return [f for f in secguide.check_source(path.read_bytes(), filename or str(path),
                                             select=["SCG401"], options=options or {})]


def lines(findings) -> set[tuple[int, str]]:
    return {(f.line, f.code) for f in findings}


def flake8_lines(path: Path, tmp_path: Path, *extra: str) -> set[tuple[int, str]]:
    hits = _flake8_in_process([str(path)], ["--select=SCG401", "--disable-noqa", *extra],
                              tmp_path / "flake8.txt")
    return {(h.line, h.code) for h in scg(hits)}


def bandit_lines(path: Path, tmp_path: Path, options: dict | None = None) -> set[tuple[int, str]]:
    if options:
        from bandit.core import config as b_config
        from bandit.core import manager as b_manager

        conf = b_config.BanditConfig(str(bandit_config_file(options, tmp_path)))
        mgr = b_manager.BanditManager(conf, "file", debug=True, quiet=True, ignore_nosec=True,
                                      profile={"include": {"SCG401"}, "exclude": set()})
        mgr.discover_files([str(path)])
        mgr.run_tests()
        issues, skipped = mgr.get_issue_list(), mgr.skipped
    else:
        issues, skipped = bandit_scan(path, {"SCG401"})
    assert skipped == []
    return {(i.lineno, i.test_id) for i in issues if i.test_id == "SCG401"}


@pytest.mark.parametrize("path", VIEWS, ids=IDS)
def test_project_views_meet_expectations(path):
    exp = Expectations(path)
    assert exp.expected, "the project file carries no expectation"
    assert exp.check(exp.positions(engine(path))) == []


@pytest.mark.parametrize("path", VIEWS, ids=IDS)
def test_engine_flake8_bandit_agree_on_project_files(path, tmp_path):
    found = lines(engine(path))
    assert found
    assert flake8_lines(path, tmp_path) == found
    assert bandit_lines(path, tmp_path) == found


@pytest.mark.parametrize("path", VIEWS, ids=IDS)
def test_off_switch_gives_the_per_file_verdicts(path, tmp_path):
    """With project facts off, the findings are those of the file analysed
    alone (a copy without its sibling modules), in every host."""
    alone = tmp_path / "alone" / path.name
    alone.parent.mkdir()
    shutil.copy(path, alone)
    off = engine(path, OFF)
    per_file = engine(alone)
    assert [(f.line, f.col, f.confidence) for f in off] == \
        [(f.line, f.col, f.confidence) for f in per_file]
    assert lines(off) != lines(engine(path))  # the facts do change the verdicts
    assert flake8_lines(path, tmp_path, "--secguide-project-facts=false") == lines(off)
    assert bandit_lines(path, tmp_path, OFF) == lines(off)


def _by_line(findings) -> dict[int, str]:
    return {f.line: f.confidence for f in findings}


def _line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(text)


def test_flask_decorators_judged_by_their_bodies():
    on = _by_line(engine(FLASK_VIEWS))
    off = _by_line(engine(FLASK_VIEWS, OFF))
    admin = _line_of(FLASK_VIEWS, "challenge = Challenges.query.filter_by(id=challenge_id).first")
    staff = _line_of(FLASK_VIEWS, "team = Teams.query.filter_by(id=team_id).first_or_404()\n"[:-1])
    # admins_only (the role test is in is_admin(), another module) and a
    # decorator delegating to it: no finding with facts
    assert admin not in on and staff not in on
    # without facts a name like admins_only lowers the finding to LOW only
    assert off[admin] == "LOW"
    # authed_only (log-in only) and admin_cached (checks nothing) stay MEDIUM
    private = _line_of(FLASK_VIEWS, "@authed_only") + 2
    cached = _line_of(FLASK_VIEWS, "@admin_cached") + 2
    assert on[private] == "MEDIUM" and on[cached] == "MEDIUM"


def test_django_hierarchies_judged_by_their_classes():
    on = _by_line(engine(DJANGO_VIEWS))
    off = _by_line(engine(DJANGO_VIEWS, OFF))
    populate = _line_of(DJANGO_VIEWS, "invoice = get_object_or_404(self.queryset, pk=pk)")
    trace = _line_of(DJANGO_VIEWS, "obj = get_object_or_404(self.queryset, pk=pk)\n"[:-1])
    plain = _line_of(DJANGO_VIEWS, "class InvoicePlainView") + 4
    # a base (through a star import) that checks has_perms and restricts the
    # queryset; a mixin whose users all inherit BaseViewSet.initial()'s restriction
    assert populate not in on and trace not in on
    # per file: project bases and mixins cannot be read, LOW; Django's View: MEDIUM
    assert off[populate] == "LOW" and off[trace] == "LOW"
    assert on[plain] == off[plain] == "MEDIUM"
