"""Walking the expressions inside a statement: the sub-expression getters of
every node class (``CHILDREN``, built once at import) and the walk that binds
``:=`` targets and comprehension variables.  A mixin of the interpreter: it
uses the interpreter's ``value``, ``_bind``, ``_narrow`` and scope."""
from __future__ import annotations

import ast
import contextlib
import operator

from secguide.analysis.scope import element
from secguide.analysis.values import UNKNOWN

COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})


class ExpressionWalk:
    """The expression walk of ``Interpreter``."""

    def _walk(self, node: ast.AST) -> None:
        """Visit ``node``'s sub-expressions for what binds names (``:=``) and
        comprehension scopes.  (The engine's walk also calls the rules.)"""
        children = CHILDREN
        stack = [node]
        while stack:
            n = stack.pop()
            t = type(n)
            if t is ast.Constant:
                continue
            if t is ast.NamedExpr:
                self._bind(n.target, self.value(n.value))
            elif t in COMPREHENSIONS:
                self._walk_comprehension(n)
                continue
            get = children.get(t)
            if get is None:
                continue
            for c in ((get[0](n),) if type(get) is tuple else get(n)):
                if type(c) is list:
                    stack.extend(c)
                elif c is not None:
                    stack.append(c)

    def _walk_comprehension(self, node) -> None:
        """Walk a comprehension with its loop variables bound, as at run time."""
        with self._comprehension_scope(node):
            for gen in node.generators:
                for cond in gen.ifs:
                    self._walk(cond)
            if type(node) is ast.DictComp:
                self._walk(node.key)
                self._walk(node.value)
            else:
                self._walk(node.elt)

    @contextlib.contextmanager
    def _comprehension_scope(self, node):
        """Bind the loop variables (and apply ``if`` filters such as
        ``if k in ALLOWED``) for the duration of the block, then restore."""
        env = self.scope.env
        saved = dict(env)
        saved_loop = self._loop_names
        try:
            for gen in node.generators:
                self._walk(gen.iter)
                self._bind(gen.target, element(self.value(gen.iter)))
                self._loop_names = self._loop_names | {
                    n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
                for cond in gen.ifs:
                    self._narrow(cond, True)
            yield
        finally:
            env.clear()
            env.update(saved)
            self._loop_names = saved_loop

    def _walk_target(self, target: ast.AST) -> None:
        if not isinstance(target, ast.Name):
            self._walk(target)

    def _walk_pattern(self, pattern) -> None:
        for node in ast.walk(pattern):
            if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                self.scope.env[node.name] = UNKNOWN
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self.scope.env[node.rest] = UNKNOWN


#: fields that never hold a node (names, flags, numbers) or need no visit
_SKIP_FIELDS = frozenset({"ctx", "type_comment", "kind", "id", "attr", "arg",
                          "conversion", "is_async", "simple", "level",
                          "module", "asname"})


def _node_classes(root: type = ast.AST) -> list[type]:
    out = []
    for sub in root.__subclasses__():
        out.append(sub)
        out += _node_classes(sub)
    return out


def _children_getters(statements: bool = False) -> dict:
    """Per expression node class, a getter of the fields that hold its
    sub-expressions: ``attrgetter(f1, f2)`` (a tuple of values) for several
    fields, ``(attrgetter(f),)`` for one.  Leaves, statements (walked by
    ``_stmt``) and constants have none; ``statements``: statements too
    (their names left out).  Built once, at import."""
    table = {}
    skip = _SKIP_FIELDS | {"name", "names"} if statements else _SKIP_FIELDS
    for t in _node_classes():
        if issubclass(t, ast.stmt) and not statements or t is ast.Constant:
            continue
        fields = tuple(f for f in getattr(t, "_fields", ()) if f not in skip)
        if len(fields) == 1:
            table[t] = (operator.attrgetter(fields[0]),)
        elif fields:
            table[t] = operator.attrgetter(*fields)
    return table


#: the sub-expression getters of each expression node class
CHILDREN: dict = _children_getters()
#: the same for every node class, statements included (``FileContext.scan_strings``)
ALL_CHILDREN: dict = _children_getters(statements=True)
