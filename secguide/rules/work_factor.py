"""Guide section: Secure Password Storage (work factors of password KDFs)."""
from __future__ import annotations

import ast
from dataclasses import fields

from secguide.analysis.functions import dotted
from secguide.models import auth, crypto
from secguide.options import DEFAULT_OPTIONS
from secguide.rule import Rule
from secguide.rules._common import known_int


class WeakWorkFactor(Rule):
    """A password KDF runs below the OWASP work factor."""

    code = "SCG603"
    symbol = "weak-work-factor"
    message = "{kdf} {param}={value} is below {minimum} of {floor}; raise it to at least {floor}"
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
    calls = auth.WORK_FACTOR_CALLS
    sees_local_assigns = False  # class attributes of hasher subclasses only
    node_types = (ast.Call, ast.Assign)
    # class Fast(PBKDF2PasswordHasher): iterations = 1000
    assign_keys = frozenset(a for floors in crypto.DJANGO_HASHER_FLOORS.values() for a in floors)
    report_types = (ast.Call, ast.Assign)
    reads_options = ("min-bcrypt-rounds",
                     "min-pbkdf2-sha256-iterations",
                     "min-pbkdf2-sha512-iterations",
                     "min-pbkdf2-sha1-iterations",
                     "min-scrypt-n",
                     "min-argon2-time-cost",
                     "min-argon2-memory-cost")
    skip_test_files = True  # tests lower work factors on purpose, for speed

    def check(self, node, ctx):
        found = self._django_hasher_class(node, ctx) if type(node) is ast.Assign \
            else self._call(node, ctx)
        return [found] if found is not None else None

    def _call(self, node, ctx):
        q = ctx.call_name(node)
        opts = ctx.options
        if q is None:
            return None
        if q == "bcrypt.gensalt":
            return self._floor(ctx, node, "bcrypt.gensalt()", "rounds",
                               ctx.arg(node, 0, "rounds"), opts.min_bcrypt_rounds)
        elif q == "hashlib.pbkdf2_hmac":
            algo = ctx.value(ctx.arg(node, 0, "hash_name"))
            floor = _pbkdf2_floor(opts, algo.cval if algo.known else None)
            if floor:
                return self._floor(ctx, node, f"PBKDF2-HMAC-{str(algo.cval).upper()}", "iterations",
                                   ctx.arg(node, 3, "iterations"), floor)
        elif q == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC":
            algo = ctx.arg(node, 0, "algorithm")
            target = algo.func if isinstance(algo, ast.Call) else algo
            name = (ctx.qualname(target) or dotted(target) or "") if target is not None else ""
            floor = _pbkdf2_floor(opts, name.rsplit(".", 1)[-1])
            if floor:
                return self._floor(ctx, node, f"PBKDF2HMAC({name.rsplit('.', 1)[-1]})", "iterations",
                                   ctx.arg(node, 3, "iterations"), floor)
        elif q in ("Crypto.Protocol.KDF.PBKDF2", "Cryptodome.Protocol.KDF.PBKDF2"):
            count = ctx.arg(node, 3, "count")
            module = ctx.arg(node, 5, "hmac_hash_module")
            name = (ctx.qualname(module) or "") if module is not None else "SHA1"
            floor = _pbkdf2_floor(opts, name.rsplit(".", 1)[-1])
            if floor:
                return self._floor(ctx, node, "PBKDF2", "count", count, floor, default=1000)
        elif q == "hashlib.scrypt":
            return self._floor(ctx, node, "hashlib.scrypt()", "n", ctx.arg(node, None, "n"),
                               opts.min_scrypt_n)
        elif q == "cryptography.hazmat.primitives.kdf.scrypt.Scrypt":
            return self._floor(ctx, node, "Scrypt()", "n", ctx.arg(node, 2, "n"), opts.min_scrypt_n)
        elif q in auth.ARGON2_CALLS:
            offset = 0 if q == "argon2.PasswordHasher" else 2
            name = q.rsplit(".", 1)[-1] + "()"
            return self._floor(ctx, node, name, "time_cost", ctx.arg(node, offset, "time_cost"),
                               opts.min_argon2_time_cost) or \
                self._floor(ctx, node, name, "memory_cost",
                            ctx.arg(node, offset + 1, "memory_cost"), opts.min_argon2_memory_cost)
        elif q in ("werkzeug.security.generate_password_hash",):
            return self._werkzeug(ctx, node, ctx.arg(node, 1, "method"))
        elif q == "passlib.context.CryptContext":
            for kw in node.keywords:
                if kw.arg and "__" in kw.arg:
                    scheme, _, param = kw.arg.partition("__")
                    if param in auth.PASSLIB_CONTEXT_PARAMS:
                        found = self._passlib(ctx, node, scheme, param.replace("default_", "")
                                              .replace("min_", ""), kw.value)
                        if found:
                            return found
        elif isinstance(node.func, ast.Attribute) and node.func.attr in auth.PASSLIB_METHODS:
            recv = ctx.qualname(node.func.value) or ""
            if recv.startswith("passlib.hash."):
                scheme = recv.rsplit(".", 1)[-1]
                for param in auth.PASSLIB_COST_KEYWORDS:
                    kw = ctx.keyword(node, param)
                    found = self._passlib(ctx, node, scheme, param, kw) if kw is not None else None
                    if found:
                        return found
        return None

    def _django_hasher_class(self, node, ctx):
        """``class Fast(PBKDF2PasswordHasher): iterations = 1000``."""
        ci = ctx.class_info
        if ci is None or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return None
        attr = node.targets[0].id
        for base in ci.bases:
            floors = crypto.DJANGO_HASHER_FLOORS.get(base.rsplit(".", 1)[-1])
            if floors and attr in floors:
                return self._floor(ctx, node, f"{ci.name}({base.rsplit('.', 1)[-1]})", attr,
                                   node.value, getattr(ctx.options, floors[attr]))
        return None

    def _passlib(self, ctx, node, scheme, param, value_node):
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
        return None

    def _werkzeug(self, ctx, node, method_node):
        if method_node is None:
            return None
        v = ctx.value(method_node)
        if not v.known or not isinstance(v.cval, str):
            return None
        parts = v.cval.split(":")
        opts = ctx.options
        try:
            if parts[0] == "pbkdf2" and len(parts) >= 3:
                floor = _pbkdf2_floor(opts, parts[1])
                if floor and int(parts[2]) < floor:
                    return self.found(node, kdf=f"generate_password_hash(method={v.cval!r})",
                                      param="iterations", value=int(parts[2]), floor=floor,
                                      minimum=_minimum(opts, floor))
            elif parts[0] == "scrypt" and len(parts) >= 2 and int(parts[1]) < opts.min_scrypt_n:
                return self.found(node, kdf=f"generate_password_hash(method={v.cval!r})",
                                  param="n", value=int(parts[1]), floor=opts.min_scrypt_n,
                                  minimum=_minimum(opts, opts.min_scrypt_n))
        except ValueError:
            return None
        return None

    def _floor(self, ctx, node, kdf, param, value_node, floor, default=None):
        """The finding when the value of ``param`` is known and below ``floor``."""
        if value_node is None:
            if default is None or default >= floor:
                return None
            value = default
        else:
            value = known_int(ctx.value(value_node))
            if value is None:
                return None
        if value < floor:
            return self.found(node, kdf=kdf, param=param, value=value, floor=floor,
                              minimum=_minimum(ctx.options, floor))
        return None


def _minimum(opts, floor: int) -> str:
    """Whose floor it is: the user's own (a work-factor option set to it) or OWASP's."""
    for f in fields(opts):
        if f.name.startswith("min_") and getattr(opts, f.name) == floor \
                and getattr(DEFAULT_OPTIONS, f.name) != floor:
            return f"the configured minimum ({f.name.replace('_', '-')})"
    return "the OWASP minimum"


def _pbkdf2_floor(opts, name) -> int | None:
    if not isinstance(name, str):
        return None
    attr = crypto.PBKDF2_FLOORS.get(name.lower().replace("-", "").replace("_", ""))
    return getattr(opts, attr) if attr else None
