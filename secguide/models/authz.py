"""Authorization decided by data the client controls (SCG405): which request
attributes are which kind of client input, and which headers a trusted
proxy sets."""
from __future__ import annotations

import re

#: request attributes (Flask, Django, Starlette) -> what the client sends there
CLIENT_INPUTS = {
    "cookies": "cookie", "COOKIES": "cookie",
    "headers": "header", "META": "header",
    "args": "query parameter", "GET": "query parameter", "query_params": "query parameter",
    "form": "form field", "POST": "form field", "values": "request parameter",
    "json": "JSON field", "get_json": "JSON field", "data": "request field",
}
#: the kinds of input a browser keeps and sends by itself (an identity read
#: from them is a login the client forges)
STORED_INPUTS = frozenset({"cookie", "header"})
#: an origin's description: ``request.cookies.get('role')``,
#: ``request.META['HTTP_X_ADMIN']``, ``request.get_json()['role']``
ORIGIN_KEY = re.compile(r"\.(?P<attr>\w+)(?:\(\))?(?:\.get(?:list)?\(|\[)'(?P<key>[^']+)'")
#: header names (lower case, ``-`` or ``_``) that a trusted front end sets after
#: authenticating (oauth2-proxy, cloud load balancers), or the web server's own
#: variables: not what the client says
TRUSTED_HEADER_WORDS = ("forwarded_user", "forwarded_email", "forwarded_groups",
                        "forwarded_preferred", "forwarded_access", "remote_user", "remote_email",
                        "remote_groups", "remote_name", "auth_request", "principal",
                        "authenticated_user", "oidc", "apigateway", "userinfo", "ssl_client",
                        "x_ms_client", "x_goog", "x_amzn")
#: headers that carry the client's address (``X-Forwarded-For``), which the
#: client writes unless a proxy overwrites them
ADDRESS_HEADER_WORDS = ("forwarded_for", "real_ip", "client_ip", "originating_ip")
#: addresses an address check lets in (``== "127.0.0.1"``: "only from localhost")
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})
#: Django ``META`` keys that are not request headers (set by the server)
SERVER_META_KEYS = frozenset({"REMOTE_USER", "REMOTE_ADDR", "AUTH_TYPE"})
#: calls in a branch that deny or grant access (with ``return``/``raise``)
GUARD_CALLS = frozenset({"abort", "redirect", "HttpResponseForbidden", "PermissionDenied",
                         "HTTPException", "render_template", "render", "login_user"})
#: lookups of a record by key: ``User.get(x)``, ``User.query.get(x)``,
#: ``User.objects.get(pk=x)``, ``User.query.filter_by(id=x)``, ``get_object_or_404(User, ...)``
LOOKUP_METHODS = frozenset({"get", "get_or_404", "filter_by", "filter", "get_by_id",
                            "find_one", "find_by_id", "first_or_404", "select"})
#: SQL calls whose parameters (second argument) pick the user
SQL_LOOKUPS = frozenset({"execute"})
LOOKUP_FUNCTIONS = frozenset({"get_object_or_404", "get_user", "load_user"})
#: top-level modules of web frameworks: a module that imports none of them
#: reads no request data of its own (the rule stops there)
WEB_MODULES = ("flask", "django", "starlette", "fastapi", "quart", "rest_framework",
               "werkzeug", "bottle", "tornado", "pyramid", "falcon", "sanic", "aiohttp")
