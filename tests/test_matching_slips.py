"""The slips a record may carry and the keys that survive them (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.ids import iin_valid, make_iin
from models.matching.keys import Probe, as_date, legal_variants, split_names
from models.matching.normalize import fix_homoglyphs, skeleton, surname_root, surname_roots
from models.matching.score import legal_name_sim, name_sim
from models.matching.slips import date_sim, date_slips, iin_near, iin_neighbours

D = dt.date(1985, 3, 12)


@pytest.mark.parametrize("slipped, why", [
    (dt.date(1985, 3, 13), "date_1day"), (dt.date(1986, 3, 12), "date_1year"),
    (dt.date(1985, 12, 3), "date_swapped"), (dt.date(1965, 3, 12), "date_digit"),
    (dt.date(1985, 3, 21), "date_transposed"), (dt.date(2085, 3, 12), "date_century"),
    (dt.date(1985, 1, 1), "date_year_only"),
])
def test_every_date_one_slip_away_is_looked_up_and_named(slipped: dt.date, why: str) -> None:
    assert slipped in date_slips(D)
    assert date_sim(D, slipped)[1] == why
    assert date_slips(D)[0] == D and len(date_slips(D)) < 80  # a bounded look-up


def test_iin_neighbours_are_the_valid_numbers_one_slip_away() -> None:
    iin = make_iin(D, "1", 41)
    typo = iin[:3] + str((int(iin[3]) + 1) % 10) + iin[4:]
    assert not iin_valid(typo) and iin in iin_neighbours(typo)
    swapped = iin[:9] + iin[10] + iin[9] + iin[11:]  # ...0419 -> ...0149
    assert iin_near(iin, swapped) and all(iin_valid(n) for n in iin_neighbours(typo))


@pytest.mark.parametrize("forms", [
    ("Иванов", "Иванова", "Ivanova"), ("Қасымов", "Қасым", "Қасымұлы", "Kassymov"),
    ("Жұмабаев", "Жұмабай", "Жұмабайқызы", "Zhumabayeva"), ("Ковальский", "Ковальская"),
])
def test_a_familys_surname_forms_share_the_indexed_root(forms: tuple[str, ...]) -> None:
    assert len({surname_root(f) for f in forms}) == 1, [surname_root(f) for f in forms]


def test_double_surnames_are_looked_up_by_each_part() -> None:
    assert surname_roots("Иванова-Петрова") == ("ivan", "petr")
    assert surname_root("Иванова-Петрова") == surname_root("Иванова")


def test_names_typed_into_one_field_are_split() -> None:
    assert split_names("Касымов Нурлан Серикович", "", "") == ("Касымов", "Нурлан", "Серикович")
    assert split_names("Касымов Н.С.", "", "") == ("Касымов", "Н.", "С.")
    assert split_names("Касымов", "Нурлан Серик улы", "") == ("Касымов", "Нурлан", "Серик улы")
    assert split_names("Иванова-Петрова", "", "") == ("Иванова-Петрова", "", "")
    assert Probe(surname="Касымов Нурлан").keys()["name_key"] == "nurlan"


def test_dates_as_documents_write_them() -> None:
    assert as_date("12.03.1985") == as_date("12/3/1985") == as_date("12.03.85") == D
    assert as_date("12.03.05") == dt.date(2005, 3, 12)
    assert as_date("1985") == dt.date(1985, 1, 1)  # only the year: 01.01, as registers do
    # a day the month does not have: only the year is trusted
    assert as_date("31.02.1985") == dt.date(1985, 1, 1) and as_date("завтра") is None


def test_ocr_digits_and_lost_kazakh_letters() -> None:
    assert skeleton("3ейнуллин") == skeleton("Зейнуллин")  # 3 read for З
    assert skeleton("Быов") != skeleton("Бев")  # ыо is two letters typed, not a Latin ё
    assert name_sim(skeleton("Лйл"), skeleton("Ләйлә")) > 0.8  # letters lost, order kept


def test_a_word_of_look_alikes_takes_its_texts_script() -> None:
    assert fix_homoglyphs("TOO Orlov B.r.") == "TOO Orlov B.r."
    assert fix_homoglyphs("ТОО Орлов B.P.") == "ТОО Орлов В.Р."


def test_legal_variants_meet_after_one_slip() -> None:
    stored = set(legal_variants("bereke2005"))
    for typed in ("breke2005", "berekke2005", "bereke2006", "bereek2005"):
        assert stored & set(legal_variants(typed, 17)), typed
    assert legal_variants("x" * 20) == []  # long names are found by their start or end


def test_firms_told_apart_by_their_number_and_initials() -> None:
    same = legal_name_sim("berekestroi", "berekestroi", "bereke stroi", "bereke stroi")
    numbered = legal_name_sim("berekestroi49", "berekestroi", "49 bereke stroi",
                              "bereke stroi")
    initials = legal_name_sim("ahmetovan", "ahmetovsn", "a ahmetov n", "ahmetov n s")
    assert same == 1.0 and numbered < 0.85 and initials < 0.85


def test_a_bin_under_another_name_is_probable_never_exact() -> None:
    from models.matching.score import DEFAULT_THRESHOLDS, EXACT, PROBABLE, band, score_legal

    bin_ = "940140000385"
    renamed = score_legal(0.3, bin_, bin_, "", "")
    same = score_legal(0.95, bin_, bin_, "", "")
    assert band(renamed, DEFAULT_THRESHOLDS) == PROBABLE and "name_differs" in renamed.reasons
    assert band(same, DEFAULT_THRESHOLDS) == EXACT
