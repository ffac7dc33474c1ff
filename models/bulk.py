"""Writing rows of one table with a statement built once.

Building an INSERT through the query builder costs more than running it (a card has
~60 columns): a package of 100,000 cards writes its persons, legal entities and cards
here, and so does an operator's save its card and new person (`insert_one`), with the
same column values peewee would store (each field's db_value) and the ids in the order
of the rows. Call inside a write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import peewee as pw

from models.db import database_proxy, is_postgres

_SQL: dict[tuple[type[pw.Model], bool, bool],
           tuple[str, list[pw.Field], list[Callable[[Any], Any]]]] = {}
# Columns whose Python value is already what the driver takes: no conversion per value.
_PLAIN = (pw.CharField, pw.TextField, pw.IntegerField, pw.FloatField)


def _statement(model: type[pw.Model], postgres: bool, one: bool = False
               ) -> tuple[str, list[pw.Field], list[Callable[[Any], Any]]]:
    key = (model, postgres, one)
    if key not in _SQL:
        fields = [f for f in model._meta.sorted_fields if not isinstance(f, pw.AutoField)]
        cols = ", ".join(f'"{f.column_name}"' for f in fields)
        table = f'"{model._meta.table_name}"'
        if postgres:
            values = f"({', '.join(['%s'] * len(fields))})" if one else "%s"
            sql = f"INSERT INTO {table} ({cols}) VALUES {values} RETURNING \"id\""
        else:
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(fields))})"
        convert = [_identity if isinstance(f, _PLAIN) and not isinstance(f, pw.ForeignKeyField)
                   else f.db_value for f in fields]
        _SQL[key] = (sql, fields, convert)
    return _SQL[key]


def _identity(value: Any) -> Any:
    return value


def _filled(fields: list[pw.Field], row: dict[str, Any]) -> list[Any]:
    """Each field's value: the row's, else its default, else None."""
    out = []
    for f in fields:
        if f.name in row:
            value = row[f.name]
        elif f.default is not None:
            value = f.default() if callable(f.default) else f.default
        else:
            value = None
        out.append(value)
    return out


def _ids(values: list[Any]) -> list[Any]:
    """A model instance given for a foreign key as its id."""
    return [v.get_id() if isinstance(v, pw.Model) else v for v in values]


def _defaults(fields: list[pw.Field], row: dict[str, Any]) -> list[Any]:
    return _ids(_filled(fields, row))


def insert_one(model: type[pw.Model], row: dict[str, Any]) -> Any:
    """Insert one row (field name -> value; missing fields take their default) and
    return it as `model.create(**row)` would: the instance with its id."""
    db = database_proxy.obj
    postgres = is_postgres(db)
    sql, fields, convert = _statement(model, postgres, one=True)
    values = _filled(fields, row)
    params = tuple(c(v) for c, v in zip(convert, _ids(values), strict=True))
    cursor = db.execute_sql(sql, params)  # peewee's log shows it as any other statement
    new_id = cursor.fetchone()[0] if postgres else cursor.lastrowid
    obj = model(**{f.name: v for f, v in zip(fields, values, strict=True)})
    obj.id = new_id
    obj._dirty.clear()  # as saved: a later save() writes only what changes after this
    return obj


def insert_last(model: type[pw.Model], row: dict[str, Any],
                exprs: dict[str, tuple[str, tuple[Any, ...]]]) -> Any:
    """PostgreSQL: insert one row as the last statement of the outermost transaction and
    commit with it, in one round trip (models.pgdb). `exprs` gives some columns as SQL
    (a fragment with %s and its parameters) computed by the server in the statement;
    their stored values are read back after the commit into the returned instance
    (as insert_one's)."""
    db = database_proxy.obj
    _, fields, convert = _statement(model, True, one=True)
    values = _filled(fields, row)
    marks, params = [], []
    for f, c, v in zip(fields, convert, _ids(values), strict=True):
        if f.name in exprs:
            marks.append(exprs[f.name][0])
            params.extend(exprs[f.name][1])
        else:
            marks.append("%s")
            params.append(c(v))
    table = model._meta.table_name
    cols = ", ".join(f'"{f.column_name}"' for f in fields)
    back = [i for i, f in enumerate(fields) if f.name in exprs]
    read = ", ".join(['"id"', *(f'"{fields[i].column_name}"' for i in back)])
    # currval: the id this session's insert took (the sequence is the session's own).
    # In a subquery, taken once: compared with each row's id, a volatile function
    # cannot use the primary key, and the read scanned the whole table.
    got = db.last_statement(
        f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join(marks)})', params,
        f'SELECT {read} FROM "{table}" WHERE "id" = '
        f"(SELECT currval(pg_get_serial_sequence(%s, 'id')))", (f'"{table}"',))[0]
    for i, v in zip(back, got[1:], strict=True):
        values[i] = fields[i].python_value(v)
    obj = model(**{f.name: v for f, v in zip(fields, values, strict=True)})
    obj.id = got[0]
    obj._dirty.clear()
    return obj


def insert_rows(model: type[pw.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (field name -> value; missing fields take their default) and return
    their ids in order."""
    if not rows:
        return []
    db = database_proxy.obj
    postgres = is_postgres(db)
    sql, fields, convert = _statement(model, postgres)
    params = [tuple(c(v) for c, v in zip(convert, _defaults(fields, row), strict=True))
              for row in rows]
    cursor = db.cursor()
    if postgres:
        from psycopg2.extras import execute_values

        return [r[0] for r in execute_values(cursor, sql, params, page_size=500, fetch=True)]
    ids = []
    for p in params:
        cursor.execute(sql, p)
        ids.append(cursor.lastrowid)
    return ids


def insert_tuples(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples of the driver's values for `columns`, with no
    conversion at all (the caller passes what the database stores)."""
    if not rows:
        return
    db = database_proxy.obj
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor = db.cursor()
    if is_postgres(db):
        from psycopg2.extras import execute_values

        execute_values(cursor, f'INSERT INTO "{table}" ({cols}) VALUES %s', rows,
                       page_size=1000)
        return
    cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})',
                       rows)
