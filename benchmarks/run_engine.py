"""Run the engine over a directory tree; print findings and figures.

usage: python benchmarks/run_engine.py DIR [--strict] [--list]

Prints findings per thousand lines overall, per rule and per project (the
first directory level under DIR), and the engine's speed with parsing
excluded.  ``--list`` prints every finding (the triage input), ``--strict``
makes internal errors (and an analysis truncated by the recursion limit)
raise instead of being swallowed (the crash run).
"""
from __future__ import annotations

import argparse
import ast
import collections
import os
import sys
import time

import secguide.engine as engine


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--strict", action="store_true", help="raise internal errors")
    ap.add_argument("--list", action="store_true", help="print every finding")
    args = ap.parse_args()
    files = []
    for dp, dn, fn in os.walk(args.root):
        dn.sort()
        for f in sorted(fn):
            if f.endswith(".py"):
                files.append(os.path.join(dp, f))
    lines = 0
    parse_t = analyse_t = 0.0
    per_rule: collections.Counter = collections.Counter()
    per_project: collections.Counter = collections.Counter()
    project_lines: collections.Counter = collections.Counter()
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        lines += data.count(b"\n")
        project = os.path.relpath(path, args.root).split(os.sep)[0]
        project_lines[project] += data.count(b"\n")
        t0 = time.process_time()
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        t1 = time.process_time()
        found = engine.analyze_tree(tree, path, strict=args.strict)
        t2 = time.process_time()
        parse_t += t1 - t0
        analyse_t += t2 - t1
        for f in found:
            per_rule[f.code] += 1
            per_project[project] += 1
            if args.list:
                print(f"{path}:{f.line}:{f.col + 1}: {f.code} [{f.severity}/{f.confidence}] {f.message}")
    total = sum(per_rule.values())
    print(f"files {len(files)}  lines {lines}  findings {total}  "
          f"per 1k lines {1000 * total / max(lines, 1):.3f}")
    print(f"parse {parse_t:.2f}s  analysis {analyse_t:.2f}s  "
          f"analysis speed {lines / max(analyse_t, 1e-9) / 1000:.0f}k lines/s")
    print("per rule:")
    for code, n in sorted(per_rule.items()):
        print(f"  {code}  {n:4d}  {1000 * n / max(lines, 1):.4f} per 1k lines")
    print("per project:")
    for proj in sorted(project_lines):
        n, pl = per_project[proj], project_lines[proj]
        print(f"  {proj:12} {pl:8d} lines  {n:4d} findings  {1000 * n / max(pl, 1):.3f} per 1k lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
