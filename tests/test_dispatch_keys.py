"""The Assign index (``Rule.assign_keys``): an assignment reaches only the
rules keyed on it, so a rule left out must be one that would have done
nothing there.  Checked on every fixture and fixture project: each rule the
index leaves out is run anyway and must neither report nor record state."""
from __future__ import annotations

import ast
import pathlib

import pytest

import secguide.engine as engine
from secguide.engine import tables
from secguide.options import Options

ROOT = pathlib.Path(__file__).parent
KEYED = sorted(r.code for r in tables._INSTANCES.values()
               if r.assign_keys is not None or r.local_assign_keys is not None)


def _fingerprint(obj, depth: int = 0):
    """What a rule's state holds, by size: recording something changes it."""
    if obj is None or depth > 3:
        return None
    if isinstance(obj, (dict, list, set, tuple, frozenset)):
        return len(obj)
    if isinstance(obj, (str, int, float, bool)):
        return obj
    fields = getattr(obj, "__dict__", None) or {
        s: getattr(obj, s, None) for s in getattr(type(obj), "__slots__", ())}
    return tuple(sorted((k, _fingerprint(v, depth + 1)) for k, v in fields.items()))


def _same(before, after) -> bool:
    """Nothing recorded: every container the same size, every flag the same;
    a field that was None may be filled (a fact the rule computes once and
    keeps, such as whether the module imports a web framework)."""
    if before is None or before == after:
        return True
    if isinstance(before, tuple) and isinstance(after, tuple) and len(before) == len(after):
        return all(_same(b, a) for b, a in zip(before, after))
    return False


def _state(ctx, rule):
    made = ctx._rule_states.get(type(rule))
    fn = ctx.fn.rule_states.get(type(rule)) if ctx.fn is not None else None
    fresh_file = _fingerprint(rule.file_state()) if rule.file_state else None
    fresh_fn = _fingerprint(rule.function_state()) if rule.function_state else None
    return (_fingerprint(made) if made is not None else fresh_file,
            _fingerprint(fn) if fn is not None else fresh_fn)


