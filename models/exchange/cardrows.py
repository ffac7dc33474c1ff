"""Cards as a package writes them, read fast: one query per chunk of cards, the driver's
own values (no model objects), each value encoded for the package straight from what
the database returned.

The result is exactly what `format.encode_values` makes of the card's typed values (a
package and its re-export must be identical, and so must a package written before this
reader existed): a value in its usual stored form (an ISO date text or a date, an int,
a flag as 0/1 or a bool, a text) is encoded directly; anything else goes through the
field's own conversion first, as a model object would have it.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable
from typing import Any

from models.card_schema import FIELDS, Kind
from models.cards import row_edition
from models.db import database_proxy
from models.exchange import format as fmt
from models.tables import Card

HEAD = ("id", "status", "version", "person_id")
NAMES = tuple(FIELDS)
COLUMNS = HEAD + tuple(Card._meta.fields[n].column_name for n in NAMES)
_KINDS = tuple(FIELDS[n].kind for n in NAMES)
_CONVERT = tuple(Card._meta.fields[n].python_value for n in NAMES)
_DATES = ("offence_date", "protocol_date", "decision_date", "journal_date")  # card_date's
_AT = {n: i for i, n in enumerate(NAMES)}
_EDITION_AT = tuple(_AT[n] for n in ("article", *_DATES))
_SQL = (f'SELECT {", ".join(chr(34) + c + chr(34) for c in COLUMNS)} FROM "card" '
        'WHERE "id" IN ({marks})')

Row = tuple[Any, ...]


def fetch(ids: Iterable[int]) -> dict[int, Row]:
    """id -> (id, status, version, person_id, *the card's fields in FIELDS order)."""
    wanted = list(ids)
    _edition.cache_clear()  # editions remembered for one chunk: the codebooks may reload
    if not wanted:
        return {}
    db = database_proxy.obj
    cur = db.execute_sql(_SQL.format(marks=", ".join([db.param] * len(wanted))), wanted)
    return {row[0]: row for row in cur.fetchall()}


def rows_of(names: list[str], rows: Iterable[tuple[Any, ...]]) -> dict[int, Row]:
    """`fetch`'s rows taken from rows read with other columns (`names`): an export on
    SQLite writes the cards its dispatch read back (models.batchlog), not read again."""
    _edition.cache_clear()
    pick = operator.itemgetter(*(names.index(c) for c in COLUMNS))
    return {row[0]: row for row in map(pick, rows)}


def heads_of(names: list[str], rows: Iterable[tuple[Any, ...]]) -> dict[int, Row]:
    """id -> (id, status, version, person_id) of rows read with other columns (`names`)."""
    pick = operator.itemgetter(*(names.index(c) for c in HEAD))
    return {row[0]: row for row in map(pick, rows)}


def _slow(i: int, raw: Any) -> Any:
    return fmt.encode_value(_KINDS[i], _CONVERT[i](raw))


def _group(*kinds: Kind) -> tuple[tuple[str, int, int], ...]:
    """(name, place in a row, place in FIELDS) of the fields of these kinds."""
    return tuple((n, len(HEAD) + i, i) for i, n in enumerate(NAMES) if _KINDS[i] in kinds)


_DATE_FIELDS = _group(Kind.DATE)
_AMOUNT_FIELDS = _group(Kind.AMOUNT)
_FLAG_FIELDS = _group(Kind.FLAG)
_PLAIN_FIELDS = _group(*(k for k in Kind if k not in (Kind.DATE, Kind.AMOUNT, Kind.FLAG)))


def encode(row: Row) -> dict[str, Any]:
    """The card's `values` as the package holds them (format.encode_values; a package
    writes its keys sorted, so the fields are taken a kind at a time)."""
    out: dict[str, Any] = {}
    for name, at, i in _PLAIN_FIELDS:  # texts and codes: most of a card
        raw = row[at]
        if raw is None or raw == "":
            continue
        if type(raw) is str:
            out[name] = raw
        elif (v := _slow(i, raw)) is not None:
            out[name] = v
    for name, at, i in _DATE_FIELDS:
        raw = row[at]
        if raw is None or raw == "":
            continue
        t = type(raw)
        v = raw if t is str and len(raw) == 10 else (
            raw.isoformat() if t is dt.date else _slow(i, raw))
        if v is not None:
            out[name] = v
    for name, at, i in _AMOUNT_FIELDS:
        raw = row[at]
        if raw is None or raw == "":
            continue
        v = raw if type(raw) is int else _slow(i, raw)
        if v is not None:
            out[name] = v
    for name, at, i in _FLAG_FIELDS:
        raw = row[at]
        if raw is None or raw == "":
            continue
        t = type(raw)
        v = (True if raw else None) if t is int or t is bool else _slow(i, raw)
        if v is not None:
            out[name] = v
    return out


# The same values written straight as the package's JSON text (format.dumps of `encode`'s
# dict): its keys in sorted order, each with its kind's encoding. A value of an unusual
# type goes through `_slow` and format.dumps, as `encode` and the writer would take it.
_JSON_FIELDS = tuple(sorted(
    ((n, f"{fmt.json_text(n)}:", at, i, _KINDS[i]) for n, at, i in
     (*_PLAIN_FIELDS, *_DATE_FIELDS, *_AMOUNT_FIELDS, *_FLAG_FIELDS)),
    key=operator.itemgetter(0)))
_PLAIN, _DATE, _AMOUNT, _FLAG = "plain", "date", "amount", "flag"
_HOW = {Kind.DATE: _DATE, Kind.AMOUNT: _AMOUNT, Kind.FLAG: _FLAG}
_JSON_PLAN = tuple((key, at, i, _HOW.get(kind, _PLAIN)) for _, key, at, i, kind in _JSON_FIELDS)


def encode_json(row: Row) -> str:
    """format.dumps(encode(row)), without the dict: the package's `values` object as
    text, one value at a time (the writer's JSON encoder sorts a dict's keys for every
    record; here they are in order already)."""
    string, text = fmt.json_string, fmt.json_text
    parts = []
    for key, at, i, how in _JSON_PLAN:
        raw = row[at]
        if raw is None or raw == "":
            continue
        t = type(raw)
        if how is _PLAIN:
            if t is str:  # most of a card
                parts.append(key + string(raw))
                continue
            v = _slow(i, raw)
        elif how is _DATE:
            v = raw if t is str and len(raw) == 10 else (
                raw.isoformat() if t is dt.date else _slow(i, raw))
        elif how is _AMOUNT:
            v = raw if t is int else _slow(i, raw)
        else:
            v = (True if raw else None) if t is int or t is bool else _slow(i, raw)
        if v is not None:
            parts.append(key + text(v))
    return "{" + ",".join(parts) + "}"


def _date(raw: Any) -> Any:
    if type(raw) is str and len(raw) == 10:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return raw
    return Card.offence_date.python_value(raw)


@functools.lru_cache(maxsize=4096)
def _edition(article: str, on: dt.date | None) -> str:
    return row_edition({"article": article, "offence_date": on})


def edition(row: Row) -> str:
    """models.cards.row_edition of the card: its article resolved on the first of the
    dates validation.card_date takes that is a date."""
    base = len(HEAD)
    article = row[base + _EDITION_AT[0]]
    if not article:
        return row_edition({})
    on = None
    for i in _EDITION_AT[1:]:
        raw = row[base + i]
        if raw is not None and isinstance(value := _date(raw), dt.date):
            on = value
            break
    return _edition(article, on)
