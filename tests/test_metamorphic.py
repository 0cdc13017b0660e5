"""A metamorphic property: renaming local variables and parameters to
neutral names (``v1``, ``v2``...; tests/renaming.py, which keeps the
program's meaning) does not change what the dataflow rules find.

The rules exempted are exactly the heuristic ones, whose verdict depends on
what a variable is called; ``HEURISTIC`` names them, and the test fails both
when another rule's findings change under renaming and when an exempted
rule's do not (then it is no longer heuristic here: drop it from the list).

Both sides go through ``ast.unparse`` (the renamed program is unparsed), so
lines match; columns move with the names' lengths and are not compared.
The fast tier renames every local of every fixture file; the
``properties`` tier (Hypothesis, derandomized) renames chosen subsets in
chosen orders.
"""
from __future__ import annotations

import ast
import functools
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import secguide
from secguide.options import Options
from tests.checks import ALL_CODES, strict_engine
from tests.expectations import Expectations
from tests.renaming import rename, renamable
from tests.toolrun import FIXTURES, rel

#: code -> why its verdict depends on a local variable's name (found by
#: running this property over the fixtures)
HEURISTIC = {
    "SCG504": "a compared value is secret by its name (token, signature, api_key, expected_...)",
    "SCG505": "a random value is a secret by the name of its target (token, session_id, ...)",
    "SCG506": "a length check is a password policy by the checked name (password, new_password)",
    "SCG601": "a hashed value is a password by its name",
    "SCG604": "a stored value is a plaintext password by its name (new_password, pw, ...)",
    "SCG701": "a default argument or a value compared with a literal is a password by the "
              "parameter's or variable's name (password=\"...\", password == \"...\")",
    "SCG802": "a logged value is a secret by its name (password, api_key, token)",
}

FILES = sorted(FIXTURES.rglob("*.py"))
IDS = [rel(p, FIXTURES) for p in FILES]


@pytest.fixture(autouse=True, scope="module")
def strict():
    with strict_engine():
        yield


def _findings(source: str, path: Path) -> set[tuple[int, str, str, str]]:
    options = Options.from_mapping(Expectations(path).options)
    return {(f.line, f.code, f.severity, f.confidence)
            for f in secguide.check_source(source, rel(path), select=ALL_CODES, options=options)}


@functools.lru_cache(maxsize=None)
def _original(path: Path) -> tuple[str, frozenset]:
    text = path.read_text(encoding="utf-8")
    return text, frozenset(_findings(ast.unparse(ast.parse(text)), path))


def _changed_codes(path: Path, choose=None) -> tuple[set[str], int]:
    """Codes whose findings differ after renaming, and how many names were renamed."""
    text, before = _original(path)
    renamed, mapping = rename(text, rel(path), choose)
    after = _findings(renamed, path)
    return {code for _, code, _, _ in before ^ after}, len(mapping)


@functools.lru_cache(maxsize=None)
def _full_renaming(path: Path) -> tuple[frozenset, int]:
    codes, n = _changed_codes(path)
    return frozenset(codes), n


# -- the renaming keeps the program's meaning ----------------------------------

SEMANTICS = '''
import functools
G = 10
def counter(start, step=G):
    total = start
    seen = []
    def bump(by):
        nonlocal total
        total += by
        seen.append(total)
        return total
    for i in range(3):
        bump(step + i)
    squares = [x * x for x in seen if (last := x) > 0]
    class Box:
        total = "class attribute, not the local"
        def get(self):
            return total
    try:
        int("nope")
    except ValueError as err:
        message = type(err).__name__
    match seen:
        case [first, *rest]:
            head = first
        case _:
            head = None
    global G
    G = G + 1
    return total, squares, last, Box().get(), Box.total, message, head, rest, G
def caller(value):
    return counter(start=value)
def lam():
    k = 3
    return list(map(lambda n, k=k: n + k, range(k)))
RESULT = (caller(5), lam(), functools.reduce(lambda a, b: a + b, [1, 2, 3]))
'''


def _run(source: str):
    namespace: dict = {}
    exec(compile(source, "<renamed>", "exec"), namespace)  # nosec B102  # test code only
    return namespace["RESULT"]


def test_renaming_keeps_the_meaning():
    renamed, mapping = rename(SEMANTICS)
    assert _run(renamed) == _run(SEMANTICS)
    names = {name for _, name in mapping}
    # locals, parameters, closures, nonlocal, comprehension and walrus targets,
    # except and match names are renamed ...
    assert {"total", "seen", "by", "i", "x", "last", "err", "message", "first",
            "rest", "head", "squares", "step", "n", "k"} <= names
    # ... but not what callers, frameworks or other scopes see
    assert "start" not in names  # a keyword argument name (counter(start=...))
    assert not names & {"G", "self", "counter", "bump", "Box", "caller", "functools", "get"}
    assert "class attribute, not the local" in renamed and "Box.total" in renamed


def test_views_and_test_modules_keep_their_parameters():
    src = textwrap.dedent('''
        @app.route("/items/<int:item_id>")
        def item(item_id):
            row = load(item_id)
            return row
        def detail(request, pk):
            obj = get(pk)
            return obj
        def helper(token):
            return token
    ''')
    names = {name for _, name in renamable(src, "views.py")}
    assert names == {"row", "obj", "token"}
    assert {name for _, name in renamable(src, "test_views.py")} == {"row", "obj"}


# -- the property --------------------------------------------------------------

def test_fixtures_have_locals_to_rename():
    renamed = sum(_full_renaming(p)[1] for p in FILES)
    assert renamed > 500, renamed


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_dataflow_findings_do_not_depend_on_local_names(path):
    changed, _ = _full_renaming(path)
    assert changed <= set(HEURISTIC), (
        f"renaming locals changed the findings of {sorted(changed - set(HEURISTIC))}")


def test_exempted_rules_are_exactly_the_heuristic_ones():
    changed = set().union(*(_full_renaming(p)[0] for p in FILES))
    assert changed == set(HEURISTIC), (
        f"exempted but not name-dependent on the fixtures: {sorted(set(HEURISTIC) - changed)}; "
        f"name-dependent but not exempted: {sorted(changed - set(HEURISTIC))}")


@st.composite
def partial_renamings(draw):
    path = draw(st.sampled_from(FILES))
    candidates = renamable(_original(path)[0], rel(path))
    chosen = draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []
    return path, chosen


@pytest.mark.properties
def test_partial_renamings():
    """Any subset of the locals, renamed in any order (so that two names may
    swap their neutral names): the dataflow rules still find the same."""
    stats = {"examples": 0, "renamed": 0}

    @settings(max_examples=150, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(partial_renamings())
    def prop(case):
        path, chosen = case
        changed, n = _changed_codes(path, lambda _candidates: chosen)
        stats["examples"] += 1
        stats["renamed"] += n
        assert changed <= set(HEURISTIC), (rel(path), chosen, sorted(changed))

    prop()
    assert stats["renamed"] >= stats["examples"] * 3, stats
