"""Web frameworks: where untrusted input enters (Flask, Django, FastAPI/Starlette).

A *request object* is a value whose type name is a key of REQUEST_TYPES.
Reading one of its listed attributes (or calling one of its listed methods)
yields untrusted data of the given shape:
  "str"  a string          "map"  a mapping of strings (args, headers)
  "obj"  decoded JSON      "files" a mapping of uploaded files
  "url"  the URL (or part of it) the request was sent to: client-chosen
         text, but always this site's own address, so not an open-redirect
         source

The other frameworks' rows are in ``models/servers.py`` and merged here.
"""
from secguide.models import servers

FLASK_REQUEST_ATTRS = {
    "args": "map", "form": "map", "values": "map", "cookies": "map",
    "headers": "map", "view_args": "map", "files": "files", "json": "obj",
    "data": "str", "stream": "str", "query_string": "str", "path": "url",
    "full_path": "url", "url": "url", "base_url": "url", "host": "url",
    "host_url": "url", "url_root": "url", "referrer": "str", "user_agent": "str",
    "environ": "map", "authorization": "obj", "mimetype_params": "map",
}
FLASK_REQUEST_METHODS = {"get_json": "obj", "get_data": "str"}

DJANGO_REQUEST_ATTRS = {
    "GET": "map", "POST": "map", "COOKIES": "map", "META": "map",
    "FILES": "files", "body": "str", "headers": "map", "data": "obj",
    "query_params": "map", "path": "url", "path_info": "url",
}
DJANGO_REQUEST_METHODS = {"get_full_path": "url", "build_absolute_uri": "url",
                          "read": "str", "get_host": "url"}

STARLETTE_REQUEST_ATTRS = {
    "query_params": "map", "path_params": "map", "headers": "map",
    "cookies": "map", "url": "url", "base_url": "url",
}
STARLETTE_REQUEST_METHODS = {"json": "obj", "form": "map", "body": "str"}

#: request type name -> (attributes, methods)
REQUEST_TYPES = {
    "flask.request": (FLASK_REQUEST_ATTRS, FLASK_REQUEST_METHODS),
    "quart.request": (FLASK_REQUEST_ATTRS, FLASK_REQUEST_METHODS),
    "werkzeug.wrappers.Request": (FLASK_REQUEST_ATTRS, FLASK_REQUEST_METHODS),
    "django.http.HttpRequest": (DJANGO_REQUEST_ATTRS, DJANGO_REQUEST_METHODS),
    "starlette.requests.Request": (STARLETTE_REQUEST_ATTRS, STARLETTE_REQUEST_METHODS),
    **servers.REQUEST_TYPES,
}

#: annotations of a view parameter that make it a request object
REQUEST_ANNOTATIONS = {
    "django.http.HttpRequest": "django.http.HttpRequest",
    "django.http.request.HttpRequest": "django.http.HttpRequest",
    "rest_framework.request.Request": "django.http.HttpRequest",
    "starlette.requests.Request": "starlette.requests.Request",
    "fastapi.Request": "starlette.requests.Request",
    "fastapi.requests.Request": "starlette.requests.Request",
    "flask.Request": "werkzeug.wrappers.Request",
    **servers.REQUEST_ANNOTATIONS,
}

#: names that are the same object under another import path
ALIASES = {
    "flask.globals.request": "flask.request",
    "werkzeug.local.request": "flask.request",
    "quart.globals.request": "quart.request",
    "fastapi.Request": "starlette.requests.Request",
    "markupsafe.Markup": "markupsafe.Markup",
    "flask.Markup": "markupsafe.Markup",
    "jinja2.Markup": "markupsafe.Markup",
    "jinja2.utils.Markup": "markupsafe.Markup",
    "flask.escape": "markupsafe.escape",
    "jinja2.escape": "markupsafe.escape",
    "django.utils.safestring.SafeText": "django.utils.safestring.SafeString",
    **servers.ALIASES,
}

#: Flask-style route decorators: ``@<obj>.<method>("/path/<x>")``
FLASK_ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete"})
#: FastAPI/Starlette router decorators use ``{param}`` in the path
FASTAPI_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete",
                                   "api_route", "head", "options", "route",
                                   "websocket"})

#: Other sources, by qualified name of a call
CALL_SOURCES = {
    "builtins.input": "str",
}
ATTR_SOURCES = {
    "sys.argv": "list",
}
#: sources that the operator of the program controls, not a remote client:
#: the sink kinds they are not untrusted for (a script's command line names
#: the files it writes and the hosts it fetches; it still must not reach a
#: shell or SQL text unquoted)
OPERATOR_SOURCES = {
    "sys.argv": frozenset({"path", "ssrf"}),
}

#: method names that read from a peer: sockets, pipes, websockets
METHOD_SOURCES = {"recv": "str", "recvfrom": "obj", "recv_bytes": "str",
                  "recvmsg": "obj", "recv_json": "obj", "receive_text": "str",
                  "receive_json": "obj", "receive_bytes": "str"}
#: decoders whose result is a JSON-like structure (Mongo operator injection)
DECODERS = frozenset({"json.loads", "ujson.loads", "orjson.loads", "simplejson.loads",
                      "yaml.safe_load", "urllib.parse.parse_qs", "bson.json_util.loads"})

