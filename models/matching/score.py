"""Scoring a candidate against the probe: pure functions, no database.

The score is a weighted mean of name and birth-date similarities in 0..1, moved by
the identification numbers: an equal valid IIN (BIN, RNN) settles it, two different
valid ones are strong evidence of two people. A name shared by many people in the
register is weaker evidence when the birth date is only close, not equal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import NamedTuple

from models.ids import iin_valid, rnn_valid
from models.matching.nicknames import nickname_sim
from models.matching.normalize import basic
from models.matching.slips import date_sim, iin_near, swapped_date
from models.matching.textsim import (
    edit_similarity,
    edits,
    jaro_winkler_similarity,
    similarity_ceiling,
)

__all__ = ["DEFAULT_THRESHOLDS", "EXACT", "NAME_ALIKE", "POSSIBLE", "PROBABLE", "PersonSide",
           "Verdict", "band", "date_sim", "iin_near", "legal_name_sim", "name_sim",
           "part_sim", "score_legal", "score_person", "swapped_date"]

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


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


Metric = Callable[[str, str], float]


def _key_sim(a: str, b: str, jaro_winkler: Metric, damerau: Metric) -> float | None:
    if not a or not b:
        return None
    if a == b:
        return 1.0
    s = 0.5 * jaro_winkler(a, b) + 0.5 * damerau(a, b)
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if s < DROPPED_BASE + DROPPED_SPAN and len(short) >= 3 and 2 * len(short) >= len(long_) \
            and _subsequence(short, long_):
        s = max(s, DROPPED_BASE + DROPPED_SPAN * len(short) / len(long_))
    return s


@lru_cache(maxsize=65536)
def name_sim(a: str, b: str) -> float | None:
    """Similarity of two name keys: Jaro-Winkler (kind to endings) averaged with
    Damerau-Levenshtein (one typo or swapped pair = one edit). A key that is the other
    with letters left out (Kazakh letters lost by an old encoding or keyboard: Ләйлә ->
    Лйл, Нұрлан -> Нрлан) is alike in proportion to what it kept. None if one is empty.

    A person's keys are a few letters long: compared in Python (textsim), so that the
    card screen's check for a person loads no compiled library (3.5 MiB of it)."""
    return _key_sim(a, b, jaro_winkler_similarity, edit_similarity)


@lru_cache(maxsize=65536)
def _legal_key_sim(a: str, b: str) -> float | None:
    """name_sim of legal names' keys, the same scores from rapidfuzz's compiled code,
    loaded with the first search for a legal entity: its keys are three times as long
    as a person's, and Python's edit distance (quadratic) would triple its time."""
    from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

    return _key_sim(a, b, JaroWinkler.normalized_similarity,
                    DamerauLevenshtein.normalized_similarity)


DROPPED_BASE, DROPPED_SPAN = 0.6, 0.35


def part_sim(a: str, b: str) -> float | None:
    """name_sim of two parts of a person's name, stretched (see NAME_FLOOR)."""
    s = name_sim(a, b)
    if s is None:
        return None
    return max(0.0, (s - NAME_FLOOR) / (1.0 - NAME_FLOOR))


@lru_cache(maxsize=65536)  # given names repeat from row to row
def part_sim_ceiling(a: str, b: str) -> float:
    """At least part_sim(a, b), cheaply (textsim.similarity_ceiling); 0 if a key is empty."""
    s = (1.0 if a == b else similarity_ceiling(a, b, DROPPED_BASE, DROPPED_SPAN)) if a and b else 0.0
    return max(0.0, (s - NAME_FLOOR) / (1.0 - NAME_FLOOR))


COMMON_AT = NAMESAKE_CAP  # this many namesakes make a name "very common"


def commonness(namesakes: int) -> float:
    """0 for a name nobody else in the register has, 1 for COMMON_AT or more."""
    return min(1.0, math.log1p(max(0, namesakes - 1)) / math.log(COMMON_AT))


