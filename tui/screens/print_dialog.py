"""Ctrl+P on a document's screen: text for an 80- or 132-column printer, or HTML for A4.
The file goes to the user's printout folder; the window says where."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.containers import Vertical

from models.i18n import T
from models.printing.document import Document
from models.printing.output import CHOICES, folder, save_printout
from tui.screens.base import QuietModal
from tui.session import Session
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("Басып шығару", "Печать")
LABELS = {("text", 80): T("Мәтін, 80 баған (A4 принтер)", "Текст, 80 колонок (принтер A4)"),
          ("text", 132): T("Мәтін, 132 баған (кең принтер)", "Текст, 132 колонки (широкий принтер)"),
          ("html", 80): T("HTML, A4 (браузерден басып шығару)", "HTML, A4 (печать из браузера)")}
WRITTEN = T("Жазылды: {path}", "Записано: {path}")
FAILED = T("Жазылмады: {why}", "Не записано: {why}")
HINT = T("Enter: жазу  Esc: жабу", "Enter: записать  Esc: закрыть")
NO_CARD = T("Басып шығару үшін тіркелген карточканы ашыңыз (F5)",
            "Для печати откройте зарегистрированную карточку (F5)")


class PrintDialog(QuietModal[Any]):
    AUTO_FOCUS = ""

    def __init__(self, session: Session, doc: Document | None) -> None:
        super().__init__(session.lang)
        self.session = session
        self.doc = doc

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="what")
            pick = PickList(id="formats")
            pick.styles.height = len(CHOICES)
            yield pick
            yield TextLine(id="folder")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        if self.doc is None:
            self.query_one("#what", TextLine).set_text(self.tr(NO_CARD))
            return
        self.query_one("#what", TextLine).set_text(self.doc.title)
        pick = self.query_one(PickList)
        pick.set_rows([self.tr(LABELS[c]) for c in CHOICES], pick.index)
        self.query_one("#folder", TextLine).set_text(str(folder()))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        if event.key == "escape":
            self.dismiss(None)
        elif not self.query_one(PickList).pick_key(event):
            return
        event.stop()
        event.prevent_default()

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        if self.doc is None:
            return
        fmt, width = CHOICES[event.index]
        try:
            path = save_printout(self.doc, fmt, width)
        except OSError as exc:
            self.query_one("#message", TextLine).set_text(
                self.tr(FAILED).format(why=exc.strerror or str(exc)))
            return
        self.query_one("#message", TextLine).set_text(self.tr(WRITTEN).format(path=path))


class CardPrintScreen(PrintDialog):
    """The print key on the card screen: the card on screen as on paper (Appendix 1)."""

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session, _card_document(session, card_id))


def _card_document(session: Session, card_id: int | None) -> Document | None:
    import datetime as dt

    from models.permissions import Action, allowed
    from models.printing.card import card_document
    from models.protests import link_notes
    from models.tables import Card

    card = Card.get_or_none(Card.id == card_id) if card_id else None
    if card is None or not allowed(session.user, Action.READ_CARD):
        return None
    return card_document(card, session.lang, session.user.login,
                         dt.datetime.now().replace(microsecond=0),
                         link_notes(card.id, session.lang))
