"""The file analysis: the one pass over a file that every rule rides on.

``FileAnalysis`` is assembled from the parts of the analysis (scope,
interpreter, evaluator, call semantics, guards, parameter typing) and
carries the query API rules see as ``ctx``: ``value``, ``qualname``,
``call_name``, ``arg``, ``keyword``, ``source_text``, ``name_labels``,
``fn``, ``class_info``, ``options``, ``is_test_file``,
``is_settings_module``, ``tree``, ``extra_password_names``,
``extra_secret_names``.  It knows no rule: ``secguide.engine.FileContext``
subclasses it to call the rules during the walk and collect their findings.

``secguide.analysis.facts.analyse_module`` runs it alone (no rule).
"""
from __future__ import annotations

import ast
import os

from secguide.analysis.auth_mode import AuthIndex, AuthMode
from secguide.analysis.evaluator import EVALUATORS, EvaluatorMixin
from secguide.analysis.functions import ClassInfo, FunctionInfo
from secguide.analysis.guards import GuardsMixin
from secguide.analysis.interpreter import Interpreter
from secguide.analysis.names import name_labels as _name_labels
from secguide.analysis.names import name_labels_full as _name_labels_full  # noqa: F401 (tests)
from secguide.analysis.params import ParamsMixin, url_views
from secguide.analysis.scope import Scope, ScopeMixin
from secguide.analysis.values import UNKNOWN, Value, const
from secguide.models import web
from secguide.models.frameworks import (SETTINGS_FOLDERS, SETTINGS_MARKERS,
                                        TEST_MODULE_NAMES, TEST_MODULE_PREFIXES,
                                        TEST_MODULE_SUFFIXES, TEST_SETTINGS_MODULES,
                                        TEST_SETTINGS_SUFFIXES)
from secguide.options import Options

_MISSING = object()


