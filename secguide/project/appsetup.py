"""App-wide switches a module states: a limiter with default limits, a
CSRF extension switched on, ``before_request`` guards.

The per-node tests are shared by the walk of a module-level statement
(``app_setup``) and the one walk per function (``secguide.project.scan``).
"""
from __future__ import annotations

import ast

from secguide.models import project as M
from secguide.project.records import ModuleFacts, dotted, last_name

#: bounds: the nodes read per statement (as per function)
MAX_NODES = 5_000


def setup_call(n: ast.Call, name: str, mf: ModuleFacts, imports: dict, before: list) -> None:
    """A call that sets an app-wide switch (``name``: its dotted target or
    ""); a ``before_request(f)`` registration goes to ``before``."""
    head = name.split(".", 1)[0]
    full = imports.get(head, head) + name[len(head):]
    last = last_name(name)
    if (name in M.LIMITER_CALLS or full in M.LIMITER_CALLS or last == "Limiter"
            or last == "init_app") and any(
            k.arg in M.LIMITER_GLOBAL_KEYWORDS for k in n.keywords):
        mf.global_rate_limit = True
    if name in M.CSRF_CALLS or full in M.CSRF_CALLS or last in ("CSRFProtect", "SeaSurf"):
        mf.csrf_protect = True
    if last in ("before_request", "before_app_request") and n.args \
            and isinstance(n.args[0], ast.Name):
        before.append(n.args[0].id)
    if last == "include_router" and n.args:
        include_router(n, mf, imports)
    if last == "add_middleware" and n.args and isinstance(n.args[0], (ast.Name, ast.Attribute)):
        mw = dotted(n.args[0]) or ""
        if last_name(mw) in M.LIMIT_MIDDLEWARE:
            mf.global_rate_limit = True
        elif mw and len(mf.middleware) < 32:
            mf.middleware.append(_absolute(mw, mf, imports))


def _absolute(name: str, mf: ModuleFacts, imports: dict) -> str:
    """``items.router`` through the module's imports, a module-level name
    of the module itself qualified by the module."""
    head, _, rest = name.partition(".")
    if head in imports:
        return imports[head] + ("." + rest if rest else "")
    return f"{mf.name}.{name}" if mf.name else name


def _dependency(e: ast.AST, mf: ModuleFacts, imports: dict) -> str | None:
    """``Depends(auth)`` / ``Security(auth)``: ``"Depends:pkg.auth"``, else None."""
    if not isinstance(e, ast.Call):
        return None
    kind = last_name(dotted(e.func))
    if kind not in ("Depends", "Security"):
        return None
    dep = e.args[0] if e.args else next(
        (kw.value for kw in e.keywords if kw.arg == "dependency"), None)
    target = dotted(dep) if isinstance(dep, (ast.Name, ast.Attribute)) else None
    return f"{kind}:{_absolute(target, mf, imports) if target else ''}"


def depends_alias(st: ast.stmt, mf: ModuleFacts, imports: dict) -> None:
    """``CurrentUser = Annotated[User, Depends(get_current_user)]`` (or a
    ``type`` statement): a parameter annotated with the alias is a FastAPI
    dependency, not request data."""
    t = type(st)
    if t is ast.Assign and len(st.targets) == 1 and type(st.targets[0]) is ast.Name:
        name, value = st.targets[0].id, st.value
    elif t is ast.AnnAssign and type(st.target) is ast.Name and st.value is not None:
        name, value = st.target.id, st.value
    elif t.__name__ == "TypeAlias" and type(st.name) is ast.Name:
        name, value = st.name.id, st.value
    else:
        return
    if type(value) is not ast.Subscript or last_name(dotted(value.value)) != "Annotated" or \
            type(value.slice) is not ast.Tuple:
        return
    deps = [d for d in (_dependency(e, mf, imports) for e in value.slice.elts[1:]) if d]
    if deps:
        mf.depends_aliases[name] = deps


def _dependencies_keyword(n: ast.Call, mf: ModuleFacts, imports: dict) -> list:
    """The ``Depends``/``Security`` entries of a call's ``dependencies=[...]``."""
    deps = []
    for k in n.keywords:
        if k.arg != "dependencies" or not isinstance(k.value, (ast.List, ast.Tuple)):
            continue
        for e in k.value.elts:
            d = _dependency(e, mf, imports)
            if d:
                deps.append(d)
    return deps


def app_dependencies(st: ast.stmt, mf: ModuleFacts, imports: dict) -> None:
    """``app = FastAPI(dependencies=[Depends(get_admin)])`` (or an
    ``APIRouter``): every route it includes inherits the dependencies."""
    if type(st) is not ast.Assign or len(st.targets) != 1 or \
            type(st.targets[0]) is not ast.Name or type(st.value) is not ast.Call:
        return
    if last_name(dotted(st.value.func)) not in M.DEPENDENCY_CONTAINERS:
        return
    deps = _dependencies_keyword(st.value, mf, imports)
    if deps:
        mf.app_dependencies[st.targets[0].id] = deps


def include_router(n: ast.Call, mf: ModuleFacts, imports: dict) -> None:
    """``app.include_router(items.router, dependencies=[Depends(auth)])``:
    the router's absolute name and its ``Depends``/``Security`` targets
    (with those of the including app or router, ``app_dependencies``)."""
    router = dotted(n.args[0]) if isinstance(n.args[0], (ast.Name, ast.Attribute)) else None
    if not router:
        return
    owner = dotted(n.func.value) if isinstance(n.func, ast.Attribute) else None
    deps = list(mf.app_dependencies.get(owner, ())) if owner else []
    deps.extend(_dependencies_keyword(n, mf, imports))
    if deps:
        mf.included_routers.setdefault(_absolute(router, mf, imports), []).extend(deps)


def setup_store(n: ast.AST, mf: ModuleFacts) -> None:
    """``RATELIMIT_DEFAULT = ...`` or ``config["RATELIMIT_DEFAULT"]``."""
    key = None
    if isinstance(n, ast.Subscript):
        if isinstance(n.slice, ast.Constant):
            key = n.slice.value
    else:
        key = next((t.id for t in n.targets if isinstance(t, ast.Name)), None)
    if key in M.LIMITER_CONFIG_KEYS:
        mf.global_rate_limit = True


def app_setup(node: ast.AST, mf: ModuleFacts, imports: dict) -> None:
    """App-wide switches stated in the module-level statement ``node``: a
    Limiter with default limits, RATELIMIT_DEFAULT, CSRFProtect(app),
    ``app.before_request(f)``."""
    count = 0
    for n in ast.walk(node):
        count += 1
        if count > MAX_NODES:
            return
        t = type(n)
        if t is ast.Call:
            setup_call(n, dotted(n.func) or "", mf, imports, mf.before_request)
        elif t is ast.Assign or t is ast.Subscript:
            setup_store(n, mf)
