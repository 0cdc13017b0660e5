"""The engine, flake8 and Bandit agree on every fixture and example file.

For each file the set of (line, column, code) found by
``secguide.check_source``, by flake8 (``--select SCG``) and by Bandit are
identical, and the engine's set satisfies the file's inline ``# expect:``
comments.  In the fast tier flake8 and Bandit run in this process, once over
all files (once per ``# options:`` group); the ``hosts`` tier checks that
their command lines report exactly the same.
"""
from __future__ import annotations

import ast

import pytest

from tests.expectations import Expectations
from tests.toolrun import (
    BANDIT_CRASH_MARKERS, FIXTURES, FLAKE8_CRASH_MARKERS, REPO, adapter_results,
    all_codes, checked_files, engine_findings, engine_positions, inprocess_results, rel,
)

FILES = checked_files()
IDS = [rel(p) for p in FILES]
FIXTURE_FILES = [p for p in FILES if p.is_relative_to(FIXTURES)]


def _has_markers(exp: Expectations) -> bool:
    return bool(exp.expected or exp.missing or exp.spurious)


def test_there_are_files_to_check():
    assert FILES, f"no fixture files under {FIXTURES}"
    assert any(inprocess_results().flake8.values()), "flake8 reported nothing at all"


def test_bandit_scanned_every_file():
    # in debug mode an exception in one of our tests lands the file here
    assert inprocess_results().bandit_skipped == []


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_engine_flake8_bandit_agree(path):
    results = inprocess_results()
    found = engine_findings(path)
    engine = {(f.line, f.col, f.code) for f in found}
    flake8 = results.flake8.get(path, set())
    bandit = {(line, col, code) for line, col, code, _ in results.bandit.get(path, set())}
    assert {h[:3] for h in flake8} == engine, (
        f"flake8 only: {sorted({h[:3] for h in flake8} - engine)}; "
        f"engine only: {sorted(engine - {h[:3] for h in flake8})}")
    assert bandit == engine, (
        f"bandit only: {sorted(bandit - engine)}; engine only: {sorted(engine - bandit)}")
    # flake8 prints the finding's own message
    assert flake8 == {(f.line, f.col, f.code, f.message) for f in found}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_engine_meets_expectations(path):
    exp = Expectations(path)
    if not path.is_relative_to(FIXTURES) and not _has_markers(exp):
        pytest.skip("example file without expectation comments")
    assert exp.check(exp.positions(engine_findings(path))) == []


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_findings_sit_on_their_node(path):
    """Bandit reports a finding only through the node it sits on."""
    from bandit_ext.plugins import bandit_checks
    from secguide.registry import BY_CODE

    from secguide.position import statement_place

    tree = ast.parse(path.read_bytes())
    for f in engine_findings(path):
        assert f.node is not None, f
        rule = BY_CODE[f.code]
        assert isinstance(f.node, rule.report_types), (f, type(f.node))
        assert bandit_checks((type(f.node),)), f"Bandit never tests {type(f.node).__name__}"
        # a def's finding may sit on one of its decorators' lines, and a
        # finding inside a multi-line statement on the statement's first line
        start = min([f.node.lineno] + [d.lineno for d in getattr(f.node, "decorator_list", [])])
        assert start <= f.line <= f.node.end_lineno \
            or (f.line, f.col) == statement_place(tree, f.node.lineno, f.node.col_offset), f
        assert not f.message.startswith(f.code), f.message


@pytest.mark.properties
@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[rel(p) for p in FIXTURE_FILES])
def test_selection_does_not_change_other_rules(path):
    """A rule's findings do not depend on which other rules run.

    flake8 (``--select``/``--ignore``) and Bandit (``-t``/``-s``) only run the
    chosen rules, so this is what keeps them in agreement under selection.
    (35 engine runs a file: the properties tier.)
    """
    full = engine_findings(path)
    for code in all_codes():
        alone = {(f.line, f.col, f.code) for f in engine_findings(path, select=[code])}
        assert alone == {(f.line, f.col, f.code) for f in full if f.code == code}, code


# -- the command lines (hosts tier) ------------------------------------------

@pytest.mark.hosts
def test_command_lines_did_not_crash():
    results = adapter_results()
    for run in results.flake8_runs:
        assert run.returncode in (0, 1), run.output
        assert not any(m in run.output for m in FLAKE8_CRASH_MARKERS), run.output
    for run in results.bandit_runs:
        assert run.returncode in (0, 1), run.output
        assert run.data is not None, run.output
        assert not any(m in run.output for m in BANDIT_CRASH_MARKERS), run.output
        assert not run.data.get("errors"), run.data["errors"]


@pytest.mark.hosts
def test_command_lines_report_what_the_engine_finds():
    """``flake8`` and ``bandit`` as users run them: file by file, exactly the
    engine's (line, column, code), as in process."""
    results = adapter_results()
    assert any(results.flake8.values()), "flake8 reported nothing at all"
    for path in FILES:
        engine = engine_positions(path)
        assert results.flake8.get(path, set()) == engine, rel(path)
        assert results.bandit.get(path, set()) == engine, rel(path)


@pytest.mark.hosts
def test_relative_paths_resolve_inside_repo():
    # guards the path mapping the comparisons above rely on
    results = adapter_results()
    for mapping in (results.flake8, results.bandit):
        for path in mapping:
            assert path.is_relative_to(REPO), path
            assert path in FILES, path


def test_in_process_paths_resolve_to_checked_files():
    results = inprocess_results()
    for mapping in (results.flake8, results.bandit):
        assert mapping
        for path in mapping:
            assert path in FILES, path
