"""What a function is: a Flask/FastAPI route, a Django view, or plain code.

Decided once per function from its decorators, parameters and the module's
imports; rules read the result from ``ctx.fn``.
"""
from __future__ import annotations

import ast
import re

from secguide.analysis.handlers import classify
from secguide.models.frameworks import (URL_ARG_ANNOTATIONS, CBV_HANDLERS, CBV_SUFFIXES, DJANGO_RESPONSES,
                                        DJANGO_VIEW_DECORATORS, ERROR_HANDLER_DECORATORS,
                                        FLASK_VIEW_BASES, FLASK_VIEW_METHODS, METHOD_DECORATORS,
                                        VIEW_MODULE_PREFIXES, VIEW_REQUEST_PARAMS)
from secguide.models.servers import BARE_ROUTE_DECORATORS
from secguide.models.web import FASTAPI_ROUTE_METHODS, FLASK_ROUTE_METHODS
from secguide.vocab import PERMISSION_DECORATORS, is_identifier_param

_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)>]*\))?:)?(\w+)>")
_BRACE_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


class ClassInfo:
    __slots__ = ("name", "bases", "attrs", "consts")

    def __init__(self, name: str, bases: tuple[str, ...], attrs: frozenset):
        self.name = name
        self.bases = bases
        self.attrs = attrs
        #: class attributes bound to constants in the class body (name -> Value)
        self.consts: dict = {}


class FunctionInfo:
    """Facts about the function being analysed."""

    __slots__ = ("node", "name", "params", "framework", "is_route", "path",
                 "path_params", "id_params", "decorators", "class_info",
                 "state", "rule_states", "request_params", "depends_params", "methods",
                 "is_error_handler", "handler")

    def __init__(self, node, name: str, params: list[str]):
        self.node = node
        self.name = name
        self.params = params
        self.framework: str | None = None
        self.is_route = False
        self.path: str | None = None
        #: route parameter name -> converter/annotation ("" when untyped)
        self.path_params: dict[str, str] = {}
        #: route parameters that identify one record (SCG401)
        self.id_params: frozenset = frozenset()
        #: decorator names (last dotted part) and qualified names
        self.decorators: tuple[str, ...] = ()
        self.class_info: ClassInfo | None = None
        #: per-rule scratch space for this function (rules own their keys)
        self.state: dict = {}
        #: per-rule state objects, made by the engine (``ctx.fn_state``)
        self.rule_states: dict = {}
        self.request_params: tuple[str, ...] = ()
        self.depends_params: tuple[str, ...] = ()
        #: HTTP methods the route accepts (upper case); empty when unknown
        self.methods: frozenset = frozenset()
        #: an @app.errorhandler / exception_handler function
        self.is_error_handler = False
        #: a handler of a framework of ``models/servers`` (analysis/handlers)
        self.handler = None

    @property
    def has_permission_decorator(self) -> bool:
        return any(PERMISSION_DECORATORS.match(d.rsplit(".", 1)[-1])
                   for d in self.decorators)


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def param_names(args: ast.arguments) -> list[str]:
    names = [a.arg for a in args.posonlyargs + args.args]
    if args.vararg:
        names.append(args.vararg.arg)
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names


def route_from_decorators(decorators: list, resolve) -> tuple[str | None, str | None]:
    """(framework, path) of the first route decorator, or (None, None).

    ``resolve`` maps an expression to its qualified name (or None).
    """
    for dec in decorators:
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Name):
            # Litestar's @get("/items/{item_id:int}"), Bottle's @route("/x/<name>")
            framework = BARE_ROUTE_DECORATORS.get(resolve(dec.func) or "")
            path = route_path(dec) if framework else None
            if path is not None:
                return framework, path
            continue
        if not isinstance(dec, ast.Call) or not isinstance(dec.func, ast.Attribute):
            continue
        method = dec.func.attr
        if method not in FLASK_ROUTE_METHODS and method not in FASTAPI_ROUTE_METHODS:
            continue
        path = None
        if dec.args and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str):
            path = dec.args[0].value
        else:
            for kw in dec.keywords:
                if kw.arg in ("path", "rule") and isinstance(kw.value, ast.Constant) \
                        and isinstance(kw.value.value, str):
                    path = kw.value.value
        if path is None or not path.startswith("/") and path != "":
            continue
        owner = resolve(dec.func.value) or ""
        if owner.startswith(("fastapi", "starlette")) or "{" in path:
            return "fastapi", path
        return "flask", path
    return None, None


