"""Drafts: the card being typed, saved on every change so nothing typed is lost, and
each user's pinned fields.

One draft per user for a new card (Draft.card is None). The data is what the entry
screen needs to put the operator back exactly where they were: the text of every
field as typed, the focused field and the cursor, the fields kept for the next card.

The same row keeps the user's pins ("pins": the fields pinned for the next card, their
texts and the day they were last typed), which outlive the draft: a card saved, discarded
or declined on the next start still leaves the next card with the batch's pinned
authority, place, official... A pinned date does not outlive its day (`pins_on`).
Control characters never reach the database: they are dropped here as well.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import peewee as pw

from models.card_schema import FIELDS, Kind
from models.db import database_proxy, write_transaction
from models.i18n import LANGUAGES
from models.tables import Draft, User, now
from models.text import strip_control

FORMAT = 1


def _names(items: Any) -> list[str]:
    return sorted(n for n in items or () if isinstance(n, str) and n in FIELDS)


def _texts(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {k: strip_control(str(v)) for k, v in raw.items() if k in FIELDS and v}


def _clean_pins(data: Any, day: dt.date | None = None) -> dict[str, Any] | None:
    """Pins as stored; with `day`, stamped as typed on that day (else the stored stamp)."""
    if not isinstance(data, dict):
        return None
    pinned = _names(data.get("pinned"))
    out: dict[str, Any] = {
        "pinned": pinned,
        "values": {k: v for k, v in _texts(data.get("values")).items() if k in pinned}}
    stamp = day.isoformat() if day is not None else data.get("day")
    if isinstance(stamp, str) and _day(stamp) is not None:
        out["day"] = stamp
    return out


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# Line 7 is the day the card is keyed (§34-1: for a body keying its own cards, the day
# of entry): pinned, it stands for "today" and moves on with the days.
TODAY_DATES = ("received_date",)


def pins_on(values: dict[str, str], typed_on: dt.date | None, today: dt.date
            ) -> tuple[dict[str, str], list[str]]:
    """The pinned texts for a card keyed on `today`, and the fields whose pinned date
    was dropped. Codes, names and numbers stay pinned whatever the day. A date pinned on
    an earlier day (or on an unknown day) does not carry over: line 7 becomes today's
    date; any other pinned date (line 6, line 21: the paper batch's) is dropped, so a
    new day's first card never takes yesterday's date unseen."""
    if typed_on == today:
        return dict(values), []
    out, dropped = {}, []
    for name, text in values.items():
        if FIELDS[name].kind != Kind.DATE:
            out[name] = text
        elif name in TODAY_DATES:
            out[name] = today.strftime("%d%m%Y")
        else:
            dropped.append(name)
    return out, dropped


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    focus = data.get("focus")
    cursor = data.get("cursor")
    lines = data.get("lines_left")
    return {
        "format": FORMAT,
        "values": _texts(data.get("values")),
        "focus": focus if focus in FIELDS else None,
        "cursor": cursor if isinstance(cursor, int) and cursor >= 0 else 0,
        "pinned": _names(data.get("pinned")),
        "touched": _names(data.get("touched")),
        "lines_left": sorted({str(n) for n in lines} if isinstance(lines, list) else ()),
        # The language the operator was typing in: a resumed card comes back in it.
        "lang": data.get("lang") if data.get("lang") in LANGUAGES else None,
    }


_SQL: dict[tuple[str, str], str] = {}  # (statement, the engine's parameter mark) -> text


def _sql(kind: str, db: pw.Database) -> str:
    """The draft's statements, made once per engine (built anew each time through the
    query builder, they cost more processor time than running them)."""
    key = (kind, db.param)
    sql = _SQL.get(key)
    if sql is None:
        p, table = db.param, f'"{Draft._meta.table_name}"'
        mine = f'"user_id" = {p} AND "card_id" IS NULL'
        sql = _SQL[key] = {
            "read": f'SELECT "data" FROM {table} WHERE {mine} ORDER BY "updated_at" DESC '
                    "LIMIT 1",
            "update": f'UPDATE {table} SET "data" = {p}, "updated_at" = {p} WHERE {mine}',
            "delete": f"DELETE FROM {table} WHERE {mine}"}[kind]
    return sql


def _row(user: User) -> str | None:
    """The user's draft of a new card as stored (JSON), None when there is none."""
    db = database_proxy.obj
    row = db.execute_sql(_sql("read", db), (user.id,)).fetchone()
    return row[0] if row else None


