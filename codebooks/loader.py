"""The project's codebook files: read them, check them, load them into `codebook_entry`.

`catalog.toml` lists one entry per data file (book, version, validity, source); each
data file is a CSV whose extra columns become the entry's JSON `data` (see the
catalog's header for the column syntax). Every fault is reported as
"file:row: message" so whoever edits a file can go straight to the line.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codebooks.keywords import attach, read_keywords
from codebooks.reading import (
    CATALOG,
    CODEBOOK_DIR,
    Codebook,
    CodebookError,
    Row,
    book_names,
    data_dir,
    parse_catalog,
    read_book,
    read_catalog,
    read_file,
)

# The package's public names, read here or in codebooks/reading.py.
__all__ = ["CATALOG", "CODEBOOK_DIR", "BookCounts", "Codebook", "CodebookError", "LoadResult",
           "Row", "all_rows", "book_names", "check", "load", "read_all", "read_book",
           "read_catalog"]

INSERT_BATCH = 80  # rows per INSERT: 10 columns each stays under SQLite's 999 variables


# --- checking -------------------------------------------------------------------------------

def check(directory: Path | None = None) -> list[str]:
    """Every fault of the catalog and the data files, as "file:row: message"."""
    return read_all(directory)[1]


def all_rows(directory: Path | None = None) -> list[Row]:
    """Every row of every file; CodebookError with all faults if the files do not check."""
    rows, faults = read_all(directory)
    if faults:
        raise CodebookError(faults)
    return rows


def read_all(directory: Path | None = None) -> tuple[list[Row], list[str]]:
    """Every row that parses, and every fault of the catalog and the data files."""
    catalog, faults = parse_catalog(directory)
    rows: list[Row] = []
    for cb in catalog:
        got, bad = read_file(cb, directory)
        rows += got
        faults += bad
    faults += _cross_faults(catalog, rows)
    words, bad = read_keywords(data_dir(directory))
    faults += bad + attach(rows, words)
    return rows, faults


def _cross_faults(catalog: list[Codebook], rows: list[Row]) -> list[str]:
    faults = []
    first: dict[tuple[str, str, str], Row] = {}
    for r in rows:
        prev = first.setdefault(r.key, r)
        if prev is not r:
            faults.append(f"{r.where}: code {r.code!r} repeats {prev.where} "
                          f"(book {r.book}, version {r.version})")
    by_book: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_book[r.book].append(r)
    codes: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        codes[(r.book, r.code)].append(r)
    versions = {(r.book, r.version) for r in rows}
    spec = {cb.file: cb for cb in catalog}
    for r in rows:
        cb = spec[r.file]
        if r.parent:
            # The parent lives in the same version when its book has that version
            # (a 2014 part under a 2014 article), else in any version of its book.
            pbook = cb.parent_book or cb.book
            same = (pbook, r.version) in versions
            found = [p for p in codes.get((pbook, r.parent), []) if not same or p.version == r.version]
            if not found:
                where = f"book {pbook}" + (f" version {r.version}" if same else "")
                faults.append(f"{r.where}: parent {r.parent!r} is not in {where}")
        for key, book in cb.refs.items():
            faults += _ref_faults(r, key, book, by_book, codes)
    faults += _schema_faults(catalog, rows)
    return faults


def _ref_faults(r: Row, key: str, book: str, by_book: dict[str, list[Row]],
                codes: dict[tuple[str, str], list[Row]]) -> list[str]:
    value = r.data.get(key)
    if value is None:
        return []
    if book not in by_book:
        return [f"{r.where}: {key}: codebook {book!r} has no entries"]
    out = []
    for code in value if isinstance(value, list) else [value]:
        targets = codes.get((book, str(code)), [])
        if not targets:
            out.append(f"{r.where}: {key}: {code!r} is not in codebook {book}")
        elif not any(t.overlaps(r.valid_from, r.valid_to) for t in targets):
            out.append(f"{r.where}: {key}: {book} {code!r} is not valid while this row is")
    return out


def _schema_faults(catalog: list[Codebook], rows: list[Row]) -> list[str]:
    """Every codebook the card names must exist, and its codes must fit the card's field."""
    from models.card_schema import FIELDS, Kind

    books = {cb.book for cb in catalog}
    out = []
    for f in FIELDS.values():
        if f.codebook and f.codebook not in books:
            out.append(f"{CATALOG}:0: codebook {f.codebook!r} of card line {f.line} "
                       "has no data file")
    width = {f.codebook: f.length for f in FIELDS.values()
             if f.kind == Kind.CODE and f.codebook}
    for r in rows:
        limit = width.get(r.book)
        if limit and len(r.code) > limit:
            out.append(f"{r.where}: code {r.code!r} is longer than card field's {limit}")
    return out


# --- loading --------------------------------------------------------------------------------

@dataclass
class BookCounts:
    versions: set[str] = field(default_factory=set)
    entries: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadResult:
    books: dict[str, BookCounts]
    stale: int  # rows in the database no file holds any more (kept: cards may cite them)
    seconds: float

    @property
    def inserted(self) -> int:
        return sum(b.inserted for b in self.books.values())

    @property
    def updated(self) -> int:
        return sum(b.updated for b in self.books.values())

    @property
    def unchanged(self) -> int:
        return sum(b.unchanged for b in self.books.values())

    @property
    def entries(self) -> int:
        return sum(b.entries for b in self.books.values())


DB_FIELDS = ("book", "version", "code", "parent", "name_kk", "name_ru", "valid_from", "valid_to",
          "data", "search_key")


def load(db: Any, directory: Path | None = None) -> LoadResult:
    """Insert new entries and update changed ones, keyed (book, version, code), in one
    transaction; a second load changes nothing. Refuses files that do not check."""
    from models import codebook
    from models.tables import CodebookEntry as CE

    started = time.perf_counter()
    rows = all_rows(directory)
    books: dict[str, BookCounts] = defaultdict(BookCounts)
    with db.atomic():
        stored = {(b, v, c): (i, (p, nk, nr, vf, vt, d, s)) for i, b, v, c, p, nk, nr, vf, vt, d, s
                  in CE.select(CE.id, *(getattr(CE, f) for f in DB_FIELDS)).tuples().iterator()}
        fresh, changed = [], []
        for r in rows:
            counts = books[r.book]
            counts.versions.add(r.version)
            counts.entries += 1
            values = (r.parent, r.name_kk, r.name_ru, r.valid_from, r.valid_to, r.data_json(),
                      r.search_key)
            old = stored.pop(r.key, None)
            if old is None:
                fresh.append((*r.key, *values))
                counts.inserted += 1
            elif _normal(old[1]) != values:
                changed.append((old[0], values))
                counts.updated += 1
            else:
                counts.unchanged += 1
        for start in range(0, len(fresh), INSERT_BATCH):
            CE.insert_many(fresh[start:start + INSERT_BATCH],
                           fields=[getattr(CE, f) for f in DB_FIELDS]).execute()
        for pk, values in changed:
            CE.update(dict(zip((getattr(CE, f) for f in DB_FIELDS[3:]), values, strict=True))
                      ).where(CE.id == pk).execute()
    codebook.reload()
    return LoadResult(dict(books), len(stored), time.perf_counter() - started)


def _normal(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Stored values in the shape rows have (SQLite may hand dates back as text)."""
    parent, nk, nr, vf, vt, data, key = values
    return (parent or None, nk, nr, _date(vf), _date(vt), data, key)


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
