"""Precision on real applications: findings on set-A application code,
joined with the hand triage.

usage:
  python benchmarks/apps.py [--set A|C] [--root .corpus/apps] [--via engine|flake8|both]
                            [--select CODES] [--triage FILE] [--apps NAME,...] [--all-files]
                            [--list-untriaged] [--list-gone] [--json]
  python benchmarks/apps.py --extract GITDIR DEST

Runs the pack over each of the seven set-A applications
(``../shared/bench/apps/README.md``), keeps the findings on *application*
code (not tests, not migrations; the README's classification, see
``classify``), and joins every finding with ``triage-A.tsv`` by app, path,
line and code.  It prints, per app and per rule: findings, true positives,
acceptable, false positives, untriaged ("new"), the false-positive rate
(FP among triaged findings), the true-or-acceptable share (the 80 % gate of
issue 13) and false positives per 1,000 lines of application code.

``--via engine`` (the default) calls ``secguide.engine`` in this process
with the default rule selection; ``--via flake8`` runs
``flake8 --isolated --select SCG -j1 APPDIR`` as the README says (less the
opt-in rules, which an explicit ``--select SCG`` would include); ``--select
CODES`` picks other rules in both (``SCG``: all, opt-in included); ``--via
both`` runs the two and fails (exit 1) unless they report the same
(path, line, code) set.  ``--list-untriaged`` prints the new findings as
rows ready to be triaged (the columns of triage-A.tsv, verdict empty);
``--list-gone`` the triaged findings no longer reported; ``--json`` all of
it machine-readable.  Exit status 1 also when a true positive of the triage
is no longer reported.

``--set C`` does the same for the ten applications of ``APPS_C`` (fetched
into ``.corpus/apps-c``) with ``benchmarks/triage-C.tsv``, triaged the same
way when the pack first ran on them.

``--extract GITDIR DEST`` writes the files of a fetched snapshot (a bare git
directory) into DEST like ``../shared/bench/apps/extract.sh``, but skips the
blobs a snapshot leaves out (large files) instead of aborting half-way, as
``git archive`` does; it names the skipped files.
"""
from __future__ import annotations

import argparse
import ast
import collections
import glob
import json
import os
import re
import subprocess
import sys
import warnings
from dataclasses import asdict, dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_TRIAGE = os.path.join(REPO, "..", "shared", "bench", "apps", "triage-A.tsv")
if not os.path.exists(DEFAULT_TRIAGE):
    DEFAULT_TRIAGE = "/work/shared/bench/apps/triage-A.tsv"
#: rows for findings triaged after the shared file was written (same columns)
PROJECT_TRIAGE = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "triage-A-p*.tsv")))