#: in-memory files: their content may be untrusted, but they are not paths
STREAMS = frozenset({"io.BytesIO", "io.StringIO", "io.BufferedReader", "io.TextIOWrapper",
                     "gzip.GzipFile"})

#: Untrusted data stays untrusted through these decoders (first argument)
PROPAGATORS = frozenset({
    "json.loads", "base64.b64decode", "base64.urlsafe_b64decode",
    "base64.standard_b64decode", "base64.b32decode", "base64.b16decode",
    "urllib.parse.unquote", "urllib.parse.unquote_plus",
    "urllib.parse.unquote_to_bytes", "urllib.parse.parse_qs",
    "urllib.parse.parse_qsl", "builtins.str", "builtins.bytes",
    "builtins.list", "builtins.tuple", "builtins.dict", "builtins.set",
    "builtins.sorted", "builtins.reversed", "builtins.next", "builtins.iter",
    "builtins.repr", "builtins.format", "codecs.decode", "binascii.unhexlify",
    "binascii.a2b_base64", "copy.copy", "copy.deepcopy",
    "typing.cast", "urllib.parse.urlparse", "urllib.parse.urlsplit",
    "ujson.loads", "orjson.loads", "simplejson.loads", "yaml.safe_load",
    "bson.json_util.loads", "html.unescape", "shlex.split", "os.fsdecode", "os.fsencode",
    "builtins.hex", "builtins.oct", "builtins.bin", "builtins.chr",
    "io.BytesIO", "io.StringIO", "io.BufferedReader", "io.TextIOWrapper", "builtins.bytearray",
    "builtins.memoryview", "gzip.decompress", "zlib.decompress", "lzma.decompress",
    "bz2.decompress", "gzip.GzipFile", "codecs.encode", "base64.b64encode",
})

#: Flask/Django/FastAPI helpers whose results are not HTML responses
#: (they escape or serialise)
SAFE_RESPONSE_CALLS = frozenset({
    "flask.render_template", "flask.jsonify", "flask.json.jsonify",
    "flask.render_template_string",  # SCG104's business
    "django.shortcuts.render", "django.http.JsonResponse",
    "django.template.loader.render_to_string",
    "starlette.templating.Jinja2Templates.TemplateResponse",
})

#: response constructors whose body is served as text/html by default:
#: qualified name -> (body position, body keyword, content type positions and
#: keywords)
HTML_RESPONSES = {
    "flask.make_response": (0, None, (), ()),
    "flask.Response": (0, "response", (3, 4), ("mimetype", "content_type")),
    "flask.wrappers.Response": (0, "response", (3, 4), ("mimetype", "content_type")),
    "werkzeug.wrappers.Response": (0, "response", (3, 4), ("mimetype", "content_type")),
    "werkzeug.Response": (0, "response", (3, 4), ("mimetype", "content_type")),
    "django.http.HttpResponse": (0, "content", (1,), ("content_type",)),
    "django.http.response.HttpResponse": (0, "content", (1,), ("content_type",)),
    "starlette.responses.HTMLResponse": (0, "content", (), ()),
    "fastapi.responses.HTMLResponse": (0, "content", (), ()),
    **servers.HTML_RESPONSES,
}
#: responses that are HTML only when their media type says so
MEDIA_TYPE_RESPONSES = {
    "starlette.responses.Response": (0, "content", (3,), ("media_type",)),
    "fastapi.responses.Response": (0, "content", (3,), ("media_type",)),
    "fastapi.Response": (0, "content", (3,), ("media_type",)),
    **servers.MEDIA_TYPE_RESPONSES,
}
#: calls that mark a string as safe HTML (SCG202)
MARKUP_CALLS = frozenset({
    "markupsafe.Markup", "django.utils.safestring.mark_safe",
    "django.utils.safestring.SafeString",
})

#: calls that return the text of the exception being handled (SCG801)
EXCEPTION_TEXT = frozenset({
    "traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
    "traceback.format_exception_only", "traceback.format_stack", "sys.exc_info",
})
#: template renderers: the context reaches the rendered page.  Templates
#: escape, so they are SAFE_RESPONSE_CALLS for XSS, but exception text in the
#: context is still shown to the client (SCG801)
TEMPLATE_RESPONSES = frozenset({
    "flask.render_template", "django.shortcuts.render", "django.shortcuts.render_to_response",
    "django.template.loader.render_to_string", "django.template.response.TemplateResponse",
    # templates = Jinja2Templates(directory=...); templates.TemplateResponse(...)
    "starlette.templating.Jinja2Templates.TemplateResponse",
})
#: response constructors: what goes in reaches the client (SCG801)
RESPONSE_CALLS = frozenset({
    "flask.jsonify", "flask.json.jsonify", "flask.make_response", "flask.Response",
    "werkzeug.wrappers.Response", "django.http.HttpResponse", "django.http.JsonResponse",
    "django.http.HttpResponseBadRequest", "django.http.HttpResponseServerError",
    "starlette.responses.JSONResponse", "fastapi.responses.JSONResponse",
    "starlette.responses.PlainTextResponse", "fastapi.responses.PlainTextResponse",
    "starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse",
    "starlette.responses.Response", "fastapi.responses.Response", "fastapi.Response",
    "rest_framework.response.Response",
}) | servers.RESPONSE_CALLS | TEMPLATE_RESPONSES
