"""The records of project facts: plain data (JSON-ready) that one module
states about its functions, classes and app setup (``secguide.project.facts``
computes them), with the small name helpers the scanners share."""
from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field


@dataclass
class FunctionFacts:
    name: str
    line: int
    #: takes a function and returns an inner function (``def wrap(f): ...``)
    is_decorator: bool = False
    #: its body (or its inner wrapper's) stops the request: abort(401/403),
    #: raise PermissionDenied, a redirect to the login page, a 401/403 return
    denies: bool = False
    #: it tests the principal (current_user.is_authenticated, .role, has_perm)
    checks_principal: bool = False
    #: it applies a framework access decorator or calls one (delegation)
    applies_auth: bool = False
    #: it tests who the principal is beyond being logged in: a role or
    #: permission (``user.is_staff``, ``has_perm``, ``user.type == "admin"``)
    #: or applies a framework permission decorator
    checks_role: bool = False
    #: it reads an Authorization/API-key header or verifies a signature
    token_auth: bool = False
    #: it applies a rate limit
    rate_limits: bool = False
    #: it calls a password hash
    hashes: bool = False
    #: the sink kind its first parameter is checked for when it returns a
    #: true value ("redirect": it returns ``url_has_allowed_host_and_scheme(
    #: url, ...)``, or it returns False whenever ``urlparse(url).netloc`` is
    #: set); "" when it is no such guard
    validates: str = ""
    #: names of the functions it calls or applies (to follow across modules)
    calls: list = field(default_factory=list)


@dataclass
class ClassFacts:
    name: str
    line: int
    #: base classes as written, resolved to absolute dotted names where an
    #: import or a class of the same module names them
    bases: list = field(default_factory=list)
    #: a queryset/object method that refers to the requesting user
    scopes_queryset: bool = False
    #: a permission method or attribute (has_permission, permission_classes)
    checks_permission: bool = False
    #: a permission method that tests a role or permission of the principal
    #: (not only that someone is logged in), or a declared permission attribute
    checks_role: bool = False
    #: a password setter / @validates("password") / save() / __init__ that hashes
    hashes_password: bool = False
    #: the hashing runs whenever a value reaches the stored field: a
    #: ``password`` property/synonym setter, ``@validates("password")``, a
    #: pydantic password validator, ``save()``, ``__init__`` or
    #: ``__setattr__`` that hashes (not a ``set_password`` method the caller
    #: may skip)
    hashes_on_assign: bool = False


@dataclass
class ModuleFacts:
    name: str
    path: str
    functions: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    #: local name -> absolute dotted name of the module's imports
    imports: dict = field(default_factory=dict)
    #: a limiter with default limits for every route is created here
    global_rate_limit: bool = False
    #: a CSRF extension is switched on for the whole app here
    csrf_protect: bool = False
    #: names of before_request functions (app- or blueprint-wide guards)
    before_request: list = field(default_factory=list)
    #: the module could not be read or parsed (no facts)
    broken: bool = False
    #: absolute names of the modules it star-imports (``from .views import *``)
    star_imports: list = field(default_factory=list)
    #: routers of other modules included here with dependencies:
    #: absolute router name -> ``["Depends:absolute.dep", "Security:..."]``
    #: (``app.include_router(items.router, dependencies=[Depends(auth)])``)
    included_routers: dict = field(default_factory=dict)
    #: module-level instances of its classes: ``store = Store(...)`` -> name -> class
    instances: dict = field(default_factory=dict)
    #: FastAPI dependency aliases: ``CurrentUser = Annotated[User,
    #: Depends(get_current_user)]`` -> name -> ``["Depends:pkg.deps.get_current_user"]``
    depends_aliases: dict = field(default_factory=dict)
    #: apps and routers made with dependencies for every route:
    #: ``app = FastAPI(dependencies=[Depends(get_admin)])`` -> "app" -> ``["Depends:..."]``
    #: (what it includes with ``include_router`` inherits them)
    app_dependencies: dict = field(default_factory=dict)
    #: absolute names of project callables given to ``app.add_middleware``
    #: (a factory that builds a limiter counts as a global limit)
    middleware: list = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ModuleFacts":
        mf = cls(**{k: v for k, v in data.items() if k not in ("functions", "classes")})
        mf.functions = {k: FunctionFacts(**v) for k, v in data.get("functions", {}).items()}
        mf.classes = {k: ClassFacts(**v) for k, v in data.get("classes", {}).items()}
        return mf


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain (a call's target for a Call)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):
        return dotted(node.func)
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def last_name(name: str | None) -> str:
    return name.rsplit(".", 1)[-1] if name else ""


def status_code(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Attribute) and node.attr.startswith("HTTP_"):
        digits = node.attr[5:8]
        return int(digits) if digits.isdigit() else None
    return None
