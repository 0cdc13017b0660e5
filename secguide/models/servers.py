"""Web frameworks beyond Flask, Django and FastAPI: the standard library's
``http.server``, Tornado, aiohttp, Pyramid, Sanic, Falcon, Bottle, Litestar,
GraphQL servers (Graphene, Strawberry, Ariadne) and serverless handlers
(AWS Lambda, Google Cloud Functions).

What each one means to the analysis, as rows:

- request objects and what reading them gives (merged into
  ``models/web.REQUEST_TYPES``; shapes as there);
- how a function is recognised as a handler (``analysis/handlers.py`` reads
  ``HANDLER_BASES``, ``HANDLER_DECORATORS``, ``RESOLVER_*``, ``LAMBDA_*``):
  which parameter or ``self`` attribute is the request, which parameters are
  client data;
- response sinks, redirects and content-type headers (merged into
  ``models/web`` and ``models/sinks``).

Every row is checked against the framework's own request class (aiohttp
``web_request.BaseRequest``, Tornado ``web.RequestHandler`` and
``httputil.HTTPServerRequest``, Pyramid/WebOb ``Request``, Sanic
``request.Request``, Falcon ``Request``, Bottle ``BaseRequest``).
"""
from __future__ import annotations

import re

# -- request types -------------------------------------------------------------
HTTP_SERVER = "http.server.BaseHTTPRequestHandler"
TORNADO_HANDLER = "tornado.web.RequestHandler"
TORNADO_REQUEST = "tornado.httputil.HTTPServerRequest"
AIOHTTP_REQUEST = "aiohttp.web.Request"
PYRAMID_REQUEST = "pyramid.request.Request"
SANIC_REQUEST = "sanic.request.Request"
FALCON_REQUEST = "falcon.Request"
FALCON_RESPONSE = "falcon.Response"
BOTTLE_REQUEST = "bottle.request"
FLASK_REQUEST = "werkzeug.wrappers.Request"
STARLETTE_REQUEST = "starlette.requests.Request"

#: request type name -> (attributes, methods), as ``models/web.REQUEST_TYPES``
REQUEST_TYPES = {
    # a BaseHTTPRequestHandler subclass's ``self``: the raw request target
    # (path and query, not normalised: "//evil.example" is a possible value),
    # the headers, the body stream
    HTTP_SERVER: ({"path": "str", "headers": "map", "rfile": "str", "requestline": "str",
                   "raw_requestline": "str"}, {}),
    # a tornado.web.RequestHandler's ``self``
    TORNADO_HANDLER: ({"path_args": "list", "path_kwargs": "map"},
                      {"get_argument": "str", "get_arguments": "list",
                       "get_query_argument": "str", "get_query_arguments": "list",
                       "get_body_argument": "str", "get_body_arguments": "list",
                       "get_cookie": "str", "get_secure_cookie": "str",
                       "get_signed_cookie": "str", "decode_argument": "str"}),
    TORNADO_REQUEST: ({"body": "str", "arguments": "map", "query_arguments": "map",
                       "body_arguments": "map", "headers": "map", "cookies": "map",
                       "files": "files", "query": "str", "uri": "str", "path": "url",
                       "host": "url"}, {"full_url": "url"}),
    AIOHTTP_REQUEST: ({"query": "map", "rel_url": "obj", "match_info": "map",
                       "headers": "map", "cookies": "map", "content": "str",
                       "query_string": "str", "raw_path": "str", "path_qs": "str",
                       "path": "url", "url": "url", "host": "url"},
                      {"post": "map", "json": "obj", "text": "str", "read": "str",
                       "multipart": "obj"}),
    PYRAMID_REQUEST: ({"params": "map", "GET": "map", "POST": "map", "matchdict": "map",
                       "json_body": "obj", "json": "obj", "body": "str", "text": "str",
                       "headers": "map", "cookies": "map", "body_file": "str",
                       "query_string": "str", "referrer": "str", "referer": "str",
                       "user_agent": "str", "subpath": "list", "path": "url",
                       "path_qs": "url", "url": "url", "host": "url"}, {}),
    SANIC_REQUEST: ({"args": "map", "query_args": "list", "form": "map", "json": "obj",
                     "body": "str", "files": "files", "cookies": "map", "headers": "map",
                     "match_info": "map", "query_string": "str", "path": "url",
                     "url": "url", "host": "url"},
                    {"get_args": "map", "get_query_args": "list", "get_form": "map"}),
    FALCON_REQUEST: ({"params": "map", "media": "obj", "headers": "map", "cookies": "map",
                      "stream": "str", "bounded_stream": "str", "query_string": "str",
                      "referer": "str", "user_agent": "str", "path": "url", "url": "url",
                      "relative_uri": "url", "host": "url"},
                     {"get_param": "str", "get_param_as_list": "list", "get_header": "str",
                      "get_media": "obj", "get_cookie_values": "list"}),
    BOTTLE_REQUEST: ({"query": "map", "forms": "map", "params": "map", "GET": "map",
                      "POST": "map", "json": "obj", "files": "files", "cookies": "map",
                      "headers": "map", "body": "str", "query_string": "str",
                      "path": "url", "fullpath": "url", "url": "url"},
                     {"get_cookie": "str", "get_header": "str"}),
}

