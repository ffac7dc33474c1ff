"""The correction screens at 80x24 with keys (Textual Pilot): card history, the
correction journal with its filters and CSV export, the reason dialog, sign-in."""

from __future__ import annotations

import csv
from typing import Any

from models.auth import add_user
from models.tables import Role
from tests.test_corrections import _two_corrections, people  # noqa: F401
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    backend,
    make_app,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.correction_journal import CorrectionJournalScreen
from tui.screens.correction_reason import ReasonChoice, ReasonDialog
from tui.screens.history import CardHistoryScreen
from tui.screens.login import LoginScreen
from tui.screens.messages import ConfirmScreen

SIZE = (80, 24)


async def test_history_shows_each_value_who_when_why(people, cfg) -> None:  # noqa: F811
    card = _two_corrections(people)
    app = make_app(cfg, login="ivanova")  # an operator may read the history
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CardHistoryScreen(app.session, card.id))
        await settle(pilot)
        text = screen_text(app)
        assert f"История карточки № {card.id}" in text
        assert "Состояние: зарегистрирована" in text
        lines = text.splitlines()
        rows = [ln for ln in lines if "Фамилия" in ln]
        assert len(rows) == 2 and "Қасымов" in rows[0] and "Касымова" in rows[1]
        assert "ivanova (Иванова С.К.)" in text and "Карточка зарегистрирована" in text
        await type_in(pilot, "down", "down", "down")
        text = screen_text(app)
        assert "«Қасымова» → «Касымова»" in text
        assert "05 Изменились идентификационные данные — по паспорту" in text
        assert "admin2 (Second A.)" in text
        await type_in(pilot, "tab")  # by time: the line-4 change comes before line 14
        await settle(pilot)
        assert "по строкам" in screen_text(app)
        await type_in(pilot, "escape")
        assert not isinstance(app.screen, CardHistoryScreen)


async def test_journal_filters_and_exports_csv(people, cfg, tmp_path) -> None:  # noqa: F811
    _two_corrections(people)
    app = make_app(cfg, login="audit")
    async with app.run_test(size=SIZE) as pilot:
        screen = CorrectionJournalScreen(app.session)
        app.push_screen(screen)
        await settle(pilot)
        text = screen_text(app)
        assert "Журнал исправлений" in text and "Записей: 7" in text  # 4 users + 3 lines
        await type_in(pilot, "tab")  # back from the list to the filters
        await type_in(pilot, "tab", "tab", "admin2", "enter")  # user filter
        await settle(pilot)
        text = screen_text(app)
        assert "Записей: 1" in text and "Касымова" in text
        screen.boxes[6].set_raw(str(tmp_path / "j.csv"))
        await type_in(pilot, "f2")
        await settle(pilot)
        assert "Выгружено записей: 1" in screen_text(app)
    with open(tmp_path / "j.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][2] == "admin2" and rows[1][11:14] == [
        "05", "Изменились идентификационные данные", "по паспорту"]


async def test_journal_refused_to_an_operator(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="ivanova")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CorrectionJournalScreen(app.session))
        await settle(pilot)
        assert "Роли «оператор» не разрешено" in screen_text(app)


async def test_journal_bad_filter_is_a_message(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="audit")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CorrectionJournalScreen(app.session))
        await settle(pilot)
        await type_in(pilot, "tab", "31022025", "enter")
        await settle(pilot)
        assert "Период: с: неверное значение" in screen_text(app)


async def test_reason_dialog_requires_code_and_text(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReasonDialog("ru", "correct", ["protocol_no", "surname"]), got.append)
        await pilot.pause()
        text = screen_text(app)
        assert "Причина исправления" in text and "Для всех изменённых строк: 4, 14" in text
        assert "04 Ошибка ввода" in text and "06 Исключение" not in text
        await type_in(pilot, "enter")  # no text: refused, still open
        assert "без причины не сохраняется" in screen_text(app) and got == []
        await type_in(pilot, "up", "up", "Номер протокола с опечаткой", "enter")
        assert got == [ReasonChoice("02", "Номер протокола с опечаткой")]


async def test_reason_code_typed_as_on_paper(people, cfg) -> None:  # noqa: F811
    """The code's digits typed before the text choose the code (not the text "05"); a
    text that says nothing in words is refused; once words are typed digits are text."""
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReasonDialog("ru", "correct", ["surname"]), got.append)
        await pilot.pause()
        await type_in(pilot, "0", "5")
        assert "Текст [ " in screen_text(app).replace("  ", " ").replace("  ", " ")
        await type_in(pilot, "enter")  # a code alone: the text is still required
        assert "без причины не сохраняется" in screen_text(app) and got == []
        await type_in(pilot, "9", "9", "enter")  # no code 9...: digits are text, and no words
        assert "Напишите причину словами" in screen_text(app) and got == []
        await type_in(pilot, "ctrl+u", "паспорт 2015 г.", "enter")
    assert got == [ReasonChoice("05", "паспорт 2015 г.")]


