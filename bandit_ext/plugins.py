"""Bandit tests for the secguide rules: one test per rule, generated.

Each rule of ``secguide.registry.ALL_RULES`` becomes a Bandit test function
named after the rule's symbol (``sql-built-query`` -> ``sql_built_query``),
with the rule's code as its test id, so ``bandit -t SCG101``,
``bandit -s SCG101``, ``# nosec SCG101`` and ``# nosec sql_built_query``
work as for Bandit's own tests.

How a test finds its results
----------------------------
Bandit walks the tree it parsed and calls each test on every node of the
types the test registered for (``Call``, ``FunctionDef``, ...; a rule's
``report_types``).  The secguide engine analyses a whole module at once, so
the first test call of a file runs ``secguide.engine.analyze_tree`` on the
``Module`` Bandit already parsed (found by following the ``_bandit_parent``
links Bandit sets, read only; no second parse) and keeps the findings in a
one-file cache, keyed by the file name and the identity of the file object
Bandit passes in ``context._context["file_data"]``.  Every test call then
answers with a dictionary lookup: the finding of this rule on exactly the
node in ``context.node``, as a Bandit ``Issue``, or ``None``.  If the
Module cannot be reached that way, the file data is parsed again and the
findings are matched to Bandit's nodes by position.

Even a lookup costs Bandit a context copy and a ``# nosec`` check per test
per node, so once a file is analysed the test set's lists keep, for the
rest of that file, only the secguide tests with a finding in it, and
Bandit's per-file ``File`` check puts the full lists back (see ``_Host``;
``tests/test_bandit_trim.py``).

The analysis runs the rules whose tests are enabled in the current Bandit
run (``-t``/``-s``/profile), read from the test set of the caller; when
that cannot be determined, all rules run (Bandit then drops the results of
disabled tests itself).  A test never raises: an internal error means no
finding, never a "Bandit internal error" for the whole file.

Configuration
-------------
Bandit hands a test exactly one configuration section: the one named by the
test's ``takes_config`` name, looked up in the file given with ``-c``.  All
secguide tests take the same name, ``secguide`` (Bandit's aliasing
mechanism, as its ``shell_injection`` tests share one section), so a single
block configures every rule::

    # bandit.yaml, used as: bandit -c bandit.yaml -r src
    secguide:
      password-names: [pin, passphrase]       # or "pin,passphrase"
      authz-markers: [can_view]
      min-bcrypt-rounds: 12

    # or pyproject.toml, used as: bandit -c pyproject.toml -r src
    [tool.bandit.secguide]
    password-names = ["pin", "passphrase"]
    min-bcrypt-rounds = 12

The keys are those of ``secguide.options.OPTION_SPECS`` (dashes or
underscores); unknown keys and unparsable values are ignored.  Without a
``secguide`` block the defaults apply.  Note that ``bandit-config-generator``
writes the defaults under each test's own name (as it does for Bandit's
``shell_injection`` tests); Bandit reads them only from ``secguide:``.
"""
from __future__ import annotations

import ast
import contextlib
import re
import sys
import weakref
from typing import Any

from bandit.core import issue as _issue
from bandit.core import test_properties as _props

from secguide.options import OPTION_SPECS, Options
from secguide.registry import ALL_RULES

#: the Bandit config section every secguide test reads
CONFIG_SECTION = "secguide"

_LEVELS = ("LOW", "MEDIUM", "HIGH")

#: AST classes Bandit never runs tests on: a finding there cannot be reported
UNREPORTABLE = frozenset({"Module", "ClassDef", "Expression", "Interactive"})


def bandit_checks(report_types: tuple[type, ...]) -> list[str]:
    """Bandit check-type names under which nodes of ``report_types`` reach tests.

    Bandit dispatches ``str``/``bytes`` constants as ``Str``/``Bytes`` (and
    runs no test at all on other constants, on ``ClassDef`` or on the
    ``Module``), and a relative ``from . import x`` as ``Import``.
    """
    names: list[str] = []
    for cls in report_types:
        name = cls.__name__
        if name == "Constant":
            extra = ["Str", "Bytes"]
        elif name == "ImportFrom":
            extra = ["ImportFrom", "Import"]
        elif name in UNREPORTABLE:
            extra = []
        else:
            extra = [name]
        names.extend(n for n in extra if n not in names)
    return names


def gen_config(name: str) -> dict[str, Any]:
    """Default configuration (Bandit calls this when ``secguide:`` is absent)."""
    defaults = Options()
    out: dict[str, Any] = {}
    for spec in OPTION_SPECS:
        value = getattr(defaults, spec.name.replace("-", "_"))
        out[spec.name] = list(value) if isinstance(value, tuple) else value
    return out


