#!/usr/bin/env bash
# Creates the project's Python venv (.venv at the repository root) and installs the pinned
# packages of every requirements/*.txt file (the Python package's tests, the browser tests,
# the Spark tests). Idempotent: skips pip when every pin is already installed.
# Needs only PyPI. Override the interpreter with PYTHON=/path/to/python3, the venv's folder
# with VENV=path (relative to the repository root; Benchmarks/peers/setup.sh uses it).
# Usage: bash scripts/setup-venv.sh [requirements/NAME.txt ...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
files=("$@")
if ((${#files[@]} == 0)); then files=(requirements/*.txt); fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-venv: creating $VENV with $($PY --version 2>&1)" >&2
  "$PY" -m venv "$VENV"
fi
if "$VENV/bin/python" - "${files[@]}" <<'PYEOF'
import sys
from importlib.metadata import version, PackageNotFoundError
missing = []
for path in sys.argv[1:]:
    for line in open(path):
        line = line.split("#")[0].strip()
        if not line or "==" not in line:
            continue
        name, want = line.split("==")
        name = name.split("[")[0]
        try:
            if version(name) != want:
                missing.append(line)
        except PackageNotFoundError:
            missing.append(line)
sys.exit(1 if missing else 0)
PYEOF
then
  echo "setup-venv: requirements already satisfied (${files[*]})" >&2
else
  args=()
  for f in "${files[@]}"; do args+=(-r "$f"); done
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q "${args[@]}"
fi
