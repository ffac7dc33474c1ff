"""What the field trial found on the card screen (80x24), each reproduced with the
keys an operator presses and shown fixed: typing over pre-filled fields, directories,
the Esc prefix, Shift+F8 on the Linux console, yes/no windows, a value the field
cannot hold, lines not reached yet, going to a line, the language and the pins."""

from __future__ import annotations

import datetime as dt

from models.drafts import load_pins
from models.tables import Card
from tests.test_validation import individual_card
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    INDIVIDUAL_TEXTS,
    backend,
    draft_app,
    make_app,
    press_as_terminal,
    raw,
    resumed,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui import textual_private
from tui.screens.card import CardScreen
from tui.screens.directory import DirectoryScreen
from tui.screens.messages import ConfirmScreen, IssuesScreen

SIZE = (80, 24)


def status_line(app) -> str:
    return screen_text(app).splitlines()[22]


async def test_typing_over_pre_filled_fields(books, cfg) -> None:
    """B1: the proposed number, today's date and a pinned code are typed over."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        assert raw(app, "journal_no") == "00001" and raw(app, "received_date")
        await type_in(pilot, "ctrl+g", "6", "enter")  # line 6: the proposed number
        assert app.screen.state.focus == "journal_no"
        await type_in(pilot, "00451", "enter")
        assert raw(app, "journal_no") == "00451"  # not "0000100451"
        await type_in(pilot, "03022025", "05022025")  # 6: journal date, 7: over today
        assert raw(app, "received_date") == "05022025"
        await type_in(pilot, "ctrl+g", "7", "enter", "backspace")  # edits, not replaces
        assert raw(app, "received_date") == "0502202"
        await type_in(pilot, "left", "6")  # the cursor inside: inserted
        assert raw(app, "received_date") == "05022062"
        await type_in(pilot, "7")  # the field is full: refused, said, the text kept
        assert raw(app, "received_date") == "05022062"
        assert "Поле заполнено (8 зн.)" in status_line(app)
        await type_in(pilot, "ctrl+g", "1", "enter", "685", "enter")  # a pinned code ...
        await type_in(pilot, "shift+tab", "702")  # ... entered again: typed over
        assert raw(app, "authority") == "702"


async def test_directory_opens_empty_on_the_current_entry(books, cfg) -> None:
    """B2: F3 does not seed the filter with the field's value; the entry is selected."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "1", "enter", "685", "enter", "shift+tab", "f3")
        screen = app.screen
        assert isinstance(screen, DirectoryScreen) and screen.filter.raw == ""
        pick = screen.query_one("#entries")
        assert pick.rows[pick.index].startswith("685 ")
        await type_in(pilot, "внутр", "space", "дел")  # words of a name, not the code
        assert [e.code for e in screen.entries][:1] == ["685"]
        await type_in(pilot, "escape")
        assert raw(app, "authority") == "685"


async def test_place_directory_searches_parents_and_names_regions(books, cfg) -> None:
    """B2: "астан" lists Astana's districts; same-named districts show their region;
    the selected entry's whole text is under the list."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "2", "enter", "f4", "астан")
        screen = app.screen
        codes = [e.code for e in screen.entries]
        assert "710000000" in codes and "711210000" in codes  # Astana and its Есіл district
        await type_in(pilot, "ctrl+u", "есил")
        rows = screen.query_one("#entries").rows
        esil = [r for r in rows if "Есиль" in r]
        assert len(esil) == 3 and len({r.split("—")[-1] for r in esil}) == 3
        await type_in(pilot, "escape")


async def test_long_article_part_shown_in_full(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "9", "enter", "592", "enter", "f3")
        screen = app.screen
        assert isinstance(screen, DirectoryScreen)
        full = f"{screen.entries[0].code} {screen.entries[0].name('ru')}"
        shown = " ".join(screen.query_one(f"#detail{n}").text for n in range(3)).strip()
        assert shown.replace(" ...", "")[:60] == full[:60] and len(shown) > 78


async def test_an_abridged_sanction_shows_its_fines_by_payer(books, cfg) -> None:
    """410 part 2's name in the codebook is cut ("... малого предпринимательства или…"):
    the detail gives the fines by payer first, then the sanction's text."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "9", "enter", "410", "enter", "f3", "02")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DirectoryScreen) and screen.entries[0].code.endswith("02")
        shown = " ".join(screen.query_one(f"#detail{n}").text for n in range(3))
        shown = " ".join(shown.split())
        assert "штраф, МРП: физ. лицу 10, должн. лицу 20, малому предпр. 20, среднему " \
               "предпр. 100, крупному предпр. 250, НКО 20" in shown, shown


async def test_escape_prefix_only_within_half_a_second(books, cfg) -> None:
    """B4: Esc, then later "01" on line 8 is typed, not the menu; Esc 2 at once saves."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "escape")
        screen = app.screen
        await wait_for(pilot, lambda: not screen.escape.armed)  # the interval passed
        await type_in(pilot, "01")
        assert isinstance(app.screen, CardScreen) and raw(app, "subject") == "01"
        await type_in(pilot, "escape", "2")  # within the interval: F2
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen)


async def test_shift_f8_from_the_linux_console_opens_the_history(books, cfg) -> None:
    """B5: the console sends ESC[34~ for Shift+F8."""
    from tui.screens.history import CardHistoryScreen

    app = make_app(cfg)
    card = __import__("models.cards", fromlist=["register_card"]).register_card(
        individual_card(), app.session.user, today=dt.date(2025, 3, 1))
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CardScreen(app.session, Card.get_by_id(card.id)))
        await pilot.pause()
        ((key, char),) = textual_private.parse_keys("\x1b[34~")
        await press_as_terminal(pilot, key, char)
        await settle(pilot)
        assert isinstance(app.screen, CardHistoryScreen)
        assert f"История карточки № {card.id}" in screen_text(app)


async def test_yes_and_no_both_shown_when_no_is_the_default(books, cfg) -> None:
    """B6."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Касымов", "f11")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.pause()
        text = screen_text(app)
        assert "│ Да" in text and "│ Нет" in text


