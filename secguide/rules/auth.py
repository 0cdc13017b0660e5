"""Guide section: Authentication and sessions (JWT, cookies, CSRF, secrets in
comparisons, random tokens, password policy, session contents)."""
from __future__ import annotations

import ast
import re

from secguide.analysis.functions import dotted
from secguide.models import config
from secguide.rule import Rule
from secguide.rules._common import flow_text, known_int, last_name, origin_text
from secguide.vocab import CODE_SIGNATURE_QUALIFIERS, is_password_name, secret_kind, words

_TIMING_KINDS = frozenset({"password", "token", "secret", "api key", "key", "signature",
                           "one-time code", "password hash"})
_RANDOM_KINDS = frozenset({"password", "token", "secret", "api key", "key", "one-time code",
                           "nonce", "salt", "session"})


def _false(ctx, node) -> bool:
    v = ctx.value(node)
    return v.known and v.cval is False


def _true(ctx, node) -> bool:
    v = ctx.value(node)
    return v.known and v.cval is True


def setting_assignments(node: ast.AST, ctx):
    """(setting name, value node, report node) for every setting a statement or
    call sets: ``NAME = v`` (settings module), ``app.config["NAME"] = v``,
    ``app.config.update(NAME=v)`` / ``.update({"NAME": v})``, and
    ``NAME = v`` in a class body (Flask config classes)."""
    if type(node) is ast.Assign:
        for target in node.targets:
            if isinstance(target, ast.Name):
                if ctx.fn is None:
                    yield target.id, node.value, node
            elif isinstance(target, ast.Subscript) and \
                    last_name(target.value) in ("config", "settings"):
                key = ctx.value(target.slice)
                if key.known and isinstance(key.cval, str):
                    yield key.cval, node.value, node
    elif type(node) is ast.Call and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("update", "from_mapping", "setdefault") and \
            last_name(node.func.value) in ("config", "settings"):
        for kw in node.keywords:
            if kw.arg:
                yield kw.arg, kw.value, node
        if node.args and isinstance(node.args[0], ast.Dict):
            for k, v in zip(node.args[0].keys, node.args[0].values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    yield k.value, v, node


class JwtUnverified(Rule):
    """A JWT is decoded without verifying its signature."""

    code = "SCG501"
    symbol = "jwt-unverified"
    message = "{sink}() {problem}; verify the signature with a key and an explicit algorithms=[...] list"
    cwe = 347
    severity = "HIGH"
    confidence = "HIGH"
    section = "Authentication and Sessions: JWT"
    rationale = (
        "A JWT's claims are only as trustworthy as its signature check. "
        "Decoding with verification off, accepting the `none` algorithm, or "
        "letting the token's header pick the algorithm (PyJWT without "
        "`algorithms=`, the RS256/HS256 key-confusion attack) lets anyone "
        "mint a token for any user (CWE-347)."
    )
    example = (
        "import jwt\n\n\n"
        "def current_user_id(token):\n"
        "    claims = jwt.decode(token, options={'verify_signature': False})\n"
        "    return claims['sub']\n"
    )
    fix = (
        "import jwt\n\n"
        "from config import JWT_PUBLIC_KEY\n\n\n"
        "def current_user_id(token):\n"
        "    claims = jwt.decode(token, JWT_PUBLIC_KEY, algorithms=['RS256'])\n"
        "    return claims['sub']\n"
    )
    not_flagged = (
        "`jwt.get_unverified_header()` (reading `kid` to pick a key is normal); "
        "decode calls with a key and an algorithms list without 'none'; "
        "python-jose decode without algorithms (it checks the key type)."
    )
    calls = config.JWT_DECODE
    node_types = (ast.Call,)
    report_types = (ast.Call,)

    def check(self, node, ctx):
        q = ctx.call_name(node)
        if q not in config.JWT_DECODE:
            return
        sink = ctx.source_text(node.func)
        options = ctx.keyword(node, "options")
        if options is not None:
            items = ctx.value(options).items or {}
            flag = items.get("verify_signature")
            if flag is not None and flag.known and flag.cval is False:
                return ctx.report(self, node, sink=sink,
                                  problem="skips signature verification (verify_signature False)")
        verify = ctx.keyword(node, "verify")
        if verify is not None and _false(ctx, verify):
            return ctx.report(self, node, sink=sink, problem="skips signature verification (verify=False)")
        algorithms = ctx.keyword(node, "algorithms")
        if algorithms is not None:
            v = ctx.value(algorithms)
            names = [i.cval for i in (v.items or {}).values() if i.known] if v.items else (
                [v.cval] if v.known else [])
            if any(isinstance(n, str) and n.lower() == "none" for n in names):
                return ctx.report(self, node, sink=sink, problem="accepts the 'none' algorithm")
            return None
        key = ctx.arg(node, 1, "key")
        if q in config.JWT_PYJWT and key is not None:
            ctx.report(self, node, sink=sink, confidence="MEDIUM",
                       problem="lets the token's header choose the algorithm (no algorithms=)")
        return None


class InsecureCookie(Rule):
    """A session or auth cookie is sent without Secure/HttpOnly."""

    code = "SCG502"
    symbol = "insecure-cookie"
    message = "{what}; set Secure and HttpOnly (and SameSite) on session and auth cookies"
    cwe = 614
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Authentication and Sessions: Cookies"
    rationale = (
        "A session cookie without Secure is sent over plain HTTP, where anyone "
        "on the network reads it; without HttpOnly, any XSS reads it with "
        "document.cookie; without SameSite, other sites make requests that "
        "carry it (CWE-614, CWE-1004). Either way the session is stolen."
    )
    example = (
        "from flask import Flask\n\n"
        "app = Flask(__name__)\n"
        "app.config['SESSION_COOKIE_SECURE'] = False\n"
    )
    fix = (
        "from flask import Flask\n\n"
        "app = Flask(__name__)\n"
        "app.config['SESSION_COOKIE_SECURE'] = True\n"
    )
    not_flagged = (
        "Cookies with the flags set; non-sensitive cookies (theme, language) "
        "without flags; flags set from a variable; test settings."
    )
    calls = frozenset({"update", "from_mapping", "setdefault", "set_cookie"})
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Assign, ast.Call)
    report_types = (ast.Assign, ast.Call)

    def check(self, node, ctx):
        if ctx.is_test_file:
            return
        for name, value, at in setting_assignments(node, ctx):
            if name in config.COOKIE_FLAG_SETTINGS and _false(ctx, value):
                return ctx.report(self, at, what=f"{name} = False")
            if name in config.SAMESITE_SETTINGS:
                v = ctx.value(value)
                if v.known and (v.cval is None or str(v.cval).lower() == "none"):
                    return ctx.report(self, at, what=f"{name} = None")
        if type(node) is ast.Call and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "set_cookie":
            secure, httponly = ctx.keyword(node, "secure"), ctx.keyword(node, "httponly")
            for flag, kw in (("secure", secure), ("httponly", httponly)):
                if kw is not None and _false(ctx, kw):
                    return ctx.report(self, node, what=f"set_cookie(..., {flag}=False)")
            name = ctx.value(ctx.arg(node, 0, "key"))
            if name.known and isinstance(name.cval, str) and \
                    config.SENSITIVE_COOKIE_WORDS.intersection(words(name.cval)):
                missing = [f for f, kw in (("secure", secure), ("httponly", httponly)) if kw is None]
                if missing:
                    ctx.report(self, node, what=f"cookie '{name.cval}' is set without "
                                                f"{' and '.join(missing)}")
        return None


