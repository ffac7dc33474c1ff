"""Registers of cards for the exchange, statistics and load benches, built once and
cached under data/bench/ (named by their size, seed and a hash of the code that makes
them, so a change of that code builds them anew).

    demo_register(n, seed)   SQLite: codebooks, an administrator, n demo cards keyed
                             through models.cards.register_card (slow; cached)
    big_register(n, seed)    SQLite: n cards made by bulk INSERT ... SELECT from a demo
                             register's cards, spread over two years (for statistics)
    to_postgres(path, url)   the same rows in a PostgreSQL database (COPY, then VACUUM)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = ROOT / "data" / "bench"
VERSION = 1


def _code_hash(*names: str) -> str:
    """The code that makes a cached register; a newer schema is not a reason to make it
    again (`upgraded_copy` brings a copy up to date, as `apcard db upgrade` would)."""
    h = hashlib.sha256(str(VERSION).encode())
    for name in names:
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()[:10]


def _bind(url: str):
    from models import codebook
    from models.db import open_database

    db = open_database(url)
    codebook.reload()
    return db


def fresh_register(path: Path, code: str = "BODY-685") -> None:
    """A migrated SQLite register at `path` with the codebooks and an administrator
    mapped to the OS account running the bench."""
    from codebooks.loader import load
    from models import migrations
    from models.auth import add_user, os_account
    from models.tables import Role

    path.unlink(missing_ok=True)
    db = _bind(f"sqlite:///{path}")
    migrations.upgrade(db)
    load(db)
    add_user("bench", Role.ADMINISTRATOR, by=None, os_account_name=os_account())
    db.close()
    del code


def demo_register(n: int, seed: int = 1, log=print) -> Path:
    """n demo cards (models.demo) in a body's register; cached."""
    import datetime as dt

    path = CACHE / f"cards_{n}_s{seed}_{_code_hash('models/demo.py', 'models/demo_data.py')}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fresh_register(tmp)
    from models import demo
    from models.tables import User

    db = _bind(f"sqlite:///{tmp}")
    log(f"building {n:,} demo cards (cached in {path.name}) ...")
    step = max(1, n // 10)

    def tick(done: int) -> None:
        if done % step < 50:
            log(f"  {done:,} cards")

    demo.load_demo(n, seed, User.get(), progress=tick, today=dt.date(2026, 1, 15))
    db.execute_sql("VACUUM")
    db.close()
    publish(tmp, path)
    return path


def upgraded_copy(path: Path, to: Path) -> Path:
    """A copy of a cached register with its schema brought up to this apcard's."""
    from models import migrations
    from models.db import make_database

    copy_of(path, to)
    db = make_database(f"sqlite:///{to}")
    db.connect()
    try:
        migrations.upgrade(db)
    finally:
        db.close()
    return to


def publish(tmp: Path, path: Path) -> Path:
    """A register built at `tmp` put at `path` by SQLite's backup, not by a rename: this
    process's log thread (models/wal.py) may still hold `tmp` open, and SQLite would then
    meet one file open under two names (a disk I/O error at the next open)."""
    copy_of(tmp, path)
    for suffix in ("", "-wal", "-shm", ".upgrade-lock"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return path


def copy_of(path: Path, to: Path) -> Path:
    """A copy of a register with what its write-ahead log holds (a file copy would leave
    out the pages a connection still open elsewhere has not checkpointed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(to) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return to


def big_register(n: int, seed: int = 1, base: int = 5000, log=print) -> Path:
    """n cards for statistics: a demo register of `base` cards copied over and over with
    their line 6 dates spread over 2024-2025 (the columns statistics read are the
    demo's, the volume is the register's). Cached."""
    path = CACHE / f"stats_{n}_s{seed}_{_code_hash('models/demo.py', 'models/demo_data.py')}.db"
    if path.exists():
        return path
    src = demo_register(base, seed, log)
    tmp = copy_of(src, path.with_suffix(".tmp"))
    log(f"building {n:,} cards by bulk insert (cached in {path.name}) ...")
    from models.db import make_database
    from models.logoff import unlogged

    db = make_database(f"sqlite:///{tmp}")
    db.connect()
    # Copies of generated cards, not an audited register: written without the log, whose
    # triggers are made again afterwards (what the benches then do is logged).
    with unlogged(db):
        db.close()
        _copy_cards(tmp, n, log)
        db.connect()
    db.close()
    publish(tmp, path)
    return path


def _copy_cards(tmp: Path, n: int, log) -> None:
    # The register stays in WAL mode: leaving it needs the file to itself, and the
    # checkpoint thread of the process that built the demo register may look in.
    conn = sqlite3.connect(tmp, timeout=60)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        cols = [r[1] for r in conn.execute("PRAGMA table_info(card)") if r[1] != "id"]
        indexes = [(r[0], r[1]) for r in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='card' "
            "AND sql IS NOT NULL")]
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        have = conn.execute("SELECT COUNT(*) FROM card").fetchone()[0]
        shifted = ", ".join(
            "date(journal_date, '-' || (ABS(RANDOM()) % 700) || ' days')" if c == "journal_date"
            else f'"{c}"' for c in cols)
        names = ", ".join(f'"{c}"' for c in cols)
        while have < n:
            take = min(have, n - have)
            conn.execute(f"INSERT INTO card ({names}) SELECT {shifted} FROM card "
                         f"WHERE status NOT IN ('draft') LIMIT {take}")
            have = conn.execute("SELECT COUNT(*) FROM card").fetchone()[0]
            log(f"  {have:,} cards")
        for _, create in indexes:
            conn.execute(create)
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def to_postgres(path: Path, url: str, tables: tuple[str, ...] = (
        "user", "codebook_entry", "person", "legal_entity", "card")) -> None:
    """Copy the rows of `tables` from the SQLite register into the migrated PostgreSQL
    database at `url` (COPY), move the id sequences on, and VACUUM ANALYZE."""
    import psycopg2

    from models.db import make_database

    db = make_database(url)
    db.connect()
    conn = db.connection()
    src = sqlite3.connect(path)
    with conn.cursor() as cur:  # a copy of a register, not new data: not logged again
        cur.execute("SET session_replication_role = replica")
    try:
        for table in tables:
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            pg_cols = {r[0]: r[1] for r in db.execute_sql(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s", (table,)).fetchall()}
            cols = [c for c in cols if c in pg_cols]
            buf = io.StringIO()
            for row in src.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} '
                                   f'FROM "{table}"'):
                buf.write("\t".join(_copy_value(v, pg_cols[c]) for v, c in zip(row, cols,
                                                                               strict=True))
                          + "\n")
            buf.seek(0)
            with conn.cursor() as cur:
                cur.copy_expert(f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                                "FROM STDIN", buf)
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))')
        conn.commit()
    finally:
        src.close()
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
    old = conn.isolation_level
    conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.set_isolation_level(old)
    with contextlib.suppress(Exception):
        db.close_all() if hasattr(db, "close_all") else db.close()


def _copy_value(value: object, pg_type: str) -> str:
    if value is None:
        return r"\N"
    if pg_type == "boolean":
        return "t" if value in (1, "1", True) else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
