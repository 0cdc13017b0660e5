"""The rule declaration: every fact about a rule is written here once.

A rule's code, symbol, message template, CWE, severity, confidence, guide
section, rationale, vulnerable example and fix live on its class.  The docs,
the flake8 adapter and the Bandit adapter all read them from here.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from secguide.analysis.context import FileContext

SEVERITIES = ("LOW", "MEDIUM", "HIGH")


@dataclass(frozen=True)
class Finding:
    """One result: where, what, and how sure we are."""

    code: str
    line: int
    col: int
    message: str
    severity: str
    confidence: str
    cwe: int
    node: ast.AST | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The message as flake8 prints it: code first."""
        return f"{self.code} {self.message}"


@dataclass(frozen=True)
class Report:
    """What a rule returns: a finding before the engine places and ranks it.

    ``node`` is what the finding is about (one finding per rule and node, the
    highest severity wins); ``at`` places it on another node's position (a
    decorator of the ``def`` it belongs to); ``fields`` fill the rule's
    message template; ``severity``/``confidence`` override the rule's own.
    """

    node: ast.AST
    fields: Mapping[str, object]
    severity: str | None = None
    confidence: str | None = None
    at: ast.AST | None = None


class Rule:
    """Base class of every rule.

    Subclasses declare the class attributes below and implement ``check``
    (called by the engine for each node whose type is in ``node_types``)
    and, when they need to see a whole function or the whole file,
    ``finish_function`` / ``finish_file``.  Each returns its findings
    (``[self.found(node, **fields)]``, a generator, or None); a rule never
    records them itself.  Facts a verdict needs from elsewhere are collected
    in the declared ``function_state`` / ``file_state`` and judged in a
    finish hook, so the order of definitions does not matter.
    Rules never walk the tree, resolve imports or read global options: they
    ask the ``FileContext`` they are handed.
    """

    code: ClassVar[str]
    symbol: ClassVar[str]
    #: one-line template without the code; ``{name}`` fields are filled from
    #: the keyword arguments of ``found``.
    message: ClassVar[str]
    cwe: ClassVar[int]
    severity: ClassVar[str]
    confidence: ClassVar[str]
    #: the guide section the rule enforces
    section: ClassVar[str]
    #: why this is bad, in the guide's words (a paragraph)
    rationale: ClassVar[str]
    #: a short vulnerable snippet (must be flagged) and its fix (must not be)
    example: ClassVar[str]
    fix: ClassVar[str]
    #: what the rule deliberately leaves alone
    not_flagged: ClassVar[str] = ""
    #: node classes ``check`` is called with (``ast.Constant``: string
    #: constants only; numbers, None and bytes never reach a rule)
    node_types: ClassVar[tuple[type, ...]] = ()
    #: node classes a finding of this rule may be reported on (Bandit needs
    #: to register the test for these)
    report_types: ClassVar[tuple[type, ...]] = (ast.Call,)
    #: for Call rules: the qualified names (``hashlib.sha256``) and last names
    #: (``execute``) of the calls ``check`` wants; None means every call
    calls: ClassVar[frozenset | None] = None
    #: for Call rules with ``calls``: also check every call that has keyword
    #: arguments (``**kwargs``, ``password=...``, ``secret_key="..."``)
    calls_with_keywords: ClassVar[bool] = False
    #: for Call rules with ``calls``: also check every call whose last name
    #: contains one of these words, lower-cased (``"csrf"``: ``check_csrf()``,
    #: ``_enforce_csrf()``), and every call whose callee has no name the
    #: index could read (``make_check()(request)``, ``handlers[k](x)``)
    call_words: ClassVar[tuple[str, ...]] = ()
    #: only analysed inside functions that handle web requests
    needs_route: ClassVar[bool] = False
    #: for Assign rules: False when the rule never reports ``name = value``
    #: in a function body (settings, session keys, attributes, class
    #: attributes), so the shared pass skips it on those statements, the
    #: most common ones
    sees_local_assigns: ClassVar[bool] = True
    #: for Assign rules: the assignments ``check`` can act on, as keys of
    #: their targets and value (None: every assignment).  A target gives its
    #: name (``DEBUG``), ``.attr`` for an attribute (``.debug``), ``*suffix``
    #: for a name or attribute ending so (``*jinja_options``), ``@password``
    #: for one named like a password (``vocab.is_password_name``), ``[]``
    #: for a subscript and ``[holder`` for one of ``holder[...]`` or
    #: ``x.holder[...]`` (``[config``), and a tuple or starred target none;
    #: the value gives ``=Class``, its node class (``=Compare``), and, for a
    #: call, ``()`` and the qualified name called (``()os.umask``; an
    #: attribute call only when its attribute is that name's last part).
    #: The engine indexes rules by these keys
    #: (``engine.tables.AssignIndex``), so most assignments reach only the
    #: rules that read them all.  Keys must cover every assignment on which
    #: ``check`` reports or records state: a missing one loses findings.
    assign_keys: ClassVar[frozenset[str] | None] = None
    #: the same for ``name = value`` in a function body (``sees_local_assigns``)
    local_assign_keys: ClassVar[frozenset[str] | None] = None
    #: for Constant rules: string constants shorter than this are never
    #: looked at (the shared walk skips them, the most common constants)
    min_str_len: ClassVar[int] = 0
    #: for Constant rules: the substrings one of which a string must contain
    #: for ``check`` to act on it (``"://"`` for a URL); None: every string
    #: of ``min_str_len`` or more.  When every Constant rule of a selection
    #: declares them, the shared walk searches for them once (one regular
    #: expression) and skips the strings that hold none
    str_needles: ClassVar[tuple[str, ...] | None] = None
    default_enabled: ClassVar[bool] = True
    #: test modules and test settings never see this rule
    skip_test_files: ClassVar[bool] = False
    #: factories of the rule's scratch state, created by the engine: one
    #: object per analysed function (``ctx.fn_state(self)``) and one per file
    #: (``ctx.file_state_of(self)``); rules keep no state anywhere else
    function_state: ClassVar[Callable[[], Any] | None] = None
    file_state: ClassVar[Callable[[], Any] | None] = None
    #: the options (``options.OPTIONS`` names) and value labels
    #: (``secguide.labels``) the rule's verdicts depend on; the docs list the
    #: options from these, including options that change a label it reads
    reads_options: ClassVar[tuple[str, ...]] = ()
    reads_labels: ClassVar[frozenset] = frozenset()

    def check(self, node: ast.AST, ctx: "FileContext") -> Iterable[Report] | None:  # pragma: no cover
        """Inspect ``node``; return the findings (``self.found(...)``), if any."""
        return None

    def finish_function(self, ctx: "FileContext") -> Iterable[Report] | None:
        """Called when the body of the current function has been walked."""
        return None

    def finish_file(self, ctx: "FileContext") -> Iterable[Report] | None:
        """Called once after the whole file (every function) was analysed:
        verdicts that depend on facts anywhere in the file go here."""
        return None

    def found(self, node: ast.AST, *, severity: str | None = None,
              confidence: str | None = None, at: ast.AST | None = None,
              **fields: object) -> Report:
        """A finding of this rule on ``node`` with the message ``fields``."""
        return Report(node, fields, severity, confidence, at)

    # -- helpers ---------------------------------------------------------
    @classmethod
    def format(cls, **fields: object) -> str:
        return cls.message.format(**fields)

    @classmethod
    def test_name(cls) -> str:
        """The rule's Bandit test name (``sql_built_query``), also read in
        suppression comments."""
        return cls.symbol.replace("-", "_")

    @classmethod
    def cwe_url(cls) -> str:
        return f"https://cwe.mitre.org/data/definitions/{cls.cwe}.html"

    @classmethod
    def doc_url(cls) -> str:
        from secguide import DOCS_BASE_URL

        return f"{DOCS_BASE_URL}/{cls.code}.md"

    @classmethod
    def help_text(cls) -> str:
        """The rule in plain text (a host's help for one test: Bandit's
        docstrings): message outline, rationale, levels and links."""
        message = re.sub(r"\{(\w*)[^}]*\}", lambda m: f"<{m.group(1) or '...'}>", cls.message)
        rationale = " ".join(str(getattr(cls, "rationale", "")).split())
        return (f"{cls.code}: {cls.symbol}\n\n{message}\n\n{rationale}\n\n"
                f"Severity {cls.severity}, confidence {cls.confidence}. "
                f"CWE-{cls.cwe}: {cls.cwe_url()}\nDocumentation: {cls.doc_url()}\n")
