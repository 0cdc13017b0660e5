"""Property tests: generated and mutated programs never make the engine, the
flake8 plugin or the Bandit plugin raise, and results never change between
runs, hash seeds or flake8's ``-j1``/``-j2``.

Programs come from hypothesmith (the Python grammar, and libCST trees);
from a generator of functions moving values from sources (request input,
parameters, secrets) through derivations (concatenation, formatting,
escaping, calls...) to sinks, inside nested blocks, with hypothesmith
programs over the rules' vocabulary mixed in; and from mutating the fixture
files: deleting, stubbing, duplicating and truncating lines, swapping
expressions, renaming variables, dropping and wrapping statements.  Flows and
mutated fixtures hold the code the rules care about, and so reach far more
of the rules' code paths than random grammar does.

Every program goes through ``tests.checks.check_program`` (the engine in
strict mode, where an internal error in a rule raises instead of being
swallowed; twice; the flake8 plugin in-process) and some through
``check_bandit`` (Bandit's manager in-process).

CI runs a fixed, modest sample (``derandomize=True``: the same examples every
run, no example database).  A longer exploration, outside CI::

    SECGUIDE_PROPERTY_EXAMPLES=5000 SECGUIDE_PROPERTY_RANDOM=1 \\
        python -m pytest tests/test_properties.py -p no:cacheprovider
"""
from __future__ import annotations

import ast
import json
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from tests.checks import ALL_CODES, check_bandit, check_program, depth, parse, strict_engine
from tests.toolrun import FIXTURES, rel, run_python

pytestmark = [
    pytest.mark.properties,
    # hypothesmith compiles what it generates: CPython warns about some of it
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),
    # Bandit's extension loader passes an argument stevedore deprecated
    pytest.mark.filterwarnings("ignore:The verify_requirements argument"),
]

# -- settings -----------------------------------------------------------------

_EXAMPLES = int(os.environ.get("SECGUIDE_PROPERTY_EXAMPLES", "0"))
_RANDOM = bool(os.environ.get("SECGUIDE_PROPERTY_RANDOM"))


def _settings(max_examples: int) -> settings:
    """CI profile: deterministic examples, no deadline, no database."""
    return settings(
        max_examples=_EXAMPLES or max_examples,
        derandomize=not _RANDOM,
        database=None,
        deadline=None,
        print_blob=_RANDOM,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                               HealthCheck.data_too_large,
                               HealthCheck.large_base_example],
    )


@pytest.fixture(scope="module", autouse=True)
def strict():
    """Internal errors raise (module scope: Hypothesis refuses function-scoped
    fixtures around @given tests)."""
    with strict_engine():
        yield


# -- Bandit in-process ---------------------------------------------------------

@pytest.fixture(scope="module")
def bandit_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bandit_props")


# -- hypothesmith programs ---------------------------------------------------

def test_grammar_programs():
    """Programs from the Python grammar (hypothesmith.from_grammar)."""
    import hypothesmith

    @_settings(100)
    @given(hypothesmith.from_grammar())
    def prop(source):
        check_program(source)

    prop()


def test_libcst_programs():
    """Programs built from libCST node trees (hypothesmith.from_node)."""
    import hypothesmith

    @_settings(30)
    @given(hypothesmith.from_node())
    def prop(source):
        check_program(source)

    prop()


#: identifiers and strings the rules look for: in the grammar programs
#: inserted into the flow programs below, names and string literals are
#: drawn from these as well as at random
NAMES = (
    "request", "args", "form", "get", "json", "cookies", "headers", "values",
    "db", "cursor", "execute", "executemany", "connection", "connect",
    "session", "query", "filter", "text", "raw", "objects", "extra", "format",
    "join", "os", "system", "popen", "subprocess", "run", "call", "check_output",
    "shell", "pickle", "loads", "load", "yaml", "open", "path", "send_file",
    "redirect", "url", "Markup", "render_template_string", "HttpResponse",
    "make_response", "jwt", "decode", "verify", "hashlib", "md5", "sha1",
    "sha256", "password", "salt", "bcrypt", "hashpw", "gensalt", "random",
    "token", "secret", "SECRET_KEY", "app", "route", "debug", "DEBUG",
    "set_cookie", "requests", "logging", "log", "info", "chmod", "environ",
    "user", "id", "User", "get_or_404", "self", "q", "sql", "v0", "v1", "v2",
    "param", "item_id", "current_user", "csrf_exempt", "compare_digest",
    "choice", "update", "setattr",
)
STRINGS = (
    "'SELECT * FROM t WHERE a = '", '"SELECT %s FROM users"', "\"'\"",
    "'DELETE FROM items WHERE id='", "'<b>%s</b>'", "'<p>{}</p>'", "'ls '",
    "'http://example.com/'", "'/tmp/'", "'password'", "'secret'", "'admin'",
    "f'SELECT {q}'", "'md5'", "'*'", "'q'", "'next'", "'id'",
)


