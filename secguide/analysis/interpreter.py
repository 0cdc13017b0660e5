"""The statement interpreter: one walk over a module, functions deferred.

Module-level code is walked first; function bodies afterwards, against the
module's final state (as at run time), so a function sees every import and
module constant.  Branches are walked on copies of the environment and
joined; a branch whose condition folds to a constant contributes only its
live arm.  A plain function's return values are joined into its summary.

Statements dispatch through ``STMT_HANDLERS`` (one handler per statement
type).  The rule hooks (``_on_elif``, ``_enter_function``, ...) are no-ops
here: the engine's subclass fills them in.  Nothing here knows a rule.
"""
from __future__ import annotations

import ast
import contextlib
import operator

from secguide.analysis.definitions import DefinitionsMixin
from secguide.analysis.functions import dotted
from secguide.analysis.names import EXCEPTION
from secguide.labels import SAFE_PREFIX
from secguide.analysis.scope import element, join_envs
from secguide.analysis.evaluator import compare
from secguide.analysis.values import ANYCONST, NOVAL, UNKNOWN, Value, const
from secguide.models.frameworks import TERMINATING_CALLS
from secguide.models.types import CONFIG_SET, CONTAINER_ADDERS, CONTAINER_REMOVERS

COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})


class Interpreter(DefinitionsMixin):
    """Statements, branches, loops, definitions and the deferral of bodies."""

    #: the states at each ``break``/``continue`` of the innermost loop
    #: (``(is_break, env)``), None outside loops
    _loop_exits: list | None = None
    #: a loop body is being walked a second time (see ``_second_pass``)
    _second_walk = False

    # -- statements -------------------------------------------------------------
    def _block(self, body: list) -> bool:
        """Walk statements; True when the block always leaves (return/raise)."""
        for stmt in body:
            if self._stmt(stmt):
                return True
        return False

    def _stmt(self, st: ast.stmt) -> bool:
        self._memo = {}
        return STMT_HANDLERS.get(type(st), Interpreter._st_other)(self, st)

    def _st_assign(self, st: ast.Assign) -> bool:
        value = st.value
        self._walk(value)
        v = self.value(value)
        if type(value) is ast.Call and type(value.func) is ast.Attribute and \
                value.func.attr in CONTAINER_REMOVERS and type(value.func.value) is ast.Name:
            self._take_from_container(value.func.value.id, value)  # x = argv.pop()
        for target in st.targets:
            self._walk_target(target)
            self._bind(target, v)
        return False

    def _st_expr(self, st: ast.Expr) -> bool:
        value = st.value
        if type(value) is ast.Constant:
            return False  # a docstring or bare string (Bandit skips these too)
        self._walk(value)
        if type(value) is ast.Call and type(value.func) is ast.Attribute and \
                type(value.func.value) is ast.Name:
            attr = value.func.attr
            if attr in CONTAINER_ADDERS or attr == CONFIG_SET:
                self._add_to_container(value.func.value.id, value)
            elif attr in CONTAINER_REMOVERS:
                self._take_from_container(value.func.value.id, value)
        return _is_terminating_call(value)

    def _st_return(self, st: ast.Return) -> bool:
        if st.value is not None:
            self._walk(st.value)
        if self._returns is not None:
            self._returns.append(self.value(st.value) if st.value is not None
                                 else const(None))
        return True

    def _st_augassign(self, st: ast.AugAssign) -> bool:
        self._walk(st.value)
        self._walk_target(st.target)
        if isinstance(st.target, ast.Name):
            fake = ast.BinOp(left=ast.Name(id=st.target.id, ctx=ast.Load()), op=st.op,
                             right=st.value)
            self._bind(st.target, self._ev(fake))
        elif isinstance(st.target, ast.Attribute):
            base = self.value(st.target)
            self._bind(st.target, self._binop_values(base, st.op, self.value(st.value)))
        return False

    def _st_annassign(self, st: ast.AnnAssign) -> bool:
        if st.value is not None:
            self._walk(st.value)
            self._bind(st.target, self.value(st.value))
        return False

    def _st_for(self, st) -> bool:
        self._walk(st.iter)
        before = self.scope.env
        outer, self._loop_exits = self._loop_exits, []
        try:
            self.scope.env, demoted = _loop_entry(before, st.body)
            entry = dict(self.scope.env)  # the body binds in place
            item = element(self.value(st.iter))
            self._bind(st.target, item)
            self._block(st.body)
            if self._needs_second_pass(entry, st.body, st.target):
                self._second_pass(entry, st.body, lambda: self._bind(st.target, item))
            self._after_loop(before, st.orelse, demoted)
        finally:
            self._loop_exits = outer
        return False

    def _st_while(self, st: ast.While) -> bool:
        before = self.scope.env
        outer, self._loop_exits = self._loop_exits, []
        try:
            self.scope.env, demoted = _loop_entry(before, st.body)
            self._walk(st.test)
            test = self.value(st.test)
            if test.known and not test.cval:  # while False: the body never runs
                self.scope.env = before
                self._block(st.orelse)
                return False
            entry = dict(self.scope.env)  # the body binds in place
            self._block(st.body)
            if self._needs_second_pass(entry, st.body):
                self._second_pass(entry, st.body, lambda: self._walk(st.test))
            self._after_loop(before, st.orelse, demoted)
        finally:
            self._loop_exits = outer
        return False

    def _needs_second_pass(self, entry: dict, body: list, target=None) -> bool:
        """A binding gained taint or a label in the body (at its end or at a
        ``continue``): the next iteration reads it at the top of the body.
        Nested loops of a second pass, and bodies with definitions (their
        bodies would be deferred twice), get one pass."""
        if self._second_walk:
            return False
        ends = [self.scope.env] + [e for is_break, e in self._loop_exits if not is_break]
        skip: set = set()
        if target is not None:
            _target_names(target, skip)
        if not any(_gained(entry, e, skip) for e in ends):
            return False
        return not any(type(n) in _DEFINITIONS for n in _statements(body))

    def _second_pass(self, entry: dict, body: list, head) -> None:
        """Walk ``body`` again from the join of its entry state and the
        states that go round the loop; the state after it is the join of
        both passes (a finding of both is recorded once: per rule and node)."""
        end = self.scope.env
        top = join_envs(entry, end)
        for is_break, e in self._loop_exits:
            if not is_break:
                top = join_envs(top, e)
        self.scope.env = top
        self._second_walk = True
        try:
            head()
            self._block(body)
        finally:
            self._second_walk = False
        self.scope.env = join_envs(end, self.scope.env)

    def _after_loop(self, before: dict, orelse: list, demoted: dict | None) -> None:
        """The state after a loop: no iteration, the end of the body, and
        every ``continue`` join before the ``else``; the ``break`` states
        skip the ``else`` and join after it.  A constant the body did not
        rebind is known again."""
        exits = self._loop_exits
        if demoted:
            _restore(self.scope.env, demoted)
            for _, e in exits:
                _restore(e, demoted)
        env = join_envs(before, self.scope.env)
        breaks = []
        for is_break, e in exits:
            if is_break:
                breaks.append(e)
            else:
                env = join_envs(env, e)
        self.scope.env = env
        if self._block(orelse):
            if not breaks:
                return
            self.scope.env = breaks.pop()
        for e in breaks:
            self.scope.env = join_envs(self.scope.env, e)

    def _st_with(self, st) -> bool:
        for item in st.items:
            self._walk(item.context_expr)
            if item.optional_vars is not None:
                self._bind(item.optional_vars, self.value(item.context_expr))
        return self._block(st.body)

    def _st_import(self, st) -> bool:
        self._import(st)
        return False

    def _st_raise(self, st: ast.Raise) -> bool:
        if st.exc is not None:
            self._walk(st.exc)
        return True

    def _st_delete(self, st: ast.Delete) -> bool:
        for target in st.targets:
            if isinstance(target, ast.Name):
                self.scope.env.pop(target.id, None)
        return False

    def _st_match(self, st) -> bool:
        """The cases that may match, each from the state before the
        ``match``; with a known subject a case that cannot match is dead and
        the first one that surely matches ends the statement."""
        self._walk(st.subject)
        subject = self.value(st.subject)
        before = self.scope.env
        envs = []
        falls = True  # the path where no case matches
        for case in st.cases:
            hit = self._case_hits(subject, case.pattern) if subject.known else None
            if hit is False:
                continue
            self.scope.env = dict(before)
            self._walk_pattern(case.pattern)
            if case.guard is not None:
                self._walk(case.guard)
                guard = self.value(case.guard)
                if guard.known and not guard.cval:
                    continue
                if not guard.known:
                    hit = None
            if not self._block(case.body):
                envs.append(self.scope.env)
            if hit:
                falls = False
                break
        result = before if falls else None
        for e in envs:
            result = e if result is None else join_envs(result, e)
        self.scope.env = before if result is None else result
        return False

    def _case_hits(self, subject: Value, pattern) -> bool | None:
        """Does a known subject match ``pattern``: True, False, or None (not
        decided here)?"""
        t = type(pattern)
        if t is ast.MatchAs:
            return True if pattern.pattern is None else self._case_hits(subject, pattern.pattern)
        if t is ast.MatchValue:
            v = self.value(pattern.value)
            return compare(ast.Eq, subject.cval, v, pattern.value) if v.known else None
        if t is ast.MatchSingleton:
            return subject.cval is pattern.value
        if t is ast.MatchOr:
            hits = [self._case_hits(subject, p) for p in pattern.patterns]
            return True if True in hits else (False if all(h is False for h in hits) else None)
        return None

    def _st_assert(self, st: ast.Assert) -> bool:
        self._walk(st.test)
        return False

    def _st_def(self, st) -> bool:
        self._def(st)
        return False

    def _st_class(self, st: ast.ClassDef) -> bool:
        self._class(st)
        return False

    def _st_pass(self, st) -> bool:
        return False

    def _st_global(self, st: ast.Global) -> bool:
        """``global x`` in a function: module-level ``x`` is rebound at run
        time, so it is no constant (for the functions analysed after)."""
        env = self._module_scope.env
        for name in st.names:
            v = env.get(name)
            if v is not None and v.cval is not NOVAL:
                env[name] = v.copy(cval=NOVAL, raw=True)
        return False

    def _st_leave_loop(self, st) -> bool:
        """``break``/``continue``: this path leaves the block, and its state
        is one of the loop's later states (``_after_loop``)."""
        exits = self._loop_exits
        if exits is not None:
            exits.append((type(st) is ast.Break, dict(self.scope.env)))
        return True

    def _st_other(self, st) -> bool:
        """TypeAlias (3.12) and anything newer: walk its expressions."""
        for child in ast.iter_child_nodes(st):
            if isinstance(child, ast.expr):
                self._walk(child)
        return False

    def _if(self, st: ast.If) -> bool:
        """An ``if``/``elif``/``else`` chain, arm by arm (a loop, not one
        Python frame per ``elif``: a 1,000-branch chain is analysed whole).
        The environment after it joins the arms that fall through; True if
        every arm leaves (return/raise)."""
        exits: list[dict] = []
        cur = st
        while True:
            if cur is not st:  # an elif: the statement-level work _stmt does
                self._memo = {}
                self._on_elif(cur)
            self._walk(cur.test)
            self._validators(cur.test)
            test = self.value(cur.test)
            orelse = cur.orelse
            elif_ = orelse[0] if len(orelse) == 1 and type(orelse[0]) is ast.If else None
            if test.known:
                if test.cval:
                    final_leaves = self._block(cur.body)
                    break
                if elif_ is not None:
                    cur = elif_
                    continue
                final_leaves = self._block(orelse)
                break
            before = self.scope.env
            self.scope.env = dict(before)
            self._narrow(cur.test, True)
            if not self._block(cur.body):
                exits.append(self.scope.env)
            self.scope.env = dict(before)
            self._narrow(cur.test, False)
            if elif_ is not None:
                cur = elif_
                continue
            final_leaves = self._block(orelse)
            break
        if not final_leaves:
            exits.append(self.scope.env)
        if not exits:
            return True  # every arm leaves: the last arm's environment stays
        env = exits[-1]
        for other in reversed(exits[:-1]):
            env = join_envs(other, env)
        self.scope.env = env
        return False

    def _try(self, st) -> bool:
        before = self.scope.env
        self.scope.env = dict(before)
        body_leaves = self._block(st.body)
        if not body_leaves:
            body_leaves = self._block(st.orelse)
        body_env = self.scope.env
        envs = [] if body_leaves else [body_env]
        for handler in st.handlers:
            self.scope.env = join_envs(before, body_env)
            if handler.type is not None:
                self._walk(handler.type)
            if handler.name:
                self.scope.env[handler.name] = Value(labels=EXCEPTION, typ="exception")
            if not self._block(handler.body):
                envs.append(self.scope.env)
        result = envs[0] if envs else body_env
        for e in envs[1:]:
            result = join_envs(result, e)
        self.scope.env = result
        leaves = not envs
        if self._block(st.finalbody):
            return True
        return leaves

    # -- expressions inside statements ------------------------------------------
    def _walk(self, node: ast.AST) -> None:
        """Visit ``node``'s sub-expressions for what binds names (``:=``) and
        comprehension scopes.  (The engine's walk also calls the rules.)"""
        children = CHILDREN
        stack = [node]
        while stack:
            n = stack.pop()
            t = type(n)
            if t is ast.Constant:
                continue
            if t is ast.NamedExpr:
                self._bind(n.target, self.value(n.value))
            elif t in COMPREHENSIONS:
                self._walk_comprehension(n)
                continue
            get = children.get(t)
            if get is None:
                continue
            for c in ((get[0](n),) if type(get) is tuple else get(n)):
                if type(c) is list:
                    stack.extend(c)
                elif c is not None:
                    stack.append(c)

    def _walk_comprehension(self, node) -> None:
        """Walk a comprehension with its loop variables bound, as at run time."""
        with self._comprehension_scope(node):
            for gen in node.generators:
                for cond in gen.ifs:
                    self._walk(cond)
            if type(node) is ast.DictComp:
                self._walk(node.key)
                self._walk(node.value)
            else:
                self._walk(node.elt)

    @contextlib.contextmanager
    def _comprehension_scope(self, node):
        """Bind the loop variables (and apply ``if`` filters such as
        ``if k in ALLOWED``) for the duration of the block, then restore."""
        env = self.scope.env
        saved = dict(env)
        saved_loop = self._loop_names
        try:
            for gen in node.generators:
                self._walk(gen.iter)
                self._bind(gen.target, element(self.value(gen.iter)))
                self._loop_names = self._loop_names | {
                    n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
                for cond in gen.ifs:
                    self._narrow(cond, True)
            yield
        finally:
            env.clear()
            env.update(saved)
            self._loop_names = saved_loop

    def _walk_target(self, target: ast.AST) -> None:
        if not isinstance(target, ast.Name):
            self._walk(target)

    def _walk_pattern(self, pattern) -> None:
        for node in ast.walk(pattern):
            if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                self.scope.env[node.name] = UNKNOWN
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self.scope.env[node.rest] = UNKNOWN


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


STMT_HANDLERS: dict = {
    ast.Assign: Interpreter._st_assign, ast.Expr: Interpreter._st_expr,
    ast.Return: Interpreter._st_return, ast.If: Interpreter._if,
    ast.AugAssign: Interpreter._st_augassign, ast.AnnAssign: Interpreter._st_annassign,
    ast.FunctionDef: Interpreter._st_def, ast.AsyncFunctionDef: Interpreter._st_def,
    ast.ClassDef: Interpreter._st_class,
    ast.For: Interpreter._st_for, ast.AsyncFor: Interpreter._st_for,
    ast.While: Interpreter._st_while,
    ast.With: Interpreter._st_with, ast.AsyncWith: Interpreter._st_with,
    ast.Import: Interpreter._st_import, ast.ImportFrom: Interpreter._st_import,
    ast.Try: Interpreter._try, ast.Raise: Interpreter._st_raise,
    ast.Delete: Interpreter._st_delete, ast.Match: Interpreter._st_match,
    ast.Assert: Interpreter._st_assert,
    ast.Pass: Interpreter._st_pass, ast.Global: Interpreter._st_global,
    ast.Nonlocal: Interpreter._st_pass,
    ast.Break: Interpreter._st_leave_loop, ast.Continue: Interpreter._st_leave_loop,
}
if hasattr(ast, "TryStar"):  # 3.11+
    STMT_HANDLERS[ast.TryStar] = Interpreter._try
#: statements of no type above
STMT_OTHER = Interpreter._st_other

#: fields that never hold a node (names, flags, numbers) or need no visit
_SKIP_FIELDS = frozenset({"ctx", "type_comment", "kind", "id", "attr", "arg",
                          "conversion", "is_async", "simple", "level",
                          "module", "asname"})


def _node_classes(root: type = ast.AST) -> list[type]:
    out = []
    for sub in root.__subclasses__():
        out.append(sub)
        out += _node_classes(sub)
    return out


def _children_getters() -> dict:
    """Per expression node class, a getter of the fields that hold its
    sub-expressions: ``attrgetter(f1, f2)`` (a tuple of values) for several
    fields, ``(attrgetter(f),)`` for one.  Leaves, statements (walked by
    ``_stmt``) and constants have none.  Built once, at import."""
    table = {}
    for t in _node_classes():
        if issubclass(t, ast.stmt) or t is ast.Constant:
            continue
        fields = tuple(f for f in getattr(t, "_fields", ()) if f not in _SKIP_FIELDS)
        if len(fields) == 1:
            table[t] = (operator.attrgetter(fields[0]),)
        elif fields:
            table[t] = operator.attrgetter(*fields)
    return table


#: the sub-expression getters of each expression node class
CHILDREN: dict = _children_getters()
