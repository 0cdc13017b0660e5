"""Guards (CodeQL's barrier guards): checks in an ``if`` test after which a
value is safe on one path.

* an allow-list test (``x in ALLOWED``, ``x == "a"``) makes ``x`` an allowed
  constant on the path where it holds, and makes the data it came from safe
  for the ``CHECKED_KINDS`` (``urlparse(url).hostname in HOSTS`` checks url);
* ``p.startswith(base)`` / ``p.is_relative_to(base)``: safe for "path";
* ``url.startswith("/") and not url.startswith("//")`` and a false
  ``urlparse(url).netloc``: a site-relative URL, safe for "redirect";
* a URL passed to a validator of ``models/sinks.VALIDATORS`` anywhere in the
  test: safe for its kind on both paths.
"""
from __future__ import annotations

import ast

from secguide import labels as L
from secguide.analysis.functions import dotted
from secguide.analysis.values import ANYCONST, Value
from secguide.models import sinks
from secguide.models.system import PARENT_DIR, PATH_PREFIX_CALLS, PATH_TEXT_CALLS
from secguide.models.frameworks import (CHECKED_KINDS, MEMBERSHIP_CHECKED_KINDS, NETLOC_ATTR, PATH_CHECK_METHODS,
                                        SQL_QUOTES, URL_PARSERS)

_PATH_SAN = frozenset({"path"})
#: left sides of a comparison that may be a path guard (``".." in p``, a call)
_PATH_CHECK_SIDES = (ast.Constant, ast.Call)
_REDIRECT_SAN = frozenset({"redirect"})
_SQL_SAN = frozenset({"sql"})
#: environment key prefix of request reads checked as a whole expression
_EXPR_KEY = "\0checked:"


