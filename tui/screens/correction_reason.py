"""The reason asked on saving a correction (and on removing or returning a card):
a code from the `correction_reason` codebook plus a free text, both required (§34-2).

One reason covers every changed line; F6 asks one per line instead (Enter moves to
the next line). Up/Down choose the code, typing goes to the text, Enter accepts,
Esc cancels (the edits stay on the card, nothing is saved or logged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual import events
from textual.containers import Vertical

from models.card_schema import FIELDS, Kind
from models.card_schema import Field as SchemaField
from models.codebook import Entry
from models.corrections import ReasonRequired, check_reason, reasons
from models.i18n import T
from tui.screens.base import QuietModal
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.layout import Cell, Row
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLES = {
    "correct": T("Түзету себебі", "Причина исправления"),
    "remove": T("Карточканы алып тастау себебі", "Причина удаления карточки"),
    "return": T("Карточканы түзетуге қайтару себебі", "Причина возврата карточки на исправление"),
}
DEFAULT_CODE = {"correct": "04", "remove": "06", "return": "01"}
ALL_LINES = T("Барлық өзгертілген жолдарға: {lines}", "Для всех изменённых строк: {lines}")
ONE_LINE = T("{i}/{n} жол: {line} {label}", "Строка {i} из {n}: {line} {label}")
HINT = T("↑↓: код  Enter: қабылдау  F6: әр жолға бөлек  Esc: болдырмау",
         "↑↓: код  Enter: принять  F6: по каждой строке  Esc: отмена")
HINT_SINGLE = T("↑↓: код  Enter: қабылдау  Esc: болдырмау", "↑↓: код  Enter: принять  Esc: отмена")
TEXT_FIELD = SchemaField("reason_text", T("Мәтін", "Текст"), Kind.TEXT, 500)
PER_LINE_KEYS = ("f6", "alt+6")


@dataclass
class ReasonChoice:
    """What the dialog returns: a common reason, or one per field name."""

    code: str | None
    text: str | None
    per_field: dict[str, tuple[str, str]] = field(default_factory=dict)


class ReasonDialog(QuietModal[ReasonChoice | None]):
    AUTO_FOCUS = ""

    def __init__(self, lang: str, kind: str = "correct", fields: list[str] | None = None,
                 today: dt.date | None = None) -> None:
        """`kind`: correct | remove | return; `fields`: names of the changed fields."""
        super().__init__(lang)
        self.kind = kind
        self.fields = [f for f in fields or [] if f in FIELDS]
        self.today = today or dt.date.today()
        self.codes: list[Entry] = []
        self.per_line = False
        self.step = 0  # which field is asked for, in per-line mode
        self.answers: dict[str, tuple[str, str]] = {}
        self.box = FieldBox(TEXT_FIELD)

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="covers")
            pick = PickList(id="codes")
            pick.styles.height = 8
            yield pick
            yield FormRow(self._row(), [self.box])
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def _row(self) -> Row:
        label = f"{TEXT_FIELD.label(self.lang)} "
        return Row((Cell("label", len(label), label),
                    Cell("field", self.box.inner + 3, field=TEXT_FIELD)), frozenset(), "search")

    def on_mount(self) -> None:
        removal = self.kind == "remove"
        self.codes = [e for e in reasons(self.today)
                      if removal or not e.data.get("removal")]
        self.box.set_active(True)
        self.relabel()
        # After the first layout: the list knows its height and keeps codes 01.. in view.
        self.call_after_refresh(self._select_default)

    def _select_default(self) -> None:
        default = DEFAULT_CODE.get(self.kind)
        index = next((i for i, e in enumerate(self.codes) if e.code == default), 0)
        pick = self.query_one(PickList)
        pick.set_rows(pick.rows, index)

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLES[self.kind]))
        row = self.query_one(FormRow)
        row.spec = self._row()
        row.refresh()
        pick = self.query_one(PickList)
        pick.set_rows([f"{e.code} {e.name(self.lang)}" for e in self.codes], pick.index)
        hint = HINT if self.kind == "correct" and len(self.fields) > 1 else HINT_SINGLE
        self.query_one("#hint", TextLine).set_text(self.tr(hint))
        self._covers()

    def _covers(self) -> None:
        if self.per_line and self.fields:
            f = FIELDS[self.fields[self.step]]
            text = ONE_LINE.format(i=self.step + 1, n=len(self.fields), line=f.line,
                                   label=f.label(self.lang))
        elif self.fields:
            lines = ", ".join(dict.fromkeys(FIELDS[n].line for n in self.fields))
            text = ALL_LINES.format(lines=lines)
        else:
            text = T("", "")
        self.query_one("#covers", TextLine).set_text(self.tr(text))

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        pick = self.query_one(PickList)
        if key == "escape":
            self.dismiss(None)
        elif key in PER_LINE_KEYS and self.kind == "correct" and len(self.fields) > 1:
            self.per_line, self.step, self.answers = not self.per_line, 0, {}
            self._covers()
        elif key in ("up", "down", "pageup", "pagedown"):
            pick.pick_key(event)
        elif key == "enter":
            self._accept()
        elif not self.box.key(event).consumed:
            return
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.box.paste(event.text)

    def _accept(self) -> None:
        pick = self.query_one(PickList)
        code = self.codes[pick.index].code if self.codes else ""
        try:
            reason = check_reason(code, self.box.raw, self.today, removal=self.kind != "correct")
        except ReasonRequired as exc:
            self.query_one("#message", TextLine).set_text(self.tr(exc.message))
            return
        self.query_one("#message", TextLine).set_text("")
        if not self.per_line:
            self.dismiss(ReasonChoice(reason.code, reason.text))
            return
        self.answers[self.fields[self.step]] = (reason.code or "", reason.text)
        if self.step + 1 < len(self.fields):
            self.step += 1
            self._covers()  # the text stays: often the same reason, edited a little
            return
        self.dismiss(ReasonChoice(None, None, dict(self.answers)))
