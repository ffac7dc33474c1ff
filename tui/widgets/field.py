"""FieldBox: one card field on the form, "[value    ]!".

Not a widget at all: the FormRow it sits in (tui.widgets.form) draws it among the
row's labels. A card has some 46 fields on 27 rows; every widget costs Textual a
compose, a style pass and a place in each layout, so fields as widgets made the
form's first layout (start-up) about twice as slow. No blinking cursor, and a
keystroke repaints only the cells from the box's start to the cursor, so typing
costs a few dozen bytes on the wire. Brackets show the field's extent without
colour; braces "{ }" mark a field kept for the next card (persistent); the cell after
the box holds "!" for an error or "?" for a warning.

Boxes take no focus (they cannot). The card screen receives every key and hands it
to the active box (`key`): with one queue, keys typed faster than the screen draws
land in the right field (with per-widget focus, keys already queued for the old
field would still be typed into it after Enter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region

from models.card_schema import Field, Kind
from tui.theme import role
from tui.widgets.editing import FieldEdit, display_width
from tui.widgets.line import seg


class BoxHost(Protocol):
    """The row that draws a box (tui.widgets.form.FormRow)."""

    @property
    def region(self) -> Region: ...

    @property
    def app(self) -> Any: ...

    def refresh_box(self, box: FieldBox, region: Region) -> None: ...


MARKS = {"error": "!", "warning": "?", "": " "}
STEPS = {"enter": 1, "tab": 1, "down": 1, "shift+tab": -1, "up": -1}


@dataclass
class KeyResult:
    consumed: bool = False
    changed: bool = False
    step: int = 0  # +1 next field, -1 previous
    auto: bool = False  # moving on because a fixed-length field filled up
    refused: str = ""  # a character refused: editing.FULL or editing.NOT_HERE


class FieldBox:
    """A box with its text `raw`; or, given `edit`, the box shows that FieldEdit (the card
    screen hands in the one its CardState holds: the text lives there only)."""

    def __init__(self, field: Field, raw: str = "", readonly: bool = False, *,
                 edit: FieldEdit | None = None) -> None:
        self.field = field
        self.edit = edit if edit is not None else FieldEdit(field, raw)
        self.inner = display_width(field)
        self.width = self.inner + 3  # brackets and the mark cell
        self.readonly = readonly
        self.active = False
        self.pinned = False
        self.mark = ""  # "", "error", "warning"
        self.host: BoxHost | None = None  # the row drawing it, once placed
        self.x = 0  # its column in that row

    def refresh(self, region: Region | None = None) -> None:
        """Repaint the box (or `region` of it, in box coordinates) on its row."""
        if self.host is not None:
            self.host.refresh_box(self, region or Region(0, 0, self.width, 1))

    @property
    def region(self) -> Region | None:
        """Where the box is on the screen (None before it is placed or laid out)."""
        if self.host is None or not self.host.region:
            return None
        r = self.host.region
        return Region(r.x + self.x, r.y, self.width, 1)

    # -- state from outside -----------------------------------------------------------
    @property
    def raw(self) -> str:
        return self.edit.raw

    def set_raw(self, raw: str) -> None:
        if raw != self.edit.raw:
            self.edit.set(raw)
            self.refresh()

    def set_active(self, active: bool, cursor: int | None = None) -> None:
        """Make the box the one typed into (`cursor`: where, None: at the end, ready to
        be typed over) or not."""
        if active and cursor is None:
            self.edit.enter()
        elif active and cursor is not None:
            self.edit.cursor = max(0, min(cursor, len(self.edit.raw)))
        if not active:
            self.edit.cursor = len(self.edit.raw)
            self.edit.fresh = False
        if active != self.active or active:
            self.active = active
            self.refresh()

    def set_mark(self, mark: str) -> None:
        if mark != self.mark:
            self.mark = mark
            self.refresh(Region(self.inner + 2, 0, 1, 1))

    def set_pinned(self, pinned: bool) -> None:
        if pinned != self.pinned:
            self.pinned = pinned
            self.refresh()

    # -- drawing ----------------------------------------------------------------------
    def segments(self, base: Style) -> list[Segment]:
        """The box's cells in the row's style `base`. A long text shows around the cursor
        while typed into, from its beginning otherwise, its last cell `~` when more
        follows (as a codebook name cut at the row's end)."""
        if self.active or self.field.kind == Kind.AMOUNT:
            text, cur = self.edit.window(self.inner)
        else:
            text, cur = self.edit.shown()[0], 0
            if len(text) > self.inner:
                text = text[: self.inner - 1] + "~"
        text = text.ljust(self.inner)
        box = base + role("pinned") if self.pinned else base
        left, right = ("{", "}") if self.pinned else ("[", "]")
        segs = [seg(left, box)]
        if self.active and not self.readonly:
            on = base + role("focus")
            cur = min(cur, self.inner - 1)
            if cur:
                segs.append(seg(text[:cur], on))
            segs.append(seg(text[cur], on + role("cursor")))
            if cur + 1 < self.inner:
                segs.append(seg(text[cur + 1:], on))
        elif self.active:
            segs.append(seg(text, base + role("focus")))
        else:
            segs.append(seg(text, base))
        segs.append(seg(right, box))
        segs.append(seg(MARKS[self.mark], base + role(self.mark) if self.mark else base))
        return segs

    # -- keys -------------------------------------------------------------------------
    def key(self, event: events.Key) -> KeyResult:
        """Apply a key to the field; what happened."""
        key = event.key
        if key in STEPS:
            return KeyResult(True, step=STEPS[key])
        if self.readonly:
            return KeyResult()
        before = self.edit.window(self.inner)
        changed = moved = False
        if key == "backspace":
            changed = self.edit.backspace()
        elif key == "delete":
            changed = self.edit.delete()
        elif key in ("left", "right", "home", "end"):
            moved = self.edit.move(key)
        elif key == "ctrl+u":
            changed = self.edit.clear()
        elif event.is_printable and event.character:
            changed = self.edit.type(event.character)
            if self.edit.refused and self.host is not None:
                self.host.app.bell()
        else:
            return KeyResult()  # not ours: function keys go on to the bindings
        if changed or moved:
            self._repaint(before)
        auto = (changed and self.field.fixed and self.edit.full
                and self.edit.cursor == len(self.edit.raw)) or self._answered(event)
        refused = "" if changed else self.edit.refused
        return KeyResult(True, changed, 1 if auto else 0, auto, refused)

    def _answered(self, event: events.Key) -> bool:
        """A flag answered yes or no (not toggled by Space) moves on, as a full box."""
        return (self.field.kind == Kind.FLAG and event.is_printable
                and event.character not in (None, " ") and not self.edit.refused)

    def paste(self, text: str) -> bool:
        if self.readonly:
            return False
        before = self.edit.window(self.inner)
        changed = self.edit.paste(text.replace("\n", " "))
        if changed:
            self._repaint(before)
        return changed

    def _repaint(self, before: tuple[str, int]) -> None:
        """Repaint from the box's start to the last cell that changed: typing at the
        end of the text sends only that much (the compositor starts at the widget's
        left edge anyway)."""
        after = self.edit.window(self.inner)
        old, new = before[0].ljust(self.inner), after[0].ljust(self.inner)
        last = max(before[1], after[1])
        for i in range(self.inner - 1, -1, -1):
            if old[i] != new[i]:
                last = max(last, i)
                break
        self.refresh(Region(0, 0, min(self.inner, last + 1) + 1, 1))
