"""Writing many rows of one table with one prepared statement.

Building an INSERT through the query builder costs more than running it (a card has
~60 columns); a package of 100,000 cards writes its persons, legal entities and cards
here, with the same column values peewee would store (each field's db_value) and the
ids in the order of the rows. Call inside a write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import peewee as pw

from models.db import database_proxy, is_postgres

_SQL: dict[tuple[type[pw.Model], bool], tuple[str, list[pw.Field]]] = {}


def _statement(model: type[pw.Model], postgres: bool) -> tuple[str, list[pw.Field]]:
    key = (model, postgres)
    if key not in _SQL:
        fields = [f for f in model._meta.sorted_fields if not isinstance(f, pw.AutoField)]
        cols = ", ".join(f'"{f.column_name}"' for f in fields)
        table = f'"{model._meta.table_name}"'
        if postgres:
            sql = f"INSERT INTO {table} ({cols}) VALUES %s RETURNING \"id\""
        else:
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(fields))})"
        _SQL[key] = (sql, fields)
    return _SQL[key]


def _value(field: pw.Field, row: dict[str, Any]) -> Any:
    if field.name in row:
        value = row[field.name]
    elif field.default is not None:
        value = field.default() if callable(field.default) else field.default
    else:
        value = None
    if isinstance(value, pw.Model):
        value = value.get_id()
    return field.db_value(value)


def insert_rows(model: type[pw.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (field name -> value; missing fields take their default) and return
    their ids in order."""
    if not rows:
        return []
    db = database_proxy.obj
    postgres = is_postgres(db)
    sql, fields = _statement(model, postgres)
    params = [tuple(_value(f, row) for f in fields) for row in rows]
    cursor = db.cursor()
    if postgres:
        from psycopg2.extras import execute_values

        return [r[0] for r in execute_values(cursor, sql, params, page_size=500, fetch=True)]
    ids = []
    for p in params:
        cursor.execute(sql, p)
        ids.append(cursor.lastrowid)
    return ids
