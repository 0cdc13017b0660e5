"""User options, declared once and read by both adapters.

Each option has one name.  flake8 exposes it as ``--secguide-<name>`` (and
``secguide-<name> =`` in ``setup.cfg``/``tox.ini``/``.flake8``); Bandit reads
it from a ``secguide:`` mapping in the config file given with ``-c``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
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
               "localhost, 127.0.0.1, [::1] and *.local"),
    OptionSpec("rate-limit-decorators", "list",
               "extra decorator names that rate-limit a view"),
    OptionSpec("project-facts", "bool",
               "read the project's own imported modules (decorators, base classes, "
               "models, app setup) for facts stated there; false: each file alone"),
    OptionSpec("project-roots", "list",
               "extra source roots (folders) where the project's modules are found, "
               "besides the analysed file's package root and its own folder"),
    OptionSpec("project-cache-dir", "path",
               "a folder where project facts are cached across runs (content-hash "
               "keys, safe under parallel runs); empty: memory only"),
)

OPTION_NAMES = frozenset(spec.name for spec in OPTION_SPECS)


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
    project_facts: bool = True
    project_roots: tuple[str, ...] = ()
    project_cache_dir: str = ""

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> "Options":
        """Build options from ``{"password-names": "a,b", ...}``.

        Keys may use dashes or underscores; lists may be given as a comma
        separated string or a sequence.  Unknown keys and unparsable values
        are ignored (a bad config line must not break the host tool).
        """
        opts = cls()
        if not raw:
            return opts
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in raw.items():
            attr = str(key).replace("-", "_")
            if attr.startswith("secguide_"):
                attr = attr[len("secguide_"):]
            if attr not in known or value is None:
                continue
            default = getattr(opts, attr)
            if isinstance(default, tuple):
                items = value.split(",") if isinstance(value, str) else value
                changes[attr] = tuple(
                    s for s in (str(i).strip() for i in items) if s
                )
            elif isinstance(default, bool):
                text = str(value).strip().lower()
                if text in _TRUE or text in _FALSE:
                    changes[attr] = text in _TRUE
            elif isinstance(default, str):
                changes[attr] = str(value).strip()
            else:
                try:
                    changes[attr] = int(str(value).replace("_", ""), 0)
                except ValueError:
                    continue
        return replace(opts, **changes)


DEFAULT_OPTIONS = Options()
