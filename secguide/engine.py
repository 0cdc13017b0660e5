"""The engine: one pass per file feeding every selected rule.

``FileContext`` is the file analysis (``secguide.analysis``) with the rules
plugged into its walk: ``DispatchTables`` say which rules see which nodes,
the walk calls them, and ``report`` collects their findings (one per rule
and node, the highest severity wins).  The analysis itself knows no rule.
"""
from __future__ import annotations

import ast
import functools
import os
import sys
import warnings
from typing import Iterable

from secguide.analysis import summaries as S
from secguide.analysis.context import FileAnalysis
from secguide.analysis.functions import param_names
from secguide.analysis.interpreter import CHILDREN, COMPREHENSIONS, STMT_HANDLERS, STMT_OTHER
from secguide.options import DEFAULT_OPTIONS, Options
from secguide.position import statement_lines
from secguide.project import FactsCache, ProjectFacts
from secguide.project.index import MAX_BYTES
from secguide.project.summaries import SummaryStore, stat_key
from secguide.registry import ALL_RULES
from secguide.rule import Finding, Rule

#: one shared, stateless instance of each rule
_INSTANCES: dict[str, Rule] = {r.code: r() for r in ALL_RULES}
#: summaries are computed with every rule, then serve any selection
_ALL_CODES = tuple(_INSTANCES)
_RANK = {"LOW": 0, "MEDIUM": 1, "HIGH": 2}

#: dispatch key of an Assign to plain names inside a function
LOCAL_ASSIGN = "local-assign"
#: key, in the call index, of the rules that see every call with keywords
KEYWORD_CALLS = "(keywords)"
#: dispatch key of the Constant rules: they see string constants only
STR_CONSTANT = "str-constant"


class AnalysisTruncated(Exception):
    """Strict mode: the analysis of a file hit Python's recursion limit, so
    part of it was lost (values read as UNKNOWN, a function left unfinished)."""


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
                 "file_finishers", "codes")

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
        #: the codes of the rules (a call through a helper reports only these)
        self.codes = frozenset(r.code for r in rules)


#: module facts of the project's files, per process (keyed by path, size
#: and mtime) and per disk-cache folder: pure functions of the files' contents
_FACTS_CACHES: dict[str, FactsCache] = {}
_UNSET = object()


def facts_cache(disk_dir: str = "") -> FactsCache:
    """The process's facts cache for ``disk_dir`` ("" = memory only)."""
    cache = _FACTS_CACHES.get(disk_dir)
    if cache is None:
        cache = _FACTS_CACHES[disk_dir] = FactsCache(disk_dir or None)
    return cache


#: parameter-to-sink summaries of project modules, per process
_SUMMARIES = SummaryStore()
#: top-level names that are never a project module: the standard library
_NOT_PROJECT = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}
#: how deep a chain of modules' summaries is followed
MAX_SUMMARY_DEPTH = 6


class _SummaryQuery:
    """One analysed file's walk through modules' summaries: the modules
    being computed (an import cycle is cut there), the ones whose summaries
    were cut short, and those summaries (kept for this file only, by the
    module the computation started from, never stored)."""

    __slots__ = ("stack", "partial", "memo")

    def __init__(self) -> None:
        self.stack: list[tuple] = []
        self.partial: set[tuple] = set()
        self.memo: dict[tuple, dict | None] = {}


