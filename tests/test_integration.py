"""The adapters as their host tools see them: loading, selection, suppression,
configuration, stdin, parallel runs and report formats.

Tests that run the ``flake8``/``bandit`` command lines are in the ``hosts``
tier; the in-process ones (flake8's Application, Bandit's manager,
stevedore) are fast."""
from __future__ import annotations

import ast
import configparser
import functools
import importlib.metadata
import io
import json
import shutil
from pathlib import Path

import pytest

import secguide
from secguide import engine as _engine
from secguide.options import OPTION_SPECS, Options
from secguide.registry import ALL_RULES, BY_CODE
from tests.expectations import Expectations
from tests.toolrun import (
    REPO, adapter_results, all_codes, bandit, checked_files, engine_findings,
    flake8, option_groups, rel, run_python, scg,
)

RULE_FUNCS = {rule.code: rule.symbol.replace("-", "_") for rule in ALL_RULES}


def _symbol_name(rule) -> str:
    return rule.symbol.replace("-", "_")


# -- helpers ---------------------------------------------------------------

@pytest.fixture
def spy(monkeypatch):
    """Record every call of ``secguide.engine.analyze_tree`` (and still run it)."""
    _richest_fixture()  # computed (and cached) before the patch
    calls = []
    real = _engine.analyze_tree

    def recording(tree, filename, select=None, options=None):
        calls.append({"filename": filename,
                      "select": None if select is None else sorted(select),
                      "options": options})
        return real(tree, filename, select=select, options=options)

    monkeypatch.setattr(_engine, "analyze_tree", recording)
    return calls


def _run_flake8_in_process(argv, capsys):
    from flake8.main.application import Application

    app = Application()
    app.run(["--isolated", "-j1", "--format=%(row)d %(code)s", *argv])
    out = capsys.readouterr().out
    return app, [line.split()[1] for line in out.splitlines() if line.strip()]


def _run_bandit_in_process(path: Path, include=(), exclude=(), config_file=None):
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    conf = b_config.BanditConfig(str(config_file) if config_file else None)
    profile = {"include": set(include), "exclude": set(exclude)}
    mgr = b_manager.BanditManager(conf, "file", profile=profile, quiet=True)
    mgr.discover_files([str(path)])
    mgr.run_tests()
    return mgr.get_issue_list()


def _flagged_example(code: str) -> tuple[str, list[int]]:
    """The rule's own vulnerable example and the lines it is flagged on."""
    src = BY_CODE[code].example
    lines = sorted({f.line for f in secguide.check_source(src, "app/views.py", select=[code])})
    assert lines, f"{code}'s documented example is not flagged"
    return src, lines


def _append_comment(src: str, lines: list[int], comment: str) -> str:
    out = src.splitlines()
    for n in lines:
        out[n - 1] += f"  {comment}"
    text = "\n".join(out) + "\n"
    # the comment must not change what is analysed
    assert ({(f.line, f.code) for f in secguide.check_source(text, "x.py")}
            == {(f.line, f.code) for f in secguide.check_source(src, "x.py")})
    return text


def _default_option_files(with_code: str | None = None) -> list[Path]:
    """Fixture files without an ``# options:`` header."""
    groups = option_groups(checked_files())
    files = groups.get(json.dumps({}, sort_keys=True), [])
    if with_code:
        files = [p for p in files if any(c == with_code for _, c in Expectations(p).expected)]
    return files


@functools.lru_cache(maxsize=None)
def _richest_fixture() -> Path:
    files = _default_option_files()
    assert files
    return max(files, key=lambda p: (len(engine_findings(p)), rel(p)))


# -- loading ---------------------------------------------------------------

