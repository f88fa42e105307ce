"""Shared fixtures: where the repository, the shared networks and the command line are.

The tests compare the Python API with the `credence` command line of the same checkout
(.build/release/credence, built by `make test` before pytest runs)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CREDENCE_SHARED", REPO.parent / "shared"))
NETWORKS = SHARED / "networks"
REFERENCE = SHARED / "reference"
CLI = Path(os.environ.get("CREDENCE_CLI", REPO / ".build" / "release" / "credence"))


def network_path(name: str) -> Path:
    for ext in (".bif", ".bif.gz"):
        p = NETWORKS / (name + ext)
        if p.exists():
            return p
    raise FileNotFoundError(name)


def reference_names():
    return sorted(p.stem for p in REFERENCE.glob("*.json"))


def reference(name: str) -> dict:
    with open(REFERENCE / (name + ".json")) as f:
        return json.load(f)


def cli(*args, check=True):
    """Runs the command line; returns (stdout, stderr, exit code)."""
    r = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"credence {' '.join(map(str, args))} failed: {r.stderr}")
    return r.stdout, r.stderr, r.returncode


def cli_json(*args):
    return json.loads(cli(*args, "--json")[0])


def cli_error(*args) -> str:
    """The message the command line prints after 'Error: '."""
    _, err, code = cli(*args, check=False)
    assert code != 0
    lines = [l for l in err.splitlines() if l.startswith("Error: ")]
    assert lines, err
    start = err.index("Error: ") + len("Error: ")
    return err[start:].rstrip("\n")


@pytest.fixture(scope="session", autouse=True)
def _cli_exists():
    if not CLI.exists():
        pytest.exit(f"the command line is not built: {CLI} (swift build -c release --product credence)", 2)


def evidence_args(evidence: dict):
    out = []
    for k, v in evidence.items():
        out += ["--evidence", f"{k}={v}"]
    return out
