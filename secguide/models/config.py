"""Configuration models: settings names, cookie flags, CORS, JWT, secrets
formats, rate limiters and privileged accounts (issue-4 rules)."""

import re

from secguide.models import servers

#: PyJWT and python-jose decode functions
JWT_DECODE = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode",
                        "jwt.PyJWT.decode"})
JWT_PYJWT = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT.decode"})
#: calls whose key argument signs or verifies: name -> (position, keyword)
SIGNING_KEY_ARGS = {
    "jwt.encode": (1, "key"), "jwt.decode": (1, "key"), "jose.jwt.encode": (1, "key"),
    "jose.jwt.decode": (1, "key"), "hmac.new": (0, "key"), "hmac.digest": (0, "key"),
    "itsdangerous.URLSafeTimedSerializer": (0, "secret_key"),
    "itsdangerous.URLSafeSerializer": (0, "secret_key"),
    "itsdangerous.TimedSerializer": (0, "secret_key"),
    "itsdangerous.Serializer": (0, "secret_key"), "itsdangerous.Signer": (0, "secret_key"),
    "itsdangerous.TimestampSigner": (0, "secret_key"),
    "cryptography.fernet.Fernet": (0, "key"),
    "flask_jwt_extended.create_access_token": (None, "secret"),
}

#: Flask/Django cookie settings that must stay True, and SAMESITE
COOKIE_FLAG_SETTINGS = frozenset({
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY", "JWT_COOKIE_SECURE",
})
SAMESITE_SETTINGS = frozenset({"SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE"})
#: words of cookie names that carry a session or credential
SENSITIVE_COOKIE_WORDS = frozenset({
    "session", "sess", "sid", "sessionid", "auth", "token", "jwt", "access", "refresh",
    "remember", "login", "credential", "credentials", "csrf", "xsrf", "apikey", "bearer",
    "identity", "csrftoken", "authtoken",
})

CSRF_SETTINGS = frozenset({"WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT", "CSRF_ENABLED"})

#: framework secret settings (SCG701)
SECRET_SETTINGS = frozenset({
    "SECRET_KEY", "JWT_SECRET_KEY", "SECURITY_PASSWORD_SALT", "WTF_CSRF_SECRET_KEY",
    "SESSION_SECRET", "JWT_PRIVATE_KEY", "SECRET", "SIGNING_KEY", "FERNET_KEY",
    "SECRET_KEY_FALLBACKS",
})
#: well-known token formats (SCG701): name -> pattern
TOKEN_FORMATS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|AKPA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
    "GitLab token": re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Slack webhook": re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
    "Stripe key": re.compile(r"\b[sr]k_(live|test)_[0-9A-Za-z]{16,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"),
    "private key": re.compile(r"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----"),
}
#: cheap substrings, one of which every token format contains
TOKEN_MARKERS = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "AKPA",
                 "gh", "glpat-", "xox", "hooks.slack.com", "k_live_", "k_test_", "AIza",
                 "PRIVATE KEY")
#: one search for all of ``TOKEN_MARKERS``
TOKEN_MARKER = re.compile("|".join(re.escape(m) for m in TOKEN_MARKERS))
#: scheme://user:password@host
URL_CREDENTIALS = re.compile(
    r"^\s*([a-zA-Z][\w+.\-]*)://([^/\s:@]*):([^/\s@]+)@(\[[^\]/\s]*\]|[^\s/:?#]+)")
#: hosts of a development default account (``guest:guest@localhost``)
DEV_ACCOUNT_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
#: values that are placeholders, not secrets
PLACEHOLDER = re.compile(
    r"(?i)^(|\s+|x+|\*+|\.+|-+|_+|<[^>]*>|\$\{?\w+\}?|\{\{?[\w.\s]*\}?\}|%\(?\w*\)?s|"
    r"none|null|nil|todo|tbd|fixme|placeholder|dummy|example|sample|redacted|"
    r"your[-_ ]?\w*|changeme[-_]?later|\w*_here|password|passwd|pass|secret|"
    r"token|key|api[-_]?key|xxx\w*|true|false|yes|no|on|off|enabled|disabled|\d|"
    # HTTP authentication schemes: token *types*, not tokens
    r"bearer|basic|digest|mac|hmac|negotiate|jwt|oauth|dpop)$")