#: annotations of a parameter that make it a request object
REQUEST_ANNOTATIONS = {
    "aiohttp.web.Request": AIOHTTP_REQUEST, "aiohttp.web.BaseRequest": AIOHTTP_REQUEST,
    "aiohttp.web_request.Request": AIOHTTP_REQUEST,
    "aiohttp.web_request.BaseRequest": AIOHTTP_REQUEST,
    "sanic.Request": SANIC_REQUEST, "sanic.request.Request": SANIC_REQUEST,
    "falcon.Request": FALCON_REQUEST, "falcon.asgi.Request": FALCON_REQUEST,
    "falcon.request.Request": FALCON_REQUEST,
    "pyramid.request.Request": PYRAMID_REQUEST,
    "tornado.httputil.HTTPServerRequest": TORNADO_REQUEST,
    "litestar.Request": STARLETTE_REQUEST, "litestar.connection.Request": STARLETTE_REQUEST,
    "quart.Request": FLASK_REQUEST,
}

#: names that are the same object under another import path
ALIASES = {
    "bottle.BaseRequest": BOTTLE_REQUEST,
    "aiohttp.web_response.Response": "aiohttp.web.Response",
    "aiohttp.web_exceptions.HTTPFound": "aiohttp.web.HTTPFound",
    "pyramid.httpexceptions.HTTPFound": "pyramid.httpexceptions.HTTPFound",
    "sanic.html": "sanic.response.html",
    "sanic.redirect": "sanic.response.redirect",
    "BaseHTTPServer.BaseHTTPRequestHandler": HTTP_SERVER,
    "sanic.views.HTTPMethodView": "sanic.views.HTTPMethodView",
    "sanic.HTTPMethodView": "sanic.views.HTTPMethodView",
    "aiohttp_session.EncryptedCookieStorage": "aiohttp_session.cookie_storage.EncryptedCookieStorage",
    "aiohttp_session.SimpleCookieStorage": "aiohttp_session.cookie_storage.SimpleCookieStorage",
    "pyramid.session.SignedCookieSessionFactory": "pyramid.session.SignedCookieSessionFactory",
}

