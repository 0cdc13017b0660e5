"""Settings facts: which setting a statement or call sets, and to what.

Shared by the rules that judge configuration (cookies, CSRF, secrets, debug).
"""
from __future__ import annotations

import ast

#: ``X.update(...)``-style calls that set several settings at once
SETTING_UPDATERS = frozenset({"update", "from_mapping", "setdefault"})
#: last names of the mappings that hold settings (``app.config``, ``settings``)
SETTING_HOLDERS = frozenset({"config", "settings"})
#: the ``Rule.assign_keys`` of the subscript targets ``setting_assignments`` reads
#: (``app.config["DEBUG"] = True``)
HOLDER_KEYS = frozenset("[" + holder for holder in SETTING_HOLDERS)


def last_name(node: ast.AST) -> str:
    """The last name of a name, attribute or call target (``execute``)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return last_name(node.func)
    return ""


def setting_assignments(node: ast.AST, ctx):
    """(setting name, value node, report node) for every setting a statement or
    call sets: ``NAME = v`` (settings module), ``app.config["NAME"] = v``,
    ``app.config.update(NAME=v)`` / ``.update({"NAME": v})``, and
    ``NAME = v`` in a class body (Flask config classes)."""
    if type(node) is ast.Assign:
        for target in node.targets:
            if isinstance(target, ast.Name):
                if ctx.fn is None:
                    yield target.id, node.value, node
            elif isinstance(target, ast.Subscript) and \
                    last_name(target.value) in SETTING_HOLDERS:
                key = ctx.value(target.slice)
                if key.known and isinstance(key.cval, str):
                    yield key.cval, node.value, node
    elif type(node) is ast.Call and isinstance(node.func, ast.Attribute) and \
            node.func.attr in SETTING_UPDATERS and \
            last_name(node.func.value) in SETTING_HOLDERS:
        for kw in node.keywords:
            if kw.arg:
                yield kw.arg, kw.value, node
        if node.args and isinstance(node.args[0], ast.Dict):
            for k, v in zip(node.args[0].keys, node.args[0].values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    yield k.value, v, node
