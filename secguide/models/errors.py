"""Exceptions: which of their attributes hold internal text.

The text Python and drivers put in an exception (args, message, strerror,
SQL statement, subprocess output) is internal; other attributes are the
exception class's own design (werkzeug's description, DRF's detail, an
OAuth error's json, a response carried by an exception) and are not.
"""
from __future__ import annotations

INTERNAL_ERROR_ATTRS = frozenset({
    "args", "message", "msg", "strerror", "filename", "filename2", "errno",
    "orig", "statement", "params", "pgerror", "diag", "sqlstate",
    "stderr", "stdout", "output", "cmd", "returncode", "text", "lineno", "offset",
    "reason", "object", "start", "end", "path", "request", "url",
    "__traceback__", "__cause__", "__context__", "__notes__", "with_traceback",
})
#: an error handler's parameter annotated with a class named like this is
#: the exception
ERROR_CLASS_SUFFIXES = ("Exception", "Error")
