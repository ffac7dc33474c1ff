"""Registration-journal numbers (line 6): the next number of an organisation's journal
for a year, in constant time, and without two cards ever sharing a number.

One counter row per organisation (the card's authority) and year holds the highest
number registered. `next_journal_no` reads it: one indexed row, whatever the size of
the register. The number it gives is a proposal, not a reservation: a new card that
is never saved leaves no hole in the journal, and the next new card is offered the
same number again (a registration journal is numbered without gaps).

The number is claimed when the card is saved, in the save's transaction
(`claim_journal_no`): the counter row is locked (PostgreSQL: SELECT ... FOR UPDATE;
SQLite: the save already holds the database's write lock), the number is checked
against the cards of that journal and year, and the counter moved on. The lock is
taken last, after the card's rows are written, so it is held only for one indexed
look-up and one update before the commit. When two operators save the same proposal,
the second card gets the next free number and the screen says so. A number the
operator typed (from a paper journal kept outside apcard) is stored as typed; it moves
the counter on when it is higher.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import peewee as pw

from models.db import database_proxy, is_postgres
from models.tables import BaseModel, Card, Status

PAD = 5  # proposals are zero-padded: 00042
LARGEST = 10 ** 11  # a longer number does not move the counter (line 6 holds 12 chars)
NOT_IN_JOURNAL = (Status.REMOVED.value, Status.PURGED.value, Status.DRAFT.value)


class JournalCounter(BaseModel):
    """The highest registration number of an organisation's journal in a year."""

    authority = pw.CharField(max_length=16)
    year = pw.SmallIntegerField()
    last_no = pw.BigIntegerField(default=0)

    class Meta:
        indexes = ((("authority", "year"), True),)


def next_journal_no(authority: str, year: int | None = None) -> str:
    """The next registration-journal number (line 6) of an organisation for a year:
    one more than the highest registered, zero-padded to 5 digits. O(1)."""
    year = year or dt.date.today().year
    db = database_proxy.obj
    p = db.param  # the statement's text made once per engine: built anew, it costs more
    sql = _NEXT.get(p)  # processor time than the look-up (a screen asks twice per card)
    if sql is None:
        sql = _NEXT[p] = (f'SELECT "last_no" FROM "{JournalCounter._meta.table_name}" '
                          f'WHERE "authority" = {p} AND "year" = {p} LIMIT 1')
    row = db.execute_sql(sql, (authority, year)).fetchone()
    return f"{(row[0] if row else 0) + 1:0{PAD}d}"


_NEXT: dict[str, str] = {}


def _forms(n: int) -> list[str]:
    """Every way the number may be written in line 6: 42, 042, ..., 000000000042."""
    plain = str(n)
    return [plain.rjust(width, "0") for width in range(len(plain), 13)]


def number_holder(authority: str, year: int, n: int) -> int | None:
    """What holds number `n` (any zero-padding) in this journal and year: a card's id,
    0 for an entry without a card (models.registration_journal), None when it is free.
    Bounded look-ups on the (authority, journal_no) and Proceeding.number indexes."""
    forms = _forms(n)
    if not forms:  # longer than line 6 holds
        return None
    forms += [forms[-1]] * (_WIDTHS - len(forms))  # a fixed count: the text made once
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    db = database_proxy.obj
    card_sql, entry_sql = _holder_sql(db.param)
    row = db.execute_sql(card_sql, (authority, *forms, start, end, *NOT_IN_JOURNAL)).fetchone()
    if row:
        return int(row[0])
    entry = db.execute_sql(entry_sql, (*forms, start, end)).fetchone()
    return 0 if entry else None


_WIDTHS = 12  # line 6 holds up to 12 characters: a number written 1..12 digits wide


@cache
def _holder_sql(p: str) -> tuple[str, str]:
    """number_holder's two statements for an engine's parameter mark, their text made
    once (built anew by the query builder for each claim, they cost ten times the
    look-ups)."""
    from models.register_tables import Proceeding

    forms = ", ".join([p] * _WIDTHS)
    card = (f'SELECT "id" FROM "{Card._meta.table_name}" WHERE "authority" = {p} '
            f'AND "journal_no" IN ({forms}) AND "journal_date" BETWEEN {p} AND {p} '
            f'AND "status" NOT IN ({", ".join([p] * len(NOT_IN_JOURNAL))}) LIMIT 1')
    entry = (f'SELECT "id" FROM "{Proceeding._meta.table_name}" WHERE "number" IN '
             f'({forms}) AND "{Proceeding.card.column_name}" IS NULL AND '
             f'"registered_on" BETWEEN {p} AND {p} LIMIT 1')
    return card, entry


