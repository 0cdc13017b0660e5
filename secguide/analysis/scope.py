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
from secguide.analysis.names import CARRIED, UKEYS
from secguide.analysis.strings import MAX_TEXT
from secguide.analysis.values import ANYCONST, EMPTY, NOVAL, UNKNOWN, Value, join, merge_taint
from secguide.models import web
from secguide.models.types import (CONFIG_PARSER, CONFIG_SET, CONTAINER_ADDERS,
                                   CONTAINER_EXTENDERS, MAX_SLOTS)

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


def container(items: dict, typ: str, keep: frozenset = EMPTY) -> Value:
    """A list (``typ`` "list", keys 0..n-1) or dict whose slots are ``items``
    (``keep``: the container's own labels that stay, e.g. data-chosen keys)."""
    all_const = True
    raw = False
    labels = EMPTY
    built = None
    for v in items.values():
        if v.cval is NOVAL:
            all_const = False
        raw = raw or v.raw
        labels |= v.labels
        built = built or v.built
    if typ == "dict":
        labels, built = labels & CARRIED, None
    text = "".join(v.text for v in items.values() if v.built)[:MAX_TEXT] if built else ""
    return Value(cval=ANYCONST if all_const else NOVAL,
                 taint=merge_taint(*(v.taint for v in items.values())),
                 raw=raw, labels=labels | keep, items=items, typ=typ,
                 built=built, text=text)


def slots(items: dict) -> list | None:
    """A list's slots in order, or None when its keys are not 0..n-1."""
    try:
        return [items[k] for k in range(len(items))]
    except KeyError:
        return None


