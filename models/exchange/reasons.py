"""Reasons that travel: a card's problems for an acknowledgement, and the reason of a
sender's correction or removal as this register can log it (§34-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from models import codebook
from models.text import clean, find_control, strip_control
from models.validation import Issue

REASON_BOOK = "correction_reason"
OTHER = "07"  # "other reason (stated in the text)"


def reason_list(issues: Iterable[Issue]) -> list[dict[str, str]]:
    return [{"line": i.line, "field": i.field, "kk": i.message.kk, "ru": i.message.ru}
            for i in issues]


def reason_of(reason: object, sender: tuple[str, str], today: dt.date,
              removal: bool = False) -> tuple[str, str]:
    """(code, text) to log for a change a sender made. The sender's code when this
    register knows it (and it fits: a removal-only code only for a removal), else
    "other" with the sender's code kept in the text; no reason at all: "other", naming
    the sender and the package."""
    code = text = ""
    if isinstance(reason, dict):
        code = str(reason.get("code") or "")[:8]
        text = clean(strip_control(str(reason.get("text") or "")))[:400]
    where = f"{sender[0]}, {sender[1]}"
    if not code:
        return OTHER, f"{where}: {text}" if text else where
    entry = codebook.resolve(REASON_BOOK, code, today) if find_control(code) is None else None
    if entry is None or (entry.data.get("removal") and not removal):
        return OTHER, f"{where} [{strip_control(code)}]: {text or '-'}"[:500]
    return code, text or where


def parse_reasons(raw: Any) -> list[dict[str, Any]]:
    return [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