class FileContext(FileAnalysis):
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
        self._codes = tables.codes
        #: summaries of this file's functions (same-file helpers), on first use
        self._local: dict | None = None
        self._query: _SummaryQuery | None = None

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

    # ------------------------------------------------ the analysis's hooks
    def _stmt(self, st: ast.stmt) -> bool:
        self._memo = {}
        t = type(st)
        rules = self._active.get(t)
        if rules:
            if t is ast.Assign and self.fn is not None and not self.scope.is_class:
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
        return STMT_HANDLERS.get(t, STMT_OTHER)(self, st)

    def _on_elif(self, st: ast.If) -> None:
        for r in self._active.get(ast.If) or ():
            res = r.check(st, self)
            if res:
                self._emit(r, res)

    def _enter_function(self, info):
        saved = self._active, self._active_calls
        self._active = self._dispatch if info.is_route else self._dispatch_plain
        self._active_calls = self._calls if info.is_route else self._calls_plain
        return saved

    def _leave_function(self, saved) -> None:
        self._active, self._active_calls = saved

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
        """Visit ``node`` and its sub-expressions, calling the rules."""
        active = self._active
        children = CHILDREN
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
                if self.fn is not None and (n.args or n.keywords):
                    self._summary_call(n)
            elif t is ast.NamedExpr:
                self._bind(n.target, self.value(n.value))
            elif t in COMPREHENSIONS:
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

    # ------------------------------------------- calls through summaries
    def _summary_call(self, call: ast.Call) -> None:
        """A call of a plain function of this file or of a project module
        that passes untrusted data: the parameter-to-sink entries of the
        callee that the data reaches are reported at the call."""
        fv = self.value(call.func)
        ref = fv.ref
        if ref is None:
            q = fv.qual
            if q is None or q.partition(".")[0] in _NOT_PROJECT:
                return
        value = self.value
        for a in call.args:
            if value(a).taint:
                break
        else:
            for k in call.keywords:
                if value(k.value).taint:
                    break
            else:
                return
        try:
            if ref is not None:
                fnode, info, _ = ref
                if info.is_route or info.class_info is not None:
                    return
                summary = self._local_summary(fnode)
                through = f" through {fnode.name}()"
            else:
                summary, through = self._project_summary(fv.qual)
        except RecursionError:
            self._truncated(call)
            return
        except Exception:  # noqa: BLE001 - no summary: the file's own findings stay
            if _STRICT:
                raise
            return
        if summary is None or not summary.entries:
            return
        args = S.call_arguments(call, summary, self.keyword)
        values = {i: value(a) for i, a in args.items()}
        for entry in summary.entries:
            if entry.code not in self._codes:
                continue
            rule = _INSTANCES[entry.code]
            if ast.Call not in rule.report_types:
                continue  # Bandit could not report it on the call
            tainted = S.tainted_arguments(entry, values)
            if tainted:
                self.report(rule, call, severity=entry.severity, confidence=entry.confidence,
                            **S.substitute(entry, tainted, through, summary.params))

    def _summary_query(self) -> _SummaryQuery:
        if self._query is None:
            self._query = _SummaryQuery()
        return self._query

    def _local_summary(self, fnode) -> S.FunctionSummary | None:
        """The summary of a function of this file: the file in summary mode,
        that function alone (and what it calls), once per function."""
        local = self._local
        if local is None:
            local = self._local = {}
        key = id(fnode)
        if key not in local:
            query = self._summary_query()
            path = os.path.abspath(self.filename)
            query.stack.append((path, fnode.name))
            try:
                local[key] = SummaryContext(
                    self.tree, self.filename, _tables(_ALL_CODES, self.is_test_file),
                    self.options, query).summarise(fnode.name, fnode)
            finally:
                query.stack.pop()
        return local[key]

    def _project_summary(self, qual: str) -> tuple[S.FunctionSummary | None, str]:
        """The summary of the project function ``qual`` names (through the
        analysed file's imports), and the path text for the message."""
        project = self.project
        if project is None:
            return None, ""
        hit = project.function_def(qual)
        if hit is None:
            return None, ""
        mf, name = hit
        if not mf.path or os.path.abspath(mf.path) == os.path.abspath(self.filename):
            return None, ""
        summary = self._function_summary(os.path.abspath(mf.path), name)
        rel = mf.name.replace(".", "/") + (
            "/__init__.py" if os.path.basename(mf.path) == "__init__.py" else ".py")
        return summary, f" through {name}() in {rel}"

    def _function_summary(self, path: str, name: str) -> S.FunctionSummary | None:
        """The summary of function ``name`` of the project module at ``path``:
        stored per process while the files it was computed from are
        unchanged; computed otherwise, only for functions a call passes
        untrusted data to (depth-bounded; a cycle of calls is cut).

        A computation cut short (a cycle, the depth bound) depends on where
        it started: it is kept for this file and that starting function
        only, never stored, so a stored summary depends on the files alone."""
        query = self._summary_query()
        stack = query.stack
        if not stack:
            query.partial = set()
        me = (path, name)
        mkey = (stack[0] if stack else me, me)
        if mkey in query.memo:
            query.partial.update(stack)
            return query.memo[mkey]
        key = (path, name, self.options)
        got = _SUMMARIES.get(key)
        if got is not None:
            self._uses(got[1])
            return got[0]
        if me in stack or len(stack) >= MAX_SUMMARY_DEPTH:
            query.partial.update(stack)
            return None
        dep = stat_key(path)
        summary: S.FunctionSummary | None = None
        deps: set = {dep} if dep is not None else set()
        stack.append(me)
        try:
            tree = _parse_module(path, dep)
            if tree is not None:
                sc = SummaryContext(tree, path, _tables(_ALL_CODES, self._test_file(path)),
                                    self.options, query)
                summary = sc.summarise(name)
                deps |= sc.deps
        except (RecursionError, MemoryError):
            query.partial.add(me)
        except Exception:  # noqa: BLE001 - a module that cannot be summarised
            if _STRICT:
                raise
            query.partial.add(me)
        finally:
            stack.pop()
        if dep is None or me in query.partial:
            query.memo[mkey] = summary
            query.partial.update(stack)
        else:
            _SUMMARIES.put(key, frozenset(deps), summary)
        self._uses(deps)
        return summary

    def _uses(self, deps) -> None:
        """The files the summaries used here were computed from."""


