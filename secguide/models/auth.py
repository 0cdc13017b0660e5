"""Authentication: the framework names the auth rules match (rate limits,
CSRF checks, comparisons of secrets, random secrets, password policy)."""
import re

# -- rate limits (SCG904) ----------------------------------------------------
#: keyword arguments of a limiter constructor that limit every route
GLOBAL_LIMIT_KEYWORDS = frozenset({"default_limits", "application_limits"})
#: middleware classes that rate-limit every route
GLOBAL_LIMIT_MIDDLEWARE = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware",
                                     "RateLimitMiddleware"})  # slowapi, asgi-ratelimit
#: class attributes of a class-based view that throttle it
THROTTLE_ATTRIBUTES = frozenset({"throttle_classes", "ratelimit"})
#: path parameters (``<int:id>``, ``{id}``) dropped before the path's words are read
PATH_PARAMETER = re.compile(r"<[^>]*>|\{[^}]*\}")

# -- password hashing (SCG601-SCG604) -------------------------------------------
#: ``hashlib.new(name)`` names of slow password hashes (not a fast hash)
SLOW_HASH_NAMES = frozenset({"bcrypt", "scrypt", "argon2"})
#: calls that hash the password they are given (``User.objects.create_user``)
HASHING_CALLS = frozenset({"create_user", "create_superuser", "set_password",
                           "make_password", "generate_password_hash"})
#: third-party packages whose classes take a password to log in to another
#: system (a database, broker, mail or directory server): a password given to
#: them is an outbound credential, not a stored user password (SCG604)
OUTBOUND_CLIENT_PACKAGES = frozenset({
    "sqlalchemy", "psycopg2", "psycopg", "asyncpg", "pymysql", "MySQLdb", "aiomysql",
    "mysql", "cx_Oracle", "oracledb", "pyodbc", "pymssql", "redis", "aioredis",
    "dramatiq", "celery", "kombu", "pika", "aio_pika", "pymongo", "motor", "smtplib",
    "aiosmtplib", "emails", "ftplib", "imaplib", "poplib", "paramiko", "fabric",
    "ldap3", "ldap", "requests", "httpx", "aiohttp", "urllib3", "boto3", "botocore",
    "elasticsearch", "opensearchpy", "pysnmp", "netmiko", "napalm", "hvac", "kafka",
    "aiokafka", "nats", "influxdb_client", "clickhouse_driver", "cassandra",
})
#: functions that write their first argument to a file
FILE_DUMPS = frozenset({"json.dump", "yaml.dump", "yaml.safe_dump", "pickle.dump"})
#: methods of a file or path that write their first argument
FILE_WRITE_METHODS = frozenset({"write", "writelines", "write_text"})
#: the types of file and path objects those methods are looked up on
FILE_TYPES = frozenset({"io.File", "pathlib.Path"})

# -- comparing secrets (SCG504) ----------------------------------------------------
#: ``str`` methods that fold case (a keyword match, not a secret check)
CASE_FOLDS = frozenset({"upper", "lower", "casefold"})
#: methods whose result is a digest (``hmac.new(...).hexdigest()``)
DIGEST_METHODS = frozenset({"hexdigest", "digest"})
#: base classes whose members are named constants (``enum``, Django's choices)
ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "TextChoices",
                        "IntegerChoices", "Choices"})
#: methods that compare two objects field by field
EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "__hash__", "__lt__"})
#: calls whose positional arguments are SQL expressions: ``Model.token == token``
#: in ``select(...).where(...)``, ``query.filter(...)``, ``and_(...)`` builds a
#: query (SQLAlchemy, Peewee); nothing is compared in Python
SQL_EXPRESSION_CALLS = frozenset({"where", "filter", "having", "join", "outerjoin", "on",
                                  "exclude", "and_", "or_", "not_", "case"})
