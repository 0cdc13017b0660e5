"""The flake8 plugin class.

flake8 creates one ``SecguidePlugin`` per file, passing the module's AST, the
file name and, by parameter name, the ``options`` namespace of the run, so the
configuration lives on the instance (no class-level mutable state, which
would leak between in-process runs with different settings).

Which SCG rules run follows flake8's own select/ignore decision for each code
(``--select``, ``--extend-select``, ``--ignore``, ``--extend-ignore`` and the
defaults, including the opt-in rules this plugin adds to the default ignore
list).  When no SCG code is selected, e.g. ``flake8 --select E,W,F``, the
plugin returns at once without analysing anything.

Options: every ``secguide.options.OPTION_SPECS`` entry is available as
``--secguide-<name>`` on the command line and as ``secguide-<name> =`` in the
``[flake8]`` section of ``setup.cfg``, ``tox.ini`` or ``.flake8``.  They are
checked once, in ``parse_options``, before any file is read: a value secguide
cannot use, or a ``secguide-*`` key in the config file that names no option
(flake8 itself ignores unknown config keys), is an option error as flake8's
own options give one (``flake8: error: ...``, exit 2), naming the key, the
file and what is accepted.

The analysis never raises: a failure inside it gives no findings for the
file instead of aborting the whole flake8 run.
"""
from __future__ import annotations

import ast
import configparser
import os
import sys
from typing import Any, Iterator

import secguide
from secguide.options import OPTION_SPECS, OptionError, Options, flake8_section, parse_value

#: the namespace attribute holding the checked options (no ``secguide_``
#: prefix: that is the options' own)
PARSED = "parsed_secguide_options"

__all__ = ["SecguidePlugin"]


def _all_rules() -> tuple:
    from secguide.registry import ALL_RULES

    return ALL_RULES


def _test_names() -> dict[str, str]:
    """Bandit test name -> code (``# nosec sql_built_query`` works here too)."""
    return {r.test_name(): r.code for r in _all_rules()}


#: the options namespace last asked about and its selected codes: flake8
#: passes one namespace to every file of a run (a strong reference, so the
#: identity stays that namespace's)
_SELECTED: list = [None, None]


def _selected_codes(options: Any) -> list[str] | None:
    """The SCG codes flake8 would report with these options, decided once
    per options namespace.

    ``None`` means "could not tell" (no options, or a flake8 without
    ``DecisionEngine``): the caller then runs every rule and lets flake8's
    style guide filter the results, which is correct, only slower.
    """
    if options is None:
        return None
    if _SELECTED[0] is options:
        return _SELECTED[1]
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        codes = [rule.code for rule in _all_rules()
                 if engine.decision_for(rule.code) is Decision.Selected]
    except Exception:
        codes = None
    _SELECTED[:] = [options, codes]
    return codes


def _options_from_namespace(options: Any) -> Options:
    """The checked options (``parse_options``), else parsed from the namespace
    here (a caller that skipped flake8's option parsing); ``OptionError``
    for a value secguide cannot use."""
    if options is None:
        return Options()
    parsed = getattr(options, PARSED, None)
    if isinstance(parsed, Options):
        return parsed
    try:
        raw = {
            key: value
            for key, value in vars(options).items()
            if key.startswith("secguide_")
        }
    except TypeError:  # not a Namespace-like object
        return Options()
    return Options.from_mapping(raw)


def _stage1(frame: Any) -> Any:
    """flake8's preliminary options (``--config``, ``--append-config``,
    ``--isolated``): parsed before the namespace plugins see, and not in it.
    Read from flake8's ``parse_args`` (the caller of ``parse_options``) when
    that is the caller, else parsed again from the command line."""
    try:
        from flake8.options import parse_args as flake8_parse_args

        if frame is not None and frame.f_code is flake8_parse_args.parse_args.__code__:
            found = frame.f_locals.get("args0")
            if found is not None:
                return found
        from flake8.main.options import stage1_arg_parser

        return stage1_arg_parser().parse_known_args(sys.argv[1:])[0]
    except Exception:  # noqa: BLE001 - an unknown flake8: no config files known
        return None


