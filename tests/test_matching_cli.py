"""`apcard persons import` / `apcard persons search` (batch matching)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from models.auth import os_account
from models.config import Config
from models.db import open_database
from models.ids import make_iin
from models.tables import Person, User
from tui.cli import main

HEADER = "ref,surname,name,patronymic,birth_date,sex,iin\n"
GOOD_IIN = "791028302728"


def run(cfg: Config, args: list[str], capsys: pytest.CaptureFixture[str],
        db: str | None = None) -> tuple[int, str, str]:
    code = main(["--config", str(cfg.path), *(["--db", db] if db else []), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def operator(cfg: Config) -> User:
    """The OS account running the tests, registered as an operator."""
    open_database(cfg.db_url)
    return User.create(login="op", os_account=os_account(), role="operator")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def people_csv(tmp_path: Path) -> str:
    return write(tmp_path, "people.csv", HEADER + (
        "A1,Қасымов,Нұрлан,Серікұлы,1985-03-12,1,\n"
        "A2,Иванов,Иван,Иванович,1980-13-01,1,\n"            # line 3: bad date
        f"A3,Ахметов,Ерлан,Болатович,1979-10-28,1,{GOOD_IIN}\n"
        "A4,Петрова,Анна,,1990-05-05,2,791028302729\n"       # line 5: check digit
        "A1,Дубль,Дубль,,1980-01-01,1,\n"                     # line 6: ref repeated
        ",Без,Рефа,,1980-01-01,1,\n"                          # line 7: no ref
        "A5,,Нет,,1980-01-01,1,\n"                            # line 8: no surname
        "A6,Сидоров,Петр,,1980-01-01,3,\n"                    # line 9: sex
        "A7,Esc\x1b[31m,Bad,,1980-01-01,1,\n"                 # line 10: escape
        "A8,Ли,Сергей,,1975-06-30\n"                          # line 11: short row
        "A9,Цой,Виктор,Робертович,1962-06-21,1,\n"))


def test_import_reports_bad_rows_and_imports_the_rest(operator: User, cfg: Config, people_csv: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(cfg, ["persons", "import", people_csv], capsys)
    assert code == 1
    assert "добавлено 3, уже в реестре (тот же ref) 0" in out and "отклонено 8" in out
    lines = err.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines] == [f"строка {n}" for n in (3, 5, 6, 7, 8, 9, 10, 11)]
    assert "birth_date" in lines[0] and "контрольная цифра" in lines[1]
    assert "повторяет строку 2" in lines[2] and "sex" in lines[5] and "управляющие" in lines[6]
    assert "\x1b" not in err
    open_database(cfg.db_url)
    assert sorted(p.ref for p in Person.select()) == ["A1", "A3", "A9"]
    p = Person.get(Person.ref == "A3")
    assert (p.iin, p.surname_key, str(p.birth_date)) == (GOOD_IIN, "ahmet", "1979-10-28")


def test_importing_the_same_file_twice_adds_nobody(operator: User, cfg: Config, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows = "".join(f"R{i},Иванов,Иван,,1980-01-{i:02d},1,{make_iin(dt.date(1980, 1, i), '1', i)}\n"
                   for i in range(1, 21))
    path = write(tmp_path, "ok.csv", "\ufeff" + HEADER + rows)  # with a BOM, as Excel saves
    assert run(cfg, ["persons", "import", path], capsys)[0] == 0
    code, out, err = run(cfg, ["persons", "import", path], capsys)
    assert (code, err) == (0, "")
    assert "добавлено 0, уже в реестре (тот же ref) 20" in out
    open_database(cfg.db_url)
    assert Person.select().count() == 20


def test_import_header_and_file_errors_are_one_line(cfg: Config, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(cfg, ["persons", "import", write(tmp_path, "h.csv", "ref,surname\n")],
                       capsys)
    assert code == 2 and "нет столбцов: name, patronymic" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(cfg, ["persons", "import", str(tmp_path / "missing.csv")], capsys)
    assert code == 1 and err.startswith("apcard: не прочитать") and "Traceback" not in err


def test_search_json_lines_shape(operator: User, cfg: Config, people_csv: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    run(cfg, ["persons", "import", people_csv], capsys)
    code, out, err = run(cfg, ["persons", "search", "--surname", "Kassymov", "--name", "Nurlan",
                               "--birth-date", "1985-12-03", "--json"], capsys)
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert set(doc) == {"probe", "candidates"}
    assert doc["probe"]["surname"] == "Kassymov"
    cand = doc["candidates"][0]
    assert set(cand) == {"ref", "person_id", "score", "band"}
    assert cand["ref"] == "A1" and cand["band"] == "probable" and 0.85 <= cand["score"] <= 1


def test_search_batch_one_line_per_probe_best_first(operator: User, cfg: Config, people_csv: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    run(cfg, ["persons", "import", people_csv], capsys)
    batch = write(tmp_path, "probes.csv", "probe,surname,name,patronymic,birth_date,sex,iin\n"
                  "p1,Касымов,Нурлан,Серикович,1985-03-12,1,\n"
                  "p2,Нет,Такого,,1950-01-01,,\n"
                  "p3,,,,,," + GOOD_IIN + "\n"
                  "p4,Цой,Виктор,,1962-99-21,,\n")
    code, out, err = run(cfg, ["persons", "search", "--batch", batch, "--json", "--limit", "3"],
                         capsys)
    # A month no calendar has (99, not a day either): searched by the year alone, said so.
    assert code == 0 and err.strip().startswith("строка 5: ") and "1962-99-21" in err
    assert "искали только по году 1962" in err
    docs = [json.loads(line) for line in out.strip().splitlines()]
    assert [d["probe"] for d in docs] == ["p1", "p2", "p3", "p4"]
    assert docs[3]["candidates"][0]["ref"] == "A9"  # Цой Виктор, found without the date
    assert docs[0]["candidates"][0]["ref"] == "A1"
    assert docs[1]["candidates"] == []
    assert docs[2]["candidates"][0] == {"ref": "A3", "person_id": docs[2]["candidates"][0][
        "person_id"], "score": 1.0, "band": "exact"}
    scores = [c["score"] for d in docs for c in d["candidates"]]
    assert all(0 <= s <= 1 for s in scores)


def test_search_reads_a_doubtful_birth_date_and_says_how(
        operator: User, cfg: Config, people_csv: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A search is never refused for its birth date: a month above 12 is read as day and
    month exchanged, 00.00 as the year alone, a date to come a century early, and an
    IIN's birth date other than the typed one searched too; each said in the session's
    language, the person found all the same."""
    run(cfg, ["persons", "import", people_csv], capsys)
    for lang, born, said in (
            ("ru", "1962-21-06", "прочитана как 21.06.1962 (день и месяц переставлены)"),
            ("kk", "1962-21-06", "күн мен ай орын ауыстырған деп 21.06.1962 ретінде оқылды"),
            ("ru", "06/21/1962", "прочитана как 21.06.1962"),
            ("ru", "00.00.1962", "искали только по году 1962"),
            ("kk", "xx.xx.1962", "тек 1962 жылы бойынша ізделді"),
            ("ru", "21.06.2062", "прочитана как 21.06.1962 (ошибка в веке)"),
            ("ru", "22818", "прочитана как 21.06.1962 (номер дня в Excel)"),
            ("kk", "22818", "Excel күн нөмірі ретінде 21.06.1962 деп оқылды")):
        code, out, err = run(cfg, ["--lang", lang, "persons", "search", "--surname", "Цой",
                                   "--name", "Виктор", "--birth-date", born, "--json"], capsys)
        assert code == 0 and said in err, (born, err)
        assert json.loads(out)["candidates"][0]["ref"] == "A9", born
    code, out, err = run(cfg, ["persons", "search", "--surname", "Ахметов", "--name", "Ерлан",
                               "--birth-date", "28.10.1997", "--iin", "791028302720",
                               "--json"], capsys)
    assert code == 0 and "дата рождения в ИИН (28.10.1979) не совпадает с указанной " \
        "(28.10.1997)" in err
    assert json.loads(out)["candidates"][0]["ref"] == "A3"
    code, out, err = run(cfg, ["persons", "search", "--surname", "Цой", "--name", "Виктор",
                               "--birth-date", "вчера", "--json"], capsys)
    assert code == 0 and "«вчера» — не дата или невозможна: не учтена" in err
    assert json.loads(out)["candidates"][0]["ref"] == "A9"


