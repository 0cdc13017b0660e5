"""Guide section: API security: server-side request forgery."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import sinks
from secguide.rule import Rule
from secguide.rules._common import http_url, tainted_report


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
        "check its scheme and host against an allow-list before the request. "
        "The clients followed: requests, httpx (also `AsyncClient`), aiohttp "
        "(`ClientSession`, `aiohttp.request`), `urllib.request` (`urlopen`, "
        "`build_opener(...).open`, `URLopener`), urllib3 (`PoolManager.request`, "
        "`urllib3.request`, connection pools), `http.client.HTTPConnection` and "
        "pycurl's `setopt(pycurl.URL, ...)`."
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
        "Untrusted values only in params=, json=, data= or headers=, in a "
        "query string built by urlencode(), or pasted after the `?` (or `#`) of "
        "the URL (`f\"https://api.example.com/status?order={ref}\"`, `.format`, "
        "`%`, `+`; also through helpers), or in the path after a host no "
        "untrusted value chose (`f\"https://api.github.com/users/{name}\"`, "
        "`f\"https://keys.{REGION}.example.com/{kid}\"`); constant "
        "URLs; hosts checked against an allow-list (`urlparse(url).hostname "
        "in ALLOWED_HOSTS`) on the path that sends the request; requests "
        "made through client objects whose type is not visible; `sys.argv` "
        "(the operator running a script chooses the host, not a remote client)."
    )
    calls = frozenset(sinks.HTTP_CALLS) | frozenset(sinks.HTTP_CLIENT_METHODS) | \
        {sinks.CURL_SETOPT}
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("ssrf")})

    def check(self, node, ctx):
        if ctx.call_name(node) == sinks.CURL_SETOPT:
            url = _curl_url(node)
            if url is None:
                return None
            return tainted_report(self, ctx, node, ctx.value(url), "ssrf",
                                  sink=ctx.source_text(node.func))
        url = http_url(node, ctx)
        if url is None:
            return None
        return tainted_report(self, ctx, node, ctx.value(url), "ssrf",
                              sink=ctx.source_text(node.func))


def _curl_url(node: ast.Call) -> ast.AST | None:
    """The value of ``c.setopt(pycurl.URL, value)`` (other options: None)."""
    if len(node.args) < 2:
        return None
    opt = node.args[0]
    name = opt.attr if type(opt) is ast.Attribute else (opt.id if type(opt) is ast.Name else None)
    return node.args[1] if name in sinks.CURL_URL_OPTIONS else None
