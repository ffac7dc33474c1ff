"""A candidate too far from the probe to be shown, told before it is scored in full.

A search that brings many rows (a 01.01 birth date: everyone of that year whose day is
unknown, and the look-ups by given name and any day of the year) scores most of them
below "possible". score_person finds that out only after comparing the surnames and
given names letter by letter (Jaro-Winkler and the edit distance, in Python), and
every way round (surname with given name, given name with patronymic, as typed).

`far` answers first from an upper bound of each of those similarities, from the
letters two keys share (score.part_sim_ceiling): the best the name parts could score
along any of score_person's paths, with the patronymic counted as equal. When even that
stays below the floor, score_person would stop at its own check on the same sum, with
the same verdict (FAR); the candidate is not compared in full.
"""

from __future__ import annotations

from models.matching.nicknames import nickname_sim
from models.matching.score import (
    PART_SIM,
    ROOT_SIM,
    SWAP_FACTOR,
    W_DATE,
    W_NAME,
    W_PATRONYMIC,
    W_SURNAME,
    W_SURNAME_WOMAN,
    PersonSide,
    Verdict,
    _cyrillic,
    _initial,
    _swap,
    _weighted,
    date_sim,
    part_sim_ceiling,
)

FAR = Verdict(0.0, False, ())  # what score_person answers below its floor

__all__ = ["FAR", "far"]


def _typed(s: float, a: str, b: str) -> float:
    """The ceiling raised to that of the names as typed (score._with_typed)."""
    ca, cb = _cyrillic(a), _cyrillic(b)
    return max(s, part_sim_ceiling(ca, cb)) if ca and cb else s


def _surname(probe: PersonSide, cand: PersonSide, swap: bool) -> float:
    """At least score_person's surname similarity, the swap with the given name
    included when score_person would try it (`swap`: score._swap)."""
    a, b = probe.surname_key, cand.surname_key
    if a == b:
        return 1.0
    s = part_sim_ceiling(a, b)
    if probe.surname_root and probe.surname_root == cand.surname_root:
        s = max(s, ROOT_SIM)
    if len(probe.surname_parts) > 1 or len(cand.surname_parts) > 1:
        for pa in probe.surname_parts or (a,):
            for pb in cand.surname_parts or (b,):
                s = max(s, PART_SIM * part_sim_ceiling(pa, pb))
    if probe.texts and cand.texts:
        s = _typed(s, probe.texts[0], cand.texts[0])
    if swap:
        s = max(s, SWAP_FACTOR * part_sim_ceiling(a, cand.name_key))
    return s


def _name(probe: PersonSide, cand: PersonSide, swap: bool) -> float:
    """At least score_person's given-name similarity, swaps included (both keys long
    enough not to be initials)."""
    a, b = probe.name_key, cand.name_key
    if a == b:
        return 1.0
    s = nickname_sim(a, b, part_sim_ceiling(a, b)) or 0.0  # Саша for Александр
    if len(probe.texts) > 1 and len(cand.texts) > 1:
        s = _typed(s, probe.texts[1], cand.texts[1])
    if swap:
        s = max(s, SWAP_FACTOR * part_sim_ceiling(a, cand.surname_key))
    if probe.name_patronymic and cand.patronymic_key:
        s = max(s, SWAP_FACTOR * part_sim_ceiling(probe.name_patronymic[0], b))
    return s


def far(probe: PersonSide, cand: PersonSide, floor: float) -> bool:
    """True when score_person(probe, cand, any namesakes, floor) is surely FAR: no
    identification number on both sides (an IIN lifts any score), and the names' best
    (upper bounds) with the birth date's similarity weigh less than `floor`. False
    when in doubt (an initial for a given name: its weight is another)."""
    if floor <= 0.0 or (probe.iin and cand.iin):
        return False
    if probe.name_key and cand.name_key and _initial(probe.name_key, cand.name_key) is not None:
        return False
    w_sur = W_SURNAME_WOMAN if probe.sex == cand.sex == "2" else W_SURNAME
    w_pat = W_PATRONYMIC if probe.patronymic_key and cand.patronymic_key else 0.0
    s_date = date_sim(probe.birth_date, cand.birth_date)[0]
    swap = _swap(probe, cand)
    s_sur = _surname(probe, cand, swap) if probe.surname_key and cand.surname_key else None
    s_name = _name(probe, cand, swap) if probe.name_key and cand.name_key else None
    return _weighted([(w_sur, s_sur), (W_NAME, s_name), (w_pat, 1.0), (W_DATE, s_date)]) < floor
