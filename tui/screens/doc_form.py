"""A document's form as a window: one labelled field per row, a few lines about the card
above, the options of the active field below (a code's list: Up/Down choose), one
message line and the keys. The documents (notices, protest, request, journal entry)
are subclasses: they say which fields, what to show and what saving does; the rules
are the models'.

Keys: Enter / Tab / Down next field, Shift+Tab / Up previous (in a field with options,
Up/Down move in the list), F2 (Alt+2) save, Ctrl+P print (when the document can be
printed), Esc close. Typing into a pre-filled field replaces it. A field whose `shown`
says no (a legal entity's lines for a person, and back) is hidden, skipped and not saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.containers import Vertical, VerticalScroll

from models.card_schema import Field, Kind
from models.db import is_database_error, one_line
from models.i18n import T
from models.validation import parse_date
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.layout import Cell, Row
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

SAVE_KEYS = ("f2", "alt+2", "alt+trade_mark_sign", "trade_mark_sign")
PRINT_KEYS = ("ctrl+p",)
LABEL_WIDTH = 30
HINT = T("Enter/Tab: келесі  F2: сақтау  Ctrl+P: басып шығару  Esc: жабу",
         "Enter/Tab: дальше  F2: сохранить  Ctrl+P: печать  Esc: закрыть")
HINT_NO_PRINT = T("Enter/Tab: келесі  F2: сақтау  Esc: жабу",
                  "Enter/Tab: дальше  F2: сохранить  Esc: закрыть")
BAD_DATE = T("күн қате: ККААЖЖЖЖ", "неверная дата: ДДММГГГГ")
DB_ERROR = T("Дерекқор қатесі: сақталмады", "Ошибка базы данных: не сохранено")
SAVED_ALREADY = T("Сақталды. Ctrl+P: басып шығару, Esc: жабу",
                  "Сохранено. Ctrl+P: печать, Esc: закрыть")


@dataclass
class Spec:
    """One field of the form: the schema-like field (label, kind, length), where the
    value starts, and a list of options (code, name) when it is a code."""

    field: Field
    default: str = ""
    options: Callable[[], list[tuple[str, T]]] | None = None
    note: Callable[[str], T | None] | None = None  # a word beside the box, from its text
    shown: Callable[[Mapping[str, str]], bool] | None = None  # from the fields' texts
    boxes: list[FieldBox] = field(default_factory=list)


class Refused(Exception):
    """A form's `save` says why nothing was saved (shown on the message line)."""

    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message


