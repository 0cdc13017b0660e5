"""Guide section: Authentication and sessions: CSRF."""
from __future__ import annotations

import ast
from dataclasses import replace

from secguide.analysis.functions import dotted, route_methods
from secguide.analysis.settings import HOLDER_KEYS, SETTING_UPDATERS, setting_assignments
from secguide.models import auth, config
from secguide.rule import Report, Rule
from secguide.rules._common import is_false, last_name

#: the calls the rule judges (exemptions, settings updates)
_JUDGED_CALLS = frozenset({"csrf_exempt", "exempt"}) | SETTING_UPDATERS
#: calls that may change stored state or the middleware list (by last name)
_WATCHED = frozenset(auth.STATE_CHANGES) | auth.LIST_CHANGERS | {"execute"}
#: (effect, advice) of each finding's kind
OFF = dict(effect="turns CSRF protection off",
           advice="keep it on and send the token from forms and JavaScript")
NO_MIDDLEWARE = dict(effect="leaves every view without a CSRF check",
                     advice="add it (after SessionMiddleware) and send the token from "
                            "forms and JavaScript")
ON_GET = dict(effect="so a link or an image on any site makes a logged-in user's browser "
                     "do it, and no CSRF check runs on GET",
              advice="accept POST only (methods=['POST'], @require_POST) and send the "
                     "CSRF token")


class _CsrfFacts:
    """What the file shows about CSRF exemptions, decided when it ends:
    ``exempted`` holds (exempted def/class or the name of a module-level
    one, finding) pairs, ``checks`` the positions of calls that run a CSRF
    check, ``defs`` the module-level defs and classes by name;
    ``middleware`` the findings on settings ``MIDDLEWARE`` lists without the
    CSRF middleware (dropped when the list is changed later in the file:
    ``changed``); ``state_changes`` the GET-only views that change state
    (def -> (what it does, the call's text, the view's name))."""

    __slots__ = ("exempted", "checks", "defs", "middleware", "changed", "state_changes",
                 "get_only")

    def __init__(self):
        self.exempted: list[tuple[ast.AST | str, Report]] = []
        self.checks: list[tuple[int, int]] = []
        self.defs: dict[str, ast.AST] = {}
        self.middleware: list[Report] = []
        self.changed = False
        self.state_changes: dict[ast.AST, tuple[str, str, str]] = {}
        self.get_only: dict[ast.AST, bool] = {}


