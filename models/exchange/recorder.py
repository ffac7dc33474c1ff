"""The package's records made by a second process while the export's first one works
the register (the dispatch's statements, the log's chain and rows, the package's rows).

Half of an export's processor time on SQLite is Python making texts from the cards it
read back: the dispatched cards' state digests (the log's `state`) and the records'
JSON. The first process hands each slice of cards to the second as it read them (their
rows through a pipe, marshalled: a few microseconds a card); the second digests the
dispatched cards' states and sends them back at once (models.batchlog writes the
slice's log rows with them after the next slice's statements), then writes the slice's
records to the package's data file and its SHA-256. The two work at the same time on
two processors. The bytes are the same as one process writes (the same functions).

The second process is a fork (os.fork, ended by os._exit): it has the codebooks the records
need already read (`codebook.known` below) and never touches the database: the
connection it inherits is the first process's, so the child unbinds it, and a use of it
fails instead of sharing a connection between two processes. Its reading thread takes
the next slice off the pipe while it works on one: neither process waits for the other
to read (a slice is larger than a pipe holds), and only a few slices are in flight:
memory does not grow with the package.

An error in the second process (or its death: the pipe closes) is raised in the first
where it next sends or waits for an answer: the transaction open then is rolled back,
as an error writing a record there would have rolled it back; the package is not
written (models.exchange.export discards it).
"""

from __future__ import annotations

import contextlib
import marshal
import multiprocessing as mp
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable
from typing import Any

from models import codebook, logpath
from models.db import database_proxy
from models.digest import bulk_sha256
from models.exchange import format as fmt
from models.exchange.common import ExchangeError
from models.i18n import T

# What the second process does with a slice's rows (columns `names`) and its plan:
# write the records to the writer (models.exchange.export.write_records).
Write = Callable[[fmt.PackageWriter, list[str], list[tuple[Any, ...]], list[Any]], None]

_MARSHAL, _PICKLE = b"m", b"p"


def available() -> bool:
    """Whether this system can fork a second process (not Windows) and has a second
    processor for it to run on (on one, the split only adds the marshalling)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return "fork" in mp.get_all_start_methods() and (cpus or 1) >= 2


def _dump(obj: Any) -> bytes:
    # marshal: the SQLite driver's values (str, int, float, bytes, None) several times
    # faster than pickle; other drivers' (dates, decimals) by pickle
    try:
        return _MARSHAL + marshal.dumps(obj)
    except ValueError:
        return _PICKLE + pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _load(data: bytes) -> Any:
    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == _MARSHAL else pickle.loads(body)


STOPPED = T("Пакетті жазатын екінші процесс тоқтап қалды: пакет жазылмады",
            "Второй процесс, пишущий пакет, остановился: пакет не записан")


class RecordProcess:
    """The first process's side: `send` a slice, `finish` at the end, `close` always."""

    def __init__(self, writer: fmt.PackageWriter, write: Write) -> None:
        codebook.known("article", "")  # the article book read now: the child cannot
        self._conn, child = mp.Pipe()  # a socket pair, each end framing messages
        self._writer = writer
        self.pid = os.fork()
        if self.pid == 0:  # the second process: it never returns from here
            code = 1
            try:
                self._conn.close()
                _serve(child, writer, write)
                code = 0
            finally:
                os._exit(code)  # no interpreter shutdown: nothing of the parent's is flushed
        child.close()  # the child's end is the child's: its death closes the pipe
        self._ended = False

    def send(self, names: list[str], rows: list[tuple[Any, ...]], plan: list[Any],
             state_columns: list[int] | None = None, sent: list[int] | None = None
             ) -> Callable[[], list[str]] | None:
        """Hand over a slice: the records of `plan` are written from `rows`. With `sent`
        (places in `rows`), the states of those rows (logpath.states of `state_columns`)
        are digested first: the function returned gives them (call them in order)."""
        want = bool(sent)
        try:
            self._conn.send_bytes(_dump((names, rows, plan, state_columns if want else None,
                                         sent if want else None)))
        except OSError:
            self._failed()
        return self._states if want else None

    def _states(self) -> list[str]:
        return self._answer("states")[1]

    def finish(self) -> None:
        """Every slice's records are written: the data file's SHA-256 and count go to
        the writer (for its manifest); the second process ends."""
        try:
            self._conn.send_bytes(_dump(None))
        except OSError:
            self._failed()
        _, digest, records = self._answer("done")
        self._writer.written_by(digest, records)
        self._reap()

    def close(self) -> None:
        """End the second process if it still runs (after an error)."""
        if not self._ended:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()
        self._conn.close()

    def _reap(self) -> None:
        os.waitpid(self.pid, 0)
        self._ended = True

    def _answer(self, kind: str) -> Any:
        try:
            got = _load(self._conn.recv_bytes())
        except (EOFError, OSError):
            raise ExchangeError(STOPPED) from None
        if got[0] == "error":
            raise _error(*got[1:])
        if got[0] != kind:  # (a protocol error of this module)
            raise RuntimeError(f"record process: {got[0]} instead of {kind}")
        return got

    def _failed(self) -> None:
        """The pipe broke: raise the second process's error, if it sent one."""
        while True:
            try:
                if not self._conn.poll(5):
                    break
                got = _load(self._conn.recv_bytes())
            except (EOFError, OSError):
                break
            if got[0] == "error":
                raise _error(*got[1:])
        raise ExchangeError(STOPPED)


def _error(data: bytes | None, text: str) -> BaseException:
    """The second process's exception again (its text, if it does not unpickle)."""
    try:
        exc = pickle.loads(data) if data is not None else None
    except Exception:
        exc = None
    return exc if isinstance(exc, BaseException) else RuntimeError(text)


# --- the second process ---------------------------------------------------------------------

def _serve(conn: Any, writer: fmt.PackageWriter, write: Write) -> None:
    database_proxy.initialize(None)  # the first process's connection: never used here
    slices: queue.Queue[bytes | None] = queue.Queue(maxsize=1)

    def take() -> None:  # the next slice off the pipe while the last one is worked on
        try:
            while True:
                slices.put(conn.recv_bytes())
        except (EOFError, OSError):
            slices.put(None)

    threading.Thread(target=take, daemon=True).start()
    sha = bulk_sha256()
    try:
        while True:
            data = slices.get()
            if data is None:
                return  # the first process went away
            got = _load(data)
            if got is None:
                writer.flush()
                conn.send_bytes(_dump(("done", writer.digest(), writer.records)))
                return
            names, rows, plan, state_columns, sent = got
            if sent:
                conn.send_bytes(_dump(("states", logpath.states(
                    tuple(names[i] for i in state_columns), [rows[i] for i in sent], sha,
                    state_columns))))
            write(writer, names, rows, plan)
    except BaseException as exc:
        try:
            payload: bytes | None = pickle.dumps(exc)
        except Exception:
            payload = None
        with contextlib.suppress(OSError):
            conn.send_bytes(_dump(("error", payload, f"{type(exc).__name__}: {exc}")))
