"""The analysis on its own: the split modules, the analysis-only entry point
(a module's facts without any rule) and strict mode's "analysis truncated"."""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
import textwrap

import pytest

import secguide.analysis
from secguide import engine
from secguide import labels as L
from secguide.analysis.context import FileAnalysis
from secguide.analysis.facts import analyse_module
from secguide.analysis.scope import element, join_envs
from secguide.analysis.strings import HOLE, PERCENT_FIELD, build, fold, format_string
from secguide.analysis.values import UNKNOWN, Value, const
from secguide.options import DEFAULT_OPTIONS

DEEP_CHAIN = textwrap.dedent("""\
    import sqlite3
    from flask import Flask, request

    app = Flask(__name__)

    @app.route("/a")
    def a():
        db = sqlite3.connect("x.db")
        q = request.args["q"]
        db.execute("SELECT * FROM t WHERE a = '" + q + "'")
        x = q{chain}
        db.execute(x)
        return "ok"
    """).format(chain=".strip()" * 1000)


def _facts(src: str):
    return analyse_module(ast.parse(textwrap.dedent(src)), "app/helpers.py")


# -- the analysis-only entry point ------------------------------------------

def test_module_facts_summarise_each_plain_function():
    facts = _facts("""
        from flask import request

        def ident(x, y):
            return x

        def build(x):
            return "SELECT * FROM t WHERE a = " + x

        def const():
            return "fixed"

        def read():
            return request.args["q"]

        class Repo:
            def find(self, key):
                def inner(k):
                    return k
                return inner(key)
    """)
    assert set(facts.returns) == {"ident", "build", "const", "read", "Repo.find",
                                  "Repo.find.<locals>.inner"}
    assert facts.returns["ident"].labels == {L.arg(0)}
    built = facts.returns["build"]
    assert built.built == "concatenation" and L.arg(0) in built.labels
    assert built.text.endswith(HOLE)
    assert facts.returns["const"].known and facts.returns["const"].cval == "fixed"
    read = facts.returns["read"]
    assert read.taint and read.taint[0].desc == "request.args['q']"
    assert facts.returns["Repo.find"].labels == {L.arg(1)}
    assert not facts.truncated


def test_route_handlers_have_no_summary_and_no_rule_runs():
    src = """
        import sqlite3
        from flask import Flask, request
        app = Flask(__name__)

        @app.route("/x")
        def view():
            sqlite3.connect("x.db").execute("SELECT * FROM t WHERE a = " + request.args["q"])
            return "ok"
    """
    facts = _facts(src)
    assert facts.returns == {}
    analysis = FileAnalysis(ast.parse(textwrap.dedent(src)), "app/views.py", DEFAULT_OPTIONS)
    analysis._analyse()
    assert not hasattr(analysis, "findings")
    # the same file through the engine does report (the rules ran there)
    assert engine.analyze_source(textwrap.dedent(src), "app/views.py", select=["SCG"])


