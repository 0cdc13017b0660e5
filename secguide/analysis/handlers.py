"""Handlers of the frameworks in ``models/servers.py``: which functions handle
requests, and what their parameters (and ``self``) hold.

``classify`` runs once per function (from ``analysis/functions``) and keeps
what it found in ``FunctionInfo.handler``; ``handler_env`` gives the values
the function body starts from (``analysis/params``).  Each test is a dict or
set lookup on a name the function already has (its bases, decorators,
parameters); nothing here walks a tree.
"""
from __future__ import annotations

import ast
from typing import NamedTuple

from secguide.analysis.values import EMPTY, Origin, Value
from secguide.analysis.names import UKEYS
from secguide.models import servers as S
from secguide.models.frameworks import NUMERIC_ANNOTATIONS, VIEW_REQUEST_PARAMS

_SELF = ("self", "cls")


class Handler(NamedTuple):
    """What a handler's parameters hold."""

    framework: str
    #: the type of ``self`` (None: unchanged)
    self_type: str | None = None
    #: ``self`` attributes that are request objects: attribute -> type
    self_attrs: dict = {}
    #: parameters that are request objects: name -> type
    requests: dict = {}
    #: parameters that are client data: name -> (description, shape)
    sources: dict = {}
    #: a route decorator's (path, {URL parameter: converter}): the handler is
    #: a route for the access rules; None when no decorator routes it
    route: tuple | None = None


def classify(node, params: list, decs: tuple, module_has: set, class_info) -> Handler | None:
    """The handler ``node`` is, or None (Flask/Django/FastAPI are decided in
    ``analysis/functions``).  Parameters are told apart by position where
    the framework passes them by position (a resolver's ``root, info``, a
    responder's ``req, resp``, a Lambda's ``event, context``)."""
    if class_info is not None:
        h = _method(node, params, class_info, decs, module_has)
        if h is not None:
            return h
    for d in decs:
        spec = S.HANDLER_DECORATORS.get(d)
        if spec is not None:
            return _request_handler(spec[0], spec[1], node, params, class_info)
        if d in S.RESOLVER_DECORATORS:
            return _strawberry(node, params)
    if S.RESOLVER_MODULE in module_has and any(
            type(d) is ast.Call and type(d.func) is ast.Attribute and
            d.func.attr in S.RESOLVER_BINDABLE_METHODS for d in node.decorator_list):
        return _resolver(node, params[S.RESOLVER_ARGS_AT:])
    if class_info is None and params and params[0] in VIEW_REQUEST_PARAMS:
        h = _routed(node, params, module_has)
        if h is not None:
            return h
    if class_info is None and node.name in S.LAMBDA_HANDLER_NAMES and len(params) == 2 and \
            not node.args.defaults and not node.args.vararg and not node.args.kwarg and \
            module_has.isdisjoint(S.NOT_LAMBDA_MODULES):
        return Handler("aws lambda", sources={params[0]: (None, "obj")})
    return None


def _method(node, params, class_info, decs, module_has) -> Handler | None:
    for base in class_info.bases:
        spec = S.HANDLER_BASES.get(base)
        if spec is not None:
            framework, self_type, attrs, url_methods = spec
            if not params or params[0] not in _SELF:
                return None
            sources, requests = {}, {}
            req_type = S.HANDLER_REQUEST_PARAM.get(base)
            if node.name in url_methods and req_type is not None and len(params) > 1:
                requests = {params[1]: req_type}
                sources = {p: ("route parameter", "str") for p in params[2:]}
            elif node.name in url_methods:
                sources = {p: ("route parameter", "str") for p in params[1:]}
            elif node.name in S.MESSAGE_METHODS:
                sources = {p: ("websocket message", "str") for p in params[1:]}
            return Handler(framework, self_type, attrs, requests, sources)
        prefix = S.RESOLVER_BASES.get(base)
        if prefix is not None:
            if node.name.startswith(prefix):
                # (root, info, **args); a classmethod's cls comes first
                at = S.RESOLVER_ARGS_AT + (1 if "classmethod" in decs else 0)
                return _resolver(node, params[at:])
            return None
    if "falcon" in module_has and node.name.startswith(S.FALCON_RESPONDER_PREFIX) and \
            node.name[3:].split("_", 1)[0] in S.FALCON_METHODS and len(params) >= 3:
        # on_get(self, req, resp, **url_args)
        return Handler("falcon", requests={params[1]: S.FALCON_REQUEST,
                                           params[2]: S.FALCON_RESPONSE},
                       sources={p: ("route parameter", "str") for p in params[3:]})
    for d in decs:
        spec = S.HANDLER_DECORATORS.get(d)
        if spec is not None and params[:1] == ["self"] and len(params) == 1:
            # a view class's method: ``self.request`` (set in __init__)
            return Handler(spec[0], self_attrs={"request": spec[1]})
    return None


