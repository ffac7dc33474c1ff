"""What every command module of the CLI shares: the one-line error, the usage exit
code, and opening the configured database (kept apart from tui/cli/__init__.py so the
command modules it loads never import it back)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from models.config import Config

if TYPE_CHECKING:  # peewee is imported when a database is opened (start-up time)
    import peewee as pw

EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing failure: one line, exit code `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def open_db(cfg: Config, migrate: bool = False) -> pw.Database:
    """Open the configured database; with `migrate`, bring its schema up to date.
    Without it, an out-of-date schema is an error telling to run `apcard db upgrade`."""
    from models import migrations
    from models.db import open_database

    db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
    version = migrations.current_version(db)
    if migrate:
        migrations.upgrade(db)
    elif version == 0:
        raise CliError("the database is empty: run `apcard init` first")
    elif version < migrations.LATEST:
        raise CliError(f"database schema is version {version}, this apcard needs "
                       f"{migrations.LATEST}: run `apcard db upgrade`")
    elif version > migrations.LATEST:
        raise CliError(f"database schema version {version} is newer than this apcard")
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
