"""Seals: the log's head (last row, its hash, the time) recorded where the writers of the
log cannot change it, so that a log rewritten from the start (hashes recomputed) or cut
short is found out by `apcard audit verify --seal FILE|latest`.

Where a seal is kept:
- the `seal` table: on PostgreSQL written only by apcard_seal(), a function of the
  schema's owner that reads the head itself (no login role may insert, change or delete
  a seal); on SQLite by the application;
- every export package to the Directorate (models.exchange puts the head's hash in its
  manifest as `audit_seal`, and seals here with source `export`), out of reach of anyone
  here once it is sent (`verify --seal manifest.json` checks one);
- a line of text an administrator prints or mails (`apcard audit seal`, `--out FILE`).

Automatic seals: on every dispatch, and when the last one is older than a day (checked
whenever someone starts apcard).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from models.auditlog import GENESIS, Correction, Head, head
from models.db import database_proxy, is_postgres, write_transaction
from models.i18n import T
from models.seal_table import Seal, sealed_within_a_day
from models.tables import now

_LINE = re.compile(r"apcard seal: log row (\d+), sha256 ([0-9a-f]{64})")
# An export package's manifest carries the head's hash alone (models.exchange).
_MANIFEST = re.compile(r'"audit_seal"\s*:\s*"([0-9a-f]{64})"')


@dataclass(frozen=True)
class SealMark:
    """A seal as text carries it: the row, its hash, when."""

    row: int
    hash: str
    at: dt.datetime | None = None

    def text(self, where: str = "") -> str:
        when = self.at.strftime("%Y-%m-%d %H:%M:%S") if self.at else "?"
        return (f"apcard seal: log row {self.row}, sha256 {self.hash}, {when}"
                + (f", {where}" if where else ""))


def make(source: str = "manual", note: str = "") -> SealMark:
    """Seal the log's head now (committed with the caller's transaction, if any)."""
    db = database_proxy.obj
    if is_postgres(db):
        sid = db.execute_sql("SELECT apcard_seal(%s, %s)", (source[:16], note)).fetchone()[0]
        row = Seal.get_by_id(sid)
    else:
        from models.logpath import os_account

        h = head()
        row = Seal.create(row=h.row, hash=h.hash, at=now(), source=source[:16],
                          db_user=os_account(), note=note)
    return SealMark(row.row, row.hash, row.at)


def latest() -> SealMark | None:
    row = Seal.select().order_by(Seal.id.desc()).first()
    return SealMark(row.row, row.hash, row.at) if row else None


def due(at: dt.datetime | None = None) -> bool:
    """No seal in the last day (and the log is not empty)."""
    return not sealed_within_a_day(at) and head().row > 0


def seal_if_due(source: str = "daily") -> SealMark | None:
    db = database_proxy.obj
    if "seal" not in db.get_tables() or not due():
        return None
    with write_transaction(db):
        return make(source)


def parse(text: str) -> list[SealMark]:
    """Every seal in a text: seal lines (a file of seals, a mail) and export manifests'
    `audit_seal` (a hash without its row: row 0)."""
    marks = [SealMark(int(m.group(1)), m.group(2)) for m in _LINE.finditer(text)]
    return marks + [SealMark(0, m.group(1)) for m in _MANIFEST.finditer(text)]


def check(marks: list[SealMark], head_now: Head) -> tuple[SealMark, T] | None:
    """The first seal the log no longer leads to, with why (the chain itself must have
    been verified first: then row N's hash stands for everything up to N)."""
    for mark in marks:
        if mark.row == 0:  # a hash alone: some row of the log must still have it
            if mark.hash != GENESIS and not Correction.select().where(
                    Correction.row_hash == mark.hash).exists():
                return mark, T("Мөрдегі хэш журналда жоқ: журнал қайта жазылған",
                               "Хэша из печати нет в журнале: журнал переписан")
            continue
        row = Correction.get_or_none(Correction.id == mark.row)
        if row is None:
            return mark, T(
                "Мөр {n} жазбаны атайды, ал журналда {h} жазба: журнал қысқартылған",
                "Печать называет запись {n}, а в журнале записей {h}: журнал укорочен"
            ).format(n=mark.row, h=head_now.row)
        if row.row_hash != mark.hash:
            return mark, T(
                "{n} жазбасының хэші мөрдегідей емес: журнал қайта жазылған",
                "Хэш записи {n} не тот, что в печати: журнал переписан"
            ).format(n=mark.row)
    return None
