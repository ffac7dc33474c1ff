"""Pieces shared by the document commands (print, journal, notice, requests, purge):
the acting user (the OS account's apcard user, never a flag), one-line refusals in the
session's language, dates and card numbers as arguments, output to stdout or a file."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.config import Config
from models.i18n import T
from tui.cli import CliError, open_db
from tui.cli.base import os_error, say


def acting_user(cfg: Config) -> Any:
    from tui.cli.identity import acting_user as registered

    return registered(cfg, None)


def refused(exc: Exception, lang: str) -> CliError:
    """A model's refusal (message in both languages, issues) as one CLI line."""
    message = getattr(exc, "message", None)
    text = message(lang) if callable(message) else str(exc)
    issues = getattr(exc, "issues", None) or []
    if issues:
        text += ": " + "; ".join(f"{i.line} {i.message(lang)}" for i in issues[:5])
    return CliError(" ".join(text.split()))


@contextlib.contextmanager
def session(cfg: Config) -> Iterator[Any]:
    """The database opened and the acting user identified; model refusals and
    database failures become one line."""
    from models.permissions import PermissionDenied
    from tui.cli.core import db_errors

    with db_errors(cfg):
        open_db(cfg)
        user = acting_user(cfg)
        try:
            yield user
        except PermissionDenied as exc:
            raise refused(exc, cfg.language) from None


def date_arg(text: str) -> dt.date:
    """DD.MM.YYYY, DDMMYYYY or YYYY-MM-DD."""
    from models.validation import parse_date

    day = parse_date(text.strip()) if text.isascii() else None
    if day is None:
        raise argparse.ArgumentTypeError(say(T(f"күн емес (КК.АА.ЖЖЖЖ): {text[:20]!r}",
                                                f"не дата (ДД.ММ.ГГГГ): {text[:20]!r}")))
    return day


def number_arg(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**31:
        raise argparse.ArgumentTypeError(say(T(f"сан емес: {text[:20]!r}",
                                                f"не число: {text[:20]!r}")))
    return int(text)


def write_out(text: str, path: str | None) -> None:
    """To stdout, or to a new file readable by its owner and group only (printouts carry
    personal data)."""
    if not path:
        sys.stdout.write(text)
        return
    target = Path(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(T(f"{target} жазылмады: {os_error(exc)}",
                         f"не записать {target}: {os_error(exc)}")) from None
