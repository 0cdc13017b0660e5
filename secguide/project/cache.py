"""The per-process cache of project modules: their facts (keyed by path,
size and mtime), their outlines (top-level names and imports, for modules
only named), and their parsed trees (the last few, so a module's facts and
its summaries share one parse; dropped after each analysed file, since
kept across files their nodes can double the heap the host's garbage
collector walks, for a handful of saved parses); optionally on disk
(``diskcache``: keyed by a hash of the content and module name, written
atomically so parallel workers can share the folder).
"""
from __future__ import annotations

import ast
import os
import re
import warnings
from collections import OrderedDict

from secguide.project import diskcache
from secguide.project.facts import ModuleFacts, module_facts, module_outline, outline_from_json
from secguide.project.modules import ModuleFile, ProjectLayout, import_table, star_imports

#: files over this size are never read
MAX_BYTES = 2_000_000
#: parsed trees kept per process (the most recently used)
MAX_TREES = 4
#: texts kept for the tests before a parse (most recently read last)
MAX_TEXTS = 512
#: a star import in a module's text (``from .views import *``; in a string
#: too, which only makes a test answer "maybe" more often)
_STAR_IMPORT = re.compile(rb"\bfrom[\s\\]*(\.*)[\s\\]*([\w.]*)[\s\\]+import[\s\\]*\*")
#: any star import: more of these than of ``_STAR_IMPORT`` (a non-ASCII
#: module name) makes the star list unknown
_ANY_STAR = re.compile(rb"\bimport[\s\\]*\*")
#: bump when the facts' shape or meaning changes (invalidates disk caches)
FACTS_VERSION = "6"


