"""``python -m secguide``: small helpers next to the Bandit and flake8 plugins.

    python -m secguide codes            # SCG101,SCG102,... for bandit -t / -s
    python -m secguide check app.py     # run the engine alone, flake8-style output
"""
from __future__ import annotations

import os
import sys

from secguide.registry import ALL_RULES


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if args[0] == "codes":
        print(",".join(r.code for r in ALL_RULES))
        return 0
    if args[0] == "check":
        from secguide import check_source

        found = 0
        for path in _python_files(args[1:]):
            with open(path, "rb") as fh:
                data = fh.read()
            for f in check_source(data, path):
                print(f"{path}:{f.line}:{f.col + 1}: {f.code} {f.message}")
                found += 1
        return 1 if found else 0
    print(f"unknown command {args[0]!r}; try --help", file=sys.stderr)
    return 2


def _python_files(paths: list[str]):
    for p in paths:
        if os.path.isdir(p):
            for dp, dn, fn in os.walk(p):
                dn[:] = sorted(d for d in dn if not d.startswith("."))
                for f in sorted(fn):
                    if f.endswith(".py"):
                        yield os.path.join(dp, f)
        else:
            yield p


if __name__ == "__main__":
    sys.exit(main())
