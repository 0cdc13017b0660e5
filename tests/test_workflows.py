"""Workflows a user goes through with both tools: options that change results,
Bandit baselines, flake8 ignore settings, SARIF for code scanning and the
pre-commit configuration of the README.

Every tool runs as ``sys.executable -m bandit`` / ``-m flake8`` (or
``-m pre_commit``) in a subprocess on small files written to ``tmp_path``.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess  # nosec B404  # runs git and pre-commit under test
import sys
import textwrap
from pathlib import Path

import pytest

import secguide
from secguide.options import OPTION_SPECS
from secguide.registry import BY_CODE
from tests.toolrun import bandit, flake8, run_python, scg

pytestmark = pytest.mark.workflows


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _flake8_set(directory: Path, name: str, *extra: str) -> set[tuple[str, int]]:
    run = flake8([name], "--select=SCG", *extra, cwd=directory)
    assert run.returncode in (0, 1), run.output
    return {(h.code, h.line) for h in run.hits}


def _bandit_set(directory: Path, name: str, options: dict | None = None) -> set[tuple[str, int]]:
    extra = []
    if options is not None:
        config = directory / "bandit.yaml"
        # a YAML mapping as a user writes it, lists as YAML sequences
        lines = ["secguide:"]
        for key, value in options.items():
            if isinstance(value, list):
                lines.append(f"  {key}: [{', '.join(value)}]")
            else:
                lines.append(f"  {key}: {value}")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        extra = ["-c", str(config)]
    run = bandit([name], *extra, cwd=directory)
    assert run.returncode in (0, 1), run.output
    assert run.data is not None, run.output
    return {(h.code, h.line) for h in scg(run.hits)}


# -- 1. options change what both tools report -------------------------------

IDOR_VIEW = '''
    from flask import Flask

    app = Flask(__name__)


    @app.route("/d/<int:doc_id>")
    {decorator}def doc(doc_id):
        doc = Doc.query.get_or_404(doc_id)
        {check}return doc.body
'''

#: option -> (value, source, (code, line) without the option, with it)
OPTION_CASES = {
    "password-names": (["pin"], '''
        import hashlib


        def store(pin):
            return hashlib.sha256(pin.encode()).hexdigest()
        ''', set(), {("SCG601", 5)}),
    "secret-names": (["vault_blob"], '''
        import logging

        log = logging.getLogger(__name__)


        def show(vault_blob):
            log.info("value %s", vault_blob)
        ''', set(), {("SCG802", 7)}),
    "authz-markers": (["ensure_member"], IDOR_VIEW.format(
        decorator="", check="ensure_member(doc)\n        "), {("SCG401", 8)}, set()),
    "permission-decorators": (["team_only"], IDOR_VIEW.format(
        decorator="@team_only\n    ", check=""), {("SCG401", 9)}, set()),
    "min-bcrypt-rounds": (12, '''
        import bcrypt


        def hash_pw(password):
            return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=11))
        ''', set(), {("SCG603", 5)}),
    "trusted-hosts": (["intranet.corp"], '''
        import requests


        def fetch():
            return requests.get("http://intranet.corp/x", timeout=5)
        ''', {("SCG902", 5)}, set()),
    # a value pasted into SQL by a plain function (any caller fills `name`);
    # the option names the helper as imported, by its qualified name
    "sql-sanitizers": (["dbutil.my_quote"], '''
        import sqlite3

        from dbutil import my_quote


        def find(name):
            db = sqlite3.connect("app.db")
            return db.execute(f"SELECT * FROM items WHERE name = {my_quote(name)}").fetchall()
        ''', {("SCG101", 8)}, set()),
}


def test_option_cases_use_declared_options():
    declared = {spec.name for spec in OPTION_SPECS}
    assert set(OPTION_CASES) <= declared


@pytest.mark.parametrize("option", sorted(OPTION_CASES))
def test_option_flips_results_in_both_tools(option, tmp_path):
    value, source, without, with_option = OPTION_CASES[option]
    assert without != with_option
    _write(tmp_path, "app.py", source)
    text = (tmp_path / "app.py").read_text()

    def engine(options):
        return {(f.code, f.line) for f in secguide.check_source(text, "app.py", options=options)}

    assert engine(None) == without
    assert engine({option: value}) == with_option

    flat = ",".join(value) if isinstance(value, list) else str(value)
    assert _flake8_set(tmp_path, "app.py") == without
    assert _flake8_set(tmp_path, "app.py", f"--secguide-{option}={flat}") == with_option

    assert _bandit_set(tmp_path, "app.py") == without
    assert _bandit_set(tmp_path, "app.py", {option: value}) == with_option


# -- 2. Bandit baselines ------------------------------------------------------

BASELINE_APP = '''
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/search")
    def search():
        db = sqlite3.connect("app.db")
        q = request.args["q"]
        rows = db.execute(f"SELECT * FROM items WHERE name = '{q}'").fetchall()
        return {"items": rows}
'''


def _messages_carry_line_numbers() -> bool:
    """Whether a finding's message still names an absolute line ("from line 11")."""
    src = textwrap.dedent(BASELINE_APP).lstrip("\n")
    return any(re.search(r"\bline \d+", f.message) for f in secguide.check_source(src, "app.py"))