def _locked_last(authority: str, year: int) -> int:
    """The counter's value, its row locked until the transaction ends (created at 0
    the first time: a concurrent creator is waited for, not duplicated)."""
    db = database_proxy
    p = db.param
    table = f'"{JournalCounter._meta.table_name}"'
    lock = " FOR UPDATE" if is_postgres() else ""
    select = f'SELECT "last_no" FROM {table} WHERE "authority" = {p} AND "year" = {p}{lock}'
    row = db.execute_sql(select, (authority, year)).fetchone()
    if row is None:
        db.execute_sql(f'INSERT INTO {table} ("authority", "year", "last_no") '
                       f"VALUES ({p}, {p}, 0) ON CONFLICT DO NOTHING", (authority, year))
        row = db.execute_sql(select, (authority, year)).fetchone()
    return int(row[0])


# The claimed number as line 6 stores it: the text kept when the number is the one
# given, else the number zero-padded to PAD digits (as f"{n:0{PAD}d}").
_CLAIMED = (f"(SELECT CASE WHEN j.n = %s THEN %s ELSE lpad(j.n::text, greatest({PAD}, "
            "length(j.n::text)), '0') END FROM (SELECT apcard_journal_claim(%s, %s, %s, %s, "
            "%s) AS n) AS j)")


def claim_expression(row: dict[str, Any], proposed: str | None = None
                     ) -> tuple[str, tuple[Any, ...]] | None:
    """PostgreSQL: claim_journal_no as an expression of the card's INSERT (the value of
    its journal_no column), so that the counter's row is locked by the statement that
    writes the card and released by the commit sent with it (models.pgdb): the same
    claim, the same number. None when line 6 claims nothing (the row's value stands)."""
    number = (row.get("journal_no") or "").strip()
    authority, day = row.get("authority"), row.get("journal_date")
    if not number.isdigit() or not authority or day is None:
        return None
    n = int(number)
    kept = proposed is not None and number == proposed.strip()
    return _CLAIMED, (n, row.get("journal_no"), authority, day.year, n, kept, LARGEST)


def claim_journal_no(row: dict[str, Any], proposed: str | None = None) -> str | None:
    """Inside the save's transaction, before the card is written (the database logs a
    card's insert; a change right after it would be a correction): make its journal
    number its own. A number equal to `proposed` (what next_journal_no offered and the
    operator kept) is moved to the next free one if another card took it meanwhile (the
    new number is put in `row`). A number the operator typed is the paper journal's and
    is kept as typed. The counter's row stays locked till the commit. Returns the number
    (None when line 6 holds no number)."""
    number = (row.get("journal_no") or "").strip()
    authority, day = row.get("authority"), row.get("journal_date")
    if not number.isdigit() or not authority or day is None:
        return row.get("journal_no")
    year = day.year
    n = int(number)
    kept = proposed is not None and number == proposed.strip()
    if is_postgres():  # one round trip under the counter's lock (migration v0012)
        claimed = database_proxy.execute_sql(
            "SELECT apcard_journal_claim(%s, %s, %s, %s, %s)",
            (authority, year, n, kept, LARGEST)).fetchone()[0]
        if claimed != n:
            number = f"{claimed:0{PAD}d}"
            row["journal_no"] = number
        return number
    last = _locked_last(authority, year)
    if kept and number_holder(authority, year, n) is not None:
        n = max(n, last) + 1
        while number_holder(authority, year, n) is not None:
            n += 1  # a number typed above the counter, or received from elsewhere
        number = f"{n:0{PAD}d}"
        row["journal_no"] = number
    if last < n < LARGEST:
        (JournalCounter.update(last_no=n)
         .where((JournalCounter.authority == authority) & (JournalCounter.year == year))
         .execute())
    return number