# -- per-file results -------------------------------------------------------

class _FileResults:
    """Findings of one file, indexed for the per-node lookups."""

    __slots__ = ("fdata", "filename", "config", "select", "by_id", "by_pos",
                 "root", "config_ids", "configs", "check_codes", "late")

    def __init__(self, fdata, filename, config, select, root, findings,
                 by_position):
        # strong references: the ids used as keys stay unique while cached
        self.fdata = fdata
        self.filename = filename
        self.config = config
        # configs known equal to ``config``, kept alive so their ids stay unique
        self.configs = [config]
        self.config_ids = {id(config)}
        self.select = select
        self.root = root
        self.late: dict[str, Any] | None = None   # see _at_file_end
        self.by_id: dict[int, dict[str, Any]] = {}
        self.by_pos: dict[tuple, dict[str, Any]] | None = {} if by_position else None
        for finding in findings:
            node = finding.node
            if node is None:
                continue
            if by_position:
                key = _position(node)
                if key is not None:
                    self.by_pos.setdefault(key, {}).setdefault(finding.code, finding)
            else:
                self.by_id.setdefault(id(node), {}).setdefault(finding.code, finding)
        # Bandit check type -> codes with a finding on a node of that type
        self.check_codes: dict[str, set[str]] = {}
        for finding in findings:
            if finding.node is not None:
                for check in bandit_checks((type(finding.node),)):
                    self.check_codes.setdefault(check, set()).add(finding.code)

    def lookup(self, node, code):
        if self.by_pos is not None:
            key = _position(node)
            found = self.by_pos.get(key, {}).get(code) if key is not None else None
            return found
        found = self.by_id.get(id(node), {}).get(code)
        if found is not None and found.node is not node:
            return None
        return found


_CACHE: list[_FileResults | None] = [None]  # one slot: the current file


def _position(node) -> tuple | None:
    try:
        return (type(node).__name__, node.lineno, node.col_offset,
                getattr(node, "end_lineno", None),
                getattr(node, "end_col_offset", None))
    except AttributeError:
        return None


def _module_root(node) -> ast.Module | None:
    """The Module Bandit parsed, by its ``_bandit_parent`` links (read only)."""
    for _ in range(1_000_000):
        parent = getattr(node, "_bandit_parent", None)
        if parent is None:
            break
        node = parent
    else:
        return None
    return node if isinstance(node, ast.Module) else None


class _Host:
    """One Bandit run's test set, as Bandit built it, and how we trim it.

    Bandit calls every enabled test on every node of the test's check
    types, and its per-call machinery (a context copy, a ``Context``, a
    ``# nosec`` lookup) costs more than our dictionary lookup: with ~30
    secguide tests on ``Call`` it was most of the pack's cost inside Bandit.
    Once a file is analysed, its findings say which secguide tests can
    report anything in it, so for the rest of that file the test set's
    check-type lists are replaced by lists holding Bandit's tests and only
    those secguide tests.  Every secguide test also runs on Bandit's
    per-file ``File`` check, after the walk, which puts the full lists back
    for the next file.  Lists are replaced, never edited while Bandit
    iterates them (the one exception appends to a list we built, see
    ``_results_for``).  Selection (``-t``/``-s``/profiles), test names, IDs
    and ``# nosec`` handling stay Bandit's own, on the same test functions.
    """

    __slots__ = ("testset", "full", "codes", "config", "ours", "built",
                 "__weakref__")

    def __init__(self, testset, full: dict[str, list]):
        self.testset = testset
        self.full = full                  # check type -> list as Bandit built it
        codes = set()
        config = None
        for funcs in full.values():
            for func in funcs:
                code = _code_of(func)
                if code is not None:
                    codes.add(code)
                    if config is None:
                        config = getattr(func, "_config", None)
        self.codes = frozenset(codes)
        self.config = config
        self.built: list[list] = []       # the lists we installed (by identity)

    def prune(self, results) -> None:
        """Install this file's check-type lists in the test set."""
        wanted = results.check_codes
        built = []
        for check, funcs in self.full.items():
            if check == "File" or not any(_code_of(f) is not None for f in funcs):
                continue
            keep = []
            for func in funcs:
                code = _code_of(func)
                if code is None or code in wanted.get(check, ()):
                    keep.append(func)
            self.testset.tests[check] = keep
            built.append(keep)
        self.built = built

    def restore(self) -> None:
        """Put back the lists as Bandit built them (copies)."""
        for check, funcs in self.full.items():
            if any(_code_of(f) is not None for f in funcs):
                self.testset.tests[check] = list(funcs)
        self.built = []

    def is_ours(self, tests) -> bool:
        return any(tests is b for b in self.built)