#: name, GitHub repository, pinned commit, framework (the README's table)
APPS = (
    ("healthchecks", "healthchecks/healthchecks", "29b5ec251059034b79e0120e2ff0c3e35d7bd9f8", "Django"),
    ("netbox", "netbox-community/netbox", "43fe81f9e833228c9869f7ddadb67e6c5f145060", "Django"),
    ("babybuddy", "babybuddy/babybuddy", "fa8bf4cd66ed149e23c215763a49a2f76dbcd2b7", "Django"),
    ("CTFd", "CTFd/CTFd", "91ced62d44d3ec3142a0948ee96ed19947cfc979", "Flask"),
    ("flaskbb", "flaskbb/flaskbb", "4b78af85e96b375fdbc4d53723cedea459c99ac4", "Flask"),
    ("mealie", "mealie-recipes/mealie", "b5643a9399465d8b4ea339e7a6639df2d697741b", "FastAPI"),
    ("fief", "fief-dev/fief", "a77e7fb65fc54d7994740619684a87e85d1293ed", "FastAPI"),
)
#: set C: ten more applications, never used to tune the rules before the
#: round that triaged them (benchmarks/triage-C.tsv, RESULTS.md
#: "Applications, set C"): a check that fixes made on set A carry over
APPS_C = (
    ("dispatch", "Netflix/dispatch", "dd2837e82a0bf5565b1b4b4b91ea30b7262d4061", "FastAPI"),
    ("polar", "polarsource/polar", "c6c3645e639ee8eeaa05aa0835cf8e39e330382f", "FastAPI"),
    ("lemur", "Netflix/lemur", "3a3c2c201d42db0eed06e79297eb8dc252c39288", "Flask"),
    ("redash", "getredash/redash", "ca79fe988d81cdac9675b412f3dfcab107bc1fbc", "Flask"),
    ("open-event-server", "fossasia/open-event-server", "071d1595b4af5a711875706a8fd47ee2887656fe", "Flask"),
    ("paperless-ngx", "paperless-ngx/paperless-ngx", "b0e0e8a35373a5d9d588a507cb63c79e50a23403", "Django"),
    ("recipes", "TandoorRecipes/recipes", "d206eddbd32bd3c40feff70ad780b0f91f325eaa", "Django"),
    ("wger", "wger-project/wger", "aaba20184527b018e10f1be576202aa7e7cb4c21", "Django"),
    ("taiga-back", "kaleidos-ventures/taiga-back", "b6eac2c503eaa955e5d81bc29b2e8a988b7cb36b", "Django"),
    ("Kiwi", "kiwitcms/Kiwi", "dfcf75920db11b4cb67bb66b37b378afda5cef32", "Django"),
)
#: --set: its apps, its triage files, the default folder holding its apps
SETS = {
    "A": (APPS, None, ".corpus/apps"),
    "C": (APPS_C, [os.path.join(HERE, "triage-C.tsv")], ".corpus/apps-c"),
}
FRAMEWORK = {a[0]: a[3] for a in APPS + APPS_C}
VERDICTS = ("TP", "acceptable", "FP")
#: a triaged finding that moved by at most this many lines still matches
#: (reported as moved); exact matches are taken first
MOVE_WINDOW = 3


# ------------------------------------------------------------------ files
_REVISION = re.compile(r"^(\d{4}_|[0-9a-f]{12}_)\w*\.py$")


def classify(rel: str, appdir: str | None = None) -> str:
    """``test``, ``migration`` or ``app`` for a path relative to the app's
    root (the README's rule).  *test*: a path part or the file name
    contains "test", or the file is conftest.py.  *migration*: under a
    ``migrations/`` or ``versions/`` folder that holds database migrations
    (Django ``0001_x.py`` or alembic ``<12 hex>_x.py`` revisions, an alembic
    ``env.py`` or ``versions/``; a ``versions/`` next to an ``env.py``); a package that is merely called
    ``migrations`` (mealie's recipe importers, CTFd's migration helpers) is
    application code.  Without ``appdir`` any such folder counts.  *app*:
    everything else, settings and management commands included."""
    parts = rel.replace("\\", "/").split("/")
    low = [p.lower() for p in parts]
    if any("test" in p for p in low) or low[-1] == "conftest.py":
        return "test"
    for i, p in enumerate(low[:-1]):
        if p in ("migrations", "versions") and (
                appdir is None or _migration_dir(os.path.join(appdir, *parts[: i + 1]))):
            return "migration"
    return "app"


_MIGRATION_DIRS: dict[str, bool] = {}


def _migration_dir(path: str) -> bool:
    hit = _MIGRATION_DIRS.get(path)
    if hit is None:
        try:
            names = os.listdir(path)
        except OSError:
            names = []
        if os.path.basename(path).lower() == "versions":  # alembic: env.py next to it
            hit = os.path.exists(os.path.join(os.path.dirname(path), "env.py"))
        else:
            hit = any(_REVISION.match(n) or n in ("env.py", "versions") for n in names)
        _MIGRATION_DIRS[path] = hit
    return hit


def py_files(appdir: str):
    """Relative paths of the .py files under ``appdir``, sorted; the folders
    flake8 excludes by default are skipped so both hosts see the same set."""
    skip = {".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs"}
    out = []
    for dp, dn, fn in os.walk(appdir):
        dn[:] = sorted(d for d in dn if d not in skip and not d.endswith(".egg"))
        for f in sorted(fn):
            if f.endswith(".py"):
                out.append(os.path.relpath(os.path.join(dp, f), appdir).replace(os.sep, "/"))
    return out


