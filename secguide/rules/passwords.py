"""Guide section: Secure Password Storage."""
from __future__ import annotations

import ast
import re

from secguide.analysis.functions import dotted
from secguide.models import crypto
from secguide.rule import Rule
from secguide.rules._common import known_int
from secguide.vocab import is_password_name


def _is_password(v) -> bool:
    return "password" in v.labels and "hashed" not in v.labels


def _iterated_hash(ctx, q) -> bool:
    """Is the current function a key-stretching construction: a loop that
    feeds a hash's output back into the same hash (``dc = md5(dc + pw)``), as
    in md5-crypt/sha-crypt implementations?  Their inner hashes are rounds of
    a slow scheme, not a fast hash of a password."""
    fn = ctx.fn
    if fn is None or q is None:
        return False
    cache = fn.state.setdefault("scg601-iterated", {})
    if q in cache:
        return cache[q]
    found = False
    for loop in ast.walk(fn.node):
        if not isinstance(loop, (ast.For, ast.While)):
            continue
        for stmt in ast.walk(loop):
            if found or not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or \
                    not isinstance(stmt.targets[0], ast.Name):
                continue
            target = stmt.targets[0].id
            calls = [c for c in ast.walk(stmt.value) if isinstance(c, ast.Call)
                     and ctx.call_name(c) == q]
            if calls and any(isinstance(n, ast.Name) and n.id == target
                             for c in calls for a in c.args for n in ast.walk(a)):
                found = True
        if found:
            break
    cache[q] = found
    return found


class PasswordFastHash(Rule):
    """A password is hashed with a fast, general-purpose hash."""

    code = "SCG601"
    symbol = "password-fast-hash"
    message = ("password hashed with {hash}, a fast hash{salted}; use bcrypt, scrypt, "
               "argon2 or PBKDF2 (e.g. werkzeug.security.generate_password_hash)")
    cwe = 916
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Secure Password Storage"
    rationale = (
        "MD5, SHA-1, SHA-2, SHA-3 and BLAKE2 are built to be fast: a GPU "
        "tries billions of guesses a second against a leaked table, salted "
        "or not. Password storage needs a deliberately slow, salted key "
        "derivation function, bcrypt, scrypt, argon2id or PBKDF2 at OWASP "
        "work factors (OWASP Password Storage Cheat Sheet, CWE-916)."
    )
    example = (
        "import hashlib\n\n\n"
        "def store(user, password):\n"
        "    user.password_hash = hashlib.sha256(password.encode()).hexdigest()\n"
    )
    fix = (
        "from werkzeug.security import generate_password_hash\n\n\n"
        "def store(user, password):\n"
        "    user.password_hash = generate_password_hash(password)\n"
    )
    not_flagged = (
        "Hashing files, cache keys, tokens and other non-password data; "
        "PASSWORD_HASHERS with a fast hasher in test settings (test_*.py, "
        "settings/test.py), where Django recommends it for speed; "
        "bcrypt, argon2, scrypt and PBKDF2; values named like a stored hash "
        "(`password_hash`) or a password field (`password_field`). A value "
        "is a password when its variable, attribute, key or request field is "
        "named like one (password, passwd, pwd, passphrase, and the "
        "`password-names` option)."
    )
    calls = crypto.FAST_HASHES | crypto.HASH_BY_NAME | crypto.HMAC_NEW | {"update"}
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call, ast.Assign)

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            self._django_hashers(node, ctx)
            return
        q = ctx.call_name(node)
        data = None
        name = None
        if q in crypto.FAST_HASHES:
            data = ctx.arg(node, 0, "data") or ctx.arg(node, None, "string")
            name = q.replace("Crypto.Hash.", "").replace("Cryptodome.Hash.", "")
        elif q in crypto.HASH_BY_NAME:
            data = ctx.arg(node, 1, "data")
            algo = ctx.value(ctx.arg(node, 0, "name"))
            if algo.known and str(algo.cval).lower() in ("bcrypt", "scrypt", "argon2"):
                return
            name = f"hashlib.new({algo.cval!r})" if algo.known else "hashlib.new"
            name = name[:-1] if name.endswith(")") else name
        elif q in crypto.HMAC_NEW:
            data = ctx.arg(node, 1, "msg")
            name = q
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "update" and node.args:
            recv = ctx.value(node.func.value)
            if recv.qual in (crypto.HASH_OBJECT, "hmac.HMAC"):
                data = node.args[0]
                name = ctx.source_text(node.func)
        if data is None:
            return
        v = ctx.value(data)
        if _is_password(v) and not _iterated_hash(ctx, q):
            salted = " (a salt does not slow it down)" if v.built else ""
            ctx.report(self, node, hash=name + "()", salted=salted)

    def _django_hashers(self, node, ctx):
        """``PASSWORD_HASHERS = ["...MD5PasswordHasher", ...]`` in settings."""
        if ctx.is_test_file or not any(isinstance(t, ast.Name) and t.id == "PASSWORD_HASHERS"
                                       for t in node.targets):
            return
        value = node.value
        if not isinstance(value, (ast.List, ast.Tuple)) or not value.elts:
            return
        first = value.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            hasher = first.value.rsplit(".", 1)[-1]
            if hasher in crypto.DJANGO_FAST_HASHERS:
                ctx.report(self, node, hash=f"Django's {hasher} (first in PASSWORD_HASHERS)",
                           salted="")