def _security_grammar(start: str = "file_input"):
    import hypothesmith

    strategy = hypothesmith.from_grammar(start)
    # hypothesmith's strategy is a Hypothesis LarkStrategy, whose terminal
    # strategies are a dict by terminal name (an implementation detail:
    # without it the programs are just less pointed)
    terminals = getattr(strategy, "terminal_strategies", None)
    if isinstance(terminals, dict) and "NAME" in terminals and "STRING" in terminals:
        terminals["NAME"] = st.sampled_from(NAMES) | terminals["NAME"]
        terminals["STRING"] = st.sampled_from(STRINGS) | terminals["STRING"]
    return strategy


#: built once, when first drawn from (building a grammar strategy takes
#: seconds: not while the fast tier collects this module)
_NOISE = st.deferred(_security_grammar)

FLOW_PROLOGUE = """\
import hashlib, hmac, logging, os, pickle, random, sqlite3, subprocess, sys
import jwt, requests, yaml
from django.http import HttpResponse
from flask import (Flask, Markup, escape, make_response, redirect,
                   render_template_string, request, send_file, session)
from myapp.models import User
app = Flask(__name__)
app.config['SECRET_KEY'] = 'dev'
db = sqlite3.connect('app.db')
log = logging.getLogger(__name__)
"""

#: where values come from: request input, the command line, parameters,
#: constants, secrets
_SOURCES = (
    "request.args['q']", "request.args.get('next', '/')", "request.form['password']",
    "request.get_json()['id']", "request.cookies.get('token')", "request.headers['X-Url']",
    "request.files['f'].read()", "request.data", "sys.argv[1]", "input()", "param",
    "item_id", "os.environ.get('SECRET', 'fallback')", "'literal'", "42", "password",
    "current_user.id", "User.query.get(item_id)",
)
#: how values are derived from others
_DERIVE = (
    "{v}", "'SELECT * FROM t WHERE a = ' + {v}", "f\"SELECT * FROM t WHERE id = {{{v}}}\"",
    "'DELETE FROM t WHERE id = %s' % {v}", "'ls {{}}'.format({v})",
    "'<p>' + {v} + '</p>'", "f'<b>{{{v}}}</b>'", "str({v})", "int({v})", "{v}.strip()",
    "escape({v})", "[{v}, 1]", "{{'k': {v}}}", "({v},)", "{v} if {w} else {w}",
    "helper({v})", "{v}[0]", "{v}.encode()", "hashlib.sha256({v}).hexdigest()",
    "'http://' + {v}", "os.path.join('/srv', {v})", "' '.join([{v}, {w}])",
    "{v} or {w}", "[x for x in {v}]", "(lambda: {v})()", "{v}.get('k', {w})",
)
#: where values go
_SINKS = (
    "cursor.execute({v})", "db.execute({v})", "db.cursor().execute({v}, ())",
    "os.system({v})",
    "subprocess.run({v}, shell=True)", "subprocess.check_output(['ls', {v}])",
    "pickle.loads({v})", "yaml.load({v})", "open({v})", "send_file({v})",
    "redirect({v})", "Markup({v})", "render_template_string({v})", "requests.get({v})",
    "requests.get({v}, verify=False)", "hashlib.md5({v})",
    "jwt.decode({v}, options={{'verify_signature': False}})", "make_response({v})",
    "HttpResponse({v})", "log.info('token %s', {v})", "session['user'] = {v}",
    "os.chmod({v}, 0o777)", "random.choice({v})", "User.objects.get(pk={v})",
    "User.objects.raw({v})", "resp.set_cookie('sid', {v})", "ok = {v} == {w}",
    "ok = hmac.compare_digest({v}, {w})", "user.password = {v}",
    "User(**{v})", "setattr(user, {v}, {w})", "yield {v}",
)
_BLOCKS = (
    "if {w}:", "for x in {v}:", "while {w}:", "with open('f') as fh:",
    "try:", "async with lock:",
)
_DECORATORS = (
    "", "@app.route('/items/<int:item_id>', methods=['GET', 'POST'])\n",
    "@app.route('/login', methods=['POST'])\n", "@csrf_exempt\n", "@login_required\n",
)