def test_bandit_baseline_reports_only_the_new_finding(tmp_path):
    # Bandit matches baselines by message text: messages carry no line numbers
    assert not _messages_carry_line_numbers()
    app = _write(tmp_path, "app.py", BASELINE_APP)
    first = bandit(["app.py"], "-o", "baseline.json", cwd=tmp_path)
    assert first.returncode == 1, first.output
    baseline = json.loads((tmp_path / "baseline.json").read_text())
    assert ("SCG101", 12) in {(r["test_id"], r["line_number"]) for r in baseline["results"]}
    (sql,) = [r for r in baseline["results"] if r["test_id"] == "SCG101"]
    assert sql["more_info"].endswith("/plugins/scg101_sql_built_query.html")

    # a new vulnerable function at the end, an import at the top that moves
    # every existing finding down a line, and a line between the source
    # (request.args) and the sink: Bandit matches baselines by message text,
    # which carries no line number and no distance to the source
    text = app.read_text().replace('    q = request.args["q"]\n',
                                   '    q = request.args["q"]\n    q = q.strip()\n')
    assert text != app.read_text()
    app.write_text("import os\n" + text + textwrap.dedent('''


        def store(password):
            import hashlib
            return hashlib.sha256(password.encode()).hexdigest()
    '''), encoding="utf-8")
    new_line = app.read_text().splitlines().index(
        "    return hashlib.sha256(password.encode()).hexdigest()") + 1

    full = bandit(["app.py"], cwd=tmp_path)
    assert {("SCG101", 14), ("SCG601", new_line)} <= {(h.code, h.line) for h in scg(full.hits)}

    second = bandit(["app.py"], "-b", "baseline.json", cwd=tmp_path)
    assert second.returncode == 1, second.output
    assert second.data is not None, second.output
    assert {(h.code, h.line) for h in scg(second.hits)} == {("SCG601", new_line)}
    # nothing from the baseline comes back, Bandit's own tests included
    assert all(h.line >= new_line - 3 for h in second.hits)


# -- messages as the tools print them (issue 16, point 9) ----------------------

MESSAGE_APP = '''
    import random


    def new_token():
        token = str(random.random())
        return token


    def valid(body, signature, secret):
        return signature == secret
'''

MESSAGE_SETTINGS = '''
    DEBUG = True
    ALLOWED_HOSTS = ["*"]
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
'''


def test_messages_as_both_tools_print_them(tmp_path):
    _write(tmp_path, "app.py", MESSAGE_APP)
    _write(tmp_path, "settings.py", MESSAGE_SETTINGS)
    names = ["app.py", "settings.py"]
    texts = {
        "flake8": {(h.path.name, h.code, h.text)
                   for h in scg(flake8(names, "--select=SCG", cwd=tmp_path).hits)},
        "bandit": {(h.path.name, h.code, h.text)
                   for h in scg(bandit(names, "-t", "SCG505,SCG504,SCG703,SCG601",
                                       cwd=tmp_path).hits)},
    }
    for tool, found in texts.items():
        messages = {(name, code): text for name, code, text in found}
        assert messages[("app.py", "SCG505")] == (
            "token is made with the random module, whose output can be predicted; "
            "use secrets (token_urlsafe, token_hex, choice) instead"), tool
        assert messages[("app.py", "SCG504")].startswith("signature is compared with =="), tool
        assert messages[("settings.py", "SCG601")].endswith(
            "put Django's PBKDF2PasswordHasher, Argon2PasswordHasher or "
            "BCryptSHA256PasswordHasher first"), tool
        assert "werkzeug" not in messages[("settings.py", "SCG601")], tool
        hosts = [text for name, code, text in found if code == "SCG703" and "ALLOWED_HOSTS" in text]
        assert hosts and all("debug mode" not in text for text in hosts), (tool, found)
        for _, _, text in found:
            assert "token token" not in text and "signature signature" not in text, tool


# -- Ruff users and a select = that hides the pack (issue 16, point 10) ---------

