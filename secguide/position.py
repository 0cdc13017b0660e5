"""Where a finding is reported: the first line of its statement.

Both tools report a finding on the same line, the line a suppression
comment goes on: flake8 reads ``# noqa`` on the reported line, Bandit reads
``# nosec`` on the reported line and the lines of the node it visits.  A
finding whose node sits on a later line of a multi-line statement is moved
to the statement's first line, with the statement's column:

* a simple statement (an assignment, a call, a ``return``): its first line;
* a node in the header of a compound statement (the condition of an ``if``
  or ``while``, the items of a ``with``, the iterable of a ``for``, the
  parameters and defaults of a ``def``, the bases of a ``class``): the
  header's first line (the ``if``, ``with``, ``for``, ``def`` or ``class``
  line); an ``elif``, an ``except`` clause and a ``case`` are headers of
  their own;
* a node inside a decorator: the decorator's first line (a decorator is a
  line of its own for both tools), with the column of the ``def``.

A finding already on its statement's first line keeps its line and column.
"""
from __future__ import annotations

import ast
import bisect
from dataclasses import replace
from typing import Iterable

#: the fields holding statements (and except clauses and match cases)
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _units(tree: ast.AST) -> list[tuple[tuple[int, int], tuple[int, int], int, int]]:
    """(start, end, line, col) of every statement, except clause, case and
    decorator, sorted by start: a position inside ``start..end`` and in no
    later-starting unit is reported at ``line``, ``col``."""
    units = []
    stack = [tree]
    while stack:
        node = stack.pop()
        for name in _BLOCKS:
            for child in getattr(node, name, None) or ():
                if isinstance(child, ast.match_case):
                    at = child.pattern
                    if getattr(at, "lineno", None) is None:
                        continue
                    end = child.body[-1] if child.body else at
                    units.append(((at.lineno, at.col_offset),
                                  (end.end_lineno or at.lineno, end.end_col_offset or 0),
                                  at.lineno, at.col_offset))
                elif getattr(child, "lineno", None) is not None:
                    units.append(((child.lineno, child.col_offset),
                                  (child.end_lineno or child.lineno, child.end_col_offset or 0),
                                  child.lineno, child.col_offset))
                    for deco in getattr(child, "decorator_list", None) or ():
                        units.append(((deco.lineno, deco.col_offset),
                                      (deco.end_lineno or deco.lineno, deco.end_col_offset or 0),
                                      deco.lineno, child.col_offset))
                else:
                    continue
                stack.append(child)
    units.sort(key=lambda u: u[0])
    return units


def _place(units, starts, line: int, col: int) -> tuple[int, int]:
    """The (line, col) a finding at ``line``, ``col`` is reported at."""
    pos = (line, col)
    i = bisect.bisect_right(starts, pos)
    while i:
        i -= 1
        start, end, at_line, at_col = units[i]
        if pos <= end:
            return (at_line, at_col) if at_line < line else (line, col)
    return line, col


def statement_lines(tree: ast.AST, findings: Iterable) -> list:
    """``findings`` (``Finding``), each moved to the first line of its
    statement (see the module's text); an exact repeat that the move makes
    (same code, place and message) is reported once."""
    findings = list(findings)
    if not findings:
        return findings
    units = _units(tree)
    starts = [u[0] for u in units]
    out, seen = [], set()
    for f in findings:
        line, col = _place(units, starts, f.line, f.col)
        if (line, col) != (f.line, f.col):
            f = replace(f, line=line, col=col)
        key = (f.code, f.line, f.col, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def statement_place(tree: ast.AST, line: int, col: int) -> tuple[int, int]:
    """Where a finding at ``line``, ``col`` of ``tree`` is reported (one
    position; ``statement_lines`` places many at once)."""
    units = _units(tree)
    return _place(units, [u[0] for u in units], line, col)
