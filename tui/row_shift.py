"""Text shifted along a row (a directory's filter narrowed: "ст. 590 ч. 2-1 — влечет
штраф ..." becomes "ст. 592 ч. 3 — влечет штраф ..." two columns to the left): the
terminal moves it with delete or insert character (DCH, ICH; curses does the same when
the terminal has them, as xterm and the Linux console do), then tui/output.py's Writer
writes only what still differs. The cells the shift leaves empty are taken as not known
(their background is the terminal's choice), so they are always written.
"""

from __future__ import annotations

from tui.cells import UNKNOWN, Cells, move, n_seq

SHIFT_MIN = 10  # a row with this many changed cells may be shifted
SHIFT_MAX = 12  # columns text may move
PROBE = 5  # characters looked for in the shown row, from each probe point
PROBES = (3, 10, 18, 28, 40)  # probe points, columns after the first changed cell
GAIN_MIN = 12  # bytes a shift must save beyond its own


def shift_rows(w: Cells, s: Cells, rows: list[int], onlcr: bool, out: list[str]) -> None:
    for y in rows:
        for _ in range(3):
            if not _shift(w, s, y, onlcr, out):
                break


def _weight(c: str) -> int:
    return 1 if c < "\x80" else 2


def _shift(w: Cells, s: Cells, y: int, onlcr: bool, out: list[str]) -> bool:
    wc, ws, sc, ss, cols = w.chars[y], w.styles[y], s.chars[y], s.styles[y], w.cols
    wt, st = "".join(wc), "".join(sc)
    if len(wt) != cols or len(st) != cols or UNKNOWN in st:
        return False  # wide or combining characters, or cells not known: no shifting
    now = [a == b and p == q for a, p, b, q in zip(wc, ws, sc, ss, strict=True)]
    if now.count(False) < SHIFT_MIN:
        return False
    x0 = now.index(False)
    ds: set[int] = set()
    for q in PROBES:
        a = x0 + q
        probe = wt[a:a + PROBE]
        if len(probe) < PROBE or not probe.strip():
            continue
        lo = max(0, a - SHIFT_MAX)
        at = st.find(probe, lo, a + SHIFT_MAX + PROBE)
        if at >= 0 and at != a:
            ds.add(at - a)  # > 0: delete (text moves left), < 0: insert
    if not ds:
        return False  # the text is where it was (a field's colours changed)
    want, shown = list(zip(wc, ws, strict=True)), list(zip(sc, ss, strict=True))
    weight = [_weight(c) for c in wc]
    kept = [0] * (cols + 1)  # what already shows right, up to each column
    for x in range(cols):
        kept[x + 1] = kept[x] + (weight[x] if now[x] else 0)
    best, best_gain, best_at = 0, GAIN_MIN, 0
    for d in ds:
        n = -d if d < 0 else 0  # cells inserted blank, before the text moved right
        suffix = [0] * (cols + 1)  # what the shift saves from each column on
        for x in range(cols - 1, x0 - 1, -1):
            src = x + d
            after = 0 <= src < cols and want[x] == shown[src]
            suffix[x] = suffix[x + 1] + (after - now[x]) * weight[x]
        top, top_at = 0, cols
        for p in range(x0, cols - n):
            gain = suffix[p + n] - (kept[p + n] - kept[p])  # the inserted blanks cover
            if gain > top:
                top, top_at = gain, p
        cost = len(move(s.x, s.y, top_at, y, onlcr)) + 4
        if top - cost > best_gain:
            best, best_gain, best_at = d, top - cost, top_at
    if not best:
        return False
    out.append(move(s.x, s.y, best_at, y, onlcr) + n_seq(abs(best), "P" if best > 0 else "@"))
    n = abs(best)
    if best > 0:
        sc[best_at:] = sc[best_at + n:] + [UNKNOWN] * n
        ss[best_at:] = ss[best_at + n:] + ss[-1:] * n
    else:
        sc[best_at:] = ([UNKNOWN] * n + sc[best_at:])[:cols - best_at]
        ss[best_at:] = (ss[best_at:best_at + 1] * n + ss[best_at:])[:cols - best_at]
    s.x, s.y = best_at, y
    return True
