"""The base of the documents' windows: the session, and one message line ("#message")
that shows a model's answer in the window's language."""

from __future__ import annotations

from typing import Any

from models.i18n import T
from tui.screens.base import QuietModal
from tui.session import Session
from tui.widgets.line import TextLine


class DocWindow(QuietModal[Any]):
    AUTO_FOCUS = ""

    def __init__(self, session: Session) -> None:
        super().__init__(session.lang)
        self.session = session

    def say(self, text: T | str) -> None:
        self.query_one("#message", TextLine).set_text(self.tr(text) if isinstance(text, T)
                                                      else text)
