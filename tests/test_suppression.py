"""One suppression comment for both tools (issue 16, point 4).

``# noqa: SCGnnn`` and ``# nosec SCGnnn`` (or the Bandit test name) silence
an SCG finding in flake8 and in Bandit alike, on the reported line, on a line
of the reported node, or on the first line of the statement; both tools
report a finding on the same line, the first line of its statement (so
each tool's bare comment works there too).  Bare ``# noqa`` / ``# nosec`` stay each
tool's own, and ``--disable-noqa`` / ``--ignore-nosec`` report everything.
The tools run as command lines (``sys.executable -m flake8`` / ``-m bandit``).
"""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

import secguide
from secguide.suppression import Suppressions, named_codes
from tests.toolrun import bandit, flake8, scg

HEAD = '''\
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/a")
def view():
    db = sqlite3.connect("app.db")
    q = request.args["q"]
'''
TAIL = "    return rows\n"
SQL = 'f"SELECT * FROM items WHERE name = \'{q}\'"'

#: file -> (body, whether an SCG101 finding remains in flake8, in Bandit)
CASES = {
    "plain": (f"    rows = db.execute({SQL})\n", True, True),
    "noqa_line": (f"    rows = db.execute({SQL})  # noqa: SCG101\n", False, False),
    "noqa_prefix": (f"    rows = db.execute({SQL})  # noqa: SCG1\n", False, False),
    "nosec_line": (f"    rows = db.execute({SQL})  # nosec SCG101\n", False, False),
    "nosec_name": (f"    rows = db.execute({SQL})  # nosec: sql_built_query\n", False, False),
    "both_forms": (f"    rows = db.execute({SQL})  # noqa: SCG101  # nosec SCG101\n", False, False),
    # a multi-line statement: the comment on its first line, the finding below
    "noqa_first_line": (f"    rows = (  # noqa: SCG101\n        db.execute({SQL})\n    )\n",
                        False, False),
    "nosec_first_line": (f"    rows = (  # nosec SCG101\n        db.execute({SQL})\n    )\n",
                         False, False),
    # a line of the reported call (where Bandit reads # nosec itself)
    "noqa_in_call": (f"    rows = db.execute(\n        {SQL}\n    )  # noqa: SCG101\n", False, False),
    "nosec_in_call": (f"    rows = db.execute(\n        {SQL}\n    )  # nosec SCG101\n", False, False),
    # other codes and unrelated lines silence nothing
    "noqa_other": (f"    rows = db.execute({SQL})  # noqa: SCG601, E501\n", True, True),
    "nosec_other": (f"    rows = db.execute({SQL})  # nosec SCG601 B608\n", True, True),
    "after_statement": (f"    rows = (\n        db.execute({SQL})\n    )  # noqa: SCG101\n", True, True),
    "in_a_string": (f"    rows = db.execute({SQL} + '# nosec SCG101')\n", True, True),
    # bare forms: as each tool treats them
    "bare_noqa": (f"    rows = db.execute({SQL})  # noqa\n", False, True),
    "bare_nosec": (f"    rows = db.execute({SQL})  # nosec\n", True, False),
    # ... also on the first line of a multi-line statement, where both tools
    # report the finding (each tool reads its bare comment on that line)
    "bare_noqa_first_line": (f"    rows = (  # noqa\n        db.execute({SQL})\n    )\n",
                             False, True),
    "bare_nosec_first_line": (f"    rows = (  # nosec\n        db.execute({SQL})\n    )\n",
                              True, False),
    # the header of a compound statement: its first line
    "if_header": (f"    if (  # noqa: SCG101\n        db.execute({SQL})\n    ):\n"
                  "        rows = 1\n", False, False),
    "with_header": (f"    with (  # nosec SCG101\n        db.execute({SQL})\n    ) as rows:\n"
                    "        pass\n", False, False),
    "with_header_plain": (f"    with (\n        db.execute({SQL})\n    ) as rows:\n"
                          "        pass\n", True, True),
    "call_args_plain": (f"    rows = db.execute(\n        {SQL},\n    )\n", True, True),
}

#: the line every case's statement starts on (HEAD has 11 lines)
FIRST_LINE = 12


def _write(directory: Path) -> dict[str, Path]:
    paths = {}
    for name, (body, _, _) in CASES.items():
        path = directory / f"{name}.py"
        path.write_text(HEAD + body + TAIL, encoding="utf-8")
        paths[name] = path
    return paths


def _lines(hits, code="SCG101") -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for h in scg(hits):
        if h.code == code:
            out.setdefault(h.path.stem, set()).add(h.line)
    return out


def _places(hits, col_base: int, code="SCG101") -> dict[str, set[tuple[int, int]]]:
    """file -> (line, 0-based column) of each finding (flake8 prints col + 1)."""
    out: dict[str, set[tuple[int, int]]] = {}
    for h in scg(hits):
        if h.code == code:
            out.setdefault(h.path.stem, set()).add((h.line, h.col - col_base))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("suppression")
    paths = _write(directory)
    names = sorted(p.name for p in paths.values())
    return {
        "engine": {name: {f.line for f in secguide.check_source(p.read_text(), p.name)
                          if f.code == "SCG101"} for name, p in paths.items()},
        "flake8": _lines(flake8(names, "--select=SCG", cwd=directory).hits),
        "bandit": _lines(bandit(names, "-t", "SCG101", cwd=directory).hits),
        "flake8_all": _places(flake8(names, "--select=SCG", "--disable-noqa", cwd=directory).hits, 1),
        "bandit_all": _places(bandit(names, "-t", "SCG101", "--ignore-nosec", cwd=directory).hits, 0),
        "engine_places": {name: {(f.line, f.col) for f in secguide.check_source(p.read_text(), p.name)
                                 if f.code == "SCG101"} for name, p in paths.items()},
    }


