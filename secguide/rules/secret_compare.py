"""Guide section: Authentication and sessions: comparing secrets and making
them (timing-safe comparison, a CSPRNG for tokens)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import auth, crypto
from secguide.rule import Rule
from secguide.rules._common import last_name
from secguide.rules._held import _Held, _bindings_before, _held, _looked_up_by
from secguide.vocab import (CODE_SIGNATURE_QUALIFIERS, CONFIRM_WORDS, GENERIC_SECRET_TARGETS,
                            HASH_TAILS, IDENTIFIER_TAILS, MAKER_HEADS, MAKER_PREFIXES,
                            NOT_SECRET_MAKERS, RANDOM_SECRET_KINDS, SECRET_CONSTANT_TAILS,
                            SESSION_ID_NOT_TAILS, SESSION_ID_PARTS, SIGNATURE_WORDS,
                            TEST_DOUBLE_PREFIXES, TIMING_SECRET_KINDS, is_password_name,
                            secret_kind, words)


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


_SECRET_LABELS = frozenset({labels.SECRET, labels.PASSWORD})


def _enum_member(ctx, node) -> bool:
    """``AuthMethod.client_secret`` where ``AuthMethod`` is an ``Enum`` of
    this file or of the project: a named constant, not a secret."""
    if type(node) is not ast.Attribute or type(node.value) not in (ast.Name, ast.Attribute):
        return False
    project = ctx.project
    if project is None:
        return False
    q = ctx.qualname(node.value)
    if q is None and type(node.value) is ast.Name:
        q = node.value.id  # a class of this file
    return bool(q) and any(b.rsplit(".", 1)[-1] in auth.ENUM_BASES
                           for b in project.base_names(q))


def _content_digest(ctx, func) -> bool:
    """``hashlib.sha256(data).hexdigest()``, ``hasher.digest()``: the digest of
    an unkeyed hash, a fingerprint of content (not a MAC: ``hmac.new`` and
    ``blake2b(key=...)`` are keyed), unless what it hashes is named or
    labelled a secret (``sha256(secret + body)``, a home-made MAC)."""
    recv = func.value if type(func) is ast.Attribute else None
    if recv is None or ctx.value(recv).qual != crypto.HASH_OBJECT:
        return False
    if type(recv) is ast.Call:
        for a in recv.args:
            if ctx.value(a).labels & _SECRET_LABELS or _secretish(ctx, a):
                return False
    return True


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
            return None if _content_digest(ctx, node.func) else "signature"
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


# -- who can choose an operand -------------------------------------------------
class _CompareState:
    """Per file: the ``==`` nodes that build SQL, not compare (F2)."""

    __slots__ = ("sql",)

    def __init__(self):
        self.sql: set = set()


def _sql_operands(nodes, out: set) -> None:
    """Record the ``==`` nodes among the arguments of a query builder call
    (nested ``and_``/``or_``/``not_`` and ``case`` tuples included; never a
    ``lambda``, whose body compares in Python)."""
    for a in nodes:
        if isinstance(a, ast.Compare):
            out.add(id(a))
        elif isinstance(a, ast.Call) and last_name(a.func) in auth.SQL_EXPRESSION_CALLS:
            _sql_operands(a.args, out)
        elif isinstance(a, (ast.Tuple, ast.List)):
            _sql_operands(a.elts, out)


def _field_confirmation(fn) -> bool:
    """``@field_validator("password_confirm")``: the value and the other field
    come from the same form."""
    for d in getattr(fn.node, "decorator_list", ()):
        if isinstance(d, ast.Call) and last_name(d.func) in auth.FIELD_VALIDATORS:
            for a in d.args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str) and \
                        CONFIRM_WORDS.intersection(words(a.value)):
                    return True
    return False


def _test_double(fn) -> bool:
    """A method of ``FakeHasher``/``DummySigner``: a test double shipped with
    the application (by name: the last resort)."""
    ci = fn.class_info
    return ci is not None and ci.name.startswith(TEST_DOUBLE_PREFIXES)


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
        "signatures of code or data (`inspect.signature`, `test_db_signature()`) and "
        "digests of unkeyed hashes (`hashlib.blake2b(data).hexdigest()`; `hmac.new` "
        "and `blake2b(key=...)` are keyed, and a hash over a secret is still one); "
        "members of an `Enum` of the file or project (`method == "
        "AuthMethod.client_secret`); "
        "SQL expressions (`select(Key).where(Key.token == token)`, "
        "`query.filter(...)`, `and_`/`or_`); comparisons where neither side can "
        "be chosen by the client: a payload whose signature was checked "
        "(`signer.unsign()`, `signing.loads()`, itsdangerous `loads()`, or a "
        "project helper that calls them, read from the project facts), the "
        "session store, the configuration, a record loaded from the database "
        "and its fields, password-hasher output, what the operator types at the "
        "terminal (`getpass()`, `click.prompt()`: a command's password and its "
        "confirmation), and server computations over these "
        "(`session['hash'] != hmac(user.password)`); a key compared with a field "
        "of the record it was just looked up by (`project = "
        "Project.objects.for_api_key(key)`, then `key == project.api_key_ro`); "
        "field validators of a confirmation field (`@field_validator("
        "\"password_confirm\")`); methods of test doubles (`FakeHasher`, by name). "
        "Confidence: MEDIUM when data flow shows one side comes from the request "
        "(a header, form field, query or route parameter); LOW when the verdict "
        "rests on names alone (a parameter or value of unknown origin compared "
        "with something named like a secret)."
    )
    node_types = (ast.Compare, ast.Call)
    calls = auth.SQL_EXPRESSION_CALLS
    report_types = (ast.Compare,)
    reads_options = ("password-names", "secret-names")
    reads_labels = frozenset({labels.HASHED})
    skip_test_files = True  # tests compare fixtures; nothing there faces an attacker
    function_state = _Held
    file_state = _CompareState

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Call:
            _sql_operands(node.args, ctx.file_state_of(self).sql)
            return None
        return self._compare(node, ctx)

    def _compare(self, node, ctx):
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
        if _enum_member(ctx, left) or _enum_member(ctx, right):
            return  # method == AuthMethod.client_secret: a member of an Enum, a keyword
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
        if id(node) in ctx.file_state_of(self).sql:
            return  # select(Key).where(Key.token == token): builds SQL
        st = ctx.fn_state(self) if fn is not None else None
        if fn is not None and (_field_confirmation(fn) or _test_double(fn)):
            return
        if st is not None:
            st.memo.clear()
            _bindings_before(fn, st, node.lineno)
        held = [_held(ctx, side, st) for side in (left, right)]
        if None not in held:
            return  # neither side can be chosen by the client
        if _looked_up_by(ctx, left, right, st) or _looked_up_by(ctx, right, left, st):
            return  # the record was found by this very value
        client = any(h is None and ctx.value(side).taint
                     for h, side in zip(held, (left, right)))
        what = ctx.source_text(left if _secretish(ctx, left) else right)
        return [self.found(node, what=_the(kind, what),
                           op="==" if isinstance(node.ops[0], ast.Eq) else "!=",
                           confidence=None if client else "LOW")]


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