class ConstantSalt(Rule):
    """A KDF or password hash is given the same salt for every password."""

    code = "SCG602"
    symbol = "constant-salt"
    message = ("constant salt passed to {kdf}(); generate a random salt per password "
               "(os.urandom(16), secrets.token_bytes(16), bcrypt.gensalt())")
    cwe = 760
    severity = "HIGH"
    confidence = "HIGH"
    section = "Secure Password Storage"
    rationale = (
        "A salt exists to make every stored hash unique, so that one "
        "precomputed table or one cracked hash does not unlock every account "
        "with the same password. A salt written in the code is the same for "
        "every user and every installation: it is public the day the source "
        "leaks, and equal passwords get equal hashes (CWE-760)."
    )
    example = (
        "import hashlib\n\n"
        "SALT = b'pepper-2019'\n\n\n"
        "def hash_password(password):\n"
        "    return hashlib.pbkdf2_hmac('sha256', password.encode(), SALT, 600_000)\n"
    )
    fix = (
        "import hashlib\n"
        "import os\n\n\n"
        "def hash_password(password):\n"
        "    salt = os.urandom(16)\n"
        "    return salt + hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)\n"
    )
    not_flagged = (
        "Salts from os.urandom, secrets or bcrypt.gensalt(); "
        "bcrypt.hashpw(password, stored_hash) and crypt.crypt(password, "
        "stored_hash), which re-hash to check a password; salts read from "
        "a variable whose origin is not visible in the function."
    )
    calls = frozenset(crypto.SALT_ARGS) | {"using"}
    node_types = (ast.Call,)
    report_types = (ast.Call,)

    def check(self, node, ctx):
        q = ctx.call_name(node)
        salt = None
        kdf = q
        if q in crypto.SALT_ARGS:
            pos, kw = crypto.SALT_ARGS[q]
            salt = ctx.arg(node, pos, kw)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("using", "hash", "encrypt"):
            recv = ctx.qualname(node.func.value) or ""
            if recv.startswith("passlib."):
                salt = ctx.keyword(node, "salt")
                kdf = recv + ".using"
        if salt is None:
            return
        v = ctx.value(salt)
        if v.is_const and v.cval is not None:
            spec = crypto.PASSWORD_ARGS.get(q)
            pw = ctx.arg(node, spec[0], spec[1]) if spec else None
            if pw is not None and ctx.value(pw).is_const:
                return  # pbkdf2_hmac(name, b"p", b"s", 1): a probe or a test vector
            ctx.report(self, node, kdf=kdf)


_WORK_FACTOR_CALLS = frozenset({
    "bcrypt.gensalt", "hashlib.pbkdf2_hmac", "hashlib.scrypt",
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC",
    "cryptography.hazmat.primitives.kdf.scrypt.Scrypt",
    "Crypto.Protocol.KDF.PBKDF2", "Cryptodome.Protocol.KDF.PBKDF2",
    "argon2.PasswordHasher", "argon2.low_level.hash_secret", "argon2.low_level.hash_secret_raw",
    "werkzeug.security.generate_password_hash", "passlib.context.CryptContext",
    "using", "hash", "encrypt",
})


