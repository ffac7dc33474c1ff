"""The core CLI: init, db upgrade / version, demo, bare `apcard`, and its one-line errors."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import peewee as pw
import pytest

from models import migrations
from models.auth import os_account
from models.config import Config
from models.db import open_database
from models.ids import iin_valid
from models.tables import Card, Role, User, card_values
from models.validation import errors, validate_card
from tui.cli import main
from tui.cli.core import db_error_line

ROOT = Path(__file__).resolve().parent.parent


def run(cfg: Config | None, args: list[str],
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main((["--config", str(cfg.path)] if cfg else []) + args)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert "Traceback" not in err
    return lines[0]


# --- init and the schema -------------------------------------------------------------


def test_init_on_empty_db_makes_os_user_admin(empty_db_url: str,
                                              make_cfg: Callable[[str], Config],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    cfg = make_cfg(empty_db_url)
    me = os_account()
    code, out, err = run(cfg, ["init"], capsys)
    assert (code, err) == (0, ""), err
    assert "создана база" in out and f"схема {migrations.LATEST}" in out
    assert f"{me!r} зарегистрирована первым администратором" in out

    open_database(empty_db_url)
    users = list(User.select())
    assert [(u.login, u.os_account, u.role) for u in users] == [
        (me, me, Role.ADMINISTRATOR.value)]

    code, out, err = run(cfg, ["init"], capsys)  # again: nothing new
    assert (code, err) == (0, ""), err
    assert f"уже на схеме {migrations.LATEST}" in out
    assert "пользователей уже зарегистрировано: 1" in out and me in out
    assert User.select().count() == 1


def test_init_leaves_existing_users_alone(db_url: str, make_cfg: Callable[[str], Config],
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_url)
    User.create(login="aigerim", role=Role.OPERATOR.value, os_account="aigerim")
    User.create(login="boss", role=Role.ADMINISTRATOR.value, os_account=os_account())
    code, out, _ = run(make_cfg(db_url), ["init"], capsys)
    assert code == 0
    assert "пользователей уже зарегистрировано: 2; администраторы: boss" in out
    assert [u.login for u in User.select().order_by(User.login)] == ["aigerim", "boss"]


@pytest.mark.parametrize("args", [["init"], ["db", "upgrade"], ["codebooks", "load"],
                                  ["demo", "--cards", "5"]])
def test_schema_codebooks_and_demo_need_an_administrator(
        db_url: str, make_cfg: Callable[[str], Config], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, args: list[str], backend: str) -> None:
    from models import auth

    open_database(db_url)
    User.create(login="aigerim", role=Role.OPERATOR.value, os_account="aigerim")
    cfg = make_cfg(db_url)
    for account, needle in (("aigerim", "Роли «оператор» не разрешено"),
                            ("stranger", "«stranger» не зарегистрирован в apcard")):
        monkeypatch.setattr(auth, "os_account", lambda account=account: account)
        code, out, err = run(cfg, args, capsys)
        if backend == "postgres" and args[0] != "demo":
            # the tests' PostgreSQL session is the superuser, who owns the schema anyway;
            # a person's own role is refused (tests/test_pg_trust.py)
            assert code == 0, err
            continue
        assert code == 1 and needle in one_line(err), err
    assert [u.login for u in User.select()] == ["aigerim"] and Card.select().count() == 0


def test_reading_commands_need_a_registered_user(
        db_url: str, make_cfg: Callable[[str], Config], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from models import auth

    open_database(db_url)
    User.create(login="aigerim", role=Role.OPERATOR.value, os_account="aigerim")
    monkeypatch.setattr(auth, "os_account", lambda: "stranger")
    cfg = make_cfg(db_url)
    for args in (["db", "version"], ["card", "status", "1"], ["card", "returned"],
                 ["codebooks", "show", "subject"], ["persons", "search", "--iin", "880101300123"],
                 ["user", "list"], ["audit", "verify"], []):
        code, out, err = run(cfg, args, capsys)
        assert code == 1 and "«stranger» не зарегистрирован" in one_line(err), (args, err)
        assert out == ""


def test_db_upgrade_from_v1_then_idempotent(empty_db_url: str,
                                            make_cfg: Callable[[str], Config],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(empty_db_url)
    migrations.upgrade(db, target=1)
    cfg = make_cfg(empty_db_url)

    code, out, _ = run(cfg, ["db", "version"], capsys)
    assert code == 1 and "версия схемы 1" in out and "apcard db upgrade" in out

    code, _, err = run(None, ["--config", str(cfg.path)], capsys)  # the app refuses old schema
    assert code == 1 and "выполните `apcard db upgrade`" in one_line(err)

    code, out, err = run(cfg, ["db", "upgrade"], capsys)
    assert (code, err) == (0, ""), err
    assert f"схема обновлена: 1 → {migrations.LATEST}" in out
    code, out, _ = run(cfg, ["db", "upgrade"], capsys)
    assert code == 0 and out.strip() == f"схема уже версии {migrations.LATEST}"
    code, out, _ = run(cfg, ["db", "version"], capsys)
    assert code == 0 and "актуальна" in out


def test_db_version_on_empty_database(empty_db_url: str, make_cfg: Callable[[str], Config],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A database without tables says so; a SQLite file that is not there is not created
    by asking (only `apcard init` creates a database)."""
    code, out, err = run(make_cfg(empty_db_url), ["db", "version"], capsys)
    if empty_db_url.startswith("sqlite"):
        assert code == 1 and out == "" and "сначала выполните `apcard init`" in one_line(err)
        assert not Path(empty_db_url[len("sqlite:///"):]).exists()
    else:
        assert code == 1 and "версия схемы 0" in out and "apcard init" in out


