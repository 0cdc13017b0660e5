"""Guide section: Injection Attacks; Parameterized Queries and ORMs."""
from __future__ import annotations

import ast

from secguide.analysis.functions import dotted
from secguide.analysis.scope import slots
from secguide import labels
from secguide.models import db, sinks, system
from secguide.rule import Rule
from secguide.rules._common import built_report, call_arg, flow_text, last_name, origin_text
from secguide.vocab import MONGO_HANDLE_NAMES


def sql_sink(node: ast.Call, ctx) -> tuple[ast.AST, str, bool] | None:
    """If ``node`` runs SQL: (query argument, sink text, receiver is known DB)."""
    q = ctx.call_name(node)
    if q is not None and q in db.SQL_FUNCTIONS:
        arg = ctx.arg(node, db.SQL_FUNCTIONS[q], "sql") or ctx.arg(node, None, "text")
        return (arg, ctx.source_text(node.func), True) if arg is not None else None
    func = node.func
    if type(func) is not ast.Attribute:
        return None
    m = func.attr
    if m in db.SQL_METHODS:
        arg = ctx.arg(node, 0, None)
        if arg is None:
            for k in db.QUERY_KEYWORDS:
                arg = ctx.keyword(node, k)
                if arg is not None:
                    break
        if arg is None:
            return None
        recv = ctx.value(func.value)
        known = recv.qual in db.DB_TYPES or bool(db.DB_RECEIVER.match(last_name(func.value)))
        return arg, ctx.source_text(func), known
    if m == db.ORM_EXTRA:
        for k in db.EXTRA_SQL_KEYWORDS:
            arg = ctx.keyword(node, k)
            if arg is not None:
                return arg, ctx.source_text(func), True
        return None
    if m == db.ORM_RAW and last_name(func.value) == db.RAW_MANAGER:
        arg = ctx.arg(node, 0, "raw_query")
        return (arg, ctx.source_text(func), True) if arg is not None else None
    return None


class SqlBuiltQuery(Rule):
    """SQL text assembled from values instead of passed as parameters."""

    code = "SCG101"
    symbol = "sql-built-query"
    message = "SQL query built with {how} reaches {sink}(){flow}; pass values as parameters"
    cwe = 89
    severity = "HIGH"
    confidence = "HIGH"
    section = "Injection Attacks: Parameterized Queries and ORMs"
    rationale = (
        "When a value is pasted into SQL text, the database cannot tell data "
        "from code: a quote in the value ends the literal and the rest runs as "
        "SQL (OWASP A03:2021 Injection). Placeholders send the values "
        "separately, so no input can change the query's structure. Findings "
        "are HIGH severity when the pasted part comes from a request or "
        "other untrusted input, MEDIUM when it is any other non-constant "
        "value, because today's trusted value is tomorrow's user field."
    )
    example = (
        "import sqlite3\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/search')\n"
        "def search():\n"
        "    db = sqlite3.connect('app.db')\n"
        "    q = request.args['q']\n"
        "    rows = db.execute(f\"SELECT * FROM items WHERE name = '{q}'\").fetchall()\n"
        "    return {'items': rows}\n"
    )
    fix = (
        "import sqlite3\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/search')\n"
        "def search():\n"
        "    db = sqlite3.connect('app.db')\n"
        "    q = request.args['q']\n"
        "    rows = db.execute('SELECT * FROM items WHERE name = ?', (q,)).fetchall()\n"
        "    return {'items': rows}\n"
    )
    not_flagged = (
        "Parameterized calls; SQL built only from constants (literals, module "
        "constants assigned once, placeholder lists such as "
        "`', '.join('?' * len(ids))`); identifiers passed through a quoting "
        "helper (`quote_name`, `psycopg2.sql.Identifier`, or the "
        "`sql-sanitizers` option); numbers (`int()`, `len()`); values tested to "
        "hold neither quote character (`'\"' not in x and \"'\" not in x`) on "
        "that path, inside a quoted literal or identifier; numeric conversions "
        "(`'LIMIT %d' % n`, `{n:d}`, `{x:.2f}`), which render a number or raise; "
        "substitutions that keep only letters, digits, `_` and `-` "
        "(`re.sub(r'[^a-z0-9]+', '_', name)`); "
        "a private helper (`_count(conn, where)`) whose every caller in the "
        "file passes constants, directly or through another private helper, and "
        "that is used no other way; values found in a "
        "collection the server built (`col in COLUMNS`); SQL-looking "
        "text that never reaches a SQL sink, such as log and error messages; "
        "SQLAlchemy/Django query objects. The analysis is intra-procedural: "
        "a query built in another function and passed in is not followed."
    )
    calls = frozenset(db.SQL_FUNCTIONS) | db.SQL_METHODS | db.ORM_RAW_METHODS
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("sql")})
    #: id(call) -> (report, def, parameter names, labels): the reports of
    #: private helpers, decided at the file's end by their callers
    file_state = dict

    def check(self, node, ctx):
        sink = sql_sink(node, ctx)
        if sink is None:
            return
        arg, sink_text, known_db = sink
        v = ctx.value(arg)
        tainted = v.tainted_for("sql")
        if not v.built and not tainted:
            return
        if labels.safe("sql") in v.labels:
            return
        looks_sql = bool(v.text) and bool(db.SQL_HINT.search(v.text))
        if not looks_sql and not (known_db and (v.built or tainted)):
            return
        from_params = ctx.fn is not None and ctx.fn.class_info is None and \
            labels.has_arg(v.labels)
        if not tainted and (db.SQL_NO_VALUES.match(v.text) or not from_params and
                            not db.VALUE_HOLE.search(v.text)):
            # DDL, or only identifiers (table, column names) pasted in: they
            # cannot be parameters, so without input reaching them it is no
            # finding -- except identifiers that are a plain function's
            # parameters in DML, which any caller can fill
            return
        how = v.built or "unvalidated input"
        if tainted:
            return [self.found(node, how=how, sink=sink_text, flow=flow_text(tainted))]
        report = self.found(node, severity="MEDIUM", confidence="MEDIUM" if looks_sql else "LOW",
                            how=how, sink=sink_text, flow="")
        fn = ctx.fn
        if from_params and fn.name.startswith("_") and not fn.name.startswith("__"):
            # a module-private helper: decided when the file ends, by what
            # its callers pass (constants everywhere: nothing to report)
            ctx.file_state_of(self)[id(node)] = (report, fn.node, fn.params, v.labels)
            return None
        return [report]

    def finish_file(self, ctx):
        held = ctx.file_state_of(self)
        return [report for report, fnode, params, lab in held.values()
                if not _constant_callers(ctx, fnode, params, lab)]


