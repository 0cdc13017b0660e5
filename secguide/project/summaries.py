"""The store of project modules' parameter-to-sink summaries: per process,
and on disk next to the facts when ``project-cache-dir`` is set.

A module's summaries (``analysis.summaries.FunctionSummary`` by function
name) are computed by the engine in summary mode; they depend on the
module's text and on the texts of the modules its flows pass through (and
whose facts it read).  The store keeps them under ``(path, function name,
options)`` with the ``(path, size, mtime)`` of every file they were
computed from: a lookup re-checks those, so a changed helper invalidates
its own summaries and those of every module whose flows go through it.
Only complete summaries are stored (the engine keeps the ones cut short by
an import cycle or a depth limit to the analysed file), so what is stored
depends on the files' contents alone, never on the order files are
analysed.

On disk a record is named by a hash of the module's path, text, the
function name and the options, and lists the content hash of every file
the summary was computed from: it is used only while each of them still
has that content (cold, warm and parallel runs give the same findings).
"""
from __future__ import annotations

import hashlib
import os

from secguide.analysis.summaries import summary_from_json, summary_to_json
from secguide.project import diskcache

#: modules kept per process (cleared when full: a bound, not an LRU)
MAX_ENTRIES = 2048
#: bump when the summaries' shape or meaning changes (invalidates disk caches)
SUMMARY_VERSION = "1"
#: files read for a content hash (the store's own bound)
MAX_BYTES = 2_000_000


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
        #: content hashes of files, by ``stat_key``
        self._hashes: dict[tuple, str] = {}
        #: modules computed (for tests and the benchmark)
        self.computed = 0
        #: summaries read from the disk cache (for tests and the benchmark)
        self.disk_hits = 0

    def get(self, key: tuple):
        """``(value, deps)`` stored under ``key`` (``(path, function name,
        options)``) if every file it was computed from is unchanged; else
        None."""
        hit = self._mem.get(key)
        if hit is None:
            return self._disk_get(key)
        deps, value = hit
        for dep in deps:
            if stat_key(dep[0]) != dep:
                del self._mem[key]
                return self._disk_get(key)
        return value, deps

    def put(self, key: tuple, deps: frozenset, value) -> None:
        self._remember(key, deps, value)
        self.computed += 1
        self._disk_put(key, deps, value)

    def clear(self) -> None:
        self._mem.clear()
        self._hashes.clear()

    def _remember(self, key: tuple, deps: frozenset, value) -> None:
        if len(self._mem) >= MAX_ENTRIES:
            self._mem.clear()
        self._mem[key] = (deps, value)

    # ------------------------------------------------------------- disk
    @staticmethod
    def _disk_dir(key: tuple) -> str:
        return getattr(key[2], "project_cache_dir", "") if len(key) == 3 else ""

    def _content(self, path: str) -> tuple[tuple, str] | None:
        """``(stat key, sha256 of the text)`` of a file, None if unreadable."""
        st = stat_key(path)
        if st is None or st[1] > MAX_BYTES:
            return None
        got = self._hashes.get(st)
        if got is None:
            try:
                with open(path, "rb") as fh:
                    got = hashlib.sha256(fh.read()).hexdigest()
            except OSError:
                return None
            if stat_key(path) != st:
                return None  # changed while read
            if len(self._hashes) >= 4 * MAX_ENTRIES:
                self._hashes.clear()
            self._hashes[st] = got
        return st, got

    def _record_key(self, key: tuple) -> str | None:
        path, name, options = key
        own = self._content(path)
        if own is None:
            return None
        return diskcache.digest("summary", SUMMARY_VERSION, path, str(name), repr(options),
                                own[1])

    def _disk_get(self, key: tuple):
        disk = self._disk_dir(key)
        if not disk:
            return None
        rkey = self._record_key(key)
        data = diskcache.read_record(disk, rkey) if rkey else None
        if not isinstance(data, dict):
            return None
        try:
            deps = set()
            for path, text_hash in data["deps"]:
                now = self._content(path)
                if now is None or now[1] != text_hash:
                    return None  # a file it was computed from has changed
                deps.add(now[0])
            value = summary_from_json(data["summary"])
        except (KeyError, TypeError, ValueError):
            return None
        deps = frozenset(deps)
        self._remember(key, deps, value)
        self.disk_hits += 1
        return value, deps

    def _disk_put(self, key: tuple, deps: frozenset, value) -> None:
        disk = self._disk_dir(key)
        if not disk:
            return
        rkey = self._record_key(key)
        if rkey is None:
            return
        listed = []
        for dep in sorted(deps):
            now = self._content(dep[0])
            if now is None or now[0] != dep:
                return  # changed since it was read: never store a mixed state
            listed.append([dep[0], now[1]])
        try:
            summary = summary_to_json(value)
        except TypeError:
            return  # a message field that JSON cannot hold: memory only
        diskcache.write_record(disk, rkey, {"deps": listed, "summary": summary})
