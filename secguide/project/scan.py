"""One walk per function: the facts of a function (does it deny, test the
principal, hash, rate-limit, authenticate by token, validate its first
parameter) and the app-wide switches it states, all read in a single
bounded breadth-first walk of its tree.
"""
from __future__ import annotations

import ast
from collections import deque

from secguide.models import project as M
from secguide.models import sinks
from secguide.project.appsetup import setup_call, setup_store
from secguide.project.records import FunctionFacts, ModuleFacts, dotted, last_name, status_code

#: bounds: a function's facts never cost more than this
MAX_NODES_PER_FUNCTION = 5_000

_AST = ast.AST
_Call, _Raise, _Return, _Attribute = ast.Call, ast.Raise, ast.Return, ast.Attribute
_Compare, _Subscript, _Assign = ast.Compare, ast.Subscript, ast.Assign
_If = ast.If


class FunctionScan:
    """What the walk of one function found besides its ``FunctionFacts``."""

    __slots__ = ("exceeded", "returns", "parsed", "netloc_ifs", "validator_call")

    def __init__(self) -> None:
        #: the function has more nodes than the bound (the walk stopped)
        self.exceeded = False
        #: every ``return``'s value (None for a bare return), in walk order
        self.returns: list = []
        #: names bound to ``urlparse(<first parameter>)``
        self.parsed: set = set()
        #: ``if <x>.netloc: ...`` statements (tested once ``parsed`` is known)
        self.netloc_ifs: list = []
        #: a known validator is called on the first parameter somewhere
        self.validator_call = False


def scan_function(fn, facts: FunctionFacts, p0: str | None = None,
                  setup: tuple | None = None) -> FunctionScan:
    """Fill ``facts`` from one bounded walk of ``fn`` (its decorators and
    defaults included, as ``ast.walk`` visits them).  ``p0``: the first
    parameter (for ``validates``); ``setup``: ``(module facts, imports,
    before_request names)`` to collect the app-wide switches it states."""
    scan = FunctionScan()
    calls = facts.calls
    todo = deque((fn,))
    pop, extend = todo.popleft, todo.extend
    count = 0
    while todo:
        n = pop()
        count += 1
        if count > MAX_NODES_PER_FUNCTION:
            scan.exceeded = True
            break
        # the children, in ast.walk's order
        for field in n._fields:
            v = getattr(n, field, None)
            if isinstance(v, _AST):
                todo.append(v)
            elif type(v) is list:
                extend([x for x in v if isinstance(x, _AST)])
        t = type(n)
        if t is _Call:
            name = dotted(n.func)
            last = last_name(name)
            if name:
                calls.append(name)
            if name in M.DENY_CALLS or last in M.DENY_CALLS:
                args = [status_code(a) for a in n.args[:1]]
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
            if last in M.RATE_LIMIT_DECORATORS and type(n.func) is _Attribute or \
                    last in M.LIMIT_MIDDLEWARE:
                facts.rate_limits = True  # a limiter, or a factory of limiting middleware
            args = n.args
            if last == "get" and args and type(args[0]) is ast.Constant \
                    and isinstance(args[0].value, str) \
                    and args[0].value.lower() in M.TOKEN_HEADERS \
                    and "headers" in (name or "").lower():
                facts.token_auth = True
            if p0 is not None and args and type(args[0]) is ast.Name and args[0].id == p0 \
                    and not scan.validator_call:
                vname = name or ""
                if sinks.VALIDATORS.get(vname) or sinks.VALIDATORS.get(last_name(vname)):
                    scan.validator_call = True
            if setup is not None:
                setup_call(n, name or "", setup[0], setup[1], setup[2])
        elif t is _Raise:
            exc = n.exc
            if exc is not None:
                ename = last_name(dotted(exc))
                if ename in M.DENY_EXCEPTIONS:
                    facts.denies = True
                elif ename in M.STATUS_EXCEPTIONS and type(exc) is _Call:
                    vals = list(exc.args[:1]) + [
                        k.value for k in exc.keywords if k.arg in ("status_code", "code", "status")]
                    if any(status_code(v) in M.DENY_STATUS for v in vals):
                        facts.denies = True
        elif t is _Return:
            v = n.value
            scan.returns.append(v)
            if v is not None:
                items = v.elts if type(v) is ast.Tuple else [v]
                if any(status_code(i) in M.DENY_STATUS for i in items[1:]):
                    facts.denies = True
                if type(v) is _Call:
                    kws = [k.value for k in v.keywords if k.arg in ("status", "status_code")]
                    if any(status_code(k) in M.DENY_STATUS for k in kws):
                        facts.denies = True
        elif t is _Attribute:
            attr = n.attr
            if attr in M.PRINCIPAL_ATTRS and _is_principal(n.value):
                facts.checks_principal = True
                if attr not in M.AUTHN_ATTRS:
                    facts.checks_role = True
        elif t is _Compare:
            if _role_compare(n):
                facts.checks_role = True
        elif t is _Subscript:
            key = n.slice
            if type(key) is ast.Constant and isinstance(key.value, str) \
                    and key.value.lower() in M.TOKEN_HEADERS \
                    and "headers" in (dotted(n.value) or "").lower():
                facts.token_auth = True
            if setup is not None:
                setup_store(n, setup[0])
        elif t is _Assign:
            value = n.value
            if p0 is not None and type(value) is _Call \
                    and last_name(dotted(value.func)) in M.URL_PARSE_CALLS and value.args \
                    and type(value.args[0]) is ast.Name and value.args[0].id == p0:
                scan.parsed.update(x.id for x in n.targets if type(x) is ast.Name)
            if setup is not None:
                setup_store(n, setup[0])
        elif t is _If:
            test = n.test
            if p0 is not None and type(test) is _Attribute and test.attr == "netloc":
                scan.netloc_ifs.append(n)
    return scan