class CsrfDisabled(Rule):
    """CSRF protection is switched off."""

    code = "SCG503"
    symbol = "csrf-disabled"
    message = "{what} turns CSRF protection off; keep it on and send the token from forms and JavaScript"
    cwe = 352
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Authentication and Sessions: CSRF"
    rationale = (
        "Browsers attach cookies to requests that other sites trigger. "
        "Without a CSRF token check, a page on any domain can submit a form "
        "that changes a logged-in user's email, password or payment details "
        "(CWE-352). Exempt only endpoints that authenticate without cookies "
        "(API tokens, webhooks with signatures), and say why next to them."
    )
    example = (
        "from django.http import JsonResponse\n"
        "from django.views.decorators.csrf import csrf_exempt\n\n\n"
        "@csrf_exempt\n"
        "def change_email(request):\n"
        "    request.user.email = request.POST['email']\n"
        "    request.user.save()\n"
        "    return JsonResponse({'ok': True})\n"
    )
    fix = (
        "from django.http import JsonResponse\n"
        "from django.views.decorators.http import require_POST\n\n\n"
        "@require_POST\n"
        "def change_email(request):\n"
        "    request.user.email = request.POST['email']\n"
        "    request.user.save()\n"
        "    return JsonResponse({'ok': True})\n"
    )
    not_flagged = "Views without those decorators; settings in test modules; `csrf_exempt` in tests."
    calls = frozenset({"csrf_exempt", "exempt", "update", "from_mapping", "setdefault"})
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.Call)
    report_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.Call)

    def check(self, node, ctx):
        if ctx.is_test_file:
            return
        t = type(node)
        if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            for dec in node.decorator_list:
                target = dec
                if isinstance(dec, ast.Call) and last_name(dec.func) == "method_decorator" and dec.args:
                    target = dec.args[0]
                if isinstance(target, ast.Call):
                    continue
                if _is_exempt(ctx, target) and not _checks_csrf_itself(node):
                    # Bandit runs no tests on ClassDef: a class decorator's
                    # finding sits on the decorator call, a def's on the def
                    owner = dec if t is ast.ClassDef else node
                    if t is ast.ClassDef and not isinstance(dec, ast.Call):
                        continue
                    ctx.report(self, owner, at=target, what=f"@{dotted(target) or 'csrf_exempt'}")
            return
        for name, value, at in setting_assignments(node, ctx):
            if name in config.CSRF_SETTINGS and _false(ctx, value):
                return ctx.report(self, at, what=f"{name} = False")
        if t is ast.Call and node.args and _is_exempt(ctx, node.func) and \
                isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Call)):
            view = _view_def(ctx, node.args[0])
            if view is not None and _checks_csrf_itself(view):
                return None
            ctx.report(self, node, what=f"{dotted(node.func) or 'csrf_exempt'}(...)")
        return None


