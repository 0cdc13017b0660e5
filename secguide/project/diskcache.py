"""The on-disk cache shared by facts and summaries: JSON records named by a
content hash, written atomically (a temporary file in the same folder, then
``os.replace``), so parallel workers (``flake8 -j``, Bandit's processes)
can share the folder: a reader sees a whole record or none.

Keys include a fingerprint of secguide's own code (the size and
modification time of its modules): records written by another
version of the rules are never read.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile

_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """A hash of secguide's modules' names, sizes and times (once per
    process): a new version or an edited rule changes it."""
    if not _FINGERPRINT:
        h = hashlib.sha256()
        pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        for dp, dn, fn in os.walk(pkg):
            dn[:] = sorted(d for d in dn if d != "__pycache__")
            for f in sorted(fn):
                if f.endswith((".py", ".yaml")):
                    p = os.path.join(dp, f)
                    try:
                        st = os.stat(p)
                    except OSError:
                        continue
                    h.update(f"{os.path.relpath(p, pkg)}\0{st.st_size}\0{st.st_mtime_ns}\0"
                             .encode("utf-8", "surrogateescape"))
        _FINGERPRINT.append(h.hexdigest()[:16])
    return _FINGERPRINT[0]


def digest(*parts: bytes | str) -> str:
    """The hash naming a record: of the code fingerprint and ``parts``."""
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        h.update(b"\0")
        h.update(part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part)
    return h.hexdigest()


def record_path(disk_dir: str, key: str) -> str:
    return os.path.join(disk_dir, key[:2], key + ".json")


def read_record(disk_dir: str, key: str):
    """The JSON record stored under ``key``, or None (missing, unreadable)."""
    try:
        with open(record_path(disk_dir, key), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def write_record(disk_dir: str, key: str, data) -> None:
    """Store ``data`` under ``key`` atomically; any failure leaves no record."""
    path = record_path(disk_dir, key)
    tmp = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True)
        os.replace(tmp, path)
        tmp = None
    except (OSError, TypeError, ValueError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
