"""Shared vocabulary of names: what a value is called says what it holds.

One tested place decides whether a name is a password, an object
identifier, or a reference to the current user, so that every rule agrees.
"""
from __future__ import annotations

import functools
import re

_SPLIT = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "passwort",
                            "pword", "pw", "pass"})
#: a trailing word that makes a password-ish name mean something else
NOT_PASSWORD_TAILS = frozenset({
    "hash", "hashed", "digest", "field", "fields", "label", "length", "len",
    "min", "max", "policy", "reset", "url", "file", "path", "prompt", "hint",
    "help", "header", "validator", "validators", "form", "input", "name",
    "names", "id", "type", "required", "changed", "expired", "expires",
    "expiry", "age", "count", "attempts", "error", "errors", "message", "msg",
    "template", "widget", "regex", "pattern", "rules", "strength", "score",
    "mask", "masked", "enc", "encrypted", "hasher", "hashers", "salt", "key",
    "token", "link", "page", "view", "manager", "set", "confirmation_sent",
    "salted", "check", "valid", "ok", "match", "matches", "entropy", "column",
    "col", "param", "option", "options", "env", "var", "history", "context", "ctx",
    "crypt", "crypto", "handler", "service", "util", "utils", "helper", "helpers",
    "checker", "generator", "module", "lib", "config", "settings",
})
#: a leading word that makes the name about something other than the password
NOT_PASSWORD_HEADS = frozenset({"check", "verify", "validate", "is", "has",
                                "hash", "hashed", "encrypted", "num", "n",
                                "min", "max", "len", "reset", "forgot"})


def words(name: str) -> list[str]:
    """``newPassword_hash`` -> ["new", "password", "hash"]."""
    return [w.lower() for w in _SPLIT.findall(name)]


def is_password_name(name: str, extra: tuple[str, ...] = ()) -> bool:
    """Does a variable/attribute/field named ``name`` hold a raw password?"""
    if not name:
        return False
    if not extra:
        low = name.lower()
        if "pass" not in low and "pw" not in low:
            return False  # every word of PASSWORD_WORDS contains one of these
    return _is_password_name(name, extra)


@functools.lru_cache(maxsize=8192)  # pure; names repeat across a codebase
def _is_password_name(name: str, extra: tuple[str, ...]) -> bool:
    low = name.lower()
    if low in extra:
        return True
    ws = words(name)
    if not ws:
        return False
    hits = [i for i, w in enumerate(ws) if w in PASSWORD_WORDS or w in extra]
    if not hits:
        # joined spellings: "newpassword", "userpasswd"
        if not any(p in low for p in ("password", "passwd", "passphrase")):
            return False
        hits = [len(ws) - 1]
    # short words only count when they are the whole name or its end
    if all(ws[i] in ("pw", "pass", "pword") for i in hits) and hits[-1] != len(ws) - 1:
        return False
    if ws == ["pass"]:
        return True
    if len(ws) > hits[-1] + 1 and ws[-1] in NOT_PASSWORD_TAILS:
        return False
    if ws[0] in NOT_PASSWORD_HEADS and ws[0] not in PASSWORD_WORDS:
        return False
    return True


def is_identifier_param(name: str) -> bool:
    """A route parameter that names one record: ``id``, ``pk``, ``post_id``."""
    low = name.lower()
    if low in ("id", "pk", "uuid", "oid", "guid", "key"):
        return low != "key"
    ws = words(name)
    return bool(ws) and len(ws) > 1 and ws[-1] in ("id", "pk", "uuid", "guid")


