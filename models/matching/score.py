"""Scoring a candidate against the probe: pure functions, no database.

The score is a weighted mean of name and birth-date similarities in 0..1, moved by
the identification numbers: an equal valid IIN (BIN, RNN) settles it, two different
valid ones are strong evidence of two people. A name shared by many people in the
register is weaker evidence when the birth date is only close, not equal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from models.ids import iin_valid, rnn_valid

EXACT, PROBABLE, POSSIBLE = "exact", "probable", "possible"
DEFAULT_THRESHOLDS = {EXACT: 0.97, PROBABLE: 0.85, POSSIBLE: 0.70}

# Weights of the identification parts. A part missing on either side counts as a
# half-match: it neither proves nor disproves (a name without a date stays "possible").
# The patronymic weighs a lot when both sides have one: namesakes born close together
# are told apart by their fathers' names.
W_SURNAME, W_NAME, W_PATRONYMIC, W_DATE = 0.30, 0.22, 0.20, 0.38
# Below this raw similarity two names are simply different names (Орлов / Егоров ~ 0.7):
# the similarity is stretched from [NAME_FLOOR, 1] to [0, 1].
NAME_FLOOR = 0.5
UNKNOWN = 0.5
SWAP_FACTOR = 0.97  # surname and name typed into each other's fields
IIN_CONFLICT_FACTOR = 0.75  # two different valid IINs: at most "possible"
SEX_CONFLICT_FACTOR = 0.85
COMMON_PENALTY = 0.15  # at most this much off for a very common name with a fuzzy date
NAMESAKE_CAP = 100  # counting namesakes stops here (see candidates.namesakes)


def name_sim(a: str, b: str) -> float | None:
    """Similarity of two name keys: Jaro-Winkler (kind to endings) averaged with
    Damerau-Levenshtein (one typo or swapped pair = one edit). None if one is empty."""
    if not a or not b:
        return None
    if a == b:
        return 1.0
    return 0.5 * JaroWinkler.normalized_similarity(a, b) + \
        0.5 * DamerauLevenshtein.normalized_similarity(a, b)


def part_sim(a: str, b: str) -> float | None:
    """name_sim of two parts of a person's name, stretched (see NAME_FLOOR)."""
    s = name_sim(a, b)
    if s is None:
        return None
    return max(0.0, (s - NAME_FLOOR) / (1.0 - NAME_FLOOR))


def _swapped(d: dt.date) -> dt.date | None:
    try:
        return d.replace(month=d.day, day=d.month)
    except ValueError:
        return None


def swapped_date(d: dt.date) -> dt.date | None:
    """The date with day and month exchanged, when that is a date and differs."""
    s = _swapped(d)
    return s if s is not None and s != d else None


def date_sim(a: dt.date | None, b: dt.date | None) -> tuple[float, str]:
    """Similarity of two birth dates and the name of the slip that explains it."""
    if a is None or b is None:
        return UNKNOWN, ""
    if a == b:
        return 1.0, "date"
    if swapped_date(a) == b:
        return 0.90, "date_swapped"
    if abs((a - b).days) == 1:
        return 0.85, "date_1day"
    if a.month == b.month and a.day == b.day and abs(a.year - b.year) == 1:
        return 0.85, "date_1year"
    sa, sb = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    diff = [i for i in range(8) if sa[i] != sb[i]]
    if len(diff) == 1:
        return 0.82, "date_digit"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and sa[diff[0]] == sb[diff[1]] \
            and sa[diff[1]] == sb[diff[0]]:
        return 0.80, "date_transposed"
    if a.month == b.month and a.day == b.day:
        return 0.45, "date_daymonth"
    if a.year == b.year and a.month == b.month:
        return 0.35, "date_month"
    if a.year == b.year:
        return 0.25, "date_year"
    return 0.0, ""


