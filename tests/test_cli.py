"""``python -m secguide`` and the packaging, through real subprocesses.

The command line (rules, explain, check, profile, --version), what a user's
mistakes give (exit 2 and one line on stderr, never a traceback), a reader
that goes away (``| head``), the sdist (tests and fixtures inside, and its
tests run), the wheel's metadata and package data, and the repository's
pre-commit hooks through ``pre-commit try-repo`` (these three in the
``workflows`` tier: they build and install whole environments).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess  # nosec B404  # runs the command line, git and pre-commit under test
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

import secguide
from secguide.cli import merged_skips, profile_skips
from secguide.registry import ALL_RULES, BY_CODE
from tests.toolrun import REPO, TIMEOUT, bandit, run_python

APP = '''\
import hashlib
import sqlite3
from flask import Flask, request

app = Flask(__name__)


@app.route('/search')
def search():
    db = sqlite3.connect('app.db')
    q = request.args['q']
    return {'items': db.execute(f"SELECT * FROM items WHERE name = '{q}'").fetchall()}


def store(password):
    return hashlib.md5(password.encode()).hexdigest()
'''

CLEAN = "import os\n\nprint(os.getcwd())\n"


class Run:
    def __init__(self, proc: subprocess.CompletedProcess) -> None:
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"rc={self.rc}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def cli(*args: str, cwd: Path = REPO) -> Run:
    return Run(run_python(["-m", "secguide", *args], cwd=cwd))


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.err and "Exception" not in run.err, run


@pytest.fixture
def app(tmp_path) -> Path:
    path = tmp_path / "app.py"
    path.write_text(APP, encoding="utf-8")
    return path


def expected_lines(path: Path, select=None) -> list[str]:
    return [f"{path}:{f.line}:{f.col + 1}: {f.code} {f.message}"
            for f in secguide.check_source(path.read_bytes(), str(path), select=select)]


# -- --version, rules, explain --------------------------------------------------


def test_version():
    run = cli("--version")
    assert run.rc == 0, run
    assert run.out.strip() == f"secguide {secguide.__version__}"


def test_rules_lists_every_rule_with_name_severity_and_default(tmp_path):
    run = cli("rules", cwd=tmp_path)
    assert run.rc == 0, run
    lines = run.out.splitlines()
    assert len(lines) == len(ALL_RULES)
    for line, rule in zip(lines, ALL_RULES):
        fields = line.split()
        assert fields[:5] == [rule.code, rule.symbol, rule.severity,
                              "on" if rule.default_enabled else "off", f"CWE-{rule.cwe}"], line


def test_explain_prints_the_page_rendered_from_the_declaration(tmp_path):
    run = cli("explain", "SCG101", cwd=tmp_path)  # no file of the checkout is read
    assert run.rc == 0, run
    rule = BY_CODE["SCG101"]
    page = run.out
    assert page.startswith(f"# SCG101 {rule.symbol}\n")
    for fact in (rule.message, f"CWE-{rule.cwe}", rule.cwe_url(), f"Severity: {rule.severity}",
                 f"confidence: {rule.confidence}", "## Why", "## Flagged", "## Fixed", "## Not flagged"):
        assert fact in page, fact
    flat = " ".join(page.split())
    assert " ".join(rule.rationale.split()) in flat
    assert " ".join(rule.not_flagged.split()) in flat
    for snippet in (rule.example, rule.fix):
        assert textwrap.dedent(snippet).strip("\n") in page


def test_explain_every_rule_by_code_or_name():
    names = [rule.code.lower() if i % 2 else rule.symbol.replace("-", "_")
             for i, rule in enumerate(ALL_RULES)]
    run = cli("explain", *names)
    assert run.rc == 0, run
    titles = re.findall(r"^# (SCG\d{3}) (\S+)$", run.out, re.M)
    assert titles == [(rule.code, rule.symbol) for rule in ALL_RULES]


@pytest.mark.parametrize("args", [["explain", "SCG999"], ["explain", "sql"], ["explain"]])
def test_explain_unknown_rule_is_a_usage_error(args):
    run = cli(*args)
    assert run.rc == 2, run
    assert run.out == "" and "error" in run.err
    no_traceback(run)


def test_no_command_is_a_usage_error():
    run = cli()
    assert run.rc == 2, run
    assert "usage:" in run.err
    no_traceback(run)


# -- check ----------------------------------------------------------------------


def test_check_prints_findings_and_exits_1(app):
    assert {f.code for f in secguide.check_source(APP)} == {"SCG101", "SCG601"}
    run = cli("check", str(app))
    assert run.rc == 1, run
    assert run.out.splitlines() == expected_lines(app)
    assert run.err == ""


def test_check_walks_directories(app):
    (app.parent / "pkg").mkdir()
    other = app.parent / "pkg" / "store.py"
    other.write_text(APP, encoding="utf-8")
    (app.parent / "notes.txt").write_text("not python", encoding="utf-8")
    hidden = app.parent / ".venv"
    hidden.mkdir()
    (hidden / "lib.py").write_text(APP, encoding="utf-8")
    run = cli("check", str(app.parent))
    assert run.rc == 1, run
    assert run.out.splitlines() == expected_lines(app) + expected_lines(other)


def test_check_clean_file_exits_0(tmp_path):
    path = tmp_path / "ok.py"
    path.write_text(CLEAN, encoding="utf-8")
    run = cli("check", str(path))
    assert (run.rc, run.out, run.err) == (0, "", ""), run


def test_check_select_and_ignore(app):
    run = cli("check", "--select", "SCG6", str(app))
    assert run.rc == 1, run
    assert run.out.splitlines() == expected_lines(app, select=["SCG6"])
    assert {line.split()[1] for line in run.out.splitlines()} == {"SCG601"}

    run = cli("check", "--ignore", "SCG601,SCG1", str(app))
    assert (run.rc, run.out) == (0, ""), run

    run = cli("check", "--select=scg101", "--ignore", "SCG6", str(app))
    assert run.rc == 1, run
    assert run.out.splitlines() == expected_lines(app, select=["SCG101"])


@pytest.mark.parametrize("args", [
    ["check"],                              # no path
    ["check", "--select", "E501", "."],     # not one of ours
    ["check", "--select", "SCG999", "."],   # no such rule
    ["check", "--ignore", "", "."],
    ["check", "--frobnicate", "."],
])
def test_check_usage_errors_exit_2(args, tmp_path):
    run = cli(*args, cwd=tmp_path)
    assert run.rc == 2, run
    assert run.out == "" and "usage:" in run.err
    no_traceback(run)


BCRYPT = """\
import bcrypt


