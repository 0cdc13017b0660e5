"""The findings of the file Bandit is walking, for its per-node test calls.

The first test call of a file analyses the ``Module`` Bandit parsed, reached
by the ``_bandit_parent`` links Bandit sets (read only: no second parse), and
keeps the findings by node identity; every later call is a dictionary lookup.
Without those links (a caller other than Bandit's walk) the file data is
parsed again and findings are matched by position.  One slot: Bandit scans
files one after another, in one thread.
"""
from __future__ import annotations

import ast
import warnings

from secguide import engine
from secguide.options import Options

#: the last config checked and its options (Bandit passes every secguide
#: test the same ``secguide:`` mapping, or equal default ones)
_CHECKED: list = [None, None]


def options_for(config) -> Options:
    """The options of Bandit's ``secguide:`` config; ``OptionError`` (a
    ``ValueError``) if secguide cannot use it.  Checked once per config."""
    if config is not _CHECKED[0] and not (isinstance(config, dict) and config == _CHECKED[0]):
        _CHECKED[:] = [config, Options.from_mapping(config)]
    return _CHECKED[1]


class FileResults:
    """Findings of one file; ``config_ids``: ids of the (equal) configs seen."""

    __slots__ = ("fdata", "filename", "config", "configs", "config_ids",
                 "by_position", "hits", "kinds")

    def __init__(self, fdata, filename, config, findings, by_position: bool):
        # strong references: the identities used as keys stay unique
        self.fdata, self.filename, self.config = fdata, filename, config
        self.configs, self.config_ids = [config], {id(config)}
        self.by_position = by_position
        self.hits: dict = {}    # id(node), or its position: {code: finding}
        self.kinds: dict = {}   # node class: codes with a finding on one
        for f in findings:
            if f.node is not None:
                key = _position(f.node) if by_position else id(f.node)
                self.hits.setdefault(key, {}).setdefault(f.code, f)
                self.kinds.setdefault(type(f.node), set()).add(f.code)

    def drop_silenced(self, suppressions) -> None:
        """Forget the findings a coded suppression comment silences."""
        for key, codes in list(self.hits.items()):
            for code, f in list(codes.items()):
                if suppressions.silences(f, "bandit"):
                    del codes[code]
            if not codes:
                del self.hits[key]

    def lookup(self, node, code: str):
        hits = self.hits.get(_position(node) if self.by_position else id(node))
        return hits.get(code) if hits else None


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
    options = options_for(config)
    tree = _module_of(node)
    by_position = tree is None
    tree = _parse(fdata) if by_position else tree
    findings = [] if tree is None else engine.analyze_tree(
        tree, name, select=sorted(select), options=options)
    CURRENT[0] = FileResults(fdata, filename, config, findings, by_position)
    return CURRENT[0]


def _position(node) -> tuple:
    return (type(node), getattr(node, "lineno", None), getattr(node, "col_offset", None),
            getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))


def _module_of(node) -> ast.Module | None:
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


def module_of(node) -> ast.Module | None:
    return _module_of(node)


def _parse(fdata) -> ast.Module | None:
    try:
        data = source(fdata)
        if data is None:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data)
    except Exception:  # unreadable or unparsable: no findings
        return None
