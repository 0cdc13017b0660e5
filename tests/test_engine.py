"""The shared pass: import resolution, constants, branches, containers,
helper summaries, the public API and the registry's checks."""
from __future__ import annotations

import textwrap

import pytest

import secguide.engine as engine
from secguide import Finding, check_source
from secguide.registry import ALL_RULES, validate
from secguide.rule import Rule
from tests.checks import bounded


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(engine, "_STRICT", True)


def codes(src: str, **kw) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check_source(textwrap.dedent(src), **kw)]


FLASK = """
    import sqlite3
    from flask import Flask, request
    app = Flask(__name__)
"""


# ---------------------------------------------------------------- imports
def test_aliased_and_function_local_imports_resolve():
    src = """
    def store(password):
        import hashlib as h
        from hashlib import sha1 as fast
        a = h.md5(password.encode())
        b = fast(password.encode())
        return a, b
    """
    assert codes(src) == [(5, "SCG601"), (6, "SCG601")]


def test_submodule_import_alias():
    src = """
    import cryptography.hazmat.primitives.kdf.pbkdf2 as kdf
    def derive(hashes, salt):
        return kdf.PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=1000)
    """
    assert codes(src) == [(4, "SCG603")]


def test_a_local_name_shadows_an_import():
    src = """
    import hashlib
    def f(password):
        hashlib = make_argon2_wrapper()
        return hashlib.sha256(password)
    """
    assert codes(src) == []


def test_import_scoped_to_its_function():
    src = """
    def a(password):
        from hashlib import md5
        return md5(password)
    def b(password):
        return md5(password)
    """
    assert codes(src) == [(4, "SCG601")]


# -------------------------------------------------------------- constants
def test_module_constant_is_clean_but_reassigned_one_is_not():
    src = FLASK + """
    TABLE = "users"
    MODE = "a"
    MODE = request_mode()
    def q(cur, name):
        cur.execute(f"SELECT * FROM {TABLE} WHERE name = ?", (name,))
        cur.execute(f"SELECT * FROM t WHERE mode = '{MODE}'")
    """
    assert codes(src) == [(11, "SCG101")]


def test_constants_fold_through_arithmetic():
    src = """
    import hashlib
    ITER = 10 ** 3
    BIG = 2 ** 20
    def f(pw, salt):
        hashlib.pbkdf2_hmac("sha256", pw, salt, ITER * 100)
        hashlib.pbkdf2_hmac("sha256", pw, salt, BIG)
    """
    assert codes(src) == [(6, "SCG603")]


def test_dead_branch_of_a_constant_condition_contributes_nothing():
    src = FLASK + """
    LEGACY = False
    @app.route("/s")
    def s():
        q = "x"
        if LEGACY:
            q = request.args["q"]
        db = sqlite3.connect("a")
        return str(db.execute(f"SELECT * FROM t WHERE a = '{q}'").fetchall())
    """
    assert codes(src) == []


def test_live_branch_joins_with_the_other():
    src = FLASK + """
    @app.route("/s")
    def s():
        q = "x"
        if request.args.get("custom"):
            q = request.args["q"]
        db = sqlite3.connect("a")
        return str(db.execute(f"SELECT * FROM t WHERE a = '{q}'").fetchall())
    """
    found = check_source(textwrap.dedent(src))
    assert [(f.line, f.code, f.severity) for f in found] == [(12, "SCG101", "HIGH")]
    assert found[0].message.endswith("with request.args['q']; pass values as parameters")


def test_container_slot_overwritten_by_constant_is_clean():
    src = FLASK + """
    @app.route("/s")
    def s():
        opts = {"order": request.args["order"], "limit": 10}
        opts["order"] = "name"
        db = sqlite3.connect("a")
        return str(db.execute("SELECT * FROM t WHERE x = '%s'" % opts["order"]).fetchall())
    """
    assert codes(src) == []


def test_allow_list_check_cleans_the_checked_path():
    src = FLASK + """
    ALLOWED = ("name", "date")
    @app.route("/s")
    def s():
        col = request.args["col"]
        if col not in ALLOWED:
            return "bad", 400
        db = sqlite3.connect("a")
        return str(db.execute(f"SELECT * FROM t WHERE k = '{col}'").fetchall())
    """
    assert codes(src) == []


def test_placeholder_lists_are_constant():
    src = """
    def q(cur, ids):
        marks = ", ".join("?" * len(ids))
        cur.execute(f"SELECT * FROM t WHERE id IN ({marks})", ids)
        cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join(["%s"] * len(ids)), ids)
    """
    assert codes(src) == []


