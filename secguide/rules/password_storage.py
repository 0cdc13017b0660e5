"""Guide section: Secure Password Storage (plaintext passwords)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import auth, db
from secguide.rule import Rule
from secguide.vocab import CREDENTIAL_HOLDER, PASSWORD_COLUMN, PASSWORD_FIELDS, is_password_name


def _model_constructor(name: str) -> bool:
    return name[:1].isupper() and not CREDENTIAL_HOLDER.search(name)


class PlaintextPasswordStorage(Rule):
    """A raw password is stored (model field, SQL column, file)."""

    code = "SCG604"
    symbol = "plaintext-password-storage"
    message = ("the raw password in {source} is stored {where}; store "
               "generate_password_hash()/make_password()/bcrypt output instead")
    cwe = 256
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Secure Password Storage"
    rationale = (
        "A stored plaintext password is every user's password for every "
        "site where they reused it, handed to whoever reads a backup, a log "
        "or an SQL injection result (CWE-256). Store only the output of a "
        "password hasher; check logins with its verify function."
    )
    example = (
        "from flask import Flask, request\n"
        "from models import User, db\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/register', methods=['POST'])\n"
        "def register():\n"
        "    user = User(email=request.form['email'], password=request.form['password'])\n"
        "    db.session.add(user)\n"
        "    return {'ok': True}\n"
    )
    fix = (
        "from flask import Flask, request\n"
        "from werkzeug.security import generate_password_hash\n"
        "from models import User, db\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/register', methods=['POST'])\n"
        "def register():\n"
        "    user = User(email=request.form['email'],\n"
        "                password=generate_password_hash(request.form['password']))\n"
        "    db.session.add(user)\n"
        "    return {'ok': True}\n"
    )
    not_flagged = (
        "Values from generate_password_hash, make_password, bcrypt, argon2, "
        "passlib; columns named `*_hash`; Django's create_user()/set_password(), "
        "which hash; objects that hold a password to log in somewhere else "
        "(`self.password = password` outside a model class)."
    )
    sees_local_assigns = False  # settings, session keys, attributes only
    calls = auth.FILE_DUMPS | auth.FILE_WRITE_METHODS | {"execute", "executemany"}
    calls_with_keywords = True  # User(password=...)
    node_types = (ast.Call, ast.Assign)
    report_types = (ast.Call, ast.Assign)
    reads_labels = frozenset({labels.PASSWORD, labels.HASHED})

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            for target in node.targets:
                if not (isinstance(target, ast.Attribute) and
                        is_password_name(target.attr) and target.attr.lower() in PASSWORD_FIELDS):
                    continue
                v = ctx.value(node.value)
                if not _raw_password(v):
                    continue
                base = target.value
                if isinstance(base, ast.Name) and base.id == "self":
                    ci = ctx.fn.class_info if ctx.fn is not None else None
                    if not v.taint and (ci is None or not any(
                            b.rsplit(".", 1)[-1] in db.MODEL_BASES or b == db.FLASK_SQLALCHEMY_MODEL
                            for b in ci.bases)):
                        continue
                return [self.found(node, source=ctx.source_text(node.value),
                                   where=f"in {ctx.source_text(target)}")]
            return
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        if name in auth.HASHING_CALLS:
            return
        for kw in node.keywords:
            if kw.arg and kw.arg.lower() in PASSWORD_FIELDS and (
                    name in db.RECORD_WRITES or _model_constructor(name)) and \
                    _raw_password(ctx.value(kw.value)):
                return [self.found(node, source=ctx.source_text(kw.value),
                                   where=f"as {kw.arg}= of {ctx.source_text(func)}()")]
        q = ctx.call_name(node)
        if q in auth.FILE_DUMPS and node.args and \
                _raw_password(ctx.value(node.args[0])):
            return [self.found(node, source=ctx.source_text(node.args[0]), where="in a file")]
        if isinstance(func, ast.Attribute):
            if func.attr in auth.FILE_WRITE_METHODS and node.args and (
                    ctx.value(func.value).qual in auth.FILE_TYPES or isinstance(
                        func.value, ast.Call) and ctx.call_name(func.value) == "pathlib.Path"):
                v = ctx.value(node.args[0])
                if _raw_password(v):
                    return [self.found(node, source=ctx.source_text(node.args[0]), where="in a file")]
            if func.attr in ("execute", "executemany") and len(node.args) >= 2:
                text = ctx.value(node.args[0])
                if text.known and isinstance(text.cval, str) and db.SQL_WRITE.search(
                        text.cval) and PASSWORD_COLUMN.search(text.cval):
                    params = node.args[1]
                    elts = params.elts if isinstance(params, (ast.Tuple, ast.List)) else (
                        params.values if isinstance(params, ast.Dict) else [params])
                    for e in elts:
                        if _raw_password(ctx.value(e)):
                            return [self.found(node, source=ctx.source_text(e),
                                               where="in a password column")]


def _raw_password(v) -> bool:
    return labels.PASSWORD in v.labels and labels.HASHED not in v.labels and not v.is_const
