"""The engine: one pass per file feeding every selected rule.

``FileContext`` is the file analysis (``secguide.analysis``) with the rules
plugged into its walk: ``DispatchTables`` say which rules see which nodes,
the walk calls them, and ``report`` collects their findings (one per rule
and node, the highest severity wins).  The analysis itself knows no rule.
"""
from __future__ import annotations

import ast
import gc
import os
import warnings
from typing import Iterable

from secguide.analysis.context import FileAnalysis, is_test_module
from secguide.analysis.interpreter import STMT_HANDLERS, STMT_OTHER
from secguide.analysis.walking import ALL_CHILDREN
from secguide.options import DEFAULT_OPTIONS, Options
from secguide.position import statement_lines
from secguide.project import FactsCache, ProjectFacts
from secguide.rule import Finding, Rule

from secguide.engine.tables import (  # noqa: F401 - the engine's names, as before
    _ALL_CODES, _INSTANCES, CALL_UNNAMED, CALL_WORDS, KEYWORD_CALLS, LOCAL_ASSIGN, STR_CONSTANT,
    STR_MIN, STR_NEEDLES, WALK_CALL, WALK_NAMED, WALK_STR,
    DispatchTables,
    _selection, _tables, selected_rules)
from secguide.engine.summary import (  # noqa: F401
    _NOT_PROJECT, _SUMMARIES, MAX_SUMMARY_DEPTH, SummaryCalls, SummaryMode, _SummaryQuery)

_RANK = {"LOW": 0, "MEDIUM": 1, "HIGH": 2}


class AnalysisTruncated(Exception):
    """Strict mode: the analysis of a file hit Python's recursion limit, so
    part of it was lost (values read as UNKNOWN, a function left unfinished)."""


#: module facts of the project's files, per process (keyed by path, size
#: and mtime) and per disk-cache folder: pure functions of the files' contents
_FACTS_CACHES: dict[str, FactsCache] = {}
#: the collector's young-generation threshold while a file is analysed
#: (see ``analyze_tree``)
YOUNG_THRESHOLD = 5000
_UNSET = object()


def facts_cache(disk_dir: str = "") -> FactsCache:
    """The process's facts cache for ``disk_dir`` ("" = memory only)."""
    cache = _FACTS_CACHES.get(disk_dir)
    if cache is None:
        cache = _FACTS_CACHES[disk_dir] = FactsCache(disk_dir or None)
    return cache


