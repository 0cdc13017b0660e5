"""The expression evaluator: the abstract value of an expression.

Generic semantics only (names, operators, containers, subscripts, string
building, comprehensions); calls and attributes are ``calls.py``.  Every
sub-expression is evaluated through ``self.value`` (memoised per
statement), so rules and the interpreter share the work.
"""
from __future__ import annotations

import ast
import operator
from typing import Callable

from secguide.analysis.calls import CallsMixin, server_meta
from secguide.analysis.names import (CARRIED, EXCEPTION, MARKUP, SECRET, SECRET_OR_PASSWORD, UKEYS,
                                     identifier_key)
from secguide.analysis.scope import element, element_typ, list_index
from secguide.analysis.strings import (MAX_TEXT, PERCENT_FIELD, build, fold, format_string,
                                       as_number, join_safe, numeric_spec)
from secguide.analysis.values import (ANYCONST, EMPTY, NOVAL, NUMBER, UNKNOWN, Value, const,
                                      join, merge_taint, sanitize)
from secguide.models.mongo import MONGO_NEXT
from secguide.models.types import PATH

_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
TRUE = const(True)
FALSE = const(False)
#: constants compared by value (not containers, not objects)
_SCALARS = (str, bytes, int, float, bool, type(None))
_ORDER = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
#: containers whose literal (or constant) slots ``in`` is folded against
_LITERAL_CONTAINERS = (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Name, ast.Attribute)


