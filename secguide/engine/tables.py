"""Which rules see which nodes: the rule instances and, per selection,
their dispatch tables (built once, read-only)."""
from __future__ import annotations

import ast
import functools
import re
from typing import Iterable

from secguide.analysis.walking import CHILDREN, COMPREHENSIONS
from secguide.registry import ALL_RULES
from secguide.rule import Rule
from secguide.vocab import is_password_name

#: one shared, stateless instance of each rule
_INSTANCES: dict[str, Rule] = {r.code: r() for r in ALL_RULES}
#: summaries are computed with every rule, then serve any selection
_ALL_CODES = tuple(_INSTANCES)

#: dispatch key of an Assign to plain names inside a function
LOCAL_ASSIGN = "local-assign"
#: key, in the call index, of the rules that see every call with keywords
KEYWORD_CALLS = "(keywords)"
#: keys, in the call index, of ``Rule.call_words``: ``(word, rules)`` pairs,
#: and the rules that declare them, for callees with no name (``f()(x)``)
CALL_WORDS = "(words)"
CALL_UNNAMED = "(unnamed)"
#: dispatch key of the Constant rules: they see string constants only
STR_CONSTANT = "str-constant"
#: key of the shortest string the Constant rules look at (``min_str_len``)
STR_MIN = "str-min"
#: key of the search for the Constant rules' ``str_needles`` (absent when a
#: rule reads every string)
STR_NEEDLES = "str-needles"


class DispatchTables:
    """Which rules see which nodes: built once per rule selection, read-only.

    ``dispatch`` maps a node class to its rules; Call rules that declare
    ``calls`` are indexed by qualified or last name in ``calls`` instead
    (and under ``KEYWORD_CALLS`` with ``calls_with_keywords``); Constant
    rules sit under ``STR_CONSTANT`` and Assign rules that look at plain
    local assignments also under ``LOCAL_ASSIGN``.
    The ``*_plain`` tables leave out rules that only run in route handlers.
    """

    __slots__ = ("dispatch", "dispatch_plain", "calls", "calls_plain", "finishers",
                 "file_finishers", "codes", "plan", "plan_plain")

    def __init__(self, rules: list[Rule], test_file: bool = False):
        if test_file:
            rules = [r for r in rules if not r.skip_test_files]
        dispatch: dict[type, tuple] = {}
        plain: dict[type, tuple] = {}
        calls: dict[str, tuple] = {}
        calls_plain: dict[str, tuple] = {}
        for rule in rules:
            for t in rule.node_types:
                if t is ast.Call and rule.calls is not None:
                    keys = rule.calls | {KEYWORD_CALLS} if rule.calls_with_keywords else rule.calls
                    for key in keys:
                        calls[key] = calls.get(key, ()) + (rule,)
                        if not rule.needs_route:
                            calls_plain[key] = calls_plain.get(key, ()) + (rule,)
                    if rule.call_words:
                        words = tuple((w, (rule,)) for w in rule.call_words)
                        for table in (calls,) if rule.needs_route else (calls, calls_plain):
                            table[CALL_WORDS] = table.get(CALL_WORDS, ()) + words
                            table[CALL_UNNAMED] = table.get(CALL_UNNAMED, ()) + (rule,)
                    continue
                dispatch[t] = dispatch.get(t, ()) + (rule,)
                if not rule.needs_route:
                    plain[t] = plain.get(t, ()) + (rule,)
        # one tuple per distinct rule list: the call index maps hundreds of
        # names to the same few lists, and each tuple is an object the
        # host's garbage collector walks in every full collection
        shared: dict[tuple, tuple] = {}
        for table in (calls, calls_plain):
            for key, found in table.items():
                table[key] = shared.setdefault(found, found)
        # ``name = value`` inside a function: the Assign rules that look at it
        for table in (dispatch, plain):
            if ast.Constant in table:
                table[STR_CONSTANT] = table.pop(ast.Constant)
                table[STR_MIN] = min(r.min_str_len for r in table[STR_CONSTANT])
                needles = [r.str_needles for r in table[STR_CONSTANT]]
                if None not in needles:
                    table[STR_NEEDLES] = re.compile("|".join(
                        re.escape(n) for n in sorted({n for ns in needles for n in ns}))).search
            if ast.Assign in table:
                local = [r for r in table[ast.Assign] if r.sees_local_assigns]
                table[ast.Assign] = AssignIndex(table[ast.Assign], local=False)
                if local:
                    table[LOCAL_ASSIGN] = AssignIndex(local, local=True)
        self.dispatch = dispatch
        self.dispatch_plain = plain
        #: the expression walk's plan of each table (``walk_plan``)
        self.plan = walk_plan(dispatch)
        self.plan_plain = walk_plan(plain)
        self.calls = calls
        self.calls_plain = calls_plain
        self.finishers = tuple(r for r in rules
                               if type(r).finish_function is not Rule.finish_function)
        self.file_finishers = tuple(r for r in rules
                                    if type(r).finish_file is not Rule.finish_file)
        #: the codes of the rules (a call through a helper reports only these)
        self.codes = frozenset(r.code for r in rules)


#: what the expression walk does at a node (``walk_plan``): its kind
WALK_PLAIN, WALK_STR, WALK_CALL, WALK_NAMED, WALK_COMPREHENSION = range(5)


