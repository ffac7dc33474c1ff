"""FieldBox: one card field on the form, "[value    ]!".

A light widget instead of Textual's Input: one strip, no blinking cursor, and a
keystroke repaints only the cells from the box's start to the cursor, so typing
costs a few dozen bytes on the wire. Brackets show the field's extent without
colour; braces "{ }" mark a field kept for the next card (persistent); the cell after
the box holds "!" for an error or "?" for a warning.

Boxes never take Textual's focus. The card screen receives every key and hands it
to the active box (`key`): with one queue, keys typed faster than the screen draws
land in the right field (with per-widget focus, keys already queued for the old
field would still be typed into it after Enter).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from models.card_schema import Field, Kind
from tui.theme import role
from tui.widgets.editing import FieldEdit, display_width
from tui.widgets.line import lean, seg

MARKS = {"error": "!", "warning": "?", "": " "}
STEPS = {"enter": 1, "tab": 1, "down": 1, "shift+tab": -1, "up": -1}


@dataclass
class KeyResult:
    consumed: bool = False
    changed: bool = False
    step: int = 0  # +1 next field, -1 previous
    auto: bool = False  # moving on because a fixed-length field filled up


class FieldBox(Widget):
    def __init__(self, field: Field, raw: str = "", readonly: bool = False) -> None:
        super().__init__(id=f"f-{field.name}")
        self.field = field
        self.edit = FieldEdit(field, raw)
        self.inner = display_width(field)
        self.readonly = readonly
        self.active = False
        self.pinned = False
        self.mark = ""  # "", "error", "warning"
        self.styles.width = self.inner + 3

    # -- state from outside -----------------------------------------------------------
    @property
    def raw(self) -> str:
        return self.edit.raw

    def set_raw(self, raw: str) -> None:
        if raw != self.edit.raw:
            self.edit.set(raw)
            self.refresh()

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            if not active:
                self.edit.cursor = len(self.edit.raw)
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
    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return 1

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.inner + 3
        if y:
            return Strip.blank(width, lean(base))
        text, cur = self.edit.window(self.inner)
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
        return Strip(Segment.simplify(segs), width)

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
            if not changed and self.field.kind != Kind.FLAG:
                self.app.bell()
        else:
            return KeyResult()  # not ours: function keys go on to the bindings
        if changed or moved:
            self._repaint(before)
        auto = (changed and self.field.fixed and self.edit.full
                and self.edit.cursor == len(self.edit.raw))
        return KeyResult(True, changed, 1 if auto else 0, auto)

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
