"""A model of a terminal's screen: the cells, the cursor, the SGR style in force.

`Cells` takes what a full-screen program writes (text, cursor moves, erase, scroll
region, insert/delete line, SGR) and keeps each cell's character and style; `sgr` and
`change` read and write SGR sequences, `move` the shortest cursor move. tui/output.py keeps two of them, what Textual
asks for and what the terminal shows, and sends the difference.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

Style = tuple[str | None, str | None, int]  # foreground, background, attribute bits
DEFAULT: Style = (None, None, 0)
UNKNOWN = "\x00"  # a shown cell whose content is not known: unequal to any wanted cell

_ON = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 6: 16, 7: 32, 8: 64, 9: 128, 21: 256, 53: 512}
_OFF = {22: 3, 23: 4, 24: 8 | 256, 25: 16, 27: 32, 28: 64, 29: 128, 55: 512}
_ON_CODE = {1: "1", 2: "2", 4: "3", 8: "4", 16: "5", 32: "7", 64: "8", 128: "9",
            256: "21", 512: "53"}
_SIMPLE_OFF = 1 | 2 | 8 | 256 | 16 | 32  # off codes (22, 24, 25, 27) the Linux console has
# A blank cell shows its foreground only under these (lines, or reverse video): without
# them two blanks on the same background look the same whatever the rest of the style.
SHOWS_FG = 8 | 256 | 128 | 512 | 32
_STYLES: dict[Style, Style] = {DEFAULT: DEFAULT}
_SGR: dict[tuple[Style, str], Style] = {}
_CHANGE: dict[tuple[Style | None, Style], str] = {}


def sgr(state: Style, params: str) -> Style:
    """The style after `ESC [ params m` in `state`."""
    if params in ("0", ""):
        return DEFAULT
    got = _SGR.get((state, params))
    if got is not None:
        return got
    fg, bg, attrs = state
    parts = params.split(";") if params else ["0"]
    i = 0
    while i < len(parts):
        p = parts[i]
        code = int(p) if p.isdigit() else (0 if p == "" else -1)
        if code == 0:
            fg, bg, attrs = None, None, 0
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = str(code)
        elif code in (39, 49):
            fg, bg = (None, bg) if code == 39 else (fg, None)
        elif code in (38, 48) and i + 1 < len(parts):
            n = 3 if parts[i + 1] == "5" else 5 if parts[i + 1] == "2" else 2
            value = ";".join(str(int(v or 0)) for v in [code, *parts[i + 1:i + n]])
            fg, bg = (value, bg) if code == 38 else (fg, value)
            i += n - 1
        elif code in _ON:
            attrs |= _ON[code]
        elif code in _OFF:
            attrs &= ~_OFF[code]
        elif ":" in p and p.startswith(("38:", "48:")):
            fg, bg = (p, bg) if p[0] == "3" else (fg, p)
        i += 1
    style = _STYLES.setdefault((fg, bg, attrs), (fg, bg, attrs))
    if len(_SGR) > 4096:
        _SGR.clear()
    _SGR[(state, params)] = style
    return style


def alike(char: str, a: Style, b: Style) -> bool:
    """Two cells holding `char` look the same in styles `a` and `b`."""
    return a == b or (char == " " and a[1] == b[1] and not (a[2] | b[2]) & SHOWS_FG)


def looks(chars: list[str], styles: list[Style]) -> tuple[Style, ...]:
    """A row's styles as they look: a blank's unseen foreground and attributes dropped."""
    return tuple(st if c != " " or st[2] & SHOWS_FG or st == DEFAULT else (None, st[1], 0)
                 for c, st in zip(chars, styles, strict=True))


def erased(pen: Style | None) -> Style:
    """How a cell erased (ECH, EL) with the pen `pen` looks: blank on its background."""
    bg = pen[1] if pen else None
    return DEFAULT if bg is None else _STYLES.setdefault((None, bg, 0), (None, bg, 0))


def blank_style(pen: Style | None, want: Style) -> Style:
    """The style to write a blank wanted in `want` with, the pen being `pen`: the cheaper
    of `want` and the pen's own colours and attributes on `want`'s background."""
    if pen is None or want[2] & SHOWS_FG or pen[2] & SHOWS_FG:
        return want
    other = (pen[0], want[1], pen[2])
    other = _STYLES.setdefault(other, other)
    return other if len(change(pen, other)) < len(change(pen, want)) else want


def _codes(style: Style) -> list[str]:
    fg, bg, attrs = style
    out = [code for bit, code in _ON_CODE.items() if attrs & bit]
    return out + [c for c in (fg, bg) if c is not None]


def change(old: Style | None, new: Style) -> str:
    """The shortest SGR sequence from `old` (None: not known) to `new`."""
    key = (old, new)
    got = _CHANGE.get(key)
    if got is not None:
        return got
    if old == new:
        text = ""
    elif new == DEFAULT:
        text = "\x1b[m"
    else:
        text = "\x1b[0;" + ";".join(_codes(new)) + "m"
        if old is not None and not (old[2] & ~new[2] & ~_SIMPLE_OFF):
            off, codes = old[2] & ~new[2], []
            kept = old[2]
            for bits, code in ((3, "22"), (8 | 256, "24"), (16, "25"), (32, "27")):
                if off & bits:
                    codes.append(code)
                    kept &= ~bits
            codes += [c for bit, c in _ON_CODE.items() if new[2] & bit and not kept & bit]
            for i, default in ((0, "39"), (1, "49")):
                if old[i] != new[i]:
                    codes.append(new[i] or default)
            step = "\x1b[" + ";".join(codes) + "m"
            text = min(text, step, key=len)
    _CHANGE[key] = text
    return text


def n_seq(n: int, final: str) -> str:
    """`ESC [ n final`, the count left out when it is 1."""
    return f"\x1b[{final}" if n == 1 else f"\x1b[{n}{final}"


@lru_cache(maxsize=16384)  # the writer weighs a move for every changed run it orders
def move(cx: int | None, cy: int | None, x: int, y: int, onlcr: bool = False) -> str:
    """The shortest bytes taking the cursor from (cx, cy) (None: not known) to (x, y).
    `onlcr`: the terminal's line discipline sends a LF as CR LF, so a LF alone takes the
    cursor to the start of the next row."""
    cup = "\x1b[H" if x == y == 0 else f"\x1b[{y + 1}H" if x == 0 else f"\x1b[{y + 1};{x + 1}H"
    if cy is None:
        return cup
    if y == cy:
        v = ""
    else:
        v = min(n_seq(y - cy, "B") if y > cy else n_seq(cy - y, "A"), f"\x1b[{y + 1}d", key=len)
    if cx == x:
        h = ""
    else:
        ways = [f"\x1b[{x + 1}G", "\r" + n_seq(x, "C") if x else "\r"]
        if cx is not None:
            ways += ["\b" * (cx - x), n_seq(cx - x, "D")] if x < cx else [n_seq(x - cx, "C")]
        h = min(ways, key=len)
    if 0 < y - cy <= 2:
        # CR LF: a row or two down to its start (the screen's bottom row is never passed:
        # the scroll region is the whole screen between writes). The terminal's line
        # discipline sends a LF as CR LF (onlcr): a LF costs two bytes on the line.
        return min(cup, v + h, ("" if onlcr else "\r") + "\n" * (y - cy)
                   + (n_seq(x, "C") if x else ""), key=_line_cost)
    return min(cup, v + h, key=len)


def _line_cost(seq: str) -> int:
    return len(seq) + seq.count("\n")


class Cells:
    """A terminal's screen: characters (`""` right of a wide one), styles, the cursor
    (x, y; `None` when not known), the SGR style in force, scroll region, modes."""

    def __init__(self, cols: int, rows: int, fill: str = " ") -> None:
        self.cols, self.rows = cols, rows
        self.chars = [[fill] * cols for _ in range(rows)]
        self.styles = [[DEFAULT] * cols for _ in range(rows)]
        self.x: int | None = 0
        self.y: int | None = 0
        self.style: Style | None = DEFAULT
        self.top, self.bottom = 0, rows - 1
        self.wrap = True
        self.cursor_visible = True
        self.saved: tuple[int, int, Style] = (0, 0, DEFAULT)
        self.dirty: set[int] = set()

    def reset(self) -> None:
        """A blank screen, the cursor home, no scroll region (modes kept)."""
        self.chars = [[" "] * self.cols for _ in range(self.rows)]
        self.styles = [[DEFAULT] * self.cols for _ in range(self.rows)]
        self.x = self.y = 0
        self.style = DEFAULT
        self.top, self.bottom = 0, self.rows - 1
        self.dirty.update(range(self.rows))

    def erase_style(self) -> Style:
        """Erased cells take the background in force (xterm's and Linux's 'bce')."""
        return erased(self.style)

    def clear(self, y: int, lo: int, hi: int) -> None:
        hi = min(hi, self.cols)
        if lo < hi:
            self.chars[y][lo:hi] = [" "] * (hi - lo)
            self.styles[y][lo:hi] = [self.erase_style()] * (hi - lo)
            self.dirty.add(y)

    def put(self, text: str) -> None:
        style = self.style or DEFAULT
        cols, n, x, y = self.cols, len(text), self.x or 0, self.y or 0
        if x + n < cols and cell_len(text) == n:  # the usual case: it fits, narrow
            self.chars[y][x:x + n] = text
            self.styles[y][x:x + n] = [style] * n
            self.dirty.add(y)
            self.x = x + n
            return
        if cell_len(text) == len(text):  # the usual case: every character one cell
            while text:
                if x >= cols:
                    x = self._wrap()
                room = cols - x
                piece, text = text[:room], text[room:]
                if text and not self.wrap:  # the last column takes what does not fit
                    piece, text = piece[:-1] + text[-1], ""
                n = len(piece)
                self.chars[self.y or 0][x:x + n] = piece
                self.styles[self.y or 0][x:x + n] = [style] * n
                self.dirty.add(self.y or 0)
                x += n
                if x >= cols and not self.wrap:
                    x = cols - 1
            self.x = x
            return
        for ch in text:
            width = get_character_cell_size(ch)
            if width == 0:  # combining: joins the character before it
                if x > 0:
                    self.chars[self.y or 0][x - 1] += ch
                continue
            if x + width > cols:
                x = self._wrap() if self.wrap else cols - width
            row = self.y or 0
            self.chars[row][x], self.styles[row][x] = ch, style
            if width == 2:
                self.chars[row][x + 1], self.styles[row][x + 1] = "", style
            self.dirty.add(row)
            x = min(x + width, cols if self.wrap else cols - 1)
        self.x = x

    def _wrap(self) -> int:
        self.linefeed()
        return 0

    def linefeed(self) -> None:
        y = self.y or 0
        if y == self.bottom:
            self.scroll(self.top, self.bottom, 1)
        elif y < self.rows - 1:
            self.y = y + 1

    def reverse_index(self) -> None:
        y = self.y or 0
        if y == self.top:
            self.scroll(self.top, self.bottom, -1)
        elif y > 0:
            self.y = y - 1

    def scroll(self, top: int, bottom: int, n: int) -> None:
        """Rows top..bottom move up n (down for n < 0); blank rows come in."""
        count = min(abs(n), bottom - top + 1)
        if count <= 0:
            return
        blank = self.erase_style()
        for grid, fill in ((self.chars, " "), (self.styles, blank)):
            band = grid[top:bottom + 1]
            new = [[fill] * self.cols for _ in range(count)]
            grid[top:bottom + 1] = band[count:] + new if n > 0 else new + band[:-count]
        self.dirty.update(range(top, bottom + 1))

    def move(self, x: int, y: int) -> None:
        self.x = max(0, min(self.cols - 1, x))
        self.y = max(0, min(self.rows - 1, y))

    def csi(self, params: str, final: str) -> None:
        """A cursor, erase, scroll or SGR sequence of Textual's output."""
        if final == "m":
            self.style = sgr(self.style or DEFAULT, params)
            return
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        a = nums[0] if nums and nums[0] else 1
        x, y = self.x or 0, self.y or 0
        if final in "Hf":
            self.move((nums[1] if len(nums) > 1 and nums[1] else 1) - 1, a - 1)
        elif final in "ABCDEF`Gda":
            dx, dy = {"A": (0, -a), "B": (0, a), "e": (0, a), "C": (a, 0), "a": (a, 0),
                      "D": (-a, 0), "E": (-x, a), "F": (-x, -a)}.get(final, (0, 0))
            if final in "G`":
                dx = a - 1 - x
            elif final == "d":
                dy = a - 1 - y
            self.move(x + dx, y + dy)
        elif final == "K":
            lo, hi = {0: (x, self.cols), 1: (0, x + 1), 2: (0, self.cols)}.get(
                nums[0] if nums else 0, (0, 0))
            self.clear(y, lo, hi)
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode == 0:
                self.clear(y, x, self.cols)
            elif mode == 1:
                self.clear(y, 0, x + 1)
            rows = {0: range(y + 1, self.rows), 1: range(y), 2: range(self.rows),
                    3: range(self.rows)}.get(mode, range(0))
            for r in rows:
                self.clear(r, 0, self.cols)
        elif final == "X":
            self.clear(y, x, x + a)
        elif final in "LM" and self.top <= y <= self.bottom:
            self.scroll(y, self.bottom, a if final == "M" else -a)
            self.x = 0
        elif final in "ST":
            self.scroll(self.top, self.bottom, a if final == "S" else -a)
        elif final in "P@":
            row, st = self.chars[y], self.styles[y]
            if final == "P":
                del row[x:x + a], st[x:x + a]
                row += [" "] * (self.cols - len(row))
                st += [self.erase_style()] * (self.cols - len(st))
            else:
                row[x:x] = [" "] * a
                st[x:x] = [self.erase_style()] * a
                del row[self.cols:], st[self.cols:]
            self.dirty.add(y)
        elif final == "r":
            top, bottom = a - 1, (nums[1] if len(nums) > 1 and nums[1] else self.rows) - 1
            if top < bottom < self.rows:
                self.top, self.bottom = top, bottom
                self.move(0, 0)
        elif final == "s":
            self.saved = (x, y, self.style or DEFAULT)
        elif final == "u":
            self.x, self.y, self.style = self.saved
