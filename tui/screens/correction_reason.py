"""The reason asked on saving a correction (and on removing or returning a card):
a code from the `correction_reason` codebook plus a free text, both required (§34-2).

One reason covers every changed line; F6 asks one per line instead (Enter moves to
the next line). Up/Down choose the code, typing goes to the text, Enter accepts,
Esc cancels (the edits stay on the card, nothing is saved or logged).

A correction (§6) also records the date the error was found: pre-filled with today
(Tab reaches it; the first digit typed replaces it). When that date is more than the
window (config `correction_window_days`) before today and the Directorate did not
return the card, a row for the administrator's override reason appears (and only
then); models.correction_window holds the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual import events
from textual.containers import Vertical

from models import correction_window
from models.card_schema import FIELDS, Kind
from models.card_schema import Field as SchemaField
from models.codebook import Entry
from models.corrections import ReasonRequired, check_reason, reasons
from models.i18n import T
from models.validation import parse_date
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
HINT = T("↑↓/цифрлар: код  Enter: қабылдау  F6: әр жолға  Esc: болдырмау",
         "↑↓/цифры: код  Enter: принять  F6: по строкам  Esc: отмена")
HINT_SINGLE = T("↑↓ не цифрлар: код  Enter: қабылдау  Esc: болдырмау",
                "↑↓ или цифры: код  Enter: принять  Esc: отмена")
HINT_TAB = T("Tab: өріс  ", "Tab: поле  ")
TEXT_FIELD = SchemaField("reason_text", T("Мәтін", "Текст"), Kind.TEXT, 500)
FOUND_FIELD = SchemaField("found_on", T("Қате табылды", "Ошибка найдена"), Kind.DATE, 10)
OVERRIDE_FIELD = SchemaField("override_reason", T("Мерзімнен кейін негіз",
                                                  "Основание вне срока"), Kind.TEXT,
                             correction_window.OVERRIDE_MAX)
BAD_FOUND = T("Қате табылған күн: ККААЖЖЖЖ", "Дата обнаружения ошибки: ДДММГГГГ")
PAST_WINDOW = T("§6 мерзімі {last} өтті (қате {found} табылды): негіз қажет",
                "Срок §6 истёк {last} (ошибка найдена {found}): нужно основание")


@dataclass(frozen=True)
class Window:
    """What the §6 window needs to know of the card being corrected."""

    status: str
    days: int = 30
PER_LINE_KEYS = ("f6", "alt+6")


@dataclass
class ReasonChoice:
    """What the dialog returns: a common reason, or one per field name."""

    code: str | None
    text: str | None
    per_field: dict[str, tuple[str, str]] = field(default_factory=dict)
    found_on: dt.date | None = None  # a correction: the day the error was found
    override: str = ""  # past the §6 window: the administrator's reason


class ReasonDialog(QuietModal[ReasonChoice | None]):
    AUTO_FOCUS = ""

    def __init__(self, lang: str, kind: str = "correct", fields: list[str] | None = None,
                 today: dt.date | None = None, window: Window | None = None) -> None:
        """`kind`: correct | remove | return; `fields`: names of the changed fields;
        `window`: a correction's card (asks the date the error was found)."""
        super().__init__(lang)
        self.kind = kind
        self.fields = [f for f in fields or [] if f in FIELDS]
        self.today = today or dt.date.today()
        self.window = window
        self.codes: list[Entry] = []
        self.per_line = False
        self.step = 0  # which field is asked for, in per-line mode
        self.answers: dict[str, tuple[str, str]] = {}
        self.box = FieldBox(TEXT_FIELD)
        self.found = FieldBox(FOUND_FIELD, f"{self.today:%d%m%Y}")
        self.override = FieldBox(OVERRIDE_FIELD)
        self.at = 0  # the box typed into: text, found date, override
        self.code_typed = ""  # digits typed before any text: they choose the code

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="covers")
            pick = PickList(id="codes")
            pick.styles.height = 8
            yield pick
            yield FormRow(self._row(TEXT_FIELD, self.box), [self.box])
            if self.window is not None:
                yield FormRow(self._row(FOUND_FIELD, self.found), [self.found])
                override = FormRow(self._row(OVERRIDE_FIELD, self.override), [self.override])
                override.display = False
                yield override
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def _row(self, f: SchemaField, box: FieldBox) -> Row:
        shown = [TEXT_FIELD] + ([FOUND_FIELD, OVERRIDE_FIELD] if self.window else [])
        width = max(len(x.label(self.lang)) for x in shown) + 1
        label = f"{f.label(self.lang)} ".ljust(width)
        return Row((Cell("label", len(label), label),
                    Cell("field", box.inner + 3, field=f)), frozenset(), "search")

    def _boxes(self) -> list[FieldBox]:
        if self.window is None:
            return [self.box]
        return [self.box, self.found] + ([self.override] if self._override_row().display
                                         else [])

    def _override_row(self) -> FormRow:
        return next(r for r in self.query(FormRow) if OVERRIDE_FIELD.name in r.boxes)

    def _move(self, step: int) -> None:
        boxes = self._boxes()
        self.at = (self.at + step) % len(boxes)
        for i, box in enumerate(boxes):
            box.set_active(i == self.at)
        if self.override not in boxes:
            self.override.set_active(False)

    def _found_on(self) -> dt.date | None:
        raw = self.found.raw.strip()
        return parse_date(raw) if raw.isascii() else None

    def _closed_on(self) -> dt.date | None:
        """The window's last day when the found date is past it (override needed)."""
        found = self._found_on()
        if self.window is None or found is None:
            return None
        return correction_window.closed_on(self.window.status, found, self.today,
                                           self.window.days)

    def _follow_found(self) -> None:
        """Show the override row when the found date is past the window, hide it when
        it is not (what was typed there stays, unused)."""
        if self.window is None:
            return
        row = self._override_row()
        last = self._closed_on()
        if (last is not None) != row.display:
            row.display = last is not None
        found = self._found_on()
        message = (PAST_WINDOW.format(found=f"{found:%d.%m.%Y}", last=f"{last:%d.%m.%Y}")
                   if last is not None and found is not None else None)
        self.query_one("#message", TextLine).set_text(self.tr(message) if message else "")

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
        for row in self.query(FormRow):
            box = next(iter(row.boxes.values()))
            row.spec = self._row(box.field, box)
            row.refresh()
        pick = self.query_one(PickList)
        pick.set_rows([f"{e.code} {e.name(self.lang)}" for e in self.codes], pick.index)
        hint = HINT if self.kind == "correct" and len(self.fields) > 1 else HINT_SINGLE
        text = self.tr(hint)
        if self.window is not None:
            text = self.tr(HINT_TAB) + text
        self.query_one("#hint", TextLine).set_text(text)
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
            self.code_typed = ""
            pick.pick_key(event)
        elif key == "enter":
            self._accept()
        elif key in ("tab", "shift+tab"):
            self._move(1 if key == "tab" else -1)
        elif self._code_digit(event.character or ""):
            pass
        else:
            self.code_typed = ""
            box = self._boxes()[self.at]
            result = box.key(event)
            if not result.consumed:
                return
            if box is self.found and result.changed:
                self._follow_found()
        event.stop()
        event.prevent_default()

    def _code_digit(self, char: str) -> bool:
        """A digit typed while the text is still empty chooses the code whose number
        it begins ("0", "4": 04), as the paper writes the code; True when it did."""
        if self.at != 0 or self.box.raw or not (char.isascii() and char.isdigit()):
            return False
        typed = self.code_typed + char
        # the codes are in order: "04" itself comes before any longer code it begins
        index = next((i for i, e in enumerate(self.codes) if e.code.startswith(typed)), None)
        if index is None:
            return False
        self.code_typed = typed
        pick = self.query_one(PickList)
        pick.set_rows(pick.rows, index)
        return True

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        box = self._boxes()[self.at]
        if box.paste(event.text) and box is self.found:
            self._follow_found()

    def _accept(self) -> None:
        pick = self.query_one(PickList)
        code = self.codes[pick.index].code if self.codes else ""
        try:
            reason = check_reason(code, self.box.raw, self.today, removal=self.kind != "correct")
        except ReasonRequired as exc:
            self.query_one("#message", TextLine).set_text(self.tr(exc.message))
            return
        self.query_one("#message", TextLine).set_text("")
        if self.per_line:
            self.answers[self.fields[self.step]] = (reason.code or "", reason.text)
            if self.step + 1 < len(self.fields):
                self.step += 1
                self._covers()  # the text stays: often the same reason, edited a little
                return
        basis = self._basis()
        if basis is None:
            return
        found, override = basis
        if self.per_line:
            self.dismiss(ReasonChoice(None, None, dict(self.answers), found, override))
        else:
            self.dismiss(ReasonChoice(reason.code, reason.text, {}, found, override))

    def _basis(self) -> tuple[dt.date | None, str] | None:
        """(found date, override reason) of a correction, checked by the §6 rule; None
        (and a message at the field) when it does not hold."""
        if self.window is None:
            return None, ""
        message = self.query_one("#message", TextLine)
        found = self._found_on()
        if found is None:
            message.set_text(self.tr(BAD_FOUND))
            self._focus(self.found)
            return None
        override = self.override.raw if self._closed_on() is not None else ""
        if self._closed_on() is not None and not override.strip():
            self._follow_found()  # says why, in a line that fits
            self._focus(self.override)
            return None
        try:
            correction_window.check(self.window.status, found, self.today, self.window.days,
                                    override)
        except correction_window.WindowClosed as exc:
            self._follow_found()
            message.set_text(self.tr(exc.message))
            self._focus(self.override if self._closed_on() is not None else self.found)
            return None
        return found, override

    def _focus(self, box: FieldBox) -> None:
        boxes = self._boxes()
        self._move(boxes.index(box) - self.at)
