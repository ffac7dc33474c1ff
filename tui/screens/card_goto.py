"""Moving through the card by its line numbers and by screenfuls: "Go to line" (the
number typed as on the paper card: 13, 4-1 or 4.1, 14.3) and PgUp / PgDn."""

from __future__ import annotations

from models.card_schema import LINES, Subject
from models.i18n import T
from tui.widgets.layout import field_order

PROMPT = T("Жолға өту: {n}_   Enter: өту  Esc: болдырмау",
           "Перейти к строке: {n}_   Enter: перейти  Esc: отмена")
NO_LINE = T("Карточкада {n} жолы жоқ", "В карточке нет строки {n}")
HIDDEN_LINE = T("{n} жолы бұл субъектіге толтырылмайды", "Строка {n} для этого субъекта не заполняется")
CHARS = set("0123456789.-")


def _norm(number: str) -> str:
    return number.strip().replace("-", ".").rstrip(".")


ORDER = [f.name for f in field_order()]
FIELDS_OF_LINE = {_norm(line.number): [f for f in line.fields] for line in LINES}


def field_of_line(number: str, kind: Subject | None) -> tuple[str | None, T | None]:
    """The first field of card line `number` shown for `kind` (in form order), or None
    and why not."""
    fields = FIELDS_OF_LINE.get(_norm(number))
    if not fields:
        return None, NO_LINE.format(n=number)
    shown = [f.name for f in fields if f.visible_for(kind)]
    if not shown:
        return None, HIDDEN_LINE.format(n=number)
    return min(shown, key=ORDER.index), None


class LinePrompt:
    """The number being typed after Ctrl+G (in the status line)."""

    def __init__(self) -> None:
        self.active = False
        self.text = ""

    def open(self) -> None:
        self.active, self.text = True, ""

    def close(self) -> None:
        self.active, self.text = False, ""

    def type(self, char: str) -> bool:
        if char in CHARS and len(self.text) < 5:
            self.text += char
            return True
        return False

    def backspace(self) -> None:
        self.text = self.text[:-1]

    def line(self, lang: str) -> str:
        return PROMPT.format(n=self.text)(lang)