class SummaryContext(FileContext):
    """A module in summary mode: each plain function's parameters carry a
    symbolic origin, every rule runs, and a finding whose flow starts at
    parameters only becomes a parameter-to-sink entry of that function
    (``analysis.summaries``); nothing is reported.  Lazy: the module body
    is walked without rules, then only the function a call passes untrusted
    data to runs, with the functions it calls.  Routes and methods are not
    summarised (nothing in the project calls them by name)."""

    _symbolic = True

    def __init__(self, tree: ast.Module, filename: str, tables: DispatchTables,
                 options: Options, query: _SummaryQuery):
        super().__init__(tree, filename, tables, options)
        self._query = query
        #: no rule at module level: only function bodies have parameters
        self._active = {}
        self._active_calls = {}
        self._fids: dict[int, int] = {}
        self._fnodes: list = []
        self._entries: dict[tuple, S.SinkEntry] = {}
        #: the files these summaries were computed from (other modules')
        self.deps: set = set()

    def summarise(self, name: str, fnode=None) -> S.FunctionSummary | None:
        """Walk the module body (no rule runs there), then run function
        ``name`` (the def ``fnode``, or the one the name is bound to) and
        what it calls: its summary."""
        self._block(self.tree.body)
        self._finish_module()
        if fnode is None:
            bound = self._module_scope.env.get(name)
            entry = bound.ref if bound is not None else None
            if entry is None:
                return None
            fnode = entry[0]
        return self._local_summary(fnode)

    def _uses(self, deps) -> None:
        self.deps.update(deps)

    def _function(self, node, info, parent) -> None:
        if info.is_route or info.class_info is not None:
            return
        super()._function(node, info, parent)

    def _param_origins(self, node, index: int) -> tuple:
        fid = self._fids.get(id(node))
        if fid is None:
            fid = self._fids[id(node)] = len(self._fnodes)
            self._fnodes.append(node)
        return S.param_origins(fid, index, node.lineno)

    def report(self, rule, node, *, severity=None, confidence=None, at=None, **fields):
        parsed = S.parse_fields(fields)
        if parsed is None:
            return  # no flow from parameters alone: the ordinary pass reports it
        fid, params = parsed
        sev = severity or rule.severity
        key = (fid, rule.code, id(node))
        old = self._entries.get(key)
        if old is not None and _RANK[old.severity] >= _RANK[sev]:
            return
        where = at if at is not None else node
        self._entries[key] = S.SinkEntry(
            rule.code, sev, confidence or rule.confidence,
            tuple(sorted(fields.items())), tuple(sorted(params.items())),
            getattr(where, "lineno", 0))

    def _local_summary(self, fnode) -> S.FunctionSummary | None:
        """Inside summary mode: the callee of this module runs now if it
        has not yet (its entries are recorded as it runs)."""
        if id(fnode) not in self._fids and id(fnode) not in self._in_progress:
            for i, e in enumerate(self._deferred):
                if e[0] is fnode:
                    del self._deferred[i]
                    if len(self._in_progress) <= 8:
                        self._function(*e)
                    break
        return self.summary_of(fnode)

    def summary_of(self, fnode) -> S.FunctionSummary | None:
        fid = self._fids.get(id(fnode))
        if fid is None:
            return None
        entries = sorted((e for (f, _, _), e in self._entries.items() if f == fid),
                         key=lambda e: (e.line, e.code, e.fields))
        a = fnode.args
        return S.FunctionSummary(fnode.name, tuple(param_names(a)),
                                 len(a.posonlyargs) + len(a.args), tuple(entries))


#: parsed project modules, by (path, size, mtime): summaries are computed
#: per function, several of one module in a row (the analysis never
#: changes a tree)
_TREES: dict[tuple, ast.Module | None] = {}


def _parse_module(path: str, dep: tuple | None) -> ast.Module | None:
    """The syntax tree of a project module (None: unreadable, too big)."""
    if dep is None or dep[1] > MAX_BYTES:
        return None
    if dep in _TREES:
        return _TREES[dep]
    tree = None
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data, filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        tree = None
    if len(_TREES) >= 16:
        _TREES.clear()
    _TREES[dep] = tree
    return tree


def selected_rules(select: Iterable[str] | None = None) -> list[Rule]:
    """Rules whose code starts with one of ``select`` (None: the defaults)."""
    if select is None:
        return [r for r in _INSTANCES.values() if r.default_enabled]
    prefixes = tuple(select)
    return [r for code, r in _INSTANCES.items() if code.startswith(prefixes)]


@functools.lru_cache(maxsize=64)
def _tables(codes: tuple[str, ...], test_file: bool) -> DispatchTables:
    """Dispatch tables of a rule selection (less the ``skip_test_files``
    rules in a test module): a pure function of its arguments."""
    return DispatchTables([_INSTANCES[c] for c in codes], test_file)


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
    rules = selected_rules(select)
    if not rules or not isinstance(tree, ast.Module):
        return []
    try:
        tables = _tables(tuple(r.code for r in rules), FileContext._test_file(filename))
        ctx = FileContext(tree, filename, tables, options or DEFAULT_OPTIONS)
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
