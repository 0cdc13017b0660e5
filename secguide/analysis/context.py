"""FileContext: the one pass over a file that every rule rides on.

The walk goes statement by statement, keeping an environment of abstract
values (``Value``) for the names of the current scope: imports become
qualified names, assignments become constants, built strings or untrusted
data.  Branches are walked on copies and joined; a branch whose condition
folds to a constant contributes only its live arm.  Module-level code is
walked first; function bodies afterwards, against the module's final state
(as at run time), so a function sees every import and module constant.

At each node whose type a rule asked for, the rule's ``check`` runs with the
environment as it is at that point.  Rules ask ``ctx.value(expr)`` and
``ctx.qualname(expr)``; they never walk the tree themselves.
"""
from __future__ import annotations

import ast
import contextlib
import functools
import operator
import re
from typing import Callable

from secguide.analysis.functions import (NUMERIC_ANNOTATIONS, NUMERIC_CONVERTERS,
                                         ClassInfo, FunctionInfo,
                                         analyse_function, dotted)
from secguide.analysis.values import (ANYCONST, EMPTY, NOVAL, NUMBER, SAFE_LABELS,
                                      UNKNOWN, Origin, Value, const, join,
                                      merge_taint, sanitize)
from secguide.models import crypto, db, sinks, web
from secguide.models.sanitizers import (CLEAN_STR_METHODS, method_sanitizer,
                                        SANITIZERS)
from secguide.options import Options
from secguide.rule import Finding, Rule
from secguide.vocab import (LOGGABLE_SECRET_KINDS, NOT_PASSWORD_TAILS, is_password_name,
                            secret_kind)

_BUILTINS = frozenset(dir(__import__("builtins")))
PASSWORD = frozenset({"password"})
EXCEPTION = frozenset({"exception"})
SECRET = frozenset({"secret"})
RANDOM = frozenset({"random"})
MARKUP = frozenset({"markup"})
_NUMERIC_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.LShift: operator.lshift, ast.BitOr: operator.or_, ast.BitAnd: operator.and_,
}
#: return types of calls: qualified name of the call -> type name of the result
RETURN_TYPES: dict[str, str] = {
    **db.CONNECT_CALLS,
    "dbapi.Connection.cursor": "dbapi.Cursor",
    "dbapi.Connection.acquire": "dbapi.Connection",
    "dbapi.Connection.transaction": "dbapi.Connection",
    "sqlalchemy.Engine.connect": "dbapi.Connection",
    "sqlalchemy.Engine.begin": "dbapi.Connection",
    "sqlalchemy.orm.Session": "dbapi.Connection",
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.sessionmaker",
    "sqlalchemy.sessionmaker": "dbapi.Connection",
    "django.db.connection.cursor": "dbapi.Cursor",
    **{h: crypto.HASH_OBJECT for h in crypto.FAST_HASHES},
    "hashlib.new": crypto.HASH_OBJECT,
    "hmac.new": "hmac.HMAC",
    "flask.Flask": "flask.Flask",
    **{c: "mongo.Client" for c in sinks.MONGO_CLIENTS},
    "flask_pymongo.PyMongo": "mongo.PyMongo",
    "requests.Session": "requests.Session", "requests.session": "requests.Session",
    "httpx.Client": "httpx.Client", "httpx.AsyncClient": "httpx.AsyncClient",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "jinja2.Environment": "jinja2.Environment",
    "builtins.open": "io.File", "io.open": "io.File", "codecs.open": "io.File",
    "socket.socket": "socket.socket",
    "fastapi.FastAPI": "fastapi.FastAPI",
    "fastapi.APIRouter": "fastapi.APIRouter",
}
_ADDERS = frozenset({"append", "extend", "insert", "add", "appendleft", "update"})
_STMT_NOOP = (ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal)
_TERMINATORS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_TERMINATING_CALLS = frozenset({"abort", "redirect", "exit", "_exit", "fail"})
_MAX_TEXT = 400
#: where a non-constant value was pasted into a built string's text
HOLE = "\x01"


class _Scope:
    __slots__ = ("env", "parent", "is_class", "counts")

    def __init__(self, parent: "_Scope | None", is_class: bool = False):
        self.env: dict[str, Value] = {}
        self.parent = parent
        self.is_class = is_class
        self.counts: dict[str, int] | None = None


#: dispatch key of an Assign to plain names inside a function
LOCAL_ASSIGN = "local-assign"
#: key, in the call index, of the rules that see every call with keywords
KEYWORD_CALLS = "(keywords)"
#: dispatch key of the Constant rules: they see string constants only
STR_CONSTANT = "str-constant"


class DispatchTables:
    """Which rules see which nodes: built once per rule selection, read-only.

    ``dispatch`` maps a node class to its rules; Call rules that declare
    ``calls`` are indexed by qualified or last name in ``calls`` instead
    (and under ``KEYWORD_CALLS`` with ``calls_with_keywords``); Constant
    rules sit under ``STR_CONSTANT`` and Assign rules that look at plain
    local assignments also under ``LOCAL_ASSIGN``.
    The ``*_plain`` tables leave out rules that only run in route handlers.
    """

    __slots__ = ("dispatch", "dispatch_plain", "calls", "calls_plain", "finishers",
                 "file_finishers")

    def __init__(self, rules: list[Rule], test_file: bool = False):
        if test_file:
            rules = [r for r in rules if not r.skip_test_files]
        dispatch: dict[type, tuple] = {}
        plain: dict[type, tuple] = {}
        calls: dict[str, tuple] = {}
        calls_plain: dict[str, tuple] = {}
        for rule in rules:
            for t in rule.node_types:
                if t is ast.Call and rule.calls is not None:
                    keys = rule.calls | {KEYWORD_CALLS} if rule.calls_with_keywords else rule.calls
                    for key in keys:
                        calls[key] = calls.get(key, ()) + (rule,)
                        if not rule.needs_route:
                            calls_plain[key] = calls_plain.get(key, ()) + (rule,)
                    continue
                dispatch[t] = dispatch.get(t, ()) + (rule,)
                if not rule.needs_route:
                    plain[t] = plain.get(t, ()) + (rule,)
        # ``name = value`` inside a function: the Assign rules that look at it
        for table in (dispatch, plain):
            if ast.Constant in table:
                table[STR_CONSTANT] = table.pop(ast.Constant)
            if ast.Assign in table:
                table[LOCAL_ASSIGN] = tuple(r for r in table[ast.Assign] if r.sees_local_assigns)
        self.dispatch = dispatch
        self.dispatch_plain = plain
        self.calls = calls
        self.calls_plain = calls_plain
        self.finishers = tuple(r for r in rules
                               if type(r).finish_function is not Rule.finish_function)
        self.file_finishers = tuple(r for r in rules
                                    if type(r).finish_file is not Rule.finish_file)


