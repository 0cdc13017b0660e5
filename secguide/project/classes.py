"""Class facts: the base-class chain as written and what a class states (a
queryset scoped to the user, a permission check, a password that is hashed
when it is assigned), each method read in one walk (``project.scan``)."""
from __future__ import annotations

import ast

from secguide.models import project as M
from secguide.project.records import ClassFacts, FunctionFacts, dotted, last_name
from secguide.project.scan import scan_function


def written_bases(cls: ast.ClassDef, resolve) -> list[str]:
    """The base classes of ``cls`` as dotted names, the first name of each
    resolved by ``resolve(name)`` (the qualified name an import or a class
    of the module gives it; None: left as written)."""
    bases = []
    for b in cls.bases:
        name = dotted(b)
        if not name:
            continue
        head, _, rest = name.partition(".")
        full = resolve(head)
        bases.append(full + ("." + rest if rest else "") if full else name)
    return bases


def class_facts(cls: ast.ClassDef, imports: dict, module: str, local_classes: set) -> ClassFacts:
    def resolve(head: str) -> str | None:
        if head in imports:
            return imports[head]
        return f"{module}.{head}" if module and head in local_classes else None

    facts = ClassFacts(name=cls.name, line=cls.lineno, bases=written_bases(cls, resolve))
    hashing_methods: set = set()
    for st in cls.body:
        if isinstance(st, (ast.Assign, ast.AnnAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            if any(isinstance(t, ast.Name) and t.id in M.PERMISSION_ATTRS for t in targets):
                facts.checks_permission = True
                facts.checks_role = True
        if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        name = st.name
        if name in M.QUERYSET_METHODS and _users_in(st) or _rescopes_queryset(st):
            facts.scopes_queryset = True
        writer = _is_password_writer(st)
        if name not in M.PERMISSION_METHODS and not writer:
            continue  # nothing below reads its body
        ff = FunctionFacts(name=name, line=st.lineno)
        scan_function(st, ff)
        if name in M.PERMISSION_METHODS and (ff.denies or ff.checks_principal):
            facts.checks_permission = True
        if name in M.PERMISSION_METHODS and ff.checks_role:
            facts.checks_role = True
        if ff.hashes and writer:
            facts.hashes_password = True
            hashing_methods.add(name)
            if _is_assign_hook(st):
                facts.hashes_on_assign = True
    if hashing_methods and not facts.hashes_on_assign:
        facts.hashes_on_assign = any(_password_descriptor(st, hashing_methods)
                                     for st in cls.body)
    return facts


def _users_in(fn) -> bool:
    for n in ast.walk(fn):
        if isinstance(n, ast.Attribute) and n.attr == "user":
            return True
        if isinstance(n, ast.keyword) and n.arg and ("user" in n.arg or "owner" in n.arg):
            return True
    return False


def _rescopes_queryset(fn) -> bool:
    """A method that assigns ``self.queryset`` (or another attribute in
    ``M.QUERYSET_ATTRS``) a value restricted by the requesting user:
    ``self.queryset = self.queryset.restrict(request.user, action)``.
    Only statements are read (an assignment is never inside an expression)."""
    stack = list(fn.body)
    while stack:
        n = stack.pop()
        if type(n) is ast.Assign:
            if any(isinstance(t, ast.Attribute) and t.attr in M.QUERYSET_ATTRS
                   and isinstance(t.value, ast.Name) and t.value.id == "self"
                   for t in n.targets) and _restricted_to_user(n.value):
                return True
            continue
        for field in n._fields:
            v = getattr(n, field, None)
            if type(v) is list:
                for item in v:
                    if isinstance(item, ast.stmt):
                        stack.append(item)
                    elif isinstance(item, (ast.excepthandler, ast.match_case)):
                        stack.extend(item.body)
    return False


def _restricted_to_user(value: ast.AST) -> bool:
    """The value assigned to ``self.queryset`` refers to the user."""
    return _users_in(value) or any(isinstance(m, ast.Name) and m.id in ("user", "current_user")
                                   for m in ast.walk(value))


def _is_password_writer(fn) -> bool:
    """A ``password`` setter, ``@validates("password")``, ``save``/``__init__``/
    ``set_password``, or any method whose name mentions the password."""
    name = fn.name.lower()
    if name in M.PASSWORD_WRITE_HOOKS or name == "set_password" or "password" in name:
        return True
    for d in fn.decorator_list:
        text = ast.unparse(d).lower() if hasattr(ast, "unparse") else ""
        if "password" in text and ("setter" in text or "validates" in text
                                   or "validator" in text):
            return True
    return False


def _is_assign_hook(fn) -> bool:
    """A hashing method that runs on every write of the password: a
    ``@password.setter``, ``@validates("password")``, a pydantic
    ``@field_validator("password")``, ``save``, ``__init__``, ``__setattr__``."""
    if fn.name in M.PASSWORD_WRITE_HOOKS:
        return True
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        name = last_name(dotted(target))
        if name == "setter" and isinstance(target, ast.Attribute) \
                and "password" in (dotted(target.value) or "").lower():
            return True
        if name in M.FIELD_HOOK_DECORATORS and isinstance(d, ast.Call) and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str)
                and "password" in a.value.lower() for a in d.args):
            return True
    return False


def _password_descriptor(st: ast.AST, hashing_methods: set) -> bool:
    """``password = property(get, set)`` or ``synonym("_password",
    descriptor=property(get, set))`` whose setter is a hashing method."""
    if not isinstance(st, (ast.Assign, ast.AnnAssign)):
        return False
    targets = st.targets if isinstance(st, ast.Assign) else [st.target]
    if not any(isinstance(t, ast.Name) and "password" in t.id.lower() for t in targets):
        return False
    if not isinstance(st.value, ast.Call):
        return False
    return any(isinstance(n, ast.Name) and n.id in hashing_methods
               for n in ast.walk(st.value))