class PersonSide(NamedTuple):
    """One side of a comparison: name keys (surname_key is the whole surname's
    skeleton; surname_parts the words of a double one; surname_root the indexed key
    without sex and reform endings), birth date, IIN, sex."""

    surname_key: str
    name_key: str
    patronymic_key: str
    birth_date: dt.date | None
    iin: str
    sex: str
    surname_parts: tuple[str, ...] = ()
    surname_root: str = ""
    texts: tuple[str, ...] = ()  # surname and given name as typed (for _with_typed)
    from_iin: bool = False  # birth date and sex read from the IIN, not typed
    # The probe's patronymic read as a given name and its given name as a patronymic
    # (keyed into each other's fields: "Есбол Болатович" as name "Болатович"); () if not both.
    name_patronymic: tuple[str, str] = ()


class Verdict(NamedTuple):
    score: float
    perfect: bool  # every known part equal, or the same valid IIN: may be "exact"
    reasons: tuple[str, ...]


ROOT_SIM = 0.9  # Иванов ~ Иванова, Қасымов ~ Қасымұлы: one family's forms of a surname
PART_SIM = 0.9  # Иванова ~ Иванова-Петрова: one part of a double surname
INITIAL_WEIGHT = 0.5  # "Н." for Нұрлан: agrees, but says little
NAME_CONFLICT = 0.55  # below this the given names are different names, not a slip
NAME_CONFLICT_FACTOR = 0.8
W_SURNAME_WOMAN = 0.2
TYPED_CHECK_BELOW, TYPED_CHECK_ABOVE = 0.8, 0.2
IIN_ALONE = 0.9  # the same valid IIN under other names: probable, never exact
NEAR_IIN_NAMES = 0.92
NEAR_IIN_PULL, NEAR_IIN_PULL_INVALID = 0.3, 0.5