class FactsCache:
    """Module facts, per process (keyed by path, size and mtime) and
    optionally on disk (keyed by a hash of the content and module name,
    written atomically so parallel workers can share the folder)."""

    def __init__(self, disk_dir: str | None = None):
        self.disk_dir = disk_dir
        self._mem: dict[tuple, ModuleFacts] = {}
        self.reads = 0  # modules parsed (for tests and the benchmark)
        #: the last parsed modules' trees, by path: ``(stat key, tree)``, most
        #: recent last (facts and summaries of a module share one parse)
        self._trees: OrderedDict[str, tuple] = OrderedDict()
        self.parses = 0  # files parsed (for tests and the benchmark)
        #: outlines of modules whose facts were not needed (yet)
        self._outlines: dict[tuple, ModuleFacts] = {}
        self.outline_reads = 0  # outlines computed (for tests and the benchmark)
        #: module texts read by ``text``, by the facts' key
        self._texts: OrderedDict[tuple, ModuleText] = OrderedDict()

    def facts(self, mfile: ModuleFile, layout: ProjectLayout) -> ModuleFacts:
        """The facts of a project module."""
        return self._get(mfile, layout, False)[0]

    def outline(self, mfile: ModuleFile, layout: ProjectLayout) -> tuple[ModuleFacts, bool]:
        """What resolving a name through a module needs (its top-level
        names, imports, star imports): its facts when they are at hand
        (``False``), else its outline (``True``: the functions and classes
        map names to None), which costs a parse and no walk."""
        return self._get(mfile, layout, True)

    def text(self, mfile: ModuleFile, layout: ProjectLayout) -> "ModuleText | None":
        """The module's text for a test before a parse (``ProjectFacts.
        _may_bind``); None when its names are at hand already (its facts or
        outline are in memory: no test needed), or it is never read."""
        try:
            st = os.stat(mfile.path)
        except OSError:
            return None
        key = (mfile.path, mfile.name, st.st_size, st.st_mtime_ns)
        if key in self._mem or key in self._outlines or st.st_size > MAX_BYTES:
            return None
        text = self._texts.get(key)
        if text is None:
            try:
                with open(mfile.path, "rb") as fh:
                    text = ModuleText(fh.read(), mfile, layout)
            except OSError:
                return None
            self._texts[key] = text
            if len(self._texts) > MAX_TEXTS:
                self._texts.popitem(last=False)
        return text

    def _get(self, mfile: ModuleFile, layout: ProjectLayout,
             outline: bool) -> tuple[ModuleFacts, bool]:
        try:
            st = os.stat(mfile.path)
        except OSError:
            return ModuleFacts(mfile.name, mfile.path, broken=True), False
        key = (mfile.path, mfile.name, st.st_size, st.st_mtime_ns)
        got = self._mem.get(key)
        if got is not None:
            return got, False
        if outline:
            got = self._outlines.get(key)
            if got is not None:
                return got, True
        got, outline = self._load(mfile, layout, st.st_size,
                                  (mfile.path, st.st_size, st.st_mtime_ns), outline)
        store = self._outlines if outline else self._mem
        if len(store) > 4096:
            store.clear()
        store[key] = got
        return got, outline

    def _load(self, mfile: ModuleFile, layout: ProjectLayout, size: int,
              key: tuple, outline: bool) -> tuple[ModuleFacts, bool]:
        if size > MAX_BYTES:
            return ModuleFacts(mfile.name, mfile.path, broken=True), False
        try:
            with open(mfile.path, "rb") as fh:
                data = fh.read()
        except OSError:
            return ModuleFacts(mfile.name, mfile.path, broken=True), False
        digest = None
        if self.disk_dir:
            digest = diskcache.digest("facts", FACTS_VERSION, mfile.name, data)
            cached = self._disk_get(digest, ModuleFacts.from_json)
            if cached is not None:
                cached.path = mfile.path
                return cached, False
            if outline:
                digest = diskcache.digest("outline", FACTS_VERSION, mfile.name, data)
                cached = self._disk_get(digest, outline_from_json)
                if cached is not None:
                    cached.path = mfile.path
                    return cached, True
        if outline:
            self.outline_reads += 1
        else:
            self.reads += 1
        try:
            tree = self._tree_of(mfile.path, key, data)
            if tree is None:
                raise ValueError(mfile.path)
            imports = import_table(tree, layout, mfile.name, mfile.is_package)
            facts = (module_outline if outline else module_facts)(
                tree, mfile.name, mfile.path, imports)
            facts.star_imports = star_imports(tree, layout, mfile.name, mfile.is_package)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            facts = ModuleFacts(mfile.name, mfile.path, broken=True)
        if digest is not None:
            self._disk_put(digest, facts)
        return facts, outline

    # ---------------------------------------------------------------- trees
    def tree(self, path: str, key: tuple | None = None) -> ast.Module | None:
        """The syntax tree of the project module at ``path`` (None: unreadable,
        too big, not Python), parsed once per analysed file while the file
        is unchanged: the module's facts and its summaries share it.
        ``key``: the file's ``(path, size, mtime_ns)`` when the caller has
        it.  Only the last ``MAX_TREES`` trees are kept (the analysis never
        changes a tree), and none after the file (``release_trees``)."""
        if key is None:
            try:
                st = os.stat(path)
            except OSError:
                return None
            key = (path, st.st_size, st.st_mtime_ns)
        if key[1] > MAX_BYTES:
            return None
        return self._tree_of(path, key, None)

    def _tree_of(self, path: str, key: tuple, data: bytes | None) -> ast.Module | None:
        hit = self._trees.get(path)
        if hit is not None and hit[0] == key:
            self._trees.move_to_end(path)
            return hit[1]
        tree = None
        try:
            if data is None:
                with open(path, "rb") as fh:
                    data = fh.read()
            self.parses += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(data, filename=path)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            tree = None
        self._trees[path] = (key, tree)
        self._trees.move_to_end(path)
        if len(self._trees) > MAX_TREES:
            self._trees.popitem(last=False)
        return tree

    def release_trees(self) -> None:
        """Drop the parsed trees (the engine calls this after each file)."""
        self._trees.clear()

    def facts_of_tree(self, tree: ast.Module, layout: ProjectLayout) -> ModuleFacts | None:
        """The cached facts of the analysed file when ``tree`` is this cache's
        parse of it (a project module in summary mode), else None."""
        hit = self._trees.get(layout.filename)
        if hit is None or hit[1] is not tree:
            return None
        try:
            st = os.stat(layout.filename)
        except OSError:
            return None
        if (layout.filename, st.st_size, st.st_mtime_ns) != hit[0]:
            return None
        facts = self.facts(ModuleFile(layout.module, layout.filename, layout.is_package), layout)
        return None if facts.broken else facts

    def _disk_get(self, digest: str, decode) -> ModuleFacts | None:
        data = diskcache.read_record(self.disk_dir, digest)
        if data is None:
            return None
        try:
            return decode(data)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None

    def _disk_put(self, digest: str, facts: ModuleFacts) -> None:
        diskcache.write_record(self.disk_dir, digest, facts.to_json())


class ModuleText:
    """A project module's text, for tests that can rule a name out before
    the module is parsed (``ProjectFacts._may_bind``, ``_only_a_class``)."""

    __slots__ = ("data", "stars", "_classes")

    def __init__(self, data: bytes, mfile: ModuleFile, layout: ProjectLayout):
        self.data = data
        #: the absolute names of the modules it star-imports; None when not
        #: known for sure (a non-ASCII name, more than 32)
        self.stars: list[str] | None = None
        found = _STAR_IMPORT.findall(data)
        if len(found) <= 32 and len(found) == len(_ANY_STAR.findall(data)):
            stars = (layout.absolute(name.decode("ascii"), len(dots), mfile.name,
                                     mfile.is_package) for dots, name in found)
            self.stars = [s for s in stars if s]
        self._classes: dict[str, bool] = {}

    def only_a_class(self, name: str) -> bool:
        """Does the text bind ``name`` (ASCII) by a ``class`` statement at the
        start of a line and nothing else: no star import, and no other
        occurrence of the name?"""
        got = self._classes.get(name)
        if got is None:
            data = self.data
            raw = name.encode()
            found = data.count(raw)
            got = self._classes[name] = self.stars == [] and found > 0 and found == len(
                re.findall(rb"(?m)^class[ \t]+" + re.escape(raw) + rb"\b", data))
        return got