def test_int_sanitizes():
    src = FLASK + """
    @app.route("/s")
    def s():
        n = int(request.args["n"])
        db = sqlite3.connect("a")
        return str(db.execute(f"SELECT * FROM t WHERE n = {n}").fetchall())
    """
    assert codes(src) == []


# ---------------------------------------------------------------- helpers
def test_local_helper_summaries_carry_arguments_and_types():
    src = FLASK + """
    def get_db():
        return sqlite3.connect("a")
    def where(name):
        return "SELECT * FROM t WHERE name = '" + name + "'"
    def user_name():
        return request.args.get("u")
    @app.route("/s")
    def s():
        get_db().execute(where(request.args["q"]))
        get_db().execute(where("constant"))
        get_db().execute("SELECT * FROM t WHERE u = '" + user_name() + "'")
        return "ok"
    """
    found = check_source(textwrap.dedent(src))
    assert [(f.line, f.code, f.severity) for f in found] == [(14, "SCG101", "HIGH"), (16, "SCG101", "HIGH")]
    assert "with request.args.get('u');" in found[1].message


def test_recursive_helpers_terminate_and_carry_taint():
    """Mutually recursive helpers: the summaries terminate (within CPU bounds,
    strict mode), the request input still flows through them to the query
    (HIGH, with its origin), and the constant call stays clean.  (A give-up
    on recursion would lose the finding: the engine returns [] then.)"""
    src = """
    import sqlite3
    from flask import request
    def a(x, n):
        if n:
            return b(x, n - 1) + "'"
        return x
    def b(x, n):
        return a(x, n)
    def c():
        cur = sqlite3.connect("a").cursor()
        cur.execute("SELECT * FROM t WHERE x = '" + a(request.args["q"], 3))
        cur.execute("SELECT * FROM t WHERE x = '" + a("k", 0))
    """
    with bounded("recursive helpers", cpu=10.0):
        found = check_source(textwrap.dedent(src))
    assert [(f.line, f.code, f.severity) for f in found] == [(12, "SCG101", "HIGH")]
    assert "with request.args['q']" in found[0].message


# ------------------------------------------------------------ public API
def test_check_source_returns_findings_with_metadata():
    src = FLASK + """
    @app.route("/s")
    def s():
        db = sqlite3.connect("a")
        return str(db.execute("SELECT * FROM t WHERE a = '%s'" % request.args["a"]).fetchall())
    """
    (f,) = check_source(textwrap.dedent(src), filename="app.py")
    assert isinstance(f, Finding)
    assert (f.code, f.line, f.col, f.cwe, f.severity, f.confidence) == ("SCG101", 9, 15, 89, "HIGH", "HIGH")
    assert f.message.startswith("SQL query built with %-formatting reaches db.execute()")
    assert f.text == "SCG101 " + f.message


def test_select_limits_rules():
    src = """
    import hashlib, bcrypt
    def f(password):
        hashlib.md5(password)
        bcrypt.gensalt(rounds=4)
    """
    assert codes(src, select=["SCG603"]) == [(5, "SCG603")]
    assert codes(src, select=["SCG6"]) == [(4, "SCG601"), (5, "SCG603")]
    assert codes(src, select=[]) == []


def test_options_change_results():
    src = """
    import hashlib
    def f(pin):
        return hashlib.sha256(pin.encode()).hexdigest()
    """
    assert codes(src) == []
    assert codes(src, options={"password-names": "pin"}) == [(4, "SCG601")]


def test_findings_are_deterministic_and_sorted():
    src = FLASK + """
    import hashlib
    @app.route("/s")
    def s():
        hashlib.md5(request.form["password"])
        return "<p>" + request.args["x"] + "</p>"
    """
    first = check_source(textwrap.dedent(src))
    assert first == check_source(textwrap.dedent(src))
    assert [(f.line, f.code) for f in first] == sorted((f.line, f.code) for f in first)
    assert [f.code for f in first] == ["SCG601", "SCG201"]


# --------------------------------------------------------------- registry
def test_registry_refuses_duplicate_and_malformed_codes():
    good = ALL_RULES[0]

    class Dup(good):
        symbol = "another-symbol"

    class Bad(good):
        code = "SCG1"
        symbol = "bad-code"

    with pytest.raises(ValueError, match="duplicate rule code"):
        validate((good, Dup))
    with pytest.raises(ValueError, match="not SCG"):
        validate((Bad,))
    assert validate(ALL_RULES)


METADATA = ("code", "symbol", "message", "cwe", "severity", "confidence", "section",
            "rationale", "example", "fix", "not_flagged")


