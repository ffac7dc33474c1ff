"""The real transport: a server install (`make install`) on PostgreSQL with peer
authentication, OpenSSH's sshd on 127.0.0.1 with its own host key and config, two OS
accounts logging in with keys through `ssh -tt` in tmux at 80x24 with TERM=linux. The
operator keys and saves a card and is refused a correction, in apcard and in psql; the
administrator corrects with a reason; the database and its log say who did what, and
`apcard audit verify` holds. Everything made is removed afterwards (accounts, group,
server, database, roles).

Runs as root (CI does); elsewhere it is skipped."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, in_ci
from tests.tui_helpers import INDIVIDUAL_KEYS, INDIVIDUAL_TAIL

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
TAG = f"{os.getpid() % 100000}"
OPERATOR, ADMIN, GROUP = f"apo{TAG}", f"apa{TAG}", f"apg{TAG}"
SSHD = "/usr/sbin/sshd"
TMUX_KEYS = {"enter": "Enter", "tab": "Tab", "escape": "Escape", "f2": "F2", "f5": "F5",
             "f8": "F8", "ctrl+g": "C-g", "ctrl+q": "C-q"}


def run(*cmd: str, check: bool = True, **kw: object) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(list(cmd), capture_output=True, text=True, timeout=300, **kw)
    if check and res.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)[:200]}: exit {res.returncode}\n"
                             f"{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return res


def require(ok: bool, why: str) -> None:
    if not ok:
        if in_ci():
            pytest.fail(f"{why} (CI: the real-transport test must run)", pytrace=False)
        pytest.skip(why)


@dataclass
class Site:
    root: Path
    url: str
    bindir: Path
    port: int
    keys: dict[str, Path]
    db: str
    socket: str
    pg_port: int


class Terminal:
    """One `ssh -tt` session in a tmux window of 80x24, TERM=linux."""

    def __init__(self, site: Site, account: str) -> None:
        self.sock = f"apcard{TAG}"
        self.name = account
        ssh = (f"env TERM=linux ssh -tt -i {site.keys[account]} -p {site.port} "
               "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
               f"-o LogLevel=ERROR {account}@127.0.0.1")
        run("tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d", "-s", account,
            "-x", "80", "-y", "24", ssh)

    def screen(self) -> str:
        res = run("tmux", "-L", self.sock, "capture-pane", "-p", "-t", self.name, check=False)
        return res.stdout

    def wait(self, text: str, limit: float = 30.0) -> str:
        start = time.monotonic()
        while time.monotonic() - start < limit:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never shown on {self.name}'s screen:\n{self.screen()}")

    def type(self, *items: str) -> None:
        for item in items:
            if item in TMUX_KEYS:
                run("tmux", "-L", self.sock, "send-keys", "-t", self.name, TMUX_KEYS[item])
            elif item:
                run("tmux", "-L", self.sock, "send-keys", "-t", self.name, "-l", item)
            time.sleep(0.03)

    def gone(self, limit: float = 15.0) -> bool:
        start = time.monotonic()
        while time.monotonic() - start < limit:
            res = run("tmux", "-L", self.sock, "has-session", "-t", self.name, check=False)
            if res.returncode != 0:
                return True
            time.sleep(0.1)
        return False


def _pg_ctl(server: object, *args: str) -> None:
    from bench.pgserver import pg_bindir

    bindir = pg_bindir()
    run("runuser", "-u", "postgres", "--", str(bindir / "pg_ctl"), "-D", server.data_dir, *args)


@pytest.fixture(scope="module")
def site(pg_server) -> Iterator[Site]:
    require(os.geteuid() == 0, "needs root: it creates OS accounts and starts sshd")
    for tool in (SSHD, "ssh", "ssh-keygen", "tmux", "runuser", "useradd", "psql"):
        require(shutil.which(tool) is not None or Path(tool).exists(), f"{tool} not found")
    require(pg_server is not None and bool(pg_server.socket_dir),
            "needs the tests' own PostgreSQL server (its Unix socket)")
    root = Path(tempfile.mkdtemp(prefix="apcard-sshd-"))
    os.chmod(root, 0o755)
    db = f"apcard_sshd_{TAG}"
    hba = Path(pg_server.data_dir) / "pg_hba.conf"
    original_hba = hba.read_text(encoding="utf-8")
    sshd: subprocess.Popen[bytes] | None = None
    try:
        pg_server.create_database(db)
        url = f"postgresql:///{db}?host={pg_server.socket_dir}&port={pg_server.port}"
        hba.write_text("local all +apcard_operator,+apcard_administrator,+apcard_auditor "
                       "peer\n" + original_hba, encoding="utf-8")
        _pg_ctl(pg_server, "reload")
        for name in (OPERATOR, ADMIN):
            run("useradd", "-m", "-d", str(root / "home" / name), "-s", "/bin/sh", name)
            run("usermod", "-p", "*", name)  # no password, not locked: keys only
        run("make", "-s", "install", f"PREFIX={root / 'apcard'}", f"CONFDIR={root / 'etc'}",
            f"BINDIR={root / 'bin'}", f"DATADIR={root / 'data'}", f"GROUP={GROUP}",
            f"DB={url}", f"ADMIN={ADMIN}", cwd=ROOT)
        run("usermod", "-a", "-G", GROUP, OPERATOR)
        run("runuser", "-u", ADMIN, "--", str(root / "bin" / "apcard"), "user", "add", "op",
            "--role", "operator", "--os-account", OPERATOR, "--name", "Оператор О.")
        keys = _ssh_keys(root)
        port = _free_port()
        config = root / "ssh" / "sshd_config"
        config.write_text("\n".join([
            f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {root / 'ssh' / 'host'}",
            f"PidFile {root / 'ssh' / 'sshd.pid'}", f"AuthorizedKeysFile {root / 'ssh'}/%u.pub",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
            "StrictModes no", "PermitRootLogin no", f"AllowUsers {OPERATOR} {ADMIN}",
            (root / "apcard" / "share" / "sshd-apcard.conf").read_text(encoding="utf-8"),
        ]) + "\n", encoding="utf-8")
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        sshd = subprocess.Popen([SSHD, "-D", "-f", str(config), "-E", str(root / "ssh" / "log")])
        _wait_port(port)
        yield Site(root, url, root / "bin", port, keys, db, pg_server.socket_dir,
                   pg_server.port)
    finally:
        run("tmux", "-L", f"apcard{TAG}", "kill-server", check=False)
        if sshd is not None:
            sshd.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                sshd.wait(timeout=10)
        for name in (OPERATOR, ADMIN):
            run("pkill", "-KILL", "-u", name, check=False)
            run("userdel", "-r", name, check=False)
        run("groupdel", GROUP, check=False)
        hba.write_text(original_hba, encoding="utf-8")
        with contextlib.suppress(Exception):
            _pg_ctl(pg_server, "reload")
            pg_server.drop_database(db)
            with contextlib.closing(pg_server.connect()) as conn, conn.cursor() as cur:
                for name in (OPERATOR, ADMIN):
                    cur.execute(f'DROP ROLE IF EXISTS "{name}"')
        shutil.rmtree(root, ignore_errors=True)


def _ssh_keys(root: Path) -> dict[str, Path]:
    ssh = root / "ssh"
    ssh.mkdir(mode=0o755)
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / "host"))
    keys = {}
    for name in (OPERATOR, ADMIN):
        key = ssh / f"id_{name}"
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        (ssh / f"{name}.pub").write_text((ssh / f"id_{name}.pub").read_text(), encoding="utf-8")
        keys[name] = key
    return keys


def _free_port() -> int:
    from bench.pgserver import free_port

    return free_port()


def _wait_port(port: int) -> None:
    import socket

    for _ in range(100):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise AssertionError("sshd did not start")


def sql(site: Site, account: str, statement: str) -> subprocess.CompletedProcess[str]:
    """psql as `account` over the Unix socket (peer authentication)."""
    return run("runuser", "-u", account, "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
               "-h", site.socket, "-p", str(site.pg_port), "-d", site.db, "-At", "-c", statement,
               check=False, cwd="/")


def test_two_accounts_over_ssh(site: Site) -> None:
    # The operator keys a card and saves it.
    op = Terminal(site, OPERATOR)
    op.wait("Готово к вводу")
    op.type(*INDIVIDUAL_KEYS, "39320", "enter", "39320", "enter", *INDIVIDUAL_TAIL, "f2")
    op.wait("Сохранено: карточка №")
    row = sql(site, OPERATOR, "SELECT c.id, c.status, u.login FROM card c JOIN \"user\" u "
                              "ON u.id = c.created_by_id WHERE c.surname = 'Касымов'")
    card_id, status, author = row.stdout.strip().split("|")
    assert (status, author) == ("registered", "op"), row
    logged = sql(site, ADMIN, f"SELECT db_user, event FROM correction WHERE card_id = {card_id} "
                              "AND field_name = '*'").stdout.strip()
    assert logged == f"{OPERATOR}|register"

    # ... and is refused a correction, in apcard and in psql.
    op.type("f5", "tab", "касым", "enter")
    op.wait("Найдено: 1")
    op.type("enter")
    op.wait("только просмотр")
    op.type("f8")
    op.wait("только администратор")
    op.type("ctrl+q")
    assert op.gone(), "apcard did not end with Ctrl+Q"
    for statement in (f"UPDATE card SET surname = 'X', version = version + 1 WHERE id = {card_id}",
                      "TRUNCATE correction", "ALTER TABLE card DISABLE TRIGGER ALL",
                      "DELETE FROM correction", "DROP TABLE card"):
        res = sql(site, OPERATOR, statement)
        assert res.returncode != 0 and ("permission denied" in res.stderr
                                        or "must be owner" in res.stderr), (statement, res)

    # The administrator corrects line 4 with a reason.
    admin = Terminal(site, ADMIN)
    admin.wait("Готово к вводу")
    admin.type("f5", "tab", "касым", "enter")
    admin.wait("Найдено: 1")
    admin.type("enter")
    admin.wait("только просмотр")
    admin.type("f8")
    admin.wait("(исправление)")
    admin.type("ctrl+g", "4", "enter", "000123999", "f2")
    admin.wait("Для всех изменённых строк")
    admin.type("опечатка в протоколе", "enter")
    admin.wait("исправлена")
    admin.type("ctrl+q")
    assert admin.gone()

    row = sql(site, ADMIN, f"SELECT protocol_no, version FROM card WHERE id = {card_id}")
    assert row.stdout.strip() == "000123999|2"
    row = sql(site, ADMIN, "SELECT c.db_user, u.login, c.reason_code, c.reason_text, "
                           "c.old_value, c.new_value FROM correction c JOIN \"user\" u ON "
                           f"u.id = c.user_id WHERE c.card_id = {card_id} AND "
                           "c.field_name = 'protocol_no'")
    assert row.stdout.strip() == (f"{ADMIN}|{ADMIN}|04|опечатка в протоколе|000123456|"
                                  "000123999"), row
    verify = run("runuser", "-u", ADMIN, "--", str(site.bindir / "apcard"), "audit", "verify",
                 check=False, cwd="/")
    assert verify.returncode == 0 and "цепочка цела" in verify.stdout, verify