class EvaluatorMixin(CallsMixin):
    """``_ev`` and the evaluators of the generic expression types."""

    def _ev(self, node: ast.AST) -> Value:
        t = type(node)
        if t is ast.Constant:
            return const(node.value)
        if t is ast.Name:
            v = self._lookup(node.id)
            lab = self.name_labels(node.id)
            return v.with_labels(lab) if lab and node.id not in self._loop_names else v
        fn = EVALUATORS.get(t)
        if fn is None:
            return UNKNOWN
        return fn(self, node)

    def _ev_subscript(self, node: ast.Subscript) -> Value:
        base = self.value(node.value)
        nxt = MONGO_NEXT.get(base.qual or "")
        if nxt is not None:
            return Value(qual=nxt)
        if type(base.cval) is str or type(base.cval) is bytes:
            folded = _fold_index(self, base.cval, node.slice)
            if folded is not None:
                return folded
        key = self.value(node.slice)
        if base.items is not None and key.known:
            slot = list_index(base.items, key.cval) if base.typ == "list" else key.cval
            try:
                item = base.items.get(slot)
            except TypeError:
                item = None
            if item is not None:
                return item
        str_key = key.known and type(key.cval) is str
        lab = self.name_labels(key.cval) if str_key else EMPTY
        if base.taint and str_key and server_meta(base, key.cval):
            return UNKNOWN
        held = base.labels
        if held and str_key and identifier_key(key.cval):
            held = held - SECRET_OR_PASSWORD  # credentials["username"]: who, not a secret
        if base.taint:
            taint = self._refine(base.taint, node)
            if isinstance(node.slice, ast.Slice):
                return base.copy(taint=taint, items=None, labels=(held | lab) - SECRET)
            return Value(taint=taint, labels=held | lab, typ=element_typ(base.typ),
                         text=base.text)
        if base.items is not None:
            return element(base).with_labels(lab)
        if base.is_const and key.is_const:
            return Value(cval=ANYCONST, raw=False, labels=lab)
        if base.typ == "exception":
            return Value(labels=EXCEPTION)
        carried = held & CARRIED
        if type(node.slice) is ast.Slice:
            carried -= SECRET  # token[-4:]: a masked form
        if lab or carried:
            return Value(labels=lab | carried)
        return UNKNOWN

    def _ev_joinedstr(self, node: ast.JoinedStr) -> Value:
        parts = []
        for piece in node.values:
            if type(piece) is ast.Constant:
                parts.append(const(piece.value))
            elif type(piece) is ast.FormattedValue:
                v = self.value(piece.value)
                spec = piece.format_spec
                if spec is not None and (v.typ == "int" or piece.conversion == -1 and all(
                        type(x) is ast.Constant for x in spec.values) and numeric_spec(
                        "".join(str(x.value) for x in spec.values))):
                    v = as_number(v)  # f"{n:d}": only a number renders (a string raises)
                parts.append(v)
        return build(parts, "an f-string")

    def _ev_binop(self, node: ast.BinOp) -> Value:
        return self._binop_values(self.value(node.left), node.op, self.value(node.right),
                                  node.right)

    def _binop_values(self, left: Value, op: ast.AST, right: Value,
                      right_node: ast.AST | None = None) -> Value:
        t = type(op)
        if left.known and right.known:
            folded = fold(t, left.cval, right.cval)
            if folded is not None:
                return folded
        if t is ast.Div and left.qual == PATH:
            return Value(qual=PATH, taint=merge_taint(left.taint, right.taint),
                         labels=join_safe(left.labels, right.labels))
        if MARKUP <= left.labels and t in (ast.Mod, ast.Add):  # Markup escapes
            return sanitize(build([left, right], "%-formatting"), "html").with_labels(MARKUP)
        if t is ast.Mod and left.typ == "str" and (left.is_const or left.built):
            if right_node is not None and type(right_node) is ast.Tuple:
                args = [self.value(e) for e in right_node.elts]
            elif right.items is not None and right_node is not None and type(right_node) is ast.Dict:
                args = right.items
            else:
                args = [right]
            return format_string(left, args, "%-formatting", PERCENT_FIELD)
        if t is ast.Add and (left.typ == "str" or right.typ == "str"):
            return build([left, right], "concatenation")
        if t is ast.Mult and left.is_const and left.typ == "str":
            return Value(cval=ANYCONST, raw=False, typ="str", text=left.text)
        if t is ast.Mult and left.items is not None and left.is_const:
            return left.copy(cval=ANYCONST)
        if left.is_const and right.is_const:
            return Value(cval=ANYCONST, raw=False, typ=left.typ if left.typ == right.typ else None)
        if left.taint or right.taint or left.labels or right.labels:
            return Value(taint=merge_taint(left.taint, right.taint),
                         labels=left.labels | right.labels,
                         built=left.built or right.built,
                         typ="int" if left.typ == right.typ == "int" else None)
        if left.typ == "int" and right.typ == "int":
            return NUMBER
        return UNKNOWN

    def _ev_boolop(self, node: ast.BoolOp) -> Value:
        """``a or b`` / ``a and b`` is one of its operands: a known operand
        that decides ends the chain (the operands after it never run), one
        that does not decide is never the value (unless it is the last)."""
        is_or = type(node.op) is ast.Or
        values = node.values
        out = None
        last = len(values) - 1
        for i, vnode in enumerate(values):
            v = self.value(vnode)
            if v.cval is not NOVAL and v.cval is not ANYCONST:
                try:
                    decides = bool(v.cval) == is_or
                except Exception:  # pragma: no cover - exotic constants
                    decides = False
                if not decides and i < last:
                    continue
                return v if out is None else join(out, v)
            out = v if out is None else join(out, v)
        return out

    def _ev_ifexp(self, node: ast.IfExp) -> Value:
        test = self.value(node.test)
        if test.known:
            return self.value(node.body if test.cval else node.orelse)
        return join(self.value(node.body), self.value(node.orelse))

    def _ev_compare(self, node: ast.Compare) -> Value:
        """A comparison of known constants folds (``MODE == "dev"``, ``"a" in
        ("a", "b")``, ``3 > 2``); anything else is a clean boolean."""
        left = self.value(node.left)
        c = left.cval
        if c is NOVAL or c is ANYCONST:
            return NUMBER
        for op, comp in zip(node.ops, node.comparators):
            right = self.value(comp)
            ok = compare(type(op), left.cval, right, comp)
            if ok is None:
                return NUMBER
            if not ok:
                return FALSE
            left = right
        return TRUE

    def _ev_unaryop(self, node: ast.UnaryOp) -> Value:
        v = self.value(node.operand)
        if isinstance(node.op, ast.Not):
            return const(not v.cval) if v.known else NUMBER
        if v.known and isinstance(v.cval, (int, float)):
            try:
                return const(_UNARY[type(node.op)](v.cval))
            except Exception:
                return NUMBER
        return v if v.typ == "int" else UNKNOWN

    def _ev_dict(self, node: ast.Dict) -> Value:
        items: dict | None = {}
        taints = []
        labels = EMPTY
        all_const = True
        for k, vnode in zip(node.keys, node.values):
            v = self.value(vnode)
            taints.append(v.taint)
            labels |= v.labels
            if not v.is_const:
                all_const = False
            if k is None:
                items = None
                all_const = False
                continue
            kv = self.value(k)
            if not kv.is_const:
                all_const = False
            if items is not None and kv.known:
                try:
                    items[kv.cval] = v.with_labels(self.name_labels(kv.cval)
                                                   if isinstance(kv.cval, str) else EMPTY)
                except TypeError:
                    items = None
            else:
                items = None
        spread = EMPTY
        for k, vnode in zip(node.keys, node.values):
            if k is None:
                spread |= self.value(vnode).labels & UKEYS
        return Value(cval=ANYCONST if all_const else NOVAL, taint=merge_taint(*taints),
                     raw=not all_const, labels=(labels & CARRIED) | spread, items=items,
                     typ="dict")

    def _ev_sequence(self, node) -> Value:
        vals = [self.value(e) for e in node.elts]
        all_const = all(v.is_const for v in vals)
        items = {i: v for i, v in enumerate(vals)} if type(node) is not ast.Set and not any(
            isinstance(e, ast.Starred) for e in node.elts) else None
        labels = EMPTY
        for v in vals:
            labels |= v.labels
        built = next((v.built for v in vals if v.built), None)
        text = "".join(v.text for v in vals if v.built)[:MAX_TEXT] if built else ""
        return Value(cval=ANYCONST if all_const else NOVAL,
                     taint=merge_taint(*(v.taint for v in vals)),
                     raw=not all_const, labels=labels, items=items,
                     typ="list", built=built, text=text)

    def _ev_comprehension(self, node) -> Value:
        with self._comprehension_scope(node):
            if type(node) is ast.DictComp:
                key = self.value(node.key)
                v = join(key, self.value(node.value))
                if key.taint and not key.is_const:
                    v = v.with_labels(UKEYS)  # keys chosen by the data
                else:
                    v = v.copy(labels=v.labels - UKEYS)
            else:
                v = self.value(node.elt)
        if v.is_const:
            return Value(cval=ANYCONST, raw=False, typ="list")
        return Value(taint=v.taint, labels=v.labels, built=v.built, typ="list",
                     raw=v.raw, text=v.text if v.built else "")

    def _ev_passthrough(self, node) -> Value:
        return self.value(node.value)


