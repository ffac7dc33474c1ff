"""Codebook look-ups: a code resolves against the codebook version in force on a date.

Entries are read from the `codebook_entry` table once per process and kept in
memory (a few thousand rows); `reload()` after `apcard codebooks load`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from models import codebook_match as match
from models.i18n import T
from models.text import fold


@dataclass(frozen=True, slots=True)
class Entry:
    # Slots, not a __dict__ per entry: a book is kept in memory for the session, and the
    # article parts' 1,967 entries would carry 0.6 MiB of dictionaries.
    book: str
    version: str
    code: str
    parent: str | None
    name: T
    valid_from: dt.date | None
    valid_to: dt.date | None
    # `data` as JSON; None: read from the table when first asked (a book is read without
    # it: the article parts' is 2 MB of JSON a card needs one entry's of)
    raw: str | None = field(default=None, compare=False, hash=False, repr=False)
    search_key: str = ""  # as models.codebook_match.prepare makes it (names, keywords)
    # where in search_key the Kazakh name, the Russian name and the keywords start
    key_at: tuple[int, int, int] = field(default=(0, 0, 0), compare=False, repr=False)
    parsed: dict[str, Any] | None = field(default=None, init=False, compare=False,
                                          hash=False, repr=False)

    @property
    def data(self) -> dict[str, Any]:
        """The entry's other columns (penalties, placement, ...), read and parsed when
        first asked: most entries of a book never are (the article parts' are 2 MB of
        JSON, kept in the table rather than in every card screen's memory)."""
        got = self.parsed
        if got is None:
            raw = self.raw if self.raw is not None else _stored_data(self.book, self.version,
                                                                      self.code)
            got = json.loads(raw or "{}")
            _set(self, "parsed", got)
        return got

    @classmethod
    def read(cls, book: str, version: str, code: str, parent: str | None, name: T,
             valid_from: dt.date | None, valid_to: dt.date | None, raw: str | None,
             search_key: str, key_at: tuple[int, int, int]) -> Entry:
        """An entry as a book is read: the slots set directly, without the frozen
        dataclass's `__init__` (its per-field `object.__setattr__` by name)."""
        e = _new(cls)
        _book_slot(e, book)
        _version_slot(e, version)
        _code_slot(e, code)
        _parent_slot(e, parent)
        _name_slot(e, name)
        _from_slot(e, valid_from)
        _to_slot(e, valid_to)
        _raw_slot(e, raw)
        _key_slot(e, search_key)
        _at_slot(e, key_at)
        _parsed_slot(e, None)
        return e

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


_set = object.__setattr__
_new = object.__new__
(_book_slot, _version_slot, _code_slot, _parent_slot, _name_slot, _from_slot, _to_slot,
 _raw_slot, _key_slot, _at_slot, _parsed_slot) = (
    getattr(Entry, f).__set__ for f in ("book", "version", "code", "parent", "name",
                                        "valid_from", "valid_to", "raw", "search_key",
                                        "key_at", "parsed"))


class _Book:
    """One codebook in memory, indexed by code and by parent."""

    def __init__(self, rows: list[Entry]) -> None:
        self.rows = sorted(rows, key=lambda e: _sort_key(e.code))  # directory order, once
        self.by_code: dict[str, list[Entry]] = {}
        for e in rows:
            got = self.by_code.get(e.code)
            if got is None:
                self.by_code[e.code] = [e]
            else:
                got.append(e)
        self._read = rows  # as read (code, then start): each parent's entries in this order
        self._by_parent: dict[str | None, list[Entry]] | None = None

    @property
    def by_parent(self) -> dict[str | None, list[Entry]]:
        """Made when first asked (an article's parts): opening a book needs none."""
        if self._by_parent is None:
            by_parent: dict[str | None, list[Entry]] = {}
            for e in self._read:
                by_parent.setdefault(e.parent, []).append(e)
            self._by_parent = by_parent
        return self._by_parent


_cache: dict[str, _Book] = {}


def reload() -> None:
    _cache.clear()
    _valid.clear()
    _keyed.clear()
    _parents.clear()
    _last_search.clear()


def _book(book: str) -> _Book:
    if book not in _cache:
        from models.tables import CodebookEntry

        c = CodebookEntry
        query = c.select(c.version, c.code, c.parent, c.name_kk, c.name_ru,
                         c.valid_from, c.valid_to, c.search_key).where(
            c.book == book).order_by(c.code, c.valid_from)
        # The driver's rows as they are (no model object nor peewee's conversion of each
        # value: a third of the time of reading the 1,967 article parts); dates by _day,
        # versions and parents one string each (the driver makes one a row).
        rows = c._meta.database.execute(query)
        days: dict[object, dt.date | None] = {}
        words: dict[str | None, str | None] = {}
        prepare = match.prepare
        _cache[book] = _Book([
            Entry.read(book, words.setdefault(version, version), code,
                       words.setdefault(parent, parent), T(kk, ru), _day(start, days),
                       _day(end, days), None, *prepare(code, kk, ru, key or ""))
            for version, code, parent, kk, ru, start, end, key in rows
        ])
    return _cache[book]


def read_data(*books: str) -> None:
    """Every entry's `data` of these books read now, one statement a book, instead of
    one entry at a time when first asked: for a process that checks many cards (an
    import's checking workers), whose cards ask for most of them."""
    from models.tables import CodebookEntry as c

    for book in books:
        entries = {(e.version, e.code): e for e in _book(book).rows}
        query = c.select(c.version, c.code, c.data).where(c.book == book)
        for version, code, raw in c._meta.database.execute(query):
            e = entries.get((version, code))
            if e is not None and e.parsed is None:
                _set(e, "parsed", json.loads(raw or "{}"))


def _stored_data(book: str, version: str, code: str) -> str:
    """An entry's `data` column, from the table (its unique key: book, version, code)."""
    from models.tables import CodebookEntry as c

    row = c.select(c.data).where((c.book == book) & (c.version == version)
                                 & (c.code == code)).tuples().first()
    return row[0] if row and row[0] else "{}"


def _day(value: object, seen: dict[object, dt.date | None]) -> dt.date | None:
    """A date as the driver gives it (SQLite: text, PostgreSQL: a date), once per value."""
    if value is None:
        return None
    if type(value) is dt.date:
        return value
    got = seen.get(value)
    if got is None:
        got = seen[value] = (value.date() if isinstance(value, dt.datetime) else value
                             if isinstance(value, dt.date) else
                             dt.date.fromisoformat(str(value)[:10]))
    return got


def _latest(candidates: list[Entry], on: dt.date | None) -> Entry | None:
    """Of one code's versions, the one valid on `on` that started last."""
    best = None
    for e in candidates:
        if on is not None and not e.valid_on(on):
            continue
        if best is None or (e.valid_from or dt.date.min) >= (best.valid_from or dt.date.min):
            best = e
    return best


_valid: dict[tuple[str, dt.date | None, str | None], list[Entry]] = {}


def entries(book: str, on: dt.date | None = None, parent: str | None = None) -> list[Entry]:
    """Entries of a book valid on a date (each code's latest version if no date). Kept
    per book, date and parent: a directory asks again for every key typed (not to be
    changed by the caller)."""
    key = (book, on, parent)
    if key not in _valid:
        if len(_valid) > 256:
            _valid.clear()
        _valid[key] = _entries(book, on, parent)
    return _valid[key]


def _entries(book: str, on: dt.date | None, parent: str | None) -> list[Entry]:
    b = _book(book)
    pool = b.rows if parent is None else b.by_parent.get(parent, [])
    codes = dict.fromkeys(e.code for e in pool)
    out = []
    for code in codes:
        versions = b.by_code[code] if parent is None else [
            e for e in b.by_code[code] if e.parent == parent]
        if on is None and len(versions) == 1:  # most codes: one version
            out.append(versions[0])
            continue
        hit = _latest(versions, on)
        if hit is not None:
            out.append(hit)
    return out


_CHUNKS: dict[str, tuple[int, int, str]] = {}  # "01" -> (0, 1, ""): a book's codes share them


def _sort_key(code: str) -> tuple:
    """Directory order: the code's parts (split at "-", "/", ".") as numbers where they
    are digits."""
    parts = []
    for chunk in code.replace("/", "-").replace(".", "-").split("-"):
        got = _CHUNKS.get(chunk)
        if got is None:
            got = (0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk)
            if len(_CHUNKS) < 4096:
                _CHUNKS[chunk] = got
        parts.append(got)
    return tuple(parts)


def resolve(book: str, code: str, on: dt.date | None = None) -> Entry | None:
    """The entry for `code` valid on `on`; None if unknown or not valid that day."""
    return _latest(_book(book).by_code.get(code, []), on)


def known(book: str, code: str) -> Entry | None:
    """The entry for `code` in any version (to tell 'expired' from 'unknown')."""
    return _latest(_book(book).by_code.get(code, []), None)


# The book an entry's parent code is in, when not its own (an article part's article).
PARENT_BOOK = {"article_part": "article"}


def lineage(entry: Entry) -> list[Entry]:
    """The entry's parents, nearest first: a district's region, an article part's
    article (their latest versions)."""
    out: list[Entry] = []
    seen: set[str] = set()
    e: Entry | None = entry
    while e is not None and e.parent and e.parent not in seen:
        seen.add(e.parent)
        e = known(PARENT_BOOK.get(e.book, e.book), e.parent)
        if e is not None:
            out.append(e)
    return out


def _key(e: Entry) -> str:
    return e.search_key or fold(f"{e.code} {e.name.kk} {e.name.ru}")


_parents: dict[tuple[str, str | None], str] = {}  # (book, parent) -> the parents' words


def _parents_key(e: Entry) -> str:
    """The search text of the entry's parents, their keywords too ("астан" finds
    Astana's districts, "пьян" the parts of the article on drunk driving): one string
    per parent, shared by its children (2 MiB less for the article parts)."""
    up = (e.book, e.parent)
    if up not in _parents:
        _parents[up] = match.family_words(" ".join(_key(p) for p in lineage(e)))
    return _parents[up]


Keyed = tuple[Entry, match.Texts]
_keyed: dict[int, list[Keyed]] = {}


def _search_keys(rows: list[Entry]) -> list[Keyed]:
    """(entry, its texts as a query scans them) for a list of `entries`, made once per
    list: a filter key then only scans strings."""
    got = _keyed.get(id(rows))
    if got is None or (got and got[0][0] is not rows[0]):
        if len(_keyed) > 256:
            _keyed.clear()
        got = _keyed[id(rows)] = [(e, match.texts_of(
            e.code, e.search_key, e.key_at, _parents_key(e) if e.parent else "")
            if e.search_key else match.texts(e.code, e.name.kk, e.name.ru, _key(e),
                                             _parents_key(e) if e.parent else ""))
            for e in rows]
    return got


# The last searches: (a book's search texts, the query, the rows it matched). A letter
# typed into a directory's filter scans only the rows the filter matched before it (the
# text as typed and as read on the Russian layout are two searches: both are kept).
_last_search: list[tuple[list[Keyed], match.Query, list[Keyed]]] = []
KEPT_SEARCHES = 4


def _narrowed(keyed: list[Keyed], q: match.Query) -> list[Keyed]:
    """The rows query `q` can match: the hits of the latest search on the same rows that
    `q` only adds to; otherwise every row."""
    for base, last, hits in reversed(_last_search):
        if base is keyed and q.narrows(last):
            return hits
    return keyed


def _scan(keyed: list[Keyed], q: match.Query) -> list[Entry]:
    tiers: list[list[Entry]] = [[] for _ in match.Tier]
    hits: list[Keyed] = []
    tier = match.tier
    for row in _narrowed(keyed, q):
        t = tier(row[1], q)
        if t is not None:
            tiers[t].append(row[0])
            hits.append(row)
    _last_search.append((keyed, q, hits))
    del _last_search[:-KEPT_SEARCHES]
    return [e for found in tiers for e in found]


def search(book: str, text: str, on: dt.date | None = None, parent: str | None = None,
           limit: int | None = None) -> list[Entry]:
    """Type-to-filter (models/codebook_match.py): entries whose code starts with the
    text first, then those whose name starts with it, those a keyword finds ("пожар",
    "МВД"), those whose names hold the beginnings of every word typed, in any order,
    then with their parents' names (a district under its region's name), then those
    holding the words anywhere. Kazakh letters typed as Russian ones and ё as е match;
    a text typed with the Latin layout left on that finds nothing is read on the
    Russian one ("gjkbwbz": "полиция"). An empty text gives the book's kept list
    itself, as `entries` does (not to be changed by the caller: a directory knows it
    again when reopened)."""
    rows = entries(book, on, parent)
    q = match.Query.of(text)
    if not q:
        return rows[:limit] if limit else rows
    keyed = _search_keys(rows)
    out = _scan(keyed, q)
    if not out:
        other = match.relayout(text)
        if other is not None:
            out = _scan(keyed, match.Query.of(other))
    return out[:limit] if limit else out


# --- articles, parts and penalties -------------------------------------------------

def normalize_part(part: str | None) -> str:
    """An article part or paragraph as the card keeps it: two digits with a leading zero
    (§34-1: "479 02 01"), an amendment suffix kept: '2' -> '02', '3-1' -> '03-1'."""
    if not part:
        return ""
    main, dash, rest = part.strip().partition("-")
    main = main.zfill(2) if main.isdigit() else main
    return f"{main}-{rest}" if dash else main


def part_code(article: str, part: str | None, paragraph: str | None = None) -> str:
    """Code of an article part in the `article_part` book: '592/02', '592/03-1',
    '623/01/03', '77/' (an article without numbered parts)."""
    code = f"{article}/{normalize_part(part)}"
    return f"{code}/{normalize_part(paragraph)}" if paragraph else code


def article_part(article: str, part: str | None, paragraph: str | None,
                 on: dt.date | None) -> Entry | None:
    """The most specific part entry: paragraph level first, then the part."""
    if paragraph:
        hit = resolve("article_part", part_code(article, part, paragraph), on)
        if hit:
            return hit
    return resolve("article_part", part_code(article, part), on)


def allowed_penalties(article: str, part: str | None, paragraph: str | None,
                      on: dt.date | None) -> list[str] | None:
    """Penalty codes the article part allows; None when the part is unknown."""
    entry = article_part(article, part, paragraph, on)
    if entry is None:
        art = resolve("article", article, on)
        if art is None or "penalties" not in art.data:
            return None
        return list(art.data["penalties"])
    if "penalties" not in entry.data:  # sanction not known (e.g. 2001 Code 479 p.2 pp.1)
        return None
    return list(entry.data["penalties"])


def penalties_for(article: str, part: str | None, paragraph: str | None, on: dt.date | None,
                  placement: str) -> list[Entry]:
    """The penalties directory limited to the article part and to main / additional
    placement (Art. 42): placement is 'main' or 'additional'."""
    allowed = allowed_penalties(article, part, paragraph, on)
    out = []
    for e in entries("penalty", on):
        if allowed is not None and e.code not in allowed:
            continue
        if e.data.get("placement") in (placement, "either"):
            out.append(e)
    return out


def mrp_on(day: dt.date) -> int | None:
    """The monthly calculation index (MRP) in tenge in force on a day."""
    for e in entries("mrp", day):
        return int(e.data["tenge"])
    return None


# An article part's fines by who pays them, as the directory shows them under its text.
FINE_PAYERS = {
    "individual": T("жеке тұлғаға", "физ. лицу"), "official": T("лауазымды адамға", "должн. лицу"),
    "small_business": T("шағын кәсіпкерлікке", "малому предпр."),
    "medium_business": T("орта кәсіпкерлікке", "среднему предпр."),
    "large_business": T("ірі кәсіпкерлікке", "крупному предпр."),
    "legal": T("заңды тұлғаға", "юр. лицу"), "npo": T("коммерциялық емес ұйымға", "НКО"),
    "uncategorised": T("санатсыз", "без категории"),
}
FINE_UNITS = {"mrp": T("АЕК", "МРП"), "percent": T("%", "%")}


def part_text(entry: Entry, lang: str) -> str:
    """An article part as the directory's detail shows it: its name, and where the name
    is the codebook's abridged sanction (ending in "…"), the fines by payer first (what
    the operator checks line 12 against) and then the sanction's whole text."""
    name = entry.name(lang)
    if not name.endswith("…") or not entry.data.get("text"):
        return name
    data = entry.data
    head = name.split(" — ", 1)[0]
    fines = data.get("fines") or {}
    unit = FINE_UNITS.get(str(data.get("basis") or ""), T("", ""))(lang)
    paid = [f"{who(lang)} {fines[k]}" for k, who in FINE_PAYERS.items() if k in fines]
    label = T("айыппұл", "штраф")(lang) + (f", {unit}" if unit else "")
    summary = f"{label}: {', '.join(paid)}; " if paid else ""
    return f"{head} — {summary}{data['text']}"