#: names that refer to the current principal (SCG401 evidence)
PRINCIPAL_NAMES = frozenset({
    "current_user", "current_identity", "get_current_user", "get_jwt_identity",
    "current_account", "get_current_active_user", "get_current_account",
    "auth_user", "logged_in_user", "g.user", "request.user", "self.request.user",
    "request.auth", "flask_login.current_user", "get_user", "authenticated_user",
    "get_jwt", "verify_jwt_in_request", "request.identity",
})
#: call name patterns that are authorization checks (SCG401 evidence)
AUTHZ_CALL = re.compile(
    r"(?i)^(has_perms?|has_permission|has_object_permission|check_\w*permission\w*|"
    r"check_object_permissions|authori[sz]e\w*|\w*_authori[sz]ed?|require_\w+|"
    r"can_(view|read|edit|access|update|delete|change|modify|manage)\w*|"
    r"user_can_\w+|is_owner\w*|is_owned_by|owned_by|assert_owner\w*|"
    r"ensure_\w*(owner|access|permission)\w*|check_owner\w*|check_access\w*|"
    r"verify_\w*(owner|access)\w*|enforce\w*|permission_required|"
    r"get_\w+_for_user|\w+_for_user|for_user|visible_to|accessible_by|"
    r"filter_for_user|scoped_to)$"
)
#: decorators that enforce authorization (login_required alone does not)
PERMISSION_DECORATORS = re.compile(
    r"(?i)^(permission_required|permissions_required|roles_required|"
    r"roles_accepted|role_required|admin_required|superuser_required|"
    r"staff_member_required|user_passes_test|requires?_permissions?|"
    r"requires?_roles?|has_permission|\w*owner\w*required|\w*_required_perm|"
    r"admin_only|check_permissions?|authorize|authorized|\w+_permission_required|"
    r"require_admin|is_admin|owner_only|permission_classes|policy_required)$"
)
#: keyword names that scope an ORM lookup to the principal
OWNER_KEYWORDS = re.compile(
    r"(?i)^(owner|user|author|created_by|account|tenant|organization|org|"
    r"customer|member|profile|owner_id|user_id|author_id|account_id|tenant_id|"
    r"org_id|organization_id|customer_id|created_by_id|member_id|profile_id|"
    r"\w+__(user|owner|author|account|tenant|members?)(_id)?)$"
)
#: words in the name of a dependency-injected parameter that make it the
#: principal (``user: User = Depends(get_user)``)
PRINCIPAL_PARAM_WORDS = re.compile(r"(?i)(user|principal|account|identity|owner|auth|token|member)")

# ---------------------------------------------------------------- stored passwords
#: attribute and column names that store a password
PASSWORD_FIELDS = frozenset({"password", "passwd", "pwd", "pass_word", "user_password",
                             "userpassword", "password_plain", "plain_password", "raw_password",
                             "passphrase"})
#: a password column named in SQL text
PASSWORD_COLUMN = re.compile(r"(?i)\b(password|passwd|pwd|pass)\b")
#: class names of objects that carry a password to log in elsewhere (clients,
#: auth helpers, connections), as opposed to records that store one
CREDENTIAL_HOLDER = re.compile(
    r"(?i)(auth|credential|connection|connect|client|session|manager|proxy|key|config|"
    r"settings|options|params|request|handler|adapter|pool|engine|url|login|form|"
    r"context|ssl|tls|cert)")

#: names of a module-level dict (or a constant key on the path to the slot)
#: that holds user records: ``users``, ``USER_DB``, ``db["accounts"]``
USER_STORE = re.compile(r"(?i)user|account|member|customer|login")

# ---------------------------------------------------------------- comparing and making secrets
#: secret kinds (``secret_kind``) whose comparison must take constant time (SCG504)
TIMING_SECRET_KINDS = frozenset({"password", "token", "secret", "api key", "key", "signature",
                                 "one-time code", "password hash"})
#: secret kinds that must come from a CSPRNG (SCG505)
RANDOM_SECRET_KINDS = frozenset({"password", "token", "secret", "api key", "key",
                                 "one-time code", "nonce", "salt", "session"})
#: last words of a name that make it an identifier or a type, not a secret
IDENTIFIER_TAILS = frozenset({"name", "names", "type", "alg", "algorithm", "id", "kind"})
#: words for a signature or digest
SIGNATURE_WORDS = frozenset({"signature", "sig", "digest"})
#: last words of an UPPER_CASE name that still make it a secret (``API_KEY``)
SECRET_CONSTANT_TAILS = frozenset({"key", "secret", "token", "password", "signature", "salt",
                                   "pepper"})
#: last words that make ``password_hash`` the hash of a password
HASH_TAILS = frozenset({"hash", "hashed", "digest"})
#: words of the second copy of a value the user typed twice (``confirm_password``)
CONFIRM_WORDS = frozenset({"confirm", "confirmation", "confirmed", "repeat", "repeated",
                           "again", "retype", "retyped", "verify", "check", "2", "new", "old",
                           "current", "previous", "prev"})
#: name starts of things made with ``random`` that are not secrets
NOT_SECRET_MAKERS = ("sample", "shuffle", "pick", "choose", "select", "jitter", "backoff",
                     "delay", "sleep", "retry", "split", "augment", "simulate", "roll", "draw")
