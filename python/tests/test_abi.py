"""The header in the repository declares exactly what the library exports."""
import re
import subprocess

from credence import _ffi
from conftest import REPO

HEADER = REPO / "Sources" / "CredenceC" / "include" / "credence.h"


def test_every_export_is_declared_and_every_declaration_exported():
    exported = set()
    out = subprocess.run(["nm", "-D", "--defined-only", _ffi.lib._name], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        name = line.split()[-1]
        if name.startswith("credence_"):
            exported.add(name)
    text = HEADER.read_text()
    declared = set(re.findall(r"^\s*(?:const\s+)?[\w ]+?\**\s*\**(credence_\w+)\s*\(", text, flags=re.M))
    assert exported == declared, f"only exported: {sorted(exported - declared)}; only declared: {sorted(declared - exported)}"
    assert declared == set(_ffi._SIGNATURES), "the ctypes signatures in credence/_ffi.py are out of step with credence.h"


def test_library_links_the_swift_runtime_statically():
    out = subprocess.run(["ldd", _ffi.lib._name], capture_output=True, text=True, check=True).stdout
    libs = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert not any("swift" in l or "Foundation" in l or "dispatch" in l for l in libs), libs


def test_set_threads_returns_the_previous_setting_and_refuses_negatives():
    set_threads = _ffi.lib.credence_set_threads
    before = set_threads(3)
    try:
        assert set_threads(1) == 3
        assert set_threads(-2) == -1   # refused: the setting stays 1
        assert set_threads(0) == 1     # 0: back to every core
        assert set_threads(0) == 0
    finally:
        set_threads(before)
