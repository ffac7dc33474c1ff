"""F10: every command in a list, for those who do not remember the keys."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical

from models.i18n import T
from tui.keys import COMMAND_BY_ID, MENU_IDS, KeyMap
from tui.screens.base import QuietModal
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Мәзір", "Меню")
HINT = T("Enter: орындау   Esc: жабу", "Enter: выполнить   Esc: закрыть")


def menu_commands(editable: bool) -> list[str]:
    """The menu's commands in their places (tui.keys.COMMANDS `menu`); those that need a
    card being typed are left out of a read-only card's menu."""
    return [c for c in MENU_IDS if editable or not COMMAND_BY_ID[c].edits]


MAX_ROWS = 18


class MenuScreen(QuietModal[str | None]):
    """Result: the chosen command id."""

    def __init__(self, lang: str, keymap: KeyMap, commands: list[str]) -> None:
        super().__init__(lang)
        self.keymap = keymap
        self.commands = commands

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            pick = PickList(id="commands")
            # At most what a 24-row terminal's window holds (title, hint, frame): the
            # list scrolls beyond that.
            pick.styles.height = min(len(self.commands), MAX_ROWS)
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
        cid = self.keymap.command_of(event.key)
        if event.key == "escape" or cid == "menu":
            event.stop()
            self.dismiss(None)
        elif cid in self.commands:  # a command's own key works from the menu too
            event.stop()
            self.dismiss(cid)
