"""The log itself (models/audit.py is the module other code imports): the `correction`
table, the transaction that hands the database who, what and why, the hash chain.

The log of every change to registered data: append-only, hash-chained, written by the
database itself.

Triggers on cards, persons, legal entities and users (migration v0010) write a row per
changed column (a whole-row row, field `*`, for an insert or a delete) with the database
user, the database's time and the user, event and reason the application hands over
with `writing(...)`. A card of the register changes only with a reason (dispatch and
execution excepted) and is never deleted; no row of the log is ever updated or deleted.
So a change made outside apcard (psql, the sqlite3 shell) is logged or refused.

Rows written before v0010 (fmt 1) were written by the application; their hash is
sha256 of `canonical` and the previous hash. Rows since (fmt 2) hash
`models.logpath.canonical_v2`. `verify_chain` walks both; models/replay.py checks the
data against the log; models/seal.py anchors the chain's head outside the database.
What other modules call is listed in models/audit.py.

PostgreSQL chains a transaction's rows at its commit (migration v0011): until then
they wait where only the database's owner sees them. What reads the log in the
transaction that wrote it (the rows of a change just made, the head) calls `flush()`
first, which chains them then (and holds the chain's lock from there to the commit).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import peewee as pw

from models import logpath
from models.db import database_proxy, is_postgres, write_transaction
from models.digest import sha256
from models.i18n import T
from models.tables import BaseModel, Card, User

GENESIS = "0" * 64


class Correction(BaseModel):
    # Assigned by the database (previous id + 1): a gap in the numbering is a deleted row.
    id = pw.IntegerField(primary_key=True)
    entity = pw.CharField(max_length=16, default="card")  # card, person, legal_entity, ...
    entity_id = pw.IntegerField(null=True)
    # (looked up through the index on card and version: migration v0015)
    card = pw.ForeignKeyField(Card, null=True, backref="corrections", on_delete="RESTRICT",
                              index=False)
    card_version = pw.IntegerField(null=True)  # the card's version this change produced
    event = pw.CharField(max_length=16)  # lifecycle.Event value, "register", "user", ...
    line = pw.CharField(max_length=8, default="")  # card line number ("14.3"), "" for others
    field_name = pw.CharField(max_length=32)  # a column, or "*": the whole row (JSON)
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)
    reason_code = pw.CharField(max_length=8, null=True)
    reason_text = pw.TextField(default="")
    user = pw.ForeignKeyField(User, null=True, backref="corrections", on_delete="RESTRICT")
    target_user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT",
                                     index=False)
    db_user = pw.CharField(max_length=64, default="")  # PostgreSQL session_user, OS account
    created_at = pw.DateTimeField()
    state = pw.CharField(max_length=71, null=True)  # digest of the whole row after the change
    prev_hash = pw.CharField(max_length=64)
    row_hash = pw.CharField(max_length=64)
    fmt = pw.SmallIntegerField(default=1)  # 1: written by the application, 2: by triggers

    class Meta:
        table_name = "correction"
        indexes = ((("card", "card_version"), False), (("created_at",), False),
                   (("user",), False), (("entity", "entity_id"), False))


# Columns NULL in most rows, indexed where they have a value (migration v0015).
for _column in (Correction.reason_code, Correction.target_user):
    Correction.add_index(_column, where=_column.is_null(False))


# Columns of the log that are bookkeeping, not lines a person reads (history, journal).
TECHNICAL = frozenset({"*", "registered_at", "dispatched_at", "returned_at", "corrected_at",
                       "removed_at", "executed_at", "purged_at", "created_at", "updated_at",
                       "created_by_id", "person_id", "legal_entity_id", "koap_edition"})


def readable() -> pw.Expression:
    """Log rows a person reads: the changed lines, statuses, users' rights, documents;
    not whole-row snapshots or bookkeeping columns (a user's creation excepted)."""
    return (Correction.field_name.not_in(TECHNICAL)
            | ((Correction.entity == "user") & (Correction.field_name == "*")
               & Correction.old_value.is_null()))


@dataclass(frozen=True)
class Entry:
    """A note of the application in the log, about something that is not a logged table
    (a document): `append` writes it with the user, time and hashes."""

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


# The columns a fmt-1 row's hash covers, in this order.
HASHED = ("id", "card", "card_version", "event", "line", "field_name", "old_value",
          "new_value", "reason_code", "reason_text", "user", "target_user", "created_at",
          "prev_hash")


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return value


def canonical(data: Mapping[str, object]) -> str:
    """A fmt-1 row as a stable string: same text on SQLite and PostgreSQL."""
    return json.dumps([[k, _plain(data.get(k))] for k in HASHED], ensure_ascii=False,
                      separators=(",", ":"))


def row_hash(data: Mapping[str, object], prev_hash: str) -> str:
    """The hash a row must have: fmt 1 or fmt 2 by data['fmt']."""
    if data.get("fmt", 1) == 2:
        return logpath.row_hash_v2(data)
    return sha256((canonical(data) + "\n" + prev_hash).encode("utf-8")).hexdigest()


def _db() -> pw.Database:
    return database_proxy.obj


def _set(db: pw.Database, values: Mapping[str, str]) -> None:
    if values:
        names = list(values)
        sql = "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names)
        params = [v for n in names for v in (f"apcard.{n}", values[n])]
        # Nothing reads its answer: it goes with the transaction's next statement
        # (models.pgdb), which the triggers that read these values follow.
        send = getattr(db, "send_later", None)
        if send is not None and db.in_transaction():
            send(sql, params)
        else:
            db.execute_sql(sql, params)


@contextlib.contextmanager
def writing(user: User | None = None, event: str | None = None,
            reason_code: str | None = None, reason: str | None = None,
            reasons: Mapping[str, tuple[str | None, str]] | None = None) -> Iterator[None]:
    """A transaction whose changes to registered data the database logs with `user`,
    `event` and the reason (one for all columns, or `reasons` per column). Inside
    another `writing`, the values given here hold until this one ends.
    SQLite: BEGIN IMMEDIATE takes the write lock first, so what the caller reads (a
    card's version) cannot change under it."""
    db = _db()
    outer = logpath.current()
    opened = db.transaction_depth() == 0  # this block's transaction: its settings end with it
    atomic = write_transaction(db)
    with atomic, logpath.context(user_id=user.id if user is not None else None, event=event,
                                 reason_code=reason_code, reason=reason,
                                 reasons=reasons) as values:
        if is_postgres(db):
            _set(db, values)
        try:
            yield
        finally:
            # Inside a longer transaction the outer block's values come back; a transaction
            # of its own ends here (no round trip to restore what the commit drops).
            if is_postgres(db) and values and not opened and db.in_transaction():
                with contextlib.suppress(pw.PeeweeException):
                    _set(db, {k: outer.get(k, "") for k in values})


def flush() -> None:
    """PostgreSQL: chain this transaction's log rows now rather than at its commit, so
    that it reads them (`SET CONSTRAINTS`: a login role may; the flush itself is the
    database owner's). Nothing to do outside a transaction, or on SQLite (each row is
    chained as it is written)."""
    db = _db()
    if is_postgres(db) and db.in_transaction():
        db.execute_sql("SET CONSTRAINTS apcard_flush IMMEDIATE; "
                       "SET CONSTRAINTS apcard_flush DEFERRED")


def writing_depth() -> int:
    """How many `writing` blocks are open in this thread (1: the outermost)."""
    return logpath.depth()


def rows_of(card_id: int, version: int) -> list[Correction]:
    """The readable log rows of one change of a card."""
    flush()
    return list(Correction.select().where((Correction.card == card_id)
                                          & (Correction.card_version == version) & readable())
                .order_by(Correction.id))


# --- the application's notes (documents) ------------------------------------------------

_NOTE_SQLITE = (
    "INSERT INTO correction (id, entity, entity_id, card_id, card_version, event, line, "
    "field_name, old_value, new_value, reason_code, reason_text, user_id, target_user_id, "
    "db_user, created_at, state, prev_hash, row_hash, fmt) "
    "SELECT n.id, 'document', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, apcard_user(), ?, n.dbu, n.at, "
    "NULL, n.prev, apcard_hash(n.id, 'document', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "apcard_user(), ?, n.dbu, n.at, NULL, n.prev), 2 FROM (SELECT COALESCE(MAX(id), 0) + 1 AS id, "
    f"COALESCE((SELECT row_hash FROM correction ORDER BY id DESC LIMIT 1), '{GENESIS}') AS prev, "
    "apcard_ctx('db_user') AS dbu, strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime') AS at "
    "FROM correction) AS n")


def append(entries: list[Entry], user: User | None) -> list[Correction]:
    """Notes about documents (not a logged table), chained like every row. Call inside
    `writing()`. Registered data is never written this way: its triggers log it."""
    db = _db()
    if not db.in_transaction():
        raise RuntimeError("audit.append must run inside audit.writing()")
    if not entries:
        return []
    with writing(user):
        for e in entries:
            args = [e.card_id, e.card_version, e.event, e.line, e.field_name, e.old_value,
                    e.new_value, e.reason_code, e.reason_text, e.target_user_id]
            if is_postgres(db):
                db.execute_sql("SELECT apcard_note(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", args)
            else:
                db.execute_sql(_NOTE_SQLITE, args + args)
        # Chained now, the notes are the log's last rows: the chain's lock (PostgreSQL)
        # or the write lock (SQLite) keeps anyone else's after them till the commit.
        flush()
        rows = list(Correction.select().order_by(Correction.id.desc()).limit(len(entries)))
    return rows[::-1]


# --- the chain ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    """The last row of the chain: its number, hash and time (0, GENESIS, None: empty)."""

    row: int
    hash: str
    at: dt.datetime | None


def head() -> Head:
    flush()
    last = Correction.select(Correction.id, Correction.row_hash, Correction.created_at) \
        .order_by(Correction.id.desc()).first()
    return Head(last.id, last.row_hash, last.created_at) if last else Head(0, GENESIS, None)


@dataclass(frozen=True)
class VerifyResult:
    rows: int  # rows checked (all of them when ok)
    broken_id: int | None = None  # the first log row at fault
    card_id: int | None = None  # kept for callers; the data check names cards now
    problem: T | None = None
    head: str = GENESIS  # hash of the last row
    entity: str | None = None  # a data row at fault: its table and id
    entity_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stored(row: Correction) -> dict[str, object]:
    return dict(row.__data__)


def walk(batch: int = 5000) -> Iterator[Correction]:
    """Every log row in id order, in batches (a big log is not held in memory)."""
    last = 0
    while True:
        rows = list(Correction.select().where(Correction.id > last).order_by(Correction.id)
                    .limit(batch))
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Walk the log in id order; report the first row that does not fit the chain (a
    tail cut off leaves a chain that holds: the data (models/replay.py) and the seals
    find it)."""
    flush()
    prev, expected, count = GENESIS, 1, 0
    for row in walk(batch):
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
    return VerifyResult(count, head=prev)


def changes_since(card_id: int, version: int) -> list[Correction]:
    """Readable log rows of a card written after it was at `version` (for conflict
    messages)."""
    flush()
    return list(Correction.select().where((Correction.card == card_id)
                                          & (Correction.card_version > version) & readable())
                .order_by(Correction.id))
