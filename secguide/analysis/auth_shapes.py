"""The syntactic shapes ``auth_mode`` reads in a view: the request object and
its headers, token header names, capability parameters, router dependencies."""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.models import auth as A
from secguide.models.frameworks import VIEW_REQUEST_PARAMS
from secguide.vocab import words


def _dependencies(call: ast.Call) -> list:
    """The ``Depends(...)`` calls of ``dependencies=[...]`` of a router call."""
    out = []
    for k in call.keywords:
        if k.arg == "dependencies" and isinstance(k.value, (ast.List, ast.Tuple)):
            out.extend(e for e in k.value.elts if isinstance(e, ast.Call))
    return out


def _request_names(fn) -> frozenset:
    names = set()
    for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
        ann = dotted(a.annotation) if a.annotation is not None else ""
        if a.arg in VIEW_REQUEST_PARAMS or (ann or "").endswith("Request"):
            names.add(a.arg)
    return frozenset(names)


def _capability_params(fn) -> frozenset:
    """Parameters that are secrets in the URL: a key/token/signed value, or
    a UUID."""
    out = set()
    for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
        ann = dotted(a.annotation) if a.annotation is not None else None
        if ann in A.CAPABILITY_TYPES or A.CAPABILITY_WORDS.intersection(
                w.lower() for w in words(a.arg)):
            out.add(a.arg)
    return frozenset(out)


def _is_request(node, req: frozenset, index) -> bool:
    """``request`` (a parameter, or Flask's global), ``self.request``."""
    if isinstance(node, ast.Name):
        return node.id in req or index.qual(node) in ("flask.request", "quart.request")
    return isinstance(node, ast.Attribute) and node.attr == "request" and \
        isinstance(node.value, ast.Name) and node.value.id == "self"


def _is_request_obj(node, req: frozenset) -> bool:
    if isinstance(node, ast.Name):
        return node.id in req
    return isinstance(node, ast.Attribute) and node.attr == "request" and \
        isinstance(node.value, ast.Name) and node.value.id == "self"


def _header_key(node) -> str | None:
    """The normalised header name of a constant key, if it carries a token."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return None
    key = node.value.lower().replace("_", "-")
    if key.startswith("http-"):
        key = key[5:]
    return node.value if key in A.TOKEN_HEADERS else None


def _is_headers(node, req: frozenset) -> bool:
    """``request.headers``, ``request.META``, ``self.request.headers``."""
    return isinstance(node, ast.Attribute) and node.attr in ("headers", "META") and (
        _is_request_obj(node.value, req) or
        isinstance(node.value, ast.Name) and node.value.id in ("request", "req"))