def _initial(a: str, b: str) -> float | None:
    """An initial against a name: 1 if the name starts with it, else 0; None when
    neither is an initial (a key of at most two letters: Н. -> n, Ш. -> sh)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) <= 2 < len(long_) or (len(short) == 1 < len(long_)):
        return 1.0 if long_.startswith(short) else 0.0
    return None


def _part(a: str, b: str, weight: float) -> tuple[float, float | None]:
    """(weight, similarity) of a given name or patronymic, initials weighing less."""
    if not a or not b:
        return weight, None
    initial = _initial(a, b)
    if initial is not None:
        return weight * INITIAL_WEIGHT, initial
    return weight, nickname_sim(a, b, part_sim(a, b))  # Саша for Александр (nicknames)


def surname_sim(a: PersonSide, b: PersonSide) -> float | None:
    s = part_sim(a.surname_key, b.surname_key)
    if s is None or s == 1.0:
        return s
    if a.surname_root and a.surname_root == b.surname_root:
        s = max(s, ROOT_SIM)
    if len(a.surname_parts) > 1 or len(b.surname_parts) > 1:
        for pa in a.surname_parts or (a.surname_key,):
            for pb in b.surname_parts or (b.surname_key,):
                s = max(s, PART_SIM * (part_sim(pa, pb) or 0.0))
    return s


def _weighted(parts: list[tuple[float, float | None]]) -> float:
    total = acc = 0.0
    for w, s in parts:
        total += w
        acc += w * (UNKNOWN if s is None else s)
    return acc / total


@lru_cache(maxsize=65536)
def _cyrillic(text: str) -> str:
    """A name as typed, folded (case, Kazakh letters, hyphens) but not transliterated."""
    out = basic(text)
    return out if any("\u0400" <= ch <= "\u04ff" for ch in out) else ""


def _with_typed(s: float | None, a: str, b: str) -> float | None:
    """A slip in Cyrillic can look bigger in the Latin key (Юлия ~ лЮия is one swap of
    letters, "iulia" ~ "liuia" two): a doubtful pair is compared as typed too."""
    if s is None or not TYPED_CHECK_ABOVE <= s < TYPED_CHECK_BELOW or not a or not b:
        return s
    ca, cb = _cyrillic(a), _cyrillic(b)
    if ca and cb:
        s = max(s, part_sim(ca, cb) or 0.0)
    return s


def _iin_verdict(probe: PersonSide, cand: PersonSide, score: float, names_agree: bool,
                 all_agree: bool, reasons: list[str]) -> tuple[float, bool | None]:
    """The score moved by the IINs, and False when it can no longer be "exact" (True:
    settled as exact; None: as it was)."""
    a, b = probe.iin, cand.iin
    if not a or not b:
        return score, None
    if a == b and iin_valid(a):
        reasons.insert(0, "iin")
        if names_agree:
            return 1.0, True
        # Another person's IIN under these names: most often a slip in the number
        # (serials of one birth date are dense). The panel shows both, neither exact.
        reasons.append("names_differ")
        return max(score, IIN_ALONE), False
    if a == b:  # same number, bad check digit: still telling
        reasons.append("iin_same_invalid")
        return 0.5 + 0.5 * score, None
    # (two valid numbers: whether they are a slip apart matters only when all agree)
    both_valid = iin_valid(a) and iin_valid(b)
    near = iin_near(a, b) if all_agree or not both_valid else False
    if both_valid and not (near and all_agree):
        # Twins get neighbouring serials; only names and date all equal make a
        # one-digit difference a slip.
        reasons.append("iin_differs")
        return score * IIN_CONFLICT_FACTOR, False
    if near:
        reasons.append("iin_near")
        # A number that fails its check digit is certainly mistyped: the valid one a
        # slip away is the likelier reading of it.
        score += (1.0 - score) * (NEAR_IIN_PULL if iin_valid(a) else NEAR_IIN_PULL_INVALID)
        # Every name equal and the number one slip off: more likely than the holder
        # of the number under other names (IIN_ALONE).
        return (max(score, NEAR_IIN_NAMES) if all_agree else score), False
    return score, None


def _swap(probe: PersonSide, cand: PersonSide) -> bool:
    """Worth comparing surname with name: one begins as the other's other part does."""
    return bool(probe.surname_key[:1] == cand.name_key[:1] or
                probe.name_key[:1] == cand.surname_key[:1])


OTHER_SURNAME_EDITS = 3  # letters apart (after spelling is folded): no longer a slip
OTHER_SURNAME_SIM = 0.3


def _other_surname(probe: PersonSide, cand: PersonSide) -> bool:
    """Two surnames that share their start and end but not their middle (Мырзажанов /
    Мырзаберов, Кунгалиева / Күнділдаева: compound Kazakh surnames of other families)
    look alike letter by letter; three letters or more apart, they are other surnames,
    not a slip. Not for double surnames, nor for one that is the other with letters lost."""
    a, b = probe.surname_key, cand.surname_key
    if len(probe.surname_parts) > 1 or len(cand.surname_parts) > 1 or \
            (probe.surname_root and probe.surname_root == cand.surname_root):
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if _subsequence(short, long_):
        return False
    return edits(a, b) >= OTHER_SURNAME_EDITS


def _name_patronymic_swapped(probe: PersonSide, cand: PersonSide, s_name: float | None,
                             w_name: float) -> tuple[float, float] | None:
    """(name, patronymic) similarities when the probe's given name and patronymic were
    keyed into each other's fields and that explains both far better; else None."""
    if not probe.name_patronymic or s_name is None or s_name >= NAME_CONFLICT or \
            w_name != W_NAME or not cand.patronymic_key or \
            part_sim_ceiling(probe.name_patronymic[0], cand.name_key) < NAME_CONFLICT:
        return None
    sw_name = part_sim(probe.name_patronymic[0], cand.name_key)
    sw_pat = part_sim(probe.name_patronymic[1], cand.patronymic_key) \
        if sw_name is not None and sw_name >= NAME_CONFLICT else None
    if sw_name is None or sw_pat is None or min(sw_name, sw_pat) < NAME_CONFLICT:
        return None
    return sw_name * SWAP_FACTOR, sw_pat * SWAP_FACTOR


