"""Golden screens: what a person sees, as plain-text 80x24 files in tests/screens/,
compared on every run. After a deliberate change of a window:

    APCARD_UPDATE_SCREENS=1 .venv/bin/python -m pytest tests/test_tui_screens.py

rewrites them, and the diff of tests/screens/ is what a reviewer reads. Times of day and
today's date (log rows are stamped when written) are masked as hh:mm and DD.MM.YYYY."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from models.persons import create_person
from tests.test_corrections import _two_corrections, people  # noqa: F401
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    INDIVIDUAL_KEYS,
    INDIVIDUAL_TAIL,
    INDIVIDUAL_TEXTS,
    backend,
    draft_app,
    make_app,
    registrar,
    resumed,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.card import CardScreen
from tui.screens.correction_journal import CorrectionJournalScreen
from tui.screens.correction_reason import ReasonDialog
from tui.screens.directory import DirectoryScreen
from tui.screens.duplicates import DuplicatesScreen
from tui.screens.history import CardHistoryScreen

SCREENS = Path(__file__).resolve().parent / "screens"
SIZE = (80, 24)
UPDATE = bool(os.environ.get("APCARD_UPDATE_SCREENS"))

LEGAL_TEXTS = {k: v for k, v in INDIVIDUAL_TEXTS.items()
               if k not in ("surname", "given_name", "patronymic", "birth_date", "iin",
                            "address", "id_document", "sex", "citizenship")}
LEGAL_TEXTS.update({"subject": "05", "legal_name": 'ТОО "Алма-Транс"',
                    "bin": "940140000385", "legal_address": "г. Алматы, пр. Абая 10",
                    "legal_form": "4", "commercial_status": "1", "article": "423",
                    "part": "", "fine_imposed": "500000", "fine_collected": ""})
ENTREPRENEUR_TEXTS = {**INDIVIDUAL_TEXTS, "subject": "04", "legal_name": "ИП Касымов",
                      "bin": "850312305479", "legal_address": "г. Алматы, ул. Абая 1"}


def masked(text: str) -> str:
    today = dt.date.today()
    for form, mask in (("%d.%m.%Y", "DD.MM.YYYY"), ("%d.%m.%y", "DD.MM.YY"),
                       ("%Y%m%d", "YYYYMMDD")):
        text = text.replace(today.strftime(form), mask)
    return re.sub(r"\b\d{2}:\d{2}\b", "hh:mm", text)


def check(name: str, app: App[Any]) -> None:
    shot = masked(screen_text(app)) + "\n"
    assert len(shot.splitlines()) == 24 and all(len(x) == 80 for x in shot.splitlines())
    path = SCREENS / f"{name}.txt"
    if UPDATE or not path.exists():
        SCREENS.mkdir(exist_ok=True)
        path.write_text(shot, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path.name} written: review it and commit it")
        return
    want = path.read_text(encoding="utf-8")
    if shot != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), shot.splitlines(True),
                                            f"{name} (golden)", f"{name} (now)"))
        pytest.fail(f"screen {name} changed (APCARD_UPDATE_SCREENS=1 to accept):\n{diff}",
                    pytrace=False)


async def card_from(cfg, texts: dict[str, str], name: str, focus: str = "subject") -> None:
    app = draft_app(cfg, values=texts, focus=focus)
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await pilot.pause()
        check(name, app)


async def test_individual_card(books, cfg) -> None:
    await card_from(cfg, INDIVIDUAL_TEXTS, "card_individual")


async def test_legal_entity_card(books, cfg) -> None:
    await card_from(cfg, LEGAL_TEXTS, "card_legal_entity", focus="legal_name")


async def test_entrepreneur_card(books, cfg) -> None:
    await card_from(cfg, ENTREPRENEUR_TEXTS, "card_entrepreneur", focus="article")


@pytest.mark.parametrize("texts, focus, keys, golden", [
    (INDIVIDUAL_TEXTS, "place", ("f4", "есил"), "directory_place"),
    # Line 1 of a legal entity's card: "пожар" is in no authority's name; the keyword
    # finds the civil-protection authority (686).
    (LEGAL_TEXTS, "authority", ("f3", "пожар"), "directory_keyword"),
])
async def test_directory(books, cfg, texts, focus: str, keys: tuple[str, ...],
                         golden: str) -> None:
    app = draft_app(cfg, values=texts, focus=focus)
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, *keys)
        assert isinstance(app.screen, DirectoryScreen)
        check(golden, app)


async def test_directory_finds_nothing(books, cfg) -> None:
    # A name from elsewhere finds nothing: the window says so, keeps the text, and
    # Ctrl+U clears it in one key.
    app = draft_app(cfg, values=LEGAL_TEXTS, focus="considering_body")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "f3", "гибдд")
        assert isinstance(app.screen, DirectoryScreen)
        check("directory_nothing_found", app)
        await type_in(pilot, "ctrl+u", "gjkbw")  # the Latin layout left on: "полиц"
        assert "Поиск: gjkbw_ = полиц   (найдено: 3)" in screen_text(app)
        assert app.screen.entries[0].code == "685"


async def test_duplicates_conflict(books, cfg) -> None:
    create_person({"surname": "Касымов", "given_name": "Ерлан", "patronymic": "Нурланович",
                   "birth_date": dt.date(1985, 3, 12), "iin": "850312305479", "sex": "1",
                   "address": "г. Алматы, ул. Абая 1"}, registrar())
    texts = {**INDIVIDUAL_TEXTS, "surname": "Тестов", "given_name": "Тест",
             "patronymic": ""}
    app = draft_app(cfg, values=texts, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "Прежних карточек нет" in screen_text(app))
        assert isinstance(app.screen, DuplicatesScreen)
        check("duplicates_list", app)
        await type_in(pilot, "1")  # a conflict: only 1 opens the differences
        check("duplicates_differences", app)


async def test_reason(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReasonDialog("ru", "correct", ["protocol_no", "surname"]))
        await pilot.pause()
        check("reason", app)


async def test_history(people, cfg) -> None:  # noqa: F811
    card = _two_corrections(people)
    app = make_app(cfg, login="audit")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CardHistoryScreen(app.session, card.id))
        await settle(pilot)
        await wait_for(pilot, lambda: "Касымова" in screen_text(app))
        check("history", app)


async def test_correction_journal(people, cfg) -> None:  # noqa: F811
    _two_corrections(people)
    app = make_app(cfg, login="audit")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CorrectionJournalScreen(app.session))
        await settle(pilot)
        await wait_for(pilot, lambda: "Записей:" in screen_text(app))
        check("correction_journal", app)


async def test_help_and_menu(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "f1")
        check("help", app)
        await type_in(pilot, "escape", "f10")
        assert not isinstance(app.screen, CardScreen)
        check("menu", app)


async def test_warnings_to_confirm(books, cfg) -> None:
    """One warning before saving: a window as tall as its one issue, the card above and
    below it still in view."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS, "40000", "enter", "enter", *INDIVIDUAL_TAIL)
        await type_in(pilot, "f2")
        await settle(pilot)
        check("warnings_confirm", app)
