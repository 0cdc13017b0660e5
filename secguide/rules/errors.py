"""Guide section: Error handling and logging."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import errors, logs, web
from secguide.rule import Rule
from secguide.analysis.functions import dotted
from secguide.rules._common import last_name
from secguide.rules._secret_parts import _describe, _identifier_item, _object_role, _secret_part
from secguide.vocab import REQUEST_PARAM_NAMES

#: what a handled exception's text is, when the handler catches only ...
_CLIENT = "client"      # ... the project's own or validation errors: written for the client
_NARROW = "narrow"      # ... ValueError around a call of the project's own code
_RANK = {_CLIENT: 2, _NARROW: 1}


class _Handled:
    """Per function: the names bound to exceptions whose text the project
    wrote for the client, each with where the binding holds (the span of an
    ``except`` body: the nodes inside it, or the whole function for an error
    handler's parameter), and the locals derived only from them."""

    __slots__ = ("scopes", "started")

    def __init__(self):
        #: (kind, names, (first, last) position of the body, or None: the
        #: whole function)
        self.scopes: list[tuple[str, set, tuple | None]] = []
        self.started = False


def _exception_classes(tree: ast.Module) -> frozenset:
    """Classes of this module that derive from an exception (by base name,
    or from another exception class of the module)."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    found: set = set()
    changed = True
    while changed:
        changed = False
        for name, cls in classes.items():
            if name in found:
                continue
            for b in cls.bases:
                bn = last_name(b)
                if bn in found or bn.endswith(errors.EXCEPTION_BASE_SUFFIXES):
                    found.add(name)
                    changed = True
                    break
    return frozenset(found)


def _status_4xx(ctx, node) -> bool:
    """``400``, ``status.HTTP_400_BAD_REQUEST``, ``HTTPStatus.BAD_REQUEST``..."""
    if node is None:
        return False
    v = ctx.value(node)
    if v.known and type(v.cval) is int:
        return 400 <= v.cval < 500
    name = (v.qual or dotted(node) or "").rsplit(".", 1)[-1]
    return name.startswith("HTTP_4") or name in errors.CLIENT_STATUS_NAMES


def _client_status(node, ctx) -> bool:
    """The response or HTTP error ``node`` states a 4xx status: a
    ``status_code=``/``status=`` keyword or first argument of an HTTP error,
    or the second item of a returned ``(body, status)`` tuple."""
    if type(node) is ast.Tuple:
        return len(node.elts) >= 2 and _status_4xx(ctx, node.elts[1])
    if type(node) is not ast.Call:
        return False
    for k in node.keywords:
        if k.arg in ("status_code", "status"):  # (jsonify(code=400) is a field of the body)
            return _status_4xx(ctx, k.value)
    return last_name(node.func) in logs.HTTP_ERRORS and bool(node.args) and \
        _status_4xx(ctx, node.args[0])


class ExceptionExposed(Rule):
    """Exception text or a traceback is sent to the client."""

    code = "SCG801"
    symbol = "exception-exposed"
    message = ("exception details reach the client through {sink}; return a generic "
               "message and log the exception on the server (logger.exception)")
    cwe = 209
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Error Handling and Logging"
    rationale = (
        "Exception messages and tracebacks describe the inside of the "
        "application: file paths, SQL text, library versions, sometimes "
        "values from configuration. Sent to the client they map the attack "
        "surface for free (CWE-209). Log them on the server; answer with a "
        "generic message and an id to correlate. A template context is the "
        "client too: `render_template('error.html', error=str(e))`, Django's "
        "`render(request, ..., {'error': e})` or Starlette/FastAPI's "
        "`templates.TemplateResponse(request, ..., {'error': str(e)})` shows the text on the page "
        "(the template escapes it, which stops XSS, not the disclosure)."
    )
    example = (
        "from flask import Flask, jsonify\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/report')\n"
        "def report():\n"
        "    try:\n"
        "        return jsonify(build_report())\n"
        "    except Exception as e:\n"
        "        return jsonify(error=str(e)), 500\n"
    )
    fix = (
        "from flask import Flask, jsonify\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/report')\n"
        "def report():\n"
        "    try:\n"
        "        return jsonify(build_report())\n"
        "    except Exception:\n"
        "        app.logger.exception('report failed')\n"
        "        return jsonify(error='internal error'), 500\n"
    )
    not_flagged = (
        "Generic messages; exceptions logged on the server; functions that "
        "are not views or error handlers; HTTP errors' own public attributes "
        "(`e.code`, `e.name`, `e.description` of werkzeug HTTPExceptions); "
        "the text of exceptions the project wrote for its clients: a class "
        "defined in the same module (deriving from an exception) or in "
        "another module of the project (project facts), its `.message`, and "
        "request-validation errors (FastAPI's RequestValidationError, "
        "pydantic, DRF and Django ValidationError), which describe the "
        "client's own input; in an `except` handler, an error handler "
        "parameter, and locals made from them. A traceback or another "
        "exception in the same response is still reported. `except "
        "ValueError` around a call of the project's own code is left alone when "
        "the response states a 4xx status (`HTTPException(status_code=400, ...)`, "
        "`return jsonify(...), 400`, `abort(400, ...)`): the project answers with its "
        "own validation message; with another status it is reported at LOW "
        "confidence (its message is probably the project's, but a library below "
        "can raise one too)."
    )
    calls = frozenset({"abort"})
    node_types = (ast.Return, ast.Raise, ast.Call, ast.Try, ast.Assign)
    report_types = (ast.Return, ast.Raise, ast.Call)
    reads_labels = frozenset({labels.EXCEPTION})
    function_state = _Handled
    file_state = dict

    def check(self, node, ctx):
        fn = ctx.fn
        if fn is None or not (fn.is_route or fn.is_error_handler):
            return
        st = ctx.fn_state(self)
        if not st.started:
            st.started = True
            if fn.is_error_handler:
                self._handler_params(fn, ctx, st)
        t = type(node)
        if t is ast.Try:
            self._try(node, ctx, st)
            return None
        if t is ast.Assign:
            self._derive(node, ctx, st)
            return None
        if t is ast.Return:
            if node.value is not None and labels.EXCEPTION in ctx.value(node.value).labels:
                v = node.value
                if type(v) is ast.Call and ctx.call_name(v) in web.TEMPLATE_RESPONSES:
                    return self._report(node, v, ctx, st,
                                        f"the template context of {ctx.source_text(v.func)}()")
                return self._report(node, v, ctx, st, "the response",
                                    client_status=_client_status(v, ctx))
        elif t is ast.Raise:
            exc = node.exc
            if isinstance(exc, ast.Call) and last_name(exc.func) in logs.HTTP_ERRORS:
                for arg in list(exc.args) + [k.value for k in exc.keywords
                                             if k.arg in logs.HTTP_ERROR_TEXT_KEYWORDS]:
                    if labels.EXCEPTION in ctx.value(arg).labels:
                        return self._report(node, arg, ctx, st,
                                            f"{last_name(exc.func)}(detail=...)",
                                            client_status=_client_status(exc, ctx))
        elif last_name(node.func) == "abort" and ctx.call_name(node) in logs.ABORT_CALLS:
            for arg in list(node.args[1:]) + [k.value for k in node.keywords]:
                if labels.EXCEPTION in ctx.value(arg).labels:
                    return self._report(node, arg, ctx, st, "abort()", client_status=_status_4xx(
                        ctx, node.args[0] if node.args else ctx.keyword(node, "code")))
        return None

    # -- exceptions whose text the project wrote for the client -------------
    def _report(self, node, expr, ctx, st, sink, client_status: bool = False):
        kind = self._source_kind(expr, node, ctx, st)
        if kind == _CLIENT:
            return None
        if kind == _NARROW:
            if client_status:
                return None  # the project's ValueError answered as the client's error (4xx)
            return [self.found(node, confidence="LOW", sink=sink)]
        return [self.found(node, sink=sink)]

    def _class_kind(self, node, ctx) -> str | None:
        """What catching the class ``node`` names says about the text."""
        if isinstance(node, ast.Name):
            mine = ctx.file_state_of(self)
            if "classes" not in mine:
                mine["classes"] = _exception_classes(ctx.tree)
            if node.id in mine["classes"]:
                return _CLIENT
        q = ctx.qualname(node)
        if q in errors.CLIENT_INPUT_ERRORS:
            return _CLIENT
        if q in errors.NARROW_BUILTIN_ERRORS:
            return _NARROW
        project = ctx.project if q and not q.startswith("builtins.") else None
        if project is not None and project.klass(q) is not None:
            return _CLIENT
        return None

    def _types_kind(self, node, ctx) -> str | None:
        """The weakest kind over ``except (A, B)``: None when one class is
        not the project's."""
        elts = node.elts if isinstance(node, ast.Tuple) else [node]
        kinds = [self._class_kind(e, ctx) for e in elts]
        if not kinds or None in kinds:
            return None
        return min(kinds, key=_RANK.__getitem__)

    def _try(self, node, ctx, st):
        for h in node.handlers:
            if not h.name or h.type is None:
                continue
            kind = self._types_kind(h.type, ctx)
            if kind == _NARROW and not self._calls_project(node.body, ctx):
                kind = None
            if kind is not None:
                span = ((h.body[0].lineno, h.body[0].col_offset),
                        (h.body[-1].end_lineno, h.body[-1].end_col_offset))
                st.scopes.append((kind, {h.name}, span))

    def _calls_project(self, body, ctx) -> bool:
        """The ``try`` body calls a function of this file or of the project."""
        local = {n.name for n in ctx.tree.body
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        project = ctx.project
        for stmt in body:
            for n in ast.walk(stmt):
                if not isinstance(n, ast.Call):
                    continue
                f = n.func
                if isinstance(f, ast.Name) and f.id in local:
                    return True
                q = ctx.call_name(n)
                if q and project is not None and not q.startswith("builtins.") and (
                        project.function(q) is not None or project.klass(q) is not None):
                    return True
        return False

    def _handler_params(self, fn, ctx, st):
        """``@app.exception_handler(RequestValidationError)`` and
        ``def handler(request, exc: AppError)``: the exception parameter."""
        node = fn.node
        args = node.args.posonlyargs + node.args.args
        params = [a for a in args if a.arg not in REQUEST_PARAM_NAMES and a.arg != "self"]
        for a in params:
            if a.annotation is not None:
                kind = self._types_kind(a.annotation, ctx)
                if kind == _CLIENT:
                    st.scopes.append((kind, {a.arg}, None))
        for d in node.decorator_list:
            if isinstance(d, ast.Call) and d.args and params and \
                    self._types_kind(d.args[0], ctx) == _CLIENT:
                st.scopes.append((_CLIENT, {params[-1].arg}, None))

    def _scope_of(self, node, st):
        """The scopes holding ``node``: a node lies in a body exactly when
        its position does (sibling statements never overlap)."""
        first = (node.lineno, node.col_offset)
        last = (node.end_lineno, node.end_col_offset)
        return [s for s in st.scopes if s[2] is None or s[2][0] <= first and last <= s[2][1]]

    def _source_kind(self, expr, at, ctx, st) -> str | None:
        """_CLIENT/_NARROW when every exception text in ``expr`` comes from a
        name bound to such an exception (no traceback, no other exception)."""
        scopes = self._scope_of(at, st)
        if not scopes:
            return None
        names: dict[str, str] = {}
        for kind, ns, _ in scopes:
            for n in ns:
                if _RANK[kind] > _RANK.get(names.get(n), 0):
                    names[n] = kind
        kinds = set()
        for n in ast.walk(expr):
            if isinstance(n, ast.Call) and ctx.call_name(n) in web.EXCEPTION_TEXT or \
                    isinstance(n, ast.Attribute) and n.attr in errors.CHAINED_ERROR_ATTRS:
                return None
            if isinstance(n, ast.Name) and labels.EXCEPTION in ctx.value(n).labels:
                if n.id not in names:
                    return None
                kinds.add(names[n.id])
        if not kinds:
            return None
        return min(kinds, key=_RANK.__getitem__)

    def _derive(self, node, ctx, st):
        """``msg = str(e)`` inside the scope: ``msg`` is the same text."""
        targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if not targets:
            return
        scopes = self._scope_of(node, st)
        if not scopes:
            return
        v = ctx.value(node.value)
        kind = self._source_kind(node.value, node, ctx, st) if \
            labels.EXCEPTION in v.labels else None
        for s in scopes:
            if kind is not None and _RANK[s[0]] <= _RANK[kind]:
                s[1].update(targets)
            else:
                s[1].difference_update(targets)


class SecretLogged(Rule):
    """A password, token, secret or key is written to a log or stdout."""

    code = "SCG802"
    symbol = "secret-logged"
    message = ("{what} is written to {sink}; log an identifier, a length or a masked "
               "form instead")
    cwe = 532
    severity = "MEDIUM"
    confidence = "MEDIUM"
    section = "Error Handling and Logging"
    rationale = (
        "Logs are copied to aggregators, tickets and dashboards that many "
        "people and services read, and they are kept for months. A password "
        "or token written there is disclosed to all of them (CWE-532). Loggers "
        "are known by type too: `logging.getLogger()` results, "
        "`logging.LoggerAdapter` and subclasses of `logging.Logger`/`LoggerAdapter`, "
        "whatever their variable is called."
    )
    example = (
        "import logging\n\n"
        "log = logging.getLogger(__name__)\n\n\n"
        "def login(username, password):\n"
        "    log.info('login attempt %s / %s', username, password)\n"
    )
    fix = (
        "import logging\n\n"
        "log = logging.getLogger(__name__)\n\n\n"
        "def login(username, password):\n"
        "    log.info('login attempt %s', username)\n"
    )
    not_flagged = (
        "Identifiers (token_id, key_name), lengths, slices and masked values "
        "(`token[-4:]`, `mask(token)`), values of names that are about a "
        "secret (`password_field`, `token_type`); items of a credentials "
        "container whose key names who (`credentials.get('username')`, "
        "`creds['email']`), also once bound to a local name. "
        "Confidence: MEDIUM when the logged secret is request data (a form "
        "field or header named as a credential); LOW when the verdict rests on "
        "names alone (a variable, parameter or attribute named like a secret)."
    )
    calls = logs.LOG_METHODS | {"print"}
    node_types = (ast.Call, ast.Assign)
    skip_test_files = True  # test output shows test credentials
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.SECRET, labels.HASHED})
    function_state = set  # local names bound to an identifier item of a container

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            if ctx.fn is not None:
                cleared = ctx.fn_state(self)
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        if _identifier_item(ctx, node.value):
                            cleared.add(t.id)  # username = credentials.get("username")
                        else:
                            cleared.discard(t.id)
            return None
        func = node.func
        if isinstance(func, ast.Name):
            if func.id != "print" or ctx.call_name(node) != "builtins.print":
                return
            sink = "stdout (print)"
        elif isinstance(func, ast.Attribute) and func.attr in logs.LOG_METHODS:
            q = ctx.call_name(node) or ""
            owner = last_name(func.value).lower()
            if not (q.startswith("logging.") or "log" in owner):
                return
            sink = "the log"
        else:
            return
        cleared = ctx.fn_state(self) if ctx.fn is not None else set()
        for arg in list(node.args) + [k.value for k in node.keywords
                                      if k.arg not in logs.LOG_CONTROL_KEYWORDS]:
            v = ctx.value(arg)
            if labels.SECRET in v.labels and labels.HASHED not in v.labels and not _object_role(arg):
                part = _secret_part(ctx, arg, cleared)
                if part is None:
                    continue  # only user names and ids carried the container's label
                client = bool(ctx.value(part).taint)
                return [self.found(node, what=_describe(ctx, arg), sink=sink,
                                   confidence=None if client else "LOW")]
        return None