def list_index(items: dict, key) -> int | None:
    """The slot of list index ``key`` (negative counts from the end)."""
    if type(key) is not int:
        return None
    if key < 0:
        key += len(items)
    return key if 0 <= key < len(items) else None


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
                if cur.items is not None:
                    slot = key.cval if key.known else None
                    if cur.typ == "list":
                        slot = list_index(cur.items, slot)
                    try:
                        fits = slot is not None and (
                            slot in cur.items or len(cur.items) < MAX_SLOTS) and \
                            type(target.slice) is not ast.Slice
                    except TypeError:
                        fits = False
                    if fits:
                        items = dict(cur.items)
                        items[slot] = v
                        self.scope.env[name] = container(items, cur.typ, cur.labels & UKEYS)
                    elif v.taint or v.labels:
                        # a slot the analysis cannot name: one joined element
                        self.scope.env[name] = cur.copy(
                            cval=NOVAL, items=None, raw=True,
                            taint=merge_taint(cur.taint, v.taint), labels=cur.labels | (
                                v.labels & CARRIED))
                elif v.taint and cur is not UNKNOWN:
                    self.scope.env[name] = cur.copy(taint=merge_taint(cur.taint, v.taint))
        elif t is ast.Starred:
            self._bind(target.value, v)

    def _add_to_container(self, name: str, call: ast.Call) -> None:
        """``parts.append(v)``: the container now also holds ``v`` (in its
        slot, for a list or dict whose slots are known)."""
        cur = self._lookup(name)
        if cur.qual:
            if cur.qual == CONFIG_PARSER and call.func.attr == CONFIG_SET:
                self._config_set(name, call)
            return
        if cur.typ not in ("list", "dict", None) or call.func.attr not in CONTAINER_ADDERS:
            return
        if cur.items is not None:
            slots = self._slots_added(cur, call)
            if slots is not None:
                self.scope.env[name] = slots
                return
        if not call.args:
            return
        added = self.value(call.args[-1])
        if call.func.attr in CONTAINER_EXTENDERS:
            added = element(added) if added.items is None else added
        if not (added.taint or added.built or added.labels) and \
                cur.is_const == added.is_const and cur.items is None:
            return
        self.scope.env[name] = Value(
            cval=ANYCONST if cur.is_const and added.is_const else NOVAL,
            taint=merge_taint(cur.taint, added.taint), built=cur.built or added.built,
            text=(cur.text + added.text)[:MAX_TEXT], raw=cur.raw or added.raw,
            labels=cur.labels | added.labels, typ="list")

    def _slots_added(self, cur: Value, call: ast.Call) -> Value | None:
        """``cur`` after ``append``/``insert``/``extend``/``update`` with every
        slot still known, or None (then the slots are joined)."""
        m = call.func.attr
        args = call.args
        items = cur.items
        if cur.typ == "list":
            n = len(items)
            if m == "append" and len(args) == 1:
                added = [self.value(args[0])]
                at = n
            elif m == "insert" and len(args) == 2:
                i = self.value(args[0])
                if not i.known or type(i.cval) is not int:
                    return None
                at = max(0, min(n, i.cval if i.cval >= 0 else n + i.cval))
                added = [self.value(args[1])]
            elif m == "extend" and len(args) == 1:
                more = self.value(args[0])
                if more.items is None or more.typ != "list":
                    return None
                added = slots(more.items)
                if added is None:
                    return None
                at = n
            else:
                return None
            if n + len(added) > MAX_SLOTS:
                return None
            vals = slots(items)
            if vals is None:
                return None
            vals[at:at] = added
            return container(dict(enumerate(vals)), "list")
        if cur.typ == "dict" and m == "update" and len(args) <= 1:
            new = dict(items)
            if args:
                more = self.value(args[0])
                if more.items is None or more.typ != "dict":
                    return None
                new.update(more.items)
            for k in call.keywords:
                if k.arg is None:
                    return None
                new[k.arg] = self.value(k.value)
            if len(new) > MAX_SLOTS:
                return None
            return container(new, "dict", cur.labels & UKEYS)
        return None

    def _take_from_container(self, name: str, call: ast.Call) -> None:
        """``argv.pop()``, ``d.pop(k)``, ``parts.remove(x)``, ``d.clear()``:
        the slots that are left (a container of unknown slots keeps its data)."""
        cur = self._lookup(name)
        items = cur.items
        if items is None or cur.typ not in ("list", "dict"):
            return
        m = call.func.attr
        args = call.args
        if m == "clear":
            new = {}
        elif cur.typ == "list":
            vals = slots(items)
            if vals is None:
                self.scope.env[name] = cur.copy(items=None)
                return
            at = None
            if m == "pop":
                key = self.value(args[0]) if args else None
                at = list_index(items, -1 if key is None else key.cval if key.known else None)
            elif m == "remove" and args:
                gone = self.value(args[0])
                if gone.known:
                    at = next((i for i, v in enumerate(vals) if v.known and type(
                        v.cval) is type(gone.cval) and v.cval == gone.cval), None)
            if at is None:
                self.scope.env[name] = cur.copy(items=None)
                return
            del vals[at]
            new = dict(enumerate(vals))
        elif m == "pop" and args:
            key = self.value(args[0])
            if not key.known:
                self.scope.env[name] = cur.copy(items=None)
                return
            new = dict(items)
            try:
                new.pop(key.cval, None)
            except TypeError:
                return
        else:
            self.scope.env[name] = cur.copy(items=None)
            return
        self.scope.env[name] = container(new, cur.typ, cur.labels & UKEYS)

    # -- configparser -------------------------------------------------------------
    def _config_set(self, name: str, call: ast.Call) -> None:
        """``cp.set(section, option, value)``: read back by ``cp.get``."""
        if len(call.args) < 3:
            return
        self.scope.env[_config_key(name, self.value(call.args[0]),
                                   self.value(call.args[1]))] = self.value(call.args[2])

    def _config_get(self, name: str, call: ast.Call) -> Value | None:
        """``cp.get(section, option)`` after a ``set`` in this scope, or None."""
        if len(call.args) < 2:
            return None
        key = _config_key(name, self.value(call.args[0]), self.value(call.args[1]))
        v = self._lookup_dotted(key)
        some = self._lookup_dotted(f"{name}[*]")
        if some is not None:
            v = some if v is None else join(v, some)
        return v


def _config_key(name: str, section: Value, option: Value) -> str:
    """The environment key of one option (options are case-insensitive)."""
    if section.known and option.known and isinstance(section.cval, str) and \
            isinstance(option.cval, str):
        return f"{name}[{section.cval}][{option.cval.lower()}]"
    return f"{name}[*]"
