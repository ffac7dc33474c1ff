"""Blank runs of a write, for tui/output.py's Writer: erased (ECH, EL) rather than
written as spaces when that is shorter, an erase at a write's end going on over the
blank cells wanted after it (what is left of them on screen need not be written then).
What is erased takes the pen's background only (xterm's and the Linux console's 'bce').
"""

from __future__ import annotations

from tui.cells import DEFAULT, Cells, alike, erased, n_seq

ERASE_MIN = 5  # blank cells erased (ECH/EL), not written, from this many on


def tail_run(w: Cells, s: Cells, y: int, a: int, b: int, out: list[str]) -> int:
    """The last run of a write in a coloured style (the pen in it): its trailing blanks
    erased when shorter, on over the blank cells wanted after it. The cursor after."""
    wc, ws, sc, ss = w.chars[y], w.styles[y], s.chars[y], s.styles[y]
    t = end = b
    while t > a and wc[t - 1] == " ":
        t -= 1
    out.append("".join(wc[a:t]))
    if t == b:
        return b
    look = erased(ws[a])
    while end < w.cols and wc[end] == " " and alike(" ", ws[end], look):
        end += 1
    erase = "\x1b[K" if end == w.cols else n_seq(end - t, "X")
    left = sum(sc[i] != " " or not alike(" ", ss[i], look) for i in range(b, end))
    if len(erase) < b - t + (left and left + 4):
        out.append(erase)
        sc[b:end], ss[b:end] = [" "] * (end - b), [look] * (end - b)
        return t
    out.append(" " * (b - t))
    return b

def plain_run(w: Cells, s: Cells, y: int, a: int, b: int, last: bool, out: list[str]) -> int:
    """Cells a..b in the default style, blank runs erased (ECH; EL to the row's end);
    an erase at the end goes on over the blank cells wanted after it, so that what
    is left of them on screen need not be written. The cursor after."""
    wc, ws, sc, ss, x = w.chars[y], w.styles[y], s.chars[y], s.styles[y], a
    while x < b:
        e = x
        while e < b and wc[e] == " ":
            e += 1
        n = e - x
        if n and e == b and last:
            end = e
            while end < w.cols and wc[end] == " " and alike(" ", ws[end], DEFAULT):
                end += 1
            erase = "\x1b[K" if end == w.cols else n_seq(end - x, "X")
            left = sum(sc[i] != " " or not alike(" ", ss[i], DEFAULT) for i in range(e, end))
            if len(erase) < n + (left and left + 4):  # cheaper than spaces and a visit
                out.append(erase)
                sc[x:end], ss[x:end] = [" "] * (end - x), [DEFAULT] * (end - x)
                return x
        elif n >= ERASE_MIN and len(n_seq(n, "X")) + len(n_seq(n, "C")) < n:
            out.append(n_seq(n, "X") + n_seq(n, "C"))
            x = e
            continue
        if n:
            out.append(" " * n)
        x = e
        while e < b and wc[e] != " ":
            e += 1
        out.append("".join(wc[x:e]))
        x = e
    return b
