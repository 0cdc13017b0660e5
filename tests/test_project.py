"""Project-wide facts: module discovery, facts, cross-module questions, cache."""
from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest

from secguide.project import FactsCache, ProjectFacts
from secguide.project.modules import ProjectLayout, package_root

PROJECTS = Path(__file__).parent / "projects"


def facts_for(path: Path, cache: FactsCache | None = None, roots=()) -> ProjectFacts:
    tree = ast.parse(path.read_text())
    return ProjectFacts(str(path), tree, cache or FactsCache(), roots)


def test_package_root_and_relative_names():
    users = PROJECTS / "flask_factory/shop/views/users.py"
    root, name = package_root(str(users))
    assert root == str(PROJECTS / "flask_factory")
    assert name == "shop.views.users"
    layout = ProjectLayout(str(users))
    assert layout.absolute("decorators", 2) == "shop.decorators"
    assert layout.absolute("", 1) == "shop.views"
    assert layout.absolute("x", 9) is None
    assert layout.find("shop.models").path.endswith("shop/models.py")
    assert layout.find("shop.views").is_package
    assert layout.find("flask") is None  # third-party: never read


def test_imported_auth_decorators_are_recognised():
    pf = facts_for(PROJECTS / "flask_factory/shop/views/users.py")
    assert pf.is_auth_decorator("admin_required")        # aborts with 403
    assert pf.is_auth_decorator("staff_only")            # delegates to admin_required
    assert pf.is_auth_decorator("deco.admin_required")   # through a module alias
    assert not pf.is_auth_decorator("logged")            # a wrapper that checks nothing
    assert not pf.is_auth_decorator("flask.abort")       # not a project function


def test_model_that_hashes_its_password():
    pf = facts_for(PROJECTS / "flask_factory/shop/views/users.py")
    assert pf.class_provides("User", "hashes_password")
    assert not pf.class_provides("Note", "hashes_password")
    # the hashing runs on every assignment (a password property setter)
    assert pf.class_provides("User", "hashes_on_assign")
    assert not pf.class_provides("Note", "hashes_on_assign")


def test_app_setup_facts_from_the_factory():
    pf = facts_for(PROJECTS / "flask_factory/shop/views/users.py")
    app = pf.app()
    assert app.global_rate_limit and app.csrf_protect


def test_base_class_chain_across_modules():
    pf = facts_for(PROJECTS / "django_mixins/proj/notes/views.py")
    assert pf.class_provides("OwnedDetailView", "scopes_queryset")
    assert not pf.class_provides("OwnedDetailView", "checks_permission")
    assert pf.class_provides("AdminOnlyMixin", "checks_permission")
    assert not pf.class_provides("PlainMixin", "scopes_queryset")
    assert "django.views.generic.DetailView" in pf.base_names("OwnedDetailView")


def test_import_cycles_terminate():
    pf = facts_for(PROJECTS / "cycle/cyc/views.py")
    assert not pf.is_auth_decorator("helper_a")
    chain = pf.class_chain("Base_A")
    assert [c.name for c in chain] == ["Base_A", "Base_B"]


def test_cache_reuses_and_invalidates(tmp_path):
    proj = tmp_path / "flask_factory"
    shutil.copytree(PROJECTS / "flask_factory", proj)
    cache = FactsCache()
    users = proj / "shop/views/users.py"
    assert facts_for(users, cache).is_auth_decorator("admin_required")
    reads = cache.reads
    assert facts_for(users, cache).is_auth_decorator("admin_required")
    assert cache.reads == reads  # warm: nothing parsed again
    deco = proj / "shop/decorators.py"
    deco.write_text(deco.read_text().replace("abort(403)", "pass  # no check"))
    os.utime(deco, ns=(1, 1))  # a different mtime even on coarse clocks
    assert not facts_for(users, cache).is_auth_decorator("admin_required")
    assert cache.reads == reads + 1


