"""Checks shared by the property, pathological-input and corpus tests.

``check_program`` runs the engine and the flake8 plugin in-process on one
source and asserts what must hold for any input; ``check_bandit`` does the
same through Bandit's own manager.  Both expect the engine in strict mode
(``strict_engine``), where an internal error in a rule raises instead of
being swallowed, so that "no finding" can never hide a crash.
"""
from __future__ import annotations

import ast
import contextlib
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Iterator

import secguide
from secguide import engine as _engine
from secguide.registry import BY_CODE
from secguide.rule import Finding
from tests.toolrun import all_codes

ALL_CODES = tuple(all_codes())
DEFAULT_CODES = frozenset(r.code for r in _engine.selected_rules(None))


@contextlib.contextmanager
def strict_engine() -> Iterator[None]:
    assert hasattr(_engine, "_STRICT"), "the engine has no strict mode"
    old = _engine._STRICT
    _engine._STRICT = True
    try:
        yield
    finally:
        _engine._STRICT = old


def parse(source: str | bytes) -> ast.Module | None:
    """The module, or None where CPython's parser refuses the source."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


def depth(tree: ast.AST) -> int:
    """How deep ``tree`` nests (iteratively: the trees tested are deep)."""
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def key(findings: list[Finding]) -> list[tuple]:
    return [(f.line, f.col, f.code, f.message, f.severity, f.confidence, f.cwe)
            for f in findings]


def check_program(source: str | bytes, filename: str = "app/views.py") -> list[Finding]:
    """Engine (strict) and the flake8 plugin on ``source``; returns the findings.

    * nothing raises; the result is a list of Findings sorted by position;
    * a second run gives the same result (determinism);
    * the default selection gives exactly the default rules' findings
      (a rule's findings do not depend on which other rules run);
    * every finding sits on a node of its rule's report types, inside the file;
    * the flake8 plugin, run in-process on the parsed tree, yields exactly the
      engine's findings.
    """
    first = _engine.analyze_source(source, filename, select=ALL_CODES)
    assert isinstance(first, list)
    assert all(isinstance(f, Finding) for f in first)
    assert [(f.line, f.col) for f in first] == sorted((f.line, f.col) for f in first)
    second = _engine.analyze_source(source, filename, select=ALL_CODES)
    assert key(second) == key(first), "two runs differ"
    default = secguide.check_source(source, filename)
    assert key(default) == key([f for f in first if f.code in DEFAULT_CODES])

    tree = parse(source)
    if tree is None:
        assert first == [], "findings on source that does not parse"
        return first
    n_lines = len(source.splitlines()) + 1
    for f in first:
        assert 1 <= f.line <= n_lines and f.col >= 0, f
        assert f.node is not None, f
        assert isinstance(f.node, BY_CODE[f.code].report_types), (f, type(f.node))

    from flake8_ext.plugin import SecguidePlugin

    plugin = list(SecguidePlugin(tree, filename, None).run())
    assert [(line, col, text) for line, col, text, _ in plugin] == \
        [(f.line, f.col, f.text) for f in first]
    return first


def bandit_scan(path: Path, include=None, debug: bool = True,
                exclude=()) -> tuple[list, list]:
    """Bandit in-process on a file or a directory, with the tests ``include``d
    (``None``: every test but those ``exclude``d): (issues, skipped)."""
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    # debug=True: an exception in a test aborts the file (and lands in
    # ``skipped``) instead of being logged and ignored
    profile = {"include": set(include) if include is not None else set(),
               "exclude": set(exclude)}
    mgr = b_manager.BanditManager(b_config.BanditConfig(), "file", debug=debug,
                                  quiet=True, ignore_nosec=True, profile=profile)
    mgr.discover_files([str(path)], recursive=True)
    mgr.run_tests()
    return mgr.get_issue_list(), mgr.skipped


def check_bandit(source: str | bytes, directory: Path,
                 filename: str = "views.py") -> set[tuple[int, str]]:
    """Bandit with only the secguide tests, in-process, on ``source``.

    No test raises (a file Bandit cannot scan even with one of its own tests
    instead is not ours to answer for), and Bandit reports exactly what the
    engine finds (``# nosec`` ignored).  Returns Bandit's (line, code) set.
    """
    data = source.encode("utf-8") if isinstance(source, str) else source
    path = directory / filename
    path.write_bytes(data)
    issues, skipped = bandit_scan(path, ALL_CODES)
    reported = {(i.lineno, i.test_id) for i in issues}
    if skipped:
        # Bandit could not read or parse the file, or failed on it: with one
        # of its own tests instead of ours it must fail the same way
        _, control = bandit_scan(path, {"B101"})
        assert control == skipped, (skipped, control)
        return reported
    found = {(f.line, f.code) for f in secguide.check_source(data, str(path),
                                                             select=ALL_CODES)}
    assert reported == found, (sorted(found - reported), sorted(reported - found))
    return reported


#: guards against a hang or a blow-up, far above what the inputs need: not
#: benchmarks (speed is measured by benchmarks/, never by timed tests)
CPU_LIMIT = 30.0
MEMORY_LIMIT = 500 * 2**20


@contextlib.contextmanager
def bounded(what: str, cpu: float = CPU_LIMIT, memory: int = MEMORY_LIMIT) -> Iterator[None]:
    """Assert that the block takes less than ``cpu`` seconds of CPU time and
    allocates less than ``memory`` bytes at its peak (tracemalloc)."""
    tracing = tracemalloc.is_tracing()
    if tracing:
        tracemalloc.reset_peak()
    else:
        tracemalloc.start()
    start = time.process_time()
    try:
        yield
    finally:
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        if not tracing:
            tracemalloc.stop()
    assert elapsed < cpu, f"{what}: {elapsed:.1f} s of CPU time"
    assert peak < memory, f"{what}: {peak / 2**20:.0f} MiB at the peak"
