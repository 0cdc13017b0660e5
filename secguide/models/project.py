"""What a project's own code says about itself: the shapes that make a
decorator an access check, a class a permission base, a setter a password
hash, an app setup a global limiter.  Data only; read by
``secguide.project.facts``."""
from __future__ import annotations

#: calls that stop a request with 401/403 (or a framework's "unauthorized")
DENY_CALLS = frozenset({
    "abort", "flask.abort", "werkzeug.exceptions.abort", "quart.abort",
    "unauthorized", "login_manager.unauthorized", "redirect_to_login",
    "django.contrib.auth.views.redirect_to_login", "handle_no_permission",
    "permission_denied", "forbidden",
})
#: status codes that mean "not allowed"
DENY_STATUS = frozenset({401, 403})
#: exceptions whose raise denies access
DENY_EXCEPTIONS = frozenset({
    "PermissionDenied", "Forbidden", "Unauthorized", "NotAuthenticated",
    "AuthenticationFailed", "HTTPForbidden", "HTTPUnauthorized",
    "PermissionError", "AccessDenied", "NotAuthorized", "Unauthenticated",
})
#: exceptions that deny when built with a 401/403 status
STATUS_EXCEPTIONS = frozenset({"HTTPException", "HTTPError", "HTTPForbidden"})
#: endpoints and names that are the login page (a redirect there denies)
LOGIN_WORDS = ("login", "signin", "sign_in", "log_in", "auth.login")

#: decorators of the frameworks that enforce authentication/authorization
#: (a project decorator that applies one of them is an access check too)
FRAMEWORK_AUTH_DECORATORS = frozenset({
    "login_required", "permission_required", "user_passes_test",
    "staff_member_required", "superuser_required", "roles_required",
    "roles_accepted", "auth_required", "fresh_login_required",
    "jwt_required", "token_required", "admin_required",
})
#: framework decorators that check a permission or role (not only a log-in)
FRAMEWORK_PERMISSION_DECORATORS = frozenset({
    "permission_required", "user_passes_test", "staff_member_required",
    "superuser_required", "roles_required", "roles_accepted", "admin_required",
    "permissions_required", "permissions_accepted", "permission_classes",
})
#: calls that test a permission or role of the principal
ROLE_CALLS = frozenset({"has_perm", "has_perms", "has_permission", "has_role",
                        "has_roles", "has_object_permission"})
#: attributes of the principal that only say someone is logged in
AUTHN_ATTRS = frozenset({"is_authenticated", "is_anonymous", "is_active"})
#: attributes of the principal whose test is an identity/role check
PRINCIPAL_ATTRS = frozenset({
    "is_authenticated", "is_anonymous", "is_active", "is_staff",
    "is_superuser", "is_admin", "has_perm", "has_perms", "has_permission",
    "has_role", "role", "roles", "permissions", "can",
})
#: where the authenticated user is read from
PRINCIPAL_NAMES = frozenset({"current_user", "g.user", "request.user",
                             "self.request.user", "user"})

#: limiter constructors and the keyword that sets a limit for every route
LIMITER_CALLS = frozenset({"Limiter", "flask_limiter.Limiter", "slowapi.Limiter"})
LIMITER_GLOBAL_KEYWORDS = frozenset({"default_limits", "application_limits"})
#: ASGI middleware that limits every request (slowapi, asgi-ratelimit);
#: ``app.add_middleware(X)`` with one, or with a project factory that builds one
LIMIT_MIDDLEWARE = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware",
                              "RateLimitMiddleware"})
#: configuration keys that set a limit for every route
LIMITER_CONFIG_KEYS = frozenset({"RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"})
#: decorators (last name) that rate-limit one view
RATE_LIMIT_DECORATORS = frozenset({"limit", "ratelimit", "rate_limit", "throttle",
                                   "shared_limit", "limiter"})
#: CSRF extensions switched on for the whole app
CSRF_CALLS = frozenset({"CSRFProtect", "flask_wtf.csrf.CSRFProtect",
                        "flask_wtf.CSRFProtect", "SeaSurf"})

#: how a request proves who sent it without the session cookie
TOKEN_HEADERS = ("authorization", "x-api-key", "api-key", "apikey", "x-auth-token",
                 "x-hub-signature", "x-signature", "x-token", "token")
SIGNATURE_CALLS = frozenset({"hmac.compare_digest", "compare_digest",
                             "verify_signature", "check_signature", "jwt.decode",
                             "loads", "unsign"})

#: calls that hash a password (a setter or save() that calls one hashes)
PASSWORD_HASH_CALLS = frozenset({
    "generate_password_hash", "make_password", "hashpw", "hash", "encrypt",
    "set_password", "hash_password", "get_password_hash", "bcrypt.hashpw",
    "argon2.PasswordHasher.hash", "pbkdf2_hmac", "scrypt",
})

#: URL parsers (``urlparse(url).netloc``) a redirect guard tests
URL_PARSE_CALLS = frozenset({"urlparse", "urlsplit", "url_parse"})
#: methods that run on every write of a model's fields: one that hashes
#: the password hashes every stored value (SCG604)
PASSWORD_WRITE_HOOKS = frozenset({"save", "__init__", "__setattr__", "pre_save"})
#: decorators that run a method when the named field is set or validated
#: (SQLAlchemy ``@validates``, pydantic ``@field_validator``/``@validator``)
FIELD_HOOK_DECORATORS = frozenset({"validates", "field_validator", "validator",
                                   "before_validator"})

#: methods whose body scopes a class-based view's objects
QUERYSET_METHODS = frozenset({"get_queryset", "get_object", "restrict", "filter_queryset"})
#: view attributes that hold the objects a class-based view may load
QUERYSET_ATTRS = frozenset({"queryset", "object_list"})
#: methods that decide access for a class-based view
PERMISSION_METHODS = frozenset({"initial", "has_permission", "has_object_permission", "test_func",
                                "dispatch", "check_permissions", "get_permission_required",
                                "handle_no_permission"})
#: class attributes that declare access rules
PERMISSION_ATTRS = frozenset({"permission_required", "permission_classes",
                              "required_permission", "permission_required_list"})

#: calls that make an app or router whose ``dependencies=[...]`` apply to every
#: route it includes (FastAPI)
DEPENDENCY_CONTAINERS = frozenset({"FastAPI", "APIRouter"})
