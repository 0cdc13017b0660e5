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
``[flake8]`` section of ``setup.cfg``, ``tox.ini`` or ``.flake8``.

The plugin never raises: a failure inside the analysis gives no findings for
the file instead of aborting the whole flake8 run.
"""
from __future__ import annotations

import ast
from typing import Any, Iterator

import secguide
from secguide.options import OPTION_SPECS, Options

__all__ = ["SecguidePlugin"]


def _all_rules() -> tuple:
    from secguide.registry import ALL_RULES

    return ALL_RULES


def _selected_codes(options: Any) -> list[str] | None:
    """The SCG codes flake8 would report with these options.

    ``None`` means "could not tell" (no options, or a flake8 without
    ``DecisionEngine``): the caller then runs every rule and lets flake8's
    style guide filter the results, which is correct, only slower.
    """
    if options is None:
        return None
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return [
            rule.code
            for rule in _all_rules()
            if engine.decision_for(rule.code) is Decision.Selected
        ]
    except Exception:
        return None


def _options_from_namespace(options: Any) -> Options:
    if options is None:
        return Options()
    try:
        raw = {
            key: value
            for key, value in vars(options).items()
            if key.startswith("secguide_")
        }
    except TypeError:  # not a Namespace-like object
        return Options()
    return Options.from_mapping(raw)


class SecguidePlugin:
    """flake8 AST plugin running the secguide rules."""

    name = "secguide"
    version = secguide.__version__

    def __init__(self, tree: ast.AST, filename: str,
                 options: Any = None) -> None:
        self.tree = tree
        self.filename = filename
        self.options = options

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
            # ints are parsed by Options.from_mapping (which accepts 1_000,
            # 0x..), so that a bad value in a config file is ignored rather
            # than aborting flake8's option parsing.
            option_manager.add_option(f"--secguide-{spec.name}", **kwargs)
        opt_in = [r.code for r in _all_rules() if not r.default_enabled]
        if opt_in:
            option_manager.extend_default_ignore(opt_in)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        try:
            findings = self._findings()
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
        if not isinstance(self.tree, ast.Module):
            return []
        from secguide import engine

        return list(engine.analyze_tree(
            self.tree, self.filename, select=select,
            options=_options_from_namespace(self.options),
        ))
