"""A pseudo-terminal harness for benchmarking a full-screen program byte by byte.

`PtyTerm` runs a program on a real pseudo-terminal of a given size (pty.fork, the
window size set in the child before exec, so the program never sees another size),
reads everything it writes in a thread with a timestamp per read, and feeds it to a
tiny terminal-screen model (`Screen`) so the bench can wait for what is *on screen*
("the form is ready", "the value appeared") instead of sleeping.

`send` writes one key and waits until the program has answered and gone quiet (no
byte for `quiet` seconds); the bytes it wrote, when the first one came and when the
last one came are measured afterwards from the timestamped reads (`window`), so a
late repaint (a timer, a worker thread) still counts against the key that caused it.

`Screen` understands what full-screen programs (Textual, curses) write: text, CR/LF/BS,
CSI cursor moves, erase, SGR; other sequences (modes, OSC titles, DCS) are parsed and
ignored. `decode` turns bytes into readable tokens and `repaint_spans` tells which
cells a piece of output rewrote: that is how the bench explains where the bytes go.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import re
import signal
import struct
import termios
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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


# --- the screen model ----------------------------------------------------------------

_CSI = re.compile(rb"\x1b\[([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])")
_ATTR_ON = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 5: "blink", 6: "blink",
            7: "reverse", 8: "conceal", 9: "strike", 21: "underline2", 53: "overline"}
_ATTR_OFF = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline", "underline2"),
             25: ("blink",), 27: ("reverse",), 28: ("conceal",), 29: ("strike",),
             55: ("overline",)}


class Screen:
    """Character cells of a rows x cols terminal, as a VT100-family terminal (xterm, the
    Linux console) keeps them: each cell's character and the attributes it was written
    or erased with, canonical (`attrs`: "" for the default, else e.g. "reverse" or
    "bold fg=97 bg=44"; erased cells take only the background in force, 'bce'). Knows
    text with autowrap on or off, CR/LF/BS/TAB, cursor moves, erase (ED, EL, ECH),
    insert/delete line and character, the scroll region (DECSTBM, IND, RI, SU, SD) and
    SGR; other sequences (modes, OSC titles, DCS) are parsed and ignored.
    This is the reference model the output writer is checked against: it is written
    from the terminals' documentation, independently of tui/cells.py."""

    def __init__(self, cols: int = 80, rows: int = 24) -> None:
        self.cols, self.rows = cols, rows
        self.chars = [[" "] * cols for _ in range(rows)]
        self.attrs = [[""] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.fg: str | None = None
        self.bg: str | None = None
        self.pen: set[str] = set()
        self.sgr = ""  # canonical attributes in force
        self.top, self.bottom = 0, rows - 1
        self.autowrap = True
        self.written: set[tuple[int, int]] = set()  # cells written since reset_written()
        self._dec = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # an escape sequence cut between two reads

    # -- feeding ------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        text = self._pending + self._dec.decode(data)
        self._pending = ""
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\x1b":
                end = _escape_end(text, i)
                if end is None:  # incomplete: wait for the rest
                    self._pending = text[i:]
                    return
                self._escape(text[i:end])
                i = end
                continue
            if ch == "\r":
                self.x = 0
            elif ch == "\n":
                self._index()
            elif ch == "\b":
                self.x = max(0, min(self.x, self.cols - 1) - 1)
            elif ch == "\t":
                self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
            elif ch >= " " and ch != "\x7f":
                self._put(ch)
            i += 1

    def _put(self, ch: str) -> None:
        if unicodedata.combining(ch):
            return
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        width = 2 if wide else 1
        if self.x + width > self.cols:
            if self.autowrap:  # the pending wrap happens now
                self.x = 0
                self._index()
            else:
                self.x = self.cols - width
        self.chars[self.y][self.x] = ch
        self.attrs[self.y][self.x] = self.sgr
        self.written.add((self.y, self.x))
        if wide:
            self.chars[self.y][self.x + 1] = ""
            self.attrs[self.y][self.x + 1] = self.sgr
            self.written.add((self.y, self.x + 1))
        self.x += width
        if self.x >= self.cols and not self.autowrap:
            self.x = self.cols - 1

    def _index(self) -> None:
        """Down one row; at the bottom margin, the region scrolls up."""
        if self.y == self.bottom:
            self._scroll(self.top, self.bottom, 1)
        elif self.y < self.rows - 1:
            self.y += 1

    def _scroll(self, top: int, bottom: int, n: int) -> None:
        """Rows top..bottom up by n (down when n < 0), blank rows coming in."""
        for _ in range(min(abs(n), bottom - top + 1)):
            if n > 0:
                del self.chars[top], self.attrs[top]
                self.chars.insert(bottom, [" "] * self.cols)
                self.attrs.insert(bottom, [self._erased()] * self.cols)
            else:
                del self.chars[bottom], self.attrs[bottom]
                self.chars.insert(top, [" "] * self.cols)
                self.attrs.insert(top, [self._erased()] * self.cols)
        for r in range(top, bottom + 1):
            self.written.update((r, c) for c in range(self.cols))

    def _erased(self) -> str:
        return f"bg={self.bg}" if self.bg else ""

    def _set_sgr(self, params: str) -> None:
        parts = params.split(";") if params else [""]
        i = 0
        while i < len(parts):
            code = int(parts[i]) if parts[i].isdigit() else 0
            if code == 0:
                self.fg = self.bg = None
                self.pen = set()
            elif code in _ATTR_ON:
                self.pen.add(_ATTR_ON[code])
            elif code in _ATTR_OFF:
                self.pen -= set(_ATTR_OFF[code])
            elif 30 <= code <= 37 or 90 <= code <= 97:
                self.fg = str(code)
            elif 40 <= code <= 47 or 100 <= code <= 107:
                self.bg = str(code)
            elif code == 39:
                self.fg = None
            elif code == 49:
                self.bg = None
            elif code in (38, 48):
                n = {"5": 2, "2": 4}.get(parts[i + 1] if i + 1 < len(parts) else "", 0)
                value = ";".join(str(int(p or 0)) for p in parts[i + 1:i + 1 + n])
                if code == 38:
                    self.fg = f"38;{value}"
                else:
                    self.bg = f"48;{value}"
                i += n
            i += 1
        words = sorted(self.pen)
        words += [f"fg={self.fg}"] if self.fg else []
        words += [f"bg={self.bg}"] if self.bg else []
        self.sgr = " ".join(words)

    def _escape(self, seq: str) -> None:
        if seq in ("\x1bD", "\x1bE"):  # IND, NEL
            self.x = 0 if seq == "\x1bE" else self.x
            self._index()
            return
        if seq == "\x1bM":  # RI: up one row; at the top margin, the region scrolls down
            if self.y == self.top:
                self._scroll(self.top, self.bottom, -1)
            elif self.y > 0:
                self.y -= 1
            return
        m = _CSI.fullmatch(seq.encode("utf-8", "replace"))
        if not m or m.group(2):
            return  # OSC, DCS, ESC 7/8, charsets, DECRQM ...: nothing on screen
        params, final = m.group(1).decode(), m.group(3).decode()
        if params.startswith("?"):
            if final in "hl" and "7" in params[1:].split(";"):
                self.autowrap = final == "h"
            return
        if params.startswith((">", "<", "=")):
            return
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []

        def arg(k: int, default: int = 1) -> int:
            return nums[k] if len(nums) > k and nums[k] else default

        x = min(self.x, self.cols - 1)
        if final in "Hf":
            self.y = min(self.rows - 1, arg(0) - 1)
            self.x = min(self.cols - 1, arg(1) - 1)
        elif final == "A":
            self.y = max(0, self.y - arg(0))
        elif final in "Be":
            self.y = min(self.rows - 1, self.y + arg(0))
        elif final in "Ca":
            self.x = min(self.cols - 1, x + arg(0))
        elif final == "D":
            self.x = max(0, x - arg(0))
        elif final in "G`":
            self.x = min(self.cols - 1, arg(0) - 1)
        elif final == "d":
            self.y = min(self.rows - 1, arg(0) - 1)
        elif final == "m":
            self._set_sgr(params)
        elif final == "K":
            lo, hi = {0: (x, self.cols), 1: (0, x + 1), 2: (0, self.cols)}.get(arg(0, 0),
                                                                                 (0, 0))
            self._blank(self.y, lo, hi)
        elif final == "J":
            mode = arg(0, 0)
            rows = {0: range(self.y + 1, self.rows), 1: range(0, self.y),
                    2: range(self.rows), 3: range(self.rows)}.get(mode, range(0))
            if mode == 0:
                self._blank(self.y, x, self.cols)
            elif mode == 1:
                self._blank(self.y, 0, x + 1)
            for r in rows:
                self._blank(r, 0, self.cols)
        elif final == "X":
            self._blank(self.y, x, min(self.cols, x + arg(0)))
        elif final in "LM":
            if self.top <= self.y <= self.bottom:
                self._scroll(self.y, self.bottom, arg(0) if final == "M" else -arg(0))
                self.x = 0
        elif final in "ST":
            self._scroll(self.top, self.bottom, arg(0) if final == "S" else -arg(0))
        elif final in "P@":
            n = min(arg(0), self.cols - x)
            row, att = self.chars[self.y], self.attrs[self.y]
            if final == "P":
                row[x:] = row[x + n:] + [" "] * n
                att[x:] = att[x + n:] + [self._erased()] * n
            else:
                row[x:] = ([" "] * n + row[x:])[:self.cols - x]
                att[x:] = ([self._erased()] * n + att[x:])[:self.cols - x]
            self.written.update((self.y, c) for c in range(x, self.cols))
        elif final == "r":
            top, bottom = arg(0) - 1, arg(1, self.rows) - 1
            if 0 <= top < bottom < self.rows:
                self.top, self.bottom = top, bottom
                self.x = self.y = 0

    def _blank(self, row: int, lo: int, hi: int) -> None:
        for c in range(lo, hi):
            self.chars[row][c] = " "
            self.attrs[row][c] = self._erased()
            self.written.add((row, c))

    # -- reading ------------------------------------------------------------------------
    def line(self, row: int) -> str:
        return "".join(self.chars[row])

    def text(self) -> str:
        return "\n".join(self.line(r).rstrip() for r in range(self.rows))

    def cells(self) -> list[list[tuple[str, str]]]:
        """Every cell as (character, attributes): two screens equal cell for cell."""
        return [list(zip(self.chars[r], self.attrs[r], strict=True))
                for r in range(self.rows)]

    def find(self, needle: str) -> tuple[int, int] | None:
        for r in range(self.rows):
            c = self.line(r).find(needle)
            if c >= 0:
                return r, c
        return None

    def reset_written(self) -> None:
        self.written = set()


def _escape_end(text: str, i: int) -> int | None:
    """Index just past the escape sequence starting at text[i], None if incomplete."""
    if i + 1 >= len(text):
        return None
    kind = text[i + 1]
    if kind == "[":
        j = i + 2
        while j < len(text):
            if "\x40" <= text[j] <= "\x7e":
                return j + 1
            j += 1
        return None
    if kind in "]PX^_":  # OSC / DCS / SOS / PM / APC: up to BEL or ST
        j = i + 2
        while j < len(text):
            if text[j] == "\x07":
                return j + 1
            if text[j] == "\x1b" and j + 1 < len(text) and text[j + 1] == "\\":
                return j + 2
            j += 1
        return None
    if kind in "()*+#%":  # charset designation: one more character
        return i + 3 if i + 2 < len(text) else None
    return i + 2


# --- decoding output for people ----------------------------------------------------------

def decode(data: bytes) -> list[str]:
    """Readable tokens: CUP(row,col), SGR(params), "text", other escapes as ESC..."""
    text = data.decode("utf-8", "replace")
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\x1b":
            end = _escape_end(text, i) or len(text)
            seq = text[i:end]
            m = _CSI.fullmatch(seq.encode("utf-8", "replace"))
            if m and m.group(3) in b"Hf":
                out.append(f"CUP({m.group(1).decode() or '1;1'})")
            elif m and m.group(3) == b"m":
                out.append(f"SGR({m.group(1).decode()})")
            else:
                out.append("ESC" + repr(seq[1:])[1:-1])
            i = end
            continue
        j = i
        while j < len(text) and text[j] != "\x1b":
            j += 1
        out.append(repr(text[i:j]))
        i = j
    return out


@dataclass
class Anatomy:
    """What a piece of output is made of, in bytes."""

    total: int = 0
    text: int = 0  # printable text (UTF-8 bytes: Cyrillic is 2 per letter)
    cursor: int = 0  # cursor positioning
    sgr: int = 0  # colours / attributes
    other: int = 0  # modes, sync markers, titles ...
    cup_count: int = 0
    sgr_count: int = 0
    cells: int = 0  # screen cells rewritten
    spans: list[str] = field(default_factory=list)  # "row 3: cols 21-23 '0 '"


def anatomy(data: bytes, before: Screen | None = None, cols: int = 80,
            rows: int = 24) -> Anatomy:
    """Byte classes of `data` and the screen cells it rewrote (replayed on a copy of
    `before`, or on a blank screen: full-screen programs position the cursor
    absolutely before each run of text, so a blank screen gives the same spans)."""
    a = Anatomy(total=len(data))
    for m in re.finditer(rb"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x1b[^\[]|[^\x1b]+",
                         data):
        tok = m.group(0)
        if not tok.startswith(b"\x1b"):
            a.text += len(tok)
        elif tok.endswith((b"H", b"f")) and tok.startswith(b"\x1b["):
            a.cursor += len(tok)
            a.cup_count += 1
        elif tok.endswith(b"m") and tok.startswith(b"\x1b["):
            a.sgr += len(tok)
            a.sgr_count += 1
        else:
            a.other += len(tok)
    scr = Screen(cols, rows)
    if before is not None:
        scr.chars = [list(r) for r in before.chars]
        scr.attrs = [list(r) for r in before.attrs]
    scr.feed(data)
    a.cells = len(scr.written)
    by_row: dict[int, list[int]] = {}
    for r, c in sorted(scr.written):
        by_row.setdefault(r, []).append(c)
    for r, cs in by_row.items():
        runs: list[tuple[int, int]] = []
        for c in cs:
            if runs and c == runs[-1][1] + 1:
                runs[-1] = (runs[-1][0], c)
            else:
                runs.append((c, c))
        for lo, hi in runs:
            a.spans.append(f"row {r + 1:2d} cols {lo + 1:2d}-{hi + 1:2d} "
                           f"{''.join(scr.chars[r][lo:hi + 1])!r}")
    return a


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
        """VmRSS and VmHWM (peak) of the program, in KiB."""
        out: dict[str, int] = {}
        try:
            with open(f"/proc/{self.pid}/status") as fh:
                for line in fh:
                    key = line.split(":")[0]
                    if key in ("VmRSS", "VmHWM"):
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
