"""The `seal` table (models/seal.py keeps what a seal means), apart so that a start can
tell whether the day's seal is made without importing the log's models: a start checks
whenever someone starts apcard, and seals at most once a day."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from models.tables import BaseModel, now

DAILY = dt.timedelta(days=1)


class Seal(BaseModel):
    row = pw.IntegerField()
    hash = pw.CharField(max_length=64)
    at = pw.DateTimeField()
    source = pw.CharField(max_length=16, default="manual")  # manual, daily, dispatch, export
    db_user = pw.CharField(max_length=64, default="")
    note = pw.TextField(default="")

    class Meta:
        table_name = "seal"


def last_seal_at() -> dt.datetime | None:
    return Seal.select(pw.fn.MAX(Seal.at)).scalar()


def sealed_within_a_day(at: dt.datetime | None = None) -> bool:
    """A seal in the last day: no seal is due, whatever the log holds. False on a
    register without the table."""
    if not Seal.table_exists():
        return False
    last = last_seal_at()
    return last is not None and (at or now()) - last < DAILY