RUFF_APP = '''
    import sqlite3
    from flask import request


    def search(db: sqlite3.Connection):
        q = request.args["q"]
        return db.execute(f"SELECT * FROM items WHERE name = '{q}'").fetchall()  # a line longer than seventy-nine characters
'''


def test_ruff_users_and_select_as_the_readme_says(tmp_path):
    from tests.toolrun import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ruff = readme.split("## Ruff users", 1)[1].split("\n## ", 1)[0]
    assert "flake8 --select SCG src" in ruff and "ruff check src" in ruff
    assert "If your configuration sets `select =`, add `SCG` to it" in " ".join(readme.split())
    _write(tmp_path, "app.py", RUFF_APP)

    def codes(*args: str) -> set[str]:
        proc = run_python(["-m", "flake8", "--format=%(code)s", *args, "app.py"], cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        return set(proc.stdout.decode().split())

    # beside Ruff: flake8 --select SCG reports the pack's codes and nothing of flake8's own
    assert codes() >= {"SCG101", "E501"}
    assert codes("--select", "SCG") == {"SCG101"}
    # a select = in the config hides the pack; extend-select = SCG (or SCG in
    # the select list) brings it back, as the README says
    _write(tmp_path, "setup.cfg", "[flake8]\nselect = E,W,F\n")
    assert "SCG101" not in codes()
    _write(tmp_path, "setup.cfg", "[flake8]\nselect = E,W,F\nextend-select = SCG\n")
    assert "SCG101" in codes()
    _write(tmp_path, "setup.cfg", "[flake8]\nselect = E,W,F,SCG\n")
    assert "SCG101" in codes()


# -- 3. flake8 ignore settings ------------------------------------------------

IGNORE_APP = '''
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/d/<int:doc_id>")
    def doc(doc_id):
        doc = Doc.query.get_or_404(doc_id)
        db = sqlite3.connect("app.db")
        q = request.args["q"]
        rows = db.execute(f"SELECT * FROM items WHERE name = '{q}'").fetchall()
        return {"doc": doc.body, "items": rows}
'''


def test_flake8_extend_ignore_and_per_file_ignores(tmp_path):
    _write(tmp_path, "app.py", IGNORE_APP)
    _write(tmp_path, "other.py", IGNORE_APP)
    both = ["app.py", "other.py"]

    def found(*extra):
        run = flake8(both, "--select=SCG", *extra, cwd=tmp_path)
        assert run.returncode in (0, 1), run.output
        return {(h.path.name, h.code, h.line) for h in run.hits}

    plain = found()
    expected = {(name, code, line) for name in both
                for code, line in (("SCG401", 10), ("SCG101", 13))}
    assert expected <= plain

    extend = found("--extend-ignore", "SCG401")
    assert extend == {hit for hit in plain if hit[1] != "SCG401"}

    per_file = found("--per-file-ignores", "app.py:SCG101")
    assert per_file == plain - {("app.py", "SCG101", 13)}
    assert ("other.py", "SCG101", 13) in per_file


# -- 4. SARIF -----------------------------------------------------------------

#: the parts of SARIF 2.1.0 that code-scanning services read
SARIF_SCHEMA = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {"driver": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {
                                "name": {"type": "string"},
                                "rules": {"type": "array", "items": {
                                    "type": "object", "required": ["id"]}},
                            },
                        }},
                    },
                    "results": {"type": "array", "items": {
                        "type": "object",
                        "required": ["ruleId", "message", "locations"],
                        "properties": {
                            "ruleId": {"type": "string"},
                            "message": {"type": "object", "required": ["text"]},
                            "locations": {"type": "array", "minItems": 1, "items": {
                                "type": "object",
                                "required": ["physicalLocation"],
                                "properties": {"physicalLocation": {
                                    "type": "object",
                                    "required": ["artifactLocation", "region"],
                                    "properties": {
                                        "artifactLocation": {
                                            "type": "object", "required": ["uri"]},
                                        "region": {
                                            "type": "object",
                                            "required": ["startLine"],
                                            "properties": {"startLine": {
                                                "type": "integer", "minimum": 1}},
                                        },
                                    },
                                }},
                            }},
                        },
                    }},
                },
            },
        },
    },
}

SARIF_APP = BASELINE_APP + '''

    def store(password):
        import hashlib
        return hashlib.sha256(password.encode()).hexdigest()
'''