#: words that mark a literal as a placeholder wherever they stand in an
#: all-letters value (``"DummyKey"``, ``"fake-api-token"``, ``"example_secret"``)
PLACEHOLDER_WORDS = frozenset({"dummy", "fake", "placeholder", "example", "sample", "changeme",
                               "replaceme", "notreal", "unset", "notset", "undefined", "todo",
                               "fixme", "tbd", "redacted"})
#: the words of an all-letters value: CamelCase, snake_case, kebab-case, spaces
LETTER_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
#: secret kinds whose literal assignments are findings
LITERAL_SECRET_KINDS = frozenset({"key", "secret", "api key", "token", "password"})

#: settings whose True value enables debugging (SCG703)
DEBUG_CALLS = {
    "fastapi.FastAPI": "debug", "starlette.applications.Starlette": "debug",
    "starlette.Starlette": "debug",
    **servers.DEBUG_CALLS,
}
DEBUGGED_APPLICATION = frozenset({"werkzeug.debug.DebuggedApplication",
                                  "werkzeug.DebuggedApplication"})

#: CORS
FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin"})
CORS_MIDDLEWARE = frozenset({"starlette.middleware.cors.CORSMiddleware",
                             "fastapi.middleware.cors.CORSMiddleware"})
DJANGO_CORS_ALL = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})
#: the django-cors-headers setting that sends cookies and auth headers cross-origin
DJANGO_CORS_CREDENTIALS = "CORS_ALLOW_CREDENTIALS"

#: hosts that may be reached over plain http
LOCAL_HOSTS = re.compile(
    r"(?i)^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0|[\w.\-]+\.local|"
    r"[\w.\-]+\.localhost|host\.docker\.internal|"
    # cloud instance metadata: link-local, served over plain http only
    r"169\.254(\.\d{1,3}){2}|metadata|metadata\.google\.internal)$")

#: rate limiting (SCG904)
RATE_LIMIT_DECORATORS = re.compile(
    r"(?i)^(limit|limits|shared_limit|ratelimit|rate_limit|rate_limited|throttle|"
    r"throttle_classes|limiter|ratelimited|rate_limiter|limit_requests|"
    r"brute_force_protection|axes_dispatch)$")
GLOBAL_LIMITERS = frozenset({"flask_limiter.Limiter", "slowapi.Limiter",
                             "flask_limiter.extension.Limiter"})
#: words of a route's name or path that make it an authentication endpoint
AUTH_ENDPOINT_WORDS = frozenset({
    "login", "signin", "logon", "auth", "authenticate", "token", "tokens", "password",
    "passwords", "passwd", "otp", "totp", "mfa", "2fa", "twofactor", "jwt",
})
#: pairs of words that do too (``sign_in``, ``reset_password`` is covered above)
AUTH_ENDPOINT_PAIRS = (("sign", "in"), ("log", "in"), ("two", "factor"), ("verify", "code"),
                       ("forgot", "pass"), ("reset", "pass"))

#: privileged accounts (SCG906)
PRIVILEGED_USERS = frozenset({"root", "postgres", "sa", "admin", "administrator", "sys",
                              "system", "dba", "mysql"})
DB_SCHEMES = re.compile(r"(?i)^(postgres(ql)?|mysql|mariadb|mssql|sqlserver|oracle|mongodb"
                        r"(\+srv)?|redshift|cockroachdb|db2|snowflake|clickhouse)"
                        r"(\+\w+)?$")
DB_CONNECT_CALLS = frozenset({
    "psycopg2.connect", "psycopg.connect", "pymysql.connect", "MySQLdb.connect",
    "mysql.connector.connect", "asyncpg.connect", "asyncpg.create_pool", "pymssql.connect",
    "pyodbc.connect", "cx_Oracle.connect", "oracledb.connect", "aiomysql.connect",
    "aiopg.connect", "pymongo.MongoClient", "motor.motor_asyncio.AsyncIOMotorClient",
})
SETUID_CALLS = frozenset({"os.setuid", "os.setgid", "os.seteuid", "os.setegid",
                          "os.setreuid", "os.setregid", "os.setresuid", "os.setresgid"})
