"""The per-process store of project modules' parameter-to-sink summaries.

A module's summaries (``analysis.summaries.FunctionSummary`` by function
name) are computed by the engine in summary mode; they depend on the
module's text and on the texts of the modules its flows pass through.  The
store keeps them keyed by the module's path and the options, with the
``(path, size, mtime)`` of every file they were computed from: a lookup
re-checks those, so a changed helper invalidates its own summaries and
those of every module whose flows go through it.  Only complete summaries
are stored (the engine keeps the ones cut short by an import cycle or a
depth limit to the analysed file), so what is stored depends on the files'
contents alone, never on the order files are analysed.
"""
from __future__ import annotations

import os

#: modules kept per process (cleared when full: a bound, not an LRU)
MAX_ENTRIES = 2048


def stat_key(path: str) -> tuple | None:
    """``(path, size, mtime_ns)`` of a file, None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return path, st.st_size, st.st_mtime_ns


class SummaryStore:
    """Summaries of project modules, valid while their files are unchanged."""

    def __init__(self) -> None:
        self._mem: dict[tuple, tuple[frozenset, object]] = {}
        #: modules computed (for tests and the benchmark)
        self.computed = 0

    def get(self, key: tuple):
        """``(value, deps)`` stored under ``key`` if every file it was computed
        from is unchanged; else None."""
        hit = self._mem.get(key)
        if hit is None:
            return None
        deps, value = hit
        for dep in deps:
            if stat_key(dep[0]) != dep:
                del self._mem[key]
                return None
        return value, deps

    def put(self, key: tuple, deps: frozenset, value) -> None:
        if len(self._mem) >= MAX_ENTRIES:
            self._mem.clear()
        self._mem[key] = (deps, value)
        self.computed += 1

    def clear(self) -> None:
        self._mem.clear()
