"""PickList: a list of one-line rows with a selection bar, for directories, the menu,
the issue list and found cards. It draws only the rows in view; moving the bar
repaints the two rows concerned, scrolling repaints the list."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from models.text import strip_control
from tui.theme import role
from tui.widgets.line import fit, lean, seg


class PickList(Widget, can_focus=True):
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

    def __init__(self, rows: Sequence[str] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[str] = rows or []
        self.dim: set[int] = set()
        self.index = 0
        self.top = 0

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
        self.top = max(0, min(self.top, len(self.rows) - page))
        if self.index < self.top:
            self.top = self.index
        elif self.index >= self.top + page:
            self.top = self.index - page + 1
        return old != self.top

    def select(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.index:
            return
        old, self.index = self.index, index
        if self._keep_in_view():
            self.refresh()
        else:
            width = self.size.width
            self.refresh(Region(0, old - self.top, width, 1),
                         Region(0, index - self.top, width, 1))
        self.post_message(self.Moved(self, index))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        i = self.top + y
        if i >= len(self.rows):
            return Strip.blank(width, lean(base))
        style = base
        if i in self.dim:
            style = base + role("dim")
        if i == self.index:
            style = base + role("selected")
        text = fit(strip_control(self.rows[i]), width).ljust(width)
        return Strip([seg(text, style)], width)

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