_HOSTS: "weakref.WeakKeyDictionary[Any, _Host]" = weakref.WeakKeyDictionary()


def _code_of(func) -> str | None:
    code = _CODE_OF.get(getattr(func, "__name__", None))
    return code if code is not None and func is _TESTS.get(code) else None


def _caller(frame):
    """The ``BanditTester`` calling us and the test list it iterates."""
    for _ in range(4):
        if frame is None:
            return None, None
        tester = frame.f_locals.get("self")
        if isinstance(getattr(getattr(tester, "testset", None), "tests", None), dict):
            tests = frame.f_locals.get("tests")
            return tester, tests if isinstance(tests, list) else None
        frame = frame.f_back
    return None, None


def _host_for(tester) -> _Host | None:
    if tester is None:
        return None
    testset = tester.testset
    try:
        host = _HOSTS.get(testset)
    except TypeError:
        return None
    if host is None:
        full = {check: list(funcs) for check, funcs in testset.tests.items()
                if isinstance(funcs, list)}
        host = _Host(testset, full)
        try:
            _HOSTS[testset] = host
        except TypeError:
            return None
    return host


def _same_config(a, b) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def _results_for(raw: dict, node, config, frame, late: bool = False) -> _FileResults | None:
    fdata = raw.get("file_data")
    filename = raw.get("filename")
    cached = _CACHE[0]
    if (cached is not None and cached.fdata is fdata
            and cached.filename == filename
            and (config is None or _same_config(cached.config, config))):
        if config is not None and len(cached.configs) < 64:
            cached.configs.append(config)
            cached.config_ids.add(id(config))
        return cached

    tester, tests = _caller(frame)
    host = _host_for(tester)
    if host is not None:
        select = host.codes
        if config is None:
            config = host.config
    else:
        select = frozenset(r.code for r in ALL_RULES)
    options = Options.from_mapping(config if isinstance(config, dict) else None)
    if isinstance(filename, bytes):
        filename = filename.decode("utf-8", "replace")
    name = str(filename) if filename is not None else "<unknown>"

    from secguide import engine

    root = _module_root(node) if node is not None else None
    by_position = False
    findings: list = []
    with _stack_budget():
        if root is not None:
            findings = engine.analyze_tree(root, name, select=sorted(select),
                                           options=options)
        else:
            by_position = True
            source = _read(fdata)
            if source is not None:
                findings = engine.analyze_source(
                    source, name, select=sorted(select), options=options)
    result = _FileResults(fdata, raw.get("filename"), config, select, root,
                          findings or (), by_position)
    _CACHE[0] = result
    if late:
        result.late = {}
        for finding in sorted(findings or (), key=lambda f: (f.line, f.col)):
            result.late.setdefault(finding.code, finding)
        return result
    if host is not None and by_position:
        # no node identities to trim by: every enabled test runs
        if tests is not None and host.is_ours(tests):
            for check in bandit_checks((type(node),)):
                tests.extend(f for f in host.full.get(check, ())
                             if _code_of(f) is not None and f not in tests)
        host.restore()
    elif host is not None:
        if tests is not None and host.is_ours(tests):
            # called from a list trimmed for the previous file: give the
            # current node the tests it needs (appended: Bandit's loop over
            # this list is still running and will reach them)
            for code in sorted(result.by_id.get(id(node), ())):
                func = _TESTS.get(code)
                if func is not None and func not in tests:
                    tests.append(func)
        host.prune(result)
    return result


@contextlib.contextmanager
def _stack_budget():
    """Give the analysis the recursion budget it has when run standalone.

    Bandit calls a test from inside its recursive tree walk, one Python
    frame per level of the AST, so a file whose first call sits deep in an
    expression would leave the engine fewer frames than flake8 or
    ``check_source`` have, and the two tools could disagree.  The limit is
    raised by the depth already in use for the duration of the analysis.
    """
    old = sys.getrecursionlimit()
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    if depth > 50:
        sys.setrecursionlimit(old + depth)
    try:
        yield
    finally:
        if sys.getrecursionlimit() != old:
            sys.setrecursionlimit(old)


def _read(fdata) -> bytes | None:
    try:
        pos = fdata.tell()
        try:
            fdata.seek(0)
            data = fdata.read()
        finally:
            fdata.seek(pos)
    except Exception:
        return None
    return data if isinstance(data, (bytes, str)) else None


_LINE_REF = re.compile(r"\(line (\d+)\)|\bfrom line (\d+)")


