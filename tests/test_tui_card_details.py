"""The card screen's details a keyer meets all day: the save key on the error list, F5
from a card found by F5, line 6's number for the card's own year, pinned dates on a new
day; and the demo register's line 6 numbers."""

from __future__ import annotations

import datetime as dt
import json

from models import drafts
from models.cards import next_journal_no, register_card
from models.tables import Card, Draft
from tests.test_validation import legal_card
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    INDIVIDUAL_KEYS,
    INDIVIDUAL_TAIL,
    backend,
    make_app,
    raw,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.card import CardScreen
from tui.screens.card_list import CardListScreen
from tui.screens.messages import IssuesScreen

SIZE = (80, 24)
FULL_CARD = (*INDIVIDUAL_KEYS, "39320", "enter", "39320", "enter", *INDIVIDUAL_TAIL)


async def test_save_key_on_the_error_list_goes_to_the_first_error(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01", "Касымов", "enter", "f2")
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen)
        first = next(i.field for i in app.screen.issues if i.is_error)
        await type_in(pilot, "f2")  # no Esc first
        await settle(pilot)
        assert isinstance(app.screen, CardScreen) and app.screen.state.focus == first


async def test_save_key_on_the_plain_list_saves(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *FULL_CARD, "f12")
        await settle(pilot)
        assert isinstance(app.screen, IssuesScreen)
        await type_in(pilot, "f2")
        await settle(pilot)
        assert isinstance(app.screen, CardScreen)
        assert "Сохранено: карточка №" in screen_text(app)
    assert Card.select().where(Card.surname == "Касымов").count() == 1


async def test_f5_from_a_found_card_returns_to_the_search(books, cfg) -> None:
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *FULL_CARD, "f2")
        await settle(pilot)
        for _ in range(3):  # search, open the card, search again: never a pile
            await type_in(pilot, "f5")
            await settle(pilot)
            assert isinstance(app.screen, CardListScreen) and len(app.screen_stack) == 2
            if "Найдено: 1" not in screen_text(app):
                await type_in(pilot, "tab", "касым", "enter")
                await settle(pilot)
            assert "Найдено: 1" in screen_text(app)  # the results as they were left
            assert "зарегистрирована" in screen_text(app)  # the status whole at 80 columns
            await type_in(pilot, "enter")
            await settle(pilot)
            assert isinstance(app.screen, CardScreen) and app.screen.readonly
            assert len(app.screen_stack) == 3


async def test_line_6_number_is_proposed_from_the_cards_year(books, cfg) -> None:
    """A 2025 card keyed now: line 6's date in 2025 proposes 2025's next number, which
    the save keeps (not this year's number moved on at the save); the next card, line
    6's date pinned, is proposed the number after it."""
    from models.auth import add_user

    boss = add_user("boss", "administrator", by=None)
    register_card(legal_card(), boss, today=dt.date(2025, 3, 1))  # 2025: no. 00451
    assert cfg.authority == "685" and dt.date.today().year != 2025
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        assert raw(app, "journal_no") == next_journal_no("685", dt.date.today().year)
        await type_in(pilot, *INDIVIDUAL_KEYS)
        assert raw(app, "journal_no") == "00452"
        await type_in(pilot, "39320", "enter", "39320", "enter", *INDIVIDUAL_TAIL, "f2")
        await settle(pilot)
        assert "Сохранено: карточка №" in screen_text(app)  # not "number moved"
        assert raw(app, "journal_date") == "03022025"  # pinned for the batch
        assert raw(app, "journal_no") == "00453"
    assert Card.get(Card.surname == "Касымов").journal_no == "00452"


def _pins_typed_on(user, day: dt.date, values: dict[str, str]) -> None:
    drafts.save_pins(user, list(values), values)
    row = Draft.get(Draft.user == user)
    data = json.loads(row.data)
    data["pins"]["day"] = day.isoformat()
    row.data = json.dumps(data)
    row.save()


