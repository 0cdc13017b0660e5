"""Project facts for one analysed file: its imports resolved to project
modules, their facts (cached), and the questions rules ask of them.

Bounded: at most ``MAX_MODULES`` modules are read per analysed file, files
over ``MAX_BYTES`` are skipped (``secguide.project.cache``), chains (re-exports, base classes, calls
between decorators) stop at ``MAX_DEPTH``; cycles terminate.  The answers
depend only on the files' contents, never on the order files are analysed.
"""
from __future__ import annotations

import ast

from secguide.project.cache import FactsCache, ModuleText
from secguide.project.facts import ClassFacts, FunctionFacts, ModuleFacts, module_facts
from secguide.project.modules import ModuleFile, ProjectLayout, import_table, star_imports
from secguide.project.summaries import stat_key

#: a per-file bound on the project modules consulted; past it a lookup answers
#: "not a project module", so which rules ran first could change a verdict:
#: high enough that real files stay under it (the most on 17 applications: 78)
MAX_MODULES = 256
MAX_DEPTH = 6
#: names of modules that set up the app, read for app-wide facts
_SETUP_NAMES = ("__init__", "app", "application", "extensions", "ext", "factory",
                "create_app", "main", "server", "wsgi", "asgi", "core", "settings")


class ProjectFacts:
    """The project as seen from one analysed file."""

    def __init__(self, filename: str, tree: ast.Module, cache: FactsCache,
                 extra_roots: tuple[str, ...] = ()):
        self.layout = ProjectLayout(filename, extra_roots)
        self.cache = cache
        self.imports = import_table(tree, self.layout)
        self._tree = tree
        self._own: ModuleFacts | None = None
        #: names of this file's top-level functions and classes
        self._own_names = frozenset(
            st.name for st in tree.body
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
        self._modules: dict[str, ModuleFacts | None] = {}
        #: modules of ``_modules`` read as an outline only, and their files
        self._outlined: dict[str, ModuleFile] = {}
        #: files whose text a test read (``_text``): the answers depend on them
        self._texts_read: set[str] = set()
        self._texts: dict[str, ModuleText | None] = {}
        self._app: ModuleFacts | None = None

    @property
    def own(self) -> ModuleFacts:
        """Facts of the analysed file itself (computed on first use)."""
        if self._own is None:
            own = self.cache.facts_of_tree(self._tree, self.layout)
            if own is None:
                own = module_facts(self._tree, self.layout.module,
                                   self.layout.filename, self.imports)
                own.star_imports = star_imports(self._tree, self.layout)
            self._own = own
        return self._own

    # -------------------------------------------------------------- modules
    def module(self, name: str, full: bool = True) -> ModuleFacts | None:
        """Facts of project module ``name`` (None: not a project module);
        ``full=False``: its outline will do (names, imports: resolving a
        name), read without walking the module when its facts are not at
        hand."""
        if name in self._modules:
            found = self._modules[name]
            if full and name in self._outlined:  # its facts are needed now
                found = self._modules[name] = self.cache.facts(
                    self._outlined.pop(name), self.layout)
            return found
        if name == self.layout.module:
            return self.own
        found = None
        if len(self._modules) < MAX_MODULES:
            mfile = self.layout.find(name)
            if mfile is not None and mfile.path != self.layout.filename:
                if full:
                    found = self.cache.facts(mfile, self.layout)
                else:
                    found, partial = self.cache.outline(mfile, self.layout)
                    if partial:
                        self._outlined[name] = mfile
        self._modules[name] = found
        return found

    def files_read(self) -> set:
        """``(path, size, mtime_ns)`` of every project module whose facts
        or text were read here (what a summary computed here depends on besides the
        modules whose summaries it used)."""
        out = set()
        paths = {mf.path for mf in self._modules.values() if mf is not None and mf.path}
        for path in paths | self._texts_read:
            key = stat_key(path)
            if key is not None:
                out.add(key)
        return out

    def absolute(self, qual: str | None) -> str | None:
        """An interpreter qualified name (``.decorators.admin_required``,
        ``decorators.admin_required``, ``admin_required``) made absolute."""
        if not qual:
            return None
        if qual.startswith("."):
            dots = len(qual) - len(qual.lstrip("."))
            mod, _, attr = qual[dots:].rpartition(".")
            base = self.layout.absolute(mod, dots)
            return f"{base}.{attr}" if base else None
        head, _, rest = qual.partition(".")
        if head in self.imports:
            return self.imports[head] + ("." + rest if rest else "")
        return qual

    def is_foreign(self, qual: str | None) -> bool:
        """``qual`` (as the interpreter names it) was imported from outside
        the project: its top-level package is no module of the project's
        roots (an installed package or the standard library).  Asked only of
        a file inside a package (``__init__.py`` folders): a loose script's
        roots are a guess, and its imports may name a project package that
        lies elsewhere."""
        if not qual or qual.startswith("."):
            return False
        if "." not in (self.layout.module or "") and not self.layout.is_package:
            return False
        head = qual.partition(".")[0]
        full = self.imports.get(head)
        if full is None:
            # the interpreter names an imported class by its absolute name
            if head not in {v.partition(".")[0] for v in self.imports.values()}:
                return False
            full = head
        return self.layout.find(full.partition(".")[0]) is None

    def dependency_alias(self, qual: str | None) -> list:
        """The ``Depends``/``Security`` targets (``"Depends:pkg.deps.auth"``)
        of the FastAPI dependency alias ``qual`` (``CurrentUser = Annotated[
        User, Depends(get_current_user)]`` in this file or a project module,
        followed through re-exports), or [] when it is none."""
        full = self.absolute(qual)
        for _ in range(MAX_DEPTH):
            if not full:
                return []
            mod, _, attr = full.rpartition(".")
            mf = self.module(mod, full=False) if mod else (
                self.own if attr in self.own.depends_aliases else None)
            if mf is None or mf.broken:
                return []
            if attr in mf.depends_aliases:
                return mf.depends_aliases[attr]
            nxt = mf.imports.get(attr)
            if nxt == full:
                return []
            full = nxt
        return []

    def _lookup(self, qual: str, depth: int = 0, full: bool = True):
        """``(module facts, attribute)`` that define ``qual``, following
        re-exports (``from .x import f`` in a package ``__init__``);
        ``full=False``: the module's outline will do."""
        if depth > MAX_DEPTH or not qual:
            return None
        mod, _, attr = qual.rpartition(".")
        if not mod:
            if attr not in self._own_names:
                return None  # not defined here: no need for this file's facts
            if attr in self.own.functions or attr in self.own.classes:
                return self.own, attr
            return None
        mf = self.module(mod, full)
        if mf is None or mf.broken:
            return None
        if attr in mf.functions or attr in mf.classes:
            return mf, attr
        target = mf.imports.get(attr)
        if target and target != qual:
            return self._lookup(target, depth + 1, full)
        for star in mf.star_imports:  # from .object_views import *
            if star != mod and self._may_bind(star, attr):
                hit = self._lookup(f"{star}.{attr}", depth + 1, full)
                if hit:
                    return hit
        return None

    # ------------------------------------------------- tests on the texts
    # Before a module is parsed for one name, its text can often say the
    # name is not there: a parse finds nothing a test on the text rules
    # out.  Each test is conservative (any doubt answers "maybe", and the
    # module is parsed as before) and each text read is a file the answer
    # depends on (``files_read``).

    def _text(self, mod: str) -> ModuleText | None:
        """The text of project module ``mod`` for a test, None when there is
        nothing to test (its names are at hand, or it is no project module:
        the lookup answers at once)."""
        if mod in self._modules or mod == self.layout.module:
            return None
        if mod in self._texts:
            return self._texts[mod]
        mfile = self.layout.find(mod)
        text = None if mfile is None else self.cache.text(mfile, self.layout)
        if text is not None:
            self._texts_read.add(mfile.path)
        self._texts[mod] = text
        return text

    def _may_bind(self, mod: str, attr: str, depth: int = 0) -> bool:
        """Can module ``mod`` bind ``attr`` at top level, itself or through
        its star imports?  False only when no text of the chain names
        ``attr``: a package ``__init__`` that star-imports a dozen large
        modules is read for one name, and the modules that never mention
        it are not parsed.  "Maybe" for a non-ASCII name (the parser
        normalises identifiers) and a chain too deep or too wide."""
        if not attr.isascii() or depth > MAX_DEPTH:
            return True
        text = self._text(mod)
        if text is None or text.stars is None or attr.encode() in text.data:
            return True
        for star in text.stars:
            if star != mod and self._may_bind(star, attr, depth + 1):
                return True
        return False

    def _only_a_class(self, mod: str, attr: str) -> bool:
        """Is ``attr`` bound in module ``mod`` by a top-level ``class``
        statement and nothing else?  True only when the text has no star
        import and every occurrence of the name is ``class <name>`` at the
        start of a line (the constructor call of a form or serializer: no
        function of that name can be found there)."""
        if not attr.isascii():
            return False
        text = self._text(mod)
        return text is not None and text.only_a_class(attr)

    def function(self, qual: str | None) -> FunctionFacts | None:
        hit = self._lookup(self.absolute(qual) or "")
        return hit[0].functions.get(hit[1]) if hit else None

    def function_def(self, qual: str | None) -> tuple[ModuleFacts, str] | None:
        """``(module facts, name)`` of the module-level function of another
        project module that ``qual`` names (re-exports followed), or None."""
        q = self.absolute(qual)
        if not q or "." not in q:
            return None
        mod, _, attr = q.rpartition(".")
        if self._only_a_class(mod, attr):
            return None
        hit = self._lookup(q, full=False)
        if hit is None or hit[0] is self._own or hit[1] not in hit[0].functions:
            return None
        return hit

    def method_def(self, qual: str | None) -> tuple[ModuleFacts, str, bool] | None:
        """``(module facts, "Class.method", called on an instance)`` when
        ``qual`` names a method of a class of another project module through
        the class (``Store.archive``) or a module-level instance of it
        (``store.find`` where ``store = Store(...)``), or None."""
        q = self.absolute(qual)
        if not q or q.count(".") < 2:
            return None
        owner, _, meth = q.rpartition(".")
        mod, _, obj = owner.rpartition(".")
        text = self._text(mod) if obj.isascii() else None
        if text is not None and obj.encode() not in text.data:
            return None  # the module never names it: no class or instance there
        mf = self.module(mod)
        if mf is None or mf.broken or mf is self._own:
            return None
        if obj in mf.classes:
            return mf, f"{obj}.{meth}", False
        cls = mf.instances.get(obj)
        if cls in mf.classes:
            return mf, f"{cls}.{meth}", True
        return None

    def klass(self, qual: str | None) -> ClassFacts | None:
        hit = self._lookup(self.absolute(qual) or "")
        return hit[0].classes.get(hit[1]) if hit else None

    # ------------------------------------------------------------ questions
    def _function_is(self, qual: str, test, depth: int, seen: set) -> bool:
        if depth > MAX_DEPTH or qual in seen:
            return False
        seen.add(qual)
        hit = self._lookup(qual)
        if not hit:
            return False
        mf, attr = hit
        ff = mf.functions.get(attr)
        if ff is None:
            return False
        if test(ff):
            return True
        for call in ff.calls:
            head, _, rest = call.partition(".")
            if head in mf.imports:
                target = mf.imports[head] + ("." + rest if rest else "")
            elif head in mf.functions and not rest:
                target = f"{mf.name}.{head}" if mf.name else head
            else:
                continue
            if self._function_is(target, test, depth + 1, seen):
                return True
        return False

    def is_auth_decorator(self, qual: str | None) -> bool:
        """A project decorator that enforces authentication or authorization:
        its wrapper denies (abort/raise 401/403, redirect to login), or it
        applies a framework access decorator, directly or through the
        project functions it calls."""
        q = self.absolute(qual)
        return bool(q) and self._function_is(
            q, lambda f: f.denies or f.applies_auth, 0, set())

    def is_authz_decorator(self, qual: str | None) -> bool:
        """A project decorator that authorizes, not only authenticates: it
        denies (or applies a framework access decorator) and it, or a project
        function it calls, tests a role or permission of the principal
        (``is_admin()`` whose body compares ``user.type == "admin"``,
        ``current_user.is_staff``, ``has_perm``).  A decorator that only
        requires a log-in is not one."""
        q = self.absolute(qual)
        return bool(q) and self._function_is(
            q, lambda f: f.denies or f.applies_auth, 0, set()) and self._function_is(
            q, lambda f: f.checks_role, 0, set())

    def is_rate_limit_decorator(self, qual: str | None) -> bool:
        q = self.absolute(qual)
        return bool(q) and self._function_is(q, lambda f: f.rate_limits, 0, set())

    def is_token_auth_decorator(self, qual: str | None) -> bool:
        q = self.absolute(qual)
        return bool(q) and self._function_is(q, lambda f: f.token_auth, 0, set())

    def class_chain(self, qual: str | None) -> list[ClassFacts]:
        """The class and its project base classes, depth first, each once."""
        out: list[ClassFacts] = []
        seen: set = set()
        stack = [(self.absolute(qual), 0)]
        while stack:
            q, depth = stack.pop()
            if not q or q in seen or depth > MAX_DEPTH:
                continue
            seen.add(q)
            hit = self._lookup(q)
            if not hit:
                continue
            cf = hit[0].classes.get(hit[1])
            if cf is None:
                continue
            out.append(cf)
            stack.extend((b, depth + 1) for b in reversed(cf.bases))
        return out

    def class_provides(self, qual: str | None, what: str) -> bool:
        """Whether the class or a project base states ``what``
        (``scopes_queryset``, ``checks_permission``, ``hashes_password``)."""
        return any(getattr(cf, what) for cf in self.class_chain(qual))

    def base_names(self, qual: str | None) -> list[str]:
        """Every base class name along the project chain (framework bases
        included, as written), for rules that test base names."""
        return [b for cf in self.class_chain(qual) for b in cf.bases]

    def app(self) -> ModuleFacts:
        """App-wide facts: the analysed file, the top package's setup modules
        (``__init__``, ``app``, ``extensions``, ...), what the top
        package's ``__init__`` imports from the project (bounded) and the
        ``__init__`` of each package between the top and the file."""
        if self._app is not None:
            return self._app
        agg = ModuleFacts("(app)", "")
        top = (self.layout.module or "").split(".", 1)[0]
        names = [self.layout.module]
        for base in ([top] if top else []) + [""]:
            for n in _SETUP_NAMES:
                name = f"{base}.{n}" if base and n != "__init__" else (base if n == "__init__" else n)
                if name:
                    names.append(name)
        top_mf = self.module(top) if top else None
        if top_mf is not None:
            names.extend(sorted(set(top_mf.imports.values()))[:16])
        # the packages between: a sub-app's __init__ that includes this
        # module's router (``backoffice/__init__.py``: ``app = FastAPI(
        # dependencies=[...])``, ``app.include_router(...)``)
        parts = (self.layout.module or "").split(".")
        names.extend(".".join(parts[:i]) for i in range(2, min(len(parts), MAX_DEPTH)))
        for name in names:
            mf = self.own if name == self.layout.module else self.module(name)
            if mf is None:
                # an imported attribute: its module
                mod = name.rpartition(".")[0]
                mf = self.module(mod) if mod else None
            if mf is None or mf.broken:
                continue
            agg.global_rate_limit |= mf.global_rate_limit or any(
                self._function_is(m, lambda f: f.rate_limits, 0, set()) for m in mf.middleware)
            agg.csrf_protect |= mf.csrf_protect
            agg.before_request.extend(f"{mf.name}.{b}" for b in mf.before_request)
            for router, deps in mf.included_routers.items():
                agg.included_routers.setdefault(router, []).extend(deps)
        self._app = agg
        return agg

    def included_router(self, name: str) -> list:
        """The ``Depends``/``Security`` targets (``"Depends:pkg.deps.auth"``)
        that the app's setup modules include this module's router ``name``
        with (``app.include_router(items.router, dependencies=[...])``)."""
        mod = self.layout.module
        if not mod:
            return []
        want = f"{mod}.{name}"
        routers = self.app().included_routers
        if want in routers:
            return routers[want]
        # included under a name a package re-exports it as (``from .items
        # import router as items_router`` in ``routers/__init__.py``)
        out: list = []
        for key, deps in routers.items():
            if self._reexported(key) == want:
                out.extend(deps)
        return out

    def _reexported(self, qual: str) -> str:
        """``qual`` followed through the project's re-exports (a package's
        ``from .x import y [as z]``) to where it is defined, bounded."""
        for _ in range(MAX_DEPTH):
            mod, _, attr = qual.rpartition(".")
            mf = self.module(mod, full=False) if mod else None
            nxt = mf.imports.get(attr) if mf is not None and not mf.broken else None
            if not nxt or nxt == qual:
                return qual
            qual = nxt
        return qual

    def explain(self) -> dict:
        """Everything derived for this file, for ``python -m secguide facts``."""
        return {
            "module": self.own.name,
            "roots": list(self.layout.roots),
            "imports": {k: v for k, v in sorted(self.imports.items())},
            "project_modules": sorted(k for k, v in self._modules.items() if v is not None),
            "own": self.own.to_json(),
            "app": {"global_rate_limit": self.app().global_rate_limit,
                    "csrf_protect": self.app().csrf_protect,
                    "before_request": self.app().before_request},
        }
