"""platformdirs, which Textual's app imports for one function the card screen never
calls, kept out of its start.

textual.app takes `user_downloads_path` from platformdirs as it is imported (where a
screenshot is saved when no folder is given); platformdirs imports tempfile and shutil
with it: some 1.3 % of the instructions of the card screen's imports. `deferred()`
imports Textual's app with a stand-in for platformdirs whose `user_downloads_path`
imports platformdirs and asks it when called, and whose other names are platformdirs'
own. The stand-in is in sys.modules only while the block runs: whatever imports
platformdirs afterwards gets the real module.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any

from tui.stand_in import standing_in

NAME = "platformdirs"


def _real() -> ModuleType:
    if sys.modules.get(NAME) is STAND_IN:
        del sys.modules[NAME]
    return importlib.import_module(NAME)


def user_downloads_path() -> Path:
    """platformdirs' own answer."""
    return _real().user_downloads_path()


def _any_other(name: str) -> Any:
    if name.startswith("__"):  # what the import system asks of a module (__path__ ...)
        raise AttributeError(name)
    return getattr(_real(), name)


STAND_IN = ModuleType(NAME, __doc__)
STAND_IN.user_downloads_path = user_downloads_path
STAND_IN.__getattr__ = _any_other


def deferred() -> AbstractContextManager[None]:
    """Textual's app imported inside the block comes without platformdirs; nothing
    changes when platformdirs or Textual's app is imported already."""
    return standing_in(NAME, STAND_IN)
