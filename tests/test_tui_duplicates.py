"""The duplicates window on the card screen: its decisions wait for the card's save
(nothing changes in the register before, and nothing if the card is discarded), the
same IIN with another person's data is a conflict, and Enter changes nothing."""

from __future__ import annotations

import datetime as dt

from models.persons import create_person
from models.tables import Card, LegalEntity, Person, PersonHistory
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    INDIVIDUAL_TEXTS,
    backend,
    draft_app,
    registrar,
    resumed,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.card import CardScreen
from tui.screens.duplicates import DuplicatesScreen
from tui.screens.messages import ConfirmScreen

SIZE = (80, 24)
# The new card of the field trial: "Тестов Тест 12.03.1985" with a known person's IIN.
TESTOV = {**INDIVIDUAL_TEXTS, "surname": "Тестов", "given_name": "Тест", "patronymic": "",
          "birth_date": "12031985"}


def known_person() -> Person:
    return create_person({"surname": "Касымов", "given_name": "Ерлан",
                          "patronymic": "Нурланович", "birth_date": dt.date(1985, 3, 12),
                          "iin": "850312305479", "sex": "1"}, registrar())


async def test_discarded_card_leaves_the_person_as_it_was(books, cfg) -> None:
    known = known_person()
    app = draft_app(cfg, login="admin", role="administrator", values=TESTOV, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")  # leaves the identification block: the check runs
        await settle(pilot)
        await wait_for(pilot, lambda: "КОНФЛИКТ" in screen_text(app))
        text = screen_text(app)
        assert isinstance(app.screen, DuplicatesScreen)
        assert "КОНФЛИКТ" in text and "точно" not in text  # same IIN, another person
        await type_in(pilot, "1")  # the differences, none ticked
        text = screen_text(app)
        assert "ИИН совпадает, данные другого лица" in text and "[x] 1" not in text
        await type_in(pilot, "space", "1")  # tick the surname, correct the marked line
        assert isinstance(app.screen, CardScreen)
        assert Person.get_by_id(known.id).surname == "Касымов"  # nothing written yet
        await type_in(pilot, "f11")  # discard the card
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await type_in(pilot, "y")
        assert app.screen.state.text("surname") == ""
    assert Person.get_by_id(known.id).surname == "Касымов"
    assert PersonHistory.select().count() == 0 and Card.select().count() == 0


async def test_the_decision_is_applied_when_the_card_is_saved(books, cfg) -> None:
    known = known_person()
    app = draft_app(cfg, login="admin", role="administrator", values=TESTOV, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
        await type_in(pilot, "1", "space", "1", "f2")
        await settle(pilot)
        if not isinstance(app.screen, CardScreen):  # warnings to confirm
            await type_in(pilot, "f2")
            await settle(pilot)
        assert "Сохранено" in screen_text(app)
    card = Card.get()
    assert card.person_id == known.id and Person.get_by_id(known.id).surname == "Тестов"
    (row,) = PersonHistory.select()
    assert (row.old_value, row.new_value) == ("Касымов", "Тестов")


async def test_enter_on_a_conflict_links_nothing(books, cfg) -> None:
    """The same IIN with another person's data: Enter, Enter never links the card to
    that person; the card keeps a warning at 14.3, and linking takes 1 then 2."""
    known = known_person()
    app = draft_app(cfg, values=TESTOV, focus="iin")  # an operator
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "Enter Не связывать" in screen_text(app))
        await type_in(pilot, "enter", "enter")
        assert isinstance(app.screen, CardScreen)
        decision = app.screen.state.decision
        assert decision.person_id is None and decision.undecided == (known.id,)
        assert decision.different_from == ()  # nothing recorded about the pair
        assert app.screen.state.marks().get("iin") == "warning"
        assert "Номер есть у другого лица" in screen_text(app)
        await type_in(pilot, "f6")  # decide after all: explicitly the same person
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
        await type_in(pilot, "1", "enter")  # Enter still does not link
        assert isinstance(app.screen, DuplicatesScreen)
        assert "2 или 1" in screen_text(app)
        await type_in(pilot, "2")
        assert isinstance(app.screen, CardScreen)
        assert app.screen.state.decision.person_id == known.id
        assert app.screen.state.decision.correct == ()
        assert app.screen.state.marks().get("iin") != "warning"


async def test_enter_enter_f2_f2_on_a_conflict_saves_a_new_person(books, cfg) -> None:
    """The field trial's keys: a card for Петров with Шевченко's IIN, Enter, Enter on
    the conflict row, then F2 F2. The card's person is a new Петров, Шевченко keeps
    his cards and data, and the pair is still offered (undecided)."""
    from models.matching.tables import PersonDistinct

    shevchenko = create_person({"surname": "Шевченко", "given_name": "Павел",
                                "patronymic": "Андреевич", "birth_date": dt.date(1990, 4, 22),
                                "iin": "900422399226", "sex": "1"}, registrar())
    petrov = {**INDIVIDUAL_TEXTS, "surname": "Петров", "given_name": "Иван",
              "patronymic": "Сергеевич", "birth_date": "01011980", "iin": "900422399226"}
    app = draft_app(cfg, values=petrov, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "КОНФЛИКТ" in screen_text(app))
        await type_in(pilot, "enter", "enter", "f2")
        await settle(pilot)
        assert "Номер есть у другого лица" in screen_text(app)  # asked to confirm
        await type_in(pilot, "f2")
        await settle(pilot)
        await wait_for(pilot, lambda: "Сохранено" in screen_text(app))
    card = Card.get()
    assert card.person_id != shevchenko.id
    assert (card.person.surname, card.person.birth_date) == ("Петров", dt.date(1980, 1, 1))
    assert Person.get_by_id(shevchenko.id).surname == "Шевченко"
    assert PersonDistinct.select().count() == 0 and PersonHistory.select().count() == 0


async def test_save_on_a_conflict_waits_for_the_warning(books, cfg) -> None:
    """F2 straight away: the window opens; Enter on the conflict returns to the card
    with the warning instead of saving unseen; F2, F2 then saves a new person."""
    known = known_person()
    app = draft_app(cfg, values=TESTOV, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "f2")
        await settle(pilot)
        if not isinstance(app.screen, DuplicatesScreen):  # warnings confirmed first
            await type_in(pilot, "f2")
            await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
        await type_in(pilot, "enter")
        assert isinstance(app.screen, CardScreen) and Card.select().count() == 0
        await type_in(pilot, "f2", "f2")
        await settle(pilot)
        await wait_for(pilot, lambda: "Сохранено" in screen_text(app))
    assert Card.get().person_id != known.id


async def test_config_thresholds_and_max_candidates_reach_the_card(books, cfg) -> None:
    """[matching] in config.toml is what the card screen's check uses."""
    from models.card_schema import Subject
    from tui.screens.card_matching import candidates

    known_person()
    create_person({"surname": "Касымов", "given_name": "Ерлан", "birth_date":
                   dt.date(1985, 3, 13), "sex": "1"}, registrar())
    typed = {"surname": "Касымов", "given_name": "Ерлан", "patronymic": "Нурланович",
             "birth_date": dt.date(1985, 3, 12)}
    assert len(candidates(typed, Subject.INDIVIDUAL, cfg.matching)) == 2
    assert len(candidates(typed, Subject.INDIVIDUAL,
                          {**cfg.matching, "max_candidates": 1})) == 1
    strict = {**cfg.matching, "possible": 0.99, "probable": 0.99, "exact": 0.99}
    assert len(candidates(typed, Subject.INDIVIDUAL, strict)) == 1


async def test_earlier_cards_show_the_penalty_and_the_whole_fine(books, cfg) -> None:
    """A candidate's earlier card: the penalty named once, the fine whole in its own
    column (not "Административный штраф штраф ~")."""
    from models.cards import register_card
    from tests.test_validation import individual_card

    earlier = individual_card()
    register_card(earlier, registrar())
    app = draft_app(cfg, values={**TESTOV, "iin": earlier["iin"]}, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "592-02" in screen_text(app))
        (row,) = [r for r in screen_text(app).splitlines() if "592-02" in r]
        assert row.count("штраф") == 1 and "~" not in row
        assert "Административный штраф" in row and "39 320" in row
        assert "зарегистрирована" in row


async def test_enter_on_a_legal_conflict_links_nothing(books, cfg) -> None:
    """The same BIN under another firm's name: Enter leaves it undecided (a new legal
    entity, a warning at the BIN); 1 is the explicit choice that links."""
    from models.cards import register_card
    from tests.test_validation import legal_card

    register_card(legal_card(), registrar())  # ТОО «Алма-Транс», BIN 940140000385
    (known,) = LegalEntity.select()
    texts = {"subject": "05", "legal_name": "ТОО Береке-Строй", "bin": "940140000385"}
    app = draft_app(cfg, values=texts, focus="bin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await type_in(pilot, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "Enter Не связывать" in screen_text(app))
        await type_in(pilot, "enter")
        decision = app.screen.state.decision
        assert decision.legal_entity_id is None and decision.undecided == (known.id,)
        assert app.screen.state.marks().get("bin") == "warning"
        await type_in(pilot, "f6")
        await settle(pilot)
        await wait_for(pilot, lambda: "Enter Не связывать" in screen_text(app))
        await type_in(pilot, "1")
        assert app.screen.state.decision.legal_entity_id == known.id


async def test_the_checks_of_a_session_share_one_connection_closed_at_exit(books, cfg) -> None:
    """Every duplicate check and every earlier-cards list of the session reads through
    the session's one search thread: one connection, not one per check, closed when the
    app ends."""
    known_person()
    app = draft_app(cfg, values=TESTOV, focus="iin")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        searches = app.session.searches
        for keys in (("enter",), ("f6",), ("f6",)):
            await type_in(pilot, *keys)
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen)
                           and "Загрузка карточек" not in screen_text(app))
            await type_in(pilot, "escape")
            assert isinstance(app.screen, CardScreen)
        assert searches.running and searches.connections == 1
    assert not searches.running