async def test_a_line_not_reached_waits_until_it_is_left(books, cfg) -> None:
    """B8: "protocol number needed" is not said while the operator is still on line 4."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "4", "enter", "enter")  # 4: number left empty
        assert app.screen.state.focus == "protocol_date"
        assert "Ошибок: 0" in status_line(app)
        await type_in(pilot, "01022025", "enter")  # the flag, then out of line 4
        await type_in(pilot, "enter")
        assert "Ошибок: 1" in status_line(app) and "! 4 Нужен номер протокола" in status_line(app)


async def test_a_flag_answered_moves_on_as_a_full_box(books, cfg) -> None:
    """"без протокола" keyed 1 goes on to the next line; a stray letter is refused there."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "4", "enter", "enter", "01022025")
        assert app.screen.state.focus == "without_protocol"
        await type_in(pilot, "С")
        assert app.screen.state.focus == "without_protocol"
        await type_in(pilot, "1")
        assert app.screen.state.focus != "without_protocol"
        assert app.screen.state.text("without_protocol") == "1"


async def test_go_to_line_and_page_keys(books, cfg) -> None:
    """B9: Ctrl+G and a line number; PgDn / PgUp by a screenful."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "ctrl+g", "1", "3", "enter")
        assert app.screen.state.focus == "fine_collected"
        await type_in(pilot, "ctrl+g", "4", "-", "1", "enter")
        assert app.screen.state.focus == "refusal_no"
        await type_in(pilot, "ctrl+g", "1", "5", "enter")  # line 15: not an individual's
        assert app.screen.state.focus == "refusal_no" and "не заполняется" in status_line(app)
        await type_in(pilot, "ctrl+g", "8", "enter", "pagedown")
        after = app.screen.state.focus
        assert after not in ("subject", "surname", "given_name")
        await type_in(pilot, "pageup")
        assert app.screen.state.focus == "subject"


async def test_declined_draft_gives_back_the_runs_language(books, cfg) -> None:
    """B11: --lang kk, a Russian draft declined: the card is in Kazakh."""
    app = draft_app(cfg, run_lang="kk", values={"subject": "01", "surname": "Иванов"},
                    lang="ru")
    async with app.run_test(size=SIZE) as pilot:
        # asked in the draft's language
        await wait_for(pilot, lambda: "Есть незаконченная карточка" in screen_text(app))
        await type_in(pilot, "n")
        await pilot.pause()
        assert app.screen.lang == "kk" and "[KK]" in screen_text(app).splitlines()[0]


async def test_title_keeps_user_and_language_with_a_long_name(books, cfg) -> None:
    long_name = {**INDIVIDUAL_TEXTS, "surname": "Жұмабаев-Сейтқазиев-Нұрмұхамбетов"}
    app = draft_app(cfg, values=long_name, focus="surname")
    async with app.run_test(size=SIZE) as pilot:
        await resumed(pilot)
        title = screen_text(app).splitlines()[0]
        assert len(title) == 80 and title.rstrip().endswith("ivanova [RU]")
        assert "Жұмабаев" in title


async def test_pins_are_kept_for_the_user_after_quitting(books, cfg) -> None:
    """B11: pinned fields come back on the next start, without a draft."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "ctrl+g", "4", "enter", "000777", "insert",  # pin line 4's no.
                      "ctrl+g", "1", "enter", "702", "enter")  # a pinned code typed over
        await type_in(pilot, "ctrl+q")
    pins = load_pins(app.session.user)
    assert pins is not None and "protocol_no" in pins["pinned"]
    again = make_app(cfg)
    async with again.run_test(size=SIZE) as pilot:
        if isinstance(again.screen, ConfirmScreen) or again.screen_stack[-1] is not \
                again.screen_stack[0]:
            await type_in(pilot, "n")  # the draft of the card typed: declined
        await pilot.pause()
        assert raw(again, "protocol_no") == "000777" and raw(again, "authority") == "702"
        assert "{000777" in screen_text(again)


async def test_the_language_switch_leaves_no_message_in_the_other_language(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "f6")  # nothing to look for yet: said in the status line
        await settle(pilot)
        await wait_for(pilot, lambda: "Прежних записей не найдено" in status_line(app))
        await type_in(pilot, "f9")
        await settle(pilot)
        line = status_line(app)
        assert "Прежних" not in line and "Қате: 0" in line, line


async def test_a_window_the_role_may_not_use_is_not_opened(books, cfg) -> None:
    """An operator's F7 (the corrections journal is the administrator's and the
    auditor's): the reason in the status line, no window to close with Esc."""
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "f7")
        await settle(pilot)
        assert isinstance(app.screen, CardScreen) and len(app.screen_stack) == 1
        assert status_line(app).rstrip().endswith("Нет прав: просмотр журнала исправлений")
        await type_in(pilot, "Касымов")  # typing goes on where it was
        assert raw(app, "surname") == "Касымов"
    admin = make_app(cfg, login="admin", role="administrator")
    async with admin.run_test(size=SIZE) as pilot:
        await type_in(pilot, "f7")
        await settle(pilot)
        assert type(admin.screen).__name__ == "CorrectionJournalScreen"
