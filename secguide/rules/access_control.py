"""Guide section: Access control (path traversal, open redirects, mass
assignment; IDOR is in idor.py)."""
from __future__ import annotations

import ast
import re

from secguide import labels
from secguide.models import access, servers, sinks, system
from secguide.rule import Rule
from secguide.rules._common import model_base, origin_text, tainted_report


class PathTraversal(Rule):
    """An untrusted file name or path reaches the file system."""

    code = "SCG402"
    symbol = "path-traversal"
    message = ("{source} reaches {sink}() as a file path; serve files with "
               "send_from_directory()/safe_join() or reduce the name with secure_filename()")
    cwe = 22
    severity = "HIGH"
    confidence = "HIGH"
    section = "Access Control: Path Traversal"
    rationale = (
        "A file name from the request can be `../../etc/passwd` or an "
        "absolute path: joined to a base directory with os.path.join or `/`, "
        "it still escapes it, and the application reads, overwrites or "
        "deletes files it never meant to expose (CWE-22). "
        "`send_from_directory` and `safe_join` refuse paths outside the base "
        "directory; `secure_filename` and `os.path.basename` reduce a name to "
        "a single safe component. Probes that only tell whether a file is "
        "there (`os.path.exists`, `isfile`, `getsize`, `os.stat`, `glob`, "
        "`Path.exists`/`is_file`/`stat`/`glob`) leak the file system's layout "
        "and are reported at MEDIUM."
    )
    example = (
        "import os\n"
        "from flask import Flask, request, send_file\n\n"
        "app = Flask(__name__)\n"
        "REPORTS = '/srv/reports'\n\n\n"
        "@app.route('/report')\n"
        "def report():\n"
        "    name = request.args['name']\n"
        "    return send_file(os.path.join(REPORTS, name))\n"
    )
    fix = (
        "from flask import Flask, request, send_from_directory\n\n"
        "app = Flask(__name__)\n"
        "REPORTS = '/srv/reports'\n\n\n"
        "@app.route('/report')\n"
        "def report():\n"
        "    name = request.args['name']\n"
        "    return send_from_directory(REPORTS, name)\n"
    )
    not_flagged = (
        "send_from_directory, safe_join, secure_filename, os.path.basename; "
        "paths checked with `.startswith(base)`/`is_relative_to(base)` before "
        "use (also `str(p).startswith(base)` after `realpath`/`resolve()`), or "
        "with `os.path.commonpath([base, p]) == base`, or rejected by "
        "`if \"..\" in p:` that returns, aborts or raises; integer ids in paths; "
        "paths whose origin is not untrusted input; "
        "`sys.argv` (the operator of a script names its files); names found in "
        "a collection the server built (`if name in os.listdir(base)`), on that path."
    )
    calls = frozenset(sinks.PATH_CALLS) | sinks.PATH_METHODS | {"save"} | \
        frozenset(system.PATH_PROBES) | system.PATH_PROBE_METHODS
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("path")})

    def check(self, node, ctx):
        q = ctx.call_name(node)
        func = node.func
        sink = ctx.source_text(func)
        if q is not None:
            if q in sinks.SAFE_FILE_CALLS:
                return
            spec = sinks.PATH_CALLS.get(q)
            probe = spec is None
            if probe:
                spec = system.PATH_PROBES.get(q)
            if spec is not None:
                positions, keywords = spec
                for i, pos in enumerate(positions):
                    arg = ctx.arg(node, pos, keywords[i] if i < len(keywords) else None)
                    found = _path_report(self, ctx, node, ctx.value(arg), sink, probe) \
                        if arg is not None else None
                    if found:
                        return found
                return None
        if type(func) is not ast.Attribute:
            return None
        recv = ctx.value(func.value)
        if recv.qual == "pathlib.Path":
            if func.attr in sinks.PATH_METHODS:
                return _path_report(self, ctx, node, recv, sink)
            if func.attr in system.PATH_PROBE_METHODS:
                found = _path_report(self, ctx, node, recv, sink, True)
                if not found and func.attr in system.PATH_PATTERN_METHODS and node.args:
                    found = _path_report(self, ctx, node, ctx.value(node.args[0]), sink, True)
                return found
        if func.attr == "save" and recv.typ == "file" and node.args:
            return _path_report(self, ctx, node, ctx.value(node.args[0]), sink)
        return None


def _path_report(rule, ctx, node, value, sink, probe=False):
    """Untrusted data used as a path; an uploaded file's stream is not a path.
    A probe (``os.path.exists``) only tells whether the file is there: MEDIUM."""
    if value.typ == "stream":
        return []
    if probe:
        return tainted_report(rule, ctx, node, value, "path", sink=sink, severity="MEDIUM")
    return tainted_report(rule, ctx, node, value, "path", sink=sink)


