"""Framework facts the analysis reads: label sources, barriers (guards),
settings modules, data models, class-based views and URL configuration.

Sources of untrusted data are in ``models/web.py``, sanitizers in
``models/sanitizers.py``; this module holds the rest of what a framework
means to the interpreter, as rows.
"""
from __future__ import annotations

# -- label sources: calls and attributes whose value carries a label ---------
#: the ``random`` module (not a CSPRNG): label "random"
RANDOM_CALLS = frozenset(f"random.{f}" for f in (
    "random", "randint", "randrange", "choice", "choices", "sample", "getrandbits",
    "uniform", "randbytes", "shuffle", "triangular", "gauss"))
#: password hashing libraries: ``<library>...<method>`` gives label "hashed"
PASSWORD_HASH_LIBRARIES = ("passlib", "argon2", "flask_bcrypt")
PASSWORD_HASH_METHODS = (".hash", ".encrypt")
#: the authenticated user: label "principal"
PRINCIPAL_ATTRS = frozenset({"flask.g.user"})
PRINCIPAL_ATTR_SUFFIXES = (".current_user",)

# -- parameters -------------------------------------------------------------
#: the request type of a view's ``request`` parameter, by framework
DEFAULT_REQUEST_TYPE = {"fastapi": "starlette.requests.Request"}
DJANGO_REQUEST_TYPE = "django.http.HttpRequest"
#: class bases of pydantic-style data models (their fields have shapes)
MODEL_BASES = frozenset({"BaseModel", "Schema", "SQLModel", "TypedDict"})
#: class-based views (Django, DRF): ``self.request``, ``self.kwargs``
CBV_SUFFIXES = ("View", "ViewSet", "Mixin", "APIView")
CBV_REQUEST_ATTR = "self.request"
CBV_KWARGS_ATTR = "self.kwargs"

# -- WSGI --------------------------------------------------------------------
#: ``request.META`` / ``environ`` keys set by the client (besides ``HTTP_*``)
CLIENT_META_KEYS = frozenset({"QUERY_STRING", "PATH_INFO", "CONTENT_TYPE",
                              "REQUEST_URI", "RAW_URI", "SCRIPT_NAME"})
CLIENT_META_PREFIX = "HTTP_"
SERVER_META_SOURCES = ("META", "environ")

# -- control flow -----------------------------------------------------------
#: calls that never return (``abort(403)``, ``sys.exit()``), by last name
TERMINATING_CALLS = frozenset({"abort", "redirect", "exit", "_exit", "fail"})

# -- barriers (guards): checks after which a value is safe on one path -------
#: ``url.startswith("/")``, ``path.is_relative_to(base)``: safe for "path"
PATH_CHECK_METHODS = frozenset({"startswith", "is_relative_to"})
#: ``if urlparse(url).netloc: ...``: past it, the URL is site-relative
URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit"})
NETLOC_ATTR = "netloc"
#: kinds for which checking one part of a value (the host of a URL against an
#: allow-list) vouches for the whole value wherever it flows
CHECKED_KINDS = frozenset({"redirect", "ssrf"})
#: the quote characters of SQL literals and identifiers: a value tested to
#: hold none of them cannot leave a quoted context
SQL_QUOTES = frozenset({'"', "'"})
#: kinds for which a value found in a collection the server built (not
#: untrusted, not a text: ``name in os.listdir(base)``, ``col in COLUMNS``)
#: holds one of the server's own values on that path
MEMBERSHIP_CHECKED_KINDS = CHECKED_KINDS | {"path", "sql"}

# -- modules ----------------------------------------------------------------
#: top-level names a Django settings module defines (two make a settings file)
SETTINGS_MARKERS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "DATABASES",
                              "WSGI_APPLICATION", "ASGI_APPLICATION",
                              "AUTH_PASSWORD_VALIDATORS", "STATIC_URL", "TEMPLATES",
                              "SECRET_KEY", "ALLOWED_HOSTS"})
#: folders whose modules are settings modules (``settings/ci.py``)
SETTINGS_FOLDERS = frozenset({"settings", "config", "conf", "configs", "configuration"})
#: settings modules, inside such a folder, for tests, CI and local development
#: (fixed keys, debug mode and fast hashers are normal there)
TEST_SETTINGS_MODULES = frozenset({"ci.py", "test.py", "tests.py", "testing.py",
                                   "dev.py", "development.py", "devel.py", "develop.py",
                                   "local_dev.py", "dev_local.py"})
