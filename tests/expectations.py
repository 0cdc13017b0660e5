"""Inline expectations in fixture files.

A line that must be reported carries a comment ``# expect: SCG101`` (several
codes separated by commas).  ``# expect-missing: SCG101`` marks a known miss
(not required, documented); ``# expect-spurious: SCG101`` a known false
positive (tolerated, documented).  An ``# options: {"password-names": "pin"}``
header line sets options for the whole file.
"""
from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

_EXPECT = re.compile(r"#\s*expect(?P<kind>-missing|-spurious)?:\s*(?P<codes>SCG\d{3}(?:\s*,\s*SCG\d{3})*)")
_OPTIONS = re.compile(r"#\s*options:\s*(?P<json>\{.*\})\s*$")


class Expectations:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.expected: set[tuple[int, str]] = set()
        self.missing: set[tuple[int, str]] = set()
        self.spurious: set[tuple[int, str]] = set()
        self.options: dict = {}
        data = self.path.read_bytes()
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type != tokenize.COMMENT:
                continue
            line = tok.start[0]
            m = _OPTIONS.search(tok.string)
            if m:
                self.options.update(json.loads(m.group("json")))
            for m in _EXPECT.finditer(tok.string):
                codes = {c.strip() for c in m.group("codes").split(",")}
                target = {None: self.expected, "-missing": self.missing,
                          "-spurious": self.spurious}[m.group("kind")]
                target.update((line, c) for c in codes)

    def check(self, actual: set[tuple[int, str]]) -> list[str]:
        """Problems with ``actual`` (a set of (line, code)); empty if fine."""
        problems = []
        for line, code in sorted(self.expected - actual):
            problems.append(f"{self.path.name}:{line}: expected {code}, not reported")
        extra = actual - self.expected - self.missing - self.spurious
        for line, code in sorted(extra):
            problems.append(f"{self.path.name}:{line}: unexpected {code}")
        return problems
