"""Small helpers shared by rules: message pieces, argument lookups, value
predicates and the two taint verdicts most sink rules share.  They return
``Report``s (a list, empty when there is nothing to report); none of them
walks the tree.

``flow_text`` and ``origin_text`` are how every taint rule names origins in
its message: in summary mode (``analysis.summaries``) they render the
symbolic parameter origins as tokens, which the engine turns into a
parameter-to-sink summary entry instead of a finding; rules need nothing
else for their sinks to be followed through helper calls."""
from __future__ import annotations

import ast
import re

from secguide import labels
from secguide.analysis.settings import last_name  # noqa: F401 (re-exported for the rules)
from secguide.analysis.summaries import has_symbolic, symbolic_text
from secguide.analysis.values import Value
from secguide.models import db, sinks
from secguide.rule import Report


def model_base(base: str) -> bool:
    """A base class name of stored records (``models.Model``, ``db.Model``,
    ``DeclarativeBase``, ``Document``)."""
    return base.rsplit(".", 1)[-1] in db.MODEL_BASES or base.endswith(db.FLASK_SQLALCHEMY_MODEL)


def flow_text(origins: tuple) -> str:
    """`` with request.args['q']`` for the first origin (no line number, so
    the message stays the same when code above it moves)."""
    if not origins:
        return ""
    if has_symbolic(origins):  # summary mode: every origin, as tokens
        return " with " + symbolic_text(origins)
    more = f" (and {len(origins) - 1} more)" if len(origins) > 1 else ""
    return f" with {origins[0].desc}{more}"


def origin_text(origins: tuple) -> str:
    """``request.args['q']``: where the first untrusted value came from."""
    if has_symbolic(origins):  # summary mode: every origin, as tokens
        return symbolic_text(origins)
    return origins[0].desc


def known_int(v: Value) -> int | None:
    if v.known and isinstance(v.cval, int) and not isinstance(v.cval, bool):
        return v.cval
    return None


def int_arg(ctx, node: ast.AST | None) -> int | None:
    """The known integer value of ``node`` (None, unknown or a bool: None)."""
    return None if node is None else known_int(ctx.value(node))


def is_true(ctx, node) -> bool:
    v = ctx.value(node)
    return v.known and v.cval is True


def is_false(ctx, node) -> bool:
    v = ctx.value(node)
    return v.known and v.cval is False


def call_arg(ctx, node: ast.Call, spec) -> ast.AST | None:
    """The argument a ``(position, keyword)`` table entry points at."""
    pos, kw = spec[0], spec[1]
    return ctx.arg(node, pos, kw)


def decorated_with(fn, pattern: re.Pattern, extra: tuple) -> bool:
    """Does a decorator of ``fn`` match ``pattern`` (by its last name) or the
    user's ``extra`` names (last or dotted)?"""
    for d in fn.decorators:
        last = d.rsplit(".", 1)[-1]
        if pattern.match(last) or last in extra or d in extra:
            return True
    return False


def http_url(node: ast.Call, ctx) -> ast.AST | None:
    """The URL argument of an outbound HTTP request (SCG902, SCG903), or None."""
    q = ctx.call_name(node)
    spec = sinks.HTTP_CALLS.get(q) if q else None
    func = node.func
    if spec is None and type(func) is ast.Attribute and \
            ctx.value(func.value).qual in sinks.HTTP_CLIENT_TYPES:
        spec = sinks.HTTP_CLIENT_METHODS.get(func.attr)
    return ctx.arg(node, spec[0], spec[1]) if spec is not None else None


def built_report(rule, ctx, node: ast.Call, value: Value, kind: str) -> list[Report]:
    """The text ``value`` reaches a sink of ``kind``: HIGH when untrusted input
    is in it, MEDIUM when it was built from other non-constant values that no
    sanitizer of the kind made safe.  The rule's message takes ``how``,
    ``sink`` and ``flow``."""
    tainted = value.tainted_for(kind)
    sink = ctx.source_text(node.func)
    if tainted:
        return [rule.found(node, how=value.built or "unvalidated input", sink=sink,
                           flow=flow_text(tainted))]
    if value.built and not value.is_const and labels.safe(kind) not in value.labels:
        return [rule.found(node, severity="MEDIUM", confidence="MEDIUM", how=value.built,
                           sink=sink, flow="")]
    return []


def tainted_report(rule, ctx, node: ast.AST, value: Value, kind: str,
                   **fields) -> list[Report]:
    """The finding on ``node`` when untrusted data reaches it unsanitized for
    ``kind`` (the message takes ``flow`` and ``source``); empty otherwise."""
    origins = value.tainted_for(kind)
    if not origins:
        return []
    return [rule.found(node, flow=flow_text(origins), source=origin_text(origins), **fields)]