def count_lines(path: str) -> int:
    with open(path, "rb") as fh:
        return fh.read().count(b"\n")


# --------------------------------------------------------------- findings
@dataclass
class Hit:
    app: str
    path: str          # relative to the app's root, "/" separated
    line: int
    col: int
    code: str
    severity: str = ""
    confidence: str = ""
    message: str = ""
    kind: str = "app"  # classify(path)
    verdict: str = "new"
    pattern: str = ""
    reason: str = ""
    moved_from: int | None = None


def engine_hits(app: str, appdir: str, files: list[str], select=None) -> list[Hit]:
    import secguide.engine as engine

    hits = []
    for rel in files:
        with open(os.path.join(appdir, rel), "rb") as fh:
            data = fh.read()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        # the path as flake8 would pass it: APPDIR/rel (tests key on names)
        for f in engine.analyze_tree(tree, os.path.join(appdir, rel), select=select):
            hits.append(Hit(app, rel, f.line, f.col + 1, f.code, f.severity,
                            f.confidence, f.message))
    return hits


_FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>SCG\d+) (?P<msg>.*)$")


def flake8_hits(app: str, appdir: str, select=None) -> list[Hit]:
    """``flake8 --isolated --select SCG -j1`` (the README's command).  An
    explicit ``--select SCG`` also selects the opt-in rules, which flake8
    otherwise leaves out; the default selection is therefore ``--select SCG
    --extend-ignore <opt-in codes>``, the same rules as the engine's."""
    from secguide.registry import ALL_RULES

    exe = os.path.join(os.path.dirname(sys.executable), "flake8")
    cmd = [exe if os.path.exists(exe) else "flake8", "--isolated", "-j1",
           "--select", ",".join(select) if select else "SCG"]
    opt_in = [r.code for r in ALL_RULES if not r.default_enabled]
    if select is None and opt_in:
        cmd += ["--extend-ignore", ",".join(opt_in)]
    cmd.append(appdir)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"flake8 failed on {appdir}: {proc.stderr.strip()[:500]}")
    hits = []
    for line in proc.stdout.splitlines():
        m = _FLAKE8_LINE.match(line)
        if m:
            rel = os.path.relpath(m["path"], appdir).replace(os.sep, "/")
            hits.append(Hit(app, rel, int(m["line"]), int(m["col"]), m["code"],
                            message=m["msg"]))
    return hits


# ----------------------------------------------------------------- triage
@dataclass
class Row:
    framework: str
    app: str
    path: str          # relative to the app's root
    line: int
    code: str
    verdict: str
    pattern: str
    reason: str
    location: str      # as written in the TSV
    found: bool = False


def read_triage(path: str) -> list[Row]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for raw in fh:
            if not raw.strip():
                continue
            rec = dict(zip(header, raw.rstrip("\n").split("\t")))
            loc = rec["location"]
            fpath, _, line = loc.rpartition(":")
            rows.append(Row(rec.get("framework", ""), rec["app"], _app_relative(rec["app"], fpath),
                            int(line), rec["code"], rec["verdict"], rec.get("pattern", "-"),
                            rec.get("reason", ""), loc))
    return rows


def _app_relative(app: str, path: str) -> str:
    """The TSV writes paths from the folder holding the apps
    (``CTFd/CTFd/auth.py``); drop the app's own folder name."""
    parts = path.replace("\\", "/").strip("/").split("/")
    while parts and parts[0] in (".", ".corpus", "apps"):
        parts.pop(0)
    if len(parts) > 1 and parts[0] == app:
        parts.pop(0)
    return "/".join(parts)


