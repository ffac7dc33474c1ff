"""One-line text widgets that repaint only when their text changes.

Textual's Static re-renders through its markup and visual machinery; these write one
strip of plain segments, so a status line or a code name beside a field costs the
terminal only its own cells, and nothing at all when set to the text it already has.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from models.text import strip_control
from tui.theme import role


def fit(text: str, width: int) -> str:
    """Cut to width with a '~' (a glyph every console font has) when cut."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "~" if width > 0 else ""


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """`text` in rows of `width`, broken at spaces (a word longer than a row is cut
    into pieces); rows after the first start with `indent` spaces."""
    if width <= 0:
        return [""]
    rows: list[str] = []
    line = ""
    pad = " " * min(indent, max(0, width // 2))
    for word in text.split(" "):
        room = width - (len(pad) if rows else 0)
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= room or not line and len(word) <= room:
            line = candidate
            continue
        if line:
            rows.append(line)
            line = ""
        while len(word) > (room := width - (len(pad) if rows else 0)):
            rows.append(word[:room])
            word = word[room:]
        line = word
    rows.append(line)
    return [rows[0]] + [pad + r for r in rows[1:]]


class KeptStyle(Widget):
    """A widget drawing its own lines in `base_style`: its Rich style from its and its
    ancestors' CSS, worked out once (Textual's `rich_style` walks every ancestor at each
    call, and a field's move draws several lines) and again after Textual updates the
    widget's styles (a theme or a class changed: Textual tells every node it restyles)."""

    _kept_style: Style | None = None
    _kept_colors: tuple[Color, Color] | None = None

    @property
    def base_style(self) -> Style:
        if self._kept_style is None:
            self._kept_style = self.rich_style
        return self._kept_style

    @property
    def background_colors(self) -> tuple[Color, Color]:
        """Textual's, kept the same way (Textual asks it for every repaint)."""
        if self._kept_colors is None:
            self._kept_colors = super().background_colors
        return self._kept_colors

    def notify_style_update(self) -> None:
        self._kept_style = self._kept_colors = None
        super().notify_style_update()


class TextLine(KeptStyle):
    """A line of text in the widget's style (`role`: a theme role on top of it)."""

    ROLE = ""

    def __init__(self, text: str = "", *, id: str | None = None,
                 classes: str | None = None, role: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = strip_control(text)
        self.role = self.ROLE if role is None else role

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str, style_role: str | None = None) -> None:
        text = strip_control(text)
        new_role = self.ROLE if style_role is None else style_role
        if text != self._text or new_role != self.role:
            self._text, self.role = text, new_role
            self.refresh()

    def get_content_width(self, container, viewport) -> int:
        return len(self._text)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y > 0 or width <= 0:
            return Strip.blank(width, lean(self.base_style))
        base = self.base_style + role(self.role) if self.role else self.base_style
        text = fit(self._text, width)
        return Strip([seg(text.ljust(width), base)], width)


class BarLine(TextLine):
    """A bar across the screen (the title): reverse or coloured."""

    ROLE = "bar"


class KeyBar(KeptStyle):
    """The legacy function-key footer: "1Помощь 2Сохр ...": numbers and words styled
    apart, one line."""

    def __init__(self, items: list[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items = items

    def set_items(self, items: list[tuple[str, str]]) -> None:
        if items != self._items:
            self._items = items
            self.refresh()

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        key, word = base + role("key"), base + role("bar")
        segs: list[Segment] = []
        used = 0
        for number, label in self._items:
            piece = len(number) + len(label) + 1
            if used + piece - 1 > width:
                break
            if segs:
                segs.append(seg(" ", base))
                used += 1
            segs += [seg(number, key), seg(label, word)]
            used += len(number) + len(label)
        if used < width:
            segs.append(seg(" " * (width - used), base))
        return Strip(segs, width) if y == 0 else Strip.blank(width, lean(base))


@lru_cache(maxsize=256)
def lean(style: Style | None) -> Style | None:
    """The style without colours that are the terminal's default anyway: a segment in
    the default colours is then written as bare text, not wrapped in ESC[39;49m ...
    ESC[0m (about a dozen bytes saved on every piece of every repaint)."""
    if style is None:
        return None
    color = style.color if style.color is not None and not style.color.is_default else None
    bgcolor = (style.bgcolor if style.bgcolor is not None and not style.bgcolor.is_default
               else None)
    out = style.without_color + Style(color=color, bgcolor=bgcolor)
    return out if out else None


def seg(text: str, style: Style | None) -> Segment:
    return Segment(text, lean(style))
