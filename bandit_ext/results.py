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
from secguide.engine.lookup import FindingLookup
from secguide.options import cached_options

#: the options of Bandit's ``secguide:`` config, checked once per config
options_for = cached_options


class FileResults(FindingLookup):
    """Findings of one file; ``config_ids``: ids of the (equal) configs seen."""

    __slots__ = ("fdata", "filename", "config", "configs", "config_ids")

    def __init__(self, fdata, filename, config, findings, by_position: bool):
        super().__init__(findings, by_position)
        # strong references: the identities used as keys stay unique
        self.fdata, self.filename, self.config = fdata, filename, config
        self.configs, self.config_ids = [config], {id(config)}


CURRENT: list[FileResults | None] = [None]


def same_file(raw: dict, config) -> FileResults | None:
    """The cached results if they are of this file, under an equal config."""
    res = CURRENT[0]
    if res is None or res.fdata is not raw.get("file_data") or res.filename != raw.get("filename"):
        return None
    if config is not None and config is not res.config:
        if not isinstance(config, dict) or config != res.config:
            return None
        if len(res.configs) < 64:   # remembered by identity (kept alive)
            res.configs.append(config)
            res.config_ids.add(id(config))
    return res


def analyse(raw: dict, node, config, select) -> FileResults:
    """Analyse the file of ``raw`` (Bandit's context) and cache the results."""
    fdata, filename = raw.get("file_data"), raw.get("filename")
    name = filename.decode("utf-8", "replace") if isinstance(filename, bytes) \
        else str(filename) if filename is not None else "<unknown>"
    options, tree = options_for(config), module_of(node)
    if tree is not None:
        findings = engine.analyze_tree(tree, name, select=sorted(select), options=options)
    else:
        data = source(fdata)
        findings = [] if data is None else engine.analyze_source(
            data, name, select=sorted(select), options=options)
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