def route_path(dec: ast.Call) -> str | None:
    """The path of a route decorator call (first argument or ``path=``)."""
    args = [dec.args[0]] if dec.args else [k.value for k in dec.keywords if k.arg == "path"]
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) and \
            args[0].value.startswith("/"):
        return args[0].value
    return None


def analyse_function(node, resolve, module_has: set, class_info: ClassInfo | None,
                     filename: str = "", url_views: frozenset = frozenset()) -> FunctionInfo:
    """Build the FunctionInfo of a def (decorators resolved with ``resolve``)."""
    params = param_names(node.args)
    info = FunctionInfo(node, node.name, params)
    info.class_info = class_info
    decs = []
    for d in node.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        q = resolve(target) or dotted(target)
        if q:
            decs.append(q)
    info.decorators = tuple(decs)
    info.methods = _route_methods(node.decorator_list)
    info.is_error_handler = any(d.rsplit(".", 1)[-1] in ERROR_HANDLER_DECORATORS for d in decs)

    handler = classify(node, params, info.decorators, module_has, class_info)
    if handler is not None:
        info.handler, info.framework = handler, handler.framework
        if handler.route is not None:  # @app.post("/items/<item_id>") (Sanic, aiohttp)
            info.is_route = True
            info.path, info.path_params = handler.route
            # the URL parameters the handler takes as arguments (aiohttp's
            # arrive in request.match_info: by value, not by name)
            info.id_params = frozenset(p for p in info.path_params
                                       if p in params and is_identifier_param(p))
        return info
    framework, path = route_from_decorators(node.decorator_list, resolve)
    if framework is None and class_info is not None and "flask" in module_has and \
            node.name in FLASK_VIEW_METHODS and any(
                b.rsplit(".", 1)[-1] in FLASK_VIEW_BASES for b in class_info.bases):
        # flask.views.MethodView: URL arguments arrive as keyword arguments
        info.framework, info.is_route = "flask", True
        info.path_params = {p: "" for p in params[1:] if p not in ("args", "kwargs")}
    elif framework == "flask":
        info.framework, info.is_route, info.path = "flask", True, path
        info.path_params = {m.group(2): (m.group(1) or "") for m in _FLASK_PARAM.finditer(path or "")}
    elif framework == "fastapi":
        info.framework, info.is_route, info.path = "fastapi", True, path
        info.path_params = {m.group(1): (m.group(2) or "") for m in _BRACE_PARAM.finditer(path or "")}
        ann = _annotations(node)
        for p in list(info.path_params):
            if p in ann:
                info.path_params[p] = ann[p]
        info.request_params = tuple(p for p, a in ann.items() if a.endswith("Request"))
        info.depends_params = tuple(_depends_params(node))
    elif "django" in module_has or "rest_framework" in module_has or any(
            d.rsplit(".", 1)[-1] == "api_view" for d in decs):
        first = 1 if class_info is not None and params[:1] in (["self"], ["cls"]) else 0
        if len(params) > first and params[first] in VIEW_REQUEST_PARAMS:
            # the request's data is client data wherever it is read; the other
            # parameters are URL arguments only in a view
            info.request_params = (params[first],)
        evidence = (node.name in url_views and class_info is None) or _looks_like_django_view(
            node.name, decs, class_info, filename, node.body, resolve) \
            if info.request_params else None
        if evidence:
            info.framework, info.is_route = "django", True
            ann = _annotations(node)
            info.path_params = {p: "" for p in params[first + 1:]
                                if p not in ("args", "kwargs", "format") and (
                                    not ann.get(p)
                                    or ann[p].rsplit(".", 1)[-1] in URL_ARG_ANNOTATIONS)}
            if evidence == "response":
                # a view only by the response it returns: a helper such as
                # finish_login(request, sociallogin, redirect_to) looks the
                # same, so only identifier-named parameters count as URL
                # arguments (post_id, slug, pk)
                info.path_params = {p: c for p, c in info.path_params.items()
                                    if is_identifier_param(p)}
    if info.is_route:
        info.id_params = frozenset(p for p, conv in info.path_params.items()
                                   if is_identifier_param(p))
    return info


