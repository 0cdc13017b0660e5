"""secguide: the secure-coding guide's rules for Bandit and flake8.

Public API::

    from secguide import check_source
    for f in check_source(text, filename="app.py"):
        print(f.line, f.col, f.code, f.message, f.severity, f.confidence, f.cwe)
"""
from __future__ import annotations

from typing import Iterable, Mapping

from secguide.options import Options
from secguide.rule import Finding

__version__ = "0.1.0"
DOCS_BASE_URL = "https://github.com/secguide/secguide/blob/main/docs/rules"

__all__ = ["Finding", "Options", "check_source", "__version__"]


def check_source(
    source: str | bytes,
    filename: str = "<string>",
    select: Iterable[str] | None = None,
    options: Options | Mapping | None = None,
) -> list[Finding]:
    """Analyse Python source text; return its findings sorted by position.

    ``select`` limits the rules by code prefix (``["SCG1", "SCG601"]``);
    ``None`` runs every rule enabled by default.  Source that does not parse
    gives no findings: a rule that cannot decide stays silent.

    ``options``: an ``Options`` or a mapping of option names (those of the
    tools: ``{"password-names": "pin", "min-bcrypt-rounds": 12}``) to
    values; an unknown name, a value of the wrong type or an invalid one
    raises ``ValueError`` (``secguide.options.OptionError``) naming it.
    """
    from secguide.engine import analyze_source

    if not isinstance(options, Options):
        options = Options.from_mapping(options)
    return analyze_source(source, filename, select=select, options=options)
