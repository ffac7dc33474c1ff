"""One thread for a session's background reads (the duplicate check, the earlier cards
of the persons it found), keeping one database connection open between them.

A new thread per check opened a new connection each time: on SQLite that parses the
schema with the log's triggers again (processor time and memory each time). This thread
opens its connection on its first job and keeps it until `close()` (the session's end)
or until a job fails on the database (the next job connects again: a server gone and
back, a file replaced).

Jobs run one at a time in the order given; a job not yet started is dropped when a newer
one of the same group arrives (the check for the person as retyped replaces the check
for the person as first typed). Each job's answer, or its exception, goes to its `done`
callback, called in this thread: the caller hands it to its own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from models.db import close_database, is_database_error

Done = Callable[[Any, BaseException | None], None]
CLOSE_WAIT_S = 2.0  # at exit: how long to wait for a job running then


class SearchThread:
    def __init__(self, name: str = "apcard-search") -> None:
        self.name = name
        self._jobs: list[tuple[str, Callable[[], Any], Done]] = []
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.connections = 0  # connections opened: one per session unless the database failed

    def submit(self, group: str, work: Callable[[], Any], done: Done) -> bool:
        """Run `work()` in the thread, then `done(result, None)` or `done(None, exc)`.
        False (nothing run) once the thread is closed."""
        with self._cv:
            if self._closed:
                return False
            self._jobs = [j for j in self._jobs if j[0] != group]
            self._jobs.append((group, work, done))
            if self._thread is None or not self._thread.is_alive():
                # A daemon: a job stuck at exit (a dead server) never holds the process.
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._cv.notify()
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def close(self, wait: float = CLOSE_WAIT_S) -> None:
        """No more jobs; the connection closed once the job running (if any) is over."""
        with self._cv:
            self._closed = True
            self._jobs.clear()
            self._cv.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    def _next(self) -> tuple[str, Callable[[], Any], Done] | None:
        with self._cv:
            while not self._jobs and not self._closed:
                self._cv.wait()
            return None if self._closed else self._jobs.pop(0)

    def _run(self) -> None:
        try:
            while (job := self._next()) is not None:
                _, work, done = job
                result: Any = None
                error: BaseException | None = None
                try:
                    result = self._do(work)
                except Exception as exc:
                    error = exc
                    if is_database_error(exc):
                        self._drop_connection()
                done(result, error)
        finally:
            self._drop_connection()

    def _do(self, work: Callable[[], Any]) -> Any:
        from models.db import database_proxy

        db = database_proxy.obj
        was_closed = db is not None and db.is_closed()
        try:
            return work()
        finally:  # peewee connects on a job's first query: counted here
            if was_closed and db is not None and not db.is_closed():
                self.connections += 1

    @staticmethod
    def _drop_connection() -> None:
        try:
            close_database()  # this thread's connection (peewee keeps one per thread)
        except Exception as exc:
            if not is_database_error(exc):
                raise