#: parts of a name that make it a session id, and endings that make it about one
SESSION_ID_PARTS = ("session_id", "sessionid", "session_key", "sid")
SESSION_ID_NOT_TAILS = ("_len", "_length", "_name")
#: name starts of functions that make something (``generate_token``)
MAKER_HEADS = ("generate", "gen", "make", "create", "new", "random")
MAKER_PREFIXES = ("generate_", "gen_", "make_", "create_", "new_", "random_", "get_new_")
#: generic variable names that take the kind of the function they are made in
#: (``code = ...`` inside ``send_verification_code()``)
GENERIC_SECRET_TARGETS = frozenset({"code", "pin", "otp", "value", "result", "out", "s", "res",
                                    "digits", "chars", "secret", "key", "token"})

# ---------------------------------------------------------------- not secrets after all
#: last words of a name that make it an object with a role, not a value
#: (``token_handler``: it holds a handler, not a token)
ROLE_TAILS = frozenset({"handler", "handlers", "validator", "validators", "factory",
                        "backend", "backends", "manager", "class", "cls", "callback",
                        "func", "function", "serializer", "provider", "store", "storage"})
#: class name starts of test doubles shipped in application code (``FakeHasher``):
#: by name only, the last resort
TEST_DOUBLE_PREFIXES = ("Fake", "Dummy", "Stub", "Mock")
#: last words of an item key that names who, not a secret: ``credentials["username"]``
#: is a user name even though the container is named like a secret
ITEM_IDENTIFIER_WORDS = frozenset({"username", "user", "login", "email", "name", "id",
                                   "uid", "userid",
                                   # JOSE header parameters and registered JWT claims
                                   # that name a key, an algorithm or a party
                                   "kid", "alg", "typ", "iss", "aud", "sub", "signer",
                                   "issuer", "audience", "subject", "arn"})
#: literal texts shaped like identifiers, not secrets: UPPER_SNAKE and dotted names
UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
DOTTED_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
#: starts of literal texts that are private names or paths, not secrets
PATH_OR_PRIVATE_STARTS = ("_", "/", "./", "~")

# ---------------------------------------------------------------- receivers
#: parts of a dotted receiver that make it a MongoDB handle (``db.users.find``)
MONGO_HANDLE_NAMES = frozenset({"db", "mongo", "database", "mongodb", "client", "collection",
                                "coll", "col"})


# ---------------------------------------------------------------- secrets
#: words that make a name hold a secret
SECRET_WORDS = frozenset({
    "password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens",
    "apikey", "signature", "sig", "digest", "hmac", "otp", "totp", "hotp",
    "credential", "credentials", "creds", "bearer", "jwt", "privkey", "passcode",
    "pin", "nonce", "salt", "cookie", "sessionid",
})
#: "<word> key" pairs that are secrets (``api_key``, ``secret_key``)
SECRET_KEY_QUALIFIERS = frozenset({
    "api", "secret", "private", "signing", "sign", "access", "auth", "encryption",
    "encrypt", "master", "client", "app", "hmac", "jwt", "aes", "crypto",
    "license", "service", "account", "webhook", "consumer", "license", "shared",
    "admin", "root", "csrf", "fernet", "django", "flask", "stripe",
})
#: words that may follow the secret word in a name that still holds it
VALUE_TAILS = frozenset({"value", "str", "string", "bytes", "hex", "raw", "plain",
                         "plaintext", "b64", "base64", "old", "new", "expected",
                         "provided", "actual", "candidate", "given", "input", "received",
                         "sent", "stored", "saved", "current", "v1", "v2",
                         "prod", "production", "live", "secret", "key", "encoded", "decoded",
                         "b", "s"})
#: "<word> code" pairs that are one-time codes (``verification_code``)
CODE_QUALIFIERS = frozenset({"verification", "verify", "auth", "otp", "mfa", "totp", "twofa",
                             "reset", "sms", "login", "security", "recovery", "backup",
                             "confirmation", "activation", "authorization"})