def iin_near(a: str, b: str) -> bool:
    """One digit wrong or two neighbours swapped."""
    if len(a) != 12 or len(b) != 12:
        return False
    diff = [i for i in range(12) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
        and a[diff[1]] == b[diff[0]]


COMMON_AT = NAMESAKE_CAP  # this many namesakes make a name "very common"


def commonness(namesakes: int) -> float:
    """0 for a name nobody else in the register has, 1 for COMMON_AT or more."""
    return min(1.0, math.log1p(max(0, namesakes - 1)) / math.log(COMMON_AT))


@dataclass(frozen=True)
class PersonSide:
    """One side of a comparison: keys, birth date, IIN, sex."""

    surname_key: str
    name_key: str
    patronymic_key: str
    birth_date: dt.date | None
    iin: str
    sex: str


@dataclass(frozen=True)
class Verdict:
    score: float
    perfect: bool  # every known part equal, or the same valid IIN: may be "exact"
    reasons: tuple[str, ...]


def _weighted(parts: list[tuple[float, float | None]]) -> float:
    total = sum(w for w, _ in parts)
    return sum(w * (UNKNOWN if s is None else s) for w, s in parts) / total


def score_person(probe: PersonSide, cand: PersonSide, namesakes: int = 0) -> Verdict:
    reasons: list[str] = []
    straight = [part_sim(probe.surname_key, cand.surname_key),
                part_sim(probe.name_key, cand.name_key)]
    swapped = [part_sim(probe.surname_key, cand.name_key),
               part_sim(probe.name_key, cand.surname_key)]
    s_sur, s_name = straight
    known_swapped = [s for s in swapped if s is not None]
    known_straight = [s for s in straight if s is not None]
    if len(known_swapped) == len(known_straight) == 2 and \
            sum(known_swapped) * SWAP_FACTOR > sum(known_straight):
        s_sur, s_name = (s * SWAP_FACTOR for s in known_swapped)
        reasons.append("names_swapped")
    s_pat = part_sim(probe.patronymic_key, cand.patronymic_key)
    s_date, why_date = date_sim(probe.birth_date, cand.birth_date)
    if why_date:
        reasons.append(why_date)
    parts = [(W_SURNAME, s_sur), (W_NAME, s_name), (W_DATE, s_date)]
    if s_pat is not None:  # often missing; absence is no evidence at all
        parts.append((W_PATRONYMIC, s_pat))
    score = _weighted(parts)
    perfect = all(s == 1.0 for _, s in parts) and "names_swapped" not in reasons
    # A name many people share proves little unless the birth date is the same too:
    # among a hundred namesakes one is likely to be born a slip away from the probe.
    if s_date < 1.0:
        score -= COMMON_PENALTY * commonness(namesakes) * (1.0 if s_date > UNKNOWN else 0.5)

    if probe.iin and cand.iin:
        if probe.iin == cand.iin and iin_valid(probe.iin):
            return Verdict(1.0, True, ("iin", *reasons))
        if probe.iin == cand.iin:  # same number, bad check digit: still telling
            score = 0.5 + 0.5 * score
            reasons.append("iin_same_invalid")
        elif iin_valid(probe.iin) and iin_valid(cand.iin):
            score *= IIN_CONFLICT_FACTOR
            perfect = False
            reasons.append("iin_differs")
        elif iin_near(probe.iin, cand.iin):
            score += (1.0 - score) * 0.3
            reasons.append("iin_near")
    if probe.sex in ("1", "2") and cand.sex in ("1", "2") and probe.sex != cand.sex:
        score *= SEX_CONFLICT_FACTOR
        perfect = False
        reasons.append("sex_differs")
    return Verdict(max(0.0, min(1.0, score)), perfect, tuple(reasons))


def band(verdict: Verdict, thresholds: Mapping[str, float]) -> str | None:
    """exact / probable / possible, or None (not worth showing). "exact" also needs
    every known part equal (or the IIN), so a typo never reads as "exact"."""
    if verdict.score >= thresholds[EXACT] and verdict.perfect:
        return EXACT
    if verdict.score >= thresholds[PROBABLE]:
        return PROBABLE
    if verdict.score >= thresholds[POSSIBLE]:
        return POSSIBLE
    return None


def legal_name_sim(a: str, b: str, words_a: str, words_b: str) -> float | None:
    """Legal names: keys compared as for persons, plus word-set overlap so that word
    order ("Береке Строй" ~ "Строй Береке") does not matter."""
    base = name_sim(a, b)
    if base is None:
        return None
    return max(base, token_set_ratio(words_a, words_b) / 100.0)


def score_legal(name_s: float | None, probe_bin: str, cand_bin: str, probe_rnn: str,
                cand_rnn: str) -> Verdict:
    # A name alone is never "exact": two firms may share it in different regions.
    score = 0.92 * (UNKNOWN if name_s is None else name_s)
    reasons: list[str] = []
    for kind, a, b, valid in (("bin", probe_bin, cand_bin, iin_valid),
                              ("rnn", probe_rnn, cand_rnn, rnn_valid)):
        if not a or not b:
            continue
        if a == b and valid(a):
            return Verdict(1.0, True, (kind, *reasons))
        if valid(a) and valid(b):
            score *= IIN_CONFLICT_FACTOR
            reasons.append(f"{kind}_differs")
    return Verdict(max(0.0, min(1.0, score)), False, tuple(reasons))
