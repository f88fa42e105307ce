#!/usr/bin/env bash
# Creates Benchmarks/peers/.venv and installs the pinned peers (requirements.txt), through
# the project's one venv script (scripts/setup-venv.sh: idempotent, skips pip when every
# pin is already installed; needs only PyPI; PYTHON=/path/to/python3 picks the interpreter).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=Benchmarks/peers/.venv bash scripts/setup-venv.sh Benchmarks/peers/requirements.txt
Benchmarks/peers/.venv/bin/python -c "import pyagrum, pgmpy, numpy; print('setup: pyagrum', pyagrum.__version__, '| pgmpy', pgmpy.__version__, '| numpy', numpy.__version__)"
