"""Helpers for the card screen tests: the app on a migrated database with the shipped
codebooks, keys typed as an operator types them, and the screen as text.

UI tests run on SQLite: a test module imports the `backend` fixture below (the model
tests keep both databases)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from models.config import Config
from models.tables import User
from tui import textual_private
from tui.app import ApcardApp
from tui.keys import KeyMap
from tui.session import Session


@pytest.fixture
def backend() -> str:
    """UI tests on SQLite only (overrides conftest's SQLite + PostgreSQL parameter)."""
    return "sqlite"

# Key names pressed as they are; anything else is typed character by character.
KEY_NAMES = {"enter", "tab", "shift+tab", "up", "down", "left", "right", "home", "end",
             "escape", "backspace", "delete", "insert", "space", "ctrl+u", "pageup",
             "pagedown"} | {f"f{n}" for n in range(1, 13)}

OFFENCE = dt.date(2025, 2, 1)


def make_app(cfg: Config, login: str = "ivanova", lang: str = "ru",
             role: str = "operator") -> ApcardApp:
    textual_private.install()  # as run_app does
    user = User.get_or_none(User.login == login) or User.create(
        login=login, full_name="Иванова С.К.", role=role)
    return ApcardApp(Session(cfg, user, KeyMap(cfg.keys), lang))


async def type_in(pilot: Pilot, *items: str) -> None:
    """Press keys: key names as such ("key:name" for any other key name), one at a time;
    other strings typed as an operator types ahead: all their characters queued at once,
    then the app left to take them (a pause per string, not per character)."""
    from textual import events

    for item in items:
        if item.startswith("key:"):
            await pilot.press(item[4:])
        elif item in KEY_NAMES or item.startswith(("alt+", "ctrl+", "shift+", "wait:")):
            await pilot.press(item)
        else:
            for ch in item:
                key = ch if ch.isalnum() else textual_private.key_of_character(ch)
                pilot.app.post_message(events.Key(key, ch))
            await pilot.pause()
    await pilot.pause()


async def press_as_terminal(pilot: Pilot, key: str, character: str | None) -> None:
    """A key with the character a real terminal's bytes give it (Pilot.press derives the
    character from the key name, which Textual's parser does not always do)."""
    from textual import events

    pilot.app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


async def wait_for(pilot: Pilot, ready: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll until `ready()` (a timer's or a worker's effect), failing after `timeout`."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not ready():
        if loop.time() > end:
            raise AssertionError(f"not ready after {timeout} s: {ready}")
        await pilot.pause(0.02)


async def settle(pilot: Pilot) -> None:
    """Let workers (matching, searches) finish and their results be drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(textual_private.screen_lines(app))


def raw(app: App[Any], name: str) -> str:
    """The text typed into a field of the card screen."""
    return app.screen.state.text(name)


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


def registrar() -> User:
    """The operator who registered the persons a test starts with."""
    return User.get_or_none(User.login == "registrar") or User.create(
        login="registrar", role="operator")


# The same individual's card as field texts (as typed: dates and amounts as digits), for
# tests that start from a draft because typing is not what they test.
INDIVIDUAL_TEXTS = {
    "subject": "01", "surname": "Касымов", "given_name": "Ерлан", "patronymic": "Нурланович",
    "birth_date": "12031985", "iin": "850312305479", "authority": "685",
    "place": "751110000", "considering_body": "685", "protocol_no": "000123456",
    "protocol_date": "01022025", "official_name": "Сейтов А.Б.", "journal_no": "00451",
    "journal_date": "03022025", "received_date": "05022025",
    "article": "592", "part": "02", "guilt": "1", "offence_date": "01022025",
    "decision_date": "02022025", "main_penalty": "02", "fine_imposed": "39320",
    "fine_collected": "39320", "address": "г. Алматы, ул. Абая 1", "id_document": "2",
    "sex": "1", "citizenship": "1", "filled_by": "Иванова С.К., инспектор",
    "filled_date": "05022025",
}


def draft_app(cfg: Config, login: str = "ivanova", role: str = "operator",
              run_lang: str = "ru", **draft: Any) -> ApcardApp:
    """The app (in `run_lang`, as --lang gives it) of a user who left `draft` (values,
    focus, cursor, lang...): the test answers the resume question (see `resumed`)."""
    from models.drafts import save_draft

    save_draft(make_app(cfg, login, role=role).session.user, draft)
    return make_app(cfg, login, lang=run_lang)


async def resumed(pilot: Pilot) -> None:
    """Answer "resume the draft?" with Enter and wait for the card."""
    from tui.screens.card import CardScreen

    await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "ConfirmScreen")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CardScreen))
    await pilot.pause()
