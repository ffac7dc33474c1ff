"""The documents' windows at 80x24 (SQLite): a payment notice moves line 13, a protest
files the linked card, the card's life runs its steps through the models, a request is
confirmed and answered, the journal lists and prints, the purge asks for the count.
Captures are compared with tests/printouts/screen-*.txt, dates masked."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from models import requests as rq
from models.auth import add_user
from models.cards import register_card
from models.corrections import change_status
from models.lifecycle import Event
from models.register_tables import CardLink, DestructionAct, LiabilityRequest, Notice
from models.tables import Card, Role
from tests.golden_files import check_golden
from tests.test_validation import individual_card
from tests.trust_helpers import set_card
from tests.tui_helpers import make_app, screen_text, settle, type_in

pytestmark = pytest.mark.asyncio


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def admin(db, books):
    return add_user("ivanova", Role.ADMINISTRATOR, by=None, full_name="Иванова С.К.")


@pytest.fixture
def card(admin):
    return register_card(individual_card(), admin, today=dt.date(2025, 3, 1))


@pytest.fixture(autouse=True)
def _printouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "printouts"
    monkeypatch.setattr("models.printing.output.folder", lambda: folder)
    monkeypatch.setattr("tui.screens.print_dialog.folder", lambda: folder)
    return folder


def masked(text: str) -> str:
    """Dates vary with the day the test runs: the layout is what is compared."""
    return re.sub(r"\d\d\.\d\d\.(\d\d\d\d|\d\d)\b", "DD.MM.YY", text) + "\n"


async def _open(cfg, screen_cls, *args, lang="ru"):
    app = make_app(cfg, lang=lang)
    return app, screen_cls


async def test_payment_notice_moves_line_13(card, cfg) -> None:
    from tui.screens.notice_form import ExecutionNoticeScreen

    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ExecutionNoticeScreen(app.session, card.id))
        await settle(pilot)
        await type_in(pilot, "20000", "enter", "01032025")
        await type_in(pilot, "f2")
        text = screen_text(app)
        assert "Извещение № 1 сохранено" in text
        check_golden("screen-notice-execution-ru.txt", masked(text))
        await type_in(pilot, "key:ctrl+p")
        await type_in(pilot, "enter")
        assert "Записано:" in screen_text(app)
    assert Card.get_by_id(card.id).fine_collected == 20000
    assert Notice.select().count() == 1


async def test_protest_files_the_linked_card(card, cfg) -> None:
    from tui.screens.protest_form import ProtestScreen

    app = make_app(cfg, lang="kk")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProtestScreen(app.session, card.id))
        await settle(pilot)
        await type_in(pilot, "10022025", "down", "down", "down", "down", "enter", "enter",
                      "key:ctrl+u", "03", "enter", "enter", "enter", "enter",
                      "key:ctrl+u", "78640", "f2")
        text = screen_text(app)
        check_golden("screen-protest-kk.txt", masked(text))
        assert "№ 2 жаңа карточка" in text
        await type_in(pilot, "escape")  # the old card again: the form says so at once
        app.push_screen(ProtestScreen(app.session, card.id))
        await settle(pilot)
        assert "№ 2 карточкасы толтырылған" in screen_text(app)
    link = CardLink.get()
    assert (link.old_card_id, link.new_card_id) == (card.id, 2)
    assert Card.get_by_id(2).part == "03"


async def test_card_life_runs_steps_through_the_models(card, cfg) -> None:
    from tui.screens.card_life import CardLifeScreen

    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CardLifeScreen(app.session, card.id))
        await settle(pilot)
        text = screen_text(app)
        check_golden("screen-card-life-ru.txt", masked(text))
        assert "- Вернуть на исправление" in text  # not dispatched yet: dimmed and marked
        await type_in(pilot, "down")
        assert "Статус карточки этого не допускает" in screen_text(app)
        await type_in(pilot, "down", "down", "enter")  # execute: the date form
        await type_in(pilot, "f2", "escape")
        assert "исполнена" in screen_text(app)
    assert Card.get_by_id(card.id).status == "executed"


async def test_request_confirmed_and_answered(card, cfg, admin) -> None:
    from tui.screens.requests import RequestCheckScreen

    req = rq.add_request({"number": "15/2", "surname": "Қасымов", "given_name": "Ерлан",
                          "birth_date": dt.date(1985, 3, 12), "grounds": "проверка"}, admin)
    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RequestCheckScreen(app.session, req.id))
        await settle(pilot)
        await type_in(pilot, "f2")
        assert "подтвердите каждого" in screen_text(app)
        await type_in(pilot, "1")
        check_golden("screen-request-check-ru.txt", masked(screen_text(app)))
        await type_in(pilot, "f2")
        assert "Ответ дан: записей: 1" in screen_text(app)
    done = LiabilityRequest.get_by_id(req.id)
    assert done.status == "answered" and json.loads(done.answer_cards) == [card.id]


async def test_request_keyed_from_paper(admin, cfg) -> None:
    from tui.screens.requests import RequestsScreen

    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RequestsScreen(app.session))
        await settle(pilot)
        await type_in(pilot, "insert", "enter", "77", "enter", "enter", "enter", "Петров",
                      "enter", "Пётр", "enter", "enter", "01011990", "f2")
        assert "Строка 10" in screen_text(app)  # grounds are mandatory
        assert "7. РНН" not in screen_text(app)  # a legal entity's lines, hidden
        for _ in range(5):  # from the IIN on to line 10: a person's lines only
            await type_in(pilot, "enter")
        await type_in(pilot, "проверка", "f2")
        await settle(pilot)
        assert "Петров Пётр" in screen_text(app)  # the check of the new request
    assert LiabilityRequest.get().surname == "Петров"


async def test_a_legal_entity_request_skips_a_persons_lines(admin, cfg) -> None:
    from tui.screens.requests import RequestsScreen

    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RequestsScreen(app.session))
        await settle(pilot)
        # A person's surname typed first, then the kind turned to 2: it is not saved.
        await type_in(pilot, "insert", "enter", "enter", "enter", "enter", "Петров",
                      "up", "up", "up", "up", "up", "2", "78", "enter", "enter", "enter",
                      "271800059535")  # the kind's one digit moves on, as the RNN's twelve
        text = screen_text(app)
        assert "1. Фамилия" not in text and "4. Дата рождения" not in text
        assert "7. РНН ...................... [271800059535]" in text
        await type_in(pilot, "enter", "ТОО Ромашка", "enter", "enter", "проверка", "f2")
        await settle(pilot)
    req = LiabilityRequest.get()
    assert (req.subject_kind, req.rnn, req.legal_name) == (rq.LEGAL, "271800059535",
                                                           "ТОО Ромашка")
    assert not req.surname  # typed, then hidden by the kind: not saved


async def test_journal_lists_and_keys_an_entry(card, cfg) -> None:
    from tui.screens.registration_journal import RegistrationJournalScreen

    app = make_app(cfg, lang="kk")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RegistrationJournalScreen(app.session))
        await settle(pilot)
        await type_in(pilot, "key:ctrl+u", "01012025", "enter")
        text = screen_text(app)
        assert "00451" in text and "Қасымов Ерлан" in text
        check_golden("screen-journal-kk.txt", masked(text))


async def test_purge_asks_for_the_count(card, cfg, admin) -> None:
    from tui.screens.retention import RetentionScreen

    set_card(card.id, fine_collected=card.fine_imposed)  # paid in full: nothing holds it
    change_status(card.id, Event.EXECUTE, admin, executed_on=dt.date(2025, 3, 5))
    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RetentionScreen(app.session))
        await settle(pilot)
        await type_in(pilot, "f2")
        assert Card.get_by_id(card.id).status == "executed"  # no count typed: nothing done
        await type_in(pilot, "1", "f2")
        text = screen_text(app)
        assert "Составлен акт №" in text
    assert Card.get_by_id(card.id).status == "purged" and DestructionAct.select().count() == 1


async def test_the_card_on_screen_shows_what_a_notice_changed(card, cfg) -> None:
    from tui.screens.card import CardScreen
    from tui.screens.notice_form import ExecutionNoticeScreen

    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CardScreen(app.session, card=card))
        await settle(pilot)
        app.push_screen(ExecutionNoticeScreen(app.session, card.id))
        await settle(pilot)
        await type_in(pilot, "5000", "enter", "01032025", "f2", "escape")
        await settle(pilot)
        assert "13. Взыскано ...... [         5 000 ]" in screen_text(app)