NAME_ALIKE = "name_alike"  # given names read as one name with a slip (see score_person)
OWN_NAME_FACTOR = 0.84  # two names of their own: from "probable" (0.85) down to "possible"
_KK_LETTERS = frozenset("әғқңөұүһі")


def _kazakh_letters_lost(a: str, b: str) -> bool:
    """One name as typed is the other with Kazakh letters left out (Саат for Сағат, by an
    old encoding or keyboard), whatever names the shorter one happens to spell."""
    short, long_ = sorted((a.lower(), b.lower()), key=len)
    if not short or len(short) == len(long_):
        return False
    it = iter(short)
    at = next(it)
    for ch in long_:
        if ch == at:
            at = next(it, "")
        elif ch not in _KK_LETTERS:
            return False
    return at == ""


def score_person(probe: PersonSide, cand: PersonSide, namesakes: int = 0,
                 floor: float = 0.0, own_name: bool = False) -> Verdict:
    """The verdict on a candidate. Below `floor` (the lowest score worth showing) the
    work stops as soon as the best the remaining parts could do is known to be short.

    A given name alike the candidate's (Марина / Мария) is read as a slip of it and the
    verdict says so (NAME_ALIKE): only the register knows whether both are names people
    bear. `own_name`: they are (candidates.own_names), two names, twin sisters, and the
    candidate is "possible" at most."""
    reasons: list[str] = []
    # A birth date (and sex) read from the probe's IIN says nothing more when the
    # candidate's IIN is that number with a slip: the slip is in both.
    slipped_number = probe.from_iin and bool(cand.iin) and iin_near(probe.iin, cand.iin)
    s_date, why_date = (UNKNOWN, "") if slipped_number else \
        date_sim(probe.birth_date, cand.birth_date)
    # A woman's surname changes with marriage: it tells less about her.
    w_sur = W_SURNAME_WOMAN if probe.sex == cand.sex == "2" else W_SURNAME
    numbers = bool(probe.iin and cand.iin)  # an IIN can lift any score: no shortcut
    w_pat = W_PATRONYMIC if probe.patronymic_key and cand.patronymic_key else 0.0
    if not numbers and _weighted([(w_sur, 1.0), (W_NAME, 1.0), (w_pat, 1.0),
                                  (W_DATE, s_date)]) < floor:
        return Verdict(0.0, False, ())
    w_name, s_name = _part(probe.name_key, cand.name_key, W_NAME)
    if w_name == W_NAME and len(probe.texts) > 1 and len(cand.texts) > 1:
        s_name = _with_typed(s_name, probe.texts[1], cand.texts[1])
    s_sur = surname_sim(probe, cand)
    if probe.texts and cand.texts:
        s_sur = _with_typed(s_sur, probe.texts[0], cand.texts[0])
    if s_sur is not None and s_sur < ROOT_SIM and _other_surname(probe, cand):
        s_sur = min(s_sur, OTHER_SURNAME_SIM)
    name_alike = w_name == W_NAME and s_name is not None and NAME_CONFLICT <= s_name < 1.0 \
        and not _kazakh_letters_lost((*probe.texts, "", "")[1], (*cand.texts, "", "")[1])
    if s_sur is not None and s_name is not None and s_sur + s_name < 1.8 and \
            _swap(probe, cand) and (part_sim_ceiling(probe.surname_key, cand.name_key) +
                                    part_sim_ceiling(probe.name_key, cand.surname_key)
                                    ) * SWAP_FACTOR > s_sur + s_name:
        sw_sur = part_sim(probe.surname_key, cand.name_key)
        sw_name = part_sim(probe.name_key, cand.surname_key)
        if sw_sur is not None and sw_name is not None and \
                (sw_sur + sw_name) * SWAP_FACTOR > s_sur + s_name:
            s_sur, s_name = sw_sur * SWAP_FACTOR, sw_name * SWAP_FACTOR
            w_name, name_alike = W_NAME, False
            reasons.append("names_swapped")
    s_pat_swapped = _name_patronymic_swapped(probe, cand, s_name, w_name)
    if s_pat_swapped is not None:
        s_name, s_pat_swapped = s_pat_swapped
        name_alike = False
        reasons.append("name_patronymic_swapped")
    if not numbers and _weighted([(w_sur, s_sur), (w_name, s_name), (w_pat, 1.0),
                                  (W_DATE, s_date)]) < floor:
        return Verdict(0.0, False, ())
    if why_date:
        reasons.append(why_date)
    w_pat, s_pat = (W_PATRONYMIC, s_pat_swapped) if s_pat_swapped is not None else \
        _part(probe.patronymic_key, cand.patronymic_key, W_PATRONYMIC)
    parts = [(w_sur, s_sur), (w_name, s_name), (W_DATE, s_date)]
    if s_pat is not None:  # often missing; absence is no evidence at all
        parts.append((w_pat, s_pat))
    score = _weighted(parts)
    perfect = all(s == 1.0 for _, s in parts) and "names_swapped" not in reasons \
        and "name_patronymic_swapped" not in reasons \
        and w_name == W_NAME and (s_pat is None or w_pat == W_PATRONYMIC)
    if s_name is not None and s_name < NAME_CONFLICT and w_name == W_NAME:
        # Another given name: a brother, a sister, a twin, not a slip of the pen.
        score *= NAME_CONFLICT_FACTOR
        reasons.append("name_differs")
    elif name_alike and own_name:
        score *= OWN_NAME_FACTOR
        reasons.append("name_differs")
    elif name_alike:
        reasons.append(NAME_ALIKE)
    # A name many people share proves little unless the birth date is the same too:
    # among a hundred namesakes one is likely to be born a slip away from the probe.
    # (Namesakes of the probe's surname: nothing to do with a candidate under another
    # surname, a woman under her maiden name.)
    if s_date < 1.0 and (s_sur is None or s_sur >= NAME_CONFLICT):
        score -= COMMON_PENALTY * commonness(namesakes) * (1.0 if s_date > UNKNOWN else 0.5)
    names_agree = not (s_sur is not None and s_name is not None and
                       s_sur < NAME_CONFLICT and s_name < NAME_CONFLICT)
    all_agree = s_sur == 1.0 and s_name == 1.0 and s_pat in (None, 1.0) and \
        (s_date == 1.0 or slipped_number)
    score, settled = _iin_verdict(probe, cand, score, names_agree, all_agree, reasons)
    if settled is True:
        return Verdict(1.0, True, tuple(reasons))
    if settled is False:
        perfect = False
    if probe.sex in ("1", "2") and cand.sex in ("1", "2") and probe.sex != cand.sex \
            and not slipped_number:
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