class WeakWorkFactor(Rule):
    """A password KDF runs below the OWASP work factor."""

    code = "SCG603"
    symbol = "weak-work-factor"
    message = "{kdf} {param}={value} is below the OWASP minimum of {floor}; raise it to at least {floor}"
    cwe = 916
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Secure Password Storage"
    rationale = (
        "A KDF is only as slow as its work factor. OWASP's Password Storage "
        "Cheat Sheet sets the floors that keep offline guessing expensive on "
        "current hardware: bcrypt cost 10, PBKDF2-HMAC-SHA256 600,000 "
        "iterations (SHA-512 210,000; SHA-1 1,300,000), scrypt N=2^17, "
        "argon2id time_cost 2 with 19 MiB of memory. Old tutorials' 1,000 "
        "iterations are a thousand times cheaper to attack (CWE-916)."
    )
    example = (
        "import bcrypt\n\n\n"
        "def hash_password(password):\n"
        "    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4))\n"
    )
    fix = (
        "import bcrypt\n\n\n"
        "def hash_password(password):\n"
        "    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n"
    )
    not_flagged = (
        "Test modules and test settings (test_*.py, *_test.py, conftest.py, "
        "settings/test.py), which lower work factors on purpose; "
        "library defaults of bcrypt, argon2-cffi and werkzeug; values at or "
        "above the floors; work factors held in variables whose value is not "
        "a visible constant. Floors are options (`min-bcrypt-rounds`, "
        "`min-pbkdf2-sha256-iterations`, ...)."
    )
    calls = _WORK_FACTOR_CALLS
    sees_local_assigns = False  # class attributes of hasher subclasses only
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call, ast.Assign)

    def check(self, node, ctx):
        if ctx.is_test_file:  # tests lower work factors on purpose, for speed
            return
        if type(node) is ast.Assign:
            self._django_hasher_class(node, ctx)
            return
        q = ctx.call_name(node)
        opts = ctx.options
        if q is None:
            return
        if q == "bcrypt.gensalt":
            self._floor(ctx, node, "bcrypt.gensalt()", "rounds",
                        ctx.arg(node, 0, "rounds"), opts.min_bcrypt_rounds)
        elif q == "hashlib.pbkdf2_hmac":
            algo = ctx.value(ctx.arg(node, 0, "hash_name"))
            floor = _pbkdf2_floor(opts, algo.cval if algo.known else None)
            if floor:
                self._floor(ctx, node, f"PBKDF2-HMAC-{str(algo.cval).upper()}", "iterations",
                            ctx.arg(node, 3, "iterations"), floor)
        elif q == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC":
            algo = ctx.arg(node, 0, "algorithm")
            target = algo.func if isinstance(algo, ast.Call) else algo
            name = (ctx.qualname(target) or dotted(target) or "") if target is not None else ""
            floor = _pbkdf2_floor(opts, name.rsplit(".", 1)[-1])
            if floor:
                self._floor(ctx, node, f"PBKDF2HMAC({name.rsplit('.', 1)[-1]})", "iterations",
                            ctx.arg(node, 3, "iterations"), floor)
        elif q in ("Crypto.Protocol.KDF.PBKDF2", "Cryptodome.Protocol.KDF.PBKDF2"):
            count = ctx.arg(node, 3, "count")
            module = ctx.arg(node, 5, "hmac_hash_module")
            name = (ctx.qualname(module) or "") if module is not None else "SHA1"
            floor = _pbkdf2_floor(opts, name.rsplit(".", 1)[-1])
            if floor:
                self._floor(ctx, node, "PBKDF2", "count", count, floor, default=1000)
        elif q == "hashlib.scrypt":
            self._floor(ctx, node, "hashlib.scrypt()", "n", ctx.arg(node, None, "n"),
                        opts.min_scrypt_n)
        elif q == "cryptography.hazmat.primitives.kdf.scrypt.Scrypt":
            self._floor(ctx, node, "Scrypt()", "n", ctx.arg(node, 2, "n"), opts.min_scrypt_n)
        elif q in ("argon2.PasswordHasher", "argon2.low_level.hash_secret",
                   "argon2.low_level.hash_secret_raw"):
            offset = 0 if q == "argon2.PasswordHasher" else 2
            name = q.rsplit(".", 1)[-1] + "()"
            if not self._floor(ctx, node, name, "time_cost", ctx.arg(node, offset, "time_cost"),
                               opts.min_argon2_time_cost):
                self._floor(ctx, node, name, "memory_cost",
                            ctx.arg(node, offset + 1, "memory_cost"), opts.min_argon2_memory_cost)
        elif q in ("werkzeug.security.generate_password_hash",):
            self._werkzeug(ctx, node, ctx.arg(node, 1, "method"))
        elif q == "passlib.context.CryptContext":
            for kw in node.keywords:
                if kw.arg and "__" in kw.arg:
                    scheme, _, param = kw.arg.partition("__")
                    if param in ("rounds", "default_rounds", "min_rounds", "time_cost",
                                 "memory_cost"):
                        if self._passlib(ctx, node, scheme, param.replace("default_", "")
                                         .replace("min_", ""), kw.value):
                            return
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("using", "hash", "encrypt"):
            recv = ctx.qualname(node.func.value) or ""
            if recv.startswith("passlib.hash."):
                scheme = recv.rsplit(".", 1)[-1]
                for param in ("rounds", "time_cost", "memory_cost"):
                    kw = ctx.keyword(node, param)
                    if kw is not None and self._passlib(ctx, node, scheme, param, kw):
                        return

    def _django_hasher_class(self, node, ctx) -> None:
        """``class Fast(PBKDF2PasswordHasher): iterations = 1000``."""
        ci = ctx.class_info
        if ci is None or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        attr = node.targets[0].id
        for base in ci.bases:
            floors = crypto.DJANGO_HASHER_FLOORS.get(base.rsplit(".", 1)[-1])
            if floors and attr in floors:
                self._floor(ctx, node, f"{ci.name}({base.rsplit('.', 1)[-1]})", attr,
                            node.value, getattr(ctx.options, floors[attr]))
                return

    def _passlib(self, ctx, node, scheme, param, value_node) -> bool:
        kind = crypto.PASSLIB_SCHEMES.get(scheme)
        opts = ctx.options
        floor = None
        if kind == "bcrypt" and param == "rounds":
            floor = opts.min_bcrypt_rounds
        elif kind and kind.startswith("pbkdf2") and param == "rounds":
            floor = _pbkdf2_floor(opts, kind.split("_", 1)[1])
        elif kind == "argon2":
            floor = {"rounds": opts.min_argon2_time_cost, "time_cost": opts.min_argon2_time_cost,
                     "memory_cost": opts.min_argon2_memory_cost}.get(param)
        if floor:
            return self._floor(ctx, node, f"passlib {scheme}", param, value_node, floor)
        return False

    def _werkzeug(self, ctx, node, method_node) -> None:
        if method_node is None:
            return
        v = ctx.value(method_node)
        if not v.known or not isinstance(v.cval, str):
            return
        parts = v.cval.split(":")
        opts = ctx.options
        try:
            if parts[0] == "pbkdf2" and len(parts) >= 3:
                floor = _pbkdf2_floor(opts, parts[1])
                if floor and int(parts[2]) < floor:
                    ctx.report(self, node, kdf=f"generate_password_hash(method={v.cval!r})",
                               param="iterations", value=int(parts[2]), floor=floor)
            elif parts[0] == "scrypt" and len(parts) >= 2 and int(parts[1]) < opts.min_scrypt_n:
                ctx.report(self, node, kdf=f"generate_password_hash(method={v.cval!r})",
                           param="n", value=int(parts[1]), floor=opts.min_scrypt_n)
        except ValueError:
            return

    def _floor(self, ctx, node, kdf, param, value_node, floor, default=None) -> bool:
        if value_node is None:
            if default is None or default >= floor:
                return False
            value = default
        else:
            value = known_int(ctx.value(value_node))
            if value is None:
                return False
        if value < floor:
            ctx.report(self, node, kdf=kdf, param=param, value=value, floor=floor)
            return True
        return False


