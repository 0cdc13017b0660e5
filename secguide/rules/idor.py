"""Guide section: Access control (Insecure Direct Object References)."""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.models import access, db
from secguide.rule import Rule
from secguide.rules._common import last_name
from secguide.rules._view_evidence import (_SCOPED, _UNKNOWN, _class_chosen,
                                           _hierarchy_verdict, _static_evidence)
from secguide.vocab import AUTHZ_CALL, OWNER_KEYWORDS, PRINCIPAL_NAMES, PRINCIPAL_PARAM_WORDS


class _ViewEvidence:
    """Per view: has it shown any sign of an access check (``evidence``:
    None until first looked at), and the id lookups seen so far."""

    __slots__ = ("evidence", "name_only", "lookups")

    def __init__(self):
        self.evidence: bool | None = None
        #: the only sign of a check is a decorator's name (no fact confirms it)
        self.name_only = False
        self.lookups: list[tuple[ast.Call, str]] = []


class IdorUnscopedLookup(Rule):
    """A record is loaded by a client-supplied id with no ownership check."""

    code = "SCG401"
    symbol = "idor-unscoped-lookup"
    message = ("record loaded by route parameter '{param}' with {lookup}() and no "
               "ownership or permission check in the view; filter by the current "
               "user or check access before using it")
    cwe = 639
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Access Control: Insecure Direct Object References (IDOR)"
    rationale = (
        "Ids in URLs are guessable and enumerable: /invoices/1041 invites a "
        "visit to /invoices/1042. Being logged in proves who the user is, not "
        "that the record is theirs (OWASP A01:2021 Broken Access Control, "
        "CWE-639). Every lookup by a client-supplied id must be scoped to the "
        "current principal (filter_by(id=..., owner_id=current_user.id)) or "
        "followed by an explicit check (abort(403), PermissionDenied, a "
        "permission decorator)."
    )
    example = (
        "from flask import Flask\n"
        "from flask_login import login_required\n"
        "from models import Invoice\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/invoices/<int:invoice_id>')\n"
        "@login_required\n"
        "def show_invoice(invoice_id):\n"
        "    invoice = Invoice.query.get_or_404(invoice_id)\n"
        "    return {'total': invoice.total}\n"
    )
    fix = (
        "from flask import Flask\n"
        "from flask_login import current_user, login_required\n"
        "from models import Invoice\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/invoices/<int:invoice_id>')\n"
        "@login_required\n"
        "def show_invoice(invoice_id):\n"
        "    invoice = Invoice.query.filter_by(id=invoice_id, owner_id=current_user.id).first_or_404()\n"
        "    return {'total': invoice.total}\n"
    )
    not_flagged = (
        "Lookups scoped to the principal; lookups restricted to public records "
        "(a visibility flag fixed by a constant: `hidden=False`, "
        "`is_public=True`, `published=True`); views that reference the current "
        "user (current_user, g.user, request.user, session[...]) or check "
        "access anywhere in the function, before or after the lookup "
        "(abort(403), raise PermissionDenied, has_perm, check_*permission*, "
        "authorize*); views with a framework permission decorator "
        "(`permission_required`, `user_passes_test`, `roles_required`) or "
        "permission mixin; views with a decorator of the project (imported or "
        "of the same file, read through project facts) whose wrapper refuses "
        "(401/403, a redirect to the login page) and that tests a role or "
        "permission of the principal itself or in a project function it calls "
        "(`is_admin()` comparing `user.type == 'admin'`); a decorator that "
        "only requires a log-in, or checks nothing, is no evidence. "
        "`self.queryset`/`self.get_queryset()` lookups in class-based views "
        "whose class chain (project base classes across modules, star imports "
        "followed) restricts the queryset to the user (`get_queryset`, or "
        "`self.queryset = ....restrict(user, ...)` in `initial`/`dispatch`/"
        "`has_permission`) or checks a permission (`has_perms`, a declared "
        "`permission_classes`/`permission_required`); a mixin's lookups are "
        "judged by the classes of its module that mix it in. "
        "FastAPI routes authorized through `Depends(require_*(...))` or "
        "`Security(...)` in `dependencies=`, a parameter or its `Annotated` type; "
        "routes without an identifier parameter; framework metadata models "
        "(Django's ContentType, Site); parameters named like "
        "`page` or `slug`. Reported at LOW confidence: views whose only sign "
        "of a check is a decorator or base class *named* like one "
        "(`admin_required`, `admins_only`, `OwnerMixin`) whose body cannot be "
        "read (project facts off, or another package), and `self.queryset` "
        "lookups whose class chain cannot be read. Checks made in another "
        "function the view calls are not followed: name them with the "
        "`authz-markers` option. Extra permission decorators (trusted by "
        "name) go in `permission-decorators`."
    )
    node_types = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Raise)
    report_types = (ast.Call,)
    reads_options = ("authz-markers", "permission-decorators")
    needs_route = True
    function_state = _ViewEvidence

    def check(self, node, ctx):
        fn = ctx.fn
        if fn is None or not fn.id_params:  # needs_route: always in a view
            return
        st = ctx.fn_state(self)
        if st.evidence is None:
            st.evidence, st.name_only = _static_evidence(fn, ctx)
        if st.evidence:
            return
        t = type(node)
        markers = ctx.options.authz_markers
        if t is ast.Name:
            name = node.id
            if name in PRINCIPAL_NAMES or name in markers or (
                    name in fn.depends_params and PRINCIPAL_PARAM_WORDS.search(name)):
                st.evidence = True
        elif t is ast.Attribute:
            d = dotted(node)
            if d is not None and (d in PRINCIPAL_NAMES or d in markers
                                  or node.attr in access.PRINCIPAL_ATTRIBUTES and
                                  d.split(".", 1)[0] in access.PRINCIPAL_HOLDERS):
                st.evidence = True
            elif d is not None and d.endswith(access.REQUEST_USER_SUFFIX):
                st.evidence = True
        elif t is ast.Subscript:
            base = dotted(node.value)
            if base in access.SESSION_MAPPINGS or ctx.qualname(node.value) == access.FLASK_SESSION:
                st.evidence = True
        elif t is ast.Raise:
            exc = node.exc
            name = last_name(exc) if exc is not None else ""
            if access.FORBIDDEN_EXCEPTIONS.match(name) or (isinstance(exc, ast.Call) and _denies(exc)):
                st.evidence = True
        else:
            name = last_name(node.func)
            if AUTHZ_CALL.match(name) or name in markers or name in PRINCIPAL_NAMES:
                st.evidence = True
                return
            if name == access.FORBIDDEN_RESPONSE or name in access.DENY_CALLS and _denies(node):
                st.evidence = True
                return
            param = _lookup_param(node, fn.id_params, ctx)
            if param is not None:
                st.lookups.append((node, param))

    def finish_function(self, ctx):
        st = ctx.fn_state(self)
        if st.evidence:
            return None
        out = []
        hierarchy = None
        fn = ctx.fn
        for call, param in st.lookups:
            low = st.name_only
            if _class_chosen(call):
                if hierarchy is None:
                    hierarchy = _hierarchy_verdict(fn.class_info, ctx)
                if hierarchy == _SCOPED:
                    continue
                low = low or hierarchy == _UNKNOWN
            out.append(self.found(call, param=param, lookup=ctx.source_text(call.func, 60),
                                  confidence="LOW" if low else None))
        return out


