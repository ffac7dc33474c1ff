"""Bytes to the terminal, in order, without stalling the program on a slow link."""

from __future__ import annotations

import os
import queue
import termios
import threading


class Output:
    """Bytes to the terminal. A small piece with nothing waiting before it is written at
    once by the caller: the answer to a key leaves when its repaint is made, not when a
    writer thread next gets the interpreter (up to 5 ms later). Larger pieces, and any
    piece behind them, go through a thread, so a slow link never stalls the program."""

    DIRECT_MAX = 2048

    def __init__(self, fd: int, encoding: str) -> None:
        self.fd, self.encoding = fd, encoding
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._waiting = 0  # pieces given to the thread and not yet written
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def send(self, text: str) -> None:
        data = text.encode(self.encoding, "replace")
        with self._lock:
            if not self._waiting and len(data) <= self.DIRECT_MAX:
                self._write(data)
                return
            self._waiting += 1
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="apcard-output",
                                                daemon=True)
                self._thread.start()
        self._queue.put(data)

    def drain(self, timeout: float = 5.0) -> None:
        """Wait until everything sent is written (before the program leaves the screen)."""
        self._idle.wait(timeout)

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            self._write(data)
            with self._lock:
                self._waiting -= 1
                if not self._waiting:
                    self._idle.set()

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.fd, view):]
            except InterruptedError:
                continue
            except OSError:  # the terminal is gone (a dropped connection): nothing to show
                return


def onlcr(fd: int) -> bool:
    """The tty sends a LF as CR LF (OPOST and ONLCR: a line discipline's default, which
    Textual leaves as it is)."""
    try:
        oflag = termios.tcgetattr(fd)[1]
    except (termios.error, OSError):
        return False
    return bool(oflag & termios.OPOST and oflag & termios.ONLCR)