_CSRF_CHECK = re.compile(r"(?i)^_?(enforce|check|verify|validate)_?csrf")


def _checks_csrf_itself(node) -> bool:
    """Does an exempted view run a CSRF check of its own (``_enforce_csrf``,
    ``check_csrf``, ``CsrfViewMiddleware(...).process_view``)?"""
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            name = last_name(n.func)
            if _CSRF_CHECK.match(name) or (name == "process_view" and "Csrf" in (dotted(n.func) or "")):
                return True
            if name == "process_view" and isinstance(n.func, ast.Attribute) and \
                    isinstance(n.func.value, ast.Call) and "Csrf" in last_name(n.func.value.func):
                return True
    return False


def _view_def(ctx, arg):
    """The module-level def or class that ``csrf_exempt(arg)`` wraps
    (``LoginView.as_view()``, ``login_view``), if it is in this file."""
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "as_view":
        arg = arg.func.value
    name = arg.id if isinstance(arg, ast.Name) else None
    if name is None:
        return None
    for st in ctx.tree.body:
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and st.name == name:
            return st
    return None


def _is_exempt(ctx, target) -> bool:
    q = ctx.qualname(target) or ""
    if q.endswith("csrf_exempt"):
        return True
    d = dotted(target) or ""
    if d.endswith(".exempt") and "csrf" in d.lower():
        return True
    return d == "csrf_exempt"


def _operand_name(ctx, node) -> str | None:
    """The name an operand goes by: variable, attribute, constant key or callee."""
    t = type(node)
    if t is ast.Name:
        return node.id
    if t is ast.Attribute:
        return node.attr
    if t is ast.Call:
        return last_name(node.func) or None
    return None


_NAME_TAILS = frozenset({"name", "names", "type", "alg", "algorithm", "id", "kind"})


