"""``benchmarks/hosts.py --split`` measures the hosts with the pack's
analysis skipped: the skip must really skip it (a split that silently ran
the analysis would read as "the analysis costs nothing")."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "SCG101", "bad.py")

_spec = importlib.util.spec_from_file_location(
    "bench_hosts", os.path.join(ROOT, "benchmarks", "hosts.py"))
hosts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hosts)

pytest.importorskip("flake8")


def _scg_lines(env_path: str | None) -> list[str]:
    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = env_path
    out = subprocess.run([sys.executable, "-m", "flake8", "--select", "SCG", FIXTURE],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    return [ln for ln in out.stdout.splitlines() if " SCG" in ln]


def test_skipped_analysis_reports_nothing_and_the_plain_run_does(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(hosts.SKIP_ANALYSIS)
    assert any("SCG101" in ln for ln in _scg_lines(None))
    assert _scg_lines(str(site)) == []