def walk_plan(table: dict) -> dict:
    """The expression walk's plan for a dispatch table, one dictionary read
    per node: node class -> ``(rules, children getter, kind)``.  A class
    with nothing to do (a ``Name`` no rule sees, a constant when no rule
    reads strings, ``None`` in a list of children) has no entry: the walk
    passes it by.  ``rules`` of a ``WALK_STR`` entry are the string rules."""
    plan: dict = {}
    for t in set(CHILDREN) | {cls for cls in table if isinstance(cls, type)} | {
            ast.Constant, ast.Call, ast.NamedExpr} | COMPREHENSIONS:
        if not issubclass(t, ast.expr) and t not in CHILDREN:
            continue  # statements: ``_stmt`` calls their rules
        if t is ast.Constant:
            rules = table.get(STR_CONSTANT)
            if rules:
                plan[t] = (rules, None, WALK_STR)
            continue
        kind = WALK_CALL if t is ast.Call else WALK_NAMED if t is ast.NamedExpr else \
            WALK_COMPREHENSION if t in COMPREHENSIONS else WALK_PLAIN
        rules = table.get(t) or None
        get = CHILDREN.get(t)
        if rules or get is not None or kind != WALK_PLAIN:
            plan[t] = (rules, get, kind)
    return plan


#: the key of an assignment's value class (``=Compare``): ``Rule.assign_keys``
_VALUE_KEYS = {cls: "=" + cls.__name__ for cls in vars(ast).values()
               if isinstance(cls, type) and issubclass(cls, ast.expr)}


class AssignIndex:
    """The Assign rules of a table, indexed by the keys they declare
    (``Rule.assign_keys`` / ``local_assign_keys``): ``select`` gives the
    rules an assignment reaches, in their table order."""

    __slots__ = ("rules", "always", "by_key", "suffixes", "ends", "password", "values",
                 "call_lasts")

    def __init__(self, rules, local: bool):
        self.rules = tuple(rules)
        self.always = tuple(r for r in self.rules
                            if (r.local_assign_keys if local else r.assign_keys) is None)
        by_key: dict[str, set] = {}
        for r in self.rules:
            for key in (r.local_assign_keys if local else r.assign_keys) or ():
                by_key.setdefault(key, set()).add(r)
        #: key -> the keyed rules, each a frozenset
        self.by_key = {k: frozenset(v) for k, v in by_key.items() if k[:1] != "*"}
        self.suffixes = tuple((k[1:], frozenset(v)) for k, v in sorted(by_key.items())
                              if k[:1] == "*")
        self.ends = tuple(suffix for suffix, _ in self.suffixes)
        self.password = self.by_key.get("@password")
        self.values = any(k[:1] == "=" for k in self.by_key)
        #: the last names of the keyed calls: an attribute call (``o.umask(0)``)
        #: is resolved only when its attribute is one of them
        self.call_lasts = frozenset(k.rpartition(".")[2] for k in self.by_key if k[:2] == "()")

    def select(self, st: ast.Assign, ctx) -> tuple:
        """The rules that see ``st``: those keyed on none of its keys are left out."""
        by_key = self.by_key
        if not by_key and not self.suffixes:
            return self.always
        hit: frozenset | None = None
        get = by_key.get
        for target in st.targets:
            t = type(target)
            if t is ast.Name:
                name = target.id
                found = get(name)
            elif t is ast.Attribute:
                name = target.attr
                found = get("." + name)
            elif t is ast.Subscript:
                name = None
                found = get("[]")
                holder = target.value
                th = type(holder)
                last = holder.id if th is ast.Name else holder.attr if th is ast.Attribute else None
                if last is not None:
                    more = get("[" + last)
                    if more:
                        found = more if found is None else found | more
            else:
                continue  # a, b = ...: no rule here reads inside a tuple target
            if found:
                hit = found if hit is None else hit | found
            if name is not None:
                if self.ends and name.endswith(self.ends):
                    for suffix, rules in self.suffixes:
                        if name.endswith(suffix):
                            hit = rules if hit is None else hit | rules
                if self.password is not None and is_password_name(name):
                    hit = self.password if hit is None else hit | self.password
        value = st.value
        tv = type(value)
        if self.values:
            found = get(_VALUE_KEYS.get(tv, ""))
            if found:
                hit = found if hit is None else hit | found
        if self.call_lasts and tv is ast.Call:
            func = value.func
            tf = type(func)
            if tf is ast.Name or tf is ast.Attribute and func.attr in self.call_lasts:
                q = ctx.call_name(value)
                found = get("()" + q) if q is not None else None
                if found:
                    hit = found if hit is None else hit | found
        if hit is None:
            return self.always
        return tuple(r for r in self.rules if r in hit or r in self.always)


def selected_rules(select: Iterable[str] | None = None) -> list[Rule]:
    """Rules whose code starts with one of ``select`` (None: the defaults)."""
    if select is None:
        return [r for r in _INSTANCES.values() if r.default_enabled]
    prefixes = tuple(select)
    return [r for code, r in _INSTANCES.items() if code.startswith(prefixes)]


@functools.lru_cache(maxsize=64)
def _selection(select: tuple[str, ...] | None) -> tuple[str, ...]:
    """The codes ``selected_rules(select)`` picks, once per selection (a
    host passes the same one for every file)."""
    return tuple(r.code for r in selected_rules(select))


@functools.lru_cache(maxsize=64)
def _tables(codes: tuple[str, ...], test_file: bool) -> DispatchTables:
    """Dispatch tables of a rule selection (less the ``skip_test_files``
    rules in a test module): a pure function of its arguments."""
    return DispatchTables([_INSTANCES[c] for c in codes], test_file)
