"""The real program in a pseudo-terminal, as over SSH: a draft survives the process
being killed, and thin terminals (TERM=linux, vt220, NO_COLOR) get a usable screen
without colour, where Alt+digit and the Linux console's function keys work."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import codebook
from models.auth import os_account
from models.config import Config
from models.drafts import load_draft
from models.tables import User
from tui.screens.card import DRAFT_DELAY

ROOT = Path(__file__).resolve().parent.parent
READY = "Готово к вводу".encode()
CONTROL = re.compile(rb"\x1b\[[0-9;?>$<=]*[A-Za-z~]|\x1b\][^\x07]*\x07")
COLOUR = re.compile(rb"\x1b\[[0-9;]*?(?<![0-9])(3[0-7]|4[0-7]|9[0-7]|10[0-7])[;m]")
pytestmark = pytest.mark.slow


class Term:
    """`apcard` running in a pty of 80x24, as a terminal would run it."""

    def __init__(self, cfg: Config, login: str, prelude: str = "", **env: str) -> None:
        import fcntl
        import termios

        # `login` is the OS account running the tests (the identity is the real uid's);
        # LOGNAME and USER say someone else on purpose: they must change nothing.
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLORTERM")}
        environ.update({"LOGNAME": "intruder", "USER": "intruder", "TERM": "xterm",
                        "PYTHONPATH": str(ROOT)}, **env)
        code = (prelude + "import sys; from tui.cli import main; "
                f"sys.exit(main(['--config', {str(cfg.path)!r}]))")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the program
            os.chdir(ROOT)
            os.execvpe(sys.executable, [sys.executable, "-c", code], environ)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.out = b""
        self.seen = 0  # wait_for looks at the output after this offset

    def read(self, quiet: float = 0.3, limit: float = 10.0) -> bytes:
        """Output until the program has been quiet for `quiet` seconds."""
        got, start, last = b"", time.monotonic(), time.monotonic()
        while time.monotonic() - start < limit:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                got += chunk
                last = time.monotonic()
            elif time.monotonic() - last > quiet:
                break
        self.out += got
        return got

    def wait_for(self, text: bytes, limit: float = 20.0) -> bytes:
        """The output since the last wait, once it shows `text`."""
        start = time.monotonic()
        while text not in self.out[self.seen:] and time.monotonic() - start < limit:
            self.read(quiet=0.05, limit=0.5)
        got = self.out[self.seen:]
        assert text in got, f"{text.decode()!r} never shown; last output: {got[-400:]!r}"
        self.seen = len(self.out)
        return got

    def send(self, *keys: str | bytes, pause: float = 0.03) -> None:
        """Type: each string one character at a time, bytes as one write (a key
        sequence such as ESC 2)."""
        for key in keys:
            chunks = [key] if isinstance(key, bytes) else [c.encode() for c in key]
            for chunk in chunks:
                os.write(self.fd, chunk)
                time.sleep(pause)
                self.read(quiet=0.0, limit=0.01)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.fixture
def operator(db, books, cfg: Config):
    account = os_account()
    yield User.create(login=account, os_account=account, full_name="Оператор", role="operator")
    codebook.reload()


def test_draft_recovered_after_the_process_is_killed(cfg: Config, operator: User) -> None:
    term = Term(cfg, operator.os_account)
    try:
        term.wait_for(READY)
        term.send(b"\x1b[20~")  # F9: the operator types in Kazakh
        term.send("01", "Касымов", "\r", "Ерл")
        time.sleep(DRAFT_DELAY + 1.0)
    finally:
        term.kill()  # no chance to save anything on the way out
    draft = load_draft(operator)
    assert draft is not None
    assert draft["values"]["subject"] == "01" and draft["values"]["surname"] == "Касымов"
    assert draft["values"]["given_name"] == "Ерл"
    assert (draft["focus"], draft["cursor"], draft["lang"]) == ("given_name", 3, "kk")

    term = Term(cfg, operator.os_account)  # config says Russian
    try:
        term.wait_for("Жалғастыру".encode())  # asked in the draft's language
        term.send("\r")  # yes, the default
        shown = term.wait_for("Касымов".encode())
        shown += term.read()
        assert "Ерл".encode() in shown and "Тегі".encode() in shown  # the form in Kazakh
        term.send("ан")  # typing goes on where it stopped: same field, same place
        time.sleep(DRAFT_DELAY + 1.0)
    finally:
        term.kill()
    draft = load_draft(operator)
    assert draft is not None and draft["values"]["given_name"] == "Ерлан"
    assert draft["values"]["surname"] == "Касымов"


def test_a_paste_with_escape_sequences_types_only_its_text(cfg: Config,
                                                          operator: User) -> None:
    """Text copied from a coloured terminal (or a crafted file) pasted into the surname:
    the name goes in whole, its colour codes, title sequence and Ctrl+Q do not, and
    nothing of it runs as a key (the screen neither quits nor moves on)."""
    term = Term(cfg, operator.os_account, TERM="linux")
    try:
        term.wait_for(READY)
        term.send("01")
        term.send(b"\x1b[200~\x1b[1;31m\xd0\x9a\xd0\xb0\x1b[0m\x1b]2;x\x07\x11"
                  b"\xd1\x81\xd1\x8b\xd0\xbc\xd0\xbe\xd0\xb2\x1b[201~")
        time.sleep(DRAFT_DELAY + 1.0)
        draft = load_draft(operator)
        assert draft is not None and draft["values"]["surname"] == "Касымов"
        assert draft["focus"] == "surname" and os.waitpid(term.pid, os.WNOHANG) == (0, 0)
    finally:
        term.kill()


@pytest.mark.parametrize("env", [{"TERM": "linux", "NO_COLOR": "1"}, {"TERM": "vt220"}],
                         ids=["linux-no-color", "vt220"])
def test_thin_terminal_start_without_colour(cfg: Config, operator: User,
                                            env: dict[str, str]) -> None:
    term = Term(cfg, operator.os_account, **env)
    try:
        first = term.wait_for(READY)
        first += term.read()
        text = CONTROL.sub(b"", first).decode()
        assert "Новая карточка" in text and "1Помощь 2Сохр" in text
        assert not COLOUR.search(first), "colour codes on a monochrome terminal"
        assert b"\x1b[7m" in first  # focus is reverse video
        assert term.read(quiet=1.0, limit=1.2) == b""  # idle: nothing written
        term.send(b"\x1b1")  # Alt+1: ESC 1 in one go
        assert "Помощь: клавиши".encode() in term.wait_for("Помощь".encode()) + term.read()
        term.send(b"\x1b")
        term.wait_for(READY)  # the card again
        term.send(b"\x1b[[B" if env["TERM"] == "linux" else b"\x1b[12~")  # F2 on that terminal
        assert "Не сохранено".encode() in term.wait_for("Не сохранено".encode())
        assert not COLOUR.search(term.out)
    finally:
        term.kill()


def test_colour_terminal_uses_only_the_16_colours(cfg: Config, operator: User) -> None:
    term = Term(cfg, operator.os_account, TERM="xterm-256color")
    try:
        first = term.wait_for(READY) + term.read()
        assert COLOUR.search(first)
        assert b"38;2;" not in first and b"48;2;" not in first  # no 24-bit colours
        assert b"38;5;" not in first and b"48;5;" not in first  # nor the 256 palette
    finally:
        term.kill()


def test_the_empty_form_starts_without_what_it_does_not_use(cfg: Config, operator: User,
                                                          tmp_path: Path) -> None:
    """Typing into the new card needs neither OpenSSL on SQLite (hashlib's, ~3.5 MiB; the
    log's hashes are Python's own SHA-256), nor TLS, nor the duplicate search and its scoring,
    nor the register's writing path, nor the directory window, nor the authority
    codebook: each loads when first used."""
    seen = tmp_path / "modules.txt"
    prelude = (f"import atexit, sys; atexit.register(lambda: open({str(seen)!r}, 'w')"
               ".write(' '.join([*sys.modules, *('book:' + b for b in sys.modules["
               "'models.codebook']._cache)]))); ")
    term = Term(cfg, operator.os_account, prelude=prelude)
    try:
        term.wait_for(READY)
        term.send("0")  # the subject: the form takes a key
        term.read(quiet=0.3)
        term.send(b"\x11")  # Ctrl+Q
        deadline = time.monotonic() + 20
        while not seen.exists() and time.monotonic() < deadline:
            term.read(quiet=0.05, limit=0.2)
    finally:
        term.kill()
    modules = set(seen.read_text().split())
    assert "tui.screens.card" in modules  # the app ran
    absent = ["rapidfuzz", "models.matching", "models.cards", "models.audit",
              "tui.screens.directory", "tui.screens.duplicates"]
    if not cfg.db_url.startswith("postgres"):  # PostgreSQL's driver brings OpenSSL
        absent += ["_hashlib", "_ssl"]
    assert not modules & set(absent), modules & set(absent)
    # The own authority is checked against its codebook with a look-up, not by reading
    # the book: it is read when line 1 or 3 is typed or opened.
    assert "book:subject" in modules and "book:authority" not in modules


def test_postgres_driver_loaded_only_for_a_postgres_register(db_url: str) -> None:
    """A SQLite register starts without PostgreSQL's driver (5 MiB, 20 ms); a PostgreSQL
    one gets it and works."""
    code = ("import sys; from tui.cli import main; rc = main(['--db', sys.argv[1], 'db', "
            "'version']); print(rc, 'psycopg2' in sys.modules, 'playhouse.migrate' in "
            "sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("APCARD_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", code, db_url], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    rc, driver, migrate = proc.stdout.split()[-3:]
    assert rc == "0", proc.stdout + proc.stderr
    assert driver == str(db_url.startswith("postgres"))
    assert migrate == "False"  # the version is checked without importing the migrations


def test_the_collector_rests_only_while_the_card_screen_starts(cfg: Config, operator: User,
                                                               tmp_path: Path) -> None:
    """tui.cli.main starts without the cyclic collector; the card screen, once its form
    is drawn, runs with it on again (and what start-up made frozen out of its sight),
    else a session kept open all day would never free its cyclic garbage."""
    seen = tmp_path / "gc.txt"
    prelude = (f"import gc, signal; signal.signal(signal.SIGUSR1, lambda *_: open("
               f"{str(seen)!r}, 'w').write(f'{{gc.isenabled()}} {{gc.get_freeze_count()}}')); ")
    term = Term(cfg, operator.os_account, prelude=prelude)
    try:
        term.wait_for(READY)
        term.send("0")
        term.read(quiet=0.3)
        os.kill(term.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 20
        while not (seen.exists() and seen.read_text()) and time.monotonic() < deadline:
            term.read(quiet=0.05, limit=0.2)
    finally:
        term.kill()
    enabled, frozen = seen.read_text().split()
    assert enabled == "True" and int(frozen) > 10_000


def test_a_command_runs_with_the_collector_and_leaves_it_as_it_was(cfg: Config) -> None:
    import gc

    from tui.cli import main

    collections: list[str] = []  # the collector runs only when it is on
    gc.callbacks.append(lambda phase, info: collections.append(phase))
    try:
        assert main(["--config", str(cfg.path), "db", "version"]) == 0
        assert collections and gc.isenabled()
        gc.disable()
        assert main(["--config", str(cfg.path), "db", "version"]) == 0
        assert not gc.isenabled()
    finally:
        gc.callbacks.pop()
        gc.enable()