# -- handlers: how the analysis recognises them (analysis/handlers.py) -----------
#: class bases whose methods handle requests: qualified base ->
#: (framework, type of ``self``, ``self`` attributes that are request objects,
#: handler methods whose parameters after ``self`` are URL arguments)
_TORNADO_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
HANDLER_BASES = {
    HTTP_SERVER: ("http.server", HTTP_SERVER, {}, frozenset()),
    "http.server.SimpleHTTPRequestHandler": ("http.server", HTTP_SERVER, {}, frozenset()),
    "http.server.CGIHTTPRequestHandler": ("http.server", HTTP_SERVER, {}, frozenset()),
    TORNADO_HANDLER: ("tornado", TORNADO_HANDLER, {"request": TORNADO_REQUEST},
                      _TORNADO_METHODS),
    "tornado.websocket.WebSocketHandler": ("tornado", TORNADO_HANDLER,
                                           {"request": TORNADO_REQUEST}, _TORNADO_METHODS),
    "aiohttp.web.View": ("aiohttp", None, {"request": AIOHTTP_REQUEST}, frozenset()),
    # Sanic's class-based views: handler(self, request, **url_args)
    "sanic.views.HTTPMethodView": ("sanic", None, {}, _TORNADO_METHODS),
}
#: handler classes whose URL-method handlers take the request after ``self``
#: (the URL arguments follow it): base -> request type
HANDLER_REQUEST_PARAM = {"sanic.views.HTTPMethodView": SANIC_REQUEST}
#: methods of handler classes whose parameters after ``self`` are messages
#: from the client (a websocket's ``on_message``)
MESSAGE_METHODS = frozenset({"on_message"})

#: decorators that make a function a handler whose first request-named
#: parameter is the framework's request: qualified decorator -> (framework,
#: request type)
HANDLER_DECORATORS = {
    "pyramid.view.view_config": ("pyramid", PYRAMID_REQUEST),
    # Google Cloud Functions run on Flask: a returned str is text/html
    "functions_framework.http": ("flask", FLASK_REQUEST),
}
#: URL parameters in the paths of ROUTE_MODULES' route decorators (their
#: handlers are routes for the access rules: SCG401, SCG904): framework ->
#: pattern (group 1 the name, group 2 the converter if any)
ROUTE_PATH_PARAMS = {
    "sanic": re.compile(r"<(\w+)(?::(\w+))?>"),         # <item_id:int>
    "aiohttp": re.compile(r"\{(\w+)(?::[^{}]*)?\}()"),   # {item_id:\d+}
}
#: frameworks whose route decorators (``@app.get("/x")``, ``@routes.post(...)``,
#: ``@bp.route(...)``) look like Flask's, recognised by the module's imports:
#: top-level module -> (framework, request type, route decorator methods)
ROUTE_MODULES = {
    "sanic": ("sanic", SANIC_REQUEST, frozenset({"route", "get", "post", "put", "patch",
                                                 "delete", "head", "options"})),
    "aiohttp": ("aiohttp", AIOHTTP_REQUEST, frozenset({"get", "post", "put", "patch",
                                                      "delete", "head", "route", "view"})),
}
#: modules whose import means the module's request-taking functions belong to
#: that framework, not to the ones of ROUTE_MODULES
OTHER_FRAMEWORK_MODULES = frozenset({"flask", "fastapi", "starlette", "django",
                                     "rest_framework", "quart", "litestar"})
#: route decorators used bare (``@get("/items/{item_id}")``): qualified name ->
#: the framework whose parameter rules they follow (Litestar binds query and
#: path parameters by name like FastAPI; Bottle's ``<name>`` are Flask's)
BARE_ROUTE_DECORATORS = {
    **{f"litestar.{m}": "fastapi" for m in ("get", "post", "put", "patch", "delete", "route")},
    **{f"litestar.handlers.{m}": "fastapi" for m in ("get", "post", "put", "patch", "delete")},
    **{f"bottle.{m}": "flask" for m in ("route", "get", "post", "put", "delete")},
}
#: route decorators whose ``media_type=`` keyword types the handler's return
#: (a returned str is HTML under ``media_type=MediaType.HTML``)
MEDIA_TYPE_ROUTE_DECORATORS = frozenset(
    d for d in BARE_ROUTE_DECORATORS if d.startswith("litestar."))
