"""Plain text for a line printer: 80 or 132 columns, ASCII rules, no control characters
(a printer or another operator's terminal never receives an escape sequence from data).

Tables wider than the paper are printed in parts, each repeating the leading columns,
as Appendix 2 itself prints its journal ("continuation of the table").
"""

from __future__ import annotations

from collections.abc import Iterable

from models.i18n import T
from models.printing.document import (
    Block,
    Column,
    Document,
    Fields,
    Heading,
    Para,
    Signature,
    Stamp,
    Table,
)
from models.text import strip_control

WIDTHS = (80, 132)
CONTINUED = T("Кестенің жалғасы", "Продолжение таблицы")


def safe(text: str) -> str:
    """One printable line: controls shown as '?', tabs and newlines as spaces."""
    return strip_control(" ".join(str(text).split()))


def _units(text: str) -> list[str]:
    """The words of `text`, an amount's digit groups kept together with its currency
    ("1 297 500 тг" is one unit: split over two lines it reads as two figures)."""
    units: list[str] = []
    for word in safe(text).split(" "):
        if not word:
            continue
        prev = units[-1] if units else ""
        amount = prev[-1:].isdigit() and prev.replace(" ", "").isdigit()
        if amount and ((len(word) == 3 and word.isdigit()) or word in CURRENCY):
            units[-1] = f"{prev} {word}"
        else:
            units.append(word)
    return units


CURRENCY = frozenset({"тг", "тг.", "тенге", "теңге"})
VOWELS = frozenset("аәеёиіоөуұүыэюяaeiouy")


