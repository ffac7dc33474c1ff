"""F1: every key of the program and what the marks on the form mean."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical

from models.i18n import T
from tui.keys import COMMANDS, KeyMap
from tui.screens.base import QuietModal
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Көмек: пернелер", "Помощь: клавиши")
HINT = T("Esc: жабу", "Esc: закрыть")
KEY_WIDTH = 22  # the keys' column; a long text goes on under its own column

# Keys of the form itself (not remappable: they are the editing keys).
EDITING: tuple[tuple[str, T], ...] = (
    ("Enter, Tab, Down", T("келесі өріс", "следующее поле")),
    ("Shift+Tab, Up", T("алдыңғы өріс", "предыдущее поле")),
    ("Left, Right, Home, End", T("өріс ішінде жылжу", "движение внутри поля")),
    ("Backspace, Del, Ctrl+U", T("таңбаны / бәрін өшіру", "стереть символ / всё поле")),
    ("A..Я, 0..9", T("өріске кірген соң бірінші таңба мәнді ауыстырады",
       "первый символ в только что открытом поле заменяет значение")),
    ("PgUp, PgDn", T("бір экран жоғары / төмен", "на экран вверх / вниз")),
    ("Esc, 1..0", T("Alt+цифр сияқты (жарты секунд ішінде): F-пернесіз пернетақтаға",
                    "как Alt+цифра (в течение полсекунды): для клавиатур без F-клавиш")),
)
LEGEND: tuple[tuple[str, T], ...] = (
    ("[    ]", T("өріс; толған кезде код, күн, ЖСН келесіге өзі өтеді",
              "поле; код, дата, ИИН при заполнении переходят дальше сами")),
    ("{    }", T("бекітілген өріс: жаңа карточкада қалады",
              "закреплённое поле: остаётся в новой карточке")),
    ("!", T("қате: карточка сақталмайды", "ошибка: карточка не сохранится")),
    ("?", T("ескерту: сақтау кезінде растау сұралады",
            "предупреждение: при сохранении спросят подтверждение")),
    ("ДДММГГГГ", T("күн цифрлармен, нүктелер өзі қойылады",
                   "дата цифрами, точки ставятся сами")),
)


class HelpScreen(QuietModal[None]):
    def __init__(self, lang: str, keymap: KeyMap) -> None:
        super().__init__(lang)
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield PickList(id="lines", wrap=True, indent=KEY_WIDTH + 1)
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self.query_one(PickList).focus()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        w = KEY_WIDTH
        rows = [f"{self.keymap.label(c.id):<{w}} {self.tr(c.long)}" for c in COMMANDS]
        rows.append("")
        rows += [f"{keys:<{w}} {self.tr(text)}" for keys, text in EDITING]
        rows.append("")
        rows += [f"{mark:<{w}} {self.tr(text)}" for mark, text in LEGEND]
        self.query_one(PickList).set_rows(rows)

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" or self.keymap.is_key_of(event.key, "help"):
            event.stop()
            self.dismiss(None)