class FileContext:
    """Per-file analysis state.  Nothing here outlives the file."""

    def __init__(self, tree: ast.Module, filename: str, tables: "DispatchTables",
                 options: Options):
        self.tree = tree
        self.filename = filename
        self.options = options
        self.findings: dict[tuple[str, int], Finding] = {}
        self.fn: FunctionInfo | None = None
        self._dispatch = tables.dispatch
        self._dispatch_plain = tables.dispatch_plain
        self._calls = tables.calls
        self._calls_plain = tables.calls_plain
        self._finishers = tables.finishers
        self._file_finishers = tables.file_finishers
        self._rule_states: dict = {}
        self._active = self._dispatch_plain
        self._active_calls = self._calls_plain
        self._memo: dict[int, Value] = {}
        self._deferred: list = []
        #: return value of each analysed function of this file, by def node
        self._summaries: dict[int, Value] = {}
        self._in_progress: set[int] = set()
        self._returns: list | None = None
        self._class_info: ClassInfo | None = None
        #: per-rule scratch space for the whole file (rules own their keys)
        self.file_state: dict = {}
        #: pydantic-style models of this file: name -> field -> shape
        self._models: dict[str, dict[str, str]] = {}
        self._module_has: set[str] = set()
        self._url_views: frozenset = frozenset()
        self._label_cache: dict[str, frozenset] = {}
        #: the user's extra password and secret names, lower-cased
        self.extra_password_names = self._extra_pw = tuple(
            n.lower() for n in options.password_names)
        self.extra_secret_names = self._extra_secret = tuple(
            n.lower() for n in options.secret_names)
        self._user_san: dict[str, str] = {
            **{n: "html" for n in options.html_sanitizers},
            **{n: "sql" for n in options.sql_sanitizers}}
        self.scope = _Scope(None)
        self.scope.counts = {}
        #: test modules and test settings (see _test_file)
        self.is_test_file = self._test_file(filename)
        self._call_names: dict[int, str | None] = {}
        #: first names of the ``a.b`` keys ever bound in an environment: an
        #: attribute of any other name is not looked up as a dotted key
        self._dotted_bases: set[str] = set()
        self._module_scope = self.scope

    # ------------------------------------------------------------------ API
    def run(self) -> list[Finding]:
        self._url_views = _url_views(self.tree.body)
        self._block(self.tree.body)
        self._finish_module()
        while self._deferred:
            self._function(*self._deferred.pop(0))
        self.fn = None
        for r in self._file_finishers:
            res = r.finish_file(self)
            if res:
                self._emit(r, res)
        return sorted(self.findings.values(), key=lambda f: (f.line, f.col, f.code))

    def report(self, rule: Rule | type[Rule], node: ast.AST, *,
               severity: str | None = None, confidence: str | None = None,
               at: ast.AST | None = None, **fields: object) -> None:
        """Record a finding of ``rule`` on ``node`` (one per rule and node).

        ``at`` places the finding on the position of another node (a
        decorator of the ``def`` it belongs to), so the Bandit test can stay
        registered for the few node types of ``report_types``.
        """
        sev = severity or rule.severity
        key = (rule.code, id(node))
        old = self.findings.get(key)
        if old is not None and _RANK[old.severity] >= _RANK[sev]:
            return
        where = at if at is not None else node
        self.findings[key] = Finding(
            code=rule.code, line=where.lineno, col=where.col_offset,
            message=rule.format(**fields), severity=sev,
            confidence=confidence or rule.confidence, cwe=rule.cwe, node=node)

    def _emit(self, rule: Rule, reports) -> None:
        for rep in reports:
            self.report(rule, rep.node, severity=rep.severity, confidence=rep.confidence,
                        at=rep.at, **rep.fields)

    def file_state_of(self, rule: Rule):
        """The rule's per-file state (made by ``rule.file_state()`` on first use)."""
        key = type(rule)
        st = self._rule_states.get(key)
        if st is None:
            st = self._rule_states[key] = rule.file_state()
        return st

    def fn_state(self, rule: Rule):
        """The rule's state for the current function (``rule.function_state()``)."""
        states = self.fn.rule_states
        key = type(rule)
        st = states.get(key)
        if st is None:
            st = states[key] = rule.function_state()
        return st

    def has_finding(self, code: str, node: ast.AST) -> bool:
        return (code, id(node)) in self.findings

    def value(self, node: ast.AST | None) -> Value:
        """The abstract value of ``node`` at the current point."""
        if node is None:
            return UNKNOWN
        key = id(node)
        v = self._memo.get(key)
        if v is None:
            try:
                v = self._ev(node)
            except RecursionError:
                v = UNKNOWN
            self._memo[key] = v
        return v

    def qualname(self, node: ast.AST) -> str | None:
        """Qualified name of a name/attribute/call target, through imports."""
        return self.value(node).qual

    def call_name(self, call: ast.Call) -> str | None:
        """Qualified name of what ``call`` calls (``hashlib.sha256``), or None."""
        key = id(call)
        q = self._call_names.get(key, _MISSING)
        if q is _MISSING:
            q = self.value(call.func).qual
            q = web.ALIASES.get(q, q) if q else None
            self._call_names[key] = q
        return q

    @staticmethod
    def keyword(call: ast.Call, name: str) -> ast.AST | None:
        for kw in call.keywords:
            if kw.arg == name:
                return kw.value
        return None

    def arg(self, call: ast.Call, index: int | None, name: str | None) -> ast.AST | None:
        """The argument at position ``index`` or keyword ``name``."""
        if name is not None:
            for kw in call.keywords:
                if kw.arg == name:
                    return kw.value
        if index is not None and index < len(call.args):
            a = call.args[index]
            if not isinstance(a, ast.Starred) and not any(
                    isinstance(x, ast.Starred) for x in call.args[:index]):
                return a
        return None

    def source_text(self, node: ast.AST, limit: int = 40) -> str:
        try:
            text = ast.unparse(node)
        except Exception:  # pragma: no cover - unparse of odd trees
            return "value"
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def names_in_module(self, prefix: str) -> bool:
        return prefix in self._module_has

    def name_labels(self, name: str) -> frozenset:
        """Labels a value gets from what it is called: "password", "secret"."""
        lab = self._label_cache.get(name)
        if lab is None:
            lab = _name_labels(name, self._extra_pw, self._extra_secret)
            self._label_cache[name] = lab
        return lab

    @property
    def is_settings_module(self) -> bool:
        """A Django/Flask settings module (not test settings): by file name, or
        by the top-level names Django settings define."""
        cached = self.file_state.get("settings")
        if cached is None:
            base = self.filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
            path = self.filename.replace("\\", "/").lower()
            cached = not self.is_test_file and (
                base.startswith("settings") or "/settings/" in path
                or "/conf/" in path and base in ("base.py", "production.py", "prod.py")
                or sum(1 for st in self.tree.body if isinstance(st, ast.Assign)
                       and any(isinstance(t, ast.Name) and t.id in _SETTINGS_MARKERS
                               for t in st.targets)) >= 2)
            self.file_state["settings"] = cached
        return cached

    # ------------------------------------------------------------ statements
    def _block(self, body: list) -> bool:
        """Walk statements; True when the block always leaves (return/raise)."""
        for stmt in body:
            if self._stmt(stmt):
                return True
        return False

    def _stmt(self, st: ast.stmt) -> bool:
        self._memo = {}
        t = type(st)
        rules = self._active.get(t)
        if t is ast.Assign and rules and self.fn is not None and not self.scope.is_class:
            for x in st.targets:
                if type(x) is not ast.Name:
                    break
            else:
                rules = self._active.get(LOCAL_ASSIGN)
        if rules:
            for r in rules:
                res = r.check(st, self)
                if res:
                    self._emit(r, res)
        if t is ast.Assign:
            self._walk(st.value)
            v = self.value(st.value)
            for target in st.targets:
                self._walk_target(target)
                self._bind(target, v)
        elif t is ast.Expr:
            value = st.value
            if type(value) is ast.Constant:
                return False  # a docstring or bare string (Bandit skips these too)
            self._walk(value)
            if type(value) is ast.Call and type(value.func) is ast.Attribute and \
                    value.func.attr in _ADDERS and type(value.func.value) is ast.Name \
                    and value.args:
                self._add_to_container(value.func.value.id, value)
            return _is_terminating_call(value)
        elif t is ast.Return:
            if st.value is not None:
                self._walk(st.value)
            if self._returns is not None:
                self._returns.append(self.value(st.value) if st.value is not None
                                     else const(None))
            return True
        elif t is ast.If:
            return self._if(st)
        elif t is ast.AugAssign:
            self._walk(st.value)
            self._walk_target(st.target)
            if isinstance(st.target, ast.Name):
                fake = ast.BinOp(left=ast.Name(id=st.target.id, ctx=ast.Load()), op=st.op,
                                 right=st.value)
                self._bind(st.target, self._ev(fake))
            elif isinstance(st.target, ast.Attribute):
                base = self.value(st.target)
                self._bind(st.target, self._binop_values(base, st.op, self.value(st.value)))
        elif t is ast.AnnAssign:
            if st.value is not None:
                self._walk(st.value)
                self._bind(st.target, self.value(st.value))
        elif t in (ast.FunctionDef, ast.AsyncFunctionDef):
            self._def(st)
        elif t is ast.ClassDef:
            self._class(st)
        elif t in (ast.For, ast.AsyncFor):
            self._walk(st.iter)
            before = self.scope.env
            self.scope.env = dict(before)
            self._bind(st.target, _element(self.value(st.iter)))
            self._block(st.body)
            after = self._join_envs(before, self.scope.env)
            self.scope.env = after
            self._block(st.orelse)
        elif t is ast.While:
            self._walk(st.test)
            before = self.scope.env
            self.scope.env = dict(before)
            self._block(st.body)
            self.scope.env = self._join_envs(before, self.scope.env)
            self._block(st.orelse)
        elif t in (ast.With, ast.AsyncWith):
            for item in st.items:
                self._walk(item.context_expr)
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, self._with_value(item.context_expr))
            return self._block(st.body)
        elif t in (ast.Import, ast.ImportFrom):
            self._import(st)
        elif t is ast.Try or t.__name__ == "TryStar":
            return self._try(st)
        elif t is ast.Raise:
            if st.exc is not None:
                self._walk(st.exc)
            return True
        elif t is ast.Delete:
            for target in st.targets:
                if isinstance(target, ast.Name):
                    self.scope.env.pop(target.id, None)
        elif t is ast.Match:
            self._walk(st.subject)
            before = self.scope.env
            envs = []
            for case in st.cases:
                self.scope.env = dict(before)
                self._walk_pattern(case.pattern)
                if case.guard is not None:
                    self._walk(case.guard)
                if not self._block(case.body):
                    envs.append(self.scope.env)
            result = before
            for e in envs:
                result = self._join_envs(result, e)
            self.scope.env = result
        elif t is ast.Assert:
            self._walk(st.test)
        elif t in _STMT_NOOP:
            return t in (ast.Break, ast.Continue)
        else:  # TypeAlias (3.12) and anything newer: walk its expressions
            for child in ast.iter_child_nodes(st):
                if isinstance(child, ast.expr):
                    self._walk(child)
        return False

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
            kind = sinks.VALIDATORS.get(q or "") or sinks.VALIDATORS.get(
                dotted(test.func) or "")
            if kind is not None:
                subject = test.args[0] if test.args else self.keyword(test, "url")
                if subject is not None:
                    self._mark_checked(subject, frozenset({kind}), clean=False)

    def _if(self, st: ast.If) -> bool:
        """An ``if``/``elif``/``else`` chain, arm by arm (a loop, not one
        Python frame per ``elif``: a 1,000-branch chain is analysed whole).
        The environment after it joins the arms that fall through; True if
        every arm leaves (return/raise)."""
        exits: list[dict] = []
        cur = st
        while True:
            if cur is not st:  # an elif: the statement-level work _stmt does
                self._memo = {}
                for r in self._active.get(ast.If) or ():
                    res = r.check(cur, self)
                    if res:
                        self._emit(r, res)
            self._walk(cur.test)
            self._validators(cur.test)
            test = self.value(cur.test)
            orelse = cur.orelse
            elif_ = orelse[0] if len(orelse) == 1 and type(orelse[0]) is ast.If else None
            if test.known:
                if test.cval:
                    final_leaves = self._block(cur.body)
                    break
                if elif_ is not None:
                    cur = elif_
                    continue
                final_leaves = self._block(orelse)
                break
            before = self.scope.env
            self.scope.env = dict(before)
            self._narrow(cur.test, True)
            if not self._block(cur.body):
                exits.append(self.scope.env)
            self.scope.env = dict(before)
            self._narrow(cur.test, False)
            if elif_ is not None:
                cur = elif_
                continue
            final_leaves = self._block(orelse)
            break
        if not final_leaves:
            exits.append(self.scope.env)
        if not exits:
            return True  # every arm leaves: the last arm's environment stays
        env = exits[-1]
        for other in reversed(exits[:-1]):
            env = self._join_envs(other, env)
        self.scope.env = env
        return False

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
            return None
        if isinstance(test, ast.Call) and test.args and isinstance(test.func, ast.Attribute) \
                and test.func.attr in ("startswith", "is_relative_to") and positive:
            self._mark_checked(test.func.value, _PATH_SAN, clean=False)
            return None
        if isinstance(test, ast.Attribute) and test.attr == "netloc" and not positive and \
                isinstance(test.value, ast.Call) and test.value.args and \
                self.call_name(test.value) in ("urllib.parse.urlparse", "urllib.parse.urlsplit"):
            # ``if urlparse(url).netloc: url = "/"``: past it, url is site-relative
            self._mark_checked(test.value.args[0], _REDIRECT_SAN, clean=False)
            return None
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        op = test.ops[0]
        right = self.value(test.comparators[0])
        member = (isinstance(op, ast.In) and positive) or (isinstance(op, ast.NotIn) and not positive)
        equal = (isinstance(op, ast.Eq) and positive) or (isinstance(op, ast.NotEq) and not positive)
        if (member or equal) and right.is_const:
            self._mark_checked(test.left, _CHECKED_KINDS, clean=True,
                               text=right.text if equal else "")
        return None

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
        if not origins:
            if isinstance(subject, ast.Name) and not clean:
                self.scope.env[subject.id] = cur.copy(
                    labels=cur.labels | frozenset("safe:" + k for k in kinds))
            return
        env = self.scope.env
        for name, v in list(env.items()):
            if v.taint and not origins.isdisjoint(v.taint):
                env[name] = v.copy(taint=tuple(
                    o._replace(san=o.san | kinds) if o in origins else o for o in v.taint))

    def _try(self, st) -> bool:
        before = self.scope.env
        self.scope.env = dict(before)
        body_leaves = self._block(st.body)
        if not body_leaves:
            body_leaves = self._block(st.orelse)
        body_env = self.scope.env
        envs = [] if body_leaves else [body_env]
        for handler in st.handlers:
            self.scope.env = self._join_envs(before, body_env)
            if handler.type is not None:
                self._walk(handler.type)
            if handler.name:
                self.scope.env[handler.name] = Value(labels=EXCEPTION, typ="exception")
            if not self._block(handler.body):
                envs.append(self.scope.env)
        result = envs[0] if envs else body_env
        for e in envs[1:]:
            result = self._join_envs(result, e)
        self.scope.env = result
        leaves = not envs
        if self._block(st.finalbody):
            return True
        return leaves

    def _join_envs(self, a: dict, b: dict) -> dict:
        if a is b:
            return a
        out = dict(a)
        for k, vb in b.items():
            va = a.get(k)
            if va is None:
                out[k] = vb
            elif va is not vb:
                out[k] = join(va, vb)
        return out

    def _import(self, st) -> None:
        env = self.scope.env
        if isinstance(st, ast.Import):
            for alias in st.names:
                if alias.asname:
                    env[alias.asname] = Value(qual=alias.name)
                else:
                    top = alias.name.split(".", 1)[0]
                    env[top] = Value(qual=top)
                self._module_has.add(alias.name.split(".", 1)[0])
        else:
            mod = "." * (st.level or 0) + (st.module or "")
            if st.module:
                self._module_has.add(st.module.split(".", 1)[0])
            for alias in st.names:
                if alias.name == "*":
                    continue
                q = f"{mod}.{alias.name}" if mod and not mod.endswith(".") else mod + alias.name
                q = web.ALIASES.get(q, q)
                env[alias.asname or alias.name] = Value(qual=q)

    # -------------------------------------------------------- definitions
    def _def(self, st) -> None:
        for d in st.decorator_list:
            self._walk(d)
        for d in st.args.defaults:
            self._walk(d)
        for d in st.args.kw_defaults:
            if d is not None:
                self._walk(d)
        class_info = self._class_info
        info = analyse_function(st, self._resolve, self._module_has,
                                class_info if self.scope.is_class else None, self.filename,
                                self._url_views)
        parent = self.scope
        while parent.is_class:
            parent = parent.parent
        entry = (st, info, parent)
        self._deferred.append(entry)
        self.scope.env[st.name] = Value(typ="function", ref=entry)
        self._count(st.name)

    def _class(self, st: ast.ClassDef) -> None:
        for d in st.decorator_list:
            self._walk(d)
        bases = []
        for b in st.bases:
            self._walk(b)
            bases.append(self.qualname(b) or dotted(b) or "")
        attrs = set()
        for s in st.body:
            if isinstance(s, ast.Assign):
                attrs.update(t.id for t in s.targets if isinstance(t, ast.Name))
        if any(b.rsplit(".", 1)[-1] in _MODEL_BASES for b in bases):
            fields = {}
            for s_ in st.body:
                if isinstance(s_, ast.AnnAssign) and isinstance(s_.target, ast.Name):
                    ann = dotted(s_.annotation) or (ast.unparse(s_.annotation)
                                                    if isinstance(s_.annotation, ast.Subscript) else "")
                    fields[s_.target.id] = _annotation_shape(ann)
            self._models[st.name] = fields
        outer_info = self._class_info
        self._class_info = ClassInfo(st.name, tuple(bases), frozenset(attrs))
        scope = _Scope(self.scope, is_class=True)
        outer = self.scope
        self.scope = scope
        try:
            self._block(st.body)
            self._class_info.consts = {k: v for k, v in scope.env.items()
                                       if v.is_const and "." not in k}
        finally:
            self.scope = outer
            self._class_info = outer_info
        outer.env[st.name] = Value(qual=None, typ="class")
        self._count(st.name)

    def _function(self, node, info: FunctionInfo, parent: _Scope) -> None:
        outer_fn, outer_scope, outer_active = self.fn, self.scope, self._active
        outer_calls = self._active_calls
        outer_returns, outer_memo = self._returns, self._memo
        self.fn = info
        self.scope = _Scope(parent)
        self._active = self._dispatch if info.is_route else self._dispatch_plain
        self._active_calls = self._calls if info.is_route else self._calls_plain
        self._returns = [] if not info.is_route else None
        self._in_progress.add(id(node))
        try:
            self._bind_params(node, info)
            rules = self._active.get(type(node))
            if rules:
                self._memo = {}
                for r in rules:
                    res = r.check(node, self)
                    if res:
                        self._emit(r, res)
            self._block(node.body)
            for r in self._finishers:
                if info.is_route or not r.needs_route:
                    res = r.finish_function(self)
                    if res:
                        self._emit(r, res)
            returns = self._returns
            if returns:
                summary = returns[0]
                for r in returns[1:]:
                    summary = join(summary, r)
                self._summaries[id(node)] = summary
        except RecursionError:
            pass
        finally:
            self._in_progress.discard(id(node))
            self.fn, self.scope, self._active = outer_fn, outer_scope, outer_active
            self._active_calls = outer_calls
            self._returns, self._memo = outer_returns, outer_memo

    def _bind_params(self, node, info: FunctionInfo) -> None:
        env = self.scope.env
        ann = {}
        args = node.args
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            if a.annotation is not None:
                ann[a.arg] = self.qualname(a.annotation) or dotted(a.annotation) or ""
        for i, p in enumerate(info.params):
            labels = self.name_labels(p)
            a = ann.get(p, "")
            req = web.REQUEST_ANNOTATIONS.get(a) or web.REQUEST_ANNOTATIONS.get(
                web.ALIASES.get(a, a))
            if req or p in info.request_params:
                env[p] = Value(qual=req or ("starlette.requests.Request"
                                            if info.framework == "fastapi"
                                            else "django.http.HttpRequest"))
                continue
            if a and (a in NUMERIC_ANNOTATIONS or a.rsplit(".", 1)[-1] in NUMERIC_ANNOTATIONS):
                env[p] = Value(raw=False, typ="int", labels=labels)
                continue
            typed = _TYPED_PARAMS.get(a)
            if typed is not None:  # session: requests.Session, conn: sqlite3.Connection
                env[p] = Value(qual=typed)
                continue
            if p in ("self", "cls"):
                env[p] = UNKNOWN
                continue
            if info.is_error_handler and p not in ("request", "req") and (
                    a.rsplit(".", 1)[-1].endswith(("Exception", "Error")) or not a):
                env[p] = Value(labels=EXCEPTION, typ="exception")
                continue
            if not info.is_route or p in info.depends_params:
                # a helper's parameter: labelled so its summary says which
                # arguments reach the return value
                env[p] = Value(labels=labels | _arg_label(i) if labels else _arg_label(i))
                continue
            conv = info.path_params.get(p)
            if conv is not None and conv in NUMERIC_CONVERTERS:
                env[p] = Value(raw=False, typ="int", labels=labels)
                continue
            if conv is None and info.framework != "fastapi":
                env[p] = Value(labels=labels) if labels else UNKNOWN
                continue
            kind = "route parameter" if conv is not None else "request parameter"
            shape = _annotation_shape(a)
            model = a.rsplit(".", 1)[-1]
            env[p] = Value(taint=(Origin(f"{kind} '{p}'", node.lineno, shape, EMPTY, False),),
                           labels=labels | (UKEYS if shape == "obj" else EMPTY),
                           typ="str" if shape == "str" else None,
                           qual="model:" + model if shape == "model" and model in self._models
                           else None)
        ci = info.class_info
        if ci is not None and ci.consts and info.params[:1] in (["self"], ["cls"]):
            first = info.params[0]
            self._dotted_bases.add(first)
            for k, v in ci.consts.items():
                env[f"{first}.{k}"] = v
        if ci is not None and (info.framework == "django" or (
                ("django" in self._module_has or "rest_framework" in self._module_has)
                and any(b.rsplit(".", 1)[-1].endswith(_CBV_SUFFIXES) for b in ci.bases))):
            self._dotted_bases.add("self")
            env["self.request"] = Value(qual="django.http.HttpRequest")
            env["self.kwargs"] = Value(taint=(Origin("self.kwargs", node.lineno, "map"),),
                                       typ="map")

    def _finish_module(self) -> None:
        """Names assigned more than once at module level are not constants."""
        scope = self._module_scope
        for name, n in scope.counts.items():
            if n > 1:
                v = scope.env.get(name)
                if v is not None and v.cval is not NOVAL:
                    scope.env[name] = v.copy(cval=NOVAL, raw=True)

    def _count(self, name: str) -> None:
        counts = self.scope.counts
        if counts is not None:
            counts[name] = counts.get(name, 0) + 1

    def _resolve(self, node) -> str | None:
        return self.value(node).qual

    # ------------------------------------------------------------- binding
    def _bind(self, target: ast.AST, v: Value) -> None:
        t = type(target)
        if t is ast.Name:
            self.scope.env[target.id] = v
            if self.scope.counts is not None:
                self._count(target.id)
        elif t in (ast.Tuple, ast.List):
            elts = target.elts
            items = v.items
            for i, e in enumerate(elts):
                if isinstance(e, ast.Starred):
                    self._bind(e.value, _element(v))
                elif items is not None and i in items:
                    self._bind(e, items[i])
                else:
                    self._bind(e, _element(v))
        elif t is ast.Attribute:
            base = dotted(target.value)
            if base is not None and base.count(".") < 2:
                self._dotted_bases.add(base.split(".", 1)[0])
                self.scope.env[f"{base}.{target.attr}"] = v
        elif t is ast.Subscript:
            if isinstance(target.value, ast.Name):
                name = target.value.id
                cur = self._lookup(name)
                key = self.value(target.slice)
                if cur.items is not None and key.known:
                    items = dict(cur.items)
                    items[key.cval] = v
                    self.scope.env[name] = cur.copy(
                        items=items, taint=merge_taint(*(i.taint for i in items.values())))
                elif v.taint and cur.items is None and cur is not UNKNOWN:
                    self.scope.env[name] = cur.copy(taint=merge_taint(cur.taint, v.taint))
        elif t is ast.Starred:
            self._bind(target.value, v)

    def _add_to_container(self, name: str, call: ast.Call) -> None:
        """``parts.append(v)``: the container now also holds ``v``."""
        cur = self._lookup(name)
        if cur.qual or cur.typ not in ("list", "dict", None):
            return
        added = self.value(call.args[-1])
        if call.func.attr in ("extend", "update"):
            added = _element(added) if added.items is None else added
        if not (added.taint or added.built or added.labels) and cur.is_const == added.is_const:
            return
        self.scope.env[name] = Value(
            cval=ANYCONST if cur.is_const and added.is_const else NOVAL,
            taint=merge_taint(cur.taint, added.taint), built=cur.built or added.built,
            text=(cur.text + added.text)[:_MAX_TEXT], raw=cur.raw or added.raw,
            labels=cur.labels | added.labels, typ="list")

    def _with_value(self, expr: ast.AST) -> Value:
        v = self.value(expr)
        if v.qual and v.qual.endswith("Connection") and isinstance(expr, ast.Call):
            return v
        return v

    # ---------------------------------------------------------- rule walk
    def _walk(self, node: ast.AST) -> None:
        """Visit ``node`` and its sub-expressions, calling the rules."""
        active = self._active
        children = _CHILDREN
        str_rules = active.get(STR_CONSTANT)
        stack = [node]
        pop = stack.pop
        push = stack.append
        extend = stack.extend
        while stack:
            n = pop()
            t = type(n)
            if t is ast.Constant:  # the most common node: no children
                if str_rules and type(n.value) is str:
                    for r in str_rules:
                        res = r.check(n, self)
                        if res:
                            self._emit(r, res)
                continue
            rules = active.get(t)
            if rules:
                for r in rules:
                    res = r.check(n, self)
                    if res:
                        self._emit(r, res)
            if t is ast.Call:
                if self._active_calls:
                    self._dispatch_call(n)
            elif t is ast.NamedExpr:
                self._bind(n.target, self.value(n.value))
            elif t in _COMPREHENSIONS:
                self._walk_comprehension(n)
                continue
            get = children.get(t)
            if get is None:
                continue  # a leaf (Name), a None slot (Dict keys) or not a node
            if type(get) is tuple:  # one field
                c = get[0](n)
                if type(c) is list:
                    extend(c)
                elif c is not None:
                    push(c)
            else:
                for c in get(n):
                    if type(c) is list:
                        extend(c)
                    elif c is not None:
                        push(c)

    def _dispatch_call(self, call: ast.Call) -> None:
        """Call the rules indexed under this call's qualified name, its last
        name (``execute``, ``set_cookie``) or, when it has keyword
        arguments, ``KEYWORD_CALLS``: each rule once."""
        index = self._active_calls
        func = call.func
        tf = type(func)
        last = func.attr if tf is ast.Attribute else (func.id if tf is ast.Name else None)
        by_last = index.get(last) if last is not None else None
        q = self.call_name(call)
        by_qual = index.get(q) if q is not None else None
        by_kw = index.get(KEYWORD_CALLS) if call.keywords else None
        if by_kw is None:
            if by_qual is None:
                if by_last is not None:
                    for r in by_last:
                        res = r.check(call, self)
                        if res:
                            self._emit(r, res)
                return
            if by_last is None:
                for r in by_qual:
                    res = r.check(call, self)
                    if res:
                        self._emit(r, res)
                return
        done: tuple = ()
        for rules in (by_qual, by_last, by_kw):
            if rules is not None:
                for r in rules:
                    if r not in done:
                        res = r.check(call, self)
                        if res:
                            self._emit(r, res)
                done += rules

    def _walk_comprehension(self, node) -> None:
        """Walk a comprehension with its loop variables bound, as at run time."""
        with self._comprehension_scope(node):
            for gen in node.generators:
                for cond in gen.ifs:
                    self._walk(cond)
            if type(node) is ast.DictComp:
                self._walk(node.key)
                self._walk(node.value)
            else:
                self._walk(node.elt)

    @contextlib.contextmanager
    def _comprehension_scope(self, node):
        """Bind the loop variables (and apply ``if`` filters such as
        ``if k in ALLOWED``) for the duration of the block, then restore."""
        env = self.scope.env
        saved = dict(env)
        try:
            for gen in node.generators:
                self._walk(gen.iter)
                self._bind(gen.target, _element(self.value(gen.iter)))
                for cond in gen.ifs:
                    self._narrow(cond, True)
            yield
        finally:
            env.clear()
            env.update(saved)

    def _walk_target(self, target: ast.AST) -> None:
        if not isinstance(target, ast.Name):
            self._walk(target)

    def _walk_pattern(self, pattern) -> None:
        for node in ast.walk(pattern):
            if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                self.scope.env[node.name] = UNKNOWN
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self.scope.env[node.rest] = UNKNOWN

    # ---------------------------------------------------------- evaluation
    def _lookup(self, name: str) -> Value:
        scope = self.scope
        while scope is not None:
            v = scope.env.get(name)
            if v is not None:
                return v
            scope = scope.parent
            while scope is not None and scope.is_class and scope is not self.scope:
                scope = scope.parent
        if name in _BUILTINS:
            return Value(qual="builtins." + name)
        return UNKNOWN

    def _ev(self, node: ast.AST) -> Value:
        t = type(node)
        if t is ast.Constant:
            return const(node.value)
        if t is ast.Name:
            v = self._lookup(node.id)
            lab = self.name_labels(node.id)
            return v.with_labels(lab) if lab else v
        fn = _EVALUATORS.get(t)
        if fn is None:
            return UNKNOWN
        return fn(self, node)

    def _ev_attribute(self, node: ast.Attribute) -> Value:
        attr = node.attr
        base_node = node.value
        if type(base_node) is ast.Name and base_node.id in self._dotted_bases:
            tracked = self._lookup_dotted(base_node.id + "." + attr)
            if tracked is not None:
                return tracked.with_labels(self.name_labels(attr))
        base = self.value(base_node)
        q = base.qual
        if q and q.startswith("model:"):
            shape = self._models.get(q[6:], {}).get(attr, "model")
            return Value(taint=tuple(o._replace(shape=shape) for o in base.taint),
                         typ="str" if shape == "str" else None,
                         labels=(UKEYS if shape == "obj" else EMPTY) | self.name_labels(attr))
        if q:
            nxt = _MONGO_NEXT.get(q)
            if nxt is not None and attr not in _MONGO_METHODS:
                return Value(qual=nxt)
            if q == "pathlib.Path" and base.taint:
                return base if attr in ("parent", "name", "stem", "suffix") else Value(
                    qual=f"{q}.{attr}", taint=base.taint)
            req = web.REQUEST_TYPES.get(q)
            if req is not None:
                shape = req[0].get(attr)
                if shape is not None:
                    return self._source(node, shape)
            fq = f"{q}.{attr}"
            fq = web.ALIASES.get(fq, fq)
            shape = web.ATTR_SOURCES.get(fq)
            if shape is not None:
                return self._source(node, shape)
            if fq == "flask.g.user" or fq.endswith(".current_user"):
                return Value(qual=fq, labels=frozenset({"principal"}))
            return Value(qual=fq)
        lab = self.name_labels(attr)
        if base.taint:
            shape_typ = "str" if base.typ == "file" and attr in ("filename", "name") else None
            return Value(taint=base.taint, labels=base.labels | lab, typ=shape_typ,
                         text=base.text)
        if base.typ == "exception" or EXCEPTION <= base.labels:
            # the text Python and drivers put in an exception (args, message,
            # strerror, SQL statement, subprocess output) is internal; other
            # attributes are the exception class's own design (werkzeug's
            # description, DRF's detail, an OAuth error's json, a response
            # carried by an exception) and are not
            return Value(labels=EXCEPTION) if attr in _INTERNAL_ERROR_ATTRS else UNKNOWN
        if PASSWORD <= base.labels and attr not in NOT_PASSWORD_TAILS:
            lab = lab | PASSWORD  # form.password.data
        if lab:
            return Value(labels=lab)
        return UNKNOWN

    @staticmethod
    def _test_file(filename: str) -> bool:
        """Test modules and test settings (``test_*.py``, ``settings/test.py``,
        ``conftest.py``): where fast hashers, low work factors and fixed
        tokens are normal.  (Directories are not used: a project's checked
        fixtures live under ``tests/`` too.)"""
        base = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
        return base.startswith("test") or base.endswith(("_test.py", "_tests.py")) \
            or base in ("conftest.py", "testing.py")

    @property
    def class_info(self) -> ClassInfo | None:
        """The class whose body is being walked (class-level statements)."""
        return self._class_info if self.scope.is_class else None

    def _lookup_dotted(self, key: str) -> Value | None:
        scope = self.scope
        while scope is not None:
            v = scope.env.get(key)
            if v is not None:
                return v
            scope = scope.parent
        return None

    def _source(self, node: ast.AST, shape: str) -> Value:
        origin = Origin(self.source_text(node), node.lineno, shape)
        return Value(taint=(origin,), typ="str" if shape in ("str", "url") else shape,
                     labels=UKEYS if shape in ("obj", "map") else EMPTY)

    def _ev_subscript(self, node: ast.Subscript) -> Value:
        base = self.value(node.value)
        nxt = _MONGO_NEXT.get(base.qual or "")
        if nxt is not None:
            return Value(qual=nxt)
        key = self.value(node.slice)
        if base.items is not None and key.known:
            try:
                item = base.items.get(key.cval)
            except TypeError:
                item = None
            if item is not None:
                return item
        lab = self.name_labels(key.cval) if key.known and isinstance(key.cval, str) else EMPTY
        if base.taint and key.known and isinstance(key.cval, str) and _server_meta(base, key.cval):
            return UNKNOWN
        if base.taint:
            taint = self._refine(base.taint, node)
            if isinstance(node.slice, ast.Slice):
                return base.copy(taint=taint, items=None, labels=(base.labels | lab) - SECRET)
            return Value(taint=taint, labels=base.labels | lab, typ=_element_typ(base.typ),
                         text=base.text)
        if base.items is not None:
            return _element(base).with_labels(lab)
        if base.is_const and key.is_const:
            return Value(cval=ANYCONST, raw=False, labels=lab)
        if base.typ == "exception":
            return Value(labels=EXCEPTION)
        carried = base.labels & _CARRIED
        if type(node.slice) is ast.Slice:
            carried -= SECRET  # token[-4:]: a masked form
        if lab or carried:
            return Value(labels=lab | carried)
        return UNKNOWN

    def _refine(self, taint: tuple, node: ast.AST) -> tuple:
        if len(taint) == 1 and taint[0].refinable:
            o = taint[0]
            return (o._replace(desc=self.source_text(node), refinable=False),)
        return taint

    def _ev_call(self, node: ast.Call) -> Value:
        func = node.func
        fv = self.value(func)
        fq = fv.qual
        args = node.args
        if self._user_san:
            # user-declared sanitizers match by qualified or plain name
            last = func.attr if type(func) is ast.Attribute else (
                func.id if type(func) is ast.Name else None)
            kind = self._user_san.get(fq) or self._user_san.get(last)
            if kind is not None:
                return sanitize(self.value(args[0]) if args else UNKNOWN, kind)
        if fq:
            fq = web.ALIASES.get(fq, fq)
            kind = SANITIZERS.get(fq)
            if kind == "all":
                return NUMBER
            if kind is not None:
                a0 = self.value(args[0]) if args else UNKNOWN
                if fq in web.MARKUP_CALLS:
                    return sanitize(a0, kind).with_labels(MARKUP)
                return sanitize(a0, kind)
            owner, _, meth = fq.rpartition(".")
            req = web.REQUEST_TYPES.get(owner)
            if req is not None and meth in req[1]:
                return self._source(node, req[1][meth])
            if owner == "pathlib.Path" and type(func) is ast.Attribute:
                recv = self.value(func.value)
                extra = merge_taint(*(self.value(a).taint for a in args)) if meth in (
                    "joinpath", "with_name", "with_suffix", "relative_to") else ()
                return Value(qual="pathlib.Path", taint=merge_taint(recv.taint, extra))
            shape = web.CALL_SOURCES.get(fq)
            if shape is not None:
                return self._source(node, shape)
            if fq in _RANDOM_CALLS:
                return Value(labels=RANDOM, typ="str")
            if fq in web.EXCEPTION_TEXT:
                return Value(labels=EXCEPTION, typ="str")
            if fq in web.RESPONSE_CALLS:
                labels = EMPTY
                for a in list(args) + [k.value for k in node.keywords]:
                    labels |= self.value(a).labels & EXCEPTION
                return Value(labels=labels, typ="response") if labels else UNKNOWN
            if fq in _PATH_TYPES:
                vals = [self.value(a) for a in args]
                return Value(qual="pathlib.Path", taint=merge_taint(*(v.taint for v in vals)),
                             labels=_labels_of(vals) & SAFE_LABELS)
            if fq in sinks.PATH_JOINERS:
                vals = [self.value(a) for a in args]
                if not any(v.taint for v in vals):
                    return Value(cval=ANYCONST, raw=False, typ="str") if all(
                        v.is_const for v in vals) else UNKNOWN
                return Value(taint=merge_taint(*(v.taint for v in vals)), typ="str",
                             labels=_labels_of(vals) - SAFE_LABELS)
            if fq in web.PROPAGATORS:
                if not args:
                    return UNKNOWN
                a0 = self.value(args[0])
                if fq in web.DECODERS and a0.taint:
                    return Value(taint=tuple(o._replace(shape="obj") for o in a0.taint),
                                 labels=a0.labels | UKEYS, typ="obj")
                if not a0.taint and not a0.labels:
                    if fq in ("builtins.str", "builtins.repr", "builtins.format") and a0.typ == "int":
                        return NUMBER
                    return a0 if fq == "builtins.str" and a0.typ == "str" else (
                        Value(cval=ANYCONST, raw=False) if a0.is_const else UNKNOWN)
                if fq == "builtins.str":  # a string cannot carry Mongo operators
                    return Value(taint=tuple(o._replace(san=o.san | _MONGO_SAN, shape="str")
                                             for o in a0.taint),
                                 labels=a0.labels, typ="str", built=a0.built, text=a0.text)
                return Value(taint=a0.taint, labels=a0.labels, built=a0.built, text=a0.text,
                             typ=a0.typ if fq in ("copy.copy", "copy.deepcopy") else
                             "stream" if fq in web.STREAMS else None)
            if fq in crypto.PASSWORD_HASHERS or fq.endswith((".hash", ".encrypt")) and \
                    fq.startswith(("passlib", "argon2", "flask_bcrypt")):
                return Value(labels=frozenset({"hashed"}))
            rt = RETURN_TYPES.get(fq)
            if rt is not None:
                carried = EMPTY
                if rt == crypto.HASH_OBJECT and args:
                    carried = self.value(args[0]).labels & RANDOM
                return Value(qual=rt, labels=carried)
            if fq in ("builtins.getattr",) and len(args) >= 2:
                return UNKNOWN
        if fv.ref is not None:
            return self._call_local(fv.ref, node)
        if type(func) is ast.Name and args and fv.qual is None and \
                method_sanitizer(func.id) is not None:
            # a local alias of a quoting helper: quote_name = connection.ops.quote_name
            return sanitize(self.value(args[0]), method_sanitizer(func.id))
        if type(func) is ast.Attribute:
            recv = self.value(func.value)
            m = func.attr
            shape = web.METHOD_SOURCES.get(m)
            if shape is not None and not recv.is_const:
                return self._source(node, shape)
            if recv.qual in _MONGO_NEXT and m in ("get_database", "get_collection",
                                                  "get_default_database"):
                return Value(qual=_MONGO_NEXT[recv.qual])
            if m == "format" and recv.is_const and isinstance(recv.cval, str) or \
                    m == "format" and recv.built:
                fargs: dict = {i: self.value(a) for i, a in enumerate(args)}
                fargs.update((k.arg, self.value(k.value)) for k in node.keywords if k.arg)
                if any(k.arg is None for k in node.keywords) or any(
                        isinstance(a, ast.Starred) for a in args):
                    fargs = [self.value(a) for a in args] + [self.value(k.value)
                                                             for k in node.keywords]
                built = _format(recv, fargs, "str.format()", _BRACE_FIELD)
                if MARKUP <= recv.labels:  # Markup.format escapes its arguments
                    return sanitize(built, "html").with_labels(MARKUP)
                return built
            if m == "join" and recv.is_const and args:
                it = self.value(args[0])
                if it.is_const:
                    return Value(cval=ANYCONST, raw=False, typ="str", text=recv.text)
                el = _element(it)
                return _build([el], "str.join()", extra_text=recv.text if recv.known else "")
            kind = method_sanitizer(m) if args else None
            if kind is not None and (m != "escape" or not recv.taint):
                return sanitize(self.value(args[0]), kind)
            if recv.items is not None and m == "get" and args:
                key = self.value(args[0])
                if key.known:
                    try:
                        item = recv.items.get(key.cval)
                    except TypeError:
                        item = None
                    if item is not None:
                        return item
            if recv.taint or recv.built or recv.labels:
                if m in CLEAN_STR_METHODS:
                    return NUMBER
                lab = recv.labels
                if m in ("get", "getlist", "pop", "setdefault", "get_json") and args:
                    key = self.value(args[0])
                    if key.known and isinstance(key.cval, str):
                        lab = lab | self.name_labels(key.cval)
                    taint = self._refine(recv.taint, node)
                    return Value(taint=taint, labels=lab,
                                 typ=_element_typ(recv.typ) if m != "getlist" else "list")
                if m in ("items", "values", "keys", "copy", "to_dict", "dict"):
                    return recv.copy(items=None)
                if recv.qual == crypto.HASH_OBJECT:
                    return Value(labels=recv.labels & RANDOM) if m in (
                        "hexdigest", "digest") and RANDOM <= recv.labels else UNKNOWN
                typ = recv.typ if recv.typ == "str" else None
                return Value(taint=recv.taint, built=recv.built, text=recv.text,
                             raw=recv.raw, labels=lab, typ=typ)
            if recv.is_const and m in _STR_CONST_METHODS and all(
                    self.value(a).is_const for a in args):
                return Value(cval=ANYCONST, raw=False, typ="str", text=recv.text)
        return UNKNOWN

    def _call_local(self, entry, call: ast.Call) -> Value:
        """A call to a function of this file: its return value, with the
        arguments' data substituted for the parameters that reach it."""
        fnode, info, _ = entry
        key = id(fnode)
        if key not in self._summaries:
            if key in self._in_progress or len(self._in_progress) > 8:
                return UNKNOWN
            for i, e in enumerate(self._deferred):
                if e is entry:
                    del self._deferred[i]
                    self._function(*entry)
                    break
        summary = self._summaries.get(key)
        if summary is None:
            return UNKNOWN
        used = [lab for lab in summary.labels if lab in _ARG_INDEX]
        if not used:
            return summary
        taint, labels = summary.taint, summary.labels - _ARG_LABELS
        built, raw = summary.built, summary.raw
        starred = any(isinstance(a, ast.Starred) for a in call.args)
        all_const = True
        for lab in used:
            i = _ARG_INDEX[lab]
            anode = None
            if not starred and i < len(call.args):
                anode = call.args[i]
            elif i < len(info.params):
                anode = self.keyword(call, info.params[i])
            if anode is None:
                continue
            av = self.value(anode)
            all_const = all_const and av.is_const
            taint = merge_taint(taint, av.taint)
            labels |= av.labels
            built = built or av.built
        if all_const and not taint:
            # only constants went in: what comes out is built from constants
            return Value(cval=ANYCONST, raw=False, text=summary.text, typ=summary.typ,
                         labels=labels, qual=summary.qual)
        return Value(taint=taint, built=built, text=summary.text, raw=raw, labels=labels,
                     qual=summary.qual, typ=summary.typ)

    def _ev_joinedstr(self, node: ast.JoinedStr) -> Value:
        parts = []
        for piece in node.values:
            if type(piece) is ast.Constant:
                parts.append(const(piece.value))
            elif type(piece) is ast.FormattedValue:
                v = self.value(piece.value)
                if piece.format_spec is not None and v.typ == "int":
                    v = NUMBER
                parts.append(v)
        return _build(parts, "an f-string")

    def _ev_binop(self, node: ast.BinOp) -> Value:
        return self._binop_values(self.value(node.left), node.op, self.value(node.right),
                                  node.right)

    def _binop_values(self, left: Value, op: ast.AST, right: Value,
                      right_node: ast.AST | None = None) -> Value:
        t = type(op)
        if left.known and right.known:
            folded = _fold(t, left.cval, right.cval)
            if folded is not None:
                return folded
        if t is ast.Div and left.qual == "pathlib.Path":
            return Value(qual="pathlib.Path", taint=merge_taint(left.taint, right.taint),
                         labels=_join_safe(left.labels, right.labels))
        if MARKUP <= left.labels and t in (ast.Mod, ast.Add):  # Markup escapes
            return sanitize(_build([left, right], "%-formatting"), "html").with_labels(MARKUP)
        if t is ast.Mod and left.typ == "str" and (left.is_const or left.built):
            if right_node is not None and type(right_node) is ast.Tuple:
                args = [self.value(e) for e in right_node.elts]
            elif right.items is not None and right_node is not None and type(right_node) is ast.Dict:
                args = right.items
            else:
                args = [right]
            return _format(left, args, "%-formatting", _PERCENT_FIELD)
        if t is ast.Add and (left.typ == "str" or right.typ == "str"):
            return _build([left, right], "concatenation")
        if t is ast.Mult and left.is_const and left.typ == "str":
            return Value(cval=ANYCONST, raw=False, typ="str", text=left.text)
        if t is ast.Mult and left.items is not None and left.is_const:
            return left.copy(cval=ANYCONST)
        if left.is_const and right.is_const:
            return Value(cval=ANYCONST, raw=False, typ=left.typ if left.typ == right.typ else None)
        if left.taint or right.taint or left.labels or right.labels:
            return Value(taint=merge_taint(left.taint, right.taint),
                         labels=left.labels | right.labels,
                         built=left.built or right.built,
                         typ="int" if left.typ == right.typ == "int" else None)
        if left.typ == "int" and right.typ == "int":
            return NUMBER
        return UNKNOWN

    def _ev_boolop(self, node: ast.BoolOp) -> Value:
        vals = [self.value(v) for v in node.values]
        if all(v.known for v in vals):
            # the value of ``a or b`` / ``a and b`` is one of its operands
            pick = None
            for v in vals:
                pick = v
                if bool(v.cval) == isinstance(node.op, ast.Or):
                    break
            return pick
        out = vals[0]
        for v in vals[1:]:
            out = join(out, v)
        return out

    def _ev_ifexp(self, node: ast.IfExp) -> Value:
        test = self.value(node.test)
        if test.known:
            return self.value(node.body if test.cval else node.orelse)
        return join(self.value(node.body), self.value(node.orelse))

    def _ev_compare(self, node: ast.Compare) -> Value:
        return NUMBER

    def _ev_unaryop(self, node: ast.UnaryOp) -> Value:
        v = self.value(node.operand)
        if isinstance(node.op, ast.Not):
            return const(not v.cval) if v.known else NUMBER
        if v.known and isinstance(v.cval, (int, float)):
            try:
                return const({ast.USub: operator.neg, ast.UAdd: operator.pos,
                              ast.Invert: operator.invert}[type(node.op)](v.cval))
            except Exception:
                return NUMBER
        return v if v.typ == "int" else UNKNOWN

    def _ev_dict(self, node: ast.Dict) -> Value:
        items: dict | None = {}
        taints = []
        labels = EMPTY
        all_const = True
        for k, vnode in zip(node.keys, node.values):
            v = self.value(vnode)
            taints.append(v.taint)
            labels |= v.labels
            if not v.is_const:
                all_const = False
            if k is None:
                items = None
                all_const = False
                continue
            kv = self.value(k)
            if not kv.is_const:
                all_const = False
            if items is not None and kv.known:
                try:
                    items[kv.cval] = v.with_labels(self.name_labels(kv.cval)
                                                   if isinstance(kv.cval, str) else EMPTY)
                except TypeError:
                    items = None
            else:
                items = None
        spread = EMPTY
        for k, vnode in zip(node.keys, node.values):
            if k is None:
                spread |= self.value(vnode).labels & UKEYS
        return Value(cval=ANYCONST if all_const else NOVAL, taint=merge_taint(*taints),
                     raw=not all_const, labels=(labels & _CARRIED) | spread, items=items,
                     typ="dict")

    def _ev_sequence(self, node) -> Value:
        vals = [self.value(e) for e in node.elts]
        all_const = all(v.is_const for v in vals)
        items = {i: v for i, v in enumerate(vals)} if type(node) is not ast.Set and not any(
            isinstance(e, ast.Starred) for e in node.elts) else None
        labels = EMPTY
        for v in vals:
            labels |= v.labels
        built = next((v.built for v in vals if v.built), None)
        text = "".join(v.text for v in vals if v.built)[:_MAX_TEXT] if built else ""
        return Value(cval=ANYCONST if all_const else NOVAL,
                     taint=merge_taint(*(v.taint for v in vals)),
                     raw=not all_const, labels=labels, items=items,
                     typ="list", built=built, text=text)

    def _ev_comprehension(self, node) -> Value:
        with self._comprehension_scope(node):
            if type(node) is ast.DictComp:
                key = self.value(node.key)
                v = join(key, self.value(node.value))
                if key.taint and not key.is_const:
                    v = v.with_labels(UKEYS)  # keys chosen by the data
                else:
                    v = v.copy(labels=v.labels - UKEYS)
            else:
                v = self.value(node.elt)
        if v.is_const:
            return Value(cval=ANYCONST, raw=False, typ="list")
        return Value(taint=v.taint, labels=v.labels, built=v.built, typ="list",
                     raw=v.raw, text=v.text if v.built else "")

    def _ev_passthrough(self, node) -> Value:
        return self.value(node.value)

    def _ev_namedexpr(self, node: ast.NamedExpr) -> Value:
        return self.value(node.value)


