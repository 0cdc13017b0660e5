"""Guide section: XSS and template injection (server-side templates)."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.analysis.functions import dotted
from secguide.models import sinks
from secguide.rule import Rule
from secguide.rules._common import built_report, call_arg, is_false


class TemplateInjection(Rule):
    """A template's source text is not a constant."""

    code = "SCG104"
    symbol = "template-injection"
    message = ("template source built with {how} is compiled by {sink}(){flow}; keep the "
               "template constant and pass values as context variables")
    cwe = 1336
    severity = "HIGH"
    confidence = "HIGH"
    section = "Injection Attacks: Server-Side Template Injection"
    rationale = (
        "Template languages are programming languages: `{{ ''.__class__.__mro__ }}` "
        "in Jinja2 walks to arbitrary Python objects, and a template compiled "
        "from text the user wrote runs on the server (server-side template "
        "injection, CWE-1336). Values belong in the render context, where the "
        "engine treats them as data and escapes them; the template text itself "
        "must be a constant or a file the application ships."
    )
    example = (
        "from flask import Flask, render_template_string, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/hello')\n"
        "def hello():\n"
        "    name = request.args.get('name', '')\n"
        "    return render_template_string(f'<h1>Hello {name}</h1>')\n"
    )
    fix = (
        "from flask import Flask, render_template_string, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/hello')\n"
        "def hello():\n"
        "    name = request.args.get('name', '')\n"
        "    return render_template_string('<h1>Hello {{ name }}</h1>', name=name)\n"
    )
    not_flagged = (
        "Constant template text with values passed as context; templates read "
        "from a variable whose origin is not visible (files the application "
        "ships, template loaders); string.Template, which has no code."
    )
    calls = frozenset(sinks.TEMPLATE_CALLS) | sinks.TEMPLATE_METHODS
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("template")})

    def check(self, node, ctx):
        q = ctx.call_name(node)
        spec = sinks.TEMPLATE_CALLS.get(q) if q else None
        if spec is not None:
            src = call_arg(ctx, node, spec)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in sinks.TEMPLATE_METHODS:
            src = ctx.arg(node, 0, "source")
        else:
            return
        return built_report(self, ctx, node, ctx.value(src), "template") if src is not None else None


class _TemplateSettings:
    """Line spans of the ``TEMPLATES``/``jinja_options`` values seen so far:
    a ``"autoescape": False`` entry inside one is a finding."""

    __slots__ = ("spans",)

    def __init__(self):
        self.spans: list[tuple[int, int, str]] = []


class AutoescapeDisabledConfig(Rule):
    """Template autoescaping is switched off in the framework's configuration."""

    code = "SCG203"
    symbol = "autoescape-disabled-config"
    message = ("{where} switches template autoescaping off; keep it on and mark the few "
               "trusted fragments with Markup()/mark_safe() instead")
    cwe = 79
    severity = "HIGH"
    confidence = "HIGH"
    section = "XSS; Input Validation and Sanitization"
    rationale = (
        "Autoescaping is what makes every `{{ value }}` in a template safe by "
        "default. Switched off for the whole application, every variable of "
        "every template becomes an XSS hole unless someone remembers to "
        "escape it by hand (CWE-79). Bandit's B701 covers "
        "`jinja2.Environment(autoescape=False)`; this rule covers the Flask "
        "and Django settings that do the same."
    )
    example = (
        "from flask import Flask\n\n"
        "app = Flask(__name__)\n"
        "app.jinja_env.autoescape = False\n"
    )
    fix = (
        "from flask import Flask\n\n"
        "app = Flask(__name__)\n"
        "app.jinja_env.autoescape = True\n"
    )
    not_flagged = (
        "autoescape set to True or left at its default; jinja2.Environment("
        "autoescape=False), which Bandit's B701 already reports; per-block "
        "`{% autoescape false %}` inside templates (not Python)."
    )
    # TEMPLATES = [...], app.jinja_options = {...}, app.jinja_env.autoescape = False,
    # TEMPLATES[0]["OPTIONS"]["autoescape"] = False
    assign_keys = frozenset({"TEMPLATES", "*jinja_options", ".autoescape", "[]"})
    local_assign_keys = frozenset({"TEMPLATES", "*jinja_options"})
    calls = frozenset({"configure"})
    node_types = (ast.Assign, ast.Dict, ast.Call)
    file_state = _TemplateSettings
    report_types = (ast.Assign, ast.Constant)

    def check(self, node, ctx):
        if type(node) is ast.Call:
            # settings.configure(TEMPLATES=[...]): the Dict check reports inside
            for kw in node.keywords:
                if kw.arg == "TEMPLATES":
                    ctx.file_state_of(self).spans.append(
                        (kw.value.lineno, getattr(kw.value, "end_lineno", kw.value.lineno),
                         "TEMPLATES"))
            return None
        if type(node) is ast.Assign:
            target = node.targets[0] if len(node.targets) == 1 else None
            if type(target) is ast.Name and target.id != "TEMPLATES" and \
                    not target.id.endswith("jinja_options"):
                return  # the common ``name = value``: nothing this rule looks for
            name = dotted(target) if target is not None else None
            if isinstance(target, ast.Subscript) and is_false(ctx, node.value):
                # TEMPLATES[0]["OPTIONS"]["autoescape"] = False
                key = ctx.value(target.slice)
                root = target.value
                while isinstance(root, ast.Subscript):
                    root = root.value
                if key.known and key.cval == "autoescape" and isinstance(root, ast.Name) \
                        and root.id == "TEMPLATES":
                    return [self.found(node, where='TEMPLATES[...]["autoescape"] = False')]
            if name is None:
                if isinstance(target, ast.Subscript) and (dotted(target.value) or "").endswith(
                        "jinja_options"):
                    key = ctx.value(target.slice)
                    if key.known and key.cval == "autoescape" and is_false(ctx, node.value):
                        return [self.found(node, where="app.jinja_options['autoescape'] = False")]
                return None
            if name.endswith("jinja_env.autoescape") and is_false(ctx, node.value):
                return [self.found(node, where=f"{name} = False")]
            elif name in ("TEMPLATES",) or name.endswith("jinja_options"):
                # the Dict check below reports keys inside this assignment
                ctx.file_state_of(self).spans.append(
                    (node.lineno, getattr(node, "end_lineno", node.lineno), name))
            return None
        spans = ctx.file_state_of(self).spans
        if not spans:
            return None
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "autoescape" and is_false(ctx, value):
                for start, end, name in spans:
                    if start <= node.lineno <= end:
                        return [self.found(key, where=f'"autoescape": False in {name}')]
        return None
