"""Text in both UI languages. Every user-facing string is a `T` pair."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

LANGUAGES = ("kk", "ru")


class T(NamedTuple):
    """A text in Kazakh and Russian; `t(lang)` picks one."""

    kk: str
    ru: str

    def __call__(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.kk

    def format(self, *args: object, **kw: object) -> T:
        return T(self.kk.format(*args, **kw), self.ru.format(*args, **kw))


# Messages in the developers' words (argparse's, a driver's, a file checker's) and their
# texts in both languages: a regular expression and a T with a {n} per group.
class Patterns:
    """Rows of (regular expression, T), compiled when a message is first translated:
    every start imports the tables, few ever show one of their messages."""

    def __init__(self, rows: Iterable[tuple[str, T]], flags: int = 0) -> None:
        self._rows = tuple(rows)
        self._flags = flags
        self._compiled: tuple[tuple[re.Pattern[str], T], ...] | None = None

    def compiled(self) -> tuple[tuple[re.Pattern[str], T], ...]:
        if self._compiled is None:
            self._compiled = tuple((re.compile(p, self._flags), t) for p, t in self._rows)
        return self._compiled


def patterns(rows: Iterable[tuple[str, T]], flags: int = 0) -> Patterns:
    return Patterns(rows, flags)


def translated(table: Patterns, message: str) -> tuple[T, re.Match[str]] | None:
    """The first row of `table` that matches `message`, its text filled with the match's
    groups (None: the table does not know the message)."""
    for pattern, text in table.compiled():
        m = pattern.match(message)
        if m:
            return text.format(*m.groups()), m
    return None