def _hyphen_at(word: str, width: int) -> int:
    """Where to cut a word longer than the line: after a vowel (or ь, ъ, й) that a
    consonant follows (a syllable's end: "Администрати-вный"), else at the line's end less the hyphen; a
    cut through digits or in a very narrow column takes no hyphen."""
    if width <= 3 or not word[width - 2].isalpha():
        return width
    for i in range(width - 1, max(2, width // 2) - 1, -1):
        a, b = word[i - 1].lower(), word[i].lower()
        soft = i + 1 < len(word) and word[i + 1].lower() in "ьъ"  # "ль" stays whole
        if (a in VOWELS or a in "ьъй") and b.isalpha() and b not in VOWELS and not soft \
                and len(word) - i >= 2:
            return i
    return width - 1


def wrap(text: str, width: int) -> list[str]:
    """Words to lines of at most `width`; a word is cut only when it is longer than a
    whole line (textwrap would also cut one that merely does not fit the line's rest),
    with a hyphen where it is cut."""
    width = max(1, width)
    lines: list[str] = []
    current = ""
    for word in _units(text):
        if current and len(current) + 1 + len(word) <= width:
            current += " " + word
            continue
        if current:
            lines.append(current)
        while len(word) > width:
            cut = _hyphen_at(word, width)
            lines.append(word[:cut] + "-" * (cut < width))
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def render_text(doc: Document, width: int = 80) -> str:
    if width not in WIDTHS:
        raise ValueError(f"text printouts are {WIDTHS[0]} or {WIDTHS[1]} columns wide")
    out: list[str] = []
    for line in doc.header:
        out += [w.rjust(width) for w in wrap(line, width)]
    if doc.header:
        out.append("")
    out += _center(doc.title, width)
    out.append("")
    for block in doc.blocks:
        out += _block(block, width, doc.lang)
    if doc.footer:
        out += ["", "-" * width, *wrap(doc.footer, width)]
    return "\n".join(line.rstrip() for line in out) + "\n"


def _block(block: Block, width: int, lang: str) -> list[str]:
    if isinstance(block, Heading):
        if block.level == 1:
            return [*_center(block.text, width), ""]
        lines = wrap(block.text, width)
        return ["", *lines, "-" * min(width, max(len(x) for x in lines))]
    if isinstance(block, Para):
        lines = wrap(block.text, width)
        if block.align == "center":
            return [x.center(width) for x in lines]
        if block.align == "right":
            return [x.rjust(width) for x in lines]
        return lines
    if isinstance(block, Fields):
        return _fields(block, width)
    if isinstance(block, Table):
        return _table(block, width, lang)
    if isinstance(block, Stamp):
        return _stamp(block, width)
    if isinstance(block, Signature):
        return _signature(block, width)
    raise TypeError(f"unknown block {type(block).__name__}")


def _center(text: str, width: int) -> list[str]:
    return [x.center(width) for x in wrap(text, width)]


def _fields(block: Fields, width: int) -> list[str]:
    num_w = max((len(i.number) for i in block.items), default=0)
    num_w = num_w + 1 if (block.numbered and num_w) else 0
    label_w = 30 if width <= 80 else 56
    value_w = width - num_w - label_w - 1
    out: list[str] = []
    for item in block.items:
        labels = wrap(item.label, label_w - 1)
        values = wrap(item.value, value_w)
        for i in range(max(len(labels), len(values))):
            num = (item.number if i == 0 else "").ljust(num_w)
            label = labels[i] if i < len(labels) else ""
            if i == len(labels) - 1 and item.value and len(label) < label_w - 2:
                label = (label + " ").ljust(label_w - 1, ".")
            value = values[i] if i < len(values) else ""
            out.append(f"{num}{label.ljust(label_w - 1)} {value}".rstrip()
                       if num_w else f"{label.ljust(label_w - 1)} {value}".rstrip())
    return out


# --- tables -----------------------------------------------------------------------------

def _fit(columns: list[Column], width: int) -> list[int] | None:
    """Widths for these columns within `width` (borders included), or None."""
    inner = width - len(columns) - 1
    want = [c.width for c in columns]
    least = [min(c.minimum, c.width) for c in columns]
    if sum(least) > inner:
        return None
    if sum(want) <= inner:  # grow to fill the paper, in proportion
        extra = inner - sum(want)
        grown = [w + extra * w // sum(want) for w in want]
        grown[-1] += inner - sum(grown)
        return grown
    # shrink in proportion, never under a column's minimum
    spare = [w - m for w, m in zip(want, least, strict=True)]
    cut = sum(want) - inner
    widths = [w - cut * s // max(1, sum(spare)) for w, s in zip(want, spare, strict=True)]
    over = sum(widths) - inner
    i = 0
    while over > 0:
        if widths[i % len(widths)] > least[i % len(widths)]:
            widths[i % len(widths)] -= 1
            over -= 1
        i += 1
    return widths


def _parts(table: Table, width: int) -> list[list[int]]:
    """Column indexes of each part: all at once if they fit, else greedy parts that each
    repeat the first `keep` columns."""
    allc = list(range(len(table.columns)))
    if _fit(list(table.columns), width) is not None:
        return [allc]
    if table.parts and all(_fit([table.columns[j] for j in part], width) is not None
                           for part in table.parts):
        return [list(part) for part in table.parts]
    keep = allc[:table.keep]
    parts, current = [], list(keep)
    for i in allc[table.keep:]:
        trial = current + [i]
        if _fit([table.columns[j] for j in trial], width) is None and len(current) > len(keep):
            parts.append(current)
            current = keep + [i]
        else:
            current = trial
    parts.append(current)
    return parts


def _rule(widths: Iterable[int], ch: str = "-") -> str:
    return "+" + "+".join(ch * w for w in widths) + "+"


def _cells(texts: list[str], widths: list[int], aligns: list[str]) -> list[str]:
    wrapped = [wrap(t, w) for t, w in zip(texts, widths, strict=True)]
    height = max(len(c) for c in wrapped)
    lines = []
    for k in range(height):
        cells = []
        for col, w, align in zip(wrapped, widths, aligns, strict=True):
            text = col[k] if k < len(col) else ""
            cells.append(text.rjust(w) if align == "right" else
                         text.center(w) if align == "center" else text.ljust(w))
        lines.append("|" + "|".join(cells) + "|")
    return lines


def _table(table: Table, width: int, lang: str) -> list[str]:
    out: list[str] = []
    for n, part in enumerate(_parts(table, width)):
        cols = [table.columns[i] for i in part]
        widths = _fit(cols, width) or [max(1, c.minimum) for c in cols]
        if n:
            out += ["", CONTINUED(lang)]
        out.append(_rule(widths))
        out += _cells([c.title for c in cols], widths, ["center"] * len(cols))
        if table.numbers:
            out.append(_rule(widths))
            out += _cells([str(i + 1) for i in part], widths, ["center"] * len(cols))
        out.append(_rule(widths, "="))
        if not table.rows:
            inner = sum(widths) + len(widths) - 1
            out += ["|" + x.ljust(inner) + "|" for x in wrap(table.empty, inner)]
            out.append(_rule(widths))
        for row in table.rows:
            out += _cells([row[i] for i in part], widths, [c.align for c in cols])
            out.append(_rule(widths))
    return out


def _stamp(stamp: Stamp, width: int) -> list[str]:
    inner = min(width - 4, max((len(safe(x)) for x in stamp.lines), default=10))
    lines = [w for x in stamp.lines for w in wrap(x, inner)]
    edge = "+" + "-" * (inner + 2) + "+"
    return ["", edge, *(f"| {x.center(inner)} |" for x in lines), edge]


def _signature(sig: Signature, width: int) -> list[str]:
    line = f"{safe(sig.label)} {safe(sig.name) or '_' * 20}   ____________"
    if sig.date:
        line += f"   {safe(sig.date)}"
    return ["", *wrap(line, width)]