def test_every_rule_declares_its_metadata_once():
    """Each rule states all its metadata in its own class body (the
    registry's ``validate`` accepts a rule that inherits another rule's
    message or example and changes only its code), and no text is shared by
    two rules (a copy-pasted example or message)."""
    for rule in ALL_RULES:
        assert issubclass(rule, Rule)
        inherited = [attr for attr in METADATA if attr not in vars(rule)]
        assert not inherited, (rule.code, inherited)
        assert rule.not_flagged, (rule.code, "not_flagged")  # validate() does not check it
        assert not rule.message.startswith("SCG")
    for attr in ("symbol", "message", "rationale", "example", "fix", "not_flagged"):
        values = [getattr(rule, attr) for rule in ALL_RULES]
        shared = {v[:60] for v in values if values.count(v) > 1}
        assert not shared, (attr, shared)


# ---------------------------------------------------- Django password config
DJANGO_HASHERS = """
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    class Quick(PBKDF2PasswordHasher):
        iterations = 1000
"""


def test_django_fast_hasher_and_weak_hasher_subclass():
    assert codes(DJANGO_HASHERS, filename="settings/production.py") == [(3, "SCG601"), (5, "SCG603")]


@pytest.mark.parametrize("name", ["settings/test.py", "test_settings.py", "conftest.py",
                                  "proj/settings_test.py"])
def test_test_settings_may_use_fast_hashers(name):
    assert codes(DJANGO_HASHERS, filename=name) == []


# ------------------------------------------------ comprehensions and guards
def test_comprehension_variables_are_bound_while_the_rules_run():
    src = FLASK + """
    import os
    UPLOADS = "/srv/uploads"
    @app.route("/cleanup", methods=["POST"])
    def cleanup():
        return [open(os.path.join(UPLOADS, n.strip())) for n in request.json["files"]]
    """
    assert codes(src) == [(10, "SCG402")]


def test_comprehension_filter_is_an_allow_list():
    src = FLASK + """
    ALLOWED = ("name", "email")
    @app.route("/me", methods=["POST"])
    def me():
        data = request.get_json()
        User(**{k: v for k, v in data.items() if k in ALLOWED})
        User(**{k: v for k, v in data.items()})
        return "ok"
    """
    assert codes(src) == [(11, "SCG404")]


def test_relative_url_guard_and_prefix_test():
    src = FLASK + """
    from flask import redirect, url_for
    @app.route("/a")
    def a():
        nxt = request.args.get("next")
        if not nxt or not nxt.startswith("/") or nxt.startswith("//"):
            nxt = url_for("index")
        return redirect(nxt)
    @app.route("/b")
    def b():
        nxt = request.args.get("next", "/")
        if nxt.startswith("/"):
            return redirect(nxt)
        return redirect(url_for("index"))
    """
    assert codes(src) == [(17, "SCG403")]


def test_content_type_set_after_the_response_is_made():
    src = FLASK + """
    from flask import make_response
    @app.route("/a")
    def a():
        resp = make_response(request.args["q"])
        resp.mimetype = "text/plain"
        return resp
    @app.route("/b")
    def b():
        resp = make_response(request.args["q"])
        return resp
    """
    assert codes(src) == [(14, "SCG201")]


def test_flask_method_view_handlers_are_routes():
    src = """
    from flask import request
    from flask.views import MethodView
    class Search(MethodView):
        def get(self):
            return "<h1>" + request.args["q"] + "</h1>"
    """
    assert codes(src) == [(6, "SCG201")]


def test_django_helpers_taking_request_are_not_views():
    src = """
    from django.http import HttpResponse
    def login(request, user, backend=None):
        request.session["backend"] = backend
    def show(request, name):
        return HttpResponse("<p>" + name + "</p>")
    """
    assert codes(src, filename="auth/helpers.py") == [(6, "SCG201")]


def test_call_index_calls_each_rule_once_per_call():
    """A rule indexed under a call's qualified name, its last name and
    "every call with keywords" is called once per call, and only on calls
    one of those keys matches; a rule without ``calls`` sees every call."""
    import ast

    from secguide.analysis.context import DispatchTables, FileContext
    from secguide.options import DEFAULT_OPTIONS

    seen: dict[str, list[str]] = {"indexed": [], "every": []}

    class Indexed(Rule):
        code = "SCG990"
        node_types = (ast.Call,)
        calls = frozenset({"os.system", "system", "json.dumps"})
        calls_with_keywords = True

        def check(self, node, ctx):
            seen["indexed"].append(ast.unparse(node))

    class Every(Rule):
        code = "SCG991"
        node_types = (ast.Call,)

        def check(self, node, ctx):
            seen["every"].append(ast.unparse(node))

    src = textwrap.dedent("""
        import os, json
        os.system("ls")
        os.system("ls", flag=True)
        json.dumps(1)
        print(2)
        print(3, end="")
        run(**opts)
    """)
    tables = DispatchTables([Indexed(), Every()])
    FileContext(ast.parse(src), "m.py", tables, DEFAULT_OPTIONS).run()
    assert seen["indexed"] == ["os.system('ls')", "os.system('ls', flag=True)",
                               "json.dumps(1)", "print(3, end='')", "run(**opts)"]
    assert len(seen["every"]) == 6


