"""An OS account mapped to no apcard user, on a shared terminal: the real program in a
pty asks for a login and password (the OS account is the real uid's, LOGNAME says
someone else), then opens the card screen as the user who signed in."""

from __future__ import annotations

import pytest

from models import codebook
from models.auth import add_user
from models.config import Config
from models.tables import Role, User
from tests.test_tui_terminal import READY, Term

pytestmark = pytest.mark.slow


@pytest.fixture
def kassa(db, books, cfg: Config):
    boss = add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name="someone-else")
    yield add_user("kassa", Role.OPERATOR, by=boss, password="терминал-1",
                   full_name="Кассир")
    codebook.reload()


def test_an_unmapped_account_signs_in_with_a_password(cfg: Config, kassa: User) -> None:
    term = Term(cfg, "unmapped", LOGNAME="boss", USER="someone-else")
    try:
        term.wait_for("вход в систему".encode())
        term.send("kassa", "\r", "wrong-pass", "\r")
        term.wait_for("Неверный логин или пароль".encode())
        term.send("терминал-1", "\r")
        shown = term.wait_for(READY)
        assert "Кассир".encode() in shown or b"kassa" in shown  # the card screen's user
    finally:
        term.kill()
