"""The reference terminal model, and what a piece of terminal output is made of.

`Screen` keeps the character cells of a terminal as xterm and the Linux console do for
every sequence a full-screen program writes (tui/output.py's writer is checked against
it, and the bench waits for what is on it). `decode` turns bytes into readable tokens;
`anatomy` sorts a piece of output into text, cursor moves, colours, erase and scroll,
and tells which cells it rewrote: that is how the bench explains where the bytes go.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

# --- the screen model ----------------------------------------------------------------

_CSI = re.compile(rb"\x1b\[([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])")
_ATTR_ON = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 5: "blink", 6: "blink",
            7: "reverse", 8: "conceal", 9: "strike", 21: "underline2", 53: "overline"}
_ATTR_OFF = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline", "underline2"),
             25: ("blink",), 27: ("reverse",), 28: ("conceal",), 29: ("strike",),
             55: ("overline",)}


_SHOWS_FG = {"underline", "underline2", "strike", "overline", "reverse"}


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

    def looks(self) -> list[list[tuple[str, str]]]:
        """Every cell as it looks: a blank without underline, strike, overline or reverse
        video shows only its background (its foreground and other attributes are not
        seen). Two screens that look the same cell for cell show the same."""
        out = []
        for r in range(self.rows):
            row = []
            for ch, attrs in zip(self.chars[r], self.attrs[r], strict=True):
                words = attrs.split()
                if ch == " " and not _SHOWS_FG & set(words):
                    attrs = " ".join(w for w in words if w.startswith("bg="))
                row.append((ch, attrs))
            out.append(row)
        return out

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
            elif m and m.group(3) in b"ABCDEG`dJKXrLMST" and not m.group(2):
                out.append(f"{m.group(3).decode()}({m.group(1).decode()})")
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
    cursor: int = 0  # cursor moves: CUP, CUU/CUD/CUF/CUB, CHA, VPA, CR, BS
    sgr: int = 0  # colours / attributes
    erase: int = 0  # ED, EL, ECH
    scroll: int = 0  # scroll region, insert/delete line, scroll up/down
    other: int = 0  # modes, sync markers, titles ...
    cup_count: int = 0  # cursor moves of any kind
    sgr_count: int = 0
    cells: int = 0  # screen cells rewritten
    spans: list[str] = field(default_factory=list)  # "row 3: cols 21-23 '0 '"


_PIECE = re.compile(rb"\x1b\[([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])|\x1b[^\[]|[\r\x08]"
                    rb"|[^\x1b\r\x08]+")


def anatomy(data: bytes, before: Screen | None = None, cols: int = 80,
            rows: int = 24) -> Anatomy:
    """Byte classes of `data` and the screen cells it rewrote, replayed on `before` (the
    screen as it was, cursor and colours included; it is changed) or a blank screen."""
    a = Anatomy(total=len(data))
    for m in _PIECE.finditer(data):
        tok, final = m.group(0), m.group(3)
        n = len(tok)
        if tok in (b"\r", b"\x08") or final and not m.group(2) and final in b"HfABCDEG`d":
            a.cursor += n
            a.cup_count += 1
        elif final == b"m":
            a.sgr += n
            a.sgr_count += 1
        elif final and final in b"JKX":
            a.erase += n
        elif final and final in b"rLMST":
            a.scroll += n
        elif tok.startswith(b"\x1b"):
            a.other += n
        else:
            a.text += n
    scr = before if before is not None else Screen(cols, rows)
    scr.reset_written()
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
