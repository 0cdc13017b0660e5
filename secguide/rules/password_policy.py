"""Guide section: Authentication and sessions: password policy."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import auth
from secguide.rule import Rule
from secguide.rules._common import known_int, last_name
from secguide.vocab import is_password_name


class WeakPasswordPolicy(Rule):
    """A password length limit below NIST SP 800-63B."""

    code = "SCG506"
    symbol = "weak-password-policy"
    message = ("{what} {problem}; require at least 8 "
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
    not_flagged = (
        "Usernames and other fields; minimums of 8 or more; maximums of 64 or more. "
        "`AUTH_PASSWORD_VALIDATORS` outside settings modules, in test, CI and development "
        "settings (`settings/test.py`, `settings/dev.py`), in Django's own defaults "
        "(`global_settings.py`), and lists that are not written out (built from names "
        "or calls).")
    node_types = (ast.Compare, ast.Assign, ast.AnnAssign, ast.Dict)
    # AUTH_PASSWORD_VALIDATORS = [...]; password = PasswordField(validators=[...])
    assign_keys = local_assign_keys = frozenset({auth.DJANGO_VALIDATORS_SETTING, "@password"})
    report_types = (ast.Compare, ast.Call, ast.Constant, ast.Assign)
    reads_labels = frozenset({labels.PASSWORD, labels.HASHED})

    def check(self, node, ctx):
        t = type(node)
        if t in (ast.Assign, ast.AnnAssign):
            if t is ast.Assign and type(node.targets[0]) is ast.Name and \
                    node.targets[0].id == auth.DJANGO_VALIDATORS_SETTING:
                return self._django_validators(node, ctx)
            return self._declared(node, ctx)
        if t is ast.Dict:
            return self._django_validator(node, ctx)
        if not (_is_len(node.left) or any(_is_len(c) for c in node.comparators)):
            return None  # most comparisons: no len(...) in them
        operands = [node.left] + list(node.comparators)
        for i, op in enumerate(node.ops):
            found = self._pair(ctx, node, operands[i], type(op), operands[i + 1])
            if found:
                return [found]
        return None

    def _pair(self, ctx, node, left, op, right):
        """The finding for one ``len(password) <op> n`` pair, or None."""
        if _len_of_password(ctx, right) and not _len_of_password(ctx, left):
            left, right = right, left
            op = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}.get(op, op)
        if op not in (ast.Lt, ast.LtE, ast.Gt, ast.GtE) or not _len_of_password(ctx, left):
            return None
        n = known_int(ctx.value(right))
        if n is None or n <= 0:
            return None
        # a small bound is a minimum, a large one a maximum, whichever way round
        if n < 20:
            minimum = n + 1 if op in (ast.LtE, ast.Gt) else n
            if minimum < 8:
                return self.found(node, what=_what(n), problem=f"sets a minimum of {minimum} (below 8)")
        else:
            maximum = n if op in (ast.Gt, ast.LtE) else n - 1
            if maximum < 64:
                return self.found(node, what=_what(n), problem=f"caps the length at {maximum} (below 64)")
        return None

    def _declared(self, node, ctx):
        """``password = PasswordField(validators=[Length(min=6)])``,
        ``password = serializers.CharField(min_length=6)``,
        ``password: str = Field(min_length=6)``, ``password: constr(min_length=6)``."""
        targets = node.targets if type(node) is ast.Assign else [node.target]
        for t in targets:
            tt = type(t)
            if (tt is ast.Name or tt is ast.Attribute) and is_password_name(last_name(t)):
                break
        else:
            return None
        calls = [c for c in (node.value, getattr(node, "annotation", None))
                 if isinstance(c, ast.Call)]
        for call in list(calls):
            validators = ctx.keyword(call, "validators")
            if isinstance(validators, (ast.List, ast.Tuple)):
                calls += [v for v in validators.elts if isinstance(v, ast.Call) and
                          last_name(v.func) in auth.LENGTH_VALIDATORS]
        for call in calls:
            name = last_name(call.func)
            for kw_min, kw_max in auth.LENGTH_KEYWORDS:
                lo = known_int(ctx.value(ctx.keyword(call, kw_min))) if ctx.keyword(call, kw_min) else None
                hi = known_int(ctx.value(ctx.keyword(call, kw_max))) if ctx.keyword(call, kw_max) else None
                if name == "MinLengthValidator" and call.args:
                    lo = known_int(ctx.value(call.args[0]))
                if name == "MaxLengthValidator" and call.args:
                    hi = known_int(ctx.value(call.args[0]))
                if lo is not None and 0 < lo < 8:
                    return [self.found(call, what=_what(lo), problem=f"sets a minimum of {lo} (below 8)")]
                if hi is not None and 0 < hi < 64:
                    return [self.found(call, what=_what(hi), problem=f"caps the length at {hi} (below 64)")]
        return None

    def _django_validators(self, node, ctx):
        """``AUTH_PASSWORD_VALIDATORS = []`` or a list without
        ``MinimumLengthValidator`` in a (non-test) Django settings module."""
        value = node.value
        if ctx.fn is not None or ctx.class_info is not None or \
                type(value) not in (ast.List, ast.Tuple) or not ctx.is_settings_module or \
                ctx.filename.replace("\\", "/").rsplit("/", 1)[-1] in auth.FRAMEWORK_DEFAULT_SETTINGS:
            return None
        names = []
        for item in value.elts:
            if type(item) is not ast.Dict:
                return None  # not written out: cannot tell
            named = [v for k, v in zip(item.keys, item.values)
                     if isinstance(k, ast.Constant) and k.value == "NAME"]
            v = ctx.value(named[0]) if named else None
            if v is None or not v.known or not isinstance(v.cval, str):
                return None
            names.append(v.cval)
        if not names:
            return [self.found(node, what=f"{auth.DJANGO_VALIDATORS_SETTING} = []",
                               problem="checks no password at all (any length passes)")]
        if not any(n.endswith(auth.DJANGO_LENGTH_VALIDATOR) for n in names):
            return [self.found(node, what=auth.DJANGO_VALIDATORS_SETTING,
                               problem=f"has no {auth.DJANGO_LENGTH_VALIDATOR} "
                                       "(any length passes)")]
        return None

    def _django_validator(self, node, ctx):
        """AUTH_PASSWORD_VALIDATORS: MinimumLengthValidator with min_length < 8
        (not in test settings)."""
        if ctx.is_test_file:
            return None
        items = dict(zip((k.value if isinstance(k, ast.Constant) else None for k in node.keys),
                         node.values))
        name, options = items.get("NAME"), items.get("OPTIONS")
        if name is None or not isinstance(options, ast.Dict):
            return None
        v = ctx.value(name)
        if not (v.known and isinstance(v.cval, str) and v.cval.endswith(auth.DJANGO_LENGTH_VALIDATOR)):
            return None
        found = []
        for k, v in zip(options.keys, options.values):
            if isinstance(k, ast.Constant) and k.value == "min_length":
                n = known_int(ctx.value(v))
                if n is not None and n < 8:
                    found.append(self.found(k, what=_what(n), problem=f"sets a minimum of {n} (below 8)"))
        return found


def _what(n: int) -> str:
    return f"password length check against {n}"


def _is_len(node) -> bool:
    return type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "len"


def _len_of_password(ctx, node) -> bool:
    if not (_is_len(node) and len(node.args) == 1):
        return False
    v = ctx.value(node.args[0])
    return labels.PASSWORD in v.labels and labels.HASHED not in v.labels
