"""The example apps are twins, and fixed_app is clean.

(tests/test_adapters.py checks vulnerable_app's ``# expect:`` lines with the
engine, flake8 and Bandit; it skips files without expectation comments, so
the cleanliness of fixed_app is asserted here.)
"""
from __future__ import annotations

from pathlib import Path

import pytest

import secguide
from tests.expectations import Expectations

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VULNERABLE = EXAMPLES / "vulnerable_app"
FIXED = EXAMPLES / "fixed_app"


def _sources(app: Path) -> list[Path]:
    return sorted(app.rglob("*.py"))


def test_apps_are_twins():
    names = [p.relative_to(VULNERABLE) for p in _sources(VULNERABLE)]
    assert names, "examples/vulnerable_app has no Python files"
    assert names == [p.relative_to(FIXED) for p in _sources(FIXED)]


@pytest.mark.parametrize("path", _sources(FIXED), ids=lambda p: p.name)
def test_fixed_app_is_clean(path):
    expectations = Expectations(path)
    assert not (expectations.expected | expectations.missing | expectations.spurious), (
        "fixed_app must carry no # expect comments")
    findings = secguide.check_source(path.read_text(encoding="utf-8"), str(path))
    assert not findings, [f"{path.name}:{f.line}: {f.text}" for f in findings]
