"""Rename the local variables and parameters of functions to neutral names
(``v1``, ``v2``...), keeping the program's meaning.

Used by the metamorphic property (tests/test_metamorphic.py): what a
dataflow rule finds must not depend on what a local variable is called.

A name is renamed in the scope that binds it (Python's rules: a name bound
anywhere in a function is local to all of it, unless declared ``global`` or
``nonlocal``; class bodies are skipped by the scopes nested in them;
comprehensions are scopes of their own, except that ``:=`` binds in the
enclosing function; the first iterable of a comprehension, default values,
annotations and decorators belong to the enclosing scope), and at every use
that resolves to that binding, nested functions and ``nonlocal``
declarations included.  Never renamed:

* module-level names (globals), class attributes, attributes, keyword
  argument names, imported names, and the names of functions and classes;
* ``self``/``cls`` (a method's first parameter), ``request``, ``_``, dunders;
* every parameter of a function that looks like a view (a route decorator
  such as ``@app.route``/``@router.get``, or a parameter named
  ``request``): frameworks bind those by name (URL patterns, query keys);
* parameters whose name is used as a keyword argument anywhere in the file;
* parameters in test modules (pytest binds fixtures by name);
* anything in a function that calls ``locals``, ``vars``, ``eval`` or
  ``exec``.
"""
from __future__ import annotations

import ast
import builtins
from typing import Callable, Iterable

KEEP = frozenset({"self", "cls", "mcs", "metacls", "request", "_", "__class__"})
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "head",
                              "options", "api_route", "websocket", "view", "endpoint"})