class CsrfDisabled(Rule):
    """CSRF protection is switched off."""

    code = "SCG503"
    symbol = "csrf-disabled"
    message = "{what} {effect}; {advice}"
    cwe = 352
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Authentication and Sessions: CSRF"
    rationale = (
        "Browsers attach cookies to requests that other sites trigger. "
        "Without a CSRF token check, a page on any domain can submit a form "
        "that changes a logged-in user's email, password or payment details "
        "(CWE-352). Exempt only endpoints that authenticate without cookies "
        "(API tokens, webhooks with signatures), and say why next to them."
    )
    example = (
        "from django.http import JsonResponse\n"
        "from django.views.decorators.csrf import csrf_exempt\n\n\n"
        "@csrf_exempt\n"
        "def change_email(request):\n"
        "    request.user.email = request.POST['email']\n"
        "    request.user.save()\n"
        "    return JsonResponse({'ok': True})\n"
    )
    fix = (
        "from django.http import JsonResponse\n"
        "from django.views.decorators.http import require_POST\n\n\n"
        "@require_POST\n"
        "def change_email(request):\n"
        "    request.user.email = request.POST['email']\n"
        "    request.user.save()\n"
        "    return JsonResponse({'ok': True})\n"
    )
    not_flagged = (
        "Views without those decorators; settings in test modules; `csrf_exempt` in tests. "
        "Exempted views that do not use the session cookie: an API key or token in a header "
        "(read in the view, in a decorator of the same file, or in a project decorator the "
        "project facts show reading one), a signed link (`TimestampSigner.unsign`, "
        "`signing.loads`), an HMAC signature (`hmac.compare_digest`), a capability in the "
        "URL (a key, token or UUID parameter matched to a record), a callback that reads "
        "only the raw body, or a view that reads no user and no session at all; views "
        "limited to GET/HEAD/OPTIONS. An exempted view that hands the request to code of "
        "another module (its effect unknown) is reported at LOW confidence. "
        "A `MIDDLEWARE` list without `CsrfViewMiddleware` only in a (non-test) settings "
        "module, only when it is a full list of a site with logins (it has "
        "`SessionMiddleware` or `AuthenticationMiddleware`), written out as literals and "
        "not changed later in the file; a middleware of another name with `csrf` in it "
        "counts as the check. A view that answers GET only (or the `get` method of a "
        "class-based view) is reported only when it "
        "changes stored state in its own body (deletes a record, `set_password()`, "
        "updates a query set, runs a `DELETE`/`UPDATE`/`INSERT` statement) and "
        "authenticates by the session cookie with a logged-in user; links with a token or "
        "signature in them are left alone."
    )
    #: the calls check judges or watches by last name; the CSRF checks a
    #: view runs itself have open-ended names: any with "csrf" in it
    calls = _JUDGED_CALLS | _WATCHED | {auth.CSRF_PROCESS_VIEW}
    call_words = ("csrf",)
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.Call,
                  ast.AugAssign)
    report_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.Call)
    # WTF_CSRF_ENABLED = False, app.config[...] = False, MIDDLEWARE = [...]
    assign_keys = config.CSRF_SETTINGS | auth.DJANGO_MIDDLEWARE_SETTINGS | HOLDER_KEYS
    skip_test_files = True
    file_state = _CsrfFacts

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Call:
            func = node.func
            tf = type(func)
            name = func.attr if tf is ast.Attribute else (func.id if tf is ast.Name else None)
            if name is None or name not in _JUDGED_CALLS:
                # every call comes here: most stop at the first test
                name = last_name(func) if name is None else name
                if ("csrf" in name.lower() or name == auth.CSRF_PROCESS_VIEW) and \
                        _is_csrf_check(node, name):
                    ctx.file_state_of(self).checks.append((node.lineno, node.col_offset))
                elif name in _WATCHED:
                    self._watched(node, name, ctx)
                return None
            if name in _WATCHED:  # Model.objects.filter(...).update(...)
                self._watched(node, name, ctx)
        elif t is ast.AugAssign:
            target = node.target
            if type(target) is ast.Name and target.id in auth.DJANGO_MIDDLEWARE_SETTINGS:
                ctx.file_state_of(self).changed = True  # MIDDLEWARE += [...]
            return None
        elif t is not ast.Assign:
            return self._decorators(node, ctx)
        for name, value, at in setting_assignments(node, ctx):
            if name in config.CSRF_SETTINGS and is_false(ctx, value):
                return [self.found(at, what=f"{name} = False", **OFF)]
            if name in auth.DJANGO_MIDDLEWARE_SETTINGS and t is ast.Assign and \
                    type(node.targets[0]) is ast.Name:
                self._middleware(node, name, value, ctx)
        if t is ast.Call and node.args and _is_exempt(ctx, node.func) and \
                isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Call)):
            # csrf_exempt(view): unless the view (a def or class of this
            # module, found when the file ends) checks CSRF itself
            found = self.found(node, what=f"{dotted(node.func) or 'csrf_exempt'}(...)", **OFF)
            view = _view_name(node.args[0])
            if view is None:
                return [found]
            ctx.file_state_of(self).exempted.append((view, found))
        return None

    def _decorators(self, node, ctx):
        """``@csrf_exempt`` (or ``@method_decorator(csrf_exempt)``) on a def or class."""
        facts = ctx.file_state_of(self)
        if node.col_offset == 0:  # a statement of the module body
            facts.defs.setdefault(node.name, node)
        is_class = type(node) is ast.ClassDef
        for dec in node.decorator_list:
            target = dec
            if isinstance(dec, ast.Call) and last_name(dec.func) == "method_decorator" and dec.args:
                target = dec.args[0]
            if isinstance(target, ast.Call) or not _is_exempt(ctx, target):
                continue
            # Bandit runs no tests on ClassDef: a class decorator's finding
            # sits on the decorator call, a def's on the def
            if is_class and not isinstance(dec, ast.Call):
                continue
            owner = dec if is_class else node
            facts.exempted.append((node, self.found(
                owner, at=target, what=f"@{dotted(target) or 'csrf_exempt'}", **OFF)))
        return None

    def _middleware(self, node, name, value, ctx):
        """A settings ``MIDDLEWARE`` list of a site with logins, written out,
        without a CSRF middleware: a finding kept until the file ends."""
        if type(value) not in (ast.List, ast.Tuple) or ctx.class_info is not None or \
                not ctx.is_settings_module or ctx.filename.replace("\\", "/").rsplit(
                    "/", 1)[-1] in auth.FRAMEWORK_DEFAULT_SETTINGS:
            return
        entries = []
        for e in value.elts:
            if type(e) is not ast.Constant or type(e.value) is not str:
                return  # not written out: cannot tell
            entries.append(e.value)
        if any("csrf" in e.lower() for e in entries) or not any(
                e.endswith(auth.DJANGO_SESSION_MIDDLEWARE) for e in entries):
            return
        ctx.file_state_of(self).middleware.append(self.found(
            node, what=f"{name} without {auth.DJANGO_CSRF_MIDDLEWARE}", **NO_MIDDLEWARE))

    def _watched(self, node, name, ctx):
        """A call that may change the middleware list or stored state."""
        func = node.func
        if type(func) is not ast.Attribute:
            return
        facts = ctx.file_state_of(self)
        if name in auth.LIST_CHANGERS:
            if type(func.value) is ast.Name and func.value.id in auth.DJANGO_MIDDLEWARE_SETTINGS:
                facts.changed = True  # MIDDLEWARE.insert(0, ...)
            return
        fn = ctx.fn
        if fn is None or fn.node in facts.state_changes:
            return
        view = fn.node
        get_only = facts.get_only.get(view)
        if get_only is None:
            get_only = facts.get_only[view] = _get_only(view) or _cbv_get(view, fn)
        if not get_only:
            return
        what = _state_change(node, name, ctx)
        if what:
            owner = f"{fn.class_info.name}." if fn.class_info is not None else ""
            facts.state_changes[view] = (what, _call_text(func), f"{owner}{view.name}()")

    def finish_file(self, ctx):
        facts = ctx.file_state_of(self)
        found = [] if facts.changed else list(facts.middleware)
        for view, (what, call, label) in facts.state_changes.items():
            # a forged GET acts as the user only with the cookie session and
            # a logged-in user; a token or signed link has nothing to borrow
            mode = ctx.auth_mode(view)
            if mode.cookie and mode.proven and mode.principal:
                found.append(self.found(view, what=f"{label} {what} ({call}) but answers GET,",
                                        **ON_GET))
        for view, report in facts.exempted:
            if isinstance(view, str):
                view = facts.defs.get(view)
            if view is None:
                found.append(report)  # not a def of this file: not known
                continue
            if _checks_csrf_itself(view, facts.checks) or _safe_methods_only(view):
                continue
            # only the cookie session makes a forged request act as the
            # user: an API-key, signed-link, capability-URL or callback view
            # has nothing a cross-site form can borrow
            mode = ctx.auth_mode(view)
            if not mode.cookie:
                continue
            if mode.proven:
                found.append(report)
            elif mode.unresolved:
                # the request goes to code of another module: it may use
                # the session there
                found.append(replace(report, confidence="LOW"))
        return found


