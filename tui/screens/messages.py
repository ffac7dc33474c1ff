"""Small modal windows: a yes/no question, a notice, and the list of errors and
warnings (opened on save or with its key)."""

from __future__ import annotations

from textual.containers import Vertical

from models.card_schema import FIELDS
from models.i18n import T
from models.validation import Issue
from tui.screens.base import QuietModal
from tui.widgets.line import TextLine, wrap
from tui.widgets.picklist import PickList

YES = T("Иә", "Да")
NO = T("Жоқ", "Нет")
OK = T("Жарайды", "Хорошо")
# By the word's first letter, on either layout: yes / да / иә, no / нет / жоқ.
YES_KEYS = {"y", "д", "и"}
NO_KEYS = {"n", "н", "ж"}


class ConfirmScreen(QuietModal[bool]):
    """A question; Enter answers the selected choice, Y/Д yes, N/Н no, Esc no."""

    def __init__(self, lang: str, question: T, detail: T | None = None,
                 default_yes: bool = False) -> None:
        super().__init__(lang)
        self.question = question
        self.detail = detail
        self.default_yes = default_yes

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="question")
            if self.detail is not None:
                yield TextLine(id="detail")
            pick = PickList(id="choices")
            pick.styles.height = 2
            yield pick

    def on_mount(self) -> None:
        self.relabel()
        self.query_one(PickList).focus()

    def relabel(self) -> None:
        self.query_one("#question", TextLine).set_text(self.tr(self.question))
        if self.detail is not None:
            self.query_one("#detail", TextLine).set_text(self.tr(self.detail))
        pick = self.query_one(PickList)
        pick.set_rows([f"{self.tr(YES)}", f"{self.tr(NO)}"], 0 if self.default_yes else 1)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        self.dismiss(event.index == 0)

    def on_key(self, event) -> None:
        char = (event.character or "").lower()
        if event.key == "escape" or char in NO_KEYS:
            event.stop()
            self.dismiss(False)
        elif char in YES_KEYS:
            event.stop()
            self.dismiss(True)


class NoticeScreen(QuietModal[None]):
    """A message to read; Enter or Esc closes it."""

    def __init__(self, lang: str, message: T, detail: str = "") -> None:
        super().__init__(lang)
        self.message = message
        self.detail = detail

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="message")
            if self.detail:
                yield TextLine(self.detail)
            pick = PickList(id="ok")
            pick.styles.height = 1
            yield pick

    def on_mount(self) -> None:
        self.relabel()
        self.query_one(PickList).focus()

    def relabel(self) -> None:
        self.query_one("#message", TextLine).set_text(self.tr(self.message))
        self.query_one(PickList).set_rows([self.tr(OK)])

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        self.dismiss(None)

    def on_key(self, event) -> None:
        if event.key == "escape":
            event.stop()
            self.dismiss(None)


SAVE = "__save__"
ISSUE_INDENT = 7  # a wrapped issue goes on under its text: "! 14.3 " is 7 cells
FRAME_ROWS = 4  # the window's rows around its list: the frame, the title and the hint
FRAME_COLUMNS = 4  # the window's columns around its text: the frame and the padding


