"""Erasing before writing, for tui/output.py's Writer: when a window closes, the rows it
covered are mostly blank in the form under it. Erasing a row (EL, ECH) and writing only
its words costs fewer bytes than writing every cell, blanks and all (the Writer tries
both for each such row); a block of such rows one under the other (or of rows with
nothing else on them, a window opening over the form) goes at once (DL in a scroll
region, or ED down to the screen's end) when that is shorter. What is erased takes the pen's
background only (xterm's and the Linux console's 'bce'), as tui.cells models it.
"""

from __future__ import annotations

import re
from collections import Counter

from tui.cells import DEFAULT, Cells, Style, alike, change, erased, move, n_seq

_BLANKS = re.compile(" {4,}")

Kept = tuple[list[int], list[list[str]], list[list[Style]], int | None, int | None,
             Style | None]


def keep(s: Cells, y: int | None = None) -> Kept:
    """What the terminal shows (row y only, or every row), the cursor and the pen."""
    rows = list(range(s.rows)) if y is None else [y]
    return (rows, [s.chars[r][:] for r in rows], [s.styles[r][:] for r in rows], s.x, s.y,
            s.style)


def restore(s: Cells, kept: Kept) -> None:
    rows, chars, styles, s.x, s.y, s.style = kept
    for r, c, st in zip(rows, chars, styles, strict=True):
        s.chars[r][:], s.styles[r][:] = c, st


def wire(parts: list[str], onlcr: bool) -> int:
    """Bytes on the line (the tty sends a LF as CR LF when `onlcr`)."""
    text = "".join(parts)
    return len(text.encode()) + (text.count("\n") if onlcr else 0)


def longest_run(rows: list[int]) -> list[int]:
    """The longest run of consecutive row numbers in a sorted list."""
    best: list[int] = []
    run: list[int] = []
    for r in rows:
        run = run + [r] if run and r == run[-1] + 1 else [r]
        if len(run) > len(best):
            best = run
    return best


def sparse(wc: list[str], lo: int, hi: int) -> bool:
    """Runs of blanks wanted in cells lo..hi of a row (two, or one to the row's end):
    what erasing first spares writing (a list row's names over names: not worth a try)."""
    runs = _BLANKS.findall("".join(wc[lo:hi]))
    return len(runs) >= 2 or bool(runs) and hi == len(wc) and wc[-1] == " "


def erase_span(w: Cells, s: Cells, y: int, lo: int, hi: int, onlcr: bool,
               out: list[str]) -> None:
    """Cells lo..hi of row y erased in the background most of their wanted blanks have
    (EL when every cell after them is wanted blank in it, else ECH)."""
    wc, ws, sc, ss = w.chars[y], w.styles[y], s.chars[y], s.styles[y]
    if lo and (sc[lo] == "" or wc[lo] == ""):
        lo -= 1  # never half a wide character
    while hi < w.cols and (sc[hi] == "" or wc[hi] == ""):
        hi += 1
    backs = Counter(ws[i][1] for i in range(lo, hi) if wc[i] == " ")
    look = erased((None, backs.most_common(1)[0][0], 0) if backs else DEFAULT)
    end = hi
    while end < w.cols and wc[end] == " " and alike(" ", ws[end], look):
        end += 1
    out.append(move(s.x, s.y, lo, y, onlcr))
    if s.style is None or erased(s.style) != look:  # (only the pen's background shows)
        out.append(change(s.style, look))
        s.style = look
    out.append("\x1b[K" if end == w.cols else n_seq(hi - lo, "X"))
    end = end if end == w.cols else hi
    sc[lo:end], ss[lo:end] = [" "] * (end - lo), [look] * (end - lo)
    s.x, s.y = lo, y


def erase_block(s: Cells, top: int, bottom: int, onlcr: bool, out: list[str]) -> None:
    """Rows top..bottom erased at once in the default background; the cursor then not
    known (a scroll region set and reset takes it home)."""
    if s.style is None or erased(s.style) != DEFAULT:
        out.append(change(s.style, DEFAULT))
        s.style = DEFAULT
    if bottom == s.rows - 1:
        out.append(move(s.x, s.y, 0, top, onlcr) + "\x1b[J")
    else:
        out.append(f"\x1b[{top + 1};{bottom + 1}r" + move(None, None, 0, top)
                   + n_seq(bottom - top + 1, "M") + "\x1b[r")
    for r in range(top, bottom + 1):
        s.chars[r][:], s.styles[r][:] = [" "] * s.cols, [DEFAULT] * s.cols
    s.x = s.y = None