#: calls whose result is a payload whose signature was just checked: the
#: client cannot choose what comes out (only replay what the server signed)
VERIFIED_CALLS = frozenset({"django.core.signing.loads", "itsdangerous.loads"})
#: methods that return the payload after checking its signature, whatever
#: the receiver (the Signer API of Django and itsdangerous)
VERIFIED_METHODS = frozenset({"unsign", "unsign_object"})
#: methods of a signer or serializer object that check the signature
SIGNER_LOADS = frozenset({"loads", "unsign", "unsign_object"})
#: modules whose classes sign and verify (``TimestampSigner``, ``URLSafeTimedSerializer``)
SIGNER_MODULES = ("django.core.signing.", "itsdangerous.")
#: the session store: what the server keeps between requests (``session["otp"]``)
SESSION_OBJECTS = frozenset({"flask.session", "quart.session"})
#: the session attribute of a request (Django ``request.session``)
REQUEST_SESSION_ATTRS = frozenset({"session"})
#: the application's configuration: set by the operator, never by the client
#: (``current_app.config["SECRET_KEY"]``, ``settings.API_TOKEN``, ``os.environ[...]``)
CONFIG_OBJECTS = frozenset({"flask.current_app.config", "flask.current_app",
                            "django.conf.settings", "os.environ", "os.getenv"})
#: what the operator types at the terminal running the program (a CLI's
#: prompts; ``input()`` resolves to ``builtins.input``): no remote client
#: chooses it, nor can one time a comparison of it (``web.OPERATOR_SOURCES``
#: is the same idea for the sinks a script's command line may reach)
TERMINAL_INPUTS = frozenset({"getpass.getpass", "builtins.input", "click.prompt",
                             "typer.prompt", "rich.prompt.Prompt.ask"})
#: attributes of an ORM model class that start a database lookup
#: (``User.objects.get(...)``, ``User.query.filter_by(...).first()``): what
#: comes back is a stored record
ORM_MANAGERS = frozenset({"objects", "query"})
#: calls that return a stored record
RECORD_LOOKUPS = frozenset({"django.shortcuts.get_object_or_404",
                            "django.shortcuts.get_list_or_404"})
#: decorators of a validator of one form field (``@field_validator("password_confirm")``)
FIELD_VALIDATORS = frozenset({"field_validator", "validator", "validates"})

# -- CSRF (SCG503) ------------------------------------------------------------------
#: calls whose names say they run a CSRF check (``_enforce_csrf``, ``check_csrf``)
CSRF_CHECK = re.compile(r"(?i)^_?(enforce|check|verify|validate)_?csrf")
#: the Django method that runs the CSRF middleware's check by hand
CSRF_PROCESS_VIEW = "process_view"
#: methods the CSRF check never runs on (an exemption of them changes nothing)
CSRF_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: the Django settings that list the middleware, and the middleware that checks CSRF
DJANGO_MIDDLEWARE_SETTINGS = frozenset({"MIDDLEWARE", "MIDDLEWARE_CLASSES"})
DJANGO_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
#: middleware whose presence shows a full list of a web project with logins
#: (a list without them may be an API's or a partial one)
DJANGO_SESSION_MIDDLEWARE = ("SessionMiddleware", "AuthenticationMiddleware")
#: list methods that change a settings list after it is written
LIST_CHANGERS = frozenset({"append", "insert", "extend"})
#: decorators that make a view answer GET (and HEAD) only
GET_ONLY_DECORATORS = frozenset({"require_GET", "require_safe"})
#: route decorators whose default methods are GET only (Flask ``@app.route``)
GET_DEFAULT_ROUTES = frozenset({"route"})
#: calls that change stored state, by last name: what they do.  ``delete``
#: counts without arguments (a record or query set) or on a database session
#: (``db.session.delete(obj)``); ``update`` on a query set only
STATE_CHANGES = {"delete": "deletes a record", "set_password": "changes a password",  # nosec B105
                 "update": "updates records"}
#: query-set builders: ``Model.objects.filter(...).update(...)``
QUERYSET_METHODS = frozenset({"filter", "filter_by", "exclude", "all", "where"})
#: SQL statements that write (``cur.execute("DELETE FROM ...")``)
SQL_WRITES = ("DELETE ", "UPDATE ", "INSERT ", "DROP ")

# -- password policy (SCG506) ----------------------------------------------------
#: form and serializer validators that bound a field's length
LENGTH_VALIDATORS = frozenset({"Length", "length", "MinLengthValidator",
                               "MaxLengthValidator", "Len"})
