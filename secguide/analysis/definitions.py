"""Definitions: functions and classes, the deferral of function bodies, and
the hooks the engine uses to run rules around them.

A ``def`` is recorded (its ``FunctionInfo``: route, framework, parameters)
and its body deferred until the module has been walked; a class body is
walked at once in a class scope.  A plain function's return values are
joined into its summary, which ``calls.py`` substitutes at each call.
The hooks are no-ops here: the engine's subclass calls the rules from them.
"""
from __future__ import annotations

import ast

from secguide.analysis.functions import ClassInfo, FunctionInfo, analyse_function, dotted
from secguide.analysis.params import annotation_shape
from secguide.analysis.scope import Scope
from secguide.analysis.values import Value, join
from secguide.models.frameworks import MODEL_BASES
from secguide.models.types import LOGGER_TYPES


class DefinitionsMixin:
    """``_def``, ``_class``, ``_function`` and the module driver."""

    # -- hooks (the engine calls rules from these) --------------------------
    def _on_elif(self, st: ast.If) -> None:
        """An ``elif`` reached (statement-level work of an ``If``)."""

    def _enter_function(self, info: FunctionInfo):
        """A function body is about to run; returns what ``_leave_function`` restores."""
        return None

    def _leave_function(self, saved) -> None:
        """The function body is done (also after an error)."""

    def _function_start(self, node) -> None:
        """Parameters are bound, the body has not run."""

    def _function_end(self, info: FunctionInfo) -> None:
        """The body has run."""

    def _truncated(self, where: ast.AST | None) -> None:
        """The analysis hit Python's recursion limit: part of it is lost."""
        self.truncated = True

    # -- the module -----------------------------------------------------------
    def _analyse(self) -> None:
        """Walk the module, then every function body (deferred)."""
        self._block(self.tree.body)
        self._finish_module()
        while self._deferred:
            self._function(*self._deferred.pop(0))
        self.fn = None

    # -- definitions --------------------------------------------------------------
    def _def(self, st) -> None:
        for d in st.decorator_list:
            self._walk(d)
        for d in st.args.defaults:
            self._walk(d)
        for d in st.args.kw_defaults:
            if d is not None:
                self._walk(d)
        info = analyse_function(st, self._resolve, self._module_has,
                                self._class_info if self.scope.is_class else None,
                                self.filename, self._url_views)
        if info.framework == "fastapi" and self.project is not None:
            self._alias_dependencies(st, info)
        parent = self.scope
        while parent.is_class:
            parent = parent.parent
        entry = (st, info, parent)
        self._deferred.append(entry)
        self.scope.env[st.name] = Value(typ="function", ref=entry)
        self._count(st.name)

    def _alias_dependencies(self, st, info) -> None:
        """Parameters annotated with a FastAPI dependency alias (``db:
        DbSession`` where ``DbSession = Annotated[Session, Depends(get_db)]``,
        here or in a project module) are dependencies, not request data."""
        args = st.args
        extra = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs
                 if a.annotation is not None and type(a.annotation) in (ast.Name, ast.Attribute)
                 and a.arg not in info.depends_params
                 and self.project.dependency_alias(self.qualname(a.annotation)
                                                   or dotted(a.annotation))]
        if extra:
            info.depends_params = info.depends_params + tuple(extra)

    def _class(self, st: ast.ClassDef) -> None:
        for d in st.decorator_list:
            self._walk(d)
        bases = []
        for b in st.bases:
            self._walk(b)
            bases.append(self.qualname(b) or dotted(b) or "")
        attrs = set()
        for s in st.body:
            if isinstance(s, ast.Assign):
                attrs.update(t.id for t in s.targets if isinstance(t, ast.Name))
        if any(b.rsplit(".", 1)[-1] in MODEL_BASES for b in bases):
            fields = {}
            for s_ in st.body:
                if isinstance(s_, ast.AnnAssign) and isinstance(s_.target, ast.Name):
                    ann = dotted(s_.annotation) or (ast.unparse(s_.annotation)
                                                    if isinstance(s_.annotation, ast.Subscript) else "")
                    fields[s_.target.id] = annotation_shape(ann)
            self._models[st.name] = fields
        outer_info = self._class_info
        self._class_info = ClassInfo(st.name, tuple(bases), frozenset(attrs))
        scope = Scope(self.scope, is_class=True)
        outer = self.scope
        self.scope = scope
        try:
            self._block(st.body)
            self._class_info.consts = {k: v for k, v in scope.env.items()
                                       if v.is_const and "." not in k}
        finally:
            self.scope = outer
            self._class_info = outer_info
        logger = next((b for b in bases if b in LOGGER_TYPES), None)
        # a subclass of logging.Logger/LoggerAdapter: its instances are loggers
        outer.env[st.name] = Value(qual=logger, typ="class")
        self._count(st.name)

    def _function(self, node, info: FunctionInfo, parent: Scope) -> None:
        outer_fn, outer_scope = self.fn, self.scope
        outer_returns, outer_memo = self._returns, self._memo
        saved = self._enter_function(info)
        self.fn = info
        self.scope = Scope(parent)
        self._returns = [] if not info.is_route else None
        self._in_progress.add(id(node))
        try:
            self._bind_params(node, info)
            self._function_start(node)
            self._block(node.body)
            self._function_end(info)
            returns = self._returns
            if returns:
                summary = returns[0]
                for r in returns[1:]:
                    summary = join(summary, r)
                self._summaries[id(node)] = summary
        except RecursionError:
            self._truncated(node)
        finally:
            self._in_progress.discard(id(node))
            self.fn, self.scope = outer_fn, outer_scope
            self._returns, self._memo = outer_returns, outer_memo
            self._leave_function(saved)
