"""The entries' keywords (keywords.csv): the common names, abbreviations and Kazakh and
Russian forms operators type for an entry whose official name says something else
("пожар", "МЧС", "ТЖМ" for the authority in the sphere of civil protection).

One row per entry: `book,code,version,words` with the words separated by ";" and the
version empty for every version of the book holding the code. The loader adds them to
the entry's stored search key after its names (models/codebook_match.py tells them
apart); a keyword file that does not check is reported as "keywords.csv:row: message".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codebooks.reading import Row
from models.text import clean, find_control

FILE = "keywords.csv"
COLUMNS = ("book", "code", "version", "words")
MAX_WORDS = 400  # characters of one entry's keywords


@dataclass(frozen=True)
class Keywords:
    row: int
    book: str
    code: str
    version: str  # "" = every version
    words: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{FILE}:{self.row}"


def read_keywords(directory: Path) -> tuple[list[Keywords], list[str]]:
    """The keyword rows and the faults of the file's own (a missing file: none)."""
    path = directory / FILE
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return _parse(csv.reader(fh, strict=True))
    except FileNotFoundError:
        return [], []
    except UnicodeDecodeError as exc:
        return [], [f"{FILE}:0: not UTF-8 ({exc.reason} at byte {exc.start})"]
    except csv.Error as exc:
        return [], [f"{FILE}:0: broken CSV: {exc}"]
    except OSError as exc:
        return [], [f"{FILE}:0: cannot read: {exc.strerror}"]


def _parse(reader: Any) -> tuple[list[Keywords], list[str]]:
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        return [], [f"{FILE}:1: the header must be {','.join(COLUMNS)}"]
    out: list[Keywords] = []
    faults: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            faults.append(f"{FILE}:{line}: {len(cells)} cells, the header has {len(COLUMNS)}")
            continue
        book, code, version, words = (c.strip() for c in cells)
        bad = _cell_faults(book, code, words)
        if bad:
            faults += [f"{FILE}:{line}: {msg}" for msg in bad]
            continue
        key = (book, code, version)
        if key in seen:
            faults.append(f"{FILE}:{line}: {book} {code} repeats row {seen[key]}")
            continue
        seen[key] = line
        out.append(Keywords(line, book, code, version,
                            tuple(clean(w) for w in words.split(";") if w.strip())))
    return out, faults


def _cell_faults(book: str, code: str, words: str) -> list[str]:
    out = []
    for name, cell in (("book", book), ("code", code), ("words", words)):
        pos = find_control(cell)
        if pos is not None:
            out.append(f"{name}: control character {cell[pos]!r} at position {pos + 1}")
    if out:
        return out
    if not book or not code:
        out.append("empty book or code")
    if not any(w.strip() for w in words.split(";")):
        out.append("no words")
    if "|" in words or "~" in words:
        out.append("words may not hold '|' or '~' (the search key's separators)")
    if len(words) > MAX_WORDS:
        out.append(f"words longer than {MAX_WORDS} characters")
    return out


def attach(rows: list[Row], keywords: list[Keywords]) -> list[str]:
    """Give each row its keywords (`Row.keywords`); a keyword row naming an entry no
    file holds is a fault."""
    by_key: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        by_key.setdefault((r.book, r.code), []).append(r)
    faults = []
    for k in keywords:
        targets = [r for r in by_key.get((k.book, k.code), [])
                   if not k.version or r.version == k.version]
        if not targets:
            version = f" version {k.version}" if k.version else ""
            faults.append(f"{k.where}: {k.book}{version} has no code {k.code!r}")
            continue
        for r in targets:
            if not r.keywords or k.version:  # a version's own row wins over the book's
                r.keywords = "; ".join(k.words)
    return faults
