"""Label sets of the analysis, and the labels a value gets from what it is
called (``password``, ``secret``).  The label strings are ``secguide.labels``."""
from __future__ import annotations

import functools

from secguide import labels as L
from secguide.analysis.values import EMPTY
from secguide.vocab import (ITEM_IDENTIFIER_WORDS, LABEL_HINT, LOGGABLE_SECRET_KINDS,
                            is_password_name, secret_kind, words)

PASSWORD = frozenset({L.PASSWORD})
SECRET = frozenset({L.SECRET})
EXCEPTION = frozenset({L.EXCEPTION})
RANDOM = frozenset({L.RANDOM})
MARKUP = frozenset({L.MARKUP})
HASHED = frozenset({L.HASHED})
UKEYS = frozenset({L.UKEYS})
PRINCIPAL = frozenset({L.PRINCIPAL})
#: labels that containers, subscripts and responses carry from their parts
CARRIED = frozenset({L.PASSWORD, L.EXCEPTION, L.SECRET, L.RANDOM})
#: the parameter labels of a plain function (``arg0`` ..), one set each
ARG_LABELS = frozenset(L.arg(i) for i in range(L.MAX_ARGS))
ARG_INDEX = {L.arg(i): i for i in range(L.MAX_ARGS)}
_ARG_SETS = [frozenset({L.arg(i)}) for i in range(L.MAX_ARGS)]


def arg_labels(i: int) -> frozenset:
    """The label set of parameter ``i`` (empty past ``labels.MAX_ARGS``)."""
    return _ARG_SETS[i] if i < L.MAX_ARGS else EMPTY


def name_labels(name: str, extra_pw: tuple, extra_secret: tuple) -> frozenset:
    """The labels of ``name`` (with the user's extra password/secret names)."""
    if not extra_pw and not extra_secret and LABEL_HINT.search(name.lower()) is None:
        return EMPTY
    return name_labels_full(name, extra_pw, extra_secret)


@functools.lru_cache(maxsize=16384)  # pure: names repeat across files
def name_labels_full(name: str, extra_pw: tuple, extra_secret: tuple) -> frozenset:
    """``name_labels`` without the quick pre-filter."""
    lab = PASSWORD if is_password_name(name, extra_pw) else EMPTY
    if secret_kind(name, extra_secret) in LOGGABLE_SECRET_KINDS or lab:
        lab = lab | SECRET
    return lab


#: what an item named like an identifier does not carry from its container
SECRET_OR_PASSWORD = frozenset({L.PASSWORD, L.SECRET})


@functools.lru_cache(maxsize=4096)  # pure: keys repeat across files
def identifier_key(key: str) -> bool:
    """An item key that names who or which (``"username"``, ``"email"``,
    ``"user_id"``): ``credentials.get("username")`` is a user name, not a
    secret, whatever its container is called."""
    ws = words(key)
    return bool(ws) and ws[-1] in ITEM_IDENTIFIER_WORDS
