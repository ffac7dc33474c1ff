"""Layering: the register (models/) and the codebook loader (codebooks/) never pull in
Textual, so the CLI, tests and a future web front end use them without a terminal UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: this pytest process has Textual loaded already.
PROBE = """
import importlib, pkgutil, sys
sys.path.insert(0, {root!r})
names = []
for package in ("models", "codebooks"):
    pkg = importlib.import_module(package)
    names.append(package)
    for info in pkgutil.walk_packages(pkg.__path__, package + "."):
        importlib.import_module(info.name)
        names.append(info.name)
print(len(names))
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "tui")))
print(",".join(leaked))
"""


def test_models_and_codebooks_never_import_textual() -> None:
    res = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT))],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    count, leaked = res.stdout.splitlines()
    assert int(count) >= 10, "expected to import every module of models/ and codebooks/"
    assert leaked == "", f"models/ or codebooks/ imported UI modules: {leaked}"
