"""A window made of filter fields above a result list (card list, correction
journal): Tab / Up / Down move between the filters and into the list, Enter searches,
Esc closes. A subclass provides `boxes`, `filter_layout` (which filters share a screen row),
`_search()` and `_has_results()`."""

from __future__ import annotations

from collections.abc import Iterator

from textual import events

from tui.screens.base import QuietModal
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.layout import Cell, Row
from tui.widgets.picklist import PickList


class FilterListScreen(QuietModal[None]):
    AUTO_FOCUS = ""  # keys come to the screen, in order (see on_key)
    boxes: list[FieldBox]
    active: int  # the filter typed into; -1: the result list
    filter_layout: tuple[tuple[int, ...], ...]  # indexes of `boxes` on each screen row

    def filter_rows(self) -> Iterator[FormRow]:
        """The filters' screen rows, for compose()."""
        for indexes in self.filter_layout:
            yield FormRow(self._filter_row(indexes), [self.boxes[j] for j in indexes])

    def _filter_row(self, indexes: tuple[int, ...]) -> Row:
        cells: list[Cell] = []
        for j in indexes:
            box = self.boxes[j]
            label = (" " if cells else "") + f"{box.field.label(self.lang)} "
            cells += [Cell("label", len(label), label),
                      Cell("field", box.inner + 3, field=box.field)]
        return Row(tuple(cells), frozenset(), "search")

    def relabel_filters(self) -> None:
        """The filters' labels again, in the session's language."""
        for row_widget, indexes in zip(self.query(FormRow), self.filter_layout, strict=True):
            row_widget.spec = self._filter_row(indexes)
            row_widget.refresh()

    def _activate(self, index: int) -> None:
        self.active = index
        for i, box in enumerate(self.boxes):
            box.set_active(i == index)

    def _has_results(self) -> bool:
        raise NotImplementedError

    def _search(self) -> None:
        raise NotImplementedError

    def _screen_key(self, event: events.Key) -> bool:
        """A key of the screen's own (e.g. F2 export); True when it was handled."""
        return False

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        pick = self.query_one(PickList)
        if key == "escape":
            self.dismiss(None)
        elif self._screen_key(event):
            pass
        elif self.active < 0:
            if key in ("tab", "shift+tab"):
                self._activate(0 if key == "tab" else len(self.boxes) - 1)
            elif not pick.pick_key(event):
                return
        elif key == "enter":
            self._search()
        elif key in ("tab", "shift+tab", "down", "up"):
            step = 1 if key in ("tab", "down") else -1
            nxt = self.active + step
            if nxt >= len(self.boxes) and self._has_results():
                self._activate(-1)
            else:
                self._activate(nxt % len(self.boxes))
        else:
            result = self.boxes[self.active].key(event)
            if not result.consumed:
                return
            if result.step:
                self._activate((self.active + 1) % len(self.boxes))
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if self.active >= 0:
            self.boxes[self.active].paste(event.text)
