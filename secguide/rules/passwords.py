"""Guide section: Secure Password Storage (fast hashes, constant salts)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import auth, crypto
from secguide.rule import Report, Rule


def _is_password(v) -> bool:
    return labels.PASSWORD in v.labels and labels.HASHED not in v.labels


class _HashRounds:
    """What one function shows about key stretching, decided when it ends:
    its loops, its ``x = ...`` statements, the hash calls it makes and the
    findings on them (``pending``)."""

    __slots__ = ("loops", "assigns", "hashes", "pending")

    def __init__(self):
        self.loops: list[ast.AST] = []
        self.assigns: list[ast.Assign] = []
        self.hashes: list[tuple[str, ast.Call]] = []
        self.pending: list[tuple[str, Report]] = []


def _span(node) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def _inside(node, outer) -> bool:
    (a, b), (c, d) = _span(node), _span(outer)
    return c <= a and b <= d


def _iterated(st: _HashRounds) -> set[str]:
    """The hashes a loop feeds their own output back into (``dc = md5(dc +
    pw)``), as md5-crypt/sha-crypt implementations do: their inner hashes
    are rounds of a slow scheme, not a fast hash of a password."""
    found = set()
    for stmt in st.assigns:
        if not any(_inside(stmt, loop) for loop in st.loops):
            continue
        target = stmt.targets[0].id
        for q, call in st.hashes:
            if q not in found and _inside(call, stmt.value) and any(
                    isinstance(n, ast.Name) and n.id == target
                    for a in call.args for n in ast.walk(a)):
                found.add(q)
    return found


SLOW_HASH_FIX = ("use bcrypt, scrypt, argon2 or PBKDF2 "
                 "(e.g. werkzeug.security.generate_password_hash)")
DJANGO_HASHERS_FIX = ("put Django's PBKDF2PasswordHasher, Argon2PasswordHasher or "
                      "BCryptSHA256PasswordHasher first")


class PasswordFastHash(Rule):
    """A password is hashed with a fast, general-purpose hash."""

    code = "SCG601"
    symbol = "password-fast-hash"
    message = "password hashed with {hash}, a fast hash{salted}; {fix}"
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
    node_types = (ast.Call, ast.Assign, ast.For, ast.While)
    report_types = (ast.Call, ast.Assign)
    reads_labels = frozenset({labels.PASSWORD, labels.HASHED})
    function_state = _HashRounds

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Assign:
            if ctx.fn is not None and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                ctx.fn_state(self).assigns.append(node)
            return self._django_hashers(node, ctx)
        if t is not ast.Call:
            if ctx.fn is not None:
                ctx.fn_state(self).loops.append(node)
            return None
        q = ctx.call_name(node)
        if ctx.fn is not None and q is not None:
            ctx.fn_state(self).hashes.append((q, node))
        data = None
        name = None
        if q in crypto.FAST_HASHES:
            data = ctx.arg(node, 0, "data") or ctx.arg(node, None, "string")
            name = q.replace("Crypto.Hash.", "").replace("Cryptodome.Hash.", "")
        elif q in crypto.HASH_BY_NAME:
            data = ctx.arg(node, 1, "data")
            algo = ctx.value(ctx.arg(node, 0, "name"))
            if algo.known and str(algo.cval).lower() in auth.SLOW_HASH_NAMES:
                return None
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
            return None
        v = ctx.value(data)
        if not _is_password(v):
            return None
        salted = " (a salt does not slow it down)" if v.built else ""
        found = self.found(node, hash=name + "()", salted=salted, fix=SLOW_HASH_FIX)
        if ctx.fn is None or q is None:
            return [found]
        ctx.fn_state(self).pending.append((q, found))  # unless a loop iterates it
        return None

    def finish_function(self, ctx):
        st = ctx.fn_state_if_made(self)
        if st is None or not st.pending:
            return None
        iterated = _iterated(st)
        return [found for q, found in st.pending if q not in iterated]

    def _django_hashers(self, node, ctx):
        """``PASSWORD_HASHERS = ["...MD5PasswordHasher", ...]`` in settings."""
        for t in node.targets:
            if type(t) is ast.Name and t.id == "PASSWORD_HASHERS":
                break
        else:
            return None  # every other assignment
        if ctx.is_test_file:
            return None
        value = node.value
        if not isinstance(value, (ast.List, ast.Tuple)) or not value.elts:
            return None
        first = value.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            hasher = first.value.rsplit(".", 1)[-1]
            if hasher in crypto.DJANGO_FAST_HASHERS:
                return [self.found(node, hash=f"Django's {hasher} (first in PASSWORD_HASHERS)",
                                   salted="", fix=DJANGO_HASHERS_FIX)]
        return None


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
        elif isinstance(node.func, ast.Attribute) and node.func.attr in auth.PASSLIB_METHODS:
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
            return [self.found(node, kdf=kdf)]
        return None
