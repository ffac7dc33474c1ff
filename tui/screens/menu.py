"""F10: every command in a list, for those who do not remember the keys."""

from __future__ import annotations

from textual import events
from textual.containers import Vertical

from models.i18n import T
from tui.keys import COMMAND_BY_ID, KeyMap
from tui.screens.base import QuietModal
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Мәзір", "Меню")
HINT = T("Enter: орындау   Esc: жабу", "Enter: выполнить   Esc: закрыть")


class MenuScreen(QuietModal[str | None]):
    """Result: the chosen command id."""

    def __init__(self, lang: str, keymap: KeyMap, commands: list[str]) -> None:
        super().__init__(lang)
        self.keymap = keymap
        self.commands = commands

    def compose(self):  # noqa: ANN201
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            pick = PickList(id="commands")
            pick.styles.height = len(self.commands)
            yield pick
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self.query_one(PickList).focus()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        pick = self.query_one(PickList)
        pick.set_rows([f"{self.keymap.label(c):<20} {self.tr(COMMAND_BY_ID[c].long)}"
                       for c in self.commands], pick.index)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        self.dismiss(self.commands[event.index])

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" or event.key in self.keymap.binding_keys("menu").split(","):
            event.stop()
            self.dismiss(None)
            return
        for cid in self.commands:  # a command's own key works from the menu too
            if event.key in self.keymap.binding_keys(cid).split(","):
                event.stop()
                self.dismiss(cid)
                return