def _denies(call: ast.Call) -> bool:
    """``abort(403)``, ``HTTPException(status_code=status.HTTP_403_FORBIDDEN)``."""
    for a in list(call.args[:1]) + [k.value for k in call.keywords
                                    if k.arg in access.STATUS_KEYWORDS]:
        if isinstance(a, ast.Constant) and a.value in access.DENY_STATUSES:
            return True
        if isinstance(a, ast.Attribute) and any(s in a.attr for s in access.DENY_STATUS_NAMES):
            return True
    return False


def _id_name(node: ast.AST, ids: frozenset) -> str | None:
    """The id parameter ``node`` is (``post_id``, ``str(post_id)``), if any."""
    if isinstance(node, ast.Name) and node.id in ids:
        return node.id
    if isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.func, ast.Name) \
            and node.func.id in access.ID_CONVERSIONS:
        return _id_name(node.args[0], ids)
    return None


def _only_ids(values: list, ids: frozenset, ctx) -> str | None:
    """The id parameter used, when every value is that id or a constant."""
    found = None
    for v in values:
        name = _id_name(v, ids)
        if name is not None:
            found = found or name
        elif not ctx.value(v).is_const:
            return None
    return found


def _public_only(node: ast.Call) -> bool:
    """``filter_by(id=tid, hidden=False)``: a visibility flag fixed to the
    value that admits public records only; the predicate scopes the lookup."""
    for k in node.keywords:
        want = access.VISIBILITY_FILTERS.get(k.arg or "")
        if want is not None and isinstance(k.value, ast.Constant) and k.value.value is want:
            return True
    return False


