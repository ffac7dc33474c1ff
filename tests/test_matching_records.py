"""How documents and operators write a registered person, searched on a real database
(SQLite and PostgreSQL): Kazakh letters as other alphabets' look-alikes or through an
old code page, the 2017 / 2018 Kazakh Latin alphabets, passports' capitals, the whole
name in one field in the orders letters use, birth dates as text, and an IIN whose
birth date is not the typed one."""

from __future__ import annotations

import datetime as dt

import pytest

from models.ids import make_iin
from models.matching import EXACT, find_candidates
from models.matching.cases import nominative
from models.matching.dates import CENTURY, EXCEL, SWAPPED, YEAR, YEAR_FIRST, read_birth_date
from models.matching.keys import read_sex, split_names
from models.matching.normalize import patronymic_stem, skeleton
from tests.test_matching_search import person

BORN = dt.date(1985, 3, 12)
IIN = make_iin(BORN, "1", 41)


@pytest.fixture
def target(db) -> int:
    """The person looked for, and namesakes that must not come first: the first one
    written has every name the same (it wins a tie: a date not read loses the test)."""
    person("Құрманділдаев", "Нұрғиса", "Тұрарұлы", dt.date(1991, 7, 30))
    found = person("Құрманділдаев", "Нұрғиса", "Тұрарұлы", iin=IIN).id
    person("Құрманділдаев", "Нұрлан", "Тұрарұлы", dt.date(1987, 5, 1))
    person("Құрманділдаев", "Нұрғиса", "Серікұлы", dt.date(1960, 3, 12))
    person("Жұмабаев", "Бейбіт", "Абылайұлы", dt.date(1977, 3, 20))
    return found


def first(**probe: object) -> int | None:
    cands = find_candidates({"surname": "", "given_name": "", "patronymic": "",
                             "birth_date": BORN, **probe})
    return cands[0].person_id if cands else None


@pytest.mark.parametrize("surname, given, patronymic", [
    ("Qурманд1лдаев", "Нuрğиса", "Турарuлы"),          # Latin letters in Cyrillic words
    ("Құрманділдаев".encode("kz1048").decode("cp1251"),  # KZ-1048 read as Windows-1251
     "Нұрғиса".encode("kz1048").decode("cp1251"), "Тұрарұлы".encode("kz1048").decode("cp1251")),
    ("Кұрмандiлдаев", "Нұрғиса", "Тұрарұлы"),          # Latin i for і
    ("QURMANDI'LDAEV", "NY'RG'I'SA", "TY'RARY'LY"),     # 2017 alphabet, capitals
    ("Qurmandıldaev", "Nurǵısa", "Turaruly"),           # 2018 alphabet
    ("KURMANDILDAYEV", "NURGISA", "TURARULY"),          # a passport
])
def test_names_as_keyboards_and_alphabets_write_them(target: int, surname: str, given: str,
                                                     patronymic: str) -> None:
    assert first(surname=surname, given_name=given, patronymic=patronymic) == target


@pytest.mark.parametrize("whole", [
    "Н.Т. Құрманділдаев", "Н. Т. Құрманділдаев", "Нұрғиса Тұрарұлы Құрманділдаев",
    "Нұрғиса Тұрар ұлы Құрманділдаев", "Құрманділдаев Нұрғиса Тұрар ұлы",
])
def test_the_whole_name_in_one_field_in_any_order_documents_use(target: int, whole: str) -> None:
    assert first(surname=whole) == target


@pytest.mark.parametrize("born", [
    "12.03.1985", "12/03/1985", "12-03-85", "12 03 1985", "12031985", "1985.03.12",
    "12.03.1985 г.р.", " 12 . 03 . 1985 ", "12 марта 1985 г.", "1985-12-03", "12.III.1985",
    "l2.О3.l985", "1985-03-12 00:00:00", "31118", "12.03.1985, г. Алматы",
    "00.00.1985", "xx.xx.1985", "12.03.2085",
])
def test_birth_dates_as_text(target: int, born: str) -> None:
    cands = find_candidates({"surname": "Құрманділдаев", "given_name": "Нұрғиса",
                             "patronymic": "Тұрарұлы", "birth_date": born})
    assert cands[0].person_id == target, born


