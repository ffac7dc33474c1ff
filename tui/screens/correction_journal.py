"""The correction journal (administrators and auditors): every logged change, newest
first, filtered by period, user, reason, card and line; F2 writes the filtered
journal to a CSV file (the reason in it).

Keys: Tab / Shift+Tab / Up / Down move between the filter fields, Enter applies the
filters and goes to the list; in the list Up/Down, Tab back to the filters; the
selected row's full values and reason show below the list. Esc closes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import events, work
from textual.containers import Vertical
from textual.worker import get_current_worker

from models.card_schema import Field, Kind
from models.db import close_database
from models.i18n import T
from models.journal import JournalFilter, LogRow, event_label, journal, write_csv
from models.permissions import PermissionDenied
from models.text import find_control
from models.validation import parse_date
from tui.screens import texts as tx
from tui.screens.filter_list import FilterListScreen
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

TITLE = T("Түзетулер журналы", "Журнал исправлений")
HEAD = T("   №  Күні/уақыты    Кім      Карт.  Жол  Өріс          Жаңа мәні      Себ",
         "   №  Дата/время     Кто      Карт.  Стр  Поле          Стало          Прч")
HINT = T("Enter: іздеу  Tab: келесі  {save}: CSV-ге жазу  Esc: жабу",
         "Enter: найти  Tab: дальше  {save}: выгрузить в CSV  Esc: закрыть")
FOUND = T("Жазбалар: {n}", "Записей: {n}")
MORE = T("Жазбалар: алғашқы {n} (сүзгіні нақтылаңыз; CSV-де бәрі)",
         "Записей: первые {n} (уточните фильтр; в CSV — все)")
BAD = T("{f}: мән қате", "{f}: неверное значение")
NO_FILE = T("CSV файлының атын енгізіңіз", "Укажите имя CSV-файла")
WRITING = T("CSV жазылуда...", "Выгрузка в CSV...")
WRITTEN = T("{n} жазба жазылды: {f}", "Выгружено записей: {n} в {f}")
CARD = T("№ {n} карточка", "карточка № {n}")
CANNOT_WRITE = T("Файлға жазу мүмкін емес: {e}", "Не удалось записать файл: {e}")

FILTERS = (
    Field("date_from", T("Кезең: бастап", "Период: с"), Kind.DATE, 10),
    Field("date_to", T("дейін", "по"), Kind.DATE, 10),
    Field("user", T("Пайдаланушы", "Пользователь"), Kind.TEXT, 20),
    Field("reason", T("Себеп коды", "Код причины"), Kind.CODE, 2),
    Field("card", T("Карточка №", "Карточка №"), Kind.DIGITS, 9),
    Field("line", T("Жол", "Строка"), Kind.TEXT, 5),
    Field("file", T("CSV файлы", "CSV-файл"), Kind.TEXT, 250),
)
ROWS = ((0, 1, 2), (3, 4, 5), (6,))
LIMIT = 500


def journal_row(r: LogRow, lang: str) -> str:
    """One logged change in 74 columns."""
    card = str(r.card_id) if r.card_id else ""
    new = r.new if r.field_name != "status" else f"{event_label(r.event)(lang)}: {r.new}"
    return (f"{r.id:>4} {r.at.strftime('%d.%m.%y %H:%M')} {fit(r.user_login, 8):<8} "
            f"{fit(card, 6):>6} {fit(r.line or '—', 4):<4} {fit(r.label(lang), 13):<13} "
            f"{fit(new, 14):<14} {r.reason_code:>2}")


class CorrectionJournalScreen(FilterListScreen):
    filter_layout = ROWS

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session.lang)
        self.session = session
        self.boxes = [FieldBox(f) for f in FILTERS]
        if card_id is not None:
            self.boxes[4].set_raw(str(card_id))
        self.boxes[6].set_raw(f"journal-{dt.date.today():%Y%m%d}.csv")
        self.active = 0  # index of the active filter box; -1: the list
        self.rows: list[LogRow] = []

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield from self.filter_rows()
            yield TextLine(id="found")
            yield TextLine(role="head", id="head")
            yield PickList(id="rows")
            yield TextLine(id="when")
            yield TextLine(id="was")
            yield TextLine(id="why")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self._activate(0)
        self._search()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#head", TextLine).set_text(self.tr(HEAD))
        save = self.session.keymap.label("save").split(",")[0]
        self.query_one("#hint", TextLine).set_text(self.tr(HINT.format(save=save)))
        self.relabel_filters()
        if self.rows:
            self._show()

    # -- keys -------------------------------------------------------------------------
    def _has_results(self) -> bool:
        return bool(self.rows)

    def _screen_key(self, event: events.Key) -> bool:
        if self.session.keymap.is_key_of(event.key, "save"):
            self._export()
            return True
        return False

    # -- filters ----------------------------------------------------------------------
    def _filter(self) -> JournalFilter | None:
        raw = {f.name: box.raw.strip() for f, box in zip(FILTERS, self.boxes, strict=True)}
        for f in FILTERS:
            if find_control(raw[f.name]) is not None:
                return self._bad(f)
        values: dict[str, Any] = {}
        for name in ("date_from", "date_to"):
            if raw[name]:
                values[name] = parse_date(raw[name])
                if values[name] is None:
                    return self._bad(FILTERS[0 if name == "date_from" else 1])
        if raw["card"] and not raw["card"].isdigit():
            return self._bad(FILTERS[4])
        return JournalFilter(date_from=values.get("date_from"), date_to=values.get("date_to"),
                             user_login=raw["user"] or None, reason_code=raw["reason"] or None,
                             card_id=int(raw["card"]) if raw["card"] else None,
                             line=raw["line"] or None)

    def _bad(self, f: Field) -> None:
        self._say(self.tr(BAD.format(f=f.label(self.lang))))
        return None

    def _search(self) -> None:
        flt = self._filter()
        if flt is None:
            return
        self._say(self.tr(tx.SEARCHING))
        self._find(flt)

    @work(thread=True, exclusive=True, group="journal")
    def _find(self, flt: JournalFilter) -> None:
        worker = get_current_worker()
        rows: list[LogRow] = []
        problem: T | None = None
        try:
            rows = journal(self.session.user, flt, self.lang, limit=LIMIT + 1)
        except PermissionDenied as exc:
            problem = exc.message
        finally:
            close_database()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._found, rows, problem)

    def _found(self, rows: list[LogRow], problem: T | None) -> None:
        if problem is not None:
            self.rows = []
            self.query_one(PickList).set_rows([])
            self._say(self.tr(problem))
            return
        self.rows = rows
        self._show()
        if rows:
            self._activate(-1)

    def _show(self) -> None:
        pick = self.query_one(PickList)
        shown = self.rows[:LIMIT]
        pick.set_rows([journal_row(r, self.lang) for r in shown] or [self.tr(tx.NOTHING_FOUND)],
                      pick.index)
        more = len(self.rows) > LIMIT
        self._say(self.tr((MORE if more else FOUND).format(n=len(shown))))
        self._detail(pick.index)

    def _detail(self, index: int) -> None:
        lines = ("", "", "")
        if self.rows:
            r = self.rows[min(index, len(self.rows) - 1)]
            who = f"{r.user_login} ({r.user_name})" if r.user_name else r.user_login
            card = self.tr(CARD.format(n=r.card_id)) if r.card_id else ""
            lines = (f"{r.at:%d.%m.%Y %H:%M}  {who}  {card}",
                     f"{r.line} {r.label(self.lang)}: «{r.old}» → «{r.new}»",
                     f"{r.reason_code} {r.reason_name(self.lang)} — {r.reason_text}"
                     if r.reason_code or r.reason_text else "")
        for name, text in zip(("#when", "#was", "#why"), lines, strict=True):
            self.query_one(name, TextLine).set_text(text)

    def _say(self, text: str) -> None:
        self.query_one("#found", TextLine).set_text(text)

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self._detail(event.index)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()

    # -- export -----------------------------------------------------------------------
    def _export(self) -> None:
        flt = self._filter()
        if flt is None:
            return
        name = self.boxes[6].raw.strip()
        if not name:
            self._say(self.tr(NO_FILE))
            return
        self._say(self.tr(WRITING))
        self._write(flt, Path(name).expanduser())

    @work(thread=True, exclusive=True, group="journal-csv")
    def _write(self, flt: JournalFilter, path: Path) -> None:
        try:
            n = write_csv(self.session.user, flt, path, self.lang)
            message = WRITTEN.format(n=n, f=str(path.resolve()))
        except PermissionDenied as exc:
            message = exc.message
        except OSError as exc:
            message = CANNOT_WRITE.format(e=exc.strerror or type(exc).__name__)
        finally:
            close_database()
        self.app.call_from_thread(self._say, self.tr(message))