class OpenRedirect(Rule):
    """An untrusted URL is used as a redirect target."""

    code = "SCG403"
    symbol = "open-redirect"
    message = ("{source} is used as the target of {sink}(); redirect to url_for(...) or "
               "check the URL with url_has_allowed_host_and_scheme() or an allow-list")
    cwe = 601
    severity = "MEDIUM"
    confidence = "HIGH"
    section = "Access Control: Unvalidated Redirects"
    rationale = (
        "A `?next=` parameter that is redirected to as is lets anyone craft a "
        "link on your trusted domain that lands on theirs: the classic "
        "phishing step after a real login page (CWE-601). Redirect only to "
        "URLs you build (url_for) or that pass a host allow-list check."
    )
    example = (
        "from flask import Flask, redirect, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/continue')\n"
        "def continue_to():\n"
        "    return redirect(request.args.get('next', '/'))\n"
    )
    fix = (
        "from flask import Flask, redirect, request, url_for\n\n"
        "app = Flask(__name__)\n"
        "ALLOWED = {'/account', '/orders'}\n\n\n"
        "@app.route('/continue')\n"
        "def continue_to():\n"
        "    target = request.args.get('next', '/')\n"
        "    if target not in ALLOWED:\n"
        "        target = url_for('index')\n"
        "    return redirect(target)\n"
    )
    not_flagged = (
        "url_for(...) targets; URLs checked with "
        "url_has_allowed_host_and_scheme()/is_safe_url() or an allow-list "
        "membership test on the path that redirects, also when the check and "
        "the redirect each read the same request value "
        "(`is_safe_url(request.args.get('next'))` then "
        "`redirect(request.args.get('next'))`); guard functions of the project "
        "(same module or imported) that return such a check on their first "
        "argument or return False whenever `urlparse(url).netloc` is set; "
        "helpers of the same module that return their argument only after "
        "such a check (`if url and is_safe_url(url): return url`); constant targets; "
        "untrusted values after a literal path segment (`base + \"recipe/\" + pk`), "
        "in the path of a fixed site (`f\"https://docs.example.com/{topic}\"`), "
        "or in the query string or fragment (`reverse(\"login\") + \"?next=\" + url`). "
        "`\"/\" + url` and `base + url` are still reported: the value can start "
        "with `/evil.example`."
    )
    calls = frozenset(sinks.REDIRECT_CALLS) | frozenset(servers.HEADER_REDIRECTS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("redirect")})

    def check(self, node, ctx):
        q = ctx.call_name(node)
        spec = sinks.REDIRECT_CALLS.get(q) if q else None
        if spec is None and q in servers.HEADER_REDIRECTS:
            # send_header("Location", url): a redirect by its header name
            name_at, value_at = servers.HEADER_REDIRECTS[q]
            name = ctx.arg(node, name_at, None)
            n = ctx.value(name) if name is not None else None
            if n is not None and n.known and str(n.cval).lower() == servers.LOCATION_HEADER:
                spec = (value_at, None)
        if spec is None:
            return
        arg = ctx.arg(node, spec[0], spec[1])
        if arg is None:
            return
        v = ctx.value(arg)
        if v.built and len(v.text) > 1 and v.text[0] == "/" and v.text[1] not in "/\\\x01":
            return  # "/profile/" + name: a path on this site, whatever the name
        origins = tuple(o for o in v.tainted_for("redirect") if o.shape != "url")
        if origins and not _after_fixed_start(ctx, arg):
            return [self.found(node, source=origin_text(origins), sink=ctx.source_text(node.func))]
        return None


#: a literal that ends the URL's host: a path separator after a character of
#: a host or path (``example.com/``, ``recipe/``; not ``//`` or ``https://``).
#: (A value after a ``?`` or ``#`` is sanitized where the string is built:
#: ``analysis.strings.in_url_query``.)
_FIXED_START = re.compile(r"[^/\\:]/")


def _concat_parts(node: ast.AST, out: list, depth: int = 0) -> list:
    """The pieces of ``a + f"b{c}"`` in order (other expressions: one piece)."""
    if depth < 32 and type(node) is ast.BinOp and type(node.op) is ast.Add:
        _concat_parts(node.left, out, depth + 1)
        _concat_parts(node.right, out, depth + 1)
    elif type(node) is ast.JoinedStr:
        for piece in node.values:
            out.append(piece.value if type(piece) is ast.FormattedValue else piece)
    else:
        out.append(node)
    return out


