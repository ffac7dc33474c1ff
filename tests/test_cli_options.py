"""The command line as a user meets it from a fresh clone: --config/--db/--lang after the
command too, --version, a help that lists every command, reading commands that never
create a database, relative SQLite paths, and output in the session's language only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, main
from tui.cli.parser import COMMAND_HELP, commands

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "config.toml")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# --- options after the command ---------------------------------------------------------------

def test_global_options_after_the_command(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'late.db'}"
    code, out, err = run(["init", "--db", url, "--config", CONFIG, "--lang", "kk"], capsys)
    assert (code, err) == (0, ""), err
    assert (tmp_path / "late.db").exists() and "дерекқор құрылды" in out
    code, out, _ = run(["db", "--db", url, "version", "--lang=ru"], capsys)
    assert code == 0 and "актуальна" in out
    other = f"sqlite:///{tmp_path / 'first.db'}"
    code, out, _ = run(["--db", other, "db", "version", "--db", url], capsys)
    assert code == 0, "the value given after the command wins"
    assert not (tmp_path / "first.db").exists()


def test_lang_after_the_command_sets_the_language_of_errors(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["demo", "--cards", "x", "--lang", "kk"], capsys)
    assert code == 2 and "бүтін сан емес" in err
    code, _, err = run(["demo", "--cards", "x", "--lang", "ru"], capsys)
    assert code == 2 and "не целое число" in err


# --- --version and --help --------------------------------------------------------------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, err = run(["--version"], capsys)
    assert (code, err) == (0, "") and out == f"apcard {version('apcard')}\n"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_help_lists_every_command_in_one_language(lang: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--help", "--lang", lang], capsys)
    assert (code, err) == (0, "")
    listed = list(commands(build_parser()))
    assert len(listed) >= 20
    for path, _ in listed:
        assert re.search(rf"^  {re.escape(path)}  ", out, re.M), path
        assert path in COMMAND_HELP, f"{path}: no line in tui/cli/parser.py COMMAND_HELP"
        assert COMMAND_HELP[path](lang) in " ".join(out.split())
    assert max(len(line) for line in out.splitlines()) <= 80
    assert not english(out), english(out)


@pytest.mark.parametrize("args", [["init", "--help"], ["db", "upgrade", "-h"],
                                  ["demo", "--help"]])
def test_command_help_in_the_session_language(args: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*args, "--lang", "ru"], capsys)
    assert code == 0 and out.startswith("Использование: apcard")
    assert "параметры:" in out and not english(out), english(out)


def test_help_from_the_real_entry_point() -> None:
    res = subprocess.run([sys.executable, "-m", "tui.cli", "--help"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0 and "persons import" in res.stdout and res.stderr == ""


# --- reading never creates a database -----------------------------------------------------------
# (`init` creates one, and `db upgrade`, asked to write the schema, may too)

@pytest.mark.parametrize("args", [["db", "version"], [], ["codebooks", "load"], ["codebooks", "show", "subject"],
                                  ["persons", "search", "--surname", "Ким", "--name", "Ли"],
                                  ["audit", "verify"]])
def test_only_init_creates_a_database(args: list[str], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nothing" / "apcard.db"
    code, out, err = run(["--config", CONFIG, "--db", f"sqlite:///{path}", *args], capsys)
    assert code == 1 and out == ""
    assert "сначала выполните `apcard init`" in err and len(err.strip().splitlines()) == 1
    assert not path.parent.exists(), "neither the file nor its folder is created"


# --- relative SQLite paths -------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["--db", "APCARD_DB"])
def test_relative_sqlite_path_is_relative_to_the_current_directory(
        how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    args = ["--config", CONFIG, "init"]
    if how == "--db":
        args += ["--db", "sqlite:///here/x.db"]
    else:
        monkeypatch.setenv("APCARD_DB", "sqlite:///here/x.db")
    code, out, err = run(args, capsys)
    assert (code, err) == (0, ""), err
    assert (work / "here" / "x.db").exists()
    assert str(work / "here" / "x.db") in out


# --- one language ------------------------------------------------------------------------------------

ALLOWED = {"apcard", "sqlite", "postgresql", "toml", "config", "csv", "utf", "json", "url",
           "ref", "probe", "lines", "candidates", "score", "band", "person_id", "kk", "ru",
           "root", "file", "surname", "name", "patronymic", "birth_date", "sex", "iin", "id",
           "apcard_config", "apcard_db", "apcard_debug", "fake"}


def english(text: str) -> list[str]:
    """Latin words of a text that are not command words, option names, paths, quoted
    values or the data formats' own names: what would read as English to a user."""
    from models.demo_data import REQUIRED_BOOKS

    words = {w for path, _ in commands(build_parser()) for w in re.split(r"[ -]", path)}
    words |= set(REQUIRED_BOOKS)  # codebook names, as `apcard codebooks show NAME` takes them
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|«[^»]*»|\S*[/\\\\]\S*|--[\w-]+|\b\w+\.\w+\b",
                  " ", text)
    found = re.findall(r"[A-Za-z_]{3,}", text)
    return [w for w in found if w.lower() not in ALLOWED and w not in words
            and not w.isupper()]


def test_a_russian_session_prints_no_english(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ru.db'}"
    runs = [["init"], ["init"], ["db", "version"], ["db", "upgrade"], ["demo", "--cards", "0"],
            ["frobnicate"], ["db"], ["init", "--force"], ["demo", "--if-empty"],
            ["--lang", "de"], ["codebooks", "load", "--db", "oracle://x"]]
    for args in runs:
        code, out, err = run(["--config", CONFIG, "--db", url, "--lang", "ru", *args], capsys)
        assert not english(out + err), (args, english(out + err), out + err)


# --- one clear line where there used to be an "unexpected error" ---------------------------------

@pytest.fixture
def fresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert run(["--config", CONFIG, "--db", url, "init"], capsys)[0] == 0
    return url


def test_audit_verify_without_its_log_table(fresh: str, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    import sqlite3

    conn = sqlite3.connect(fresh[len("sqlite:///"):])
    conn.execute("PRAGMA foreign_keys = OFF")
    for table in ("correction_basis", "correction"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.commit()
    conn.close()
    code, out, err = run(["--config", CONFIG, "--db", fresh, "audit", "verify"], capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "в базе нет таблицы correction" in err
    assert "непредвиденная" not in err


def test_demo_without_the_right_role(fresh: str, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    from models.logpath import SQLITE_FUNCTIONS

    conn = sqlite3.connect(fresh[len("sqlite:///"):])
    for name, (fn, nargs) in SQLITE_FUNCTIONS.items():  # the log's triggers call them
        conn.create_function(name, nargs, fn)
    conn.execute("UPDATE user SET role = 'auditor'")
    conn.commit()
    conn.close()
    code, out, err = run(["--config", CONFIG, "--db", fresh, "demo", "--cards", "3"], capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "аудитор" in err
    assert "непредвиденная" not in err
