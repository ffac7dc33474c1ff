"""Schema migrations. Every database, new or old, is built by running them in order.

A new database runs v0001..latest, so the upgrade path is the code every install
runs, not a side road. Each module `vNNNN_name.py` has VERSION, DESCRIPTION and
`upgrade(db, migrator)`. A migration freezes the shape it creates: it must not
read today's models for tables a later migration changes.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import peewee as pw
    from playhouse.migrate import SchemaMigrator


def _files() -> list[tuple[int, str]]:
    """(version, module name) of every migration, from the file names alone: a start
    that only checks the schema's version imports none of them (nor playhouse.migrate,
    which brings PostgreSQL's driver)."""
    found = sorted((int(info.name[1:5]), info.name) for info in pkgutil.iter_modules(__path__)
                   if info.name[:1] == "v" and info.name[1:5].isdigit())
    versions = [v for v, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must be 1..N without gaps, got {versions}")
    return found


FILES = _files()
LATEST = FILES[-1][0]
_loaded: list[ModuleType] = []


def migrations() -> list[ModuleType]:
    """The migration modules in order (imported on first use)."""
    if not _loaded:
        mods = [importlib.import_module(f"{__name__}.{name}") for _, name in FILES]
        for (version, name), mod in zip(FILES, mods, strict=True):
            if mod.VERSION != version:
                raise RuntimeError(f"{name}: VERSION {mod.VERSION} does not match its name")
        _loaded[:] = mods
    return _loaded


def __getattr__(name: str) -> list[ModuleType]:
    if name == "MIGRATIONS":  # the old name, still read by callers
        return migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def migrator_for(db: pw.Database) -> SchemaMigrator:
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

    from models.db import is_postgres

    return PostgresqlMigrator(db) if is_postgres(db) else SqliteMigrator(db)


def current_version(db: pw.Database) -> int:
    if "schema_version" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


# PostgreSQL advisory lock key of schema upgrades ("apcard" in ASCII).
LOCK_KEY = 0x617063617264


@contextlib.contextmanager
def upgrade_lock(db: pw.Database, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """One schema upgrade at a time. PostgreSQL: a session advisory lock; SQLite: an
    exclusive lock on `<database file>.upgrade-lock` (a long migration outlasts any
    busy timeout). `waiting` is called once when another upgrade holds the lock; this
    one then waits for it."""
    from models.db import is_postgres

    if is_postgres(db):
        if not db.execute_sql("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            if waiting is not None:
                waiting()
            db.execute_sql("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        return
    path = str(db.database)
    if path in ("", ":memory:"):
        yield
        return
    import fcntl

    fd = os.open(path + ".upgrade-lock", os.O_RDWR | os.O_CREAT, 0o660)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def upgrade(db: pw.Database, target: int | None = None,
            waiting: Callable[[], None] | None = None) -> list[int]:
    """Apply pending migrations, each in its own transaction; returns versions applied.
    Holds the upgrade lock: a second upgrade started meanwhile waits, then finds the
    schema current and applies nothing."""
    target = LATEST if target is None else target
    if current_version(db) > LATEST:
        raise RuntimeError(f"database schema version {current_version(db)} is newer than "
                           f"this apcard ({LATEST}): upgrade apcard")
    with upgrade_lock(db, waiting), _as_owner(db) as owner:
        done = current_version(db)  # again: another upgrade may have run meanwhile
        applied = []
        migrator = migrator_for(db)
        for mod in migrations():
            if done < mod.VERSION <= target:
                with db.atomic():
                    mod.upgrade(db, migrator)
                    db.execute_sql(
                        "INSERT INTO schema_version (version, applied_at, description) "
                        "VALUES (%s, CURRENT_TIMESTAMP, %s)" % ((db.param,) * 2),
                        (mod.VERSION, mod.DESCRIPTION),
                    )
                applied.append(mod.VERSION)
        if owner and applied:
            from models import pgroles

            pgroles.grant(db)  # new tables and functions get their groups' rights
    return applied


@contextlib.contextmanager
def _as_owner(db: pw.Database) -> Iterator[bool]:
    """PostgreSQL after `apcard db roles`: the schema's objects belong to apcard_owner,
    so the migrations run as it (the superuser may SET ROLE); True when they do."""
    from models.db import is_postgres

    if not is_postgres(db):
        yield False
        return
    from models import pgroles

    owner = pgroles.owner_role(db)
    try:
        yield owner
    finally:
        if owner:
            db.execute_sql("RESET ROLE")
