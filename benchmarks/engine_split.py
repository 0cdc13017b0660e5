"""Where the engine's time goes: the same files analysed in several modes.

usage: python benchmarks/engine_split.py CORPUS_DIR [--repeat 5]

Parses every ``.py`` file under CORPUS_DIR once, then times the analysis
alone (CPU time, cold: the per-process facts and summaries dropped before
each run; Python's cyclic collector paused so that the parsed trees this
script holds do not weigh on it) in these modes, interleaved, one of
each per round, and prints each mode's median with its spread:

* ``all``: every default rule, project facts on (what the hosts run);
* ``no-facts``: the option ``project-facts`` off (no other module read);
* ``no-helpers``: also no call-through-helper summaries (findings change);
* ``floor``: one cheap rule (SCG302, calls to a few loaders only), so
  nearly all that is left is the interpreter and the walk every rule rides
  on: the cost of the analysis before any rule;
* ``no-walk``: ``floor`` without the expression walk (statements only;
  findings change).

The differences say what each part costs: ``all - floor`` is the rules,
``floor - no-walk`` the expression walk, ``no-walk`` the interpreter of
statements.  It measures the pack from wherever ``secguide`` imports (run
it from a folder outside the checkout with a virtualenv's python to measure
an installed copy).
"""
from __future__ import annotations

import argparse
import ast
import gc
import os
import statistics
import sys
import time
import warnings


def _trees(root: str) -> list[tuple[ast.Module, str]]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                try:
                    with open(path, "rb") as fh, warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        out.append((ast.parse(fh.read(), filename=path), path))
                except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
                    continue
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import secguide.engine as engine
    from secguide.options import Options

    trees = _trees(args.corpus)
    no_facts = Options(project_facts=False)
    real_walk = engine.FileContext._walk
    real_summary = engine.FileContext._summary_call

    def run(mode: str) -> float:
        options = no_facts if mode in ("no-facts", "no-helpers") else None
        select = ["SCG302"] if mode in ("floor", "no-walk") else None
        if mode == "no-helpers":
            engine.FileContext._summary_call = lambda self, call, fv: None
        if mode == "no-walk":
            engine.FileContext._walk = lambda self, node: None
        engine._SUMMARIES.clear()   # cold: facts and summaries computed again
        engine._FACTS_CACHES.clear()
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            for tree, path in trees:
                engine.analyze_tree(tree, path, select=select, options=options)
            return time.process_time() - start
        finally:
            gc.enable()
            engine.FileContext._walk = real_walk
            engine.FileContext._summary_call = real_summary

    modes = ("all", "no-facts", "no-helpers", "floor", "no-walk")
    times: dict[str, list[float]] = {m: [] for m in modes}
    run("all")  # warm-up: imports, dispatch tables
    for _ in range(args.repeat):
        for mode in modes:
            times[mode].append(run(mode))
    lines = 0
    for _, path in trees:
        with open(path, "rb") as fh:
            lines += sum(1 for _ in fh)
    print(f"{len(trees)} files, {lines} lines; CPU seconds of analysis, median "
          f"(min-max) of {args.repeat} interleaved rounds")
    base = statistics.median(times["all"])
    for mode in modes:
        med = statistics.median(times[mode])
        print(f"  {mode:<11} {med:7.3f}  ({min(times[mode]):.3f}-{max(times[mode]):.3f})  "
              f"{100 * med / base:5.1f} % of all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