class GuardsMixin:
    """Narrowing of the environment by ``if`` tests and comprehension filters."""

    def _validators(self, test: ast.AST) -> None:
        """A URL passed to a validator in an ``if`` test counts as checked on
        both paths: ``if not is_safe(url): url = "/"`` and the compound
        conditions around it are too varied to follow branch by branch."""
        t = type(test)
        if t is ast.BoolOp:
            for v in test.values:
                self._validators(v)
        elif t is ast.UnaryOp:
            self._validators(test.operand)
        elif t is ast.Call:
            q = self.call_name(test)
            name = dotted(test.func) or ""
            kind = sinks.VALIDATORS.get(q or "") or sinks.VALIDATORS.get(name) or \
                sinks.VALIDATORS.get(name.rsplit(".", 1)[-1])
            subject = test.args[0] if test.args else self.keyword(test, "url")
            if kind is None and subject is not None and self.value(subject).taint:
                # a guard of the project matters only for untrusted data:
                # other modules are read only then
                kind = self._project_validator(q or name)
            if kind is not None and subject is not None:
                self._mark_checked(subject, frozenset({kind}), clean=False)

    def _rechecked(self, node: ast.Call, v: Value) -> Value:
        """``v``, the value of a call on the request, with the kinds it was
        checked for when the same call was checked earlier in this scope."""
        try:
            text = ast.unparse(node)
        except Exception:  # pragma: no cover - unparse of odd trees
            return v
        mark = self._lookup_dotted(_EXPR_KEY + text)
        if mark is None:
            return v
        kinds = frozenset(lab[len(L.SAFE_PREFIX):] for lab in mark.labels
                          if lab.startswith(L.SAFE_PREFIX))
        return v.copy(taint=tuple(o._replace(san=o.san | kinds) for o in v.taint))

    def _project_validator(self, qual: str | None) -> str | None:
        """The kind a guard function of the project checks its first argument
        for (``safe_for_redirect(url)`` wrapping
        ``url_has_allowed_host_and_scheme``), from the project facts the
        engine attaches as ``project`` (absent when the analysis runs alone or
        project facts are off)."""
        project = getattr(self, "project", None)
        if project is None or not qual:
            return None
        facts = project.function(qual)
        return facts.validates or None if facts is not None else None

    def _narrow(self, test: ast.AST, positive: bool) -> None:
        """On the path where ``test`` is ``positive``, a name checked against
        an allow-list (``x in ALLOWED``) holds only allowed constants."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._narrow(test.operand, not positive)
        if isinstance(test, ast.BoolOp):
            if isinstance(test.op, ast.And) == positive:
                for v in test.values:
                    self._narrow(v, positive)
                self._relative_url_check(test.values, positive)
                self._quote_check(test.values, positive)
            return None
        if isinstance(test, ast.Call) and test.args and isinstance(test.func, ast.Attribute) \
                and test.func.attr in PATH_CHECK_METHODS and positive:
            subject = test.func.value
            if type(subject) is ast.Call and len(subject.args) == 1 and \
                    self.call_name(subject) in PATH_TEXT_CALLS:
                subject = subject.args[0]  # str(p).startswith(base): p is checked
            self._mark_checked(subject, _PATH_SAN, clean=False)
            return None
        if isinstance(test, ast.Attribute) and test.attr == NETLOC_ATTR and not positive and \
                isinstance(test.value, ast.Call) and test.value.args and \
                self.call_name(test.value) in URL_PARSERS:
            # ``if urlparse(url).netloc: url = "/"``: past it, url is site-relative
            self._mark_checked(test.value.args[0], _REDIRECT_SAN, clean=False)
            return None
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        op = test.ops[0]
        if (type(test.left) in _PATH_CHECK_SIDES or type(test.comparators[0]) is ast.Call) \
                and self._path_check(test, op, positive):
            return None
        right = self.value(test.comparators[0])
        member = (isinstance(op, ast.In) and positive) or (isinstance(op, ast.NotIn) and not positive)
        equal = (isinstance(op, ast.Eq) and positive) or (isinstance(op, ast.NotEq) and not positive)
        if (member or equal) and right.is_const:
            self._mark_checked(test.left, CHECKED_KINDS, clean=True,
                               text=right.text if equal else "")
        elif member and not right.taint and right.typ != "str":
            # ``if name in os.listdir(BASE)``, ``if col in COLUMNS``: a member
            # of a collection the server built (not a substring of a text)
            self._mark_checked(test.left, MEMBERSHIP_CHECKED_KINDS, clean=False)
        return None

    def _path_check(self, test: ast.Compare, op: ast.cmpop, positive: bool) -> bool:
        """Path guards: ``".." not in p`` holds (``if ".." in p: abort()``),
        or ``os.path.commonpath([base, p]) == base`` holds: ``p`` (its data)
        is safe for file paths on this path.  True when ``test`` is one."""
        left = test.left
        tl = type(left)
        if tl is ast.Constant:
            if left.value == PARENT_DIR and (type(op) is ast.In) != positive and \
                    type(op) in (ast.In, ast.NotIn):
                self._mark_checked(test.comparators[0], _PATH_SAN, clean=False)
                return True
            return False
        if type(op) not in (ast.Eq, ast.NotEq):
            return False
        for side in (left, test.comparators[0]):
            if type(side) is ast.Call and self.call_name(side) in PATH_PREFIX_CALLS:
                if (type(op) is ast.Eq) == positive:
                    for a in side.args:
                        for e in (a.elts if type(a) in (ast.List, ast.Tuple) else (a,)):
                            if self.value(e).taint:
                                self._mark_checked(e, _PATH_SAN, clean=False)
                return True
        return False

    def _quote_check(self, atoms: list, positive: bool) -> None:
        """``'"' not in x and "'" not in x`` holds on this path: ``x`` cannot
        close a quoted SQL literal or identifier (every quote character of
        ``models.frameworks.SQL_QUOTES`` is excluded)."""
        seen: dict[str, tuple[ast.AST, set]] = {}
        for atom in atoms:
            polarity = positive
            while isinstance(atom, ast.UnaryOp) and isinstance(atom.op, ast.Not):
                atom, polarity = atom.operand, not polarity
            if not (isinstance(atom, ast.Compare) and len(atom.ops) == 1
                    and isinstance(atom.ops[0], (ast.In, ast.NotIn))
                    and isinstance(atom.left, ast.Constant) and atom.left.value in SQL_QUOTES):
                continue
            if isinstance(atom.ops[0], ast.NotIn) == polarity:
                subject = atom.comparators[0]
                key = dotted(subject)
                if key:
                    seen.setdefault(key, (subject, set()))[1].add(atom.left.value)
        for node, quotes in seen.values():
            if quotes >= SQL_QUOTES:
                self._mark_checked(node, _SQL_SAN, clean=False)

    def _relative_url_check(self, atoms: list, positive: bool) -> None:
        """``url.startswith("/") and not url.startswith("//")`` holds on this
        path: the URL is relative to this site (Flask's is_safe_url idiom)."""
        starts: dict[str, tuple[ast.AST, set]] = {}
        for atom in atoms:
            polarity = positive
            while isinstance(atom, ast.UnaryOp) and isinstance(atom.op, ast.Not):
                atom, polarity = atom.operand, not polarity
            if isinstance(atom, ast.Call) and isinstance(atom.func, ast.Attribute) and \
                    atom.func.attr == "startswith" and len(atom.args) == 1:
                prefix = self.value(atom.args[0])
                subject = dotted(atom.func.value)
                if subject and prefix.known and prefix.cval in ("/", "//"):
                    starts.setdefault(subject, (atom.func.value, set()))[1].add(
                        (prefix.cval, polarity))
        for node, seen in starts.values():
            if ("/", True) in seen and ("//", False) in seen:
                self._mark_checked(node, _REDIRECT_SAN, clean=False)

    def _mark_checked(self, subject: ast.AST, kinds: frozenset, clean: bool,
                      text: str = "") -> None:
        """On this path ``subject`` passed a check: a name compared with an
        allow-list holds an allowed constant; the data it came from
        (``urlparse(url).hostname in ALLOWED`` checks ``url``) is safe for
        ``kinds`` wherever it flows in this scope."""
        self._memo = {}  # the environment changes below: no stale values
        cur = self.value(subject)
        if clean and isinstance(subject, ast.Name):
            self.scope.env[subject.id] = Value(
                cval=ANYCONST, raw=False, typ=cur.typ if cur.typ != "map" else None,
                labels=cur.labels, text=text)
        origins = set(cur.taint)
        if origins and type(subject) is ast.Call:
            # ``is_safe_url(request.args.get("next"))`` then
            # ``redirect(request.args.get("next"))``: the same read of the
            # request gives the same value within the function
            self.scope.env[_EXPR_KEY + ast.unparse(subject)] = Value(
                labels=frozenset(L.safe(k) for k in kinds))
            self._checked_exprs = True
        if not origins:
            if isinstance(subject, ast.Name) and not clean:
                self.scope.env[subject.id] = cur.copy(
                    labels=cur.labels | frozenset(L.safe(k) for k in kinds))
            return
        env = self.scope.env
        for name, v in list(env.items()):
            if v.taint and not origins.isdisjoint(v.taint):
                env[name] = v.copy(taint=tuple(
                    o._replace(san=o.san | kinds) if o in origins else o for o in v.taint))
        if isinstance(subject, ast.Name) and not clean and L.has_arg(cur.labels):
            # a helper's parameter (with data of its own mixed in): the
            # summary says the argument came back checked
            v = env.get(subject.id)
            if v is not None:
                env[subject.id] = v.copy(labels=v.labels | frozenset(L.safe(k) for k in kinds))
