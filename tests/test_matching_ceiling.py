"""part_sim_ceiling, which lets the scorer leave out the swapped comparisons (surname
with given name, given name with patronymic) of a pair too far apart to matter, is
never below part_sim: the verdicts are those of the full comparisons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models.matching.score import (
    NAME_CONFLICT,
    PersonSide,
    part_sim,
    part_sim_ceiling,
    score_person,
)
from models.matching.textsim import common_letters
from tests.keyslips import slipped

LETTERS = st.text(alphabet="abcdeqңұ", max_size=12)
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=16)


def _at_least(a: str, b: str) -> None:
    s = part_sim(a, b)
    assert part_sim_ceiling(a, b) >= (0.0 if s is None else s), (a, b)


@settings(max_examples=3000, deadline=None)
@given(LETTERS, LETTERS)
def test_ceiling_of_a_few_letters(a: str, b: str) -> None:
    _at_least(a, b)


@settings(max_examples=2000, deadline=None)
@given(KEYS, st.data())
def test_ceiling_of_a_key_and_its_slips(a: str, data: st.DataObject) -> None:
    """Near pairs, where the similarity is high and a loose ceiling would show."""
    _at_least(a, slipped(a, data, 0, keep_one=True))


def test_ceiling_known_values() -> None:
    assert common_letters("nurlan", "nrlan") == 5
    assert common_letters("aab", "abb") == 2
    assert common_letters("abc", "xyz") == 0
    assert part_sim_ceiling("kasymov", "kasymov") == 1.0
    assert part_sim_ceiling("", "kasymov") == 0.0
    assert part_sim_ceiling("abc", "xyz") == 0.0
    # far apart: the ceiling alone rules out the swap of given name and patronymic
    assert part_sim_ceiling("serik", "aidana") < NAME_CONFLICT
    assert part_sim_ceiling("nurlan", "nrlan") >= part_sim("nurlan", "nrlan")


def _side(surname: str, name: str, patronymic: str, **kw) -> PersonSide:
    return PersonSide(surname, name, patronymic, None, "", "1", **kw)


def test_swaps_still_found() -> None:
    """A pair the ceilings let through is compared in full."""
    v = score_person(_side("nurlan", "kasymov", "serik"), _side("kasymov", "nurlan", "serik"))
    assert "names_swapped" in v.reasons
    probe = _side("kasymov", "bolat", "esbol", name_patronymic=("esbol", "bolat"))
    v = score_person(probe, _side("kasymov", "esbol", "bolat"))
    assert "name_patronymic_swapped" in v.reasons
    v = score_person(probe, _side("kasymov", "aidar", "bolat"))
    assert "name_patronymic_swapped" not in v.reasons