class FileContext(SummaryCalls, FileAnalysis):
    """The analysis of one file with its rules: what a rule gets as ``ctx``."""

    @property
    def project(self) -> ProjectFacts | None:
        """Facts stated by the project's own imported modules (decorators,
        base classes, models, app setup), or None when the option
        ``project-facts`` is off or the file is not on disk.  Built on first
        use: a file whose rules never ask reads no other module."""
        p = self._project
        if p is _UNSET:
            p = None
            opts = self.options
            if opts.project_facts and os.path.isfile(self.filename):
                try:
                    p = ProjectFacts(self.filename, self.tree,
                                     facts_cache(opts.project_cache_dir),
                                     opts.project_roots)
                except (OSError, ValueError, RecursionError):
                    p = None
            self._project = p
        return p

    def __init__(self, tree: ast.Module, filename: str, tables: DispatchTables,
                 options: Options):
        super().__init__(tree, filename, options)
        self.findings: dict[tuple[str, int], Finding] = {}
        #: per-rule scratch space for the whole file (rules own their keys)
        self.file_state: dict = {}
        self._dispatch = tables.dispatch
        self._dispatch_plain = tables.dispatch_plain
        self._calls = tables.calls
        self._calls_plain = tables.calls_plain
        self._finishers = tables.finishers
        self._file_finishers = tables.file_finishers
        self._rule_states: dict = {}
        self._project = _UNSET
        self._active = self._dispatch_plain
        self._active_calls = self._calls_plain
        self._plans = tables.plan, tables.plan_plain
        self._plan = tables.plan_plain
        self._codes = tables.codes
        #: summaries of this file's functions (same-file helpers), on first use
        self._local: dict | None = None
        #: this file's top-level classes' methods (``self.method(data)``), on first use
        self._methods: dict | None = None
        self._query: _SummaryQuery | None = None
        #: calls with arguments of this file's functions met inside functions:
        #: id(def) -> id(call) -> (call, argument values, keyword values, caller)
        self._local_calls: dict[int, dict] = {}
        self._name_loads: dict[str, int] | None = None

    def run(self) -> list[Finding]:
        self._analyse()
        for r in self._file_finishers:
            res = r.finish_file(self)
            if res:
                self._emit(r, res)
        return sorted(statement_lines(self.tree, self.findings.values()),
                      key=lambda f: (f.line, f.col, f.code))

    # ------------------------------------------------------------ findings
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

    def scan_strings(self) -> list[Finding]:
        """The findings of a test module (``is_test_module``) when the option
        ``check-test-modules`` is off: only the rules that read string
        constants run (a cloud key or a private key committed in a test is
        still a leaked secret), on every string but docstrings; no
        statement is interpreted, no project module read.  A test never
        runs in production: flows, routes and settings there are not what
        an attacker reaches, and reading them cost a third of the analysis
        of an application."""
        table = self._dispatch
        rules = table.get(STR_CONSTANT)
        if rules:
            str_min = table[STR_MIN]
            find = table.get(STR_NEEDLES)
            children = ALL_CHILDREN
            stack = [st for st in self.tree.body
                     if type(st) is not ast.Expr or type(st.value) is not ast.Constant]
            pop = stack.pop
            push = stack.append
            extend = stack.extend
            while stack:
                n = pop()
                t = type(n)
                if t is ast.Constant:
                    s = n.value
                    if type(s) is str and len(s) >= str_min and \
                            (find is None or find(s) is not None):
                        for r in rules:
                            res = r.check(n, self)
                            if res:
                                self._emit(r, res)
                    continue
                if t is ast.Expr and type(n.value) is ast.Constant:
                    continue  # a docstring or bare string (as in ``run``)
                get = children.get(t)
                if get is not None:
                    for c in ((get[0](n),) if type(get) is tuple else get(n)):
                        if type(c) is list:
                            extend(c)
                        else:
                            push(c)
        return sorted(statement_lines(self.tree, self.findings.values()),
                      key=lambda f: (f.line, f.col, f.code))

    def local_calls(self, fnode: ast.AST) -> list | None:
        """Every call of this file's function ``fnode``, with the values of
        its arguments there, when the walk met all of them; None when the
        function is used any other way (a call at module level or without
        arguments, a callback, an export) or not at all.  Each item is
        ``(call, positional values, keyword values, the calling function's
        FunctionInfo)``."""
        sites = self._local_calls.get(id(fnode))
        if not sites:
            return None
        loads = self._name_loads
        if loads is None:  # once per file, and only for a rule that asks
            loads = self._name_loads = {}
            for n in ast.walk(self.tree):
                if type(n) is ast.Name and type(n.ctx) is ast.Load:
                    loads[n.id] = loads.get(n.id, 0) + 1
        name = fnode.name
        calls = [s for s in sites.values()
                 if type(s[0].func) is ast.Name and s[0].func.id == name]
        if len(calls) != len(sites) or loads.get(name, 0) != len(calls):
            return None
        return calls

    def has_finding(self, code: str, node: ast.AST) -> bool:
        return (code, id(node)) in self.findings

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

    def fn_state_if_made(self, rule: Rule):
        """The rule's state for the current function if the rule made it
        (``fn_state``) during the walk, else None (a finisher with nothing
        recorded need not make one)."""
        return self.fn.rule_states.get(type(rule))

    # ------------------------------------------------ the analysis's hooks
    def _stmt(self, st: ast.stmt) -> bool:
        self._memo = {}
        t = type(st)
        rules = self._active.get(t)
        if rules:
            if t is ast.Assign:  # an AssignIndex: the rules keyed on this assignment
                if self.fn is not None and not self.scope.is_class:
                    for x in st.targets:
                        if type(x) is not ast.Name:
                            break
                    else:
                        rules = self._active.get(LOCAL_ASSIGN)
                rules = rules.select(st, self) if rules else None
            if rules:
                for r in rules:
                    res = r.check(st, self)
                    if res:
                        self._emit(r, res)
        return STMT_HANDLERS.get(t, STMT_OTHER)(self, st)

    def _on_elif(self, st: ast.If) -> None:
        for r in self._active.get(ast.If) or ():
            res = r.check(st, self)
            if res:
                self._emit(r, res)

    def _enter_function(self, info):
        saved = self._active, self._active_calls, self._plan
        self._active = self._dispatch if info.is_route else self._dispatch_plain
        self._active_calls = self._calls if info.is_route else self._calls_plain
        self._plan = self._plans[0] if info.is_route else self._plans[1]
        return saved

    def _leave_function(self, saved) -> None:
        self._active, self._active_calls, self._plan = saved

    def _function_start(self, node) -> None:
        rules = self._active.get(type(node))
        if rules:
            self._memo = {}
            for r in rules:
                res = r.check(node, self)
                if res:
                    self._emit(r, res)

    def _function_end(self, info) -> None:
        for r in self._finishers:
            if info.is_route or not r.needs_route:
                res = r.finish_function(self)
                if res:
                    self._emit(r, res)

    # ----------------------------------------------------------- rule walk
    def _walk(self, node: ast.AST) -> None:
        """Visit ``node`` and its sub-expressions, calling the rules: one
        read of the active walk plan per node (``tables.walk_plan``)."""
        plan = self._plan
        p = plan.get(type(node))
        if p is None:  # a third of the calls: a leaf no rule sees
            return
        active = self._active
        str_min = active[STR_MIN] if STR_CONSTANT in active else 0
        str_find = active.get(STR_NEEDLES)
        in_function = self.fn is not None
        get_plan = plan.get
        stack = [node]
        pop = stack.pop
        push = stack.append
        extend = stack.extend
        while stack:
            n = pop()
            p = get_plan(type(n))
            if p is None:
                continue  # a Name no rule sees, a constant, a None slot (Dict keys)
            rules, get, kind = p
            if kind == WALK_STR:
                s = n.value
                if type(s) is str and len(s) >= str_min and \
                        (str_find is None or str_find(s) is not None):
                    for r in rules:
                        res = r.check(n, self)
                        if res:
                            self._emit(r, res)
                continue
            if rules:
                for r in rules:
                    res = r.check(n, self)
                    if res:
                        self._emit(r, res)
            if kind:
                if kind == WALK_CALL:
                    if self._active_calls:
                        self._dispatch_call(n)
                    if in_function and (n.args or n.keywords):
                        # only a function of this file or of a project module
                        # can have a summary: nothing more for other callees
                        fv = self.value(n.func)
                        q = fv.qual
                        f = n.func
                        if fv.ref is not None or q is not None and \
                                q.partition(".")[0] not in _NOT_PROJECT or \
                                q is None and type(f) is ast.Attribute and \
                                type(f.value) is ast.Name and f.value.id == "self" and \
                                self.fn.class_info is not None:  # self.method(...)
                            self._summary_call(n, fv)
                elif kind == WALK_NAMED:
                    self._bind(n.target, self.value(n.value))
                else:  # WALK_COMPREHENSION
                    self._walk_comprehension(n)
                    continue
            if get is None:
                continue
            if type(get) is tuple:  # one field
                c = get[0](n)
                if type(c) is list:
                    extend(c)
                else:
                    push(c)
            else:
                for c in get(n):
                    if type(c) is list:
                        extend(c)
                    else:
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
        words = index.get(CALL_WORDS)
        if words is not None:
            if last is None:
                by_word = index[CALL_UNNAMED]
            else:
                low = last.lower()
                by_word = None
                for word, rules in words:
                    if word in low:
                        by_word = rules if by_word is None else by_word + rules
            if by_word is not None:
                by_kw = by_word if by_kw is None else by_kw + by_word
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


