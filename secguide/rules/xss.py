"""Guide section: XSS; Input Validation and Sanitization (missing escaping)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.models import html, servers, web
from secguide.rule import Rule
from secguide.rules._common import flow_text, origin_text


def _non_html_type(ctx, node: ast.Call, positions, keywords) -> bool | None:
    """True when the call sets a non-HTML content type, None when unknown."""
    for name in keywords:
        kw = ctx.keyword(node, name)
        if kw is not None:
            is_html = _is_html(ctx, kw)
            return None if is_html is None else not is_html
    for i in positions:
        if i < len(node.args):
            v = ctx.value(node.args[i])
            if not v.known:
                return None
            if isinstance(v.cval, str) and "/" in v.cval:
                return "html" not in v.cval.lower()
    # make_response(body, 200, {"Content-Type": "text/plain"}) and headers=
    return _headers_not_html(
        ctx, list(node.args[1:]) + [k.value for k in node.keywords if k.arg == "headers"])


def _is_html(ctx, node) -> bool | None:
    """Does ``node`` name an HTML content type (None when unknown)?"""
    v = ctx.value(node)
    if v.known:
        return "html" in str(v.cval).lower()
    if v.qual in servers.HTML_MEDIA_TYPES:
        return True
    return None


def _headers_not_html(ctx, values) -> bool:
    """Does the first header mapping among ``values`` that sets Content-Type
    set it to something other than HTML?"""
    for e in values:
        v = ctx.value(e)
        if v.items:
            for key, item in v.items.items():
                if isinstance(key, str) and key.lower() == "content-type":
                    return not (item.known and "html" in str(item.cval).lower())
    return False


class _PendingResponses:
    """``resp = make_response(...)`` findings held until the function ends:
    ``vars`` maps the response call to its variable, ``pending`` a variable
    to the findings that ``resp.mimetype = "text/plain"`` withdraws."""

    __slots__ = ("vars", "pending", "headers", "typed", "html_route")

    def __init__(self):
        self.vars: dict[int, str] = {}
        self.pending: dict[str, list] = {}
        #: header call -> is the Content-Type it last set HTML
        #: (``models/servers.HEADER_TYPED_RESPONSES``)
        self.headers: dict[str, bool] = {}
        #: (header call, HTML by default, finding) of header-typed writes
        self.typed: list = []
        #: does a route decorator type the function's returns as HTML
        #: (``models/servers.MEDIA_TYPE_ROUTE_DECORATORS``); None: not read yet
        self.html_route: bool | None = None


#: header calls that set the content type of header-typed writes
_HEADER_CALLS = frozenset(setter for setter, _ in servers.HEADER_TYPED_RESPONSES.values())


class _HeaderTypes:
    """Per file: the Content-Types each handler class sets (``models/servers.
    HEADER_TYPED_RESPONSES``), and the writes of methods that set none
    themselves, judged when the file ends by what their class sets (a
    ``_set_headers()`` helper)."""

    __slots__ = ("classes", "pending")

    def __init__(self):
        #: (class, header call) -> the HTML-ness of every Content-Type it sets
        self.classes: dict[tuple, set] = {}
        #: (class, header call, HTML by default, finding)
        self.pending: list = []


#: attributes of ATTRIBUTE_TYPED_RESPONSES (a cheap test before the lookup)
_TYPED_ATTRIBUTES = frozenset(
    a for bodies, type_attr, _ in servers.ATTRIBUTE_TYPED_RESPONSES.values()
    for a in (*bodies, type_attr))


class UnescapedHtmlResponse(Rule):
    """A response served as HTML contains values that were not escaped."""

    code = "SCG201"
    symbol = "unescaped-html-response"
    message = ("{what} is written into an HTML response by {sink} without escaping; "
               "escape it (markupsafe.escape, html.escape) or render a template")
    cwe = 79
    severity = "HIGH"
    confidence = "HIGH"
    section = "XSS; Input Validation and Sanitization"
    rationale = (
        "A browser runs any markup it finds in a text/html response. A value "
        "pasted into HTML without escaping lets whoever controls it inject "
        "<script> into the page of every user who sees it: reflected XSS when "
        "it comes from the request, stored XSS when it comes from the "
        "database (OWASP A03:2021, CWE-79). Templates with autoescaping, "
        "markupsafe.escape/html.escape, or a non-HTML content type prevent it."
    )
    example = (
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/hello')\n"
        "def hello():\n"
        "    name = request.args.get('name', '')\n"
        "    return f'<h1>Hello {name}</h1>'\n"
    )
    fix = (
        "from flask import Flask, request\n"
        "from markupsafe import escape\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/hello')\n"
        "def hello():\n"
        "    name = request.args.get('name', '')\n"
        "    return f'<h1>Hello {escape(name)}</h1>'\n"
    )
    not_flagged = (
        "Escaped values; rendered templates; responses with a non-HTML "
        "mimetype or content type (text/plain, application/json, jsonify, "
        "JsonResponse); numbers, lengths and booleans; URLs the router built "
        "(reverse(), url_for(), get_absolute_url()) and urllib.parse.quote() "
        "output; translated literals (gettext of a constant); formatted dates "
        "(isoformat(), strftime() with a constant format, naturaltime, "
        "babel's format_date); FastAPI routes that "
        "return a str (served as JSON); values marked safe with Markup()/"
        "mark_safe() (SCG202 judges those); HTML built in another function; "
        "http.server wfile.write() unless the handler (or its class) sends an "
        "HTML Content-Type; Tornado write() after a non-HTML Content-Type "
        "(also in set_default_headers()); Falcon resp.text unless the responder "
        "sets an HTML resp.content_type "
        "(or Content-Type header); Litestar returns unless the route's "
        "media_type is HTML."
    )
    calls = frozenset(web.HTML_RESPONSES) | frozenset(web.MEDIA_TYPE_RESPONSES) | frozenset(
        servers.HEADER_TYPED_RESPONSES) | _HEADER_CALLS | frozenset(
        servers.ATTRIBUTE_TYPE_HEADER_CALLS)
    node_types = (ast.Call, ast.Return, ast.Assign)
    report_types = (ast.Call, ast.Return, ast.Assign)
    reads_labels = frozenset({labels.safe("html"), labels.MARKUP, labels.EXCEPTION})
    function_state = _PendingResponses
    file_state = _HeaderTypes

    def check(self, node, ctx):
        if type(node) is ast.Assign:
            self._assignment(node, ctx)
            return None
        if type(node) is ast.Return:
            fn = ctx.fn
            if fn is None or node.value is None or (
                    fn.framework != "flask" and not self._html_route(ctx, fn)):
                return None
            body = node.value
            if type(body) is ast.Tuple and body.elts:
                if len(body.elts) > 1 and _headers_not_html(ctx, body.elts[1:]):
                    return None
                body = body.elts[0]
            if type(body) is ast.Call and ctx.call_name(body) in _RESPONSE_CALLS:
                return None
            return self._judge(ctx, node, body, "return")
        q = ctx.call_name(node)
        if q is None:
            return
        if q in servers.HEADER_TYPED_RESPONSES or q in _HEADER_CALLS:
            return self._header_typed(node, ctx, q)
        if q in servers.ATTRIBUTE_TYPE_HEADER_CALLS:
            self._type_header(node, ctx, q)
            return None
        spec = web.HTML_RESPONSES.get(q)
        media_only = False
        if spec is None:
            spec = web.MEDIA_TYPE_RESPONSES.get(q)
            media_only = True
            if spec is None:
                return
        body_pos, body_kw, type_pos, type_kw = spec
        body = ctx.arg(node, body_pos, body_kw)
        if body is None:
            return
        non_html = _non_html_type(ctx, node, type_pos, type_kw)
        if non_html is None or non_html:
            return
        if media_only and not any(ctx.keyword(node, k) is not None for k in type_kw) \
                and len(node.args) <= max(type_pos, default=99):
            return
        return self._judge(ctx, node, body, ctx.source_text(node.func) + "()")

    def _html_route(self, ctx, fn) -> bool:
        """``@get("/", media_type=MediaType.HTML)`` (Litestar): the returns
        of the handler are served as HTML."""
        st = ctx.fn_state(self)
        if st.html_route is None:
            st.html_route = False
            if fn.is_route:
                for d in fn.node.decorator_list:
                    if type(d) is ast.Call and d.keywords and \
                            ctx.call_name(d) in servers.MEDIA_TYPE_ROUTE_DECORATORS:
                        kw = ctx.keyword(d, "media_type")
                        st.html_route = kw is not None and _is_html(ctx, kw) is True
                        break
        return st.html_route

    def _judge(self, ctx, node, body, sink):
        v = ctx.value(body)
        if v.typ != "str" or labels.MARKUP in v.labels or labels.EXCEPTION in v.labels:
            return None  # Markup(): SCG202's; exception text: SCG801's
        tainted = v.tainted_for("html")
        if tainted:
            return self._finding(ctx, self.found(node, what=origin_text(tainted), sink=sink))
        if v.raw and v.built and html.TAG.search(v.text):
            return self._finding(ctx, self.found(node, severity="MEDIUM", confidence="MEDIUM",
                                                 what="a value formatted into markup", sink=sink))
        return None

    def _header_typed(self, ctx_node, ctx, q):
        """``self.wfile.write(body)`` (http.server), ``self.write(body)``
        (Tornado): HTML when the handler sets an HTML Content-Type (or sets
        none, where the framework's default is HTML); judged when the
        function ends."""
        if ctx.fn is None:
            return None
        st = ctx.fn_state(self)
        node = ctx_node
        if q in _HEADER_CALLS:
            name = ctx.arg(node, 0, None)
            value = ctx.arg(node, 1, None)
            if name is not None and value is not None:
                n = ctx.value(name)
                if n.known and str(n.cval).lower() == servers.CONTENT_TYPE_HEADER:
                    v = ctx.value(value)
                    st.headers[q] = is_html = v.known and "html" in str(v.cval).lower()
                    if ctx.fn.class_info is not None:
                        ctx.file_state_of(self).classes.setdefault(
                            (ctx.fn.class_info.name, q), set()).add(is_html)
            return None
        setter, default = servers.HEADER_TYPED_RESPONSES[q]
        body = ctx.arg(node, 0, None)
        if body is None:
            return None
        found = self._judge(ctx, node, body, ctx.source_text(node.func) + "()")
        if found:
            st.typed.extend((setter, default, report) for report in found)
        return None

    def _finding(self, ctx, report):
        """Report now, or, for ``resp = make_response(...)``, when the function
        ends without ``resp.mimetype``/``Content-Type`` set to something else."""
        var = ctx.fn_state(self).vars.get(id(report.node)) if ctx.fn is not None else None
        if var is None:
            return [report]
        ctx.fn_state(self).pending.setdefault(var, []).append(report)
        return None

    def _assignment(self, node, ctx):
        if ctx.fn is None or len(node.targets) != 1:
            return
        st = ctx.fn_state(self)
        target = node.targets[0]
        if type(target) is ast.Attribute and target.attr in _TYPED_ATTRIBUTES:
            self._attribute_typed(node, target, ctx, st)
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
            st.vars[id(node.value)] = target.id
            return
        var = None
        if isinstance(target, ast.Attribute) and target.attr in \
                html.CONTENT_TYPE_ATTRIBUTES and isinstance(target.value, ast.Name):
            var = target.value.id
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) and \
                target.value.attr == "headers" and isinstance(target.value.value, ast.Name):
            key = ctx.value(target.slice)
            if key.known and str(key.cval).lower() == "content-type":
                var = target.value.value.id
        if var is not None and var in st.pending:
            v = ctx.value(node.value)
            if v.known and "html" not in str(v.cval).lower():
                del st.pending[var]

    def _type_header(self, node, ctx, q):
        """``resp.set_header("Content-Type", ...)`` (Falcon): as an
        assignment of the response's content-type attribute."""
        name, value = ctx.arg(node, 0, "name"), ctx.arg(node, 1, "value")
        if ctx.fn is None or name is None or value is None:
            return
        n = ctx.value(name)
        if n.known and str(n.cval).lower() == servers.CONTENT_TYPE_HEADER:
            typ = servers.ATTRIBUTE_TYPE_HEADER_CALLS[q]
            key = f"{typ}.{servers.ATTRIBUTE_TYPED_RESPONSES[typ][1]}"
            ctx.fn_state(self).headers[key] = _is_html(ctx, value) is True

    def _attribute_typed(self, node, target, ctx, st):
        """``resp.text = body`` (Falcon): HTML when the handler sets an HTML
        ``resp.content_type``; judged when the function ends."""
        q = ctx.qualname(target.value)
        spec = servers.ATTRIBUTE_TYPED_RESPONSES.get(q) if q else None
        if spec is None:
            return
        bodies, type_attr, default = spec
        key = f"{q}.{type_attr}"
        if target.attr == type_attr:
            st.headers[key] = _is_html(ctx, node.value) is True
        elif target.attr in bodies:
            found = self._judge(ctx, node, node.value, ctx.source_text(target))
            if found:
                st.typed.extend((key, default, report) for report in found)

    def finish_function(self, ctx):
        st = ctx.fn_state_if_made(self)
        if st is None:
            return None  # nothing recorded in this function
        out = [report for items in st.pending.values() for report in items]
        ci = ctx.fn.class_info if ctx.fn is not None else None
        for setter, default, report in st.typed:
            if setter in st.headers:
                if st.headers[setter]:
                    out.append(report)
            elif ci is not None:  # the class may set it in another method
                ctx.file_state_of(self).pending.append((ci.name, setter, default, report))
            elif default:
                out.append(report)
        return out

    def finish_file(self, ctx):
        st = ctx.file_state_of(self)
        out = []
        for cls, setter, default, report in st.pending:
            seen = st.classes.get((cls, setter))
            if (next(iter(seen)) if seen and len(seen) == 1 else default):
                out.append(report)
        return out


_RESPONSE_CALLS = frozenset(web.HTML_RESPONSES) | frozenset(web.MEDIA_TYPE_RESPONSES) \
    | web.SAFE_RESPONSE_CALLS | web.MARKUP_CALLS


class MarkupFromUnescapedFormat(Rule):
    """A string built with unescaped values is declared safe HTML. Opt-in:
    on the set-A applications 8 of its 14 findings are true or acceptable
    (57 %, under the 80 % bar for default rules).

    Most findings that remain there are HTML pieces sanitized in another
    module of the project, which project-wide summaries (issue 12) would show.
    """

    code = "SCG202"
    symbol = "markup-from-unescaped-format"
    message = ("{call}() marks a string built with {how} as safe HTML{flow}; "
               "use Markup(...).format(...) or format_html(), which escape the values")
    cwe = 79
    severity = "HIGH"
    confidence = "MEDIUM"
    section = "XSS; Input Validation and Sanitization"
    rationale = (
        "Markup(), mark_safe() and SafeString() tell the template engine that "
        "a string is already safe HTML, switching autoescaping off for it. "
        "When the string was built by formatting values in, those values are "
        "never escaped, and any markup they carry reaches the page (CWE-79). "
        "Markup('<b>{}</b>').format(value) and Django's format_html() escape "
        "the values while keeping the template markup."
    )
    example = (
        "from markupsafe import Markup\n\n\n"
        "def badge(user):\n"
        "    return Markup(f'<span class=\"badge\">{user.name}</span>')\n"
    )
    fix = (
        "from markupsafe import Markup\n\n\n"
        "def badge(user):\n"
        "    return Markup('<span class=\"badge\">{}</span>').format(user.name)\n"
    )
    not_flagged = (
        "Markup(...).format(...), Markup(...) % value and format_html(), which "
        "escape; constant strings; strings whose formatted values were escaped "
        "or are numbers; URLs the router built (reverse(), reverse_lazy(), "
        "url_for(), a model's get_absolute_url()), which percent-encode double "
        "quotes and angle brackets in their arguments (Django's reverse() keeps "
        "a single quote: a path argument in a single-quoted attribute is not "
        "seen), and urllib.parse.quote()/urlencode() output; translated "
        "literals (_('...'), gettext_lazy of a constant) and a model's "
        "declared names (Model._meta.verbose_name); dates and times formatted "
        "(isoformat(), strftime() with a constant format, Django's "
        "naturaltime/naturalday, babel's format_date/format_datetime); a "
        "plain variable passed to Markup() whose origin is not visible in the "
        "function. Off by default: see above."
    )
    calls = web.MARKUP_CALLS
    default_enabled = False
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("html")})

    def check(self, node, ctx):
        q = ctx.call_name(node)
        if q is None or q not in web.MARKUP_CALLS or not node.args:
            return
        v = ctx.value(node.args[0])
        if not v.built:
            return
        tainted = v.tainted_for("html")
        if tainted or (v.raw and html.TAG.search(v.text)):
            return [self.found(node, severity="HIGH" if tainted else "MEDIUM",
                               confidence="HIGH" if tainted else "MEDIUM",
                               call=q.rsplit(".", 1)[-1], how=v.built or "unvalidated input",
                               flow=flow_text(tainted))]
        return None
