"""Every CLI group speaks the session's language: the main paths (tables, messages,
one-line errors, help) of each group run in Kazakh and in Russian, and no English UI word
leaks into what the operator reads.

The heuristic: an ASCII-letter word of four letters or more is English unless it is an
identifier the operator types or reads back as is (a command, an option, a choice, a CSV
column, a codebook's name, a file's path, a metavariable in capitals, a code in
backticks). Machine-readable outputs (CSV, JSON, the package path) are not checked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from models.auth import add_user, os_account
from models.cards import register_card
from models.tables import Role
from tests.test_cli import run
from tests.test_validation import individual_card

# Words an operator types or reads back verbatim: commands, choices, column and codebook
# names, the register's own name and formats.
IDENTIFIERS = frozenset("""
apcard sqlite postgresql init demo codebooks user persons audit card print journal notice
requests purge export import queue reconcile stats list show search confirm answer
return remove execute protest returned status dispatch verify seal seal\u2019s add passwd
load check operator administrator auditor text html liability penalty execution release
same different open answered registered dispatched corrected removed executed no_card
surname name patronymic birth_date probe candidates score band person_id json lines
article body region subject month quarter year authority kato protest_result
correction_reason release_ground proceeding_result gzip stdout stdin toml config utf
latest manual decide citizenship corruption document guilt intoxication measure
boss nobody upgrade version roles shared
""".split())

WORD = re.compile(r"(?<![\w'])[A-Za-z][A-Za-z']{3,}(?![\w])")
# Stretches that are not prose: `code`, --options, paths, identifiers with _ . / : = @.
NOT_PROSE = re.compile(r"`[^`]*`|--?[\w-]+|\S*[/\\]\S*|\b\w+(?:[._=@:]\w+)+\b|'[^']*'")


def english_words(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        prose = NOT_PROSE.sub(" ", line)
        for word in WORD.findall(prose):
            if word.isupper() or word.casefold() in IDENTIFIERS or word == os_account():
                continue
            found.append(word)
    return found


@pytest.fixture
def register(db, books, tmp_path: Path):
    admin = add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())
    card = register_card(individual_card(), admin, today=dt.date(2025, 3, 1))
    people = tmp_path / "people.csv"
    people.write_text("ref,surname,name,patronymic,birth_date,sex,iin\n"
                      "A1,Иванов,Иван,,1980-01-01,1,\n"
                      "A2,Петров,,,1980-13-01,3,123\n"
                      "A1,Иванов,Иван,,1980-01-01,1,\n"
                      "A3,Ли\n", encoding="utf-8")
    return card.id, people


def commands(card: int, people: Path, tmp: Path) -> list[list[str]]:
    c = str(card)
    runs = [
        ["user", "list"], ["user", "add", "op1", "--role", "operator"],
        ["user", "set-role", "op1", "auditor"], ["user", "add", "x", "--role", "boss"],
        ["user", "set-role", "nobody", "auditor"],
        ["audit", "verify"], ["audit", "export", "--csv", str(tmp / "j.csv")],
        ["audit", "export", "--csv", str(tmp / "j.csv"), "--from", "31.02.2025"],
        ["audit", "export", "--csv", str(tmp / "j.csv"), "--card", "abc"],
        ["audit", "verify", "--seal", str(tmp / "missing.txt")],
        ["card", "status", c], ["card", "status", "999"], ["card", "status", "abc"],
        ["card", "returned"], ["card", "execute", c, "--on", "32.01.2025"],
        ["card", "return", c], ["card", "protest", c, "--date", "x", "--result", "01"],
        ["card", "protest", c, "--date", "01.04.2025", "--result", "01", "--set", "bogus"],
        ["print", "card", "999"], ["print", "notice", "999"], ["print", "answer", "999"],
        ["print", "act", "999"], ["print", "card", c, "--out", str(tmp / "no" / "x.txt")],
        ["journal", "list"], ["journal", "list", "--from", "02.01.2025", "--to", "01.01.2025"],
        ["journal", "add", "--result", "02", "--article", "592", "--offender", "Иванов"],
        ["journal", "set", c, "--court-body", "685"],
        ["notice", "list"], ["notice", "execution", c, "--amount", "1000",
                             "--paid-on", "01.03.2025"],
        ["notice", "release", c, "--from", "penalty", "--date", "01.03.2025",
         "--ground", "zzz"],
        ["requests", "list"], ["requests", "show", "999"],
        ["requests", "answer", str(people)],
        ["requests", "answer", str(tmp / "none.csv"), "--out", str(tmp / "ans")],
        ["purge", "--dry-run"], ["purge"],
        ["export", "--out", str(tmp / "pkg")], ["import", str(tmp / "nothing.xml")],
        ["queue", "list"], ["queue", "decide", "999", "same"],
        ["reconcile", "--quarter", "2025Q1"],
        ["reconcile", "--quarter", "2025Q1", "--write-statement"],
        ["reconcile", "--quarter", "2025Q9", "--with", str(tmp / "none.xml")],
        ["stats", "--by", "article", "--from", "01.01.2025"],
        ["stats", "--by", "article", "--from", "99.99.2025"],
        ["stats", "--by", "article", "--from", "02.01.2025", "--to", "01.01.2025"],
        ["persons", "import", str(people)], ["persons", "import", str(tmp / "none.csv")],
        ["persons", "search", "--surname", "Иванов", "--name", "Иван"],
        ["persons", "search", "--surname", "Zzyzx", "--name", "Qwerty"],
        ["persons", "search"], ["persons", "search", "--iin", "12"],
        ["persons", "search", "--batch", str(people), "--surname", "X"],
        ["codebooks", "show", "nonesuch"], ["codebooks", "show", "sex"],
        ["persons", "shared"],
    ]
    helps = [[], ["db"], ["init"], ["demo"], ["user"], ["user", "add"], ["user", "passwd"], ["audit"], ["audit", "export"],
             ["card"], ["card", "execute"], ["card", "protest"], ["print"], ["print", "card"],
             ["print", "journal"], ["journal"], ["journal", "add"], ["notice"],
             ["notice", "execution"], ["notice", "release"], ["requests"],
             ["requests", "answer"], ["requests", "confirm"], ["purge"], ["export"], ["import"],
             ["queue"], ["queue", "decide"], ["reconcile"], ["stats"], ["persons"],
             ["persons", "import"], ["persons", "search"], ["persons", "shared"],
             ["codebooks"], ["codebooks", "show"]]
    return runs + [[*h, "--help"] for h in helps]


@pytest.mark.parametrize("backend", ["sqlite"])  # words, not the engine
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_in_any_group(register, cfg, lang: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    card, people = register
    leaks = []
    for args in commands(card, people, tmp_path):
        code, out, err = run(cfg, ["--lang", lang, *args], capsys)
        assert "Traceback" not in err, (args, err)
        assert code in (0, 1, 2), (args, code, err)
        if code:
            assert len(err.strip().splitlines()) >= 1, args
        words = english_words(out + "\n" + err)
        if words:
            leaks.append((" ".join(args), sorted(set(words))))
    assert not leaks, "\n".join(f"{a}: {w}" for a, w in leaks)


def test_the_heuristic_catches_english() -> None:
    assert english_words("apcard: no such card 999") == ["such"]
    assert english_words("хэш 3f9acbb1, ГГГГQn") == []  # a hash, a format
    assert english_words("cannot write /tmp/x.csv: Permission denied") == [
        "cannot", "write", "Permission", "denied"]
    assert english_words("нет карточки 999; `apcard codebooks load`, --out PATH") == []
    assert english_words("added 3, already in the register") == ["added", "already",
                                                                  "register"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_calendar_error_is_in_the_session_language(db, cfg, capsys) -> None:
    text = cfg.path.read_text(encoding="utf-8") + '\n[calendar.2031]\ndays_off = ["x"]\n'
    cfg.path.write_text(text, encoding="utf-8")
    for lang, said in (("kk", "сияқты күн емес"), ("ru", "не дата вида")):
        code, _, err = run(cfg, ["--lang", lang, "user", "list"], capsys)
        assert code == 2 and said in err and "calendar.2031.days_off" in err
        assert english_words(err) == [], err


def test_every_table_of_translated_messages_compiles() -> None:
    """The tables are compiled when a message is first translated, not on import: each
    is compiled here, and each row's text takes its expression's groups."""
    from tui.cli import codebook_faults, core, parser

    for table in (core._DATABASE_ERRORS, parser._ERRORS, codebook_faults._MESSAGES):
        rows = table.compiled()
        assert rows
        for pattern, text in rows:
            groups = ("x",) * pattern.groups
            assert text.format(*groups).kk and text.format(*groups).ru
