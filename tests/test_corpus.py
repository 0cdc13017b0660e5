"""Crash test over the standard library, bounded for CI.

A fixed sample of the standard library's modules (about one in six, chosen
by a hash of the path, so the same files every run on a given Python) goes
through the engine in strict mode with every rule, twice: no internal error
may be raised, and the two runs must agree.  The full run, over the whole
standard library and every installed package, takes minutes and is a script
outside CI (see benchmarks/).
"""
from __future__ import annotations

import ast
import os
import sysconfig
import traceback
import warnings
import zlib
from pathlib import Path

import pytest

from secguide import engine as _engine
from tests.checks import ALL_CODES, key, strict_engine

pytestmark = pytest.mark.corpus

BUCKETS = 6


def stdlib_sample(buckets: int = BUCKETS) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        # installed packages differ between machines: only the stdlib itself
        dirnames[:] = sorted(d for d in dirnames
                             if d not in ("site-packages", "dist-packages", "__pycache__"))
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if zlib.crc32(rel.encode()) % buckets == 0:
                out.append(path)
    return out


def test_sample_is_substantial():
    sample = stdlib_sample()
    assert len(sample) > 200, len(sample)
    names = {p.name for p in sample}
    assert len(names) > 150


def test_stdlib_sample_causes_no_internal_error():
    failures = []
    analysed = 0
    with strict_engine():
        for path in stdlib_sample():
            data = path.read_bytes()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tree = ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                # test data written to be invalid: only check_source sees it
                tree = None
            try:
                if tree is None:
                    assert _engine.analyze_source(data, str(path), select=ALL_CODES) == []
                    continue
                first = _engine.analyze_tree(tree, str(path), select=ALL_CODES)
                second = _engine.analyze_tree(tree, str(path), select=ALL_CODES)
                assert key(first) == key(second), "two runs differ"
                analysed += 1
            except Exception:
                failures.append(f"{path}\n{traceback.format_exc()}")
    if failures:
        pytest.fail(f"{len(failures)} file(s) failed:\n\n" + "\n\n".join(failures[:10]))
    assert analysed > 200