def _pbkdf2_floor(opts, name) -> int | None:
    if not isinstance(name, str):
        return None
    attr = crypto.PBKDF2_FLOORS.get(name.lower().replace("-", "").replace("_", ""))
    return getattr(opts, attr) if attr else None


_MODEL_BASES = frozenset({"Model", "Base", "DeclarativeBase", "Document", "AbstractUser",
                          "AbstractBaseUser", "SQLModel", "UserMixin", "DynamicDocument"})
#: constructors of objects that carry a password to log in elsewhere (clients,
#: auth helpers, connections), as opposed to records that store one
_CREDENTIAL_HOLDER = re.compile(
    r"(?i)(auth|credential|connection|connect|client|session|manager|proxy|key|config|"
    r"settings|options|params|request|handler|adapter|pool|engine|url|login|form|"
    r"context|ssl|tls|cert)")


def _model_constructor(name: str) -> bool:
    return name[:1].isupper() and not _CREDENTIAL_HOLDER.search(name)


_CREATE_CALLS = frozenset({"create", "update", "get_or_create", "update_or_create",
                           "insert_one", "update_one"})
_HASHING_CREATORS = frozenset({"create_user", "create_superuser", "set_password",
                               "make_password", "generate_password_hash"})
_CREDENTIAL_COLUMN_RE = r"(?i)\b(password|passwd|pwd|pass)\b"


