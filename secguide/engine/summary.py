"""Parameter-to-sink summaries in the engine: calls through helpers.

``SummaryCalls`` is the part of ``FileContext`` that, at a call passing
untrusted data to a plain function of this file or of a project module,
gets the callee's summary (computed lazily in summary mode, stored per
process) and reports the entries the data reaches at the call.
``SummaryMode`` is what ``SummaryContext`` (a ``FileContext`` in summary
mode) changes: symbolic parameters, entries instead of findings.
See docs/ARCHITECTURE.md, "Calls through helpers".
"""
from __future__ import annotations

import ast
import os
import sys

import secguide.engine as _engine
from secguide.analysis import summaries as S
from secguide.analysis.functions import param_names
from secguide.engine.tables import _ALL_CODES, _INSTANCES, _tables, walk_plan
from secguide.options import Options
from secguide.project import ProjectFacts
from secguide.project.classes import written_bases
from secguide.project.summaries import SummaryStore, stat_key

#: parameter-to-sink summaries of project modules, per process
_SUMMARIES = SummaryStore()
#: top-level names that are never a project module: the standard library
_NOT_PROJECT = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}
#: how deep a chain of modules' summaries is followed
MAX_SUMMARY_DEPTH = 6
#: the expression walk at a summarised module's top level: no rule runs there
_NO_RULES_PLAN = walk_plan({})
#: how many base classes are searched for an inherited ``self.method``
MAX_BASES = 16


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


