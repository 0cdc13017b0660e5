"""The engine: one pass per file feeding every selected rule."""
from __future__ import annotations

import ast
import functools
import warnings
from typing import Iterable

from secguide.analysis.context import DispatchTables, FileContext
from secguide.options import DEFAULT_OPTIONS, Options
from secguide.registry import ALL_RULES
from secguide.rule import Finding, Rule

#: one shared, stateless instance of each rule
_INSTANCES: dict[str, Rule] = {r.code: r() for r in ALL_RULES}


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
                 options: Options | None = None) -> list[Finding]:
    """Findings for an already parsed module.  Never raises."""
    rules = selected_rules(select)
    if not rules or not isinstance(tree, ast.Module):
        return []
    try:
        tables = _tables(tuple(r.code for r in rules), FileContext._test_file(filename))
        ctx = FileContext(tree, filename, tables, options or DEFAULT_OPTIONS)
        return ctx.run()
    except (RecursionError, MemoryError):
        return []
    except Exception:  # noqa: BLE001 - a rule that cannot decide stays silent
        if _STRICT:
            raise
        return []


def analyze_source(source: str | bytes, filename: str = "<string>",
                   select: Iterable[str] | None = None,
                   options: Options | None = None) -> list[Finding]:
    """Parse and analyse; source that does not parse gives no findings."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError,
            UnicodeDecodeError, OverflowError):
        return []
    return analyze_tree(tree, filename, select, options)


#: set by the test-suite to surface internal errors instead of hiding them
_STRICT = False
