"""Guide section: API security, transport and least privilege."""
from __future__ import annotations

import ast
import re

from secguide.models import config, sinks
from secguide.rule import Rule
from secguide.rules._common import last_name, report_tainted
from secguide.vocab import words


class Ssrf(Rule):
    """Untrusted input chooses where the server sends a request."""

    code = "SCG903"
    symbol = "ssrf"
    message = ("{source} forms the URL of {sink}(); let clients choose among known "
               "endpoints, or check the host against an allow-list first")
    cwe = 918
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "API Security: Server-Side Request Forgery"
    rationale = (
        "A server that fetches a URL its client chose can be pointed at what "
        "only the server can reach: cloud metadata at 169.254.169.254, admin "
        "ports on localhost, internal services (CWE-918, OWASP A10:2021). "
        "Let the client pick from known endpoints, or parse the URL and "
        "check its scheme and host against an allow-list before the request."
    )
    example = (
        "import requests\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/preview')\n"
        "def preview():\n"
        "    page = requests.get(request.args['url'], timeout=5)\n"
        "    return {'status': page.status_code}\n"
    )
    fix = (
        "import requests\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/preview')\n"
        "def preview():\n"
        "    page = requests.get('https://api.example.com/preview',\n"
        "                        params={'url': request.args['url']}, timeout=5)\n"
        "    return {'status': page.status_code}\n"
    )
    not_flagged = (
        "Untrusted values only in params=, json=, data= or headers=; constant "
        "URLs; hosts checked against an allow-list (`urlparse(url).hostname "
        "in ALLOWED_HOSTS`) on the path that sends the request; requests "
        "made through client objects whose type is not visible."
    )
    calls = frozenset(sinks.HTTP_CALLS) | frozenset(sinks.HTTP_CLIENT_METHODS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)

    def check(self, node, ctx):
        url = _http_url(node, ctx)
        if url is not None:
            report_tainted(self, ctx, node, ctx.value(url), "ssrf",
                           sink=ctx.source_text(node.func))


def _true(ctx, node) -> bool:
    v = ctx.value(node)
    return v.known and v.cval is True


class CorsWildcardCredentials(Rule):
    """Any origin may make credentialed requests."""

    code = "SCG901"
    symbol = "cors-wildcard-credentials"
    message = ("{what} lets every origin read responses to requests made with the "
               "user's credentials; list the allowed origins explicitly")
    cwe = 942
    severity = "HIGH"
    confidence = "HIGH"
    section = "API Security: CORS"
    rationale = (
        "CORS decides which other sites may read your API's responses from a "
        "user's browser. A wildcard (or a reflected Origin) together with "
        "credentials means any site the user visits can call the API as the "
        "user and read the answers (CWE-942)."
    )
    example = (
        "from flask import Flask\n"
        "from flask_cors import CORS\n\n"
        "app = Flask(__name__)\n"
        "CORS(app, origins='*', supports_credentials=True)\n"
    )
    fix = (
        "from flask import Flask\n"
        "from flask_cors import CORS\n\n"
        "app = Flask(__name__)\n"
        "CORS(app, origins=['https://app.example.com'], supports_credentials=True)\n"
    )
    not_flagged = "Explicit origin lists; wildcards without credentials; test settings."
    calls = config.FLASK_CORS | {"Middleware", "add_middleware"}
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call, ast.Assign)

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            if ctx.is_test_file or ctx.fn is not None:
                return
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in config.DJANGO_CORS_ALL \
                        and _true(ctx, node.value):
                    ctx.report(self, node, what=f"{target.id} = True")
            return
        q = ctx.call_name(node)
        if q in config.FLASK_CORS:
            creds = ctx.keyword(node, "supports_credentials")
            if creds is None or not _true(ctx, creds):
                return
            origins = ctx.keyword(node, "origins")
            if origins is None:
                resources = ctx.keyword(node, "resources")
                if resources is not None:
                    items = ctx.value(resources).items or {}
                    for res in items.values():
                        o = (res.items or {}).get("origins") if res.items else None
                        if o is not None and _wildcard(o):
                            ctx.report(self, node, what="CORS(resources={...: {'origins': '*'}}, "
                                                        "supports_credentials=True)")
                            return
                    return
                ctx.report(self, node, what="CORS(supports_credentials=True) with the default "
                                            "origins '*'")
            elif _wildcard(ctx.value(origins)):
                ctx.report(self, node, what="CORS(origins='*', supports_credentials=True)")
            return
        middleware = None
        if q in ("starlette.middleware.Middleware",) or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware"):
            middleware = node.args[0] if node.args else None
        if middleware is None or ctx.qualname(middleware) not in config.CORS_MIDDLEWARE:
            return
        creds = ctx.keyword(node, "allow_credentials")
        if creds is None or not _true(ctx, creds):
            return
        origins = ctx.keyword(node, "allow_origins")
        regex = ctx.keyword(node, "allow_origin_regex")
        if origins is not None and _wildcard(ctx.value(origins)) or regex is not None and \
                ctx.value(regex).known and str(ctx.value(regex).cval) in (".*", "^.*$", ".+"):
            ctx.report(self, node, what="CORSMiddleware(allow_origins=['*'], allow_credentials=True)")