class SummaryContext(SummaryMode, FileContext):
    """A module in summary mode (``engine.summary.SummaryMode``): its
    functions' parameter-to-sink summaries, nothing reported."""


def analyze_tree(tree: ast.AST, filename: str = "<string>",
                 select: Iterable[str] | None = None,
                 options: Options | None = None, *, strict: bool = False) -> list[Finding]:
    """Findings for an already parsed module.

    Never raises, unless ``strict``: then an internal error raises, and so
    does an analysis cut short by Python's recursion limit, anywhere
    (``AnalysisTruncated``).  The legacy module flag ``_STRICT`` raises
    internal errors only (the test-suite sets it; deep inputs it checks are
    expected to be truncated silently)."""
    errors = strict or _STRICT
    codes = _selection(None if select is None else tuple(select))
    if not codes or not isinstance(tree, ast.Module):
        return []
    # The analysis makes many short-lived objects (values, environments)
    # that live as long as the file's walk: at the collector's default
    # young threshold (700) they outlive the young generations and are
    # promoted to the oldest one, where they die, and each full collection
    # then also walks the host's whole heap.  A higher young threshold for
    # the walk lets most of them die by reference counting first, while
    # still collecting cycles (a paused collector let them pile up: +12 MiB
    # of peak memory in Bandit).  The host's thresholds are restored after.
    threshold = gc.get_threshold()
    raised = gc.isenabled() and 0 < threshold[0] < YOUNG_THRESHOLD
    if raised:
        gc.set_threshold(YOUNG_THRESHOLD, *threshold[1:])
    try:
        tables = _tables(codes, FileContext._test_file(filename))
        ctx = FileContext(tree, filename, tables, options or DEFAULT_OPTIONS)
        if is_test_module(filename) and not ctx.options.check_test_modules:
            findings = ctx.scan_strings()
        else:
            findings = ctx.run()
    except RecursionError as exc:
        if strict:
            raise AnalysisTruncated(f"{filename}: the walk hit the recursion limit") from exc
        return []
    except MemoryError:
        return []
    except Exception:  # noqa: BLE001 - a rule that cannot decide stays silent
        if errors:
            raise
        return []
    finally:
        for cache in _FACTS_CACHES.values():
            cache.release_trees()
        if raised:
            gc.set_threshold(*threshold)
    if strict and ctx.truncated:
        raise AnalysisTruncated(f"{filename}: an expression or a function was too deep "
                                "to analyse")
    return findings


def analyze_source(source: str | bytes, filename: str = "<string>",
                   select: Iterable[str] | None = None,
                   options: Options | None = None, *, strict: bool = False) -> list[Finding]:
    """Parse and analyse; source that does not parse gives no findings."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError,
            UnicodeDecodeError, OverflowError):
        return []
    if strict:
        return analyze_tree(tree, filename, select, options, strict=True)
    return analyze_tree(tree, filename, select, options)  # the call shape hosts patch


#: legacy switch (the test-suite sets it): internal errors raise in every
#: call; recursion stays silent unless ``strict=True``
_STRICT = False