#: trailing words that make the name *about* a secret, not the secret itself
NOT_SECRET_TAILS = frozenset({
    "id", "ids", "type", "types", "url", "uri", "urls", "endpoint", "file", "files",
    "path", "paths", "dir", "header", "headers", "name", "names", "field", "fields",
    "length", "len", "size", "count", "prefix", "suffix", "format", "expiry",
    "expires", "expiration", "exp", "ttl", "lifetime", "timeout", "age", "hint",
    "label", "env", "var", "class", "kind", "policy", "required", "regex", "pattern",
    "mode", "version", "algorithm", "alg", "algorithms", "scheme", "param", "params",
    "location", "source", "backend", "storage", "manager", "generator", "provider",
    "serializer", "validator", "form", "widget", "view", "template", "key_name",
    "placeholder", "column", "col", "table", "model", "attr", "attribute", "option",
    "options", "setting", "settings", "flag", "enabled", "valid", "is", "exists",
    "hash", "hashed", "mask", "masked", "reset", "request", "response", "error",
    "errors", "message", "msg", "text", "index", "position", "pos", "start", "end",
    "limit", "max", "min", "store", "cache", "strength", "rules", "chars", "charset",
    "bytes_len", "bits", "entropy", "encoding", "issuer", "audience", "usage", "scope",
    "scopes", "method", "methods", "handler", "callback", "verifier", "checker",
    "minutes", "seconds", "hours", "days", "secs", "mins", "ms", "delta", "duration",
    "context", "ctx", "service", "client", "helper", "util", "utils", "factory",
    "missing", "invalid", "incorrect", "mismatch", "required", "present", "used",
    "period", "interval", "max_age", "rotation", "uses", "attempts", "retries",
})
#: leading words that make the name about something else (``is_token_valid``)
#: verbs that make a two-word name the name of an action ("change_password")
ACTION_HEADS = frozenset({"change", "reset", "forgot", "update", "recover"})
#: a word before "signature"/"digest" that makes it a code or data
#: fingerprint (inspect.signature, a database's identity), not a MAC
CODE_SIGNATURE_QUALIFIERS = frozenset({
    "func", "function", "method", "call", "callable", "fn", "type", "class",
    "arg", "args", "param", "params", "db", "database", "schema", "model",
    "module", "code", "cache", "index", "query", "sql", "test", "inspect",
    "wrapper", "file", "content", "source",
})
#: a word before "token" that makes it a parser, path or pagination token
SYNTAX_TOKEN_QUALIFIERS = frozenset({
    "c", "p", "next", "prev", "previous", "cur", "path", "lexer", "lex",
    "parser", "parse", "syntax", "grammar", "sql", "template", "page",
    "pagination", "continuation", "cursor", "start", "end", "open", "close",
    "closing", "opening", "upper", "lower", "command", "keyword",
})
NOT_SECRET_HEADS = frozenset({"is", "has", "check", "verify", "validate", "num", "n", "identity",
                              "max", "min", "len", "get", "set", "use", "enable",
                              "require", "requires", "allow", "show", "hide", "no"})


#: HTTP headers that carry credentials
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "x-auth-token",
                            "x-access-token", "http_authorization", "x-csrftoken",
                            "x-csrf-token"})
#: secret kinds whose values must not reach logs or be compared with ``==``
LOGGABLE_SECRET_KINDS = frozenset({"password", "token", "secret", "api key", "key",
                                   "one-time code"})


#: every name with a secret kind contains one of these (lower-cased): the
#: words of SECRET_WORDS, "key", "code" and the credential headers
_SECRET_HINT = re.compile(r"pass|pw|secret|token|key|sig|digest|hmac|otp|cred|bearer|jwt|"
                          r"pin|nonce|salt|cookie|sessionid|code|auth")


def secret_kind(name: str, extra: tuple[str, ...] = ()) -> str | None:
    """The kind of secret a variable/attribute/key named ``name`` holds, or None.

    ``api_key`` -> "api key", ``csrf_token`` -> "token", ``token_type`` ->
    None (it names a token's type), ``password_hash`` -> None.
    """
    if not name or len(name) > 80:
        return None
    if not extra and _SECRET_HINT.search(name.lower()) is None:
        return None  # most names: no secret word in them at all
    return _secret_kind(name, extra)


