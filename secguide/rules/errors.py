"""Guide section: Error handling and logging."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import logs
from secguide.rule import Rule
from secguide.rules._common import last_name
from secguide.vocab import ITEM_IDENTIFIER_WORDS, ROLE_TAILS, words


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
        "generic message and an id to correlate."
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
        "(`e.code`, `e.name`, `e.description` of werkzeug HTTPExceptions)."
    )
    calls = frozenset({"abort"})
    node_types = (ast.Return, ast.Raise, ast.Call)
    report_types = (ast.Return, ast.Raise, ast.Call)
    reads_labels = frozenset({labels.EXCEPTION})

    def check(self, node, ctx):
        fn = ctx.fn
        if fn is None or not (fn.is_route or fn.is_error_handler):
            return
        t = type(node)
        if t is ast.Return:
            if node.value is not None and labels.EXCEPTION in ctx.value(node.value).labels:
                return [self.found(node, sink="the response")]
        elif t is ast.Raise:
            exc = node.exc
            if isinstance(exc, ast.Call) and last_name(exc.func) in logs.HTTP_ERRORS:
                for arg in list(exc.args) + [k.value for k in exc.keywords
                                             if k.arg in logs.HTTP_ERROR_TEXT_KEYWORDS]:
                    if labels.EXCEPTION in ctx.value(arg).labels:
                        return [self.found(node, sink=f"{last_name(exc.func)}(detail=...)")]
        elif last_name(node.func) == "abort" and ctx.call_name(node) in logs.ABORT_CALLS:
            for arg in list(node.args[1:]) + [k.value for k in node.keywords]:
                if labels.EXCEPTION in ctx.value(arg).labels:
                    return [self.found(node, sink="abort()")]
        return None


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
        "or token written there is disclosed to all of them (CWE-532)."
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


def _identifier_item(ctx, node) -> bool:
    """``credentials.get("username")``, ``creds["email"]``: an item whose
    constant key names who or which, whatever the container is called."""
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "get" and node.args:
        key = node.args[0]
    else:
        return False
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    ws = words(key.value)
    return bool(ws) and ws[-1] in ITEM_IDENTIFIER_WORDS


def _secret_part(ctx, node, cleared: set, depth: int = 0):
    """The part of a logged expression that carries the secret label, or
    None when every labelled part is an identifier item (``f"{username}"``
    where ``username = credentials.get("username")``)."""
    if depth > 8:
        return node
    t = type(node)
    if t is ast.Name and node.id in cleared or _identifier_item(ctx, node):
        return None
    parts = None
    if t is ast.JoinedStr:
        parts = [p.value for p in node.values if isinstance(p, ast.FormattedValue)]
    elif t is ast.BinOp:
        parts = [node.left, node.right]
    elif t in (ast.Tuple, ast.List):
        parts = node.elts
    elif t is ast.Call and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        parts = [node.func.value] + list(node.args) + [k.value for k in node.keywords]
    if parts is None:
        return node
    labelled = False
    for p in parts:
        if labels.SECRET in ctx.value(p).labels:
            labelled = True
            found = _secret_part(ctx, p, cleared, depth + 1)
            if found is not None:
                return found
    return None if labelled else node


def _object_role(node) -> bool:
    """``handler = self.tokens.get(kind)``: the name says what it holds."""
    name = node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")
    ws = words(name) if name else []
    return bool(ws) and ws[-1] in ROLE_TAILS


def _describe(ctx, node) -> str:
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return f"secret value {ctx.source_text(node)}"
    return "a secret value"