def _after_fixed_start(ctx, arg: ast.AST) -> bool:
    """The untrusted pieces of a concatenated redirect target come after a
    literal that fixes where it goes: ``base + "recipe/" + pk`` (a path below
    whatever ``base`` is).  ``"/" + url``, ``"https://" + host`` and ``base + url`` do not."""
    if type(arg) is not ast.BinOp and type(arg) is not ast.JoinedStr:
        return False
    literal = ""  # the literal text since the last piece of unknown value
    for part in _concat_parts(arg, []):
        if type(part) is ast.Constant:
            literal += part.value if type(part.value) is str else "\x00"
            continue
        v = ctx.value(part)
        if any(o.shape != "url" for o in v.tainted_for("redirect")):
            return _FIXED_START.search(literal) is not None
        literal = v.cval if v.known and type(v.cval) is str else ""
    return False


def _project_non_model(ctx, node: ast.Call, func: ast.AST) -> bool:
    """The called class is the project's and no class of its chain derives
    from a model base (a search object, a DTO, a form): the project facts
    say so; without them, or for a class they do not know, it is not."""
    project = ctx.project
    if project is None:
        return False
    q = ctx.call_name(node) or (func.id if type(func) is ast.Name else None)
    if not q or project.klass(q) is None:
        return False
    return not any(model_base(b) for b in project.base_names(q))


class MassAssignment(Rule):
    """Untrusted keys choose which attributes of a model are set."""

    code = "SCG404"
    symbol = "mass-assignment"
    message = ("{source} sets arbitrary fields through {sink}; copy an explicit list of "
               "allowed fields instead")
    cwe = 915
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "Access Control: Mass Assignment"
    rationale = (
        "Passing a request body straight into a model (`User(**request.json)`, "
        "`setattr` in a loop over its keys) lets the client set fields the form "
        "never showed: `is_admin`, `owner_id`, `balance` (CWE-915, OWASP API3 "
        "Broken Object Property Level Authorization). Copy the fields the "
        "operation allows, by name, or check each key against an allow-list."
    )
    example = (
        "from flask import Flask, request\n"
        "from models import User, db\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/users', methods=['POST'])\n"
        "def create_user():\n"
        "    user = User(**request.get_json())\n"
        "    db.session.add(user)\n"
        "    return {'id': user.id}\n"
    )
    fix = (
        "from flask import Flask, request\n"
        "from models import User, db\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/users', methods=['POST'])\n"
        "def create_user():\n"
        "    data = request.get_json()\n"
        "    user = User(name=str(data['name']), email=str(data['email']))\n"
        "    db.session.add(user)\n"
        "    return {'id': user.id}\n"
    )
    not_flagged = (
        "Explicit field lists; keys checked against an allow-list before "
        "setattr; validated models (pydantic `item.dict()`, DRF serializers, "
        "Django forms' cleaned_data); `**kwargs` whose origin is not untrusted "
        "input; classes of the project whose chain derives from no model base "
        "(a search object or DTO: `RecipeSearch(request, **params)`), read from "
        "the project facts."
    )
    calls = frozenset({"builtins.setattr", "setattr", "update"})
    calls_with_keywords = True  # Model(**data)
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.UKEYS})

    def check(self, node, ctx):
        func = node.func
        star = None
        for k in node.keywords:
            if k.arg is None:
                star = k.value
                break
        if star is None and not (type(func) is ast.Attribute and func.attr == "update"
                                 or len(node.args) >= 2):
            return  # most calls: no **kwargs, not update(), not setattr(o, k, v)
        q = ctx.call_name(node)
        if q == "builtins.setattr" and len(node.args) >= 2:
            return self._flag(ctx, node, ctx.value(node.args[1]), "setattr() keys", keys=True)
        if type(func) is ast.Attribute and func.attr == "update" and node.args and (
                isinstance(func.value, ast.Attribute) and func.value.attr == "__dict__" or
                isinstance(func.value, ast.Call) and ctx.call_name(func.value) == "builtins.vars"):
            return self._flag(ctx, node, ctx.value(node.args[0]), ctx.source_text(func) + "()")
        if star is None:
            return None
        name = func.attr if type(func) is ast.Attribute else (
            func.id if type(func) is ast.Name else "")
        model_like = name[:1].isupper() or (type(func) is ast.Attribute and name in access.CREATE_METHODS)
        if model_like:
            found = self._flag(ctx, node, ctx.value(star), ctx.source_text(func) + "(**...)")
            if found and name[:1].isupper() and _project_non_model(ctx, node, func):
                return None  # RecipeSearch(**params): a class of the project that stores nothing
            return found
        return None

    def _flag(self, ctx, node, v, sink, keys=False):
        if not keys and labels.UKEYS not in v.labels:
            return None  # the keys are constants (an explicit field list)
        origins = tuple(o for o in v.tainted_for("allowlist") if o.shape != "model")
        if origins:
            return [self.found(node, source=origin_text(origins), sink=sink)]
        return None
