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
#: calls that hash the password they are given (``User.objects.create_user``)
HASHING_CALLS = frozenset({"create_user", "create_superuser", "set_password",
                           "make_password", "generate_password_hash"})
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

# -- password policy (SCG506) ----------------------------------------------------
#: form and serializer validators that bound a field's length
LENGTH_VALIDATORS = frozenset({"Length", "length", "MinLengthValidator",
                               "MaxLengthValidator", "Len"})
#: (minimum, maximum) keyword pairs of field declarations
LENGTH_KEYWORDS = (("min_length", "max_length"), ("min", "max"))

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
