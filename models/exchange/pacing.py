"""An import on PostgreSQL gives way to the operators keying beside it.

Niceness reaches the import's own processes, not its database backend, which does most
of the work (the log's triggers of every card written): so after each of its write
transactions the import looks at how many other sessions of this database are at work
(running a statement, inside a transaction, or done with one within the last second),
and pauses for a multiple of the time it has just worked. (Where that count cannot be
had, how much slower its own transactions have become stands in for it: a weaker sign,
as its own checking processes slow them too.) Nobody else at work: no pause, full speed. Operators at work:
the import works in the gaps they leave, and never less than MIN_SHARE of the time, so
a large package always advances and finishes.

With nobody else at work after a turn (`Pacer.alone`) the import writes its next batch's
new cards in one transaction instead of a few cards at a time.

The pause comes after the commit: the import holds no lock while it waits, and what it
has written stays written (a stopped import resumes, as ever).
"""

from __future__ import annotations

import time
from typing import Any

import peewee as pw

IMPORT_APP = "apcard import"  # the application name of the import's sessions (not counted)
WINDOW_MS = 1000  # a session that finished a statement within this is at work
PER_SHARE = 2.0  # sessions at work for each time the import's working time it pauses
MIN_SHARE = 0.05  # the least share of the time the import works: it always advances
MAX_PAUSE_S = 5.0  # the longest single pause (a long turn is not followed by a longer one)
SLOW_FROM = 3.0  # own transactions this many times slower than its best: a busy server
SMOOTH = 0.3  # weight of the last turn in the smoothed seconds per card
TIMED_FROM = 10  # a smaller turn is mostly the transaction's own cost: not timed per card
DRIFT = 0.01  # the best follows a register growing under the import: +1% a turn at most

# Other client sessions of this database at work. A role may see only its own sessions'
# state: the database gives `apcard_sessions_at_work()` (models/pgroles.py) the right to
# count everyone's, and nothing more; without it the count is of what this role sees.
AT_WORK = ("SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() "
           "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
           f"AND application_name <> '{IMPORT_APP}' AND (state <> 'idle' OR state_change > "
           f"clock_timestamp() - interval '{WINDOW_MS} milliseconds')")


def pause_for(busy_s: float, others: int, slowdown: float = 1.0) -> float:
    """Seconds to pause after `busy_s` seconds of work, when `others` sessions are at
    work beside the import and its own transactions run `slowdown` times slower than
    its best (1.0: as fast as ever)."""
    if busy_s <= 0:
        return 0.0
    ratio = max(others / PER_SHARE, slowdown - SLOW_FROM, 0.0)
    ratio = min(ratio, 1 / MIN_SHARE - 1)
    return min(busy_s * ratio, MAX_PAUSE_S)


class Latency:
    """How much slower the import's own writing has become: seconds per new card,
    smoothed over the last turns, against the least it has been (the server idle). A
    register growing from empty makes each card a little dearer to write: the best
    follows that slow drift (DRIFT a turn), a sudden slowdown stands out."""

    def __init__(self) -> None:
        self.now: float | None = None
        self.best: float | None = None

    def observe(self, txn_s: float, cards: int) -> float:
        """The slowdown after a turn of `cards` new cards in `txn_s` (a turn of other
        work, or of a few cards, is not timed)."""
        if cards >= TIMED_FROM and txn_s >= 0:
            per_card = txn_s / cards
            self.now = per_card if self.now is None else \
                SMOOTH * per_card + (1 - SMOOTH) * self.now
            self.best = self.now if self.best is None else \
                min(self.best * (1 + DRIFT), self.now)
        if self.now is None or not self.best:
            return 1.0
        return self.now / self.best


class Pacer:
    """The pauses of one import on PostgreSQL (on SQLite it is off: intake.py leaves the
    write lock free there instead)."""

    def __init__(self, db: Any, on: bool) -> None:
        self.db, self.on = db, on
        self.resumed = time.monotonic()
        self.latency = Latency()
        self.query = AT_WORK
        self.blind = False  # the count misses other roles' sessions: pace by latency too
        # nobody else was at work after the last turn (and its own writing was not
        # slower than its best): the next new cards may go in one longer transaction
        self.alone = False
        if on:
            db.execute_sql(f"SET application_name = '{IMPORT_APP}'")
            counts, sees_all = db.execute_sql(
                "SELECT to_regproc('apcard_sessions_at_work') IS NOT NULL AND "
                "has_function_privilege('apcard_sessions_at_work()', 'EXECUTE'), "
                "pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')").fetchone()
            if counts:
                self.query = "SELECT apcard_sessions_at_work()"
            self.blind = not (counts or sees_all)

    def others(self) -> int:
        try:
            return int(self.db.execute_sql(self.query).fetchone()[0] or 0)
        except pw.DatabaseError:  # a server without the view's columns: pace by latency
            self.query, self.blind = "SELECT 0", True
            return 0

    def turned(self, txn_s: float, cards: int) -> float:
        """After a write transaction that took `txn_s` and wrote `cards` new cards (0:
        a turn of other work, not timed against the others): pause as due. Returns the
        pause."""
        if not self.on:
            return 0.0
        slowdown = self.latency.observe(txn_s, cards)
        # Its own slowdown also comes from its checking processes beside it: a signal
        # only where the count of the others cannot be had.
        others = self.others()
        pause = pause_for(time.monotonic() - self.resumed, others,
                          slowdown if self.blind else 1.0)
        self.alone = others == 0 and pause == 0
        if pause > 0:
            time.sleep(pause)
        self.resumed = time.monotonic()
        return pause
