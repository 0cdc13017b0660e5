"""Guide section: Least privilege (file permissions, superuser accounts)."""
from __future__ import annotations

import ast

from secguide.models import config, system
from secguide.rule import Rule
from secguide.rules._common import int_arg, is_true, last_name


class _Umasks:
    """``old = os.umask(0)``: the variable that keeps each umask call's
    result, and the findings on such calls, withdrawn when ``os.umask(old)``
    restores the mask on the next line (a read of the umask, not a change)
    or in the ``finally`` of the ``try`` that follows (``_restored_in_finally``)."""

    __slots__ = ("saved", "held")

    def __init__(self):
        self.saved: dict[str, ast.Call] = {}
        self.held: dict[int, object] = {}


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers")


def _restored_in_finally(scope: ast.AST, saved: ast.Call, restore: ast.Call) -> bool:
    """``old = os.umask(0)`` followed at once by a ``try`` whose ``finally``
    runs ``os.umask(old)`` (Django's FileSystemStorage idiom): only what the
    ``try`` creates with an explicit mode sees the cleared mask.  Statements
    of ``scope`` only, not of nested functions."""
    stack = [scope.body]
    while stack:
        block = stack.pop()
        for i, st in enumerate(block):
            t = type(st)
            if t is ast.Assign and st.value is saved:
                nxt = block[i + 1] if i + 1 < len(block) else None
                return type(nxt) in _TRIES and any(
                    type(f) is ast.Expr and f.value is restore for f in nxt.finalbody)
            if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
                continue
            for field in _BLOCK_FIELDS:
                sub = getattr(st, field, None)
                if sub:
                    stack.append(sub if field != "handlers" else
                                 [x for h in sub for x in h.body])
    return False


_TRIES = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


class _DatabaseSettings:
    """Line spans of the ``DATABASES = {...}`` settings seen so far."""

    __slots__ = ("spans",)

    def __init__(self):
        self.spans: list[tuple[int, int]] = []


class PermissivePermissions(Rule):
    """Files or directories are created writable by everyone."""

    code = "SCG905"
    symbol = "permissive-permissions"
    message = "{what} makes new files writable by {who}; use 0o077/0o022 umasks and 0o700/0o600 modes"
    cwe = 732
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Least Privilege: File permissions"
    rationale = (
        "World-writable files and directories let any local user or "
        "compromised service change code, configuration or data the "
        "application trusts (CWE-732). Bandit's B103 checks chmod; this "
        "rule checks the umask and the modes files are created with."
    )
    example = (
        "import os\n\n\n"
        "def prepare(path):\n"
        "    os.makedirs(path, 0o777, exist_ok=True)\n"
    )
    fix = (
        "import os\n\n\n"
        "def prepare(path):\n"
        "    os.makedirs(path, 0o750, exist_ok=True)\n"
    )
    not_flagged = ("Restrictive modes; default modes; modes held in variables of unknown value; "
                   "`old = os.umask(0)` whose result is kept and restored at once "
                   "(read-and-restore idiom), or in the `finally` of the `try` that "
                   "follows it (`try: os.makedirs(d, mode) finally: os.umask(old)`).")
    calls = frozenset(system.MODE_ARGS) | system.PATH_MODE_METHODS | {"os.umask"}
    assign_keys = local_assign_keys = frozenset({"()os.umask"})  # old = os.umask(0)
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call,)
    file_state = _Umasks

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            value = node.value
            if type(value) is ast.Call and (type(value.func) is ast.Name or last_name(
                    value.func) == "umask") and \
                    ctx.call_name(value) == "os.umask" and \
                    len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                # old = os.umask(0); os.umask(old): the idiom that reads the umask
                ctx.file_state_of(self).saved[node.targets[0].id] = node.value
            return None
        q = ctx.call_name(node)
        if q == "os.umask":
            return self._umask(node, ctx)
        spec = system.MODE_ARGS.get(q) if q else None
        if spec is None and isinstance(node.func, ast.Attribute) and node.func.attr in \
                system.PATH_MODE_METHODS and ctx.value(node.func.value).qual == "pathlib.Path":
            spec = (None, "mode")
        if spec is None:
            return None
        mode = int_arg(ctx, ctx.arg(node, spec[0], spec[1]))
        if mode is not None and mode & 0o002:
            return [self.found(node, what=f"{ctx.source_text(node.func)}(..., {oct(mode)})",
                               who="everyone")]
        return None

    def _umask(self, node, ctx):
        umasks = ctx.file_state_of(self)
        arg = node.args[0] if node.args else None
        if isinstance(arg, ast.Name) and arg.id in umasks.saved:
            first = umasks.saved.pop(arg.id)
            if node.lineno <= getattr(first, "end_lineno", first.lineno) + 1 or \
                    _restored_in_finally(ctx.fn.node if ctx.fn is not None else ctx.tree,
                                         first, node):
                umasks.held.pop(id(first), None)  # restored at once
            return None
        mask = int_arg(ctx, ctx.arg(node, 0, "mask"))
        if mask is None or (mask & 0o022) == 0o022:
            return None
        who = "everyone" if not mask & 0o002 else "the group"
        found = self.found(node, what=f"os.umask({oct(mask)})", who=who)
        if any(call is node for call in umasks.saved.values()):
            umasks.held[id(node)] = found  # decided when the file ends
            return None
        return [found]

    def finish_file(self, ctx):
        return list(ctx.file_state_of(self).held.values())


