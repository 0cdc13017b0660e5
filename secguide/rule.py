"""The rule declaration: every fact about a rule is written here once.

A rule's code, symbol, message template, CWE, severity, confidence, guide
section, rationale, vulnerable example and fix live on its class.  The docs,
the flake8 adapter and the Bandit adapter all read them from here.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable

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


class Rule:
    """Base class of every rule.

    Subclasses declare the class attributes below and implement ``check``
    (called by the engine for each node whose type is in ``node_types``)
    and, when they need to see a whole function, ``finish_function``.
    Rules never walk the tree, resolve imports or read global options: they
    ask the ``FileContext`` they are handed.
    """

    code: ClassVar[str]
    symbol: ClassVar[str]
    #: one-line template without the code; ``{name}`` fields are filled from
    #: the keyword arguments of ``report``.
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
    #: only analysed inside functions that handle web requests
    needs_route: ClassVar[bool] = False
    #: for Assign rules: False when the rule never reports ``name = value``
    #: in a function body (settings, session keys, attributes, class
    #: attributes), so the shared pass skips it on those statements, the
    #: most common ones
    sees_local_assigns: ClassVar[bool] = True
    default_enabled: ClassVar[bool] = True

    def check(self, node: ast.AST, ctx: "FileContext") -> None:  # pragma: no cover
        """Inspect ``node``; call ``ctx.report`` for each finding."""

    def finish_function(self, ctx: "FileContext") -> None:
        """Called when the body of the current function has been walked."""

    # -- helpers ---------------------------------------------------------
    @classmethod
    def format(cls, **fields: object) -> str:
        return cls.message.format(**fields)

    @classmethod
    def cwe_url(cls) -> str:
        return f"https://cwe.mitre.org/data/definitions/{cls.cwe}.html"

    @classmethod
    def doc_url(cls) -> str:
        from secguide import DOCS_BASE_URL

        return f"{DOCS_BASE_URL}/{cls.code}.md"


def rule_codes(rules: Iterable[type[Rule]]) -> list[str]:
    return [r.code for r in rules]
