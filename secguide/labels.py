"""The labels a value can carry: the one list of them, as named constants.

A label is a fact about a value that a rule reads and the analysis sets:
what the value is called or where it came from (a password, an exception's
text), or which sanitizer made it safe for which sink kind.  Rules and the
analysis refer to these constants, never to the raw strings.
"""
from __future__ import annotations

#: named like a password (``vocab`` words plus the ``password-names`` option)
PASSWORD = "password"  # nosec B105
#: named like a secret, token or key (plus the ``secret-names`` option)
SECRET = "secret"  # nosec B105
#: the text of an exception or a traceback
EXCEPTION = "exception"
#: declared safe HTML (``Markup``, ``mark_safe``, ``format_html``)
MARKUP = "markup"
#: the output of a password hash or KDF
HASHED = "hashed"
#: produced by the ``random`` module (not a CSPRNG)
RANDOM = "random"
#: a mapping whose keys the client chose (mass assignment)
UKEYS = "ukeys"
#: the authenticated user (``current_user``, ``request.user``)
PRINCIPAL = "principal"

#: prefix of the "sanitized for <kind>" labels (``safe:sql``, ``safe:html``)
SAFE_PREFIX = "safe:"
#: prefix of the labels that mark a plain function's parameters (``arg0``)
ARG_PREFIX = "arg"
#: helper parameters tracked by position
MAX_ARGS = 16


def safe(kind: str) -> str:
    """The label of values sanitized for sinks of ``kind``."""
    return SAFE_PREFIX + kind


def arg(index: int) -> str:
    """The label of a plain function's parameter number ``index``."""
    return f"{ARG_PREFIX}{index}"


def is_arg(label: str) -> bool:
    """True for a parameter label (``arg0`` .. ``arg15``)."""
    return label.startswith(ARG_PREFIX) and label[len(ARG_PREFIX):].isdigit()


def has_arg(labels: frozenset) -> bool:
    """True when any label marks a plain function's parameter."""
    return any(is_arg(lab) for lab in labels)


def arg_index(label: str) -> int | None:
    """The parameter number of a parameter label (``arg3`` -> 3), else None."""
    return int(label[len(ARG_PREFIX):]) if is_arg(label) else None