def test_disk_cache_is_shared_and_keyed_by_content(tmp_path):
    proj = tmp_path / "flask_factory"
    shutil.copytree(PROJECTS / "flask_factory", proj)
    disk = tmp_path / "cache"
    users = proj / "shop/views/users.py"
    first = FactsCache(str(disk))
    assert facts_for(users, first).is_auth_decorator("admin_required")
    files = sorted(disk.rglob("*.json"))
    assert files and not list(disk.rglob("*.tmp"))
    json.loads(files[0].read_text())  # complete, valid JSON
    second = FactsCache(str(disk))      # another process: reads the disk cache
    assert facts_for(users, second).is_auth_decorator("admin_required")
    assert second.reads == 0
    deco = proj / "shop/decorators.py"
    deco.write_text(deco.read_text().replace("abort(403)", "pass"))
    third = FactsCache(str(disk))
    assert not facts_for(users, third).is_auth_decorator("admin_required")
    assert third.reads == 1


def test_configured_roots_and_foreign_code(tmp_path):
    (tmp_path / "src/lib").mkdir(parents=True)
    (tmp_path / "src/lib/__init__.py").write_text("")
    (tmp_path / "src/lib/guard.py").write_text(
        "from flask import abort\n"
        "def need_admin(f):\n"
        "    def w(*a):\n"
        "        abort(401)\n"
        "    return w\n")
    (tmp_path / "scripts").mkdir()
    view = tmp_path / "scripts/run.py"
    view.write_text("from lib.guard import need_admin\n")
    assert not facts_for(view).is_auth_decorator("need_admin")
    assert facts_for(view, roots=(str(tmp_path / "src"),)).is_auth_decorator("need_admin")
    venv = tmp_path / ".venv/lib/site-packages"
    venv.mkdir(parents=True)
    assert not facts_for(view, roots=(str(venv),)).layout.roots.count(str(venv))


@pytest.mark.parametrize("bad", ["def f(:\n", "\x00\x01", "x = 1\n" * 10])
def test_unreadable_modules_give_no_facts(tmp_path, bad):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("")
    (tmp_path / "pkg/deco.py").write_text(bad)
    view = tmp_path / "pkg/view.py"
    view.write_text("from pkg.deco import guard\n")
    pf = facts_for(view)
    assert not pf.is_auth_decorator("guard")
    assert pf.module("pkg.deco") is not None


def test_authorization_decorators_are_not_login_decorators():
    views = PROJECTS / "idor_flask/ctf/admin/views.py"
    pf = facts_for(views)
    deco = "ctf.utils.decorators."
    # the wrapper denies; the role test (user.type == "admin") is in is_admin(),
    # a function of another module it calls
    assert pf.is_authz_decorator("admins_only")
    assert pf.is_authz_decorator(deco + "staff_or_admins")  # delegates to admins_only
    assert pf.is_authz_decorator("deco.admins_only")        # through a module alias
    assert pf.function(deco + "admins_only").checks_role is False
    assert pf.function("ctf.utils.is_admin").checks_role
    # a log-in only: authentication (is_auth_decorator), not authorization
    assert pf.is_auth_decorator("authed_only")
    assert not pf.is_authz_decorator("authed_only")
    assert not pf.function("ctf.utils.authed").checks_role
    assert not pf.is_authz_decorator("admin_cached")        # checks nothing
    flask = facts_for(PROJECTS / "flask_factory/shop/views/users.py")
    assert flask.is_authz_decorator("admin_required")       # current_user.is_admin
    assert not flask.is_authz_decorator("logged")


def test_star_imports_and_queryset_restrictions():
    pf = facts_for(PROJECTS / "idor_django/inv/billing/views.py")
    # generic/__init__.py re-exports object_views with ``import *``
    edit = pf.klass("generic.ObjectEditView")
    assert edit is not None and edit.name == "ObjectEditView"
    # has_perms in has_permission: a role check; self.queryset = ...restrict(user)
    assert pf.class_provides("generic.ObjectEditView", "checks_role")
    assert pf.class_provides("generic.ObjectEditView", "scopes_queryset")
    # a log-in mixin checks a permission in the loose sense, not a role
    assert pf.class_provides("generic.LoggedInView", "checks_permission")
    assert not pf.class_provides("generic.LoggedInView", "checks_role")
    assert not pf.class_provides("generic.LoggedInView", "scopes_queryset")
    # BaseViewSet.initial() restricts self.queryset to the requesting user
    assert pf.class_provides("BaseViewSet", "scopes_queryset")
    assert pf.module("inv.core.generic").star_imports == ["inv.core.generic.object_views"]


