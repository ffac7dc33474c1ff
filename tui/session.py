"""What every screen needs to know about the run: config, the user, the key map, the
current language and the thread of its background reads. Screens get it in their
constructor; none imports the app."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.config import Config
from models.search_thread import SearchThread
from models.tables import User
from tui.keys import KeyMap


@dataclass
class Session:
    cfg: Config
    user: User
    keymap: KeyMap
    lang: str
    # The session's background reads (duplicate checks): one thread, one connection,
    # closed when the app ends.
    searches: SearchThread = field(default_factory=SearchThread)