def _wildcard(v) -> bool:
    if v.known and v.cval == "*":
        return True
    return bool(v.items) and any(i.known and i.cval == "*" for i in v.items.values())


class CleartextHttp(Rule):
    """An HTTP client sends a request over plain http:// to a remote host."""

    code = "SCG902"
    symbol = "cleartext-http"
    message = ("{sink}() requests {url} over plain HTTP, readable and changeable on the "
               "network; use https://")
    cwe = 319
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Secure Transport"
    rationale = (
        "Plain HTTP crosses every network between the two machines in clear "
        "text: credentials, tokens and personal data can be read, and the "
        "response can be changed in transit (CWE-319). Only local addresses "
        "are exempt."
    )
    example = (
        "import requests\n\n\n"
        "def fetch_rates():\n"
        "    return requests.get('http://api.exchange.example/rates', timeout=5).json()\n"
    )
    fix = (
        "import requests\n\n\n"
        "def fetch_rates():\n"
        "    return requests.get('https://api.exchange.example/rates', timeout=5).json()\n"
    )
    not_flagged = (
        "localhost, 127.0.0.1, [::1], *.local and the `trusted-hosts` option; "
        "URLs that are never requested (XML namespaces, links in text); URLs "
        "whose host is not a constant (SCG903 looks at those)."
    )
    calls = frozenset(sinks.HTTP_CALLS) | frozenset(sinks.HTTP_CLIENT_METHODS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)

    def check(self, node, ctx):
        url = _http_url(node, ctx)
        if url is None:
            return
        v = ctx.value(url)
        text = v.cval if v.known and isinstance(v.cval, str) else (
            v.text if v.built or v.is_const else "")
        if not text.lower().startswith("http://"):
            return
        rest = text[7:]
        host = rest.split("/", 1)[0].split("?", 1)[0]
        if "@" in host:
            host = host.rsplit("@", 1)[1]
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if not hostname or "\x01" in hostname or "{" in hostname or "%" in hostname:
            return
        if config.LOCAL_HOSTS.match(hostname) or hostname in ctx.options.trusted_hosts:
            return
        shown = text if len(text) <= 60 else text[:57] + "..."
        ctx.report(self, node, sink=ctx.source_text(node.func), url=shown.replace("\x01", "{...}"))


def _auth_words(text: str) -> bool:
    ws = [w for w in re.split(r"[^a-z0-9]+", " ".join(words(text)).lower()) if w]
    if config.AUTH_ENDPOINT_WORDS.intersection(ws):
        return True
    return any(a in ws and b in ws for a, b in config.AUTH_ENDPOINT_PAIRS)