def _constant_callers(ctx, fnode, params: list, lab: frozenset, depth: int = 0) -> bool:
    """Every call of the private helper ``fnode`` in this file passes
    constants (or numbers) for the parameters in ``lab`` (``arg<i>``), and
    it is used no other way (``ctx.local_calls``).  A caller that passes its
    own parameters on is a private helper whose callers are asked the same
    (three levels at most)."""
    sites = ctx.local_calls(fnode)
    if not sites or depth > 2:
        return False
    a = fnode.args
    positional = len(a.posonlyargs) + len(a.args)
    if a.vararg is not None:
        return False  # indices past *args do not map onto the call's arguments
    defaults = dict(zip([x.arg for x in (a.posonlyargs + a.args)[positional - len(a.defaults):]],
                        a.defaults))
    defaults.update((x.arg, d) for x, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None)
    wanted = [i for i in (labels.arg_index(x) for x in lab) if i is not None]
    for call, args, kwargs, caller in sites:
        if any(type(x) is ast.Starred for x in call.args) or None in kwargs:
            return False  # f(*xs) / f(**opts): which value lands where is not known
        for i in wanted:
            if i >= len(params):
                return False
            name = params[i]
            if i < positional and i < len(args):
                v = args[i]
            elif name in kwargs:
                v = kwargs[name]
            else:
                if type(defaults.get(name)) is not ast.Constant:
                    return False
                continue
            if v.taint:
                return False
            if v.is_const or v.typ == "int" or labels.safe("sql") in v.labels:
                continue
            # the caller's own parameters, passed on by a private helper
            if not (labels.has_arg(v.labels) and caller is not None and caller.class_info is None
                    and caller.name.startswith("_") and not caller.name.startswith("__")
                    and not caller.is_route and caller.node is not fnode
                    and _constant_callers(ctx, caller.node, caller.params, v.labels, depth + 1)):
                return False
    return True