#: file-name endings of test settings anywhere (``configuration_testing.py``,
#: ``settings_ci.py``)
TEST_SETTINGS_SUFFIXES = ("_testing.py", "_ci.py", "_test.py", "_tests.py", "_dev.py",
                          "_development.py")
#: modules a test runner collects (pytest's and unittest's default patterns,
#: Django's ``tests.py``, ``tests_views.py``): only secrets in a known token
#: format are looked for there, unless the option ``check-test-modules`` is on
TEST_MODULE_NAMES = frozenset({"conftest.py", "test.py", "tests.py"})
TEST_MODULE_PREFIXES = ("test_", "tests_")
TEST_MODULE_SUFFIXES = ("_test.py", "_tests.py")
#: Django URL configuration: ``urlpatterns = [path("x/", view), ...]``
URL_CONF_CALLS = frozenset({"path", "re_path", "url"})
URL_PATTERNS = "urlpatterns"


# -- routes and views (analysis/functions.py) ---------------------------------
#: Flask converters whose values carry no injectable text
NUMERIC_CONVERTERS = frozenset({"int", "float", "uuid"})
#: annotations a Django URL argument can have (what the built-in path
#: converters give: str, int, UUID); a parameter annotated with another type
#: (``user: User``) is a helper's argument, not a URL argument
URL_ARG_ANNOTATIONS = frozenset({"str", "int", "UUID", "Optional[str]", "Optional[int]",
                                 "Optional[UUID]", "Any"})
NUMERIC_ANNOTATIONS = frozenset({"int", "float", "bool", "uuid.UUID", "UUID",
                                 "decimal.Decimal", "datetime.date",
                                 "datetime.datetime", "PositiveInt",
                                 "pydantic.PositiveInt", "conint"})
#: Flask class-based views: their handler methods take URL arguments
FLASK_VIEW_BASES = frozenset({"MethodView", "View"})
FLASK_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                                "dispatch_request"})
#: decorators of error handlers (their parameter is the exception)
ERROR_HANDLER_DECORATORS = frozenset({"errorhandler", "app_errorhandler", "exception_handler",
                                      "register_error_handler"})
#: decorators that name the HTTP methods of a route (None: read from arguments)
METHOD_DECORATORS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH",
                     "delete": "DELETE", "require_POST": "POST", "require_GET": "GET",
                     "require_http_methods": None, "api_view": None, "route": None,
                     "api_route": None}
#: the first parameter of a Django view
VIEW_REQUEST_PARAMS = frozenset({"request", "req", "http_request"})
#: modules whose request-taking functions are views
VIEW_MODULE_PREFIXES = ("views", "api", "endpoints")
#: decorators that make a request-taking function a Django view
DJANGO_VIEW_DECORATORS = frozenset({
    "login_required", "permission_required", "require_http_methods", "require_GET",
    "require_POST", "require_safe", "csrf_exempt", "csrf_protect", "api_view", "cache_page",
    "never_cache", "user_passes_test", "staff_member_required", "action", "vary_on_headers",
    "condition", "etag", "last_modified", "xframe_options_exempt", "sensitive_post_parameters",
    "ensure_csrf_cookie", "gzip_page", "superuser_required", "transaction.atomic",
    "method_decorator", "throttle_classes", "permission_classes", "renderer_classes",
    "parser_classes", "ratelimit",
})
#: methods of a class-based view (Django, DRF) that handle a request
CBV_HANDLERS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                          "dispatch", "list", "retrieve", "create", "update",
                          "partial_update", "destroy", "form_valid", "get_object",
                          "get_queryset", "get_context_data", "perform_create",
                          "perform_update", "perform_destroy"})
#: calls whose result returned by a function makes it a Django view
DJANGO_RESPONSES = frozenset({"render", "render_to_response", "redirect", "HttpResponse",
                              "JsonResponse", "HttpResponseRedirect", "HttpResponseBadRequest",
                              "HttpResponseForbidden", "HttpResponseNotFound",
                              "StreamingHttpResponse", "FileResponse", "TemplateResponse",
                              "Response", "HttpResponsePermanentRedirect",
                              "get_object_or_404"})
