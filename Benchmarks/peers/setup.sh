#!/usr/bin/env bash
# Creates Benchmarks/peers/.venv with the pinned peers (idempotent). PyPI only.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
if ! .venv/bin/python -c "import pyagrum, pgmpy" 2>/dev/null; then
  .venv/bin/pip install -q --upgrade pip
  # requirements.lock pins every dependency as resolved on the day the tables were made.
  if [ -f requirements.lock ]; then .venv/bin/pip install -q -r requirements.lock
  else .venv/bin/pip install -q -r requirements.txt && .venv/bin/pip freeze > requirements.lock; fi
fi
.venv/bin/python -c "import pyagrum, pgmpy; print('peers: pyagrum', pyagrum.__version__, 'pgmpy', pgmpy.__version__)"
