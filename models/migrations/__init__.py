"""Schema migrations. Every database, new or old, is built by running them in order.

A new database runs v0001..latest, so the upgrade path is the code every install
runs, not a side road. Each module `vNNNN_name.py` has VERSION, DESCRIPTION and
`upgrade(db, migrator)`. A migration freezes the shape it creates: it must not
read today's models for tables a later migration changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator

from models.db import is_postgres


def _discover() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name[:1] == "v" and info.name[1:5].isdigit():
            mods.append(importlib.import_module(f"{__name__}.{info.name}"))
    mods.sort(key=lambda m: m.VERSION)
    versions = [m.VERSION for m in mods]
    if versions != list(range(1, len(mods) + 1)):
        raise RuntimeError(f"migration versions must be 1..N without gaps, got {versions}")
    return mods


MIGRATIONS = _discover()
LATEST = MIGRATIONS[-1].VERSION


def migrator_for(db: pw.Database) -> SchemaMigrator:
    return PostgresqlMigrator(db) if is_postgres(db) else SqliteMigrator(db)


def current_version(db: pw.Database) -> int:
    if "schema_version" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def upgrade(db: pw.Database, target: int | None = None) -> list[int]:
    """Apply pending migrations, each in its own transaction; returns versions applied."""
    target = LATEST if target is None else target
    done = current_version(db)
    if done > LATEST:
        raise RuntimeError(f"database schema version {done} is newer than this apcard "
                           f"({LATEST}): upgrade apcard")
    applied = []
    migrator = migrator_for(db)
    for mod in MIGRATIONS:
        if done < mod.VERSION <= target:
            with db.atomic():
                mod.upgrade(db, migrator)
                db.execute_sql(
                    "INSERT INTO schema_version (version, applied_at, description) "
                    "VALUES (%s, CURRENT_TIMESTAMP, %s)" % ((db.param,) * 2),
                    (mod.VERSION, mod.DESCRIPTION),
                )
            applied.append(mod.VERSION)
    return applied
