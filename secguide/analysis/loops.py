"""Syntactic facts about statement blocks that the interpreter's loops and
branches read: the state a loop body starts from, the names a body rebinds,
whether a body gained untrusted data, whether a call ends the function."""
from __future__ import annotations

import ast
import operator

from secguide.analysis.functions import dotted
from secguide.labels import SAFE_PREFIX
from secguide.analysis.values import ANYCONST, NOVAL
from secguide.models.frameworks import TERMINATING_CALLS


def _loop_entry(before: dict, body: list) -> tuple[dict, dict | None]:
    """The state a loop body starts from: a constant the body rebinds (or a
    container it changes) may differ on a later iteration, so inside the
    body it is a constant of unknown value (``first = True`` .. ``if
    first:``).  Returns that state and the demoted names (value in the body,
    value before)."""
    env = dict(before)
    demoted = None
    names = None
    for k, v in before.items():
        c = v.cval
        if v.items is None and (c is NOVAL or c is ANYCONST):
            continue
        if names is None:
            names = _rebound(body)
        if k not in names:
            continue
        d = v.copy(cval=NOVAL if c is NOVAL else ANYCONST, items=None)
        env[k] = d
        if demoted is None:
            demoted = {}
        demoted[k] = (d, v)
    return env, demoted


#: per statement type, getters of its fields that hold nested statements
_BODIES = {t: tuple(operator.attrgetter(f) for f in ("body", "orelse", "finalbody", "handlers")
                    if f in t._fields)
           for t in (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith,
                     ast.Try, ast.ExceptHandler, *((ast.TryStar,) if hasattr(ast, "TryStar")
                                                   else ()))}


_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def _gained(before: dict, after: dict, skip: set) -> bool:
    """Some name of ``after`` carries an origin of untrusted data or a label
    (not a sanitizer's) that it did not carry in ``before``."""
    for k, v in after.items():
        b = before.get(k)
        if b is v:
            continue
        if b is None or k in skip:
            continue  # bound in the body first (or the loop's own target)
        if v.taint and v.taint != b.taint and any(o not in b.taint for o in v.taint):
            return True
        if v.labels and v.labels != b.labels and any(
                lab not in b.labels and not lab.startswith(SAFE_PREFIX) for lab in v.labels):
            return True
    return False


def _statements(body: list):
    """Every statement of ``body``, nested blocks included (no expressions
    except lambdas at statement level are looked at)."""
    stack = list(body)
    while stack:
        s = stack.pop()
        yield s
        if type(s) is ast.Match:
            for case in s.cases:
                stack.extend(case.body)
            continue
        for f in _BODIES.get(type(s), ()):
            stack.extend(f(s))


def _rebound(body: list) -> set:
    """Names a block binds or changes in place (assignment and loop targets,
    ``x[k] = v``, ``x.append(v)``, definitions, imports): statements only."""
    out: set = set()
    stack = list(body)
    while stack:
        s = stack.pop()
        t = type(s)
        if t is ast.Assign:
            for tg in s.targets:
                _target_names(tg, out)
        elif t is ast.AugAssign or t is ast.AnnAssign:
            _target_names(s.target, out)
        elif t is ast.Expr:
            v = s.value
            if type(v) is ast.Call and type(v.func) is ast.Attribute and \
                    type(v.func.value) is ast.Name:
                out.add(v.func.value.id)
            continue
        elif t is ast.For or t is ast.AsyncFor:
            _target_names(s.target, out)
        elif t is ast.With or t is ast.AsyncWith:
            for item in s.items:
                if item.optional_vars is not None:
                    _target_names(item.optional_vars, out)
        elif t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            out.add(s.name)
            continue
        elif t is ast.ExceptHandler:
            if s.name:
                out.add(s.name)
        elif t is ast.Match:
            for case in s.cases:
                stack.extend(case.body)
                for n in ast.walk(case.pattern):
                    name = getattr(n, "name", None) or getattr(n, "rest", None)
                    if name:
                        out.add(name)
            continue
        elif t is ast.Import or t is ast.ImportFrom:
            for a in s.names:
                out.add((a.asname or a.name).split(".", 1)[0])
            continue
        elif t is ast.Delete:
            for tg in s.targets:
                _target_names(tg, out)
            continue
        for f in _BODIES.get(t, ()):
            stack.extend(f(s))
    return out


def _target_names(target: ast.AST, out: set) -> None:
    t = type(target)
    if t is ast.Name:
        out.add(target.id)
    elif t is ast.Tuple or t is ast.List:
        for e in target.elts:
            _target_names(e, out)
    elif t is ast.Starred:
        _target_names(target.value, out)
    elif t is ast.Subscript or t is ast.Attribute:
        if t is ast.Attribute:
            key = dotted(target)  # an ``a.b`` key of the environment
            if key is not None:
                out.add(key)
        base = target.value
        while type(base) in (ast.Subscript, ast.Attribute):
            base = base.value
        if type(base) is ast.Name:
            out.add(base.id)


def _restore(env: dict, demoted: dict) -> None:
    """Names a loop body did not rebind get their known value back."""
    for k, (d, v) in demoted.items():
        if env.get(k) is d:
            env[k] = v


def _is_terminating_call(expr: ast.AST) -> bool:
    if type(expr) is ast.Call:
        func = expr.func
        tf = type(func)
        last = func.attr if tf is ast.Attribute else (func.id if tf is ast.Name else None)
        return last in TERMINATING_CALLS and dotted(func) is not None
    return False