def test_search_reads_a_scanned_iin_and_a_written_sex(
        operator: User, cfg: Config, people_csv: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An IIN with letters a scan puts for digits is read as the digits and said so; a
    sex written as a word (М, ер, Ж) is taken without a word; "3" is left out, said."""
    run(cfg, ["persons", "import", people_csv], capsys)
    scanned = GOOD_IIN.replace("0", "О")
    for lang, said in (("ru", f"ИИН «{scanned}» прочитан как {GOOD_IIN}"),
                       ("kk", f"ЖСН «{scanned}» {GOOD_IIN} ретінде оқылды")):
        code, out, err = run(cfg, ["--lang", lang, "persons", "search", "--iin", scanned,
                                   "--json"], capsys)
        assert code == 0 and said in err
        assert json.loads(out)["candidates"][0] == {
            "ref": "A3", "person_id": json.loads(out)["candidates"][0]["person_id"],
            "score": 1.0, "band": "exact"}
    code, out, err = run(cfg, ["persons", "search", "--surname", "Цой", "--name", "Виктор",
                               "--iin", "12345678", "--json"], capsys)
    assert code == 0 and "12345678" in err  # no twelve digits whatever is read: left out
    batch = write(tmp_path, "sex.csv", "probe,surname,name,patronymic,birth_date,sex,iin\n"
                  "s1,Цой,Виктор,,21.06.1962,М,\ns2,Цой,Виктор,,21.06.1962,ер,\n"
                  "s3,Цой,Виктор,,21.06.1962,3,\n")
    code, out, err = run(cfg, ["persons", "search", "--batch", batch, "--json"], capsys)
    assert code == 0 and err.strip().splitlines() == [
        "строка 4: пол «3» — не 1 и не 2: не учтён"]
    assert [json.loads(line)["candidates"][0]["ref"] for line in out.splitlines()] == ["A9"] * 3


def test_search_table_and_usage_errors(operator: User, cfg: Config, people_csv: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    run(cfg, ["persons", "import", people_csv], capsys)
    code, out, _ = run(cfg, ["persons", "search", "--iin", GOOD_IIN], capsys)
    assert code == 0 and "Ахметов" in out and "точное" in out and GOOD_IIN in out
    code, _, err = run(cfg, ["persons", "search"], capsys)
    assert code == 2 and "--surname" in err
    code, _, err = run(cfg, ["persons", "search", "--iin", "12345"], capsys)
    assert code == 2 and "12345" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(cfg, ["persons", "search", "--batch", people_csv, "--surname", "X"],
                       capsys)
    assert code == 2 and "--batch" in err
    code, _, err = run(cfg, ["persons", "search", "--surname", "X", "--limit", "0"], capsys)
    assert code == 2


def test_db_option_is_honoured(cfg: Config, people_csv: str, tmp_path: Path,
                               make_cfg: Callable[[str], Config],
                               capsys: pytest.CaptureFixture[str]) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(cfg, ["--db", other, "init"], capsys)[0] == 0
    code, out, _ = run(cfg, ["persons", "import", people_csv], capsys, db=other)
    assert "добавлено 3," in out
    open_database(other)
    assert Person.select().count() == 3
    open_database(cfg.db_url)
    assert Person.select().count() == 0


def test_an_auditor_may_search_but_not_import(cfg: Config, people_csv: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    open_database(cfg.db_url)
    User.create(login="aud", os_account=os_account(), role="auditor")
    code, _, err = run(cfg, ["persons", "import", people_csv], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    open_database(cfg.db_url)
    assert Person.select().count() == 0
    code, _, _ = run(cfg, ["persons", "search", "--surname", "Иванов", "--name", "Иван"], capsys)
    assert code == 0


def test_search_is_never_refused_for_a_doubtful_field(operator: User, cfg: Config, people_csv: str,
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A birth date in 2072 (read as 1972: a century's slip) or an IIN with a wrong check
    digit: searched with what is left (the IIN as a mistyped one), each doubtful field
    named on stderr."""
    run(cfg, ["persons", "import", people_csv], capsys)
    code, out, err = run(cfg, ["--lang", "ru", "persons", "search", "--surname", "Ахметов",
                               "--name", "Ерлан", "--birth-date", "2072-10-28", "--json"],
                         capsys)
    assert code == 0 and "«2072-10-28» ещё не наступила: прочитана как 28.10.1972" in err
    assert json.loads(out)["candidates"][0]["ref"] == "A3"
    mistyped = GOOD_IIN[:5] + str((int(GOOD_IIN[5]) + 1) % 10) + GOOD_IIN[6:]
    batch = write(tmp_path, "doubtful.csv", "probe,surname,name,patronymic,birth_date,sex,iin\n"
                  f"q1,,,,,,{mistyped}\n"
                  "q2,Цой,Виктор,,21.06.1962,3,12345\n"
                  "q3,Esc\x1b[2J,,,,,\n"
                  "q4,Ахметов,Ерлан,Болатович,2072-10-28,1,\n")
    code, out, err = run(cfg, ["--lang", "ru", "persons", "search", "--batch", batch, "--json"],
                         capsys)
    docs = {d["probe"]: d for d in map(json.loads, out.strip().splitlines())}
    assert docs["q1"]["candidates"][0]["ref"] == "A3"  # the IIN one slip away
    assert docs["q2"]["candidates"][0]["ref"] == "A9"  # DD.MM.YYYY read; sex, IIN left out
    lines = err.strip().splitlines()
    assert any(ln.startswith("строка 2: ") and "контрольная" in ln for ln in lines)
    assert sum(ln.startswith("строка 3: ") for ln in lines) == 2  # sex and IIN
    assert "q3" not in docs and any(ln.startswith("строка 4: ") for ln in lines)
    assert docs["q4"]["candidates"][0]["ref"] == "A3"  # 2072 read as 1972: a year off the 1979
    assert any(ln.startswith("строка 5: ") and "2072-10-28" in ln for ln in lines)
    assert code == 1 and "\x1b" not in err + out


def test_search_needs_two_name_parts_or_an_iin(operator: User, cfg: Config,
                                                     people_csv: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Two of surname, given name and birth date (or an IIN) are searched; less is a
    one-line usage error that says what to add, not an empty answer that would read as
    "no such person"."""
    run(cfg, ["persons", "import", people_csv], capsys)
    for args in (["--surname", "Цой", "--birth-date", "21.06.1962"],
                 ["--name", "Виктор", "--patronymic", "Робертович", "--birth-date", "21.06.1962"]):
        code, out, err = run(cfg, ["persons", "search", *args, "--json"], capsys)
        assert code == 0, (args, err)
        assert json.loads(out)["candidates"][0]["ref"] == "A9", args
    for lang, args, said in (
            ("ru", ["--surname", "Цой"], "нужны два из трёх"),
            ("ru", ["--surname", "Цой", "--patronymic", "Робертович"], "или ИИН"),
            ("ru", ["--birth-date", "21.06.1962"], "мало данных для поиска"),
            ("kk", ["--name", "Виктор"], "іздеуге дерек аз")):
        code, out, err = run(cfg, ["--lang", lang, "persons", "search", *args], capsys)
        assert code == 2 and said in err and len(err.strip().splitlines()) == 1, (args, err)
        assert out == ""


def test_search_reads_dates_as_documents_write_them(operator: User, cfg: Config, people_csv: str,
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A probe copied from a protocol or a letter: "28 октября 1979 г.", "1979 ж. 28
    қазан", "1979 г.р." are searched with their date, an IIN written "791028-302728"
    with its number, nothing said on stderr."""
    run(cfg, ["persons", "import", people_csv], capsys)
    batch = write(tmp_path, "letters.csv", "probe,surname,name,patronymic,birth_date,sex,iin\n"
                  "r1,Ахметов,Ерлан,,28 октября 1979 г.,,\n"
                  "r2,Ахметов,Ерлан,,1979 ж. 28 қазан,,\n"
                  "r3,Ахметов,Ерлан,,1979 г.р.,,\n"
                  "r4,Ахметов,Ерлан,,28 октомбря 1979,,\n"
                  f"r5,,,,,,{GOOD_IIN[:6]}-{GOOD_IIN[6:]}\n")
    code, out, err = run(cfg, ["--lang", "ru", "persons", "search", "--batch", batch, "--json"],
                         capsys)
    docs = {d["probe"]: d for d in map(json.loads, out.strip().splitlines())}
    assert [docs[p]["candidates"][0]["ref"] for p in ("r1", "r2", "r3", "r4", "r5")] == ["A3"] * 5
    assert docs["r1"]["candidates"][0]["score"] == docs["r2"]["candidates"][0]["score"]
    assert docs["r1"]["candidates"][0]["score"] > docs["r4"]["candidates"][0]["score"]
    assert err.strip().splitlines() == [  # only the month nobody can read is said
        "строка 5: дата рождения «28 октомбря 1979» — не дата или невозможна: не учтена"]
    assert code == 0


def test_the_table_never_cuts_an_iin_or_a_date(operator: User, cfg: Config, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Piped output is 80 columns wide: a long reference and band give way, the IIN does not."""
    iin = "900615301238"
    people = write(tmp_path, "long.csv", HEADER + (
        f"ОРГАН-2026-0000001234,Жумабаев,Ерлан,Касымович,1990-06-15,1,{iin}\n"))
    run(cfg, ["persons", "import", people], capsys)
    code, out, _ = run(cfg, ["persons", "search", "--surname", "Жумабаев", "--name", "Ерлан",
                             "--birth-date", "1990-06-16"], capsys)
    assert code == 0 and ("возможное" in out or "вероятное" in out)
    assert iin in out and "1990-06-15" in out
    assert max(len(line) for line in out.splitlines()) <= 80
