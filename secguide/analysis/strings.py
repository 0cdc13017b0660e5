"""The string domain: building, formatting and constant folding.

A built string keeps its constant pieces as ``text`` with ``HOLE`` where a
non-constant value was pasted in, so rules can tell where values land (a
quoted SQL literal, an HTML attribute).  Folding is bounded: numbers with
small exponents and shifts, strings up to ``MAX_TEXT`` characters.
"""
from __future__ import annotations

import ast
import operator
import re

from secguide.analysis.values import ANYCONST, EMPTY, NUMBER, SAFE_LABELS, Value, const, merge_taint

#: where a non-constant value was pasted into a built string's text
HOLE = "\x01"
#: longest text (and longest folded constant string) kept
MAX_TEXT = 400
#: ``%s``, ``%(name)s``, ``%%``
PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa]|%%")
#: ``{}``, ``{0}``, ``{name!r:>10}``, ``{{``
BRACE_FIELD = re.compile(r"\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")

_NUMERIC_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.LShift: operator.lshift, ast.BitOr: operator.or_, ast.BitAnd: operator.and_,
}


def build(parts: list[Value], how: str, extra_text: str = "", holes: bool = True) -> Value:
    """A string made of ``parts`` (constant pieces and values).

    The result's ``text`` keeps the constant pieces, with ``HOLE`` where a
    non-constant value was pasted in (format strings keep their own
    placeholders), so rules can tell where values land.
    """
    text = [extra_text] if extra_text else []
    taints = []
    labels = EMPTY
    dynamic = False
    raw = False
    built = None
    common = None
    query = False  # (ordered parts) a "?" or "#" came before: a URL's query or fragment
    #: (ordered parts) where a URL stands: 0 before its "://", 1 in its
    #: authority, 2 in the path of a host no untrusted part chose, -1 the
    #: scheme or host can be chosen
    url = 0
    for p in parts:
        t = p.text
        if p.taint and (query or url == 2):
            taints.append(in_url_query(p.taint))
        elif not p.is_const:
            taints.append(p.taint)
        if holes and 0 <= url < 2:
            if p.is_const:
                if url == 0 and "://" in t:
                    url, t_rest = 1, t.split("://", 1)[1]
                else:
                    t_rest = t
                if url == 1 and "/" in t_rest:
                    url = 2
            elif p.taint:
                url = -1  # "https://" + host, f"{scheme}://...": the client picks
        if t:
            text.append(t)
            if holes and not query and ("?" in t or "#" in t):
                query = True
        elif holes and not p.is_const:
            text.append(HOLE)
        if p.is_const:
            continue
        labels |= p.labels
        raw = raw or p.raw
        if p.typ == "int" and not p.taint:
            continue
        dynamic = True
        built = built or p.built
        safe = p.labels & SAFE_LABELS
        common = safe if common is None else common & safe
    joined = "".join(text)[:MAX_TEXT]
    if not taints:
        return Value(cval=ANYCONST, raw=False, typ="str", text=joined)
    labels = (labels - SAFE_LABELS) | (common or EMPTY)
    return Value(taint=merge_taint(*taints), built=(how if dynamic else None) or built,
                 text=joined, raw=raw, labels=labels, typ="str")


#: sinks a value in a URL's query string or fragment, or in the path of a
#: host nobody untrusted chose, cannot steer: where the request goes (SSRF,
#: the host) and where a redirect lands (the site)
URL_QUERY_SAFE = frozenset({"ssrf", "redirect"})


def in_url_query(taint: tuple) -> tuple:
    """Origins pasted after a ``?`` or ``#``, or into the path of a fixed
    host: sanitized for ``URL_QUERY_SAFE``."""
    return tuple(o if URL_QUERY_SAFE <= o.san else o._replace(san=o.san | URL_QUERY_SAFE)
                 for o in taint)


