"""Scopes and bindings: the environment of abstract values.

An environment maps names (and ``a.b`` dotted keys for attributes of a
tracked base) to ``Value``s.  Imports bind qualified names; assignments,
unpacking, subscript stores and ``append``/``update`` calls bind values;
branches are walked on copies and joined.  A name bound more than once at
module level is not a constant.
"""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.analysis.strings import MAX_TEXT
from secguide.analysis.values import ANYCONST, NOVAL, UNKNOWN, Value, join, merge_taint
from secguide.models import web
from secguide.models.types import CONTAINER_EXTENDERS

BUILTINS = frozenset(dir(__import__("builtins")))


class Scope:
    """One scope: its environment, its parent, and (module level) how often
    each name is bound."""

    __slots__ = ("env", "parent", "is_class", "counts")

    def __init__(self, parent: "Scope | None", is_class: bool = False):
        self.env: dict[str, Value] = {}
        self.parent = parent
        self.is_class = is_class
        self.counts: dict[str, int] | None = None


def element(v: Value) -> Value:
    """An element of container ``v`` (for loops, unpacking, comprehensions)."""
    if v.items is not None and v.items:
        out = None
        for item in v.items.values():
            out = item if out is None else join(out, item)
        return out
    if v.is_const:
        return Value(cval=ANYCONST, raw=False)
    if v.taint or v.labels or v.built:
        return Value(taint=v.taint, labels=v.labels, typ=element_typ(v.typ) or (
            "str" if v.built else None), built=v.built, text=v.text, raw=v.raw)
    return UNKNOWN


def element_typ(typ: str | None) -> str | None:
    """The type of an element of a container of type ``typ``."""
    if typ in ("map", "list"):
        return "str"
    if typ == "files":
        return "file"
    return None


def join_envs(a: dict, b: dict) -> dict:
    """The environment after two paths: each name's values joined."""
    if a is b:
        return a
    out = dict(a)
    for k, vb in b.items():
        va = a.get(k)
        if va is None:
            out[k] = vb
        elif va is not vb:
            out[k] = join(va, vb)
    return out


class ScopeMixin:
    """Lookups and bindings of the file analysis (``self.scope`` is current)."""

    scope: Scope

    def _lookup(self, name: str) -> Value:
        scope = self.scope
        while scope is not None:
            v = scope.env.get(name)
            if v is not None:
                return v
            scope = scope.parent
            while scope is not None and scope.is_class and scope is not self.scope:
                scope = scope.parent
        if name in BUILTINS:
            return Value(qual="builtins." + name)
        return UNKNOWN

    def _lookup_dotted(self, key: str) -> Value | None:
        scope = self.scope
        while scope is not None:
            v = scope.env.get(key)
            if v is not None:
                return v
            scope = scope.parent
        return None

    def _join_envs(self, a: dict, b: dict) -> dict:
        return join_envs(a, b)

    def _import(self, st) -> None:
        env = self.scope.env
        if isinstance(st, ast.Import):
            for alias in st.names:
                if alias.asname:
                    env[alias.asname] = Value(qual=alias.name)
                else:
                    top = alias.name.split(".", 1)[0]
                    env[top] = Value(qual=top)
                self._module_has.add(alias.name.split(".", 1)[0])
        else:
            mod = "." * (st.level or 0) + (st.module or "")
            if st.module:
                self._module_has.add(st.module.split(".", 1)[0])
            for alias in st.names:
                if alias.name == "*":
                    continue
                q = f"{mod}.{alias.name}" if mod and not mod.endswith(".") else mod + alias.name
                q = web.ALIASES.get(q, q)
                env[alias.asname or alias.name] = Value(qual=q)

    def _finish_module(self) -> None:
        """Names assigned more than once at module level are not constants."""
        scope = self._module_scope
        for name, n in scope.counts.items():
            if n > 1:
                v = scope.env.get(name)
                if v is not None and v.cval is not NOVAL:
                    scope.env[name] = v.copy(cval=NOVAL, raw=True)

    def _count(self, name: str) -> None:
        counts = self.scope.counts
        if counts is not None:
            counts[name] = counts.get(name, 0) + 1

    def _resolve(self, node) -> str | None:
        return self.value(node).qual

    def _bind(self, target: ast.AST, v: Value) -> None:
        t = type(target)
        if t is ast.Name:
            self.scope.env[target.id] = v
            if self.scope.counts is not None:
                self._count(target.id)
        elif t in (ast.Tuple, ast.List):
            elts = target.elts
            items = v.items
            for i, e in enumerate(elts):
                if isinstance(e, ast.Starred):
                    self._bind(e.value, element(v))
                elif items is not None and i in items:
                    self._bind(e, items[i])
                else:
                    self._bind(e, element(v))
        elif t is ast.Attribute:
            base = dotted(target.value)
            if base is not None and base.count(".") < 2:
                self._dotted_bases.add(base.split(".", 1)[0])
                self.scope.env[f"{base}.{target.attr}"] = v
        elif t is ast.Subscript:
            if isinstance(target.value, ast.Name):
                name = target.value.id
                cur = self._lookup(name)
                key = self.value(target.slice)
                if cur.items is not None and key.known:
                    items = dict(cur.items)
                    items[key.cval] = v
                    self.scope.env[name] = cur.copy(
                        items=items, taint=merge_taint(*(i.taint for i in items.values())))
                elif v.taint and cur.items is None and cur is not UNKNOWN:
                    self.scope.env[name] = cur.copy(taint=merge_taint(cur.taint, v.taint))
        elif t is ast.Starred:
            self._bind(target.value, v)

    def _add_to_container(self, name: str, call: ast.Call) -> None:
        """``parts.append(v)``: the container now also holds ``v``."""
        cur = self._lookup(name)
        if cur.qual or cur.typ not in ("list", "dict", None):
            return
        added = self.value(call.args[-1])
        if call.func.attr in CONTAINER_EXTENDERS:
            added = element(added) if added.items is None else added
        if not (added.taint or added.built or added.labels) and cur.is_const == added.is_const:
            return
        self.scope.env[name] = Value(
            cval=ANYCONST if cur.is_const and added.is_const else NOVAL,
            taint=merge_taint(cur.taint, added.taint), built=cur.built or added.built,
            text=(cur.text + added.text)[:MAX_TEXT], raw=cur.raw or added.raw,
            labels=cur.labels | added.labels, typ="list")
