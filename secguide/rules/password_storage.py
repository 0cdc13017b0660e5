"""Guide section: Secure Password Storage (plaintext passwords)."""
from __future__ import annotations

import ast
import dataclasses

from secguide import labels
from secguide.models import auth, db, types
from secguide.rule import Rule
from secguide.rules._common import model_base
from secguide.vocab import CREDENTIAL_HOLDER, PASSWORD_COLUMN, PASSWORD_FIELDS, USER_STORE, \
    is_password_name


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
        "password hasher; check logins with its verify function. An SQL "
        "`INSERT`/`UPDATE` naming a password column is reported whether the "
        "password is bound as a parameter or pasted into the statement's text."
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
        "which hash. With project facts (on by default) the class that receives "
        "the password is resolved in the project (`User(...)`, `User.query...`, "
        "`session.get(User, id)`, `select(User)`, an annotated parameter): a model "
        "whose `password` property/synonym setter, `@validates('password')`, "
        "pydantic password validator, `save()` or `__init__` hashes is not "
        "reported, nor a class that is not a model (a dataclass, attrs or pydantic "
        "record handed to a service), nor a client of another system "
        "(`RedisBroker(password=...)`, `sqlalchemy.engine.URL.create`): those "
        "credentials log in elsewhere. `obj.password = x` whose class cannot be "
        "resolved is not reported (the setter may hash), and neither is a model "
        "method that stores its own parameter (`self.password = password`): the "
        "callers decide what they pass. A model that stores the value as given is "
        "reported, and so is a model of the same file whose `__init__` stores "
        "a parameter as given when it receives the raw password by position "
        "and is saved with `session.add()`; a positional call to a class "
        "defined elsewhere is not. A module-level dict of user records "
        "(`users[name] = password`, `users[name] = {'password': pw}`) is a store; "
        "a dict local to the function, or one not named for users or "
        "accounts, is not. A constructor whose class is not found in the project (or with "
        "project facts off) is reported at LOW confidence, as a guess from names."
    )
    sees_local_assigns = False  # settings, session keys, attributes only
    calls = auth.FILE_DUMPS | auth.FILE_WRITE_METHODS | {"execute", "executemany", "add"}
    calls_with_keywords = True  # User(password=...)
    node_types = (ast.Call, ast.Assign)
    assign_keys = frozenset({"[]", "@password"})  # users[name] = pw; self.password = pw
    report_types = (ast.Call, ast.Assign)
    reads_labels = frozenset({labels.PASSWORD, labels.HASHED})

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            for target in node.targets:
                if type(target) is ast.Subscript:
                    where = _dict_store(ctx, target, node.value)
                    if where:
                        return [self.found(node, source=ctx.source_text(node.value), where=where)]
                    continue
                if not (isinstance(target, ast.Attribute) and
                        is_password_name(target.attr) and target.attr.lower() in PASSWORD_FIELDS):
                    continue
                v = ctx.value(node.value)
                if not _raw_password(v):
                    continue
                base = target.value
                report = self.found(node, source=ctx.source_text(node.value),
                                    where=f"in {ctx.source_text(target)}")
                if isinstance(base, ast.Name) and base.id == "self":
                    if not v.taint:
                        # a parameter: what is stored is what the callers pass
                        # (a model's __init__/update_password given a hash)
                        continue
                    ci = ctx.fn.class_info if ctx.fn is not None else None
                    verdict = _class_verdict(ctx, ci.name if ci is not None else None)
                    if verdict == _STORES:
                        return [report]
                    if verdict == _UNKNOWN:
                        return [_low(report, ctx)]
                    continue
                verdict = _class_verdict(ctx, _receiver_class(ctx, base, node))
                if verdict == _STORES:
                    return [report]
                if verdict == _UNKNOWN and ctx.project is None:
                    return [_low(report, ctx)]
            return
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        if name in auth.HASHING_CALLS:
            return
        if name == "add":  # set.add() too: a cheap test of the receiver first
            recv = func.value if type(func) is ast.Attribute else None
            if node.args and (type(recv) is ast.Attribute and recv.attr == "session" or
                              type(recv) is ast.Name and recv.id == "session"):
                hit = _positional_model(ctx, node.args[0], node)
                if hit:
                    return [self.found(node, source=ctx.source_text(hit[0]),
                                       where=f"as the {hit[1]} argument of {hit[2]}() "
                                             f"saved by {ctx.source_text(func)}()")]
            if not node.keywords:
                return
        for kw in node.keywords:
            if kw.arg and kw.arg.lower() in PASSWORD_FIELDS and \
                    _raw_password(ctx.value(kw.value)):
                if name in db.RECORD_WRITES and isinstance(func, ast.Attribute):
                    verdict = _class_verdict(ctx, _model_of(ctx, func.value))
                else:
                    verdict = _class_verdict(ctx, ctx.call_name(node) or _class_qual(ctx, func))
                if verdict == _SAFE or verdict == _UNKNOWN and not (
                        name in db.RECORD_WRITES or _model_constructor(name)):
                    continue
                report = self.found(node, source=ctx.source_text(kw.value),
                                    where=f"as {kw.arg}= of {ctx.source_text(func)}()")
                return [report if verdict == _STORES else _low(report, ctx)]
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
            if func.attr in ("execute", "executemany") and len(node.args) == 1:
                # the password pasted into the statement's text
                text = ctx.value(node.args[0])
                if text.text and not text.known and db.SQL_WRITE.search(text.text) and \
                        PASSWORD_COLUMN.search(text.text) and _raw_password(text):
                    return [self.found(node, source=ctx.source_text(node.args[0]),
                                       where="in a password column (pasted into the SQL text)")]
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