def config_files(stage1: Any) -> list[str]:
    """The config files this flake8 run read, as flake8 finds them:
    ``--config`` or the first of setup.cfg, tox.ini, .flake8 with a flake8
    section from the working folder up, then ``--append-config`` files;
    none with ``--isolated``."""
    if stage1 is None or getattr(stage1, "isolated", False):
        return []
    main = getattr(stage1, "config", None)
    if main is None:
        try:
            from flake8.options.config import _find_config_file

            main = _find_config_file(os.path.abspath("."))
        except (ImportError, OSError):
            main = None
    return [f for f in [main, *(getattr(stage1, "append_config", None) or [])] if f]


def check_config_files(files: list[str]) -> None:
    """``OptionError`` for a ``secguide-*`` key of a ``[flake8]`` section
    that names no option, or whose value is not one it accepts."""
    for path in files:
        cfg = configparser.RawConfigParser()
        try:
            cfg.read(path, encoding="UTF-8")
        except (UnicodeDecodeError, configparser.Error):
            continue  # flake8 reports or ignores an unreadable file itself
        flake8_section(cfg, f"{path} [flake8]")


def check_namespace(options: Any) -> Options:
    """The options of the namespace (config files and command line merged
    by flake8), checked; errors name the command-line option."""
    values = {}
    for spec in OPTION_SPECS:
        value = getattr(options, "secguide_" + spec.name.replace("-", "_"), None)
        if value is None:
            continue
        try:
            values[spec.name] = parse_value(spec, value, f"--secguide-{spec.name}")
        except OptionError as err:
            raise err.located("") from None
    return Options.from_mapping(values)


class SecguidePlugin:
    """flake8 AST plugin running the secguide rules."""

    name = "secguide"
    version = secguide.__version__

    def __init__(self, tree: ast.AST, filename: str,
                 options: Any = None, lines: Any = None) -> None:
        self.tree = tree
        self.filename = filename
        self.options = options
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        for spec in OPTION_SPECS:
            kwargs: dict[str, Any] = {
                "default": None,
                "parse_from_config": True,
                "help": spec.help,
            }
            if spec.kind == "list":
                kwargs["comma_separated_list"] = True
            # values are checked in parse_options (config files first, so
            # that an error names the file), not by argparse types
            option_manager.add_option(f"--secguide-{spec.name}", **kwargs)
        opt_in = [r.code for r in _all_rules() if not r.default_enabled]
        if opt_in:
            option_manager.extend_default_ignore(opt_in)

    @classmethod
    def parse_options(cls, option_manager: Any, options: Any, args: Any = None) -> None:
        """Check the secguide options once per run (flake8 calls this after
        parsing its options): an error stops flake8 as its own options do."""
        try:
            check_config_files(config_files(_stage1(sys._getframe(1))))
            parsed = check_namespace(options)
        except OptionError as err:
            parser = getattr(option_manager, "parser", None)
            if parser is None:
                raise
            parser.error(str(err))  # "flake8: error: ...", exit 2
        setattr(options, PARSED, parsed)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        try:
            findings = self._findings()
        except OptionError:
            raise  # a configuration error is the user's to see, not a silent skip
        except Exception:
            return
        cls = type(self)
        for finding in findings:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", cls

    def _findings(self) -> list:
        select = _selected_codes(self.options)
        if select is not None and not select:
            return []  # no SCG code selected: do no analysis at all
        if select is None:
            select = [rule.code for rule in _all_rules()]
        options = _options_from_namespace(self.options)
        if not isinstance(self.tree, ast.Module):
            return []
        from secguide import engine
        from secguide.engine.host import settle_host_heap

        settle_host_heap()  # once per process, in flake8's command line only
        findings = list(engine.analyze_tree(self.tree, self.filename, select=select, options=options))
        if findings and self.lines and not getattr(self.options, "disable_noqa", False):
            # the Bandit comment form here too, and on the statement's first line
            from secguide.suppression import Suppressions

            findings = Suppressions("".join(self.lines), self.tree, _test_names()).keep(
                findings, "flake8")
        return findings
