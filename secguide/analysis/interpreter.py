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

from secguide.analysis.definitions import DefinitionsMixin
from secguide.analysis.loops import (
    _DEFINITIONS, _gained, _is_terminating_call, _loop_entry, _restore, _statements, _target_names,
)
from secguide.analysis.walking import CHILDREN, COMPREHENSIONS, ExpressionWalk  # noqa: F401 (read here)
from secguide.analysis.names import EXCEPTION
from secguide.analysis.scope import element, join_envs
from secguide.analysis.evaluator import compare
from secguide.analysis.values import NOVAL, Value, const
from secguide.models.types import CONFIG_SET, CONTAINER_ADDERS, CONTAINER_REMOVERS


class Interpreter(ExpressionWalk, DefinitionsMixin):
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
