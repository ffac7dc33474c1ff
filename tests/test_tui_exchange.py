"""The Directorate's import queue and the statistics on screen, at 80x24 (SQLite).
Captures are compared with tests/printouts/screen-*.txt, dates masked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from models.cards import register_card
from models.exchange.queue import waiting
from models.tables import Card
from tests import registers
from tests.golden_files import check_golden
from tests.test_exchange import DISPATCH_DAY, person_card, send
from tests.tui_helpers import make_app, screen_text, settle, type_in

pytestmark = pytest.mark.asyncio
D = dt.date


@pytest.fixture
def backend() -> str:
    return "sqlite"


def masked(text: str) -> str:
    return re.sub(r"\d\d\.\d\d\.(\d\d\d\d|\d\d)\b", "DD.MM.YY", text) + "\n"


tiers = registers.tiers


async def test_queue_decides_same_person(tiers, tmp_path: Path) -> None:
    from tui.screens.import_queue import ImportQueueScreen

    body, dr = tiers["body"], tiers["dir"]
    with dr.use():
        known = register_card(person_card(0, iin=None, protocol_no="555", journal_no="9"),
                              dr.user, today=DISPATCH_DAY).person_id
    with body.use():
        register_card(person_card(0, birth_date=D(1985, 12, 3), iin=None), body.user,
                      today=DISPATCH_DAY)
    send(body, dr, tmp_path)
    with dr.use():
        app = make_app(dr.cfg, login="admin_dir")
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(ImportQueueScreen(app.session))
            await settle(pilot)
            text = screen_text(app)
            assert "BODY-685:1" in text and "Қасымов Ерлан" in text and "вероятное" in text
            check_golden("screen-import-queue-ru.txt", masked(text))
            await type_in(pilot, "enter")
            assert "BODY-685:1: принята" in screen_text(app)
        assert waiting() == []
        assert Card.select().where(Card.person == known).count() == 2


async def test_queue_returns_with_a_reason(tiers, tmp_path: Path) -> None:
    from tui.screens.import_queue import ImportQueueScreen

    body, dr = tiers["body"], tiers["dir"]
    with dr.use():
        register_card(person_card(0, iin=None, protocol_no="555", journal_no="9"), dr.user,
                      today=DISPATCH_DAY)
    with body.use():
        register_card(person_card(0, birth_date=D(1985, 12, 3), iin=None), body.user,
                      today=DISPATCH_DAY)
    send(body, dr, tmp_path)
    with dr.use():
        app = make_app(dr.cfg, login="admin_dir", lang="kk")
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(ImportQueueScreen(app.session))
            await settle(pilot)
            await type_in(pilot, "delete", "f2")
            assert "Қайтару себебін жазыңыз" in screen_text(app)  # a reason is required
            await type_in(pilot, "туған күні құжатпен сәйкес емес", "f2")
            await settle(pilot)
            assert "BODY-685:1: қайтарылды" in screen_text(app)  # back in the queue
        assert waiting() == []


async def test_statistics_screen(db, books, cfg) -> None:
    from models.auth import add_user
    from models.tables import Role
    from tui.screens.stats import StatsScreen

    admin = add_user("ivanova", Role.ADMINISTRATOR, by=None)
    for n in range(5):
        register_card(person_card(n, article="434" if n % 2 else "592",
                                  fine_imposed=5 * 3932 if n % 2 else 39320,
                                  part="01" if n % 2 else "02"), admin, today=D(2025, 3, 1))
    app = make_app(cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(StatsScreen(app.session))
        await settle(pilot)
        await type_in(pilot, "01012025", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "592" in text and "434" in text and "███" in text
        check_golden("screen-stats-ru.txt", masked(text))
        await type_in(pilot, "right")
        await settle(pilot)
        assert "Статистика: Выявивший орган" in screen_text(app)


async def test_packages_screen_imports_from_the_inbox_and_reconciles(
        tiers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.exchange.export import export_cards
    from models.reconcile import write_statement
    from tui.screens import packages
    from tui.screens.packages import PackagesScreen

    home = tmp_path / "home"
    monkeypatch.setattr(packages, "folder", lambda name: (home / name).mkdir(
        parents=True, exist_ok=True) or home / name)
    body, dr = tiers["body"], tiers["dir"]
    (home / "inbox").mkdir(parents=True)
    with body.use():
        register_card(person_card(0), body.user, today=DISPATCH_DAY)
        export_cards(body.cfg, body.user, home / "inbox", today=DISPATCH_DAY)
    with dr.use():
        app = make_app(dr.cfg, login="admin_dir")
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(PackagesScreen(app.session))
            await settle(pilot)
            assert "BODY-685-DIR-75-000001" in screen_text(app)
            await type_in(pilot, "enter")
            await settle(pilot)
            text = screen_text(app)
            assert "BODY-685-DIR-75-000001: принято 1; квитанция DIR-75-BODY-685-A000001" in text
            assert (home / "outbox" / "DIR-75-BODY-685-A000001.jsonl").exists()
    with body.use():  # one more card, not sent yet: the one difference
        register_card(person_card(1), body.user, today=DISPATCH_DAY)
        write_statement(body.cfg, body.user, "2025Q1", "DIR-75", home / "inbox")
    with dr.use():
        app = make_app(dr.cfg, login="admin_dir")
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(PackagesScreen(app.session))
            await settle(pilot)
            await type_in(pilot, "down", "enter")
            await settle(pilot)
            text = screen_text(app)
            assert "Сверка за 2025Q1: DIR-75 и BODY-685" in text and "Расхождений: 1" in text
            assert "BODY-685:2" in text and "Ещё не отправлена" in text
            check_golden("screen-reconcile-ru.txt", masked(text))
