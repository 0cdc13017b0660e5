"""Finding the project's own modules: import names to files, never code run.

A module belongs to the project when its file lies under one of the
project's roots: the folder above the analysed file's top package (found by
walking up ``__init__.py`` folders), the analysed file's own folder (scripts
import their siblings), and the roots the user configures
(``project-roots``).  Installed packages (``site-packages``,
``dist-packages``, virtualenvs) are never read: their behaviour lives in
``secguide/models``.  Nothing here imports or executes the user's code.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass

#: path parts that mark installed or generated code, never project code
_FOREIGN_PARTS = frozenset({"site-packages", "dist-packages", ".venv", "venv",
                            ".tox", ".nox", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class ModuleFile:
    """A project module: its dotted name and its file."""

    name: str
    path: str
    is_package: bool


def _is_foreign(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return any(p in _FOREIGN_PARTS or p.endswith(".egg-info") for p in parts)


def package_root(path: str) -> tuple[str, str]:
    """``(root, module name)`` of the file at ``path``.

    The root is the folder above the topmost package (a folder with an
    ``__init__.py``) containing the file; the name is the dotted path from
    there (``app/views/users.py`` -> ``app.views.users``)."""
    path = os.path.abspath(path)
    folder, base = os.path.split(path)
    stem = base[:-3] if base.endswith(".py") else base
    parts = [] if stem == "__init__" else [stem]
    depth = 0
    while os.path.isfile(os.path.join(folder, "__init__.py")) and depth < 32:
        folder, pkg = os.path.split(folder)
        parts.insert(0, pkg)
        depth += 1
        if not pkg:
            break
    return folder, ".".join(parts)


class ProjectLayout:
    """Resolves module names to project files for one analysed file."""

    def __init__(self, filename: str, extra_roots: tuple[str, ...] = ()):
        self.filename = os.path.abspath(filename)
        root, self.module = package_root(self.filename)
        self.is_package = os.path.basename(self.filename) == "__init__.py"
        roots = [root, os.path.dirname(self.filename)]
        roots += [os.path.abspath(r) for r in extra_roots]
        seen: list[str] = []
        for r in roots:
            if r not in seen and os.path.isdir(r) and not _is_foreign(r):
                seen.append(r)
        self.roots = tuple(seen)

    def absolute(self, module: str, level: int, current: str | None = None,
                 current_is_package: bool | None = None) -> str | None:
        """The absolute name of ``from <level dots><module> import ...``
        written in module ``current`` (default: the analysed file)."""
        if not level:
            return module or None
        cur = self.module if current is None else current
        is_pkg = self.is_package if current_is_package is None else current_is_package
        parts = cur.split(".") if cur else []
        if not is_pkg:
            parts = parts[:-1]
        up = level - 1
        if up > len(parts):
            return None
        base = parts[: len(parts) - up] if up else parts
        name = ".".join(base + ([module] if module else []))
        return name or None

    def find(self, name: str) -> ModuleFile | None:
        """The project file of module ``name``, or None (third-party, stdlib,
        missing).  The analysed file's own package root is tried first."""
        if not name or len(name) > 200:
            return None
        rel = name.replace(".", os.sep)
        for root in self.roots:
            for cand, pkg in ((os.path.join(root, rel + ".py"), False),
                              (os.path.join(root, rel, "__init__.py"), True)):
                if os.path.isfile(cand) and not _is_foreign(cand):
                    return ModuleFile(name, os.path.abspath(cand), pkg)
        return None


def import_table(tree: ast.Module, layout: ProjectLayout, module: str | None = None,
                 is_package: bool | None = None) -> dict[str, str]:
    """Top-level import bindings of ``tree``: local name -> absolute dotted
    name (``from .decorators import admin_required as ar`` binds ``ar`` to
    ``app.decorators.admin_required``).  Imports inside functions and ``if``
    blocks at module level count too; ``*`` imports are skipped."""
    table: dict[str, str] = {}
    stack = list(tree.body)
    while stack:
        st = stack.pop(0)
        if isinstance(st, ast.Import):
            for alias in st.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    table.setdefault(top, top)
        elif isinstance(st, ast.ImportFrom):
            base = layout.absolute(st.module or "", st.level or 0, module, is_package)
            if base is None:
                continue
            for alias in st.names:
                if alias.name != "*":
                    table[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(st, (ast.If, ast.Try)):
            stack.extend(st.body)
            stack.extend(getattr(st, "orelse", ()))
            for h in getattr(st, "handlers", ()):
                stack.extend(h.body)
    return table


def star_imports(tree: ast.Module, layout: ProjectLayout, module: str | None = None,
                 is_package: bool | None = None) -> list[str]:
    """Absolute names of the modules ``tree`` star-imports at top level
    (``from .object_views import *`` in a package ``__init__``)."""
    out = []
    for st in tree.body:
        if isinstance(st, ast.ImportFrom) and any(a.name == "*" for a in st.names):
            base = layout.absolute(st.module or "", st.level or 0, module, is_package)
            if base and base not in out:
                out.append(base)
    return out[:32]