async def same_one(pilot, app):
    """The draft resumed, Enter past its blank number (the check runs), and "1": the
    same person or firm; the card's state after it."""
    await resumed(pilot)
    await type_in(pilot, "enter")
    await settle(pilot)
    await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
    await type_in(pilot, "1")
    assert isinstance(app.screen, CardScreen)
    return app.screen.state


def status_of(app) -> str:
    return screen_text(app).splitlines()[22].rstrip()


async def test_the_same_firm_fills_the_lines_the_card_left_blank(books, cfg) -> None:
    """A known firm keyed by its name alone (no BIN on the paper, the words in another
    order): "the same organisation" fills the blank BIN, address, legal form and status
    from the register, says which, and keeps the name as the paper writes it."""
    from models.cards import register_card
    from tests.test_validation import legal_card

    register_card(legal_card(), registrar())  # ТОО «Алма-Транс», BIN 940140000385
    (known,) = LegalEntity.select()
    texts = {"subject": "05", "legal_name": "Алма-Транс ТОО"}
    app = draft_app(cfg, values=texts, focus="bin")
    async with app.run_test(size=SIZE) as pilot:
        state = await same_one(pilot, app)
        assert state.decision is not None and state.decision.legal_entity_id == known.id
        assert (state.text("bin"), state.text("legal_address"), state.text("legal_form"),
                state.text("commercial_status")) == ("940140000385", "Алматы, Сейфуллина 10",
                                                     "4", "1")
        assert state.text("legal_name") == "Алма-Транс ТОО"  # the paper's words kept
        assert state.text("rnn") == ""  # the register knows none
        assert status_of(app).endswith("Взято из реестра: 16, 15, 15.1")
        assert "bin" not in state.marks()  # "RNN or BIN needed" is gone


async def test_the_same_person_fills_the_blank_lines_in_kazakh_too(books, cfg) -> None:
    """A known person keyed without the IIN and the lines below: "the same person" takes
    the IIN, sex from the register; the status line names them whole at 80 columns."""
    known = known_person()
    texts = {"subject": "01", "surname": "Касымов", "given_name": "Ерлан",
             "patronymic": "Нурланович", "birth_date": "12031985"}
    app = draft_app(cfg, values=texts, focus="iin", run_lang="kk", lang="kk")
    async with app.run_test(size=SIZE) as pilot:
        state = await same_one(pilot, app)
        assert state.decision is not None and state.decision.person_id == known.id
        assert (state.text("iin"), state.text("sex")) == ("850312305479", "1")
        assert status_of(app).endswith("Тізілімнен алынды: 14.3, 14.4")
