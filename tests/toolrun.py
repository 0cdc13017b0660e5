"""Helpers for the adapter tests: run real flake8 and Bandit, parse results.

Two ways over the fixture and example files, each computed once per session
and shared by the test modules (``functools.lru_cache``):

* ``inprocess_results()``: flake8's ``Application`` and Bandit's
  ``BanditManager`` in this process (seconds: the fast tier's agreement);
* ``adapter_results()``: the command lines, ``sys.executable -m flake8`` /
  ``-m bandit`` subprocesses using the interpreter (and the installed
  plugins) of the test run (the ``hosts`` tier).

Positions are (line, col, code) with the engine's 0-based column: flake8
prints the column 1-based and is converted back, Bandit's ``col_offset`` is
0-based already.
"""
from __future__ import annotations

import functools
import json
import os
import subprocess  # nosec B404  # runs flake8 and bandit under test
import sys
import tempfile
from pathlib import Path
from typing import Iterable, NamedTuple

from tests.expectations import Expectations

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "examples"

#: tab separated, so paths with colons or spaces still parse
FLAKE8_FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"

#: what a crashing plugin looks like in each tool's output
FLAKE8_CRASH_MARKERS = ("PluginExecutionFailed", "raised an unexpected exception",
                        "failed during execution", "critical error")
BANDIT_CRASH_MARKERS = ("Bandit internal error running",)

TIMEOUT = 300


class Hit(NamedTuple):
    path: Path
    line: int
    col: int
    code: str
    text: str


class ToolRun(NamedTuple):
    returncode: int
    stdout: str
    stderr: str
    hits: list[Hit]
    data: dict | None = None  # Bandit's JSON report

    def by_file(self) -> dict[Path, set[tuple[int, str]]]:
        out: dict[Path, set[tuple[int, str]]] = {}
        for hit in self.hits:
            out.setdefault(hit.path, set()).add((hit.line, hit.code))
        return out

    def positions(self, col_base: int) -> dict[Path, set[tuple[int, int, str]]]:
        """SCG hits as (line, 0-based col, code) per file; ``col_base`` is 1
        for flake8's printed columns, 0 for Bandit's."""
        out: dict[Path, set[tuple[int, int, str]]] = {}
        for hit in scg(self.hits):
            out.setdefault(hit.path, set()).add((hit.line, hit.col - col_base, hit.code))
        return out

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr


def all_codes() -> list[str]:
    from secguide.registry import ALL_RULES

    return [rule.code for rule in ALL_RULES]


