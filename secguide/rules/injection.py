"""Guide section: Injection Attacks; Parameterized Queries and ORMs."""
from __future__ import annotations

import ast
import re

from secguide.models import db
from secguide.rule import Rule
from secguide.rules._common import flow_text, last_name

_SQL_HINT = re.compile(
    r"(?is)\b(select\b.{0,400}?\bfrom\b|insert\s+(or\s+\w+\s+)?into\b|update\b.{0,200}?\bset\b|"
    r"delete\s+from\b|\bwhere\b.{0,200}?(=|<|>|\blike\b|\bin\b)|"
    r"(create|drop|alter|truncate)\s+(temp\w*\s+)?(table|index|view|database|schema)\b|"
    r"\border\s+by\b|\bgroup\s+by\b|\bvalues\s*\(|\bpragma\s+\w|\bjoin\s+\w+\s+on\b)"
)
_DDL = re.compile(
    r"(?is)^\s*(create|drop|alter|truncate|grant|revoke|savepoint|release|rollback\s+to|"
    r"set|pragma|vacuum|analyze|use|show|comment\s+on|lock|attach|detach|reindex|"
    r"begin|commit|start\s+transaction|prepare\s+transaction|deallocate|listen|notify)\b"
)
_HOLE = r"\x01"
#: a value (not an identifier) position: after a comparison, inside quotes,
#: in VALUES (...), LIMIT/OFFSET
_VALUE_HOLE = re.compile(
    r"(?is)(?:=|<|>|\blike|\bin\s*\(|\bvalues\s*\(|\blimit|\boffset|\bbetween|"
    r"\bagainst\s*\(|')\s*" + _HOLE
)
_DB_TYPES = frozenset({"dbapi.Connection", "dbapi.Cursor", "sqlalchemy.Engine"})
_QUERY_KEYWORDS = ("sql", "query", "statement", "operation", "stmt")


def sql_sink(node: ast.Call, ctx) -> tuple[ast.AST, str, bool] | None:
    """If ``node`` runs SQL: (query argument, sink text, receiver is known DB).

    Shared with SCG401, which looks for ``WHERE id = ?`` lookups.
    """
    q = ctx.call_name(node)
    if q is not None and q in db.SQL_FUNCTIONS:
        arg = ctx.arg(node, db.SQL_FUNCTIONS[q], "sql") or ctx.arg(node, None, "text")
        return (arg, ctx.source_text(node.func), True) if arg is not None else None
    func = node.func
    if type(func) is not ast.Attribute:
        return None
    m = func.attr
    if m in db.SQL_METHODS:
        arg = ctx.arg(node, 0, None)
        if arg is None:
            for k in _QUERY_KEYWORDS:
                arg = ctx.keyword(node, k)
                if arg is not None:
                    break
        if arg is None:
            return None
        recv = ctx.value(func.value)
        known = recv.qual in _DB_TYPES or bool(db.DB_RECEIVER.match(last_name(func.value)))
        return arg, ctx.source_text(func), known
    if m == "extra":
        for k in ("where", "select", "tables", "order_by"):
            arg = ctx.keyword(node, k)
            if arg is not None:
                return arg, ctx.source_text(func), True
        return None
    if m == "raw" and last_name(func.value) == "objects":
        arg = ctx.arg(node, 0, "raw_query")
        return (arg, ctx.source_text(func), True) if arg is not None else None
    return None


class SqlBuiltQuery(Rule):
    """SQL text assembled from values instead of passed as parameters."""

    code = "SCG101"
    symbol = "sql-built-query"
    message = "SQL query built with {how} reaches {sink}(){flow}; pass values as parameters"
    cwe = 89
    severity = "HIGH"
    confidence = "HIGH"
    section = "Injection Attacks: Parameterized Queries and ORMs"
    rationale = (
        "When a value is pasted into SQL text, the database cannot tell data "
        "from code: a quote in the value ends the literal and the rest runs as "
        "SQL (OWASP A03:2021 Injection). Placeholders send the values "
        "separately, so no input can change the query's structure. Findings "
        "are HIGH severity when the pasted part comes from a request or "
        "other untrusted input, MEDIUM when it is any other non-constant "
        "value, because today's trusted value is tomorrow's user field."
    )
    example = (
        "import sqlite3\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/search')\n"
        "def search():\n"
        "    db = sqlite3.connect('app.db')\n"
        "    q = request.args['q']\n"
        "    rows = db.execute(f\"SELECT * FROM items WHERE name = '{q}'\").fetchall()\n"
        "    return {'items': rows}\n"
    )
    fix = (
        "import sqlite3\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/search')\n"
        "def search():\n"
        "    db = sqlite3.connect('app.db')\n"
        "    q = request.args['q']\n"
        "    rows = db.execute('SELECT * FROM items WHERE name = ?', (q,)).fetchall()\n"
        "    return {'items': rows}\n"
    )
    not_flagged = (
        "Parameterized calls; SQL built only from constants (literals, module "
        "constants assigned once, placeholder lists such as "
        "`', '.join('?' * len(ids))`); identifiers passed through a quoting "
        "helper (`quote_name`, `psycopg2.sql.Identifier`, or the "
        "`sql-sanitizers` option); numbers (`int()`, `len()`); SQL-looking "
        "text that never reaches a SQL sink, such as log and error messages; "
        "SQLAlchemy/Django query objects. The analysis is intra-procedural: "
        "a query built in another function and passed in is not followed."
    )
    node_types = (ast.Call,)
    report_types = (ast.Call,)

    def check(self, node, ctx):
        sink = sql_sink(node, ctx)
        if sink is None:
            return
        arg, sink_text, known_db = sink
        v = ctx.value(arg)
        tainted = v.tainted_for("sql")
        if not v.built and not tainted:
            return
        if "sqlsafe" in v.labels:
            return
        looks_sql = bool(v.text) and bool(_SQL_HINT.search(v.text))
        if not looks_sql and not (known_db and (v.built or tainted)):
            return
        if not tainted and _DDL.match(v.text):
            # identifiers in DDL cannot be parameters; only input makes it a finding
            return
        if not tainted and not _VALUE_HOLE.search(v.text):
            # only identifiers (table, column names) are pasted in: they cannot
            # be parameters, and without input reaching them it is no finding
            return
        how = v.built or "unvalidated input"
        if tainted:
            ctx.report(self, node, how=how, sink=sink_text, flow=flow_text(tainted))
        else:
            ctx.report(self, node, severity="MEDIUM", confidence="MEDIUM" if looks_sql else "LOW",
                       how=how, sink=sink_text, flow="")