#: what is known of the class a password is given to
_STORES, _SAFE, _UNKNOWN = "stores", "safe", "unknown"


def _low(report, ctx):
    """A verdict that rests on names only (the class was not resolved)."""
    return dataclasses.replace(report, confidence="LOW")


def _class_verdict(ctx, qual: str | None) -> str:
    """Whether instances of ``qual`` store a password as given (an ORM model
    with no hashing hook), do not (a hashing setter/validator/save, a DTO
    that is not a model, a third-party client that logs in elsewhere), or
    the class is not known."""
    if not qual:
        return _UNKNOWN
    if qual in db.STORED_MODELS:
        return _STORES
    if qual.split(".", 1)[0] in auth.OUTBOUND_CLIENT_PACKAGES:
        return _SAFE  # a client that logs in to another system
    proj = ctx.project
    if proj is None:
        return _UNKNOWN
    if proj.klass(qual) is not None:
        if proj.class_provides(qual, "hashes_on_assign"):
            return _SAFE
        if any(model_base(b) for b in proj.base_names(qual)):
            return _STORES
        return _SAFE  # a project class that is not persisted (form data, DTO, client)
    full = proj.absolute(qual) or qual
    if full.split(".", 1)[0] in auth.OUTBOUND_CLIENT_PACKAGES or proj.is_foreign(qual):
        # a client that logs in to another system: a class of an installed
        # package (its stored models are db.STORED_MODELS, tested first)
        return _SAFE
    return _UNKNOWN


def _class_qual(ctx, node: ast.AST) -> str | None:
    """The qualified name of a class reference (a class of this module by its
    name, which is how the project facts know it)."""
    q = ctx.qualname(node)
    if q is None and isinstance(node, ast.Name) and ctx.value(node).typ == "class":
        return node.id
    return q


def _model_of(ctx, expr: ast.AST) -> str | None:
    """The class whose records ``expr`` gives: ``User.query...first()``,
    ``User.objects.get(...)``, ``session.get(User, id)``,
    ``session.execute(select(User)...)``, ``User(...)``."""
    count = 0
    for n in ast.walk(expr):
        count += 1
        if count > 200:
            break
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], (ast.Name, ast.Attribute)):
            f = n.func
            last = f.attr if isinstance(f, ast.Attribute) else (f.id if isinstance(f, ast.Name) else "")
            if last in db.MODEL_ARG_CALLS:
                q = _class_qual(ctx, n.args[0])
                if q and _class_verdict(ctx, q) != _UNKNOWN and (
                        q in db.STORED_MODELS or ctx.project.klass(q) is not None):
                    return q
    node = expr
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in db.MODEL_MANAGERS:
                return _class_qual(ctx, node.value)
            node = node.value
        elif isinstance(node, ast.Name):
            return _class_qual(ctx, node)
        else:
            return None


def _receiver_class(ctx, base: ast.AST, at: ast.AST) -> str | None:
    """The class of the object whose password is set: the annotation of the
    parameter, or what the last assignment of the name before ``at`` in the
    same function gives."""
    if not isinstance(base, ast.Name) or ctx.fn is None or ctx.project is None:
        return None
    fn = ctx.fn.node
    args = fn.args
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        if a.arg == base.id and a.annotation is not None:
            return _class_qual(ctx, a.annotation)
    last = _last_assignment(fn, base.id, at.lineno)
    if last is None:
        return None
    if isinstance(last, ast.AnnAssign):
        q = _class_qual(ctx, last.annotation)
        if q:
            return q
    return _model_of(ctx, last.value)