def _url_fields(fmt: str, fields: list, field: "re.Pattern") -> list:
    """``fields`` with those placed after a ``?``/``#`` of ``fmt``
    (``"https://h/s?order={}"``), or in the path of its URL when no
    untrusted field chose the scheme or host
    (``"https://keys.{}.example.com/{}".format(region, kid)``), sanitized
    for ``URL_QUERY_SAFE``."""
    marks = [k for k in (fmt.find("?"), fmt.find("#")) if k >= 0]
    query = min(marks) if marks else -1
    sep = fmt.find("://")
    slash = fmt.find("/", sep + 3) if sep >= 0 else -1
    out = []
    i = 0
    for m in field.finditer(fmt):
        if m.group(0) in ("%%", "{{", "}}"):
            continue
        if i >= len(fields):
            break
        v = fields[i]
        if v.taint:
            start = m.start()
            if 0 <= query < start or 0 <= slash < start:
                v = v.copy(taint=in_url_query(v.taint))
            else:
                slash = -1  # the scheme or the host can be chosen: no fixed path
        out.append(v)
        i += 1
    return out + fields[i:]


def format_string(fmt: Value, args, how: str, field: "re.Pattern") -> Value:
    """``fmt % args`` or ``fmt.format(*args)``: a built string whose text has
    each field replaced by its argument's constant text or by HOLE.  With a
    known format, only the arguments its fields name are pasted in (``{0[k]}``
    is slot ``k`` of argument 0)."""
    values = list(args.values()) if isinstance(args, dict) else list(args)
    known_fmt = fmt.known and isinstance(fmt.cval, str)
    fields = _field_values(fmt.cval, args, field) if known_fmt else None
    if fields and ("?" in fmt.cval or "#" in fmt.cval or "://" in fmt.cval) and \
            any(v.taint for v in fields):
        fields = _url_fields(fmt.cval, fields, field)
    built = build([fmt] + (values if fields is None else fields), how, holes=False)
    if not built.taint and not built.built and built.is_const:
        return built
    if not known_fmt:
        return built.copy(text=field.sub(lambda m: m.group(0) if m.group(0) in ("%%", "{{", "}}")
                                         else HOLE, fmt.text)[:MAX_TEXT])
    pos = [0]

    def fill(m: "re.Match") -> str:
        whole = m.group(0)
        if whole in ("%%", "{{", "}}"):
            return whole[0]
        if fields is not None:
            v = fields[pos[0]]
            pos[0] += 1
        else:
            key = m.group(1)
            if isinstance(args, dict):
                v = args.get(key) if key else args.get(pos[0])
                if key == "" or key is None:
                    pos[0] += 1
                elif key.isdigit():
                    v = args.get(int(key))
            else:
                v = values[pos[0]] if pos[0] < len(values) else None
                pos[0] += 1
        if v is None:
            return HOLE
        if v.is_const or v.typ == "int" and not v.taint:
            return v.text
        return v.text or HOLE

    return built.copy(text=field.sub(fill, fmt.cval)[:MAX_TEXT])


#: a replacement field's argument and its path: ``0[key].attr``
_FIELD_PATH = re.compile(r"([^\[.]*)((?:\[[^\]]*\]|\.\w+)*)$")
_FIELD_STEP = re.compile(r"\[([^\]]*)\]|\.(\w+)")


def _field_values(text: str, args, field: "re.Pattern") -> list | None:
    """The value each field of format ``text`` pastes in, in order, or None
    when one of them cannot be named (then every argument counts)."""
    out = []
    pos = 0
    is_map = isinstance(args, dict)
    n = len(args)
    for m in field.finditer(text):
        whole = m.group(0)
        if whole in ("%%", "{{", "}}"):
            continue
        key = m.group(1)
        path = ""
        if field is BRACE_FIELD:
            pm = _FIELD_PATH.match(key or "")
            if pm is None:
                return None
            key, path = pm.group(1), pm.group(2)
        if not key:
            v = args.get(pos) if is_map else (args[pos] if pos < n else None)
            pos += 1
        elif key.isdigit():
            i = int(key)
            v = args.get(i) if is_map else (args[i] if i < n else None)
        elif is_map:
            v = args.get(key)
        elif n == 1 and args[0].items is not None:  # "%(name)s" % mapping
            v = args[0].items.get(key)
        else:
            v = None
        if v is None:
            return None
        for step in _FIELD_STEP.finditer(path):
            k = step.group(1)
            if k is None or v.items is None:
                break  # an attribute, or slots not known: the whole value
            item = v.items.get(int(k) if k.isdigit() else k)
            if item is None:
                return None
            v = item
        if _numeric(whole, field):
            v = as_number(v)  # "%d", "{:x}", "{:.2f}": only a number renders (else TypeError)
        out.append(v)
    return out


