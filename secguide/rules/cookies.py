"""Guide section: Authentication and sessions: cookies."""
from __future__ import annotations

import ast

from secguide.analysis.settings import HOLDER_KEYS, SETTING_UPDATERS, setting_assignments
from secguide.models import config, servers
from secguide.rule import Rule
from secguide.rules._common import is_false
from secguide.vocab import words


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
        "without flags; flags set from a variable; test settings; Falcon's "
        "set_cookie(), Secure and HttpOnly by default."
    )
    calls = SETTING_UPDATERS | {"set_cookie"} | frozenset(servers.COOKIE_POLICIES)
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Assign, ast.Call)
    # SESSION_COOKIE_SECURE = False; app.config["SESSION_COOKIE_SECURE"] = False
    assign_keys = config.COOKIE_FLAG_SETTINGS | config.SAMESITE_SETTINGS | HOLDER_KEYS
    report_types = (ast.Assign, ast.Call)
    skip_test_files = True

    def check(self, node, ctx):
        for name, value, at in setting_assignments(node, ctx):
            if name in config.COOKIE_FLAG_SETTINGS and is_false(ctx, value):
                return [self.found(at, what=f"{name} = False")]
            if name in config.SAMESITE_SETTINGS:
                v = ctx.value(value)
                if v.known and (v.cval is None or str(v.cval).lower() == "none"):
                    return [self.found(at, what=f"{name} = None")]
        policy = servers.COOKIE_POLICIES.get(ctx.call_name(node)) if type(node) is ast.Call \
            else None
        if policy is not None:
            # a session/auth cookie factory (Pyramid, aiohttp-session)
            for flag, (kw_name, on) in policy.items():
                kw = ctx.keyword(node, kw_name)
                if kw is not None and is_false(ctx, kw) or kw is None and not on:
                    what = f"with {kw_name}=False" if kw is not None else \
                        f"without {kw_name}=True"
                    return [self.found(node, what=f"{ctx.source_text(node.func)}() sets "
                                                  f"the session cookie {what}")]
            return None
        if type(node) is ast.Call and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "set_cookie":
            # the flags' keywords and defaults (models/servers.COOKIE_SETTERS)
            flags = servers.COOKIE_SETTERS.get(ctx.call_name(node)) or servers.COOKIE_FLAGS
            secure = ctx.keyword(node, flags["secure"][0])
            httponly = ctx.keyword(node, flags["httponly"][0])
            for flag, kw in (("secure", secure), ("httponly", httponly)):
                if kw is not None and is_false(ctx, kw):
                    return [self.found(node, what=f"set_cookie(..., {flags[flag][0]}=False)")]
            name = ctx.value(ctx.arg(node, 0, "key"))
            if name.known and isinstance(name.cval, str) and \
                    config.SENSITIVE_COOKIE_WORDS.intersection(words(name.cval)):
                missing = [f for f, kw in (("secure", secure), ("httponly", httponly))
                           if kw is None and not flags[f][1]]
                if missing:
                    return [self.found(node, what=f"cookie '{name.cval}' is set without "
                                                  f"{' and '.join(missing)}")]
        return None
