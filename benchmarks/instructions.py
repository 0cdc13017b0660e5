"""The pack's cost inside its hosts in instructions: one run of each, no noise.

usage: python benchmarks/instructions.py CORPUS_DIR --with PYTHON --without PYTHON
                                         [--tools flake8,bandit] [--jobs 2]

Runs each host once with the pack (``--with``: a virtualenv where it is
installed, see ``benchmarks/venvs.sh``) and once without (``--without``)
under ``valgrind --tool=callgrind`` and prints the instructions each run
executed and their ratio.  An instruction count is the same on every run of
the same binary and input, whatever else the machine is doing, so it tells
whether a change made the pack cheaper when CPU times on a shared machine
move by more than the change.  It is not the target: ``hosts.py`` measures
CPU time, and the pack's code (and its import) runs at fewer instructions per
second than the hosts' own, so a time ratio reads higher than this one.
Valgrind makes a run 50 to 100 times slower: use a corpus of a few tens of
thousands of lines.  Run it from a folder outside the checkout.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys


def instructions(cmd: list[str]) -> int:
    """Instructions one run of ``cmd`` executed (callgrind's total)."""
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + os.devnull]
                         + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no count for {' '.join(cmd)}:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def host_command(python: str, tool: str, corpus: str) -> list[str]:
    if tool == "flake8":
        return [python, "-m", "flake8", "-j1", "--select", "E,W,F,C90,SCG", corpus]
    return [python, "-m", "bandit", "-q", "-r", "-f", "json", "-o", os.devnull, corpus]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--with", dest="with_", required=True, metavar="PYTHON")
    ap.add_argument("--without", required=True, metavar="PYTHON")
    ap.add_argument("--tools", default="flake8,bandit")
    ap.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    runs = {(tool, side): host_command(py, tool, args.corpus)
            for tool in args.tools.split(",")
            for side, py in (("without", args.without), ("with", args.with_))}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        counts = dict(zip(runs, pool.map(instructions, runs.values())))
    for tool in args.tools.split(","):
        a, b = counts[(tool, "without")], counts[(tool, "with")]
        print(f"{tool:<8} without {a / 1e9:7.3f} G   with {b / 1e9:7.3f} G   ratio {b / a:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
