"""The configuration ``python -m secguide check`` reads: the files the tools
read (``CONFIG_HELP``), each checked with the option table the tools use.

A mistake (a missing or unreadable file, a key that names no option, a value
the option does not take) is a ``UsageError`` naming the file and the key.
"""
from __future__ import annotations

import os
import re
from typing import Iterator

from secguide.options import BY_NAME, OptionError, Options, flake8_section, option_name


class UsageError(Exception):
    """A mistake in the command line or its inputs: reported, never a traceback."""


CONFIG_HELP = """\
Configuration, as the tools read it: the secguide-* keys of the [flake8]
section of the first of setup.cfg, tox.ini and .flake8 that has one, in the
current folder or the nearest folder above it (where flake8 finds its
config), and the [tool.bandit.secguide] table of the nearest pyproject.toml
(the block `bandit -c pyproject.toml` reads); an option set in both takes
pyproject.toml's value.  --config FILE reads only FILE: its [flake8]
section (setup.cfg, tox.ini, .flake8 or any INI file), its
[tool.bandit.secguide] table (.toml) or its secguide: block (Bandit's YAML
config, .yaml/.yml).  --isolated reads no file.  A key that names no option,
or a value the option does not take, is an error naming the key and the
file (exit status 2)."""

_FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")


def _shown(path: str) -> str:
    """``path`` as an error message shows it: relative below the working folder."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _upward(start: str) -> Iterator[str]:
    """``start`` and the folders above it, stopping below the home folder
    (as flake8 searches)."""
    home = os.path.expanduser("~")
    path = os.path.abspath(start)
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path or (home != "~" and os.path.abspath(parent) == os.path.abspath(home)):
            return
        path = parent


def _parsed(path: str, parse, errors, kind: str):
    """``parse(file)`` of ``path`` opened as UTF-8 text; a missing or
    unreadable file, or ``errors`` raised by ``parse``, as a ``UsageError``
    naming the file (``kind``: what the file should have been)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return parse(fh)
    except FileNotFoundError:
        raise UsageError(f"{_shown(path)}: no such file or directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{_shown(path)}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except errors as exc:
        raise UsageError(f"{_shown(path)}: not {kind}: {exc}") from None


def _ini(path: str):
    import configparser

    cfg = configparser.RawConfigParser()
    _parsed(path, lambda fh: cfg.read_file(fh, source=path), configparser.Error, "a valid INI file")
    return cfg


def _flake8_options(path: str) -> dict[str, object]:
    """The ``secguide-*`` keys of ``path``'s ``[flake8]`` section, checked
    (``OptionError`` placed in the file); other keys are flake8's."""
    found = flake8_section(_ini(path), f"{_shown(path)} [flake8]")
    # a list is split as flake8 splits its comma-separated options
    return {name: [t for t in re.split(r"[,\s]", text) if t.strip()]
            if BY_NAME[name].kind == "list" else text for name, text in found.items()}


def _block(found: object, where: str) -> dict[str, object]:
    """A ``secguide`` block (TOML table or YAML mapping), checked."""
    if found is None:
        return {}
    Options.from_mapping(found, where)  # raises for a value that is not a mapping too
    return {option_name(key): value for key, value in found.items() if value is not None}


def _toml_options(path: str) -> dict[str, object]:
    tool = _load_toml(path).get("tool", {})
    bandit = tool.get("bandit", {}) if isinstance(tool, dict) else {}
    found = bandit.get("secguide") if isinstance(bandit, dict) else None
    return _block(found, f"{_shown(path)} [tool.bandit.secguide]")


def _yaml_options(path: str) -> dict[str, object]:
    try:
        import yaml
    except ImportError:
        raise UsageError(f"{_shown(path)}: reading YAML needs PyYAML "
                         "(pip install bandit brings it)") from None
    data = _parsed(path, yaml.safe_load, yaml.YAMLError, "valid YAML")
    found = data.get("secguide") if isinstance(data, dict) else None
    return _block(found, f"{_shown(path)}, secguide: block")


def config_files(start: str = ".") -> list[str]:
    """The files ``check`` reads without ``--config``: the flake8 config
    flake8 would find from ``start``, then the nearest pyproject.toml."""
    flake8 = pyproject = None
    for folder in _upward(start):
        if flake8 is None:
            for name in _FLAKE8_FILES:
                candidate = os.path.join(folder, name)
                if os.path.isfile(candidate):
                    try:
                        cfg = _ini(candidate)
                    except UsageError:
                        continue  # flake8 skips an unreadable candidate too
                    if cfg.has_section("flake8") or cfg.has_section("flake8:local-plugins"):
                        flake8 = candidate
                        break
        if pyproject is None and os.path.isfile(os.path.join(folder, "pyproject.toml")):
            pyproject = os.path.join(folder, "pyproject.toml")
        if flake8 is not None and pyproject is not None:
            break
    return [f for f in (flake8, pyproject) if f is not None]


def read_options(path: str) -> dict[str, object]:
    """The secguide options of one config file, by its kind (see ``CONFIG_HELP``)."""
    if path.endswith(".toml"):
        return _toml_options(path)
    if path.endswith((".yaml", ".yml")):
        return _yaml_options(path)
    return _flake8_options(path)


def check_options(config: str | None, isolated: bool) -> Options:
    """The options ``check`` runs with; ``UsageError`` naming key and file."""
    if isolated:
        return Options()
    files = [config] if config else config_files()
    merged: dict[str, object] = {}
    try:
        for path in files:
            merged.update(read_options(path))
        return Options.from_mapping(merged)
    except OptionError as err:
        raise UsageError(str(err)) from None


def _load_toml(path: str) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise UsageError("reading TOML on Python 3.10 needs the tomli package "
                             "(pip install 'bandit[toml]' brings it)") from None
    return _parsed(path, lambda fh: tomllib.loads(fh.read()), tomllib.TOMLDecodeError, "valid TOML")
