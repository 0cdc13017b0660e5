"""Authentication: the framework names the auth rules match (rate limits,
CSRF checks, comparisons of secrets, random secrets, password policy)."""
import re

# -- rate limits (SCG904) ----------------------------------------------------
#: keyword arguments of a limiter constructor that limit every route
GLOBAL_LIMIT_KEYWORDS = frozenset({"default_limits", "application_limits"})
#: middleware classes that rate-limit every route
GLOBAL_LIMIT_MIDDLEWARE = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware"})
#: class attributes of a class-based view that throttle it
THROTTLE_ATTRIBUTES = frozenset({"throttle_classes", "ratelimit"})
#: path parameters (``<int:id>``, ``{id}``) dropped before the path's words are read
PATH_PARAMETER = re.compile(r"<[^>]*>|\{[^}]*\}")

# -- password hashing (SCG601-SCG604) -------------------------------------------
#: ``hashlib.new(name)`` names of slow password hashes (not a fast hash)
SLOW_HASH_NAMES = frozenset({"bcrypt", "scrypt", "argon2"})