def _last_assignment(fn: ast.AST, name: str, line: int):
    """The last ``name = ...`` / ``name: T = ...`` in ``fn`` before ``line``
    (None when there is none, or past 5,000 nodes: undecided).  Read only
    once a finding is otherwise made, never per node."""
    last = None
    count = 0
    for n in ast.walk(fn):
        count += 1
        if count > 5_000:
            return None
        t = type(n)
        if (t is ast.Assign or t is ast.AnnAssign) and n.value is not None and n.lineno < line:
            targets = n.targets if t is ast.Assign else [n.target]
            if any(type(x) is ast.Name and x.id == name for x in targets) and (
                    last is None or n.lineno > last.lineno):
                last = n
    return last


def _raw_password(v) -> bool:
    return labels.PASSWORD in v.labels and labels.HASHED not in v.labels and not v.is_const


def _dict_store(ctx, target: ast.Subscript, value: ast.AST) -> str | None:
    """Where a plaintext password is put in a module-level dict of user
    records: ``users[name] = password``, ``users[name] = {"password": pw}``,
    ``db["users"][name]["password"] = pw``; else None."""
    if ctx.fn is None:
        return None
    node, words, field = target, [], False
    while type(node) is ast.Subscript:
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            words.append(key.value)
            field = field or node is target and key.value.lower() in PASSWORD_FIELDS
        node = node.value
    if type(node) is not ast.Name:
        return None
    root = node.id
    if not (USER_STORE.search(root) or any(USER_STORE.search(w) for w in words)):
        return None
    if field or type(value) is not ast.Dict:
        if not _raw_password(ctx.value(value)):
            return None
    elif not any(isinstance(k, ast.Constant) and isinstance(k.value, str) and
                 k.value.lower() in PASSWORD_FIELDS and _raw_password(ctx.value(v))
                 for k, v in zip(value.keys, value.values)):
        return None
    if not _module_dict(ctx, root) or _bound_in(ctx.fn.node, root):
        return None
    return f"in the user store {root}"


def _module_dict(ctx, name: str) -> bool:
    """``name`` is bound to a dict at module level (a literal or an empty
    container of ``models.types.EMPTY_CONTAINERS``)."""
    for st in ctx.tree.body:
        if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None:
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                v = st.value
                if type(v) is ast.Dict or type(v) is ast.Call and \
                        types.EMPTY_CONTAINERS.get(ctx.call_name(v)) == "dict":
                    return True
    return False


def _bound_in(fn: ast.AST, name: str) -> bool:
    """``name`` is a parameter or assigned in ``fn`` (a local, not the module's)."""
    args = fn.args
    if any(a.arg == name for a in args.posonlyargs + args.args + args.kwonlyargs):
        return True
    count = 0
    for n in ast.walk(fn):
        count += 1
        if count > 5_000:
            return True
        if type(n) is ast.Name and n.id == name and type(n.ctx) is ast.Store:
            return True
    return False


def _positional_model(ctx, arg: ast.AST, at: ast.AST):
    """``(value, field, class)`` when ``arg`` (a constructor call, or a name
    assigned one earlier in the function) passes a raw password by position
    to a model class of this module whose ``__init__`` stores that parameter
    as given; else None."""
    if type(arg) is ast.Name and ctx.fn is not None:
        last = _last_assignment(ctx.fn.node, arg.id, at.lineno)
        if last is None:
            return None
        arg = last.value
    if type(arg) is not ast.Call or type(arg.func) is not ast.Name or not arg.args:
        return None
    cls = next((st for st in ctx.tree.body if type(st) is ast.ClassDef and
                st.name == arg.func.id), None)
    if cls is None or not any(model_base(b) for b in filter(None, map(_dotted, cls.bases))):
        return None
    init = next((st for st in cls.body if isinstance(st, ast.FunctionDef) and
                 st.name == "__init__"), None)
    if init is None:
        return None
    params = [a.arg for a in init.args.posonlyargs + init.args.args][1:]
    stored = {t.attr for st in init.body if type(st) is ast.Assign and type(st.value) is ast.Name
              for t in st.targets if type(t) is ast.Attribute and type(t.value) is ast.Name
              and t.value.id == "self" and t.attr == st.value.id}
    for i, a in enumerate(arg.args[:len(params)]):
        if type(a) is ast.Starred:
            return None
        p = params[i]
        if p.lower() in PASSWORD_FIELDS and p in stored and _raw_password(ctx.value(a)):
            if _class_verdict(ctx, cls.name) == _SAFE:
                return None
            return a, p, cls.name
    return None


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