def test_an_iin_whose_birth_date_is_not_the_typed_one(target: int) -> None:
    """One of the two is wrong: the candidate is judged by either, never "exact"."""
    slipped = IIN[:8] + str((int(IIN[8]) + 1) % 10) + IIN[9:]
    cands = find_candidates({"surname": "Құрманділдаев", "given_name": "Нұрғиса",
                             "patronymic": "Тұрарұлы", "birth_date": dt.date(1978, 3, 12),
                             "iin": slipped})
    assert cands[0].person_id == target and cands[0].band != EXACT
    assert "date_from_iin" in cands[0].reasons
    # without the IIN the date years off leaves only the names: the namesake is as close
    alone = find_candidates({"surname": "Құрманділдаев", "given_name": "Нұрғиса",
                             "patronymic": "Тұрарұлы", "birth_date": dt.date(1978, 3, 12)})
    assert not alone or "date_from_iin" not in alone[0].reasons


@pytest.mark.parametrize("surname, given, patronymic", [
    ("Құрманділдаева", "Нұрғисы", "Тұраровича"),        # признать ... виновным
    ("Құрманділдаеву", "Нұрғисе", "Тұраровичу"),        # направить ...
    ("Құрманділдаевым", "Нұрғисой", "Тұраровичем"),     # с ...
])
def test_a_name_copied_from_a_sentence_in_its_case(db, surname: str, given: str,
                                                   patronymic: str) -> None:
    person("Құрманділдаев", "Нұрғис", "Тұрарович", dt.date(1991, 7, 30))  # ties go to it
    found = person("Құрманділдаев", "Нұрғиса", "Тұрарович").id
    assert first(surname=surname, given_name=given, patronymic=patronymic) == found


def test_nominative() -> None:
    assert nominative("Касымова", "Нурлана", "Сериковича") == ("Касымов", "Нурлан", "Серикович")
    assert nominative("Петрову", "Игорю", "Олеговичу") == ("Петров", "Игорь", "Олегович")
    assert nominative("Ивановой", "Анне", "Петровне") == ("Иванова", "Анна", "Петровна")
    assert nominative("Иванову", "Марию", "Петровну") == ("Иванова", "Мария", "Петровна")
    assert nominative("Ким", "Ольги", "Николаевны") == ("Ким", "Ольга", "Николаевна")
    # a nominative patronymic (or a Kazakh one) says no case: nothing is read back
    assert nominative("Касымова", "Анна", "Сериковна") == ("Касымова", "Анна", "Сериковна")
    assert nominative("Қасымова", "Нұрлана", "Серікұлы") == ("Қасымова", "Нұрлана", "Серікұлы")


def young_iin(person_id: int) -> str:
    from models.tables import Person

    return Person.get_by_id(person_id).iin


def test_numbers_and_sex_as_documents_write_them(target: int) -> None:
    scanned = IIN.replace("0", "О").replace("1", "l")
    cands = find_candidates({"surname": "Құрманділдаев", "given_name": "Нұрғиса",
                             "iin": scanned})
    assert cands[0].person_id == target and cands[0].band == EXACT
    young = person("Сейітов", "Арман", "", dt.date(2005, 4, 3), iin=make_iin(
        dt.date(2005, 4, 3), "1", 77)).id
    assert young_iin(young).startswith("0")
    cands = find_candidates({"surname": "Сейітов", "given_name": "Арман",
                             "iin": young_iin(young)[1:]})  # a spreadsheet's number
    assert cands[0].person_id == young and cands[0].band == EXACT
    assert [read_sex(s) for s in ("1", "М", "муж.", "ер", "M", "2", "Ж", "жен", "әйел", "F",
                                  "3", "", "?")] == ["1"] * 5 + ["2"] * 5 + [""] * 3


def test_split_names_orders() -> None:
    assert split_names("Н.С. Касымов", "", "") == ("Касымов", "Н.", "С.")
    assert split_names("Нурлан Серикович Касымов", "", "") == ("Касымов", "Нурлан", "Серикович")
    assert split_names("Пётр Ильич Гришин", "", "") == ("Гришин", "Пётр", "Ильич")
    assert split_names("Касымов Нурлан Серик улы", "", "") == ("Касымов", "Нурлан", "Серикулы")
    # a two-letter surname without a dot is a surname (Ли, Ю), not an initial
    assert split_names("Ли Александр", "", "") == ("Ли", "Александр", "")
    assert split_names("Касымов Нурлан Серикович", "", "") == ("Касымов", "Нурлан", "Серикович")
    assert split_names("Касымов,Нурлан", "", "") == ("Касымов", "Нурлан", "")  # a list's comma
    assert split_names("Касымов; Нурлан;Серикович", "", "") == ("Касымов", "Нурлан", "Серикович")