_RANK = {"LOW": 0, "MEDIUM": 1, "HIGH": 2}
_STR_CONST_METHODS = frozenset({"encode", "decode", "upper", "lower", "strip", "lstrip",
                                "rstrip", "replace", "title", "format_map", "zfill",
                                "ljust", "rjust", "center", "casefold", "capitalize"})

_EVALUATORS: dict[type, Callable] = {
    ast.Attribute: FileContext._ev_attribute,
    ast.Subscript: FileContext._ev_subscript,
    ast.Call: FileContext._ev_call,
    ast.JoinedStr: FileContext._ev_joinedstr,
    ast.BinOp: FileContext._ev_binop,
    ast.BoolOp: FileContext._ev_boolop,
    ast.IfExp: FileContext._ev_ifexp,
    ast.Compare: FileContext._ev_compare,
    ast.UnaryOp: FileContext._ev_unaryop,
    ast.Dict: FileContext._ev_dict,
    ast.List: FileContext._ev_sequence,
    ast.Tuple: FileContext._ev_sequence,
    ast.Set: FileContext._ev_sequence,
    ast.ListComp: FileContext._ev_comprehension,
    ast.SetComp: FileContext._ev_comprehension,
    ast.GeneratorExp: FileContext._ev_comprehension,
    ast.DictComp: FileContext._ev_comprehension,
    ast.Await: FileContext._ev_passthrough,
    ast.Starred: FileContext._ev_passthrough,
    ast.NamedExpr: FileContext._ev_namedexpr,
}


