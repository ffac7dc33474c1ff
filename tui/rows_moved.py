"""Rows shown elsewhere on the terminal (the form scrolled, rows hidden or shown): moved
there with the scroll region (DECSTBM with DL/IL) when that is cheaper than writing them
(tui/output.py's Writer asks, before it writes what differs)."""

from __future__ import annotations

from tui.cells import DEFAULT, Cells, alike, change, looks, move, n_seq


def scroll_band(w: Cells, s: Cells, rows: list[int], out: list[str]) -> list[int]:
    """A band of rows shown elsewhere on the terminal (the form scrolled, rows
    hidden or shown): moved there with the scroll region when that is cheaper
    than writing them. The rows to compare afterwards."""
    changed = [r for r in rows if w.chars[r] != s.chars[r] or w.styles[r] != s.styles[r]]
    if len(changed) < 3:
        return rows
    text = ["".join(row) for row in s.chars]
    where: dict[str, list[int]] = {}
    for r, line in enumerate(text):
        where.setdefault(line, []).append(r)
    votes: dict[int, list[int]] = {}
    for r in changed:
        line = "".join(w.chars[r])
        if not line.strip():
            continue  # a blank row matches anywhere
        seen = None
        for r2 in where.get(line, ()):
            if r2 != r:
                seen = seen or looks(w.chars[r], w.styles[r])
                if looks(s.chars[r2], s.styles[r2]) == seen:
                    votes.setdefault(r2 - r, []).append(r)
    if not votes:
        return rows
    k, moved = max(votes.items(), key=lambda kv: len(kv[1]))
    if len(moved) < 2:
        return rows
    top, bottom = (min(moved), max(moved) + k) if k > 0 else (min(moved) + k, max(moved))
    band = range(top, bottom + 1)
    cost_now = sum(_cost(w, s, r, r) for r in band)
    cost_then = sum(_cost(w, s, r, r + k if top <= r + k <= bottom else None) for r in band)
    op = _scroll_bytes(s, top, bottom, k)
    if cost_then + len(op) >= cost_now:
        return rows
    out.append(op)
    s.style = DEFAULT
    s.scroll(top, bottom, k)
    s.x = s.y = None
    return sorted(set(rows) | set(band))


def _cost(w: Cells, s: Cells, r: int, shown: int | None) -> int:
    """Bytes (about) to make wanted row `r` out of shown row `shown` (None: blank)."""
    wc, ws = w.chars[r], w.styles[r]
    if shown is None:  # a blank row comes in
        return sum(len(c.encode()) for c, st in zip(wc, ws, strict=True)
                   if c != " " or st != DEFAULT)
    sc, ss = s.chars[shown], s.styles[shown]
    if wc == sc and ws == ss:
        return 0
    return sum(len(c.encode()) + 1 for c, st, c2, st2 in zip(wc, ws, sc, ss, strict=True)
               if c != c2 or not alike(c, st, st2))


def _scroll_bytes(s: Cells, top: int, bottom: int, k: int) -> str:
    op = change(s.style, DEFAULT)  # the rows coming in are erased in the default
    lines = n_seq(k, "M") if k > 0 else n_seq(-k, "L")
    if bottom == s.rows - 1:  # down to the last row: no region needed
        return op + move(None, None, 0, top) + lines
    return (op + f"\x1b[{top + 1};{bottom + 1}r" + move(None, None, 0, top) + lines
            + "\x1b[r")