def _case_folded(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        node.func.attr in ("upper", "lower", "casefold")


def _code_fingerprint(ctx, node) -> bool:
    """``func_signature``, ``test_db_signature()``: named as the signature or
    digest of code or data (vocab.CODE_SIGNATURE_QUALIFIERS), not a MAC."""
    name = _operand_name(ctx, node)
    if not name:
        return False
    ws = words(name)
    for i in range(len(ws) - 1, 0, -1):
        if ws[i] in ("signature", "sig", "digest"):
            return ws[i - 1] in CODE_SIGNATURE_QUALIFIERS
    return False


def _secretish(ctx, node) -> str | None:
    """The secret kind of an operand by its name, or None."""
    t = type(node)
    name = None
    if t is ast.Name:
        name = node.id
    elif t is ast.Attribute:
        name = node.attr
    elif t is ast.Subscript:
        key = ctx.value(node.slice)
        name = key.cval if key.known and isinstance(key.cval, str) else None
    elif t is ast.Call:
        fname = last_name(node.func)
        if fname in ("hexdigest", "digest"):
            return "signature"
        if fname in ("get", "getattr") and node.args:
            key = ctx.value(node.args[-1] if fname == "getattr" else node.args[0])
            name = key.cval if key.known and isinstance(key.cval, str) else None
        else:
            name = fname
    if not name:
        return None
    ws = words(name)
    if name.lstrip("_").isupper() and ws and ws[-1] not in ("key", "secret", "token", "password",
                                                            "signature", "salt", "pepper"):
        return None  # TOKEN_STRING, SECRET_KEY_FALLBACKS: constants about a secret
    if len(ws) > 1 and ws[-1] in ("hash", "hashed", "digest") and is_password_name(ws[-2]):
        return "password hash"
    kind = secret_kind(name, ctx.extra_secret_names)
    if kind is None and is_password_name(name, ctx.extra_password_names):
        kind = "password"
    return kind if kind in _TIMING_KINDS else None


_CONFIRM_WORDS = frozenset({"confirm", "confirmation", "confirmed", "repeat", "repeated",
                            "again", "retype", "retyped", "verify", "check", "2", "new", "old",
                            "current", "previous", "prev"})


def _confirmation(node) -> bool:
    name = node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")
    if not name and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        name = str(node.slice.value)
    return bool(_CONFIRM_WORDS.intersection(words(name))) or name.endswith("2")


def _constant_name(node) -> bool:
    name = node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")
    return bool(name) and name.lstrip("_").isupper()


def _comparable(ctx, node) -> bool:
    """Could this operand hold a secret (not a literal, None, number, bool)?"""
    if isinstance(node, ast.Constant):
        return False
    v = ctx.value(node)
    if v.is_const:
        return False  # literals and constants: hardcoded values are SCG701's
    if v.typ == "int":
        return False
    return not isinstance(node, (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr))


class TimingUnsafeCompare(Rule):
    """A secret is compared with == (time depends on the common prefix)."""

    code = "SCG504"
    symbol = "timing-unsafe-compare"
    message = "{what} is compared with {op}, which leaks how much matched through timing; use hmac.compare_digest()"
    cwe = 208
    severity = "MEDIUM"
    confidence = "MEDIUM"
    section = "Authentication and Sessions: Comparing secrets"
    rationale = (
        "`==` on strings stops at the first differing byte, so the time it "
        "takes tells an attacker how many leading characters of a token, "
        "signature or API key they guessed right; repeated over the network, "
        "the secret leaks byte by byte (CWE-208). `hmac.compare_digest` "
        "takes the same time whatever the inputs."
    )
    example = (
        "import hmac\n\n\n"
        "def valid_webhook(body, signature, secret):\n"
        "    expected = hmac.new(secret, body, 'sha256').hexdigest()\n"
        "    return expected == signature\n"
    )
    fix = (
        "import hmac\n\n\n"
        "def valid_webhook(body, signature, secret):\n"
        "    expected = hmac.new(secret, body, 'sha256').hexdigest()\n"
        "    return hmac.compare_digest(expected, signature)\n"
    )
    not_flagged = (
        "hmac.compare_digest/secrets.compare_digest; comparisons with None, "
        "\"\", booleans, numbers or short literal keywords (`token_type == "
        "\"Bearer\"`); identifiers such as token_id, token_type; lengths; "
        "parser, path and pagination tokens (`next_token`, `c_token`); "
        "signatures of code or data (`inspect.signature`, `test_db_signature()`)."
    )
    node_types = (ast.Compare,)
    report_types = (ast.Compare,)

    def check(self, node, ctx):
        if len(node.ops) != 1 or type(node.ops[0]) not in (ast.Eq, ast.NotEq):
            return
        if ctx.is_test_file:
            return  # tests compare fixtures; nothing there faces an attacker
        left, right = node.left, node.comparators[0]
        fn = ctx.fn
        if fn is not None and fn.name in ("__eq__", "__ne__", "__hash__", "__lt__"):
            return  # field-by-field equality of two objects
        kind = _secretish(ctx, left) or _secretish(ctx, right)
        if kind is None or not (_comparable(ctx, left) and _comparable(ctx, right)):
            return
        for side, other in ((left, right), (right, left)):
            if _constant_name(side) and _secretish(ctx, side) is None:
                return  # token == TOKEN_BLOCK_BEGIN: a kind of token, not a secret
            if _constant_name(side) and _secretish(ctx, other) is None and \
                    not ctx.value(other).taint:
                return  # attr == _WILDCARD_TOKEN: a marker constant, not a check
        if _confirmation(left) or _confirmation(right):
            return  # password == confirm_password: both typed by the same user
        if _code_fingerprint(ctx, left) or _code_fingerprint(ctx, right):
            return  # test_db_signature() != default_sig: fingerprints of code/data
        if _case_folded(left) or _case_folded(right):
            return  # value.upper() == upper_token: a keyword match, not a secret check
        for side in (left, right):
            name = _operand_name(ctx, side)
            if name and _secretish(ctx, side) is None and words(name) and \
                    words(name)[-1] in _NAME_TAILS:
                return  # name != digest: the other side is a name or type
        what = ctx.source_text(left if _secretish(ctx, left) else right)
        ctx.report(self, node, what=f"the {kind} {what}",
                   op="==" if isinstance(node.ops[0], ast.Eq) else "!=")


class InsecureRandomSecret(Rule):
    """A token, password, code, salt or key comes from the random module."""

    code = "SCG505"
    symbol = "insecure-random-secret"
    message = ("{what} is made with the random module, whose output can be predicted; "
               "use secrets (token_urlsafe, token_hex, choice) instead")
    cwe = 338
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Authentication and Sessions: Randomness"
    rationale = (
        "The random module is a Mersenne Twister: 624 observed outputs "
        "reveal its state and every value it will produce. Reset tokens, "
        "session ids, one-time codes, salts and keys made with it can be "
        "predicted (CWE-338). The secrets module draws from the operating "
        "system's CSPRNG."
    )
    example = (
        "import random\n"
        "import string\n\n\n"
        "def new_reset_token():\n"
        "    token = ''.join(random.choices(string.ascii_letters, k=32))\n"
        "    return token\n"
    )
    fix = (
        "import secrets\n\n\n"
        "def new_reset_token():\n"
        "    token = secrets.token_urlsafe(32)\n"
        "    return token\n"
    )
    not_flagged = (
        "random for shuffling, jitter, sampling, games and simulations; "
        "random.SystemRandom; test modules."
    )
    node_types = (ast.Assign, ast.AnnAssign, ast.Return)
    report_types = (ast.Assign, ast.AnnAssign, ast.Return)

    def check(self, node, ctx):
        if ctx.is_test_file or node.value is None:
            return
        v = ctx.value(node.value)
        if "random" not in v.labels:
            return
        if type(node) is ast.Return:
            if isinstance(node.value, ast.Name):
                return  # reported where the variable was made a secret, if named so
            fn = ctx.fn
            kind = _random_kind(fn.name) if fn is not None else None
            if kind:
                ctx.report(self, node, what=f"the {kind} returned by {fn.name}()")
            return
        targets = node.targets if type(node) is ast.Assign else [node.target]
        fn_kind = _random_kind(ctx.fn.name) if ctx.fn is not None else None
        for target in targets:
            name = last_name(target) if not isinstance(target, ast.Subscript) else (
                ctx.value(target.slice).cval if ctx.value(target.slice).known else None)
            kind = _random_kind(name) if isinstance(name, str) else None
            if kind is None and fn_kind and name in _GENERIC_TARGETS:
                kind = fn_kind  # code = ... inside send_verification_code()
            if kind:
                ctx.report(self, node, what=f"the {kind} {ctx.source_text(target)}")
                return


def _random_kind(name: str) -> str | None:
    low = name.lower()
    if low.startswith(_NOT_SECRET_MAKERS):
        return None
    if any(w in low for w in ("session_id", "sessionid", "session_key", "sid")) and \
            not low.endswith(("_len", "_length", "_name")):
        return "session id"
    if "_" not in low and low.startswith(("generate", "gen", "make", "create", "new", "random")):
        return None
    for prefix in ("generate_", "gen_", "make_", "create_", "new_", "random_", "get_new_"):
        if low.startswith(prefix):
            low = low[len(prefix):]
            break
    kind = secret_kind(low)
    if kind in _RANDOM_KINDS:
        return kind
    if is_password_name(low):
        return "password"
    return None


_NOT_SECRET_MAKERS = ("sample", "shuffle", "pick", "choose", "select", "jitter", "backoff",
                      "delay", "sleep", "retry", "split", "augment", "simulate", "roll", "draw")
_GENERIC_TARGETS = frozenset({"code", "pin", "otp", "value", "result", "out", "s", "res",
                              "digits", "chars", "secret", "key", "token"})


class WeakPasswordPolicy(Rule):
    """A password length limit below NIST SP 800-63B."""

    code = "SCG506"
    symbol = "weak-password-policy"
    message = ("password length check against {limit} {problem}; require at least 8 "
               "characters and allow at least 64 (NIST SP 800-63B)")
    cwe = 521
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Authentication and Sessions: Password policy"
    rationale = (
        "NIST SP 800-63B asks for passwords of at least 8 characters and "
        "allows at least 64, so that passphrases and password managers work. "
        "Short minimums make guessing cheap; short maximums push users to "
        "weak, reused passwords (CWE-521)."
    )
    example = (
        "def validate_password(password):\n"
        "    if len(password) < 6:\n"
        "        raise ValueError('password too short')\n"
    )
    fix = (
        "def validate_password(password):\n"
        "    if len(password) < 12:\n"
        "        raise ValueError('password too short')\n"
    )
    not_flagged = "Usernames and other fields; minimums of 8 or more; maximums of 64 or more."
    node_types = (ast.Compare, ast.Assign, ast.AnnAssign, ast.Dict)
    report_types = (ast.Compare, ast.Call, ast.Constant)

    def check(self, node, ctx):
        t = type(node)
        if t in (ast.Assign, ast.AnnAssign):
            self._declared(node, ctx)
            return
        if t is ast.Dict:
            self._django_validator(node, ctx)
            return
        operands = [node.left] + list(node.comparators)
        for i, op in enumerate(node.ops):
            if self._pair(ctx, node, operands[i], type(op), operands[i + 1]):
                return

    def _pair(self, ctx, node, left, op, right) -> bool:
        if _len_of_password(ctx, right) and not _len_of_password(ctx, left):
            left, right = right, left
            op = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}.get(op, op)
        if op not in (ast.Lt, ast.LtE, ast.Gt, ast.GtE) or not _len_of_password(ctx, left):
            return False
        n = known_int(ctx.value(right))
        if n is None or n <= 0:
            return False
        # a small bound is a minimum, a large one a maximum, whichever way round
        if n < 20:
            minimum = n + 1 if op in (ast.LtE, ast.Gt) else n
            if minimum < 8:
                ctx.report(self, node, limit=n, problem=f"sets a minimum of {minimum} (below 8)")
                return True
        else:
            maximum = n if op in (ast.Gt, ast.LtE) else n - 1
            if maximum < 64:
                ctx.report(self, node, limit=n, problem=f"caps the length at {maximum} (below 64)")
                return True
        return False

    def _declared(self, node, ctx):
        """``password = PasswordField(validators=[Length(min=6)])``,
        ``password = serializers.CharField(min_length=6)``,
        ``password: str = Field(min_length=6)``, ``password: constr(min_length=6)``."""
        targets = node.targets if type(node) is ast.Assign else [node.target]
        if not any(is_password_name(last_name(t)) for t in targets
                   if isinstance(t, (ast.Name, ast.Attribute))):
            return
        calls = [c for c in (node.value, getattr(node, "annotation", None))
                 if isinstance(c, ast.Call)]
        for call in list(calls):
            validators = ctx.keyword(call, "validators")
            if isinstance(validators, (ast.List, ast.Tuple)):
                calls += [v for v in validators.elts if isinstance(v, ast.Call) and
                          last_name(v.func) in ("Length", "length", "MinLengthValidator",
                                                "MaxLengthValidator", "Len")]
        for call in calls:
            name = last_name(call.func)
            for kw_min, kw_max in (("min_length", "max_length"), ("min", "max")):
                lo = known_int(ctx.value(ctx.keyword(call, kw_min))) if ctx.keyword(call, kw_min) else None
                hi = known_int(ctx.value(ctx.keyword(call, kw_max))) if ctx.keyword(call, kw_max) else None
                if name == "MinLengthValidator" and call.args:
                    lo = known_int(ctx.value(call.args[0]))
                if name == "MaxLengthValidator" and call.args:
                    hi = known_int(ctx.value(call.args[0]))
                if lo is not None and 0 < lo < 8:
                    ctx.report(self, call, limit=lo, problem=f"sets a minimum of {lo} (below 8)")
                    return
                if hi is not None and 0 < hi < 64:
                    ctx.report(self, call, limit=hi, problem=f"caps the length at {hi} (below 64)")
                    return

    def _django_validator(self, node, ctx):
        """AUTH_PASSWORD_VALIDATORS: MinimumLengthValidator with min_length < 8."""
        items = dict(zip((k.value if isinstance(k, ast.Constant) else None for k in node.keys),
                         node.values))
        name, options = items.get("NAME"), items.get("OPTIONS")
        if not (isinstance(name, ast.Constant) and str(name.value).endswith(
                "MinimumLengthValidator") and isinstance(options, ast.Dict)):
            return
        for k, v in zip(options.keys, options.values):
            if isinstance(k, ast.Constant) and k.value == "min_length":
                n = known_int(ctx.value(v))
                if n is not None and n < 8:
                    ctx.report(self, k, limit=n, problem=f"sets a minimum of {n} (below 8)")