#: every name that gets a label contains one of these (lower-cased): the
#: words of PASSWORD_WORDS, of the loggable SECRET_WORDS, "key", "code" and
#: the credential headers.  Most names contain none and are answered here.
_LABEL_HINT = re.compile(r"pass|pw|secret|cred|token|bearer|jwt|sessionid|otp|pin|code|key|auth")


def _name_labels(name: str, extra_pw: tuple, extra_secret: tuple) -> frozenset:
    if not extra_pw and not extra_secret and _LABEL_HINT.search(name.lower()) is None:
        return EMPTY
    return _name_labels_full(name, extra_pw, extra_secret)


@functools.lru_cache(maxsize=16384)  # pure: names repeat across files
def _name_labels_full(name: str, extra_pw: tuple, extra_secret: tuple) -> frozenset:
    lab = PASSWORD if is_password_name(name, extra_pw) else EMPTY
    if secret_kind(name, extra_secret) in LOGGABLE_SECRET_KINDS or lab:
        lab = lab | SECRET
    return lab


_URL_CONF_CALLS = frozenset({"path", "re_path", "url"})


def _url_views(body: list) -> frozenset:
    """Names of the functions a module's own ``urlpatterns`` route to
    (``path("tags/<tag>/", tag_page)``): single-file Django apps."""
    names = set()
    for st in body:
        if not (isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and st.value is not None):
            continue
        targets = st.targets if isinstance(st, ast.Assign) else [st.target]
        if not any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in targets):
            continue
        for node in ast.walk(st.value):
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                func = node.func
                last = func.attr if isinstance(func, ast.Attribute) else (
                    func.id if isinstance(func, ast.Name) else "")
                if last in _URL_CONF_CALLS:
                    view = node.args[1]
                    if isinstance(view, ast.Name):
                        names.add(view.id)
                    elif isinstance(view, ast.Attribute):
                        names.add(view.attr)
    return frozenset(names)


