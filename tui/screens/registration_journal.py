"""The registration journal (§7, Appendix 2) on screen: filters (period, status, body,
article), the entries one per row, the ten columns of the chosen entry below, Ctrl+P
prints the journal as filtered, Ins keys a proceeding without a card.

Keys: Tab / Shift+Tab between the filters, Enter searches (and goes to the list),
Up/Down in the list, Tab back to the filters, Ctrl+P print, Ins new entry, Esc close.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import events
from textual.containers import Vertical

from models.card_schema import Field, Kind
from models.db import is_database_error, one_line
from models.i18n import T
from models.permissions import PermissionDenied
from models.registration_journal import (
    JournalFilter,
    JournalRefused,
    JournalRow,
    add_entry,
    journal,
)
from models.validation import parse_date
from tui.screens.doc_form import DocForm, Refused, Spec
from tui.screens.filter_list import FilterListScreen
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

TITLE = T("Әкімшілік істерді тіркеу журналы (2-қосымша)",
          "Журнал регистрации административных дел (Приложение 2)")
HINT = T("Enter: іздеу  Ctrl+P: басып шығару  Ins: картасыз жазба  Esc: жабу",
         "Enter: найти  Ctrl+P: печать  Ins: запись без карточки  Esc: закрыть")
COUNT = T("Жазба: {n}", "Записей: {n}")
BAD_DATE = T("күн қате", "неверная дата")
FILTERS = (
    Field("date_from", T("Кезең: бастап", "Период: с"), Kind.DATE, 10),
    Field("date_to", T("дейін", "по"), Kind.DATE, 10),
    Field("status", T("Күйі", "Статус"), Kind.TEXT, 10),
    Field("body", T("Орган", "Орган"), Kind.TEXT, 5),
    Field("article", T("Бап", "Статья"), Kind.TEXT, 6),
)
ROWS = ((0, 1, 2), (3, 4))
DETAIL = 7  # lines of the chosen entry's columns
SHORT = {2: T("Орган, жіберілді", "Орган, отправлена"), 3: T("Сотқа жіберген", "Направил в суд"),
         4: T("Құқық бұзушы", "Правонарушитель"), 5: T("Заңды тұлға / ЖК", "Юр. лицо / ИП"),
         6: T("Саралау", "Квалификация"), 7: T("Қаралды", "Рассмотрено"),
         8: T("Карточканы қойған", "Выставил карточку"), 9: T("Қаулы", "Постановление"),
         10: T("Жаза", "Взыскание")}


class RegistrationJournalScreen(FilterListScreen):
    filter_layout = ROWS

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session.lang)
        self.session = session
        today = dt.date.today()
        defaults = {"date_from": dt.date(today.year, 1, 1).strftime("%d%m%Y"),
                    "date_to": today.strftime("%d%m%Y")}
        self.boxes = [FieldBox(f, defaults.get(f.name, "")) for f in FILTERS]
        self.active = 0
        self.rows: list[JournalRow] = []
        self.flt = JournalFilter()

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield from self.filter_rows()
            yield TextLine(id="found")
            yield PickList(id="entries")
            for i in range(DETAIL):
                yield TextLine(id=f"col{i}")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self._activate(0)
        self._search()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        self.relabel_filters()
        if self.rows:
            self._search()

    def _has_results(self) -> bool:
        return bool(self.rows)

    def _screen_key(self, event: events.Key) -> bool:
        if event.key == "ctrl+p":
            self._print()
        elif event.key == "insert":
            self.app.push_screen(JournalEntryForm(self.session), lambda _: self._search())
        else:
            return False
        return True

    def _filter(self) -> JournalFilter | None:
        raw = {f.name: b.raw.strip() for f, b in zip(FILTERS, self.boxes, strict=True)}
        days = {}
        for name in ("date_from", "date_to"):
            day = parse_date(raw[name]) if raw[name] and raw[name].isascii() else None
            if raw[name] and day is None:
                self._say(f"{FILTERS[0].label(self.lang)}: {self.tr(BAD_DATE)}")
                return None
            days[name] = day
        return JournalFilter(days["date_from"], days["date_to"], raw["status"] or None,
                             raw["body"] or None, raw["article"] or None)

    def _search(self) -> None:
        flt = self._filter()
        if flt is None:
            return
        try:
            self.rows = journal(self.session.user, flt, self.lang)
        except PermissionDenied as exc:
            self._say(self.tr(exc.message))
            return
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self._say(one_line(exc))
            return
        self.flt = flt
        pick = self.query_one(PickList)
        pick.set_rows([self._line(r) for r in self.rows])
        self._say(self.tr(COUNT).format(n=len(self.rows)))
        self._detail(0)
        if self.rows:
            self._activate(-1)

    def _line(self, r: JournalRow) -> str:
        c = r.columns
        art = "/".join(t for t in c[5].split() if t[:1].isdigit())
        return (f"{fit(r.number, 6):<6} {r.registered_on:%d.%m.%y} {fit(c[3] or c[4], 34):<34} "
                f"{fit(art, 11):<11} {fit(c[6], 14)}")

    def _say(self, text: str) -> None:
        self.query_one("#found", TextLine).set_text(text)

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self._detail(event.index)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        self._detail(event.index)

    def _detail(self, index: int) -> None:
        lines: list[str] = []
        if self.rows:
            r = self.rows[min(index, len(self.rows) - 1)]
            for n, text in enumerate(r.columns, start=1):
                if text and n > 1:
                    lines.append(f"{n:>2} {SHORT[n](self.lang)}: {text}")
        for i in range(DETAIL):
            self.query_one(f"#col{i}", TextLine).set_text(lines[i] if i < len(lines) else "")

    def _print(self) -> None:
        from models.printing.journal import journal_document
        from tui.screens.print_dialog import PrintDialog

        doc = journal_document(self.rows, self.flt, self.lang,
                               self.session.cfg.organisation_name, self.session.user.login,
                               dt.datetime.now().replace(microsecond=0))
        self.app.push_screen(PrintDialog(self.session, doc))


class JournalEntryForm(DocForm):
    """A proceeding without a card (terminated, sent to court, ...): its journal entry."""

    TITLE = T("Журнал: карточкасыз жазба", "Журнал: запись без карточки")
    INFO_LINES = 1
    ROWS_SHOWN = 9
    OPTION_ROWS = 4

    def fields(self) -> list[Spec]:
        from models import codebook

        def results() -> list[tuple[str, T]]:
            return [(e.code, e.name) for e in codebook.entries("proceeding_result")
                    if not e.data.get("card")]

        f = Field
        return [Spec(f("registered_on", T("Тіркеу күні", "Дата регистрации"), Kind.DATE, 10),
                     dt.date.today().strftime("%d%m%Y")),
                Spec(f("number", T("Тіркеу № (бос: келесі)", "Рег. № (пусто: следующий)"),
                       Kind.TEXT, 12)),
                Spec(f("offender", T("4. Құқық бұзушы", "4. Правонарушитель"), Kind.TEXT, 400)),
                Spec(f("legal", T("5. Заңды тұлға", "5. Юр. лицо / ИП"), Kind.TEXT, 400)),
                Spec(f("article", T("6. Бап", "6. Статья"), Kind.TEXT, 6)),
                Spec(f("part", T("6. Бөлік", "6. Часть"), Kind.TEXT, 5)),
                Spec(f("result", T("7. Нәтижесі", "7. Результат"), Kind.CODE, 2),
                     options=results),
                Spec(f("result_date", T("7. Қаралған күні", "7. Дата рассмотрения"), Kind.DATE,
                       10)),
                Spec(f("court_body", T("3. Сотқа жіберген орган", "3. Направил в суд"),
                       Kind.TEXT, 250))]

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        try:
            e = add_entry(values, self.session.user)
        except (JournalRefused, PermissionDenied) as exc:
            raise Refused(exc.message) from None
        return e, T(f"Журналға жазылды: № {e.number}", f"Записано в журнал: № {e.number}")