class SummaryCalls:
    """Calls through summaries: the ``FileContext`` side (mixed in)."""

    __slots__ = ()

    def _summary_call(self, call: ast.Call, fv) -> None:
        """A call of a plain function of this file or of a project module
        (``fv``, the callee's value: one with a ``ref`` or a qualified name
        outside the standard library; the walk checks that) that passes
        untrusted data: the parameter-to-sink entries of the callee that
        the data reaches are reported at the call."""
        ref = fv.ref
        value = self.value
        if ref is not None:  # caller facts of this file's functions (``local_calls``)
            self._local_calls.setdefault(id(ref[0]), {})[id(call)] = (
                call, [value(a) for a in call.args],
                {k.arg: value(k.value) for k in call.keywords}, self.fn)
        for a in call.args:
            if value(a).taint:
                break
        else:
            for k in call.keywords:
                if value(k.value).taint:
                    break
            else:
                return
        shift = 0  # 1: a bound method, its first parameter is not passed
        try:
            if ref is not None:
                fnode, info, _ = ref
                if info.is_route or info.class_info is not None:
                    return
                summary = self._local_summary(fnode, info)
                through = f" through {fnode.name}()"
            elif fv.qual is None:
                # self.method(data) in a method of a class of this file
                fnode = self._own_method(call.func)
                if fnode is not None:
                    summary = self._local_summary(fnode)
                    through = f" through {self.fn.class_info.name}.{fnode.name}()"
                else:  # defined by a base class, of this file or a project module
                    found = self._base_method(call.func)
                    if found is None:
                        return
                    summary, through = found
                shift = _bound(summary, True)
            else:
                summary, through, shift = self._project_summary(fv.qual)
        except RecursionError:
            self._truncated(call)
            return
        except Exception:  # noqa: BLE001 - no summary: the file's own findings stay
            if _engine._STRICT:
                raise
            return
        if summary is None or not summary.entries:
            return
        args = S.call_arguments(_Shifted(call) if shift else call, summary, self.keyword)
        if shift:
            args.pop(0, None)
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

    def _local_summary(self, fnode, info=None) -> S.FunctionSummary | None:
        """The summary of a function of this file: the file in summary mode,
        that function alone (and what it calls), once per function (a
        nested function runs with the module as its enclosing scope: what
        it reads of its outer function is unknown)."""
        local = self._local
        if local is None:
            local = self._local = {}
        key = id(fnode)
        if key not in local:
            query = self._summary_query()
            path = os.path.abspath(self.filename)
            query.stack.append((path, fnode.name))
            try:
                local[key] = _engine.SummaryContext(
                    self.tree, self.filename, _tables(_ALL_CODES, self.is_test_file),
                    self.options, query).summarise(fnode.name, fnode, info)
            finally:
                query.stack.pop()
        return local[key]

    def _own_method(self, func) -> ast.AST | None:
        """The def of ``self.name`` when ``func`` is that and the function
        running is a method of a top-level class of this file (not a route:
        a class the framework dispatches to is still searched)."""
        methods = self._self_call_methods(func)
        if methods is None:
            return None
        return methods.get(self.fn.class_info.name, {}).get(func.attr)

    def _self_call_methods(self, func) -> dict | None:
        """This file's classes' methods when ``func`` is ``self.name`` in a
        method of a class; else None."""
        fn = self.fn
        if type(func) is not ast.Attribute or type(func.value) is not ast.Name \
                or func.value.id != "self" or fn is None or fn.class_info is None:
            return None
        methods = self._methods
        if methods is None:
            methods = self._methods = _class_methods(self.tree)
        return methods

    def _base_method(self, func) -> tuple[S.FunctionSummary | None, str] | None:
        """``self.name(...)`` in a method of a class of this file that does
        not define ``name``: the summary of the first definition along its
        base classes, depth first (Python's order for single inheritance),
        and the path text; a base of this file is searched in the file, a
        base of another project module through its summaries.  None when no
        base within reach defines it (a framework base, a bound reached)."""
        methods = self._self_call_methods(func)
        if methods is None:
            return None
        name = func.attr
        start = self.fn.class_info.name
        seen = {start}
        stack = list(reversed(self.fn.class_info.bases))
        steps = 0
        while stack and steps < MAX_BASES:
            base = stack.pop()
            steps += 1
            if not base or base in seen:
                continue
            seen.add(base)
            if base in methods:  # a class of this file
                fnode = methods[base].get(name)
                if fnode is not None:
                    return self._local_summary(fnode), f" through {base}.{name}()"
                stack.extend(reversed(self._file_class_bases(base)))
                continue
            if "." not in base or base.partition(".")[0] in _NOT_PROJECT:
                continue
            project = self.project
            if project is None:
                continue
            summary, through, _ = self._project_summary(f"{base}.{name}")
            if summary is not None:
                return summary, through
            facts = project.klass(base)
            if facts is not None:
                stack.extend(reversed(facts.bases))
        return None

    def _file_class_bases(self, name: str) -> list[str]:
        """The bases of this file's top-level class ``name``, resolved
        through the module's imports (``Repo`` -> ``app.base.Repo``)."""
        env = self._module_scope.env

        def resolve(head: str) -> str | None:
            v = env.get(head)
            return v.qual if v is not None else None

        for st in self.tree.body:
            if type(st) is ast.ClassDef and st.name == name:
                return written_bases(st, resolve)
        return []

    def _project_summary(self, qual: str) -> tuple[S.FunctionSummary | None, str, int]:
        """The summary of the project function ``qual`` names (through the
        analysed file's imports), the path text for the message and 1 when
        the call binds the callee's first parameter (a method called on an
        instance).  A method is found as ``module.Class.method`` or
        ``module.instance.method`` (``instance = Class()`` at module level)."""
        project = self.project
        if project is None:
            return None, "", 0
        shift = -1
        hit = project.function_def(qual)
        if hit is None:
            hit = project.method_def(qual)
            if hit is None:
                return None, "", 0
            mf, name, instance = hit
            shift = 1 if instance else 0
        else:
            mf, name = hit
        if not mf.path or os.path.abspath(mf.path) == os.path.abspath(self.filename):
            return None, "", 0
        summary = self._function_summary(os.path.abspath(mf.path), name)
        rel = mf.name.replace(".", "/") + (
            "/__init__.py" if os.path.basename(mf.path) == "__init__.py" else ".py")
        if shift >= 0:
            shift = _bound(summary, shift == 1)
        else:
            shift = 0
        return summary, f" through {name}() in {rel}", shift

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
            # the module's tree, parsed once per process with its facts
            tree = _engine.facts_cache(self.options.project_cache_dir).tree(path, dep) \
                if dep else None
            if tree is not None:
                sc = _engine.SummaryContext(
                    tree, path, _tables(_ALL_CODES, self._test_file(path)), self.options, query)
                summary = sc.summarise(name)
                deps |= sc.deps
                if isinstance(sc._project, ProjectFacts):  # the facts it read
                    deps |= sc._project.files_read()
        except (RecursionError, MemoryError):
            query.partial.add(me)
        except Exception:  # noqa: BLE001 - a module that cannot be summarised
            if _engine._STRICT:
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


