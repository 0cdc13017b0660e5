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
                 "root")

    def __init__(self, fdata, filename, config, select, root, findings,
                 by_position):
        # strong references: the ids used as keys stay unique while cached
        self.fdata = fdata
        self.filename = filename
        self.config = config
        self.select = select
        self.root = root
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


def _enabled_codes(frame) -> frozenset[str] | None:
    """The codes of the secguide tests in the caller's Bandit test set.

    ``BanditTester.run_tests`` calls each test; its ``testset.tests`` maps
    check types to the enabled test functions.  ``None`` if not found.
    """
    for _ in range(4):
        if frame is None:
            return None
        tester = frame.f_locals.get("self")
        tests = getattr(getattr(tester, "testset", None), "tests", None)
        if isinstance(tests, dict):
            codes = set()
            for funcs in tests.values():
                for func in funcs or ():
                    code = _CODE_OF.get(getattr(func, "__name__", None))
                    if code is not None and func is _TESTS.get(code):
                        codes.add(code)
            return frozenset(codes)
        frame = frame.f_back
    return None


def _same_config(a, b) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def _results_for(raw: dict, node, config, frame) -> _FileResults | None:
    fdata = raw.get("file_data")
    filename = raw.get("filename")
    cached = _CACHE[0]
    if (cached is not None and cached.fdata is fdata
            and cached.filename == filename
            and _same_config(cached.config, config)):
        return cached

    select = _enabled_codes(frame)
    if select is None:
        select = frozenset(r.code for r in ALL_RULES)
    options = Options.from_mapping(config if isinstance(config, dict) else None)
    if isinstance(filename, bytes):
        filename = filename.decode("utf-8", "replace")
    name = str(filename) if filename is not None else "<unknown>"

    from secguide import engine

    root = _module_root(node)
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


def _make_test(rule):
    code = rule.code

    def test(context, config=None):
        try:
            raw = context._context
            node = raw.get("node")
            if node is None:
                return None
            results = _CACHE[0]
            # fast path: Bandit calls every test on every node of its types;
            # the file's results are computed once, then only looked up
            if results is None or results.fdata is not raw.get("file_data") or \
                    results.config is not config:
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
                test_id=code,
            )
            start = getattr(node, "lineno", finding.line)
            if finding.line < start:
                # placed on a decorator above the def: the range covers it
                issue.linerange = list(range(finding.line,
                                             (getattr(node, "end_lineno", None) or start) + 1))
            return issue
        except Exception:
            return None

    name = rule.symbol.replace("-", "_")
    test.__name__ = name
    test.__qualname__ = name
    test.__module__ = __name__
    test.__doc__ = _render_doc(rule)
    test = _props.checks(*bandit_checks(rule.report_types))(test)
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
