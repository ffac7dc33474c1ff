"""tui.row_shift: text shifted along a row (a directory's filter narrowed) is moved by
the terminal (DCH/ICH) and only what still differs is written. The screen after the
writer's bytes equals what Textual's bytes put there, on the reference terminal model
bench.termscreen.Screen, cell for cell, with styles, selection bars and borders."""

from __future__ import annotations

import random
import re

import pytest

from tests.test_tui_repaint import _paint, _same, _screens
from tui.output import Writer

WORDS = ["влечет", "штраф", "в", "размере", "пяти", "десяти", "двадцати", "месячных",
         "расчетных", "ч.", "2-1", "3", "—", "ст.", "590", "592", "лишение", "abc"]


def _line(rng: random.Random) -> list[str]:
    return [rng.choice(WORDS) for _ in range(14)]


def _row(words: list[str], selected: bool) -> list[tuple[str, str]]:
    text = " ".join(words)[:68].ljust(68)
    return [("│", "97;44"), (" 590/01", "7" if selected else "30;47"),
            (text, "7" if selected else "30;47"), ("~  ", "1;33"), ("│", "97;44")]


def _run(seed: int, onlcr: bool) -> tuple[int, str]:
    rng = random.Random(seed)
    lines = [_line(rng) for _ in range(24)]
    theirs, ours = _screens()
    writer = Writer(80, 24, onlcr=onlcr)
    sent, everything = 0, []
    for step in range(30):
        changed = set(range(24)) if step == 0 else set()
        for y in (rng.sample(range(24), rng.randint(1, 14)) if step else []):
            words = lines[y]
            at = rng.randrange(len(words))
            if rng.random() < 0.5:  # a word or two taken out or put in: the rest moves
                del words[at:at + rng.randint(1, 2)]
            else:
                words[at:at] = [rng.choice(WORDS) for _ in range(rng.randint(1, 2))]
            words += [rng.choice(WORDS) for _ in range(14 - len(words))]
            changed.add(y)
        pick = rng.randrange(24)
        data = ("\x1b[?1049h\x1b[?25l" if step == 0 else "") + "".join(
            _paint(y, _row(lines[y], y == pick)) for y in range(24)
            if y in changed or y == pick)
        out = writer.feed(data) + writer.flush()
        theirs.feed(data.encode())
        ours.feed((out.replace("\n", "\r\n") if onlcr else out).encode())
        _same(theirs, ours, False, f"seed {seed} step {step}")
        if step:
            sent += len(out.encode())
            everything.append(out)
    return sent, "".join(everything)


@pytest.mark.parametrize("seed", range(8))
def test_shifted_text_shows_the_same_screen_cell_for_cell(seed: int) -> None:
    sent, out = _run(seed, onlcr=seed % 2 == 0)
    assert re.search(r"\x1b\[\d*P", out) and re.search(r"\x1b\[\d*@", out)


def test_shifting_sends_fewer_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.row_shift

    shifting = sum(_run(seed, True)[0] for seed in range(4))
    monkeypatch.setattr(tui.row_shift, "SHIFT_MIN", 10 ** 6)
    writing = sum(_run(seed, True)[0] for seed in range(4))
    assert shifting < writing * 0.9, (shifting, writing)
