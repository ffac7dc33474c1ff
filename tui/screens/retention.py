"""Retention on screen (§7, §13, §14; administrators and auditors): what is due today and
what is held (an open request, a return, a protest without its result, a fine short of
collected), the acts made; F2 destroys what is due under a numbered act (administrator; the number of cards is
typed to confirm), Ctrl+P prints the chosen act."""

from __future__ import annotations

import datetime as dt

from textual import events
from textual.containers import Vertical

from models import retention
from models.card_schema import Field, Kind
from models.i18n import T
from models.permissions import PermissionDenied
from models.purge import PurgeConflict
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.layout import Cell, Row
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Сақтау мерзімдері және жою (13, 14-тармақтар)", "Сроки хранения и уничтожение (пп. 13, 14)")
DUE = T("Жоюға: {n} карт. (кәмелет. толм. {m}, жемқор. {c}), журнал {j}; ұсталды {h}", "К уничтожению: карточек {n} (несоверш. {m}, коррупц. {c}), журнал {j}; "
        "удержано {h}")
ACTS = T("Актілер:", "Акты:")
CONFIRM = Field("confirm", T("Растау: карточкалар саны", "Подтверждение: число карточек"),
                Kind.TEXT, 7)
HINT = T("F2: жою  Ctrl+P: актіні басып шығару  ↑↓: акт  Esc: жабу",
         "F2: уничтожить  Ctrl+P: печать акта  ↑↓: акт  Esc: закрыть")
TYPE_COUNT = T("Жою қайтарылмайды: карточкалар санын теріп, F2 басыңыз",
               "Уничтожение необратимо: введите число карточек и нажмите F2")
NOTHING = T("Жоюға жататын ештеңе жоқ", "Уничтожать нечего")
DONE = T("№ {n} акт жасалды: {c} карточка, {j} журнал жазбасы", "Составлен акт № {n}: "
         "карточек {c}, записей журнала {j}")
ROW = T("карт. {id}: орындалды {e}, сақтау {k}, {cat}{held}", "карт. {id}: исполнена {e}, "
        "хранить до {k}, {cat}{held}")


class RetentionScreen(DocWindow):
    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session)
        self.box = FieldBox(CONFIRM)
        self.plan: retention.Plan | None = None
        self.acts: list = []

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="due")
            due = PickList(id="due-list")
            due.styles.height = 8
            yield due
            yield TextLine(id="acts-title")
            yield PickList(id="acts")
            label = f"{CONFIRM.label(self.lang)[:30]} ".ljust(32)
            yield FormRow(Row((Cell("label", 32, label),
                               Cell("field", self.box.width, field=CONFIRM)), frozenset(),
                              "search"), [self.box])
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.box.set_active(True)
        self.reload()

    def reload(self) -> None:
        user = self.session.user
        try:
            self.plan = retention.plan(user, self.session.cfg.retention)
            self.acts = retention.acts(user)
        except PermissionDenied as exc:
            self.say(exc.message)
            return
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        self.query_one("#acts-title", TextLine).set_text(self.tr(ACTS))
        p = self.plan
        if p is None:
            return
        self.query_one("#due", TextLine).set_text(self.tr(DUE).format(
            n=len(p.cards), m=sum(c.category == retention.MINOR for c in p.cards),
            c=sum(c.category == retention.CORRUPTION for c in p.cards), j=p.journal_count,
            h=len(p.held)))
        rows = [self.tr(ROW).format(
            id=c.card_id, e=f"{c.executed:%d.%m.%Y}", k=f"{c.keep_until:%d.%m.%Y}",
            cat=retention.CATEGORY_LABELS[c.category](self.lang),
            held=f" — {retention.HOLD_LABELS[c.held](self.lang)}" if c.held else "")
            for c in p.cards + p.held]
        self.query_one("#due-list", PickList).set_rows(rows)
        acts = self.query_one("#acts", PickList)
        acts.set_rows([f"{a.number:<10} {a.made_on:%d.%m.%Y} {a.cards:>6} / {a.journal_entries}"
                       for a in self.acts], acts.index)
        if p.cards or p.journal_count:
            self.say(TYPE_COUNT)

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        if key == "escape":
            self.dismiss(None)
        elif key in ("f2", "alt+2"):
            self._purge()
        elif key == "ctrl+p":
            self._print()
        elif key in ("up", "down", "pageup", "pagedown"):
            self.query_one("#acts", PickList).pick_key(event)
        elif not self.box.key(event).consumed:
            return
        event.stop()
        event.prevent_default()

    def _purge(self) -> None:
        p = self.plan
        if p is None or not (p.cards or p.journal_count):
            self.say(NOTHING)
            return
        if self.box.raw.strip() != str(len(p.cards)):
            self.say(TYPE_COUNT)
            return
        try:
            act = retention.purge(self.session.user, self.session.cfg.retention)
        except (PermissionDenied, PurgeConflict) as exc:
            self.say(exc.message)
            return
        self.box.set_raw("")
        self.reload()
        if act is not None:
            self.say(T(DONE.kk.format(n=act.number, c=act.cards, j=act.journal_entries),
                       DONE.ru.format(n=act.number, c=act.cards, j=act.journal_entries)))

    def _print(self) -> None:
        if not self.acts:
            return
        from models.printing.act import act_document
        from tui.screens.print_dialog import PrintDialog

        act = self.acts[self.query_one("#acts", PickList).index]
        self.app.push_screen(PrintDialog(self.session, act_document(
            act, self.lang, self.session.user.login, dt.datetime.now().replace(microsecond=0))))
