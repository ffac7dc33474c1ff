"""Scoring of a candidate (pure): date slips, IIN rules, bands, common names."""

from __future__ import annotations

import datetime as dt

import pytest

from models.ids import make_iin
from models.matching.score import (
    DEFAULT_THRESHOLDS,
    EXACT,
    NAME_ALIKE,
    POSSIBLE,
    PROBABLE,
    PersonSide,
    band,
    date_sim,
    iin_near,
    score_person,
)

D = dt.date(1985, 3, 12)
IIN_A = make_iin(D, "1", 17)
IIN_B = make_iin(D, "1", 18)


def side(surname: str = "kasimov", name: str = "nurlan", pat: str = "serik",
         born: dt.date | None = D, iin: str = "", sex: str = "1") -> PersonSide:
    return PersonSide(surname, name, pat, born, iin, sex)


@pytest.mark.parametrize("other, why", [
    (D, "date"),
    (dt.date(1985, 12, 3), "date_swapped"),
    (dt.date(1985, 3, 13), "date_1day"),
    (dt.date(1985, 3, 11), "date_1day"),
    (dt.date(1986, 3, 12), "date_1year"),
    (dt.date(1965, 3, 12), "date_digit"),
    (dt.date(1985, 3, 22), "date_digit"),
    (dt.date(1958, 3, 12), "date_transposed"),
])
def test_date_slips_are_recognised(other: dt.date, why: str) -> None:
    sim, reason = date_sim(D, other)
    assert reason == why
    assert sim >= 0.8


def test_unrelated_dates_score_low() -> None:
    assert date_sim(D, dt.date(1971, 8, 30))[0] == 0.0
    assert date_sim(D, dt.date(1985, 9, 30))[0] < 0.5
    assert date_sim(D, None) == (0.5, "")


def test_equal_valid_iin_is_exact_with_a_name_keyed_badly() -> None:
    v = score_person(side(iin=IIN_A), side("kasimof", "nurlna", "", None, IIN_A))
    assert v.score == 1.0 and band(v, DEFAULT_THRESHOLDS) == EXACT


def test_equal_iin_under_other_names_is_probable_not_exact() -> None:
    """Serials of one birth date are dense: a slip in the IIN often gives another
    person's valid number. That person is shown, but not as the same person."""
    v = score_person(side(iin=IIN_A), side("zzzz", "qqq", "", None, IIN_A))
    assert band(v, DEFAULT_THRESHOLDS) == PROBABLE and "names_differ" in v.reasons
    slipped = score_person(side(iin=IIN_A), side(iin=IIN_B))  # all else equal
    assert slipped.score > v.score and "iin_near" in slipped.reasons


def test_two_different_valid_iins_are_strong_evidence_against() -> None:
    v = score_person(side(iin=IIN_A), side(born=dt.date(1985, 3, 13), iin=IIN_B))
    assert band(v, DEFAULT_THRESHOLDS) == POSSIBLE
    assert "iin_differs" in v.reasons


def test_a_mistyped_iin_does_not_count_against() -> None:
    typo = IIN_A[:5] + str((int(IIN_A[5]) + 1) % 10) + IIN_A[6:]
    assert iin_near(typo, IIN_A)
    v = score_person(side(iin=typo), side(iin=IIN_A))
    assert band(v, DEFAULT_THRESHOLDS) in (EXACT, PROBABLE)


def test_exact_needs_every_part_equal() -> None:
    same = score_person(side(), side())
    assert band(same, DEFAULT_THRESHOLDS) == EXACT
    typo = score_person(side(surname="kasimof"), side())
    assert typo.score > 0.9 and band(typo, DEFAULT_THRESHOLDS) == PROBABLE


def test_names_without_a_birth_date_are_at_most_possible() -> None:
    v = score_person(side(born=None), side())
    assert band(v, DEFAULT_THRESHOLDS) == POSSIBLE


def test_swapped_surname_and_name_still_match() -> None:
    v = score_person(side("nurlan", "kasimov"), side())
    assert "names_swapped" in v.reasons
    assert band(v, DEFAULT_THRESHOLDS) == PROBABLE


def test_other_sex_weighs_against() -> None:
    assert score_person(side(sex="2"), side()).score < score_person(side(), side()).score


def test_a_common_name_weighs_less_when_the_date_is_only_close() -> None:
    near = side(born=dt.date(1985, 3, 13))
    rare = score_person(near, side(), namesakes=1).score
    common = score_person(near, side(), namesakes=200).score
    assert common < rare
    # an equal birth date is not weakened by the name being common
    assert score_person(side(), side(), namesakes=200).score == 1.0


def test_thresholds_come_from_the_caller() -> None:
    v = score_person(side(surname="kasimof"), side())
    assert band(v, {EXACT: 0.99, PROBABLE: 0.99, POSSIBLE: 0.98}) is None


def test_a_compound_surname_of_another_family_is_not_a_slip() -> None:
    """Мырзажанов / Мырзаберов share start and end, not the family: with the same given
    name and birth date and no patronymic, at most "possible"; a one-letter slip, a
    double surname or letters lost stay "probable"."""
    def verdict(probe: str, cand: str, parts: tuple[str, ...] = ()) -> str | None:
        a = PersonSide(probe, "esbol", "", D, "", "1", (), probe[:5])
        b = PersonSide(cand, "esbol", "jan", D, "", "1", parts, cand[:6])
        return band(score_person(a, b), DEFAULT_THRESHOLDS)

    assert verdict("mirzajanov", "mirzaberov") == POSSIBLE
    assert verdict("mirzajanov", "mirzajanof") == PROBABLE  # one letter
    assert verdict("knlov", "kunkulov") == PROBABLE  # Kazakh letters lost
    assert verdict("ivanova", "ivanovapetrova", ("ivanova", "petrova")) == PROBABLE


def test_a_given_name_alike_is_a_slip_unless_both_are_names_of_their_own() -> None:
    """Марина for Мария reads as a slip (flagged for the register to judge); when both
    are names many persons bear, the twin is "possible"; Саат for Сағат (Kazakh letters
    lost) is never flagged."""
    def verdict(probe: str, cand: str, own: bool = False, typed: tuple[str, str] = ("", "")):
        a = PersonSide("denisov", probe, "grigori", D, "", "2", texts=("Денисова", typed[0]))
        b = PersonSide("denisov", cand, "grigori", D, "", "2", texts=("Денисова", typed[1]))
        v = score_person(a, b, own_name=own)
        return band(v, DEFAULT_THRESHOLDS), v.reasons

    assert verdict("marina", "maria") == (PROBABLE, ("date", NAME_ALIKE))
    assert verdict("marina", "maria", own=True) == (POSSIBLE, ("date", "name_differs"))
    assert verdict("saat", "sagat", typed=("Саат", "Сағат")) == (PROBABLE, ("date",))
    assert verdict("maria", "maria", own=True)[0] == EXACT