async def test_pinned_dates_do_not_outlive_their_day(books, cfg) -> None:
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    app = make_app(cfg)
    _pins_typed_on(app.session.user, yesterday, {
        "authority": "685", "place": "751110000", "journal_date": "03022025",
        "received_date": yesterday.strftime("%d%m%Y"), "filled_date": "05022025",
        "filled_by": "Иванова С.К., инспектор"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert raw(app, "authority") == "685" and raw(app, "place") == "751110000"
        assert raw(app, "filled_by") == "Иванова С.К., инспектор"  # codes, names stay
        assert raw(app, "received_date") == today.strftime("%d%m%Y")  # line 7: today
        assert raw(app, "journal_date") == "" and raw(app, "filled_date") == ""
        assert "journal_date" in app.screen.state.pinned  # still pinned, for today's
        assert "Даты прошлого дня сняты (стр. 6, 21): наберите заново" in screen_text(app)


async def test_pinned_dates_of_today_stay(books, cfg) -> None:
    app = make_app(cfg)
    drafts.save_pins(app.session.user, ["journal_date", "authority"],
                     {"journal_date": "03022025", "authority": "685"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert raw(app, "journal_date") == "03022025" and raw(app, "authority") == "685"
        assert "сняты" not in screen_text(app)


def test_pins_on_a_new_day() -> None:
    day = dt.date(2026, 3, 2)
    pins = {"authority": "685", "received_date": "27022026", "journal_date": "20022026",
            "filled_date": "20022026"}
    assert drafts.pins_on(pins, day, day) == (pins, [])
    kept, dropped = drafts.pins_on(pins, dt.date(2026, 2, 27), day)
    assert kept == {"authority": "685", "received_date": "02032026"}
    assert sorted(dropped) == ["filled_date", "journal_date"]
    assert drafts.pins_on(pins, None, day) == (kept, dropped)  # pins older than the stamp


def test_demo_line_6_numbers_are_unique_in_each_journal(books) -> None:
    """Each body's journal of a year numbers its cards once: no two demo cards of one
    authority and year share line 6's number, also after a second demo run."""
    from collections import Counter

    from models.auth import add_user
    from models.demo import load_demo

    boss = add_user("boss", "administrator", by=None)
    load_demo(150, 3, boss, today=dt.date(2026, 1, 15))
    load_demo(100, 4, boss, today=dt.date(2026, 1, 15))
    seen = Counter((c.authority, c.journal_date.year, int(c.journal_no))
                   for c in Card.select(Card.authority, Card.journal_date, Card.journal_no))
    assert sum(seen.values()) == 250 and max(seen.values()) == 1
    assert len({a for a, _, _ in seen}) > 1  # several bodies, each its own numbering


async def test_a_session_past_midnight_drops_the_pinned_dates_too(books, cfg) -> None:
    app = make_app(cfg)
    drafts.save_pins(app.session.user, ["journal_date", "authority", "received_date"],
                     {"journal_date": "03022025", "authority": "685"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert raw(app, "journal_date") == "03022025"
        screen.cards.day -= dt.timedelta(days=1)  # the defaults were made yesterday
        screen.state.set("received_date", screen.cards.day.strftime("%d%m%Y"))
        await type_in(pilot, "key:f11")
        assert raw(app, "journal_date") == "" and raw(app, "authority") == "685"
        assert raw(app, "received_date") == dt.date.today().strftime("%d%m%Y")
        assert "Даты прошлого дня сняты (стр. 6)" in screen_text(app)


async def test_the_list_of_a_card_only_looked_at_offers_no_save(books, cfg) -> None:
    from models.auth import add_user

    boss = add_user("boss", "administrator", by=None)
    card = register_card(legal_card(), boss, today=dt.date(2025, 3, 1))
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_card(Card.get_by_id(card.id))
        await settle(pilot)
        await type_in(pilot, "f12")
        assert isinstance(app.screen, IssuesScreen)
        assert "F2" not in screen_text(app)
        await type_in(pilot, "f2")
        assert isinstance(app.screen, IssuesScreen)  # nothing to save here


async def test_keys_typed_ahead_of_the_search_reach_it(books, cfg) -> None:
    """F5, Tab, a surname and Enter in one burst (a slow SSH link delivers them so):
    the search gets them all, the card under it none."""
    from textual import events

    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *FULL_CARD, "f2")
        await settle(pilot)
        burst = [("f5", None), ("tab", "\t"), *((c, c) for c in "касым"), ("enter", "\r")]
        for key, char in burst:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CardListScreen)
        assert "Найдено: 1" in screen_text(app)
        assert app.screen_stack[0].state.text("surname") == ""  # nothing went to the card


async def test_line_6_number_is_proposed_from_line_1s_journal(books, cfg) -> None:
    """The save numbers a card in its line 1 authority's journal: the proposal follows
    line 1 (another authority's journal has its own counter), so a kept proposal is
    saved as proposed and the other journal's counter does not jump."""
    from models.auth import add_user

    boss = add_user("boss", "administrator", by=None)
    register_card(legal_card(), boss, today=dt.date(2025, 3, 1))  # 685, 2025: no. 00451
    keys = list(INDIVIDUAL_KEYS)
    keys[keys.index("685")] = "686"  # line 1: the civil-protection authority
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *keys)
        assert raw(app, "journal_no") == "00001"  # 686's 2025 journal is empty
        await type_in(pilot, "39320", "enter", "39320", "enter", *INDIVIDUAL_TAIL, "f2")
        await settle(pilot)
        assert "Сохранено: карточка №" in screen_text(app)
    saved = Card.get(Card.surname == "Касымов")
    assert (saved.authority, saved.journal_no) == ("686", "00001")
    assert next_journal_no("686", 2025) == "00002" and next_journal_no("685", 2025) == "00452"


async def test_enter_typed_ahead_of_the_results_opens_the_first_card(books, cfg,
                                                                     monkeypatch) -> None:
    """F5, a surname, Enter, Enter in one burst over a slow link: the second Enter, in
    before the results, opens the first card found (not a second search)."""
    import threading

    from tui.screens import card_list

    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *FULL_CARD, "f2")
        await settle(pilot)
        gate, real = threading.Event(), card_list.find_cards
        searches: list[dict] = []

        def held(**criteria):
            searches.append(criteria)
            gate.wait(5)
            return real(**criteria)

        monkeypatch.setattr(card_list, "find_cards", held)
        await type_in(pilot, "f5", "tab", "касым", "enter", "enter")
        gate.set()
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, CardScreen) and
                       app.screen.readonly)
        assert app.screen.card.surname == "Касымов" and len(searches) == 1