def _request_handler(framework, req_type, node, params, class_info) -> Handler | None:
    first = 1 if class_info is not None and params[:1] in (["self"], ["cls"]) else 0
    reqs = {p: req_type for p in params[first:] if p in VIEW_REQUEST_PARAMS}
    if not reqs:
        return None
    return Handler(framework, requests=reqs)


def _routed(node, params, module_has) -> Handler | None:
    """Sanic/aiohttp: ``@app.get("/x/<id>")``/``@routes.get("/x/{id}")`` or
    (aiohttp) a plain ``async def h(request)``, in a module that imports the
    framework and not another one (a Django view module may use aiohttp as
    a client)."""
    if not module_has.isdisjoint(S.OTHER_FRAMEWORK_MODULES):
        return None
    a0 = (node.args.posonlyargs + node.args.args)[0]
    for mod, (framework, req_type, methods) in S.ROUTE_MODULES.items():
        if mod not in module_has:
            continue
        if a0.annotation is not None:
            return None  # the annotation decides (params.py)
        routed = any(type(d) is ast.Call and type(d.func) is ast.Attribute and
                     d.func.attr in methods for d in node.decorator_list)
        if not routed and not (framework == S.AIOHTTP_PLAIN_HANDLERS[0] and
                               type(node) is ast.AsyncFunctionDef and len(params) == 1):
            continue
        numeric = set()
        route = None
        for d in node.decorator_list:
            if type(d) is ast.Call and d.args and type(d.args[0]) is ast.Constant and \
                    isinstance(d.args[0].value, str):
                path = d.args[0].value
                numeric.update(S.SANIC_NUMERIC_PARAM.findall(path))
                if routed and route is None and type(d.func) is ast.Attribute and \
                        d.func.attr in methods:
                    route = (path, {m.group(1): m.group(2) or "" for m in
                                    S.ROUTE_PATH_PARAMS[framework].finditer(path)})
        sources = {p: ("route parameter", "str") for p in params[1:]
                   if p not in ("args", "kwargs") and p not in numeric
                   and not _numeric(_annotation(node, p))}
        return Handler(framework, requests={params[0]: req_type}, sources=sources,
                       route=route)
    return None


def _resolver(node, names: list) -> Handler | None:
    """Graphene, Ariadne: the arguments after ``root, info`` are the client's."""
    kwarg = node.args.kwarg.arg if node.args.kwarg else None
    sources = {}
    for p in names:
        ann = _annotation(node, p)
        if not _numeric(ann):
            sources[p] = ("GraphQL argument", "obj" if p == kwarg else "str")
    return Handler("graphql", sources=sources) if sources else None


def _strawberry(node, params: list) -> Handler | None:
    """Strawberry binds ``self``/``root``/``info`` by name (or ``Info`` by
    annotation); the other arguments are the client's."""
    names = [p for p in params
             if p not in S.STRAWBERRY_RESERVED and not _annotation(node, p).endswith("Info")]
    return _resolver(node, names)


def _annotation(node, name: str) -> str:
    args = node.args
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        if a.arg == name and a.annotation is not None:
            ann = a.annotation
            parts = []
            while type(ann) is ast.Attribute:
                parts.append(ann.attr)
                ann = ann.value
            if type(ann) is ast.Name:
                parts.append(ann.id)
            return ".".join(reversed(parts))
    return ""


def _numeric(ann: str) -> bool:
    return bool(ann) and (ann in NUMERIC_ANNOTATIONS or
                          ann.rsplit(".", 1)[-1] in NUMERIC_ANNOTATIONS)


def handler_env(node, handler: Handler, params: list) -> dict:
    """The values a handler's body starts from: parameter or ``self.<attr>``
    -> Value."""
    env = {}
    if handler.self_type is not None and params[:1] == ["self"]:
        env["self"] = Value(qual=handler.self_type)
    if params[:1] == ["self"]:
        for attr, typ in handler.self_attrs.items():
            env["self." + attr] = Value(qual=typ)
    for p, typ in handler.requests.items():
        env[p] = Value(qual=typ)
    for p, (kind, shape) in handler.sources.items():
        if kind is None:  # the request itself (a Lambda event)
            origin = Origin(p, node.lineno, shape)
        else:
            origin = Origin(f"{kind} '{p}'", node.lineno, shape, EMPTY, False)
        env[p] = Value(taint=(origin,), typ="str" if shape == "str" else shape,
                       labels=UKEYS if shape in ("obj", "map") else EMPTY)
    return env
