"""One suppression comment for both tools.

A team running flake8 and Bandit writes one comment per finding, whichever
syntax it prefers: ``# noqa: SCG101`` and ``# nosec SCG101`` (or Bandit's
test name, ``# nosec sql_built_query``) silence that SCG code in either tool,
on the line the finding is reported on, on any line of the reported node
(where Bandit reads ``# nosec``) or on the first line of the statement
holding it (so a comment after the opening line of a multi-line call or
assignment works in both tools).  Bare ``# noqa`` and ``# nosec`` stay as
each tool treats them (flake8: its own line; Bandit: the node's lines), and
each tool's switch for reporting everything (``--disable-noqa``,
``--ignore-nosec``) turns this off too.

Only the adapters use this module; the engine reports every finding.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Iterable

#: flake8's ``# noqa: CODES`` (codes separated by commas or spaces)
_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.I)
#: Bandit's no-security comment with test ids or names (up to the next ``#``)
_NOSEC = re.compile(r"#\s*nosec:?\s*(?P<tests>[^#]+)?", re.I)
_SCG = re.compile(r"SCG[0-9]+", re.I)


def named_codes(comment: str, names: dict[str, str]) -> tuple[set[str], set[str]]:
    """The SCG codes a comment silences: (by ``# noqa: SCG101``, or a code
    prefix as flake8 reads it, ``# noqa: SCG1``; by ``# nosec SCG101`` or
    Bandit's test name ``# nosec sql_built_query``); ``names``: test name ->
    code.  Bare forms name no code."""
    noqa: set[str] = set()
    nosec: set[str] = set()
    for m in _NOQA.finditer(comment):
        noqa.update(c.upper() for c in _SCG.findall(m.group("codes") or ""))
    for m in _NOSEC.finditer(comment):
        for word in re.split(r"[\s,]+", m.group("tests") or ""):
            if _SCG.fullmatch(word):
                nosec.add(word.upper())
            elif word in names:
                nosec.add(names[word])
    return noqa, nosec


def comments(source: str | bytes) -> dict[int, str]:
    """Line number -> the comment on it (real comments, not text in strings)."""
    if isinstance(source, bytes):
        if b"noqa" not in source.lower() and b"nosec" not in source.lower():
            return {}
        readline = io.BytesIO(source).readline
    else:
        if "noqa" not in source.lower() and "nosec" not in source.lower():
            return {}
        readline = io.BytesIO(source.encode("utf-8", "surrogatepass")).readline
    out: dict[int, str] = {}
    try:
        for tok in tokenize.tokenize(readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        pass  # the comments read so far
    return out


class Suppressions:
    """The coded suppression comments of one file and its statements."""

    def __init__(self, source: str | bytes, tree: ast.AST | None, names: dict[str, str]):
        #: line -> (codes named by the flake8 form, by the Bandit form)
        self.by_line = {line: codes for line, text in comments(source).items()
                        if any(codes := named_codes(text, names))}
        self._starts: list[tuple[int, int]] = []
        if self.by_line and tree is not None:
            self._starts = sorted(
                (n.lineno, getattr(n, "end_lineno", None) or n.lineno)
                for n in ast.walk(tree) if isinstance(n, ast.stmt))

    def statement_start(self, line: int) -> int:
        """The first line of the innermost statement holding ``line``."""
        best = line
        for start, end in self._starts:
            if start > line:
                break
            if end >= line:
                best = start
        return best

    def silences(self, finding, host: str) -> bool:
        """Whether a coded comment silences ``finding`` in ``host`` ("flake8"
        or "bandit") beyond what the host reads itself: its line, the lines
        of its node (as Bandit reads ``nosec``) and the first line of its
        statement are read, minus the host's own reading
        (flake8: ``noqa`` on the reported line; Bandit: ``nosec`` on the
        reported line and the node's lines), which the host applies and
        counts itself."""
        if not self.by_line:
            return False
        node = getattr(finding, "node", None)
        node_line = getattr(node, "lineno", None) or finding.line
        node_end = getattr(node, "end_lineno", None) or node_line
        lines = {finding.line, self.statement_start(node_line), *range(node_line, node_end + 1)}
        for line in lines & self.by_line.keys():
            noqa, nosec = self.by_line.get(line, ((), ()))
            if finding.code.startswith(tuple(noqa)) and not (host == "flake8" and line == finding.line):
                return True
            if finding.code in nosec and not (
                    host == "bandit" and (line == finding.line or node_line <= line <= node_end)):
                return True
        return False

    def keep(self, findings: Iterable, host: str) -> list:
        """The findings no coded comment silences (beyond the host's own)."""
        return [f for f in findings if not self.silences(f, host)]
