"""Where each card field goes on an 80-column screen, computed from the card schema.

No list of lines here: the form is the schema's LINES in the paper card's order, with
the identification fields (§34-1: entered first) lifted into a block on top. Lines are
packed onto screen rows like the legacy screen: a short line shares a row with the
next one when both fit. A row never mixes lines meant for different subjects, so a
hidden group (individual / legal entity) hides whole rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.card_schema import IDENT_FIELDS, LINES, Field, Kind, Line, Subject
from tui.widgets.editing import display_width

WIDTH = 80
NAME_MIN = 12  # cells at least kept for a code's name (more when the row has room)
LONG_NAME_MIN = 30  # ... for long codes (authorities, places, articles): long names
LEADER = 20  # the first label of a row is padded with dots to this width (when it fits)
INDENT = 5  # a line continued on the next row starts here


@dataclass(frozen=True)
class Cell:
    kind: str  # "label" | "field" | "name"
    width: int
    text: str = ""
    head: int = 0  # label: characters of the line number at its start
    field: Field | None = None
    key: str = ""  # name: which chunk it describes


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    subjects: frozenset[Subject]
    section: str  # "ident" | "main"

    def visible_for(self, kind: Subject | None) -> bool:
        return kind is None or kind in self.subjects


@dataclass(frozen=True)
class Chunk:
    """The fields of one card line that sit together in one section."""

    line: Line
    fields: tuple[Field, ...]
    section: str

    @property
    def key(self) -> str:
        return f"{self.section}-{self.fields[0].name}"

    @property
    def subjects(self) -> frozenset[Subject]:
        out: frozenset[Subject] = frozenset()
        for f in self.fields:
            out |= f.subjects
        return out

    @property
    def named(self) -> bool:
        """Has a code whose name is shown beside it."""
        return any(f.codebook for f in self.fields)

    @property
    def name_min(self) -> int:
        """Room for the name: short codes (1-2 characters) come from short lists with
        short names; long codes (authority, place, article) name long things."""
        if not self.named:
            return 0
        long = any(f.codebook and f.length >= 3 for f in self.fields)
        return LONG_NAME_MIN if long else NAME_MIN


def chunks() -> list[Chunk]:
    """Identification block first (in §34-1 order), then every other field in the
    paper card's order."""
    ident = {f.name for f in IDENT_FIELDS}
    out: list[Chunk] = []
    for f in IDENT_FIELDS:  # consecutive fields of one line form one chunk
        line = next(ln for ln in LINES if f in ln.fields)
        if out and out[-1].line is line:
            out[-1] = Chunk(line, out[-1].fields + (f,), "ident")
        else:
            out.append(Chunk(line, (f,), "ident"))
    for line in LINES:
        rest = tuple(f for f in line.fields if f.name not in ident)
        if rest:
            out.append(Chunk(line, rest, "main"))
    return out


def field_order() -> list[Field]:
    """Focus order: the order fields appear on the form."""
    return [f for c in chunks() for f in c.fields]


def dotted(number: str) -> str:
    """A line number as printed: a dot after whole numbers only, not after "x.y" or "x-y"."""
    return number + "." if number.isdigit() else number


def number_text(line: Line) -> str:
    return dotted(line.number).rjust(3) + " "


def _slots(chunk: Chunk, lang: str) -> list[list[Cell]]:
    """Each field with its label, as cells that stay together on a row."""
    out: list[list[Cell]] = []
    for i, f in enumerate(chunk.fields):
        box = Cell("field", display_width(f) + 3, field=f)
        label = f.label(lang)
        if i == 0:
            head = number_text(chunk.line)
            text = f"{head}{label} "
            head_len = len(head.rstrip())
        else:
            text, head_len = f"{label} ", 0
        if f.kind == Kind.FLAG:  # "[X] без протокола", as on the paper form
            out.append([box, Cell("label", len(label) + 1, label + " ")])
            continue
        cell = Cell("label", len(text), text, head_len)
        out.append([cell, box])
    return out


def pack(lang: str, width: int = WIDTH) -> list[Row]:
    rows: list[Row] = []
    for section in ("ident", "main"):
        rows += _pack_section([c for c in chunks() if c.section == section], lang, width,
                              section)
    return [_finish(r, width) for r in rows]


def _pack_section(items: list[Chunk], lang: str, width: int, section: str) -> list[Row]:
    rows: list[Row] = []
    cells: list[Cell] = []
    subjects: frozenset[Subject] | None = None

    def flush() -> None:
        nonlocal cells
        if cells:
            rows.append(Row(tuple(cells), subjects or frozenset(Subject), section))
        cells = []

    for chunk in items:
        slots = _slots(chunk, lang)
        need = sum(c.width for s in slots for c in s) + chunk.name_min
        used = sum(c.width for c in cells)
        if cells and (chunk.subjects != subjects or used + 1 + need > width):
            flush()
        if cells:
            cells.append(Cell("label", 1, " "))
        subjects = chunk.subjects
        for n, slot in enumerate(slots):
            used = sum(c.width for c in cells)
            slot_w = sum(c.width for c in slot)
            if n == len(slots) - 1:
                slot_w += chunk.name_min
            if cells and used + slot_w > width:
                flush()
                cells.append(Cell("label", INDENT, " " * INDENT))
            cells += slot
        if chunk.named:
            cells.append(Cell("name", chunk.name_min, key=chunk.key))
    flush()
    return rows


def _finish(row: Row, width: int) -> Row:
    """Dot leaders on the row's first label, and the last name takes the rest."""
    cells = list(row.cells)
    used = sum(c.width for c in cells)
    first = cells[0]
    if first.kind == "label" and first.head and first.width < LEADER:
        pad = min(LEADER - first.width, width - used)
        if pad > 0:
            text = first.text + ("." * (pad - 1) + " " if pad > 1 else " ")
            cells[0] = Cell("label", len(text), text, first.head)
            used += pad
    # What is left of the row goes to the names on it, so they are cut as little as
    # possible (the focused field's full name is also in the status line).
    names = [i for i, c in enumerate(cells) if c.kind == "name"]
    spare = width - used
    for n, i in enumerate(names):
        share = spare // len(names) + (1 if n < spare % len(names) else 0)
        cells[i] = Cell("name", cells[i].width + share, key=cells[i].key)
    return Row(tuple(cells), row.subjects, row.section)