#: Sanic's path converters whose values carry no injectable text
#: (``<item_id:int>``)
SANIC_NUMERIC_PARAM = re.compile(r"<(\w+):(?:int|float|number|uuid|ymd)>")
#: aiohttp handlers registered with ``app.router.add_get(path, handler)``: an
#: ``async def`` whose only parameter is ``request`` in a module importing aiohttp
AIOHTTP_PLAIN_HANDLERS = ("aiohttp", AIOHTTP_REQUEST)
#: Falcon resources: ``on_<method>(self, req, resp, **url_args)``
FALCON_RESPONDER_PREFIX = "on_"
FALCON_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})

# -- GraphQL resolvers: their arguments (not ``info``) are client data ------------
#: Graphene and Ariadne call a resolver with ``(root, info, **arguments)``:
#: the arguments start at this position
RESOLVER_ARGS_AT = 2
#: Strawberry: parameters it binds by name (not GraphQL arguments)
STRAWBERRY_RESERVED = frozenset({"self", "cls", "root", "info"})
#: Graphene: class bases -> the methods that are resolvers (a prefix ends with "_")
RESOLVER_BASES = {
    "graphene.ObjectType": "resolve_", "graphene.types.ObjectType": "resolve_",
    "graphene_django.DjangoObjectType": "resolve_",
    "graphene_django.types.DjangoObjectType": "resolve_",
    "graphene_sqlalchemy.SQLAlchemyObjectType": "resolve_",
    "graphene_mongo.MongoengineObjectType": "resolve_",
    "graphene.Mutation": "mutate", "graphene.relay.ClientIDMutation": "mutate_and_get_payload",
}
#: Strawberry: decorators that make a function a resolver
RESOLVER_DECORATORS = frozenset({
    "strawberry.field", "strawberry.mutation", "strawberry.subscription",
    "strawberry_django.field", "strawberry_django.mutation",
})
#: Ariadne: ``@query.field("name")`` on bindables of a module importing ariadne
RESOLVER_MODULE = "ariadne"
RESOLVER_BINDABLE_METHODS = frozenset({"field", "source"})

# -- serverless --------------------------------------------------------------------
#: AWS Lambda: a module-level ``def <name>(event, context)``, called with two
#: positional arguments: the first is the request (API Gateway: query, body,
#: headers)
LAMBDA_HANDLER_NAMES = frozenset({"lambda_handler", "handler", "main_handler"})
#: modules whose ``handler(signum, frame)`` is a signal handler, not a Lambda's
NOT_LAMBDA_MODULES = frozenset({"signal"})

# -- responses -----------------------------------------------------------------
#: response constructors whose body is served as text/html by default (as
#: ``models/web.HTML_RESPONSES``)
HTML_RESPONSES = {
    "sanic.response.html": (0, "body", (), ()),
    "pyramid.response.Response": (0, "body", (4,), ("content_type",)),
}
#: responses that are HTML only when their content type says so
MEDIA_TYPE_RESPONSES = {
    "aiohttp.web.Response": (None, "text", (), ("content_type",)),
    # Response(content, *, status_code=200, media_type=MediaType.JSON, ...)
    **{f"litestar.{m}": (0, "content", (), ("media_type",)) for m in (
        "Response", "response.Response", "response.base.Response")},
}
#: library constants that name the HTML media type (read where a content
#: type is compared with "html")
HTML_MEDIA_TYPES = frozenset({
    "falcon.MEDIA_HTML", "falcon.constants.MEDIA_HTML",
    "litestar.MediaType.HTML", "litestar.enums.MediaType.HTML",
})
#: response objects whose body is an attribute assignment, typed by another
#: attribute of the same object in the same handler: response type -> (body
#: attributes, content-type attribute, HTML when the handler sets none).
#: Falcon serves JSON unless ``resp.content_type`` says otherwise.
ATTRIBUTE_TYPED_RESPONSES = {
    FALCON_RESPONSE: (frozenset({"text", "body"}), "content_type", False),
}
#: header setters that set the same content type (``resp.set_header(
#: "Content-Type", ...)``): call -> response type of ATTRIBUTE_TYPED_RESPONSES
ATTRIBUTE_TYPE_HEADER_CALLS = {f"{FALCON_RESPONSE}.set_header": FALCON_RESPONSE}
#: writes whose content type is set by a header call of the same handler:
#: write call -> (header call, HTML when no Content-Type header is set)
HEADER_TYPED_RESPONSES = {
    # http.server sends no Content-Type unless the handler does
    f"{HTTP_SERVER}.wfile.write": (f"{HTTP_SERVER}.send_header", False),
    # Tornado serves a str as text/html unless set_header says otherwise
    f"{TORNADO_HANDLER}.write": (f"{TORNADO_HANDLER}.set_header", True),
    f"{TORNADO_HANDLER}.finish": (f"{TORNADO_HANDLER}.set_header", True),
}
#: response constructors: what goes in reaches the client (SCG801)
RESPONSE_CALLS = frozenset({
    "aiohttp.web.Response", "aiohttp.web.json_response", "sanic.response.html",
    "sanic.response.text", "sanic.response.json", "pyramid.response.Response",
})

