"""Every rule, listed explicitly.  Checked at import time."""
from __future__ import annotations

import re

from secguide import labels
from secguide.options import OPTION_NAMES
from secguide.rule import SEVERITIES, Rule
from secguide.rules import (access_control, authz, configuration, cookies, cors_transport, csrf,
                            deserialization, errors, idor, injection, jwt, password_policy,
                            password_storage, passwords, privilege, rate_limit, secret_compare,
                            session, ssrf, templates, work_factor, xss)

ALL_RULES: tuple[type[Rule], ...] = (
    injection.SqlBuiltQuery,
    injection.ShellCommandBuilt,
    injection.NosqlInjection,
    templates.TemplateInjection,
    xss.UnescapedHtmlResponse,
    xss.MarkupFromUnescapedFormat,
    templates.AutoescapeDisabledConfig,
    deserialization.UntrustedDeserialization,
    deserialization.PickleFamilyLoader,
    idor.IdorUnscopedLookup,
    access_control.PathTraversal,
    access_control.OpenRedirect,
    access_control.MassAssignment,
    authz.AuthorizationFromClientData,
    jwt.JwtUnverified,
    cookies.InsecureCookie,
    csrf.CsrfDisabled,
    secret_compare.TimingUnsafeCompare,
    secret_compare.InsecureRandomSecret,
    password_policy.WeakPasswordPolicy,
    session.UntrustedDataInSession,
    passwords.PasswordFastHash,
    passwords.ConstantSalt,
    work_factor.WeakWorkFactor,
    password_storage.PlaintextPasswordStorage,
    configuration.HardcodedSecret,
    configuration.SecretEnvFallback,
    configuration.DebugEnabled,
    errors.ExceptionExposed,
    errors.SecretLogged,
    cors_transport.CorsWildcardCredentials,
    cors_transport.CleartextHttp,
    ssrf.Ssrf,
    rate_limit.AuthEndpointNoRateLimit,
    privilege.PermissivePermissions,
    privilege.PrivilegedAccount,
)

_CODE = re.compile(r"SCG\d{3}")
#: the named labels (``labels.PASSWORD``...); ``safe:<kind>`` labels besides
_LABELS = frozenset(v for k, v in vars(labels).items() if k.isupper() and isinstance(v, str)
                    and k not in ("SAFE_PREFIX", "ARG_PREFIX"))


def validate(rules: tuple[type[Rule], ...]) -> dict[str, type[Rule]]:
    """Refuse malformed or duplicate codes and symbols; return code -> rule."""
    table: dict[str, type[Rule]] = {}
    symbols: set[str] = set()
    for rule in rules:
        if not _CODE.fullmatch(getattr(rule, "code", "")):
            raise ValueError(f"{rule.__name__}: code {getattr(rule, 'code', None)!r} is not SCG + 3 digits")
        if rule.code in table:
            raise ValueError(f"duplicate rule code {rule.code}")
        if rule.symbol in symbols:
            raise ValueError(f"duplicate rule symbol {rule.symbol}")
        if rule.severity not in SEVERITIES or rule.confidence not in SEVERITIES:
            raise ValueError(f"{rule.code}: bad severity or confidence")
        for attr in ("message", "section", "rationale", "example", "fix"):
            if not getattr(rule, attr, ""):
                raise ValueError(f"{rule.code}: missing {attr}")
        unknown = set(rule.reads_options) - OPTION_NAMES
        if unknown:
            raise ValueError(f"{rule.code}: reads unknown options {sorted(unknown)}")
        unknown = {lab for lab in rule.reads_labels
                   if lab not in _LABELS and not lab.startswith(labels.SAFE_PREFIX)}
        if unknown:
            raise ValueError(f"{rule.code}: reads unknown labels {sorted(unknown)}")
        table[rule.code] = rule
        symbols.add(rule.symbol)
    return table


BY_CODE: dict[str, type[Rule]] = validate(ALL_RULES)