def test_resolving_a_name_reads_an_outline_only(tmp_path):
    """A call's target is resolved through a module's outline (its names
    and imports, a parse and no walk); a question about what the function
    does reads its facts then, once."""
    users = PROJECTS / "flask_factory/shop/views/users.py"
    cache = FactsCache()
    pf = facts_for(users, cache)
    mf, name = pf.function_def("admin_required")
    assert name == "admin_required" and mf.functions[name] is None  # an outline
    assert pf.function_def("deco.logged")[1] == "logged"
    assert pf.function_def("flask.abort") is None
    assert (cache.reads, cache.outline_reads) == (0, 1)
    assert pf.is_auth_decorator("admin_required")  # the facts now
    assert cache.reads == 1 and pf.function("admin_required").denies
    # a module whose facts are at hand serves as its own outline
    other = facts_for(users, cache)
    assert other.function_def("admin_required")[0].functions["admin_required"] is not None
    assert cache.outline_reads == 1
    # outlines are cached on disk as well
    disk = tmp_path / "cache"
    facts_for(users, FactsCache(str(disk))).function_def("admin_required")
    second = FactsCache(str(disk))
    assert facts_for(users, second).function_def("admin_required") is not None
    assert (second.reads, second.outline_reads, second.parses) == (0, 0, 0)


def test_a_module_and_its_summaries_share_one_parse():
    """The tree a module's facts were read from is the one its summaries
    use (bounded), and a module in summary mode takes its own facts from
    the cache."""
    users = PROJECTS / "flask_factory/shop/views/users.py"
    cache = FactsCache()
    pf = facts_for(users, cache)
    assert pf.is_auth_decorator("admin_required")
    assert cache.parses == 1
    deco = str(PROJECTS / "flask_factory/shop/decorators.py")
    tree = cache.tree(deco)
    assert tree is not None and cache.parses == 1  # the same parse
    own = ProjectFacts(deco, tree, cache).own
    assert own is pf.module("shop.decorators")  # not computed again
    assert ProjectFacts(deco, ast.parse(Path(deco).read_text()), cache).own is not own


@pytest.mark.parametrize("body, scoped", [
    ("self.queryset = self.queryset.restrict(request.user, 'view')", True),
    ("if x:\n            pass\n        else:\n            self.queryset = Q.filter(owner=user)", True),
    ("try:\n            pass\n        except E:\n            self.queryset = Q.for_user(current_user)", True),
    ("with lock:\n            for i in x:\n                self.object_list = Q.filter(user=u)", True),
    ("match x:\n            case 1:\n                self.queryset = Q.restrict(user)", True),
    ("def inner():\n            self.queryset = Q.restrict(request.user)", True),
    ("self.queryset = Q.all()", False),
    ("queryset = Q.filter(owner=request.user)", False),   # not self.queryset
    ("f(lambda: Q.filter(user=request.user))", False),
])
def test_queryset_reassignments_are_found_in_any_statement(body, scoped):
    from secguide.project.facts import module_facts

    src = f"class V(View):\n    def setup(self, request):\n        {body}\n"
    cf = module_facts(ast.parse(src), "m", "m.py", {}).classes["V"]
    assert cf.scopes_queryset is scoped


def test_trees_are_released_after_each_analysed_file(tmp_path, monkeypatch):
    """Project modules' parsed trees serve one file's analysis and are then
    dropped (kept across files, their nodes would sit in the heap that the
    host's garbage collector walks); what was derived from them stays."""
    from secguide import engine

    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "db.py").write_text(
        "def find_user(cur, name):\n"
        "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n")
    views = app / "views.py"
    views.write_text(
        "from flask import request\n"
        "from app.db import find_user\n\n\n"
        "def show(cur):\n"
        "    return find_user(cur, request.args['q'])\n")
    engine._FACTS_CACHES.clear()
    seen = []
    real = FactsCache.release_trees

    def spy(self):
        seen.append(len(self._trees))
        real(self)

    monkeypatch.setattr(FactsCache, "release_trees", spy)
    found = engine.analyze_tree(ast.parse(views.read_text()), str(views))
    assert any(f.code == "SCG101" and "through find_user()" in f.message for f in found)
    cache = engine._FACTS_CACHES[""]
    assert seen and seen[-1] >= 1          # the analysis did read trees
    assert not cache._trees                 # ... and none is left after it
    parses = cache.parses
    assert parses >= 1
    again = engine.analyze_tree(ast.parse(views.read_text()), str(views))
    assert cache.parses == parses           # what was derived stays cached
    assert [(f.code, f.line) for f in again] == [(f.code, f.line) for f in found]


