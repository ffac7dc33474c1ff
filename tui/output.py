"""Output near the floor: the terminal receives only the cells that changed.

Textual writes each repaint as absolute cursor moves and styled pieces of line, each
piece in its full SGR and followed by a reset. `CellDriver` is Textual's Linux driver
with its public `write` and `flush` taken over (given as `App.driver_class`; no private
name of Textual is used). Its `Writer` keeps two models of the screen (tui/cells.py):

- `wanted`: what Textual's output puts on screen (those bytes are parsed, not sent);
- `shown`: what the terminal shows, updated by what is sent to it.

On every flush (Textual flushes after each repaint) only the difference goes out: the
changed cells in runs, nearest run next (an unchanged gap rewritten when shorter than a
move); the cursor moved by the shortest sequence (CR, BS, CUF/CUB, CUU/CUD, CHA/VPA or
CUP); the shortest SGR change; blank runs erased (ECH/EL); rows that moved (the form
scrolling, rows hidden or shown) moved by the scroll region (DECSTBM with DL/IL), text
shifted along a row by DCH/ICH (tui/row_shift.py), then only what still differs. A window
costs the cells it covers; closing it restores only those, rows erased first where
shorter (tui/erase_first.py), and, when that is shorter, the runs in the default style
first and those of each colour after, colour by colour (the form's coloured line numbers
and braces cost one SGR change a colour rather than two a run).
The first frame (start, resize, alternate screen) clears the screen and draws only the
cells that are not blank. Everything else Textual writes (modes, queries, the title,
the bell) goes through in order. tests/test_tui_repaint.py replays Textual's output and
this writer's on a reference terminal model: the same screen, cell for cell."""

from __future__ import annotations

import os
import re
import sys
import threading
from typing import Any

from textual.drivers.linux_driver import LinuxDriver

from tui.blank_runs import plain_run, tail_run
from tui.cells import (
    DEFAULT,
    SHOWS_FG,
    UNKNOWN,
    Cells,
    Style,
    alike,
    blank_style,
    change,
    erased,
    move,
    sgr,
)
from tui.erase_first import erase_block, erase_span, keep, longest_run, restore, sparse, wire
from tui.row_shift import shift_rows
from tui.rows_moved import scroll_band
from tui.tty import Output, onlcr

SYNC = ("\x1b[?2026h", "\x1b[?2026l")
SYNC_MIN = 1024  # smaller output reaches the terminal in one write: no sync markers
GAP = 8  # unchanged cells rewritten, rather than moved over, up to this many
NEAREST_MAX = 12  # changed runs ordered nearest-next when there are at most this many
ERASE_ROW_MIN = 12  # a row with this many changed cells may be erased first (Writer._row)
BLOCK_MIN = 9  # this many rows erased whole, one under the other, may be erased at once
PASSES_MIN = 16  # coloured runs over shown text from which writing colour by colour is tried

_TOKEN = re.compile(r"([^\x00-\x1f\x7f\x1b]+)|\x1b\[([0-?]*)([ -/]*)([@-~])"
                    r"|(\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P_^X][^\x1b]*\x1b\\"
                    r"|\x1b(?![\[\]P_^X])[ -/]*[0-~])|([\x00-\x1a\x1c-\x1f\x7f])")
_PRIVATE = ("<", "=", ">", "?")
_SCREEN_CSI = frozenset("HfABCDEFGd`eaJKXLMSTP@rmsu")
_STILL_CSI = frozenset("pnctqhl")  # passed-through sequences that leave the cursor
_ALT_SCREEN = frozenset({"1049", "1047", "47"})

Piece = tuple[int, int, int]  # row, first column, end column: changed cells of one style


