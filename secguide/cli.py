"""``python -m secguide``: rule help, the Bandit profile and a standalone check.

    python -m secguide rules                   # every rule: code, name, severity, on/off
    python -m secguide explain SCG101          # one rule's page
    python -m secguide check src               # run the rules, flake8-style output
    python -m secguide check --select SCG1 --ignore SCG104 src
    python -m secguide profile                 # the recommended Bandit profile (YAML)
    python -m secguide profile --merge pyproject.toml   # its skips merged with yours
    python -m secguide codes [--all]           # SCG101,SCG102,... for bandit -t / -s

``check`` exits 0 when nothing is found, 1 when something is, and 2 on a
usage error or when a file could not be read or parsed (reported on stderr;
the other files are still checked).

``check`` reads the options the tools read (``CONFIG_HELP``): the
``secguide-*`` keys of the flake8 config file flake8 would read, and the
``[tool.bandit.secguide]`` table of the nearest ``pyproject.toml``; a key
that names no option or a value the option does not take is a usage error
naming the key and the file (exit 2).
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import sys
from importlib import resources
from typing import Iterable, Iterator, Sequence

from secguide import __version__
from secguide.configfiles import (  # noqa: F401  (UsageError, CONFIG_HELP: part of the CLI's API)
    CONFIG_HELP, UsageError, _load_toml, check_options, config_files, read_options,
)
from secguide.options import Options
from secguide.registry import ALL_RULES
from secguide.ruledoc import find_rule, rule_page, summary

PROG = "python -m secguide"
PROFILE_RESOURCE = "bandit-recommended.yaml"
_CODE_PREFIX = re.compile(r"SCG\d{0,3}")


# -- rules and explain --------------------------------------------------------


def cmd_codes(args: argparse.Namespace) -> int:
    """The codes of the rules on by default (``--all``: opt-in ones too),
    for ``bandit -t``, where naming an opt-in rule turns it on."""
    print(",".join(rule.code for rule in ALL_RULES if args.all or rule.default_enabled))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    width = max(len(rule.symbol) for rule in ALL_RULES)
    for rule in ALL_RULES:
        state = "on" if rule.default_enabled else "off"
        print(f"{rule.code}  {rule.symbol:<{width}}  {rule.severity:<6}  {state:<3}  "
              f"CWE-{rule.cwe:<5} {summary(rule)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    rules = []
    for name in args.rule:
        rule = find_rule(name)
        if rule is None:
            raise UsageError(f"unknown rule {name!r}; `{PROG} rules` lists them")
        rules.append(rule)
    print("\n\n".join(rule_page(rule).rstrip("\n") for rule in rules))
    return 0


# -- check: configuration -----------------------------------------------------

# -- check --------------------------------------------------------------------


def code_list(text: str) -> list[str]:
    """``--select``/``--ignore`` value: comma separated codes or prefixes that
    name at least one rule (``SCG``, ``SCG1``, ``SCG101``)."""
    items = [item.strip().upper() for item in text.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected comma separated rule codes such as SCG101,SCG6")
    for item in items:
        if not (_CODE_PREFIX.fullmatch(item) and any(r.code.startswith(item) for r in ALL_RULES)):
            raise argparse.ArgumentTypeError(
                f"{item!r} is not a rule code or code prefix (SCG, SCG1, SCG101); "
                f"`{PROG} rules` lists them")
    return items


def chosen_codes(select: Sequence[str] | None, ignore: Sequence[str] | None) -> list[str]:
    """The codes to run: ``select`` prefixes (default: the rules on by
    default) less the ``ignore`` prefixes."""
    if select:
        codes = [r.code for r in ALL_RULES if r.code.startswith(tuple(select))]
    else:
        codes = [r.code for r in ALL_RULES if r.default_enabled]
    if ignore:
        codes = [code for code in codes if not code.startswith(tuple(ignore))]
    return codes


def python_files(path: str) -> Iterator[str]:
    """``path`` itself, or the ``.py`` files under a directory (hidden
    directories skipped), in a stable order."""
    if not os.path.isdir(path):
        yield path
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


def _problem(message: str) -> None:
    print(f"{PROG} check: {message}", file=sys.stderr)


def check_file(path: str, codes: list[str], options: Options | None = None) -> tuple[int, bool]:
    """Print the findings of one file; return (findings, checked without problems)."""
    from secguide import check_source

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        _problem(f"{path}: no such file or directory")
        return 0, False
    except OSError as exc:
        _problem(f"{path}: cannot read: {exc.strerror or exc}")
        return 0, False
    try:
        ast.parse(data, filename=path)
    except SyntaxError as exc:
        where = f"{exc.lineno or 1}:{exc.offset or 1}"
        _problem(f"{path}:{where}: cannot parse: {exc.msg}")
        return 0, False
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, bad encoding, too deep
        _problem(f"{path}: cannot parse: {exc}")
        return 0, False
    if not codes:
        return 0, True
    found = check_source(data, path, select=codes, options=options)
    for finding in found:
        print(f"{path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.message}")
    return len(found), True


def cmd_check(args: argparse.Namespace) -> int:
    codes = chosen_codes(args.select, args.ignore)
    options = check_options(args.config, args.isolated)
    total, clean = 0, True
    for path in args.paths:
        if not os.path.exists(path):
            _problem(f"{path}: no such file or directory")
            clean = False
            continue
        for filename in python_files(path):
            found, ok = check_file(filename, codes, options)
            total += found
            clean = clean and ok
    sys.stdout.flush()
    if not clean:
        return 2
    return 1 if total else 0


# -- profile ------------------------------------------------------------------


def profile_text() -> str:
    """The recommended Bandit profile shipped in the package."""
    return resources.files("secguide").joinpath(PROFILE_RESOURCE).read_text(encoding="utf-8")


def profile_skips(text: str | None = None) -> list[str]:
    """The test IDs under ``skips:`` in the profile (a flat YAML list, read
    without a YAML library)."""
    skips: list[str] = []
    in_skips = False
    for line in (profile_text() if text is None else text).splitlines():
        body = line.split("#", 1)[0].rstrip()
        if not body:
            continue
        if not body.startswith((" ", "-")):
            in_skips = body == "skips:"
            continue
        item = re.fullmatch(r"\s*-\s*([A-Za-z0-9_]+)", body)
        if in_skips and item:
            skips.append(item.group(1))
    return skips


def merged_skips(existing: Iterable[str], recommended: Iterable[str]) -> list[str]:
    """``existing`` in its order, then the recommended IDs it lacks."""
    return list(dict.fromkeys([*existing, *recommended]))


def cmd_profile(args: argparse.Namespace) -> int:
    if not args.merge:
        print(profile_text(), end="")
        return 0
    bandit = _load_toml(args.merge).get("tool", {}).get("bandit", {})
    existing = bandit.get("skips", []) if isinstance(bandit, dict) else []
    if not (isinstance(existing, list) and all(isinstance(t, str) for t in existing)):
        raise UsageError(f"{args.merge}: [tool.bandit] skips is not a list of test IDs")
    skips = merged_skips(existing, profile_skips())
    added = [test for test in skips if test not in existing]
    tests = bandit.get("tests", []) if isinstance(bandit, dict) else []
    print(f"# {args.merge}: [tool.bandit] skips merged with secguide's recommended profile")
    print(f"# ({len(added)} added: {', '.join(added) or 'none'}); paste over your skips line:")
    print("[tool.bandit]")
    print("skips = [" + ", ".join(f'"{test}"' for test in skips) + "]")
    both = [test for test in added if isinstance(tests, list) and test in tests]
    if both:
        print(f"# note: your tests list also names {', '.join(both)}", file=sys.stderr)
    return 0


# -- command line -------------------------------------------------------------


def cmd_facts(args: argparse.Namespace) -> int:
    """The project facts derived for a module, as JSON (to debug a verdict)."""
    import ast
    import json

    from secguide.engine import facts_cache
    from secguide.project import ProjectFacts

    path = args.path
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file")
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (SyntaxError, ValueError) as exc:
        raise UsageError(f"{path}: cannot parse: {exc}") from None
    facts = ProjectFacts(path, tree, facts_cache(), tuple(args.root or ()))
    out = facts.explain()
    for name in sorted(set(facts.imports.values())):
        mf = facts.function(name) or facts.klass(name)
        if mf is not None:
            out.setdefault("imported", {})[name] = {
                k: v for k, v in vars(mf).items() if k != "calls"}
            if hasattr(mf, "is_decorator"):
                out["imported"][name]["auth_decorator"] = facts.is_auth_decorator(name)
                out["imported"][name]["rate_limit_decorator"] = \
                    facts.is_rate_limit_decorator(name)
                out["imported"][name]["token_auth_decorator"] = \
                    facts.is_token_auth_decorator(name)
            else:
                out["imported"][name]["chain"] = {
                    what: facts.class_provides(name, what)
                    for what in ("scopes_queryset", "checks_permission", "hashes_password")}
    print(json.dumps(out, indent=2, sort_keys=True))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="secguide: secure-coding guide checks for Bandit and flake8.",
        epilog="`check` exits 0 with no findings, 1 with findings, 2 on a usage error "
               "or a file it could not read or parse.")
    parser.add_argument("--version", action="version", version=f"secguide {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    sub.add_parser("rules", help="list the rules: code, name, severity, on/off by default, CWE"
                   ).set_defaults(run=cmd_rules)
    explain = sub.add_parser("explain", help="print a rule's page (by code or name)")
    explain.add_argument("rule", nargs="+", metavar="RULE", help="SCG101 or sql-built-query")
    explain.set_defaults(run=cmd_explain)

    check = sub.add_parser("check", help="run the rules on files or directories",
                           description="Print file:line:col: CODE message for each finding.",
                           epilog=CONFIG_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="+", metavar="PATH", help="a .py file or a directory")
    check.add_argument("--select", type=code_list, metavar="CODES",
                       help="only these codes or prefixes, comma separated (SCG1,SCG601)")
    check.add_argument("--ignore", type=code_list, metavar="CODES",
                       help="leave out these codes or prefixes, comma separated")
    config = check.add_mutually_exclusive_group()
    config.add_argument("--config", metavar="FILE",
                        help="read the options from FILE only (INI [flake8] section, "
                             "TOML [tool.bandit.secguide] or YAML secguide: block)")
    config.add_argument("--isolated", action="store_true",
                        help="read no configuration file (the default options)")
    check.set_defaults(run=cmd_check)

    profile = sub.add_parser("profile", help="print the recommended Bandit profile")
    profile.add_argument("--merge", metavar="PYPROJECT",
                         help="print your [tool.bandit] skips merged with the profile's, "
                              "as TOML to paste")
    profile.set_defaults(run=cmd_profile)

    facts = sub.add_parser("facts", help="print the project facts derived for a module "
                           "(imported decorators, base classes, app setup) as JSON")
    facts.add_argument("path", metavar="FILE")
    facts.add_argument("--root", action="append", metavar="DIR",
                       help="an extra source root (the project-roots option)")
    facts.set_defaults(run=cmd_facts)

    codes = sub.add_parser("codes", help="the codes of the rules on by default, comma "
                           "separated (for bandit -t / -s)")
    codes.add_argument("--all", action="store_true",
                       help="opt-in rules too (naming one in bandit -t runs it)")
    codes.set_defaults(run=cmd_codes)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except UsageError as exc:
        parser.exit(2, f"{PROG} {args.command}: error: {exc}\n")
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, and keep Python from
        # failing again while flushing stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    return 0  # pragma: no cover - parser.exit raises
