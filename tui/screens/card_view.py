"""The card screen's title bar and status line as text: pure functions of the card
state (tested without a terminal)."""

from __future__ import annotations

from models.card_schema import FIELDS, LINES
from models.i18n import T
from models.validation import errors, warnings
from tui.screens import texts as tx
from tui.screens.card_host import FormHost
from tui.screens.card_state import CardState
from tui.screens.messages import short_issue
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.line import BarLine, TextLine, fit

LINE_OF_FIELD = {f.name: line for line in LINES for f in line.fields}


def title(state: CardState, lang: str, user: str, width: int, card_id: int | None = None,
          status: str = "draft", correcting: bool = False) -> str:
    """" Карточка 1-АП  Новая карточка  Статус: черновик  Касымов Е.Н.   ivanova [RU]".
    The user and the language always show at the right: a long name is cut first."""
    if card_id is not None:
        mode = tx.CORRECTING if correcting else tx.READ_ONLY
        what = f"{tx.CARD_NO.format(n=card_id)(lang)} {mode(lang)}"
    else:
        what = tx.NEW_CARD(lang)
    label = tx.STATUS.get(status, T(status, status))(lang)
    left = f" {tx.FORM(lang)}  {what}  {tx.STATUS_LABEL(lang)}: {label}"
    right = f"{user} [{lang.upper()}]"
    room = width - len(left) - len(right) - 3  # two spaces before the name, one after
    who = state.who()
    if who and room >= 6:
        left += "  " + fit(who, room)
    room = width - len(right) - 1
    return fit(left, room).ljust(room) + " " + right


def status(state: CardState, lang: str, names: dict[str, str], chunk_of: dict[str, str],
           greeting: bool, message: str = "", escape_armed: bool = False, width: int = 80
           ) -> tuple[str, bool]:
    """The status line and whether it shows an error: counts, then a message, the
    issue of the field typed into (or the first one shown), a greeting, or the field's
    card line and its code's full name. An issue too long for the row loses its field's
    name first (the line number stays); the F12 list has every one whole."""
    shown = state.shown()
    counts = tx.COUNTS.format(e=len(errors(shown)), w=len(warnings(shown)))(lang)
    focus = state.focus
    own = [i for i in shown if i.field == focus]
    if message:
        tail = message
    elif escape_armed:
        tail = tx.ESCAPE_ARMED(lang)
    elif own or shown:
        tail = short_issue((own or shown)[0], lang, width - len(counts) - 3)
    elif greeting:
        tail = tx.READY(lang)
    else:
        line = LINE_OF_FIELD[focus]
        tail = f"{line.number} {line.label(lang)}"
        name = names.get(chunk_of.get(focus, ""), "")
        if name and FIELDS[focus].codebook:  # the code's name in full (cut beside it)
            tail = f"{line.number} {name}"
    return f" {counts}  {tail}", bool(own and own[0].is_error)


class CardView:
    """Shows the card state on the card screen: marks beside fields, names beside
    codes, the title bar and the status line."""

    def __init__(self, host: FormHost) -> None:
        self.host = host
        self.mounted = False  # the widgets exist: the screen's on_mount sets it
        self.names: dict[str, str] = {}

    def apply_form(self, keep_layout: bool = False) -> None:
        """Show the whole state on a (new) form: visibility, names, pins, marks.
        `keep_layout`: a new card without a subject yet keeps the rows of the last
        card's subject kind (a batch is usually of one kind: no relayout, no repaint)."""
        host = self.host
        kind = host.state.kind
        host.kind = host.kind if kind is None and keep_layout else kind
        host.form.show_subject(host.kind)
        for name, box in host.form.boxes.items():
            box.set_pinned(name in host.state.pinned and not host.readonly)
        self.recheck()

    def order(self) -> list[str]:
        """The fields the cursor visits, in form order (those of the subject's kind)."""
        return [n for n in self.host.form.boxes if FIELDS[n].visible_for(self.host.kind)]

    def focus_field(self, name: str, cursor: int | None = None) -> None:
        """Make a field the one typed into (`cursor` None: entered afresh, the first key
        types over it), and scroll it into view if it is not."""
        host = self.host
        order = self.order()
        if name not in order:
            name = order[0]
        box = host.form.boxes[name]
        # Every other box lets go, not only the state's last focus: a new card (F11, a
        # save) resets the state's focus before the form hears of it.
        for other in host.form.boxes.values():
            if other.active and other is not box:
                other.set_active(False)
        host.state.focus = name
        box.set_active(True, cursor)
        self.show_status()
        host.moved()
        host.call_after_refresh(self._scroll_to, box)

    def _scroll_to(self, box: FieldBox) -> None:
        if isinstance(box.host, FormRow):
            self.host.form.scroll_to_row(box.host)

    def recheck(self, status: bool = True) -> None:
        host = self.host
        host.state.check()
        marks = host.state.marks()
        for name, box in host.form.boxes.items():
            box.set_mark(marks.get(name, ""))
        self.names = host.state.names(host.lang)
        for key, text in self.names.items():
            host.form.set_name(key, text)
        self.show_title()
        if status:
            self.show_status()

    def show_title(self) -> None:
        if not self.mounted:
            return
        host, card = self.host, self.host.card
        text = title(host.state, host.lang, host.session.user.login,
                     max(host.size.width, 80), card.id if card else None,
                     card.status if card else "draft", host.correcting)
        host.query_one("#title", BarLine).set_text(text)

    def show_status(self) -> None:
        if not self.mounted:
            return
        host = self.host
        if host.prompt.active:
            text, error = " " + host.prompt.line(host.lang), False
        else:
            message, error = host.message or ("", False)
            text, own_error = status(host.state, host.lang, self.names, host.form.chunk_of,
                                     host.greeting and not host.readonly, message,
                                     host.escape.armed, host.size.width or 80)
            error = error or (own_error and not message)
        host.query_one("#status", TextLine).set_text(text, "error" if error else "")
