"""The card screen's keys: every key comes to the screen (no widget holds Textual's
focus) and `CardKeys` hands it to the field typed into, the Esc prefix, the "go to
line" prompt, or on to the bindings of tui.keys.COMMANDS.

Leaving a field checks it: a value the field cannot hold (a bad date, a code not in
its codebook) keeps the cursor there with the message; the duplicate check runs when
the identification block is left; a subject change that would hide typed lines asks.
"""

from __future__ import annotations

import time

from textual import events

from models.card_schema import FIELDS, IDENT_FIELDS, Subject
from models.i18n import T
from tui.keys import CARD, COMMAND_BY_ID
from tui.screens import texts as tx
from tui.screens.card_goto import field_of_line
from tui.screens.card_host import FormHost
from tui.screens.messages import ConfirmScreen, short_issue
from tui.widgets.editing import FULL
from tui.widgets.field import FieldBox

STATUS_ROOM = 54  # the status line after its counts, at 80 columns

IDENT = {f.name for f in IDENT_FIELDS}
PAGE_KEYS = {"pageup": -1, "pagedown": 1}
FIELD_FULL = T("Өріс толы ({n} таңба): өшіріңіз немесе келесіге өтіңіз",
               "Поле заполнено ({n} зн.): сотрите или перейдите дальше")
NOT_HERE = T("«{c}» бұл өріске енгізілмейді", "Символ «{c}» в это поле не вводится")


class CardKeys:
    def __init__(self, host: FormHost) -> None:
        self.host = host
        self.subject_before = ""

    def key(self, event: events.Key) -> None:
        host = self.host
        if not host.is_current():
            # Typed ahead of the window the card just opened (F5, Tab and a surname in
            # one burst over a slow link): the key is that window's, never the card's.
            self._consume(event)
            host.app.post_message(events.Key(event.key, event.character))
            return
        now = time.monotonic()
        host.last_key = now
        host.message = None
        if host.escape.armed:
            cid = host.escape.take(event.key, now)
            if cid is not None:
                self._consume(event)
                host.run_command(cid)
                return
            host.lone_escape()  # the Esc was a lone Esc; then the key does its own
            if not host.is_current():
                self._consume(event)
                host.app.post_message(events.Key(event.key, event.character))
                return
        if host.prompt.active:
            self._prompt_key(event)
            return
        if event.key == "escape":
            self._consume(event)
            host.escape.arm(now)
            host.set_timer(host.escape.window, lambda: self._escape_waited(now))
            host.show_status()
            return
        cid = host.session.keymap.command_of(event.key)
        if cid is not None:
            if COMMAND_BY_ID[cid].where == CARD:  # now: the keys typed after it follow it
                self._consume(event)
                host.run_command(cid)
            return  # the app's own commands: on to its bindings
        if event.key in PAGE_KEYS:
            self._consume(event)
            self.page(PAGE_KEYS[event.key])
            return
        box = host.active_box
        result = box.key(event)
        if not result.consumed:
            host.show_status()
            return
        self._consume(event)
        host.greeting = False
        if result.changed:
            self.changed(box, status=False)  # shown below, or by the move
        elif result.refused:
            char = event.character or ""
            text = (FIELD_FULL.format(n=box.edit.max_len) if result.refused == FULL
                    else NOT_HERE.format(c=char))
            host.say(host.tr(text), error=True)
        if result.step:
            self.leave(box.field.name, result.step)
        elif not result.refused:
            host.show_status()

    def _escape_waited(self, armed_at: float) -> None:
        """No key followed the Esc in time: it was a lone Esc."""
        host = self.host
        if host.escape.armed_at == armed_at:
            host.escape.disarm()
            host.show_status()
            if host.is_current():
                host.lone_escape()

    @staticmethod
    def _consume(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def _prompt_key(self, event: events.Key) -> None:
        host, prompt = self.host, self.host.prompt
        self._consume(event)
        if event.key == "enter":
            number = prompt.text
            prompt.close()
            host.show_status()
            if number:
                self.go_to_line(number)
            return
        if event.key == "backspace":
            prompt.backspace()
        elif not (event.character and prompt.type(event.character)):
            prompt.close()  # Esc, Ctrl+G again, or anything else: no jump
        host.show_status()

    def go_to_line(self, number: str) -> None:
        host = self.host
        name, problem = field_of_line(number, host.kind)
        if name is None:
            host.say(host.tr(problem) if problem else "", error=True)
        else:
            host.greeting = False  # a jump is the operator's start: its line is shown
            host.focus_field(name)

    def page(self, step: int) -> None:
        """PgUp / PgDn: the field a screenful of form rows up or down."""
        host = self.host
        rows = [r for r in host.form.rows if r.display]
        here = next((i for i, r in enumerate(rows) if host.state.focus in r.boxes), 0)
        target = rows[max(0, min(len(rows) - 1, here + step * host.form.page_rows()))]
        host.greeting = False
        host.focus_field(next(iter(target.boxes)))

    def paste(self, event: events.Paste) -> None:
        event.stop()
        box = self.host.active_box
        if box.paste(event.text):
            self.changed(box)

    def changed(self, box: FieldBox, status: bool = True) -> None:
        host = self.host
        if FIELDS[box.field.name].codebook or box.field.name in ("part", "paragraph"):
            host.recheck(status)  # the code's name shows as soon as it is typed
        host.typed()

    def leave(self, name: str, step: int) -> None:
        """The operator leaves a field: check it, then go on (or ask first when the
        subject kind changes and hidden lines hold data)."""
        host = self.host
        if not host.readonly:
            if step > 0 and (blocking := host.state.blocking(name)):
                host.state.touched.add(name)  # its mark and message show now
                host.active_box.set_active(True)  # the next character retypes it
                host.recheck()
                host.say(short_issue(blocking[0], host.lang, STATUS_ROOM), error=True)
                host.app.bell()
                return
            if name == "subject" and self._subject_changed():
                host.show_status()  # the card's counts behind the question
                return
        order = host.order()  # after a subject change: the new kind's fields
        i = order.index(name) if name in order else 0
        target = order[(i + step) % len(order)]
        if not host.readonly:
            host.state.left(name, target)
            host.field_left(name, target)
            host.recheck(status=False)  # focus_field shows the status line
        if name in IDENT and target not in IDENT and step > 0 and not host.correcting:
            host.check_duplicates()
        host.focus_field(target)

    def _subject_changed(self) -> bool:
        """True when a question was asked (the move waits for the answer)."""
        host = self.host
        new_kind = host.state.kind
        if new_kind == host.kind:
            self.subject_before = host.state.text("subject")
            return False
        hidden = host.state.hidden_with_data(new_kind)
        if not hidden:
            self.set_kind(new_kind)
            return False
        lines = ", ".join(dict.fromkeys(FIELDS[n].line for n in hidden))

        def answer(discard: bool | None) -> None:
            if discard:
                for n in hidden:
                    host.state.set(n, "")
                self.set_kind(new_kind)
                host.typed()
                self.leave("subject", 1)
            else:
                host.state.set("subject", self.subject_before)
                host.typed()
                host.recheck()
                host.focus_field("subject")

        host.open(ConfirmScreen(host.lang, tx.DISCARD_HIDDEN,
                                tx.DISCARD_LINES.format(lines=lines)), answer)
        return True

    def set_kind(self, kind: Subject | None) -> None:
        host = self.host
        host.kind = kind
        self.subject_before = host.state.text("subject")
        host.form.show_subject(kind)
        host.recheck()