def test_keys_of_other_alphabets() -> None:
    assert skeleton("Јлібек") == skeleton("Әлібек") == skeleton("Alibek")
    assert skeleton("Ќасым") == skeleton("Қасым") == skeleton("Qasym")
    assert skeleton("Бас'ır") != skeleton("Bashir")  # the apostrophe reads only in Latin
    assert skeleton("Bas'ır") == skeleton("Başır") == skeleton("Башир")
    assert skeleton("Ýsenov") == skeleton("Усенов")
    assert patronymic_stem("NY'RDAY'LETOVI'C'") == patronymic_stem("Нурдаулетович")
    # a name of look-alike letters only stays in the script it was typed in
    assert skeleton("AYBEK") == skeleton("Айбек") and skeleton("ВЕК") == "vek"


def test_read_birth_date_says_how() -> None:
    today = dt.date(2026, 12, 1)
    assert read_birth_date("15.06.1990", today) == (dt.date(1990, 6, 15), ())
    assert read_birth_date("1990-15-06", today) == (dt.date(1990, 6, 15), (SWAPPED,))
    assert read_birth_date("06.15.1990", today) == (dt.date(1990, 6, 15), (SWAPPED,))
    assert read_birth_date("00.06.1990", today) == (dt.date(1990, 1, 1), (YEAR,))
    assert read_birth_date("31.02.1990", today) == (dt.date(1990, 1, 1), (YEAR,))
    assert read_birth_date("1990 г.р.", today) == (dt.date(1990, 1, 1), ())
    assert read_birth_date("12.03.2085", today) == (dt.date(1985, 3, 12), (CENTURY,))
    assert read_birth_date("12.03.85", today) == (dt.date(1985, 3, 12), ())
    assert read_birth_date("12.03.26", today) == (dt.date(2026, 3, 12), ())
    assert read_birth_date("13.13.1990", today) == (dt.date(1990, 1, 1), (YEAR,))
    assert read_birth_date("15.VI.1990", today) == (dt.date(1990, 6, 15), ())
    assert read_birth_date("15 XII 1990", today) == (dt.date(1990, 12, 15), ())
    assert read_birth_date("l5.О6.199O", today) == (dt.date(1990, 6, 15), ())  # a scan's letters
    assert read_birth_date("1990-06-15 00:00:00", today) == (dt.date(1990, 6, 15), ())
    assert read_birth_date("33039", today) == (dt.date(1990, 6, 15), (EXCEL,))
    assert read_birth_date("15.06.1990 г.р., уроженец г. Алматы", today) == (
        dt.date(1990, 6, 15), ())
    # digits that are no date day first: an export's basic ISO form, the IIN's six digits
    assert read_birth_date("19900615", today) == (dt.date(1990, 6, 15), (YEAR_FIRST,))
    assert read_birth_date("900615", today) == (dt.date(1990, 6, 15), (YEAR_FIRST,))
    assert read_birth_date("150690", today) == (dt.date(1990, 6, 15), ())  # day first wins
    assert read_birth_date("31021990", today) == (dt.date(1990, 1, 1), (YEAR,))
    # the Russian layout's "." and "," (ю, б); a month and year without the day
    assert read_birth_date("23ю04ю1990", today) == (dt.date(1990, 4, 23), ())
    assert read_birth_date("23б04б90 г.р.", today) == (dt.date(1990, 4, 23), ())
    assert read_birth_date("1б.06.1990", today) == (dt.date(1990, 6, 16), ())  # б for 6
    assert read_birth_date("11.1971", today) == (dt.date(1971, 1, 1), (YEAR,))
    assert read_birth_date("1971-11", today) == (dt.date(1971, 1, 1), (YEAR,))
    for bad in ("13.1971", "", "вчера", "1899-05-05", "12.03", "9" * 50, "3000-01-01", "19901506"):
        assert read_birth_date(bad, today).date is None, bad
