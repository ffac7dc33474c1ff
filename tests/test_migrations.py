"""Schema migrations: an old database upgrades without losing a row, and a migrated
database has exactly the schema the peewee models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

import models
from models import migrations
from models.db import database_proxy, is_postgres, make_database, open_database
from models.migrations import v0001_initial, v0011_chain_at_commit

# --- helpers -------------------------------------------------------------------------


def model_classes() -> dict[str, type[pw.Model]]:
    """Every peewee model bound to the register's database, by table name, found by
    importing every module under models/ (a helper's own models module included)."""
    for info in pkgutil.walk_packages(models.__path__, "models."):
        if not info.name.startswith("models.migrations"):
            importlib.import_module(info.name)
    found: dict[str, type[pw.Model]] = {}
    stack = list(pw.Model.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        meta = cls._meta
        abstract = cls.__subclasses__() and set(meta.fields) <= {"id"}  # a BaseModel
        if meta.database is database_proxy and not abstract:
            found.setdefault(meta.table_name, cls)
    return found


def backfilled() -> dict[str, set[str]]:
    """Columns a migration computes from existing data (declared as BACKFILLED in the
    migration module) rather than filling with the field default."""
    out: dict[str, set[str]] = {}
    for mod in migrations.MIGRATIONS:
        for table, cols in getattr(mod, "BACKFILLED", {}).items():
            out.setdefault(table, set()).update(cols)
    return out


def norm(value: Any) -> Any:
    """One representation for both drivers: SQLite hands back text and 0/1."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def sample(field: pw.Field, row: int, parents: dict[str, list[int]]) -> Any:
    """A value for `field` in row number `row` that exercises the column's type."""
    if isinstance(field, pw.ForeignKeyField):
        ids = parents[field.rel_model._meta.table_name]
        if field.null and row % 2:
            return None
        return ids[row % len(ids)]
    if isinstance(field, pw.BooleanField):
        return row % 2 == 0
    if isinstance(field, pw.BigIntegerField):
        return 9_876_543_210 + row  # beyond 32 bits: the column must really be BIGINT
    if isinstance(field, pw.IntegerField):
        return 40 + row
    if isinstance(field, pw.DateTimeField):
        return dt.datetime(2019, 3, 4, 5, 6, 7) + dt.timedelta(days=row)
    if isinstance(field, pw.DateField):
        return dt.date(1987, 2, 28) + dt.timedelta(days=row)
    if isinstance(field, pw.CharField | pw.TextField):
        if field.null and row == 2:
            return None
        text = f"{row}Әбішұлы Қ.Ө. Ёлкин-{field.column_name}"
        return text[: getattr(field, "max_length", None) or len(text)]
    raise AssertionError(f"no sample value for {type(field).__name__}")


def fill_v1(db: pw.Database, rows_per_table: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Insert rows into every table of the version-1 schema with raw SQL, parents first;
    returns what went in, by table, with the ids the database gave."""
    v1 = v0001_initial.models_v1(db)
    ordered = pw.sort_models(v1)
    parents: dict[str, list[int]] = {}
    written: dict[str, list[dict[str, Any]]] = {}
    p = db.param
    for model in ordered:
        table = model._meta.table_name
        if table == "schema_version":
            written[table] = [dict(zip(("version", "description"), r, strict=True)) for r in
                              db.execute_sql("SELECT version, description FROM schema_version")]
            continue
        fields = [f for f in model._meta.sorted_fields if not isinstance(f, pw.AutoField)]
        cols = ", ".join(f'"{f.column_name}"' for f in fields)
        written[table] = []
        for row in range(rows_per_table):
            values = {f.column_name: sample(f, row, parents) for f in fields}
            params = [values[f.column_name] if is_postgres(db) else norm(values[f.column_name])
                      for f in fields]
            db.execute_sql(f'INSERT INTO "{table}" ({cols}) VALUES '
                           f'({", ".join([p] * len(fields))})', params)
            written[table].append(values)
        ids = [r[0] for r in db.execute_sql(f'SELECT id FROM "{table}" ORDER BY id')]
        assert len(ids) == rows_per_table
        for values, pk in zip(written[table], ids, strict=True):
            values["id"] = pk
        parents[table] = ids
    return written


def read_rows(db: pw.Database, table: str) -> list[dict[str, Any]]:
    pk = "version" if table == "schema_version" else "id"
    cur = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY "{pk}"')
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def expected_default(field: pw.Field) -> tuple[bool, Any]:
    """(checkable, value) the column should hold in a row that existed before it."""
    default = field.default
    if default is not None and not callable(default):
        return True, norm(field.db_value(default))
    if default is None and field.null:
        return True, None
    return False, None


def schema_of(db: pw.Database) -> dict[str, dict[str, Any]]:
    """Tables with their columns (type, null, pk), indexes and foreign keys."""
    out: dict[str, dict[str, Any]] = {}
    for table in db.get_tables():
        if table in v0011_chain_at_commit.INTERNAL_TABLES:
            continue  # the database's own functions use it, no model
        if is_postgres(db):
            cur = db.execute_sql(
                "SELECT column_name, data_type, character_maximum_length, is_nullable "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s", (table,))
            cols = {r[0]: (r[1], r[2], r[3] == "YES") for r in cur.fetchall()}
        else:
            cols = {c.name: (c.data_type.upper(), None, c.null) for c in db.get_columns(table)}
        pks = tuple(db.get_primary_keys(table))
        # an index's key columns: PostgreSQL's INCLUDE columns (v19) are no model's
        width = dict(db.execute_sql(
            "SELECT c.relname, i.indnkeyatts FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid").fetchall()) if is_postgres(db) else {}
        indexes = sorted((tuple(i.columns[:width.get(i.name, len(i.columns))]), i.unique)
                         for i in db.get_indexes(table) if not i.name.endswith("_pkey"))
        fks = sorted((f.column, f.dest_table, f.dest_column, (f.on_delete or "").upper())
                     for f in db.get_foreign_keys(table))
        out[table] = {"columns": cols, "pk": pks, "indexes": indexes, "fks": fks}
    return out


@pytest.fixture
def second_empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path):
    """Another brand new database, for the schema the models alone would create."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'models.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"apcard_models_{tmp_path.name}"[:60].lower().replace("-", "_")
    url = server.create_database(name)
    yield url
    server.drop_database(name)


# --- tests ---------------------------------------------------------------------------


def test_upgrade_from_v1_keeps_every_row(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    assert migrations.current_version(db) == 0
    assert migrations.upgrade(db, target=1) == [1]
    assert migrations.current_version(db) == 1
    v1_tables = set(db.get_tables())
    written = fill_v1(db)
    assert set(written) == v1_tables, "every version-1 table gets rows"

    applied = migrations.upgrade(db)
    assert applied == list(range(2, migrations.LATEST + 1))
    assert migrations.current_version(db) == migrations.LATEST

    classes = model_classes()
    computed = backfilled()
    for table, before in written.items():
        after = read_rows(db, table)
        if table == "schema_version":
            assert [r["version"] for r in after] == list(range(1, migrations.LATEST + 1))
            continue
        assert len(after) == len(before), f"{table}: rows lost or added"
        by_column = {f.column_name: f for f in classes[table]._meta.sorted_fields}
        for old, new in zip(before, after, strict=True):
            assert new["id"] == old["id"]
            for col, value in old.items():
                assert norm(new[col]) == norm(value), f"{table}.{col} changed in row {old['id']}"
            for col in set(new) - set(old) - computed.get(table, set()):
                checkable, want = expected_default(by_column[col])
                if checkable:
                    assert norm(new[col]) == want, (
                        f"{table}.{col}: a new column holds neither its default nor is it "
                        "declared in its migration's BACKFILLED")
                else:
                    assert new[col] is not None, f"{table}.{col}: NOT NULL column left empty"
        for col in computed.get(table, set()):
            _, default = expected_default(by_column[col])
            assert any(norm(r[col]) not in (default, None) for r in after), (
                f"{table}.{col} is declared BACKFILLED but no row was filled")


def test_upgrade_is_a_no_op_when_current(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    assert migrations.upgrade(db) == list(range(1, migrations.LATEST + 1))
    assert migrations.upgrade(db) == []
    count = db.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0]
    assert count == migrations.LATEST


def test_migrated_schema_equals_models(empty_db_url: str, second_empty_url: str) -> None:
    migrated = open_database(empty_db_url)
    migrations.upgrade(migrated)

    classes = model_classes()
    direct = make_database(second_empty_url)
    direct.connect()
    try:
        with direct.bind_ctx(list(classes.values()), bind_refs=False, bind_backrefs=False):
            direct.create_tables(list(classes.values()))
        want, got = schema_of(direct), schema_of(migrated)
    finally:
        direct.close_all() if hasattr(direct, "close_all") else direct.close()

    assert sorted(got) == sorted(want), "tables differ from the models"
    for table in want:
        for aspect in ("columns", "pk", "indexes", "fks"):
            assert got[table][aspect] == want[table][aspect], f"{table}: {aspect} differ"


def test_newer_database_is_refused(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    migrations.upgrade(db)
    db.execute_sql("INSERT INTO schema_version (version, applied_at, description) "
                   f"VALUES ({db.param}, CURRENT_TIMESTAMP, 'from the future')",
                   (migrations.LATEST + 1,))
    with pytest.raises(RuntimeError, match="newer than this apcard"):
        migrations.upgrade(db)
