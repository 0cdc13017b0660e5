"""Module facts: what one project module states about its functions,
classes and app setup, read from its syntax tree without running rules.

Facts are plain data (JSON-ready, ``secguide.project.records``), computed
once per module and cached.  They say what the code *states*: a decorator
whose wrapper aborts with 403, a class whose ``get_queryset`` filters by
``request.user``, a model whose ``password`` setter hashes, an app setup
that creates a ``Limiter`` with default limits.  Each function is read in
one walk (``secguide.project.scan``), each class method too
(``secguide.project.classes``), each other module-level statement once
(``secguide.project.appsetup``).  Calls to other project functions are kept
by name and resolved by ``ProjectIndex`` (``secguide.project.index``), which
follows them across modules.
"""
from __future__ import annotations

import ast

from secguide.project.appsetup import app_dependencies, app_setup, depends_alias
from secguide.project.classes import class_facts
from secguide.project.records import ClassFacts, FunctionFacts, ModuleFacts, dotted, last_name
from secguide.project.scan import MAX_NODES_PER_FUNCTION, function_facts

#: bounds: a module's facts never cost more than this
MAX_DEFS = 2_000

__all__ = ["MAX_DEFS", "MAX_NODES_PER_FUNCTION", "ClassFacts", "FunctionFacts", "ModuleFacts",
           "dotted", "module_facts", "module_outline", "outline_from_json"]


def module_facts(tree: ast.Module, name: str, path: str, imports: dict) -> ModuleFacts:
    """The facts of one parsed module (``imports`` from ``import_table``)."""
    mf = ModuleFacts(name=name, path=path, imports=dict(imports))
    local_classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    defs = 0
    for st in tree.body:
        defs += 1
        if defs > MAX_DEFS:
            break
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            registered: list = []  # before_request(f) calls inside it
            mf.functions[st.name] = function_facts(st, (mf, imports, registered))
            if any(last_name(dotted(d)) in ("before_request", "before_app_request")
                   for d in st.decorator_list):
                mf.before_request.append(st.name)
            mf.before_request.extend(registered)
        elif isinstance(st, ast.ClassDef):
            mf.classes[st.name] = class_facts(st, imports, name, local_classes)
        else:
            if type(st) is ast.Assign and type(st.value) is ast.Call \
                    and type(st.value.func) is ast.Name and st.value.func.id in mf.classes:
                mf.instances.update((t.id, st.value.func.id) for t in st.targets
                                    if type(t) is ast.Name)
            depends_alias(st, mf, imports)
            app_dependencies(st, mf, imports)
            app_setup(st, mf, imports)
    return mf


def module_outline(tree: ast.Module, name: str, path: str, imports: dict) -> ModuleFacts:
    """What resolving a name through a module needs, without reading any
    body: its top-level functions and classes (the names ``module_facts``
    lists, each mapped to None) and its imports."""
    mf = ModuleFacts(name=name, path=path, imports=dict(imports))
    defs = 0
    for st in tree.body:
        defs += 1
        if defs > MAX_DEFS:
            break
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mf.functions[st.name] = None
        elif isinstance(st, ast.ClassDef):
            mf.classes[st.name] = None
        else:
            depends_alias(st, mf, imports)
    return mf


def outline_from_json(data: dict) -> ModuleFacts:
    """The outline ``ModuleFacts.to_json`` wrote (names mapped to None)."""
    mf = ModuleFacts(**{k: v for k, v in data.items() if k not in ("functions", "classes")})
    mf.functions = dict.fromkeys(str(k) for k in data.get("functions", {}))
    mf.classes = dict.fromkeys(str(k) for k in data.get("classes", {}))
    return mf