def test_newer_schema_is_refused(db: object, cfg: Config,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    db.execute_sql("INSERT INTO schema_version (version, applied_at, description) "
                   f"VALUES ({db.param}, CURRENT_TIMESTAMP, 'future')", (migrations.LATEST + 5,))
    for args in (["db", "upgrade"], ["init"]):
        code, _, err = run(cfg, args, capsys)
        assert code == 1 and "новее этого apcard" in one_line(err)


# --- the card screen's entry ---------------------------------------------------------


def test_bare_apcard_refuses_unknown_os_account(cfg: Config, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from models import auth

    monkeypatch.setattr(auth, "os_account", lambda: "stranger")
    code, out, err = run(cfg, [], capsys)
    assert code == 1 and out == ""
    assert one_line(err) == ("apcard: «stranger» не зарегистрирован в apcard: "
                             "обратитесь к администратору (apcard user add)")


def test_bare_apcard_on_empty_database(empty_db_url: str, make_cfg: Callable[[str], Config],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(make_cfg(empty_db_url), [], capsys)
    assert code == 1 and "apcard init" in one_line(err)


# --- wrong arguments -----------------------------------------------------------------


@pytest.mark.parametrize("args, needle", [
    (["frobnicate"], "нет варианта 'frobnicate'"),
    (["db"], "db: не хватает аргументов"),
    (["db", "downgrade"], "нет варианта 'downgrade'"),
    (["demo", "--cards", "many"], "--cards: не целое число: 'many'"),
    (["demo", "--cards", "0"], "должно быть от 1 до"),
    (["init", "--force"], "лишние аргументы: --force"),
    (["--lang", "en"], "--lang: нет варианта 'en'"),
    (["init", "--lang", "en"], "--lang: нет варианта 'en'"),
    (["--lang", "kk", "init", "--force"], "артық аргументтер: --force"),
    (["init", "--force", "--lang", "kk"], "артық аргументтер: --force"),
])
def test_wrong_arguments_exit_2(args: list[str], needle: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(None, args, capsys)
    assert code == 2 and out == ""
    assert needle in one_line(err)


# --- an unreachable or unwritable database ------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_postgres_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg2")
    url = f"postgresql://apcard:secret@127.0.0.1:{_free_port()}/apcard"
    for args in (["init"], ["db", "version"], []):
        code, out, err = run(None, ["--config", str(ROOT / "config.toml"), "--db", url, *args],
                             capsys)
        assert code == 1 and out == ""
        line = one_line(err)
        assert "127.0.0.1" in line
        assert "secret" not in line, "the password must not be printed"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A temp folder another (restricted) process may use: tmp_path is private to us."""
    path = Path(tempfile.mkdtemp(prefix="apcard-ro-"))
    path.chmod(0o755)
    yield path
    for p in (path, *path.rglob("*")):
        p.chmod(p.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)
    shutil.rmtree(path, ignore_errors=True)


def run_restricted(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run apcard in a process that file permissions really bind: root ignores them,
    so as root the process loses the capabilities that override them."""
    cmd = [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.fail("running as root needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
        cmd = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *cmd]
    env = {k: v for k, v in os.environ.items() if not k.startswith("APCARD_")}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_sqlite_is_one_line(what: str, shared_dir: Path,
                                      make_cfg: Callable[[str], Config],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_dir / "apcard.db"
    cfg = make_cfg(f"sqlite:///{path}")
    assert run(cfg, ["init"], capsys)[0] == 0
    from models.db import close_database

    close_database()  # checkpoints the WAL: the file alone holds the database
    config = shared_dir / "config.toml"
    shutil.copyfile(cfg.path, config)
    if what == "file":
        path.chmod(0o444)  # the database file itself is read-only
    else:
        for extra in shared_dir.glob("apcard.db-*"):
            extra.unlink()
        shared_dir.chmod(0o555)  # the file is writable, its folder is not (no WAL)
    res = run_restricted(["--config", str(config), "init"])
    assert res.returncode == 1, res.stdout + res.stderr
    line = one_line(res.stderr)
    assert "только для чтения" in line and str(path) in line


def test_missing_folder_unwritable_parent(shared_dir: Path,
                                          make_cfg: Callable[[str], Config]) -> None:
    locked = shared_dir / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    cfg = make_cfg(f"sqlite:///{locked / 'data' / 'apcard.db'}")
    config = shared_dir / "config.toml"
    shutil.copyfile(cfg.path, config)
    res = run_restricted(["--config", str(config), "init"])
    assert res.returncode == 1
    assert "не создать папку базы" in one_line(res.stderr)


def test_locked_database_is_one_line(tmp_path: Path, make_cfg: Callable[[str], Config],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Another program holds the write lock longer than the busy timeout."""
    path = tmp_path / "apcard.db"
    cfg = make_cfg(f"sqlite:///{path}")
    cfg.path.write_text(cfg.path.read_text(encoding="utf-8").replace(
        "busy_timeout_ms = 5000", "busy_timeout_ms = 200"), encoding="utf-8")
    db = open_database(f"sqlite:///{path}")
    migrations.upgrade(db)
    db.close()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code, out, err = run(cfg, ["init"], capsys)  # init writes the first administrator
    finally:
        holder.close()
    assert code == 1
    assert "база занята (заблокирована другим apcard)" in one_line(err)


@pytest.mark.parametrize("error, needle", [
    (sqlite3.OperationalError("attempt to write a readonly database"), "только для чтения"),
    (sqlite3.OperationalError("unable to open database file"), "папка есть"),
    (sqlite3.OperationalError("database is locked"), "занята"),
    (sqlite3.OperationalError("disk I/O error"), "не записать"),
    (pw.OperationalError("server closed the connection unexpectedly"), "потеряна связь"),
    (pw.InterfaceError("connection already closed"), "потеряна связь"),
])
def test_database_errors_read_as_one_line(error: Exception, needle: str) -> None:
    line = db_error_line(error, "postgresql://u:secret@db/apcard")
    assert line is not None and needle in line.ru and "\n" not in line.ru + line.kk
    assert "secret" not in line.ru + line.kk


def test_other_errors_are_not_database_errors() -> None:
    assert db_error_line(ValueError("attempt to write a readonly database")) is None


# --- demo ----------------------------------------------------------------------------


@pytest.fixture
def loaded_cfg(cfg: Config, capsys: pytest.CaptureFixture[str]) -> Config:
    """A migrated database with the project's codebooks loaded and an administrator."""
    code, _, err = run(cfg, ["init"], capsys)
    assert code == 0, err
    code, _, err = run(cfg, ["codebooks", "load"], capsys)
    assert code == 0, err
    return cfg


def test_demo_needs_codebooks(cfg: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(cfg, ["init"], capsys)[0] == 0
    code, _, err = run(cfg, ["demo", "--cards", "5"], capsys)
    assert code == 1 and "apcard codebooks load" in one_line(err)


def test_demo_small_register_has_both_subject_kinds(loaded_cfg: Config,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(loaded_cfg, ["demo", "--cards", "60", "--seed", "7"], capsys)
    assert code == 0, err
    assert "демо: 60 карточек" in out
    assert Card.select().count() == 60
    people = Card.select().where(Card.person.is_null(False)).count()
    entities = Card.select().where(Card.legal_entity.is_null(False)).count()
    assert people >= 20 and entities >= 5, (people, entities)

    for card in Card.select():
        values = card_values(card)
        issues = validate_card(values)
        assert not errors(issues), (card.id, issues)
        # the fine is the article part's amount for this offender at the day's MRP
        assert not [i for i in issues if i.field == "fine_imposed"], (card.id, issues)
        if card.iin:
            assert iin_valid(card.iin), card.iin
        if card.person_id:
            assert card.surname and card.given_name and card.birth_date

    code, out, _ = run(loaded_cfg, ["demo", "--if-empty"], capsys)
    assert code == 0 and "уже 60 карточек" in out
    assert Card.select().count() == 60


def _demo_cards(make_cfg: Callable[[str], Config], url: str,
                capsys: pytest.CaptureFixture[str]) -> list[tuple]:
    cfg = make_cfg(url)
    for args in (["init"], ["codebooks", "load"], ["demo", "--cards", "40", "--seed", "11"]):
        code, _, err = run(cfg, args, capsys)
        assert code == 0, err
    return [tuple(card_values(c).values()) for c in Card.select().order_by(Card.id)]


def test_demo_is_the_same_for_the_same_seed(tmp_path: Path,
                                            make_cfg: Callable[[str], Config],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    first = _demo_cards(make_cfg, f"sqlite:///{tmp_path / 'one.db'}", capsys)
    second = _demo_cards(make_cfg, f"sqlite:///{tmp_path / 'two.db'}", capsys)
    assert len(first) == 40 and first == second


def test_a_new_database_is_as_writable_as_the_umask_allows(
        tmp_path: Path, make_cfg: Callable[[str], Config],
        capsys: pytest.CaptureFixture[str]) -> None:
    """A server install runs apcard under umask 007 for a group of operators: the file
    the first of them creates must be writable by the others, its WAL files too."""
    path = tmp_path / "apcard.db"
    cfg = make_cfg(f"sqlite:///{path}")
    old = os.umask(0o007)
    try:
        assert run(cfg, ["init"], capsys)[0] == 0
    finally:
        os.umask(old)
    for made in [path, *tmp_path.glob("apcard.db-*")]:
        assert stat.S_IMODE(made.stat().st_mode) & 0o060 == 0o060, made
    assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0
