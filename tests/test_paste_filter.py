"""Escape sequences inside a bracketed paste are dropped whatever the reads' boundaries;
input outside a paste passes unchanged and at once."""

from __future__ import annotations

import pytest

from tui.paste_filter import END, START, PasteFilter


def run(*chunks: str) -> str:
    paste = PasteFilter()
    return "".join(paste.feed(chunk) for chunk in chunks)


@pytest.mark.parametrize(("given", "kept"), [
    (START + "Пе\x1b[1;31mтр" + END, START + "Петр" + END),  # CSI (colour)
    (START + "a\x1b]0;title\x07b" + END, START + "ab" + END),  # OSC ended by BEL
    (START + "a\x1b]0;t\x1b\\b" + END, START + "ab" + END),  # OSC ended by ESC \
    (START + "a\x1bQb" + END, START + "ab" + END),  # ESC and one character
    (START + "ab\x1b[3" + END + "c", START + "ab" + END + "c"),  # cut short by the end
    (START + "a\x1b]0;t" + END + "z", START + "a" + END + "z"),  # an OSC cut short too
    (START + "a\x07\x11b" + END, START + "a\x07\x11b" + END),  # controls: the field's
])
def test_sequences_in_a_paste(given: str, kept: str) -> None:
    assert run(given) == kept


def test_every_split_of_the_input_gives_the_same() -> None:
    whole = "k\x1b[A" + START + "Пе\x1b[1;31mтр\x1b]2;x\x07!" + END + "\x1b[[B" + START + "z" + END
    want = "k\x1b[A" + START + "Петр!" + END + "\x1b[[B" + START + "z" + END
    for i in range(len(whole) + 1):
        for j in range(i, len(whole) + 1):
            assert run(whole[:i], whole[i:j], whole[j:]) == want, (i, j)


def test_outside_a_paste_nothing_waits() -> None:
    paste = PasteFilter()
    assert paste.feed("\x1b") == "\x1b"  # a lone Escape key reaches the reader at once
    assert paste.feed("[200") == "[200"  # not yet a paste: passed on as it came
    assert paste.feed("~a\x1b[31") == "~a" and paste.inside  # the sequence is held
    assert paste.feed("m" + END) == END and not paste.inside