def _stable_text(finding) -> str:
    """The message with "line 12" made relative ("3 lines above").

    Bandit matches baseline entries (``-b``) by message text, so an absolute
    line number would make every finding below an edit look new.
    """
    def relative(m: "re.Match") -> str:
        n = finding.line - int(m.group(1) or m.group(2))
        where = "on the same line" if n == 0 else (
            f"{n} line{'s' if n != 1 else ''} above" if n > 0 else
            f"{-n} line{'s' if n != -1 else ''} below")
        return f"({where})" if m.group(1) else f"from {where}"

    return _LINE_REF.sub(relative, finding.message)


def _to_issue(rule, finding, node):
    severity = finding.severity if finding.severity in _LEVELS else rule.severity
    confidence = (finding.confidence if finding.confidence in _LEVELS
                  else rule.confidence)
    issue = _issue.Issue(
        severity=severity,
        confidence=confidence,
        cwe=rule.cwe,
        text=_stable_text(finding),
        lineno=finding.line,
        col_offset=finding.col,
        test_id=rule.code,
    )
    start = getattr(node, "lineno", finding.line) if node is not None else finding.line
    end = getattr(node, "end_lineno", None) if node is not None else None
    if finding.line < start:
        # placed on a decorator above the def: the range covers it
        issue.linerange = list(range(finding.line, (end or start) + 1))
    elif node is None:
        issue.linerange = [finding.line]
    return issue


def _at_file_end(raw: dict, rule, config, frame):
    """Bandit's ``File`` check, run once per file after its walk.

    Puts back the full test lists for the next file.  If this file's walk
    never reached a secguide test (the lists were still trimmed for another
    file, as after a file whose walk Bandit abandoned), the file is analysed
    now and each rule reports its first finding here, with its own line.
    """
    tester, _tests = _caller(frame)
    host = _host_for(tester)
    results = _CACHE[0]
    if results is None or results.fdata is not raw.get("file_data") \
            or results.filename != raw.get("filename"):
        # not analysed during the walk: either no node of a secguide check
        # type (nothing to report) or the lists were trimmed for another file
        if host is None or not host.built:
            return None
        results = _results_for(raw, None, config, frame, late=True)
    if host is not None and host.built:
        host.restore()
    if results is None or results.late is None:
        return None
    finding = results.late.get(rule.code)
    return _to_issue(rule, finding, None) if finding is not None else None


def _make_test(rule):
    code = rule.code

    def test(context, config=None):
        try:
            raw = context._context
            node = raw.get("node")
            if node is None:
                if raw.get("lineno") == 0 and "file_data" in raw:
                    return _at_file_end(raw, rule, config, sys._getframe(1))
                return None
            results = _CACHE[0]
            # fast path: Bandit calls every test on every node of its types;
            # the file's results are computed once, then only looked up.
            # (Each test gets its own copy of the config: equal copies are
            # remembered by identity.)
            if results is None or results.fdata is not raw.get("file_data") or \
                    id(config) not in results.config_ids:
                results = _results_for(raw, node, config, sys._getframe(1))
                if results is None:
                    return None
            if results.by_pos is None:
                hits = results.by_id.get(id(node))
                if hits is None:
                    return None
            finding = results.lookup(node, code)
            if finding is None:
                return None
            return _to_issue(rule, finding, node)
        except Exception:
            return None

    name = rule.symbol.replace("-", "_")
    test.__name__ = name
    test.__qualname__ = name
    test.__module__ = __name__
    test.__doc__ = _render_doc(rule)
    # "File": Bandit's per-file check after the walk (see _Host)
    test = _props.checks(*bandit_checks(rule.report_types), "File")(test)
    test = _props.test_id(code)(test)
    test = _props.takes_config(CONFIG_SECTION)(test)
    return name, test


def _render_doc(rule) -> str:
    message = re.sub(r"\{(\w*)[^}]*\}", lambda m: f"<{m.group(1) or '...'}>",
                     rule.message)
    rationale = " ".join(str(getattr(rule, "rationale", "")).split())
    return (
        f"{rule.code}: {rule.symbol}\n\n"
        f"{message}\n\n"
        f"{rationale}\n\n"
        f"Severity {rule.severity}, confidence {rule.confidence}. "
        f"CWE-{rule.cwe}: {rule.cwe_url()}\n"
        f"Documentation: {rule.doc_url()}\n"
    )


_TESTS: dict[str, Any] = {}
_CODE_OF: dict[str, str] = {}
for _rule in ALL_RULES:
    _name, _test = _make_test(_rule)
    globals()[_name] = _test
    _TESTS[_rule.code] = _test
    _CODE_OF[_name] = _rule.code
del _rule, _name, _test

__all__ = ["CONFIG_SECTION", "bandit_checks", "gen_config",
           *(t.__name__ for t in _TESTS.values())]