def function_facts(fn, setup: tuple | None = None) -> FunctionFacts:
    """The facts of a module-level function (``setup``: see ``scan_function``)."""
    facts = FunctionFacts(name=fn.name, line=fn.lineno, is_decorator=_is_decorator(fn))
    for d in fn.decorator_list:
        name = last_name(dotted(d))
        if name in M.FRAMEWORK_AUTH_DECORATORS:
            facts.applies_auth = True
        if name in M.FRAMEWORK_PERMISSION_DECORATORS:
            facts.checks_role = True
        if name in M.RATE_LIMIT_DECORATORS:
            facts.rate_limits = True
    params = fn.args.posonlyargs + fn.args.args
    p0 = params[0].arg if params else None
    scan = scan_function(fn, facts, p0, setup)
    facts.calls = sorted(set(facts.calls))[:200]
    facts.validates = _validator_kind(scan, p0)
    return facts


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


def _is_principal(node: ast.AST) -> bool:
    owner = dotted(node)
    return bool(owner) and (owner in M.PRINCIPAL_NAMES or last_name(owner) in ("user", "current_user"))


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


def _is_false(node: ast.AST | None) -> bool:
    return node is None or isinstance(node, ast.Constant) and not node.value


def _validator_kind(scan: FunctionScan, p0: str | None) -> str:
    """The kind of check a guard function applies to its first parameter: on
    every return of a true value it has called a known validator on it
    (``return url_has_allowed_host_and_scheme(url, hosts)``), or it returns
    a false value whenever the parsed URL has a host (``if
    urlparse(url).netloc: return False``)."""
    if p0 is None or scan.exceeded:
        return ""
    parsed = scan.parsed | {p0}
    netloc_exit = any(_netloc_of(n.test, parsed, p0) and n.body
                      and isinstance(n.body[0], ast.Return) and _is_false(n.body[0].value)
                      for n in scan.netloc_ifs)
    kind = ""
    true_returns = [r for r in scan.returns if not _is_false(r)]
    if true_returns and scan.validator_call and all(_validated(r, p0) for r in true_returns):
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
    return isinstance(v, ast.Call) and last_name(dotted(v.func)) in M.URL_PARSE_CALLS and \
        bool(v.args) and isinstance(v.args[0], ast.Name) and v.args[0].id == p0


def _validated(node: ast.AST, p0: str) -> str:
    """The kind of a known validator called on ``p0`` in a returned expression."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) \
                and n.args[0].id == p0:
            name = dotted(n.func) or ""
            kind = sinks.VALIDATORS.get(name) or sinks.VALIDATORS.get(last_name(name))
            if kind:
                return kind
    return ""


__all__ = ["MAX_NODES_PER_FUNCTION", "FunctionScan", "ModuleFacts", "function_facts",
           "scan_function"]