# -- redirects (SCG403) -----------------------------------------------------------
REDIRECT_CALLS = {
    f"{TORNADO_HANDLER}.redirect": (0, "url"),
    **{f"aiohttp.web.{c}": (0, "location") for c in (
        "HTTPFound", "HTTPSeeOther", "HTTPMovedPermanently", "HTTPTemporaryRedirect",
        "HTTPPermanentRedirect")},
    **{f"pyramid.httpexceptions.{c}": (0, "location") for c in (
        "HTTPFound", "HTTPSeeOther", "HTTPMovedPermanently", "HTTPTemporaryRedirect")},
    "sanic.response.redirect": (0, "to"),
    **{f"falcon.{c}": (0, "location") for c in (
        "HTTPFound", "HTTPSeeOther", "HTTPMovedPermanently", "HTTPTemporaryRedirect",
        "HTTPPermanentRedirect")},
    "bottle.redirect": (0, "url"),
    "litestar.response.Redirect": (0, "path"),
}
#: header setters: a ``Location`` header is a redirect: call -> (name position,
#: value position)
HEADER_REDIRECTS = {
    f"{HTTP_SERVER}.send_header": (0, 1),
    f"{TORNADO_HANDLER}.set_header": (0, 1),
}
LOCATION_HEADER = "location"
CONTENT_TYPE_HEADER = "content-type"

# -- templates (SCG104) ----------------------------------------------------------------
#: templates compiled from a string (as ``models/sinks.TEMPLATE_CALLS``, which
#: has Mako's and Tornado's)
TEMPLATE_CALLS = {
    "chameleon.PageTemplate": (0, "body"),
    "chameleon.zpt.template.PageTemplate": (0, "body"),
    # Template(template_name=None, *, template_str=None, context=...): a
    # template_name is a file of the template directory, template_str source
    "litestar.response.Template": (None, "template_str"),
    "litestar.response.template.Template": (None, "template_str"),
}

# -- cookies (SCG cookie flags) -------------------------------------------------------
#: ``set_cookie`` methods whose flags have other keyword names or secure
#: defaults: call -> {flag: (keyword, on by default)}
COOKIE_SETTERS = {
    "falcon.Response.set_cookie": {"secure": ("secure", True), "httponly": ("http_only", True)},
}
COOKIE_FLAGS = {"secure": ("secure", False), "httponly": ("httponly", False)}
#: session and authentication cookie factories: their cookie is a session's,
#: whatever its name: call -> {flag: (keyword, on by default)}
COOKIE_POLICIES = {
    "pyramid.authentication.AuthTktAuthenticationPolicy": {
        "secure": ("secure", False), "httponly": ("http_only", False)},
    "pyramid.authentication.AuthTktCookieHelper": {
        "secure": ("secure", False), "httponly": ("http_only", False)},
    "pyramid.session.SignedCookieSessionFactory": {
        "secure": ("secure", False), "httponly": ("httponly", False)},
    "aiohttp_session.cookie_storage.EncryptedCookieStorage": {
        "secure": ("secure", False), "httponly": ("httponly", True)},
    "aiohttp_session.cookie_storage.SimpleCookieStorage": {
        "secure": ("secure", False), "httponly": ("httponly", True)},
}

