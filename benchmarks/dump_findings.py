"""Dump every finding over some trees, one line each, for before/after diffs.

usage: python benchmarks/dump_findings.py ROOT [ROOT ...] > findings.txt

Every rule is selected (opt-in rules included) with default options; each
line is ``path:line:col: CODE [SEVERITY/CONFIDENCE] message``, files in
sorted order.  A refactoring that must not change behaviour is proven by an
empty ``diff`` of the dumps taken before and after it.
"""
from __future__ import annotations

import ast
import os
import sys
import warnings

import secguide.engine as engine
from secguide.registry import ALL_RULES


def _files(root: str):
    if os.path.isfile(root):
        yield root
        return
    for dp, dn, fn in os.walk(root):
        dn.sort()
        for f in sorted(fn):
            if f.endswith(".py"):
                yield os.path.join(dp, f)


def main(argv: list[str]) -> int:
    select = [r.code for r in ALL_RULES]
    out = sys.stdout
    for root in argv:
        for path in _files(root):
            with open(path, "rb") as fh:
                data = fh.read()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tree = ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            for f in engine.analyze_tree(tree, path, select=select):
                out.write(f"{path}:{f.line}:{f.col + 1}: {f.code} "
                          f"[{f.severity}/{f.confidence}] {f.message}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
