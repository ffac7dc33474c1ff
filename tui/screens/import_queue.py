"""The Directorate's import queue: received cards whose person may already be in the
register under a probable match (models.exchange.queue). The operator decides each,
before the Directorate's deadline to return a faulty card (3 working days, §12).

Keys: Up/Down choose the card; Left/Right the candidate; Enter: the same person as the
chosen candidate; Ins: a different person (a new one); Del: return the card to its
sender with a reason; Esc close. Overdue cards are marked "!".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import events
from textual.containers import Vertical

from models.card_schema import Field, Kind
from models.db import is_database_error, one_line
from models.exchange.common import ExchangeError
from models.exchange.queue import Waiting, decide, waiting
from models.i18n import T
from models.permissions import PermissionDenied
from models.requests import band_label
from tui.screens.doc_form import DocForm, Refused, Spec
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

TITLE = T("Импорт кезегі: адамды анықтау", "Очередь импорта: установить лицо")
HINT = T("Enter: сол адам (←→ таңдау)  Ins: басқа адам  Del: қайтару  Esc: жабу",
         "Enter: то же лицо (←→ выбор)  Ins: другое лицо  Del: вернуть  Esc: закрыть")
COUNT = T("Күтуде: {n}, мерзімі өткен: {late}", "Ожидают: {n}, просрочено: {late}")
PACKAGE = T("{p}, алынды {r}, қайтару мерзімі {d}", "{p}, получен {r}, вернуть до {d}")
CARD = T("{a}-бап, құқық бұзушылық {d}, ЖСН {i}", "Статья {a}, нарушение {d}, ИИН {i}")
DONE = T("{uid}: {r}", "{uid}: {r}")
RESULTS = {"accepted": T("қабылданды", "принята"), "returned": T("қайтарылды", "возвращена")}
EMPTY = T("Шешім күтетін карточка жоқ", "Карточек, ждущих решения, нет")
CANDIDATES = 4


class ImportQueueScreen(DocWindow):
    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session)
        self.items: list[Waiting] = []
        self.choice = 0  # the candidate Enter takes

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="count")
            pick = PickList(id="cards")
            pick.styles.height = 10
            yield pick
            yield TextLine(id="package")
            yield TextLine(id="card")
            for i in range(CANDIDATES):
                yield TextLine(id=f"cand{i}")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        self.reload()

    def reload(self) -> None:
        today = dt.date.today()
        try:
            self.items = waiting()
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.say(one_line(exc))
            return
        pick = self.query_one("#cards", PickList)
        pick.set_rows([self._line(w, today) for w in self.items], pick.index)
        late = sum(w.overdue(today) for w in self.items)
        self.query_one("#count", TextLine).set_text(
            self.tr(COUNT).format(n=len(self.items), late=late) if self.items
            else self.tr(EMPTY))
        self._detail()

    def _line(self, w: Waiting, today: dt.date) -> str:
        mark = "!" if w.overdue(today) else " "
        return f"{mark}{w.deadline:%d.%m.%y} {fit(w.uid, 18):<18} {fit(w.label, 50)}"

    @property
    def current(self) -> Waiting | None:
        if not self.items:
            return None
        return self.items[min(self.query_one("#cards", PickList).index, len(self.items) - 1)]

    def _detail(self) -> None:
        w = self.current
        lines = ["", ""] + [""] * CANDIDATES
        if w is not None:
            self.choice = min(self.choice, max(0, len(w.candidates) - 1))
            v = w.values
            lines[0] = self.tr(PACKAGE).format(
                p=w.package, r=w.received_on.strftime("%d.%m.%Y") if w.received_on else "-",
                d=w.deadline.strftime("%d.%m.%Y"))
            offence = v.get("offence_date")
            lines[1] = self.tr(CARD).format(
                a="/".join(x for x in (v.get("article"), v.get("part"), v.get("paragraph")) if x),
                d=offence.strftime("%d.%m.%Y") if offence else "-",
                i=v.get("iin") or v.get("bin") or "-")
            for i, c in enumerate(w.candidates[:CANDIDATES]):
                mark = ">" if i == self.choice else " "
                band = self.tr(band_label(c.band))
                lines[2 + i] = f"{mark}{band[:9]:<9} {c.score:.2f} {fit(c.label, 60)}"
        self.query_one("#package", TextLine).set_text(fit(lines[0], 76))
        self.query_one("#card", TextLine).set_text(fit(lines[1], 76))
        for i in range(CANDIDATES):
            self.query_one(f"#cand{i}", TextLine).set_text(lines[2 + i])

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        w = self.current
        if key == "escape":
            self.dismiss(None)
        elif key in ("left", "right") and w is not None and w.candidates:
            step = 1 if key == "right" else -1
            self.choice = (self.choice + step) % min(CANDIDATES, len(w.candidates))
            self._detail()
        elif key == "enter" and w is not None and w.candidates:
            c = w.candidates[self.choice]
            self._decide(w, "same", person_id=c.id if c.kind == "person" else None,
                         legal_id=c.id if c.kind == "legal" else None)
        elif key == "insert" and w is not None:
            self._decide(w, "different")
        elif key == "delete" and w is not None:
            self.app.push_screen(ReturnForm(self.session, w), lambda out: self._done(w, out))
        elif not self.query_one("#cards", PickList).pick_key(event):
            return
        event.stop()
        event.prevent_default()

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self.choice = 0
        self._detail()

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()  # Enter is handled in on_key

    def _decide(self, w: Waiting, decision: str, **ids: Any) -> None:
        try:
            out = decide(self.session.cfg, w.id, decision, self.session.user, **ids)
        except (ExchangeError, PermissionDenied) as exc:
            self.say(exc.message)
            return
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.say(one_line(exc))
            return
        self._done(w, out)

    def _done(self, w: Waiting, out: Any) -> None:
        self.reload()
        if out is not None:
            self.say(self.tr(DONE).format(uid=w.uid, r=self.tr(RESULTS.get(
                out.result, T(out.result, out.result)))))


REASON = Field("reason", T("Қайтару себебі", "Причина возврата"), Kind.TEXT, 200)


class ReturnForm(DocForm):
    """The reason a waiting card goes back to its sender."""

    TITLE = T("Карточканы жіберушіге қайтару", "Вернуть карточку отправителю")
    INFO_LINES = 2
    ROWS_SHOWN = 1
    OPTION_ROWS = 1

    def __init__(self, session: Session, item: Waiting) -> None:
        self.item = item
        super().__init__(session)

    def fields(self) -> list[Spec]:
        return [Spec(REASON)]

    def info(self) -> list[str]:
        w = self.item
        return [fit(f"{w.uid} {w.label}", 76), fit(self.tr(PACKAGE).format(
            p=w.package, r=w.received_on.strftime("%d.%m.%Y") if w.received_on else "-",
            d=w.deadline.strftime("%d.%m.%Y")), 76)]

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        try:
            out = decide(self.session.cfg, self.item.id, "return", self.session.user,
                         reason=values.get("reason") or "")
        except (ExchangeError, PermissionDenied) as exc:
            raise Refused(exc.message) from None
        return out, DONE.format(uid=self.item.uid, r=self.tr(RESULTS["returned"]))

    def after_save(self) -> None:
        self.dismiss(self.saved)  # back to the queue, which says what was done
