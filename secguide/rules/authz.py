"""Guide section: Access control: authorization decided by client data."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.analysis.functions import dotted
from secguide.analysis.values import SymOrigin
from secguide.models import auth, authz
from secguide.rule import Rule
from secguide.rules._common import last_name
from secguide.vocab import ROLE_VALUES, is_authz_name, is_user_id_name, words

#: expressions whose value is a decision (``is_admin = <this>``)
_DECISIONS = (ast.Compare, ast.BoolOp, ast.UnaryOp)
_EQUALITY = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)
_ROLE_FIX = ("read the role from the logged-in user's record (current_user, request.user) "
             "or the server-side session")
_USER_FIX = "identify the user by the signed session (login_user(), request.user, session)"
_ADDRESS_FIX = ("use the address the server sees (request.remote_addr; behind a proxy, "
                "ProxyFix with the number of trusted hops) or authenticate the caller")


class _Flags:
    """Per function: names bound to a decision on client data
    (``is_admin = request.headers.get("X-Admin") == "1"``) -> the source."""

    __slots__ = ("names",)

    def __init__(self):
        self.names: dict[str, tuple[str, str, str]] = {}


class _Module:
    """Per file: does the module import a web framework at all?"""

    __slots__ = ("web",)

    def __init__(self):
        self.web: bool | None = None


def _client_inputs(value):
    """(kind, key, description) of each client input ``value`` comes from:
    a cookie, header, query parameter or form field read by name."""
    for o in value.taint:
        if type(o) is SymOrigin:
            continue
        m = authz.ORIGIN_KEY.search(o.desc)
        if m is None:
            continue
        attr, key = m.group("attr"), m.group("key")
        kind = authz.CLIENT_INPUTS.get(attr)
        if kind is None or kind == "header" and _trusted_header(attr, key):
            continue
        yield kind, key, o.desc


def _trusted_header(attr: str, key: str) -> bool:
    """A variable the web server sets, or a header a trusted front end sets
    after authenticating (``X-Forwarded-User``, ``X-Auth-Request-User``)."""
    if attr == "META" and (key in authz.SERVER_META_KEYS or not key.startswith("HTTP_")):
        return True
    low = key.lower().replace("-", "_")
    return any(w in low for w in authz.TRUSTED_HEADER_WORDS)


def _fix(kind: str, key: str) -> str | None:
    """What to do instead, when the input's name says it decides access
    (a role or flag) or, for a cookie or header, who the user is."""
    if is_authz_name(key):
        return _ROLE_FIX
    if kind in authz.STORED_INPUTS and is_user_id_name(key):
        return _USER_FIX
    return None


def _role_literal(node) -> bool:
    """``"admin"``, ``"127.0.0.1"``, or a tuple/list/set of literals with one
    of them among them."""
    t = type(node)
    if t is ast.Constant:
        return type(node.value) is str and (node.value.lower() in ROLE_VALUES
                                            or node.value in authz.LOCAL_ADDRESSES)
    if t in (ast.Tuple, ast.List, ast.Set):
        return any(_role_literal(e) for e in node.elts)
    return False


def _guards(node: ast.If) -> bool:
    """The branch returns, raises, or denies/grants with a call."""
    for st in node.body + node.orelse:
        t = type(st)
        if t in (ast.Return, ast.Raise):
            return True
        if t is ast.Expr and type(st.value) is ast.Call and \
                last_name(st.value.func) in authz.GUARD_CALLS:
            return True
    return False


class AuthorizationFromClientData(Rule):
    """Access is decided by a role, flag or user id the client sends."""

    code = "SCG405"
    symbol = "client-controlled-authorization"
    message = "{what} the {kind} {source}, which the client can set to anything; {fix}"
    cwe = 807
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Access Control: Authorization decisions"
    rationale = (
        "Cookies, headers, query parameters and form fields are written by the "
        "client: a browser's developer tools or curl set `role=admin`, "
        "`X-Admin: 1` or `uid=1` in a second. A role, admin flag or user id "
        "read from them and used to decide access lets anyone grant themselves "
        "that access or act as any user (CWE-807, reliance on untrusted inputs "
        "in a security decision; CWE-565 for cookies). Decide from what the "
        "server knows: the logged-in user's record, or the signed session."
    )
    example = (
        "from flask import Flask, abort, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/admin')\n"
        "def admin_panel():\n"
        "    if request.cookies.get('role') != 'admin':\n"
        "        abort(403)\n"
        "    return 'admin'\n"
    )
    fix = (
        "from flask import Flask, abort\n"
        "from flask_login import current_user, login_required\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/admin')\n"
        "@login_required\n"
        "def admin_panel():\n"
        "    if not current_user.is_admin:\n"
        "        abort(403)\n"
        "    return 'admin'\n"
    )
    not_flagged = (
        "Roles and flags from the session (`session['role']`), the logged-in user "
        "(`current_user.is_admin`, `request.user.is_staff`) or the database; a client "
        "value compared with the logged-in user (`request.form['user_id'] == "
        "str(current_user.id)`); headers a trusted front end sets after authenticating "
        "(`X-Forwarded-User`, `X-Auth-Request-User`, `REMOTE_USER`); a query or form "
        "value compared with a role in a branch that neither returns nor denies (a "
        "listing filter, `?role=admin`), or in a view with a permission decorator (an "
        "admin's form that sets a role); user lookups by query or form parameters "
        "(SCG401's record access); modules that import no web framework; test modules."
    )
    node_types = (ast.If, ast.Assign, ast.Call)
    # is_admin = <comparison>: the only assignments check reads
    assign_keys = local_assign_keys = frozenset("=" + t.__name__ for t in _DECISIONS)
    report_types = (ast.If, ast.Call)
    calls = authz.LOOKUP_METHODS | authz.LOOKUP_FUNCTIONS | authz.SQL_LOOKUPS
    function_state = _Flags
    file_state = _Module
    skip_test_files = True
    reads_labels = frozenset({labels.PRINCIPAL})

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Assign and type(node.value) not in _DECISIONS or ctx.fn is None:
            return None  # most assignments: not a comparison
        module = ctx.file_state_of(self)
        if module.web is None:
            module.web = any(ctx.names_in_module(m) for m in authz.WEB_MODULES)
        if not module.web:
            return None  # no request data of its own
        if t is ast.If:
            return self._if(node, ctx)
        if t is ast.Assign:
            return self._flag(node, ctx)
        return self._lookup(node, ctx)

    # -- if <decision>: ------------------------------------------------------
    def _if(self, node, ctx):
        found = self._decision(node.test, ctx)
        if found is None:
            return None
        kind, source, strong, fix = found
        if kind not in authz.STORED_INPUTS and ctx.fn.has_permission_decorator:
            return None  # an admin's form or filter: the value is data, not a claim
        if strong and kind in authz.STORED_INPUTS or _guards(node):
            return [self.found(node, what="access is decided by", kind=kind, source=source,
                               fix=fix)]
        return None

    def _decision(self, test, ctx):
        """(kind, source, strong, fix) of the client input ``test`` decides on:
        ``strong`` when its key or name says it is about access."""
        t = type(test)
        if t is ast.BoolOp:
            for v in test.values:
                found = self._decision(v, ctx)
                if found:
                    return found
            return None
        if t is ast.UnaryOp:
            return self._decision(test.operand, ctx) if type(test.op) is ast.Not else None
        if t is ast.Compare:
            return self._compare(test, ctx)
        if t is ast.Name:
            flagged = ctx.fn_state(self).names.get(test.id)
            if flagged:
                return flagged[0], flagged[1], True, flagged[2]
            if not is_authz_name(test.id):
                return None
        elif not (t is ast.Subscript or t is ast.Call and type(test.func) is ast.Attribute
                  and test.func.attr == "get"):
            return None
        # truthiness: ``if request.cookies.get("is_admin"):``,
        # ``if not request.cookies.get("username"):`` (logged in by a cookie)
        for kind, key, desc in _client_inputs(ctx.value(test)):
            fix = _fix(kind, key)
            if fix is not None:
                return kind, desc, True, fix
        return None

    def _compare(self, node, ctx):
        if not all(type(op) in _EQUALITY for op in node.ops):
            return None
        operands = [node.left] + node.comparators
        role = any(_role_literal(o) for o in operands)
        if not role and not any(type(o) is ast.Constant for o in operands):
            return None  # most comparisons: no literal to compare a role or flag with
        best = None
        for o in operands:
            if type(o) is ast.Constant:
                continue
            v = ctx.value(o)
            if labels.PRINCIPAL in v.labels:
                return None  # checked against the logged-in user
            for kind, key, desc in _client_inputs(v):
                fix = _fix(kind, key)
                if fix is not None:
                    return kind, desc, True, fix
                if role and best is None:
                    # a role literal, or a local address compared with an address header
                    low = key.lower().replace("-", "_")
                    best = (kind, desc, False, _ADDRESS_FIX if any(
                        w in low for w in authz.ADDRESS_HEADER_WORDS) else _ROLE_FIX)
        return best

    # -- is_admin = <decision> -------------------------------------------------
    def _flag(self, node, ctx):
        if len(node.targets) != 1 or type(node.targets[0]) is not ast.Name:
            return None
        name = node.targets[0].id
        found = self._decision(node.value, ctx)
        if found and (found[2] or is_authz_name(name)):
            ctx.fn_state(self).names[name] = (found[0], found[1], found[3])
        return None

    # -- User.get(request.cookies["uid"]) --------------------------------------
    def _lookup(self, node, ctx):
        func = node.func
        if not node.args and not node.keywords:
            return None
        args = list(node.args) + [k.value for k in node.keywords]
        if type(func) is ast.Attribute and func.attr in authz.SQL_LOOKUPS:
            # cur.execute("SELECT ... WHERE username = ?", (request.cookies["user"],))
            args = node.args[1:2]
        elif type(func) is ast.Attribute:
            receiver = func.value
            rt = type(receiver)
            if rt is ast.Name:
                if not (receiver.id[:1].isupper() or "user" in words(receiver.id)
                        or "users" in words(receiver.id)):
                    return None  # a dict or a client: not a record lookup
            elif not (rt is ast.Attribute and (receiver.attr in auth.ORM_MANAGERS
                                               or receiver.attr == "session")):
                return None
        elif type(func) is not ast.Name:
            return None
        for arg in args:
            for kind, key, desc in _client_inputs(ctx.value(arg)):
                if kind in authz.STORED_INPUTS and is_user_id_name(key):
                    return [self.found(node, what=f"{dotted(func) or last_name(func)}() "
                                                  "identifies the user by",
                                       kind=kind, source=desc, fix=_USER_FIX)]
        return None