def checked_files() -> list[Path]:
    """Fixture files, then example files (if any)."""
    files = sorted(p for p in FIXTURES.rglob("*.py") if "__pycache__" not in p.parts)
    if EXAMPLES.is_dir():
        files += sorted(p for p in EXAMPLES.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def rel(path: Path, base: Path = REPO) -> str:
    return os.path.relpath(path, base)


def _abs(path: str, cwd: Path) -> Path:
    return Path(os.path.normpath(cwd / path))


def run_python(args: Iterable[str], cwd: Path = REPO, stdin: bytes | None = None,
               env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.setdefault("PYTHONIOENCODING", "utf-8")
    if env:
        full_env.update(env)
    return subprocess.run(  # nosec B603  # fixed argv, this interpreter
        [sys.executable, *args], cwd=cwd, input=stdin, capture_output=True,
        timeout=TIMEOUT, env=full_env,
    )


def flake8(targets: Iterable[str], *extra: str, cwd: Path = REPO,
           stdin: bytes | None = None) -> ToolRun:
    """Run flake8 with the default plugins plus ours, configuration files ignored."""
    proc = run_python(
        ["-m", "flake8", "--isolated", f"--format={FLAKE8_FORMAT}", *extra,
         *targets], cwd=cwd, stdin=stdin)
    out = proc.stdout.decode("utf-8", "replace")
    hits = []
    for line in out.splitlines():
        parts = line.split("\t", 4)
        if len(parts) != 5 or not parts[1].isdigit():
            continue
        path, row, col, code, text = parts
        hits.append(Hit(_abs(path, cwd), int(row), int(col), code, text))
    return ToolRun(proc.returncode, out, proc.stderr.decode("utf-8", "replace"), hits)


def bandit(targets: Iterable[str], *extra: str, cwd: Path = REPO,
           stdin: bytes | None = None, fmt: str = "json") -> ToolRun:
    proc = run_python(["-m", "bandit", "-q", "-f", fmt, *extra, *targets],
                      cwd=cwd, stdin=stdin)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    data = None
    hits = []
    if fmt == "json":
        try:
            data = json.loads(out)
        except ValueError:
            data = None
        for res in (data or {}).get("results", []):
            hits.append(Hit(_abs(res["filename"], cwd), res["line_number"],
                            res.get("col_offset", 0), res["test_id"],
                            res["issue_text"]))
    return ToolRun(proc.returncode, out, err, hits, data)


def scg(hits: Iterable[Hit]) -> list[Hit]:
    return [h for h in hits if h.code.startswith("SCG")]


# -- per-file options ------------------------------------------------------

def _option_key(options: dict) -> str:
    return json.dumps(options, sort_keys=True)


def flake8_option_args(options: dict) -> list[str]:
    args = []
    for key, value in sorted(options.items()):
        name = str(key).replace("_", "-")
        if name.startswith("secguide-"):
            name = name[len("secguide-"):]
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        args.append(f"--secguide-{name}={value}")
    return args


def bandit_config_file(options: dict, directory: Path) -> Path:
    """A Bandit ``-c`` file whose ``secguide:`` block holds ``options``."""
    fd, name = tempfile.mkstemp(suffix=".yaml", dir=directory)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps({"secguide": options}))  # JSON is YAML
    return Path(name)


def option_groups(files: Iterable[Path]) -> dict[str, list[Path]]:
    """Files grouped by their ``# options:`` header (one tool run per group)."""
    groups: dict[str, list[Path]] = {}
    for path in files:
        groups.setdefault(_option_key(Expectations(path).options), []).append(path)
    return groups


class AdapterResults(NamedTuple):
    """Per file, the (line, 0-based col, code) of every SCG finding."""
    flake8: dict[Path, set[tuple[int, int, str]]]
    bandit: dict[Path, set[tuple[int, int, str]]]
    flake8_runs: list[ToolRun]
    bandit_runs: list[ToolRun]


def _merge(into: dict, found: dict) -> None:
    for path, hits in found.items():
        into.setdefault(path, set()).update(hits)


#: both tools report what the analysis found, whatever comments a fixture
#: carries; every SCG rule is selected (``--select SCG`` also selects opt-in
#: rules; Bandit runs every SCG test named with ``-t``, as an opt-in rule
#: runs in Bandit only when the run names it)
FLAKE8_ALL = ("--select=SCG", "--disable-noqa")


def bandit_all() -> tuple[str, str]:
    """Bandit's ``-t`` naming every SCG test (opt-in ones included)."""
    return ("-t", ",".join(all_codes()))


@functools.lru_cache(maxsize=None)
def adapter_results() -> AdapterResults:
    """flake8 and Bandit command lines over every checked file: one run of
    each per option group."""
    f8: dict[Path, set] = {}
    bd: dict[Path, set] = {}
    f8_runs, bd_runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for key, group in option_groups(checked_files()).items():
            options = json.loads(key)
            targets = [rel(p) for p in group]
            run = flake8(targets, *FLAKE8_ALL, *flake8_option_args(options))
            f8_runs.append(run)
            _merge(f8, run.positions(col_base=1))
            extra = ["--ignore-nosec", *bandit_all()]
            if options:
                extra += ["-c", str(bandit_config_file(options, Path(tmp)))]
            run = bandit(targets, *extra)
            bd_runs.append(run)
            _merge(bd, run.positions(col_base=0))
    return AdapterResults(f8, bd, f8_runs, bd_runs)


class InProcessResults(NamedTuple):
    """Per file, (line, 0-based col, code, text) of every SCG finding."""
    flake8: dict[Path, set[tuple[int, int, str, str]]]
    bandit: dict[Path, set[tuple[int, int, str, str]]]
    #: Bandit's (file, reason) for files it could not scan
    bandit_skipped: list[tuple[str, str]]


def _flake8_in_process(targets: list[str], argv: list[str], output: Path) -> list[Hit]:
    """flake8's Application on ``targets`` (initialize, run_checks, report:
    its public steps, so an exception from a plugin reaches the test instead
    of being printed as a "critical error")."""
    from flake8.main.application import Application

    app = Application()
    app.initialize(["--isolated", "-j1", f"--format={FLAKE8_FORMAT}",
                    f"--output-file={output}", *argv, *targets])
    app.run_checks()
    app.report()
    assert not app.catastrophic_failure
    hits = []
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    for line in text.splitlines():
        path, row, col, code, msg = line.split("\t", 4)
        hits.append(Hit(_abs(path, REPO), int(row), int(col), code, msg))
    return hits


def _bandit_in_process(targets: list[str], config_file: Path | None):
    """Bandit's manager on ``targets``, every SCG test named (opt-in ones
    included), ``# nosec`` ignored, in debug mode (an exception in a test aborts the file into ``skipped``
    instead of being logged and ignored).  Returns (issues, skipped)."""
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    conf = b_config.BanditConfig(str(config_file) if config_file else None)
    mgr = b_manager.BanditManager(conf, "file", debug=True, quiet=True, ignore_nosec=True,
                                  profile={"include": set(all_codes()), "exclude": set()})
    mgr.discover_files(targets)
    mgr.run_tests()
    return mgr.get_issue_list(), mgr.skipped


@functools.lru_cache(maxsize=None)
def inprocess_results() -> InProcessResults:
    """flake8 and Bandit in this process over every checked file, once per
    option group (the same runs as ``adapter_results``, without the
    interpreter start-ups)."""
    f8: dict[Path, set] = {}
    bd: dict[Path, set] = {}
    skipped: list = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (key, group) in enumerate(option_groups(checked_files()).items()):
            options = json.loads(key)
            targets = [str(p) for p in group]
            hits = _flake8_in_process(targets, [*FLAKE8_ALL, *flake8_option_args(options)],
                                      Path(tmp, f"flake8-{n}.txt"))
            for h in scg(hits):
                f8.setdefault(h.path, set()).add((h.line, h.col - 1, h.code, h.text))
            config = bandit_config_file(options, Path(tmp)) if options else None
            issues, skip = _bandit_in_process(targets, config)
            skipped += skip
            for i in issues:
                if i.test_id.startswith("SCG"):
                    bd.setdefault(_abs(i.fname, REPO), set()).add(
                        (i.lineno, i.col_offset, i.test_id, i.text))
    return InProcessResults(f8, bd, skipped)


def engine_findings(path: Path, select: Iterable[str] | None = "all",
                    options: dict | None = None):
    """The engine's findings on a checked file (cached for the default
    arguments: several tests compare against them)."""
    if select == "all" and options is None:
        return list(_all_findings(path))
    return _engine_run(path, select, options)


def _engine_run(path: Path, select, options):
    import secguide

    if select == "all":
        select = all_codes()
    if options is None:
        options = Expectations(path).options
    return secguide.check_source(path.read_bytes(), rel(path), select=select,
                                 options=options)


@functools.lru_cache(maxsize=None)
def _all_findings(path: Path) -> tuple:
    return tuple(_engine_run(path, "all", None))


def engine_set(path: Path, **kw) -> set[tuple[int, str]]:
    return {(f.line, f.code) for f in engine_findings(path, **kw)}


def engine_positions(path: Path, **kw) -> set[tuple[int, int, str]]:
    """(line, 0-based col, code) of the engine's findings."""
    return {(f.line, f.col, f.code) for f in engine_findings(path, **kw)}
