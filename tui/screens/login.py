"""Sign-in on a shared terminal: login and password (the OS account identifies users
over SSH; this screen is for an OS account that maps to no apcard user).

Enter moves from the login to the password and signs in; a refusal (unknown user,
wrong password with the tries left, locked until HH:MM) shows in both languages'
current one under the fields. F9 switches the language, Esc leaves (result None).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events, work
from textual.containers import Vertical

from models.auth import AuthError, login
from models.card_schema import Field, Kind
from models.config import Config
from models.db import close_database
from models.i18n import T
from models.tables import User
from tui.screens.base import QuietModal
from tui.widgets.editing import FieldEdit
from tui.widgets.field import FieldBox
from tui.widgets.form import FormRow
from tui.widgets.layout import Cell, Row
from tui.widgets.line import TextLine

TITLE = T("apcard — 1-ӘП карточкалары: жүйеге кіру", "apcard — карточки 1-АП: вход в систему")
HINT = T("Enter: келесі / кіру   F9: тіл   Esc: шығу",
         "Enter: дальше / войти   F9: язык   Esc: выход")
CHECKING = T("Тексерілуде...", "Проверка...")
EMPTY = T("Логин мен құпиясөзді енгізіңіз", "Введите логин и пароль")
LANGUAGE_KEYS = ("f9", "alt+9")

FIELDS = (
    Field("login", T("Логин ....", "Логин ....."), Kind.TEXT, 32),
    Field("password", T("Құпиясөз .", "Пароль ...."), Kind.TEXT, 32),
)


class _SecretEdit(FieldEdit):
    """The password is edited like any text and shown as stars."""

    def shown(self) -> tuple[str, int]:
        text, cur = super().shown()
        return "*" * len(text), cur


class PasswordBox(FieldBox):
    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit = _SecretEdit(field, "")


class LoginScreen(QuietModal[User | None]):
    """Push with a callback: it receives the signed-in User, or None on Esc."""

    AUTO_FOCUS = ""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.boxes = [FieldBox(FIELDS[0]), PasswordBox(FIELDS[1])]
        self.active = 0
        self.busy = False

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            for box in self.boxes:
                yield FormRow(self._row(box), [box])
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def _row(self, box: FieldBox) -> Row:
        label = f"{box.field.label(self.lang)} "
        return Row((Cell("label", len(label), label),
                    Cell("field", box.inner + 3, field=box.field)), frozenset(), "search")

    def on_mount(self) -> None:
        self.relabel()
        self._activate(0)

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))
        for row, box in zip(self.query(FormRow), self.boxes, strict=True):
            row.spec = self._row(box)
            row.refresh()

    def _activate(self, index: int) -> None:
        self.active = index
        for i, box in enumerate(self.boxes):
            box.set_active(i == index)

    def _say(self, text: str) -> None:
        self.query_one("#message", TextLine).set_text(text)

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        if key == "escape":
            self.dismiss(None)
        elif key in LANGUAGE_KEYS:
            self.set_language("kk" if self.lang == "ru" else "ru")
        elif self.busy:
            pass  # a sign-in is being checked: keys wait
        elif key == "enter":
            if self.active == 0 and self.boxes[0].raw.strip():
                self._activate(1)
            else:
                self._submit()
        elif key in ("tab", "shift+tab", "up", "down"):
            self._activate(1 - self.active)
        else:
            result = self.boxes[self.active].key(event)
            if not result.consumed:
                return
            if result.step:
                self._activate(1 - self.active)
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.boxes[self.active].paste(event.text)

    def _submit(self) -> None:
        name, password = self.boxes[0].raw.strip(), self.boxes[1].raw
        if not name or not password:
            self._say(self.tr(EMPTY))
            return
        self.busy = True
        self._say(self.tr(CHECKING))
        self._check(name, password)

    @work(thread=True, exclusive=True, group="login")
    def _check(self, name: str, password: str) -> None:
        # scrypt takes tens of milliseconds on purpose: off the UI thread.
        user: User | None = None
        problem: T | None = None
        try:
            user = login(name, password)
        except AuthError as exc:
            problem = exc.message
        finally:
            close_database()
        self.app.call_from_thread(self._checked, user, problem)

    def _checked(self, user: User | None, problem: T | None) -> None:
        self.busy = False
        if user is not None:
            self.dismiss(user)
            return
        self.boxes[1].set_raw("")
        self._activate(1)
        if problem is not None:
            self._say(self.tr(problem))


def sign_in(cfg: Config) -> User | None:
    """Run the sign-in window alone, before the card screen: the user who signed in,
    or None when the operator left with Esc."""
    from textual.app import App

    from tui.theme import THEMES, theme_name, use

    class SignInApp(App[User | None]):
        CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")
        BINDINGS: list[Any] = []
        ENABLE_COMMAND_PALETTE = False

        def on_mount(self) -> None:
            for theme in THEMES.values():
                self.register_theme(theme)
            name = theme_name(cfg)
            use(name)
            self.theme = name
            self.push_screen(LoginScreen(cfg.language), self.exit)

    app = SignInApp(ansi_color=True)
    return app.run(mouse=False)