def store(password):
    return bcrypt.hashpw(password, bcrypt.gensalt(rounds=11))
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder, its code one folder down (the config is found above it)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "store.py").write_text(BCRYPT, encoding="utf-8")
    return tmp_path


def test_check_reads_the_options_flake8_reads_from_setup_cfg(project):
    # bcrypt rounds=11 is above the default floor (10): nothing without config
    run = cli("check", "src", cwd=project)
    assert (run.rc, run.out, run.err) == (0, "", ""), run

    (project / "setup.cfg").write_text(
        "[metadata]\nname = shop\n\n[flake8]\nmax-line-length = 100\n"
        "secguide-min-bcrypt-rounds = 12\n", encoding="utf-8")
    for cwd in (project, project / "src"):   # found in the folder or above it
        run = cli("check", ".", cwd=cwd)
        assert run.rc == 1, run
        assert "SCG603" in run.out and "minimum (min-bcrypt-rounds) of 12" in run.out, run
    # flake8, run in the same folder, reads the same file and reports the same line
    proc = run_python(["-m", "flake8", "--select=SCG", "--format=%(row)d %(code)s",
                       "src/store.py"], cwd=project)
    assert proc.stdout.decode().split() == ["5", "SCG603"], proc
    assert cli("check", "src", cwd=project).out.split(":")[1] == "5"

    run = cli("check", "--isolated", "src", cwd=project)
    assert (run.rc, run.out) == (0, ""), run