class DocForm(DocWindow):
    TITLE = T("", "")

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session)
        self.card_id = card_id
        self.specs: list[Spec] = self.fields()
        self.boxes = [FieldBox(s.field, s.default) for s in self.specs]
        self.active = 0
        self.fresh = True  # the active field was just entered: a typed character replaces
        self.saved: Any = None  # what `save` returned: the form is done
        self.options: list[tuple[str, T]] = []

    # -- what a document says ----------------------------------------------------------
    def fields(self) -> list[Spec]:
        raise NotImplementedError

    def info(self) -> list[str]:
        """Lines above the fields (the card, the deadline)."""
        return []

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        """Save; returns (the saved thing, the message). Raises Refused."""
        raise NotImplementedError

    def printout(self) -> Any | None:
        """The models.printing Document of what was saved (None: nothing to print)."""
        return None

    # -- layout -----------------------------------------------------------------------
    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            for i in range(self.INFO_LINES):
                yield TextLine(id=f"info{i}")
            rows = VerticalScroll(id="rows")
            rows.styles.height = min(len(self.specs), self.ROWS_SHOWN)
            rows.styles.scrollbar_size_vertical = 0  # the active row is scrolled into view
            with rows:
                for spec, box in zip(self.specs, self.boxes, strict=True):
                    yield FormRow(self._row(spec, box), [box])
            pick = PickList(id="options")
            pick.styles.height = self.OPTION_ROWS
            yield pick
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    INFO_LINES = 3
    ROWS_SHOWN = 10
    OPTION_ROWS = 5

    def _row(self, spec: Spec, box: FieldBox) -> Row:
        text = spec.field.label(self.lang)[: LABEL_WIDTH - 3]
        label = (text + " ").ljust(LABEL_WIDTH - 1, ".") + " "
        cells = [Cell("label", LABEL_WIDTH, label), Cell("field", box.width, field=spec.field)]
        if spec.note is not None or spec.options is not None:
            cells.append(Cell("name", max(1, 76 - LABEL_WIDTH - box.width), key="note"))
        return Row(tuple(cells), frozenset(), "search")

    def on_mount(self) -> None:
        self.relabel()
        self._apply_shown()
        self._activate(0)

    def _raws(self) -> dict[str, str]:
        return {s.field.name: b.raw for s, b in zip(self.specs, self.boxes, strict=True)}

    def _hidden(self) -> list[bool]:
        raws = self._raws()
        return [s.shown is not None and not s.shown(raws) for s in self.specs]

    def _apply_shown(self) -> None:
        for row, hidden in zip(self.query(FormRow), self._hidden(), strict=True):
            if row.display == hidden:
                row.display = not hidden

    def _step(self, step: int) -> None:
        """To the next (previous) field shown, wrapping round."""
        hidden, index = self._hidden(), self.active
        for _ in self.boxes:
            index = (index + (1 if step > 0 else -1)) % len(self.boxes)
            if not hidden[index]:
                break
        self._activate(index)

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(self.TITLE))
        lines = self.info()
        for i in range(self.INFO_LINES):
            self.query_one(f"#info{i}", TextLine).set_text(lines[i] if i < len(lines) else "")
        for row, spec, box in zip(self.query(FormRow), self.specs, self.boxes, strict=True):
            row.spec = self._row(spec, box)
            row.refresh()
            self._note(row, spec, box)
        hint = HINT if self._printable() else HINT_NO_PRINT
        self.query_one("#hint", TextLine).set_text(self.tr(hint))
        self._show_options()

    def _printable(self) -> bool:
        return type(self).printout is not DocForm.printout

    def _note(self, row: FormRow, spec: Spec, box: FieldBox) -> None:
        text: T | None = None
        if spec.note is not None:
            text = spec.note(box.raw)
        elif spec.options is not None and box.raw:
            text = next((name for code, name in spec.options() if code == box.raw), None)
        if "note" in row.name_at:
            row.set_name("note", self.tr(text) if text else "")

    def _activate(self, index: int) -> None:
        self.active = index % len(self.boxes)
        self.fresh = True
        for i, box in enumerate(self.boxes):
            box.set_active(i == self.active)
        rows = list(self.query(FormRow))
        self.query_one("#rows", VerticalScroll).scroll_to_widget(rows[self.active],
                                                                 animate=False)
        self._show_options()

    def _show_options(self) -> None:
        spec = self.specs[self.active]
        self.options = spec.options() if spec.options else []
        pick = self.query_one("#options", PickList)
        raw = self.boxes[self.active].raw
        index = next((i for i, (c, _) in enumerate(self.options) if c == raw), 0)
        pick.set_rows([f"{c:<4} {self.tr(n)}" for c, n in self.options], index)
        pick.display = bool(self.options)

    # -- keys -------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        if key == "escape":
            self.dismiss(self.saved)
        elif key in SAVE_KEYS:
            self._save()
        elif key in PRINT_KEYS:
            self._print()
        elif key in ("up", "down", "pageup", "pagedown") and self.options:
            pick = self.query_one("#options", PickList)
            pick.pick_key(event)
            self.boxes[self.active].set_raw(self.options[pick.index][0])
            self._after_change()
        elif key in ("enter", "tab", "down"):
            self._step(1)
        elif key in ("shift+tab", "up"):
            self._step(-1)
        else:
            box = self.boxes[self.active]
            if self.fresh and event.is_printable and event.character and box.raw:
                box.set_raw("")  # a pre-filled value is replaced, not appended to
            if event.is_printable or key in ("backspace", "delete", "left", "right"):
                self.fresh = False
            result = box.key(event)
            if not result.consumed:
                return
            if result.changed:
                self._after_change()
            if result.step:
                self._step(result.step)
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if self.boxes[self.active].paste(event.text):
            self._after_change()

    def _after_change(self) -> None:
        rows = list(self.query(FormRow))
        self._note(rows[self.active], self.specs[self.active], self.boxes[self.active])
        self._apply_shown()
        self.say("")

    # -- saving -----------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The fields' text as values: dates parsed, amounts as digits, blanks None."""
        out: dict[str, Any] = {}
        for spec, box, hidden in zip(self.specs, self.boxes, self._hidden(), strict=True):
            text = box.raw.strip()
            f = spec.field
            if not text or hidden:
                out[f.name] = None
            elif f.kind == Kind.DATE:
                day = parse_date(text) if text.isascii() else None
                if day is None:
                    raise Refused(T(f"{f.label.kk}: {BAD_DATE.kk}", f"{f.label.ru}: {BAD_DATE.ru}"))
                out[f.name] = day
            elif f.kind == Kind.FLAG:
                out[f.name] = text not in ("0", "")
            else:
                out[f.name] = text
        return out

    def _save(self) -> None:
        if self.saved is not None:
            self.say(SAVED_ALREADY)
            return
        try:
            self.saved, message = self.save(self.values())
        except Refused as exc:
            self.say(exc.message)
            self.fresh = True  # the value typed next replaces the one refused
            return
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.say(f"{self.tr(DB_ERROR)}: {one_line(exc)}")
            return
        self.say(message)
        self.after_save()

    def after_save(self) -> None:
        """What the form does once saved (stay, showing the result)."""
        self.relabel()

    def _print(self) -> None:
        doc = self.printout() if self.saved is not None else None
        if doc is None:
            return
        from tui.screens.print_dialog import PrintDialog

        self.app.push_screen(PrintDialog(self.session, doc))


def today() -> dt.date:
    return dt.date.today()
