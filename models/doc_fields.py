"""What the documents' forms share: one refusal type (a message in both languages, and
the card's issues when there are some) and the checks of a text or a date typed into a
document. Stored values are the checked ones: NFC, trimmed, no control characters, within
the length; dates never in the future."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.i18n import T
from models.text import clean, find_control


class DocumentRefused(Exception):
    """Nothing was saved; `message` says why, `issues` lists card errors if any."""

    def __init__(self, message: T, issues: list | None = None) -> None:
        super().__init__(message.ru)
        self.message = message
        self.issues = issues or []


def text_value(value: Any, what: T, limit: int, required: bool = False) -> str:
    raw = "" if value is None else str(value)
    if find_control(raw) is not None:
        raise DocumentRefused(T(f"{what.kk}: басқару таңбалары болмауы керек",
                                f"{what.ru}: управляющие символы недопустимы"))
    text = clean(raw)
    if len(text) > limit:
        raise DocumentRefused(T(f"{what.kk}: ең көбі {limit} таңба",
                                f"{what.ru}: не более {limit} символов"))
    if required and not text:
        raise DocumentRefused(T(f"{what.kk}: міндетті", f"{what.ru}: обязательно"))
    return text


def date_value(value: Any, what: T, today: dt.date, earliest: dt.date | None = None
               ) -> dt.date:
    """A date not in the future (and not before `earliest`)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DocumentRefused(T(f"{what.kk}: күн қажет", f"{what.ru}: нужна дата"))
    if value > today:
        raise DocumentRefused(T(f"{what.kk}: болашақ күн болмайды", f"{what.ru}: дата в будущем"))
    if earliest is not None and value < earliest:
        raise DocumentRefused(T(f"{what.kk}: {earliest:%d.%m.%Y} күнінен бұрын болмайды",
                                f"{what.ru}: не раньше {earliest:%d.%m.%Y}"))
    return value
