"""§6 on the correction screen at 80x24 with keys: the date the error was found is
pre-filled with today (no key to accept it, the first digit typed replaces it); the
override reason's row appears only when that date is more than the window before today
and the Directorate did not return the card; F8 -> F2 -> Enter records the basis."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import correction_window as cw
from models.corrections import change_status
from models.lifecycle import Event
from tests.test_corrections import people  # noqa: F401
from tests.test_tui_screens import check
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    backend,
    make_app,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.correction_reason import ReasonChoice, ReasonDialog, Window

SIZE = (80, 24)
TODAY = dt.date(2026, 6, 1)
FIELDS = ["protocol_no", "surname"]


def _dialog(status: str = "registered", lang: str = "ru") -> ReasonDialog:
    return ReasonDialog(lang, "correct", FIELDS, today=TODAY, window=Window(status, 30))


async def test_found_today_by_default_no_extra_key(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(_dialog(), got.append)
        await pilot.pause()
        text = screen_text(app)
        assert "│ Ошибка найдена      [01.06.2026]" in text
        assert "Основание вне срока" not in text  # within the window: no such row
        await type_in(pilot, "опечатка", "enter")
    assert got == [ReasonChoice("04", "опечатка", {}, TODAY, "")]


async def test_past_the_window_asks_the_override(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(_dialog(), got.append)
        await pilot.pause()
        await type_in(pilot, "опечатка", "tab", "15042026")  # typed over today's date
        text = screen_text(app)
        assert "[15.04.2026]" in text and "Основание вне срока" in text
        assert "Срок §6 истёк 15.05.2026 (ошибка найдена 15.04.2026)" in text
        check("reason_window", app)
        await type_in(pilot, "enter")  # no override reason: refused, still open
        assert got == [] and "нужно основание" in screen_text(app)
        await type_in(pilot, "поручение прокурора", "enter")
    assert got == [ReasonChoice("04", "опечатка", {}, dt.date(2026, 4, 15),
                                "поручение прокурора")]


async def test_back_inside_the_window_hides_the_row(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(_dialog(lang="kk"), got.append)
        await pilot.pause()
        await type_in(pilot, "қате", "tab", "01012026")
        assert "Мерзімнен кейін негіз" in screen_text(app)
        check("reason_window_kk", app)
        await type_in(pilot, "ctrl+u", "20052026")  # still in the date field
        assert "Мерзімнен кейін негіз" not in screen_text(app)
        await type_in(pilot, "enter")
    assert got == [ReasonChoice("04", "қате", {}, dt.date(2026, 5, 20), "")]


async def test_bad_or_future_date_is_a_message(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(_dialog(), got.append)
        await pilot.pause()
        await type_in(pilot, "опечатка", "tab", "3102", "enter")
        assert "Дата обнаружения ошибки: ДДММГГГГ" in screen_text(app)
        await type_in(pilot, "ctrl+u", "02062026", "enter")
        assert "не может быть в будущем" in screen_text(app) and got == []


async def test_returned_card_needs_no_override(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(_dialog("returned"), got.append)
        await pilot.pause()
        await type_in(pilot, "по возврату", "tab", "01012025")
        assert "Основание вне срока" not in screen_text(app)
        await type_in(pilot, "enter")
    assert got == [ReasonChoice("04", "по возврату", {}, dt.date(2025, 1, 1), "")]


async def _correct(app: Any, pilot: Any, card_id: int, field: str, typed: str) -> None:
    """Open the card, F8, retype one field, F2."""
    from models.tables import Card
    from tui.screens.card import CardScreen

    app.push_screen(CardScreen(app.session, Card.get_by_id(card_id)))
    await pilot.pause()
    await type_in(pilot, "f8")
    app.screen.focus_field(field)
    await type_in(pilot, "ctrl+u", typed, "f2")


async def test_f8_records_the_basis(people, cfg) -> None:  # noqa: F811
    from tests.test_corrections import make_card

    card = make_card(people["operator"])
    returned = make_card(people["operator"], journal_no="00777")
    admin = people["administrator"]
    today = dt.date.today()
    change_status(returned.id, Event.DISPATCH, admin, dispatch_days=[today.day], today=today)
    change_status(returned.id, Event.RETURN, admin, reason_code="01",
                  reason_text="неполные данные", today=today)
    app = make_app(cfg, login="admin")
    async with app.run_test(size=SIZE) as pilot:
        for target, keys in ((card, ["enter"]),
                             (returned, ["tab", "01012024", "enter"])):
            await _correct(app, pilot, target.id, "protocol_no", "000123999")
            await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
            await type_in(pilot, "опечатка", *keys)
            await settle(pilot)
            await wait_for(pilot, lambda: "исправлена" in screen_text(app))
            app.pop_screen()
            await settle(pilot)
    assert [(b.basis, b.found_on) for b in cw.basis_of(card.id)] == [(cw.OWN, today)]
    assert [(b.basis, b.found_on) for b in cw.basis_of(returned.id)] == [
        (cw.RETURN, dt.date(2024, 1, 1))]


async def test_one_reason_per_line_then_the_window_once(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(_dialog(), got.append)
        await pilot.pause()
        await type_in(pilot, "f6", "опечатка", "enter", "tab", "01042026", "shift+tab",
                      "ctrl+u", "по паспорту", "enter")
        assert got == [] and "нужно основание" in screen_text(app)  # asked at the end
        await type_in(pilot, "акт сверки", "enter")
    assert got == [ReasonChoice(None, None, {"protocol_no": ("04", "опечатка"),
                                             "surname": ("04", "по паспорту")},
                                dt.date(2026, 4, 1), "акт сверки")]


async def test_an_error_on_the_card_is_listed_before_the_reason(people, cfg) -> None:  # noqa: F811
    """A correction the card's rules refuse says so at F2: no reason typed for nothing."""
    from models.tables import Card
    from tests.test_corrections import make_card
    from tui.screens.card import CardScreen
    from tui.screens.messages import IssuesScreen

    card = make_card(people["operator"])
    app = make_app(cfg, login="admin")
    async with app.run_test(size=SIZE) as pilot:
        await _correct(app, pilot, card.id, "birth_date", "127")
        await wait_for(pilot, lambda: isinstance(app.screen, IssuesScreen))
        assert "исправьте ошибки" in screen_text(app)
        await type_in(pilot, "enter")  # to the field at fault, the edits kept
        await settle(pilot)
        assert isinstance(app.screen, CardScreen) and app.screen.state.focus == "birth_date"
        await type_in(pilot, "15031985", "f2")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
    assert Card.get_by_id(card.id).version == card.version  # nothing written meanwhile
