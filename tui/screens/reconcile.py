"""The quarterly reconciliation on screen (§9): a statement received from the tier next
to this register compared with this register; the counts by state side by side, then
every card that differs with its probable cause. F2 writes the report as CSV beside the
statement; Esc closes."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.containers import Vertical

from models.db import is_database_error, one_line
from models.exchange.common import ExchangeError
from models.i18n import T
from models.permissions import PermissionDenied
from models.reconcile import STATE_LABELS, Report, reconcile, write_csv
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

TITLE = T("{q} тоқсанын салыстыру: {a} және {b}, мерзімі {d}",
          "Сверка за {q}: {a} и {b}, срок {d}")
HINT = T("F2: CSV  Esc: жабу", "F2: CSV  Esc: закрыть")
STATES = T("Күйлері: {s}", "Состояния: {s}")
NONE = T("Айырмашылық жоқ", "Расхождений нет")
SOME = T("Айырмашылық: {n}", "Расхождений: {n}")
CSV = T("CSV жазылды: {p}", "CSV записан: {p}")


class ReconcileScreen(DocWindow):
    def __init__(self, session: Session, quarter: str, statement: Path) -> None:
        super().__init__(session)
        self.quarter, self.statement = quarter, statement
        self.report: Report | None = None

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="here")
            yield TextLine(id="there")
            yield TextLine(id="found")
            yield PickList(id="differences")
            yield TextLine(id="cause0")
            yield TextLine(id="cause1")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        try:
            self.report = reconcile(self.session.cfg, self.session.user, self.quarter,
                                    self.statement)
        except (ExchangeError, PermissionDenied) as exc:
            self.say(exc.message)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.say(one_line(exc))
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        r = self.report
        if r is None:
            return
        self.query_one("#title", TextLine).set_text(fit(self.tr(TITLE).format(
            q=r.quarter, a=r.me, b=r.other, d=r.due.strftime("%d.%m.%Y")), 76))
        for key, who, counts in (("#here", r.me, r.mine), ("#there", r.other, r.theirs)):
            states = ", ".join(f"{self.tr(STATE_LABELS[k])} {v}"
                               for k, v in sorted(counts["state"].items())) or "0"
            self.query_one(key, TextLine).set_text(fit(f"{who}: {states}", 76))
        self.query_one("#found", TextLine).set_text(
            self.tr(SOME).format(n=len(r.differences)) if r.differences else self.tr(NONE))
        rows = []
        for d in r.differences:
            rows.append(f"{fit(d.uid, 14):<14} {fit(self.tr(STATE_LABELS[d.mine]), 9):<9} "
                        f"{fit(self.tr(STATE_LABELS[d.theirs]), 9):<9} "
                        f"{fit(d.cause(self.lang), 42)}")
        self.query_one(PickList).set_rows(rows)
        self._cause(0)

    def _cause(self, index: int) -> None:
        """The chosen difference's cause in full, on two lines."""
        text = ""
        if self.report is not None and self.report.differences:
            d = self.report.differences[min(index, len(self.report.differences) - 1)]
            lines = f" ({', '.join(d.lines)})" if d.lines else ""
            text = f"{d.uid} {d.article}{lines}: {d.cause(self.lang)}"
        words, first = text.split(" "), ""
        while words and len(first) + len(words[0]) + 1 <= 76:
            first += (" " if first else "") + words.pop(0)
        self.query_one("#cause0", TextLine).set_text(first)
        self.query_one("#cause1", TextLine).set_text(fit(" ".join(words), 76))

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self._cause(event.index)

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        if event.key == "escape":
            self.dismiss(None)
        elif event.key in ("f2", "alt+2") and self.report is not None:
            path = self.statement.with_name(self.statement.name.split(".")[0] + "-report.csv")
            write_csv(self.report, path, self.lang)
            self.say(fit(self.tr(CSV).format(p=path), 76))
        elif not self.query_one(PickList).pick_key(event):
            return
        event.stop()
        event.prevent_default()