def _annotations(node) -> dict[str, str]:
    out = {}
    args = node.args
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        if a.annotation is not None:
            out[a.arg] = dotted(a.annotation) or (
                ast.unparse(a.annotation) if isinstance(a.annotation, ast.Subscript) else "")
    return out


def _depends_params(node) -> list[str]:
    args = node.args
    pos = args.posonlyargs + args.args
    defaults = [None] * (len(pos) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(pos, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    out = []
    for a, d in pairs:
        call = d
        if call is None and isinstance(a.annotation, ast.Subscript):
            # Annotated[User, Depends(get_current_user)]
            sl = a.annotation.slice
            if isinstance(sl, ast.Tuple):
                call = next((e for e in sl.elts if isinstance(e, ast.Call)), None)
        if isinstance(call, ast.Call) and (dotted(call.func) or "").rsplit(".", 1)[-1] in ("Depends", "Security"):
            out.append(a.arg)
    return out


def _route_methods(decorators: list) -> frozenset:
    """HTTP methods named by route decorators (``methods=["POST"]``, ``@app.post``,
    ``@require_POST``, ``@api_view(["POST"])``)."""
    out: set = set()
    for dec in decorators:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = (dotted(target) or "").rsplit(".", 1)[-1]
        if name not in METHOD_DECORATORS:
            continue
        fixed = METHOD_DECORATORS[name]
        if fixed:
            out.add(fixed)
            continue
        if not isinstance(dec, ast.Call):
            continue
        lists = [k.value for k in dec.keywords if k.arg in ("methods", "http_method_names")]
        if name in ("require_http_methods", "api_view") and dec.args:
            lists.append(dec.args[0])
        for lst in lists:
            if isinstance(lst, (ast.List, ast.Tuple, ast.Set)):
                out.update(str(e.value).upper() for e in lst.elts
                           if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return frozenset(out)


#: public name: rules read a def's declared methods outside its analysis
route_methods = _route_methods


def _looks_like_django_view(name, decs, class_info, filename, body, resolve) -> bool | str:
    """A function taking ``request`` is a view when it is decorated like one,
    is a handler of a class-based view, or lives in a views module; helpers
    such as ``login(request, user)`` elsewhere are not."""
    if any(d.rsplit(".", 1)[-1] in DJANGO_VIEW_DECORATORS or
           d.startswith(("django.views.decorators", "rest_framework.decorators"))
           for d in decs):
        return True
    if class_info is not None:
        return name in CBV_HANDLERS and any(
            b.rsplit(".", 1)[-1].endswith(CBV_SUFFIXES)
            for b in class_info.bases)
    path = filename.replace("\\", "/").lower()
    base = path.rsplit("/", 1)[-1]
    if base.startswith(VIEW_MODULE_PREFIXES) or "/views/" in path:
        return True
    return "response" if _returns_response(body, resolve) else False


def _returns_response(body: list, resolve) -> bool:
    """The function's last statement returns a Django response (shallow look)."""
    if not body:
        return False
    last = body[-1]
    if not isinstance(last, ast.Return):
        return False
    value = last.value
    if isinstance(value, ast.Name):
        # response = HttpResponse(...); ...; return response (top level only)
        for st in body:
            if isinstance(st, ast.Assign) and isinstance(st.value, ast.Call) and any(
                    isinstance(t, ast.Name) and t.id == value.id for t in st.targets):
                value = st.value
                break
    if isinstance(value, ast.Call):
        name = resolve(value.func) or dotted(value.func) or ""
        return name.rsplit(".", 1)[-1] in DJANGO_RESPONSES
    return False
