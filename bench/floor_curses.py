"""The floor: a plain curses form of the same card, what a terminal must receive at least.

    python bench/floor_curses.py SPEC.json

bench/bench_tui.py writes SPEC from apcard's own schema and layout (the same rows,
labels, field boxes and texts) and runs this program on a pseudo-terminal exactly as it
runs apcard, with the same keys. Nothing here is tuned for bytes: it is the obvious
curses program (ncurses keeps its own copy of the screen and sends what changed; the
terminal's own cursor marks where typing goes).

What it does, as apcard does: a title bar, the form rows (scrolling between the title
and the status line; the legal entity's rows vanish once the subject says individual),
the focused field shown in reverse (or white on blue), the status line with the field's
card line and the name of a code, the key bar. Typing goes into the field, a full
fixed-length field moves on, Enter/Tab/Down next, Shift+Tab/Up back, Ctrl+U clears.
F3/F4: a directory window over the form (the field's codebook from the database,
filtered as you type: code prefix first, then names holding the typed text; Up/Down,
Enter picks, Esc closes). F2: "saved" (the values written to SPEC's `out` file for the
bench to check). Ctrl+Q quits.
"""

from __future__ import annotations

import curses
import json
import os
import sys

BOX = "[]"


class Floor:
    def __init__(self, scr: curses.window, spec: dict) -> None:
        self.scr, self.spec = scr, spec
        self.fields: dict[str, dict] = spec["fields"]
        self.order: list[str] = spec["order"]
        self.values = dict.fromkeys(self.order, "") | spec["prefill"]
        self.names: dict[str, str] = {}  # name cell key -> text
        self.focus, self.top, self.subject = self.order[0], 0, ""
        self.books: dict[str, list[tuple[str, str, str]]] = {}
        self._db = None
        curses.raw()
        curses.noecho()
        curses.set_escdelay(25)
        scr.keypad(True)
        scr.idlok(True)  # ncurses may move rows with the terminal's insert/delete line
        if curses.has_colors():  # the terminal's own default colours, never painted over
            curses.start_color()
            curses.use_default_colors()
        if curses.has_colors() and "NO_COLOR" not in os.environ:
            curses.init_pair(1, curses.COLOR_WHITE, curses.COLOR_BLUE)
            curses.init_pair(2, curses.COLOR_BLACK, curses.COLOR_CYAN)
            curses.init_pair(3, curses.COLOR_GREEN, -1)
            self.focus_attr, self.bar = curses.color_pair(1) | curses.A_BOLD, curses.color_pair(2)
            self.name_attr = curses.color_pair(3)
        else:
            self.focus_attr, self.bar, self.name_attr = curses.A_REVERSE, curses.A_REVERSE, 0
        self.status_text = spec["texts"]["ready"]

    # -- drawing ----------------------------------------------------------------------
    def rows(self) -> list[dict]:
        kind = self.subject
        return [r for r in self.spec["rows"] if not kind or kind in r["subjects"]]

    def field_text(self, name: str) -> str:
        v, f = self.values[name], self.fields[name]
        if f["kind"] == "date":
            v = ".".join(p for p in (v[:2], v[2:4], v[4:]) if p)
        return v[-f["width"]:].ljust(f["width"])

    def draw(self) -> None:
        scr, height = self.scr, curses.LINES
        scr.addstr(0, 0, self.spec["texts"]["title"][:79].ljust(79), self.bar)
        rows = self.rows()
        at = next(i for i, r in enumerate(rows) if any(c[3] == self.focus for c in r["cells"]))
        room = height - 3
        if at < self.top:
            self.top = at
        elif at >= self.top + room:
            self.top = at - room + 1
        cursor = (1, 0)
        for y in range(room):
            i = self.top + y
            scr.move(1 + y, 0)
            scr.clrtoeol()
            if i >= len(rows):
                continue
            x = 0
            for kind, width, text, key in rows[i]["cells"]:
                if kind == "label":
                    scr.addstr(1 + y, x, text[:80 - x])
                elif kind == "name":
                    scr.addstr(1 + y, x, self.names.get(key, "")[:width - 1], self.name_attr)
                else:
                    inner = self.field_text(key)
                    scr.addstr(1 + y, x, BOX[0])
                    scr.addstr(1 + y, x + 1, inner, self.focus_attr if key == self.focus else 0)
                    scr.addstr(1 + y, x + 1 + len(inner), BOX[1])
                    if key == self.focus:
                        cursor = (1 + y, x + 1 + min(len(self.field_text_raw(key)),
                                                     self.fields[key]["width"] - 1))
                x += width
        self.status()
        scr.addstr(height - 1, 0, self.spec["texts"]["keys"][:79])
        scr.move(*cursor)

    def field_text_raw(self, name: str) -> str:
        return self.field_text(name).rstrip()

    def status(self) -> None:
        line = self.scr.getmaxyx()[0] - 2
        self.scr.move(line, 0)
        self.scr.clrtoeol()
        self.scr.addstr(line, 0, f" {self.spec['texts']['counts']}  {self.status_text}"[:79])

    # -- the card -----------------------------------------------------------------------
    def move_focus(self, step: int) -> None:
        visible = [n for n in self.order if not self.subject
                   or self.subject in self.fields[n]["subjects"]]
        i = visible.index(self.focus) + step
        self.leave(self.focus)
        self.focus = visible[max(0, min(len(visible) - 1, i))]
        f = self.fields[self.focus]
        name = self.names.get(f["chunk"], "") if f["book"] else ""
        self.status_text = f"{f['line']} {name or f['label']}"

    def leave(self, name: str) -> None:
        f = self.fields[name]
        if name == "subject" and self.values[name]:
            self.subject = "individual" if self.values[name] == "01" else "legal"
        if f["book"] and self.values[name]:
            code = self.values[name]
            if f["book"] == "article_part":
                code = f"{self.values.get('article', '')}/{code}"
            self.names[f["chunk"]] = self.lookup(f["book"], code)

    def type(self, ch: str) -> None:
        f, name = self.fields[self.focus], self.focus
        if len(self.values[name]) < f["full"]:
            self.values[name] += ch
        if f["fixed"] and len(self.values[name]) >= f["full"]:
            self.move_focus(1)

    # -- the database ----------------------------------------------------------------------
    def db(self):
        if self._db is None:
            import sqlite3

            self._db = sqlite3.connect(self.spec["db"])
        return self._db

    def lookup(self, book: str, code: str) -> str:
        row = self.db().execute("SELECT name_ru FROM codebook_entry WHERE book = ? AND code = ?"
                                " ORDER BY valid_from DESC LIMIT 1", (book, code)).fetchone()
        return row[0] if row else ""

    def entries(self, book: str) -> list[tuple[str, str, str, str]]:
        """(code, name, search text, with the parents' search texts): the same
        entries and the same matching as apcard's directory (code prefix first, then
        every word in the entry, then in the entry with its parents)."""
        if book not in self.books:
            seen: dict[str, tuple[str, str, str, str | None]] = {}
            for code, name, key, parent in self.db().execute(
                    "SELECT code, name_ru, search_key, parent FROM codebook_entry "
                    "WHERE book = ? ORDER BY code, valid_from", (book,)):
                seen[code] = (code, name, key or f"{code} {name}".lower(), parent)
            up = self.spec["parent_book"].get(book, book)
            parents = self.keys(up) if up != book else {c: (k, p) for c, _, k, p in
                                                        seen.values()}
            rows = []
            for code, name, key, parent in seen.values():
                family, hop = [key], parent
                while hop and hop in parents and len(family) < 8:
                    family.append(parents[hop][0])
                    hop = parents[hop][1]
                rows.append((code, name, key, " ".join(family)))
            self.books[book] = rows
        return self.books[book]

    def keys(self, book: str) -> dict[str, tuple[str, str | None]]:
        return {code: (key or "", parent) for code, key, parent in self.db().execute(
            "SELECT code, search_key, parent FROM codebook_entry WHERE book = ?", (book,))}

    def directory(self) -> None:
        f = self.fields[self.focus]
        if not f["book"]:
            return
        rows, typed, at = self.entries(f["book"]), "", 0
        win = curses.newwin(curses.LINES - 2, 80, 1, 0)
        win.keypad(True)
        listed = rows
        while True:
            win.erase()
            win.box()
            win.addstr(0, 2, f" {self.spec['texts']['dir_title']} ")
            win.addstr(1, 2, f"{self.spec['texts']['search']}: {typed}_   "
                             f"({self.spec['texts']['found']} {len(listed)})")
            height = curses.LINES - 6
            first = max(0, at - height + 1)
            for i, (code, name, _, _) in enumerate(listed[first:first + height]):
                win.addstr(2 + i, 2, f"{code:<7} {name}"[:76],
                           curses.A_REVERSE if first + i == at else 0)
            win.addstr(curses.LINES - 4, 2, self.spec["texts"]["dir_hint"][:76])
            win.refresh()
            key = win.get_wch()
            if key == "\x1b":
                break
            if key in ("\n", "\r") and listed:
                self.values[self.focus] = listed[at][0].split("/")[-1]
                break
            if key == curses.KEY_DOWN:
                at = min(len(listed) - 1, at + 1)
            elif key == curses.KEY_UP:
                at = max(0, at - 1)
            elif key in (curses.KEY_BACKSPACE, "\x7f", "\x15") or isinstance(key, str) \
                    and key.isprintable():
                typed = "" if key == "\x15" else typed[:-1] if not isinstance(key, str) \
                    or key == "\x7f" else typed + key
                q = typed.lower()
                words = q.split()
                q = " ".join(words)
                by_code = [r for r in rows if r[0].startswith(q)]
                rest = [r for r in rows if not r[0].startswith(q)]
                own = [r for r in rest if all(w in r[2] for w in words)]
                family = [r for r in rest if not all(w in r[2] for w in words)
                          and all(w in r[3] for w in words)]
                listed = by_code + own + family if words else rows
                at = 0
        del win
        self.scr.touchwin()

    def run(self) -> None:
        keys = {"\t": 1, "\n": 1, "\r": 1, curses.KEY_DOWN: 1, curses.KEY_BTAB: -1,
                curses.KEY_UP: -1}
        while True:
            self.draw()
            self.scr.refresh()
            key = self.scr.get_wch()
            if key in keys:
                self.move_focus(keys[key])
            elif key in (curses.KEY_F3, curses.KEY_F4):
                self.directory()
            elif key == curses.KEY_F2:
                with open(self.spec["out"], "w", encoding="utf-8") as fh:
                    json.dump(self.values, fh, ensure_ascii=False)
                self.status_text = self.spec["texts"]["saved_done"]
            elif key == "\x11":
                return
            elif key == "\x15":
                self.values[self.focus] = ""
            elif key in (curses.KEY_BACKSPACE, "\x7f"):
                self.values[self.focus] = self.values[self.focus][:-1]
            elif isinstance(key, str) and key.isprintable():
                self.type(key)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    curses.wrapper(lambda scr: Floor(scr, spec).run())


if __name__ == "__main__":
    main()