@pytest.mark.workflows
@pytest.mark.parametrize("case", sorted(CASES))
def test_one_comment_silences_in_both_tools(runs, case):
    _, in_flake8, in_bandit = CASES[case]
    engine = runs["engine"][case]
    assert len(engine) == 1, engine  # the analysis finds it, whatever the comment
    assert runs["flake8"].get(case, set()) == (engine if in_flake8 else set()), runs["flake8"]
    assert runs["bandit"].get(case, set()) == (engine if in_bandit else set()), runs["bandit"]


@pytest.mark.workflows
def test_report_everything_switches_report_on_the_same_line(runs):
    assert runs["flake8_all"] == runs["bandit_all"] == runs["engine_places"]


@pytest.mark.workflows
def test_both_tools_report_the_first_line_of_the_statement(runs):
    # a finding inside a multi-line statement (a call on the line below an
    # assignment's opening parenthesis, in an if or with header) is reported
    # on the statement's first line, at the statement's column, by the
    # engine and both tools
    for case in CASES:
        assert runs["engine"][case] == {FIRST_LINE}, case
    for case in ("noqa_first_line", "if_header", "with_header_plain"):
        assert runs["engine_places"][case] == {(FIRST_LINE, 4)}, case
        assert runs["flake8_all"][case] == runs["bandit_all"][case] == {(FIRST_LINE, 4)}, case
    # a finding already on its statement's first line keeps its column (the
    # call, whose argument is on the next line)
    for case in ("plain", "call_args_plain"):
        assert runs["engine_places"][case] == {(FIRST_LINE, 11)}, case
        assert runs["flake8_all"][case] == runs["bandit_all"][case] == {(FIRST_LINE, 11)}, case


# -- the comment reading itself (fast) -----------------------------------------

NAMES = {"sql_built_query": "SCG101"}


@pytest.mark.parametrize("comment, noqa, nosec", [
    ("# noqa: SCG101", {"SCG101"}, set()),
    ("# NOQA:SCG101,SCG601 E501", {"SCG101", "SCG601"}, set()),
    ("# noqa: SCG1", {"SCG1"}, set()),
    ("# noqa", set(), set()),
    ("# nosec", set(), set()),
    ("# nosec SCG101", set(), {"SCG101"}),
    ("#nosec: B608, sql_built_query", set(), {"SCG101"}),
    ("# noqa: SCG101  # nosec SCG601", {"SCG101"}, {"SCG601"}),
    ("# a remark about noqa", set(), set()),
])
def test_named_codes(comment, noqa, nosec):
    assert named_codes(comment, NAMES) == (noqa, nosec)


def test_statement_start_is_the_innermost_statement():
    src = textwrap.dedent('''\
        def f():
            x = (
                g(1)
            )
            if (
                h(2)
            ):
                pass
        ''') + "# noqa: SCG101\n"
    sup = Suppressions(src, ast.parse(src), NAMES)
    assert [sup.statement_start(n) for n in (1, 2, 3, 4, 5, 6, 8)] == [1, 2, 2, 2, 5, 5, 8]


# -- where a finding is reported: the first line of its statement (fast) -----

PLACES = textwrap.dedent('''\
    @app.route(
        "/a",
        methods=["POST"],
    )
    def view(
        a=f(1),
    ):
        x = (
            g(2)
        )
        if h(3):
            pass
        elif (
            h(4)
        ):
            pass
        try:
            pass
        except (
            E5
        ):
            pass
        y = 1; z = (
            g(6)
        )
        match x:
            case [
                7
            ] if k(
                8
            ):
                pass
    ''')


@pytest.mark.parametrize("node_line, node_col, place", [
    (3, 4, (1, 0)),      # inside a decorator: its first line, the def's column
    (6, 6, (5, 0)),      # a default in the def's header: the def line
    (9, 8, (8, 4)),      # a multi-line assignment: its first line and column
    (8, 8, (8, 8)),      # already on the first line: unchanged
    (11, 7, (11, 7)),
    (14, 8, (13, 4)),    # an elif header: the elif line
    (20, 8, (19, 4)),    # an except clause: its own line, not the try's
    (24, 8, (23, 11)),   # the second statement of a line: its own column
    (28, 12, (27, 13)),  # a case pattern: the pattern's first line
    (31, 12, (27, 13)),  # its guard
])
def test_statement_place(node_line, node_col, place):
    from secguide.position import statement_place

    assert statement_place(ast.parse(PLACES), node_line, node_col) == place


def test_statement_lines_reports_a_repeat_once():
    from secguide.position import statement_lines
    from secguide.rule import Finding

    src = "x = [\n    secret('a'),\n    secret('a'),\n]\n"
    same = [Finding("SCG701", line, 4, "m", "HIGH", "HIGH", 798) for line in (2, 3)]
    other = Finding("SCG701", 3, 4, "other", "HIGH", "HIGH", 798)
    placed = statement_lines(ast.parse(src), [*same, other])
    assert [(f.line, f.col, f.message) for f in placed] == [(1, 0, "m"), (1, 0, "other")]
