"""Configuration that is checked (issue 16, point 1) and the Bandit config
generator (point 2).

One option table (``secguide.options.OPTION_SPECS``) drives both tools and
the API.  An unknown key, a value of the wrong type or an invalid value is an
error naming the key, the file and what is accepted: in flake8 an option
error as its own options give (``flake8: error: ...``, exit 2), in Bandit a
logged error and exit 2, in the API a ``ValueError``.  The tool tests run the
real command lines (``sys.executable -m flake8`` / ``-m bandit``) in
``tmp_path``; a valid configuration keeps working (tests/test_workflows.py
has the options that change results).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import secguide
from secguide.options import OPTION_SPECS, OptionError, Options
from tests.toolrun import run_python

APP = """\
import bcrypt
import hashlib


def store(pin):
    return hashlib.sha256(pin.encode()).hexdigest()


def hash_pw(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=11))
"""


# -- the API ------------------------------------------------------------------

@pytest.mark.parametrize("raw, key, says", [
    ({"pasword-names": "pin"}, "pasword-names", "did you mean 'password-names'"),
    ({"secguide-pasword-names": "pin"}, "secguide-pasword-names", "no such secguide option"),
    ({"password-names": 5}, "password-names", "got int 5"),
    ({"trusted-hosts": 5}, "trusted-hosts", "got int 5"),
    ({"password-names": ["pin", 3]}, "password-names", "the item int 3 is not text"),
    ({"password-names": "pin, 5"}, "password-names", "'5' is not a Python name"),
    ({"trusted-hosts": "intranet.corp:8080"}, "trusted-hosts", "is not a host"),
    ({"min-bcrypt-rounds": "abc"}, "min-bcrypt-rounds", "'abc' is not a whole number"),
    ({"min-bcrypt-rounds": "12.5"}, "min-bcrypt-rounds", "'12.5' is not a whole number"),
    ({"min-bcrypt-rounds": 12.5}, "min-bcrypt-rounds", "got float 12.5"),
    ({"min-bcrypt-rounds": -1}, "min-bcrypt-rounds", "-1 is below 1"),
    ({"min-bcrypt-rounds": "-1"}, "min-bcrypt-rounds", "-1 is below 1"),
    ({"min-bcrypt-rounds": True}, "min-bcrypt-rounds", "got bool True"),
    ({"project-facts": "maybe"}, "project-facts", "expected true or false"),
    ({"project-cache-dir": 3}, "project-cache-dir", "got int 3"),
])
def test_api_raises_value_error_naming_the_key(raw, key, says):
    with pytest.raises(ValueError) as info:
        secguide.check_source(APP, "app.py", options=raw)
    assert isinstance(info.value, OptionError)
    text = str(info.value)
    assert f"option {key!r}" in text and says in text, text
    assert "expected" in text or "the options are" in text, text
    with pytest.raises(ValueError, match="here.yaml: "):
        Options.from_mapping(raw, "here.yaml")


def test_api_rejects_options_that_are_not_a_mapping():
    with pytest.raises(ValueError, match="expected a mapping"):
        Options.from_mapping(["password-names"])
    with pytest.raises(ValueError, match="expected a mapping"):
        secguide.check_source(APP, "app.py", options=5)


def test_api_accepts_every_kind_as_before():
    opts = Options.from_mapping({
        "password-names": "pin, passphrase", "secret_names": ["vault_blob"],
        "secguide-min-bcrypt-rounds": "1_2", "min-scrypt-n": 16384,
        "trusted-hosts": "intranet.corp,10.0.0.5,[::1]", "project-facts": "off",
        "project-roots": "src, lib/my dir", "project-cache-dir": " .cache ",
        "sql-sanitizers": "dbutil.my_quote", "rate-limit-decorators": None,
    })
    assert opts.password_names == ("pin", "passphrase") and opts.secret_names == ("vault_blob",)
    assert opts.min_bcrypt_rounds == 12 and opts.min_scrypt_n == 16384
    assert opts.trusted_hosts == ("intranet.corp", "10.0.0.5", "[::1]")
    assert opts.project_facts is False and opts.project_roots == ("src", "lib/my dir")
    assert opts.project_cache_dir == ".cache" and opts.sql_sanitizers == ("dbutil.my_quote",)
    assert opts.rate_limit_decorators == ()
    assert Options.from_mapping(None) == Options.from_mapping({}) == Options()
    codes = {f.code for f in secguide.check_source(APP, "app.py", options={
        "password-names": "pin", "min-bcrypt-rounds": 12})}
    assert codes == {"SCG601", "SCG603"}


def test_every_option_kind_has_an_accepted_text():
    for spec in OPTION_SPECS:
        assert spec.kind in {"list", "int", "bool", "path"}
        assert spec.accepted.startswith("expected"), spec


# -- flake8 -------------------------------------------------------------------

def _flake8(directory: Path, *args: str):
    proc = run_python(["-m", "flake8", "--select=SCG", *args, "app.py"], cwd=directory)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def _project(tmp_path: Path, config_name: str | None = None, lines: str = "") -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    if config_name:
        (tmp_path / config_name).write_text(
            "[flake8]\n" + textwrap.dedent(lines).lstrip("\n"), encoding="utf-8")
    return tmp_path


FLAKE8_CONFIG_ERRORS = [
    ("setup.cfg", "secguide-pasword-names = pin",
     "setup.cfg [flake8]: option 'secguide-pasword-names': no such secguide option; "
     "did you mean 'secguide-password-names'?"),
    ("tox.ini", "secguide_pasword_names = pin", "option 'secguide_pasword_names': no such"),
    (".flake8", "secguide-password-names = pin, 5",
     ".flake8 [flake8]: option 'secguide-password-names': '5' is not a Python name; expected"),
    ("setup.cfg", "secguide-min-bcrypt-rounds = abc",
     "option 'secguide-min-bcrypt-rounds': 'abc' is not a whole number; expected a whole number"),
    ("tox.ini", "secguide-min-bcrypt-rounds = 12.5", "'12.5' is not a whole number"),
    ("setup.cfg", "secguide-min-bcrypt-rounds = -1", "-1 is below 1"),
    ("setup.cfg", "secguide-project-facts = maybe", "expected true or false"),
]


@pytest.mark.workflows
@pytest.mark.parametrize("name, line, says", FLAKE8_CONFIG_ERRORS)
def test_flake8_config_file_error_is_an_option_error(tmp_path, name, line, says):
    rc, out, err = _flake8(_project(tmp_path, name, line))
    assert rc == 2, (rc, out, err)
    assert "flake8: error: " in err and says in err, err
    assert str(tmp_path / name) in err or f" {name} [flake8]" in err, err
    assert "Traceback" not in err and "SCG" not in out


@pytest.mark.workflows
@pytest.mark.parametrize("arg, says", [
    ("--secguide-min-bcrypt-rounds=abc",
     "option '--secguide-min-bcrypt-rounds': 'abc' is not a whole number; expected"),
    ("--secguide-min-bcrypt-rounds=12.5", "'12.5' is not a whole number"),
    ("--secguide-min-bcrypt-rounds=-1", "-1 is below 1"),
    ("--secguide-project-facts=maybe", "option '--secguide-project-facts': got 'maybe'"),
])
def test_flake8_command_line_error_is_an_option_error(tmp_path, arg, says):
    rc, out, err = _flake8(_project(tmp_path), "--isolated", arg)
    assert rc == 2 and "flake8: error: " in err and says in err, (rc, out, err)


@pytest.mark.workflows
def test_flake8_reads_the_files_it_was_told_to(tmp_path):
    _project(tmp_path, "other.cfg", "secguide-min-bcrypt-rounds = 0")
    assert _flake8(tmp_path)[0] == 0            # not a file flake8 finds by itself
    rc, _, err = _flake8(tmp_path, "--config", "other.cfg")
    assert rc == 2 and "other.cfg [flake8]: option 'secguide-min-bcrypt-rounds'" in err, err
    rc, _, err = _flake8(tmp_path, "--append-config", "other.cfg")
    assert rc == 2 and "0 is below 1" in err, err
    (tmp_path / "setup.cfg").write_text("[flake8]\nsecguide-pasword-names = pin\n", encoding="utf-8")
    assert _flake8(tmp_path, "--isolated")[0] == 0  # --isolated: no config file read


@pytest.mark.workflows
def test_flake8_valid_config_file_works(tmp_path):
    _project(tmp_path, "setup.cfg", """
        secguide-password-names = pin
            passphrase
        secguide-min-bcrypt-rounds = 12
        secguide-project-facts = false
        """)
    rc, out, err = _flake8(tmp_path, "-j", "2")
    assert rc == 1, (out, err)
    assert [line.split(" ", 2)[1] for line in out.splitlines()] == ["SCG601", "SCG603"], out
    rc, out, err = _flake8(tmp_path, "--secguide-min-bcrypt-rounds=11")
    assert rc == 1 and [line.split(" ", 2)[1] for line in out.splitlines()] == ["SCG601"], out


# -- Bandit -------------------------------------------------------------------

def _bandit(directory: Path, config: str | None, *args: str):
    extra = ["-c", config] if config else []
    proc = run_python(["-m", "bandit", "-q", *extra, *args, "app.py"], cwd=directory)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


BANDIT_CONFIG_ERRORS = [
    ("bandit.yaml", "secguide:\n  pasword-names: [pin]\n",
     "bandit.yaml, secguide: block: option 'pasword-names': no such secguide option; "
     "did you mean 'password-names'?"),
    ("bandit.yaml", "secguide:\n  trusted-hosts: 5\n",
     "option 'trusted-hosts': got int 5; expected a comma-separated list"),
    ("bandit.yaml", "secguide:\n  min-bcrypt-rounds: abc\n", "'abc' is not a whole number"),
    ("bandit.yaml", "secguide:\n  min-bcrypt-rounds: 12.5\n", "got float 12.5"),
    ("bandit.yaml", "secguide:\n  min-bcrypt-rounds: -1\n", "-1 is below 1"),
    ("bandit.yaml", "secguide:\n  project-facts: maybe\n", "expected true or false"),
    ("bandit.yaml", "secguide: 5\n", "expected a mapping of option names"),
    ("pyproject.toml", "[tool.bandit.secguide]\npassword-names = 5\n",
     "pyproject.toml, [tool.bandit.secguide] block: option 'password-names': got int 5"),
    ("pyproject.toml", "[tool.bandit.secguide]\npasword-names = ['pin']\n",
     "option 'pasword-names': no such secguide option"),
]


@pytest.mark.workflows
@pytest.mark.parametrize("name, text, says", BANDIT_CONFIG_ERRORS)
def test_bandit_config_error_is_logged_and_exits_2(tmp_path, name, text, says):
    if name.endswith(".toml"):
        pytest.importorskip("tomllib", reason="Bandit reads TOML on 3.10 only with bandit[toml]")
    _project(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    rc, out, err = _bandit(tmp_path, name)
    assert rc == 2, (rc, out, err)
    assert "ERROR" in err and says in err, err
    assert "Traceback" not in err and "internal error" not in err
    # with --debug too, and whatever the output format: no report at all
    rc, out, err = _bandit(tmp_path, name, "--debug", "-f", "json")
    assert rc == 2 and says in err and '"results"' not in out, (out, err)


@pytest.mark.workflows
def test_bandit_valid_config_works(tmp_path):
    _project(tmp_path)
    (tmp_path / "bandit.yaml").write_text(
        "secguide:\n  password-names: [pin]\n  min-bcrypt-rounds: '12'\n  project-facts: false\n",
        encoding="utf-8")
    rc, out, err = _bandit(tmp_path, "bandit.yaml", "-t", "SCG601,SCG603")
    assert rc == 1, (out, err)
    assert "SCG601" in out and "SCG603" in out and "ERROR" not in err
    rc, out, err = _bandit(tmp_path, None, "-t", "SCG601,SCG603")
    assert rc == 0 and "SCG" not in out, (out, err)   # defaults: no pin, floor 10


@pytest.mark.workflows
def test_bandit_config_generator_writes_one_working_secguide_block(tmp_path):
    proc = run_python(["-c", "import sys; from bandit.cli.config_generator import main; "
                             "sys.argv[0] = 'bandit-config-generator'; sys.exit(main())",
                       "-o", "generated.yaml"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import yaml

    generated = yaml.safe_load((tmp_path / "generated.yaml").read_text(encoding="utf-8"))
    from secguide.registry import ALL_RULES

    test_names = {rule.symbol.replace("-", "_") for rule in ALL_RULES}
    assert not test_names & set(generated), sorted(test_names & set(generated))
    assert set(generated["secguide"]) == {spec.name for spec in OPTION_SPECS}
    assert Options.from_mapping(generated["secguide"]) == Options()
    # the generated file runs, and its secguide: block is the one read
    _project(tmp_path)
    assert _bandit(tmp_path, "generated.yaml", "-t", "SCG601")[0] == 0
    generated["secguide"]["password-names"] = ["pin"]
    (tmp_path / "edited.yaml").write_text(yaml.safe_dump(generated), encoding="utf-8")
    rc, out, err = _bandit(tmp_path, "edited.yaml", "-t", "SCG601")
    assert rc == 1 and "SCG601" in out, (out, err)