def test_the_analysis_imports_no_rule_and_no_engine():
    """No module of ``secguide/analysis`` imports a rule, ``Rule``, ``Finding``
    or the engine (the one lazy import of the old names' shim aside); and
    loading the analysis loads no rule and no engine."""
    banned = ("secguide.engine", "secguide.rule", "secguide.registry", "secguide.rules")
    root = pathlib.Path(secguide.analysis.__file__).parent
    seen = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name == "secguide.engine" and path.name == "context.py":
                    continue  # the __getattr__ shim for old imports
                assert not name.startswith(banned), (path.name, name)
                seen.append(name)
    assert "secguide.analysis.values" in seen
    # (``secguide/__init__.py`` itself loads ``secguide.rule`` for ``Finding``)
    loaded = ("secguide.engine", "secguide.registry", "secguide.rules")
    code = ("import sys, secguide.analysis.facts; "
            "print(sorted(m for m in sys.modules if m.startswith(%r)))" % (loaded,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_old_import_path_of_the_engine_names_still_works():
    from secguide.analysis import context

    assert context.FileContext is engine.FileContext
    assert context.DispatchTables is engine.DispatchTables
    with pytest.raises(AttributeError):
        context.NoSuchName  # noqa: B018


# -- strict mode: recursion is "analysis truncated" -------------------------

def test_strict_mode_raises_analysis_truncated_on_a_too_deep_expression():
    with pytest.raises(engine.AnalysisTruncated):
        engine.analyze_source(DEEP_CHAIN, "app/views.py", select=["SCG101"], strict=True)


def test_non_strict_mode_stays_silent_and_keeps_the_rest_of_the_file():
    findings = engine.analyze_source(DEEP_CHAIN, "app/views.py", select=["SCG101"])
    assert [(f.line, f.code) for f in findings][:1] == [(10, "SCG101")]


def test_legacy_strict_flag_raises_internal_errors_but_not_truncation(monkeypatch):
    monkeypatch.setattr(engine, "_STRICT", True)
    assert engine.analyze_source(DEEP_CHAIN, "app/views.py", select=["SCG101"])

    class Boom(engine.Rule):
        code = "SCG999"
        node_types = (ast.Call,)

        def check(self, node, ctx):
            raise ValueError("boom")

    monkeypatch.setitem(engine._INSTANCES, "SCG999", Boom())
    engine._tables.cache_clear()
    try:
        with pytest.raises(ValueError):
            engine.analyze_source("f()\n", "m.py", select=["SCG999"])
        monkeypatch.setattr(engine, "_STRICT", False)
        assert engine.analyze_source("f()\n", "m.py", select=["SCG999"]) == []
    finally:
        engine._tables.cache_clear()


def test_module_facts_record_truncation():
    assert analyse_module(ast.parse(DEEP_CHAIN)).truncated
    assert not analyse_module(ast.parse("x = 1\n")).truncated


def test_strict_mode_is_quiet_on_ordinary_code():
    src = "import os\n\ndef f(x):\n    return os.path.join('a', x)\n"
    assert engine.analyze_source(src, "m.py", strict=True) == []


# -- the split modules ------------------------------------------------------

def test_strings_build_keeps_constant_text_and_holes():
    tainted = Value(taint=(), built="x", typ="str")
    v = build([const("SELECT "), tainted, const(" FROM t")], "concatenation")
    assert v.text == "SELECT " + HOLE + " FROM t" and v.built == "concatenation"
    assert build([const("a"), const("b")], "concatenation").is_const


def test_strings_format_fills_fields_from_constants():
    fmt = const("id = %s and name = '%s'")
    v = format_string(fmt, [const("7"), Value(built="x", typ="str")], "%-formatting",
                      PERCENT_FIELD)
    assert v.text == "id = 7 and name = '" + HOLE + "'"


@pytest.mark.parametrize("op, a, b, out", [
    (ast.Add, 2, 3, 5), (ast.Mult, 4, 5, 20), (ast.Pow, 2, 10, 1024),
    (ast.Add, "ab", "cd", "abcd"), (ast.Pow, 2, 10**6, None), (ast.Mod, 1, 0, None),
    (ast.LShift, 1, 10**6, None)])
def test_strings_fold_is_bounded(op, a, b, out):
    v = fold(op, a, b)
    assert (v.cval if v is not None else None) == out


def test_scope_join_and_element():
    a = {"x": const(1), "y": const("s")}
    b = {"x": const(2), "z": UNKNOWN}
    joined = join_envs(a, b)
    assert set(joined) == {"x", "y", "z"} and not joined["x"].known
    assert joined["y"] is a["y"]
    assert join_envs(a, a) is a
    lst = Value(items={0: const("a"), 1: const("b")}, typ="list")
    assert element(lst).is_const


def _value_at_end(src: str, name: str) -> Value:
    tree = ast.parse(textwrap.dedent(src))
    analysis = FileAnalysis(tree, "m.py", DEFAULT_OPTIONS)
    analysis._analyse()
    return analysis._module_scope.env[name]


def test_guards_allow_list_makes_a_name_constant():
    v = _value_at_end("""
        from flask import request
        x = request.args["next"]
        if x in ("a", "b"):
            y = x
        else:
            raise ValueError(x)
    """, "y")
    assert v.is_const and not v.taint


def test_calls_read_model_rows():
    assert L.RANDOM in _value_at_end("import random\nv = random.random()\n", "v").labels
    assert _value_at_end("import pathlib\np = pathlib.Path('a') / 'b'\n", "p").qual == \
        "pathlib.Path"
    assert _value_at_end("import sqlite3\nc = sqlite3.connect('x').cursor()\n", "c").qual == \
        "dbapi.Cursor"
    html = _value_at_end("from markupsafe import escape\nfrom flask import request\n"
                         "h = escape(request.args['q'])\n", "h")
    assert L.safe("html") in html.labels


def test_labels_arg_accessor():
    assert [L.arg_index(L.arg(i)) for i in (0, 7, 15)] == [0, 7, 15]
    assert L.arg_index("argument") is None and L.arg_index(L.PASSWORD) is None
    assert L.has_arg(frozenset({L.SECRET, L.arg(2)}))
