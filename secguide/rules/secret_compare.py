"""Guide section: Authentication and sessions: comparing secrets and making
them (timing-safe comparison, a CSPRNG for tokens)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import auth
from secguide.rule import Rule
from secguide.rules._common import last_name
from secguide.vocab import (CODE_SIGNATURE_QUALIFIERS, CONFIRM_WORDS, GENERIC_SECRET_TARGETS,
                            HASH_TAILS, IDENTIFIER_TAILS, MAKER_HEADS, MAKER_PREFIXES,
                            NOT_SECRET_MAKERS, RANDOM_SECRET_KINDS, SECRET_CONSTANT_TAILS,
                            SESSION_ID_NOT_TAILS, SESSION_ID_PARTS, SIGNATURE_WORDS,
                            TIMING_SECRET_KINDS, is_password_name, secret_kind, words)


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


def _case_folded(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        node.func.attr in auth.CASE_FOLDS


def _code_fingerprint(ctx, node) -> bool:
    """``func_signature``, ``test_db_signature()``: named as the signature or
    digest of code or data (vocab.CODE_SIGNATURE_QUALIFIERS), not a MAC."""
    name = _operand_name(ctx, node)
    if not name:
        return False
    ws = words(name)
    for i in range(len(ws) - 1, 0, -1):
        if ws[i] in SIGNATURE_WORDS:
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
        if fname in auth.DIGEST_METHODS:
            return "signature"
        if fname in ("get", "getattr") and node.args:
            key = ctx.value(node.args[-1] if fname == "getattr" else node.args[0])
            name = key.cval if key.known and isinstance(key.cval, str) else None
        else:
            name = fname
    if not name:
        return None
    ws = words(name)
    if name.lstrip("_").isupper() and ws and ws[-1] not in SECRET_CONSTANT_TAILS:
        return None  # TOKEN_STRING, SECRET_KEY_FALLBACKS: constants about a secret
    if len(ws) > 1 and ws[-1] in HASH_TAILS and is_password_name(ws[-2]):
        return "password hash"
    kind = secret_kind(name, ctx.extra_secret_names)
    if kind is None and is_password_name(name, ctx.extra_password_names):
        kind = "password"
    return kind if kind in TIMING_SECRET_KINDS else None


def _confirmation(node) -> bool:
    name = node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")
    if not name and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        name = str(node.slice.value)
    return bool(CONFIRM_WORDS.intersection(words(name))) or name.endswith("2")


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
    reads_options = ("password-names", "secret-names")
    skip_test_files = True  # tests compare fixtures; nothing there faces an attacker

    def check(self, node, ctx):
        if len(node.ops) != 1 or type(node.ops[0]) not in (ast.Eq, ast.NotEq):
            return None
        left, right = node.left, node.comparators[0]
        fn = ctx.fn
        if fn is not None and fn.name in auth.EQUALITY_METHODS:
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
                    words(name)[-1] in IDENTIFIER_TAILS:
                return  # name != digest: the other side is a name or type
        what = ctx.source_text(left if _secretish(ctx, left) else right)
        return [self.found(node, what=_the(kind, what),
                           op="==" if isinstance(node.ops[0], ast.Eq) else "!=")]


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
    reads_labels = frozenset({labels.RANDOM})
    skip_test_files = True

    def check(self, node, ctx):
        if node.value is None:
            return None
        v = ctx.value(node.value)
        if labels.RANDOM not in v.labels:
            return None
        if type(node) is ast.Return:
            if isinstance(node.value, ast.Name):
                return  # reported where the variable was made a secret, if named so
            fn = ctx.fn
            kind = _random_kind(fn.name) if fn is not None else None
            if kind:
                return [self.found(node, what=f"the {kind} returned by {fn.name}()")]
            return None
        targets = node.targets if type(node) is ast.Assign else [node.target]
        fn_kind = _random_kind(ctx.fn.name) if ctx.fn is not None else None
        for target in targets:
            name = last_name(target) if not isinstance(target, ast.Subscript) else (
                ctx.value(target.slice).cval if ctx.value(target.slice).known else None)
            kind = _random_kind(name) if isinstance(name, str) else None
            if kind is None and fn_kind and name in GENERIC_SECRET_TARGETS:
                kind = fn_kind  # code = ... inside send_verification_code()
            if kind:
                return [self.found(node, what=_the(kind, ctx.source_text(target)))]
        return None


def _the(kind: str, text: str) -> str:
    """"the token reset_code", but "reset_token" for a name that says its
    kind already (not "the token reset_token")."""
    if kind.replace(" ", "_") in text.lower() or kind in text.lower():
        return text
    return f"the {kind} {text}"


def _random_kind(name: str) -> str | None:
    low = name.lower()
    if low.startswith(NOT_SECRET_MAKERS):
        return None
    if any(w in low for w in SESSION_ID_PARTS) and not low.endswith(SESSION_ID_NOT_TAILS):
        return "session id"
    if "_" not in low and low.startswith(MAKER_HEADS):
        return None
    for prefix in MAKER_PREFIXES:
        if low.startswith(prefix):
            low = low[len(prefix):]
            break
    kind = secret_kind(low)
    if kind in RANDOM_SECRET_KINDS:
        return kind
    if is_password_name(low):
        return "password"
    return None