@st.composite
def flow_programs(draw) -> str:
    """A module of functions moving values from sources through derivations
    to sinks, in nested blocks, with hypothesmith programs mixed in."""
    out = [FLOW_PROLOGUE]
    for n in range(draw(st.integers(1, 3))):
        variables = ["param", "item_id", "password"]
        body: list[str] = []
        for _ in range(draw(st.integers(1, 10))):
            kind = draw(st.sampled_from(
                ["source", "derive", "derive", "augment", "sink", "sink", "wrap",
                 "noise", "return"]))

            def pick() -> str:
                # mostly the latest value, so that flows chain
                return draw(st.sampled_from([variables[-1]] * len(variables) + variables))

            if kind == "source":
                var = f"v{len(variables)}"
                body.append(f"{var} = {draw(st.sampled_from(_SOURCES))}")
                variables.append(var)
            elif kind == "derive":
                var = f"v{len(variables)}"
                expr = draw(st.sampled_from(_DERIVE)).format(v=pick(), w=pick())
                body.append(f"{var} = {expr}")
                variables.append(var)
            elif kind == "augment":
                body.append(f"{pick()} += {pick()}")
            elif kind == "sink":
                body.append(draw(st.sampled_from(_SINKS)).format(v=pick(), w=pick()))
            elif kind == "wrap":
                head = draw(st.sampled_from(_BLOCKS)).format(v=pick(), w=pick())
                inner = draw(st.sampled_from(_SINKS + _DERIVE)).format(v=pick(), w=pick())
                if not inner.startswith(("yield", "ok =", "session[", "user.")):
                    inner = f"{pick()} = {inner}" if "{" not in inner else inner
                tail = "\nexcept Exception as e:\n    return str(e)" if head == "try:" else ""
                body.append(f"{head}\n    {inner}{tail}")
            elif kind == "noise":
                block = draw(_NOISE)
                if parse("def f():\n" + textwrap.indent(block, " ") + "\n pass\n"):
                    body.append(block)
            else:
                body.append(f"return {pick()}")
        decorator = draw(st.sampled_from(_DECORATORS))
        asynchronous = draw(st.sampled_from(["", "", "async "]))
        out.append(f"{decorator}{asynchronous}def view{n}(item_id, param=None, password=''):\n"
                   + textwrap.indent("\n".join(body), "    ") + "\n    pass\n")
    return "\n\n".join(out)


def test_flow_programs():
    """Programs moving values from sources to sinks through derivations and
    nested blocks, with grammar programs over the rules' vocabulary mixed in."""
    stats = {"examples": 0, "parsed": 0, "codes": set()}

    @_settings(200)
    @given(flow_programs())
    def prop(source):
        stats["examples"] += 1
        found = check_program(source)
        stats["parsed"] += parse(source) is not None
        stats["codes"].update(f.code for f in found)
        target(float(len({f.code for f in found})), label="distinct codes found")

    prop()
    # not vacuous: the programs parse and reach many rules (beyond what the
    # prologue alone gives; typically 8 to 14 more, depending on the examples)
    assert stats["parsed"] >= stats["examples"] * 0.8, stats
    prologue = {f.code for f in check_program(FLOW_PROLOGUE)}
    assert len(stats["codes"] - prologue) >= 5, stats


# -- mutated fixtures --------------------------------------------------------------

FIXTURE_FILES = sorted(p for p in FIXTURES.glob("SCG*/*.py"))
_TEXT = {p: p.read_text(encoding="utf-8") for p in FIXTURE_FILES}
_STMT_FIELDS = ("body", "orelse", "finalbody")


def _expr_slots(tree: ast.AST) -> list[tuple[ast.AST, str, int | None]]:
    """Places holding a Load-context expression: (parent, field, index)."""
    slots = []
    for node in ast.walk(tree):
        for field, value in ast.iter_fields(node):
            items = enumerate(value) if isinstance(value, list) else [(None, value)]
            for index, item in items:
                if isinstance(item, ast.expr) and not isinstance(
                        getattr(item, "ctx", None), (ast.Store, ast.Del)):
                    slots.append((node, field, index))
    return slots


