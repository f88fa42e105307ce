#!/usr/bin/env bash
# Creates Benchmarks/peers/.venv and installs the pinned peers (requirements.txt).
# Idempotent: reuses the venv, and skips pip when every pin is already installed.
# Needs only PyPI. Override the interpreter with PYTHON=/path/to/python3.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version 2>&1)"
  "$PY" -m venv .venv
fi
# Every "name==version" line of requirements.txt already installed?
if .venv/bin/python - <<'PYEOF'
import sys
from importlib.metadata import version, PackageNotFoundError
missing = []
for line in open("requirements.txt"):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, want = line.split("==")
    try:
        if version(name) != want:
            missing.append(line)
    except PackageNotFoundError:
        missing.append(line)
sys.exit(1 if missing else 0)
PYEOF
then
  echo "setup: requirements already satisfied"
else
  .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
fi
.venv/bin/python -c "import pyagrum, pgmpy, numpy; print('setup: pyagrum', pyagrum.__version__, '| pgmpy', pgmpy.__version__, '| numpy', numpy.__version__)"
