"""Guide section: Authentication and sessions: JWT."""
from __future__ import annotations

import ast

from secguide.models import config
from secguide.rule import Rule
from secguide.rules._common import is_false


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
            return None
        sink = ctx.source_text(node.func)
        options = ctx.keyword(node, "options")
        if options is not None:
            items = ctx.value(options).items or {}
            flag = items.get("verify_signature")
            if flag is not None and flag.known and flag.cval is False:
                return [self.found(node, sink=sink,
                                   problem="skips signature verification (verify_signature False)")]
        verify = ctx.keyword(node, "verify")
        if verify is not None and is_false(ctx, verify):
            return [self.found(node, sink=sink, problem="skips signature verification (verify=False)")]
        algorithms = ctx.keyword(node, "algorithms")
        if algorithms is not None:
            v = ctx.value(algorithms)
            names = [i.cval for i in (v.items or {}).values() if i.known] if v.items else (
                [v.cval] if v.known else [])
            if any(isinstance(n, str) and n.lower() == "none" for n in names):
                return [self.found(node, sink=sink, problem="accepts the 'none' algorithm")]
            return None
        key = ctx.arg(node, 1, "key")
        if q in config.JWT_PYJWT and key is not None:
            return [self.found(node, sink=sink, confidence="MEDIUM",
                               problem="lets the token's header choose the algorithm (no algorithms=)")]
        return None