def _clone(node):
    """A copy of an AST through its fields only: not copy.deepcopy, which also
    follows the attributes Bandit adds (``_bandit_parent``...), even to the
    operator and context nodes CPython shares between all trees."""
    if isinstance(node, list):
        return [_clone(item) for item in node]
    if not isinstance(node, ast.AST):
        return node
    new = type(node)(**{f: _clone(getattr(node, f)) for f in node._fields if hasattr(node, f)})
    for attr in node._attributes:
        if hasattr(node, attr):
            setattr(new, attr, getattr(node, attr))
    return new


def _get(slot):
    parent, field, index = slot
    value = getattr(parent, field)
    return value if index is None else value[index]


def _set(slot, new):
    parent, field, index = slot
    if index is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[index] = new


def _stmt_lists(tree: ast.AST) -> list[list[ast.stmt]]:
    out = []
    for node in ast.walk(tree):
        for field in _STMT_FIELDS:
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                out.append(value)
    return out


_WRAPPERS = (
    "if cond:\n    pass",
    "for item in items:\n    pass",
    "while cond:\n    pass",
    "try:\n    pass\nexcept Exception:\n    raise",
    "with lock:\n    pass",
    "def inner():\n    pass",
    "async def inner():\n    pass",
    "class Inner:\n    pass",
)


def _mutate_tree(draw, text: str, kind: str) -> str:
    tree = parse(text)
    if tree is None:
        return text
    if kind == "swap_expr":
        slots = _expr_slots(tree)
        if not slots:
            return text
        where = draw(st.sampled_from(slots))
        donor = _get(draw(st.sampled_from(slots)))
        if depth(donor) > 12:
            # repeated swaps of an expression into its own operands would
            # double its depth each time: stay far from the recursion limit
            return text
        _set(where, _clone(donor))
    elif kind == "rename":
        names = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
        if not names:
            return text
        node = draw(st.sampled_from(names))
        node.id = draw(st.sampled_from(sorted({n.id for n in names})))
    elif kind == "drop_stmt":
        bodies = _stmt_lists(tree)
        if not bodies:
            return text
        body = draw(st.sampled_from(bodies))
        del body[draw(st.integers(0, len(body) - 1))]
        if not body:
            body.append(ast.Pass())
    elif kind == "wrap_stmt":
        bodies = _stmt_lists(tree)
        if not bodies:
            return text
        body = draw(st.sampled_from(bodies))
        i = draw(st.integers(0, len(body) - 1))
        wrapper = ast.parse(draw(st.sampled_from(_WRAPPERS))).body[0]
        wrapper.body = [body[i]]
        body[i] = wrapper
    ast.fix_missing_locations(tree)
    try:
        return ast.unparse(tree)
    except Exception:  # an expression swapped where unparse cannot render it
        return text


def _mutate_text(draw, text: str, kind: str) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "delete_lines":
        j = draw(st.integers(i, min(len(lines), i + 8)))
        del lines[i:j + 1]
    elif kind == "stub_lines":
        j = draw(st.integers(i, min(len(lines), i + 8)))
        for k in range(i, min(j + 1, len(lines))):
            indent = lines[k][:len(lines[k]) - len(lines[k].lstrip())]
            lines[k] = indent.rstrip("\r\n") + "pass\n"
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "truncate":
        return text[:draw(st.integers(0, len(text)))]
    return "".join(lines)


_TREE_KINDS = ("swap_expr", "rename", "drop_stmt", "wrap_stmt")
_TEXT_KINDS = ("delete_lines", "stub_lines", "duplicate_line", "truncate")


@st.composite
def mutated_fixtures(draw) -> tuple[Path, str]:
    path = draw(st.sampled_from(FIXTURE_FILES))
    text = _TEXT[path]
    for kind in draw(st.lists(st.sampled_from(_TREE_KINDS + _TEXT_KINDS),
                              min_size=1, max_size=4)):
        if kind in _TREE_KINDS:
            text = _mutate_tree(draw, text, kind)
        else:
            text = _mutate_text(draw, text, kind)
    return path, text


