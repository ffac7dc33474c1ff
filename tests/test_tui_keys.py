"""Every key of the key map works on TERM=linux, xterm and vt220: the bytes each
terminal sends (terminfo kf1.., kich1; Alt+key as ESC and the key) go through Textual's
input parser (with tui.textual_private's fixes) and reach their command. Then the Esc
prefix: Esc and a digit within the configured interval is Alt+digit, later it is not."""

from __future__ import annotations

import pytest

from tui import textual_private
from tui.keys import COMMANDS, DEFAULT_KEYS, EscapePrefix, KeyMap

F_KEYS = {
    # F1..F12 and Shift+F8 (kf20): Linux console, xterm, VT220 (no F5 key: Alt+5 / Esc 5)
    "linux": ["\x1b[[A", "\x1b[[B", "\x1b[[C", "\x1b[[D", "\x1b[[E", "\x1b[17~", "\x1b[18~",
              "\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~"],
    "xterm": ["\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[15~", "\x1b[17~", "\x1b[18~",
              "\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~"],
    "vt220": ["\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", None, "\x1b[17~", "\x1b[18~",
              "\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~"],
}
SHIFT_F8 = {"linux": "\x1b[34~", "xterm": "\x1b[19;2~", "vt220": "\x1b[34~"}
INSERT = "\x1b[2~"  # kich1, the same on all three
CONTROL = {"ctrl+q": "\x11", "ctrl+g": "\x07",  # the same on every terminal
           "ctrl+l": "\x0c", "ctrl+p": "\x10", "ctrl+n": "\x0e", "ctrl+t": "\x14",
           "ctrl+r": "\x12", "ctrl+k": "\x0b", "ctrl+o": "\x0f", "ctrl+e": "\x05",
           "ctrl+b": "\x02", "ctrl+x": "\x18"}
ALT = {"alt+1": "1", "alt+2": "2", "alt+3": "3", "alt+4": "4", "alt+5": "5", "alt+6": "6",
       "alt+7": "7", "alt+8": "8", "alt+9": "9", "alt+0": "0", "alt+minus": "-",
       "alt+equal": "=", "alt+h": "h", "alt+p": "p", "alt+g": "g", "alt+q": "q",
       "alt+l": "l", "alt+y": "y", "alt+n": "n", "alt+v": "v", "alt+t": "t", "alt+r": "r",
       "alt+k": "k", "alt+o": "o", "alt+e": "e", "alt+u": "u", "alt+s": "s"}


def sent_by(terminal: str, key: str) -> str | None:
    """The bytes `terminal` sends for a key of config.toml [keys]; None: no such key."""
    if key.startswith("f") and key[1:].isdigit():
        return F_KEYS[terminal][int(key[1:]) - 1]
    if key == "shift+f8":
        return SHIFT_F8[terminal]
    if key == "insert":
        return INSERT
    if key in CONTROL:
        return CONTROL[key]
    if key in ALT:
        return "\x1b" + ALT[key]  # "meta sends escape": how Alt reaches a program
    raise AssertionError(f"no bytes known for {key}")


@pytest.mark.parametrize("terminal", ["linux", "xterm", "vt220"])
def test_every_key_of_the_key_map_reaches_its_command(terminal: str) -> None:
    textual_private.install()
    keymap = KeyMap({})
    for command in COMMANDS:
        reachable = 0
        for key in keymap.keys(command.id):
            data = sent_by(terminal, key)
            if data is None:
                continue
            read = textual_private.parse_keys(data)
            assert len(read) == 1, (terminal, key, read)
            assert keymap.command_of(read[0][0]) == command.id, (terminal, key, read)
            reachable += 1
        assert reachable, f"{command.id}: no key of it works on {terminal}"


def test_alt_keys_under_the_russian_and_kazakh_layouts() -> None:
    keymap = KeyMap({})
    for data, command in (("\x1bә", "save"), ("\x1bз", "persist"), ("\x1bр", "history"),
                          ("\x1bй", "quit"), ("\x1bп", "goto")):
        read = textual_private.parse_keys(data)
        assert keymap.command_of(read[0][0]) == command, (data, read)


def test_escape_then_a_digit_only_within_the_interval() -> None:
    keymap = KeyMap({})
    prefix = EscapePrefix(keymap, 0.5)
    # Esc pressed alone: the terminal's delay passes, Textual reports the Escape key
    assert textual_private.parse_keys("\x1b") == [("escape", "\x1b")]
    prefix.arm(10.0)
    assert prefix.take("2", 10.3) == "save"  # Esc, 2 within half a second: F2
    assert not prefix.armed
    prefix.arm(10.0)
    assert prefix.take("0", 13.0) is None  # 3 s later: a lone Esc, then the digit
    prefix.arm(10.0)
    assert prefix.take("x", 10.1) is None  # not a command key: a lone Esc
    assert prefix.take("2", 10.2) is None  # nothing armed


def test_remapped_keys_and_their_aliases() -> None:
    keymap = KeyMap({"history": "f7", "journal": "shift+f7"})
    assert keymap.command_of("f7") == "history"
    assert keymap.command_of("f19") == "journal"  # Shift+F7 on the Linux console
    assert keymap.command_of("shift+f8") is None
    assert set(DEFAULT_KEYS) == {c.id for c in COMMANDS}


def test_every_window_of_the_command_table_opens() -> None:
    """A command's `screen` is imported when first asked for: each must exist and take
    (session, card_id), or the key would fail in front of the operator."""
    import inspect

    from textual.screen import Screen

    from tui.app import screen_class

    opened = [c for c in COMMANDS if c.screen]
    assert opened
    for command in opened:
        cls = screen_class(command.id)
        assert issubclass(cls, Screen), command.id
        assert list(inspect.signature(cls).parameters)[:2] == ["session", "card_id"]
    for command in COMMANDS:  # one way to run each
        assert bool(command.action) != bool(command.screen), command.id
