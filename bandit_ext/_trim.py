"""What the Bandit adapter reads of Bandit's internals, quarantined here.

Bandit calls every enabled test on every node of the test's check types, and
each call costs it a context copy and a ``# nosec`` lookup, more than the
dictionary lookup our test then makes: with ~30 secguide tests on ``Call``
that was most of the pack's cost inside Bandit.  Once a file is analysed, its
findings say which secguide tests can report anything in it, so for the rest
of that file the ``BanditTester`` walking it gets a stand-in test set whose
lists hold Bandit's own tests and only those secguide tests ("trimming").

This relies on Bandit internals, read in Bandit 1.7.6 to 1.9.4 (unchanged
between them; the tests run on the installed one), and is not used with any
other version: a test is called by ``BanditTester.run_tests``
(recognised by its code object), which reads its list with
``self.testset.get_tests(check)``, and Bandit makes a new ``BanditTester``
for every file.  So a file's tester holds its stand-in exactly as long as
the file's walk (also when Bandit abandons a walk half-way; stand-ins are
only read, so files whose findings keep the same tests share one), and no
list Bandit iterates is changed: the loop running for the node that
triggered the analysis keeps Bandit's full list.  The same caller gives the
rules to analyse: those whose tests are enabled (``-t``/``-s``/profile).
Otherwise every rule is analysed and Bandit drops what its disabled tests
would have said.

``SECGUIDE_BANDIT_TRIM=0`` in the environment turns trimming off (the
selection is still read); ``tests/test_bandit_trim.py`` checks that trimmed
and untrimmed runs report the same issues, Bandit's own included.
"""
from __future__ import annotations

import ast
import contextlib
import os
import re
import sys
import weakref

#: Bandit versions whose internals (above) were read
VERIFIED = ((1, 7, 6), (1, 9, 4))


def _run_tests_code():
    """The code object of ``BanditTester.run_tests``, on a verified Bandit."""
    try:
        import bandit
        found = re.match(r"(\d+)\.(\d+)\.(\d+)", bandit.__version__)
        version = tuple(int(n) for n in found.groups()) if found else None
        if version is None or not VERIFIED[0] <= version <= VERIFIED[1]:
            return None
        from bandit.core.tester import BanditTester
        return BanditTester.run_tests.__code__
    except Exception:  # noqa: BLE001 - no Bandit, or not as verified
        return None


#: set at the first analysis (Bandit's ``__version__`` is not yet set while
#: Bandit imports its plugins); None: not a verified Bandit
_RUN_TESTS: object = ...


def tester(frame):
    """The ``BanditTester`` whose ``run_tests`` is ``frame``, else None."""
    global _RUN_TESTS
    if _RUN_TESTS is ...:
        _RUN_TESTS = _run_tests_code()
    if _RUN_TESTS is None or frame is None or frame.f_code is not _RUN_TESTS:
        return None
    found = frame.f_locals.get("self")
    return found if isinstance(getattr(_full(found), "tests", None), dict) else None


def enabled_codes(tester) -> frozenset[str]:
    """Codes of the secguide tests in ``tester``'s test set."""
    return _split(_full(tester))[1]


# -- which tests the run named ---------------------------------------------
#
# Bandit has no "off by default" for a plugin: every installed test runs
# unless the run names its tests (``-t``, ``tests:`` in a config file or
# profile: the profile's ``include``).  An opt-in rule is analysed only when
# the run named it.  The profile is an argument of ``BanditTestSet.__init__``
# and is not kept, so it is read there: ``_load_tests`` (called by that
# ``__init__``) iterates every test's ``_checks`` once, and a secguide test's
# ``_checks`` is a ``CheckList`` whose iteration notes, for that test set,
# the test ids the profile included (empty: the run named none).

#: Bandit's test set -> the test ids its profile included
_NAMED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


_TEST_SET: list = [None]


def _test_set_codes():
    """The code objects of ``BanditTestSet.__init__`` and ``_load_tests``,
    on a verified Bandit; else None."""
    if _TEST_SET[0] is None and _run_tests_code() is not None:
        try:
            from bandit.core.test_set import BanditTestSet
            _TEST_SET[0] = (BanditTestSet.__init__.__code__,
                            BanditTestSet._load_tests.__code__)
        except Exception:  # noqa: BLE001 - not as verified
            return None
    return _TEST_SET[0]


class CheckList(list):
    """A secguide test's ``_checks`` (Bandit's check names): a list that,
    iterated by ``BanditTestSet._load_tests``, notes which tests the test
    set's profile included (read nowhere else; never changes the list)."""

    __slots__ = ()

    def __iter__(self):
        with contextlib.suppress(Exception):  # never in Bandit's way
            _note_profile(sys._getframe(1))
        return super().__iter__()


