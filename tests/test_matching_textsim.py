"""The Python string similarities persons are scored with give exactly rapidfuzz's
scores (which legal names are still scored with): the same floats to the last bit, so
that rankings, ties and thresholds are the same whichever computed them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from models.matching import score
from models.matching.textsim import (
    damerau_levenshtein,
    damerau_levenshtein_similarity,
    jaro_winkler_similarity,
)
from tests.keyslips import slipped

# Few letters make repeated letters, transpositions and common affixes likely: where
# the algorithms' edge cases are.
SMALL = st.text(alphabet="ab", max_size=12)
LETTERS = st.text(alphabet="abcdeqңұ", max_size=16)
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=24)


def _same(a: str, b: str) -> None:
    assert jaro_winkler_similarity(a, b) == JaroWinkler.normalized_similarity(a, b)
    assert damerau_levenshtein_similarity(a, b) == \
        DamerauLevenshtein.normalized_similarity(a, b)
    assert damerau_levenshtein(a, b) == DamerauLevenshtein.distance(a, b)


@settings(max_examples=3000, deadline=None)
@given(SMALL, SMALL)
def test_two_letters(a: str, b: str) -> None:
    _same(a, b)


@settings(max_examples=2000, deadline=None)
@given(LETTERS, LETTERS)
def test_a_few_letters(a: str, b: str) -> None:
    _same(a, b)


@settings(max_examples=1000, deadline=None)
@given(KEYS, st.data())
def test_a_key_and_its_slips(a: str, data: st.DataObject) -> None:
    """A key against itself with a few edits: the pairs a search scores."""
    _same(a, slipped(a, data, 1))


def test_known_values() -> None:
    assert damerau_levenshtein("CA", "ABC") == 2  # unrestricted: not OSA's 3
    assert damerau_levenshtein("kasymov", "kaysmov") == 1
    assert damerau_levenshtein("", "abc") == 3
    assert jaro_winkler_similarity("", "") == 1.0
    assert jaro_winkler_similarity("a", "") == 0.0
    assert jaro_winkler_similarity("martha", "marhta") == \
        JaroWinkler.normalized_similarity("martha", "marhta")


def test_persons_and_legal_names_scored_alike() -> None:
    pairs = [("kasymov", "kasimov"), ("nurlan", "nrlan"), ("berekestroi", "stroibereke"),
             ("ahmetov", "ahmetova"), ("iulia", "liuia"), ("a", "ab")]
    for a, b in pairs:
        assert score.name_sim(a, b) == score._legal_key_sim(a, b), (a, b)
