"""The PostgreSQL database (imported for a postgresql:// URL only: SQLite's processes never
load psycopg2).

Fewer round trips for the same statements:

- BEGIN goes to the server with the transaction's first statement, in one message
  (`BEGIN; <statement>`), not on its own: every transaction (a save, a draft) waits
  once less for the server and, with a hundred operators' processes on a few cores,
  once less for its process to be scheduled again. A transaction that sends nothing
  sends nothing at its end either. Code that takes the driver's connection or a cursor
  itself (`connection()`, `cursor()`) gets the BEGIN sent first, on its own.
- A statement whose answer nothing reads (the log's context, `set_config`; a draft
  replaced inside a save) may wait for the transaction's next one and go with it
  (`send_later`). An error in it fails that next statement, and the transaction.
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

    def _later(self) -> list[str]:
        later = getattr(self._state, "later", None)
        if later is None:
            later = self._state.later = []
        return later

    def begin(self, isolation_level: Any = None) -> None:
        if isolation_level or self._isolation_level:
            super().begin(isolation_level)
            return
        if self.is_closed():
            self.connect()
        self._later().clear()
        self._set_pending(True)  # sent with the first statement

    def send_later(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Inside a transaction: `sql` sent with the transaction's next statement (or its
        COMMIT). Outside one: run now."""
        if self.transaction_depth() == 0:
            self.execute_sql(sql, params)
            return
        text = super().cursor().mogrify(sql, params or None).decode()
        self._later().append(text)

    def _prefix(self) -> str:
        """What waits to go with the next statement: BEGIN, statements sent later."""
        parts = []
        if self._pending():
            self._set_pending(False)
            parts.append("BEGIN")
        later = self._later()
        if later:
            parts.extend(later)
            later.clear()
        return "".join(f"{p}; " for p in parts)

    def connection(self) -> Any:
        conn = super().connection()
        prefix = self._prefix()
        if prefix:
            conn.cursor().execute(prefix)
        return conn

    def cursor(self, named_cursor: Any = None) -> Any:
        cursor = super().cursor(named_cursor)
        prefix = self._prefix()
        if prefix:
            cursor.execute(prefix)
        return cursor

    def _execute_cursor(self, sql: str, params: Any, **cursor_options: Any) -> Any:
        prefix = self._prefix()
        if prefix:
            # The driver reads % in the text (peewee always passes parameters, if only
            # none): the prefix's values are in it already.
            sql = prefix.replace("%", "%%") + sql
        return super()._execute_cursor(sql, params, **cursor_options)

    def commit(self) -> None:
        prefix = self._prefix()
        if prefix == "BEGIN; ":
            return  # nothing was sent: nothing to commit
        if prefix:
            super().cursor().execute(prefix + "COMMIT")
            return
        conn = self._state.conn
        if conn is not None and conn.info.transaction_status == TRANSACTION_STATUS_IDLE:
            return  # committed by its last statement (last_statement): nothing is open
        super().commit()

    def rollback(self) -> None:
        self._later().clear()
        if self._pending():
            self._set_pending(False)
            return
        super().rollback()

    def connect(self, reuse_if_open: bool = False) -> bool:
        opened = super().connect(reuse_if_open)
        if opened:
            self._set_pending(False)
            self._later().clear()
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
