"""Copy a whole bench register from its SQLite file into a migrated PostgreSQL
database: every table by COPY, secondary indexes dropped during the load and rebuilt
after, foreign keys and triggers not fired (the rows were checked when first written),
sequences moved past the copied ids, then VACUUM ANALYZE."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

CHUNK = 50_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value: object) -> str:
    if value is None:
        return "\\N"
    return str(value).translate(_ESCAPES)


def copy_register(sqlite_path: Path, url: str) -> None:
    import psycopg2

    from models import migrations
    from models.db import make_database

    db = make_database(url)
    db.connect()
    migrations.upgrade(db)
    db.close_all() if hasattr(db, "close_all") else db.close()
    u = urlparse(url)
    pg = psycopg2.connect(host=u.hostname, port=u.port, user=u.username,
                          dbname=u.path.lstrip("/"))
    pg.autocommit = True
    with contextlib.closing(pg), pg.cursor() as cur, \
            contextlib.closing(sqlite3.connect(sqlite_path)) as src:
        cur.execute("SET session_replication_role = replica")  # no FK checks, no triggers
        tables = [r[0] for r in src.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'schema_version'")]
        for table in tables:
            if not src.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                continue
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                        "AND indexname NOT LIKE '%%pkey'", (table,))
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            rows = src.execute(f'SELECT * FROM "{table}"')
            cols = ", ".join(f'"{d[0]}"' for d in rows.description)
            while chunk := rows.fetchmany(CHUNK):
                buf = io.StringIO()
                for r in chunk:
                    buf.write("\t".join(map(_cell, r)) + "\n")
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buf)
            for _, create in indexes:
                cur.execute(create)
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            seq = cur.fetchone()[0]
            if seq:
                cur.execute(f'SELECT setval(%s, (SELECT MAX(id) FROM "{table}"))', (seq,))
            cur.execute(f'VACUUM ANALYZE "{table}"')
