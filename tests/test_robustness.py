"""Hostile and unusual input: the engine never raises, and neither flake8 nor
Bandit ever report our plugin as crashed."""
from __future__ import annotations

import ast
import sys
import time

import pytest

import secguide
from secguide import engine as _engine
from tests.toolrun import (
    BANDIT_CRASH_MARKERS, FLAKE8_CRASH_MARKERS, all_codes, bandit, flake8,
)

PY311 = sys.version_info >= (3, 11)
PY312 = sys.version_info >= (3, 12)


def _big_file(lines: int = 20_000) -> bytes:
    """A large module full of constructs the rules look at."""
    chunk = [
        "",
        "@app.route('/items/<int:item_id>')",
        "def view_{i}(item_id, password='x'):",
        "    q = request.args.get('q', '')",
        "    db.execute(f\"SELECT * FROM t WHERE a = '{{q}}' AND id = {{item_id}}\")",
        "    h = hashlib.md5(password.encode()).hexdigest()",
        "    s = bcrypt.hashpw(password.encode(), b'$2b$04$abcdefghijklmnopqrstuu')",
        "    item = Item.query.get_or_404(item_id)",
        "    return Markup('<b>%s</b>' % q) + h + s + str(item)",
        "",
    ]
    head = ["import hashlib", "import bcrypt", "from flask import Flask, request",
            "from markupsafe import Markup", "app = Flask(__name__)", ""]
    out = list(head)
    i = 0
    while len(out) < lines:
        out.extend(line.format(i=i) for line in chunk)
        i += 1
    return ("\n".join(out[:lines]) + "\n").encode()


def _sql_view(terms: int) -> bytes:
    """A Flask view pasting request input into SQL with ``terms`` concatenations."""
    return (
        "from flask import request\n"
        "import sqlite3\n\n"
        "def search():\n"
        "    db = sqlite3.connect('app.db')\n"
        "    q = request.args['q']\n"
        "    return db.execute(\"SELECT * FROM items WHERE name = '\" + "
        + " + ".join(["q"] * terms) + " + \"'\").fetchall()\n"
    ).encode()


SOURCES: dict[str, bytes] = {
    "syntax_error": b"def f(:\n    pass\n",
    "unterminated_string": b"x = '''abc\n",
    "bad_indent": b"def f():\nreturn 1\n",
    "latin1_with_utf8_cookie": b"# -*- coding: utf-8 -*-\nname = 'caf\xe9'\n",
    "invalid_utf8": b"x = '\xff\xfe\xfa'\n",
    "unknown_encoding": b"# coding: no-such-codec\nx = 1\n",
    "empty": b"",
    "only_comment": b"# nothing here\n",
    "bom": b"\xef\xbb\xbfimport os\nos.system('ls ' + os.environ['X'])\n",
    "crlf": b"import sqlite3\r\ndef f(db, q):\r\n    db.execute('SELECT ' + q)\r\n",
    "form_feed": b"\x0c\ndef f():\n    return 1\n\x0c\nx = f()\n",
    "big_file": _big_file(),
    "match_statement": (
        b"def handle(cmd, db, request):\n"
        b"    match cmd:\n"
        b"        case {'q': str(q)} if q:\n"
        b"            db.execute(f\"SELECT * FROM t WHERE a = '{q}'\")\n"
        b"        case [first, *rest]:\n"
        b"            return first, rest\n"
        b"        case Point(x=0, y=y) | Point(x=y, y=0):\n"
        b"            return y\n"
        b"        case _:\n"
        b"            return None\n"
    ),
    "walrus": (
        b"import hashlib\n"
        b"def f(request, db):\n"
        b"    if (password := request.form.get('password')) is not None:\n"
        b"        return hashlib.sha256(password.encode()).hexdigest()\n"
        b"    while (chunk := request.stream.read(10)):\n"
        b"        db.execute('INSERT INTO t VALUES (%s)' % chunk)\n"
        b"    return [y for x in range(3) if (y := x * 2)]\n"
    ),
    "modern_syntax": (
        b"import asyncio\n"
        b"async def f(db, *, q, **kw):\n"
        b"    async with db.transaction() as tx:\n"
        b"        rows = [r async for r in db.cursor(f'SELECT {q}')]\n"
        b"    await asyncio.gather(*[tx.execute(r) for r in rows])\n"
        b"    return lambda x, /, y=1: x[kw]\n"
        b"@(lambda fn: fn)\n"
        b"def g(a, b, /, c): return a\n"
        b"global_value: int\n"
        b"del global_value\n"
    ),
    "nested_calls_150": (b"def f(db, q):\n    db.execute("
                         + b"str(" * 150 + b"q" + b")" * 150 + b")\n"),
    "lambda_and_comprehension_soup": (
        b"f = (lambda: (lambda: [{k: {v for v in k} for k in 'ab'} for _ in ()]))\n"
        b"class A(B, metaclass=M, **kw):\n"
        b"    x = [i for i in range(3)]\n"
        b"    def __init__(self): super().__init__(); self.x: int = 1\n"
    ),
}