def test_bandit_sarif_has_required_structure_and_cwes(tmp_path):
    pytest.importorskip("sarif_om", reason="bandit[sarif] not installed")
    app = _write(tmp_path, "app.py", SARIF_APP)
    expected = {(f.code, f.line) for f in secguide.check_source(app.read_text(), "app.py")}
    assert {code for code, _ in expected} == {"SCG101", "SCG601"}

    run = bandit(["app.py"], fmt="sarif", cwd=tmp_path)
    assert run.returncode == 1, run.output
    data = json.loads(run.stdout)

    assert data["version"] == "2.1.0"
    assert isinstance(data["runs"], list) and data["runs"]
    seen = set()
    for sarif_run in data["runs"]:
        driver = sarif_run["tool"]["driver"]
        assert driver["name"] == "Bandit"
        assert isinstance(sarif_run["results"], list)
        rules = {rule["id"]: rule for rule in driver.get("rules", [])}
        for result in sarif_run["results"]:
            if not result["ruleId"].startswith("SCG"):
                continue
            code = result["ruleId"]
            assert result["message"]["text"].strip()
            location = result["locations"][0]["physicalLocation"]
            assert location["artifactLocation"]["uri"] == "app.py"
            line = location["region"]["startLine"]
            seen.add((code, line))
            # Bandit puts the CWE in the rule's tags, not in the result
            rule = rules[code]
            assert rule["name"] == BY_CODE[code].symbol.replace("-", "_")
            tag = f"external/cwe/cwe-{BY_CODE[code].cwe}"
            assert tag in rule["properties"]["tags"]
            assert "security" in rule["properties"]["tags"]
            # the link Bandit derives from the test name (see the README)
            assert rule["helpUri"].startswith("https://bandit.readthedocs.io/")
            assert rule["helpUri"].endswith(
                f"/plugins/{code.lower()}_{rule['name']}.html")
            assert set(result["properties"]) >= {"issue_severity", "issue_confidence"}
            if "ruleIndex" in result:
                assert driver["rules"][result["ruleIndex"]]["id"] == code
    assert seen == expected

    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(data, SARIF_SCHEMA)


# -- 5. pre-commit with local hooks -------------------------------------------

PRECOMMIT_VULNERABLE = '''
    import hashlib


    def store(password):
        return hashlib.md5(password.encode()).hexdigest()
'''

PRECOMMIT_FIXED = '''
    import hashlib
    import os


    def store(password):
        salt = os.urandom(16)
        return salt + hashlib.scrypt(password.encode(), salt=salt, n=2**17, r=8, p=1,
                                     maxmem=2**28)
'''


def _precommit_config() -> str:
    def entry(*args: str) -> str:
        # pre-commit splits entry with shlex; a JSON string is a YAML string
        return json.dumps(shlex.join([sys.executable, *args]))

    return textwrap.dedent(f"""\
        repos:
          - repo: local
            hooks:
              - id: bandit
                name: bandit
                language: system
                entry: {entry('-m', 'bandit', '-q')}
                types: [python]
              - id: flake8-scg
                name: flake8 (secguide)
                language: system
                entry: {entry('-m', 'flake8', '--isolated', '--select', 'SCG')}
                types: [python]
        """)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,  # nosec B603 B607
                   timeout=60)


def test_precommit_local_hooks_block_and_then_pass(tmp_path):
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    src = PRECOMMIT_VULNERABLE
    assert {f.code for f in secguide.check_source(textwrap.dedent(src), "app.py")} == {"SCG601"}
    assert not secguide.check_source(textwrap.dedent(PRECOMMIT_FIXED), "app.py")

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "ci@example.invalid")
    _git(repo, "config", "user.name", "CI")
    _git(repo, "config", "commit.gpgsign", "false")
    (repo / ".pre-commit-config.yaml").write_text(_precommit_config(), encoding="utf-8")
    _write(repo, "app.py", src)
    _git(repo, "add", ".pre-commit-config.yaml", "app.py")

    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PRE_COMMIT_COLOR": "never", "SKIP": "",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def pre_commit():
        proc = run_python(["-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env)
        return proc.returncode, (proc.stdout + proc.stderr).decode("utf-8", "replace")

    rc, out = pre_commit()
    assert rc == 1, out
    # both hooks ran on app.py and each failed on the SCG finding
    assert "- hook id: bandit" in out and "- hook id: flake8-scg" in out, out
    assert out.count("Failed") == 2, out
    assert "[SCG601:password_fast_hash]" in out and "app.py:5:11" in out  # Bandit
    assert "app.py:5:12: SCG601 " in out  # flake8

    _write(repo, "app.py", PRECOMMIT_FIXED)
    _git(repo, "add", "app.py")
    rc, out = pre_commit()
    assert rc == 0, out
    assert "SCG" not in out
    assert out.count("Passed") == 2, out