class IssuesScreen(QuietModal[str | None]):
    """Errors and warnings of the card, in form order. Enter on one goes to its field
    (the result is the field name). With `confirm`, the card has only warnings and the
    result SAVE means "save anyway" (F2 or Y); Esc goes back to the card.

    The save key acts here too, as it would on the card, without an Esc first: after a
    refused save ("errors") it goes to the first error; on the plain list it closes the
    list with SAVE, and the card tries to save."""

    TITLE_ERRORS = T("Сақталмады: қателерді түзетіңіз", "Не сохранено: исправьте ошибки")
    TITLE_LIST = T("Қателер мен ескертулер", "Ошибки и предупреждения")
    TITLE_CONFIRM = T("Ескертулер бар. Бәрібір сақтау керек пе?",
                      "Есть предупреждения. Всё равно сохранить?")
    HINT = T("Enter: өріске өту   F2: сақтау   Esc: жабу",
             "Enter: перейти к полю   F2: сохранить   Esc: закрыть")
    HINT_VIEW = T("Enter: өріске өту   Esc: жабу", "Enter: перейти к полю   Esc: закрыть")
    HINT_ERRORS = T("Enter: өріске өту   F2: бірінші қатеге   Esc: жабу",
                    "Enter: перейти к полю   F2: к первой ошибке   Esc: закрыть")
    HINT_CONFIRM = T("F2 немесе Y: сақтау   Enter: өріске өту   Esc: қайту",
                     "F2 или Д: сохранить   Enter: к полю   Esc: вернуться")
    NONE = T("Қате де, ескерту де жоқ", "Нет ни ошибок, ни предупреждений")

    def __init__(self, lang: str, issues: list[Issue], mode: str = "list",
                 save_keys: str = "", can_save: bool = True) -> None:
        super().__init__(lang)
        self.issues = issues
        self.mode = mode  # "list" | "errors" | "confirm"
        self.can_save = can_save  # the list of a card only looked at: no save key here
        self.save_keys = set(save_keys.split(",")) if save_keys else set()

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield PickList(id="issues", wrap=True, indent=ISSUE_INDENT)  # read whole
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()
        self.query_one(PickList).focus()

    def relabel(self) -> None:
        title = {"errors": self.TITLE_ERRORS, "confirm": self.TITLE_CONFIRM}.get(
            self.mode, self.TITLE_LIST)
        self.query_one("#title", TextLine).set_text(self.tr(title))
        hint = {"confirm": self.HINT_CONFIRM, "errors": self.HINT_ERRORS}.get(
            self.mode, self.HINT if self.can_save else self.HINT_VIEW)
        self.query_one("#hint", TextLine).set_text(self.tr(hint))
        rows = [issue_line(i, self.lang) for i in self.issues] or [self.tr(self.NONE)]
        self.query_one(PickList).set_rows(rows)
        # As tall as its issues: one warning covers six rows of the card, not the card
        # (a slow link repaints what the window covered when it closes).
        # (.dialog's max-height caps it: a longer list scrolls)
        width = min(self.app.size.width, 80) - FRAME_COLUMNS
        shown = sum(len(wrap(row, width, ISSUE_INDENT)) for row in rows)
        self.query_one(Vertical).styles.height = shown + FRAME_ROWS

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        if self.issues:
            self.dismiss(self.issues[event.index].field)

    def on_key(self, event) -> None:
        char = (event.character or "").lower()
        if event.key == "escape":
            event.stop()
            self.dismiss(None)
        elif self.mode == "confirm" and (self._is_save(event.key) or char in YES_KEYS):
            event.stop()
            self.dismiss(SAVE)
        elif self.can_save and self._is_save(event.key):
            event.stop()
            first = next((i.field for i in self.issues if i.is_error), None)
            self.dismiss(first if self.mode == "errors" and first else SAVE)

    def _is_save(self, key: str) -> bool:
        """The save key (F2, Alt+2 and what config.toml [keys] gives it)."""
        if key in self.save_keys:
            return True
        session = getattr(self.app, "session", None)
        return session is not None and session.keymap.is_key_of(key, "save")


def issue_line(issue: Issue, lang: str) -> str:
    """"! 14.3 ИИН: Неверная контрольная цифра ИИН"."""
    mark = "!" if issue.is_error else "?"
    label = FIELDS[issue.field].label(lang) if issue.field in FIELDS else issue.field
    return f"{mark} {issue.line:>4} {label}: {issue.message(lang)}"


def short_issue(issue: Issue, lang: str, room: int) -> str:
    """An issue for the status line: "! 4 Материал №: ...", or without the field's name
    ("! 4 ...") when that is what lets the message fit in `room`."""
    mark = "!" if issue.is_error else "?"
    label = FIELDS[issue.field].label(lang) if issue.field in FIELDS else issue.field
    full = f"{mark} {issue.line} {label}: {issue.message(lang)}"
    return full if len(full) <= room else f"{mark} {issue.line} {issue.message(lang)}"


