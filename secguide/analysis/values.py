"""Abstract values of the dataflow.

A ``Value`` says, for one expression at one point of a function, what the
rules need to know: is it a constant (and which), was it built as a string
from non-constant parts (and how), which untrusted sources reach it and
which sanitizers they passed, which names mark it (password, exception),
and, for imported names and known objects, its qualified type name.
Values are immutable and shared freely.
"""
from __future__ import annotations

from typing import NamedTuple

from secguide import labels as L


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:  # pragma: no cover
        return self.name


#: not a constant
NOVAL = _Marker("NOVAL")
#: a constant whose exact value is not tracked
ANYCONST = _Marker("ANYCONST")

EMPTY: frozenset = frozenset()


class Origin(NamedTuple):
    """Where untrusted data entered: a readable description and a line."""

    desc: str
    line: int
    #: "str", "map", "obj", "files", "file", "list"
    shape: str
    #: sink kinds this data has been sanitized for
    san: frozenset = EMPTY
    #: the description may still be refined by the first subscript/.get()
    refinable: bool = True


class SymOrigin(Origin):
    """A parameter of a function being summarised (summary mode only): it
    stands for whatever a caller passes.  Its ``desc`` is a token
    (``analysis.summaries``) that the summary turns back into the caller's
    real origins at each call; it never appears in a reported finding."""

    __slots__ = ()

    def for_kind(self, kind: str) -> "SymOrigin":
        """This origin as it reaches a sink of ``kind`` (the kind goes into
        the token, so the call site checks the argument for that kind)."""
        d = self.desc
        if ":" in d:
            return self
        return self._replace(desc=f"{d[:-1]}:{kind}{d[-1]}")


class Value:
    __slots__ = ("cval", "taint", "built", "text", "raw", "labels", "qual",
                 "items", "typ", "ref")

    def __init__(self, cval=NOVAL, taint: tuple = (), built: str | None = None,
                 text: str = "", raw: bool = True, labels: frozenset = EMPTY,
                 qual: str | None = None, items: dict | None = None,
                 typ: str | None = None, ref: object = None):
        self.cval = cval
        self.taint = taint
        self.built = built
        self.text = text
        self.raw = raw
        self.labels = labels
        self.qual = qual
        self.items = items
        self.typ = typ
        #: for a local function: its deferred analysis entry (see FileContext)
        self.ref = ref

    @property
    def is_const(self) -> bool:
        return self.cval is not NOVAL

    @property
    def known(self) -> bool:
        """A constant whose value is known exactly."""
        return self.cval is not NOVAL and self.cval is not ANYCONST

    def tainted_for(self, kind: str) -> tuple:
        """Origins that reach a sink of ``kind`` unsanitized."""
        if not self.taint:
            return ()
        out = tuple(o for o in self.taint if kind not in o.san)
        for o in out:
            if type(o) is SymOrigin:  # summary mode: say which kind it reaches
                return tuple(x.for_kind(kind) if type(x) is SymOrigin else x for x in out)
        return out

    def with_labels(self, labels: frozenset) -> "Value":
        if not labels or labels <= self.labels:
            return self
        return self.copy(labels=self.labels | labels)

    def copy(self, **changes) -> "Value":
        v = Value(self.cval, self.taint, self.built, self.text, self.raw,
                  self.labels, self.qual, self.items, self.typ, self.ref)
        for k, val in changes.items():
            setattr(v, k, val)
        return v

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        parts = []
        if self.cval is not NOVAL:
            parts.append(f"const={self.cval!r}")
        if self.taint:
            parts.append(f"taint={[o.desc for o in self.taint]}")
        if self.built:
            parts.append(f"built={self.built}")
        if self.labels:
            parts.append(f"labels={set(self.labels)}")
        if self.qual:
            parts.append(f"qual={self.qual}")
        if self.typ:
            parts.append(f"typ={self.typ}")
        if self.items is not None:
            parts.append(f"items={list(self.items)}")
        return "Value(" + ", ".join(parts) + ")"


UNKNOWN = Value()
#: a clean number or boolean (e.g. the result of int(), len(), a comparison)
NUMBER = Value(raw=False, typ="int")


def const(value) -> Value:
    if isinstance(value, str):
        return Value(cval=value, text=value, raw=False, typ="str")
    if isinstance(value, bytes):
        return Value(cval=value, text=value.decode("latin-1"), raw=False, typ="str")
    if isinstance(value, (bool, int, float, complex)):
        return Value(cval=value, raw=False, typ="int")
    return Value(cval=value, raw=False)


def merge_taint(*taints: tuple) -> tuple:
    out: list = []
    for t in taints:
        for o in t:
            if o not in out:
                out.append(o)
    return tuple(out)


def join(a: Value, b: Value) -> Value:
    """The value of a variable that is ``a`` on one path and ``b`` on another."""
    if a is b:
        return a
    if a.cval is NOVAL or b.cval is NOVAL:
        cval = NOVAL
    elif a.cval is ANYCONST or b.cval is ANYCONST:
        cval = ANYCONST
    else:
        try:
            same = type(a.cval) is type(b.cval) and a.cval == b.cval
        except Exception:  # pragma: no cover - exotic constants
            same = False
        cval = a.cval if same else ANYCONST
    items = None
    if a.items is not None and b.items is not None and a.items.keys() == b.items.keys():
        items = {k: join(a.items[k], b.items[k]) for k in a.items}
    text = a.text if a.text == b.text else (a.text + "\n" + b.text)[:400]
    return Value(
        cval=cval,
        taint=merge_taint(a.taint, b.taint),
        built=a.built or b.built,
        text=text,
        raw=a.raw or b.raw,
        labels=_join_labels(a.labels, b.labels),
        qual=a.qual or b.qual,
        items=items,
        typ=a.typ if a.typ == b.typ else None,
        ref=a.ref if a.ref is b.ref else None,
    )


SANITIZER_KINDS = ("sql", "shell", "html", "path", "redirect", "mongo", "ssrf",
                   "deserialize", "template")
#: ``safe:<kind>``: a value (or every pasted part of a built string) went
#: through a sanitizer for that kind of sink
SAFE = {k: frozenset({L.safe(k)}) for k in SANITIZER_KINDS}
SAFE_LABELS = frozenset(L.safe(k) for k in SANITIZER_KINDS)


def _join_labels(a: frozenset, b: frozenset) -> frozenset:
    """Union of labels, except that "safe" must hold on both paths."""
    if a == b:
        return a
    out = a | b
    if out & SAFE_LABELS:
        out = (out - SAFE_LABELS) | (a & b & SAFE_LABELS)
    return out


def sanitize(v: Value, kind: str) -> Value:
    """``v`` after a sanitizer for ``kind``."""
    taint = tuple(o._replace(san=o.san | {kind}) for o in v.taint)
    labels = v.labels | SAFE.get(kind, EMPTY)
    if kind == "html":
        return v.copy(taint=taint, raw=False, labels=labels)
    return v.copy(taint=taint, labels=labels)
