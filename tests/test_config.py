"""config.toml errors: one line naming the key, exit code 2, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from models.config import load_config
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
REPO_CONFIG = (ROOT / "config.toml").read_text(encoding="utf-8")


def edited(old: str, new: str) -> str:
    """The repo's config with one line (regex) replaced; fails if the line is not there."""
    text, n = re.subn(old, new, REPO_CONFIG, count=1, flags=re.M)
    assert n == 1, f"config.toml has no line matching {old!r}"
    return text


CASES = {
    "missing key": (edited(r'^authority = .*$', ""), "organisation.authority"),
    "missing section": (edited(r"^\[retention\]$", "[retention_old]"), "[retention"),
    "wrong type": (edited(r"^pool_size = .*$", 'pool_size = "four"'), "database.pool_size"),
    "wrong type bool": (edited(r"^autosave = .*$", 'autosave = "yes"'), "ui.autosave"),
    "unknown key": (edited(r"^\[ui\]$", '[ui]\ncolour = "red"'), "ui.colour"),
    "unknown section": (REPO_CONFIG + "\n[printing]\nwidth = 80\n", "[printing]"),
    "bad language": (edited(r'^language = .*$', 'language = "en"'), "ui.language"),
    "bad URL": (edited(r'^url = .*$', 'url = "mysql://localhost/apcard"'), "database.url"),
    "bad dispatch days": (edited(r"^dispatch_days = .*$", "dispatch_days = [10, 40]"),
                          "schedule.dispatch_days"),
    "bad TOML": (REPO_CONFIG + "\n[keys\nhelp = f1\n", "not valid TOML"),
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str, needle: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {err!r}"
    assert needle in lines[0], f"{needle!r} not named in {lines[0]!r}"
    assert "Traceback" not in err


def test_repo_config_is_valid() -> None:
    cfg = load_config(ROOT / "config.toml")
    assert cfg.language in ("kk", "ru")
    assert cfg.db_url.startswith("sqlite:///") and Path(cfg.db_url[10:]).is_absolute()


@pytest.mark.parametrize("case", list(CASES))
def test_config_error_is_one_line_exit_2(case: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    text, needle = CASES[case]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(["--config", str(path), "db", "version"], capsys)
    assert code == 2
    assert out == ""
    assert_one_line(err, needle)


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.toml"
    code, _, err = run(["--config", str(missing), "db", "version"], capsys)
    assert code == 2
    assert_one_line(err, "config file not found")
    assert str(missing) in err


def test_env_var_chooses_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "env.toml"
    path.write_text(CASES["bad language"][0], encoding="utf-8")
    monkeypatch.setenv("APCARD_CONFIG", str(path))
    code, _, err = run(["db", "version"], capsys)
    assert code == 2
    assert_one_line(err, "ui.language")
    assert str(path) in err


@pytest.mark.parametrize("how", ["--db", "APCARD_DB"])
def test_bad_db_override(how: str, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(ROOT / "config.toml")]
    if how == "--db":
        args += ["--db", "oracle://db/apcard"]
    else:
        monkeypatch.setenv("APCARD_DB", "oracle://db/apcard")
    code, _, err = run([*args, "db", "version"], capsys)
    assert code == 2
    assert_one_line(err, "oracle://db/apcard")


def test_db_override_wins_over_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APCARD_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert load_config(ROOT / "config.toml").db_url.endswith("env.db")
    cfg = load_config(ROOT / "config.toml", f"sqlite:///{tmp_path / 'flag.db'}")
    assert cfg.db_url.endswith("flag.db"), "--db beats APCARD_DB"


def test_relative_sqlite_path_is_relative_to_the_config(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    path.parent.mkdir()
    path.write_text(edited(r'^url = .*$', 'url = "sqlite:///data/x.db"'), encoding="utf-8")
    assert load_config(path).db_url == f"sqlite:///{tmp_path / 'sub' / 'data' / 'x.db'}"


def test_real_entry_point_prints_no_traceback(tmp_path: Path) -> None:
    """The same through a fresh interpreter, as a user runs it."""
    path = tmp_path / "config.toml"
    path.write_text(CASES["wrong type"][0], encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())",
         "--config", str(path), "db", "version"],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 2
    assert res.stdout == ""
    assert_one_line(res.stderr, "database.pool_size")
