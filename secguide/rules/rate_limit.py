"""Guide section: API security: rate limiting."""
from __future__ import annotations

import ast
import re

from secguide.models import auth, config
from secguide.rule import Rule
from secguide.rules._common import decorated_with, last_name
from secguide.vocab import words


class _RateLimits:
    """Whether the file configures a global limit anywhere, and the auth
    routes without a limit of their own (reported when the file ends, so the
    order of definitions does not matter)."""

    __slots__ = ("global_limit", "unlimited")

    def __init__(self):
        self.global_limit = False
        self.unlimited: list = []


def _auth_words(text: str) -> bool:
    ws = [w for w in re.split(r"[^a-z0-9]+", " ".join(words(text)).lower()) if w]
    if config.AUTH_ENDPOINT_WORDS.intersection(ws):
        return True
    return any(a in ws and b in ws for a, b in config.AUTH_ENDPOINT_PAIRS)


class AuthEndpointNoRateLimit(Rule):
    """A login/token/password-reset endpoint has no rate limit."""

    code = "SCG904"
    symbol = "auth-endpoint-no-rate-limit"
    message = ("{name}() handles {what} without a rate limit; add one (flask-limiter, slowapi, "
               "django-ratelimit, DRF throttles) to stop credential stuffing and brute force")
    cwe = 307
    severity = "MEDIUM"
    confidence = "MEDIUM"
    section = "API Security: Rate limiting"
    rationale = (
        "Login, token, password-reset and one-time-code endpoints answer "
        "'right' or 'wrong' to guesses. Without a limit on attempts, "
        "credential stuffing and brute force run at the speed of the server "
        "(CWE-307, OWASP API4 Unrestricted Resource Consumption)."
    )
    example = (
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/login', methods=['POST'])\n"
        "def login():\n"
        "    return authenticate(request.form['username'], request.form['password'])\n"
    )
    fix = (
        "from flask import Flask, request\n"
        "from flask_limiter import Limiter\n"
        "from flask_limiter.util import get_remote_address\n\n"
        "app = Flask(__name__)\n"
        "limiter = Limiter(get_remote_address, app=app)\n\n\n"
        "@app.route('/login', methods=['POST'])\n"
        "@limiter.limit('5 per minute')\n"
        "def login():\n"
        "    return authenticate(request.form['username'], request.form['password'])\n"
    )
    not_flagged = (
        "Routes with a limiter decorator (and the `rate-limit-decorators` "
        "option); files that configure a global limit (`Limiter(..., "
        "default_limits=[...])`, SlowAPIMiddleware), or whose app sets one up in its "
        "factory or extensions module (project facts); routes with a project decorator "
        "that applies a limiter; GET routes; class-based views with throttle_classes; "
        "authenticated endpoints that create or revoke a token or key (a principal from a "
        "login/token decorator, a `Depends(get_current_user)`-style dependency, the "
        "router's `dependencies=[...]`, or a controller reading `self.user`) and take no "
        "password, code or OTP parameter, and authenticated endpoints that check no "
        "credential (no `verify_password`/`check_password`/`authenticate`/OTP `verify` "
        "call, no comparison of a password or code): setting a new password as an "
        "admin, switching to a user one may act for; other routes."
    )
    calls = config.GLOBAL_LIMITERS | {"add_middleware"}
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    report_types = (ast.FunctionDef, ast.AsyncFunctionDef)
    reads_options = ("rate-limit-decorators",)
    file_state = _RateLimits

    def check(self, node, ctx):
        if type(node) is ast.Call:
            if _global_limit(node, ctx):
                ctx.file_state_of(self).global_limit = True
            return None
        fn = ctx.fn
        if fn is None or fn.node is not node or not fn.is_route:
            return None
        if "POST" not in fn.methods:
            return None  # GET routes; Django views that do not declare POST
        path = fn.path or ""
        if not (_auth_words(fn.name) or _auth_words(auth.PATH_PARAMETER.sub(" ", path))):
            return None
        if decorated_with(fn, config.RATE_LIMIT_DECORATORS, ctx.options.rate_limit_decorators):
            return None
        project = ctx.project
        if project is not None and any(project.is_rate_limit_decorator(d) for d in fn.decorators):
            return None  # a project decorator that applies a limiter
        ci = fn.class_info
        if ci is not None and not ci.attrs.isdisjoint(auth.THROTTLE_ATTRIBUTES):
            return None
        mode = ctx.auth_mode(node)
        if mode.principal and (_mints_token(fn) or not (
                _credential_param(fn) or mode.checks_credential)):
            # an authenticated caller mints or revokes a token, or the route
            # checks no password, code or token: nothing to guess here
            return None
        ctx.file_state_of(self).unlimited.append(
            self.found(node, name=fn.name, what=f"POST {path or fn.name}"))
        return None

    def finish_file(self, ctx):
        facts = ctx.file_state_of(self)
        if facts.global_limit or not facts.unlimited:
            return None
        project = ctx.project
        if project is not None and project.app().global_rate_limit:
            return None  # a limiter with default limits in the app's setup modules
        return facts.unlimited


def _mints_token(fn) -> bool:
    """The route's name says it creates, hands out or revokes a token or
    key, and no parameter carries a guessable credential."""
    ws = {w.lower() for w in words(fn.name)}
    if ws.isdisjoint(auth.TOKEN_MINT_VERBS) or ws.isdisjoint(auth.TOKEN_OBJECTS):
        return False
    return not any(auth.CREDENTIAL_PARAM_WORDS.intersection(w.lower() for w in words(p))
                   for p in fn.params)


def _credential_param(fn) -> bool:
    """A parameter named as a credential the caller could be guessing
    (``password``, ``current_password``, ``otp``; not ``new_password``)."""
    for p in fn.params:
        ws = {w.lower() for w in words(p)}
        if not ws.isdisjoint(auth.CREDENTIAL_PARAM_WORDS) and "new" not in ws:
            return True
    return False


def _global_limit(node: ast.Call, ctx) -> bool:
    """``Limiter(app, default_limits=[...])`` (not empty), or
    ``app.add_middleware(SlowAPIMiddleware)``."""
    if ctx.call_name(node) in config.GLOBAL_LIMITERS:
        for k in node.keywords:
            if k.arg in auth.GLOBAL_LIMIT_KEYWORDS:
                v = ctx.value(k.value)
                if not (v.items == {} or v.known and not v.cval):
                    return True
    return isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" \
        and bool(node.args) and last_name(node.args[0]) in auth.GLOBAL_LIMIT_MIDDLEWARE
