"""Operating system, processes and containers: least privilege (SCG905, SCG906)."""
import re

#: calls that create files or directories -> (position, keyword) of the mode
MODE_ARGS = {"os.makedirs": (1, "mode"), "os.mkdir": (1, "mode"), "os.open": (2, "mode"),
             "os.mkfifo": (1, "mode"), "os.mknod": (1, "mode")}
#: ``pathlib.Path`` methods that take ``mode=``
PATH_MODE_METHODS = frozenset({"mkdir", "touch"})
#: ``user=postgres`` in a libpq connection string
DSN_USER = re.compile(r"(?:^|\s)user\s*=\s*'?(\w+)")
#: docker-py: ``client.containers.run(..., privileged=True)``
CONTAINER_COLLECTION = "containers"
CONTAINER_STARTS = frozenset({"run", "create"})

# -- file-system probes and path guards (SCG402) --------------------------------
#: calls that only probe a path: they tell the caller whether a file exists
#: (its size, its type), so an untrusted path there leaks the file system
#: layout (SCG402 at MEDIUM) -> (positions, keywords) of the path
PATH_PROBES = {
    "os.path.exists": ((0,), ("path",)), "os.path.lexists": ((0,), ("path",)),
    "os.path.isfile": ((0,), ("path",)), "os.path.isdir": ((0,), ("s",)),
    "os.path.islink": ((0,), ("path",)), "os.path.getsize": ((0,), ("filename",)),
    "os.path.getmtime": ((0,), ("filename",)), "os.path.getatime": ((0,), ("filename",)),
    "os.path.getctime": ((0,), ("filename",)),
    "os.stat": ((0,), ("path",)), "os.lstat": ((0,), ("path",)),
    "os.access": ((0,), ("path",)),
    "glob.glob": ((0,), ("pathname",)), "glob.iglob": ((0,), ("pathname",)),
}
#: ``pathlib.Path`` methods that probe the path they are called on (``glob``
#: and ``rglob`` also take an untrusted pattern)
PATH_PROBE_METHODS = frozenset({"exists", "is_file", "is_dir", "is_symlink", "stat",
                                "lstat", "glob", "rglob"})
PATH_PATTERN_METHODS = frozenset({"glob", "rglob"})
#: ``os.path.commonpath([base, p]) == base``: the path stays under ``base``
PATH_PREFIX_CALLS = frozenset({"os.path.commonpath", "os.path.commonprefix",
                               "posixpath.commonpath", "ntpath.commonpath"})
#: the parent-directory component a traversal needs: ``if ".." in p: abort()``
PARENT_DIR = ".."
#: the text of a path: ``str(p).startswith(base)`` checks ``p``
PATH_TEXT_CALLS = frozenset({"builtins.str", "os.fspath"})

# -- programs run without subprocess (SCG102) -------------------------------------
#: calls that run a program from an argument vector: name -> (where the
#: vector starts, "list" when it is one list argument or "args" when it is
#: the positional arguments from there on, where the program path is or
#: None).  A vector ``[shell, "-c", command]`` runs ``command`` in a shell.
EXEC_CALLS = {
    **{f"os.exec{s}": (1, "list", 0) for s in ("v", "ve", "vp", "vpe")},
    **{f"os.exec{s}": (1, "args", 0) for s in ("l", "le", "lp", "lpe")},
    **{f"os.spawn{s}": (2, "list", 1) for s in ("v", "ve", "vp", "vpe")},
    **{f"os.spawn{s}": (2, "args", 1) for s in ("l", "le", "lp", "lpe")},
    "os.posix_spawn": (1, "list", 0), "os.posix_spawnp": (1, "list", 0),
    "pty.spawn": (0, "list", None),
    "asyncio.create_subprocess_exec": (0, "args", None),
}