INTROSPECTION = frozenset({"locals", "vars", "eval", "exec"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class Scope:
    def __init__(self, node: ast.AST | None, kind: str, parent: "Scope | None"):
        self.node, self.kind, self.parent = node, kind, parent
        self.bound: set[str] = set()
        self.blocked: set[str] = set()  # bound, but never renamed
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.introspects = False

    def renamable(self) -> set[str]:
        if self.kind not in ("function", "comprehension") or self.introspects:
            return set()
        return {n for n in self.bound - self.blocked - self.globals - self.nonlocals
                if n not in KEEP and not (n.startswith("__") and n.endswith("__"))}


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _params(args: ast.arguments) -> list[ast.arg]:
    out = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return out + [a for a in (args.vararg, args.kwarg) if a is not None]


class _Collector:
    """Pass 1: scopes, bindings, and every occurrence of a name."""

    def __init__(self, keyword_names: set[str], test_module: bool):
        self.keyword_names = keyword_names
        self.test_module = test_module
        self.module = Scope(None, "module", None)
        self.scopes = [self.module]
        #: (holder, attribute or None for Name.id / index, scope, name)
        self.occurrences: list[tuple[object, str, Scope, str]] = []

    def use(self, holder, attr: str, scope: Scope, name: str):
        self.occurrences.append((holder, attr, scope, name))

    def bind(self, scope: Scope, name: str, blocked: bool = False):
        scope.bound.add(name)
        if blocked:
            scope.blocked.add(name)

    def new_scope(self, node, kind, parent) -> Scope:
        scope = Scope(node, kind, parent)
        self.scopes.append(scope)
        return scope

    def visit(self, node, scope: Scope):
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method:
            method(node, scope)
        else:
            self.generic(node, scope)

    def generic(self, node, scope: Scope):
        for child in ast.iter_child_nodes(node):
            self.visit(child, scope)

    def visit_all(self, nodes: Iterable, scope: Scope):
        for node in nodes:
            if node is not None:
                self.visit(node, scope)

    # -- scopes ---------------------------------------------------------------
    def _function(self, node, scope: Scope):
        args = node.args
        self.visit_all(args.defaults, scope)
        self.visit_all(args.kw_defaults, scope)
        is_def = not isinstance(node, ast.Lambda)
        if is_def:
            self.bind(scope, node.name, blocked=True)
            self.visit_all(node.decorator_list, scope)
            self.visit_all([a.annotation for a in _params(args)], scope)
            if node.returns is not None:
                self.visit(node.returns, scope)
            self.visit_all(getattr(node, "type_params", []), scope)
        inner = self.new_scope(node, "function", scope)
        params = _params(args)
        view = is_def and (
            any(_decorator_name(d) in ROUTE_DECORATORS for d in node.decorator_list)
            or any(a.arg == "request" for a in params))
        for i, a in enumerate(params):
            method_self = i == 0 and scope.kind == "class" and a in args.posonlyargs + args.args
            blocked = (view or self.test_module or method_self or a.arg in self.keyword_names)
            self.bind(inner, a.arg, blocked=blocked)
            self.use(a, "arg", inner, a.arg)
        body = node.body if is_def else [node.body]
        self.visit_all(body, inner)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node, scope: Scope):
        self.bind(scope, node.name, blocked=True)
        self.visit_all(node.decorator_list, scope)
        self.visit_all(node.bases, scope)
        self.visit_all(node.keywords, scope)
        self.visit_all(getattr(node, "type_params", []), scope)
        inner = self.new_scope(node, "class", scope)
        self.visit_all(node.body, inner)

    def _comprehension(self, node, scope: Scope):
        first, *rest = node.generators
        self.visit(first.iter, scope)
        inner = self.new_scope(node, "comprehension", scope)
        self.visit(first.target, inner)
        self.visit_all(first.ifs, inner)
        for gen in rest:
            self.visit(gen.iter, inner)
            self.visit(gen.target, inner)
            self.visit_all(gen.ifs, inner)
        if isinstance(node, ast.DictComp):
            self.visit(node.key, inner)
            self.visit(node.value, inner)
        else:
            self.visit(node.elt, inner)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    # -- bindings and uses -------------------------------------------------------
    def visit_Name(self, node: ast.Name, scope: Scope):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.bind(scope, node.id)
        self.use(node, "id", scope, node.id)

    def visit_NamedExpr(self, node: ast.NamedExpr, scope: Scope):
        target = scope
        while target.kind == "comprehension":
            target = target.parent
        self.bind(target, node.target.id)
        self.use(node.target, "id", scope, node.target.id)
        self.visit(node.value, scope)

    def visit_Global(self, node, scope: Scope):
        scope.globals.update(node.names)

    def visit_Nonlocal(self, node, scope: Scope):
        scope.nonlocals.update(node.names)
        for i, name in enumerate(node.names):
            self.use(node.names, i, scope, name)

    def _import(self, node, scope: Scope):
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            if name != "*":
                self.bind(scope, name, blocked=True)

    visit_Import = visit_ImportFrom = _import

    def visit_ExceptHandler(self, node, scope: Scope):
        if node.type is not None:
            self.visit(node.type, scope)
        if node.name:
            self.bind(scope, node.name)
            self.use(node, "name", scope, node.name)
        self.visit_all(node.body, scope)

    def _match_name(self, node, scope: Scope, attr: str):
        name = getattr(node, attr)
        if name:
            self.bind(scope, name)
            self.use(node, attr, scope, name)
        self.generic(node, scope)

    def visit_MatchAs(self, node, scope):
        self._match_name(node, scope, "name")

    def visit_MatchStar(self, node, scope):
        self._match_name(node, scope, "name")

    def visit_MatchMapping(self, node, scope):
        self._match_name(node, scope, "rest")

    def visit_Call(self, node: ast.Call, scope: Scope):
        if isinstance(node.func, ast.Name) and node.func.id in INTROSPECTION:
            s = scope
            while s is not None:
                s.introspects = True
                s = s.parent
        self.generic(node, scope)


def _resolve(scope: Scope, name: str) -> Scope | None:
    """The scope whose binding ``name`` refers to from ``scope``."""
    if name in scope.globals:
        return None
    if name in scope.bound and name not in scope.nonlocals:
        return scope
    s = scope.parent
    while s is not None:
        if s.kind in ("function", "comprehension") and name in s.bound \
                and name not in s.globals and name not in s.nonlocals:
            return s
        if s.kind in ("function", "comprehension") and name in s.globals:
            return None
        s = s.parent
    return None


def renamable(source: str, filename: str = "app.py") -> list[tuple[int, str]]:
    """(scope index, name) of every local that ``rename`` may rename."""
    _, collector = _collect(source, filename)
    return [(i, name) for i, scope in enumerate(collector.scopes)
            for name in sorted(scope.renamable())]


def _collect(source: str, filename: str) -> tuple[ast.Module, _Collector]:
    tree = ast.parse(source)
    keywords = {k.arg for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg}
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    collector = _Collector(keywords, base.startswith("test") or base == "conftest.py")
    collector.visit_all(tree.body, collector.module)
    return tree, collector


def rename(source: str, filename: str = "app.py",
           choose: Callable[[list[tuple[int, str]]], Iterable[tuple[int, str]]] | None = None,
           ) -> tuple[str, dict[tuple[int, str], str]]:
    """``source`` (unparsed) with the chosen locals renamed, and the renaming.

    ``choose`` picks from ``renamable()``'s list (default: all of them); the
    new names are ``v1``, ``v2``... in the order chosen, skipping any
    identifier the file already uses.
    """
    tree, collector = _collect(source, filename)
    candidates = [(i, name) for i, scope in enumerate(collector.scopes)
                  for name in sorted(scope.renamable())]
    chosen = list(choose(candidates)) if choose else candidates
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {n.arg for n in ast.walk(tree) if isinstance(n, (ast.arg, ast.keyword)) if n.arg}
    used |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree)
             if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    used |= {n.name for n in ast.walk(tree)
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    used |= set(dir(builtins))
    mapping: dict[tuple[int, str], str] = {}
    counter = 0
    for key in chosen:
        counter += 1
        while f"v{counter}" in used:
            counter += 1
        mapping[key] = f"v{counter}"
    index = {id(s): i for i, s in enumerate(collector.scopes)}
    for holder, attr, scope, name in collector.occurrences:
        target = _resolve(scope, name)
        if target is None:
            continue
        new = mapping.get((index[id(target)], name))
        if new is None:
            continue
        if isinstance(holder, list):
            holder[attr] = new
        else:
            setattr(holder, attr, new)
    return ast.unparse(tree), mapping
