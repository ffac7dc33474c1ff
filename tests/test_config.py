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
    "bad TOML": (REPO_CONFIG + "\n[keys\nhelp = f1\n", "ошибка TOML"),
    "nested too deep": (REPO_CONFIG + "\nx = " + "[" * 5000 + "]" * 5000 + "\n",
                        "слишком глубокая вложенность"),
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
    assert_one_line(err, "файл конфигурации не найден")
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


# --- values checked against their ranges and the key names ----------------------------------

RANGE_CASES = {
    "exact above 1": (edited(r"^exact = .*$", "exact = 1.5"), "matching.exact"),
    "possible below 0": (edited(r"^possible = .*$", "possible = -0.1"), "matching.possible"),
    "thresholds out of order": (edited(r"^possible = .*$", "possible = 0.9"), "exact ≥ probable"),
    "bool as a number": (edited(r"^exact = .*$", "exact = true"), "matching.exact"),
    "no candidates": (edited(r"^max_candidates = .*$", "max_candidates = 0"),
                      "matching.max_candidates"),
    "pool of none": (edited(r"^pool_size = .*$", "pool_size = 0"), "database.pool_size"),
    "negative timeout": (edited(r"^busy_timeout_ms = .*$", "busy_timeout_ms = -1"),
                         "database.busy_timeout_ms"),
    "negative working days": (edited(r"^return_working_days = .*$", "return_working_days = -1"),
                              "schedule.return_working_days"),
    "negative window": (edited(r"^correction_window_days = .*$", "correction_window_days = -5"),
                        "schedule.correction_window_days"),
    "negative months": (edited(r"^minor_months = .*$", "minor_months = -6"),
                        "retention.minor_months"),
    "bad theme": (edited(r"^theme = .*$", 'theme = "pink"'), "ui.theme"),
    "unknown key name": (edited(r'^help = .*$', 'help = "f1,alt+1,f13x"'), "keys.help"),
    "unknown modifier": (edited(r'^save = .*$', 'save = "hyper+s"'), "keys.save"),
    "key bound twice": (edited(r'^save = .*$', 'save = "f1,alt+2"'), "f1"),
    "key bound twice spelled differently": (
        edited(r'^menu = .*$', 'menu = "f10,alt+equals_sign"'),
        "«alt+equal» уже назначена команде «menu»"),
    "key bound twice with a default": (
        edited(r'^help = .*$', "").replace('save = "f2,alt+2"', 'save = "f2,f1"'), "f1"),
    "empty key list": (edited(r'^quit = .*$', 'quit = " , "'), "keys.quit"),
    "unknown command": (edited(r'^quit = .*$', 'quit = "ctrl+q"\nfly = "f13"'), "keys.fly"),
}


@pytest.mark.parametrize("case", list(RANGE_CASES))
def test_out_of_range_values_and_bad_keys_are_one_line_exit_2(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, needle = RANGE_CASES[case]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(["--config", str(path), "db", "version"], capsys)
    assert (code, out) == (2, "")
    assert_one_line(err, needle)
    assert "ошибка конфигурации" in err


def test_good_key_names_and_thresholds_pass(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(edited(r'^help = .*$', 'help = "F1, ctrl+shift+h, alt+slash"')
                    .replace("exact = 0.97", "exact = 1").replace("possible = 0.70",
                                                                   "possible = 0.85"),
                    encoding="utf-8")
    cfg = load_config(path)
    assert cfg.keys["help"] == "F1, ctrl+shift+h, alt+slash"
    assert cfg.matching == {"exact": 1, "probable": 0.85, "possible": 0.85, "max_candidates": 10}


def test_keys_left_out_keep_their_defaults(tmp_path: Path) -> None:
    from models.config_keys import DEFAULT_KEYS

    path = tmp_path / "config.toml"
    path.write_text(edited(r'^help = .*$', ""), encoding="utf-8")
    assert load_config(path).keys == DEFAULT_KEYS


def test_key_names_are_textual_names() -> None:
    """models/ keeps the key vocabulary as data (no Textual there): each name must be one
    Textual produces, or one the key map spells out (tui.keys)."""
    from textual.keys import Keys, key_to_character

    from models.config_keys import BASE_KEYS, DEFAULT_KEYS, MODIFIERS, split_keys
    from tui.keys import _char_of

    known = {k.value for k in Keys}
    unknown = [n for n in BASE_KEYS if n not in known and key_to_character(n) is None
               and _char_of(n) is None]
    assert not unknown, unknown
    for value in DEFAULT_KEYS.values():
        for key in split_keys(value):
            *mods, base = key.split("+")
            assert base in BASE_KEYS and set(mods) <= set(MODIFIERS), key


def test_the_shipped_config_and_the_key_map_agree() -> None:
    from models.config_keys import DEFAULT_KEYS
    from tui.keys import DEFAULT_KEYS as TUI_KEYS

    assert load_config(ROOT / "config.toml").keys == DEFAULT_KEYS
    assert TUI_KEYS == DEFAULT_KEYS, "tui/keys.py COMMANDS and models/config_keys.py differ"


def test_own_authority_must_be_in_the_codebook(books, cfg, capsys) -> None:
    from models.config import authority_problem

    assert authority_problem(cfg) is None
    cfg.path.write_text(cfg.path.read_text(encoding="utf-8").replace(
        'authority = "685"', 'authority = "99999"'), encoding="utf-8")
    code, out, err = run(["--config", str(cfg.path), "codebooks", "load"], capsys)
    assert code == 2
    assert_one_line(err, "organisation.authority")
    assert "99999" in err and "справочнике органов" in err
    code, out, err = run(["--config", str(cfg.path)], capsys)  # the card screen refuses
    assert code == 2 and "99999" in err
