"""SQLite's write-ahead log copied back into the database off the save's path.

In WAL mode SQLite copies the log back into the database (a checkpoint) when it
passes a size, and the commit that passes it pays for the copy and its fsync: on a
register of two million cards one save in twenty took four times as long. Here a
background thread of each process that opened the register checkpoints it as soon as
the log holds a megabyte (PASSIVE: it never waits for, nor blocks, readers and
writers), so a save only appends to the log. Should the log still grow (a reader
keeping an old snapshot stops the writers from starting it over), past 16 MB the
thread empties it (TRUNCATE) in the first pause of two seconds in the writing: a
TRUNCATE makes writers wait while it copies. The writers' own checkpoint stays on,
at a size the thread keeps the log far below, should the thread ever fall behind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time

PAGES_BEFORE_WRITERS_CHECKPOINT = 20_000  # ~80 MB: reached only if the thread stops
LOG_LIMIT = 1 << 20  # bytes of log that make the thread checkpoint
LOG_TRUNCATE = 16 << 20  # bytes of log that make it start the log over ...
IDLE_S = 2.0  # ... once nothing was written for this long (TRUNCATE makes writers wait)
INTERVAL = 0.5  # seconds between looks at the log
BUSY_S = 0.02  # how long a checkpoint waits for a writer before the next look

_paths: set[str] = set()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def watch(path: str) -> None:
    """Keep the log of the SQLite database at `path` short from now on."""
    global _thread
    with _lock:
        _paths.add(os.path.abspath(path))
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="apcard-wal", daemon=True)
            _thread.start()


def checkpoint(path: str, mode: str = "PASSIVE") -> None:
    """One checkpoint of an existing database (a missing file is let be: the
    connection is opened read-write only, never created)."""
    if not os.path.exists(path):
        return
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True,
                                            timeout=BUSY_S)) as conn:
        conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()


def _run() -> None:
    while True:
        time.sleep(INTERVAL)
        with _lock:
            paths = list(_paths)
        for path in paths:
            try:
                if not os.path.exists(path):
                    with _lock:
                        _paths.discard(path)
                else:
                    log = os.stat(path + "-wal")
                    idle = time.time() - log.st_mtime > IDLE_S
                    if log.st_size > LOG_LIMIT:
                        checkpoint(path, "TRUNCATE" if log.st_size > LOG_TRUNCATE and idle
                                   else "PASSIVE")
            except (OSError, sqlite3.Error):
                continue  # busy, locked, gone: the next look tries again
