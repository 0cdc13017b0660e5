"""What the host's cyclic garbage collector spends, with and without the pack.

usage: python benchmarks/gc_cost.py CORPUS_DIR --with PYTHON --without PYTHON
                                    [--repeat 3] [--tools flake8,bandit]

Runs each host (``flake8 -j1 --select E,W,F,C90,SCG``, ``bandit -q -r``)
from the two virtualenvs of ``benchmarks/venvs.sh``, interleaved, with a
``sitecustomize`` put first on ``PYTHONPATH`` that times every collection
through ``gc.callbacks``, and prints per tool and virtualenv the medians of:
seconds spent in collections, and the number of collections of each
generation.  A full (generation 2) collection walks every object the
process keeps, the pack's included, so what the pack keeps between files
shows here and not in the engine's own time (``hosts.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile

SITE = '''
import atexit, gc, json, os, time
_t = {"start": 0.0}
_tot = {"seconds": 0.0, "counts": [0, 0, 0], "by_gen": [0.0, 0.0, 0.0]}
def _cb(phase, info):
    if phase == "start":
        _t["start"] = time.perf_counter()
    else:
        d = time.perf_counter() - _t["start"]
        g = info["generation"]
        _tot["seconds"] += d
        _tot["counts"][g] += 1
        _tot["by_gen"][g] += d
gc.callbacks.append(_cb)
@atexit.register
def _write():
    with open(os.environ["SECGUIDE_GC_LOG"], "w") as fh:
        json.dump(_tot, fh)
'''


def run(cmd: list[str], site: str, log: str) -> dict:
    if os.path.exists(log):
        os.remove(log)  # never read an earlier run's figures
    env = dict(os.environ, PYTHONPATH=site, SECGUIDE_GC_LOG=log)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=False)
    if not os.path.exists(log):
        raise SystemExit(f"gc_cost: {cmd[0]} wrote no figures (did it start?)")
    with open(log) as fh:
        return json.load(fh)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--with", dest="with_", required=True, metavar="PYTHON")
    ap.add_argument("--without", required=True, metavar="PYTHON")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", default="flake8,bandit")
    args = ap.parse_args()
    tools = args.tools.split(",")
    with tempfile.TemporaryDirectory() as site:
        with open(os.path.join(site, "sitecustomize.py"), "w") as fh:
            fh.write(SITE)
        log = os.path.join(site, "gc.json")
        out: dict = {}
        for _ in range(args.repeat):
            for tool in tools:
                for label, py in (("with", args.with_), ("without", args.without)):
                    exe = os.path.join(os.path.dirname(py), tool)
                    cmd = [exe, "-j1", "--select", "E,W,F,C90,SCG", args.corpus] \
                        if tool == "flake8" else [exe, "-q", "-r", args.corpus]
                    out.setdefault((tool, label), []).append(run(cmd, site, log))
    for (tool, label), runs in out.items():
        secs = statistics.median(r["seconds"] for r in runs)
        counts = [statistics.median(r["counts"][g] for r in runs) for g in range(3)]
        full = statistics.median(r["by_gen"][2] for r in runs)
        print(f"{tool:7} {label:8} {secs:6.2f} s in collections "
              f"(generation 2: {full:.2f} s); collections per generation "
              f"{counts[0]:.0f} / {counts[1]:.0f} / {counts[2]:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
