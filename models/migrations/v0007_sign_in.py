"""v7: password sign-in attempts counted per login typed (known or not), so parallel
attempts cannot exceed the lock and an unknown login answers like a known one."""

from __future__ import annotations

import peewee as pw

VERSION = 7
DESCRIPTION = "sign-in attempts per login"


def upgrade(db: pw.Database, migrator) -> None:
    class SignIn(pw.Model):
        login = pw.CharField(max_length=64, primary_key=True)
        failures = pw.IntegerField(default=0)
        locked_until = pw.DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "sign_in"

    db.create_tables([SignIn])
