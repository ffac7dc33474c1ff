"""Statistics on screen: the period (line 6 dates) and one of the cuts (article, body,
region, subject, penalty, month, quarter, year), a table with bars of block characters
computed by the database in a worker thread, the total and the repeat offenders.

Keys: Tab / Up / Down between the two dates and the table, Enter computes, Left/Right
(in the table) the previous / next cut, Ctrl+P prints, Esc closes.
"""

from __future__ import annotations

import datetime as dt

from textual import events, work
from textual.containers import Vertical

from models import stats
from models.card_schema import Field, Kind
from models.db import close_database, is_database_error, one_line
from models.i18n import T
from models.validation import parse_date
from tui.screens.filter_list import FilterListScreen
from tui.session import Session
from tui.stats_text import repeat_lines, table_lines
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.layout import Cell, Row
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Статистика: {w}", "Статистика: {w}")
HINT = T("Enter: есептеу  ←→: бөлу  Ctrl+P: басып шығару  Esc: жабу",
         "Enter: посчитать  ←→: разрез  Ctrl+P: печать  Esc: закрыть")
COUNTING = T("Есептелуде...", "Считаю...")
BAD_DATE = T("Күн қате: ККААЖЖЖЖ", "Неверная дата: ДДММГГГГ")
FILTERS = (Field("date_from", T("Кезең (6-жол): бастап", "Период (строка 6): с"), Kind.DATE, 10),
           Field("date_to", T("дейін", "по"), Kind.DATE, 10))
WIDTH = 76


class StatsScreen(FilterListScreen):
    AUTO_FOCUS = ""

    def __init__(self, session: Session, card_id: int | None = None, by: str = "article"
                 ) -> None:
        super().__init__(session.lang)
        self.session = session
        today = dt.date.today()
        defaults = {"date_from": dt.date(today.year, 1, 1).strftime("%d%m%Y"),
                    "date_to": today.strftime("%d%m%Y")}
        self.boxes = [FieldBox(f, defaults[f.name]) for f in FILTERS]
        self.active = 0
        self.fresh = True
        self.by = by
        self.rows: list[stats.StatRow] = []
        self.repeat: stats.Repeat | None = None
        self.period: tuple[dt.date, dt.date] | None = None

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield FormRow(self._row(), self.boxes)
            yield TextLine(id="head")
            yield PickList(id="rows")
            yield TextLine(id="total")
            yield TextLine(id="repeat")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def _row(self) -> Row:
        cells: list[Cell] = []
        for f, box in zip(FILTERS, self.boxes, strict=True):
            label = (" " if cells else "") + f"{f.label(self.lang)} "
            cells += [Cell("label", len(label), label), Cell("field", box.inner + 3, field=f)]
        return Row(tuple(cells), frozenset(), "search")

    def on_mount(self) -> None:
        self.relabel()
        self._activate(0)
        self._search()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE).format(
            w=stats.DIMENSION_LABELS[self.by](self.lang)))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        row = self.query_one(FormRow)
        row.spec = self._row()
        row.refresh()
        self._show()

    def _has_results(self) -> bool:
        return bool(self.rows)

    def _activate(self, index: int) -> None:
        super()._activate(index)
        self.fresh = True  # the first character typed replaces the proposed date

    def on_key(self, event: events.Key) -> None:
        if (self.app.screen is self and self.active >= 0 and self.fresh and event.is_printable
                and event.character):
            self.boxes[self.active].set_raw("")
        if event.key not in ("tab", "shift+tab", "up", "down", "enter"):
            self.fresh = False
        super().on_key(event)

    def _screen_key(self, event: events.Key) -> bool:
        if event.key == "ctrl+p":
            self._print()
            return True
        if self.active < 0 and event.key in ("left", "right"):
            i = stats.DIMENSIONS.index(self.by) + (1 if event.key == "right" else -1)
            self.by = stats.DIMENSIONS[i % len(stats.DIMENSIONS)]
            self.query_one("#title", TextLine).set_text(self.tr(TITLE).format(
                w=stats.DIMENSION_LABELS[self.by](self.lang)))
            self._search()
            return True
        return False

    def _search(self) -> None:
        days = []
        for box in self.boxes:
            text = box.raw.strip()
            day = parse_date(text) if text and text.isascii() else None
            if day is None:
                self.say(self.tr(BAD_DATE))
                return
            days.append(day)
        self.say(self.tr(COUNTING))
        self._count(self.by, days[0], days[1], self.lang)

    @work(thread=True, exclusive=True, group="stats")
    def _count(self, by: str, date_from: dt.date, date_to: dt.date, lang: str) -> None:
        try:
            rows = stats.table(by, date_from, date_to, lang)
            repeat = stats.repeat_offenders(date_from, date_to, top=0)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.app.call_from_thread(self.say, one_line(exc))
            return
        finally:
            close_database()  # this thread's connection
        self.app.call_from_thread(self._counted, by, date_from, date_to, rows, repeat)

    def _counted(self, by: str, date_from: dt.date, date_to: dt.date,
                 rows: list[stats.StatRow], repeat: stats.Repeat) -> None:
        if by != self.by:
            return  # the cut changed meanwhile: its own count is on the way
        self.rows, self.repeat, self.period = rows, repeat, (date_from, date_to)
        self.say("")
        self._show()
        if self.rows and self.active >= 0:
            self._activate(-1)

    def _show(self) -> None:
        lines = table_lines(self.rows, self.by, self.lang, WIDTH)
        pick = self.query_one(PickList)
        self.query_one("#head", TextLine).set_text(lines[0])
        pick.set_rows(lines[2:-2], pick.index)
        self.query_one("#total", TextLine).set_text(lines[-1])
        self.query_one("#repeat", TextLine).set_text(
            repeat_lines(self.repeat, self.lang, WIDTH)[0] if self.repeat else "")

    def say(self, text: str) -> None:
        self.query_one("#message", TextLine).set_text(text)

    def _print(self) -> None:
        if self.period is None:
            return
        from tui.screens.print_dialog import PrintDialog

        repeat = stats.repeat_offenders(*self.period)
        doc = stats.stats_document(self.rows, self.by, self.period[0], self.period[1], repeat,
                                   self.lang, self.session.cfg.organisation_name,
                                   self.session.user.login,
                                   dt.datetime.now().replace(microsecond=0))
        self.app.push_screen(PrintDialog(self.session, doc))

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()

