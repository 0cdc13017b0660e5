"""Bandit tests for the secguide rules: one test per rule, generated.

A test is named after its rule's symbol (``sql_built_query``) with the code
as test id, so ``-t``/``-s``, profiles and ``# nosec SCG101`` work as for
Bandit's own tests.  It looks up its rule's finding on ``context.node`` in
the file's results (:mod:`bandit_ext.results`, analysed at the file's first
call) and never raises.  :mod:`bandit_ext._trim` keeps Bandit from calling
tests with nothing to report in the file (speed only).  Every test reads
the one config section ``secguide:`` (``[tool.bandit.secguide]``; keys:
``secguide.options.OPTION_SPECS``), checked at the first call: a bad block
is logged naming the key and the ``-c`` file, and Bandit exits with 2.
``bandit-config-generator`` writes that one block (:func:`__getattr__`).
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from bandit.core import issue as _issue
from bandit.core import test_properties as _props

from bandit_ext import _trim, results
from secguide.options import OptionError, Options, default_mapping
from secguide.registry import ALL_RULES
from secguide.suppression import Suppressions

#: the Bandit config section every secguide test reads
CONFIG_SECTION = "secguide"

_ALL_CODES = frozenset(r.code for r in ALL_RULES)

LOG = logging.getLogger(__name__)

#: AST classes Bandit never runs tests on: a finding there cannot be reported
UNREPORTABLE = frozenset({"Module", "ClassDef", "Expression", "Interactive"})


def bandit_checks(report_types: tuple[type, ...]) -> list[str]:
    """Bandit check-type names under which nodes of ``report_types`` reach tests.

    Bandit dispatches ``str``/``bytes`` constants as ``Str``/``Bytes`` (and no
    other constant), a relative ``from . import x`` as ``Import``, and runs no
    test on ``ClassDef`` or the ``Module``.
    """
    names: list[str] = []
    for cls in report_types:
        name = cls.__name__
        extra = {"Constant": ["Str", "Bytes"], "ImportFrom": ["ImportFrom", "Import"]}.get(
            name, [] if name in UNREPORTABLE else [name])
        names.extend(n for n in extra if n not in names)
    return names


def _gen_config(name: str) -> dict[str, Any]:
    """Default configuration (Bandit calls this when ``secguide:`` is absent)."""
    return default_mapping()


def __getattr__(name: str):
    """``gen_config`` (Bandit asks ``hasattr``).  Bandit's config generator
    (the caller, ``get_config_settings``) would write a block per test that
    Bandit never reads: for it there is none, and the ``secguide:`` block
    goes once into the settings it builds."""
    if name != "gen_config":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    frame = sys._getframe(1)
    generator = sys.modules.get("bandit.cli.config_generator")
    code = getattr(getattr(generator, "get_config_settings", None), "__code__", None)
    settings = frame.f_locals.get("config") if frame.f_code is code else None
    if not isinstance(settings, dict):
        return _gen_config
    settings.setdefault(CONFIG_SECTION, default_mapping())
    raise AttributeError(name)


def _config_file() -> str | None:
    """Bandit's ``-c FILE`` / ``--configfile[=]FILE`` on the command line."""
    for i, arg in enumerate(sys.argv[1:-1], 1):
        if arg in ("-c", "--configfile"):
            return sys.argv[i + 1]
    for arg in sys.argv[1:]:
        if arg.startswith(("--configfile=", "-c")) and arg != "-c":
            return arg.partition("=")[2] if arg.startswith("--") else arg[2:]
    return None


def _checked_options(config) -> Options:
    """The options of the ``secguide:`` block, or a logged error and exit 2
    (naming the ``-c`` file of the command line, if any)."""
    try:
        return results.options_for(config)
    except OptionError as err:
        path = _config_file()
        block = "[tool.bandit.secguide]" if (path or "").endswith(".toml") else "secguide:"
        where = f"{path}, {block} block" if path else "Bandit config, secguide: block"
        LOG.error("%s", err.located(where))
        raise SystemExit(2) from None


_NAMES = {r.symbol.replace("-", "_"): r.code for r in ALL_RULES}


def _analyse(raw: dict, node, config, frame) -> results.FileResults:
    """The file's results: cached, or analysed now (and Bandit's lists
    trimmed), less what coded ``# noqa: SCG101`` comments silence, unless
    ``--ignore-nosec`` (then Bandit reads no comment: the tester's
    ``nosec_lines``, a key per comment line otherwise, are empty)."""
    found = results.same_file(raw, config)
    if found is None:
        tester = _trim.tester(frame)
        select = _trim.enabled_codes(tester) if tester is not None else _ALL_CODES
        found = results.analyse(raw, node, config, select)
        data = results.source(raw.get("file_data")) if found.hits else None
        if data is not None:
            suppressions = Suppressions(data, results.module_of(node), _NAMES)
            ignored = not getattr(tester, "nosec_lines", True) if tester is not None \
                else "--ignore-nosec" in sys.argv
            if suppressions.by_line and not ignored:
                found.drop_silenced(suppressions, "bandit")
        if tester is not None:
            wanted: dict[str, set[str]] = {}
            for cls, codes in found.kinds.items():
                for check in bandit_checks((cls,)):
                    wanted.setdefault(check, set()).update(codes)
            _trim.trim(tester, wanted)
    return found


def _to_issue(rule, finding, node):
    levels = ("LOW", "MEDIUM", "HIGH")
    issue = _issue.Issue(
        severity=finding.severity if finding.severity in levels else rule.severity,
        confidence=finding.confidence if finding.confidence in levels else rule.confidence,
        cwe=rule.cwe, text=finding.message, lineno=finding.line,
        col_offset=finding.col, test_id=rule.code)
    start = getattr(node, "lineno", finding.line)
    if finding.line < start:   # placed on a decorator above the def: cover it
        issue.linerange = list(range(finding.line, (getattr(node, "end_lineno", None) or start) + 1))
    return issue


def _make_test(rule):
    code = rule.code

    def test(context, config=None):
        _checked_options(config)  # an unusable secguide: block: logged, exit 2
        try:
            raw = context._context
            node = raw.get("node")
            if node is None:
                return None
            found = results.CURRENT[0]
            if found is None or found.fdata is not raw.get("file_data") \
                    or id(config) not in found.config_ids:
                found = _analyse(raw, node, config, sys._getframe(1))
            finding = found.lookup(node, code)
            return None if finding is None else _to_issue(rule, finding, node)
        except Exception:  # noqa: BLE001 - never a "Bandit internal error"
            return None

    name = rule.symbol.replace("-", "_")
    test.__name__ = test.__qualname__ = name
    test.__doc__ = rule.help_text()
    test.secguide_code = code   # how bandit_ext._trim tells our tests apart
    test = _props.checks(*bandit_checks(rule.report_types))(test)
    test = _props.test_id(code)(test)
    return name, _props.takes_config(CONFIG_SECTION)(test)


__all__ = ["CONFIG_SECTION", "bandit_checks"]
for _rule in ALL_RULES:
    _name, _test = _make_test(_rule)
    globals()[_name] = _test
    __all__.append(_name)
del _rule, _name, _test
