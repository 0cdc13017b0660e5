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

#: exceptions whose text describes the client's own input, written for the
#: client (a validation error's messages): catching one and answering with
#: its text discloses nothing of the server
CLIENT_INPUT_ERRORS = frozenset({
    "fastapi.exceptions.RequestValidationError", "fastapi.RequestValidationError",
    "pydantic.ValidationError", "pydantic.error_wrappers.ValidationError",
    "pydantic_core.ValidationError", "rest_framework.exceptions.ValidationError",
    "rest_framework.serializers.ValidationError", "django.core.exceptions.ValidationError",
    "django.forms.ValidationError", "marshmallow.ValidationError",
    "marshmallow.exceptions.ValidationError", "wtforms.validators.ValidationError",
})
#: builtin exceptions that the project's own functions raise with a message
#: for the caller (``raise ValueError("unknown plan")``); caught around a call
#: of the project's own code, their text is probably the project's, though a
#: library below it can raise them as well (reported at LOW confidence)
NARROW_BUILTIN_ERRORS = frozenset({"builtins.ValueError"})
#: ``http.HTTPStatus`` members of 4xx statuses (``HTTP_4xx_*`` constants are
#: known by their prefix): a status that says the client's request was wrong
CLIENT_STATUS_NAMES = frozenset({
    "BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE", "CONFLICT", "GONE", "PRECONDITION_FAILED", "REQUEST_ENTITY_TOO_LARGE",
    "UNSUPPORTED_MEDIA_TYPE", "UNPROCESSABLE_ENTITY", "UNPROCESSABLE_CONTENT",
    "TOO_MANY_REQUESTS"})
#: attributes of any exception that lead to another exception or to the
#: stack: never the project's own message
CHAINED_ERROR_ATTRS = frozenset({"__cause__", "__context__", "__traceback__",
                                 "with_traceback", "__notes__"})
#: base-class names that make a class of the analysed file an exception
EXCEPTION_BASE_SUFFIXES = ("Exception", "Error")
