"""Access control: the framework names the IDOR rule (SCG401) and the mass
assignment rule (SCG404) match.  Names that say *who* a value belongs to
(``current_user``, ``owner=``) are in ``vocab``; the ORM lookups are in
``models.db``."""
import re

# -- signs that a view checks access (SCG401) ---------------------------------
#: exceptions whose ``raise`` denies access
FORBIDDEN_EXCEPTIONS = re.compile(
    r"(?i)^(PermissionDenied|Forbidden|HTTPForbidden|Unauthorized|"
    r"NotAuthorized|AccessDenied|AuthorizationError|"
    r"PermissionError|NotAllowed|AuthError|InsufficientPermissions?)$")
#: calls that deny access when given a 401/403 status
DENY_CALLS = frozenset({"abort", "HTTPException", "HttpResponseForbidden"})
#: a call that always denies access
FORBIDDEN_RESPONSE = "HttpResponseForbidden"
#: keyword arguments that carry the status of a ``DENY_CALLS`` call
STATUS_KEYWORDS = frozenset({"status_code", "code", "status"})
#: statuses that deny access, as numbers and as parts of constant names
#: (``status.HTTP_403_FORBIDDEN``)
DENY_STATUSES = frozenset({401, 403})
DENY_STATUS_NAMES = ("403", "FORBIDDEN", "UNAUTHORIZED", "401")
#: base classes of class-based views that enforce permissions (last names)
PERMISSION_VIEW_BASES = re.compile(
    r"(?i)(PermissionRequired|UserPassesTest|Permission|Owner|AccessMixin|Authoriz)")
#: class attributes of a view that configure permissions
PERMISSION_ATTRIBUTES = frozenset({"permission_classes", "permission_required",
                                   "authentication_and_permission", "policy_class",
                                   "test_func"})
#: FastAPI dependency markers: ``Security(...)`` always checks scopes
DEPENDENCY_CALLS = frozenset({"Depends", "Security"})
SECURITY_DEPENDENCY = "Security"
#: the keyword of a route decorator that lists dependencies
DEPENDENCIES_KEYWORD = "dependencies"
#: attributes of request-scoped holders (``g.user_id``) that are the principal
PRINCIPAL_ATTRIBUTES = frozenset({"current_user", "user_id"})
PRINCIPAL_HOLDERS = frozenset({"g", "session", "request"})
#: the attribute path that ends in the authenticated user (``self.request.user``)
REQUEST_USER_SUFFIX = ".request.user"
#: the session mappings (reading one is a sign of a per-user view)
SESSION_MAPPINGS = frozenset({"session", "request.session", "self.request.session"})
FLASK_SESSION = "flask.session"

#: modules whose permission-named decorators and view bases are the
#: frameworks' own access checks (known behaviour, not a guess from a name)
AUTH_FRAMEWORK_MODULES = ("django.", "rest_framework.", "flask_security", "flask_principal",
                          "flask_user", "guardian.", "flask_praetorian", "rules.",
                          "flask_appbuilder", "fastapi_users")
#: modules whose view base classes choose no objects for the view (a
#: ``self.queryset`` lookup in a class built only on these is the view's own)
VIEW_FRAMEWORK_MODULES = ("django.", "rest_framework.", "flask", "starlette.", "fastapi.",
                          "builtins.", "object")
#: decorator names that suggest a role check (``admins_only``,
#: ``staff_required``) besides ``vocab.PERMISSION_DECORATORS``: a name alone
#: only lowers a finding to LOW confidence, it never removes it
ROLE_DECORATOR_NAMES = re.compile(
    r"(?i)^(\w*admins?\w*_(only|required)|(staff|superusers?|moderators?)s?_(only|required))$")
#: the attributes and methods through which a class-based view's hierarchy
#: chooses its objects (``get_object_or_404(self.queryset, pk=pk)``)
CLASS_QUERYSETS = frozenset({"self.queryset", "self.get_queryset", "self.model.objects",
                             "self.object_list"})

# -- lookups by a client-chosen id (SCG401) --------------------------------------
#: a filter keyword fixed to this constant restricts the lookup to public
#: records: the predicate scopes it, not the owner
VISIBILITY_FILTERS = {
    "hidden": False, "is_hidden": False, "banned": False, "is_banned": False,
    "public": True, "is_public": True, "published": True, "is_published": True,
    "visible": True, "is_visible": True, "is_private": False, "private": False,
    "draft": False, "is_draft": False,
}
#: conversions an id goes through on its way to a lookup (``int(post_id)``)
ID_CONVERSIONS = frozenset({"int", "str", "UUID"})
#: Django shortcuts: ``get_object_or_404(Model, pk=...)``
SHORTCUT_LOOKUPS = frozenset({"get_object_or_404", "get_list_or_404"})

# -- mass assignment (SCG404) ---------------------------------------------------
#: manager and query methods that create or change records from keywords
CREATE_METHODS = frozenset({"create", "update", "get_or_create", "update_or_create",
                            "bulk_create", "insert", "create_user", "create_superuser"})
