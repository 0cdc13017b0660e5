"""How a view authenticates: the session cookie, a token (API key, header,
signature, a capability in the URL), or a server-to-server callback.

Derived per view from what its code states, without rules: its decorators
(and, through the project facts, what an imported decorator does), the
bases of its class, its body, and the same-module functions it hands the
request to (two levels).  CSRF (SCG503) and rate limits (SCG904) read it.

The session cookie is the default: a view that shows nothing is
``AuthMode("session", evidence=None)``, and ``proven`` is False.
"""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.models import auth as A
from secguide.analysis.auth_shapes import (_capability_params, _dependencies, _header_key,
                                           _is_headers, _is_request, _is_request_obj,
                                           _request_names)
from secguide.vocab import PERMISSION_DECORATORS, words

#: how deep the request is followed into same-module functions
MAX_DEPTH = 2
#: nodes read per function (bounded like the project facts)
MAX_NODES = 5_000


class AuthMode:
    """``kind``: "session", "token" or "callback"; ``evidence``: what decided
    it (None: nothing, the session by default); ``principal``: what shows an
    authenticated caller (a login/token decorator, a principal dependency,
    a read of the user), or None; ``unresolved``: functions of other modules
    the request is handed to, whose effect is not known; ``checks_credential``:
    the view (or a function of this module it calls) verifies a password,
    code or token it was given (``user.verify_password(...)``,
    ``check_password``, an OTP ``verify``, a comparison of a credential)."""

    __slots__ = ("kind", "evidence", "principal", "unresolved", "checks_credential")

    def __init__(self, kind: str = "session", evidence: str | None = None,
                 principal: str | None = None, unresolved: tuple = (),
                 checks_credential: bool = False):
        self.kind = kind
        self.evidence = evidence
        self.principal = principal
        self.unresolved = unresolved
        self.checks_credential = checks_credential

    @property
    def proven(self) -> bool:
        return self.evidence is not None

    @property
    def cookie(self) -> bool:
        return self.kind == "session"

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return (f"AuthMode({self.kind!r}, evidence={self.evidence!r}, "
                f"principal={self.principal!r}, unresolved={self.unresolved!r})")


class _Seen:
    """Evidence collected over a view and the functions it calls."""

    __slots__ = ("token", "session", "signed", "callback", "principal", "unresolved",
                 "checks_credential")

    def __init__(self):
        self.token: str | None = None      # a token decorator or header
        self.session: str | None = None    # the cookie session or its user
        self.signed: str | None = None     # a signature or a capability in the URL
        self.callback: str | None = None   # the raw body is read
        self.principal: str | None = None
        self.unresolved: list[str] = []
        self.checks_credential = False

    def mode(self) -> AuthMode:
        mode = self._mode(tuple(dict.fromkeys(self.unresolved)))
        mode.checks_credential = self.checks_credential
        return mode

    def _mode(self, unresolved: tuple) -> AuthMode:
        if self.token:
            return AuthMode("token", self.token, self.principal or self.token, unresolved)
        if self.session:
            return AuthMode("session", self.session, self.principal, unresolved)
        if self.signed:
            return AuthMode("token", self.signed, self.principal, unresolved)
        if self.callback:
            return AuthMode("callback", self.callback, self.principal, unresolved)
        return AuthMode("session", None, self.principal, unresolved)


