"""PickList: a list of one-line rows with a selection bar, for directories, the menu,
the issue list and found cards. It draws only the rows in view; moving the bar
repaints the two rows concerned, scrolling repaints the list.

With `wrap` (messages, help: short lists whose text must be read whole) a long row goes
on over the next screen rows, indented by `indent`; the bar covers all of its rows."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from models.text import strip_control
from tui.theme import role
from tui.widgets.line import KeptStyle, fit, lean, seg, wrap


class PickList(KeptStyle, can_focus=True):
    class Picked(Message):
        def __init__(self, pick: PickList, index: int) -> None:
            super().__init__()
            self.pick = pick
            self.index = index

    class Moved(Message):
        def __init__(self, pick: PickList, index: int) -> None:
            super().__init__()
            self.pick = pick
            self.index = index

    def __init__(self, rows: Sequence[str] | None = None, *, id: str | None = None,
                 wrap: bool = False, indent: int = 0) -> None:
        super().__init__(id=id)
        self.rows: Sequence[str] = rows or []
        self.dim: set[int] = set()
        self.index = 0
        self.top = 0  # the first screen row in view (an item; with `wrap`, a wrapped row)
        self.wrap = wrap
        self.indent = indent
        self._wrapped: tuple[int, Sequence[str], list[tuple[int, str]]] | None = None

    def _lines(self) -> list[tuple[int, str]]:
        """With `wrap`: (item, text) for every screen row, for the width in force."""
        width = self.size.width
        cached = self._wrapped
        if cached is None or cached[0] != width or cached[1] is not self.rows:
            lines = [(i, part) for i, row in enumerate(self.rows)
                     for part in wrap(strip_control(row), width, self.indent)]
            cached = self._wrapped = (width, self.rows, lines)
        return cached[2]

    def _span(self, index: int) -> tuple[int, int]:
        """Screen rows (first, after the last) of item `index`."""
        if not self.wrap:
            return index, index + 1
        lines = [n for n, (i, _) in enumerate(self._lines()) if i == index]
        return (lines[0], lines[-1] + 1) if lines else (0, 1)

    def set_rows(self, rows: Sequence[str], index: int = 0, dim: set[int] | None = None) -> None:
        """The rows (any sequence: a long directory's are made as they come into view;
        control characters are taken out as they are drawn)."""
        self.rows = rows
        self.dim = dim or set()
        self.index = max(0, min(index, len(self.rows) - 1))
        self.top = 0
        self._keep_in_view()
        self.refresh()

    @property
    def page(self) -> int:
        return max(1, self.size.height)

    def _keep_in_view(self) -> bool:
        """Scroll so the selected row shows, and no further than the last page: rows that
        fit are all shown (a yes/no window selecting "No" still shows "Yes")."""
        old, page = self.top, self.page
        total = len(self._lines()) if self.wrap else len(self.rows)
        first, end = self._span(self.index)
        self.top = max(0, min(self.top, total - page))
        if first < self.top:
            self.top = first
        elif end > self.top + page:
            self.top = max(first, end - page) if end - first > page else end - page
        return old != self.top

    def select(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.index:
            return
        old, self.index = self.index, index
        if self._keep_in_view() or self.wrap:
            self.refresh()
        else:
            width = self.size.width
            self.refresh(Region(0, old - self.top, width, 1),
                         Region(0, index - self.top, width, 1))
        self.post_message(self.Moved(self, index))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        if self.wrap:
            lines = self._lines()
            if self.top + y >= len(lines):
                return Strip.blank(width, lean(base))
            i, text = lines[self.top + y]
        elif self.top + y >= len(self.rows):
            return Strip.blank(width, lean(base))
        else:
            i = self.top + y
            text = fit(strip_control(self.rows[i]), width)
        style = base
        if i in self.dim:
            style = base + role("dim")
        if i == self.index:
            style = base + role("selected")
        return Strip([seg(text.ljust(width), style)], width)

    def on_resize(self, event: events.Resize) -> None:
        if self._keep_in_view():
            self.refresh()

    def on_key(self, event: events.Key) -> None:
        if self.pick_key(event):
            event.stop()
            event.prevent_default()

    def pick_key(self, event: events.Key) -> bool:
        """Move the bar or pick; False when the key is not the list's."""
        moves = {"up": -1, "down": 1, "pageup": -self.page, "pagedown": self.page}
        if event.key in moves:
            self.select(self.index + moves[event.key])
        elif event.key == "home":
            self.select(0)
        elif event.key == "end":
            self.select(len(self.rows) - 1)
        elif event.key == "enter" and self.rows:
            self.post_message(self.Picked(self, self.index))
        else:
            return False
        return True
