#!/usr/bin/env bash
# Two virtualenvs for benchmarks/hosts.py, with the pinned hosts
# (requirements/constraints.txt):
#   .bench/with     flake8 and Bandit, and the pack installed from a wheel,
#                   as a user installs it (not editable: an editable install
#                   puts setuptools' import finder in front of every import of
#                   the host process, which a user's install does not)
#   .bench/without  flake8 and Bandit only: what a user compares against
# usage: bash benchmarks/venvs.sh [PYTHON]    (then see benchmarks/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}
rm -rf .bench/with .bench/without
"$py" -m venv .bench/with
"$py" -m venv .bench/without
.bench/with/bin/pip install -q -c requirements/constraints.txt . flake8 bandit
.bench/without/bin/pip install -q -c requirements/constraints.txt flake8 bandit
echo "from a folder outside the checkout (python -m puts the current folder first on sys.path):"
echo "  cd /tmp && python $PWD/benchmarks/hosts.py CORPUS --repeat 7 --with $PWD/.bench/with/bin/python --without $PWD/.bench/without/bin/python"
