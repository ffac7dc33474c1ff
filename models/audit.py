"""The correction log: append-only, one row per changed line, chained by hashes.

Every change of registered data (a correction, a removal, a lifecycle step) and every
change of a user's rights writes rows here through `append`, the only writer. Nothing
updates or deletes a row; database triggers (migration v0004) refuse it even to a
hand-typed statement. Each row's `row_hash` is sha256 of its canonical content and of
the previous row's hash, so `verify_chain` finds a row edited, deleted, inserted or
moved by someone who dropped the triggers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import peewee as pw

from models.db import database_proxy, is_postgres
from models.i18n import T
from models.tables import BaseModel, Card, User, now

GENESIS = "0" * 64


class Correction(BaseModel):
    # Assigned by `append` (previous id + 1): a gap in the numbering is a deleted row.
    id = pw.IntegerField(primary_key=True)
    card = pw.ForeignKeyField(Card, null=True, backref="corrections", on_delete="RESTRICT")
    card_version = pw.IntegerField(null=True)  # the card's version this change produced
    event = pw.CharField(max_length=16)  # lifecycle.Event value, or "user"
    line = pw.CharField(max_length=8, default="")  # card line number ("14.3"), "" for status
    field_name = pw.CharField(max_length=32)
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)
    reason_code = pw.CharField(max_length=8, null=True)
    reason_text = pw.TextField(default="")
    user = pw.ForeignKeyField(User, backref="corrections", on_delete="RESTRICT")
    target_user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = pw.DateTimeField()
    prev_hash = pw.CharField(max_length=64)
    row_hash = pw.CharField(max_length=64)

    class Meta:
        table_name = "correction"
        indexes = ((("card", "card_version"), False), (("created_at",), False),
                   (("user",), False), (("reason_code",), False))


@dataclass(frozen=True)
class Entry:
    """One row to append; `append` adds id, user, time and the hashes."""

    event: str
    field_name: str
    old_value: str | None
    new_value: str | None
    card_id: int | None = None
    card_version: int | None = None
    line: str = ""
    reason_code: str | None = None
    reason_text: str = ""
    target_user_id: int | None = None


# The columns a row's hash covers, in this order. Adding a column to the log means
# adding it here too, or it is not protected.
HASHED = ("id", "card", "card_version", "event", "line", "field_name", "old_value",
          "new_value", "reason_code", "reason_text", "user", "target_user", "created_at",
          "prev_hash")


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return value


def canonical(data: dict[str, object]) -> str:
    """The row as a stable string: same text on SQLite and PostgreSQL."""
    return json.dumps([[k, _plain(data.get(k))] for k in HASHED], ensure_ascii=False,
                      separators=(",", ":"))


def row_hash(data: dict[str, object], prev_hash: str) -> str:
    return hashlib.sha256((canonical(data) + "\n" + prev_hash).encode("utf-8")).hexdigest()


def _db() -> pw.Database:
    return database_proxy.obj


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """A transaction that may append to the log. SQLite: BEGIN IMMEDIATE takes the write
    lock first, so what we read (card version, last hash) cannot change under us.
    PostgreSQL: the log table is locked against other writers (readers are not blocked)
    so two sessions never chain to the same previous row."""
    db = _db()
    if is_postgres(db):
        with db.atomic():
            db.execute_sql("LOCK TABLE correction IN SHARE ROW EXCLUSIVE MODE")
            yield
    else:
        with db.atomic("IMMEDIATE") if db.transaction_depth() == 0 else db.atomic():
            yield


def append(entries: list[Entry], user: User) -> list[Correction]:
    """Write `entries` at the end of the chain. Call inside `writing()`."""
    db = _db()
    if not db.in_transaction():
        raise RuntimeError("audit.append must run inside audit.writing()")
    last = (Correction.select(Correction.id, Correction.row_hash)
            .order_by(Correction.id.desc()).first())
    prev, next_id = (last.row_hash, last.id + 1) if last else (GENESIS, 1)
    at = now()
    rows: list[dict[str, object]] = []
    for e in entries:
        data: dict[str, object] = {
            "id": next_id, "card": e.card_id, "card_version": e.card_version, "event": e.event,
            "line": e.line, "field_name": e.field_name, "old_value": e.old_value,
            "new_value": e.new_value, "reason_code": e.reason_code,
            "reason_text": e.reason_text, "user": user.id, "target_user": e.target_user_id,
            "created_at": at, "prev_hash": prev,
        }
        data["row_hash"] = row_hash(data, prev)
        rows.append(data)
        prev, next_id = data["row_hash"], next_id + 1
    for start in range(0, len(rows), 100):  # a dispatch appends thousands of rows at once
        Correction.insert_many(rows[start:start + 100]).execute()
    return [Correction(**data) for data in rows]


# --- verification ---------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyResult:
    rows: int  # rows checked (all of them when ok)
    broken_id: int | None = None  # the first broken row
    card_id: int | None = None  # a card whose version has no log rows (deleted tail)
    problem: T | None = None
    head: str = GENESIS  # hash of the last row: note it to detect a truncated tail later

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stored(row: Correction) -> dict[str, object]:
    return {k: row.__data__.get(k) for k in (*HASHED, "row_hash")}


def verify_chain(batch: int = 2000) -> VerifyResult:
    """Walk the log in id order; report the first row that does not fit the chain."""
    prev, expected, count = GENESIS, 1, 0
    query = Correction.select().order_by(Correction.id)
    for row in query.iterator():
        data = _stored(row)
        problem = None
        if row.id != expected:
            problem = T("{id} жазбасының алдында жазба(лар) жоқ (күтілген № {exp})",
                        "Перед записью {id} не хватает записей (ожидался № {exp})")
        elif row.prev_hash != prev:
            problem = T("{id} жазбасының алдыңғы жазбаға сілтемесі бұзылған",
                        "У записи {id} нарушена связь с предыдущей записью")
        elif row_hash(data, prev) != row.row_hash:
            problem = T("{id} жазбасының мазмұны өзгертілген",
                        "Содержимое записи {id} изменено")
        if problem is not None:
            return VerifyResult(count, row.id, None, problem.format(id=row.id, exp=expected),
                                prev)
        prev, expected, count = row.row_hash, expected + 1, count + 1
    missing = _cards_without_log()
    if missing is not None:
        card_id, version, logged = missing
        return VerifyResult(count, None, card_id, T(
            "{card} карточкасының нұсқасы {v}, ал журналда {n} өзгеріс: жазбалар жойылған",
            "Карточка {card} в версии {v}, а в журнале изменений: {n}: записи удалены",
        ).format(card=card_id, v=version, n=logged), prev)
    return VerifyResult(count, head=prev)


def _cards_without_log() -> tuple[int, int, int] | None:
    """A card's version goes up by one with every logged change, so a card at version V
    must have log rows for versions 2..V. This catches rows cut off the end of the
    chain, which the chain itself cannot show."""
    logged: dict[int, set[int]] = {}
    rows = (Correction.select(Correction.card, Correction.card_version)
            .where(Correction.card.is_null(False)).distinct().tuples())
    for card_id, version in rows:
        logged.setdefault(card_id, set()).add(version)
    cards = Card.select(Card.id, Card.version).where(Card.version > 1).order_by(Card.id).tuples()
    for card_id, version in cards:
        have = logged.get(card_id, set())
        if not set(range(2, version + 1)) <= have:
            return card_id, version, len(have)
    return None


def changes_since(card_id: int, version: int) -> list[Correction]:
    """Log rows of a card written after it was at `version` (for conflict messages)."""
    return list(Correction.select().where((Correction.card == card_id)
                                          & (Correction.card_version > version))
                .order_by(Correction.id))
