"""Crash run: the engine in strict mode over the standard library and every
installed package (or the directories given), twice per file.

usage: python benchmarks/crash_run.py [DIR ...] [--limit N]

Strict mode (``analyze_tree(..., strict=True)``) makes an internal error
raise instead of being swallowed, so every exception a rule or the analysis
would hide is counted here; an analysis cut short by the recursion limit
(``AnalysisTruncated``) is counted apart, as "truncated".  Each file is also run a second time, and through the
non-strict public API from its raw bytes, to check that the results are the
same (determinism) and that nothing escapes ``check_source``.  Files that do
not parse are fed to ``check_source`` only.  Prints the totals and the first
failures with their tracebacks; exits 1 if any.
"""
from __future__ import annotations

import argparse
import ast
import os
import site
import sys
import sysconfig
import time
import traceback
import warnings

import secguide
import secguide.engine as engine


def default_roots() -> list[str]:
    roots = [sysconfig.get_paths()["stdlib"]]
    roots += [p for p in site.getsitepackages() if os.path.isdir(p)]
    user = site.getusersitepackages()
    if isinstance(user, str) and os.path.isdir(user):
        roots.append(user)
    seen: list[str] = []
    for r in roots:
        r = os.path.realpath(r)
        if not any(r == s or r.startswith(s + os.sep) for s in seen):
            seen.append(r)
    return seen


def py_files(roots: list[str]):
    done = set()
    for root in roots:
        for dp, dn, fn in os.walk(root):
            dn.sort()
            for f in sorted(fn):
                if f.endswith(".py"):
                    path = os.path.realpath(os.path.join(dp, f))
                    if path not in done:
                        done.add(path)
                        yield path


def key(findings) -> list[tuple]:
    return sorted((f.code, f.line, f.col, f.message) for f in findings)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("roots", nargs="*")
    ap.add_argument("--limit", type=int, default=0, help="stop after N files")
    args = ap.parse_args()
    roots = args.roots or default_roots()
    warnings.simplefilter("ignore")  # SyntaxWarnings of odd test files
    files = parsed = lines = findings = 0
    failures: list[tuple[str, str]] = []
    truncated: list[str] = []
    t0 = time.process_time()
    for path in py_files(roots):
        if args.limit and files >= args.limit:
            break
        files += 1
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        lines += data.count(b"\n")
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        try:
            loose = secguide.check_source(data, path)
        except BaseException:  # noqa: B902 - anything escaping is the bug
            failures.append((path, "check_source raised:\n" + traceback.format_exc()))
            continue
        if tree is None:
            continue
        parsed += 1
        try:
            first = engine.analyze_tree(tree, path, strict=True)
            second = engine.analyze_tree(ast.parse(data), path, strict=True)
        except engine.AnalysisTruncated:
            truncated.append(path)
            continue
        except BaseException:  # noqa: B902
            failures.append((path, "strict analysis raised:\n" + traceback.format_exc()))
            continue
        findings += len(first)
        if key(first) != key(second) or key(first) != key(loose):
            failures.append((path, "results differ between runs"))
    spent = time.process_time() - t0
    print(f"roots: {', '.join(roots)}")
    print(f"files {files}  parsed {parsed}  lines {lines}  findings {findings}  "
          f"failures {len(failures)}  truncated {len(truncated)}  ({spent:.0f}s CPU)")
    for path in truncated[:20]:
        print(f"truncated: {path}")
    for path, what in failures[:20]:
        print(f"--- {path}\n{what}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
