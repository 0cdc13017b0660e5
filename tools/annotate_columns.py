"""Write the column into the fixtures' ``# expect:`` markers.

    python tools/annotate_columns.py            # annotate markers without a column
    python tools/annotate_columns.py --check    # exit 1 if any marker lacks one
    python tools/annotate_columns.py --refresh  # rewrite every column from the engine

For every ``# expect:`` (and ``# expect-spurious:``) marker of
``tests/fixtures/**/*.py``, each code written without a column gets the
1-based column (``Finding.col + 1``, as flake8 prints it) of the engine's
finding of that code on that line: ``# expect: SCG101`` becomes
``# expect: SCG101:12``; a code found at two columns of the line is written
twice (``SCG101:5, SCG101:30``).  Columns already written are kept (the
tests check them) unless ``--refresh``.  A marked code the engine does not
report on its line is left alone and listed (the fixture test fails on it
anyway).  Only the marker comments change, so the tool is idempotent and
can be re-run whenever fixture lines are added.
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from secguide import check_source  # noqa: E402
from secguide.options import Options  # noqa: E402
from secguide.registry import ALL_RULES  # noqa: E402
from tests.expectations import Expectations, markers, parse_codes  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _columns(path: Path) -> dict[tuple[int, str], list[int]]:
    """(line, code) -> the sorted 1-based columns the engine reports."""
    exp = Expectations(path)
    found = check_source(path.read_bytes(), str(path), select=[r.code for r in ALL_RULES],
                         options=Options.from_mapping(exp.options))
    out: dict[tuple[int, str], list[int]] = {}
    for f in found:
        out.setdefault((f.line, f.code), []).append(f.col + 1)
    return {key: sorted(set(cols)) for key, cols in out.items()}


def annotate(path: Path, refresh: bool = False) -> tuple[str, list[str]]:
    """The file's new text and the markers that could not be annotated."""
    data = path.read_bytes()
    # split as tokenize does (not str.splitlines, which also splits on \f)
    lines = io.StringIO(data.decode("utf-8"), newline="").readlines()
    columns = _columns(path)
    unresolved = []
    # right to left within a line, so earlier offsets stay valid
    edits = sorted(markers(data), key=lambda tm: (tm[0].start, tm[1].start()), reverse=True)
    for tok, m in edits:
        if m.group("kind") == "-missing":
            continue  # nothing is reported: no column to take
        line = tok.start[0]
        items: list[str] = []
        for code, col in parse_codes(m.group("codes")):
            cols = columns.get((line, code))
            if col is not None and not refresh:
                items.append(f"{code}:{col}")
            elif cols:
                items.extend(f"{code}:{c}" for c in cols)
            else:
                unresolved.append(f"{_shown(path)}:{line}: {code} not reported")
                items.append(code if col is None else f"{code}:{col}")
        # one code listed twice without a column would be written twice
        items = list(dict.fromkeys(items))
        new_codes = ", ".join(items)
        text = lines[line - 1]
        start = tok.start[1] + m.start("codes")
        end = tok.start[1] + m.end("codes")
        # token columns count characters of the decoded line
        lines[line - 1] = text[:start] + new_codes + text[end:]
    return "".join(lines), unresolved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a marker would change")
    parser.add_argument("--refresh", action="store_true",
                        help="rewrite columns already written, from the engine")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="fixture files (default: every tests/fixtures/**/*.py)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or sorted(FIXTURES.rglob("*.py"))
    changed, problems = [], []
    for path in paths:
        text, unresolved = annotate(path, refresh=args.refresh)
        problems += unresolved
        if text.encode("utf-8") != path.read_bytes():
            changed.append(path)
            if not args.check:
                path.write_bytes(text.encode("utf-8"))
    for p in problems:
        print(f"not annotated: {p}", file=sys.stderr)
    verb = "would change" if args.check else "changed"
    for path in changed:
        print(f"{verb}: {_shown(path)}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