def test_fixture_files_are_there():
    assert len(FIXTURE_FILES) >= 20, FIXTURES


def test_mutated_fixtures():
    """Mutants of the fixture files: the ones that parse are analysed without
    an internal error, identically twice, and the plugin agrees."""
    stats = {"examples": 0, "parsed": 0, "findings": 0}

    @_settings(300)
    @given(mutated_fixtures())
    def prop(case):
        path, text = case
        stats["examples"] += 1
        found = check_program(text, rel(path))
        if parse(text) is not None:
            stats["parsed"] += 1
        stats["findings"] += bool(found)

    prop()
    # not vacuous: many mutants parse, and the rules still report on many of
    # them (half the fixture files are good.py files, without findings)
    assert stats["parsed"] >= stats["examples"] // 3, stats
    assert stats["findings"] >= stats["parsed"] // 6, stats


def test_bandit_on_generated_and_mutated_programs(bandit_dir):
    """Bandit in-process (secguide's tests only, debug mode so that an
    exception in a test is not swallowed) on mutants and generated programs."""
    reported = []

    @_settings(40)
    @given(mutated_fixtures())
    def mutants(case):
        reported.append(check_bandit(case[1], bandit_dir))

    @_settings(30)
    @given(flow_programs())
    def generated(source):
        reported.append(check_bandit(source, bandit_dir))

    mutants()
    generated()
    assert sum(map(bool, reported)) >= 10, "Bandit reported almost nothing"


# -- determinism across processes, hash seeds and parallel runs -------------------

_DUMP = """\
import json, sys
import secguide
from tests.toolrun import all_codes, checked_files, rel
from tests.expectations import Expectations
codes = all_codes()
out = {}
for p in checked_files():
    found = secguide.check_source(p.read_bytes(), rel(p), select=codes,
                                  options=Expectations(p).options)
    out[rel(p)] = [[f.line, f.col, f.code, f.message, f.severity, f.confidence, f.cwe]
                   for f in found]
json.dump(out, sys.stdout, sort_keys=True)
"""


def _dump(seed: str) -> dict:
    proc = run_python(["-c", _DUMP], env={"PYTHONHASHSEED": seed})
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout)


def test_results_do_not_depend_on_the_hash_seed():
    """Set and dict iteration order changes with PYTHONHASHSEED: the findings
    (and their messages) must not."""
    first = _dump("0")
    assert sum(map(len, first.values())) > 100, "the fixtures gave few findings"
    assert _dump("4242") == first


def _tool(argv: list[str], seed: str):
    proc = run_python(argv, env={"PYTHONHASHSEED": seed})
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), \
        proc.stderr.decode("utf-8", "replace")


def _flake8_hits(seed: str, jobs: str) -> set[tuple[str, int, int, str]]:
    rc, out, err = _tool(["-m", "flake8", "--isolated", "--select=SCG", "--disable-noqa",
                          f"-j{jobs}", "--format=%(path)s\t%(row)d\t%(col)d\t%(code)s",
                          rel(FIXTURES)], seed)
    assert rc in (0, 1), out + err
    hits = set()
    for line in out.splitlines():
        path, row, col, code = line.split("\t")
        hits.add((os.path.normpath(path), int(row), int(col), code))
    return hits


def test_flake8_results_are_the_same_across_jobs_and_hash_seeds():
    """(test_integration checks -j1 against -j2 once; here across hash seeds
    too, -j2 being two processes whose order of completion varies.)"""
    serial = _flake8_hits("0", "1")
    assert len(serial) > 100
    assert _flake8_hits("4242", "2") == serial


def _bandit_hits(seed: str) -> set[tuple[str, int, int, str, str]]:
    # Bandit has no parallel mode (no -j): determinism is across runs
    rc, out, err = _tool(["-m", "bandit", "-q", "-r", "-f", "json", "--ignore-nosec",
                          "-t", ",".join(ALL_CODES), rel(FIXTURES)], seed)
    assert rc in (0, 1), out + err
    data = json.loads(out)
    assert not data["errors"], data["errors"]
    return {(os.path.normpath(r["filename"]), r["line_number"], r["col_offset"],
             r["test_id"], r["issue_text"]) for r in data["results"]}


def test_bandit_results_are_the_same_across_runs_and_hash_seeds():
    first = _bandit_hits("0")
    assert len(first) > 100
    assert _bandit_hits("4242") == first