if PY311:
    SOURCES["except_star"] = (
        b"def f(db, q, kw):\n"
        b"    try:\n"
        b"        db.execute('SELECT ' + q)\n"
        b"    except* ValueError as eg:\n"
        b"        raise\n"
        b"    return kw[*q]\n"
    )

if PY312:
    SOURCES.update({
        "pep695_type_alias": b"type X = int\ntype Pair[T] = tuple[T, T]\n",
        "pep695_generics": (
            b"def f[T](x: T) -> T:\n    return x\n"
            b"class Box[T: (int, str), *Ts, **P]:\n    def get[U](self, u: U) -> U: return u\n"
        ),
        "pep701_fstrings": (
            b"def f(db, q, items):\n"
            b"    s = f\"{f\"{f\"{q}\"}\"}\"\n"
            b"    db.execute(f\"SELECT {\", \".join(f\"'{i}'\" for i in items)} FROM t\")\n"
            b"    return f\"{'\\n'.join(items)}\" + f\"{q # comment\n}\"\n"
        ),
    })

#: input on which flake8 or Bandit may fail by themselves: null bytes (flake8
#: < 6 crashes on them before Python 3.12) and deep nesting (the parser's
#: nesting limit; pyflakes' and Bandit's recursive walks)
FRAGILE: dict[str, bytes] = {
    "null_byte": b"x = 1\x00\ny = 2\n",
    "deep_parens": b"x = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
    "deep_binop": b"x = " + b" + ".join([b"a"] * 1000) + b"\n",
    "deep_list": b"x = " + b"[" * 1000 + b"]" * 1000 + b"\n",
    "deep_sql_concat": _sql_view(1000),
}

ALL = {**SOURCES, **FRAGILE}
DEEP = {name: data for name, data in FRAGILE.items() if name.startswith("deep")}


def _our_bandit_names() -> list[str]:
    from secguide.registry import ALL_RULES

    return [r.symbol.replace("-", "_") for r in ALL_RULES] + [r.code for r in ALL_RULES]


@pytest.mark.parametrize("name", sorted(n for n in ALL if n != "big_file"))
@pytest.mark.parametrize("select", [None, "all"])
def test_check_source_never_raises(name, select):
    data = ALL[name]
    sel = all_codes() if select == "all" else None
    for source in (data, data.decode("utf-8", "replace")):
        result = secguide.check_source(source, f"{name}.py", select=sel)
        assert isinstance(result, list)
        assert all(isinstance(f, secguide.Finding) for f in result)
        positions = [(f.line, f.col) for f in result]
        assert positions == sorted(positions)


def _parses(data: bytes) -> bool:
    try:
        ast.parse(data)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


#: inputs that are valid Python (on this interpreter)
VALID = {"big_file", "bom", "crlf", "empty", "form_feed", "lambda_and_comprehension_soup",
         "match_statement", "modern_syntax", "nested_calls_150", "only_comment", "walrus"}
if PY311:
    VALID |= {"except_star"}
if PY312:
    VALID |= {"pep695_type_alias", "pep695_generics", "pep701_fstrings"}


def test_valid_inputs_parse_and_invalid_do_not():
    assert {n for n in SOURCES if _parses(SOURCES[n])} == VALID


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_syntax_causes_no_internal_error(name, monkeypatch):
    """On code that parses, no rule fails internally (strict mode re-raises)."""
    if not hasattr(_engine, "_STRICT"):
        pytest.skip("engine has no strict mode")
    monkeypatch.setattr(_engine, "_STRICT", True)
    result = secguide.check_source(SOURCES[name], f"{name}.py", select=all_codes())
    assert isinstance(result, list)