class _Shifted:
    """A call seen with one argument before its own (the bound ``self``):
    the argument indexes of ``call_arguments`` are the callee's parameters."""

    __slots__ = ("args", "keywords")

    def __init__(self, call: ast.Call):
        self.args = [_BOUND] + list(call.args)
        self.keywords = call.keywords


#: the bound first argument of a method call (never evaluated: dropped)
_BOUND = ast.Constant(value=None)


def _bound(summary, instance: bool) -> int:
    """1 when the call binds the method's first parameter: ``self``/``cls``
    called on an instance, ``cls`` called on the class; a static method
    binds nothing."""
    if summary is None or not summary.params:
        return 0
    first = summary.params[0]
    return 1 if first == "cls" or instance and first == "self" else 0


def _class_methods(tree: ast.Module) -> dict:
    """Class name -> method name -> def, for the module's top-level classes."""
    out: dict = {}
    for st in tree.body:
        if type(st) is ast.ClassDef:
            out[st.name] = {m.name: m for m in st.body
                            if type(m) in (ast.FunctionDef, ast.AsyncFunctionDef)}
    return out


class SummaryMode:
    """A module in summary mode: each plain function's parameters carry a
    symbolic origin, every rule runs, and a finding whose flow starts at
    parameters only becomes a parameter-to-sink entry of that function
    (``analysis.summaries``); nothing is reported.  Lazy: the module body
    is walked without rules, then only the function a call passes untrusted
    data to runs, with the functions it calls.  Routes are not summarised
    (nothing in the project calls them by name); a method is, when a call
    names it (``self.method``, ``Class.method``, ``instance.method``)."""

    _symbolic = True

    def __init__(self, tree: ast.Module, filename: str, tables,
                 options: Options, query: _SummaryQuery):
        super().__init__(tree, filename, tables, options)
        self._query = query
        #: no rule at module level: only function bodies have parameters
        self._active = {}
        self._active_calls = {}
        self._plan = _NO_RULES_PLAN
        self._fids: dict[int, int] = {}
        self._fnodes: list = []
        self._entries: dict[tuple, S.SinkEntry] = {}
        #: the files these summaries were computed from (other modules')
        self.deps: set = set()

    def summarise(self, name: str, fnode=None, info=None) -> S.FunctionSummary | None:
        """Walk the module body (no rule runs there), then run function
        ``name`` (the def ``fnode``, or the one the name is bound to) and
        what it calls: its summary."""
        self._block(self.tree.body)
        self._finish_module()
        if fnode is None and "." in name:  # "Class.method"
            cls, _, meth = name.partition(".")
            fnode = _class_methods(self.tree).get(cls, {}).get(meth)
            if fnode is None:
                return None
        elif fnode is None:
            bound = self._module_scope.env.get(name)
            entry = bound.ref if bound is not None else None
            if entry is None:
                return None
            fnode = entry[0]
        elif info is not None and not any(e[0] is fnode for e in self._deferred):
            # a nested function: its outer function does not run here
            self._deferred.append((fnode, info, self._module_scope))
        return self._local_summary(fnode)

    def _uses(self, deps) -> None:
        self.deps.update(deps)

    def _function(self, node, info, parent) -> None:
        if info.is_route:
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
        if old is not None and _engine._RANK[old.severity] >= _engine._RANK[sev]:
            return
        where = at if at is not None else node
        self._entries[key] = S.SinkEntry(
            rule.code, sev, confidence or rule.confidence,
            tuple(sorted(fields.items())), tuple(sorted(params.items())),
            getattr(where, "lineno", 0))

    def _local_summary(self, fnode, info=None) -> S.FunctionSummary | None:
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
