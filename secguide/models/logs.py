"""Logs and error responses: where exception text and secrets leak (SCG801,
SCG802)."""

#: logger methods that write their arguments
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical",
                         "exception", "log", "fatal", "msg"})
#: keyword arguments of logging calls and ``print`` that are not logged data
LOG_CONTROL_KEYWORDS = frozenset({"exc_info", "extra", "stack_info", "file"})
#: HTTP exceptions whose arguments reach the client
HTTP_ERRORS = frozenset({"HTTPException", "HTTPError", "APIException", "ValidationError",
                         "Http404", "BadRequest", "NotFound"})
#: the keyword arguments of those exceptions that carry the text
HTTP_ERROR_TEXT_KEYWORDS = frozenset({"detail", "description", "message"})
#: ``abort()`` by qualified name (None: an ``abort`` not resolved)
ABORT_CALLS = frozenset({"flask.abort", "werkzeug.exceptions.abort", None})
