"""The duplicates window at 80x24: what it shows, and the database after each choice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from models import matching
from models.config import Config
from models.lifecycle import status_label
from models.matching.decisions import Decision, are_distinct
from models.matching.tables import PersonDistinct
from models.persons import create_legal_entity, create_person
from models.tables import Card, Person, PersonHistory, User
from tui.keys import KeyMap
from tui.screens.duplicates import DuplicatesScreen
from tui.session import Session
from tui.theme import THEMES, theme_name, use

BORN = dt.date(1985, 3, 12)
TYPED = {"surname": "Касымов", "given_name": "Нурлан", "patronymic": "Серикович",
         "birth_date": dt.date(1985, 12, 3), "address": "г. Астана, ул. Абая 1"}


class Harness(App[int]):
    """The app's stylesheet and theme, showing only the duplicates window."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "tui" / "app.tcss")

    def __init__(self, session: Session, values: dict[str, Any], found: list[Any]) -> None:
        super().__init__(ansi_color=True)
        for theme in THEMES.values():
            self.register_theme(theme)
        name = theme_name(session.cfg)
        use(name)
        self.theme = name
        self.session, self.values, self.found = session, values, found
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(DuplicatesScreen(self.session, self.values, self.found),
                         self.results.append)

    def on_unmount(self) -> None:
        self.session.searches.close()  # as the app does: the earlier cards' connection


@pytest.fixture
def setup(db, cfg: Config) -> tuple[Session, Person]:
    user = User.create(login="op", role="operator")
    target = create_person({"surname": "Қасымов", "given_name": "Нұрлан",
                            "patronymic": "Серікұлы", "birth_date": BORN, "sex": "1",
                            "address": "г. Алматы"}, user)
    create_person({"surname": "Касымов", "given_name": "Нурлан",
                   "birth_date": dt.date(1985, 12, 4), "sex": "1"}, user)
    Card.create(person=target, status="registered", article="434", part="01",
                main_penalty="02", fine_imposed=36920, offence_date=dt.date(2024, 5, 1))
    return Session(cfg, user, KeyMap(cfg.keys), "ru"), target


def _lines(app: App[int]) -> str:
    from tui.widgets.line import TextLine
    from tui.widgets.picklist import PickList

    out = [w.text for w in app.screen.query(TextLine)]
    for pick in app.screen.query(PickList):
        out += pick.rows
    return "\n".join(out)


async def run_with(setup: tuple[Session, Person], keys: list[str],
                   lang: str = "ru") -> tuple[Harness, str, str]:
    """Open the window on TYPED, press `keys`; the app, its text before and after."""
    session, _ = setup
    session.lang = lang
    found = matching.find_candidates(TYPED)
    app = Harness(session, TYPED, found)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(50):  # the earlier cards are read in a worker thread
            if "434-01" in _lines(app):
                break
            await pilot.pause(0.02)
        text = _lines(app)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        after = _lines(app) if app.screen_stack else ""
    return app, text, after


async def test_window_lists_candidates_with_their_cards(setup: tuple[Session, Person]) -> None:
    app, text, _ = await run_with(setup, ["escape"])
    assert "Қасымов Нұрлан Серікұлы" in text and "12.03.1985" in text
    assert "В реестре есть похожие лица: 2" in text
    assert "Адрес: г. Алматы" in text
    assert "01.05.2024 434-01" in text and "36 920" in text
    assert status_label("registered").ru in text
    assert app.results == [None]  # Esc: nothing decided


async def test_window_speaks_kazakh(setup: tuple[Session, Person]) -> None:
    _, text, _ = await run_with(setup, ["escape"], lang="kk")
    assert "Тізілімде ұқсас адамдар бар: 2" in text and "Мекенжайы: г. Алматы" in text
    assert status_label("registered").kk in text


def _as_administrator(setup: tuple[Session, Person]) -> None:
    setup[0].user.role = "administrator"
    setup[0].user.save()


async def test_same_person_differences_are_listed_none_ticked(
        setup: tuple[Session, Person]) -> None:
    app, _, text = await run_with(setup, ["1"])
    assert "[ ] 14 Отчество: Серікұлы -> Серикович" in text and "[x] 1" not in text
    assert app.results == []  # still open: nothing chosen yet
    app, _, _ = await run_with(setup, ["1", "enter"])  # Enter: link, change nothing
    decision = app.results[0]
    assert isinstance(decision, Decision) and decision.same and decision.correct == ()


async def test_same_person_corrects_only_the_ticked_fields(
        setup: tuple[Session, Person]) -> None:
    _as_administrator(setup)
    _, target = setup
    # tick the first difference (surname) and the third (patronymic), then take them
    app, _, text = await run_with(setup, ["1", "space", "down", "down", "space"])
    assert "[x] 14 Отчество: Серікұлы -> Серикович" in text and app.results == []
    app, _, _ = await run_with(setup, ["1", "space", "down", "down", "space", "1"])
    decision = app.results[0]
    assert decision.person_id == target.id and set(decision.correct) == {"surname",
                                                                          "patronymic"}
    # nothing is written before the card is saved
    assert PersonHistory.select().count() == 0
    assert Person.get_by_id(target.id).patronymic == "Серікұлы"


async def test_an_operator_may_link_but_not_correct(setup: tuple[Session, Person]) -> None:
    app, _, text = await run_with(setup, ["1", "space", "1"])
    assert "исправляет только администратор" in text and app.results == []
    app, _, _ = await run_with(setup, ["1", "space", "1", "2"])
    assert app.results[0].correct == () and app.results[0].same


async def test_same_person_linked_without_changes(setup: tuple[Session, Person]) -> None:
    _, target = setup
    app, _, _ = await run_with(setup, ["enter", "2"])
    decision = app.results[0]
    assert decision.person_id == target.id and decision.correct == ()
    assert PersonHistory.select().count() == 0
    assert Person.get_by_id(target.id).address == "г. Алматы"


async def test_different_person_is_kept_until_the_card_is_saved(
        setup: tuple[Session, Person]) -> None:
    from models.matching.decisions import settle

    session, target = setup
    app, _, _ = await run_with(setup, ["2"])
    decision = app.results[0]
    assert not decision.same and len(decision.different_from) == 2
    assert PersonDistinct.select().count() == 0  # nothing written by the window
    # the card's save settles it against the card's own new person
    new = create_person(TYPED, session.user)
    settle(decision, new.id, None, session.user)
    assert are_distinct(new, target)
    assert all(d.decided_by.id == session.user.id for d in PersonDistinct.select())


async def test_open_candidate_cards_and_back(setup: tuple[Session, Person]) -> None:
    app, _, text = await run_with(setup, ["3"])
    assert "Қасымов Н. С.: карточки" in text and "Enter Открыть карточку" in text
    assert app.results == []  # still open
    app, _, text = await run_with(setup, ["3", "escape"])
    assert "В реестре есть похожие лица: 2" in text and app.results == []


async def test_legal_entity_same(db, cfg: Config) -> None:
    user = User.create(login="op", role="operator")
    le = create_legal_entity({"legal_name": "ТОО «Береке-2005»", "bin": "940140000385"}, user)
    values = {"legal_name": "Береке 2005 ЖШС"}
    found = matching.find_legal_candidates(values)
    app = Harness(Session(cfg, user, KeyMap(cfg.keys), "kk"), values, found)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Тізілімде ұқсас ұйымдар бар: 1" in _lines(app)
        await pilot.press("1")
        await pilot.pause()
    assert app.results[0].legal_entity_id == le.id and app.results[0].same
