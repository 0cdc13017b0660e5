"""Small helpers shared by rules (no tree walking here)."""
from __future__ import annotations

import ast

from secguide.analysis.values import Value


def flow_text(origins: tuple) -> str:
    """`` with request.args['q'] from line 12`` for the first origin."""
    if not origins:
        return ""
    o = origins[0]
    more = f" (and {len(origins) - 1} more)" if len(origins) > 1 else ""
    return f" with {o.desc} from line {o.line}{more}"


def origin_text(origins: tuple) -> str:
    o = origins[0]
    return f"{o.desc} (line {o.line})"


def last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return last_name(node.func)
    return ""


def known_int(v: Value) -> int | None:
    if v.known and isinstance(v.cval, int) and not isinstance(v.cval, bool):
        return v.cval
    return None


def call_arg(ctx, node: ast.Call, spec) -> ast.AST | None:
    """The argument a ``(position, keyword)`` table entry points at."""
    pos, kw = spec[0], spec[1]
    return ctx.arg(node, pos, kw)


def report_built(rule, ctx, node: ast.Call, value, kind: str) -> None:
    """The text ``value`` reaches a sink of ``kind``: HIGH when untrusted input
    is in it, MEDIUM when it was built from other non-constant values that no
    sanitizer of the kind made safe.  The rule's message takes ``how``,
    ``sink`` and ``flow``."""
    tainted = value.tainted_for(kind)
    sink = ctx.source_text(node.func)
    if tainted:
        ctx.report(rule, node, how=value.built or "unvalidated input", sink=sink,
                   flow=flow_text(tainted))
    elif value.built and not value.is_const and f"safe:{kind}" not in value.labels:
        ctx.report(rule, node, severity="MEDIUM", confidence="MEDIUM", how=value.built,
                   sink=sink, flow="")


def report_tainted(rule, ctx, node: ast.AST, value, kind: str, **fields) -> bool:
    """Report ``node`` when untrusted data reaches it unsanitized for ``kind``."""
    origins = value.tainted_for(kind)
    if not origins or (kind == "path" and value.typ == "stream"):
        return False
    ctx.report(rule, node, flow=flow_text(origins), source=origin_text(origins), **fields)
    return True