def _same_path(a: str, b: str) -> bool:
    """Equal, or one is the other with a leading folder prefix."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_.endswith("/" + short)


def join(hits: list[Hit], rows: list[Row]) -> None:
    """Give each hit the verdict of its triage row (exact line first, then
    the nearest unclaimed row of the same file and code within MOVE_WINDOW
    lines)."""
    by_file = collections.defaultdict(list)
    for r in rows:
        by_file[(r.app, r.code)].append(r)

    def candidates(h: Hit):
        return [r for r in by_file[(h.app, h.code)] if not r.found and _same_path(r.path, h.path)]

    rest = []
    for h in hits:
        exact = [r for r in candidates(h) if r.line == h.line]
        if exact:
            _claim(h, exact[0])
        else:
            rest.append(h)
    for h in rest:
        near = [r for r in candidates(h) if abs(r.line - h.line) <= MOVE_WINDOW]
        if near:
            r = min(near, key=lambda r: abs(r.line - h.line))
            _claim(h, r)
            h.moved_from = r.line


def _claim(h: Hit, r: Row) -> None:
    r.found = True
    h.verdict, h.pattern, h.reason = r.verdict, r.pattern, r.reason


# ---------------------------------------------------------------- figures
def tally(hits: list[Hit]) -> dict:
    c = collections.Counter(h.verdict for h in hits)
    triaged = c["TP"] + c["acceptable"] + c["FP"]
    return {
        "findings": len(hits), "TP": c["TP"], "acceptable": c["acceptable"], "FP": c["FP"],
        "new": c["new"],
        "fp_rate": round(c["FP"] / triaged, 4) if triaged else None,
        "ok_rate": round((c["TP"] + c["acceptable"]) / triaged, 4) if triaged else None,
    }


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _table(title: str, rows: list[tuple[str, int | None, dict]], lines_total: int) -> list[str]:
    out = [title,
           f"  {'':14} {'lines':>8} {'find':>5} {'TP':>4} {'acc':>4} {'FP':>4} {'new':>4}"
           f" {'FP%':>5} {'ok%':>5} {'FP/kLOC':>8}"]
    for name, lines, t in rows:
        ln = lines if lines is not None else lines_total
        out.append(f"  {name:14} {lines if lines is not None else '':>8} {t['findings']:5d}"
                   f" {t['TP']:4d} {t['acceptable']:4d} {t['FP']:4d} {t['new']:4d}"
                   f" {_pct(t['fp_rate']):>5} {_pct(t['ok_rate']):>5}"
                   f" {1000 * t['FP'] / max(ln, 1):8.3f}")
    return out


# ------------------------------------------------------------------- main
def run(args) -> int:
    apps, set_triage, set_root = SETS[args.set]
    if args.root is None:
        args.root = set_root
    names = [a[0] for a in apps]
    if args.apps:
        names = [n for n in names if n in args.apps.split(",")]
    triage = args.triage or set_triage or [DEFAULT_TRIAGE, *PROJECT_TRIAGE]
    rows = [row for path in triage for row in read_triage(path)]
    select = args.select.split(",") if args.select else None
    from secguide.engine import selected_rules

    active = {r.code for r in selected_rules(select)}
    outside = collections.Counter(r.code for r in rows if r.code not in active and r.app in names)
    rows = [r for r in rows if r.code in active]  # rules not run cannot lose findings
    report: dict = {"root": args.root, "via": args.via, "select": args.select or "default",
                    "apps": {}, "rules": {}}
    all_hits: list[Hit] = []
    app_lines: dict[str, dict[str, int]] = {}
    disagree: list[str] = []
    incomplete: list[str] = []
    for name in names:
        appdir = os.path.join(args.root, name)
        if not os.path.isdir(appdir):
            incomplete.append(f"{name}: missing ({appdir})")
            continue
        files = py_files(appdir)
        kinds = {rel: classify(rel, appdir) for rel in files}
        lines = collections.Counter()
        for rel in files:
            lines[kinds[rel]] += count_lines(os.path.join(appdir, rel))
        app_lines[name] = dict(lines)
        snap = os.path.join(appdir, ".snapshot")
        commit = open(snap).read().split()[0] if os.path.exists(snap) else None
        pinned = {a[0]: a[2] for a in apps}[name]
        if commit != pinned:
            incomplete.append(f"{name}: snapshot {commit or 'unknown (no .snapshot: extraction may be partial)'}"
                              f", README pins {pinned[:12]}")
        if args.via in ("engine", "both"):
            hits = engine_hits(name, appdir, files, select)
        else:
            hits = flake8_hits(name, appdir, select)
        if args.via == "both":
            a = {(h.path, h.line, h.code) for h in hits}
            b = {(h.path, h.line, h.code) for h in flake8_hits(name, appdir, select)}
            disagree += [f"{name}/{p}:{ln} {c} engine only" for p, ln, c in sorted(a - b)]
            disagree += [f"{name}/{p}:{ln} {c} flake8 only" for p, ln, c in sorted(b - a)]
        for h in hits:
            h.kind = kinds.get(h.path) or classify(h.path, appdir)
        all_hits += hits

    scope = [h for h in all_hits if args.all_files or h.kind == "app"]
    join(scope, [r for r in rows if r.app in names])
    scope.sort(key=lambda h: (names.index(h.app), h.path, h.line, h.code))
    total_lines = sum(v.get("app", 0) for v in app_lines.values())
    if args.all_files:
        total_lines = sum(sum(v.values()) for v in app_lines.values())

    per_app = [(n, (sum(app_lines[n].values()) if args.all_files else app_lines[n].get("app", 0)),
                tally([h for h in scope if h.app == n])) for n in names if n in app_lines]
    codes = sorted({h.code for h in scope})
    per_rule = [(c, None, tally([h for h in scope if h.code == c])) for c in codes]
    overall = tally(scope)
    lost = [r for r in rows if r.app in app_lines and r.verdict == "TP" and not r.found]
    gone = [r for r in rows if r.app in app_lines and not r.found]
    moved = [h for h in scope if h.moved_from is not None]

    for n, ln, t in per_app:
        report["apps"][n] = dict(t, lines=ln, lines_by_kind=app_lines[n],
                                 fp_per_kloc=round(1000 * t["FP"] / max(ln, 1), 4))
    for c, _, t in per_rule:
        report["rules"][c] = dict(t, fp_per_kloc=round(1000 * t["FP"] / max(total_lines, 1), 4))
    report["total"] = dict(overall, lines=total_lines,
                           fp_per_kloc=round(1000 * overall["FP"] / max(total_lines, 1), 4))
    report["scope"] = "all files" if args.all_files else "application code"
    report["outside_scope"] = dict(collections.Counter(h.kind for h in all_hits if h not in scope))
    report["findings"] = [asdict(h) for h in scope]
    report["tp_lost"] = [r.location + " " + r.code for r in lost]
    report["triaged_not_reported"] = [asdict(r) for r in gone]
    report["incomplete"] = incomplete
    report["triage_rows_of_rules_not_run"] = dict(outside)
    report["hosts_disagree"] = disagree

    if args.json:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.list_untriaged:
        print("framework\tapp\tlocation\tcode\tverdict\tpattern\treason")
        for h in scope:
            if h.verdict == "new":
                print(f"{FRAMEWORK[h.app]}\t{h.app}\t{h.app}/{h.path}:{h.line}\t{h.code}\t\t\t"
                      f"[{h.severity}/{h.confidence}] {h.message}")
    else:
        out = []
        for msg in incomplete:
            out.append(f"WARNING {msg}")
        out += _table(f"per app ({report['scope']}, via {args.via})", per_app, total_lines)
        out += _table("per rule", per_rule, total_lines)
        t = report["total"]
        out.append(f"total: {t['lines']} lines, {t['findings']} findings ("
                   f"{1000 * t['findings'] / max(t['lines'], 1):.3f}/kLOC): TP {t['TP']}, acceptable "
                   f"{t['acceptable']}, FP {t['FP']}, new {t['new']}; FP rate {_pct(t['fp_rate'])}, "
                   f"FP {t['fp_per_kloc']:.3f}/kLOC")
        if report["outside_scope"]:
            out.append("not counted (outside application code): " + ", ".join(
                f"{k} {v}" for k, v in sorted(report["outside_scope"].items())))
        out.append(f"triaged findings no longer reported: {len(gone)} ("
                   + ", ".join(f"{v} {k}" for k, v in collections.Counter(r.verdict for r in gone).items())
                   + ")")
        if outside:
            out.append("triage rows of rules not run (opt-in or not selected): " + ", ".join(
                f"{c} {n}" for c, n in sorted(outside.items())))
        for h in moved:
            out.append(f"moved: {h.app}/{h.path}:{h.moved_from} -> {h.line} {h.code} ({h.verdict})")
        for r in lost:
            out.append(f"TP LOST: {r.location} {r.code}  {r.reason}")
        for d in disagree:
            out.append(f"HOSTS DISAGREE: {d}")
        if args.list_gone:
            for r in gone:
                out.append(f"gone: {r.location} {r.code} {r.verdict} {r.pattern}")
        print("\n".join(out))
    return 1 if lost or disagree else 0


# --------------------------------------------------------------- extract
def extract(gitdir: str, dest: str) -> int:
    """Write HEAD's files of a bare git directory into ``dest``, skipping
    blobs the snapshot does not hold (``git archive`` aborts on them)."""
    git = ["git", "--git-dir", gitdir]
    tree = subprocess.run(git + ["ls-tree", "-r", "-z", "HEAD"], capture_output=True,
                          check=True).stdout.split(b"\0")
    entries = []
    for ent in tree:
        if not ent:
            continue
        meta, _, path = ent.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode.decode(), sha.decode(), path.decode("utf-8", "surrogateescape")))
    batch = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    skipped = []
    links = 0
    for mode, sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        head = batch.stdout.readline().split()
        if len(head) < 3 or head[1] != b"blob":
            skipped.append(path)
            continue
        data = batch.stdout.read(int(head[2]))
        batch.stdout.read(1)
        target = os.path.join(dest, path)
        if os.path.relpath(os.path.realpath(target), os.path.realpath(dest)).startswith(".."):
            skipped.append(path)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if mode == "120000":
            links += 1
            continue  # symlinks are not needed for analysis
        with open(target, "wb") as fh:
            fh.write(data)
    batch.stdin.close()
    batch.wait()
    head = subprocess.run(git + ["log", "-1", "--format=%H %cs"], capture_output=True,
                          text=True, check=True).stdout.strip()
    with open(os.path.join(dest, ".snapshot"), "w") as fh:
        fh.write(head + "\n")
    print(f"{dest}: {head}; {len(entries) - len(skipped) - links} files written"
          f" ({links} symlinks left out)")
    for p in skipped:
        print(f"  not in the snapshot (skipped): {p}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=sorted(SETS), default="A",
                    help="A: the seven set-A apps and triage-A.tsv (default); C: the ten "
                         "apps of APPS_C and benchmarks/triage-C.tsv")
    ap.add_argument("--root", default=None,
                    help="folder holding the apps (default .corpus/apps, set C .corpus/apps-c)")
    ap.add_argument("--via", choices=("engine", "flake8", "both"), default="engine")
    ap.add_argument("--select", help="rule codes or prefixes (default: the default rules; "
                                     "SCG: every rule, opt-in ones included)")
    ap.add_argument("--triage", action="append",
                    help="a triage TSV (repeatable; default: the shared triage-A.tsv and "
                         "this folder's triage-A-p*.tsv, the findings triaged since)")
    ap.add_argument("--apps", help="comma-separated subset of the apps")
    ap.add_argument("--all-files", action="store_true", help="count tests and migrations too")
    ap.add_argument("--list-untriaged", action="store_true")
    ap.add_argument("--list-gone", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--extract", nargs=2, metavar=("GITDIR", "DEST"))
    args = ap.parse_args(argv)
    if args.extract:
        return extract(*args.extract)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
