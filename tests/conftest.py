"""Test tiers.

The fast tier (engine units, fixtures, docs, the in-process agreement of the
engine, flake8 and Bandit) is what plain ``pytest`` runs.  The slow tiers
carry a marker saying what they are (``hosts``, ``properties``,
``pathological``, ``corpus``, ``workflows``; registered in pyproject.toml);
each of them also gets ``slow`` here, which ``addopts`` deselects.  Run them
with ``pytest -m slow`` (all) or ``pytest -m hosts`` (one); ``.ci/run`` runs
the fast tier, then ``-m slow``.

Both run on pytest-xdist workers (``addopts``: ``-n auto --dist loadfile``),
a test file on one worker, so the per-session caches of ``tests.toolrun``
are computed once per file's worker; ``-n0`` runs in one process.
"""
from __future__ import annotations

import pytest

SLOW_TIERS = ("hosts", "properties", "pathological", "corpus", "workflows")
#: the analysed code, never collected as tests (``fixtures/SCG101/test_*.py``
#: are test modules the rules are checked on)
collect_ignore_glob = ["fixtures/*", "projects/*"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # tryfirst: before the -m selection, which runs in the same hook
    for item in items:
        if any(item.get_closest_marker(tier) for tier in SLOW_TIERS):
            item.add_marker(pytest.mark.slow)
