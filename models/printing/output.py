"""Printouts written from the screens: a file in the user's own folder (the OS account's
home, found from the real uid), readable by its owner and group only, named after the
document and the time, so nothing is overwritten."""

from __future__ import annotations

import datetime as dt
import os
import pwd
from pathlib import Path

from models.printing import render
from models.printing.document import Document

FOLDER = "apcard-printouts"
CHOICES = (("text", 80), ("text", 132), ("html", 80))


def folder() -> Path:
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / FOLDER


def save_printout(doc: Document, fmt: str, width: int = 80, where: Path | None = None,
                  at: dt.datetime | None = None) -> Path:
    target = where or folder()
    target.mkdir(mode=0o750, parents=True, exist_ok=True)
    stamp = (at or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    ident = "".join(ch for ch in doc.meta.get("id", "") if ch.isalnum() or ch in "-_")
    name = "-".join(x for x in (doc.kind, ident, stamp) if x)
    suffix = "html" if fmt == "html" else f"{width}.txt"
    path = target / f"{name}.{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = target / f"{name}-{n}.{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render(doc, fmt, width))
    return path