async def test_reason_dialog_one_reason_per_line(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReasonDialog("ru", "correct", ["protocol_no", "surname"]), got.append)
        await pilot.pause()
        await type_in(pilot, "f6")
        assert "Строка 1 из 2: 4 Материал №" in screen_text(app)
        await type_in(pilot, "опечатка", "enter")
        assert "Строка 2 из 2: 14 Фамилия" in screen_text(app)
        await type_in(pilot, "down", "ctrl+u", "по паспорту", "enter")
    assert got == [ReasonChoice(None, None, {"protocol_no": ("04", "опечатка"),
                                             "surname": ("05", "по паспорту")})]


async def test_password_sign_in(people, cfg) -> None:  # noqa: F811
    add_user("kassa", Role.OPERATOR, by=people["administrator"], password="терминал-1")
    app = make_app(cfg, login="admin")
    got: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(LoginScreen("ru"), got.append)
        await pilot.pause()
        assert "вход в систему" in screen_text(app)
        await type_in(pilot, "kassa", "enter", "wrong-pass", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Осталось попыток до блокировки: 4" in text and "wrong-pass" not in text
        await type_in(pilot, "терминал-1")
        assert "**********" in screen_text(app)
        await type_in(pilot, "enter")
        await settle(pilot)
    assert [u.login for u in got] == ["kassa"]
    from models.auth import lock_state

    assert lock_state("kassa") is None


async def test_unknown_login_refused_clearly(people, cfg) -> None:  # noqa: F811
    app = make_app(cfg, login="admin")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(LoginScreen("kk"))
        await pilot.pause()
        await type_in(pilot, "nobody", "enter", "whatever", "enter")
        await settle(pilot)
        # the same answer as a wrong password: no telling which logins exist
        assert "Логин немесе құпиясөз қате" in screen_text(app)


async def _open_card(app, card_id: int):
    from models.tables import Card
    from tui.screens.card import CardScreen

    app.push_screen(CardScreen(app.session, Card.get_by_id(card_id)))


async def test_operator_cannot_correct_a_registered_card(people, cfg) -> None:  # noqa: F811
    from tests.test_corrections import make_card

    card = make_card(people["operator"])
    app = make_app(cfg, login="ivanova")
    async with app.run_test(size=SIZE) as pilot:
        await _open_card(app, card.id)
        await pilot.pause()
        await type_in(pilot, "f8")
        assert "только администратор" in screen_text(app)
        await type_in(pilot, "x")  # still read-only: nothing typed into the card
        assert app.screen.form.boxes["subject"].raw == "01"
    assert log_rows(card.id) == []


def log_rows(card_id: int) -> list[tuple]:
    from models.audit import Correction, readable
    from models.corrections import FIELD_ORDER

    rows = Correction.select().where((Correction.card_id == card_id) & readable()
                                     & (Correction.event == "correct"))
    return [(r.line, r.old_value, r.new_value, r.reason_code, r.reason_text)
            for r in sorted(rows, key=lambda r: (FIELD_ORDER.get(r.field_name, 999), r.id))]


async def test_administrator_corrects_two_lines_with_a_reason(people, cfg) -> None:  # noqa: F811
    from models.tables import Card
    from tests.test_corrections import make_card

    card = make_card(people["operator"])
    app = make_app(cfg, login="admin")
    async with app.run_test(size=SIZE) as pilot:
        await _open_card(app, card.id)
        await pilot.pause()
        await type_in(pilot, "f8")
        assert "(исправление)" in screen_text(app)
        screen = app.screen
        for name, text in (("protocol_no", "000123999"), ("official_name", "Сейтов А.Б.Н.")):
            screen.focus_field(name)
            await type_in(pilot, "ctrl+u", text)
        await type_in(pilot, "f2")
        assert isinstance(app.screen, ReasonDialog)
        assert "Для всех изменённых строк: 4, 5" in screen_text(app)
        await type_in(pilot, "опечатка в протоколе", "enter")
        await settle(pilot)
        assert "исправлена" in screen_text(app)
    assert log_rows(card.id) == [("4", "000123456", "000123999", "04", "опечатка в протоколе"),
                                 ("5", "Сейтов А.Б.", "Сейтов А.Б.Н.", "04",
                                  "опечатка в протоколе")]
    saved = Card.get_by_id(card.id)
    assert saved.protocol_no == "000123999" and saved.version == 2


async def test_correction_abandoned_with_escape_is_not_logged(people, cfg) -> None:  # noqa: F811
    from models.tables import Card
    from tests.test_corrections import make_card

    card = make_card(people["operator"])
    app = make_app(cfg, login="admin")
    async with app.run_test(size=SIZE) as pilot:
        await _open_card(app, card.id)
        await pilot.pause()
        await type_in(pilot, "f8")
        app.screen.focus_field("protocol_no")
        await type_in(pilot, "ctrl+u", "999", "f2")
        await type_in(pilot, "escape")  # the reason dialog: cancelled
        await type_in(pilot, "escape")  # a lone Esc: drop the edits?
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await type_in(pilot, "y")  # yes, drop them
        await pilot.pause()
        assert app.screen.form.boxes["protocol_no"].raw == "000123456"
    assert log_rows(card.id) == [] and Card.get_by_id(card.id).version == 1
