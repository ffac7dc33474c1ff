"""Partial repaints cropped to the cells that changed (a fix to Textual 8.2.8's writer).

Textual knows which cells of a line a widget asked to repaint (the "spans" of a
partial update) but writes each piece of line ("chop", one per widget edge) from the
chop's left edge: `ChopsUpdate.render_segments` crops only on the right ("TODO: crop
to x extents" in its sibling `__rich_console__`). A form row is one widget holding
labels and several field boxes, so a keystroke in the row's third box would resend
the row from its first label: twice the bytes on the wire for every character typed.

`LeanFilter` does the same for colours: Textual's own borders, padding and lists say
"default foreground, default background" out loud (ESC[39;49m ... ESC[0m around every
piece); since Textual resets the terminal's style after every styled piece anyway,
those pieces can go as bare text. About a third of the bytes of a window's repaint.

`render_segments` below is Textual's, with the chop cropped on the left to the span
too. What reaches the screen is the same cells with the same content (a test compares
both writers on a terminal model); only fewer of them are sent. It is installed only
when `ChopsUpdate` still has the shape it was written against; otherwise Textual's own
writer stays (correct, just wordier), so a Textual upgrade cannot break the screen.
"""

from __future__ import annotations

import inspect

from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from textual._compositor import ChopsUpdate
from textual.color import Color
from textual.filter import LineFilter

from tui.widgets.line import lean

TEXTUAL_RENDER_SEGMENTS = ChopsUpdate.render_segments  # Textual's own (a test compares)
_SHAPE = ["self", "chops", "spans", "chop_ends"]


def render_segments(self: ChopsUpdate, console: Console) -> str:
    """The update as terminal output: each span's cells, and only those."""
    out: list[str] = []
    append = out.append
    chops, chop_ends = self.chops, self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        for end, (x, strip) in zip(chop_ends[y], chops[y].items(), strict=False):
            start, stop = max(x, x1), min(end, x2)
            if strip is None or stop <= start:
                continue
            if (start, stop) != (x, end):
                strip = strip.crop(start - x, stop - x)
            append(Control.move_to(start, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(out)


def install() -> bool:
    """Use the cropping writer; False (Textual's own kept) if Textual changed shape."""
    if ChopsUpdate.render_segments is render_segments:
        return True
    try:
        shape = list(inspect.signature(ChopsUpdate.__init__).parameters)
    except (TypeError, ValueError):
        return False
    if shape != _SHAPE:
        return False
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
    return True


class LeanFilter(LineFilter):
    """Drop colours that are the terminal's defaults anyway (tui.widgets.line.lean) from
    every piece Textual draws: same screen, fewer SGR bytes. Runs last, after Textual's
    own filters; Textual caches filtered lines, so a line is leaned once."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [seg if seg.control or seg.style is None else Segment(seg.text, lean(seg.style))
                for seg in segments]
