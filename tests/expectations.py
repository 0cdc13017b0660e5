"""Inline expectations in fixture files.

A line that must be reported carries a comment ``# expect: SCG101`` (several
codes separated by commas).  A code may name its column, 1-based as flake8
prints it: ``# expect: SCG101:12`` (the finding's ``col`` + 1); a code
reported twice on one line at different columns is listed once per column
(``# expect: SCG101:5, SCG101:30``).  Without a column any column matches.
``# expect-missing: SCG101`` marks a known miss (not required, documented);
``# expect-spurious: SCG101`` a known false positive (tolerated,
documented).  An ``# options: {"password-names": "pin"}`` header line sets
options for the whole file.

``tools/annotate_columns.py`` adds the columns to markers that lack them.
"""
from __future__ import annotations

import functools
import io
import json
import re
import tokenize
from pathlib import Path
from typing import Iterable

_CODE = r"SCG\d{3}(?::\d+)?"
_EXPECT = re.compile(
    rf"#\s*expect(?P<kind>-missing|-spurious)?:\s*(?P<codes>{_CODE}(?:\s*,\s*{_CODE})*)")
_ITEM = re.compile(r"(?P<code>SCG\d{3})(?::(?P<col>\d+))?")
_OPTIONS = re.compile(r"#\s*options:\s*(?P<json>\{.*\})\s*$")


def parse_codes(text: str) -> list[tuple[str, int | None]]:
    """``"SCG101:12, SCG102"`` -> ``[("SCG101", 12), ("SCG102", None)]``."""
    return [(m.group("code"), int(m.group("col")) if m.group("col") else None)
            for m in _ITEM.finditer(text)]


def markers(data: bytes) -> Iterable[tuple[tokenize.TokenInfo, re.Match]]:
    """Every ``# expect...:`` marker: (its comment token, the match in it)."""
    for tok in tokenize.tokenize(io.BytesIO(data).readline):
        if tok.type == tokenize.COMMENT:
            for m in _EXPECT.finditer(tok.string):
                yield tok, m


@functools.lru_cache(maxsize=None)
def _parse(data: bytes) -> tuple:
    """A file's markers and options, as immutable values: tokenizing is the
    slow part, and the fast tier reads each fixture's expectations several
    times (cached by content, so a rewritten file is read again)."""
    expected: set[tuple[int, str]] = set()
    missing: set[tuple[int, str]] = set()
    spurious: set[tuple[int, str]] = set()
    columns: dict[tuple[int, str], set[int]] = {}
    options: dict = {}
    anywhere: set[tuple[int, str]] = set()
    for tok in tokenize.tokenize(io.BytesIO(data).readline):
        if tok.type == tokenize.COMMENT:
            m = _OPTIONS.search(tok.string)
            if m:
                options.update(json.loads(m.group("json")))
    for tok, m in markers(data):
        line = tok.start[0]
        target = {None: expected, "-missing": missing,
                  "-spurious": spurious}[m.group("kind")]
        for code, col in parse_codes(m.group("codes")):
            target.add((line, code))
            if col is None:
                anywhere.add((line, code))
            else:
                columns.setdefault((line, code), set()).add(col)
    for key in anywhere:
        columns.pop(key, None)
    return (frozenset(expected), frozenset(missing), frozenset(spurious),
            tuple((key, frozenset(cols)) for key, cols in columns.items()),
            json.dumps(options))


class Expectations:
    def __init__(self, path: Path):
        self.path = Path(path)
        expected, missing, spurious, columns, options = _parse(self.path.read_bytes())
        #: (line, code) pairs, as before columns were written
        self.expected: set[tuple[int, str]] = set(expected)
        self.missing: set[tuple[int, str]] = set(missing)
        self.spurious: set[tuple[int, str]] = set(spurious)
        #: (line, code) -> the 1-based columns written for it (only where
        #: every mention of the code on that line names a column)
        self.columns: dict[tuple[int, str], set[int]] = {
            key: set(cols) for key, cols in columns}
        self.options: dict = json.loads(options)

    @staticmethod
    def positions(findings) -> set[tuple[int, str, int]]:
        """(line, code, 1-based column) of findings, as ``check`` takes them."""
        return {(f.line, f.code, f.col + 1) for f in findings}

    def check(self, actual: set[tuple]) -> list[str]:
        """Problems with ``actual``; empty if fine.

        ``actual`` holds (line, code) pairs, or (line, code, 1-based column)
        triples (``positions``): then the columns written in the markers are
        compared too.
        """
        pairs = {item[:2] for item in actual}
        problems = []
        for line, code in sorted(self.expected - pairs):
            problems.append(f"{self.path.name}:{line}: expected {code}, not reported")
        extra = pairs - self.expected - self.missing - self.spurious
        for line, code in sorted(extra):
            problems.append(f"{self.path.name}:{line}: unexpected {code}")
        cols: dict[tuple[int, str], set[int]] = {}
        for item in actual:
            if len(item) == 3:
                cols.setdefault(item[:2], set()).add(item[2])
        for (line, code), written in sorted(self.columns.items()):
            found = cols.get((line, code))
            if found and found != written and (line, code) in self.expected:
                problems.append(
                    f"{self.path.name}:{line}: expected {code} at column(s) "
                    f"{sorted(written)}, reported at {sorted(found)}")
        return problems
