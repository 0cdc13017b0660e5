"""User options, declared once and read by both adapters.

Each option has one name.  flake8 exposes it as ``--secguide-<name>`` (and
``secguide-<name> =`` in ``setup.cfg``/``tox.ini``/``.flake8``); Bandit reads
it from a ``secguide:`` mapping in the config file given with ``-c``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

from secguide import labels


@dataclass(frozen=True)
class OptionSpec:
    name: str
    kind: str  # "list" (comma separated names), "int", "bool" or "path"
    help: str
    #: the value labels (``secguide.labels``) the option changes: every rule
    #: that reads one of them depends on the option (the docs list it there)
    labels: frozenset = frozenset()
    #: what each item of a "list" option is: "name" (a Python name, dotted
    #: or not), "host" (a host name or address) or "path" (a folder)
    item: str = "name"

    @property
    def accepted(self) -> str:
        """What the option accepts, as an error message says it."""
        if self.kind == "list":
            what = {"name": "Python names (pin, dbutil.quote)",
                    "host": "host names or addresses (intranet.corp, 10.0.0.5)",
                    "path": "folders"}[self.item]
            return f"expected a comma-separated list (or a list) of {what}"
        if self.kind == "int":
            return "expected a whole number of at least 1 (e.g. 12 or 600_000)"
        if self.kind == "bool":
            return "expected true or false"
        return "expected a folder path, or empty"


#: which rules an option affects is data, not prose: a rule declares the
#: options it reads itself (``Rule.reads_options``) and the labels it reads
#: (``Rule.reads_labels``); an option that changes a label reaches every
#: rule that reads the label (``rule_options``)
OPTION_SPECS: tuple[OptionSpec, ...] = (
    OptionSpec("password-names", "list",
               "extra names that mark a value as a password (and so as a secret)",
               frozenset({labels.PASSWORD, labels.SECRET})),
    OptionSpec("secret-names", "list",
               "extra names that mark a value as a secret, token or key",
               frozenset({labels.SECRET})),
    OptionSpec("authz-markers", "list",
               "extra call or attribute names that count as an ownership or "
               "permission check in a view"),
    OptionSpec("permission-decorators", "list",
               "extra decorator names that enforce authorization"),
    OptionSpec("sql-sanitizers", "list",
               "extra functions whose result is safe inside SQL text, such as "
               "identifier quoting helpers, by qualified (dbutil.quote) or plain "
               "(quote) name", frozenset({labels.safe("sql")})),
    OptionSpec("html-sanitizers", "list",
               "extra functions whose result is escaped HTML, by qualified or plain "
               "name", frozenset({labels.safe("html")})),
    OptionSpec("min-bcrypt-rounds", "int", "bcrypt cost floor"),
    OptionSpec("min-pbkdf2-sha256-iterations", "int", "PBKDF2-HMAC-SHA256 iteration floor"),
    OptionSpec("min-pbkdf2-sha512-iterations", "int", "PBKDF2-HMAC-SHA512 iteration floor"),
    OptionSpec("min-pbkdf2-sha1-iterations", "int", "PBKDF2-HMAC-SHA1 iteration floor"),
    OptionSpec("min-scrypt-n", "int", "scrypt CPU/memory cost floor"),
    OptionSpec("min-argon2-time-cost", "int", "argon2 time_cost floor"),
    OptionSpec("min-argon2-memory-cost", "int", "argon2 memory_cost floor in KiB"),
    OptionSpec("trusted-hosts", "list",
               "hosts that may be reached over plain http://, besides "
               "localhost, 127.0.0.1, [::1] and *.local", item="host"),
    OptionSpec("rate-limit-decorators", "list",
               "extra decorator names that rate-limit a view"),
    OptionSpec("check-test-modules", "bool",
               "run every rule in the modules a test runner collects (test_*.py, "
               "*_test.py, tests.py, conftest.py); false: only secrets in a known token "
               "format (cloud keys, private keys) are looked for there"),
    OptionSpec("project-facts", "bool",
               "read the project's own imported modules (decorators, base classes, "
               "models, app setup) for facts stated there; false: each file alone"),
    OptionSpec("project-roots", "list",
               "extra source roots (folders) where the project's modules are found, "
               "besides the analysed file's package root and its own folder",
               item="path"),
    OptionSpec("project-cache-dir", "path",
               "a folder where project facts and parameter-to-sink summaries are "
               "cached across runs (content-hash "
               "keys, safe under parallel runs); empty: memory only"),
)

OPTION_NAMES = frozenset(spec.name for spec in OPTION_SPECS)
BY_NAME = {spec.name: spec for spec in OPTION_SPECS}


class OptionError(ValueError):
    """A configuration value secguide cannot use: an unknown option, a value
    of the wrong type or an invalid one.  ``key`` is the option as the user
    wrote it; ``where`` (a file, a config block) is prefixed when known."""

    def __init__(self, key: str, problem: str, accepted: str = "", where: str = ""):
        self.key, self.problem, self.accepted, self.where = key, problem, accepted, where
        super().__init__(key, problem, accepted, where)

    def located(self, where: str, key: str | None = None) -> "OptionError":
        """The same error, placed in ``where`` (and the key as written there)."""
        return OptionError(self.key if key is None else key, self.problem, self.accepted, where)

    def __str__(self) -> str:
        text = f"option {self.key!r}: {self.problem}"
        if self.accepted:
            text += f"; {self.accepted}"
        return f"{self.where}: {text}" if self.where else text


def option_name(key: Any) -> str | None:
    """The option a config key names (``secguide-password-names``,
    ``password_names`` -> ``password-names``), or None for an unknown key."""
    if not isinstance(key, str):
        return None
    name = key.strip().lower().replace("_", "-")
    if name.startswith("secguide-"):
        name = name[len("secguide-"):]
    return name if name in BY_NAME else None


def unknown_option(key: Any, prefix: str = "") -> OptionError:
    """The error for a key that names no option, with the nearest names."""
    import difflib

    shown = str(key)
    name = shown.strip().lower().replace("_", "-")
    if name.startswith("secguide-"):
        name = name[len("secguide-"):]
    close = difflib.get_close_matches(name, sorted(OPTION_NAMES), n=1, cutoff=0.75)
    hint = f"did you mean {prefix + close[0]!r}? " if close else ""
    return OptionError(shown, "no such secguide option",
                       hint + "the options are " + ", ".join(prefix + n for n in sorted(OPTION_NAMES)))


_NAME_ITEM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_HOST_ITEM = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_*]([A-Za-z0-9_.*-]*[A-Za-z0-9_])?)\Z")
_INT_TEXT = re.compile(r"[+-]?\d+(_\d+)*\Z")


def parse_value(spec: OptionSpec, value: Any, key: str | None = None) -> Any:
    """``value`` as the option holds it; ``OptionError`` if it is not one
    ``spec`` accepts.  ``key``: the option as written (for the message)."""
    key = spec.name if key is None else key

    def bad(problem: str) -> OptionError:
        return OptionError(key, problem, spec.accepted)

    def shown(v: Any) -> str:
        return f"{type(v).__name__} {v!r}" if not isinstance(v, str) else repr(v)

    if spec.kind == "list":
        if isinstance(value, str):
            sep = r"[,\n]" if spec.item == "path" else r"[,\s]"
            items = [i.strip() for i in re.split(sep, value)]
        elif isinstance(value, (list, tuple)):
            for i in value:
                if not isinstance(i, str):
                    raise bad(f"the item {shown(i)} is not text")
            items = [i.strip() for i in value]
        else:
            raise bad(f"got {shown(value)}")
        items = [i for i in items if i]
        pattern = {"name": _NAME_ITEM, "host": _HOST_ITEM}.get(spec.item)
        for i in items:
            if pattern is not None and not pattern.match(i):
                raise bad(f"{i!r} is not a {'Python name' if spec.item == 'name' else 'host'}")
        return tuple(items)
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise bad(f"got {shown(value)}")
        if isinstance(value, str):
            if not _INT_TEXT.match(value.strip()):
                raise bad(f"{value!r} is not a whole number")
            value = int(value.strip().replace("_", ""))
        if value < 1:
            raise bad(f"{value} is below 1")
        return value
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, (str, int)) else None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise bad(f"got {shown(value)}")
    if not isinstance(value, str):
        raise bad(f"got {shown(value)}")
    return value.strip()


def flake8_section(cfg: Any, where: str) -> dict[str, str]:
    """The ``secguide-*`` keys of the ``[flake8]`` section of a parsed INI
    file (a ``configparser`` object), by option name, as written; each is
    checked (``OptionError`` placed at ``where`` for a key that names no
    option or a value the option does not take).  Read by the flake8
    plugin and by ``python -m secguide check``."""
    found: dict[str, str] = {}
    if not cfg.has_section("flake8"):
        return found
    for key in cfg.options("flake8"):
        if not key.replace("_", "-").startswith("secguide-"):
            continue
        name = option_name(key)
        if name is None:
            raise unknown_option(key, prefix="secguide-").located(where)
        text = cfg.get("flake8", key)
        try:
            parse_value(BY_NAME[name], text, key)
        except OptionError as err:
            raise err.located(where) from None
        found[name] = text
    return found


def rule_options(rule) -> list[OptionSpec]:
    """The options a rule's findings depend on: those it declares
    (``reads_options``) and those that change a label it reads."""
    return [spec for spec in OPTION_SPECS
            if spec.name in rule.reads_options or spec.labels & rule.reads_labels]


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Options:
    password_names: tuple[str, ...] = ()
    secret_names: tuple[str, ...] = ()
    authz_markers: tuple[str, ...] = ()
    permission_decorators: tuple[str, ...] = ()
    sql_sanitizers: tuple[str, ...] = ()
    html_sanitizers: tuple[str, ...] = ()
    # OWASP Password Storage Cheat Sheet floors
    min_bcrypt_rounds: int = 10
    min_pbkdf2_sha256_iterations: int = 600_000
    min_pbkdf2_sha512_iterations: int = 210_000
    min_pbkdf2_sha1_iterations: int = 1_300_000
    min_scrypt_n: int = 2**17
    min_argon2_time_cost: int = 2
    min_argon2_memory_cost: int = 19_456
    trusted_hosts: tuple[str, ...] = ()
    rate_limit_decorators: tuple[str, ...] = ()
    check_test_modules: bool = False
    project_facts: bool = True
    project_roots: tuple[str, ...] = ()
    project_cache_dir: str = ""

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None, where: str = "") -> "Options":
        """Build options from ``{"password-names": "a,b", ...}``.

        Keys may use dashes or underscores (and the ``secguide-`` prefix);
        lists may be given as a comma separated string or a sequence; a
        ``None`` value leaves the default.  An unknown key, a value of the
        wrong type or an invalid value raises ``OptionError`` (a
        ``ValueError``) naming the key, ``where`` and what is accepted.
        """
        opts = cls()
        if raw is None:
            return opts
        if not isinstance(raw, Mapping):
            raise OptionError("secguide", f"got {type(raw).__name__} {raw!r}",
                              "expected a mapping of option names to values", where)
        changes: dict[str, Any] = {}
        for key, value in raw.items():
            name = option_name(key)
            try:
                if name is None:
                    raise unknown_option(key)
                if value is None:
                    continue
                changes[name.replace("-", "_")] = parse_value(BY_NAME[name], value, str(key))
            except OptionError as err:
                raise err.located(where) from None
        return replace(opts, **changes)


DEFAULT_OPTIONS = Options()


def default_mapping() -> dict[str, Any]:
    """Every option with its default, as a host's config file writes it
    (lists as lists): what a generated config holds."""
    out: dict[str, Any] = {}
    for spec in OPTION_SPECS:
        value = getattr(DEFAULT_OPTIONS, spec.name.replace("-", "_"))
        out[spec.name] = list(value) if isinstance(value, tuple) else value
    return out


#: the last host config read and its options (a host passes the same
#: mapping, or equal ones, for every file)
_LAST: list = [None, None]


def cached_options(config) -> Options:
    """``Options.from_mapping(config)``, checked once per config (the last
    one is kept): ``OptionError`` (a ``ValueError``) if it is not usable."""
    if config is not _LAST[0] and not (isinstance(config, dict) and config == _LAST[0]):
        _LAST[:] = [config, Options.from_mapping(config)]
    return _LAST[1]
