"""F3 / F4 on the card: the field's directory (what the card allows / the whole book),
opened with an empty filter and the field's current entry selected; a pick fills the
field (an article part fills article, part and paragraph) and moves on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.card_schema import FIELDS
from tui.screens import texts as tx
from tui.screens.card_host import FormHost

if TYPE_CHECKING:  # the directory window and its rules load with the first F3 / F4
    from models.codebook import Entry
    from tui.screens.directory import DirectoryScreen


class DirectoryOpener:
    def __init__(self, host: FormHost) -> None:
        self.host = host
        self._screen: DirectoryScreen | None = None  # installed once, reused

    def open(self, name: str, full: bool) -> None:
        from models import choices
        from tui.screens.directory import DirectoryScreen

        host = self.host
        if host.readonly or not choices.has_directory(name):
            host.say(host.tr(tx.NO_DIRECTORY))
            return
        values = host.state.typed_values()
        title = tx.directory_title(FIELDS[name], full)
        current = choices.current_code(name, values)
        book = choices.book_title(name) or ""

        def load(typed: str) -> list[Entry]:
            return choices.directory(name, values, typed, full)

        def picked(entry: Entry | None) -> None:
            if entry is None:
                host.focus_field(name, host.state.edits[name].cursor)
                return
            for field, code in choices.picked(name, entry).items():
                host.state.set(field, code)
            host.typed()
            host.recheck()
            host.move_on(name)

        if self._screen is None:
            self._screen = DirectoryScreen(host.lang, title, load, current, book)
            host.app.install_screen(self._screen, f"directory-{id(self)}")
        else:
            self._screen.configure(host.lang, title, load, current, book)
        host.open(self._screen, picked)
