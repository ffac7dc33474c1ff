"""models.matching.far: a candidate it calls far is one score_person leaves below the
floor with the very verdict it gives such rows (FAR), whatever the names, dates, swaps
and namesakes; and it does call the far rows of a 01.01 search far."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from models.matching.far import FAR, far
from models.matching.score import DEFAULT_THRESHOLDS, POSSIBLE, PersonSide, score_person
from tests.keyslips import slipped

FLOOR = DEFAULT_THRESHOLDS[POSSIBLE]
KEYS = st.text(alphabet="abdeiklmnorstuvy", max_size=9)
TEXTS = st.text(alphabet="абдеиклмнорстуқұәі -", max_size=10)
DATES = st.sampled_from([None, dt.date(1985, 1, 1), dt.date(1985, 6, 3), dt.date(1985, 3, 6),
                         dt.date(1986, 1, 1), dt.date(1985, 1, 2), dt.date(1958, 1, 1),
                         dt.date(1990, 11, 30)])
IINS = st.sampled_from(["", "", "850101300415", "850101300416"])


@st.composite
def sides(draw: st.DrawFn, near: PersonSide | None = None) -> PersonSide:
    """A side of random keys, or (`near`) one drawn as slips of `near`'s keys."""
    def key(of: str) -> str:
        return slipped(of, SimpleNamespace(draw=draw), 0) if near is not None and draw(st.booleans()) else draw(KEYS)

    surname = key(near.surname_key if near else "")
    parts = tuple(draw(st.lists(KEYS, max_size=2))) if draw(st.booleans()) else ()
    pair = (draw(KEYS), draw(KEYS)) if draw(st.booleans()) else ()
    texts = tuple(draw(st.lists(TEXTS, max_size=2)))
    if near is not None and draw(st.booleans()):  # typed alike, keyed apart
        texts = tuple(slipped(t, SimpleNamespace(draw=draw), 0) for t in near.texts)
    name, patronymic = (near.name_key, near.patronymic_key) if near else ("", "")
    if near is not None and near.name_patronymic and draw(st.booleans()):
        name, patronymic = near.name_patronymic  # keyed into each other's fields
    return PersonSide(surname, key(name), key(patronymic), draw(DATES), draw(IINS),
                      draw(st.sampled_from(["1", "2", ""])), parts,
                      draw(st.sampled_from(["", "kas", "bek"])), texts, draw(st.booleans()),
                      pair)


@settings(max_examples=4000, deadline=None)
@given(st.data())
def test_far_only_when_score_person_says_so(data: st.DataObject) -> None:
    probe = data.draw(sides())
    cand = data.draw(sides(probe))
    if not far(probe, cand, FLOOR):
        return
    for namesakes in (0, 100):
        for own_name in (False, True):
            assert score_person(probe, cand, namesakes, FLOOR, own_name) == FAR, (probe, cand)


def _side(surname: str, name: str, patronymic: str, born: dt.date,
          texts: tuple[str, ...] = ()) -> PersonSide:
    return PersonSide(surname, name, patronymic, born, "", "1", (), surname[:4], texts)


def test_the_far_rows_of_a_year_only_search() -> None:
    probe = _side("kasimov", "nurlan", "serik", dt.date(1985, 1, 1), ("Касымов", "Нурлан"))
    # Another surname and given name born that day; the given name's bearer of another
    # family that year: below "possible" whatever the patronymic, told without scoring.
    for cand in (_side("petrova", "anna", "ivan", dt.date(1985, 1, 1), ("Петрова", "Анна")),
                 _side("bekov", "nurlan", "serik", dt.date(1985, 6, 3), ("Беков", "Нурлан"))):
        assert far(probe, cand, FLOOR)
        assert score_person(probe, cand, 0, FLOOR) == FAR
    # A surname a slip away, or the names swapped: scored in full.
    for cand in (_side("kasymov", "nurlan", "serik", dt.date(1985, 6, 3)),
                 _side("nurlan", "kasimov", "serik", dt.date(1985, 1, 1))):
        assert not far(probe, cand, FLOOR)
        assert score_person(probe, cand, 0, FLOOR).score >= FLOOR
    # An IIN on both sides may lift any score: never far.
    assert not far(probe._replace(iin="850101300415"),
                   _side("petrova", "anna", "ivan", dt.date(1985, 1, 1))._replace(
                       iin="850101300416"), FLOOR)
