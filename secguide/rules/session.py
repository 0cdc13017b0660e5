"""Guide section: Authentication and sessions: session contents."""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.rule import Rule
from secguide.rules._common import origin_text


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
    not_flagged = (
        "Values checked against an allow-list first; constants; int()-converted values; "
        "parameters of a Django function annotated with a type no URL converter gives "
        "(`user: User` is a record the caller loaded, not a URL argument)."
    )
    sees_local_assigns = False  # settings, session keys, attributes only
    node_types = (ast.Assign,)
    assign_keys = frozenset({"[]"})  # session[key] = value
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
                return [self.found(node, source=origin_text(key), flow_key=" as a key")]
            val = ctx.value(node.value).tainted_for("session")
            if val:
                return [self.found(node, source=origin_text(val), flow_key="")]
        return None
