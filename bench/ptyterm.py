"""A pseudo-terminal harness for benchmarking a full-screen program byte by byte.

`PtyTerm` runs a program on a real pseudo-terminal of a given size (pty.fork, the
window size set in the child before exec, so the program never sees another size),
reads everything it writes in a thread with a timestamp per read, and feeds it to the
terminal model (`bench.termscreen.Screen`) so the bench can wait for what is *on
screen* ("the form is ready", "the value appeared") instead of sleeping.

`send` writes one key and waits until the program has answered and gone quiet (no
byte for `quiet` seconds); the bytes it wrote, when the first one came and when the
last one came are measured afterwards from the timestamped reads (`window`), so a
late repaint (a timer, a worker thread) still counts against the key that caused it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.termscreen import Screen

# Keys as the terminal sends them. xterm and its relatives (xterm-16color, screen,
# tmux) send SS3 for F1..F4; the Linux console sends ESC [ [ A.. (terminfo kf1..kf5).
XTERM_KEYS = {"f1": b"\x1bOP", "f2": b"\x1bOQ", "f3": b"\x1bOR", "f4": b"\x1bOS",
              "f5": b"\x1b[15~", "enter": b"\r", "tab": b"\t", "shift+tab": b"\x1b[Z",
              "escape": b"\x1b", "backspace": b"\x7f", "ctrl+u": b"\x15", "up": b"\x1b[A",
              "down": b"\x1b[B", "f9": b"\x1b[20~", "ctrl+q": b"\x11"}
LINUX_KEYS = {**XTERM_KEYS, "f1": b"\x1b[[A", "f2": b"\x1b[[B", "f3": b"\x1b[[C",
              "f4": b"\x1b[[D", "f5": b"\x1b[[E"}


def keys_for(term: str) -> dict[str, bytes]:
    return LINUX_KEYS if term == "linux" else XTERM_KEYS


# --- the pseudo-terminal ---------------------------------------------------------------

@dataclass
class Window:
    """Output caused by one action: bytes written in [start, end)."""

    start: float
    data: bytes
    first: float | None  # seconds from start to the first byte
    last: float | None  # seconds from start to the last byte of the first burst
    late_bytes: int  # bytes after the first burst went quiet (timers, workers)


class AppExited(RuntimeError):
    pass


class PtyTerm:
    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: str | None = None,
                 cols: int = 80, rows: int = 24) -> None:
        self.cols, self.rows = cols, rows
        self.screen = Screen(cols, rows)
        self.chunks: list[tuple[float, bytes]] = []
        self._cond = threading.Condition()
        self.closed = False
        self.t_spawn = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child: size first, so the program's first look sees 80x24
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], list(argv), env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.status: int | None = None
        self._watch: Callable[[Screen], bool] | None = None
        self._watch_hit: float | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            now = time.perf_counter()
            with self._cond:
                if not data:
                    self.closed = True
                    self._cond.notify_all()
                    return
                self.chunks.append((now, data))
                self.screen.feed(data)
                if self._watch is not None and self._watch_hit is None \
                        and self._watch(self.screen):
                    self._watch_hit = now  # the read that made it true, to the microsecond
                self._cond.notify_all()

    # -- waiting ----------------------------------------------------------------------------
    def wait_screen(self, pred: Callable[[Screen], bool], timeout: float) -> float | None:
        """Wait until `pred(screen)` holds; the time of the read that made it hold
        (perf_counter; checked by the reader after every read), or None on timeout."""
        deadline = time.perf_counter() + timeout
        with self._cond:
            if pred(self.screen):
                return self.chunks[-1][0] if self.chunks else time.perf_counter()
            self._watch, self._watch_hit = pred, None
            try:
                while self._watch_hit is None:
                    left = deadline - time.perf_counter()
                    if left <= 0 or self.closed:
                        return None
                    self._cond.wait(left)
                return self._watch_hit
            finally:
                self._watch = None

    def wait_quiet(self, since_index: int, quiet: float, first_timeout: float,
                   max_wait: float = 10.0) -> None:
        """Wait for output after chunk `since_index`, then for `quiet` seconds without any."""
        start = time.perf_counter()
        with self._cond:
            while True:
                now = time.perf_counter()
                got = len(self.chunks) > since_index
                if self.closed or now - start > max_wait:
                    return
                if not got:
                    left = first_timeout - (now - start)
                    if left <= 0:
                        return
                    self._cond.wait(left)
                    continue
                left = quiet - (now - self.chunks[-1][0])
                if left <= 0:
                    return
                self._cond.wait(left)

    # -- acting ---------------------------------------------------------------------------
    def mark(self) -> int:
        with self._cond:
            return len(self.chunks)

    def write(self, data: bytes) -> tuple[float, int]:
        """Write `data` (one key); (write time, output chunks before it)."""
        if self.closed:
            raise AppExited("the program has exited")
        with self._cond:
            self.screen.reset_written()
            idx = len(self.chunks)
            t = time.perf_counter()
            os.write(self.fd, data)
        return t, idx

    def send(self, data: bytes, quiet: float, first_timeout: float = 3.0) -> tuple[float, int]:
        """Write one key and wait until the program answered and went quiet."""
        t, idx = self.write(data)
        self.wait_quiet(idx, quiet, first_timeout)
        return t, idx

    def window(self, start: float, end: float | None, quiet: float) -> Window:
        """Output with timestamps in [start, end)."""
        with self._cond:
            chunks = [(t, d) for t, d in self.chunks if t >= start and (end is None or t < end)]
        if not chunks:
            return Window(start, b"", None, None, 0)
        first = chunks[0][0] - start
        last_t, late = chunks[0][0], 0
        in_burst = True
        for t, d in chunks[1:]:
            if in_burst and t - last_t >= quiet:
                in_burst = False
            if in_burst:
                last_t = t
            else:
                late += len(d)
        return Window(start, b"".join(d for _, d in chunks), first, last_t - start, late)

    def output_between(self, start: float, end: float) -> bytes:
        with self._cond:
            return b"".join(d for t, d in self.chunks if start <= t < end)

    # -- the process ---------------------------------------------------------------------
    def memory_kib(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak) of the program, and RssAnon / RssFile (its own memory /
        pages of files: libraries and extension modules every process running them
        shares), in KiB."""
        out: dict[str, int] = {}
        try:
            with open(f"/proc/{self.pid}/status") as fh:
                for line in fh:
                    key = line.split(":")[0]
                    if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                        out[key] = int(line.split()[1])
        except OSError:
            pass
        return out

    def alive(self) -> bool:
        if self.status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.status = status
            return False
        return True

    def stop(self, timeout: float = 3.0) -> int | None:
        """End the program: SIGTERM, then SIGKILL; returns its exit status."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                break
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.perf_counter() + timeout
            while time.perf_counter() < deadline and self.alive():
                time.sleep(0.02)
        try:
            os.close(self.fd)
        except OSError:
            pass
        return self.status

    def wait_exit(self, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not self.alive():
                return True
            time.sleep(0.02)
        return False