def test_check_reads_pyproject_and_config_files(project):
    (project / "pyproject.toml").write_text(
        "[tool.bandit]\nskips = ['B101']\n\n[tool.bandit.secguide]\nmin-bcrypt-rounds = 12\n",
        encoding="utf-8")
    run = cli("check", "src", cwd=project)
    assert run.rc == 1 and "of 12" in run.out, run
    # setup.cfg and pyproject.toml both: pyproject.toml's value
    (project / "setup.cfg").write_text("[flake8]\nsecguide-min-bcrypt-rounds = 14\n",
                                       encoding="utf-8")
    run = cli("check", "src", cwd=project)
    assert run.rc == 1 and "of 12" in run.out, run

    # --config FILE: only that file, by its kind
    other = project / "other"
    other.mkdir()
    (other / "bandit.yaml").write_text("skips: [B101]\nsecguide:\n  min-bcrypt-rounds: 13\n",
                                       encoding="utf-8")
    (other / "lint.ini").write_text("[flake8]\nsecguide-min-bcrypt-rounds = 15\n",
                                    encoding="utf-8")
    for config, floor in (("other/bandit.yaml", 13), ("other/lint.ini", 15), ("setup.cfg", 14),
                          ("pyproject.toml", 12)):
        run = cli("check", "--config", config, "src", cwd=project)
        assert run.rc == 1 and f"of {floor};" in run.out, (config, run)


@pytest.mark.parametrize("name, text, where, key", [
    ("setup.cfg", "[flake8]\nsecguide-pasword-names = pin\n",
     "setup.cfg [flake8]", "secguide-pasword-names"),
    ("tox.ini", "[flake8]\nsecguide-min-bcrypt-rounds = 12.5\n",
     "tox.ini [flake8]", "secguide-min-bcrypt-rounds"),
    (".flake8", "[flake8]\nsecguide-project-facts = maybe\n",
     ".flake8 [flake8]", "secguide-project-facts"),
    ("pyproject.toml", "[tool.bandit.secguide]\npassword-names = 5\n",
     "pyproject.toml [tool.bandit.secguide]", "password-names"),
    ("pyproject.toml", "[tool.bandit.secguide]\nmin_bcrypt_round = 12\n",
     "pyproject.toml [tool.bandit.secguide]", "min_bcrypt_round"),
])
def test_check_config_mistake_exits_2_naming_key_and_file(project, name, text, where, key):
    (project / name).write_text(text, encoding="utf-8")
    run = cli("check", "src", cwd=project)
    assert run.rc == 2, run
    assert run.out == "", run
    assert run.err.startswith(f"python -m secguide check: error: {where}: option {key!r}: "), run
    assert "expected" in run.err or "did you mean" in run.err, run
    assert len(run.err.splitlines()) == 1, run
    no_traceback(run)
    # the same mistake given with --config, and from a folder below
    run = cli("check", "--config", str(project / name), "store.py", cwd=project / "src")
    assert run.rc == 2 and f"option {key!r}" in run.err and name in run.err, run
    no_traceback(run)


@pytest.mark.parametrize("args", [
    ["--config", "missing.cfg"],
    ["--config", "bad.yaml"],
    ["--config", "bad.toml"],
    ["--config", "setup.cfg", "--isolated"],
])
def test_check_unusable_config_file_is_a_usage_error(project, args):
    (project / "bad.yaml").write_text("secguide: [min-bcrypt-rounds\n", encoding="utf-8")
    (project / "bad.toml").write_text("[tool.bandit\n", encoding="utf-8")
    run = cli("check", *args, "src", cwd=project)
    assert run.rc == 2 and run.out == "", run
    no_traceback(run)


def test_check_help_says_which_configuration_it_reads():
    run = cli("check", "--help")
    assert run.rc == 0, run
    text = " ".join(run.out.split())
    for what in ("setup.cfg, tox.ini and .flake8", "[tool.bandit.secguide]", "--config FILE",
                 "--isolated", "secguide: block"):
        assert what in text, what


def test_check_missing_file_is_reported_and_the_rest_checked(app, tmp_path):
    missing = tmp_path / "missing.py"
    run = cli("check", str(missing), str(app))
    assert run.rc == 2, run
    assert run.out.splitlines() == expected_lines(app)
    assert run.err.splitlines() == [f"python -m secguide check: {missing}: no such file or directory"]


