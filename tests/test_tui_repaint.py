"""tui.output: the writer that sends the terminal only what changed. What the terminal
shows after the writer's bytes must equal what Textual's own bytes would have put there,
cell for cell (character and attributes; only a blank's invisible foreground may
differ), after every repaint. Both are replayed on the reference terminal model
bench.termscreen.Screen (written apart from tui.cells): on random screens (scrolling
bands, windows, styles), and on the real program in a pseudo-terminal typing the
bench's whole card (directories, the article-part filter, auto-advance, hidden rows)."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

from bench.ptyterm import PtyTerm, keys_for
from bench.termscreen import Screen
from tui.cells import DEFAULT, change, move, sgr
from tui.output import Writer

ROOT = Path(__file__).resolve().parent.parent
STYLES = ["", "7", "4", "1", "97;44", "30;47", "36", "32", "1;33", "2", "0;7", "39;49", "7;4",
          "44", "38;5;208", "48;2;10;20;30", "3", "9", "1;2", "21"]
WORDS = ["Қасымов", "Ерлан", "[", "]", " ", "   ", "01", "Фамилия", "│", "─", "┌", "abc",
         "Ошибок: 0", "          ", "Ә", "ё"]
GARBAGE = "\u2591"  # what the terminal showed before the program: the writer must clear it


def _row(rng: random.Random, cols: int = 80) -> list[tuple[str, str]]:
    segs, n = [], 0
    while n < cols:
        word = rng.choice(WORDS)[:cols - n]
        segs.append((word, rng.choice(STYLES)))
        n += len(word)
    return segs


def _paint(y: int, segs: list[tuple[str, str]], x: int = 0) -> str:
    """A row as Textual writes it: a move, then each piece in its full SGR and a reset."""
    return f"\x1b[{y + 1};{x + 1}H" + "".join(
        f"\x1b[{st}m{w}\x1b[0m" if st else w for w, st in segs)


def _screens() -> tuple[Screen, Screen]:
    theirs, ours = Screen(), Screen()
    for row in ours.chars:
        row[:] = [GARBAGE] * ours.cols
    return theirs, ours


def _same(theirs: Screen, ours: Screen, cursor: bool, where: str) -> None:
    for y, (a, b) in enumerate(zip(theirs.looks(), ours.looks(), strict=True)):
        diff = [(x, p, q) for x, (p, q) in enumerate(zip(a, b, strict=True)) if p != q]
        assert not diff, f"{where}: row {y}: (column, Textual's, ours) {diff[:4]}"
    if cursor:
        assert (min(theirs.x, 79), theirs.y) == (min(ours.x, 79), ours.y), where


@pytest.mark.parametrize("seed", range(12))
def test_random_screens_are_the_same_cell_for_cell(seed: int) -> None:
    rng = random.Random(seed)
    rows = [_row(rng) for _ in range(24)]
    theirs, ours = _screens()
    onlcr = seed % 3 == 0  # a tty that sends LF as CR LF: the writer may send LF alone
    writer = Writer(80, 24, onlcr=onlcr)
    sent = [0, 0]
    start = "\x1b[?1049h\x1b[?25l" + ("\x1b[?7l" if seed % 2 else "")
    for step in range(40):
        changed: set[int] = set(range(24)) if step == 0 else set()
        kind = rng.random()
        if step and kind < 0.3:  # a band of rows scrolls (the form), new rows come in
            top, k = rng.randrange(0, 10), rng.choice([1, 2, 3, -1, -2, 5])
            bottom = rng.randrange(top + 3, 24)
            band = rows[top:bottom + 1]
            band = band[k:] + [_row(rng) for _ in range(k)] if k > 0 else \
                [_row(rng) for _ in range(-k)] + band[:k]
            rows[top:bottom + 1] = band
            changed = set(range(top, bottom + 1))
        elif step and kind < 0.5:  # a window over the middle, or its closing
            for y in range(rng.randrange(2, 6), rng.randrange(12, 22)):
                rows[y] = rows[y][:1] + [("│", "")] + _row(rng, 70) + [("│", "7")]
                changed.add(y)
        elif step:
            for _ in range(rng.randint(1, 3)):
                y = rng.randrange(24)
                rows[y] = _row(rng)
                changed.add(y)
        data = (start if step == 0 else "") + "".join(_paint(y, rows[y]) for y in sorted(changed))
        if step and kind > 0.8:  # a few cells inside a row (a typed character)
            data += _paint(rng.randrange(24), _row(rng, rng.randint(1, 6)), rng.randrange(70))
        cursor = rng.random() < 0.3
        data += ("\x1b[?25h" if cursor else "\x1b[?25l") + \
            f"\x1b[{rng.randrange(24) + 1};{rng.randrange(80) + 1}H"
        # Textual's bytes may be split anywhere between two writes
        cut = rng.randrange(len(data))
        out = writer.feed(data[:cut]) + writer.feed(data[cut:]) + writer.flush()
        theirs.feed(data.encode())
        ours.feed((out.replace("\n", "\r\n") if onlcr else out).encode())
        _same(theirs, ours, cursor, f"seed {seed} step {step}")
        sent[0] += len(out.encode())
        sent[1] += len(data.encode())
    assert sent[0] < sent[1] * 0.8


def _form(rng: random.Random) -> list[list[tuple[str, str]]]:
    """A card form's rows: a coloured line number, a label, a field or two, blanks."""
    rows = []
    for y in range(24):
        segs = [(f"{y:2}.", "36"), (" Фамилия ....", ""), (" [", ""), ("Қасымов", ""),
                (" " * rng.randrange(2, 20), ""), ("]", ""), (" Имя", ""), ("{", "1;33"),
                ("01", ""), ("}", "1;33")]
        width = sum(len(w) for w, _ in segs)
        rows.append(segs + [(" " * (80 - width), "")])
    return rows