def _http_url(node, ctx):
    """The URL argument of an outbound HTTP request (SCG902, SCG903), or None."""
    q = ctx.call_name(node)
    spec = sinks.HTTP_CALLS.get(q) if q else None
    func = node.func
    if spec is None and type(func) is ast.Attribute and \
            ctx.value(func.value).qual in sinks.HTTP_CLIENT_TYPES:
        spec = sinks.HTTP_CLIENT_METHODS.get(func.attr)
    return ctx.arg(node, spec[0], spec[1]) if spec is not None else None


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
        "default_limits=[...])`, SlowAPIMiddleware); GET routes; class-based "
        "views with throttle_classes; other routes."
    )
    calls = config.GLOBAL_LIMITERS | {"add_middleware"}
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    report_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node, ctx):
        if type(node) is ast.Call:
            q = ctx.call_name(node)
            if q in config.GLOBAL_LIMITERS and any(
                    k.arg in ("default_limits", "application_limits") and
                    not (ctx.value(k.value).items == {} or ctx.value(k.value).known and
                         not ctx.value(k.value).cval) for k in node.keywords):
                ctx.file_state["global-rate-limit"] = True
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" \
                    and node.args and last_name(node.args[0]) in ("SlowAPIMiddleware",
                                                                  "SlowAPIASGIMiddleware"):
                ctx.file_state["global-rate-limit"] = True
            return
        fn = ctx.fn
        if fn is None or fn.node is not node or not fn.is_route:
            return
        if ctx.file_state.get("global-rate-limit"):
            return
        if "POST" not in fn.methods:
            return
        if fn.framework == "django" and not fn.methods:
            return  # Django views accept any method; only explicit POST views count
        path = fn.path or ""
        if not (_auth_words(fn.name) or _auth_words(re.sub(r"<[^>]*>|\{[^}]*\}", " ", path))):
            return
        extra = ctx.options.rate_limit_decorators
        for d in fn.decorators:
            last = d.rsplit(".", 1)[-1]
            if config.RATE_LIMIT_DECORATORS.match(last) or last in extra or d in extra:
                return
        ci = fn.class_info
        if ci is not None and ("throttle_classes" in ci.attrs or "ratelimit" in ci.attrs):
            return
        ctx.report(self, node, name=fn.name, what=f"POST {path or fn.name}")


_MODE_ARGS = {"os.makedirs": (1, "mode"), "os.mkdir": (1, "mode"), "os.open": (2, "mode"),
              "os.mkfifo": (1, "mode"), "os.mknod": (1, "mode")}


class PermissivePermissions(Rule):
    """Files or directories are created writable by everyone."""

    code = "SCG905"
    symbol = "permissive-permissions"
    message = "{what} makes new files writable by {who}; use 0o077/0o022 umasks and 0o700/0o600 modes"
    cwe = 732
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Least Privilege: File permissions"
    rationale = (
        "World-writable files and directories let any local user or "
        "compromised service change code, configuration or data the "
        "application trusts (CWE-732). Bandit's B103 checks chmod; this "
        "rule checks the umask and the modes files are created with."
    )
    example = (
        "import os\n\n\n"
        "def prepare(path):\n"
        "    os.makedirs(path, 0o777, exist_ok=True)\n"
    )
    fix = (
        "import os\n\n\n"
        "def prepare(path):\n"
        "    os.makedirs(path, 0o750, exist_ok=True)\n"
    )
    not_flagged = ("Restrictive modes; default modes; modes held in variables of unknown value; "
                   "`old = os.umask(0)` whose result is kept (read-and-restore idiom).")
    calls = frozenset(_MODE_ARGS) | {"os.umask", "mkdir", "touch"}
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call,)

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            if isinstance(node.value, ast.Call) and ctx.call_name(node.value) == "os.umask" and \
                    len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                # old = os.umask(0); os.umask(old): the idiom that reads the umask
                ctx.file_state.setdefault(self.code, {})[node.targets[0].id] = node.value
            return
        q = ctx.call_name(node)
        if q == "os.umask":
            saved = ctx.file_state.get(self.code, {})
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Name) and arg.id in saved:
                first = saved.pop(arg.id)
                if node.lineno <= getattr(first, "end_lineno", first.lineno) + 1:
                    ctx.findings.pop((self.code, id(first)), None)  # restored at once
                return
            mask = _int(ctx, ctx.arg(node, 0, "mask"))
            if mask is not None and (mask & 0o022) != 0o022:
                who = "everyone" if not mask & 0o002 else "the group"
                ctx.report(self, node, what=f"os.umask({oct(mask)})", who=who)
            return
        spec = _MODE_ARGS.get(q) if q else None
        if spec is None and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "mkdir", "touch") and ctx.value(node.func.value).qual == "pathlib.Path":
            spec = (None, "mode")
        if spec is None:
            return
        mode = _int(ctx, ctx.arg(node, spec[0], spec[1]))
        if mode is not None and mode & 0o002:
            ctx.report(self, node, what=f"{ctx.source_text(node.func)}(..., {oct(mode)})",
                       who="everyone")