def test_check_unparsable_files_are_reported_and_the_rest_checked(app, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n    pass\n", encoding="utf-8")
    nul = tmp_path / "nul.py"
    nul.write_bytes(b"x = 1\x00\n")
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# -*- coding: utf-8 -*-\ns = '\xe9'\n")
    run = cli("check", str(broken), str(nul), str(latin), str(app))
    assert run.rc == 2, run
    assert run.out.splitlines() == expected_lines(app)
    err = run.err.splitlines()
    assert len(err) == 3, run
    assert err[0].startswith(f"python -m secguide check: {broken}:1:") and "cannot parse" in err[0]
    assert all("cannot parse" in line for line in err), run
    assert str(nul) in err[1] and str(latin) in err[2]
    no_traceback(run)


def test_check_directory_without_python_files_exits_0(tmp_path):
    run = cli("check", str(tmp_path))
    assert (run.rc, run.out, run.err) == (0, "", ""), run


@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("command", [["rules"], ["explain", "SCG101"], ["check", "{app}"]])
def test_closed_pipe_is_no_traceback(command, buffered, app):
    """``python -m secguide check src | head -1``: the reader goes away."""
    args = [part.format(app=app) for part in command]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(  # nosec B603  # this interpreter, fixed argv
        [sys.executable, "-m", "secguide", *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the child writes anything
    _, err = proc.communicate(timeout=TIMEOUT)
    err = err.decode("utf-8", "replace")
    assert "BrokenPipeError" not in err and "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode == 1


# -- profile --------------------------------------------------------------------


def test_profile_prints_the_shipped_profile_which_bandit_reads(tmp_path):
    yaml = pytest.importorskip("yaml")
    run = cli("profile", cwd=tmp_path)
    assert run.rc == 0, run
    shipped = (REPO / "secguide" / "bandit-recommended.yaml").read_text(encoding="utf-8")
    assert run.out == shipped
    # the repository keeps an identical copy for `bandit -c profiles/...`
    assert (REPO / "profiles" / "bandit-recommended.yaml").read_text(encoding="utf-8") == shipped
    skips = yaml.safe_load(run.out)["skips"]
    assert profile_skips(run.out) == skips and {"B608", "B602", "B311", "B105"} <= set(skips)

    profile = tmp_path / "bandit.yaml"
    profile.write_text(run.out, encoding="utf-8")
    src = tmp_path / "app.py"
    src.write_text(APP + "\nimport random\nTOKEN = random.random()\n", encoding="utf-8")
    plain = {h.code for h in bandit([src.name], cwd=tmp_path).hits}
    assert {"B608", "B311", "SCG101"} <= plain
    profiled = {h.code for h in bandit([src.name], "-c", profile.name, cwd=tmp_path).hits}
    assert "SCG101" in profiled and not profiled & set(skips)


def test_profile_merge_prints_the_skips_to_paste(tmp_path):
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.bandit]\nexclude_dirs = ["tests"]\n'
                         'skips = ["B101", "B608"]\n', encoding="utf-8")
    run = cli("profile", "--merge", str(pyproject))
    assert run.rc == 0, run
    pasted = tomllib.loads(run.out)["tool"]["bandit"]
    assert pasted == {"skips": merged_skips(["B101", "B608"], profile_skips())}
    skips = pasted["skips"]
    assert skips[:2] == ["B101", "B608"] and len(skips) == len(set(skips))
    assert set(skips) == {"B101"} | set(profile_skips())

    (tmp_path / "empty.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    run = cli("profile", "--merge", str(tmp_path / "empty.toml"))
    assert run.rc == 0, run
    assert tomllib.loads(run.out)["tool"]["bandit"]["skips"] == profile_skips()


@pytest.mark.parametrize("content", [None, "[tool.bandit\n", "[tool.bandit]\nskips = 'B101'\n"])
def test_profile_merge_bad_file_is_a_usage_error(content, tmp_path):
    path = tmp_path / "pyproject.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    run = cli("profile", "--merge", str(path))
    assert run.rc == 2, run
    assert str(path) in run.err and run.out == ""
    no_traceback(run)


# -- packaging ------------------------------------------------------------------


def _build(hook: str, source: Path, out: Path) -> Path:
    """Run a PEP 517 hook of setuptools (this environment's) in ``source``."""
    out.mkdir(exist_ok=True)
    proc = run_python(["-c", f"import sys; from setuptools import build_meta as b; "
                             f"print(b.{hook}(sys.argv[1]))", str(out)], cwd=source)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
    return out / proc.stdout.decode().strip().splitlines()[-1]


def unpack(archive: Path, into: Path) -> list[str]:
    """Extract an sdist; return its member names."""
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - Python 3.10 before 3.10.12
            tar.extractall(into)  # nosec B202  # our own sdist
        return tar.getnames()


#: what a fresh clone does not have; setuptools would otherwise also ship
#: whatever an old ``*.egg-info/SOURCES.txt`` lists
NOT_IN_A_CLONE = (".git", ".venv*", ".corpus", "*.egg-info", "__pycache__", "*.pyc", "build",
                  "dist", ".pytest_cache", ".hypothesis")


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    pytest.importorskip("setuptools", minversion="77.0.3")
    clone = tmp_path_factory.mktemp("clone") / "secguide"
    shutil.copytree(REPO, clone, ignore=shutil.ignore_patterns(*NOT_IN_A_CLONE))
    return _build("build_sdist", clone, tmp_path_factory.mktemp("sdist"))


@pytest.mark.workflows  # builds and runs a whole install: a slow tier
def test_sdist_has_tests_fixtures_and_license_and_its_tests_run(sdist, tmp_path):
    names = {name.split("/", 1)[1] for name in unpack(sdist, tmp_path) if "/" in name}
    tracked = [p.relative_to(REPO).as_posix() for p in (REPO / "tests" / "fixtures").rglob("*.py")]
    assert tracked and set(tracked) <= names
    for must in ("LICENSE", "README.md", "pyproject.toml", "setup.cfg", ".pre-commit-hooks.yaml",
                 "secguide/bandit-recommended.yaml", "profiles/bandit-recommended.yaml",
                 "requirements/constraints.txt", "tests/test_cli.py", "tests/toolrun.py",
                 "examples/vulnerable_app/app.py", "docs/rules/SCG101.md", "tools/gen_docs.py"):
        assert must in names, must
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]

    root = tmp_path / sdist.name[:-len(".tar.gz")]
    # the tests below import the sdist's package, not the installed one
    where = run_python(["-c", "import secguide; print(secguide.__file__)"], cwd=root)
    assert Path(where.stdout.decode().strip()).resolve().is_relative_to(root.resolve()), where
    proc = run_python(["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                       "tests/test_fixtures.py", "tests/test_docs.py"], cwd=root)
    out = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, out[-3000:]
    assert re.search(r"\d+ passed", out), out[-3000:]


@pytest.mark.workflows  # builds and runs a whole install: a slow tier
def test_wheel_metadata_and_package_data(sdist, tmp_path):
    unpack(sdist, tmp_path)
    wheel = _build("build_wheel", tmp_path / sdist.name[:-len(".tar.gz")], tmp_path / "wheel")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(meta_name).decode()
        points = zf.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "secguide/bandit-recommended.yaml" in names
    assert "secguide/ruledoc.py" in names and "bandit_ext/sarif.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
    assert "License-Expression: Apache-2.0" in meta
    assert "Classifier: Topic :: Security" in meta and "Classifier: Framework :: Flake8" in meta
    assert "License :: " not in meta  # superseded by the SPDX expression
    # the long description is the index page: it works without the repository
    assert "Description-Content-Type: text/markdown" in meta
    description = meta.split("\n\n", 1)[1]
    assert description.strip() == (REPO / "docs" / "PYPI.md").read_text(encoding="utf-8").strip()
    assert relative_links(description) == []
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert any(line.startswith("Requires-Dist: pre-commit") and "python_version >= \"3.11\"" in line
               and 'extra == "test"' in line for line in requires), requires
    assert "secguide-sarif = bandit_ext.sarif:report" in points
    urls = dict(line[len("Project-URL: "):].split(", ", 1)
                for line in meta.splitlines() if line.startswith("Project-URL: "))
    assert urls == project_urls(), meta

    # the installed wheel alone explains rules and prints the profile
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)  # what pip puts in site-packages (a pure wheel)
    env = {"PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import secguide, sys; print(secguide.__file__, file=sys.stderr); "
            "from secguide.cli import main; sys.exit(main(sys.argv[1:]))")
    runs = [run_python(["-c", code, *args], cwd=elsewhere, env=env)
            for args in (["explain", "SCG601"], ["profile"])]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
        assert Path(proc.stderr.decode().strip()).is_relative_to(site)
    assert runs[0].stdout.decode().startswith("# SCG601 password-fast-hash")
    assert runs[1].stdout.decode() == (REPO / "secguide" / "bandit-recommended.yaml").read_text(encoding="utf-8")


def project_urls() -> dict[str, str]:
    """``[project.urls]`` of pyproject.toml (label -> URL)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    with open(REPO / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["urls"]


def test_project_urls_point_at_the_repository_the_docs_name():
    urls = project_urls()
    assert {"Homepage", "Documentation", "Source", "Issues"} <= urls.keys()
    repo = urls["Source"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo)
    assert all(url.startswith(repo) for url in urls.values()), urls
    assert urls["Issues"] == repo + "/issues"
    # a finding's rule link and the metadata name the same repository
    assert secguide.DOCS_BASE_URL.startswith(repo + "/")
    assert secguide.DOCS_BASE_URL in urls.values()


def test_installed_metadata_carries_the_project_urls():
    # what pip show / the index page read (an editable install carries them
    # once reinstalled after a pyproject.toml change)
    from importlib.metadata import metadata

    meta = metadata("secguide")
    installed = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or [])
    assert installed == project_urls()


def relative_links(markdown: str) -> list[str]:
    """Targets of markdown links and images that are not absolute URLs."""
    return [t for t in re.findall(r"\]\(([^)\s]+)", markdown)
            if not re.match(r"[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]


def test_index_page_description_has_no_relative_links():
    # README.md links into the repository (43 relative links), which break on
    # a package index page; the package's long description is docs/PYPI.md
    project = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^readme = \{file = "docs/PYPI.md", content-type = "text/markdown"\}$',
                     project, re.M), "the long description is not docs/PYPI.md"
    page = (REPO / "docs" / "PYPI.md").read_text(encoding="utf-8")
    assert relative_links(page) == []
    assert len(relative_links((REPO / "README.md").read_text(encoding="utf-8"))) > 10
    assert relative_links("[a](docs/x.md) [b](https://x.org) ![c](img.png)") == ["docs/x.md", "img.png"]


def test_license_is_the_apache_2_text():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 10000


# -- pre-commit hooks of this repository ------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,  # nosec B603 B607
                   timeout=60)


@pytest.mark.workflows  # installs the hooks into fresh environments: a slow tier
def test_precommit_hooks_through_try_repo(tmp_path):
    """``pre-commit try-repo`` installs this repository's hooks as a user's
    ``repo:`` would: a vulnerable file fails both hooks, the fixed one passes."""
    pytest.importorskip("pre_commit", reason="pre-commit needs Python 3.11")
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of this repository")
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.findall(r"^- id: (\S+)", hooks, re.M) == ["secguide-flake8", "secguide-bandit"]

    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    vulnerable = "import hashlib\n\n\ndef store(password):\n    return hashlib.md5(password.encode()).hexdigest()\n"
    (project / "app.py").write_text(vulnerable, encoding="utf-8")
    _git(project, "add", "app.py")
    assert {f.code for f in secguide.check_source(vulnerable)} == {"SCG601"}

    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never",
           "SKIP": "", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def try_repo() -> tuple[int, str]:
        proc = run_python(["-m", "pre_commit", "try-repo", str(REPO), "--all-files"],
                          cwd=project, env=env)
        return proc.returncode, (proc.stdout + proc.stderr).decode("utf-8", "replace")

    rc, out = try_repo()
    assert rc == 1, out
    assert "- hook id: secguide-flake8" in out and "- hook id: secguide-bandit" in out, out
    assert out.count("Failed") == 2, out
    assert "app.py:5:12: SCG601 " in out  # flake8
    assert "[SCG601:password_fast_hash]" in out  # Bandit

    (project / "app.py").write_text(CLEAN, encoding="utf-8")
    _git(project, "add", "app.py")
    rc, out = try_repo()
    assert rc == 0, out
    assert out.count("Passed") == 2 and "SCG601" not in out, out


def test_merged_skips_keeps_the_users_order_and_adds_each_id_once():
    assert merged_skips(["B1", "B2", "B1"], ["B2", "B3", "B3"]) == ["B1", "B2", "B3"]
    assert merged_skips([], ["B3"]) == ["B3"]
