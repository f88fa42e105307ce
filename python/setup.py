"""Builds libcredence_c.so with SwiftPM (release) and bundles it in the package.

`pip install ./python` runs this from the repository: `swift build -c release --product
credence_c` at the repository root (the folder above this one), then copies
.build/release/libcredence_c.so into credence/_lib/. Set CREDENCE_LIBRARY=/path/to/
libcredence_c.so to bundle an already built library instead, and SWIFT=/path/to/swift to
choose the toolchain (default: `swift` on PATH, else /opt/swift/usr/bin/swift).
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def swift() -> str:
    if os.environ.get("SWIFT"):
        return os.environ["SWIFT"]
    found = shutil.which("swift")
    if found:
        return found
    if Path("/opt/swift/usr/bin/swift").exists():
        return "/opt/swift/usr/bin/swift"
    raise RuntimeError("no Swift toolchain: install Swift 6 or set SWIFT=/path/to/swift "
                       "(or CREDENCE_LIBRARY=/path/to/libcredence_c.so)")


def library() -> Path:
    given = os.environ.get("CREDENCE_LIBRARY")
    if given:
        return Path(given)
    if not (REPO / "Package.swift").exists():
        raise RuntimeError("build from the Credence repository (pip install ./python), "
                           "or set CREDENCE_LIBRARY=/path/to/libcredence_c.so")
    subprocess.run([swift(), "build", "-c", "release", "--product", "credence_c"], cwd=REPO, check=True)
    return REPO / ".build" / "release" / "libcredence_c.so"


class BuildWithLibrary(build_py):
    """build_py, plus the Swift library copied into credence/_lib/."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "credence" / "_lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(library(), target / "libcredence_c.so")


class BinaryDistribution(Distribution):
    """The wheel holds a native library: tag it for this platform, not py3-none-any."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