@lru_cache(maxsize=65536)  # a firm's name meets the same neighbours card after card
def legal_name_sim(a: str, b: str, words_a: str, words_b: str) -> float | None:
    """Legal names: keys compared as persons' are, and their words sorted (word order:
    "Береке Строй" ~ "Строй Береке"); a name whose words are all in the other
    ("Береке" ~ "Береке Строй") is alike in proportion to what it shares."""
    base = _legal_key_sim(a, b)
    if base is None:
        return None
    if base < 1.0 and words_a and words_b:
        base = max(base, WORD_ORDER_SIM * (_legal_key_sim(words_a.replace(" ", ""),
                                                          words_b.replace(" ", "")) or 0.0))
        wa, wb = set(words_a.split()), set(words_b.split())
        if wa < wb or wb < wa:
            short, long_ = (wa, wb) if wa < wb else (wb, wa)
            share = sum(map(len, short)) / max(1, sum(map(len, long_)))
            base = max(base, SUBSET_BASE + SUBSET_SPAN * share)
        # An entrepreneur's initials (ИП Ахметов А.Н. is not ИП Ахметов С.Н.) and a
        # firm's number (Береке-2005 is not Береке-2012) tell firms apart.
        ia, ib = _initials(words_a), _initials(words_b)
        if ia and ib and ia != ib:
            base *= OTHER_MARKS
        if _numbers(words_a) != _numbers(words_b):  # Строй 49 is not Строй, nor Строй 50
            base *= OTHER_MARKS
        if bool(_initials(words_a)) != bool(_initials(words_b)):
            base = min(base, ONE_SIDE_INITIALS)  # ИП Ахметов А.Н. ~ КХ «Ахметов»
    return base