#: the evaluator of each expression type (Constant and Name are inlined in _ev)
EVALUATORS: dict[type, Callable] = {
    ast.Attribute: CallsMixin._ev_attribute,
    ast.Subscript: EvaluatorMixin._ev_subscript,
    ast.Call: CallsMixin._ev_call,
    ast.JoinedStr: EvaluatorMixin._ev_joinedstr,
    ast.BinOp: EvaluatorMixin._ev_binop,
    ast.BoolOp: EvaluatorMixin._ev_boolop,
    ast.IfExp: EvaluatorMixin._ev_ifexp,
    ast.Compare: EvaluatorMixin._ev_compare,
    ast.UnaryOp: EvaluatorMixin._ev_unaryop,
    ast.Dict: EvaluatorMixin._ev_dict,
    ast.List: EvaluatorMixin._ev_sequence,
    ast.Tuple: EvaluatorMixin._ev_sequence,
    ast.Set: EvaluatorMixin._ev_sequence,
    ast.ListComp: EvaluatorMixin._ev_comprehension,
    ast.SetComp: EvaluatorMixin._ev_comprehension,
    ast.GeneratorExp: EvaluatorMixin._ev_comprehension,
    ast.DictComp: EvaluatorMixin._ev_comprehension,
    ast.Await: EvaluatorMixin._ev_passthrough,
    ast.Starred: EvaluatorMixin._ev_passthrough,
    ast.NamedExpr: EvaluatorMixin._ev_passthrough,
}


def compare(op: type, a, right: Value, right_node: ast.AST) -> bool | None:
    """``a <op> right`` for a known ``a``, or None when it does not fold."""
    if op is ast.In or op is ast.NotIn:
        found = _member(a, right, right_node)
        return None if found is None else found == (op is ast.In)
    if not right.known:
        return None
    b = right.cval
    if not isinstance(a, _SCALARS) or not isinstance(b, _SCALARS):
        return None
    if op is ast.Eq:
        return a == b
    if op is ast.NotEq:
        return a != b
    if op is ast.Is or op is ast.IsNot:
        if a is None or b is None or type(a) is bool or type(b) is bool:
            return (a is b) == (op is ast.Is)
        return None
    fn = _ORDER.get(op)
    if fn is None:
        return None
    try:
        return fn(a, b)
    except TypeError:
        return None


def _member(a, right: Value, right_node: ast.AST) -> bool | None:
    """``a in right``: a substring of a known string, or one of the known
    slots of a constant tuple/list/set/dict (a literal, or a name bound to a
    constant one)."""
    if right.known:
        b = right.cval
        if isinstance(b, (str, bytes)) and type(a) is type(b):
            return a in b
        return None
    items = right.items
    if items is None or not right.is_const or not isinstance(right_node, _LITERAL_CONTAINERS) \
            or not isinstance(a, _SCALARS):
        return None
    if right.typ == "dict":
        try:
            return a in items
        except TypeError:
            return None
    for v in items.values():
        if not v.known:
            return None
    return any(type(v.cval) is type(a) and v.cval == a for v in items.values())


def _fold_index(ev, text, sl: ast.AST) -> Value | None:
    """``"abc"[1]``, ``PREFIX[:3]``: a known string indexed or sliced by
    known integers (None when it does not fold)."""
    if type(sl) is ast.Slice:
        parts = []
        for part in (sl.lower, sl.upper, sl.step):
            if part is None:
                parts.append(None)
                continue
            v = ev.value(part)
            if not v.known or type(v.cval) is not int:
                return None
            parts.append(v.cval)
        if parts[2] == 0:
            return None
        return const(text[slice(*parts)])
    key = ev.value(sl)
    if not key.known or type(key.cval) is not int:
        return None
    try:
        return const(text[key.cval])
    except IndexError:
        return None
