"""What every screen needs to know about the run: config, the user, the key map and the
current language. Screens get it in their constructor; none imports the app."""

from __future__ import annotations

from dataclasses import dataclass

from models.config import Config
from models.tables import User
from tui.keys import KeyMap


@dataclass
class Session:
    cfg: Config
    user: User
    keymap: KeyMap
    lang: str
