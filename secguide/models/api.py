"""APIs: CORS (SCG901)."""

#: ``allow_origin_regex`` values that match every origin
ANY_ORIGIN_PATTERNS = frozenset({".*", "^.*$", ".+"})
#: Starlette's middleware wrapper: ``Middleware(CORSMiddleware, ...)``
STARLETTE_MIDDLEWARE = "starlette.middleware.Middleware"