def _int(ctx, node):
    if node is None:
        return None
    v = ctx.value(node)
    return v.cval if v.known and isinstance(v.cval, int) and not isinstance(v.cval, bool) else None


class PrivilegedAccount(Rule):
    """The application runs or connects with a superuser account."""

    code = "SCG906"
    symbol = "privileged-account"
    message = "{what}; run with an account that has only the privileges the application needs"
    cwe = 250
    severity = "MEDIUM"
    confidence = "MEDIUM"
    section = "Least Privilege"
    rationale = (
        "An application connected as the database superuser can drop any "
        "table and read every schema, and one running as root or in a "
        "privileged container owns the machine: any injection becomes a "
        "full compromise (CWE-250). Give each service an account with just "
        "the grants it uses."
    )
    example = (
        "from sqlalchemy import create_engine\n"
        "import os\n\n"
        "engine = create_engine(f\"postgresql://postgres:{os.environ['DB_PW']}@db/app\")\n"
    )
    fix = (
        "from sqlalchemy import create_engine\n"
        "import os\n\n"
        "engine = create_engine(f\"postgresql://app_rw:{os.environ['DB_PW']}@db/app\")\n"
    )
    not_flagged = "Application accounts; test modules; setuid to non-zero ids."
    calls = config.SETUID_CALLS | config.DB_CONNECT_CALLS | {"run", "create"}
    node_types = (ast.Call, ast.Constant, ast.JoinedStr, ast.Assign, ast.Dict)
    report_types = (ast.Call, ast.Constant, ast.JoinedStr)

    def check(self, node, ctx):
        if ctx.is_test_file:
            return
        t = type(node)
        if t is ast.Assign:
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == "DATABASES":
                    ctx.file_state.setdefault(self.code, []).append(
                        (node.lineno, getattr(node, "end_lineno", node.lineno)))
            return
        if t is ast.Dict:
            spans = ctx.file_state.get(self.code)
            if not spans or not any(a <= node.lineno <= b for a, b in spans):
                return
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "USER" and \
                        isinstance(v, ast.Constant) and str(v.value).lower() in config.PRIVILEGED_USERS:
                    ctx.report(self, v, what=f"the database user {v.value!r} is a superuser")
            return
        if t in (ast.Constant, ast.JoinedStr):
            text = node.value if t is ast.Constant else "".join(
                p.value for p in node.values if isinstance(p, ast.Constant) and isinstance(p.value, str)
            ) if node.values and isinstance(node.values[0], ast.Constant) else ""
            if not isinstance(text, str) or "://" not in text or len(text) > 500:
                return
            scheme, _, rest = text.partition("://")
            if not config.DB_SCHEMES.match(scheme.strip()) or "@" not in rest.split("/", 1)[0]:
                return
            user = rest.split("@", 1)[0].split(":", 1)[0]
            if user.lower() in config.PRIVILEGED_USERS:
                ctx.report(self, node, what=f"the {scheme} URL connects as {user!r}, a superuser")
            return
        q = ctx.call_name(node)
        if q in config.SETUID_CALLS:
            ids = [_int(ctx, a) for a in node.args]
            if ids and any(i == 0 for i in ids):
                ctx.report(self, node, what=f"{ctx.source_text(node.func)}(0) switches to root")
            return
        if q in config.DB_CONNECT_CALLS:
            dsn = node.args[0] if node.args else ctx.keyword(node, "dsn")
            if isinstance(dsn, ast.Constant) and isinstance(dsn.value, str):
                m = re.search(r"(?:^|\s)user\s*=\s*'?(\w+)", dsn.value)
                if m and m.group(1).lower() in config.PRIVILEGED_USERS:
                    ctx.report(self, dsn,
                               what=f"the connection string logs in as {m.group(1)!r}, a superuser")
                    return
            user = ctx.keyword(node, "user") or ctx.keyword(node, "username")
            if isinstance(user, ast.Constant) and str(user.value).lower() in config.PRIVILEGED_USERS:
                ctx.report(self, user, what=f"{ctx.source_text(node.func)}() connects as "
                                            f"{user.value!r}, a superuser")
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("run", "create") and \
                last_name(func.value) == "containers":
            priv = ctx.keyword(node, "privileged")
            if priv is not None and _true(ctx, priv):
                ctx.report(self, node, what="the container is started with privileged=True")