class PlaintextPasswordStorage(Rule):
    """A raw password is stored (model field, SQL column, file)."""

    code = "SCG604"
    symbol = "plaintext-password-storage"
    message = ("the raw password in {source} is stored {where}; store "
               "generate_password_hash()/make_password()/bcrypt output instead")
    cwe = 256
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Secure Password Storage"
    rationale = (
        "A stored plaintext password is every user's password for every "
        "site where they reused it, handed to whoever reads a backup, a log "
        "or an SQL injection result (CWE-256). Store only the output of a "
        "password hasher; check logins with its verify function."
    )
    example = (
        "from flask import Flask, request\n"
        "from models import User, db\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/register', methods=['POST'])\n"
        "def register():\n"
        "    user = User(email=request.form['email'], password=request.form['password'])\n"
        "    db.session.add(user)\n"
        "    return {'ok': True}\n"
    )
    fix = (
        "from flask import Flask, request\n"
        "from werkzeug.security import generate_password_hash\n"
        "from models import User, db\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/register', methods=['POST'])\n"
        "def register():\n"
        "    user = User(email=request.form['email'],\n"
        "                password=generate_password_hash(request.form['password']))\n"
        "    db.session.add(user)\n"
        "    return {'ok': True}\n"
    )
    not_flagged = (
        "Values from generate_password_hash, make_password, bcrypt, argon2, "
        "passlib; columns named `*_hash`; Django's create_user()/set_password(), "
        "which hash; objects that hold a password to log in somewhere else "
        "(`self.password = password` outside a model class)."
    )
    sees_local_assigns = False  # settings, session keys, attributes only
    calls = frozenset({"json.dump", "yaml.dump", "yaml.safe_dump", "pickle.dump", "write",
                       "writelines", "write_text", "execute", "executemany"})
    calls_with_keywords = True  # User(password=...)
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call, ast.Assign)

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            for target in node.targets:
                if not (isinstance(target, ast.Attribute) and
                        is_password_name(target.attr) and target.attr.lower() in _COLUMNS):
                    continue
                v = ctx.value(node.value)
                if not _raw_password(v):
                    continue
                base = target.value
                if isinstance(base, ast.Name) and base.id == "self":
                    ci = ctx.fn.class_info if ctx.fn is not None else None
                    if not v.taint and (ci is None or not any(
                            b.rsplit(".", 1)[-1] in _MODEL_BASES or b == "db.Model"
                            for b in ci.bases)):
                        continue
                ctx.report(self, node, source=_src(ctx, node.value),
                           where=f"in {ctx.source_text(target)}")
                return
            return
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        if name in _HASHING_CREATORS:
            return
        for kw in node.keywords:
            if kw.arg and kw.arg.lower() in _COLUMNS and (
                    name in _CREATE_CALLS or _model_constructor(name)) and \
                    _raw_password(ctx.value(kw.value)):
                ctx.report(self, node, source=_src(ctx, kw.value),
                           where=f"as {kw.arg}= of {ctx.source_text(func)}()")
                return
        q = ctx.call_name(node)
        if q in ("json.dump", "yaml.dump", "yaml.safe_dump", "pickle.dump") and node.args and \
                _raw_password(ctx.value(node.args[0])):
            ctx.report(self, node, source=_src(ctx, node.args[0]), where="in a file")
            return
        if isinstance(func, ast.Attribute):
            if func.attr in ("write", "writelines", "write_text") and node.args and (
                    ctx.value(func.value).qual in ("io.File", "pathlib.Path") or isinstance(
                        func.value, ast.Call) and ctx.call_name(func.value) == "pathlib.Path"):
                v = ctx.value(node.args[0])
                if _raw_password(v):
                    ctx.report(self, node, source=_src(ctx, node.args[0]), where="in a file")
                    return
            if func.attr in ("execute", "executemany") and len(node.args) >= 2:
                text = ctx.value(node.args[0])
                if text.known and isinstance(text.cval, str) and re.search(
                        r"(?is)\b(insert\s+into|update)\b", text.cval) and re.search(
                        _CREDENTIAL_COLUMN_RE, text.cval):
                    params = node.args[1]
                    elts = params.elts if isinstance(params, (ast.Tuple, ast.List)) else (
                        params.values if isinstance(params, ast.Dict) else [params])
                    for e in elts:
                        if _raw_password(ctx.value(e)):
                            ctx.report(self, node, source=_src(ctx, e),
                                       where="in a password column")
                            return


_COLUMNS = frozenset({"password", "passwd", "pwd", "pass_word", "user_password",
                      "userpassword", "password_plain", "plain_password", "raw_password",
                      "passphrase"})


def _raw_password(v) -> bool:
    return "password" in v.labels and "hashed" not in v.labels and not v.is_const


def _src(ctx, node) -> str:
    return ctx.source_text(node)