class FileAnalysis(Interpreter, ParamsMixin, GuardsMixin, EvaluatorMixin, ScopeMixin):
    """Per-file analysis state.  Nothing here outlives the file."""

    #: project-wide facts (``secguide.engine.FileContext`` provides them);
    #: the analysis alone has none
    project = None

    def __init__(self, tree: ast.Module, filename: str, options: Options):
        self.tree = tree
        self.filename = filename
        self.options = options
        self.fn: FunctionInfo | None = None
        #: the analysis hit Python's recursion limit somewhere (values lost)
        self.truncated = False
        self._memo: dict[ast.AST, Value] = {}
        self._deferred: list = []
        #: return value of each analysed plain function of this file, by def node
        self._summaries: dict[int, Value] = {}
        self._in_progress: set[int] = set()
        self._returns: list | None = None
        self._class_info: ClassInfo | None = None
        #: pydantic-style models of this file: name -> field -> shape
        self._models: dict[str, dict[str, str]] = {}
        self._module_has: set[str] = set()
        self._url_views: frozenset = url_views(tree.body)
        #: labels by name: shared by every file analysed with the same extra
        #: names (a pure function of the name; ``_LABELS``)
        self._label_cache: dict[str, frozenset] = _labels_for(
            options.password_names, options.secret_names)
        self._settings: bool | None = None
        #: the user's extra password and secret names, lower-cased
        self.extra_password_names = self._extra_pw = tuple(
            n.lower() for n in options.password_names)
        self.extra_secret_names = self._extra_secret = tuple(
            n.lower() for n in options.secret_names)
        self._user_san: dict[str, str] = {
            **{n: "html" for n in options.html_sanitizers},
            **{n: "sql" for n in options.sql_sanitizers}}
        self.scope = Scope(None)
        self.scope.counts = {}
        #: test modules and test settings (see _test_file)
        self.is_test_file = self._test_file(filename)
        self._call_names: dict[ast.Call, str | None] = {}
        #: first names of the ``a.b`` keys ever bound in an environment: an
        #: attribute of any other name is not looked up as a dotted key
        self._dotted_bases: set[str] = set()
        self._module_scope = self.scope
        self._auth_index: AuthIndex | None = None
        #: a call on the request was checked as a whole (see GuardsMixin)
        self._checked_exprs = False
        #: comprehension variables in scope: they take the labels of the
        #: collection they iterate, not of their own name (``pin in pins``)
        self._loop_names: frozenset = frozenset()

    # ------------------------------------------------------------------ API
    def value(self, node: ast.AST | None) -> Value:
        """The abstract value of ``node`` at the current point."""
        if node is None:
            return UNKNOWN
        v = self._memo.get(node)  # by identity: AST nodes hash by id
        if v is None:
            try:  # _ev inlined: one Python frame less per nesting level
                t = type(node)
                if t is ast.Constant:
                    v = const(node.value)
                elif t is ast.Name:
                    v = self._lookup(node.id)
                    lab = self._label_cache.get(node.id)
                    if lab is None:
                        lab = self.name_labels(node.id)
                    if lab and node.id not in self._loop_names:
                        v = v.with_labels(lab)
                else:
                    fn = EVALUATORS.get(t)
                    v = UNKNOWN if fn is None else fn(self, node)
                    if self._checked_exprs and t is ast.Call and v.taint:
                        v = self._rechecked(node, v)
            except RecursionError:
                v = UNKNOWN
                self._truncated(node)
            self._memo[node] = v
        return v

    def qualname(self, node: ast.AST) -> str | None:
        """Qualified name of a name/attribute/call target, through imports."""
        return self.value(node).qual

    def call_name(self, call: ast.Call) -> str | None:
        """Qualified name of what ``call`` calls (``hashlib.sha256``), or None."""
        q = self._call_names.get(call, _MISSING)
        if q is _MISSING:
            q = self.value(call.func).qual
            q = web.ALIASES.get(q, q) if q else None
            self._call_names[call] = q
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

    def auth_mode(self, view: ast.AST) -> AuthMode:
        """How the view ``view`` (a def or class of this file) authenticates:
        the session cookie, a token/key/signature, or a callback
        (``secguide.analysis.auth_mode``)."""
        index = self._auth_index
        if index is None:
            env = self._module_scope.env

            def head_qual(name: str) -> str | None:
                v = env.get(name)
                return v.qual if v is not None else None

            index = self._auth_index = AuthIndex(self.tree, head_qual, self.project)
        return index.mode(view)

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
        cached = self._settings
        if cached is None:
            base = self.filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
            path = self.filename.replace("\\", "/").lower()
            cached = self._settings = not self.is_test_file and (
                base.startswith("settings") or "/settings/" in path
                or "/conf/" in path and base in ("base.py", "production.py", "prod.py")
                or sum(1 for st in self.tree.body if isinstance(st, ast.Assign)
                       and any(isinstance(t, ast.Name) and t.id in SETTINGS_MARKERS
                               for t in st.targets)) >= 2)
        return cached

    @property
    def class_info(self) -> ClassInfo | None:
        """The class whose body is being walked (class-level statements)."""
        return self._class_info if self.scope.is_class else None

    @staticmethod
    def _test_file(filename: str) -> bool:
        """Test modules and test settings (``test_*.py``, ``conftest.py``,
        ``settings/test.py``, ``settings/ci.py``, ``configuration_testing.py``):
        where fast hashers, low work factors and fixed tokens are normal.
        (Other directories are not used: a project's checked fixtures live
        under ``tests/`` too.)"""
        parts = filename.replace("\\", "/").lower().rsplit("/", 2)
        base = parts[-1]
        if base.startswith("test") or base.endswith(TEST_SETTINGS_SUFFIXES) \
                or base in ("conftest.py", "testing.py"):
            return True
        return len(parts) > 1 and base in TEST_SETTINGS_MODULES and parts[-2] in SETTINGS_FOLDERS


#: ``FileAnalysis._label_cache`` per (extra password names, extra secret
#: names): the labels of a name depend on nothing else, and names repeat
#: across the files of a project.  Bounded: cleared past ``MAX_LABELS``.
_LABELS: dict[tuple, dict[str, frozenset]] = {}
MAX_LABELS = 50_000


def _labels_for(extra_pw: tuple, extra_secret: tuple) -> dict[str, frozenset]:
    key = (extra_pw, extra_secret)
    cache = _LABELS.get(key)
    if cache is None or len(cache) > MAX_LABELS:
        if len(_LABELS) > 16:
            _LABELS.clear()
        cache = _LABELS[key] = {}
    return cache


def is_test_module(filename: str) -> bool:
    """A module a test runner collects (``test_*.py``, ``*_test.py``,
    ``tests.py``, ``conftest.py``; ``models.frameworks``): stricter than
    ``FileAnalysis._test_file``, which also takes test settings and any
    name that starts with "test" (``testrun.py`` of a test-management app
    is application code)."""
    base = os.path.basename(filename.replace("\\", "/")).lower()
    return base in TEST_MODULE_NAMES or base.startswith(TEST_MODULE_PREFIXES) \
        or base.endswith(TEST_MODULE_SUFFIXES)


def __getattr__(name: str):
    """Old home of the engine's names (``FileContext``, ``DispatchTables``):
    they live in ``secguide.engine`` now; read lazily for old imports."""
    if name in ("FileContext", "DispatchTables"):
        import secguide.engine

        return getattr(secguide.engine, name)
    raise AttributeError(name)
