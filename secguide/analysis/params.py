"""Parameter typing: what a function's parameters hold when its body runs.

A view's ``request`` is the framework's request object; a route parameter or
a FastAPI body parameter is untrusted data with a shape ("str", "obj",
"file", a pydantic "model"); an annotated parameter of a known type gets
that type (``models/types.TYPED_PARAMS``); an error handler's parameter is
an exception; a plain helper's parameters are labelled ``arg<i>`` so its
return-value summary says which arguments reach the result.
"""
from __future__ import annotations

import ast

from secguide.analysis.handlers import handler_env
from secguide.analysis.functions import FunctionInfo, dotted
from secguide.analysis.names import EXCEPTION, UKEYS, arg_labels
from secguide.analysis.values import EMPTY, UNKNOWN, Origin, Value
from secguide.models import frameworks as fw
from secguide.models import web
from secguide.models.errors import ERROR_CLASS_SUFFIXES
from secguide.models.frameworks import NUMERIC_ANNOTATIONS, NUMERIC_CONVERTERS
from secguide.models.types import TYPED_PARAMS
from secguide.vocab import REQUEST_PARAM_NAMES, SELF_NAMES


class ParamsMixin:
    """``_bind_params``: the environment a function body starts from."""

    #: summary mode (``analysis.summaries``): a plain function's parameters
    #: carry symbolic origins from ``_param_origins(def node, index)``
    _symbolic = False

    def _param_origins(self, node, index: int) -> tuple:  # pragma: no cover - summary mode
        raise NotImplementedError

    def _bind_params(self, node, info: FunctionInfo) -> None:
        env = self.scope.env
        ann = {}
        args = node.args
        var = (args.vararg.arg if args.vararg else None, args.kwarg.arg if args.kwarg else None)
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            if a.annotation is not None:
                ann[a.arg] = self.qualname(a.annotation) or dotted(a.annotation) or ""
        # a handler of models/servers.py (in a test module: a test double,
        # its input is the test's own)
        bound = handler_env(node, info.handler, info.params) if info.handler and \
            not self.is_test_file else None
        for i, p in enumerate(info.params):
            labels = self.name_labels(p)
            if bound and p in bound:  # a handler of models/servers.py
                env[p] = bound[p].with_labels(labels)
                continue
            a = ann.get(p, "")
            req = web.REQUEST_ANNOTATIONS.get(a) or web.REQUEST_ANNOTATIONS.get(
                web.ALIASES.get(a, a))
            if req or p in info.request_params:
                env[p] = Value(qual=req or fw.DEFAULT_REQUEST_TYPE.get(
                    info.framework, fw.DJANGO_REQUEST_TYPE))
                continue
            if a and (a in NUMERIC_ANNOTATIONS or a.rsplit(".", 1)[-1] in NUMERIC_ANNOTATIONS):
                env[p] = Value(raw=False, typ="int", labels=labels)
                continue
            typed = TYPED_PARAMS.get(a)
            if typed is not None:  # session: requests.Session, conn: sqlite3.Connection
                env[p] = Value(qual=typed)
                continue
            if p in SELF_NAMES:
                env[p] = UNKNOWN
                continue
            if info.is_error_handler and p not in REQUEST_PARAM_NAMES and (
                    a.rsplit(".", 1)[-1].endswith(ERROR_CLASS_SUFFIXES) or not a):
                env[p] = Value(labels=EXCEPTION, typ="exception")
                continue
            if not info.is_route or p in info.depends_params:
                # a helper's parameter: labelled so its summary says which
                # arguments reach the return value
                lab = labels | arg_labels(i) if labels else arg_labels(i)
                if self._symbolic and not info.is_route and p not in var:
                    # summary mode: it stands for whatever a caller passes
                    env[p] = Value(taint=self._param_origins(node, i), labels=lab)
                else:
                    env[p] = Value(labels=lab)
                continue
            conv = info.path_params.get(p)
            if conv is not None and conv in NUMERIC_CONVERTERS:
                env[p] = Value(raw=False, typ="int", labels=labels)
                continue
            if conv is None and info.framework != "fastapi":
                env[p] = Value(labels=labels) if labels else UNKNOWN
                continue
            kind = "route parameter" if conv is not None else "request parameter"
            shape = annotation_shape(a)
            model = a.rsplit(".", 1)[-1]
            env[p] = Value(taint=(Origin(f"{kind} '{p}'", node.lineno, shape, EMPTY, False),),
                           labels=labels | (UKEYS if shape == "obj" else EMPTY),
                           typ="str" if shape == "str" else None,
                           qual="model:" + model if shape == "model" and model in self._models
                           else None)
        if bound and "self.request" in bound:
            self._dotted_bases.add("self")
            env["self.request"] = bound["self.request"]
        ci = info.class_info
        if ci is not None and ci.consts and info.params[:1] in (["self"], ["cls"]):
            first = info.params[0]
            self._dotted_bases.add(first)
            for k, v in ci.consts.items():
                env[f"{first}.{k}"] = v
        if ci is not None and (info.framework == "django" or (
                ("django" in self._module_has or "rest_framework" in self._module_has)
                and any(b.rsplit(".", 1)[-1].endswith(fw.CBV_SUFFIXES) for b in ci.bases))):
            self._dotted_bases.add("self")
            env[fw.CBV_REQUEST_ATTR] = Value(qual=fw.DJANGO_REQUEST_TYPE)
            env[fw.CBV_KWARGS_ATTR] = Value(taint=(Origin("self.kwargs", node.lineno, "map"),),
                                            typ="map")


def annotation_shape(annotation: str) -> str:
    """What a FastAPI parameter holds: "str", a validated "model", or JSON "obj"."""
    if not annotation or annotation in ("str", "typing.Any", "Any"):
        return "str"
    last = annotation.rsplit(".", 1)[-1]
    if last in ("dict", "Dict", "list", "List", "Json", "Body", "Any") or annotation.startswith(
            ("dict[", "Dict[", "list[", "List[", "typing.Dict", "typing.List")):
        return "obj"
    if last in ("UploadFile", "File"):
        return "file"
    if last[:1].isupper():
        return "model"
    return "str"


def url_views(body: list) -> frozenset:
    """Names of the functions a module's own ``urlpatterns`` route to
    (``path("tags/<tag>/", tag_page)``): single-file Django apps."""
    names = set()
    for st in body:
        if not (isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and st.value is not None):
            continue
        targets = st.targets if isinstance(st, ast.Assign) else [st.target]
        if not any(isinstance(t, ast.Name) and t.id == fw.URL_PATTERNS for t in targets):
            continue
        for node in ast.walk(st.value):
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                func = node.func
                last = func.attr if isinstance(func, ast.Attribute) else (
                    func.id if isinstance(func, ast.Name) else "")
                if last in fw.URL_CONF_CALLS:
                    view = node.args[1]
                    if isinstance(view, ast.Name):
                        names.add(view.id)
                    elif isinstance(view, ast.Attribute):
                        names.add(view.attr)
    return frozenset(names)
