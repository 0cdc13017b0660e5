"""SCG604 with project facts: the class a password is given to is resolved
in the project (tests/projects/storage_app).  Models that hash the password
whenever it is set (``@validates``, a synonym/property setter), in-memory
records that are not models and clients that log in elsewhere are not
reported; models that store the value as given still are, through the
engine, flake8 and Bandit alike.  Also: CI, development and testing
settings modules are test settings (tests/projects/settings_split)."""
from __future__ import annotations

import ast
from pathlib import Path

from secguide.engine import analyze_source
from secguide.options import Options
from secguide.project import FactsCache, ProjectFacts
from tests.expectations import Expectations
from tests.toolrun import bandit, flake8, rel

APP = Path(__file__).parent / "projects" / "storage_app" / "accounts"
SERVICES = APP / "services.py"


def expected() -> set[tuple[int, str]]:
    return {k for k in Expectations(SERVICES).expected if k[1] == "SCG604"}


def engine(**options):
    return [f for f in analyze_source(SERVICES.read_bytes(), str(SERVICES), ["SCG604"],
                                      Options(**options))]


def test_model_facts_say_which_models_hash_on_assignment():
    pf = ProjectFacts(str(SERVICES), ast.parse(SERVICES.read_text()), FactsCache())
    assert pf.class_provides("Users", "hashes_on_assign")        # @validates("password")
    assert pf.class_provides("Admins", "hashes_on_assign")       # through its base
    assert pf.class_provides("models.Member", "hashes_on_assign")  # synonym setter
    assert not pf.class_provides("Plain", "hashes_on_assign")
    # set_password() hashes, but a caller that sets .password skips it
    assert pf.class_provides("Legacy", "hashes_password")
    assert not pf.class_provides("Legacy", "hashes_on_assign")


def test_engine_reports_only_models_that_store_the_value():
    found = engine()
    assert {(f.line, f.code) for f in found} == expected()
    # the class is resolved: the verdict is the rule's, not a name guess
    assert {f.confidence for f in found} == {"MEDIUM"}


def test_without_project_facts_the_name_guess_reports_at_low_confidence():
    found = engine(project_facts=False)
    lines = {f.line for f in found}
    assert {line for line, _ in expected()} <= lines
    assert len(lines) > len(expected())  # the hashing models are guessed from names
    by_line = {f.line: f.confidence for f in found}
    # Django's User is a declared model (models/db.py): no guess needed
    django_user = next(i for i, text in enumerate(SERVICES.read_text().splitlines(), 1)
                       if "return User(" in text)
    assert by_line.pop(django_user) == "MEDIUM"
    assert set(by_line.values()) == {"LOW"}


def test_flake8_and_bandit_agree_with_the_engine():
    f8 = flake8([rel(SERVICES)], "--select=SCG604")
    assert {(h.line, h.code) for h in f8.hits} == expected(), f8.output
    bd = bandit([rel(SERVICES)])
    got = {(h.line, h.code) for h in bd.hits if h.code == "SCG604"}
    assert got == expected(), bd.output
    confidences = {r["issue_confidence"] for r in bd.data["results"]
                   if r["test_id"] == "SCG604"}
    assert confidences == {"MEDIUM"}


# -- test and CI settings modules (F13) ------------------------------------
SPLIT = Path(__file__).parent / "projects" / "settings_split" / "site"


def _expected_in(files) -> dict[Path, set[tuple[int, str]]]:
    return {p: Expectations(p).expected for p in files}


def test_ci_dev_and_testing_settings_are_test_settings():
    from secguide.analysis.context import FileAnalysis

    assert FileAnalysis._test_file(str(SPLIT / "settings" / "ci.py"))
    assert FileAnalysis._test_file(str(SPLIT / "configuration_testing.py"))
    assert FileAnalysis._test_file("proj/settings/development.py")
    assert FileAnalysis._test_file(str(SPLIT / "settings" / "local_dev.py"))
    assert FileAnalysis._test_file("proj/settings_dev.py")
    assert not FileAnalysis._test_file(str(SPLIT / "settings" / "production.py"))
    assert not FileAnalysis._test_file("proj/ci.py")  # outside a settings folder
    assert not FileAnalysis._test_file("proj/settings/local.py")


def _agree(folder: Path) -> None:
    """Engine, flake8 and Bandit report exactly the marked lines of every
    module of a fixture project."""
    files = sorted(p for p in folder.rglob("*.py"))
    want = _expected_in(files)
    assert any(want.values())
    for p in files:
        got = {(f.line, f.code) for f in analyze_source(p.read_bytes(), str(p))}
        assert got == want[p], p
    f8 = flake8([rel(p) for p in files], "--select=SCG")
    assert f8.by_file() == {p: w for p, w in want.items() if w}, f8.output
    bd = bandit([rel(p) for p in files])
    got = {}
    for h in bd.hits:
        if h.code.startswith("SCG"):
            got.setdefault(h.path, set()).add((h.line, h.code))
    assert got == {p: w for p, w in want.items() if w}, bd.output


def test_settings_split_through_engine_flake8_and_bandit():
    _agree(SPLIT)


# -- redirect guards of the project (G5) -----------------------------------
GUARD = Path(__file__).parent / "projects" / "redirect_guard" / "portal"


def test_imported_redirect_guard_helper():
    pf = ProjectFacts(str(GUARD / "views.py"), ast.parse((GUARD / "views.py").read_text()),
                      FactsCache())
    assert pf.function("safe_for_redirect").validates == "redirect"
    assert pf.function("looks_like_url").validates == ""
    _agree(GUARD)


def test_without_project_facts_the_imported_guard_is_unknown():
    views = GUARD / "views.py"
    found = analyze_source(views.read_bytes(), str(views), ["SCG403"],
                           Options(project_facts=False))
    assert len(found) == 2
