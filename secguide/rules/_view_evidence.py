"""SCG304's evidence that a view scopes its lookups or checks permissions
before them: decorators, the class hierarchy (this file's and the project's),
FastAPI dependencies, a queryset chosen by the class."""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.models import access
from secguide.rules._common import last_name
from secguide.vocab import AUTHZ_CALL, PERMISSION_DECORATORS, PRINCIPAL_NAMES

#: what a class hierarchy says of its lookups
_SCOPED, _UNKNOWN, _UNSCOPED = "scoped", "unknown", "unscoped"


def _static_evidence(fn, ctx) -> tuple[bool, bool]:
    """``(evidence, name_only)``: whether the view's signature or class shows
    an access check, and whether the only sign is a decorator's name."""
    if _depends_evidence(fn.node, ctx):
        return True, False
    deco = _decorator_evidence(fn, ctx)
    if deco is True:
        return True, False
    name_only = deco == _UNKNOWN
    ci = fn.class_info
    if ci is not None:
        if not ci.attrs.isdisjoint(access.PERMISSION_ATTRIBUTES):
            return True, False
        project = ctx.project
        if project is not None and project.class_provides(ci.name, "checks_role"):
            return True, False  # a class of the chain checks a role or permission
        for b in ci.bases:
            if not access.PERMISSION_VIEW_BASES.search(b.rsplit(".", 1)[-1]):
                continue
            if b.startswith(access.AUTH_FRAMEWORK_MODULES):
                return True, False  # PermissionRequiredMixin, UserPassesTestMixin
            if project is None or project.klass(b) is None:
                name_only = True  # a base named like a check that cannot be read
    return False, name_only


def _decorator_evidence(fn, ctx):
    """True when a decorator is known to authorize: one the user names in
    ``permission-decorators``, a framework permission decorator, or a project
    decorator whose wrapper denies unless a role or permission test holds
    (project facts).  ``_UNKNOWN`` when a decorator is only *named* like a
    permission check (its body cannot be read, or it checks nothing visible):
    the finding is then reported at LOW confidence.  False otherwise."""
    extra = ctx.options.permission_decorators
    project = ctx.project
    verdict = False
    for q in fn.decorators:
        last = q.rsplit(".", 1)[-1]
        if last in extra or q in extra:
            return True
        named = bool(PERMISSION_DECORATORS.match(last) or access.ROLE_DECORATOR_NAMES.match(last))
        if project is not None and project.function(q) is not None:
            if project.is_authz_decorator(q):
                return True
        elif named and q.startswith(access.AUTH_FRAMEWORK_MODULES):
            return True
        if named:
            verdict = _UNKNOWN
    return verdict


def _class_chosen(call: ast.Call) -> bool:
    """The lookup reads the objects the view's class hierarchy chooses:
    ``get_object_or_404(self.queryset, pk=pk)``, ``self.get_queryset().get(...)``."""
    parts = list(call.args[:1])
    func = call.func
    while isinstance(func, ast.Attribute):
        parts.append(func.value)
        func = func.value.func if isinstance(func.value, ast.Call) else func.value
    return any((dotted(p.func if isinstance(p, ast.Call) else p) or "") in access.CLASS_QUERYSETS
               for p in parts)


def _hierarchy_verdict(ci, ctx) -> str:
    """Whether the class hierarchy of a view scopes the objects it loads
    through ``self.queryset``: ``_SCOPED`` (a class of the chain restricts the
    queryset to the user or checks a role or permission: project facts),
    ``_UNSCOPED`` (built on framework classes only, which scope nothing, or a
    project chain that states no check), ``_UNKNOWN`` (a mixin whose users
    cannot be seen, or a base that cannot be read)."""
    if ci is None:
        return _UNSCOPED
    project = ctx.project
    if project is None:
        if not ci.bases or not all(_framework_base(b) for b in ci.bases):
            return _UNKNOWN
        return _UNSCOPED
    if ci.bases:
        return _project_class_verdict(project, ci.name)
    # a mixin: the queryset is that of the classes of this module that mix it in
    if _chain_scopes(project, ci.name):
        return _SCOPED
    users = [c.name for c in project.own.classes.values()
             if any(b.rsplit(".", 1)[-1] == ci.name for b in c.bases)]
    verdicts = {_project_class_verdict(project, u) for u in users}
    if not verdicts or _UNKNOWN in verdicts and _UNSCOPED not in verdicts:
        return _UNKNOWN
    return _SCOPED if verdicts == {_SCOPED} else _UNSCOPED


def _project_class_verdict(project, name: str) -> str:
    if _chain_scopes(project, name):
        return _SCOPED
    known = {b for cf in project.class_chain(name) for b in cf.bases
             if project.klass(b) is not None}
    if all(_framework_base(b) or b in known for b in project.base_names(name)):
        return _UNSCOPED
    return _UNKNOWN


def _chain_scopes(project, name: str) -> bool:
    return project.class_provides(name, "scopes_queryset") or \
        project.class_provides(name, "checks_role")


def _framework_base(qual: str) -> bool:
    return qual.startswith(access.VIEW_FRAMEWORK_MODULES)


def _depends_evidence(node, ctx) -> bool:
    """FastAPI authorization through dependencies: ``Depends(require_role("x"))``
    or ``Security(get_current_user, scopes=[...])`` in the route decorator's
    ``dependencies=`` or in a parameter's default / ``Annotated`` metadata."""
    candidates = []
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call):
            for kw in dec.keywords:
                if kw.arg == access.DEPENDENCIES_KEYWORD and isinstance(kw.value, (ast.List, ast.Tuple)):
                    candidates += kw.value.elts
    args = node.args
    candidates += [d for d in args.defaults + args.kw_defaults if d is not None]
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        ann = a.annotation
        if isinstance(ann, ast.Subscript) and isinstance(ann.slice, ast.Tuple):
            candidates += ann.slice.elts
    markers = ctx.options.authz_markers
    project = ctx.project
    for c in candidates:
        if not (isinstance(c, ast.Call) and last_name(c.func) in access.DEPENDENCY_CALLS):
            continue
        if last_name(c.func) == access.SECURITY_DEPENDENCY:
            return True
        dep = c.args[0] if c.args else None
        name = last_name(dep) if dep is not None else ""
        if name and (AUTHZ_CALL.match(name) or name in PRINCIPAL_NAMES or name in markers or
                     PERMISSION_DECORATORS.match(name)):
            return True
        if dep is not None and project is not None and project.is_authz_decorator(
                ctx.qualname(dep)):
            return True  # a project dependency that denies unless a role holds
    if project is None:
        return False
    # stated in another module (project facts): the router's or app's
    # ``dependencies=[...]`` at include_router, a dependency alias annotation
    stated = []
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                isinstance(dec.func.value, ast.Name):
            stated += project.included_router(dec.func.value.id)
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        if isinstance(a.annotation, (ast.Name, ast.Attribute)):
            stated += project.dependency_alias(ctx.qualname(a.annotation))
    for entry in stated:
        kind, _, qual = entry.partition(":")
        name = qual.rsplit(".", 1)[-1]
        if kind == access.SECURITY_DEPENDENCY or name and (
                AUTHZ_CALL.match(name) or name in PRINCIPAL_NAMES or name in markers or
                PERMISSION_DECORATORS.match(name)) or project.is_authz_decorator(qual):
            return True
    return False
