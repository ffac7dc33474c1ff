"""Golden files: a printout compared with the reviewed copy in tests/printouts/.
`APCARD_UPDATE_GOLDEN=1 pytest tests/test_printing*.py` rewrites them; review the diff."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "printouts"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("APCARD_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
        if os.environ.get("APCARD_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"{path} was missing: written, review it and run again")
        return
    want = path.read_text(encoding="utf-8")
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                            str(path), "printed", n=1))
        raise AssertionError(f"printout differs from {path.name} "
                             f"(APCARD_UPDATE_GOLDEN=1 to accept):\n{diff[:4000]}")
