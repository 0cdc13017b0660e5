"""Guide section: Authentication and sessions: CSRF."""
from __future__ import annotations

import ast
from dataclasses import replace

from secguide.analysis.functions import dotted, route_methods
from secguide.analysis.settings import SETTING_UPDATERS, setting_assignments
from secguide.models import auth, config
from secguide.rule import Report, Rule
from secguide.rules._common import is_false, last_name

#: the calls the rule judges (exemptions, settings updates)
_JUDGED_CALLS = frozenset({"csrf_exempt", "exempt"}) | SETTING_UPDATERS


class _CsrfFacts:
    """What the file shows about CSRF exemptions, decided when it ends:
    ``exempted`` holds (exempted def/class or the name of a module-level
    one, finding) pairs, ``checks`` the positions of calls that run a CSRF
    check, ``defs`` the module-level defs and classes by name."""

    __slots__ = ("exempted", "checks", "defs")

    def __init__(self):
        self.exempted: list[tuple[ast.AST | str, Report]] = []
        self.checks: list[tuple[int, int]] = []
        self.defs: dict[str, ast.AST] = {}


class CsrfDisabled(Rule):
    """CSRF protection is switched off."""

    code = "SCG503"
    symbol = "csrf-disabled"
    message = "{what} turns CSRF protection off; keep it on and send the token from forms and JavaScript"
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
        "another module (its effect unknown) is reported at LOW confidence."
    )
    #: every call: the CSRF checks a view runs itself have open-ended names
    calls = None
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.Call)
    report_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.Call)
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
                return None
        elif t is not ast.Assign:
            return self._decorators(node, ctx)
        for name, value, at in setting_assignments(node, ctx):
            if name in config.CSRF_SETTINGS and is_false(ctx, value):
                return [self.found(at, what=f"{name} = False")]
        if t is ast.Call and node.args and _is_exempt(ctx, node.func) and \
                isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Call)):
            # csrf_exempt(view): unless the view (a def or class of this
            # module, found when the file ends) checks CSRF itself
            found = self.found(node, what=f"{dotted(node.func) or 'csrf_exempt'}(...)")
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
                owner, at=target, what=f"@{dotted(target) or 'csrf_exempt'}")))
        return None

    def finish_file(self, ctx):
        facts = ctx.file_state_of(self)
        found = []
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
