"""Module facts: what one project module states about its functions,
classes and app setup, read from its syntax tree without running rules.

Facts are plain data (JSON-ready), computed once per module and cached.
They say what the code *states*: a decorator whose wrapper aborts with 403,
a class whose ``get_queryset`` filters by ``request.user``, a model whose
``password`` setter hashes, an app setup that creates a ``Limiter`` with
default limits.  Calls to other project functions are kept by name and
resolved by ``ProjectIndex`` (``secguide.project.index``), which follows
them across modules.
"""
from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field

from secguide.models import project as M
from secguide.models import sinks

#: bounds: a module's facts never cost more than this
MAX_NODES_PER_FUNCTION = 5_000
MAX_DEFS = 2_000


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


def _last(name: str | None) -> str:
    return name.rsplit(".", 1)[-1] if name else ""


def _status(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Attribute) and node.attr.startswith("HTTP_"):
        digits = node.attr[5:8]
        return int(digits) if digits.isdigit() else None
    return None


def _mentions_login(node: ast.AST) -> bool:
    for n in ast.walk(node):
        text = None
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            text = n.value
        elif isinstance(n, ast.Attribute):
            text = n.attr
        elif isinstance(n, ast.Name):
            text = n.id
        if text and any(w in text.lower() for w in M.LOGIN_WORDS):
            return True
    return False


def _scan_body(fn: ast.AST, facts: FunctionFacts) -> None:
    """Fill the facts of one function from its body (bounded walk)."""
    count = 0
    for n in ast.walk(fn):
        count += 1
        if count > MAX_NODES_PER_FUNCTION:
            break
        if isinstance(n, ast.Call):
            name = dotted(n.func)
            last = _last(name)
            if name:
                facts.calls.append(name)
            if name in M.DENY_CALLS or last in M.DENY_CALLS:
                args = [_status(a) for a in n.args[:1]]
                if last not in ("abort",) or any(s in M.DENY_STATUS for s in args):
                    facts.denies = True
            if last == "redirect" and n.args and _mentions_login(n.args[0]):
                facts.denies = True
            if last in M.FRAMEWORK_AUTH_DECORATORS:
                facts.applies_auth = True
            if last in M.FRAMEWORK_PERMISSION_DECORATORS or last in M.ROLE_CALLS:
                facts.checks_role = True
            if last in M.PASSWORD_HASH_CALLS or name in M.PASSWORD_HASH_CALLS:
                facts.hashes = True
            if name in M.SIGNATURE_CALLS or last in ("compare_digest", "verify_signature"):
                facts.token_auth = True
            if last in M.RATE_LIMIT_DECORATORS and isinstance(n.func, ast.Attribute):
                facts.rate_limits = True
            if last == "get" and n.args and isinstance(n.args[0], ast.Constant) \
                    and isinstance(n.args[0].value, str) \
                    and n.args[0].value.lower() in M.TOKEN_HEADERS \
                    and "headers" in (dotted(n.func) or "").lower():
                facts.token_auth = True
        elif isinstance(n, ast.Raise) and n.exc is not None:
            exc = n.exc
            name = _last(dotted(exc))
            if name in M.DENY_EXCEPTIONS:
                facts.denies = True
            elif name in M.STATUS_EXCEPTIONS and isinstance(exc, ast.Call):
                vals = list(exc.args[:1]) + [
                    k.value for k in exc.keywords if k.arg in ("status_code", "code", "status")]
                if any(_status(v) in M.DENY_STATUS for v in vals):
                    facts.denies = True
        elif isinstance(n, ast.Return) and n.value is not None:
            v = n.value
            items = v.elts if isinstance(v, ast.Tuple) else [v]
            if any(_status(i) in M.DENY_STATUS for i in items[1:]):
                facts.denies = True
            if isinstance(v, ast.Call):
                kws = [k.value for k in v.keywords if k.arg in ("status", "status_code")]
                if any(_status(k) in M.DENY_STATUS for k in kws):
                    facts.denies = True
        elif isinstance(n, ast.Attribute) and n.attr in M.PRINCIPAL_ATTRS:
            if _is_principal(n.value):
                facts.checks_principal = True
                if n.attr not in M.AUTHN_ATTRS:
                    facts.checks_role = True
        elif isinstance(n, ast.Compare) and _role_compare(n):
            facts.checks_role = True
        elif isinstance(n, ast.Subscript):
            key = n.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                    and key.value.lower() in M.TOKEN_HEADERS \
                    and "headers" in (dotted(n.value) or "").lower():
                facts.token_auth = True