# -- settings ----------------------------------------------------------------------
#: application constructors whose instance's methods are modelled (merged
#: into ``models/types.RETURN_TYPES``): call -> type
APP_TYPES = {"sanic.Sanic": "sanic.Sanic"}
#: application constructors whose keyword turns debug mode on (SCG703, as
#: ``models/config.DEBUG_CALLS``)
DEBUG_CALLS = {
    "tornado.web.Application": "debug",
    "litestar.Litestar": "debug",
    # Sanic's debug mode serves tracebacks in its error pages (Flask's
    # app.run(debug=True) is Bandit B201's; Bandit has no Sanic test)
    "sanic.Sanic.run": "debug",
}

# -- README: the frameworks table (tools/gen_docs.py) -----------------------------
#: framework -> (how its handlers are recognised, its request types (their
#: attributes and methods are the sources), the prefixes of its rows in the
#: response and redirect tables)
FRAMEWORKS = {
    "Flask, Quart": ("`@app.route` views; `MethodView` handlers",
                     ("flask.request",), ("flask.", "werkzeug.", "quart.")),
    "Django, DRF": ("function views (decorators, views modules, `urlpatterns`), "
                    "class-based views", ("django.http.HttpRequest",),
                    ("django.", "rest_framework.")),
    "FastAPI, Starlette": ("router decorators; `Request` and typed parameters",
                           ("starlette.requests.Request",), ("fastapi.", "starlette.")),
    "http.server": ("methods of `BaseHTTPRequestHandler` subclasses (`self`)",
                    (HTTP_SERVER,), ("http.server.",)),
    "Tornado": ("methods of `RequestHandler`/`WebSocketHandler` subclasses (`self`, "
                "`self.request`); URL arguments of `get`/`post`/...; `on_message`",
                (TORNADO_HANDLER, TORNADO_REQUEST), ("tornado.",)),
    "aiohttp": ("`request: web.Request`; `@routes.get(...)` handlers and "
                "`async def handler(request)` in a module importing aiohttp; `web.View`; "
                "decorated handlers are routes for SCG401/SCG904",
                (AIOHTTP_REQUEST,), ("aiohttp.", "aiohttp_session.")),
    "Pyramid": ("`@view_config` views (`request`, `self.request`); `request: Request`",
                (PYRAMID_REQUEST,), ("pyramid.", "chameleon.")),
    "Sanic": ("route decorators in a module importing sanic (URL arguments but "
              "`<id:int>`; routes for SCG401/SCG904); `HTTPMethodView` handlers; "
              "`request: Request`",
              (SANIC_REQUEST,), ("sanic.",)),
    "Falcon": ("`on_<method>(self, req, resp, ...)` responders in a module importing "
               "falcon", (FALCON_REQUEST,), ("falcon.",)),
    "Bottle": ("`bottle.request` anywhere; `@app.route`/`@route` handlers (their URL "
               "arguments; a returned str is HTML)", (BOTTLE_REQUEST,), ("bottle.",)),
    "Litestar": ("`@get`/`@post`/... handlers (path and query parameters as FastAPI's); "
                 "`request: Request`", (STARLETTE_REQUEST,), ("litestar.",)),
    "GraphQL: Graphene, Strawberry, Ariadne": (
        "resolvers (`resolve_*`/`mutate` of `ObjectType`/`Mutation` subclasses, "
        "`@strawberry.field`/`mutation`, `@query.field(...)`): the arguments "
        "(not `info`, not numbers)", (), ()),
    "AWS Lambda": ("module-level `lambda_handler`/`handler`/... `(event, context)`: "
                   "`event`", (), ()),
    "Google Cloud Functions": ("`@functions_framework.http` functions: a Flask request; "
                               "a returned str is HTML (as Flask's)", (FLASK_REQUEST,), ()),
}