def _initials(words: str) -> list[str]:
    return [w for w in words.split() if len(w) == 1 and not w.isdigit()]


def _numbers(words: str) -> set[str]:
    return {"".join(ch for ch in w if ch.isdigit()) for w in words.split()} - {""}


SUBSET_BASE, SUBSET_SPAN = 0.7, 0.2
ONE_SIDE_INITIALS = 0.9
WORD_ORDER_SIM = 0.98  # the same words in another order
OTHER_MARKS = 0.85
NEAR_NUMBER_PULL = 0.5
NAME_SLIP_FACTOR = 0.93  # 0.92 * 0.93 < 0.86: a name one slip off stays below "probable"
NEAR_NAME_TRUST = 0.85
LEGAL_NAME_CONFLICT = 0.6  # a BIN (RNN) one slip from the firm's: half the way to certain


def score_legal(name_s: float | None, probe_bin: str, cand_bin: str, probe_rnn: str,
                cand_rnn: str) -> Verdict:
    # A name alone is never "exact": two firms may share it in different regions. Nor
    # is a name that is not the same words "probable" by itself: among many thousand
    # firms one letter tells them apart (Қымбат / Сымбат, Кенбеков / Кенберов); a typo is
    # still offered, first, as "possible".
    score = 0.92 * (UNKNOWN if name_s is None else name_s)
    if name_s is not None and name_s < WORD_ORDER_SIM:
        score *= NAME_SLIP_FACTOR
    reasons: list[str] = []
    for kind, a, b, valid in (("bin", probe_bin, cand_bin, iin_valid),
                              ("rnn", probe_rnn, cand_rnn, rnn_valid)):
        if not a or not b:
            continue
        if a == b and valid(a):
            if name_s is not None and name_s < LEGAL_NAME_CONFLICT:
                # Another firm's number under this name: a renamed firm, or a slip in
                # the number (its 11th digit is not checked). Shown, never exact.
                return Verdict(IIN_ALONE, False, (kind, "name_differs", *reasons))
            return Verdict(1.0, True, (kind, *reasons))
        # A check digit misses some slips (the 11th digit weighs 11 = 0 mod 11), so two
        # valid numbers one slip apart under a name alike are one firm mistyped. (Two
        # valid numbers under names not alike differ whether a slip apart or not.)
        both_valid = valid(a) and valid(b)
        trusted = (name_s or 0.0) >= NEAR_NAME_TRUST
        near = iin_near(a, b) if trusted or not both_valid else False
        if both_valid and not (near and trusted):
            score *= IIN_CONFLICT_FACTOR
            reasons.append(f"{kind}_differs")
        elif near:  # the number still points here
            score += (1.0 - score) * NEAR_NUMBER_PULL
            reasons.append(f"{kind}_near")
    return Verdict(max(0.0, min(1.0, score)), False, tuple(reasons))