def _lookup_param(node: ast.Call, ids: frozenset, ctx) -> str | None:
    func = node.func
    name = last_name(func)
    if name in access.SHORTCUT_LOOKUPS:
        if any(OWNER_KEYWORDS.match(k.arg or "") for k in node.keywords) or _public_only(node):
            return None
        return _only_ids(node.args[1:] + [k.value for k in node.keywords], ids, ctx)
    if not isinstance(func, ast.Attribute):
        return None
    recv = func.value
    recv_name = last_name(recv)
    recv_dotted = dotted(recv) or ""
    if name in db.SQL_METHODS:
        if len(node.args) < 2:
            return None
        text = ctx.value(node.args[0])
        if not text.is_const or not db.WHERE_ID.search(text.text):
            return None
        if db.OWNER_COLUMN.search(text.text):
            return None
        params = node.args[1]
        elts = params.elts if isinstance(params, (ast.Tuple, ast.List)) else [params]
        if isinstance(params, ast.Dict):
            elts = params.values
        return _only_ids(elts, ids, ctx)
    if any(OWNER_KEYWORDS.match(k.arg or "") for k in node.keywords) or _public_only(node):
        return None
    query_like = recv_name in db.QUERY_RECEIVERS or \
        recv_dotted.rsplit(".", 1)[-1] in db.QUERY_RECEIVERS and "." in recv_dotted \
        or (isinstance(recv, ast.Call) and last_name(recv.func) in db.QUERY_BUILDERS)
    if query_like and name in db.ORM_LOOKUPS:
        if isinstance(recv, ast.Attribute) and ctx.qualname(recv.value) in db.PUBLIC_MODELS:
            return None
        values = list(node.args) + [k.value for k in node.keywords]
        if name == "filter" and node.args:
            values = []
            for a in node.args:
                if isinstance(a, ast.Compare) and len(a.comparators) == 1 and \
                        isinstance(a.ops[0], ast.Eq):
                    values += [a.left, a.comparators[0]]
                else:
                    return None
            values = [v for v in values if not isinstance(v, ast.Attribute)]
            values += [k.value for k in node.keywords]
        return _only_ids(values, ids, ctx)
    session_like = recv_name in db.SESSION_RECEIVERS or \
        recv_dotted.endswith(".session")
    if session_like and name in db.SESSION_GET_METHODS and len(node.args) >= 2:
        return _only_ids(node.args[1:2], ids, ctx)
    if name == "get_by_id" or (name == "get" and recv_name[:1].isupper() and node.args
                               and not node.keywords and len(node.args) == 1
                               and isinstance(recv, ast.Name)):
        return _only_ids(list(node.args), ids, ctx)
    return None