def _get_only(view: ast.AST) -> bool:
    """A def routed to answer GET (and HEAD/OPTIONS) only: ``@require_GET``,
    ``@require_safe``, ``@app.route("/x")`` (Flask's default) or
    ``methods=["GET"]``; every route decorator of it agrees."""
    if type(view) not in (ast.FunctionDef, ast.AsyncFunctionDef) or not view.decorator_list:
        return False
    methods: set = set()
    for dec in view.decorator_list:
        target = dec.func if type(dec) is ast.Call else dec
        name = last_name(target)
        if name in auth.GET_ONLY_DECORATORS:
            methods.add("GET")
        elif name in auth.GET_DEFAULT_ROUTES and type(dec) is ast.Call and \
                type(target) is ast.Attribute and \
                not any(k.arg in ("methods", None) for k in dec.keywords):
            methods.add("GET")
    declared = route_methods(view.decorator_list)
    if declared:
        methods |= declared
    return bool(methods) and methods <= auth.CSRF_SAFE_METHODS


def _call_text(func: ast.Attribute) -> str:
    """``db.session.delete()``, ``Entry.objects.filter(...).delete()``."""
    d = dotted(func)
    if d:
        return f"{d}()"
    receiver = func.value
    if type(receiver) is ast.Call and dotted(receiver.func):
        return f"{dotted(receiver.func)}(...).{func.attr}()"
    return f"...{func.attr}()"