#: fields that never hold a node (names, flags, numbers) or need no visit
_SKIP_FIELDS = frozenset({"ctx", "type_comment", "kind", "id", "attr", "arg",
                          "conversion", "is_async", "simple", "level",
                          "module", "asname"})


def _node_classes(root: type = ast.AST) -> list[type]:
    out = []
    for sub in root.__subclasses__():
        out.append(sub)
        out += _node_classes(sub)
    return out


def _children_getters() -> dict:
    """Per expression node class, a getter of the fields that hold its
    sub-expressions: ``attrgetter(f1, f2)`` (a tuple of values) for several
    fields, ``(attrgetter(f),)`` for one.  Leaves, statements (walked by
    ``_stmt``) and constants have none.  Built once, at import."""
    table = {}
    for t in _node_classes():
        if issubclass(t, ast.stmt) or t is ast.Constant:
            continue
        fields = tuple(f for f in getattr(t, "_fields", ()) if f not in _SKIP_FIELDS)
        if len(fields) == 1:
            table[t] = (operator.attrgetter(fields[0]),)
        elif fields:
            table[t] = operator.attrgetter(*fields)
    return table


_CHILDREN: dict = _children_getters()


def _build(parts: list[Value], how: str, extra_text: str = "", holes: bool = True) -> Value:
    """A string made of ``parts`` (constant pieces and values).

    The result's ``text`` keeps the constant pieces, with ``HOLE`` where a
    non-constant value was pasted in (format strings keep their own
    placeholders), so rules can tell where values land.
    """
    text = [extra_text] if extra_text else []
    taints = []
    labels = EMPTY
    dynamic = False
    raw = False
    built = None
    common = None
    for p in parts:
        if p.text:
            text.append(p.text)
        elif holes and not p.is_const:
            text.append(HOLE)
        if p.is_const:
            continue
        taints.append(p.taint)
        labels |= p.labels
        raw = raw or p.raw
        if p.typ == "int" and not p.taint:
            continue
        dynamic = True
        built = built or p.built
        safe = p.labels & SAFE_LABELS
        common = safe if common is None else common & safe
    joined = "".join(text)[:_MAX_TEXT]
    if not taints:
        return Value(cval=ANYCONST, raw=False, typ="str", text=joined)
    labels = (labels - SAFE_LABELS) | (common or EMPTY)
    return Value(taint=merge_taint(*taints), built=(how if dynamic else None) or built,
                 text=joined, raw=raw, labels=labels, typ="str")


_PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa]|%%")
_BRACE_FIELD = re.compile(r"\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")


def _format(fmt: Value, args, how: str, field: "re.Pattern") -> Value:
    """``fmt % args`` or ``fmt.format(*args)``: a built string whose text has
    each field replaced by its argument's constant text or by HOLE."""
    values = list(args.values()) if isinstance(args, dict) else list(args)
    built = _build([fmt] + values, how, holes=False)
    if not built.taint and not built.built and built.is_const:
        return built
    if not fmt.known or not isinstance(fmt.cval, str):
        return built.copy(text=field.sub(lambda m: m.group(0) if m.group(0) in ("%%", "{{", "}}")
                                         else HOLE, fmt.text)[:_MAX_TEXT])
    pos = [0]

    def fill(m: "re.Match") -> str:
        whole = m.group(0)
        if whole in ("%%", "{{", "}}"):
            return whole[0]
        key = m.group(1)
        if isinstance(args, dict):
            v = args.get(key) if key else args.get(pos[0])
            if key == "" or key is None:
                pos[0] += 1
            elif key.isdigit():
                v = args.get(int(key))
        else:
            v = values[pos[0]] if pos[0] < len(values) else None
            pos[0] += 1
        if v is None:
            return HOLE
        if v.is_const or v.typ == "int" and not v.taint:
            return v.text
        return v.text or HOLE

    return built.copy(text=field.sub(fill, fmt.cval)[:_MAX_TEXT])