@functools.lru_cache(maxsize=8192)  # pure; names repeat across a codebase
def _secret_kind(name: str, extra: tuple[str, ...]) -> str | None:
    low = name.lower()
    if low in extra:
        return "secret"
    if low in SECRET_HEADERS:
        return "token"
    ws = words(name)
    if not ws:
        return None
    if ws[0] in NOT_SECRET_HEADS and len(ws) > 1:
        return None
    if ws[-1] in NOT_SECRET_TAILS:
        return None
    for i, w in enumerate(ws):
        if w == "key" and i > 0 and ws[i - 1] in SECRET_KEY_QUALIFIERS and all(
                t in VALUE_TAILS for t in ws[i + 1:]):
            return "api key" if ws[i - 1] == "api" else "key"
        if w in ("apikey", "privkey", "secretkey", "accesskey"):
            return "api key" if w == "apikey" else "key"
    kinds = [w for w in ws if w in SECRET_WORDS]
    if kinds:
        last = max(i for i, w in enumerate(ws) if w in SECRET_WORDS)
        if any(w not in VALUE_TAILS and not w.isdigit() for w in ws[last + 1:]):
            return None  # PRIVATE_KEY_FORMAT, TOKEN_BLOCK_BEGIN: about the secret
    if not kinds:
        joined = low.replace("_", "").replace("-", "")
        for word in ("password", "passwd", "apikey"):
            if word in joined and not joined.endswith(("id", "type", "url", "name")):
                return "password" if word.startswith("pass") else "api key"
        if ws[-1] == "code" and len(ws) > 1 and ws[-2] in CODE_QUALIFIERS:
            return "one-time code"
        return None
    w = kinds[-1]
    if len(ws) == 2 and ws[0] in ACTION_HEADS and w in ("password", "passwd", "pwd"):
        return None  # "change_password", "reset_password": names of an action
    if w in ("pin", "sig", "nonce", "salt", "cookie") and ws[-1] != w:
        return None  # "pin_code_length"-style names: only as the last word
    last = max(i for i, x in enumerate(ws) if x == w)
    before = ws[last - 1] if last > 0 else ""
    if w in ("signature", "sig", "digest") and before in CODE_SIGNATURE_QUALIFIERS:
        return None  # func_signature, test_db_signature: not a MAC
    if w in ("token", "tokens") and before in SYNTAX_TOKEN_QUALIFIERS:
        return None  # next_token, path_token, c_token: lexer/pagination tokens
    if w in ("password", "passwd", "pwd", "passphrase", "passcode"):
        return "password"
    if w in ("secret", "secrets", "credential", "credentials", "creds"):
        return "secret"
    if w in ("token", "tokens", "bearer", "jwt", "sessionid"):
        return "token"
    if w in ("signature", "sig", "digest", "hmac"):
        return "signature"
    if w in ("otp", "totp", "hotp", "pin"):
        return "one-time code"
    return w


# -- names the analysis reads (appended by the engine split) -------------------
#: every name that gets a label contains one of these (lower-cased): the
#: words of PASSWORD_WORDS, of the loggable SECRET_WORDS, "key", "code" and
#: the credential headers.  Most names contain none and are answered by it
#: (``test_vocab.py`` checks it never drops a label).
LABEL_HINT = re.compile(r"pass|pw|secret|cred|token|bearer|jwt|sessionid|otp|pin|code|key|auth")
#: the receiver parameter of a method
SELF_NAMES = frozenset({"self", "cls"})
#: parameter names of a request object (never an exception in an error handler)
REQUEST_PARAM_NAMES = frozenset({"request", "req"})

# -- authorization from client-controlled data (SCG405) ------------------------
#: words of a name or key that say it decides access: a role, an admin or
#: staff flag, a permission, a logged-in flag (``role``, ``X-Admin``, ``is_staff``)
AUTHZ_WORDS = frozenset({"role", "roles", "admin", "admins", "administrator", "superuser",
                         "staff", "permission", "permissions", "perm", "perms", "privilege",
                         "privileges", "moderator", "authorized", "authorised", "authenticated",
                         "logged", "loggedin", "isadmin", "usertype", "acl"})
#: words of a cookie or header name that say it identifies the user
#: (``uid``, ``user_id``, ``X-User-Id``, ``username``)
USER_ID_WORDS = frozenset({"uid", "userid", "username", "login", "useremail"})
#: word pairs that identify the user (``user_id``, ``user_name``, ``account_id``)
USER_ID_PAIRS = frozenset({("user", "id"), ("user", "name"), ("account", "id"),
                           ("user", "email"), ("member", "id")})
#: literals a role is compared with (``== "admin"``)
ROLE_VALUES = frozenset({"admin", "administrator", "superuser", "root", "staff", "moderator",
                         "superadmin", "super_admin", "owner", "manager"})


def is_authz_name(name: str) -> bool:
    """Does ``name`` (a variable, cookie, header or field) decide access?"""
    return bool(name) and any(w in AUTHZ_WORDS for w in words(name))


def is_user_id_name(name: str) -> bool:
    """Does ``name`` (a cookie or header) identify the user?"""
    ws = words(name)
    if not ws:
        return False
    if ws == ["user"] or any(w in USER_ID_WORDS for w in ws):
        return True
    return any(pair in USER_ID_PAIRS for pair in zip(ws, ws[1:]))
