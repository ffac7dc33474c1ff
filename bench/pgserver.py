"""A throw-away PostgreSQL server for benchmarks and tests.

initdb + pg_ctl into a temp dir on 127.0.0.1 and a free port, from Debian's binaries
(/usr/lib/postgresql/*/bin). PostgreSQL refuses to run as root, so as root the cluster
belongs to the `postgres` system user (created by Debian's package) and the commands
run through runuser. Durability is off: the data is disposable.

    with PgServer.start() as server:
        url = server.create_database("bench")
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType


class PgServerError(RuntimeError):
    """The server could not be started; str() says why in one line."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(re.sub(r"\D", "", p.split("/")[4]) or 0))
    return Path(found[-1]).parent if found else None


class PgServer:
    def __init__(self, bindir: Path, settings: dict[str, str] | None = None) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="apcard-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.host = "127.0.0.1"
        self.port = free_port()
        self.user = "postgres"
        self.as_postgres = os.geteuid() == 0
        self.settings = {"fsync": "off", "synchronous_commit": "off",
                         "full_page_writes": "off", "max_connections": "100",
                         **(settings or {})}

    @classmethod
    def start(cls, settings: dict[str, str] | None = None) -> PgServer:
        bindir = pg_bindir()
        if bindir is None:
            raise PgServerError("no PostgreSQL binaries in /usr/lib/postgresql/*/bin "
                                "(apt-get install postgresql)")
        server = cls(bindir, settings)
        try:
            server._start()
        except Exception:
            server.stop()
            raise
        return server

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgServerError(f"{args[0]}: {exc}") from None
        if res.returncode != 0:
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            raise PgServerError(f"{args[0]} failed: {' / '.join(tail)}")

    def _start(self) -> None:
        if self.as_postgres:
            import pwd

            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PgServerError("running as root and there is no `postgres` user") from None
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        opts = f"-p {self.port} -c listen_addresses={self.host} -k {self.dir} " + \
            " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", opts, "start")

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def cpu_seconds(self) -> float:
        """Processor seconds the server has used so far: the postmaster, its live
        processes and those it has reaped (the backends of closed sessions)."""
        tick = os.sysconf("SC_CLK_TCK")
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            me = int(stat.parent.name)
            if me == pid:  # utime stime cutime cstime
                total += sum(int(v) for v in fields[11:15])
            elif int(fields[1]) == pid:  # ppid
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=dbname,
                                connect_timeout=5)
        conn.autocommit = True
        return conn

    def create_database(self, name: str) -> str:
        """A new empty database (dropped first if it exists); returns its URL."""
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self.url(name)

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
