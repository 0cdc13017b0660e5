"""The findings of the file Bandit is walking, for its per-node test calls.

The first test call of a file analyses the ``Module`` Bandit parsed, reached
by the ``_bandit_parent`` links Bandit sets (read only: no second parse), and
keeps the findings by node identity (``secguide.engine.lookup``); every later
call is a dictionary lookup.  Without those links (a caller other than
Bandit's walk) the file data is parsed again and findings are matched by
position.  One slot: Bandit scans files one after another, in one thread.
"""
from __future__ import annotations

import ast

from secguide import engine
from secguide.engine.host import settle_host_heap
from secguide.engine.lookup import FindingLookup
from secguide.options import cached_options as options_for  # checked once per config


class FileResults(FindingLookup):
    """Findings of one file, with the file and the config they are of."""

    __slots__ = ("fdata", "filename", "config")

    def __init__(self, fdata, filename, config, findings, by_position: bool):
        super().__init__(findings, by_position)
        self.fdata, self.filename, self.config = fdata, filename, config

    def of(self, raw: dict, config) -> bool:
        """Results of ``raw``'s file under ``config`` (or an equal one; None: any)?"""
        return self.fdata is raw.get("file_data") and self.filename == raw.get("filename") \
            and (config is None or config is self.config or config == self.config)


CURRENT: list[FileResults | None] = [None]


def analyse(raw: dict, node, config, select) -> FileResults:
    """Analyse the file of ``raw`` (Bandit's context) and cache the results."""
    fdata, filename = raw.get("file_data"), raw.get("filename")
    name = filename.decode("utf-8", "replace") if isinstance(filename, bytes) \
        else "<unknown>" if filename is None else str(filename)
    options, tree, select = options_for(config), module_of(node), sorted(select)
    settle_host_heap()  # once per process, in Bandit's command line only
    if tree is not None:
        findings = engine.analyze_tree(tree, name, select=select, options=options)
    else:
        data = source(fdata)
        findings = [] if data is None else engine.analyze_source(
            data, name, select=select, options=options)
    CURRENT[0] = FileResults(fdata, filename, config, findings, tree is None)
    return CURRENT[0]


def module_of(node) -> ast.Module | None:
    """The Module Bandit parsed, by its ``_bandit_parent`` links (read only)."""
    for _ in range(100_000):
        parent = getattr(node, "_bandit_parent", None)
        if parent is None:
            return node if isinstance(node, ast.Module) else None
        node = parent
    return None


def source(fdata) -> bytes | None:
    """The text of Bandit's open file, its position kept."""
    try:
        pos = fdata.tell()
        fdata.seek(0)
        data = fdata.read()
        fdata.seek(pos)
        return data
    except Exception:  # noqa: BLE001 - unreadable: no text
        return None
