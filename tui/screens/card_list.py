"""F5: find cards by IIN/BIN, surname, protocol number, registration number and a
date range (of the offence); the results in a list; Enter opens a card read-only.

What is overdue (models.overdue: the Directorate's 3 working days to check a card, a
returned card not sent back, a notice of execution not made, open liability requests)
is counted on the line above the list when the window opens; Enter on the empty form
lists those cards, each marked with what is late ("!").

Keys: Tab / Shift+Tab move between the search fields, Enter searches (and goes to
the results), Up/Down in the results, Enter opens, Tab back to the fields, Esc closes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import work
from textual.containers import Vertical
from textual.worker import get_current_worker

from models import lifecycle
from models import overdue as late
from models.card_schema import Field, Kind
from models.cards import find_cards
from models.config import Config
from models.db import close_database, is_database_error, one_line
from models.i18n import T
from models.tables import Card
from models.validation import parse_date
from tui.screens import texts as tx
from tui.screens.card import CardScreen
from tui.screens.filter_list import FilterListScreen
from tui.screens.texts import STATUS
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Карточкаларды іздеу", "Поиск карточек")
HINT = T("Enter: іздеу / ашу   Tab: келесі   Esc: жабу",
         "Enter: найти / открыть   Tab: дальше   Esc: закрыть")
FOUND = T("Табылды: {n}", "Найдено: {n}")
TYPE_SOMETHING = T("Кем дегенде бір шартты толтырыңыз", "Заполните хотя бы одно условие")
DB_ERROR = T("Дерекқор қатесі", "Ошибка базы данных")
BAD_DATE = T("күн қате, ККААЖЖЖЖ", "неверная дата, ДДММГГГГ")
OVERDUE = T("Мерзімі өткен: тексеру {check}, қайтару {resend}, хабарл. {notice}, сұрау "
            "{requests}. Enter: тізім", "Просрочено: проверка {check}, возврат {resend}, "
            "извещ. {notice}, запросы {requests}. Enter: список")
OVERDUE_LIST = T("Мерзімі өткен карточкалар: {n}", "Просроченные карточки: {n}")

# The search form's own fields (not card fields: a search needs no line numbers).
SEARCH_FIELDS = (
    Field("iin", T("ЖСН/БСН", "ИИН/БИН"), Kind.IIN, 12),
    Field("surname", T("Тегі/атауы", "Фамилия/наим."), Kind.TEXT, 60),
    Field("protocol_no", T("Хаттама №", "Протокол №"), Kind.TEXT, 20),
    Field("journal_no", T("Тіркеу №", "Рег. №"), Kind.TEXT, 12),
    Field("date_from", T("Күні: бастап", "Дата: с"), Kind.DATE, 10),
    Field("date_to", T("дейін", "по"), Kind.DATE, 10),
)
ROWS = ((0, 1), (2, 3), (4, 5))  # which search fields share a screen row
LIMIT = 200


class CardListScreen(FilterListScreen):
    filter_layout = ROWS

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session.lang)
        self.session = session
        self.boxes = [FieldBox(f) for f in SEARCH_FIELDS]
        self.active = 0  # index of the active search field; -1: the results list
        self.cards: list[Card] = []
        self.notes: dict[int, str] = {}  # card id -> what is late, in the overdue list
        self.late: late.Overdue | None = None
        self.late_cards: list[Card] = []
        self.searched = False  # the count is shown only until the first search
        # The search on its way, and Enter pressed again before its results came (keys
        # typed ahead over a slow link): the first card found then opens.
        self.pending: dict[str, Any] | None = None
        self.open_first = False

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield from self.filter_rows()
            yield TextLine(id="found")
            yield PickList(id="cards")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self._activate(0)
        self._load_overdue()

    @work(thread=True, exclusive=True, group="overdue")
    def _load_overdue(self) -> None:
        try:
            found = late.overdue(self.session.cfg, self.session.user)
            ids = [c.card_id for c in found.cards[:LIMIT]]
            by_id = {c.id: c for c in Card.select().where(Card.id.in_(ids))} if ids else {}
            cards = [by_id[i] for i in ids if i in by_id]
        except Exception as exc:
            if not is_database_error(exc):
                raise
            return  # the count is a courtesy: the search still works
        finally:
            close_database()
        self.app.call_from_thread(self._overdue_loaded, found, cards)

    def _overdue_loaded(self, found: late.Overdue, cards: list[Card]) -> None:
        self.late, self.late_cards = found, cards
        if not self.searched and not found.empty:
            self._say(self._overdue_text())

    def _overdue_text(self) -> str:
        assert self.late is not None
        return self.tr(OVERDUE.format(check=self.late.count(late.CHECK),
                                      resend=self.late.count(late.RESEND),
                                      notice=self.late.count(late.NOTICE),
                                      requests=self.late.requests))

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        self.relabel_filters()
        if self.cards:
            self._show_cards()

    # -- keys -----------------------------------------------------------------------------
    def _has_results(self) -> bool:
        return bool(self.cards)

    # -- searching ------------------------------------------------------------------------
    def _criteria(self) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        for f, box in zip(SEARCH_FIELDS, self.boxes, strict=True):
            if not box.raw:
                continue
            value: Any = box.raw
            if f.kind == Kind.DATE:
                value = parse_date(box.raw)
                if value is None:
                    self._say(f"{f.label(self.lang)}: {self.tr(BAD_DATE)}")
                    return None
            out[f.name] = value
        return out

    def _search(self) -> None:
        criteria = self._criteria()
        if criteria is None:
            return
        if not criteria:
            if self.late_cards:
                self._show_overdue()
            else:
                self._say(self.tr(TYPE_SOMETHING))
            return
        if criteria == self.pending:
            self.open_first = True
            return
        self.searched, self.pending, self.open_first = True, criteria, False
        self._say(self.tr(tx.SEARCHING))
        self._find(criteria)

    @work(thread=True, exclusive=True, group="find-cards")
    def _find(self, criteria: dict[str, Any]) -> None:
        worker = get_current_worker()
        try:
            cards = find_cards(**criteria, limit=LIMIT)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.app.call_from_thread(self._failed, f"{self.tr(DB_ERROR)}: {one_line(exc)}")
            return
        finally:
            close_database()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._found, cards)

    def _show_overdue(self) -> None:
        assert self.late is not None
        kinds = {c.card_id: c.kind for c in self.late.cards}
        self.notes = {c.id: self.tr(late.KIND_LABELS[kinds[c.id]]) for c in self.late_cards}
        self.cards = list(self.late_cards)
        self._show_cards()
        self._say(self.tr(OVERDUE_LIST.format(n=len(self.late.cards))))
        self._activate(-1)

    def _failed(self, text: str) -> None:
        self._not_searching()
        self._say(text)

    def _not_searching(self) -> None:
        """No search on its way any more."""
        self.pending, self.open_first = None, False

    def _found(self, cards: list[Card]) -> None:
        self.cards, self.notes = cards, {}
        open_first = self.open_first
        self._not_searching()
        self._show_cards()
        if cards:
            self._activate(-1)
            if open_first:
                self.app.push_screen(CardScreen(self.session, card=cards[0]))

    def _show_cards(self) -> None:
        pick = self.query_one(PickList)
        pick.set_rows([card_line(c, self.lang, self.session.cfg, self.notes.get(c.id))
                       for c in self.cards] or [self.tr(tx.NOTHING_FOUND)], pick.index)
        self._say(self.tr(FOUND.format(n=len(self.cards))))

    def _say(self, text: str) -> None:
        self.query_one("#found", TextLine).set_text(text)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        if self.cards:
            self.app.push_screen(CardScreen(self.session, card=self.cards[event.index]))


# A found card's row fits the window at 80 columns (ROW_ROOM: 76 inside its border and
# padding) with the longest status word whole, in either language.
ROW_ROOM = 76
LONGEST_STATUS = max(len(w) for t in STATUS.values() for w in (t.kk, t.ru))
NAME_ROOM = ROW_ROOM - 41 - LONGEST_STATUS  # 41: the number, date, article, protocol


def card_line(card: Card, lang: str, cfg: Config, late_note: str | None = None) -> str:
    """One found card: number, offence date, person, qualification, protocol, status
    (in the overdue list: "!" and what is late instead of the status)."""
    who = card.legal_name or " ".join(p for p in (card.surname, _initials(card)) if p)
    when = card.offence_date.strftime("%d.%m.%Y") if card.offence_date else " " * 10
    art = "/".join(p for p in (card.article, card.part, card.paragraph) if p)
    status = STATUS.get(card.status)
    # §11, §12: "!" a returned card not sent back by the next dispatch day, "L" one the
    # Directorate returned after its 3 working days (markers, not colours: monochrome
    # terminals show them too)
    mark = "!" if late_note else lifecycle.card_deadlines(card, cfg, dt.date.today()).mark
    shown = late_note or (status(lang) if status else card.status)
    width = 24 if late_note else NAME_ROOM  # what is late is short: the name takes more
    return (f"{mark}{card.id:>5} {when} {who[:width]:<{width}} {art:<10} "
            f"{(card.protocol_no or '')[:10]:<10} {shown}")


def _initials(card: Card) -> str:
    return "".join(f"{p[0]}." for p in (card.given_name, card.patronymic) if p)