#: ``%`` conversions that render numbers only (a string there raises TypeError)
PERCENT_NUMERIC = frozenset("diouxXeEfFgG")
#: a standard format spec of a numeric type: ``d``, ``,.2f``, ``>08x``
#: (a string there raises ValueError); ``%Y-%m-%d`` and other specs are not
NUMERIC_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?\d*[,_]?(?:\.\d+)?[bdeEfFgGnoxX%]\Z",
                          re.DOTALL)


def _numeric(whole: str, field: "re.Pattern") -> bool:
    """The replacement field ``whole`` renders numbers only: ``%d``,
    ``%05.2f``, ``{0:d}``, ``{:,.2f}``."""
    if field is PERCENT_FIELD:
        return whole[-1] in PERCENT_NUMERIC
    if ":" not in whole or "!" in whole:
        return False
    return numeric_spec(whole[whole.index(":") + 1:-1])


#: ``[^a-z0-9_]+``: a negated character class (its body in group 1)
_NEGATED_CLASS = re.compile(r"\[\^((?:\\.|[^\]\\])+)\][+*]?")
#: the items of a class body that admit only letters, digits, ``_`` and ``-``
_SAFE_CLASS_ITEM = re.compile(r"a-z|A-Z|0-9|\\w|\\d|\\-|_|[a-zA-Z0-9]|-(?=$)")
#: replacement text that is itself safe
_SAFE_REPLACEMENT = re.compile(r"[A-Za-z0-9_\-]*")


def keeps_word_chars(pattern: object, replacement: object) -> bool:
    """``re.sub(pattern, replacement, s)`` leaves only letters, digits, ``_``
    and ``-`` in ``s``: the pattern is one negated class of those (``[^a-z0-9]+``,
    ``[^\\w-]``) and the replacement is made of them."""
    if not (isinstance(pattern, str) and isinstance(replacement, str)):
        return False
    m = _NEGATED_CLASS.fullmatch(pattern)
    if m is None or _SAFE_REPLACEMENT.fullmatch(replacement) is None:
        return False
    body = m.group(1)
    pos = 0
    while pos < len(body):
        item = _SAFE_CLASS_ITEM.match(body, pos)
        if item is None or item.end() == pos:
            return False
        pos = item.end()
    return True


def as_number(v: Value) -> Value:
    """``v`` rendered by a numeric conversion: a clean number that keeps
    what it is (``"%06d" % otp`` is still the OTP, ``"%x" % getrandbits()``
    still random), as ``int()`` would give."""
    return NUMBER.copy(labels=v.labels) if v.labels else NUMBER


def numeric_spec(spec: str) -> bool:
    """A format spec that renders numbers only (``{n:d}``, ``{x:.2f}``)."""
    return NUMERIC_SPEC.match(spec) is not None


def fold(t: type, a, b) -> Value | None:
    """Constant-fold ``a <op> b`` for numbers (bounded); None if not folded."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        if t is ast.Add and type(a) is type(b) and isinstance(a, (str, bytes)) \
                and len(a) + len(b) <= MAX_TEXT:
            return const(a + b)
        return None
    if t is ast.Pow:
        if isinstance(b, int) and 0 <= b <= 128 and abs(a) < 2**16:
            return const(a ** b)
        return None
    if t is ast.LShift and not (isinstance(b, int) and 0 <= b <= 128):
        return None
    fn = _NUMERIC_OPS.get(t)
    if fn is None or (t in (ast.FloorDiv, ast.Mod) and b == 0):
        return None
    try:
        return const(fn(a, b))
    except (ArithmeticError, TypeError, ValueError):
        return None


def join_safe(a: frozenset, b: frozenset) -> frozenset:
    """Labels of a value made of two: "safe" only where both parts are."""
    return ((a | b) - SAFE_LABELS) | (a & b & SAFE_LABELS)