class AuthIndex:
    """The module's definitions the derivation needs: module-level defs and
    classes by name, the class of each method, routers built with
    dependencies.  ``head_qual(name)`` gives what a module-level name is
    bound to (imports); ``project`` answers questions about imported
    functions (or is None)."""

    def __init__(self, tree: ast.Module, head_qual, project=None):
        self.head_qual = head_qual
        self.project = project
        self.defs: dict[str, ast.AST] = {}
        self.owner: dict[int, ast.ClassDef] = {}
        self.routers: dict[str, list] = {}
        #: ``router = APIRouter()`` without dependencies: another module
        #: (the app setup) may include it with some
        self.bare_routers: set[str] = set()
        self._cache: dict[int, AuthMode] = {}
        for st in tree.body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs.setdefault(st.name, st)
                if isinstance(st, ast.ClassDef):
                    for m in st.body:
                        if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            self.owner[id(m)] = st
            elif isinstance(st, ast.Assign) and isinstance(st.value, ast.Call):
                deps = _dependencies(st.value)
                if deps:
                    for t in st.targets:
                        if isinstance(t, ast.Name):
                            self.routers[t.id] = deps
                elif (dotted(st.value.func) or "").rsplit(".", 1)[-1] == "APIRouter":
                    self.bare_routers.update(
                        t.id for t in st.targets if isinstance(t, ast.Name))
            elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
                call = st.value
                # app.include_router(router, dependencies=[...])
                if isinstance(call.func, ast.Attribute) and call.func.attr == "include_router" \
                        and call.args and isinstance(call.args[0], ast.Name):
                    deps = _dependencies(call)
                    if deps:
                        self.routers.setdefault(call.args[0].id, []).extend(deps)

    def qual(self, node: ast.AST) -> str:
        """The qualified name of a name/attribute chain through the module's
        imports (``g.user`` -> ``flask.g.user``), else the chain as written."""
        d = dotted(node) or ""
        head, _, rest = d.partition(".")
        q = self.head_qual(head) if head else None
        return (q + ("." + rest if rest else "")) if q else d

    def mode(self, view: ast.AST) -> AuthMode:
        got = self._cache.get(id(view))
        if got is None:
            seen = _Seen()
            if isinstance(view, ast.ClassDef):
                self._class(view, seen, 0, set())
            else:
                cls = self.owner.get(id(view))
                if cls is not None:
                    self._class_bases(cls, seen)
                    _self_principal(cls, seen)
                self._function(view, seen, 0, set())
            got = self._cache[id(view)] = seen.mode()
        return got

    # -- the parts ------------------------------------------------------------
    def _class(self, cls: ast.ClassDef, seen: _Seen, depth: int, done: set) -> None:
        self._class_bases(cls, seen)
        _self_principal(cls, seen)
        for m in cls.body:
            if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._function(m, seen, depth, done)

    def _class_bases(self, cls: ast.ClassDef, seen: _Seen) -> None:
        # @method_decorator(login_required, name="dispatch") on the class
        self._decorators(cls, seen)
        for b in cls.bases:
            name = (dotted(b) or "").rsplit(".", 1)[-1]
            if name in A.SESSION_VIEW_BASES:
                seen.session = seen.session or name
                seen.principal = seen.principal or name
            local = self.defs.get(name)
            if isinstance(local, ast.ClassDef) and local is not cls:
                # a same-module base (a controller base reading self.user)
                _self_principal(local, seen)
        for st in cls.body:
            if isinstance(st, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "authentication_classes" for t in st.targets):
                names = [(dotted(e) or "") for e in ast.walk(st.value) if isinstance(e, ast.Name)]
                if any("Session" in n for n in names):
                    seen.session = seen.session or "SessionAuthentication"
                elif names:
                    seen.token = seen.token or "authentication_classes"

    def _function(self, fn, seen: _Seen, depth: int, done: set) -> None:
        if id(fn) in done:
            return
        done.add(id(fn))
        self._decorators(fn, seen)
        self._dependencies(fn, seen)
        self._body(fn, seen, depth, done)

    def _decorators(self, fn, seen: _Seen) -> None:
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if isinstance(dec, ast.Call) and (dotted(dec.func) or "").endswith("method_decorator") \
                    and dec.args:
                target = dec.args[0].func if isinstance(dec.args[0], ast.Call) else dec.args[0]
            name = (dotted(target) or "").rsplit(".", 1)[-1]
            if not name:
                continue
            if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) \
                    and isinstance(dec.func.value, ast.Name) and dec.func.value.id in self.routers:
                # @router.post(...) on a router built with dependencies=[...]
                self._router_dependencies(self.routers[dec.func.value.id], seen)
            elif isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) \
                    and isinstance(dec.func.value, ast.Name) \
                    and dec.func.value.id in self.bare_routers and self.project is not None:
                # included by the app's setup with dependencies=[...]
                self._included_dependencies(dec.func.value.id, seen)
            if self._is_token_decorator(target, name):
                seen.token = seen.token or f"@{name}"
                seen.principal = seen.principal or f"@{name}"
            elif name in A.SESSION_DECORATORS or PERMISSION_DECORATORS.match(name) or \
                    self._project_auth(target):
                seen.session = seen.session or f"@{name}"
                seen.principal = seen.principal or f"@{name}"

    def _is_token_decorator(self, target, name: str) -> bool:
        if name in A.TOKEN_DECORATORS:
            return True
        local = self.defs.get(name) if isinstance(target, ast.Name) else None
        if isinstance(local, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # a decorator of this module: does its body read a token?
            probe = _Seen()
            self._body(local, probe, MAX_DEPTH, set())
            return bool(probe.token or probe.signed) and not probe.session
        p = self.project
        return p is not None and p.is_token_auth_decorator(self.qual(target))

    def _project_auth(self, target) -> bool:
        p = self.project
        if p is None or (isinstance(target, ast.Name) and target.id in self.defs):
            return False
        return p.is_auth_decorator(self.qual(target))

    def _dependencies(self, fn, seen: _Seen) -> None:
        """FastAPI ``Depends(x)``/``Security(x)`` parameters that give the principal."""
        args = fn.args
        pos = args.posonlyargs + args.args
        defaults = [None] * (len(pos) - len(args.defaults)) + list(args.defaults)
        for a, d in list(zip(pos, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults)):
            calls = [d] if isinstance(d, ast.Call) else []
            if isinstance(a.annotation, ast.Subscript):
                calls += [e for e in ast.walk(a.annotation.slice) if isinstance(e, ast.Call)]
            elif isinstance(a.annotation, (ast.Name, ast.Attribute)) and self.project is not None:
                # user: CurrentUser, an alias of Annotated[User, Depends(...)]
                deps = self.project.dependency_alias(self.qual(a.annotation))
                if deps:
                    self._stated_dependencies(deps, seen, "")
            self._router_dependencies(calls, seen)

    def _router_dependencies(self, calls: list, seen: _Seen) -> None:
        for call in calls:
            kind = (dotted(call.func) or "").rsplit(".", 1)[-1]
            if kind not in ("Depends", "Security"):
                continue
            dep = call.args[0] if call.args else next(
                (k.value for k in call.keywords if k.arg == "dependency"), None)
            dep_name = (dotted(dep) or "").rsplit(".", 1)[-1] if dep is not None else ""
            if kind == "Security" or dep_name and (
                    A.PRINCIPAL_DEPENDENCY.match(dep_name) or self._project_auth(dep)):
                seen.principal = seen.principal or f"Depends({dep_name or kind})"
                if dep is not None and self.project is not None and \
                        self.project.is_token_auth_decorator(self.qual(dep)):
                    seen.token = seen.token or f"Depends({dep_name})"

    def _included_dependencies(self, router: str, seen: _Seen) -> None:
        """``app.include_router(<this module>.router, dependencies=[Depends(x)])``
        in an app setup module: the router's routes have the principal when
        ``x`` gives one (the same test as a dependency stated here)."""
        self._stated_dependencies(self.project.included_router(router), seen,
                                  " on include_router")

    def _stated_dependencies(self, deps: list, seen: _Seen, where: str) -> None:
        """Project facts' ``"Depends:pkg.deps.auth"`` entries: the principal
        when one gives it (the same test as a dependency stated here)."""
        p = self.project
        for dep in deps:
            kind, _, qual = dep.partition(":")
            name = qual.rsplit(".", 1)[-1]
            if kind == "Security" or name and (
                    A.PRINCIPAL_DEPENDENCY.match(name) or p.is_auth_decorator(qual)):
                seen.principal = seen.principal or f"Depends({name or kind}){where}"
                if qual and p.is_token_auth_decorator(qual):
                    seen.token = seen.token or f"Depends({name})"
                return

    def _body(self, fn, seen: _Seen, depth: int, done: set) -> None:
        req = _request_names(fn)
        caps = _capability_params(fn)
        count = 0
        for n in ast.walk(fn):
            count += 1
            if count > MAX_NODES:
                break
            t = type(n)
            if t is ast.Attribute:
                self._attribute(n, req, seen)
            elif t is ast.Subscript:
                key = _header_key(n.slice)
                if key and _is_headers(n.value, req):
                    seen.token = seen.token or f"{key} header"
            elif t is ast.Compare:
                if len(n.ops) == 1 and isinstance(n.ops[0], (ast.In, ast.NotIn)):
                    key = _header_key(n.left)
                    if key and _is_headers(n.comparators[0], req):
                        seen.token = seen.token or f"{key} header"
                if not seen.checks_credential and _credential_compare(n):
                    seen.checks_credential = True
            elif t is ast.Call:
                self._call(fn, n, req, caps, seen, depth, done)
            elif t is ast.Name and n.id not in req and isinstance(n.ctx, ast.Load):
                q = self.qual(n)
                if q in A.SESSION_NAMES:
                    seen.session = seen.session or q
                    seen.principal = seen.principal or q

    def _attribute(self, n: ast.Attribute, req: frozenset, seen: _Seen) -> None:
        base = n.value
        if _is_request(base, req, self):
            if n.attr in A.SESSION_REQUEST_ATTRS:
                what = f"request.{n.attr}"
                seen.session = seen.session or what
                if n.attr == "user":
                    seen.principal = seen.principal or what
            elif n.attr in A.RAW_BODY_ATTRS:
                seen.callback = seen.callback or f"request.{n.attr}"
            return
        if isinstance(base, ast.Name) and base.id == "self" and n.attr in A.PRINCIPAL_SELF_ATTRS:
            seen.principal = seen.principal or f"self.{n.attr}"
            return
        q = self.qual(n)
        if q in A.SESSION_NAMES:
            seen.session = seen.session or q
            seen.principal = seen.principal or q

    def _call(self, fn, n: ast.Call, req: frozenset, caps: frozenset, seen: _Seen,
              depth: int, done: set) -> None:
        func = n.func
        name = (dotted(func) or "").rsplit(".", 1)[-1] if not isinstance(func, ast.Attribute) \
            else func.attr
        if not seen.checks_credential and _credential_check(name):
            seen.checks_credential = True
        if name == "get" and n.args and isinstance(func, ast.Attribute):
            key = _header_key(n.args[0])
            if key and _is_headers(func.value, req):
                seen.token = seen.token or f"{key} header"
                return
        if name in A.SIGNATURE_METHODS or name.startswith(A.SIGNATURE_PREFIXES) or \
                (dotted(func) or "") in A.SIGNED_LOADS:
            seen.signed = seen.signed or f"{name}()"
            return
        q = self.qual(func)
        if q in A.SESSION_CALLS:
            seen.session = seen.session or f"{q}()"
            return
        if caps and name in A.LOOKUP_CALLS:
            vals = list(n.args) + [k.value for k in n.keywords]
            hit = next((v.id for v in vals if isinstance(v, ast.Name) and v.id in caps), None)
            if hit:
                seen.signed = seen.signed or f"capability '{hit}' in the URL"
                return
        # the request handed to another function
        if not any(_is_request_obj(a, req) for a in list(n.args) + [k.value for k in n.keywords]):
            return
        if name in A.REQUEST_NEUTRAL_CALLS or isinstance(func, ast.Attribute) and \
                isinstance(func.value, ast.Call) and (dotted(func.value.func) or "") == "super":
            return
        target = None
        if isinstance(func, ast.Name):
            target = self.defs.get(func.id)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id == "self":
            cls = self.owner.get(id(fn))
            target = next((m for m in cls.body if getattr(m, "name", None) == func.attr),
                          None) if cls is not None else None
            if target is None:
                return  # a framework base class's method
        if isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if depth < MAX_DEPTH:
                self._function(target, seen, depth + 1, done)
            return
        if isinstance(target, ast.ClassDef):
            return
        p = self.project
        qual = self.qual(func)
        if p is not None and p.is_token_auth_decorator(qual):
            seen.token = seen.token or f"{name}()"
            return
        if p is not None and p.is_auth_decorator(qual):
            # a project function that denies unless the caller is authenticated
            seen.session = seen.session or f"{name}()"
            seen.principal = seen.principal or f"{name}()"
            return
        seen.unresolved.append(qual or name)


def _self_principal(cls: ast.ClassDef, seen: _Seen) -> None:
    """A method of the class reads ``self.user`` (a controller whose base
    gives the authenticated user)."""
    if seen.principal:
        return
    for n in ast.walk(cls):
        if isinstance(n, ast.Attribute) and n.attr in A.PRINCIPAL_SELF_ATTRS and \
                isinstance(n.value, ast.Name) and n.value.id == "self":
            seen.principal = f"self.{n.attr}"
            return


def _credential_check(name: str) -> bool:
    """A call that checks a guessed credential: ``verify_password``,
    ``check_otp``, ``bcrypt.checkpw``, passlib/pyotp ``verify``."""
    if name in A.CREDENTIAL_CHECK_CALLS:
        return True
    ws = {w.lower() for w in words(name)}
    return not ws.isdisjoint(A.CREDENTIAL_CHECK_VERBS) and \
        not ws.isdisjoint(A.CREDENTIAL_WORDS)


def _credential_compare(n: ast.Compare) -> bool:
    """``code == expected_code``: a comparison of a credential-named value."""
    for side in (n.left, *n.comparators):
        name = (dotted(side) or "").rsplit(".", 1)[-1]
        if name and not {w.lower() for w in words(name)}.isdisjoint(A.CREDENTIAL_WORDS):
            return True
    return False
