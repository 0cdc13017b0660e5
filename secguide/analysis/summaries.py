"""Parameter-to-sink summaries: which parameters of a plain function reach
which sink inside it, so a call that passes untrusted data is reported at
the call.

Summary mode (the engine's ``SummaryContext``) runs the rules over a module
with each plain function's parameters bound to a symbolic origin
(``values.SymOrigin``) whose description is a token: ``\\x02<fid>.<i>\\x03``
(function number ``fid`` of the context, parameter ``i``).  When such an
origin reaches a sink, ``Value.tainted_for(kind)`` writes the sink kind into
the token (``\\x02<fid>.<i>:<kind>\\x03``) and the rule renders it into its
message fields (``rules._common.flow_text``).  A finding whose fields carry
tokens of one function and no real origin becomes a ``SinkEntry`` of that
function instead of a finding.  At a call, ``substitute`` replaces each
group of tokens by the caller's real origins and the path (``through
find_user() in app/db.py``).

This module is data and text only: it knows no rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from secguide.analysis.values import EMPTY, SymOrigin, Value

#: token delimiters (never in source text descriptions)
_OPEN, _CLOSE = "\x02", "\x03"
#: an origin that is not a parameter, next to parameter tokens (a mixed flow)
REAL = f"{_OPEN}r{_CLOSE}"
_TOKEN = re.compile("\x02(?:(\\d+)\\.(\\d+)\\.(\\w+)(?::([^\x03]*))?|r)\x03")
_GROUP = re.compile("(?:\x02[^\x03]*\x03)+")
#: a parameter chain longer than this is not followed (message text bound)
MAX_CHAIN = 6


#: the shapes of untrusted data (``values.Origin.shape``).  A parameter
#: carries one symbolic origin of each: a rule may decide by shape (the
#: fields of a validated model, the request's own URL, JSON objects), so an
#: entry says which shapes reach its sink, and a call counts only the
#: arguments' origins of those shapes
SHAPES = ("str", "map", "obj", "list", "file", "files", "url", "model")


def param_token(fid: int, index: int, shape: str) -> str:
    return f"{_OPEN}{fid}.{index}.{shape}{_CLOSE}"


def param_origins(fid: int, index: int, line: int) -> tuple:
    """The symbolic origins of parameter ``index`` of function ``fid``."""
    return tuple(SymOrigin(param_token(fid, index, shape), line, shape, EMPTY, False)
                 for shape in SHAPES)


def has_symbolic(origins: tuple) -> bool:
    for o in origins:
        if type(o) is SymOrigin:
            return True
    return False


def symbolic_text(origins: tuple) -> str:
    """Every origin's token (``REAL`` for the real ones): what a rule's
    message carries in summary mode, so no origin is lost."""
    out = []
    real = False
    for o in origins:
        if type(o) is SymOrigin:
            if o.desc not in out:
                out.append(o.desc)
        else:
            real = True
    return "".join(out) + (REAL if real else "")


@dataclass(frozen=True)
class SinkEntry:
    """A parameter-to-sink flow inside a function: rule ``code`` reported on
    line ``line`` with ``fields`` (tokens where the parameters' origins go),
    for the parameters ``params``: ``((index, sink kind or ""), shapes)``
    pairs, the shapes of data that reach the sink from that parameter."""

    code: str
    severity: str
    confidence: str
    fields: tuple
    params: tuple
    line: int


@dataclass(frozen=True)
class FunctionSummary:
    """The sink entries of one plain function, with what a call needs to map
    its arguments to parameters."""

    name: str
    #: parameter names, in the order of ``FunctionInfo.params``
    params: tuple
    #: how many of them can be passed by position
    positional: int
    entries: tuple


def parse_fields(fields: dict) -> tuple[int, dict] | None:
    """``(fid, {(param index, kind): shapes})`` when the message fields
    carry tokens of a single function's parameters and no real origin;
    else None."""
    fid = None
    params: dict[tuple, set] = {}
    for v in fields.values():
        if type(v) is not str or _OPEN not in v:
            continue
        for m in _TOKEN.finditer(v):
            if m.group(1) is None:
                return None  # a real origin flows there too: an ordinary finding
            f = int(m.group(1))
            if fid is None:
                fid = f
            elif f != fid:
                return None  # parameters of an enclosing function (a closure)
            key = (int(m.group(2)), m.group(4) or "")
            params.setdefault(key, set()).add(m.group(3))
    if fid is None:
        return None
    return fid, {k: tuple(sorted(v)) for k, v in params.items()}


def call_arguments(call, summary: FunctionSummary, keyword) -> dict[int, object]:
    """The argument nodes a call passes for the summary's parameters
    (positional, then by keyword; nothing past a ``*args``)."""
    out: dict[int, object] = {}
    args = call.args
    starred = False
    for i, name in enumerate(summary.params):
        node = None
        if i < summary.positional and i < len(args) and not starred:
            a = args[i]
            if type(a).__name__ == "Starred":
                starred = True
            else:
                node = a
        if node is None:
            node = keyword(call, name)
        if node is not None:
            out[i] = node
    return out


def tainted_arguments(entry: SinkEntry, values: dict[int, Value]) -> dict[int, tuple]:
    """Per parameter of ``entry``, the origins of the caller's argument that
    reach the entry's sink unsanitized for its kind."""
    out: dict[int, tuple] = {}
    for (i, kind), shapes in entry.params:
        v = values.get(i)
        if v is None or not v.taint:
            continue
        origins = tuple(o for o in (v.tainted_for(kind) if kind else v.taint)
                        if (o.shape if o.shape in SHAPES else "str") in shapes)
        if origins:
            out[i] = out[i] + tuple(o for o in origins if o not in out[i]) if i in out \
                else origins
    return out


def substitute(entry: SinkEntry, tainted: dict[int, tuple], through: str,
               names: tuple) -> dict:
    """The entry's message fields at a call: each group of parameter tokens
    becomes the caller's origins and ``through`` (`` through f() in m.py``)."""

    def group(m: re.Match) -> str:
        origins: list = []
        missing = []
        for t in _TOKEN.finditer(m.group(0)):
            if t.group(1) is None:
                continue
            i = int(t.group(2))
            got = tainted.get(i)
            if got:
                origins.extend(o for o in got if o not in origins)
            elif i < len(names):
                missing.append(names[i])
        if not origins:
            return f"parameter '{missing[0] if missing else '?'}'{through}"
        if has_symbolic(tuple(origins)):
            return symbolic_text(tuple(origins)) + through
        more = f" (and {len(origins) - 1} more)" if len(origins) > 1 else ""
        return f"{origins[0].desc}{more}{through}"

    out = {}
    for k, v in entry.fields:
        out[k] = _GROUP.sub(group, v) if type(v) is str and _OPEN in v else v
    return out


# ------------------------------------------------------------ disk form
_SCALARS = (str, int, float, bool, type(None))


def summary_to_json(summary: FunctionSummary | None) -> dict | None:
    """The JSON form of a summary (None stays None); raises ``TypeError``
    when a message field is not a plain value (such a summary is kept in
    memory only)."""
    if summary is None:
        return None
    entries = []
    for e in summary.entries:
        for _, v in e.fields:
            if type(v) not in _SCALARS:
                raise TypeError(f"field of type {type(v).__name__}")
        entries.append({"code": e.code, "severity": e.severity, "confidence": e.confidence,
                        "fields": [[k, v] for k, v in e.fields],
                        "params": [[[i, kind], list(shapes)] for (i, kind), shapes in e.params],
                        "line": e.line})
    return {"name": summary.name, "params": list(summary.params),
            "positional": summary.positional, "entries": entries}


def summary_from_json(data: dict | None) -> FunctionSummary | None:
    """The summary ``summary_to_json`` wrote (``ValueError`` when malformed)."""
    if data is None:
        return None
    try:
        entries = tuple(
            SinkEntry(str(e["code"]), str(e["severity"]), str(e["confidence"]),
                      tuple((str(k), v) for k, v in e["fields"]),
                      tuple(((int(i), str(kind)), tuple(str(s) for s in shapes))
                            for (i, kind), shapes in e["params"]),
                      int(e["line"]))
            for e in data["entries"])
        return FunctionSummary(str(data["name"]), tuple(str(p) for p in data["params"]),
                               int(data["positional"]), entries)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("malformed summary") from exc
