"""The second field trial on the card screen (80x24): marks that outlived their field,
a refused code typed over, the new card's history, lines kept in view and long values
shown from their start, each reproduced with the operator's keys."""

from __future__ import annotations

from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    backend,
    make_app,
    raw,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.messages import ConfirmScreen

SIZE = (80, 24)


def active_boxes(app) -> list[str]:
    return [name for name, box in app.screen.form.boxes.items() if box.active]


async def test_no_field_keeps_the_cursor_after_a_new_card(books, cfg) -> None:
    """Ctrl+G 14.6, F1, Esc, Up (14.5), F11, Up, Enter: the new card's cursor is on line
    8 and line 14.5 no longer shows a cursor of its own (its box is not active)."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "14.6", "enter", "Завод", "f1")
        await type_in(pilot, "escape", "up")
        assert active_boxes(app) == ["citizenship"]
        await type_in(pilot, "f11")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await type_in(pilot, "up", "enter")
        await settle(pilot)
        assert app.screen.state.focus == "subject"
        assert active_boxes(app) == ["subject"]


async def test_no_field_keeps_the_cursor_after_a_save(books, cfg) -> None:
    """After a save the next card starts on line 8: the field the save was pressed in
    (here 9's part) shows no bar."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "9", "enter", "592", "enter")
        assert active_boxes(app) == ["part"]
        app.screen.new_card()
        await settle(pilot)
        assert active_boxes(app) == ["subject"]


async def test_a_refused_code_is_typed_over(books, cfg) -> None:
    """`99` in line 8 stays with its message; `01` then replaces it (no Backspace, no
    "field full") and the cursor moves on to the surname. Backspace still edits."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "99")
        assert app.screen.state.focus == "subject" and raw(app, "subject") == "99"
        await type_in(pilot, "01")
        assert "заполнено" not in screen_text(app)
        assert raw(app, "subject") == "01" and app.screen.state.focus == "surname"
        await type_in(pilot, "ctrl+g", "9.2", "enter", "31022025")  # no such date
        assert app.screen.state.focus == "offence_date"
        await type_in(pilot, "backspace", "4")  # an edit key first: the text is kept
        assert raw(app, "offence_date") == "31022024"


async def test_long_messages_are_read_whole(books, cfg) -> None:
    """The F12 list and F1 help go on over the next row instead of cutting with "~"; the
    status line stays one row: without the field's name when that makes it fit."""
    from tui.screens.help import HelpScreen
    from tui.screens.messages import IssuesScreen

    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Иван0в", "enter", "ctrl+g", "4", "enter", "enter")
        await type_in(pilot, "enter", "enter", "enter")  # 4 left empty: "no protocol" said
        status = screen_text(app).splitlines()[22]
        assert "Нужен номер протокола или отметка «без протокола»" in status
        assert "~" not in status
        await type_in(pilot, "f12")
        await wait_for(pilot, lambda: isinstance(app.screen, IssuesScreen))
        text = screen_text(app)
        assert "~" not in text
        flat = " ".join(line.strip("│ ") for line in text.splitlines())
        assert "допустимы буквы, пробел, дефис, апостроф" in flat
        await type_in(pilot, "escape", "f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await type_in(pilot, "end")  # the editing keys are on the last page
        text = screen_text(app)
        assert "~" not in text
        flat = " ".join(line.strip("│ ") for line in text.splitlines())
        assert "первый символ в только что открытом поле заменяет значение" in flat


async def test_history_of_a_new_card(books, cfg) -> None:
    """Shift+F8 on a card not saved: no window titled "История карточки №" without a
    number; the status line says there is no history yet (nothing to close)."""
    from tui.screens.card import CardScreen

    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "shift+f8")
        await settle(pilot)
        assert isinstance(app.screen, CardScreen)
        assert "Карточка не сохранена: истории ещё нет" in screen_text(app)
        assert "№ " not in screen_text(app).splitlines()[0]


async def test_the_identification_stays_on_top(books, cfg) -> None:
    """At lines 19 and 21 of an individual's card, line 8 and line 14 (names, birth date,
    IIN) are still on screen under the title; PgUp brings the top back as before."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Касымов", "enter", "Ерлан", "enter")
        for line in ("19", "21"):
            await type_in(pilot, "ctrl+g", line, "enter")
            await settle(pilot)
            rows = screen_text(app).splitlines()
            assert rows[1].startswith(" 8. Субъект") and rows[2].startswith("14. Фамилия")
            assert "[Касымов" in rows[2] and "14.3" in rows[3]
            assert any(r.startswith(f"{line}.") for r in rows[4:22])
        await type_in(pilot, "f11")  # a new card starts at the top again: line 1 below 14
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await type_in(pilot, "y")
        await settle(pilot)
        assert screen_text(app).splitlines()[4].startswith(" 1. ")


LONG_NAMES = {"subject": "01", "surname": "Нұрмұхамбетов-Сейітқасымов",
              "given_name": "Абдурахманбек-Мұхаммедәлі", "patronymic": "Жанкелдиұлы"}


async def test_a_long_value_shows_its_start_once_left(books, cfg) -> None:
    """Long names typed, then left (Enter), then a new card and a resumed draft: a
    field not typed into shows the beginning of its value, not its end."""
    from tests.tui_helpers import draft_app, resumed

    app = make_app(cfg, lang="kk")
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", LONG_NAMES["surname"], "enter", LONG_NAMES["given_name"],
                      "enter", LONG_NAMES["patronymic"], "enter")
        row = screen_text(app).splitlines()[2]
        assert "[Нұрмұхамбетов-~]" in row and "[Абдурахманбек-~]" in row
        # The card discarded with the cursor in the given name (at its end), then a value
        # put there without the cursor (as a resumed draft or a pick does).
        await type_in(pilot, "shift+tab", "shift+tab", "f11")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await type_in(pilot, "y")
        app.screen.state.set("given_name", LONG_NAMES["given_name"])
        await settle(pilot)
        assert "[Абдурахманбек-~]" in screen_text(app).splitlines()[2]
    app = draft_app(cfg, login="petrova", values=LONG_NAMES, focus="patronymic", cursor=11,
                    lang="kk", run_lang="ru")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        await settle(pilot)
        row = screen_text(app).splitlines()[2]
        assert "[Нұрмұхамбетов-~]" in row and "[Абдурахманбек-~]" in row


async def test_a_jump_shows_the_line_it_lands_on(books, cfg) -> None:
    """Ctrl+G or PgDn before any key typed: the status line names the field the cursor
    landed in, not the ready text the card opened with."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        assert "Готово к вводу" in screen_text(app).splitlines()[22]
        await type_in(pilot, "ctrl+g", "14.6", "enter")
        await settle(pilot)
        status = screen_text(app).splitlines()[22]
        assert "14.6" in status and "Готово к вводу" not in status
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "pagedown")
        await settle(pilot)
        status = screen_text(app).splitlines()[22]
        assert app.screen.state.focus != "subject" and "Готово к вводу" not in status