class PrivilegedAccount(Rule):
    """The application runs or connects with a superuser account."""

    code = "SCG906"
    symbol = "privileged-account"
    message = "{what}; run with an account that has only the privileges the application needs"
    cwe = 250
    severity = "MEDIUM"
    confidence = "MEDIUM"
    section = "Least Privilege"
    rationale = (
        "An application connected as the database superuser can drop any "
        "table and read every schema, and one running as root or in a "
        "privileged container owns the machine: any injection becomes a "
        "full compromise (CWE-250). Give each service an account with just "
        "the grants it uses."
    )
    example = (
        "from sqlalchemy import create_engine\n"
        "import os\n\n"
        "engine = create_engine(f\"postgresql://postgres:{os.environ['DB_PW']}@db/app\")\n"
    )
    fix = (
        "from sqlalchemy import create_engine\n"
        "import os\n\n"
        "engine = create_engine(f\"postgresql://app_rw:{os.environ['DB_PW']}@db/app\")\n"
    )
    not_flagged = "Application accounts; test modules; setuid to non-zero ids."
    calls = config.SETUID_CALLS | config.DB_CONNECT_CALLS | system.CONTAINER_STARTS
    node_types = (ast.Call, ast.Constant, ast.JoinedStr, ast.Assign, ast.Dict)
    assign_keys = local_assign_keys = frozenset({"DATABASES"})  # DATABASES = {...}
    report_types = (ast.Call, ast.Constant, ast.JoinedStr)
    min_str_len = 5  # "x://@"
    str_needles = ("://",)  # a database URL
    skip_test_files = True
    file_state = _DatabaseSettings

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Assign:
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == "DATABASES":
                    ctx.file_state_of(self).spans.append(
                        (node.lineno, getattr(node, "end_lineno", node.lineno)))
            return None
        if t is ast.Dict:
            spans = ctx.file_state_of(self).spans
            if not spans or not any(a <= node.lineno <= b for a, b in spans):
                return None
            return [self.found(v, what=f"the database user {v.value!r} is a superuser")
                    for k, v in zip(node.keys, node.values)
                    if isinstance(k, ast.Constant) and k.value == "USER" and
                    isinstance(v, ast.Constant) and str(v.value).lower() in config.PRIVILEGED_USERS]
        if t in (ast.Constant, ast.JoinedStr):
            text = node.value if t is ast.Constant else "".join(
                p.value for p in node.values if isinstance(p, ast.Constant) and isinstance(p.value, str)
            ) if node.values and isinstance(node.values[0], ast.Constant) else ""
            if not isinstance(text, str) or "://" not in text or len(text) > 500:
                return None
            scheme, _, rest = text.partition("://")
            if not config.DB_SCHEMES.match(scheme.strip()) or "@" not in rest.split("/", 1)[0]:
                return None
            user = rest.split("@", 1)[0].split(":", 1)[0]
            if user.lower() in config.PRIVILEGED_USERS:
                return [self.found(node, what=f"the {scheme} URL connects as {user!r}, a superuser")]
            return None
        q = ctx.call_name(node)
        if q in config.SETUID_CALLS:
            ids = [int_arg(ctx, a) for a in node.args]
            if ids and any(i == 0 for i in ids):
                return [self.found(node, what=f"{ctx.source_text(node.func)}(0) switches to root")]
            return None
        if q in config.DB_CONNECT_CALLS:
            dsn = node.args[0] if node.args else ctx.keyword(node, "dsn")
            if isinstance(dsn, ast.Constant) and isinstance(dsn.value, str):
                m = system.DSN_USER.search(dsn.value)
                if m and m.group(1).lower() in config.PRIVILEGED_USERS:
                    return [self.found(
                        dsn, what=f"the connection string logs in as {m.group(1)!r}, a superuser")]
            user = ctx.keyword(node, "user") or ctx.keyword(node, "username")
            if isinstance(user, ast.Constant) and str(user.value).lower() in config.PRIVILEGED_USERS:
                return [self.found(user, what=f"{ctx.source_text(node.func)}() connects as "
                                              f"{user.value!r}, a superuser")]
            return None
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in system.CONTAINER_STARTS and \
                last_name(func.value) == system.CONTAINER_COLLECTION:
            priv = ctx.keyword(node, "privileged")
            if priv is not None and is_true(ctx, priv):
                return [self.found(node, what="the container is started with privileged=True")]
        return None
