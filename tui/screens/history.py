"""A card's history: every value each line has had, who changed it, when and why.

One row per change (the first is the registration): line, field, old and new value,
date, user, reason code; the selected row's full values and reason below the list.
Tab switches between "by line" (the paper card's order) and "by time". Esc closes.
The card's status is in the title, with the return deadline (§12) when it applies.
"""

from __future__ import annotations

import datetime as dt

from textual import events, work
from textual.containers import Vertical
from textual.worker import get_current_worker

from models import lifecycle
from models.config import Config
from models.db import close_database
from models.i18n import T
from models.journal import LogRow, card_history
from models.permissions import PermissionDenied
from models.tables import Card
from tui.screens.base import QuietModal
from tui.session import Session
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

TITLE = T("№ {n} карточканың тарихы", "История карточки № {n}")
TITLE_NEW = T("Карточканың тарихы", "История карточки")
STATUS = T("Күйі: {s}", "Состояние: {s}")
DEADLINE = T("{d} жіберумен қайтару", "вернуть с отправкой {d}")
OVERDUE = T("МЕРЗІМІ ӨТКЕН ({d})", "ПРОСРОЧЕНА ({d})")
HEAD = T("Жол  Өріс          Ескі мәні      Жаңа мәні      Күні     Кім       Себ",
         "Стр  Поле          Было           Стало          Дата     Кто       Прч")
BY_LINE = T("жолдар бойынша", "по строкам")
BY_TIME = T("уақыт бойынша", "по времени")
HINT = T("↑↓: таңдау  Tab: {other}  Esc: жабу", "↑↓: выбор  Tab: {other}  Esc: закрыть")
NO_CARD = T("Алдымен карточканы ашыңыз", "Сначала откройте карточку")
NOT_FOUND = T("Карточка табылмады", "Карточка не найдена")
LOADING = T("Жүктелуде...", "Загрузка...")
REGISTERED = T("Карточка тіркелді", "Карточка зарегистрирована")


def history_row(r: LogRow, lang: str) -> str:
    """One change in 70 columns (the list is 74 wide inside the window)."""
    line = r.line or "—"
    return (f"{fit(line, 4):<4} {fit(r.label(lang), 13):<13} {fit(r.old, 14):<14} "
            f"{fit(r.new, 14):<14} {r.at.strftime('%d.%m.%y')} {fit(r.user_login, 9):<9} "
            f"{r.reason_code:>2}")


def status_text(card: Card, today: dt.date, cfg: Config, lang: str) -> str:
    """"Status: returned, send back by 20.02.2025" (or overdue), for titles and lists."""
    text = STATUS.format(s=lifecycle.status_label(card.status)(lang))(lang)
    due = lifecycle.card_deadlines(card, cfg, today)
    if due.resend_by is not None:
        note = (OVERDUE if due.overdue else DEADLINE).format(d=due.resend_by.strftime("%d.%m.%Y"))
        text += ", " + note(lang)
    return text


class CardHistoryScreen(QuietModal[None]):
    AUTO_FOCUS = ""

    def __init__(self, session: Session, card_id: int | None) -> None:
        super().__init__(session.lang)
        self.session = session
        self.card_id = card_id
        self.card: Card | None = None
        self.rows: list[LogRow] = []
        self.by_line = True
        self.problem: T | None = None if card_id is not None else NO_CARD

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="status")
            yield TextLine(role="head", id="head")
            yield PickList(id="changes")
            yield TextLine(id="when")
            yield TextLine(id="was")
            yield TextLine(id="why")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self.query_one(PickList).focus()
        if self.card_id is not None:
            self._say(self.tr(LOADING))
            self._load(self.card_id, self.by_line)

    def relabel(self) -> None:
        title = TITLE.format(n=self.card_id) if self.card_id is not None else TITLE_NEW
        self.query_one("#title", TextLine).set_text(self.tr(title))
        self.query_one("#head", TextLine).set_text(self.tr(HEAD))
        other = BY_TIME if self.by_line else BY_LINE
        self.query_one("#hint", TextLine).set_text(self.tr(HINT.format(other=other(self.lang))))
        self._show()

    @work(thread=True, exclusive=True, group="card-history")
    def _load(self, card_id: int, by_line: bool) -> None:
        worker = get_current_worker()
        problem: T | None = None
        card, rows = None, []
        try:
            card = Card.get_or_none(Card.id == card_id)
            if card is None:
                problem = NOT_FOUND
            else:
                rows = card_history(self.session.user, card_id, self.lang, by_line)
        except PermissionDenied as exc:
            problem = exc.message
        finally:
            close_database()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, card, rows, problem)

    def _loaded(self, card: Card | None, rows: list[LogRow], problem: T | None) -> None:
        self.card, self.rows, self.problem = card, rows, problem
        self._show()

    def _show(self) -> None:
        pick = self.query_one(PickList)
        if self.problem is not None:
            pick.set_rows([])
            self._say(self.tr(self.problem))
            return
        if self.card is None:
            return
        self.query_one("#status", TextLine).set_text(status_text(
            self.card, dt.date.today(), self.session.cfg, self.lang))
        pick.set_rows([history_row(r, self.lang) for r in self.rows], pick.index)
        self._detail(pick.index)

    def _detail(self, index: int) -> None:
        if not self.rows:
            return
        r = self.rows[min(index, len(self.rows) - 1)]
        at = r.at.strftime("%d.%m.%Y %H:%M")
        who = f"{r.user_login} ({r.user_name})" if r.user_name else r.user_login
        self.query_one("#when", TextLine).set_text(f"{at}  {who}")
        if r.event == "register":
            self.query_one("#was", TextLine).set_text(self.tr(REGISTERED))
            self.query_one("#why", TextLine).set_text("")
            return
        self.query_one("#was", TextLine).set_text(
            f"{r.line} {r.label(self.lang)}: «{r.old}» → «{r.new}»")
        self.query_one("#why", TextLine).set_text(
            f"{r.reason_code} {r.reason_name(self.lang)} — {r.reason_text}")

    def _say(self, text: str) -> None:
        self.query_one("#status", TextLine).set_text(text)

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self._detail(event.index)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        if event.key == "escape":
            self.dismiss(None)
        elif event.key == "tab" and self.card_id is not None:
            self.by_line = not self.by_line
            self.relabel()
            self._load(self.card_id, self.by_line)
        else:
            return
        event.stop()
        event.prevent_default()