def test_stevedore_loads_every_rule_like_bandit_does():
    from stevedore import extension

    mgr = extension.ExtensionManager(namespace="bandit.plugins",
                                     invoke_on_load=False)
    loaded = {ext.name: ext.plugin for ext in mgr}
    from bandit_ext.plugins import bandit_checks

    for rule in ALL_RULES:
        name = _symbol_name(rule)
        assert name in loaded, f"{name} not loaded by stevedore"
        test = loaded[name]
        assert test._test_id == rule.code
        assert test.__name__ == name
        assert test._takes_config == "secguide"
        assert test._checks and sorted(test._checks) == \
            sorted(bandit_checks(rule.report_types))
        doc = test.__doc__
        for part in (rule.code, rule.symbol, rule.cwe_url()):
            assert part in doc, (name, part)


@pytest.mark.hosts
@pytest.mark.parametrize("first", ["bandit_ext.plugins", "bandit"])
def test_bandit_sees_our_tests_whatever_is_imported_first(first):
    code = (f"import {first}\n"
            "from bandit.core import extension_loader as e\n"
            "print(sorted(e.MANAGER.plugins_by_id))\n")
    proc = run_python(["-c", code])
    assert proc.returncode == 0, proc.stderr
    ids = proc.stdout.decode()
    for rule in ALL_RULES:
        assert repr(rule.code) in ids, (first, ids)


def test_bandit_extension_manager_knows_our_ids_and_names():
    from bandit.core import extension_loader

    man = extension_loader.MANAGER
    for rule in ALL_RULES:
        assert man.check_id(rule.code)
        by_name = getattr(man, "get_test_id", None) or man.get_plugin_id  # bandit < 1.7.6
        assert by_name(_symbol_name(rule)) == rule.code


def test_every_report_type_reaches_a_bandit_test():
    from bandit_ext.plugins import UNREPORTABLE, bandit_checks

    for rule in ALL_RULES:
        assert rule.report_types, rule.code
        for cls in rule.report_types:
            assert cls.__name__ not in UNREPORTABLE, (
                f"{rule.code}: Bandit runs no test on {cls.__name__} nodes")
            assert bandit_checks((cls,)), (rule.code, cls)


def test_flake8_plugin_finder_finds_scg():
    from flake8.plugins import finder

    opts = finder.PluginOptions.blank()
    plugins = finder.find_plugins(configparser.RawConfigParser(), opts)
    ours = [p for p in plugins if p.entry_point.name == "SCG"]
    assert len(ours) == 1, plugins
    assert ours[0].package == "secguide"
    assert ours[0].entry_point.value == "flake8_ext.plugin:SecguidePlugin"
    loaded = finder.load_plugins(ours, opts)
    tree_plugins = [p for p in loaded.checkers.tree if p.entry_name == "SCG"]
    assert len(tree_plugins) == 1
    assert tree_plugins[0].parameters == {"tree": True, "filename": True, "options": False,
                                          "lines": False}