def test_the_collector_runs_less_often_during_an_analysis_and_is_restored(monkeypatch):
    """While a file is analysed the collector's young threshold is raised
    (its short-lived values die by reference counting instead of being
    promoted into the host's oldest generation; cycles are still
    collected), and the host's thresholds are restored after, also when a
    rule raises; a host that disabled the collector or set a higher
    threshold is left alone."""
    import gc

    from secguide import engine
    from secguide.engine.tables import _INSTANCES

    rule = _INSTANCES["SCG101"]
    seen = []
    real = type(rule).check

    def check(self, node, ctx):
        seen.append((gc.isenabled(), gc.get_threshold()))
        return real(self, node, ctx)

    monkeypatch.setattr(type(rule), "check", check)
    src = "def f(cur, q):\n    cur.execute(f'SELECT {q}')\n"
    was, host = gc.isenabled(), gc.get_threshold()
    try:
        gc.enable()
        gc.set_threshold(700, 10, 10)
        assert [f.code for f in engine.analyze_source(src, "m.py", select=["SCG101"])] == ["SCG101"]
        assert seen and all(s == (True, (engine.YOUNG_THRESHOLD, 10, 10)) for s in seen)
        assert gc.get_threshold() == (700, 10, 10) and gc.isenabled()
        for state, thr in ((False, (700, 10, 10)), (True, (100_000, 20, 20))):
            seen.clear()
            (gc.enable if state else gc.disable)()
            gc.set_threshold(*thr)
            engine.analyze_source(src, "m.py", select=["SCG101"])
            assert seen and all(s == (state, thr) for s in seen)
            assert gc.get_threshold() == thr and gc.isenabled() is state

        def boom(self, node, ctx):
            raise ValueError("a rule that breaks")

        monkeypatch.setattr(type(rule), "check", boom)
        monkeypatch.setattr(engine, "_STRICT", False)
        gc.enable()
        gc.set_threshold(700, 10, 10)
        assert engine.analyze_source(src, "m.py", select=["SCG101"]) == []
        assert gc.get_threshold() == (700, 10, 10) and gc.isenabled()
    finally:
        gc.set_threshold(*host)
        (gc.enable if was else gc.disable)()


def test_the_host_heap_is_frozen_once_and_only_in_a_hosts_command_line(monkeypatch):
    """``settle_host_heap`` freezes the process's heap once (``gc.freeze``),
    only in a flake8 or Bandit command line, with the collector enabled and
    ``SECGUIDE_GC_FREEZE`` not ``0``; a program that imports a host (a
    test-suite, an editor's server) is never touched."""
    import types

    from secguide.engine import host

    frozen = []
    monkeypatch.setattr(host.gc, "freeze", lambda: frozen.append(True))
    monkeypatch.delenv("SECGUIDE_GC_FREEZE", raising=False)

    def settle(argv0, main_spec=None, env=None, enabled=True):
        host._SETTLED[0] = False
        frozen.clear()
        monkeypatch.setattr(host.sys, "argv", [argv0])
        main = types.ModuleType("__main__")
        main.__spec__ = None if main_spec is None else types.SimpleNamespace(name=main_spec)
        monkeypatch.setitem(host.sys.modules, "__main__", main)
        if env is not None:
            monkeypatch.setenv("SECGUIDE_GC_FREEZE", env)
        monkeypatch.setattr(host.gc, "isenabled", lambda: enabled)
        first = host.settle_host_heap()
        second = host.settle_host_heap()  # never twice in a process
        return first, second, len(frozen)

    try:
        assert settle("/venv/bin/flake8") == (True, False, 1)
        assert settle("/venv/bin/bandit") == (True, False, 1)
        assert settle("/venv/lib/flake8/__main__.py", "flake8.__main__") == (True, False, 1)
        assert settle("/venv/lib/bandit/__main__.py", "bandit.__main__") == (True, False, 1)
        # not a host's command line: pytest, an editor's server, a script
        assert settle("/venv/bin/pytest") == (False, False, 0)
        assert settle("-c") == (False, False, 0)
        assert settle("/venv/bin/pylsp", "pylsp.__main__") == (False, False, 0)
        # switched off, or a host that disabled the collector
        assert settle("/venv/bin/flake8", env="0") == (False, False, 0)
        assert settle("/venv/bin/flake8", enabled=False) == (False, False, 0)
    finally:
        host._SETTLED[0] = False
