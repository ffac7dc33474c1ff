"""CardForm: the card's rows on screen, built from tui.widgets.layout.

Few widgets on purpose (startup time, and bytes on the wire): one FormRow per screen
row draws its labels, its field boxes and its code names itself; a field repaints
only its own cells of the row. The identification block (line 8, the person's or
the legal entity's names and numbers) stays on top; the rest scrolls under it
(screen sketch: the identification always visible). It holds no card logic: the card
screen tells it what to show (field texts, names, marks, which subject kind's rows are
visible).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip

from models.card_schema import Subject
from models.text import strip_control
from tui.theme import role
from tui.widgets.editing import FieldEdit
from tui.widgets.field import FieldBox
from tui.widgets.layout import Row, chunks, pack
from tui.widgets.line import KeptStyle, fit, lean, seg


class FormRow(KeptStyle):
    """One screen row: labels, field boxes and code names, all drawn here."""

    def __init__(self, row: Row, boxes: list[FieldBox]) -> None:
        super().__init__(classes="row")
        self.boxes = {b.field.name: b for b in boxes}
        self.names: dict[str, str] = {}
        self.name_at: dict[str, tuple[int, int]] = {}  # key -> (x, width)
        self.spec = row

    @property
    def spec(self) -> Row:
        return self._spec

    @spec.setter
    def spec(self, row: Row) -> None:
        """The row's cells (a language switch relabels a dialog's rows in place)."""
        self._spec = row
        x = 0
        for cell in row.cells:
            if cell.kind == "field" and cell.field is not None:
                box = self.boxes[cell.field.name]
                box.host, box.x = self, x
            elif cell.kind == "name":
                self.name_at[cell.key] = (x, cell.width)
                self.names.setdefault(cell.key, "")
            x += cell.width

    def refresh_box(self, box: FieldBox, region: Region) -> None:
        self.refresh(region.translate((box.x, 0)))

    def set_name(self, key: str, text: str) -> None:
        text = strip_control(text)
        if self.names.get(key) == text:
            return
        self.names[key] = text
        x, width = self.name_at[key]
        self.refresh(Region(x, 0, self._name_width(x, width), 1))

    def _name_width(self, x: int, width: int) -> int:
        """A name that ends the row runs to the right edge of a wider terminal."""
        if x + width >= sum(c.width for c in self.spec.cells):
            return max(width, self.size.width - x)
        return width

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        if y:
            return Strip.blank(width, lean(base))
        head, name = base + role("head"), base + role("name")
        segs: list[Segment] = []
        x = 0
        for cell in self.spec.cells:
            if cell.kind == "label":
                if cell.head:
                    segs.append(seg(cell.text[: cell.head], head))
                segs.append(seg(cell.text[cell.head:], base))
                x += cell.width
            elif cell.kind == "name":
                w = self._name_width(x, cell.width)
                segs.append(seg(fit(self.names.get(cell.key, ""), w - 1).ljust(w), name))
                x += w
            else:
                segs += self.boxes[cell.field.name].segments(base)
                x += cell.width
        if x < width:
            segs.append(seg(" " * (width - x), base))
        return Strip(Segment.simplify(segs), max(width, x)).crop(0, width)


class FormBody(VerticalScroll, can_focus=False):
    """The card's rows below the identification block: they scroll."""


class CardForm(Vertical):
    """`edits`: each field's text and cursor (the card state's own: the form shows them,
    it keeps no copy)."""

    def __init__(self, lang: str, edits: dict[str, FieldEdit], readonly: bool = False) -> None:
        super().__init__()
        self.lang = lang
        self.readonly = readonly
        self.boxes: dict[str, FieldBox] = {}
        self.name_rows: dict[str, FormRow] = {}
        self.chunk_of = {f.name: c.key for c in chunks() for f in c.fields if c.named}
        # Built now, not in compose: the card screen hands keys to the boxes at once,
        # even while a new form (language switch) is still being mounted.
        self.rows: list[FormRow] = []
        for row in pack(lang):
            boxes = []
            for cell in row.cells:
                if cell.kind == "field" and cell.field is not None:
                    box = FieldBox(cell.field, readonly=readonly, edit=edits[cell.field.name])
                    self.boxes[cell.field.name] = box
                    boxes.append(box)
            form_row = FormRow(row, boxes)
            for key in form_row.name_at:
                self.name_rows[key] = form_row
            self.rows.append(form_row)

        self.body = FormBody(*(r for r in self.rows if r.spec.section != "ident"))

    def compose(self):
        yield from (r for r in self.rows if r.spec.section == "ident")
        yield self.body

    def scroll_to_row(self, row: FormRow) -> None:
        """Bring a row of the scrolling part into view. A row of the block on top always
        is: the part below goes back to its start (a new card, or the operator back at
        the identification, goes on with line 1)."""
        body = self.body
        if row.parent is not body:
            if body.scroll_y:
                body.scroll_home(animate=False, immediate=True)
        elif row.region and not body.region.contains_region(row.region):
            body.scroll_to_center(row, animate=False, immediate=True)

    def set_name(self, key: str, text: str) -> None:
        row = self.name_rows.get(key)
        if row is not None:
            row.set_name(key, text)

    def show_subject(self, kind: Subject | None) -> None:
        for row in self.rows:
            visible = row.spec.visible_for(kind)
            if row.display != visible:
                row.display = visible

    def page_rows(self) -> int:
        """Screen rows of the form in view (PgUp / PgDn move by this many)."""
        return max(1, self.body.size.height)