def _cbv_get(view: ast.AST, fn) -> bool:
    """The ``get`` method of a class-based view (Django ``View``, Flask
    ``MethodView``): it answers GET whatever the other methods do."""
    ci = fn.class_info
    return view.name == "get" and ci is not None and any(
        b.rsplit(".", 1)[-1].endswith(("View", "APIView")) for b in ci.bases)


def _state_change(call: ast.Call, name: str, ctx) -> str | None:
    """What a call does to stored state, if it surely changes it."""
    func = call.func
    receiver = func.value
    if name == "delete":
        if call.args or call.keywords:
            # db.session.delete(obj); not cache.delete(key), requests.delete(url)
            return auth.STATE_CHANGES[name] if type(receiver) is ast.Attribute and \
                receiver.attr == "session" and len(call.args) == 1 else None
        low = last_name(receiver).lower()
        return None if "session" in low or "cache" in low else auth.STATE_CHANGES[name]
    if name == "set_password":
        return auth.STATE_CHANGES[name]
    if name == "update":
        return auth.STATE_CHANGES[name] if type(receiver) is ast.Call and \
            type(receiver.func) is ast.Attribute and \
            receiver.func.attr in auth.QUERYSET_METHODS else None
    if name == "execute" and call.args:
        v = ctx.value(call.args[0])
        if v.known and isinstance(v.cval, str) and \
                v.cval.lstrip().upper().startswith(auth.SQL_WRITES):
            return f"runs {v.cval.split()[0].upper()}"
    return None


def _is_csrf_check(call: ast.Call, name: str) -> bool:
    """``_enforce_csrf(...)``, ``check_csrf()``,
    ``CsrfViewMiddleware(...).process_view(...)``."""
    if auth.CSRF_CHECK.match(name):
        return True
    if name != auth.CSRF_PROCESS_VIEW:
        return False
    func = call.func
    return "Csrf" in (dotted(func) or "") or isinstance(func, ast.Attribute) and \
        isinstance(func.value, ast.Call) and "Csrf" in last_name(func.value.func)


def _safe_methods_only(view: ast.AST) -> bool:
    """A function view that accepts only GET/HEAD/OPTIONS: the CSRF check
    never runs on those methods, so the exemption changes nothing."""
    if isinstance(view, ast.ClassDef):
        return False
    methods = route_methods(view.decorator_list)
    return bool(methods) and methods <= auth.CSRF_SAFE_METHODS


def _checks_csrf_itself(view: ast.AST, checks: list[tuple[int, int]]) -> bool:
    """Does an exempted view (its decorators, signature and body) run a CSRF
    check of its own?"""
    first = view.decorator_list[0] if view.decorator_list else view
    start = (first.lineno, first.col_offset)
    end = (view.end_lineno, view.end_col_offset)
    return any(start <= pos <= end for pos in checks)


def _view_name(arg) -> str | None:
    """The name of the def or class ``csrf_exempt(arg)`` wraps
    (``LoginView.as_view()``, ``login_view``), if it is a plain name."""
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "as_view":
        arg = arg.func.value
    return arg.id if isinstance(arg, ast.Name) else None


def _is_exempt(ctx, target) -> bool:
    q = ctx.qualname(target) or ""
    if q.endswith("csrf_exempt"):
        return True
    d = dotted(target) or ""
    if d.endswith(".exempt") and "csrf" in d.lower():
        return True
    return d == "csrf_exempt"