#: (minimum, maximum) keyword pairs of field declarations
LENGTH_KEYWORDS = (("min_length", "max_length"), ("min", "max"))
#: the Django setting that lists the password validators, and its length validator
DJANGO_VALIDATORS_SETTING = "AUTH_PASSWORD_VALIDATORS"
DJANGO_LENGTH_VALIDATOR = "MinimumLengthValidator"
#: a framework's own default settings (Django's ``global_settings.py``): the
#: defaults a project overrides, not the project's configuration
FRAMEWORK_DEFAULT_SETTINGS = frozenset({"global_settings.py"})

# -- work factors (SCG603) -------------------------------------------------------
#: calls whose cost parameters SCG603 checks (and passlib's ``using``/``hash``)
WORK_FACTOR_CALLS = frozenset({
    "bcrypt.gensalt", "hashlib.pbkdf2_hmac", "hashlib.scrypt",
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC",
    "cryptography.hazmat.primitives.kdf.scrypt.Scrypt",
    "Crypto.Protocol.KDF.PBKDF2", "Cryptodome.Protocol.KDF.PBKDF2",
    "argon2.PasswordHasher", "argon2.low_level.hash_secret", "argon2.low_level.hash_secret_raw",
    "werkzeug.security.generate_password_hash", "passlib.context.CryptContext",
    "using", "hash", "encrypt",
})
#: passlib methods that take per-call settings (``bcrypt.using(rounds=4)``)
PASSLIB_METHODS = frozenset({"using", "hash", "encrypt"})
#: ``CryptContext(<scheme>__<param>=...)`` cost parameters
PASSLIB_CONTEXT_PARAMS = frozenset({"rounds", "default_rounds", "min_rounds", "time_cost",
                                    "memory_cost"})
#: cost keywords of passlib's ``using``/``hash``
PASSLIB_COST_KEYWORDS = ("rounds", "time_cost", "memory_cost")
#: argon2-cffi calls with (time_cost, memory_cost) parameters
ARGON2_CALLS = frozenset({"argon2.PasswordHasher", "argon2.low_level.hash_secret",
                          "argon2.low_level.hash_secret_raw"})

# -- how a view authenticates (analysis.auth_mode; SCG503, SCG904) ---------------
#: attributes of the request object that are the cookie session or its user
SESSION_REQUEST_ATTRS = frozenset({"user", "session", "COOKIES", "cookies"})
#: names (qualified) that are the cookie session or the user it carries
SESSION_NAMES = frozenset({
    "flask.session", "flask.g.user", "flask_login.current_user", "quart.session",
    "quart.g.user", "flask_security.current_user", "quart_auth.current_user",
})
#: calls (qualified) that log the cookie session in or out
SESSION_CALLS = frozenset({
    "django.contrib.auth.login", "django.contrib.auth.logout",
    "django.contrib.auth.update_session_auth_hash", "django.contrib.auth.get_user",
    "flask_login.login_user", "flask_login.logout_user",
})
#: decorators (last name) that require a logged-in user
SESSION_DECORATORS = frozenset({
    "login_required", "fresh_login_required", "staff_member_required",
    "permission_required", "user_passes_test", "superuser_required",
    "roles_required", "roles_accepted", "auth_required",
})
#: bases of a class-based view that require a logged-in user
SESSION_VIEW_BASES = frozenset({"LoginRequiredMixin", "PermissionRequiredMixin",
                                "UserPassesTestMixin", "AccessMixin"})
#: decorators (last name) that authenticate a request by token, key or signature
TOKEN_DECORATORS = frozenset({
    "token_required", "jwt_required", "api_key_required", "require_api_key",
    "apikey_required", "signature_required", "verify_signature", "auth_token_required",
    "http_auth_required", "jwt_refresh_token_required", "verify_jwt_in_request",
})
#: headers (lower case, ``-`` for ``_``, no ``HTTP_`` prefix) that carry a
#: token, an API key or a signature
TOKEN_HEADERS = frozenset({
    "authorization", "x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token",
    "x-hub-signature", "x-hub-signature-256", "x-signature", "x-token", "stripe-signature",
    "x-telegram-bot-api-secret-token", "x-gitlab-token", "x-slack-signature",
    "x-twilio-signature",
})
#: methods (last name) that verify a signature or unsign a signed value
SIGNATURE_METHODS = frozenset({
    "unsign", "unsign_object", "compare_digest", "verify_signature", "check_signature",
    "validate_signature", "construct_event", "verify_webhook",
})
#: name prefixes of project helpers that unsign a value (``unsign_bounce_id``)
SIGNATURE_PREFIXES = ("unsign", "verify_sig", "check_sig")
#: dotted calls that load a signed value (``signing.loads(token)``)
SIGNED_LOADS = frozenset({"signing.loads", "django.core.signing.loads"})
#: words of a URL parameter that make it a capability (a secret in the link)
CAPABILITY_WORDS = frozenset({"key", "token", "secret", "signed", "signature", "sig",
                              "hash", "nonce", "uuid"})
