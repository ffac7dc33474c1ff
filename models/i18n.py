"""Text in both UI languages. Every user-facing string is a `T` pair."""

from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("kk", "ru")


class T(NamedTuple):
    """A text in Kazakh and Russian; `t(lang)` picks one."""

    kk: str
    ru: str

    def __call__(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.kk

    def format(self, **kw: object) -> T:
        return T(self.kk.format(**kw), self.ru.format(**kw))
