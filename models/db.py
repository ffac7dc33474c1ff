"""The database: one peewee proxy, SQLite (embedded default) or PostgreSQL by URL."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import peewee as pw

from models import wal

database_proxy = pw.DatabaseProxy()


class DatabaseError(Exception):
    """A database problem worth one line to the user."""


def _create_shared(path: str) -> None:
    """The new database file made with the permissions the umask leaves of rw-rw-rw-:
    SQLite's own rw-r--r-- would leave a server install's group (umask 007) unable to
    write what one of them created. SQLite gives its -wal and -shm files the same."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError:
        pass  # made by another process first, or SQLite says why when it opens the file


def _sqlite(url: str, busy_timeout_ms: int) -> pw.SqliteDatabase:
    path = url[len("sqlite:///"):]
    if path != ":memory:":
        folder = Path(path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create database folder {folder}: {exc.strerror}") from None
        if not Path(path).exists():
            _create_shared(path)
        elif not os.access(path, os.W_OK):
            raise DatabaseError(f"database file {path} is read-only")
        wal.watch(path)  # the log copied back off the save's path (models/wal.py)
    db = pw.SqliteDatabase(
        path,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": busy_timeout_ms,
            "synchronous": "normal",
            "cache_size": -16000,
            "wal_autocheckpoint": wal.PAGES_BEFORE_WRITERS_CHECKPOINT,
        },
        timeout=busy_timeout_ms / 1000,
    )
    # The functions the log triggers call (models/logpath.py): a connection without
    # them, such as the sqlite3 shell's, cannot write a logged table.
    from models.logpath import SQLITE_FUNCTIONS

    for name, (fn, nargs) in SQLITE_FUNCTIONS.items():
        db.register_function(fn, name, nargs)
    return db


def _postgres(url: str, pool_size: int) -> pw.Database:
    """postgresql://user:password@host:port/name; without a host (postgresql:///name) or
    with ?host=/run/postgresql, over the Unix socket, where peer authentication makes
    the OS account its own database role."""
    from urllib.parse import parse_qs

    from models.pgdb import PostgresDatabase

    u = urlparse(url)
    query = parse_qs(u.query)
    host = query.get("host", [unquote(u.hostname or "")])[0] or None
    return PostgresDatabase(
        unquote(u.path.lstrip("/")),
        user=unquote(u.username) if u.username else None,
        password=unquote(u.password) if u.password else None,
        host=host,
        port=u.port or int(query.get("port", ["5432"])[0]),
        max_connections=pool_size,
        stale_timeout=300,
        timeout=10,
        connect_timeout=5,
    )


def make_database(url: str, pool_size: int = 4, busy_timeout_ms: int = 5000) -> pw.Database:
    if url.startswith("sqlite:///"):
        return _sqlite(url, busy_timeout_ms)
    if url.startswith(("postgresql://", "postgres://")):
        return _postgres(url, pool_size)
    raise DatabaseError(f"unsupported database URL {url!r} (sqlite:/// or postgresql://)")


def open_database(url: str, pool_size: int = 4, busy_timeout_ms: int = 5000) -> pw.Database:
    """Bind the proxy to the database at `url` and check that it answers."""
    db = make_database(url, pool_size, busy_timeout_ms)
    database_proxy.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
    except Exception as exc:
        if is_database_error(exc):
            raise DatabaseError(f"cannot open database {safe_url(url)}: {one_line(exc)}") from None
        raise
    return db


SMALL_CACHE_KIB = 512


def small_cache(db: pw.Database, kib: int = SMALL_CACHE_KIB) -> None:
    """A process kept open all day (the card screen) keeps a small page cache: SQLite
    holds on to every page it read up to `cache_size`, so the process would grow with
    the register. Its queries are indexed; the pages stay in the system's file cache.
    Each connection has its own (the card screen's and its search thread's): reading
    the article parts' book alone filled a 2 MiB one."""
    if isinstance(db, pw.SqliteDatabase):
        db.pragma("cache_size", -kib, permanent=True)


def is_database_error(exc: BaseException) -> bool:
    """A failure of the database (server gone, disk full, file read-only, locked, a
    constraint, a row gone meanwhile), not of the program: said in one line, the work
    on screen kept. Drivers' own errors (psycopg2.OperationalError ...) included."""
    return (isinstance(exc, pw.PeeweeException | pw.DoesNotExist | sqlite3.Error)
            or type(exc).__module__.startswith("psycopg"))


def close_database() -> None:
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


def is_postgres(db: pw.Database | None = None) -> bool:
    db = db or database_proxy.obj
    return isinstance(db, pw.PostgresqlDatabase)


def write_transaction(db: pw.Database | None = None) -> Any:
    """A transaction that reads and then writes. On SQLite it takes the write lock at
    BEGIN (IMMEDIATE), waiting for it up to the busy timeout: a deferred transaction
    that read first would get "database is locked" at its first write, without waiting,
    when another operator's write committed after that read. Inside a transaction it is
    a savepoint of that one (whose BEGIN decided already)."""
    db = db or database_proxy.obj
    if is_postgres(db) or db.transaction_depth() > 0:
        return db.atomic()
    return db.atomic("IMMEDIATE")


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    u = urlparse(url)
    if u.password:
        return url.replace(":" + u.password + "@", ":***@")
    return url


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
