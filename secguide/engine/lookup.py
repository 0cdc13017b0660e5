"""Findings looked up by node, for hosts that call a test per node (Bandit).

A host that walks the tree itself asks, for each node, whether a rule has a
finding on it: ``FindingLookup`` keeps a file's findings by node identity
(the host walks the very tree the engine analysed) or, when the host's tree
is another parse of the same text, by position.
"""
from __future__ import annotations

from typing import Iterable

from secguide.rule import Finding


def position(node) -> tuple:
    """Where a node is, as a key that another parse of the text gives too."""
    return (type(node), getattr(node, "lineno", None), getattr(node, "col_offset", None),
            getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))


class FindingLookup:
    """One file's findings: ``hits`` by node (id, or position) then code;
    ``kinds``: node class -> the codes with a finding on a node of it."""

    __slots__ = ("by_position", "hits", "kinds")

    def __init__(self, findings: Iterable[Finding], by_position: bool):
        self.by_position = by_position
        self.hits: dict = {}
        self.kinds: dict = {}
        for f in findings:
            if f.node is not None:
                key = position(f.node) if by_position else id(f.node)
                self.hits.setdefault(key, {}).setdefault(f.code, f)
                self.kinds.setdefault(type(f.node), set()).add(f.code)

    def drop_silenced(self, suppressions, tool: str) -> None:
        """Forget the findings a coded suppression comment silences in ``tool``."""
        for key, codes in list(self.hits.items()):
            for code, f in list(codes.items()):
                if suppressions.silences(f, tool):
                    del codes[code]
            if not codes:
                del self.hits[key]

    def lookup(self, node, code: str) -> Finding | None:
        hits = self.hits.get(position(node) if self.by_position else id(node))
        return hits.get(code) if hits else None