def _fold(t: type, a, b) -> Value | None:
    """Constant-fold ``a <op> b`` for numbers (bounded); None if not folded."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        if t is ast.Add and type(a) is type(b) and isinstance(a, (str, bytes)) \
                and len(a) + len(b) <= _MAX_TEXT:
            return const(a + b)
        return None
    if t is ast.Pow:
        if isinstance(b, int) and 0 <= b <= 128 and abs(a) < 2**16:
            return const(a ** b)
        return None
    if t is ast.LShift and not (isinstance(b, int) and 0 <= b <= 128):
        return None
    fn = _NUMERIC_OPS.get(t)
    if fn is None or (t in (ast.FloorDiv, ast.Mod) and b == 0):
        return None
    try:
        return const(fn(a, b))
    except (ArithmeticError, TypeError, ValueError):
        return None


_MONGO_SAN = frozenset({"mongo"})
#: a mapping whose keys come from untrusted data (mass assignment)
UKEYS = frozenset({"ukeys"})
#: labels that containers, subscripts and responses carry from their parts
_CARRIED = frozenset({"password", "exception", "secret", "random"})
_INTERNAL_ERROR_ATTRS = frozenset({
    "args", "message", "msg", "strerror", "filename", "filename2", "errno",
    "orig", "statement", "params", "pgerror", "diag", "sqlstate",
    "stderr", "stdout", "output", "cmd", "returncode", "text", "lineno", "offset",
    "reason", "object", "start", "end", "path", "request", "url",
    "__traceback__", "__cause__", "__context__", "__notes__", "with_traceback",
})
_SETTINGS_MARKERS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "DATABASES",
                               "WSGI_APPLICATION", "ASGI_APPLICATION", "AUTH_PASSWORD_VALIDATORS",
                               "STATIC_URL", "TEMPLATES", "SECRET_KEY", "ALLOWED_HOSTS"})
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})
_PATH_SAN = frozenset({"path"})
_REDIRECT_SAN = frozenset({"redirect"})
#: kinds for which checking one part of a value (the host of a URL against an
#: allow-list) vouches for the whole value wherever it flows
_CHECKED_KINDS = frozenset({"redirect", "ssrf"})
_CBV_SUFFIXES = ("View", "ViewSet", "Mixin", "APIView")
#: parameter annotations that give a value a known type
_TYPED_PARAMS = {
    "requests.Session": "requests.Session", "requests.sessions.Session": "requests.Session",
    "httpx.Client": "httpx.Client", "httpx.AsyncClient": "httpx.AsyncClient",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "sqlite3.Connection": "dbapi.Connection", "sqlite3.Cursor": "dbapi.Cursor",
    "psycopg2.extensions.connection": "dbapi.Connection",
    "psycopg2.extensions.cursor": "dbapi.Cursor", "asyncpg.Connection": "dbapi.Connection",
    "pymongo.collection.Collection": "mongo.Collection",
    "pymongo.database.Database": "mongo.Database", "pymongo.MongoClient": "mongo.Client",
    "motor.motor_asyncio.AsyncIOMotorCollection": "mongo.Collection",
    "motor.motor_asyncio.AsyncIOMotorDatabase": "mongo.Database",
}
_RANDOM_CALLS = frozenset(f"random.{f}" for f in (
    "random", "randint", "randrange", "choice", "choices", "sample", "getrandbits",
    "uniform", "randbytes", "shuffle", "triangular", "gauss"))
_MODEL_BASES = frozenset({"BaseModel", "Schema", "SQLModel", "TypedDict"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath",
                         "pathlib.WindowsPath", "anyio.Path", "trio.Path"})
#: Mongo client -> database -> collection, by attribute or subscript
_MONGO_NEXT = {
    **{c: "mongo.Client" for c in ()},
    "mongo.Client": "mongo.Database", "mongo.PyMongo": "mongo.Client",
    "mongo.Database": "mongo.Collection", "mongo.Collection": "mongo.Collection",
}
_MONGO_METHODS = frozenset(sinks.MONGO_FILTER_METHODS) | frozenset({
    "insert_one", "insert_many", "bulk_write", "create_index", "drop", "command",
    "list_collection_names", "close", "client", "name", "get_collection",
    "get_database", "estimated_document_count", "with_options", "db",
})


def _server_meta(base: Value, key: str) -> bool:
    """``request.META["REMOTE_ADDR"]``: WSGI keys the server sets, not the client
    (the client's headers are the ``HTTP_*`` keys, plus the query and path)."""
    return len(base.taint) == 1 and base.taint[0].desc.endswith(("META", "environ")) and \
        not key.startswith("HTTP_") and key not in ("QUERY_STRING", "PATH_INFO", "CONTENT_TYPE",
                                                    "REQUEST_URI", "RAW_URI", "SCRIPT_NAME")


def _annotation_shape(annotation: str) -> str:
    """What a FastAPI parameter holds: "str", a validated "model", or JSON "obj"."""
    if not annotation or annotation in ("str", "typing.Any", "Any"):
        return "str"
    last = annotation.rsplit(".", 1)[-1]
    if last in ("dict", "Dict", "list", "List", "Json", "Body", "Any") or annotation.startswith(
            ("dict[", "Dict[", "list[", "List[", "typing.Dict", "typing.List")):
        return "obj"
    if last in ("UploadFile", "File"):
        return "file"
    if last[:1].isupper():
        return "model"
    return "str"


def _labels_of(vals: list) -> frozenset:
    out = EMPTY
    for v in vals:
        out |= v.labels
    return out


def _join_safe(a: frozenset, b: frozenset) -> frozenset:
    return ((a | b) - SAFE_LABELS) | (a & b & SAFE_LABELS)


_MISSING = object()
_ARG_LABELS = frozenset(f"arg{i}" for i in range(16))
_ARG_INDEX = {f"arg{i}": i for i in range(16)}
_ARG_FROZEN = [frozenset({f"arg{i}"}) for i in range(16)]


def _arg_label(i: int) -> frozenset:
    return _ARG_FROZEN[i] if i < 16 else EMPTY


def _element(v: Value) -> Value:
    """An element of container ``v`` (for loops, unpacking, comprehensions)."""
    if v.items is not None and v.items:
        out = None
        for item in v.items.values():
            out = item if out is None else join(out, item)
        return out
    if v.is_const:
        return Value(cval=ANYCONST, raw=False)
    if v.taint or v.labels or v.built:
        return Value(taint=v.taint, labels=v.labels, typ=_element_typ(v.typ) or (
            "str" if v.built else None), built=v.built, text=v.text, raw=v.raw)
    return UNKNOWN


def _element_typ(typ: str | None) -> str | None:
    if typ in ("map", "list"):
        return "str"
    if typ == "files":
        return "file"
    return None


def _target_names(target) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        out = []
        for e in target.elts:
            out += _target_names(e.value if isinstance(e, ast.Starred) else e)
        return out
    return []


def _is_terminating_call(expr: ast.AST) -> bool:
    if type(expr) is ast.Call:
        func = expr.func
        tf = type(func)
        last = func.attr if tf is ast.Attribute else (func.id if tf is ast.Name else None)
        return last in _TERMINATING_CALLS and dotted(func) is not None
    return False