def _write(root: Path, files: dict) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_star_imported_modules_that_never_name_it_are_not_parsed(tmp_path):
    """A package ``__init__`` star-imports many modules: looking one name up
    parses the modules whose text (or star-imported text) names it, no
    other; a name bound through a chain of star imports is still found."""
    _write(tmp_path, {
        "app/__init__.py": "",
        "app/views.py": "from app.helpers import *\n",
        "app/helpers/__init__.py": "from .strings import *\nfrom .sql import *\n"
                                   "from .nested import *\n",
        "app/helpers/strings.py": "def title(s):\n    return s.title()\n",
        "app/helpers/sql.py": "def find_user(db, q):\n    return db.execute(q)\n",
        "app/helpers/nested.py": "from app.deep import *\n",
        "app/deep.py": "def deep_helper(x):\n    return x\n",
    })
    cache = FactsCache()
    pf = facts_for(tmp_path / "app/views.py", cache)
    mf, name = pf.function_def("app.helpers.find_user")
    assert (name, mf.name) == ("find_user", "app.helpers.sql")
    assert cache.outline_reads == 2  # the package __init__ and sql.py only
    assert pf.function_def("app.helpers.deep_helper")[0].name == "app.deep"
    assert cache.outline_reads == 4  # + nested.py (its star import) and deep.py
    assert pf.function_def("app.helpers.missing") is None
    assert cache.outline_reads == 4
    # the texts the answers came from are dependencies of what they decided
    assert str(tmp_path / "app/helpers/strings.py") in {k[0] for k in pf.files_read()}


def test_a_class_constructor_is_found_without_a_parse(tmp_path):
    """``Form(request.POST)`` names a class: when the module's text binds
    the name only by its ``class`` statement, no function can be found
    there and the module is not parsed; any other mention is a "maybe"."""
    _write(tmp_path, {
        "app/__init__.py": "",
        "app/forms.py": "class SearchForm:\n    pass\n\n\ndef search_form(q):\n    return q\n",
        "app/mixed.py": "class Shown:\n    pass\n\n\nShown = make(Shown)\n",
        "app/stars.py": "from app.forms import *\n\n\nclass Other:\n    pass\n",
        "app/views.py": "",
    })
    cache = FactsCache()
    pf = facts_for(tmp_path / "app/views.py", cache)
    assert pf.function_def("app.forms.SearchForm") is None
    assert cache.outline_reads == 0
    assert pf.function_def("app.forms.search_form")[1] == "search_form"
    assert cache.outline_reads == 1
    assert pf.function_def("app.mixed.Shown") is None  # rebound: parsed to know
    assert pf.function_def("app.stars.Other") is None  # a star import: parsed
    assert cache.outline_reads == 3


def test_text_tests_never_change_an_answer(tmp_path):
    """Names the text tests cannot rule out: a non-ASCII name, a class name
    in a docstring beside a star import, a star import written oddly."""
    _write(tmp_path, {
        "app/__init__.py": "",
        "app/impl.py": "def Report(x):\n    return x\n\n\ndef naïve(x):\n    return x\n",
        "app/api.py": '"""\nclass Report:\n"""\nfrom app.impl import *\n',
        "app/odd.py": "import os; from app.impl import\\\n *\n",
        "app/uni.py": "from app.impl import *\n",
        "app/views.py": "",
    })
    pf = facts_for(tmp_path / "app/views.py", FactsCache())
    assert pf.function_def("app.api.Report")[0].name == "app.impl"
    assert pf.function_def("app.odd.Report")[0].name == "app.impl"
    assert pf.function_def("app.uni.naïve")[0].name == "app.impl"
