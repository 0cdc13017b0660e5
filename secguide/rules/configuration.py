"""Guide section: Secure Configuration Management (secrets, debug)."""
from __future__ import annotations

import ast

from secguide.analysis.settings import HOLDER_KEYS, SETTING_UPDATERS, setting_assignments
from secguide import labels
from secguide.models import config, env
from secguide.rule import Rule
from secguide.rules._common import is_true, last_name
from secguide.vocab import (DOTTED_NAME, PATH_OR_PRIVATE_STARTS, UPPER_SNAKE, is_password_name,
                            secret_kind)


def _literal_secret(v) -> bool:
    """A string literal that is a value, not a placeholder."""
    if not v.known or not isinstance(v.cval, (str, bytes)):
        return False
    text = v.cval.decode("latin-1") if isinstance(v.cval, bytes) else v.cval
    return len(text.strip()) >= 3 and not config.PLACEHOLDER.match(text.strip()) \
        and not _placeholder_words(text)


def _placeholder_words(text: str) -> bool:
    """An all-letters value with a placeholder word in it: ``"DummyKey"``,
    ``"fake-api-token"`` (a value with a digit is judged as a value:
    ``"sk_live_FAKE0123..."`` keeps its format)."""
    if not text.replace("-", "").replace("_", "").replace(" ", "").isalpha():
        return False
    return any(w.lower() in config.PLACEHOLDER_WORDS for w in config.LETTER_WORDS.findall(text))