def _close_bytes(onlcr: bool, form: list[list[tuple[str, str]]] | None = None) -> int:
    """A window over rows 2-20 of a form, then closed: the bytes of the closing, the
    screen checked against Textual's after each step."""
    form = form or _form(random.Random(3))
    window = [[("│", "7"), (" 682 Органы внутренних дел" + " " * 51, "97;44"), ("│", "7")]
              for _ in range(24)]
    theirs, ours = _screens()
    writer = Writer(80, 24, onlcr=onlcr)
    out = ""
    for step, rows in enumerate((form, form[:2] + window[2:21] + form[21:], form)):
        data = ("\x1b[?1049h" if step == 0 else "") + "".join(
            _paint(y, rows[y]) for y in range(24))
        out = writer.feed(data) + writer.flush()
        out = out.replace("\n", "\r\n") if onlcr else out
        theirs.feed(data.encode())
        ours.feed(out.encode())
        _same(theirs, ours, False, f"step {step}")
    return len(out.encode())


@pytest.mark.parametrize("onlcr", [False, True])
def test_rows_a_window_covered_are_erased_before_their_words_are_written(
        onlcr: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.output

    erasing = _close_bytes(onlcr)
    monkeypatch.setattr(tui.output, "ERASE_ROW_MIN", 10 ** 6)
    monkeypatch.setattr(tui.output, "BLOCK_MIN", 10 ** 6)
    writing = _close_bytes(onlcr)
    assert erasing < writing * 0.97, (erasing, writing)


@pytest.mark.parametrize("onlcr", [False, True])
def test_a_window_closed_over_a_coloured_form_costs_at_most_a_byte_a_cell(onlcr: bool) -> None:
    """The form's line numbers, braces and the like in colour: the window's closing
    writes each colour's runs together (one SGR change a colour, not two a run), so it
    stays within the 19 x 80 cells the window covered, as it does in monochrome."""
    colour = _form(random.Random(3))
    mono = [[(text, "1" if st == "1;33" else "") for text, st in row] for row in colour]
    assert _close_bytes(onlcr, mono) <= 19 * 80
    assert _close_bytes(onlcr, colour) <= 19 * 80


def test_style_changes_are_exact_and_short() -> None:
    rng = random.Random(7)
    styles = [DEFAULT] + [sgr(DEFAULT, p) for p in STYLES if p]
    for _ in range(400):
        a, b = rng.choice(styles), rng.choice(styles)
        direct, screen = Screen(), Screen()
        direct.feed(f"\x1b[0;{';'.join(_params(b))}mx".encode())
        screen.feed(f"\x1b[0;{';'.join(_params(a))}m".encode() + change(a, b).encode() + b"x")
        assert screen.attrs[0][0] == direct.attrs[0][0], (a, b, change(a, b))
        assert len(change(a, b)) <= len(f"\x1b[0;{';'.join(_params(b))}m")
    assert change(sgr(DEFAULT, "7"), sgr(DEFAULT, "7;1")) == "\x1b[1m"
    assert change(sgr(DEFAULT, "7"), DEFAULT) == "\x1b[m"
    assert change(sgr(DEFAULT, "4"), sgr(DEFAULT, "7")) == "\x1b[0;7m"


def test_only_an_unseen_foreground_may_differ() -> None:
    a, b = Screen(), Screen()
    a.feed(b"\x1b[97;44m \x1b[4;31m \x1b[0;7;32m \x1b[0;33mx")
    b.feed(b"\x1b[30;44m \x1b[4;32m \x1b[0;7;31m \x1b[0;34mx")
    same = [p == q for p, q in zip(a.looks()[0][:4], b.looks()[0][:4], strict=True)]
    assert same == [True, False, False, False]  # underline, reverse, a letter: all seen


def _params(style: tuple) -> list[str]:
    fg, bg, attrs = style
    bits = {1: "1", 2: "2", 4: "3", 8: "4", 16: "5", 32: "7", 64: "8", 128: "9", 256: "21",
            512: "53"}
    return [c for bit, c in bits.items() if attrs & bit] + [c for c in (fg, bg) if c] or ["0"]


def test_cursor_moves_are_the_shortest() -> None:
    assert move(5, 3, 6, 3) == "\x1b[C"
    assert move(5, 3, 4, 3) == "\b"
    assert move(5, 3, 0, 3) == "\r"
    assert move(5, 3, 5, 4) == "\x1b[B"
    assert move(None, None, 0, 0) == "\x1b[H"
    assert move(None, 7, 10, 7) == "\x1b[11G"
    assert move(40, 2, 10, 20) == "\x1b[21;11H"
    for cx, cy, x, y in [(3, 4, 70, 1), (79, 0, 0, 23), (10, 10, 10, 10), (0, 5, 3, 6)]:
        screen = Screen()
        screen.x, screen.y = cx, cy
        screen.feed(move(cx, cy, x, y).encode())
        assert (screen.x, screen.y) == (x, y)


def test_modes_pass_through_in_order_and_the_main_screen_gets_default_colours() -> None:
    writer = Writer(80, 24)
    start = writer.feed("\x1b[?1049h\x1b[?25l\x1b[?2026$p")
    assert start == "\x1b[?1049h\x1b[?25l\x1b[?2026$p"  # nothing drawn before the screen
    assert writer.feed("\x1b[?2026h\x1b[3;5H\x1b[7mab\x1b[0m\x1b[?2026l") == ""  # synced
    first = writer.flush()
    assert first.startswith("\x1b[m\x1b[H\x1b[2J") and first.endswith("\x1b[3;5H\x1b[7mab")
    assert writer.feed("\x1b[3;7H\x1b[7mc") == "" and writer.flush() == "c"
    assert writer.flush() == ""  # nothing changed: nothing sent
    end = writer.feed("\x1b[?1049l\x1b[?25h")
    assert end == "\x1b[m\x1b[?1049l\x1b[?25h"  # SGR reset before the main screen


# --- the real program, recorded ------------------------------------------------------------

HARNESS = """
import json, sys
import tui.output as output
log = []
class Recording(output.CellDriver):
    def write(self, data):
        log.append(["in", data]); super().write(data)
    def send(self, text):
        log.append(["out", text]); super().send(text)
    def flush(self):
        super().flush(); log.append(["flush", ""])
    def stop_application_mode(self):
        super().stop_application_mode()
        with open(sys.argv[1], "w") as fh:
            json.dump(log, fh)
output.CellDriver = Recording
from tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["linux-nc", "xterm"])
def test_the_whole_bench_card_shows_the_same_screen(tmp_path: Path, mode: str) -> None:
    from bench import tui_card as bench_tui

    pristine = bench_tui.make_database(tmp_path)
    record = tmp_path / "record.json"
    keys = keys_for(bench_tui.MODES[mode]["TERM"])
    argv = [sys.executable, "-c", HARNESS, str(record), "--db", f"sqlite:///{pristine}",
            "--lang", "ru"]
    term = PtyTerm(argv, bench_tui.app_env(mode), cwd=str(ROOT))
    ready = bench_tui.texts()["ready"]
    try:
        assert term.wait_screen(lambda s: s.find(ready) is not None, 30.0), term.screen.text()
        plan = [(k, d) for k, _, d in bench_tui.typing_plan(keys)]
        plan = [("char", b"0")] + plan + [("key", keys["f1"]), ("key", keys["escape"]),
                                          ("key", keys["f9"]),
                                          ("key", keys["f2"])]
        for kind, data in plan:
            term.send(data, 0.15 if kind.startswith("dir") or kind == "key" else 0.02)
        term.send(keys["f2"], 0.3)  # the warnings window, if it asks
        term.write(b"\x11")  # Ctrl+Q: the draft is kept, the recording written
        term.wait_exit(10.0)
    finally:
        term.stop()
    log = json.loads(record.read_text())
    theirs, ours = _screens()
    flushes = sent = asked = 0
    for kind, text in log:
        if kind == "in":
            theirs.feed(text.replace("\n", "\r\n").encode())  # the tty's ONLCR
            asked += len(text.encode())
        elif kind == "out":  # the tty's ONLCR too: the writer counts on it when it is on
            ours.feed(text.replace("\n", "\r\n").encode())
            sent += len(text.encode())
        else:
            flushes += 1
            _same(theirs, ours, False, f"{mode}, repaint {flushes}")
    assert flushes > 200
    out = "".join(text for kind, text in log if kind == "out")
    assert "\x1b[2J" in out and re.search(r"\x1b\[\d*[LM]", out)  # cleared, scrolled
    assert sent < asked / 2, (sent, asked)


def test_output_keeps_the_order_of_small_and_large_pieces() -> None:
    """Small pieces are written at once, large ones by a thread; a small piece sent
    while a large one waits goes after it, never before."""
    import os
    import threading

    from tui.tty import Output

    r, w = os.pipe()
    got = bytearray()
    reader = threading.Thread(target=lambda: [got.extend(b) for b in iter(
        lambda: os.read(r, 65536), b"")], daemon=True)
    reader.start()
    out = Output(w, "utf-8")
    pieces = ["а" * 10, "б" * 5000, "в" * 3, "г" * 4000, "д"]
    for piece in pieces:
        out.send(piece)
    out.drain()
    os.close(w)
    reader.join(5)
    assert got.decode() == "".join(pieces)