#: annotations and converters of a URL parameter that make it unguessable
CAPABILITY_TYPES = frozenset({"UUID", "uuid", "UUID4", "UUID1", "uuid.UUID", "pydantic.UUID4"})
#: calls that look a record up by its fields (a capability is matched there)
LOOKUP_CALLS = frozenset({
    "get", "filter", "get_object_or_404", "get_list_or_404", "filter_by", "get_or_404",
    "first_or_404", "one_or_none", "get_or_none", "find_one", "for_api_key",
})
#: attributes/methods of the request that are its raw body (a callback reads it)
RAW_BODY_ATTRS = frozenset({"body", "data", "stream", "get_data"})
#: calls (last name) that take the request object and authenticate nothing
REQUEST_NEUTRAL_CALLS = frozenset({
    "render", "render_to_response", "render_to_string", "redirect", "TemplateResponse",
    "SimpleTemplateResponse", "JsonResponse", "HttpResponse", "HttpResponseRedirect",
    "HttpResponseBadRequest", "HttpResponseForbidden", "HttpResponseNotFound",
    "get_template", "success", "error", "info", "warning", "debug", "add_message",
    "get_messages", "resolve_url", "get_current_site", "url_has_allowed_host_and_scheme",
    "url_for", "get_token", "rotate_token", "dispatch", "build_absolute_uri", "get_host",
    "isinstance", "getattr", "hasattr", "len", "str", "repr", "print", "setattr",
})
#: FastAPI dependencies (``Depends(x)``, router ``dependencies=[...]``) whose
#: name says they give or require the authenticated principal
PRINCIPAL_DEPENDENCY = re.compile(
    r"(?i)^(get_)?(current_\w*(user|account|member|principal)\w*|is_authenticated\w*|"
    r"authenticated_\w+|require_\w*(user|auth|login|admin)\w*|\w*_from_session\w*|"
    r"get_\w*user_from_\w+|get_verified_\w*user\w*)$")
#: controller attributes that are the authenticated principal (``self.user``)
PRINCIPAL_SELF_ATTRS = frozenset({"user", "current_user"})

# -- token minting (SCG904) -------------------------------------------------------
#: verbs of a route name that mint, hand out or revoke a token
TOKEN_MINT_VERBS = frozenset({"create", "generate", "issue", "new", "mint", "revoke",
                              "delete", "get", "regenerate", "rotate", "remove"})
#: objects of such a route name
TOKEN_OBJECTS = frozenset({"token", "tokens", "key", "keys", "apikey"})
#: parameter words that carry a guessable credential (a brute-force target)
CREDENTIAL_PARAM_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "otp",
                                    "totp", "code", "pin", "passcode", "credentials",
                                    "form"})
#: a call that checks a guessed credential: a name with one of these verbs and
#: a credential word (``user.verify_password``, ``check_otp``), or one of
#: ``CREDENTIAL_CHECK_CALLS`` (``bcrypt.checkpw``, passlib/pyotp ``verify``)
CREDENTIAL_CHECK_VERBS = frozenset({"verify", "check", "authenticate", "compare", "match",
                                    "matches"})
CREDENTIAL_CHECK_CALLS = frozenset({"verify", "authenticate", "checkpw", "check_password_hash",
                                    "compare_digest", "verify_and_update"})
#: words that name a guessable credential in a checked call or comparison
CREDENTIAL_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "otp", "totp", "code",
                              "pin", "passcode", "credentials", "token", "tokens", "key"})
