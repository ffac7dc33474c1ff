"""What the card screen offers the parts it is made of (drafts, duplicate check,
saving, corrections): a narrow interface, so each part is a small typed object taking
the card state and this host instead of a mixin reaching into the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from textual.app import App
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from models.card_schema import Subject
from models.i18n import T
from models.tables import Card
from tui.keys import EscapePrefix
from tui.screens.card_goto import LinePrompt
from tui.screens.card_state import CardState
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.form import CardForm

W = TypeVar("W", bound=Widget)


class CardHost(Protocol):
    session: Session
    state: CardState
    card: Card | None  # the registered card shown; None while a new card is typed
    readonly: bool
    lang: str

    @property
    def app(self) -> App[Any]: ...

    def tr(self, text: T) -> str: ...

    def say(self, message: str, error: bool = False) -> None:
        """A message in the status line."""

    def recheck(self, status: bool = True) -> None:
        """Check the card again and show marks, names, title and (`status`) the status
        line: not when the caller shows it next anyway."""

    def focus_field(self, name: str, cursor: int | None = None) -> None: ...

    def open(self, screen: Screen[Any], then: Callable[[Any], None] | None = None) -> None:
        """Push a window; `then` receives its result."""

    def is_current(self) -> bool:
        """The card screen is the window the operator sees."""

    def idle_for(self) -> float:
        """Seconds since the operator's last key."""

    def set_timer(self, delay: float, callback: Callable[[], Any]) -> Timer: ...

    def run_in_thread(self, group: str, work: Callable[[], Any],
                      then: Callable[[Any, BaseException | None], None]) -> None:
        """`work()` in the session's search thread (its one database connection; a newer
        job of the group replaces one not started), then `then(result, error)` here."""

    def rebuild_form(self, readonly: bool) -> None:
        """A new form over the same state, editable or not."""

    def show_card(self, card: Card) -> None:
        """Show a registered card as it is stored, read-only."""

    def new_card(self) -> None:
        """The next card: empty but for the pinned fields."""


class FormHost(CardHost, Protocol):
    """The card screen as the parts that handle its keys and its cards see it."""

    form: CardForm
    kind: Subject | None
    size: Size
    greeting: bool
    last_key: float
    message: tuple[str, bool] | None
    escape: EscapePrefix
    prompt: LinePrompt

    @property
    def active_box(self) -> FieldBox: ...

    @property
    def correcting(self) -> bool: ...

    def order(self) -> list[str]:
        """Fields of the form the cursor visits, in order."""

    def run_command(self, cid: str) -> None: ...

    def apply_form(self, keep_layout: bool = False) -> None: ...

    def query_one(self, selector: str, expect_type: type[W]) -> W: ...

    def show_status(self) -> None: ...

    def moved(self) -> None:
        """The cursor went to another field (the draft remembers where)."""

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...

    def lone_escape(self) -> None:
        """What a lone Esc does on the card."""

    def typed(self) -> None:
        """Something was typed (the draft is written after a pause)."""

    def move_on(self, name: str) -> None:
        """Leave field `name` for the next one, as Enter does."""

    def field_left(self, name: str, target: str) -> None:
        """The operator left field `name` for `target` (a new card's defaults may
        follow it, `target` may be offered its one possible answer)."""

    def check_duplicates(self) -> None:
        """The identification block was left: look for the person in a thread."""

    def forget_draft(self) -> None: ...

    def keep_pins(self) -> None:
        """The pinned fields changed: kept for the user's next start."""