def test_deep_concatenation_is_still_analysed():
    """A 1,000-term concatenation is analysed like a short one (no silent
    give-up on recursion)."""
    shallow = {(f.line, f.code) for f in secguide.check_source(_sql_view(1), "v.py")}
    assert shallow, "the short form is not flagged"
    deep = {(f.line, f.code) for f in secguide.check_source(DEEP["deep_sql_concat"], "v.py")}
    assert deep == shallow


def test_big_file_is_analysed_in_reasonable_time():
    data = SOURCES["big_file"]
    assert data.count(b"\n") == 20_000
    start = time.perf_counter()
    result = secguide.check_source(data, "big.py", select=all_codes())
    elapsed = time.perf_counter() - start
    assert isinstance(result, list)
    assert elapsed < 20, f"{elapsed:.1f}s for 20,000 lines"


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_in_flake8_plugin_in_process(name):
    """Where the parser accepts the deep input, our flake8 plugin runs on it
    without raising (under flake8 itself pyflakes may fail first)."""
    from flake8_ext.plugin import SecguidePlugin

    try:
        tree = ast.parse(DEEP[name])
    except (SyntaxError, RecursionError, MemoryError):
        pytest.skip("the parser rejects it (nesting limit)")
    result = list(SecguidePlugin(tree, f"{name}.py", None).run())
    assert isinstance(result, list)


# -- the host tools ----------------------------------------------------------

@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("robust")
    for name, data in ALL.items():
        (root / f"{name}.py").write_bytes(data)
    return root


def _assert_flake8_clean(run, context=""):
    assert run.returncode in (0, 1), context + run.output
    assert not any(m in run.output for m in FLAKE8_CRASH_MARKERS), context + run.output


def _assert_not_named_flake8(run):
    # flake8 names a failing plugin as "package[entry]": ours is secguide[SCG]
    assert "[SCG]" not in run.output and "secguide" not in run.output, run.output
    assert "Traceback" not in run.stderr or "flake8_ext" not in run.stderr, run.output


def _assert_not_named_bandit(run):
    assert not any(m in run.output for m in BANDIT_CRASH_MARKERS), run.output
    for name in _our_bandit_names():
        assert name not in run.stderr, (name, run.stderr)
    for marker in ("bandit_ext", "secguide"):
        assert marker not in run.stderr, run.stderr


def test_flake8_survives_every_input(workdir):
    run = flake8(sorted(f"{n}.py" for n in SOURCES), "--extend-select=SCG", cwd=workdir)
    _assert_flake8_clean(run)
    _assert_not_named_flake8(run)
    # the run really checked the files: the syntax error is reported as E999
    assert any(h.code == "E999" and h.path.name == "syntax_error.py" for h in run.hits)


def test_bandit_survives_every_input(workdir):
    run = bandit(sorted(f"{n}.py" for n in SOURCES), cwd=workdir)
    assert run.data is not None, run.output
    _assert_not_named_bandit(run)
    scanned = set(run.data["metrics"]) - {"_totals"}
    assert any(name.endswith("big_file.py") for name in scanned), scanned


@pytest.mark.parametrize("name", sorted(FRAGILE))
def test_flake8_fragile_input_does_not_blame_us(workdir, name):
    without = flake8([f"{name}.py"], "--select=E,W,F", cwd=workdir)
    with_us = flake8([f"{name}.py"], "--select=E,W,F,SCG", cwd=workdir)
    _assert_not_named_flake8(with_us)
    if not any(m in without.output for m in FLAKE8_CRASH_MARKERS):
        # flake8 copes without us, so it must cope with us
        _assert_flake8_clean(with_us, "flake8 fails only with secguide: ")


def test_bandit_fragile_input_does_not_blame_us(workdir):
    targets = sorted(f"{n}.py" for n in FRAGILE)
    without = bandit(targets, "-s", ",".join(all_codes()), cwd=workdir)
    with_us = bandit(targets, cwd=workdir)
    assert with_us.data is not None, with_us.output
    _assert_not_named_bandit(with_us)
    # whatever Bandit could not scan without us, it cannot scan with us either,
    # and nothing more
    assert sorted(e["filename"] for e in with_us.data["errors"]) == \
        sorted(e["filename"] for e in without.data["errors"])
    assert with_us.stderr.count("ERROR") == without.stderr.count("ERROR"), with_us.stderr
