"""Guide sections: API security (CORS) and secure transport."""
from __future__ import annotations

import ast

from secguide.models import api, config, sinks
from secguide.rule import Rule
from secguide.rules._common import http_url, is_true


def _django_credentials(tree: ast.Module) -> bool:
    """The settings module sets ``CORS_ALLOW_CREDENTIALS`` to anything but a
    false constant (django-cors-headers' default is False: a wildcard
    without credentials serves public data, which the rule allows)."""
    for st in tree.body:
        if type(st) is ast.Assign and any(isinstance(t, ast.Name) and
                                          t.id == config.DJANGO_CORS_CREDENTIALS
                                          for t in st.targets):
            if not (isinstance(st.value, ast.Constant) and not st.value.value):
                return True
    return False


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
    not_flagged = ("Explicit origin lists; wildcards without credentials (for "
                   "django-cors-headers: a settings module that leaves "
                   "`CORS_ALLOW_CREDENTIALS` unset or false; one that sets it in "
                   "another settings module is not seen); test settings.")
    calls = config.FLASK_CORS | {"Middleware", "add_middleware"}
    assign_keys = config.DJANGO_CORS_ALL  # CORS_ALLOW_ALL_ORIGINS = True
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call, ast.Assign)

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            if ctx.is_test_file or ctx.fn is not None:
                return None  # settings modules only (test settings are not deployed)
            if not any(isinstance(t, ast.Name) and t.id in config.DJANGO_CORS_ALL
                       for t in node.targets) or not is_true(ctx, node.value) or \
                    not _django_credentials(ctx.tree):
                return None
            return [self.found(node, what=f"{target.id} = True") for target in node.targets
                    if isinstance(target, ast.Name) and target.id in config.DJANGO_CORS_ALL]
        q = ctx.call_name(node)
        if q in config.FLASK_CORS:
            creds = ctx.keyword(node, "supports_credentials")
            if creds is None or not is_true(ctx, creds):
                return None
            origins = ctx.keyword(node, "origins")
            if origins is None:
                resources = ctx.keyword(node, "resources")
                if resources is not None:
                    items = ctx.value(resources).items or {}
                    for res in items.values():
                        o = (res.items or {}).get("origins") if res.items else None
                        if o is not None and _wildcard(o):
                            return [self.found(node, what="CORS(resources={...: {'origins': '*'}}, "
                                                          "supports_credentials=True)")]
                    return None
                return [self.found(node, what="CORS(supports_credentials=True) with the default "
                                              "origins '*'")]
            if _wildcard(ctx.value(origins)):
                return [self.found(node, what="CORS(origins='*', supports_credentials=True)")]
            return None
        middleware = None
        if q == api.STARLETTE_MIDDLEWARE or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware"):
            middleware = node.args[0] if node.args else None
        if middleware is None or ctx.qualname(middleware) not in config.CORS_MIDDLEWARE:
            return None
        creds = ctx.keyword(node, "allow_credentials")
        if creds is None or not is_true(ctx, creds):
            return None
        origins = ctx.keyword(node, "allow_origins")
        regex = ctx.keyword(node, "allow_origin_regex")
        if origins is not None and _wildcard(ctx.value(origins)) or regex is not None and \
                ctx.value(regex).known and str(ctx.value(regex).cval) in api.ANY_ORIGIN_PATTERNS:
            return [self.found(node, what="CORSMiddleware(allow_origins=['*'], allow_credentials=True)")]
        return None


def _wildcard(v) -> bool:
    if v.known and v.cval == "*":
        return True
    return bool(v.items) and any(i.known and i.cval == "*" for i in v.items.values())


class CleartextHttp(Rule):
    """An HTTP client sends a request over plain http:// to a remote host."""

    code = "SCG902"
    symbol = "cleartext-http"
    message = ("{sink}() requests {url} over plain {proto}, readable and changeable on the "
               "network; use {secure}")
    cwe = 319
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Secure Transport"
    rationale = (
        "Plain HTTP crosses every network between the two machines in clear "
        "text: credentials, tokens and personal data can be read, and the "
        "response can be changed in transit (CWE-319). `ftp://` URLs opened "
        "by the same clients (urllib's openers) are plain text too. Only "
        "local addresses are exempt."
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
    reads_options = ("trusted-hosts",)

    def check(self, node, ctx):
        url = http_url(node, ctx)
        if url is None:
            return None
        v = ctx.value(url)
        text = v.cval if v.known and isinstance(v.cval, str) else (
            v.text if v.built or v.is_const else "")
        scheme = text[:6].lower()
        if scheme.startswith("http:/") and text[6:7] == "/":
            rest, proto, secure = text[7:], "HTTP", "https://"
        elif scheme == "ftp://":
            rest, proto, secure = text[6:], "FTP", "SFTP or FTP over TLS (ftplib.FTP_TLS)"
        else:
            return
        host = rest.split("/", 1)[0].split("?", 1)[0]
        if "@" in host:
            host = host.rsplit("@", 1)[1]
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if not hostname or "\x01" in hostname or "{" in hostname or "%" in hostname:
            return
        if config.LOCAL_HOSTS.match(hostname) or hostname in ctx.options.trusted_hosts:
            return
        shown = text if len(text) <= 60 else text[:57] + "..."
        return [self.found(node, sink=ctx.source_text(node.func), url=shown.replace("\x01", "{...}"),
                           proto=proto, secure=secure)]