def _stored(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _writing() -> Any:
    """The draft's transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE),
    waiting for it up to the busy timeout: a deferred transaction that read first and
    then wrote would get "database is locked" at once, without waiting, when another
    operator's save committed in between. Inside a save's transaction it is written in
    that transaction as it is (no savepoint: a failure fails the save, which nothing
    catches halfway; two round trips fewer on PostgreSQL while the save is open)."""
    db = database_proxy.obj
    if db.transaction_depth() > 0:
        return contextlib.nullcontext()
    return write_transaction(db)


def _update(db: pw.Database, user: User, text: str) -> int:
    """The user's draft of a new card replaced by `text`; how many rows were."""
    stamp = Draft.updated_at.db_value(now())
    return db.execute_sql(_sql("update", db), (text, stamp, user.id)).rowcount


def _write(user: User, data: dict[str, Any], exists: bool = False) -> None:
    """The user's draft replaced by `data` (made when there is none). `exists`: the
    caller has just read it in this transaction."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    db = database_proxy.obj
    if exists and db.transaction_depth() > 0 and hasattr(db, "send_later"):
        # Inside a save on PostgreSQL: sent with the save's next statement.
        db.send_later(_sql("update", db), (text, Draft.updated_at.db_value(now()), user.id))
        return
    # PostgreSQL, outside a save: the update alone, one statement (it needs no
    # transaction of its own); SQLite takes its write lock first (_writing).
    if not isinstance(db, pw.SqliteDatabase) and db.transaction_depth() == 0 \
            and _update(db, user, text):
        return
    with _writing():
        if not _update(db, user, text):
            Draft.create(user=user, card=None, data=text, updated_at=now())


def save_draft(user: User, data: dict[str, Any]) -> None:
    """Write (or replace) the user's draft of a new card; its pinned fields become the
    user's pins too."""
    draft = _clean(data)
    pins = _clean_pins({"pinned": draft["pinned"], "values": draft["values"]},
                       dt.date.today())
    _write(user, {**draft, "pins": pins})


def load_draft(user: User) -> dict[str, Any] | None:
    """The user's draft, or None when there is none or it holds nothing typed."""
    stored = _stored(_row(user))
    data = _clean(stored)
    return data if data["values"] else None


def discard_draft(user: User) -> None:
    """Drop the draft; the user's pins stay."""
    stored = _row(user)
    if stored is None:
        return  # no draft: nothing to drop
    pins = _clean_pins(_stored(stored).get("pins"))
    if pins is None:
        db = database_proxy.obj
        if db.transaction_depth() > 0 and hasattr(db, "send_later"):
            db.send_later(_sql("delete", db), (user.id,))
            return
        with _writing():
            db.execute_sql(_sql("delete", db), (user.id,))
    else:
        _write(user, {"format": FORMAT, "values": {}, "pins": pins}, exists=True)


def save_pins(user: User, pinned: set[str] | list[str], values: dict[str, str]) -> None:
    """The fields `user` keeps pinned for the next card and their texts (the draft, if
    any, is left as it is)."""
    stored = _stored(_row(user))
    _write(user, {**stored, "pins": _clean_pins({"pinned": list(pinned), "values": values},
                                                dt.date.today())})


def load_pins(user: User) -> dict[str, Any] | None:
    """{"pinned": [field names], "values": {name: text}, "day": "YYYY-MM-DD" they were
    last typed (absent in pins older than the stamp)}, or None when the user never
    pinned anything (the card's default pins apply)."""
    return _clean_pins(_stored(_row(user)).get("pins"))