class Writer:
    """Textual's output in (`feed`), the difference for the terminal out (`flush`)."""

    def __init__(self, cols: int = 80, rows: int = 24, onlcr: bool = False) -> None:
        self.sync = False  # Textual brackets its repaints (the terminal said it can)
        self.onlcr = onlcr  # the tty sends a LF as CR LF (cells.move)
        self._rest = ""
        self._drawn = False  # screen output fed since the last difference was sent
        self._later: list[Piece] | None = None  # runs left to their colour's pass
        self.wanted = Cells(cols, rows)
        self.shown = Cells(cols, rows, UNKNOWN)
        self.forget()

    @property
    def size(self) -> tuple[int, int]:
        return self.wanted.cols, self.wanted.rows

    def resize(self, cols: int, rows: int) -> None:
        old = self.wanted
        self.wanted = Cells(cols, rows)
        self.wanted.wrap, self.wanted.cursor_visible = old.wrap, old.cursor_visible
        self.forget()

    def forget(self) -> None:
        """The terminal's screen is not known (start, resize, another screen): the
        next flush clears it and draws every cell that is not blank."""
        old, w = self.shown, self.wanted
        s = self.shown = Cells(w.cols, w.rows, UNKNOWN)
        s.x = s.y = s.style = None
        s.wrap, s.cursor_visible = old.wrap, old.cursor_visible
        w.dirty.update(range(w.rows))

    def release(self) -> str:
        """The terminal's SGR back to the default (before leaving the screen)."""
        out = change(self.shown.style, DEFAULT)
        self.shown.style = DEFAULT
        return out

    def feed(self, data: str) -> str:
        """Take Textual's output; returns what must go out now (what it passes through,
        after the difference so far)."""
        out: list[str] = []
        text, self._rest = self._rest + data, ""
        cut = text.rfind("\x1b")
        if cut >= 0 and _TOKEN.match(text, cut) is None:  # cut short: the rest comes next
            text, self._rest = text[:cut], text[cut:]
        w = self.wanted
        for chars, params, inter, final, escape, control in _TOKEN.findall(text):
            if chars:
                w.put(chars)
                self._drawn = True
            elif final == "m" and not inter:
                w.style = sgr(w.style or DEFAULT, params)
            elif final == "H" and not inter and params[:1] not in _PRIVATE:
                row, _, col = params.partition(";")
                w.move(int(col or 1) - 1, int(row or 1) - 1)
            elif final:
                self._csi(f"\x1b[{params}{inter}{final}", params, inter, final, out)
            elif escape:
                self._escape(escape, out)
            elif control == "\r":
                w.x = 0
            elif control == "\n":
                w.linefeed()
            elif control == "\b":
                w.x = max(0, (w.x or 0) - 1)
            elif control == "\t":
                w.x = min(w.cols - 1, ((w.x or 0) // 8 + 1) * 8)
            elif control == "\x07":
                self._through(control, out)
        return "".join(out)

    def _csi(self, tok: str, params: str, inter: str, final: str, out: list[str]) -> None:
        if not inter and final in _SCREEN_CSI and params[:1] not in _PRIVATE:
            self.wanted.csi(params, final)
            self._drawn = True
        elif params[:1] == "?" and final in "hl" and not inter:
            self._modes(tok, params[1:].split(";"), final == "h", out)
        else:
            self._through(tok, out, still=final in _STILL_CSI)

    def _modes(self, tok: str, modes: list[str], on: bool, out: list[str]) -> None:
        if modes == ["2026"]:  # synchronized output: this writer brackets its own
            self.sync = True
            return
        if not on and _ALT_SCREEN & set(modes):
            out.append(self.release())  # the main screen gets the default colours back
        self._through(tok, out)
        for target in (self.wanted, self.shown):
            if "7" in modes:
                target.wrap = on
            if "25" in modes:
                target.cursor_visible = on
        if _ALT_SCREEN & set(modes):
            self.wanted.reset()
            self.forget()
            if not on:  # back on the main screen: nothing to draw there
                self.wanted.dirty.clear()

    def _escape(self, tok: str, out: list[str]) -> None:
        w = self.wanted
        if tok.startswith("\x1b]8;"):
            return  # a hyperlink: not part of a cell here (thin terminals have none)
        if tok == "\x1b7":
            w.saved = (w.x or 0, w.y or 0, w.style or DEFAULT)
        elif tok == "\x1b8":
            w.x, w.y, w.style = w.saved
        elif tok == "\x1bM":
            w.reverse_index()
        elif tok in ("\x1bD", "\x1bE"):
            w.x = 0 if tok == "\x1bE" else w.x
            w.linefeed()
        else:
            self._through(tok, out)
            if tok == "\x1bc":  # full reset: a blank screen, defaults
                for cells in (self.wanted, self.shown):
                    cells.reset()
                    cells.wrap = cells.cursor_visible = True

    def _through(self, tok: str, out: list[str], still: bool = True) -> None:
        if self._drawn:
            self._diff(out)  # what was asked before it goes first
        out.append(tok)
        if not still:
            self.shown.x = self.shown.y = None

    # -- the difference out ----------------------------------------------------------------
    def flush(self) -> str:
        out: list[str] = []
        self._diff(out)
        w, s = self.wanted, self.shown
        if w.cursor_visible and (s.x, s.y) != (w.x, w.y):
            out.append(move(s.x, s.y, w.x or 0, w.y or 0, self.onlcr))
            s.x, s.y = w.x, w.y
        text = "".join(out)
        if self.sync and len(text) >= SYNC_MIN:
            return SYNC[0] + text + SYNC[1]
        return text

    def _diff(self, out: list[str]) -> None:
        w, s = self.wanted, self.shown
        self._drawn = False
        if not w.dirty:
            return
        if s.style is None and s.chars[0][0] == UNKNOWN:  # not known: clear it first
            out.append(change(None, DEFAULT) + "\x1b[H\x1b[2J")
            self.shown = Cells(w.cols, w.rows)
            self.shown.wrap, self.shown.cursor_visible = s.wrap, s.cursor_visible
            w.dirty.update(range(w.rows))
        rows = sorted(w.dirty)
        w.dirty.clear()
        if len(rows) >= 3:
            rows = scroll_band(w, self.shown, rows, out)
        shift_rows(w, self.shown, rows, self.onlcr, out)
        pieces = self._pieces(rows)
        if len(pieces) <= NEAREST_MAX:
            self._rows(self._nearest(pieces), out)
            return
        s = self.shown
        start, best = keep(s), []
        erasable, passes = self._all(pieces, best, False), False
        sc = start[1]  # colours over what was shown (a window closed; not a first frame)
        if sum(w.styles[y][x] != DEFAULT and bool("".join(sc[y][x:e]).strip())
               for y, x, e in pieces) >= PASSES_MIN:
            kept, other = keep(s), []
            restore(s, start)
            other_erasable = self._all(pieces, other, True)
            if wire(other, self.onlcr) < wire(best, self.onlcr):
                best, erasable, passes = other, other_erasable, True
            else:
                restore(s, kept)
        run = longest_run(erasable)
        if len(run) < BLOCK_MIN or not any("".join(start[1][y]).strip() for y in run):
            out += best  # (rows shown blank, as after a clear, are not erased again)
            return
        after = keep(s)
        restore(s, start)
        block: list[str] = []
        erase_block(s, run[0], run[-1], self.onlcr, block)
        self._all(self._pieces(rows), block, passes)
        if wire(block, self.onlcr) < wire(best, self.onlcr):
            out += block
        else:
            restore(s, after)
            out += best

    def _all(self, pieces: list[Piece], out: list[str], passes: bool) -> list[int]:
        """Many changed runs written row by row (`_rows`), or with `passes` those in the
        default style first and then those of each other style, style by style (a window
        closed over a form whose line numbers, braces and names are coloured: one SGR
        change a colour, not two a run). The rows that may be erased first."""
        self._later = [] if passes else None
        erasable = self._rows(pieces, out)
        later, self._later = self._later or [], None
        ws = self.wanted.styles
        order: dict[Style, int] = {}
        for y, x, _ in later:
            order.setdefault(ws[y][x], len(order))
        for p in sorted(later, key=lambda p: (order[ws[p[0]][p[1]]], p[0], p[1])):
            self._write(*p, out)
        return erasable

    def _put(self, p: Piece, out: list[str]) -> None:
        if self._later is not None and self.wanted.styles[p[0]][p[1]] != DEFAULT:
            self._later.append(p)  # its style's pass writes it
        else:
            self._write(*p, out)

    def _rows(self, pieces: list[Piece], out: list[str]) -> list[int]:
        """Write the pieces, each row's run of them at once. The rows that may be erased
        first (many changed cells, runs of blanks wanted): a block of them may be too."""
        erasable, i = [], 0
        while i < len(pieces):
            y, j = pieces[i][0], i + 1
            while j < len(pieces) and pieces[j][0] == y:
                j += 1
            lo, hi, wc = pieces[i][1], pieces[j - 1][2], self.wanted.chars[y]
            dense = sum(x1 - x0 for _, x0, x1 in pieces[i:j]) >= ERASE_ROW_MIN
            if dense and sparse(wc, lo, hi):
                self._row(pieces[i:j], out)
                erasable.append(y)
            else:
                for p in pieces[i:j]:
                    self._put(p, out)
                if dense and not "".join(wc[:lo] + wc[hi:]).strip():
                    erasable.append(y)  # nothing else on the row to write again
            i = j
        return erasable

    def _row(self, pieces: list[Piece], out: list[str]) -> None:
        """Many cells of one row (a window closed over it): written as they are, or
        erased first (EL, ECH) and then only what is not blank written, whichever the
        line carries fewer bytes of (what a colour's pass writes later left out of both)."""
        s, y, later = self.shown, pieces[0][0], self._later
        before = keep(s, y)
        plain: list[str] = []
        self._later = None if later is None else []
        for p in pieces:
            self._put(p, plain)
        after, plain_later = keep(s, y), self._later
        restore(s, before)
        erasing: list[str] = []
        self._later = None if later is None else []
        erase_span(self.wanted, s, y, min(p[1] for p in pieces), max(p[2] for p in pieces),
                   self.onlcr, erasing)
        for p in self._pieces([y]):
            self._put(p, erasing)
        chosen, self._later = self._later, later
        if wire(erasing, self.onlcr) >= wire(plain, self.onlcr):
            restore(s, after)
            erasing, chosen = plain, plain_later
        out += erasing
        if later is not None and chosen:
            later += chosen

    def _pieces(self, rows: list[int]) -> list[Piece]:
        w, s = self.wanted, self.shown
        cols, pieces = w.cols, []
        for y in rows:
            wc, ws, sc, ss = w.chars[y], w.styles[y], s.chars[y], s.styles[y]
            if wc == sc and ws == ss:
                continue
            x = 0
            while x < cols:
                if wc[x] == sc[x] and (ws[x] == ss[x] or alike(wc[x], ws[x], ss[x])):
                    x += 1
                    continue
                start, style = x, ws[x]
                x += 1
                while x < cols and ws[x] == style and (
                        wc[x] != sc[x] or (style != ss[x] and not alike(wc[x], style, ss[x]))):
                    x += 1
                pieces.append((y, start, x))
        return pieces

    def _nearest(self, pieces: list[Piece]) -> list[Piece]:
        """Few changed runs (a typed character, a field move): each next the one
        cheapest to reach from where the cursor is (a run to the left first, when the
        cursor sits at a run in the style in force)."""
        w, s = self.wanted, self.shown
        cx, cy, style = s.x, s.y, s.style
        left, order = list(pieces), []
        while left:
            best, best_cost = left[0], -1
            for p in left:
                y, x0, _ = p
                way, after, _ = self._way(cx, cy, style, y, x0)
                cost = len(way) + len(change(after, w.styles[y][x0]))
                if best_cost < 0 or cost < best_cost:
                    best, best_cost = p, cost
            left.remove(best)
            order.append(best)
            y, _, x1 = best
            cx, cy, style = (x1 if x1 < w.cols else None), y, w.styles[y][x1 - 1]
        return order

    def _way(self, cx: int | None, cy: int | None, style: Style | None, y: int,
             x: int) -> tuple[str, Style | None, int | None]:
        """Bytes from the cursor at (cx, cy) to (x, y): a move, or the cells before x
        rewritten when that is shorter (then the column they are rewritten from: the
        cursor's, or the row's start after a move there); the SGR style in force after."""
        way = move(cx, cy, x, y, self.onlcr)
        if cy == y and cx is not None and 0 < x - cx <= GAP:
            first, start = cx, ""
        elif cy != y and 0 < x <= GAP:
            first, start = 0, move(cx, cy, 0, y, self.onlcr)
        else:
            return way, style, None
        gap, after = self._cells(y, first, x, style)
        want, lf = self.wanted.styles[y][x], int(self.onlcr)  # a LF is CR LF on the line
        if (len(start) + start.count("\n") * lf + len(gap.encode()) + len(change(after, want))
                < len(way) + way.count("\n") * lf + len(change(style, want))):
            return start + gap, after, first
        return way, style, None

    def _cells(self, y: int, a: int, b: int, style: Style | None) -> tuple[str, Style | None]:
        wc, ws = self.wanted.chars[y], self.wanted.styles[y]
        parts: list[str] = []
        x = a
        while x < b:
            st, e = ws[x], x + 1
            while e < b and ws[e] == st:
                e += 1
            parts += [change(style, st), "".join(wc[x:e])]
            style, x = st, e
        return "".join(parts), style

    def _write(self, y: int, x0: int, x1: int, out: list[str]) -> None:
        w, s = self.wanted, self.shown
        wc, ws, sc, ss = w.chars[y], w.styles[y], s.chars[y], s.styles[y]
        while x0 < x1 and wc[x0] == sc[x0] and alike(wc[x0], ws[x0], ss[x0]):
            x0 += 1  # written already (an erase to the end of the row, a gap)
        while x1 > x0 and wc[x1 - 1] == sc[x1 - 1] and alike(wc[x1 - 1], ws[x1 - 1],
                                                               ss[x1 - 1]):
            x1 -= 1
        if x0 == x1:
            return
        if x0 and (wc[x0] == "" or sc[x0] == ""):
            x0 -= 1  # the right half of a wide character: write the whole character
        while x1 < w.cols and (wc[x1] == "" or sc[x1] == ""):
            x1 += 1
        way, style, first = self._way(s.x, s.y, s.style, y, x0)
        out.append(way)
        first = x0 if first is None else first  # with the cells rewritten on the way
        x, cursor, tail = x0, x1, x1
        while x < x1:
            st, e = ws[x], x + 1
            while e < x1 and ws[e] == st:
                e += 1
            if st != DEFAULT and all(c == " " for c in wc[x:e]):
                st = blank_style(style, st)  # a blank shows only its background
            out.append(change(style, st))
            style = st
            if st == DEFAULT:
                cursor = plain_run(w, s, y, x, e, e == x1, out)
            elif e == x1 and not st[2] & SHOWS_FG:
                cursor = tail = tail_run(w, s, y, x, e, out)
            else:
                out.append("".join(wc[x:e]))
                cursor = e
            x = e
        sc[first:x1], ss[first:x1] = wc[first:x1], ws[first:x1]
        ss[tail:x1] = [erased(style)] * (x1 - tail)
        s.style, s.y = style, y
        s.x = cursor if cursor < w.cols else None


class CellDriver(LinuxDriver):
    """Textual's Linux driver sending only what changed on screen (a `Writer`) through
    its own `Output` (Textual's writer thread is left idle)."""

    def __init__(self, app: Any, *, debug: bool = False, mouse: bool = True,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._lock = threading.Lock()
        self.cells = Writer(*_terminal_size())
        out = sys.__stderr__
        self.output = Output(out.fileno() if out else 2,
                             (out.encoding if out else None) or "utf-8")

    def send(self, text: str) -> None:
        """Bytes for the terminal."""
        self.output.send(text)

    def write(self, data: str) -> None:
        with self._lock:
            size = _terminal_size()
            if size != self.cells.size:
                self.cells.resize(*size)
            out = self.cells.feed(data)
        if out:
            self.send(out)

    def flush(self) -> None:
        with self._lock:
            out = self.cells.flush()
        if out:
            self.send(out)

    def start_application_mode(self) -> None:
        with self._lock:
            self.cells.forget()
        super().start_application_mode()
        with self._lock:
            self.cells.onlcr = onlcr(self.output.fd)

    def stop_application_mode(self) -> None:
        with self._lock:
            out = self.cells.release()
        if out:
            self.send(out)
        super().stop_application_mode()
        self.output.drain()


def _terminal_size() -> tuple[int, int]:
    try:
        size = os.get_terminal_size(sys.__stderr__.fileno() if sys.__stderr__ else 2)
    except (OSError, ValueError):
        return 80, 24
    return size.columns or 80, size.lines or 24
