"""What a server holds (SCG504): whether the client could have chosen the
value on one side of a comparison, judged from the function's bindings
(a signed payload, the session, a stored record, a hasher's output, what
the operator typed at the terminal, a server computation over these, a
constant)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.analysis.functions import dotted as _dotted
from secguide.models import auth

#: what ``_held`` says of an expression: a server-held source, a constant, or
#: None (the client may have chosen it, or nothing is known)
_SOURCE, _CONST = "source", "const"


class _Held:
    """Per function: what each local name (or ``obj.attr`` target) was bound
    to, in order: ``(value node, augmented?)``, or None for a part of an
    unpacking. Judged only when a compare needs it (cheap per assignment)."""

    __slots__ = ("binds", "memo", "entries")

    def __init__(self):
        self.binds: dict = {}
        #: every binding of the function: (line, target, value node, augmented?),
        #: read from its body the first time a compare needs them
        self.entries: list | None = None
        #: (key, number of bindings) -> verdict, for the compare being judged
        self.memo: dict = {}


def _orm_lookup(ctx, call: ast.Call) -> bool:
    """``User.objects.get(...)``, ``User.query.filter_by(...).first()``,
    ``get_object_or_404(Channel, ...)``: a stored record comes back."""
    if ctx.call_name(call) in auth.RECORD_LOOKUPS:
        return True
    node = call.func
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in auth.ORM_MANAGERS and node is not call.func:
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def _signer(ctx, node, st) -> bool:
    """A Django/itsdangerous signer or serializer object."""
    if isinstance(node, ast.Name) and st is not None and node.id in st.binds:
        return any(b is not None and not b[1] and isinstance(b[0], ast.Call) and
                   (ctx.call_name(b[0]) or "").startswith(auth.SIGNER_MODULES)
                   for b in st.binds[node.id])
    if isinstance(node, ast.Call):
        q = ctx.call_name(node) or ""
        return q.startswith(auth.SIGNER_MODULES)
    return False


def _request_session(ctx, node) -> bool:
    """``request.session`` / ``self.request.session``."""
    if not (isinstance(node, ast.Attribute) and node.attr in auth.REQUEST_SESSION_ATTRS):
        return False
    base = node.value
    name = base.id if isinstance(base, ast.Name) else (
        base.attr if isinstance(base, ast.Attribute) else "")
    return name == "request"


def _held(ctx, node, st, depth: int = 0) -> str | None:
    """``_SOURCE`` when the client cannot choose the value of ``node``: a
    payload whose signature was checked, the session store, a stored record
    or its fields, password-hasher output, the operator's terminal input
    (``getpass()``, ``click.prompt()``), or a server computation over these
    (``hmac(user.password)``, ``channel.make_token()``); ``_CONST`` for a
    literal; None otherwise (request data, parameters, anything unknown)."""
    if depth > 16:
        return None
    t = type(node)
    if t is ast.Constant:
        return _CONST
    if t is ast.Name or t is ast.Attribute:
        q = ctx.qualname(node)
        if q in auth.SESSION_OBJECTS or q in auth.CONFIG_OBJECTS or _request_session(ctx, node):
            return _SOURCE
        key = _dotted(node)
        if st is not None and key in st.binds:
            return _held_binding(ctx, st, key, depth)
        if ctx.value(node).is_const:
            return _CONST  # a module constant, a setting bound to a literal
        if t is ast.Name:
            return None
        return _SOURCE if _held(ctx, node.value, st, depth + 1) == _SOURCE else None
    if labels.HASHED in ctx.value(node).labels:
        return _SOURCE
    if t is ast.Subscript:
        return _SOURCE if _held(ctx, node.value, st, depth + 1) == _SOURCE else None
    if t is ast.BinOp:
        parts = [_held(ctx, node.left, st, depth + 1), _held(ctx, node.right, st, depth + 1)]
        return _SOURCE if None not in parts and _SOURCE in parts else (
            _CONST if parts == [_CONST, _CONST] else None)
    if t is not ast.Call:
        return None
    q = ctx.call_name(node)
    if q in auth.VERIFIED_CALLS or q in auth.CONFIG_OBJECTS or q in auth.TERMINAL_INPUTS or \
            _orm_lookup(ctx, node) or _project_verifier(ctx, node):
        return _SOURCE
    func = node.func
    args = list(node.args) + [k.value for k in node.keywords]
    if isinstance(func, ast.Attribute):
        if func.attr in auth.VERIFIED_METHODS or (
                func.attr in auth.SIGNER_LOADS and _signer(ctx, func.value, st)):
            return _SOURCE
        if _held(ctx, func.value, st, depth + 1) != _SOURCE:
            return None  # a method of something the client may have made
        found = [_SOURCE]
    else:
        found = []
    for a in args:
        h = _held(ctx, a, st, depth + 1)
        if h is None:
            return None
        found.append(h)
    # a function of server-held values (hmac(user.password)); a call of
    # constants only may still read the request (get_header("X-Token"))
    return _SOURCE if _SOURCE in found else None


def _project_verifier(ctx, call: ast.Call) -> bool:
    """A project function that checks a signature with a Django or
    itsdangerous signer (``unserialize(code)`` wrapping
    ``URLSafeTimedSerializer(secret).loads(data)``), read from the project
    facts of the module that defines it."""
    project = ctx.project
    if project is None:
        return False
    q = ctx.call_name(call)
    facts = project.function(q) if q else None
    if facts is None:
        return False
    where = project.module((project.absolute(q) or "").rpartition(".")[0])
    imports = where.imports if where is not None else {}

    def resolved(name: str) -> str:
        head, _, rest = name.partition(".")
        return imports[head] + ("." + rest if rest else "") if head in imports else name

    names = [resolved(c) for c in facts.calls]
    if any(n in auth.VERIFIED_CALLS for n in names):
        return True
    return any(n.startswith(auth.SIGNER_MODULES) for n in names) and \
        any("." in n and n.rpartition(".")[2] in auth.SIGNER_LOADS for n in names)


def _held_binding(ctx, st: _Held, key: str, depth: int) -> str | None:
    """What the bindings of ``key`` give: a kind only when every binding
    gives it (bound on two paths to different kinds: the client may have
    chosen it)."""
    binds = st.binds[key]
    memo_key = (key, len(binds))
    if memo_key in st.memo:
        return st.memo[memo_key]
    st.memo[memo_key] = None  # a cycle gives nothing
    st.memo[memo_key] = result = _judge_bindings(ctx, st, key, binds, depth)
    return result


def _judge_bindings(ctx, st: _Held, key: str, binds: list, depth: int) -> str | None:
    result: str | None = None
    for i, b in enumerate(binds):
        if b is None:
            return None
        value, aug = b
        st.binds[key] = binds[:i]  # x = x.encode(): the x before this binding
        try:
            h = _held(ctx, value, st, depth + 1)
        finally:
            st.binds[key] = binds
        if aug:
            result = _SOURCE if result == _SOURCE and h in (_SOURCE, _CONST) else None
        elif i == 0:
            result = h
        elif result != h:
            result = None
        if result is None:
            return None
    return result


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _bindings_before(fn, st: _Held, line: int) -> None:
    """Fill ``st.binds`` with the bindings of the function's body written
    before ``line``, in source order (nested functions and classes are their
    own scopes; loop, ``with``, ``except`` and ``:=`` targets bind what
    nothing here says)."""
    if st.entries is None:
        entries = []
        stack = list(getattr(fn.node, "body", ()))
        while stack:
            n = stack.pop()
            t = type(n)
            if t in _SCOPES:
                continue
            if t is ast.Assign:
                for target in n.targets:
                    entries.append((n.lineno, n.col_offset, target, n.value, False))
            elif t is ast.AnnAssign and n.value is not None or t is ast.AugAssign:
                entries.append((n.lineno, n.col_offset, n.target, n.value, t is ast.AugAssign))
            elif t in (ast.For, ast.AsyncFor, ast.comprehension, ast.NamedExpr):
                entries.append((n.target.lineno, n.target.col_offset,
                                ast.Tuple(elts=[n.target]), None, False))
            elif t is ast.withitem and n.optional_vars is not None:
                v = n.optional_vars
                entries.append((v.lineno, v.col_offset, ast.Tuple(elts=[v]), None, False))
            elif t is ast.ExceptHandler and n.name:
                entries.append((n.lineno, n.col_offset, ast.Tuple(elts=[ast.Name(id=n.name)]),
                                None, False))
            stack.extend(ast.iter_child_nodes(n))
        entries.sort(key=lambda e: (e[0], e[1]))
        st.entries = entries
    st.binds = {}
    for lineno, _, target, value, aug in st.entries:
        if lineno < line:
            _bind_held(st, target, value, aug)


def _bind_held(st: _Held, target, value, aug: bool = False) -> None:
    """Record ``target = value`` (or ``target += value``)."""
    if isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
        for n in ast.walk(target):
            key = _dotted(n) if isinstance(n, (ast.Name, ast.Attribute)) else None
            if key is not None:
                st.binds.setdefault(key, []).append(None)  # unpacked: nothing known
        return
    key = _dotted(target)
    if key is not None:
        st.binds.setdefault(key, []).append((value, aug))


def _lookup_keys(ctx, st: _Held, key: str | None, depth: int = 0) -> set:
    """What the record bound to ``key`` was looked up by: the arguments of
    its lookup (``project = Project.objects.for_api_key(api_key)``), also
    through a copy (``request.project = project``)."""
    binds = st.binds.get(key) if key else None
    if not binds or depth > 4 or binds[-1] is None or binds[-1][1]:
        return set()
    value = binds[-1][0]
    if isinstance(value, ast.Call) and _orm_lookup(ctx, value):
        return {_dotted(a) for a in list(value.args) + [k.value for k in value.keywords]} - {None}
    if isinstance(value, (ast.Name, ast.Attribute)):
        return _lookup_keys(ctx, st, _dotted(value), depth + 1)
    return set()


def _looked_up_by(ctx, side, other, st) -> bool:
    """``api_key == project.api_key_readonly`` where ``project`` was found by
    ``api_key``: the value already matched a record; nothing is left to guess."""
    if st is None or not isinstance(other, ast.Attribute):
        return False
    key = _dotted(side)
    if key is None:
        return False
    base = other.value
    while isinstance(base, (ast.Attribute, ast.Name)):
        if key in _lookup_keys(ctx, st, _dotted(base)):
            return True
        if isinstance(base, ast.Name):
            return False
        base = base.value
    return False
