"""Helpers for the card screen tests: the app on a migrated database with the shipped
codebooks, keys typed as an operator types them, and the screen as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from models.config import Config
from models.tables import User
from tui.app import ApcardApp
from tui.keys import KeyMap
from tui.session import Session

# Key names pressed as they are; anything else is typed character by character.
KEY_NAMES = {"enter", "tab", "shift+tab", "up", "down", "left", "right", "home", "end",
             "escape", "backspace", "delete", "insert", "space", "ctrl+u", "pageup",
             "pagedown"} | {f"f{n}" for n in range(1, 13)}

OFFENCE = dt.date(2025, 2, 1)


def make_app(cfg: Config, login: str = "ivanova", lang: str = "ru") -> ApcardApp:
    user = User.get_or_none(User.login == login) or User.create(
        login=login, full_name="Иванова С.К.", role="operator")
    return ApcardApp(Session(cfg, user, KeyMap(cfg.keys), lang))


async def type_in(pilot: Pilot, *items: str) -> None:
    """Press keys: key names as such ("key:name" for any other key name), other
    strings as typed text."""
    keys: list[str] = []
    for item in items:
        if item.startswith("key:"):
            keys.append(item[4:])
        elif item in KEY_NAMES or item.startswith(("alt+", "wait:")):
            keys.append(item)
        else:
            keys += list(item)
    await pilot.press(*keys)
    await pilot.pause()


async def press_as_terminal(pilot: Pilot, key: str, character: str | None) -> None:
    """A key with the character a real terminal's bytes give it (Pilot.press derives the
    character from the key name, which Textual's parser does not always do)."""
    from textual import events

    pilot.app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


async def settle(pilot: Pilot) -> None:
    """Let workers (matching, searches) finish and their results be drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def raw(app: App[Any], name: str) -> str:
    """The text typed into a field of the card screen."""
    return app.screen.form.boxes[name].raw


# The fields of an individual's card, in form order, as keys (fixed-length fields
# move on by themselves when full: no Enter after them).
INDIVIDUAL_KEYS = (
    "01",  # line 8: individual
    "Касымов", "enter", "Ерлан", "enter", "Нурланович", "enter", "12031985",
    "850312305479",
    "685", "enter", "751110000", "685", "enter",  # lines 1-3
    "000123456", "enter", "01022025", "enter",  # line 4, no "without protocol"
    "enter", "enter",  # line 4-1 empty
    "Сейтов А.Б.", "enter",
    "enter", "03022025", "enter",  # line 6: proposed number kept; line 7 today
    "592", "enter", "02", "enter", "enter",  # line 9: 592 part 02
    "1", "01022025", "02022025", "enter",  # 9.1, 9.2, 10, 11
    "02", "enter", "enter",  # 11.1 fine; 11.2, 11.3 empty
)
INDIVIDUAL_TAIL = (
    "г. Алматы, ул. Абая 1", "enter", "2", "1", "1", "enter", "enter",  # 14.1-14.7
    "enter", "enter",  # 19, 19.1
    "Иванова С.К., инспектор", "enter", "05022025",  # 21
)
