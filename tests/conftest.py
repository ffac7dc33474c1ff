"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server.

PostgreSQL: APCARD_TEST_PG_URL (a superuser or CREATEDB role on an existing server), or a
throw-away server this file starts from Debian's binaries (/usr/lib/postgresql/*/bin) on
127.0.0.1 for the session. When no server can be had, PostgreSQL tests are skipped locally
and fail under CI (env CI set): CI must never pass without having run them.

Speed: SQLite tests get a copy of a database migrated once per session; PostgreSQL tests
share one migrated database that is truncated before each test (a schema mismatch left
by an earlier test makes it rebuilt). Tests that need a database without any tables
(init, migrations) take `empty_db_url`, a brand new database each time.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # running pytest without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.pgserver import free_port, pg_bindir  # noqa: E402  (one server helper for tests and bench)
from models.config import Config, load_config  # noqa: E402

BACKENDS = ("sqlite", "postgres")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


# --- the PostgreSQL server ---------------------------------------------------------


@dataclass
class PgServer:
    """A PostgreSQL server we may create databases on."""

    host: str
    port: int
    user: str
    password: str | None
    maintenance_db: str
    # A server this file started: its Unix socket's folder and its data folder (peer
    # authentication tests add pg_hba.conf lines there).
    socket_dir: str = ""
    data_dir: str = ""

    def url(self, dbname: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str | None = None):
        import psycopg2

        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user,
                                password=self.password, dbname=dbname or self.maintenance_db,
                                connect_timeout=5)
        conn.autocommit = True
        return conn

    def create_database(self, name: str) -> str:
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _LocalServer:
    """initdb + pg_ctl into a temp dir. Postgres refuses to run as root, so as root the
    cluster belongs to the `postgres` system user (created by Debian's package)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="apcard-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"{args[0]} failed: {' / '.join(tail)}")

    def start(self) -> PgServer:
        if self.as_postgres:
            import pwd

            pw_ = pwd.getpwnam("postgres")
            os.chown(self.dir, pw_.pw_uid, pw_.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")
        # Durability is worthless for a throw-away test cluster; speed is not.
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", opts, "start")
        os.chmod(self.dir, 0o755)  # other OS accounts reach the socket (peer tests)
        return PgServer("127.0.0.1", self.port, "postgres", None, "postgres",
                        str(self.dir), str(self.data))

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _server_from_url(url: str) -> PgServer:
    u = urlparse(url)
    return PgServer(u.hostname or "127.0.0.1", u.port or 5432, u.username or "postgres",
                    u.password, u.path.lstrip("/") or "postgres")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    """The session's PostgreSQL server, or None (with the reason in `pg_server.reason`)."""
    local: _LocalServer | None = None
    server: PgServer | None = None
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        _PG_FAILURE.append("psycopg2 is not installed (pip install -e '.[postgres]')")
        yield None
        return
    try:
        if os.environ.get("APCARD_TEST_PG_URL"):
            server = _server_from_url(os.environ["APCARD_TEST_PG_URL"])
        else:
            bindir = pg_bindir()
            if bindir is None:
                raise RuntimeError("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin "
                                   "(apt-get install postgresql)")
            local = _LocalServer(bindir)
            server = local.start()
        server.connect().close()
    except Exception as exc:  # any reason at all: report it once, per test
        _PG_FAILURE.append(" ".join(str(exc).split()))
        server = None
    previous = _stop_on_sigterm() if local is not None else None
    try:
        yield server
    finally:
        if local is not None:
            local.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm():
    """A CI timeout or `kill` sends SIGTERM, which ends Python without running fixture
    teardown and would leave the server running: make it an interrupt pytest unwinds."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    return signal.signal(signal.SIGTERM, interrupt)


_PG_FAILURE: list[str] = []


def _require_pg(request: pytest.FixtureRequest) -> PgServer:
    server = request.getfixturevalue("pg_server")
    if server is None:
        reason = f"PostgreSQL unavailable: {_PG_FAILURE[-1] if _PG_FAILURE else 'unknown'}"
        if in_ci():
            pytest.fail(reason + " (CI: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(reason)
    return server


# --- databases -----------------------------------------------------------------------

_SESSION = f"t{os.getpid()}"
_counter = itertools.count()


def _migrate(url: str) -> None:
    from models import migrations
    from models.db import make_database

    db = make_database(url)
    try:
        db.connect()
        migrations.upgrade(db)
    finally:
        _close(db)


def _close(db) -> None:
    if db is None:
        return
    if hasattr(db, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "apcard.db"
    _migrate(f"sqlite:///{path}")
    # Tests copy the file alone: what the migrations left in its -wal goes into it first
    # (a connection closed later would checkpoint it, after some copies were made empty).
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def _pg_shared(request: pytest.FixtureRequest) -> Iterator[tuple[PgServer, str]]:
    server = _require_pg(request)
    name = f"apcard_{_SESSION}_shared"
    server.create_database(name)
    _migrate(server.url(name))
    yield server, name
    with contextlib.suppress(Exception):
        server.drop_database(name)


def _reset_shared(server: PgServer, name: str) -> None:
    """Empty every table of the shared database, or rebuild it if a test changed its schema."""
    from models import migrations

    with contextlib.closing(server.connect(name)) as conn, conn.cursor() as cur:
        # Connections a test left open (a CLI call's pool) must not block TRUNCATE.
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {r[0] for r in cur.fetchall()}
        version = None
        if "schema_version" in tables:
            cur.execute("SELECT MAX(version) FROM schema_version")
            version = cur.fetchone()[0]
        if version == migrations.LATEST and tables >= _expected_tables():
            data = sorted(tables - {"schema_version", BOOKS_SNAPSHOT})
            if data:
                cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in data)
                            + " RESTART IDENTITY CASCADE")
            return
    server.create_database(name)
    _migrate(server.url(name))


def _expected_tables() -> set[str]:
    from models.tables import ALL_TABLES

    return {m._meta.table_name for m in ALL_TABLES}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty, fully migrated database (no rows), SQLite or PostgreSQL."""
    if backend == "sqlite":
        path = tmp_path / "apcard.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        server, name = request.getfixturevalue("_pg_shared")
        _reset_shared(server, name)
        yield server.url(name)
    _unbind()


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a brand new database without any table (for init and migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        _unbind()
        return
    server = _require_pg(request)
    name = f"apcard_{_SESSION}_e{next(_counter)}"
    url = server.create_database(name)
    yield url
    _unbind()
    with contextlib.suppress(Exception):
        server.drop_database(name)


def _unbind() -> None:
    """Close whatever the test bound to the proxy and forget cached codebooks."""
    from models import codebook
    from models.db import database_proxy

    _close(database_proxy.obj)
    database_proxy.initialize(None)
    codebook.reload()


@pytest.fixture
def db(db_url: str):
    """A migrated, empty database bound to models.db.database_proxy."""
    from models import codebook
    from models.db import open_database

    codebook.reload()
    database = open_database(db_url)
    yield database
    _close(database)


# --- codebooks ------------------------------------------------------------------------

BOOKS_SNAPSHOT = "zz_test_codebook_snapshot"  # kept across tests; never truncated


@pytest.fixture(scope="session")
def _sqlite_books(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    """A SQLite database with the shipped codebooks loaded once (the loader runs its
    full check there; tests that test the loader itself call it directly)."""
    from codebooks.loader import load
    from models.db import make_database

    path = tmp_path_factory.mktemp("books") / "books.db"
    shutil.copyfile(_sqlite_template, path)
    database = make_database(f"sqlite:///{path}")
    from models.db import database_proxy

    previous = database_proxy.obj
    database_proxy.initialize(database)
    try:
        load(database)
    finally:
        _close(database)
        database_proxy.initialize(previous)
    return path


@pytest.fixture
def books(db, backend: str, request: pytest.FixtureRequest):
    """The shipped codebooks in the test's database. Copied from a snapshot loaded once
    per session: loading them anew for each test would cost seconds on PostgreSQL."""
    from models import codebook

    copy_books(db, backend, request)
    codebook.reload()
    yield
    codebook.reload()


def copy_books(db, backend: str, request: pytest.FixtureRequest) -> None:
    """Put the shipped codebooks into the migrated, empty database `db`."""
    columns = ", ".join(f.column_name for f in _codebook_fields())
    if backend == "sqlite":
        path = request.getfixturevalue("_sqlite_books")
        db.execute_sql("ATTACH DATABASE ? AS books_src", (str(path),))
        db.execute_sql(f"INSERT INTO codebook_entry ({columns}) "
                       f"SELECT {columns} FROM books_src.codebook_entry")
        db.execute_sql("DETACH DATABASE books_src")
    else:
        if BOOKS_SNAPSHOT not in db.get_tables():
            from codebooks.loader import load

            load(db)
            db.execute_sql(f"CREATE TABLE {BOOKS_SNAPSHOT} AS SELECT * FROM codebook_entry")
        else:
            db.execute_sql(f"INSERT INTO codebook_entry ({columns}) "
                           f"SELECT {columns} FROM {BOOKS_SNAPSHOT}")
            db.execute_sql("SELECT setval(pg_get_serial_sequence('codebook_entry', 'id'), "
                           "(SELECT MAX(id) FROM codebook_entry))")


def _codebook_fields():
    from models.tables import CodebookEntry

    return CodebookEntry._meta.sorted_fields


# --- configuration -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own APCARD_* settings must not leak into tests."""
    for var in ("APCARD_CONFIG", "APCARD_DB", "APCARD_DEBUG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def make_cfg(tmp_path: Path) -> Callable[[str], Config]:
    """Factory: the repo's config.toml copied to a temp dir with the database URL set."""

    def make(url: str) -> Config:
        text = (ROOT / "config.toml").read_text(encoding="utf-8")
        text, n = re.subn(r'(?m)^url\s*=\s*".*"', f'url = "{url}"', text, count=1)
        assert n == 1, "config.toml has no [database] url line"
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)

    return make


@pytest.fixture
def cfg(make_cfg: Callable[[str], Config], db_url: str) -> Config:
    """A Config whose database is the test's migrated database."""
    return make_cfg(db_url)


# --- CI: a PostgreSQL test is never skipped -----------------------------------------


def _uses_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgres" in callspec.params.values():
        return True
    return item.get_closest_marker("postgres") is not None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and _uses_postgres(item) and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"PostgreSQL test skipped in CI: {report.longrepr}"