def _not_identifier(value) -> bool:
    """Literals assigned to names like ``SESSION_TOKEN`` are often keys, labels
    or markers, not secrets: those with spaces (messages), a leading
    underscore, path or pattern characters (``"relationship:*"``), a single
    upper- or lower-case word (``"DEFAULT"``), snake_case, UPPER_SNAKE and
    dotted names, and kebab-case slugs (``"set-password"``) are left alone."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if any(c.isspace() for c in text) or text.startswith(PATH_OR_PRIVATE_STARTS) or \
            any(c in text for c in ":*<>{}"):
        return False
    if text.isalpha() and (text.isupper() or text.islower()):
        return False
    if UPPER_SNAKE.fullmatch(text) or DOTTED_NAME.fullmatch(text):
        return False  # "HTTP_X_VHM_ROOT", "gen_ai.usage.input_tokens"
    # snake_case keys and kebab-case slugs ("set-password", "read_only")
    return not (text.replace("_", "").replace("-", "").isalpha() and text.islower()
                and ("_" in text or "-" in text))


def _named_secret_literal(name: str, v, extra: tuple) -> bool:
    """``name`` says it holds a secret and ``v`` is a literal that looks like
    one: not a placeholder, not shaped like an identifier, not the name
    itself (``API_TOKEN = "api_token"``)."""
    return secret_kind(name, extra) in config.LITERAL_SECRET_KINDS and _literal_secret(v) \
        and _not_identifier(v.cval) and str(v.cval).lower() != name.lower()


def _literal_node(value, fallback=None):
    """Report on the string literal itself (its line), when it is one."""
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
        return value
    return fallback if fallback is not None else value


def _str_const(node) -> bool:
    return type(node) is ast.Constant and type(node.value) is str


def _compared_name(node) -> str:
    """The name a compared operand goes by: ``password``, ``self.password``,
    ``request.form["password"]``, ``request.form.get("password")``."""
    t = type(node)
    if t is ast.Name:
        return node.id
    if t is ast.Attribute:
        return node.attr
    if t is ast.Subscript and _str_const(node.slice):
        return node.slice.value
    if t is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "get" \
            and node.args and _str_const(node.args[0]):
        return node.args[0].value
    return ""


class HardcodedSecret(Rule):
    """A secret is written in the source code."""

    code = "SCG701"
    symbol = "hardcoded-secret"
    message = "{what} is written in the code; read it from the environment or a secrets manager"
    cwe = 798
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Secure Configuration Management: Secrets"
    rationale = (
        "Source code is copied to laptops, CI logs, forks and backups, and "
        "stays in git history forever. A key in it is a key everyone with "
        "any of those has, and rotating it means a release (CWE-798). Keep "
        "secrets in the environment or a secrets manager and read them at "
        "start-up. The rule reports every shape Bandit's B105-B107 look at "
        "(assignments, dict entries, keyword arguments, default arguments, a "
        "password compared with a literal), with a vocabulary of secret names "
        "and placeholders instead of any literal near a \"token\" name."
    )
    example = (
        "from flask import Flask\n\n"
        "app = Flask(__name__)\n"
        "app.config['SECRET_KEY'] = 'f3b1c0ffee-9d2e-4c1a'\n"
    )
    fix = (
        "import os\n\n"
        "from flask import Flask\n\n"
        "app = Flask(__name__)\n"
        "app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n"
    )
    not_flagged = (
        "Values from the environment or a secrets manager; empty strings and "
        "placeholders (`<your-key>`, `${API_KEY}`, `changeme_later`, `\"DummyKey\"`, `None` "
        "defaults); a development default account on this machine, whose password is its "
        "user name (`amqp://guest:guest@localhost//`); names "
        "that are about a secret rather than the secret (`API_KEY_HEADER = "
        "\"X-API-Key\"`, `token_type = \"Bearer\"`, `*_url`, `*_file`); for "
        "names other than framework settings, identifier-like values "
        "(`\"set-password\"`, `\"read_only\"`); URLs without a password; test modules. "
        "Comparisons are reported only against a password (a password name or a value "
        "labelled a password, not its hash): `token == \"NAME\"` in a tokenizer is not a "
        "credential, nor are upper-case markers (`user.password == \"LDAP\"`) and "
        "snake_case sentinels (`\"not_set\"`)."
    )
    calls = frozenset(config.SIGNING_KEY_ARGS) | SETTING_UPDATERS
    calls_with_keywords = True  # Client(api_key="...")
    min_str_len = 16  # token formats and URLs with a password: none shorter
    str_needles = ("://",) + config.TOKEN_MARKERS  # a URL with a password, a token format
    node_types = (ast.Assign, ast.AnnAssign, ast.Call, ast.Constant, ast.Dict,
                  ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Compare)
    report_types = (ast.Assign, ast.AnnAssign, ast.Call, ast.Constant)
    reads_options = ("secret-names", "password-names")
    reads_labels = frozenset({labels.PASSWORD, labels.HASHED})

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Constant:
            s = node.value
            if type(s) is str and len(s) >= 16:  # most constants stop here
                return self._formats(node, ctx)
            return None
        if t is ast.Compare:
            return self._compare(node, ctx)
        if t in _DEFS:
            return self._defaults(node, ctx)
        if ctx.is_test_file:
            return None  # test credentials; token formats above are still real
        extra = ctx.extra_secret_names
        if t is ast.Dict:
            # {"PASSWORD": "..."} in DATABASES, {"api_key": "..."} in a client config
            found = []
            for k, value in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and \
                        isinstance(value, ast.Constant) and \
                        _named_secret_literal(k.value, ctx.value(value), extra):
                    found.append(self.found(value, what=f"the {k.value!r} entry"))
            return found
        if t in (ast.Assign, ast.AnnAssign):
            if node.value is None:
                return
            v = ctx.value(node.value)
            if not _literal_secret(v):
                return
            ci = ctx.class_info
            if ci is not None and (ci.name.startswith("Test") or "Testing" in ci.name):
                return  # class TestConfig(Config): SECRET_KEY = "test"
            targets = node.targets if t is ast.Assign else [node.target]
            for target in targets:
                name = last_name(target)
                if isinstance(target, ast.Subscript):
                    key = ctx.value(target.slice)
                    name = key.cval if key.known and isinstance(key.cval, str) else ""
                if name and (name.upper() in config.SECRET_SETTINGS and
                             str(v.cval).lower() != name.lower() or
                             _named_secret_literal(name, v, extra)):
                    return [self.found(_literal_node(node.value, node),
                                       what=f"{ctx.source_text(target)} = '...'")]
            return None
        # calls: signing keys, secret keywords, config.update(SECRET_KEY=...)
        q = ctx.call_name(node)
        spec = config.SIGNING_KEY_ARGS.get(q) if q else None
        if spec is not None:
            key = ctx.arg(node, spec[0], spec[1])
            if key is not None and _literal_secret(ctx.value(key)):
                return [self.found(_literal_node(key, node),
                                   what=f"the signing key of {ctx.source_text(node.func)}()")]
        func = node.func
        for name, value, _ in setting_assignments(node, ctx) if type(func) is ast.Attribute \
                and func.attr in SETTING_UPDATERS else ():
            if name.upper() in config.SECRET_SETTINGS and _literal_secret(ctx.value(value)):
                return [self.found(_literal_node(value, node), what=name)]
        for kw in node.keywords:
            a = kw.arg  # the name first: most keywords name no secret
            if a and secret_kind(a, extra) in config.LITERAL_SECRET_KINDS and \
                    _named_secret_literal(a, ctx.value(kw.value), extra):
                return [self.found(_literal_node(kw.value, node),
                                   what=f"{kw.arg}= of {ctx.source_text(node.func)}()")]
        return None

    def _defaults(self, node, ctx):
        """``def login(user, password="hunter2")``, keyword-only and lambda
        defaults alike (Bandit's B107)."""
        a = node.args
        for d in a.defaults + a.kw_defaults:  # kw_defaults hold None for no default
            if type(d) is ast.Constant and type(d.value) is str:
                break
        else:
            return None  # most functions: no string default at all
        if ctx.is_test_file:
            return None
        pos = a.posonlyargs + a.args
        pairs = list(zip(pos[len(pos) - len(a.defaults):], a.defaults)) + \
            list(zip(a.kwonlyargs, a.kw_defaults))
        extra = ctx.extra_secret_names
        owner = "lambda" if type(node) is ast.Lambda else f"{node.name}()"
        found = []
        for arg, default in pairs:
            if _str_const(default) and \
                    _named_secret_literal(arg.arg, ctx.value(default), extra):
                found.append(self.found(default, what=f"the default {arg.arg}= of {owner}"))
        return found

    def _compare(self, node, ctx):
        """``password == "Sup3rS3cret!"``, ``request.form["password"] != "..."``
        (Bandit's B105 comparisons): a password checked against a literal."""
        if len(node.ops) != 1 or type(node.ops[0]) not in (ast.Eq, ast.NotEq):
            return None
        left, right = node.left, node.comparators[0]
        if _str_const(left) and not _str_const(right):
            left, right = right, left
        elif not _str_const(right) or _str_const(left):
            return None  # most comparisons stop here
        text = right.value  # the literal itself: judged before any value is computed
        stripped = text.strip()
        if len(stripped) < 3 or config.PLACEHOLDER.match(stripped) or ctx.is_test_file:
            return None
        if not _not_identifier(text) and not (text.isalpha() and text.islower()):
            return None  # markers ("LDAP"), sentinels ("not_set"); a lowercase word is a password here
        name = _compared_name(left)
        if name and text.lower() == name.lower():
            return None  # field == "password": a field name, not a password
        if not is_password_name(name, ctx.extra_password_names):
            if type(left) not in (ast.Name, ast.Attribute):
                return None  # request.form["x"], .get("x"): the key named it already
            lab = ctx.value(left).labels
            if labels.PASSWORD not in lab or labels.HASHED in lab:
                return None
        return [self.found(right, what=f"the password compared with {ctx.source_text(left)}")]

    def _formats(self, node, ctx):
        s = node.value
        if not isinstance(s, str) or len(s) < 16:
            return None
        if "://" in s and "@" in s:
            m = config.URL_CREDENTIALS.match(s)
            if m and not config.PLACEHOLDER.match(m.group(3)) and not ctx.is_test_file \
                    and not (m.group(2) == m.group(3) and m.group(4).lower() in config.DEV_ACCOUNT_HOSTS):
                # (user == password on this machine: a development default
                # account, "guest:guest@localhost", not a secret)
                return [self.found(node, what=f"the password in a {m.group(1)}:// URL")]
        if config.TOKEN_MARKER.search(s) is None:
            return None
        for label, pattern in config.TOKEN_FORMATS.items():
            if pattern.search(s):
                return [self.found(node, what=f"a {label}")]
        return None


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class SecretEnvFallback(Rule):
    """A secret read from the environment falls back to a literal."""

    code = "SCG702"
    symbol = "secret-env-fallback"
    message = ("{call}({name!r}, ...) falls back to a literal secret when the variable is "
               "missing; fail at start-up instead (os.environ[{name!r}])")
    cwe = 798
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Secure Configuration Management: Secrets"
    rationale = (
        "A default secret turns a missing environment variable into a "
        "running service signed with a key that is in the code: sessions "
        "and tokens can be forged by anyone who read the repository, and "
        "nothing says it happened (CWE-798, CWE-1188). A missing secret "
        "should stop the service at start-up."
    )
    example = (
        "import os\n\n"
        "SECRET_KEY = os.getenv('SECRET_KEY', 'dev-secret')\n"
    )
    fix = (
        "import os\n\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n"
    )
    not_flagged = (
        "Empty defaults; non-secret names (`DEBUG`, `*_URL`, `*_EXPIRE_MINUTES`); "
        "`*_FILE` path settings; test modules."
    )
    calls = env.ENV_GETTERS | env.ENV_HELPERS | env.ENV_METHODS | {"get"}
    node_types = (ast.Call,)
    skip_test_files = True
    report_types = (ast.Call,)
    reads_options = ("secret-names",)

    def check(self, node, ctx):
        q = ctx.call_name(node)
        func = node.func
        getter = q in env.ENV_GETTERS or (
            isinstance(func, ast.Attribute) and func.attr == "get" and
            (ctx.qualname(func.value) or "").endswith("environ")) or (
            q is None and isinstance(func, (ast.Name, ast.Attribute)) and
            last_name(func) in env.ENV_HELPERS and any(k.arg == "default" for k in node.keywords)) \
            or (isinstance(func, ast.Attribute) and last_name(func.value) == env.ENV_OBJECT and
                func.attr in env.ENV_METHODS)
        if not getter or not node.args:
            return
        name = ctx.value(node.args[0])
        if not (name.known and isinstance(name.cval, str)):
            return
        default = ctx.arg(node, 1, "default")
        if default is None:
            return
        if secret_kind(name.cval, ctx.extra_secret_names) \
                not in config.LITERAL_SECRET_KINDS and name.cval.upper() not in config.SECRET_SETTINGS:
            return
        v = ctx.value(default)
        if v.known and isinstance(v.cval, (str, bytes)) and len(v.cval.strip()) > 0 \
                and not config.PLACEHOLDER.match(str(v.cval).strip()):
            return [self.found(node, call=ctx.source_text(func), name=name.cval)]
        return None


DEBUG_ON = "turns debug mode on; read it from the environment and keep it off in production"
ANY_HOST = ("accepts requests for any Host header, so links built from it can point "
            "anywhere; list the host names the site serves")


class DebugEnabled(Rule):
    """Debug mode is switched on in code that configures the application."""

    code = "SCG703"
    symbol = "debug-enabled"
    message = "{what} {problem}"
    cwe = 489
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Secure Configuration Management: Debug mode"
    rationale = (
        "Debug mode shows stack traces, settings and source to whoever "
        "triggers an error, and Werkzeug's debugger runs Python typed into "
        "the error page (CWE-489, CWE-215). `ALLOWED_HOSTS = ['*']` disables "
        "Django's host header check. Both belong to development only, "
        "switched by the environment. Bandit's B201 covers app.run(debug=True)."
    )
    example = (
        "from fastapi import FastAPI\n\n"
        "app = FastAPI(debug=True)\n"
    )
    fix = (
        "import os\n\n"
        "from fastapi import FastAPI\n\n"
        "app = FastAPI(debug=os.getenv('APP_DEBUG') == '1')\n"
    )
    not_flagged = (
        "`DEBUG = os.getenv(...)` and other non-literal values; test settings "
        "(test_settings.py, settings/test.py); `DEBUG = True` in modules that "
        "are not settings modules; app.run(debug=True) (Bandit B201)."
    )
    calls = frozenset(config.DEBUG_CALLS) | config.DEBUGGED_APPLICATION | SETTING_UPDATERS
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Assign, ast.Call)
    report_types = (ast.Assign, ast.Call)
    skip_test_files = True
    # DEBUG = True, ALLOWED_HOSTS = ["*"], app.debug = True, app.config["DEBUG"] = True
    assign_keys = frozenset({"DEBUG", "ALLOWED_HOSTS", ".debug"}) | HOLDER_KEYS

    def check(self, node, ctx):
        t = type(node)
        if t is ast.Assign:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "debug" and \
                        is_true(ctx, node.value) and ctx.fn is None or (
                        isinstance(target, ast.Attribute) and target.attr == "debug" and
                        is_true(ctx, node.value) and last_name(target.value) == "app"):
                    return [self.found(node, what=f"{ctx.source_text(target)} = True", problem=DEBUG_ON)]
        for name, value, at in setting_assignments(node, ctx):
            module_level = t is ast.Assign and isinstance(node.targets[0], ast.Name)
            if module_level and (not ctx.is_settings_module or ctx.class_info is not None):
                continue
            if name == "DEBUG" and is_true(ctx, value):
                return [self.found(at, what="DEBUG = True", problem=DEBUG_ON)]
            if name == "ALLOWED_HOSTS":
                v = ctx.value(value)
                if v.items and any(i.known and i.cval == "*" for i in v.items.values()):
                    return [self.found(at, what="ALLOWED_HOSTS = ['*']", problem=ANY_HOST)]
        if t is ast.Call:
            q = ctx.call_name(node)
            if q in config.DEBUG_CALLS:
                kw = ctx.keyword(node, config.DEBUG_CALLS[q])
                if kw is not None and is_true(ctx, kw):
                    return [self.found(node, what=f"{ctx.source_text(node.func)}(debug=True)", problem=DEBUG_ON)]
            elif q in config.DEBUGGED_APPLICATION:
                ev = ctx.arg(node, 1, "evalex")
                if ev is not None and is_true(ctx, ev):
                    return [self.found(node, what="DebuggedApplication(evalex=True)", problem=DEBUG_ON)]
        return None