def _len_of_password(ctx, node) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"
            and len(node.args) == 1):
        return False
    v = ctx.value(node.args[0])
    return "password" in v.labels and "hashed" not in v.labels


class UntrustedDataInSession(Rule):
    """Request data is stored in the session without validation."""

    code = "SCG507"
    symbol = "untrusted-data-in-session"
    message = ("{source} is stored in the session{flow_key}; validate it against an "
               "allow-list or convert it to the expected type first")
    cwe = 501
    severity = "MEDIUM"
    confidence = "MEDIUM"
    section = "Authentication and Sessions: Session contents"
    rationale = (
        "Code trusts what it finds in the session: it was put there by the "
        "server. Copying request data into it unchecked crosses that trust "
        "boundary (CWE-501): a role, a user id or a redirect target chosen "
        "by the client becomes 'server state' that later code acts on."
    )
    example = (
        "from flask import Flask, request, session\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/prefs', methods=['POST'])\n"
        "def prefs():\n"
        "    session['role'] = request.form['role']\n"
        "    return {'ok': True}\n"
    )
    fix = (
        "from flask import Flask, request, session\n\n"
        "app = Flask(__name__)\n"
        "THEMES = ('light', 'dark')\n\n\n"
        "@app.route('/prefs', methods=['POST'])\n"
        "def prefs():\n"
        "    theme = request.form['theme']\n"
        "    if theme in THEMES:\n"
        "        session['theme'] = theme\n"
        "    return {'ok': True}\n"
    )
    not_flagged = "Values checked against an allow-list first; constants; int()-converted values."
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Assign,)
    report_types = (ast.Assign,)

    def check(self, node, ctx):
        for target in node.targets:
            if not isinstance(target, ast.Subscript):
                continue
            base = target.value
            if not (ctx.qualname(base) == "flask.session" or
                    (dotted(base) or "").endswith("request.session")):
                continue
            key = ctx.value(target.slice).tainted_for("session")
            if key:
                ctx.report(self, node, source=origin_text(key), flow_key=" as a key")
                return
            val = ctx.value(node.value).tainted_for("session")
            if val:
                ctx.report(self, node, source=origin_text(val), flow_key="")
                return


__all__ = ["JwtUnverified", "InsecureCookie", "CsrfDisabled", "TimingUnsafeCompare",
           "InsecureRandomSecret", "WeakPasswordPolicy", "UntrustedDataInSession",
           "flow_text"]
