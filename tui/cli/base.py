"""What every command module of the CLI shares: the one-line error, the usage exit
code, the session's language, and opening the configured database (kept apart from
tui/cli/__init__.py so the command modules it loads never import it back).

Everything is said in the session's language: `--lang`, else the config's ui.language,
else Russian; messages are `T(kk, ru)` pairs picked by `say`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from models.config import Config
from models.i18n import T

if TYPE_CHECKING:  # peewee is imported when a database is opened (start-up time)
    import peewee as pw

EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing failure: one line (a `T` pair, or text already in the session's
    language), exit code `code`."""

    def __init__(self, message: T | str, code: int = 1) -> None:
        self.text = message
        super().__init__(message if isinstance(message, str) else message.ru)
        self.code = code

    def message(self, lang: str) -> str:
        return self.text if isinstance(self.text, str) else self.text(lang)


_SESSION = {"lang": "ru"}


def session_language() -> str:
    return _SESSION["lang"]


def set_session_language(lang: str) -> None:
    _SESSION["lang"] = lang


def say(text: T | str) -> str:
    """A text in the session's language."""
    return text if isinstance(text, str) else text(_SESSION["lang"])


_OS_ERRORS = {errno.ENOENT: T("мұндай файл жоқ", "нет такого файла"),
              errno.EACCES: T("рұқсат жоқ", "нет доступа"),
              errno.EPERM: T("рұқсат жоқ", "нет доступа"),
              errno.EISDIR: T("бұл қалта", "это папка"),
              errno.ENOTDIR: T("жолда қалта емес нәрсе бар", "в пути не папка"),
              errno.ENOSPC: T("дискіде орын жоқ", "нет места на диске"),
              errno.EROFS: T("тек оқуға арналған файлдық жүйе", "файловая система только для "
                             "чтения")}


def os_error(exc: OSError) -> str:
    """The reason of a file error in the session's language."""
    text = _OS_ERRORS.get(exc.errno or 0)
    return say(text) if text else (exc.strerror or type(exc).__name__)


def require_database_file(cfg: Config) -> None:
    """Only `apcard init` creates a database: anything else about a SQLite file that is
    not there says so instead of leaving an empty file behind."""
    url = cfg.db_url
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return
    path = url[len("sqlite:///"):]
    if not os.path.exists(path):
        raise CliError(T(f"дерекқор жоқ: {path}: алдымен `apcard init` орындаңыз",
                         f"базы данных нет: {path}: сначала выполните `apcard init`"))


def open_db(cfg: Config, migrate: bool = False) -> pw.Database:
    """Open the configured database; with `migrate`, bring its schema up to date.
    Without it, an out-of-date schema is an error telling to run `apcard db upgrade`."""
    from models import migrations
    from models.db import open_database

    require_database_file(cfg)
    db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
    version = migrations.current_version(db)
    latest = migrations.LATEST
    if migrate:
        migrations.upgrade(db)
    elif version == 0:
        raise CliError(T("дерекқор бос: алдымен `apcard init` орындаңыз",
                         "база пуста: сначала выполните `apcard init`"))
    elif version < latest:
        raise CliError(T(f"дерекқор схемасы {version}-нұсқа, бұл apcard-қа {latest} керек: "
                         "`apcard db upgrade` орындаңыз",
                         f"схема базы версии {version}, этому apcard нужна {latest}: "
                         "выполните `apcard db upgrade`"))
    elif version > latest:
        raise CliError(T(f"дерекқор схемасы ({version}) бұл apcard-тан жаңа ({latest})",
                         f"схема базы ({version}) новее этого apcard ({latest})"))
    return db


@contextlib.contextmanager
def hidden(*names: str) -> Iterator[None]:
    """Modules that cannot be imported for a while (an import of one fails as if it were
    not installed, and the importer goes on without it); importable again afterwards."""
    names = tuple(n for n in names if n not in sys.modules)
    for name in names:
        sys.modules[name] = None  # an import of it raises ImportError
    try:
        yield
    finally:
        for name in names:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
