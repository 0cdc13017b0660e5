"""A module's facts, computed by the analysis alone (no rule runs).

``analyse_module(tree)`` interprets a module exactly as the engine does,
with every rule hook a no-op, and returns what it learnt: the return-value
summary of each plain function (which arguments reach the result, which
sources, labels and sanitizers).  Project-wide facts are built from these.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from secguide.analysis.context import FileAnalysis
from secguide.analysis.values import Value
from secguide.options import DEFAULT_OPTIONS, Options


@dataclass
class ModuleFacts:
    """What the analysis alone (no rule) knows of a module."""

    #: return-value summary of each plain (non-route) function that returns,
    #: by qualified name (``helper``, ``Repo.find``, ``outer.<locals>.inner``)
    returns: dict[str, Value] = field(default_factory=dict)
    #: the analysis hit the recursion limit: some values are UNKNOWN
    truncated: bool = False


def analyse_module(tree: ast.Module, filename: str = "<string>",
                   options: Options | None = None) -> ModuleFacts:
    """Run the interpreter over ``tree`` without any rule; the module's facts.

    A ``RecursionError`` escaping the walk is recorded as ``truncated``."""
    analysis = FileAnalysis(tree, filename, options or DEFAULT_OPTIONS)
    try:
        analysis._analyse()
    except RecursionError:
        analysis.truncated = True
    facts = ModuleFacts(truncated=analysis.truncated)
    for qual, node in _defs(tree.body, ""):
        summary = analysis._summaries.get(id(node))
        if summary is not None:
            facts.returns[qual] = summary
    return facts


def _defs(body: list, prefix: str):
    """(qualified name, def node) of every function in ``body``, nested ones too."""
    stack = [(body, prefix)]
    while stack:
        stmts, pre = stack.pop()
        for st in stmts:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield pre + st.name, st
                stack.append((st.body, f"{pre}{st.name}.<locals>."))
            elif isinstance(st, ast.ClassDef):
                stack.append((st.body, f"{pre}{st.name}."))
            elif isinstance(st, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                for part in ("body", "orelse", "finalbody", "handlers"):
                    sub = getattr(st, part, None)
                    if sub:
                        stack.append((sub if part != "handlers" else
                                      [s for h in sub for s in h.body], pre))
