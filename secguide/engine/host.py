"""What the pack does once to the process of a host's command line.

A full collection of Python's cyclic garbage collector walks every object
the process keeps.  In a ``flake8`` or ``bandit`` run most of them are made
at start-up and live until the process exits: the host's modules, classes,
options and plugins, the pack's own functions, rule tables and vocabularies.
The pack's analysis makes the host collect a little more often (its values
outlive the young generations of a large file), and every one of those
collections walks that start-up heap again.

``settle_host_heap()``, called by both adapters before a file is analysed,
moves that start-up heap to the collector's permanent generation once per
process (``gc.freeze()``): those objects are never walked again.  The host
then spends less time in its collections than it did without the pack (on
the set-A apps flake8 2.4 s against 2.7 s, Bandit 3.7 s against 3.7 s):
most of what is frozen is the host's own, so part of the pack's cost is
paid by making the host cheaper, not by the pack doing less
(``benchmarks/RESULTS.md`` gives the figures both ways).  It acts only

* in a command-line run of flake8 or Bandit (``flake8``/``bandit`` console
  scripts, ``python -m flake8``/``python -m bandit``; a flake8 ``-j`` worker
  of such a run too): a short process that exits after its report, so an
  object frozen there is lost at exit anyway.  A host imported by another
  program (an editor's language server, a test-suite, a script calling the
  legacy API) is never touched;
* with the collector enabled (a host that disabled it is left alone);
* unless ``SECGUIDE_GC_FREEZE=0`` is set in the environment.

What it cannot undo: a start-up object that becomes cyclic garbage later is
not collected (frozen objects are still freed by reference counting).  In a
host's command line that is a few objects of its first file; the peak memory
of both hosts is measured in ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import gc
import os
import sys

#: the console scripts and ``-m`` modules of the hosts' command lines
_HOST_SCRIPTS = frozenset({"flake8", "bandit", "flake8.exe", "bandit.exe"})
_HOST_MAINS = frozenset({"flake8", "flake8.__main__", "bandit", "bandit.__main__",
                         "bandit.cli.main"})
#: done once per process (a flake8 ``-j`` worker forked before any file was
#: analysed freezes its own heap at its first file)
_SETTLED = [False]


def host_command_line() -> bool:
    """Is this process a command-line run of flake8 or Bandit?"""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and getattr(spec, "name", None) in _HOST_MAINS:
        return True
    argv0 = sys.argv[0] if sys.argv else ""
    return os.path.basename(argv0).lower() in _HOST_SCRIPTS


def settle_host_heap() -> bool:
    """Freeze the process's heap once, in a host's command line (see the
    module docstring).  True when it froze it now."""
    if _SETTLED[0]:
        return False
    _SETTLED[0] = True
    if os.environ.get("SECGUIDE_GC_FREEZE", "1") == "0" or not gc.isenabled() \
            or not host_command_line():
        return False
    gc.freeze()
    return True
