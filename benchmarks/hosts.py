"""Cost of the pack inside its host tools, as ratios from one interleaved run.

usage: python benchmarks/hosts.py CORPUS_DIR [--repeat 3] [--tools flake8,bandit]
                                 [--with PYTHON] [--without PYTHON] [--split]

Prints, medians of CPU time (user+sys of the child processes) over
``--repeat`` interleaved rounds, and each tool's peak RSS:
  flake8 --select E,W,F,C90,SCG  vs  flake8 --select E,W,F,C90   (-j1)
  bandit with the SCG tests      vs  bandit -s <every SCG code>
With ``--without PYTHON`` (the interpreter of a virtualenv where flake8 and
Bandit are installed *without* the pack: what a user compares) the plain
runs use that interpreter, with every one of the host's own tests:
  flake8 --select E,W,F,C90,SCG  vs  (no pack) flake8 --select E,W,F,C90,SCG
  bandit (all tests, pack)       vs  (no pack) bandit (all tests)
and the engine alone (parse excluded) in thousands of lines per second.
``--with PYTHON`` runs the hosts with the pack from that interpreter's
virtualenv (default: this one).  ``benchmarks/venvs.sh`` makes both: the pack
installed from a wheel, as users install it, and the hosts alone.  An
editable install of the pack is measured too, with a warning: setuptools'
editable finder sits in front of every import of the host process (about
0.1 s a run that an installed pack does not cost).
``--split`` adds a third run per round: the host with the pack installed
and its analysis skipped (``analyze_tree`` replaced by one returning no
findings, from a ``sitecustomize`` put first on ``PYTHONPATH``).  It splits
what the pack costs into the analysis and everything else (loading the
plugins, the adapters' calls, option handling, the start-up heap freeze of
``secguide.engine.host``): ``pack - skipped`` is the analysis as the host
pays for it, ``skipped - plain`` the rest.
Ratios carry over between machines; absolute times do not.
"""
from __future__ import annotations

import argparse
import ast
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


#: ``--split``: the analysis skipped, everything else of the pack kept
SKIP_ANALYSIS = """
try:
    import secguide.engine as _engine
except ImportError:
    pass
else:
    def _skipped(*args, **kwargs):
        return []
    _engine.analyze_tree = _skipped
"""


def cpu_of(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """CPU time (user+sys) and peak RSS in KiB of one run of ``cmd``."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(_status)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def engine_speed(root: str) -> tuple[int, float, int]:
    from secguide.engine import analyze_tree

    lines = 0
    spent = 0.0
    peak = 0
    for dp, dn, fn in os.walk(root):
        for f in fn:
            if not f.endswith(".py"):
                continue
            with open(os.path.join(dp, f), "rb") as fh:
                data = fh.read()
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            lines += data.count(b"\n")
            t0 = time.process_time()
            analyze_tree(tree, os.path.join(dp, f))  # a path: project facts on
            spent += time.process_time() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return lines, spent, peak


def editable(python: str) -> bool:
    """Is the pack an editable install in ``python``'s environment?"""
    probe = ("import importlib.metadata as m, json\n"
             "t = m.distribution('secguide').read_text('direct_url.json') or '{}'\n"
             "print(json.loads(t).get('dir_info', {}).get('editable', False))")
    out = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    return out.stdout.strip() == "True"


def compile_pack() -> None:
    """Write the pack's bytecode, as ``pip install`` of the wheel does.

    An editable checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (CI sets it)
    compiles every secguide module from source in every host process: about
    0.6 s of CPU a run that a user's installed pack never pays, while the
    hosts' own packages in the virtualenv are compiled.  Timing without it
    would charge the pack for the checkout, not for its work."""
    import compileall

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for pkg in ("secguide", "bandit_ext", "flake8_ext"):
        compileall.compile_dir(os.path.join(root, pkg), quiet=1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", default="flake8,bandit",
                    help="comma-separated hosts to measure (default: both)")
    ap.add_argument("--without", metavar="PYTHON",
                    help="python of a virtualenv with the hosts but without the pack")
    ap.add_argument("--with", dest="with_", metavar="PYTHON", default=sys.executable,
                    help="python of a virtualenv with the hosts and the pack "
                         "(default: this one)")
    ap.add_argument("--split", action="store_true",
                    help="also run each host with the pack's analysis skipped")
    args = ap.parse_args()
    py = args.with_
    if editable(py):
        compile_pack()
        print("note: the pack is an editable install here; a wheel install "
              "(benchmarks/venvs.sh) is what users run")
    from secguide.registry import ALL_RULES

    codes = ",".join(r.code for r in ALL_RULES)
    runs = {
        "flake8": [py, "-m", "flake8", "-j1", "--select", "E,W,F,C90", args.corpus],
        "flake8+scg": [py, "-m", "flake8", "-j1", "--select", "E,W,F,C90,SCG", args.corpus],
        "bandit": [py, "-m", "bandit", "-q", "-r", "-f", "json", "-o", os.devnull,
                   "-s", codes, args.corpus],
        "bandit+scg": [py, "-m", "bandit", "-q", "-r", "-f", "json", "-o", os.devnull,
                       args.corpus],
    }
    if args.without:
        plain = args.without
        runs["flake8"] = [plain, "-m", "flake8", "-j1", "--select", "E,W,F,C90,SCG",
                          args.corpus]
        runs["bandit"] = [plain, "-m", "bandit", "-q", "-r", "-f", "json", "-o", os.devnull,
                          args.corpus]
    tools = args.tools.split(",")
    if args.split:
        runs["flake8+skip"] = runs["flake8+scg"]
        runs["bandit+skip"] = runs["bandit+scg"]
    runs = {k: v for k, v in runs.items() if k.split("+")[0] in tools}
    times: dict[str, list[float]] = {k: [] for k in runs}
    peaks: dict[str, int] = {k: 0 for k in runs}
    with tempfile.TemporaryDirectory() as site:
        with open(os.path.join(site, "sitecustomize.py"), "w") as fh:
            fh.write(SKIP_ANALYSIS)
        skip_env = dict(os.environ, PYTHONPATH=site)
        for _ in range(args.repeat):
            for name, cmd in runs.items():  # interleaved: one of each per round
                cpu, rss = cpu_of(cmd, skip_env if name.endswith("+skip") else None)
                times[name].append(cpu)
                peaks[name] = max(peaks[name], rss)
    med = {k: statistics.median(v) for k, v in times.items()}
    for host in tools:
        plain, pack = med[host], med[host + "+scg"]
        # each round runs both back to back: its ratio is the least noisy figure
        rounds = [b / a for a, b in zip(times[host], times[host + "+scg"])]
        print(f"{host:<10} {plain:7.2f}s   with SCG {pack:7.2f}s   ratio {pack / plain:.3f}   "
              f"per round {min(rounds):.3f}-{max(rounds):.3f} (median {statistics.median(rounds):.3f})   "
              f"peak RSS {peaks[host] / 1024:.0f} -> {peaks[host + '+scg'] / 1024:.0f} MiB")
        if args.split:
            skipped = med[host + "+skip"]
            print(f"{'':<10} analysis skipped {skipped:7.2f}s: the analysis costs "
                  f"{pack - skipped:+.2f}s, the rest of the pack {skipped - plain:+.2f}s "
                  f"(medians)")
    lines, spent, peak = engine_speed(args.corpus)
    print(f"engine      {lines} lines in {spent:.2f}s of analysis (parse excluded): "
          f"{lines / max(spent, 1e-9) / 1000:.0f}k lines/s; peak RSS {peak / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