class ShellCommandBuilt(Rule):
    """A command string built from values is run by a shell."""

    code = "SCG102"
    symbol = "shell-command-built"
    message = ("shell command built with {how} is run by {sink}(){flow}; pass an argument "
               "list without shell=True, or quote each value with shlex.quote()")
    cwe = 78
    severity = "HIGH"
    confidence = "HIGH"
    section = "Injection Attacks: Command Injection"
    rationale = (
        "A shell parses its command line: `;`, `&&`, `|`, `$()` and backquotes "
        "in a pasted value start commands of the attacker's choosing (OS "
        "command injection, CWE-78). An argument list run without a shell "
        "(`subprocess.run([\"convert\", path, out])`) passes each value as one "
        "argument that no character can break out of. Findings are HIGH when "
        "request or other untrusted input reaches the command, MEDIUM when it "
        "is built from other non-constant values. The value is followed through "
        "loops: what a loop body assigned before a `break` or `continue` is the "
        "loop's later state, and a value the body taints further down reaches "
        "a command at its top on the next pass. Lists and dicts keep their slots (`append`, "
        "`insert`, `extend`, `pop`, `d[k] = v`, `d.get(k)`, `\"{0[k]}\".format(d)` "
        "reads slot `k` only, a slot overwritten "
        "with a constant is clean again), so an argument list built by appends "
        "whose program is a shell with `-c` is checked like a literal one; an "
        "option read back from a `configparser` object holds what `set()` put there. "
        "Constants fold (comparisons, arithmetic, `in` on a constant tuple, "
        "indexing and slicing of known text, `if`, conditional expressions and "
        "`match` on them): a dead arm neither taints nor cleans. Besides "
        "`os.system`, `os.popen`, `asyncio.create_subprocess_shell` and "
        "`subprocess` with `shell=True`, the vectors of `os.exec*`, `os.spawn*`, "
        "`os.posix_spawn`, `pty.spawn` and `asyncio.create_subprocess_exec` "
        "whose program is `sh`/`bash`/`cmd` with `-c` (or `-lc`, `-ec`) run their command in a shell."
    )
    example = (
        "import subprocess\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/ping')\n"
        "def ping():\n"
        "    host = request.args['host']\n"
        "    out = subprocess.check_output(f'ping -c 1 {host}', shell=True)\n"
        "    return {'out': out.decode()}\n"
    )
    fix = (
        "import subprocess\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/ping')\n"
        "def ping():\n"
        "    host = request.args['host']\n"
        "    out = subprocess.check_output(['ping', '-c', '1', '--', host])\n"
        "    return {'out': out.decode()}\n"
    )
    not_flagged = (
        "Argument lists run without a shell; constant commands; commands whose "
        "every pasted value went through shlex.quote(); numbers. Bandit's "
        "B602/B605 report every shell call; this rule reports only the ones "
        "whose command is built from values."
    )
    calls = frozenset(sinks.SHELL_CALLS) | frozenset(sinks.SUBPROCESS_CALLS) | \
        frozenset(system.EXEC_CALLS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("shell")})

    def check(self, node, ctx):
        q = ctx.call_name(node)
        if q is None:
            return
        cmd = None
        spec = sinks.SHELL_CALLS.get(q)
        if spec is not None:
            cmd = call_arg(ctx, node, spec)
        else:
            spec = sinks.SUBPROCESS_CALLS.get(q)
            if spec is None:
                return self._exec(node, ctx, q)
            argv = call_arg(ctx, node, spec)
            if argv is None:
                return
            elts = argv_slots(ctx, argv)
            shell = ctx.keyword(node, "shell")
            if shell is not None and ctx.value(shell).known and ctx.value(shell).cval:
                cmd = elts[0] if elts else ctx.value(argv)
            else:
                cmd = shell_command(elts)
            return built_report(self, ctx, node, cmd, "shell") if cmd is not None else None
        return built_report(self, ctx, node, ctx.value(cmd), "shell") if cmd is not None else None

    def _exec(self, node, ctx, q):
        """``os.execv("/bin/sh", ["sh", "-c", cmd])``, ``os.spawnl(mode, sh,
        "sh", "-c", cmd)``, ``pty.spawn([...])``,
        ``asyncio.create_subprocess_exec("bash", "-c", cmd)``: a vector
        whose program is a shell with ``-c`` runs its command in the shell."""
        spec = system.EXEC_CALLS.get(q)
        if spec is None:
            return None
        start, form, prog_at = spec
        args = node.args
        if form == "list":
            if len(args) <= start:
                return None
            elts = argv_slots(ctx, args[start])
        else:
            elts = []
            for a in args[start:]:
                if isinstance(a, ast.Starred):
                    break
                elts.append(ctx.value(a))
        cmd = shell_command(elts)
        if cmd is None and prog_at is not None and len(args) > prog_at and len(elts) >= 3:
            # the program path names the shell, argv[0] is any name
            cmd = shell_command([ctx.value(args[prog_at])] + elts[1:])
        return built_report(self, ctx, node, cmd, "shell") if cmd is not None else None


def argv_slots(ctx, argv: ast.AST) -> list:
    """The values of an argument list, slot by slot: a literal (up to a
    ``*spread``) or a list whose slots the analysis knows (built by
    ``append``/``insert``/``extend``)."""
    v = ctx.value(argv)
    if v.items is not None and v.typ == "list":
        got = slots(v.items)
        if got is not None:
            return got
    if isinstance(argv, (ast.List, ast.Tuple)):
        out = []
        for e in argv.elts:
            if isinstance(e, ast.Starred):
                break
            out.append(ctx.value(e))
        return out
    return []


