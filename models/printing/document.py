"""A printed document as plain data: what the text and HTML renderers lay out.

Builders (card.py, journal.py, ...) read the register and the card schema and produce a
`Document`; `render` turns it into text for a line printer (80 or 132 columns) or a
self-contained HTML page for A4. Nothing here knows which document it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: the document's title, 2: a section


@dataclass(frozen=True)
class Para:
    text: str
    align: Align = "left"
    bold: bool = False


@dataclass(frozen=True)
class Item:
    """One requisite of a form: the card's line number, its label and its value."""

    label: str
    value: str
    number: str = ""  # "14.3" on the card, "10" on the request form


@dataclass(frozen=True)
class Fields:
    items: tuple[Item, ...]
    numbered: bool = True  # leave a column for the numbers even where one is empty


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # preferred width in characters (text); relative width (HTML)
    minimum: int = 4
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    numbers: bool = False  # a row "1 2 3 ..." under the headers, as the appendices print
    keep: int = 1  # leading columns repeated in each part when the table is split
    empty: str = ""  # printed instead of the body when there are no rows
    # Where a table does not fit the paper: its parts (column indexes), as the paper form
    # splits it; None: as many columns as fit in each part.
    parts: tuple[tuple[int, ...], ...] | None = None


@dataclass(frozen=True)
class Stamp:
    """A boxed text: "No information", the executor and the date (§41)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Signature:
    label: str
    name: str = ""
    date: str = ""


Block = Heading | Para | Fields | Table | Stamp | Signature


@dataclass(frozen=True)
class Document:
    kind: str  # card | journal | notice | answer | act
    title: str
    lang: str
    blocks: tuple[Block, ...]
    header: tuple[str, ...] = ()  # small print above the title (appendix reference)
    footer: str = ""  # "printed 05.03.2025 10:12 by ivanova"
    landscape: bool = False  # wide tables: A4 landscape in HTML
    meta: dict[str, str] = field(default_factory=dict)


def printed_line(lang: str, login: str, at: dt.datetime) -> str:
    stamp = at.strftime("%d.%m.%Y %H:%M")
    return (f"apcard: басып шығарылды {stamp}, {login}" if lang == "kk"
            else f"apcard: напечатано {stamp}, {login}")
