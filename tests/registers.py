"""Several registers in one test: a body, its Directorate and the central bank, each a
database of its own with its config (tier, organisation code, parent). The models work
on one database at a time (models.db.database_proxy); `Register.use()` binds one.

The Directorate and the central bank run on the test's backend (SQLite, or PostgreSQL:
the shared test database and a second one kept for the session); the body always on
SQLite, as a body's register usually is.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from models.auth import os_account
from models.config import Config, load_config
from tests.conftest import ROOT, _reset_shared, copy_books

BODY, DIRECTORATE, CENTRAL = "BODY-685", "DIR-75", "KPS"


@dataclass
class Register:
    name: str
    url: str
    cfg: Config
    db: pw.Database | None = None
    user: object = None
    _stack: list = field(default_factory=list)

    @contextlib.contextmanager
    def use(self) -> Iterator[Register]:
        from models import codebook
        from models.db import database_proxy, make_database

        if self.db is None:
            self.db = make_database(self.url)
        before = database_proxy.obj
        database_proxy.initialize(self.db)
        codebook.reload()
        try:
            yield self
        finally:
            database_proxy.initialize(before)
            codebook.reload()

    def close(self) -> None:
        if self.db is not None:
            if hasattr(self.db, "close_all"):
                self.db.close_all()
            elif not self.db.is_closed():
                self.db.close()


def write_config(folder: Path, url: str, tier: str, code: str, parent: str) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for key, value in (("url", url), ("tier", tier), ("code", code), ("parent", parent)):
        text, n = re.subn(rf'(?m)^{key}\s*=\s*".*?"', f'{key} = "{value}"', text, count=1)
        assert n == 1, f"config.toml has no {key} line"
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def _sqlite_copy(request: pytest.FixtureRequest, path: Path) -> str:
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
    return f"sqlite:///{path}"


_CENTRAL: dict[str, str] = {}


def central_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second database of the test's backend: a SQLite file, or a PostgreSQL database
    migrated once per session and emptied for each test."""
    if backend == "sqlite":
        return _sqlite_copy(request, tmp_path / "central.db")
    from tests.conftest import _SESSION, _migrate, _require_pg

    server = _require_pg(request)
    name = f"apcard_{_SESSION}_central"
    if name not in _CENTRAL:
        server.create_database(name)
        _migrate(server.url(name))
        _CENTRAL[name] = server.url(name)
        request.session.config.add_cleanup(lambda: _drop(server, name))
    _reset_shared(server, name)
    return _CENTRAL[name]


def _drop(server: Any, name: str) -> None:
    with contextlib.suppress(Exception):
        server.drop_database(name)
    _CENTRAL.pop(name, None)


def make_tiers(backend: str, db_url: str, tmp_path: Path,
               request: pytest.FixtureRequest) -> dict[str, Register]:
    """body (SQLite) -> Directorate -> central bank, each with the codebooks and an
    administrator mapped to the OS account running the tests. Close them after use."""
    from models.auth import add_user
    from models.tables import Role

    tmp_path.mkdir(parents=True, exist_ok=True)
    body_url = _sqlite_copy(request, tmp_path / "body.db")
    other = central_url(backend, tmp_path, request)
    regs = {
        "body": Register("body", body_url, write_config(
            tmp_path / "body", body_url, "body", BODY, DIRECTORATE)),
        "dir": Register("dir", db_url, write_config(
            tmp_path / "dir", db_url, "directorate", DIRECTORATE, CENTRAL)),
        "central": Register("central", other, write_config(
            tmp_path / "central", other, "central", CENTRAL, "")),
    }
    for name, reg in regs.items():
        with reg.use():
            copy_books(reg.db, "sqlite" if name == "body" else backend, request)
            reg.user = add_user(f"admin_{name}", Role.ADMINISTRATOR, by=None,
                                os_account_name=os_account())
    return regs


@pytest.fixture
def tiers(backend: str, db_url: str, tmp_path: Path,
          request: pytest.FixtureRequest) -> Iterator[dict[str, Register]]:
    """The three registers (a test module takes it with `tiers = registers.tiers`)."""
    regs = make_tiers(backend, db_url, tmp_path / "registers", request)
    yield regs
    for reg in regs.values():
        reg.close()
