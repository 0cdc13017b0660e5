"""Bandit tests for the secguide rules: one test per rule, generated.

A test is named after its rule (``sql_built_query``) with the code as test
id, so ``-t``/``-s``, profiles and ``# nosec SCG101`` work as for Bandit's
own tests.  It looks up its rule's finding on ``context.node`` in the file's
results (:mod:`bandit_ext.results`, analysed at the file's first call) and
never raises; :mod:`bandit_ext._trim` keeps Bandit from calling tests with
nothing to report in the file.  An opt-in rule (off by default in flake8)
is analysed only in a run that names its test (``-t SCG202``, ``tests:``),
since Bandit runs every installed test otherwise.  Every test reads the config section
``secguide:`` (``[tool.bandit.secguide]``), checked at a file's first call:
a bad block is logged naming the key and the ``-c`` file, and Bandit exits
with 2.  ``bandit-config-generator`` writes that one block (``__getattr__``).
"""
from __future__ import annotations

import logging
import sys

from bandit.core import issue as _issue
from bandit.core import test_properties as _props

from bandit_ext import _trim, results
from bandit_ext._trim import UNREPORTABLE, bandit_checks  # noqa: F401  (their API)
from secguide.options import OptionError, default_mapping
from secguide.registry import ALL_RULES
from secguide.suppression import Suppressions

CONFIG_SECTION = "secguide"   # the Bandit config section every test reads
_ALL_CODES = frozenset(r.code for r in ALL_RULES)
#: opt-in rules: analysed only in a run that names their test (``-t``, ``tests:``)
_OPT_IN = frozenset(r.code for r in ALL_RULES if not r.default_enabled)
_NAMES = {r.test_name(): r.code for r in ALL_RULES}


def _gen_config(name: str) -> dict:
    """Default configuration (Bandit calls this when ``secguide:`` is absent)."""
    return default_mapping()


def __getattr__(name: str):
    """``gen_config`` (Bandit asks ``hasattr``), except to Bandit's config
    generator (``get_config_settings``), which would write a block per test:
    the one ``secguide:`` block goes into the settings it builds instead."""
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
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg in ("-c", "--configfile"):
            return args[i + 1] if i + 1 < len(args) else None
        if arg.startswith(("--configfile=", "-c")):
            return arg.partition("=")[2] if arg.startswith("--") else arg[2:]
    return None


def _analyse(raw: dict, node, config, frame) -> results.FileResults:
    """Analyse the file (a bad ``secguide:`` block: logged, exit 2), drop what
    coded ``# noqa: SCG101`` comments silence (unless ``--ignore-nosec``:
    the tester's ``nosec_lines`` empty), trim Bandit's lists."""
    try:
        results.options_for(config)
    except OptionError as err:
        path = _config_file()
        block = "[tool.bandit.secguide]" if (path or "").endswith(".toml") else "secguide:"
        where = f"{path}, {block} block" if path else "Bandit config, secguide: block"
        logging.getLogger(__name__).error("%s", err.located(where))
        raise SystemExit(2) from None
    tester = _trim.tester(frame)
    found = results.analyse(raw, node, config, _selected(tester))
    data = results.source(raw.get("file_data")) if found.hits else None
    if data is not None:
        suppressions = Suppressions(data, results.module_of(node), _NAMES)
        ignored = "--ignore-nosec" in sys.argv if tester is None \
            else not getattr(tester, "nosec_lines", True)
        if suppressions.by_line and not ignored:
            found.drop_silenced(suppressions, "bandit")
    if tester is not None:
        _trim.trim(tester, found.kinds)
    return found


def _selected(tester) -> frozenset[str]:
    """The rules to analyse: those whose tests the run enabled, less the
    opt-in ones it did not name (Bandit has no "off by default": a plain
    ``bandit -r`` runs every test; ``-t SCG202`` or ``tests: [SCG202]``
    names one).  Without the tester (an unverified Bandit) every default
    rule, and Bandit drops what its disabled tests would have said."""
    if tester is None:
        return _ALL_CODES - _OPT_IN
    enabled = _trim.enabled_codes(tester)
    if enabled & _OPT_IN:
        enabled = enabled - (_OPT_IN - _trim.named_codes(tester))
    return enabled


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
        try:
            raw = context._context
            node = raw.get("node")
            if node is None:
                return None
            found = results.CURRENT[0]
            if found is None or not found.of(raw, config):
                found = _analyse(raw, node, config, sys._getframe(1))
            finding = found.lookup(node, code)
            return None if finding is None else _to_issue(rule, finding, node)
        except Exception:  # noqa: BLE001 - never a "Bandit internal error"
            return None

    test.__name__ = test.__qualname__ = rule.test_name()
    test.__doc__ = rule.help_text()
    test.secguide_code = code   # how bandit_ext._trim tells our tests apart
    test._checks = _trim.CheckList()   # notes the tests a run names (opt-in rules)
    test = _props.checks(*bandit_checks(rule.report_types))(test)
    return _props.takes_config(CONFIG_SECTION)(_props.test_id(code)(test))


__all__ = ["CONFIG_SECTION", "UNREPORTABLE", "bandit_checks"] + [r.test_name() for r in ALL_RULES]
globals().update((r.test_name(), _make_test(r)) for r in ALL_RULES)