def _note_profile(load_frame) -> None:
    codes = _test_set_codes()
    init_frame = load_frame.f_back
    if codes is None or init_frame is None or init_frame.f_code is not codes[0] or \
            load_frame.f_code is not codes[1]:
        return
    test_set = load_frame.f_locals.get("self")
    if test_set is None or test_set in _NAMED:
        return
    profile = init_frame.f_locals.get("profile") or {}
    include = profile.get("include") or () if isinstance(profile, dict) else ()
    _NAMED[test_set] = frozenset(str(t) for t in include)


def named_codes(tester) -> frozenset[str]:
    """The test ids the run named for ``tester``'s test set (``-t``,
    ``tests:``); empty when it named none, or when that is not known (an
    unverified Bandit, a test set built some other way)."""
    full = _full(tester)
    try:
        return _NAMED.get(full, frozenset())
    except TypeError:  # not weakly referenceable: not Bandit's test set
        return frozenset()


#: AST classes Bandit never runs tests on: a finding there cannot be reported
UNREPORTABLE = frozenset({"Module", "ClassDef", "Expression", "Interactive"})
#: check names Bandit dispatches a node class under, where not its own name
_AS = {"Constant": ("Str", "Bytes"), "ImportFrom": ("ImportFrom", "Import")}


def bandit_checks(report_types: tuple[type, ...]) -> list[str]:
    """Bandit check-type names under which nodes of ``report_types`` reach
    tests: ``str``/``bytes`` constants as ``Str``/``Bytes``, a relative
    ``from . import x`` as ``Import``; none for ``ClassDef`` or the module."""
    names: list[str] = []
    for cls in report_types:
        extra = _AS.get(cls.__name__, () if cls.__name__ in UNREPORTABLE else (cls.__name__,))
        names.extend(n for n in extra if n not in names)
    return names


def trim(tester, kinds: dict[type, set[str]]) -> None:
    """For the rest of the file, keep in each check list Bandit's tests and
    the secguide tests with a finding on a node of a class (``kinds``: class
    -> codes) that Bandit dispatches under that check."""
    if os.environ.get("SECGUIDE_BANDIT_TRIM", "1") != "0":
        wanted: dict[str, set[str]] = {}
        for cls, codes in kinds.items():
            for check in bandit_checks((cls,)):
                wanted.setdefault(check, set()).update(codes)
        full = _full(tester)
        key = frozenset((check, frozenset(codes)) for check, codes in wanted.items())
        if _SHARED[0] is not full or len(_SHARED[1]) > 64:
            _SHARED[:] = [full, {}]
        stand_in = _SHARED[1].get(key)
        if stand_in is None:
            stand_in = _SHARED[1][key] = _Trimmed(full, wanted)
        tester.testset = stand_in


#: every check name Bandit may ask for (a node class name, ``Str``, ``Bytes``,
#: ``File``): the trimmed lists hold them all, so that Bandit's per-node
#: ``get_tests`` is a plain dictionary read, no Python call
_CHECKS = {"Str", "Bytes", "File"}
_classes = [ast.AST]
while _classes:
    _cls = _classes.pop()
    _CHECKS.add(_cls.__name__)
    _classes.extend(_cls.__subclasses__())
del _classes, _cls


class _Lists(dict):
    """Check name -> tests; an unknown check has none (as in Bandit)."""

    def __missing__(self, checktype):
        return ()


#: Bandit's test set (the same for every file of a run) -> its lists as
#: (test, secguide code or None) pairs, and the secguide codes in it
_SPLIT: list = [None, None, None]


def _split(full):
    if _SPLIT[0] is not full:
        pairs = {check: [(f, getattr(f, "secguide_code", None)) for f in funcs]
                 for check, funcs in full.tests.items()}
        codes = frozenset(c for ps in pairs.values() for _, c in ps if c is not None)
        _SPLIT[:] = [full, pairs, codes]
    return _SPLIT[1], _SPLIT[2]


#: Bandit's test set -> its stand-ins by what they keep: most files keep
#: the same tests (none of ours, when nothing was found), and Bandit only
#: reads the lists, so files with equal findings kinds share one stand-in
_SHARED: list = [None, {}]


class _Trimmed:
    """Stands in for Bandit's test set for the ``BanditTester`` of each file
    whose findings keep the same tests (shared: read, never changed)."""

    __slots__ = ("full", "tests", "get_tests")

    def __init__(self, full, wanted: dict[str, set[str]]):
        self.full = full
        self.tests = _Lists.fromkeys(_CHECKS, ())
        for check, pairs in _split(full)[0].items():
            keep = wanted.get(check, ())
            self.tests[check] = [f for f, code in pairs if code is None or code in keep] or ()
        self.get_tests = self.tests.__getitem__   # Bandit's call: no Python frame

    def __getattr__(self, name):   # anything else Bandit reads: the real set
        return getattr(self.full, name)


def _full(tester):
    testset = getattr(tester, "testset", None)
    return testset.full if isinstance(testset, _Trimmed) else testset
