"""The PostgreSQL database (imported for a postgresql:// URL only: SQLite's processes never
load psycopg2).

A save's last statement may end its transaction itself (`last_statement`): the statement,
COMMIT and a read of what it wrote go to the server in one message, so the locks the
transaction holds (its journal counter's row, the log's chain) are released as soon as the
server is done, without waiting for the client process to be scheduled again to send
COMMIT (with a hundred operators' processes on a few cores, that wait was most of the
time a journal's counter stayed locked). The transaction block around it then finds no
transaction open on the server and sends no COMMIT of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playhouse.pool import PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE


class PostgresDatabase(PooledPostgresqlDatabase):
    def commit(self) -> None:
        conn = self._state.conn
        if conn is not None and conn.info.transaction_status == TRANSACTION_STATUS_IDLE:
            return  # committed by its last statement (last_statement): nothing is open
        super().commit()

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
