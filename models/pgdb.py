"""The PostgreSQL database (imported for a postgresql:// URL only: SQLite's processes never
load psycopg2).

Fewer round trips for the same statements:

- BEGIN goes to the server with the transaction's first statement, in one message
  (`BEGIN; <statement>`), not on its own: every transaction (a save, a draft) waits
  once less for the server and, with a hundred operators' processes on a few cores,
  once less for its process to be scheduled again. A transaction that sends nothing
  sends nothing at its end either. Code that takes the driver's connection or a cursor
  itself (`connection()`, `cursor()`) gets the BEGIN sent first, on its own.
- A save's last statement may end its transaction itself (`last_statement`): the
  statement, COMMIT and a read of what it wrote go to the server in one message, so the
  locks the transaction holds (its journal counter's row, the log's chain) are released
  as soon as the server is done, without waiting for the client process to be
  scheduled again to send COMMIT. The transaction block around it then finds no
  transaction open on the server and sends no COMMIT of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playhouse.pool import PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE


class PostgresDatabase(PooledPostgresqlDatabase):
    def _pending(self) -> bool:
        return getattr(self._state, "begin_pending", False)

    def _set_pending(self, value: bool) -> None:
        self._state.begin_pending = value

    def begin(self, isolation_level: Any = None) -> None:
        if isolation_level or self._isolation_level:
            super().begin(isolation_level)
            return
        if self.is_closed():
            self.connect()
        self._set_pending(True)  # sent with the first statement

    def _send_begin(self) -> None:
        if self._pending():
            self._set_pending(False)
            super().cursor().execute("BEGIN")

    def connection(self) -> Any:
        conn = super().connection()
        self._send_begin()
        return conn

    def cursor(self, named_cursor: Any = None) -> Any:
        cursor = super().cursor(named_cursor)
        if self._pending():
            self._set_pending(False)
            cursor.execute("BEGIN")
        return cursor

    def _execute_cursor(self, sql: str, params: Any, **cursor_options: Any) -> Any:
        if self._pending():
            self._set_pending(False)
            sql = f"BEGIN; {sql}"
        return super()._execute_cursor(sql, params, **cursor_options)

    def commit(self) -> None:
        if self._pending():
            self._set_pending(False)
            return  # nothing was sent: nothing to commit
        conn = self._state.conn
        if conn is not None and conn.info.transaction_status == TRANSACTION_STATUS_IDLE:
            return  # committed by its last statement (last_statement): nothing is open
        super().commit()

    def rollback(self) -> None:
        if self._pending():
            self._set_pending(False)
            return
        super().rollback()

    def connect(self, reuse_if_open: bool = False) -> bool:
        opened = super().connect(reuse_if_open)
        if opened:
            self._set_pending(False)
        return opened

    def last_statement(self, sql: str, params: Sequence[Any], then: str,
                       then_params: Sequence[Any] = ()) -> list[tuple]:
        """Run `sql` as the last statement of the outermost transaction, commit, and
        return the rows of `then` (a query run after the commit), all in one round trip.
        An error in `sql` or at the commit raises as any statement's and leaves nothing
        written (the server skips what follows a failed statement of the message)."""
        if self.transaction_depth() != 1:
            raise RuntimeError("last_statement ends the outermost transaction only")
        cursor = self.execute_sql(f"{sql}; COMMIT; {then}", (*params, *then_params))
        return cursor.fetchall()