def shell_command(elts: list):
    """The command of ``[shell, "-c", command, ...]`` (None for other argv)."""
    if len(elts) < 3:
        return None
    prog, flag = elts[0], elts[1]
    if prog.known and flag.known and isinstance(prog.cval, str) and \
            isinstance(flag.cval, str) and (
                flag.cval in sinks.SHELL_FLAGS or sinks.SHELL_FLAG_CLUSTER.fullmatch(flag.cval)) and (
                prog.cval in sinks.SHELLS or prog.cval.replace("\\", "/").rsplit(
                    "/", 1)[-1].lower() in sinks.SHELLS):
        return elts[2]
    return None


class NosqlInjection(Rule):
    """Untrusted JSON or built JavaScript reaches a MongoDB query."""

    code = "SCG103"
    symbol = "nosql-injection"
    message = "{problem} reaches the query of {sink}(){flow}; {advice}"
    cwe = 943
    severity = "HIGH"
    confidence = "HIGH"
    section = "Injection Attacks: NoSQL Injection"
    rationale = (
        "MongoDB queries are data structures, so an attacker who controls a "
        "JSON body controls operators: `{\"password\": {\"$ne\": null}}` "
        "matches every user and logs in without a password (operator "
        "injection, CWE-943). `$where`, `$function` and `$accumulator` run "
        "JavaScript on the server, so text pasted into them is code. Coerce "
        "each field to the type it must have (`str()`, `int()`) and build "
        "queries with operators, never with JavaScript strings."
    )
    example = (
        "from flask import Flask, request\n"
        "from pymongo import MongoClient\n\n"
        "app = Flask(__name__)\n"
        "users = MongoClient().app.users\n\n\n"
        "@app.route('/users/lookup', methods=['POST'])\n"
        "def lookup():\n"
        "    data = request.get_json()\n"
        "    user = users.find_one({'name': data['name'], 'team': data['team']})\n"
        "    return {'found': user is not None}\n"
    )
    fix = (
        "from flask import Flask, request\n"
        "from pymongo import MongoClient\n\n"
        "app = Flask(__name__)\n"
        "users = MongoClient().app.users\n\n\n"
        "@app.route('/users/lookup', methods=['POST'])\n"
        "def lookup():\n"
        "    data = request.get_json()\n"
        "    user = users.find_one({'name': str(data['name']), 'team': str(data['team'])})\n"
        "    return {'found': user is not None}\n"
    )
    not_flagged = (
        "Filters built from constants; string request values (query "
        "parameters, form fields, path parameters), which cannot carry "
        "operators; values coerced with str()/int(); validated models "
        "(pydantic). `find()` and `aggregate()` are matched only on "
        "collections the analysis can see come from a Mongo client or that "
        "are reached through a name like `db.<collection>`, since other "
        "objects have methods of that name too."
    )
    calls = frozenset(sinks.MONGO_FILTER_METHODS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("mongo")})

    def check(self, node, ctx):
        func = node.func
        if type(func) is not ast.Attribute:
            return
        spec = sinks.MONGO_FILTER_METHODS.get(func.attr)
        if spec is None:
            return
        recv = ctx.value(func.value)
        if recv.qual != "mongo.Collection" and func.attr not in sinks.MONGO_ONLY_METHODS:
            parts = (dotted(func.value) or "").split(".")
            if len(parts) < 2 or not MONGO_HANDLE_NAMES.intersection(p.lower() for p in parts[:-1]):
                return
        if recv.is_const or recv.typ in ("str", "list", "dict"):
            return
        filt = call_arg(ctx, node, spec)
        if filt is None:
            return
        v = ctx.value(filt)
        sink = ctx.source_text(func)
        js = _javascript(v, 0)
        if js is not None:
            op, jv = js
            tainted = jv.tainted_for("mongo")
            return [self.found(
                node, severity="HIGH" if tainted else "MEDIUM",
                confidence="HIGH" if tainted else "MEDIUM",
                problem=f"JavaScript for {op} built with {jv.built or 'unvalidated input'}",
                sink=sink, flow=flow_text(tainted),
                advice="use query operators instead of server-side JavaScript")]
        objs = tuple(o for o in v.tainted_for("mongo") if o.shape == "obj")
        if objs:
            return [self.found(node, problem=f"untrusted JSON from {origin_text(objs)}",
                               sink=sink, flow="",
                               advice="coerce each field with str()/int() so it cannot carry "
                                      "operators such as {\"$ne\": null}")]
        return None


def _javascript(v, depth):
    """(operator, value) of a ``$where``-like entry holding non-constant code."""
    if v.items is None or depth > 4:
        return None
    for key, item in v.items.items():
        if key in sinks.MONGO_JS_OPERATORS:
            code = item
            if item.items is not None:  # {"$function": {"body": ..., "args": ...}}
                code = item.items.get("body") or item.items.get("init") or item
            if (code.built or code.tainted_for("mongo")) and not code.is_const:
                return key, code
        found = _javascript(item, depth + 1)
        if found is not None:
            return found
    return None