def _pyproject() -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    with open(REPO / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def test_entry_points_equal_the_registry():
    eps = _pyproject()["project"]["entry-points"]
    expected = {_symbol_name(r): f"bandit_ext.plugins:{_symbol_name(r)}" for r in ALL_RULES}
    assert eps["bandit.plugins"] == expected
    assert eps["flake8.extension"] == {"SCG": "flake8_ext.plugin:SecguidePlugin"}
    # the installed metadata is the same (a stale editable install fails here)
    installed = {ep.name: ep.value
                 for ep in importlib.metadata.entry_points(group="bandit.plugins")
                 if ep.value.startswith("bandit_ext.")}
    assert installed == expected, "reinstall: pip install -e ."
    import bandit_ext.plugins as plugins

    for rule in ALL_RULES:
        assert getattr(plugins, _symbol_name(rule))._test_id == rule.code


# -- suppression comments ----------------------------------------------------

@pytest.mark.hosts
def test_nosec_with_our_id_suppresses_in_bandit_and_other_ids_do_not(tmp_path):
    src, lines = _flagged_example("SCG101")
    variants = {
        "plain.py": src,
        "nosec_id.py": _append_comment(src, lines, "# nosec SCG101"),
        "nosec_name.py": _append_comment(src, lines, "# nosec: sql_built_query"),
        "nosec_other.py": _append_comment(src, lines, "# nosec B101"),
        "nosec_other_rule.py": _append_comment(src, lines, "# nosec SCG601"),
    }
    for name, text in variants.items():
        (tmp_path / name).write_text(text)
    run = bandit(sorted(variants), cwd=tmp_path)
    assert run.data is not None, run.output
    found = {p.name: {(line, code) for line, code in s if code == "SCG101"}
             for p, s in run.by_file().items()}
    expected = {(n, "SCG101") for n in lines}
    assert found.get("plain.py") == expected
    assert found.get("nosec_other.py") == expected
    assert found.get("nosec_other_rule.py") == expected, (
        "another SCG id suppressed SCG101: Bandit < 1.7.6 cannot parse ids with "
        "digits after letters and reads '# nosec SCG601' as a blanket nosec")
    assert not found.get("nosec_id.py")
    assert not found.get("nosec_name.py")
    # Bandit counted them as skipped tests (its nosec machinery, not a miss)
    for name in ("nosec_id.py", "nosec_name.py"):
        metrics = run.data["metrics"].get(name, {})
        if "skipped_tests" in metrics:
            assert metrics["skipped_tests"] >= len(lines), (name, metrics)


@pytest.mark.hosts
def test_noqa_with_our_code_suppresses_in_flake8_and_other_codes_do_not(tmp_path):
    src, lines = _flagged_example("SCG101")
    variants = {
        "plain.py": src,
        "noqa_code.py": _append_comment(src, lines, "# noqa: SCG101"),
        "noqa_prefix.py": _append_comment(src, lines, "# noqa: SCG"),
        "noqa_other.py": _append_comment(src, lines, "# noqa: E501"),
    }
    for name, text in variants.items():
        (tmp_path / name).write_text(text)
    run = flake8(sorted(variants), "--select=SCG", cwd=tmp_path)
    found = {p.name: {(line, code) for line, code in s if code == "SCG101"}
             for p, s in run.by_file().items()}
    expected = {(n, "SCG101") for n in lines}
    assert found.get("plain.py") == expected, run.output
    assert found.get("noqa_other.py") == expected, run.output
    assert not found.get("noqa_code.py")
    assert not found.get("noqa_prefix.py")


# -- selection -------------------------------------------------------------

@pytest.mark.hosts
def test_bandit_t_and_s_select_our_tests():
    files = _default_option_files()
    full = {h for p in files for h in
            {(p, line, code) for line, _, code in adapter_results().bandit.get(p, set())}}
    assert any(c == "SCG101" for _, _, c in full), "no SCG101 finding to select"
    assert any(c != "SCG101" for _, _, c in full), "no other finding to keep"
    targets = [rel(p) for p in files]

    only = bandit(targets, "--ignore-nosec", "-t", "SCG101")
    assert only.data is not None, only.output
    assert {h.code for h in only.hits} == {"SCG101"}
    assert {(h.path, h.line, h.code) for h in only.hits} == \
        {f for f in full if f[2] == "SCG101"}

    skip = bandit(targets, "--ignore-nosec", "-s", "SCG101")
    assert skip.data is not None, skip.output
    opt_in = {r.code for r in ALL_RULES if not r.default_enabled}
    assert {(h.path, h.line, h.code) for h in scg(skip.hits)} == \
        {f for f in full if f[2] != "SCG101" and f[2] not in opt_in}


def test_bandit_analyses_only_the_enabled_rules(spy):
    path = _richest_fixture()
    issues = _run_bandit_in_process(path, include={"SCG101"})
    assert {i.test_id for i in issues} <= {"SCG101"}
    assert spy, "analysis did not run"
    assert all(c["select"] == ["SCG101"] for c in spy), spy
    assert len(spy) == 1, "one analysis per file"

    spy.clear()
    _run_bandit_in_process(path, exclude={"SCG101"})
    assert len(spy) == 1
    opt_in = {r.code for r in ALL_RULES if not r.default_enabled}
    assert spy[0]["select"] == sorted(set(all_codes()) - {"SCG101"} - opt_in)


def test_bandit_runs_no_analysis_when_all_our_tests_are_skipped(spy):
    issues = _run_bandit_in_process(_richest_fixture(), exclude=set(all_codes()))
    assert not [i for i in issues if i.test_id.startswith("SCG")]
    assert spy == []


def test_flake8_select_without_scg_runs_no_analysis(spy, capsys):
    path = str(_richest_fixture())
    app, codes = _run_flake8_in_process(["--select", "E,W,F", path], capsys)
    assert not [c for c in codes if c.startswith("SCG")]
    assert spy == [], "SCG analysis ran although no SCG code was selected"

    app, codes = _run_flake8_in_process(["--extend-ignore", "SCG", path], capsys)
    assert not [c for c in codes if c.startswith("SCG")]
    assert spy == []

    # control: the spy does see the analysis when SCG is selected
    app, codes = _run_flake8_in_process(["--select", "E,W,F,SCG101", path], capsys)
    assert spy and spy[0]["select"] == ["SCG101"]
    expected = {f.code for f in engine_findings(_richest_fixture(), select=["SCG101"])}
    assert {c for c in codes if c.startswith("SCG")} == expected


def test_opt_in_rules_are_off_by_default_in_flake8(spy, capsys):
    opt_in = [r.code for r in ALL_RULES if not r.default_enabled]
    if not opt_in:
        pytest.skip("no opt-in rule")
    path = str(_richest_fixture())
    _run_flake8_in_process([path], capsys)
    assert spy and not set(opt_in) & set(spy[0]["select"])
    spy.clear()
    _run_flake8_in_process(["--extend-select", ",".join(opt_in), path], capsys)
    assert spy and set(opt_in) <= set(spy[0]["select"])


def _opt_in_fixture() -> tuple[str, Path]:
    opt_in = [r.code for r in ALL_RULES if not r.default_enabled]
    if not opt_in:
        pytest.skip("no opt-in rule")
    code = opt_in[0]
    path = REPO / "tests" / "fixtures" / code / "bad.py"
    assert any(f.code == code for f in engine_findings(path, select=[code])), \
        f"{code}'s bad fixture has no finding"
    return code, path


def test_opt_in_rules_run_in_bandit_only_when_the_run_names_them(spy):
    """Bandit has no off-by-default: a run that names no test (skips
    allowed) leaves an opt-in rule out; ``-t``/``tests:`` naming it runs it."""
    from bandit_ext import _trim

    if _trim._run_tests_code() is None:
        pytest.skip("not a verified Bandit: opt-in rules stay off")
    code, path = _opt_in_fixture()
    for include, exclude in ((set(), set()), (set(), {"B101"}), ({"SCG101"}, set())):
        spy.clear()
        issues = _run_bandit_in_process(path, include=include, exclude=exclude)
        assert code not in {i.test_id for i in issues}, (include, exclude)
        assert spy and code not in spy[0]["select"], (include, exclude)
    for include in ({code}, {code, "SCG101", "B308"}):
        spy.clear()
        issues = _run_bandit_in_process(path, include=include)
        assert code in {i.test_id for i in issues}, include
        assert spy and code in spy[0]["select"]
    # named, then skipped: not run
    issues = _run_bandit_in_process(path, include={code, "SCG101"}, exclude={code})
    assert code not in {i.test_id for i in issues}


@pytest.mark.hosts
def test_opt_in_rules_in_bandit_command_lines(tmp_path):
    code, path = _opt_in_fixture()
    target = [rel(path)]
    plain = bandit(target, "--ignore-nosec")
    assert plain.data is not None, plain.output
    assert code not in {h.code for h in plain.hits}
    named = bandit(target, "--ignore-nosec", "-t", code)
    assert {h.code for h in named.hits} == {code}
    config = tmp_path / "bandit.yaml"
    config.write_text(f"tests: [{code}, B101]\n", encoding="utf-8")
    profile = bandit(target, "--ignore-nosec", "-c", str(config))
    assert {(h.line, h.code) for h in scg(profile.hits)} == \
        {(h.line, h.code) for h in named.hits}


# -- configuration -----------------------------------------------------------

_CUSTOM = {"password-names": "pin,passphrase", "min-bcrypt-rounds": "12"}
_CUSTOM_OPTIONS = Options.from_mapping(_CUSTOM)


def test_option_specs_are_flake8_options():
    from flake8.main.application import Application

    app = Application()
    app.initialize(["--isolated", *(f"--secguide-{k}={v}" for k, v in _CUSTOM.items())])
    opts = app.options
    for spec in OPTION_SPECS:
        assert hasattr(opts, "secguide_" + spec.name.replace("-", "_")), spec.name
    assert opts.secguide_password_names == ["pin", "passphrase"]


def test_flake8_options_reach_the_engine_per_run(spy, capsys, tmp_path):
    assert _CUSTOM_OPTIONS != Options()
    path = str(_richest_fixture())
    _run_flake8_in_process([*(f"--secguide-{k}={v}" for k, v in _CUSTOM.items()), path], capsys)
    assert spy and spy[-1]["options"] == _CUSTOM_OPTIONS
    spy.clear()
    # a second run in the same process without options: nothing leaks
    _run_flake8_in_process([path], capsys)
    assert spy and spy[-1]["options"] == Options()


def test_flake8_reads_options_from_config_files(spy, capsys, tmp_path, monkeypatch):
    from flake8.main.application import Application

    (tmp_path / "setup.cfg").write_text(
        "[flake8]\n" + "".join(f"secguide-{k} = {v}\n" for k, v in _CUSTOM.items()))
    target = tmp_path / "mod.py"
    shutil.copy(_richest_fixture(), target)
    monkeypatch.chdir(tmp_path)
    Application().run(["-j1", "mod.py"])
    capsys.readouterr()
    assert spy and spy[-1]["options"] == _CUSTOM_OPTIONS


def test_bandit_config_secguide_block_reaches_the_engine(spy, tmp_path):
    yaml_cfg = tmp_path / "bandit.yaml"
    yaml_cfg.write_text("secguide:\n  password-names: [pin, passphrase]\n"
                        "  min-bcrypt-rounds: 12\n")
    toml_cfg = tmp_path / "pyproject.toml"
    toml_cfg.write_text('[tool.bandit.secguide]\npassword-names = ["pin", "passphrase"]\n'
                        "min-bcrypt-rounds = 12\n")
    path = _richest_fixture()
    for cfg in (yaml_cfg, toml_cfg):
        spy.clear()
        _run_bandit_in_process(path, config_file=cfg)
        assert len(spy) == 1 and spy[0]["options"] == _CUSTOM_OPTIONS, cfg.name
    spy.clear()
    _run_bandit_in_process(path)
    assert len(spy) == 1 and spy[0]["options"] == Options()


# -- stdin and parallel runs ---------------------------------------------------

@pytest.mark.hosts
def test_flake8_stdin_matches_file_run(tmp_path):
    src = _richest_fixture()
    (tmp_path / "app").mkdir()
    shutil.copy(src, tmp_path / "app" / "views.py")
    by_file = flake8(["app/views.py"], "--select=SCG", cwd=tmp_path)
    by_stdin = flake8(["--stdin-display-name", "app/views.py", "-"], "--select=SCG",
                      cwd=tmp_path, stdin=src.read_bytes())
    assert by_file.hits, by_file.output
    assert by_stdin.hits == by_file.hits, by_stdin.output
    # and both equal the engine on that file name
    engine = {(f.line, f.col + 1, f.code, f.message) for f in
              secguide.check_source(src.read_bytes(), "app/views.py", select=all_codes())}
    assert {(h.line, h.col, h.code, h.text) for h in by_stdin.hits} == engine


@pytest.mark.hosts
def test_bandit_stdin_matches_file_run(tmp_path):
    src = _richest_fixture()
    # a name that says nothing (Bandit reads stdin as "<stdin>"; a file named
    # views.py or test_x.py is itself evidence for some rules)
    shutil.copy(src, tmp_path / "module.py")
    by_file = bandit(["module.py"], cwd=tmp_path)
    by_stdin = bandit(["-"], cwd=tmp_path, stdin=src.read_bytes())
    f = {(h.line, h.col, h.code, h.text) for h in scg(by_file.hits)}
    assert f, by_file.output
    assert {(h.line, h.col, h.code, h.text) for h in scg(by_stdin.hits)} == f


@pytest.mark.hosts
def test_flake8_parallel_equals_serial():
    target = rel(REPO / "tests" / "fixtures")
    serial = flake8([target], "--select=SCG", "-j1")
    parallel = flake8([target], "--select=SCG", "-j2")
    assert serial.hits, serial.output
    assert sorted(parallel.hits) == sorted(serial.hits), parallel.output


# -- report formats ------------------------------------------------------------

@pytest.mark.hosts
def test_bandit_json_issue_fields():
    """Bandit's issue fields; its message text is flake8's, for one finding."""
    flake8_texts: dict[tuple, set[str]] = {}
    for run in adapter_results().flake8_runs:
        for hit in run.hits:
            flake8_texts.setdefault((hit.path, hit.line, hit.code), set()).add(hit.text)
    checked = 0
    for run in adapter_results().bandit_runs:
        for res in run.data["results"]:
            code = res["test_id"]
            if not code.startswith("SCG"):
                continue
            rule = BY_CODE[code]
            path = REPO / res["filename"]
            # two findings of a multi-line statement share its first line and
            # column (secguide.position): the message tells them apart
            ours = [f for f in engine_findings(path)
                    if (f.line, f.col, f.code) == (res["line_number"], res["col_offset"], code)]
            if len(ours) > 1:
                ours = [f for f in ours if f.message == res["issue_text"]]
            assert len(ours) == 1, res
            f = ours[0]
            assert res["issue_cwe"]["id"] == rule.cwe
            assert str(rule.cwe) in res["issue_cwe"]["link"]
            assert res["issue_severity"] == f.severity
            assert res["issue_confidence"] == f.confidence
            assert res["issue_text"] == f.message
            assert f.message in flake8_texts[(path, f.line, code)]
            assert res["test_name"] == _symbol_name(rule)
            assert res["line_range"][0] <= res["line_number"] <= res["line_range"][-1]
            checked += 1
    assert checked, "no SCG issue in the Bandit runs"


@pytest.mark.hosts
def test_bandit_sarif_has_our_rule_ids():
    pytest.importorskip("sarif_om", reason="bandit[sarif] not installed")
    path = _richest_fixture()
    run = bandit([rel(path)], fmt="sarif")
    data = json.loads(run.stdout)
    (sarif_run,) = data["runs"]
    expected = {f.code for f in engine_findings(path)}
    assert expected
    rules = {r["id"]: r for r in sarif_run["tool"]["driver"]["rules"]}
    assert expected <= set(rules)
    for code in expected:
        assert rules[code]["name"] == RULE_FUNCS[code]
        assert f"external/cwe/cwe-{BY_CODE[code].cwe}" in rules[code]["properties"]["tags"]
    assert {r["ruleId"] for r in sarif_run["results"] if r["ruleId"].startswith("SCG")} == expected


# -- the Bandit test functions on their own ------------------------------------

class _Ctx:
    def __init__(self, raw):
        self._context = raw


def test_bandit_test_falls_back_to_parsing_file_data():
    """Without ``_bandit_parent`` links the file data is parsed and findings are
    matched to the node by position."""
    import bandit_ext.plugins as plugins
    from bandit_ext import results

    src, lines = _flagged_example("SCG101")
    finding = secguide.check_source(src, "views.py", select=["SCG101"])[0]
    tree = ast.parse(src)

    def where(n):
        return (type(n), getattr(n, "lineno", None), getattr(n, "col_offset", None),
                getattr(n, "end_lineno", None), getattr(n, "end_col_offset", None))

    node = next(n for n in ast.walk(tree) if where(n) == where(finding.node))
    raw = {"node": node, "filename": "views.py", "file_data": io.BytesIO(src.encode()),
           "lineno": node.lineno}
    results.CURRENT[0] = None
    test = getattr(plugins, RULE_FUNCS["SCG101"])
    result = test(_Ctx(raw), plugins.gen_config("secguide"))
    assert result is not None
    assert (result.test_id, result.lineno, result.col_offset) == \
        ("SCG101", finding.line, finding.col)
    assert result.cwe.id == BY_CODE["SCG101"].cwe
    # another node of the same file: no finding, from the same cache entry
    other = tree.body[0]
    assert test(_Ctx(dict(raw, node=other)), None) is None


@pytest.mark.parametrize("raw", [
    {},
    {"node": None},
    {"node": ast.Pass(), "filename": None, "file_data": None},
    {"node": ast.parse("x = 1").body[0], "filename": "a.py", "file_data": io.BytesIO(b"def(")},
    {"node": ast.parse("x = 1").body[0], "filename": b"a.py", "file_data": object()},
])
def test_bandit_test_never_raises(raw):
    import bandit_ext.plugins as plugins
    from bandit_ext import results

    results.CURRENT[0] = None
    for code, name in RULE_FUNCS.items():
        assert getattr(plugins, name)(_Ctx(raw), None) is None
        assert getattr(plugins, name)(_Ctx(raw)) is None
    assert getattr(plugins, RULE_FUNCS["SCG101"])(object(), None) is None


def test_bandit_first_call_deep_in_an_expression(tmp_path):
    """A file that opens with a 300-operand expression: Bandit's first call of
    a secguide test (the leftmost operand, visited first) sits 300 levels
    deep in its recursive walk, and the analysis runs there, with that many
    frames fewer than flake8 gives it (the adapter does not raise the
    recursion limit).  Nothing raises; a 150-call chain further down, which
    the engine alone still follows, may become "unknown" there (no finding,
    depending on the interpreter's frame budget); nothing is reported that
    the engine does not report, and the rest of the file is reported."""
    from tests.checks import bandit_scan

    src = ("str(1)" + " + 'a'" * 300 + "\nimport hashlib\nimport sqlite3\n"
           "from flask import request\n\n\ndef h(password):\n"
           "    return hashlib.md5(password.encode()).hexdigest()\n\n\n"
           "db = sqlite3.connect('a')\n"
           "db.execute('SELECT ' + request.args['z']" + ".strip()" * 150 + ")\n")
    path = tmp_path / "deep.py"
    path.write_text(src)
    issues, skipped = bandit_scan(path, set(all_codes()), debug=True)
    assert not skipped
    engine = {(f.line, f.code) for f in secguide.check_source(src, str(path))}
    assert engine == {(8, "SCG601"), (12, "SCG101")}
    found = {(i.lineno, i.test_id) for i in issues}
    assert (8, "SCG601") in found and found <= engine


def test_flake8_plugin_never_raises(monkeypatch):
    from flake8_ext.plugin import SecguidePlugin

    def boom(*args, **kwargs):
        raise RuntimeError("engine bug")

    tree = ast.parse(BY_CODE["SCG101"].example)
    monkeypatch.setattr(_engine, "analyze_tree", boom)
    assert list(SecguidePlugin(tree, "x.py", None).run()) == []
    monkeypatch.undo()
    got = list(SecguidePlugin(tree, "x.py", None).run())
    assert got and all(t[2].startswith("SCG") and t[3] is SecguidePlugin for t in got)
    assert list(SecguidePlugin(tree, "x.py", object()).run()) == got


@pytest.mark.hosts
def test_recommended_profile_replaces_noisy_tests(tmp_path):
    """The shipped profile drops B608/B311/B602 and keeps their SCG versions."""
    import subprocess
    import sys
    from pathlib import Path

    src = tmp_path / "app.py"
    src.write_text(
        "import random\n"
        "import sqlite3\n"
        "import subprocess\n"
        "from flask import Flask, request\n"
        "app = Flask(__name__)\n"
        "LOG = 'SELECT is not run: %s'\n"
        "@app.route('/s')\n"
        "def s():\n"
        "    db = sqlite3.connect('a')\n"
        "    db.execute(\"SELECT * FROM t WHERE a = '%s'\" % request.args['a'])\n"
        "    subprocess.run('ls -l', shell=True)\n"
        "    print(LOG % random.random())\n"
        "    return 'ok'\n"
    )
    profile = Path(__file__).resolve().parent.parent / "profiles" / "bandit-recommended.yaml"

    def ids(*extra):
        out = subprocess.run([sys.executable, "-m", "bandit", "-q", "-f", "json", *extra, str(src)],
                             capture_output=True, text=True)
        import json
        return sorted((r["test_id"], r["line_number"]) for r in json.loads(out.stdout)["results"])

    plain = ids()
    assert ("B608", 10) in plain and ("SCG101", 10) in plain
    assert any(t == "B602" for t, _ in plain) and any(t == "B311" for t, _ in plain)
    recommended = ids("-c", str(profile))
    assert ("SCG101", 10) in recommended
    assert not {t for t, _ in recommended} & {"B608", "B311", "B602", "B105"}


_FREEZE_PROBE = """
import atexit, gc, sys
START = gc.get_freeze_count()  # not 0 everywhere: Python 3.12 freezes some at start-up
atexit.register(lambda: print("FROZEN", gc.get_freeze_count() - START, file=sys.stderr))
host, args = sys.argv[1], sys.argv[2:]
if host == "api":  # flake8 imported by another program: never touched
    from flake8.api import legacy
    legacy.get_style_guide(select=["SCG"]).check_files(args)
    raise SystemExit(0)
sys.argv = [host] + args
if host == "flake8":
    from flake8.main.cli import main
else:
    from bandit.cli.main import main
main()
"""


@pytest.mark.hosts
@pytest.mark.parametrize("host", ["flake8", "bandit", "api"])
def test_the_hosts_heap_is_frozen_in_their_command_lines_only(tmp_path, host, monkeypatch):
    """flake8's and Bandit's command lines get their start-up heap frozen
    once (``secguide.engine.host``), with the same findings; a program
    that imports flake8 does not, nor a run with ``SECGUIDE_GC_FREEZE=0``."""
    import subprocess  # nosec B404  # runs the hosts under test
    import sys

    src = tmp_path / "views.py"
    src.write_text("def f(cur, q):\n    cur.execute(f'SELECT {q}')\n")
    args = ["-j1", "--select=SCG", str(src)] if host == "flake8" else \
        ["-q", "-f", "csv", str(src)] if host == "bandit" else [str(src)]
    counts, outputs = {}, {}
    for switch in ("1", "0"):
        monkeypatch.setenv("SECGUIDE_GC_FREEZE", switch)
        out = subprocess.run([sys.executable, "-c", _FREEZE_PROBE, host, *args],
                             capture_output=True, text=True, timeout=300, check=False)
        frozen = [ln for ln in out.stderr.splitlines() if ln.startswith("FROZEN ")]
        assert frozen, out.stderr
        counts[switch] = int(frozen[-1].split()[1])
        outputs[switch] = out.stdout
    assert "SCG101" in outputs["1"] or host == "api", outputs["1"]
    assert outputs["1"] == outputs["0"]
    assert counts["0"] == 0
    assert (counts["1"] > 1000) is (host != "api"), counts
