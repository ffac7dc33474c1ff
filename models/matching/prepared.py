"""A search's statement run as a prepared statement on PostgreSQL.

A search sends one statement of a dozen indexed look-ups; parsing and planning it
costs the server about as much as running it. On PostgreSQL each statement shape
(the text, whose lists are padded to a few fixed lengths) is prepared once per
connection (PREPARE) and then only executed (EXECUTE), which skips both. SQLite
keeps its own cache of compiled statements, so there it is run as it is.
"""

from __future__ import annotations

import re
from typing import Any

from models.db import is_postgres
from models.digest import sha1

_known: dict[tuple[int, int], set[str]] = {}  # (id(connection), backend pid) -> names
_PARAM = re.compile(r"%s")


def padded(values: list[Any], step: int) -> list[Any]:
    """`values` repeated at the end up to a multiple of `step` (an IN list that keeps
    its meaning and gives few distinct statement shapes)."""
    if not values:
        return values
    return values + [values[-1]] * (-len(values) % step)


def run(db: Any, sql: str, params: list[Any]) -> list[tuple]:
    """The statement's rows; prepared once per connection and shape on PostgreSQL."""
    if not is_postgres():
        return db.execute_sql(sql, params).fetchall()
    conn = db.connection()
    key = (id(conn), conn.get_backend_pid())
    names = _known.get(key)
    cursor = conn.cursor()
    if names is None:  # a connection not seen yet (or a new one at the same address)
        cursor.execute("SELECT name FROM pg_prepared_statements")
        names = _known[key] = {r[0] for r in cursor.fetchall()}
    name = "apcard_m_" + sha1(sql.encode()).hexdigest()[:16]
    if name not in names:
        counter = iter(range(1, len(params) + 1))
        cursor.execute(f"PREPARE {name} AS " + _PARAM.sub(lambda _: f"${next(counter)}", sql))
        names.add(name)
    marks = ", ".join(["%s"] * len(params))
    cursor.execute(f"EXECUTE {name}({marks})" if params else f"EXECUTE {name}", params)
    return cursor.fetchall()