async def test_directory_reopened_after_a_language_or_book_change(books, cfg) -> None:
    """The reused directory window keeps what an opening of a book needs: after F9 or
    another book it shows the rows a first opening shows (same-named places with their
    region in the language shown)."""
    from tui.screens.directory import DirectoryScreen

    async def opened(pilot, *keys: str) -> list[str]:
        await type_in(pilot, *keys)
        assert isinstance(pilot.app.screen, DirectoryScreen)
        return list(pilot.app.screen.query_one("#entries").rows)

    fresh = {}
    for lang in ("kk", "ru"):
        app = make_app(cfg, login=f"first_{lang}", lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await type_in(pilot, "01")
            app.screen.focus_field("place")
            fresh[lang] = await opened(pilot, "f4")
    assert any("Есіл ауданы — " in row for row in fresh["kk"])
    assert any("Есильский район — " in row for row in fresh["ru"])
    app = make_app(cfg, lang="ru")
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "01")
        app.screen.focus_field("place")
        assert await opened(pilot, "f4") == fresh["ru"]
        assert await opened(pilot, "f9") == fresh["kk"]  # switched with the window open
        assert await opened(pilot, "escape", "f4") == fresh["kk"]
        await type_in(pilot, "f9", "escape")
        assert await opened(pilot, "f4") == fresh["ru"]
        await type_in(pilot, "escape")
        app.screen.focus_field("part")
        parts = await opened(pilot, "f4")  # the article parts: their own rows
        assert len(parts) > 1000 and parts[0].split()[0] != fresh["ru"][0].split()[0]
        await type_in(pilot, "escape")
        app.screen.focus_field("place")
        assert await opened(pilot, "f4") == fresh["ru"]


async def test_the_article_parts_one_penalty_and_fine_are_offered(books, cfg) -> None:
    # 611 part 1: a fine of 5 MRP and nothing else. Line 11.1 offers 02, line 12 the
    # amount; Enter keeps each, the first key typed replaces it.
    keys = list(INDIVIDUAL_KEYS)
    at = keys.index("592")
    keys[at: at + 5] = ["611", "enter", "1", "enter", "enter"]
    at = keys.index("02", at)
    keys[at: at + 3] = ["enter", "enter", "enter"]  # 11.1 kept; 11.2, 11.3 empty
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, *keys)
        await settle(pilot)
        assert raw(app, "main_penalty") == "02" and raw(app, "fine_imposed") == "19660"
        assert app.screen.state.focus == "fine_imposed"
        await type_in(pilot, "3")
        await settle(pilot)
        assert raw(app, "fine_imposed") == "3"  # typed over, not appended to