def _sources():
    for folder in ("fixtures", "projects"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_every_keyed_rule_declares_keys_of_known_forms():
    """``assign_keys`` are frozensets of strings of the forms the index reads."""
    assert KEYED, "no rule declares assign keys"
    for rule in tables._INSTANCES.values():
        for keys in (rule.assign_keys, rule.local_assign_keys):
            if keys is None:
                continue
            assert isinstance(keys, frozenset) and keys, rule.code
            for key in keys:
                assert isinstance(key, str) and key, (rule.code, key)
                if key.startswith("="):
                    assert isinstance(getattr(ast, key[1:], None), type), (rule.code, key)
                if key.startswith("@"):
                    assert key == "@password", (rule.code, key)
        if rule.local_assign_keys is not None:
            assert rule.sees_local_assigns, rule.code


def test_an_assignment_reaches_the_rules_keyed_on_it(monkeypatch):
    select = tables.AssignIndex.select
    seen: dict = {}

    def recording_select(self, st, ctx):
        chosen = select(self, st, ctx)
        seen[st.lineno] = {r.code for r in chosen if r not in self.always}
        return chosen

    monkeypatch.setattr(tables.AssignIndex, "select", recording_select)

    def codes(src):
        seen.clear()
        lines = src.splitlines()
        engine.analyze_source(src, "settings.py", select=["SCG"], strict=True)
        return seen.get(len(lines), set())

    assert codes("x = 1\n") == set()
    assert codes("DEBUG = True\n") == {"SCG703"}
    assert codes("app.debug = True\n") == {"SCG703"}
    assert codes("app.config['DEBUG'] = True\n") >= {"SCG502", "SCG503", "SCG703"}
    assert "SCG503" not in codes("cache['DEBUG'] = True\n")
    assert codes("app.jinja_options = {}\n") == {"SCG203"}
    assert "SCG604" in codes("user.password = pw\n")
    assert codes("import os\nold = os.umask(0)\n") == {"SCG905"}
    assert codes("from os import umask as u\nold = u(0)\n") == {"SCG905"}
    assert codes("is_admin = role == 'admin'\n") == {"SCG405"}
    assert codes("a, b = 1, 2\n") == set()
    assert codes("def f():\n    x = g()\n") == set()
    assert codes("def f():\n    password = PasswordField()\n") == {"SCG506"}


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_rule_the_index_leaves_out_does_nothing_there(path, monkeypatch):
    left_out = []
    select = tables.AssignIndex.select

    def checked_select(self, st, ctx):
        chosen = select(self, st, ctx)
        for rule in self.rules:
            if rule in chosen:
                continue
            before = _state(ctx, rule)
            assert not rule.check(st, ctx), (rule.code, st.lineno)
            assert _same(before, _state(ctx, rule)), (rule.code, st.lineno)
            left_out.append(rule.code)
        return chosen

    monkeypatch.setattr(tables.AssignIndex, "select", checked_select)
    # test modules interpreted too (by default only their strings are read)
    engine.analyze_source(path.read_bytes(), str(path), select=["SCG"], strict=True,
                          options=Options(check_test_modules=True))
    if any(isinstance(n, ast.Assign) for n in ast.walk(ast.parse(path.read_bytes()))):
        assert left_out, "the index left out nothing: the check did not run"


def _strings():
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node


def test_a_string_without_the_needles_reaches_no_constant_rule():
    """``Rule.str_needles``: each Constant rule, run on every string of the
    fixtures the shared search skips, reports nothing; and the search does
    skip most of them."""
    codes = tuple(sorted(c for c, r in tables._INSTANCES.items() if ast.Constant in r.node_types))
    table = tables._tables(codes, False)
    rules, search = table.dispatch[tables.STR_CONSTANT], table.dispatch[tables.STR_NEEDLES]
    tree = ast.parse("x = 1\n")
    ctx = engine.FileContext(tree, "app.py", table, engine.DEFAULT_OPTIONS)
    skipped = kept = 0
    for node in _strings():
        if len(node.value) < table.dispatch[tables.STR_MIN]:
            continue
        if search(node.value) is not None:
            kept += 1
            continue
        skipped += 1
        for rule in rules:
            assert not rule.check(node, ctx), (rule.code, node.value)
    assert skipped > 5 * kept > 0
    assert search("postgres://root:pw@db/x") and search("ghp_" + "a" * 36)


def test_a_call_rule_the_index_leaves_out_does_nothing_there(monkeypatch):
    """The call index of a rule with ``call_words`` (SCG503 once saw every
    call): run on each call the index keeps from it, it must neither report
    nor record state.  (Rules indexed by ``calls`` alone may record every
    call they are given, such as SCG601's hash calls, so only reports would
    be comparable for them.)"""
    reached: set = set()
    for rule in tables._INSTANCES.values():
        if rule.calls is None:
            continue
        check = type(rule).check

        def recording(self, node, ctx, _check=check):
            reached.add((type(self), id(node)))
            return _check(self, node, ctx)

        monkeypatch.setattr(type(rule), "check", recording)
    dispatch = engine.FileContext._dispatch_call
    left_out = []

    def checked(self, call):
        dispatch(self, call)
        indexed = {r for k, rules in self._active_calls.items()
                   if k != tables.CALL_WORDS for r in rules if r.call_words}
        for rule in indexed:
            if (type(rule), id(call)) in reached:
                continue
            before = _state(self, rule)
            assert not rule.check(call, self), (rule.code, call.lineno)
            assert _same(before, _state(self, rule)), (rule.code, call.lineno)
            left_out.append(rule.code)

    monkeypatch.setattr(engine.FileContext, "_dispatch_call", checked)
    for path in _sources():
        engine.analyze_source(path.read_bytes(), str(path), select=["SCG"], strict=True)
    assert len(left_out) > 1000, "the index left out little: the check did not run"
