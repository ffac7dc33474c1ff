"""The card entry screen driven with keys at 80x24 (Textual Pilot), on SQLite and
PostgreSQL: what the screen shows and what ends up in the database."""

from __future__ import annotations

from models.cards import next_journal_no
from models.tables import Card, LegalEntity, Person, Status
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    INDIVIDUAL_KEYS,
    INDIVIDUAL_TAIL,
    backend,
    make_app,
    press_as_terminal,
    raw,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.card import CardScreen
from tui.screens.card_matching import OFFER_PAUSE
from tui.screens.directory import DirectoryScreen
from tui.screens.messages import ConfirmScreen, IssuesScreen

SIZE = (80, 24)




async def test_opens_on_a_new_card_ready_for_typing(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert isinstance(app.screen, CardScreen)
        assert app.screen.state.focus == "subject"  # §34-1: identification first
        lines = text.splitlines()
        assert len(lines) == 24 and "Новая карточка" in lines[0]
        assert lines[1].startswith(" 8. Субъект")
        assert "Готово к вводу" in lines[22]
        assert lines[23].startswith("1Помощь 2Сохр 3Справ 4Полн 5Найти")
        # line 7 defaults to today, line 6's number is proposed (keeps_journal)
        assert raw(app, "received_date") == __import__("datetime").date.today().strftime(
            "%d%m%Y")
        assert raw(app, "journal_no") == next_journal_no(cfg.authority)


async def test_individual_card_end_to_end(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS, "39320", "enter", "39320", "enter",
                      *INDIVIDUAL_TAIL)
        await pilot.pause()
        assert app.screen.state.shown() == []  # nothing flagged on the way
        await type_in(pilot, "f2")
        await settle(pilot)
        assert "Сохранено: карточка №" in screen_text(app)
    card = Card.get(Card.surname == "Касымов")
    assert card.status == Status.REGISTERED.value
    assert (card.article, card.part, card.main_penalty, card.fine_imposed) == (
        "592", "02", "02", 39320)
    assert card.iin == "850312305479" and card.birth_date.isoformat() == "1985-03-12"
    assert card.legal_name is None and card.legal_entity is None
    person = Person.get_by_id(card.person_id)
    assert (person.surname, person.given_name, person.patronymic) == (
        "Касымов", "Ерлан", "Нурланович")


async def test_legal_entity_card_end_to_end(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "05")  # legal entity: lines 14-14.7 go, 15-16 come
        assert app.screen.state.focus == "legal_name"
        await type_in(pilot, 'ТОО "Алма-Транс"', "enter", "", "enter", "940140000385",
                      "685", "enter", "751110000", "685", "enter",
                      "000777", "enter", "01022025", "enter", "enter", "enter",
                      "Сейтов А.Б.", "enter", "enter", "03022025", "enter",
                      "423", "enter", "enter", "enter", "1", "01022025", "02022025", "enter",
                      "02", "enter", "enter", "500000", "enter", "enter",
                      "4", "1", "г. Алматы, пр. Абая 10", "enter", "enter", "enter",
                      "Иванова С.К.", "enter", "05022025")
        text = screen_text(app)
        assert "Фамилия" not in text and "14.3" not in text
        await type_in(pilot, "f2")
        await settle(pilot)
        if isinstance(app.screen, IssuesScreen):  # a warning (the fine's amount) to confirm
            await type_in(pilot, "f2")
            await settle(pilot)
        assert "Сохранено: карточка №" in screen_text(app)
    card = Card.get(Card.legal_name == 'ТОО "Алма-Транс"')
    assert card.bin == "940140000385" and card.surname is None and card.person is None
    entity = LegalEntity.get_by_id(card.legal_entity_id)
    assert (entity.name, entity.legal_form, entity.commercial_status) == (
        'ТОО "Алма-Транс"', "4", "1")


async def test_hidden_groups_follow_the_subject_both_ways(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        text = screen_text(app)
        assert "Фамилия" in text and "Наименование" in text  # subject unknown: all
        await type_in(pilot, "01")
        text = screen_text(app)
        assert "Фамилия" in text and "Наименование" not in text and "РНН" not in text
        await type_in(pilot, "Касымов", "enter")
        # back to line 8, a legal entity: the typed surname would be hidden -> asked
        await type_in(pilot, "shift+tab", "shift+tab", "backspace", "backspace", "05")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Строки: 14" in screen_text(app)
        await type_in(pilot, "escape")  # no: the subject goes back to 01
        assert raw(app, "subject") == "01" and raw(app, "surname") == "Касымов"
        assert "Наименование" not in screen_text(app)
        await type_in(pilot, "backspace", "backspace", "05")
        assert isinstance(app.screen, ConfirmScreen)
        await type_in(pilot, "д")  # yes: the individual's lines are emptied and hidden
        text = screen_text(app)
        assert raw(app, "surname") == "" and "Фамилия" not in text and "Наименование" in text
        assert app.screen.state.focus == "legal_name"
        await type_in(pilot, "shift+tab", "backspace", "backspace", "04")  # entrepreneur
        text = screen_text(app)
        assert "Фамилия" in text and "Наименование" in text and "Правовая форма" not in text


async def test_directory_filter_and_pick(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "enter", "enter", "enter", "enter", "enter")
        assert app.screen.state.focus == "authority"
        await type_in(pilot, "ctrl+u", "f3")
        assert isinstance(app.screen, DirectoryScreen)
        # a Kazakh name typed with Russian letters: "ішкі істер" as "ишки истер"
        await type_in(pilot, "ишки истер")
        text = screen_text(app)
        assert "685" in text and "Органы внутренних дел (полиция)" in text
        assert text.index("685") < text.index("702")  # the police first, then by code
        await type_in(pilot, "enter")
        assert isinstance(app.screen, CardScreen)
        assert raw(app, "authority") == "685" and app.screen.state.focus == "place"
        assert "Органы внутренних дел (полиция)" in screen_text(app)
        # by code: F3 on line 8 lists the subjects starting with the typed text
        await type_in(pilot, "f4")
        assert "(полностью)" in screen_text(app)
        await type_in(pilot, "Алмалин")
        assert "751110000" in screen_text(app)
        await type_in(pilot, "escape")
        assert isinstance(app.screen, CardScreen) and raw(app, "place") == ""


async def test_penalties_directory_limited_by_the_article(books, cfg) -> None:
    """§34-1 and the seed's example: art. 423 (2001 Code) allows only a fine, licence
    deprivation and confiscation; main and additional are listed apart (Art. 42)."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01")
        screen = app.screen
        for name, text in (("offence_date", "01052010"), ("article", "423")):
            screen.focus_field(name)
            await type_in(pilot, text)
        screen.focus_field("main_penalty")
        await type_in(pilot, "f3")
        rows = app.screen.query_one("#entries").rows
        assert [r.split()[0] for r in rows] == ["02", "05"]  # no confiscation: additional
        await type_in(pilot, "escape", "enter", "f3")  # 11.2, additional
        rows = app.screen.query_one("#entries").rows
        assert [r.split()[0] for r in rows] == ["05", "09"]  # no fine: main only
        await type_in(pilot, "escape", "f4")  # the full book
        assert len(app.screen.query_one("#entries").rows) > 5


async def test_code_typed_straight_in_shows_its_name(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01")
        app.screen.focus_field("authority")
        await type_in(pilot, "68")
        assert "Органы внутренних дел" not in screen_text(app)
        await type_in(pilot, "5")  # the name appears at once, before leaving the field
        assert "Органы внутренних дел (полиция)" in screen_text(app)
        await type_in(pilot, "backspace", "backspace", "backspace", "99999", "enter")
        lines = screen_text(app).splitlines()
        row = next(line for line in lines if "Выявивший орган" in line)
        assert "{99999}!" in row  # error mark beside the field
        assert "Ошибок: 1" in lines[22]  # the status line names it
        assert "1 Выявивший орган: Кода «99999» нет в справочнике" in lines[22]
        assert app.screen.state.focus == "authority"  # the cursor stays, with the message


async def test_save_with_errors_is_refused(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Касымов", "enter", "f2")
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen)
        text = screen_text(app)
        assert "Не сохранено: исправьте ошибки" in text
        assert "Обязательная строка" in text
        first = app.screen.issues[0].field
        await type_in(pilot, "enter")  # goes to the first field in error
        assert isinstance(app.screen, CardScreen) and app.screen.state.focus == first
    assert Card.select().count() == 0


async def test_warnings_are_confirmed_before_saving(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS, "40000", "enter", "enter", *INDIVIDUAL_TAIL)
        await type_in(pilot, "f2")
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen) and app.screen.mode == "confirm"
        assert "По статье ожидается: 39 320 тенге" in screen_text(app)
        await type_in(pilot, "escape")  # back to the card: not saved
        assert Card.select().count() == 0
        await type_in(pilot, "f2")
        await settle(pilot)
        await type_in(pilot, "f2")  # save anyway
        await settle(pilot)
        assert "Сохранено" in screen_text(app)
    assert Card.get().fine_imposed == 40000


async def test_pinned_fields_are_kept_on_new_card(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Касымов", "enter")
        screen = app.screen
        screen.focus_field("authority")
        await type_in(pilot, "685", "enter", "751110000", "enter", "000123",
                      "insert")  # pin line 4's number too
        assert "{000123" in screen_text(app)
        await type_in(pilot, "f11")  # typed data: asked first
        assert isinstance(app.screen, ConfirmScreen)
        await type_in(pilot, "y")
        assert raw(app, "authority") == "685" and raw(app, "place") == "751110000"
        assert raw(app, "protocol_no") == "000123"
        assert raw(app, "surname") == "" and raw(app, "subject") == ""
        assert app.screen.state.focus == "subject"
        screen.focus_field("authority")
        await type_in(pilot, "insert", "f11")  # unpinned: the next card drops it
        assert raw(app, "authority") == "" and raw(app, "place") == "751110000"


async def test_language_switch_changes_everything_and_keeps_the_card(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Касымов")
        await type_in(pilot, "f9")
        await pilot.pause()
        text = screen_text(app)
        lines = text.splitlines()
        assert "Жаңа карточка" in lines[0] and "[KK]" in lines[0]
        assert "Тегі" in text and "Фамилия" not in text and "Жеке тұлға" in text
        assert lines[23].startswith("1Көмек 2Сақт")
        assert raw(app, "surname") == "Касымов" and app.screen.state.focus == "surname"
        await type_in(pilot, "ов")  # typing goes on in the same field
        assert raw(app, "surname") == "Касымовов"
        await type_in(pilot, "f1")
        assert "Көмек: пернелер" in screen_text(app)
        await type_in(pilot, "f9")
        assert "Помощь: клавиши" in screen_text(app)
        await type_in(pilot, "escape")
        assert "Фамилия" in screen_text(app)


async def test_escape_then_digit_and_alt_digit_are_function_keys(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "escape", "1")  # Esc, 1 = F1
        assert "Помощь: клавиши" in screen_text(app)
        await type_in(pilot, "escape")
        # What Textual reads for ESC 2 (Alt+2): a printable "™", which must not be typed
        await press_as_terminal(pilot, "trade_mark_sign", "™")
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen)  # save tried: errors listed
        await type_in(pilot, "escape")
        await press_as_terminal(pilot, "alt+ә", "ә")  # Alt+2 on the Windows Kazakh layout
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen)
        await type_in(pilot, "escape")
        assert raw(app, "subject") == ""


async def test_card_list_finds_and_opens_read_only(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS, "39320", "enter", "enter", *INDIVIDUAL_TAIL,
                      "f2")
        await settle(pilot)
        await type_in(pilot, "f5", "tab", "касым", "enter")  # by surname, any case
        await settle(pilot)
        text = screen_text(app)
        assert "Найдено: 1" in text and "Касымов Е.Н." in text and "592/02" in text
        await type_in(pilot, "enter")
        assert isinstance(app.screen, CardScreen) and app.screen.readonly
        lines = screen_text(app).splitlines()
        assert "(только просмотр)" in lines[0] and "зарегистрирована" in lines[0]
        await type_in(pilot, "x")  # read-only: typing changes nothing
        assert raw(app, "subject") == "01"
        await type_in(pilot, "escape", "tab", "tab", "ctrl+u", "tab", "000123456",
                      "enter")  # by protocol number (surname cleared)
        await settle(pilot)
        assert "Найдено: 1" in screen_text(app)
        await type_in(pilot, "tab", "tab", "tab", "ctrl+u", "tab", "tab", "01012024",
                      "31122024", "enter")  # by date range only
        await settle(pilot)
        assert "Ничего не найдено" in screen_text(app)  # the card's offence is in 2025


async def test_person_already_in_register_is_offered_and_linked(books, cfg) -> None:
    """§34-1: after the identification fields the person's existing records are shown;
    the card saved is linked to the person chosen, no second person is created."""
    from models.persons import create_person
    from models.tables import User
    from tui.screens.duplicates import DuplicatesScreen

    registrar = User.create(login="registrar", role="operator")
    known = create_person({"surname": "Касымов", "given_name": "Ерлан",
                           "patronymic": "Нурланович", "birth_date": __import__(
                               "datetime").date(1985, 3, 12), "iin": "850312305479",
                           "sex": "1"}, registrar)
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS[:9])  # the identification block
        await type_in(pilot, "685")  # typed on while matching runs in a thread
        await settle(pilot)
        assert isinstance(app.screen, CardScreen) and raw(app, "authority") == "685"
        assert not isinstance(app.screen, DuplicatesScreen)  # not while typing on
        # shown at the first pause in typing (OFFER_PAUSE)
        await wait_for(pilot, lambda: "Касымов Ерлан Нурланович" in screen_text(app),
                       timeout=OFFER_PAUSE + 5)
        assert "Касымов Ерлан Нурланович" in screen_text(app)
        await type_in(pilot, "1")  # the same person
        await settle(pilot)
        assert isinstance(app.screen, CardScreen)
        assert app.screen.state.focus == "authority"
        await type_in(pilot, *INDIVIDUAL_KEYS[10:], "39320", "enter", "enter",
                      *INDIVIDUAL_TAIL, "f2")
        await settle(pilot)
        assert "Сохранено" in screen_text(app)
    card = Card.get(Card.surname == "Касымов")
    assert card.person_id == known.id and Person.select().count() == 1


async def test_database_failure_on_save_keeps_the_card(books, cfg, monkeypatch) -> None:
    import peewee

    import models.cards  # the save imports register_card from here when F2 is pressed

    def broken(*args, **kwargs):
        raise peewee.OperationalError("disk I/O error")

    monkeypatch.setattr(models.cards, "register_card", broken)
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS, "39320", "enter", "enter", *INDIVIDUAL_TAIL,
                      "f2")
        await settle(pilot)
        text = screen_text(app)
        assert "Ошибка базы данных: карточка не сохранена" in text
        assert "disk I/O error" in text
        await type_in(pilot, "escape")
        assert isinstance(app.screen, CardScreen) and raw(app, "surname") == "Касымов"
    assert Card.select().count() == 0


async def test_help_lists_every_key_and_the_menu_runs_commands(books, cfg) -> None:
    from tui.keys import COMMANDS
    from tui.screens.help import HelpScreen
    from tui.screens.menu import MenuScreen

    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.query_one("#lines").rows
        for command in COMMANDS:  # every command, with its keys, in the help
            assert any(command.long("ru") in r and app.session.keymap.label(command.id) in r
                       for r in rows), command.id
        await type_in(pilot, "escape", "01", "f10")
        assert isinstance(app.screen, MenuScreen)
        assert "Новая карточка (закреплённые поля сохраняются)" in screen_text(app)
        await type_in(pilot, "down", "enter")  # the second line: new card
        assert isinstance(app.screen, ConfirmScreen)  # line 8 was typed: asked first
        await type_in(pilot, "д")
        assert isinstance(app.screen, CardScreen) and raw(app, "subject") == ""
        await type_in(pilot, "f10", "f1")  # a command's own key works in the menu too
        assert isinstance(app.screen, HelpScreen)


async def test_resumed_draft_has_one_field_typed_into_in_its_language(books, cfg) -> None:
    from models.drafts import save_draft
    from models.tables import User

    make_app(cfg)  # creates the operator
    save_draft(User.get(User.login == "ivanova"), {
        "values": {"subject": "01", "surname": "Жұмабаев", "given_name": "Асқар"},
        "focus": "given_name", "cursor": 5, "lang": "kk"})
    app = make_app(cfg)  # Russian, as the config says
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Аяқталмаған карточка бар" in screen_text(app)  # asked in Kazakh
        await type_in(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, CardScreen) and screen.lang == "kk"
        assert [n for n, b in screen.form.boxes.items() if b.active] == ["given_name"]
        await type_in(pilot, "ұлы")
        assert raw(app, "given_name") == "Асқарұлы" and raw(app, "surname") == "Жұмабаев"
        assert "Тегі" in screen_text(app)


async def test_a_proposed_journal_number_taken_meanwhile_moves_on(books, cfg) -> None:
    """Another operator saves a card with the number this screen proposed: this card
    is saved with the next free number, and the status line says which."""
    from models.cards import register_card
    from models.tables import User
    from tests.test_validation import individual_card

    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *INDIVIDUAL_KEYS)  # line 6: the number proposed for its year
        offered = raw(app, "journal_no")
        other = User.create(login="op2", full_name="Оператор 2", role="operator")
        register_card(individual_card(journal_no=offered, authority=cfg.authority,
                                      surname="Ахметов", protocol_no="000999999"),
                      other, journal_proposed=offered)
        await type_in(pilot, "39320", "enter", "39320", "enter", *INDIVIDUAL_TAIL, "f2")
        await settle(pilot)
        moved = f"{int(offered) + 1:05d}"
        status = screen_text(app).splitlines()[22]
        assert f"рег. № {moved} (предложенный занят)" in status, status
    assert Card.get(Card.surname == "Касымов").journal_no == moved


async def test_keys_typed_ahead_into_a_question_answer_it_once(books, cfg) -> None:
    """Keys read at once ("Иванов" typed while "resume the draft?" is asked) all reach
    the question before its first answer closes it: "И" (yes) answers, the "н" after it
    closes nothing more (it closed the card under it, or ended the program)."""
    from textual import events

    from models.drafts import save_draft
    from models.tables import User

    make_app(cfg)  # creates the operator
    save_draft(User.get(User.login == "ivanova"), {
        "values": {"subject": "01", "surname": "Жұмабаев"}, "focus": "given_name"})
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        for char in "Иванов":
            app.post_message(events.Key(char.lower(), char))
        await settle(pilot)
        assert isinstance(app.screen, CardScreen) and len(app.screen_stack) == 1
        assert raw(app, "surname") == "Жұмабаев"  # resumed: the answer was "И", yes
