"""The card list (F5) at 80x24: what is overdue counted when it opens, listed by Enter on
the empty form ("!" and what is late instead of the status), a card opened from there."""

from __future__ import annotations

from tests.test_overdue import _register, admin  # noqa: F401
from tests.test_tui_screens import check
from tests.tui_helpers import (  # noqa: F401 (backend: the UI tests' fixture)
    backend,
    make_app,
    screen_text,
    settle,
    type_in,
    wait_for,
)
from tui.screens.card import CardScreen
from tui.screens.card_list import CardListScreen

SIZE = (80, 24)


async def test_card_list_counts_and_lists_what_is_overdue(admin, cfg) -> None:  # noqa: F811
    sent, back, paid = _register(admin, cfg)
    app = make_app(cfg, login="boss")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CardListScreen(app.session))
        await wait_for(pilot, lambda: "Просрочено:" in screen_text(app))
        assert "Просрочено: проверка 1, возврат 1, извещ. 1, запросы 1" in screen_text(app)
        check("card_list_overdue_count", app)
        await type_in(pilot, "enter")  # the empty form: the overdue cards
        await settle(pilot)
        text = screen_text(app)
        assert "Просроченные карточки: 3" in text
        for card, kind in ((sent, "проверка"), (back, "возврат"), (paid, "извещ.")):
            line = next(x for x in text.splitlines() if f"!{card.id:>5} " in x)
            assert line.rstrip(" │").endswith(kind)
        check("card_list_overdue", app)
        await type_in(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CardScreen) and app.screen.readonly