def _is_principal(node: ast.AST) -> bool:
    owner = dotted(node)
    return bool(owner) and (owner in M.PRINCIPAL_NAMES or _last(owner) in ("user", "current_user"))


def _role_compare(node: ast.Compare) -> bool:
    """``user.type == "admin"``, ``current_user.id != post.author_id``: a
    principal's attribute (not a log-in flag) compared with a value that is
    not None/True/False."""
    sides = [node.left] + list(node.comparators)
    has_attr = any(isinstance(s, ast.Attribute) and s.attr not in M.AUTHN_ATTRS
                   and _is_principal(s.value) for s in sides)
    trivial = any(isinstance(s, ast.Constant) and (s.value is None or isinstance(s.value, bool))
                  for s in sides)
    return has_attr and not trivial


def _is_decorator(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``def deco(f): def wrapper(...): ...; return wrapper`` (or a factory
    one level up: ``def deco(role): def inner(f): ...; return inner``)."""
    inner = {s.name for s in fn.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for s in fn.body:
        if isinstance(s, ast.Return) and s.value is not None:
            target = s.value.func if isinstance(s.value, ast.Call) else s.value
            if isinstance(target, ast.Name) and target.id in inner:
                return True
    return False


def _function_facts(fn) -> FunctionFacts:
    facts = FunctionFacts(name=fn.name, line=fn.lineno, is_decorator=_is_decorator(fn))
    for d in fn.decorator_list:
        name = _last(dotted(d))
        if name in M.FRAMEWORK_AUTH_DECORATORS:
            facts.applies_auth = True
        if name in M.FRAMEWORK_PERMISSION_DECORATORS:
            facts.checks_role = True
        if name in M.RATE_LIMIT_DECORATORS:
            facts.rate_limits = True
    _scan_body(fn, facts)
    facts.calls = sorted(set(facts.calls))[:200]
    facts.validates = _validator_kind(fn)
    return facts


def _is_false(node: ast.AST | None) -> bool:
    return node is None or isinstance(node, ast.Constant) and not node.value


def _validator_kind(fn) -> str:
    """The kind of check a guard function applies to its first parameter: on
    every return of a true value it has called a known validator on it
    (``return url_has_allowed_host_and_scheme(url, hosts)``), or it returns
    a false value whenever the parsed URL has a host (``if
    urlparse(url).netloc: return False``)."""
    params = fn.args.posonlyargs + fn.args.args
    if not params:
        return ""
    p0 = params[0].arg
    parsed = {p0}  # names bound to urlparse(p0)
    returns, netloc_exit = [], False
    count = 0
    for n in ast.walk(fn):
        count += 1
        if count > MAX_NODES_PER_FUNCTION:
            return ""
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) \
                and _last(dotted(n.value.func)) in M.URL_PARSE_CALLS and n.value.args \
                and isinstance(n.value.args[0], ast.Name) and n.value.args[0].id == p0:
            parsed.update(t.id for t in n.targets if isinstance(t, ast.Name))
        elif isinstance(n, ast.Return):
            returns.append(n.value)
    for n in ast.walk(fn):
        if isinstance(n, ast.If) and _netloc_of(n.test, parsed, p0) and n.body \
                and isinstance(n.body[0], ast.Return) and _is_false(n.body[0].value):
            netloc_exit = True
    kind = ""
    true_returns = [r for r in returns if not _is_false(r)]
    if true_returns and all(_validated(r, p0) for r in true_returns):
        kind = _validated(true_returns[0], p0)
    elif netloc_exit and true_returns:
        kind = "redirect"
    return kind


def _netloc_of(test: ast.AST, parsed: set, p0: str) -> bool:
    """``urlparse(p0).netloc`` or ``parsed.netloc`` (parsed = urlparse(p0))."""
    if not (isinstance(test, ast.Attribute) and test.attr == "netloc"):
        return False
    v = test.value
    if isinstance(v, ast.Name):
        return v.id in parsed and v.id != p0
    return isinstance(v, ast.Call) and _last(dotted(v.func)) in M.URL_PARSE_CALLS and \
        bool(v.args) and isinstance(v.args[0], ast.Name) and v.args[0].id == p0


def _validated(node: ast.AST, p0: str) -> str:
    """The kind of a known validator called on ``p0`` in a returned expression."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) \
                and n.args[0].id == p0:
            name = dotted(n.func) or ""
            kind = sinks.VALIDATORS.get(name) or sinks.VALIDATORS.get(_last(name))
            if kind:
                return kind
    return ""


def _class_facts(cls: ast.ClassDef, imports: dict, module: str, local_classes: set) -> ClassFacts:
    bases = []
    for b in cls.bases:
        name = dotted(b)
        if not name:
            continue
        head, _, rest = name.partition(".")
        if head in imports:
            name = imports[head] + ("." + rest if rest else "")
        elif head in local_classes:
            name = f"{module}.{name}" if module else name
        bases.append(name)
    facts = ClassFacts(name=cls.name, line=cls.lineno, bases=bases)
    hashing_methods: set = set()
    for st in cls.body:
        if isinstance(st, (ast.Assign, ast.AnnAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            if any(isinstance(t, ast.Name) and t.id in M.PERMISSION_ATTRS for t in targets):
                facts.checks_permission = True
                facts.checks_role = True
        if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        ff = FunctionFacts(name=st.name, line=st.lineno)
        _scan_body(st, ff)
        if st.name in M.QUERYSET_METHODS and _users_in(st) or _rescopes_queryset(st):
            facts.scopes_queryset = True
        if st.name in M.PERMISSION_METHODS and (ff.denies or ff.checks_principal):
            facts.checks_permission = True
        if st.name in M.PERMISSION_METHODS and ff.checks_role:
            facts.checks_role = True
        if ff.hashes and _is_password_writer(st):
            facts.hashes_password = True
            hashing_methods.add(st.name)
            if _is_assign_hook(st):
                facts.hashes_on_assign = True
    if hashing_methods and not facts.hashes_on_assign:
        facts.hashes_on_assign = any(_password_descriptor(st, hashing_methods)
                                     for st in cls.body)
    return facts


def _users_in(fn) -> bool:
    for n in ast.walk(fn):
        if isinstance(n, ast.Attribute) and n.attr == "user":
            return True
        if isinstance(n, ast.keyword) and n.arg and ("user" in n.arg or "owner" in n.arg):
            return True
    return False


def _rescopes_queryset(fn) -> bool:
    """A method that assigns ``self.queryset`` (or another attribute in
    ``M.QUERYSET_ATTRS``) a value restricted by the requesting user:
    ``self.queryset = self.queryset.restrict(request.user, action)``."""
    for n in ast.walk(fn):
        if isinstance(n, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr in M.QUERYSET_ATTRS
                and isinstance(t.value, ast.Name) and t.value.id == "self" for t in n.targets) \
                and (_users_in(n.value) or any(
                    isinstance(m, ast.Name) and m.id in ("user", "current_user")
                    for m in ast.walk(n.value))):
            return True
    return False


def _is_password_writer(fn) -> bool:
    """A ``password`` setter, ``@validates("password")``, ``save``/``__init__``/
    ``set_password``, or any method whose name mentions the password."""
    name = fn.name.lower()
    if name in M.PASSWORD_WRITE_HOOKS or name == "set_password" or "password" in name:
        return True
    for d in fn.decorator_list:
        text = ast.unparse(d).lower() if hasattr(ast, "unparse") else ""
        if "password" in text and ("setter" in text or "validates" in text
                                   or "validator" in text):
            return True
    return False


def _is_assign_hook(fn) -> bool:
    """A hashing method that runs on every write of the password: a
    ``@password.setter``, ``@validates("password")``, a pydantic
    ``@field_validator("password")``, ``save``, ``__init__``, ``__setattr__``."""
    if fn.name in M.PASSWORD_WRITE_HOOKS:
        return True
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        name = _last(dotted(target))
        if name == "setter" and isinstance(target, ast.Attribute) \
                and "password" in (dotted(target.value) or "").lower():
            return True
        if name in M.FIELD_HOOK_DECORATORS and isinstance(d, ast.Call) and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str)
                and "password" in a.value.lower() for a in d.args):
            return True
    return False


def _password_descriptor(st: ast.AST, hashing_methods: set) -> bool:
    """``password = property(get, set)`` or ``synonym("_password",
    descriptor=property(get, set))`` whose setter is a hashing method."""
    if not isinstance(st, (ast.Assign, ast.AnnAssign)):
        return False
    targets = st.targets if isinstance(st, ast.Assign) else [st.target]
    if not any(isinstance(t, ast.Name) and "password" in t.id.lower() for t in targets):
        return False
    if not isinstance(st.value, ast.Call):
        return False
    return any(isinstance(n, ast.Name) and n.id in hashing_methods
               for n in ast.walk(st.value))


def module_facts(tree: ast.Module, name: str, path: str, imports: dict) -> ModuleFacts:
    """The facts of one parsed module (``imports`` from ``import_table``)."""
    mf = ModuleFacts(name=name, path=path, imports=dict(imports))
    local_classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    defs = 0
    for st in tree.body:
        defs += 1
        if defs > MAX_DEFS:
            break
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            ff = _function_facts(st)
            mf.functions[st.name] = ff
            if any(_last(dotted(d)) == "before_request" or _last(dotted(d)) == "before_app_request"
                   for d in st.decorator_list):
                mf.before_request.append(st.name)
            _app_setup(st, mf, imports)
        elif isinstance(st, ast.ClassDef):
            mf.classes[st.name] = _class_facts(st, imports, name, local_classes)
        else:
            _app_setup(st, mf, imports)
    return mf


def _app_setup(node: ast.AST, mf: ModuleFacts, imports: dict) -> None:
    """App-wide switches stated in ``node``: a Limiter with default limits,
    RATELIMIT_DEFAULT, CSRFProtect(app), ``app.before_request(f)``."""
    count = 0
    for n in ast.walk(node):
        count += 1
        if count > MAX_NODES_PER_FUNCTION:
            return
        if isinstance(n, ast.Call):
            name = dotted(n.func) or ""
            head = name.split(".", 1)[0]
            full = imports.get(head, head) + name[len(head):]
            last = _last(name)
            if (name in M.LIMITER_CALLS or full in M.LIMITER_CALLS or last == "Limiter"
                    or last == "init_app") and any(
                    k.arg in M.LIMITER_GLOBAL_KEYWORDS for k in n.keywords):
                mf.global_rate_limit = True
            if name in M.CSRF_CALLS or full in M.CSRF_CALLS or last in ("CSRFProtect", "SeaSurf"):
                mf.csrf_protect = True
            if last in ("before_request", "before_app_request") and n.args \
                    and isinstance(n.args[0], ast.Name):
                mf.before_request.append(n.args[0].id)
        elif isinstance(n, (ast.Assign, ast.Subscript)):
            key = None
            if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant):
                key = n.slice.value
            elif isinstance(n, ast.Assign):
                key = next((t.id for t in n.targets if isinstance(t, ast.Name)), None)
            if key in M.LIMITER_CONFIG_KEYS:
                mf.global_rate_limit = True
