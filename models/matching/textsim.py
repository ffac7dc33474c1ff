"""Jaro-Winkler and Damerau-Levenshtein similarity of two short strings, in Python.

A person's name keys are a few letters long (six on average) and each pair is scored
once per process (models.matching.score caches them), so plain Python is quick enough
for them; rapidfuzz's compiled code, which scores legal names' long keys, costs the card
screen ~3.5 MiB of memory from its first duplicate check. The scores are exactly
rapidfuzz's (tests/test_matching_textsim.py), by the usual definitions:

- Jaro: characters are common when equal and at most max(len) // 2 - 1 apart, each
  used once; sim = (m / len1 + m / len2 + (m - t) / m) / 3 with t the common
  characters out of order, halved. Jaro-Winkler adds prefix * 0.1 * (1 - sim) for a
  common prefix of up to 4 characters when sim > 0.7.
- Damerau-Levenshtein: the unrestricted distance (insertions, deletions,
  substitutions and transpositions of adjacent characters, a substring may be edited
  more than once; "CA" -> "ABC" is 2), normalized as 1 - distance / max(len).

Both give 1.0 for two empty strings (the scorer compares only non-empty keys).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["common_letters", "damerau_levenshtein", "damerau_levenshtein_similarity",
           "edit_similarity", "edits", "jaro", "jaro_winkler_similarity", "similarity_ceiling"]

PREFIX_WEIGHT = 0.1
PREFIX_MAX = 4
BOOST_ABOVE = 0.7


def jaro(s1: str, s2: str) -> float:
    len1, len2 = len(s1), len(s2)
    if not len1 or not len2:
        return 1.0 if len1 == len2 else 0.0
    if len1 == 1 and len2 == 1:
        return 1.0 if s1 == s2 else 0.0
    bound = max(len1, len2) // 2 - 1
    # Characters of the longer string beyond the other's length plus the window can
    # never be common: left out of the scan.
    if len2 > len1 + bound:
        s2 = s2[:len1 + bound]
    elif len1 > len2 + bound:
        s1 = s1[:len2 + bound]
    taken = [False] * len2
    common1: list[str] = []
    last = len2 - 1
    for i, ch in enumerate(s1):
        lo = i - bound if i > bound else 0
        hi = i + bound if i + bound < last else last
        j = s2.find(ch, lo, hi + 1)
        while j != -1 and taken[j]:
            j = s2.find(ch, j + 1, hi + 1)
        if j != -1:
            taken[j] = True
            common1.append(ch)
    m = len(common1)
    if not m:
        return 0.0
    common2 = [ch for ch, t in zip(s2, taken, strict=False) if t]
    transpositions = sum(a != b for a, b in zip(common1, common2, strict=True)) // 2
    return (m / len1 + m / len2 + (m - transpositions) / m) / 3.0


def jaro_winkler_similarity(s1: str, s2: str) -> float:
    sim = jaro(s1, s2)
    if sim > BOOST_ABOVE:
        prefix = 0
        for a, b in zip(s1[:PREFIX_MAX], s2[:PREFIX_MAX], strict=False):
            if a != b:
                break
            prefix += 1
        sim += prefix * PREFIX_WEIGHT * (1.0 - sim)
        sim = min(sim, 1.0)
    # Through the distance and back, as the scores were always computed (rapidfuzz's
    # normalized_similarity): it moves some by one unit in the last place, and the
    # scores (their ties and thresholds) stay exactly what they were.
    return 1.0 - (1.0 - sim)


def damerau_levenshtein(s1: str, s2: str) -> int:
    """The unrestricted Damerau-Levenshtein distance (Lowrance-Wagner, in Zhao's
    two-row form: the last row of each character of s1, the last matching column).
    A common prefix and suffix cost nothing and are left out first."""
    n = min(len(s1), len(s2))
    head = 0
    while head < n and s1[head] == s2[head]:
        head += 1
    tail = 0
    while tail < n - head and s1[-1 - tail] == s2[-1 - tail]:
        tail += 1
    if head or tail:
        s1, s2 = s1[head:len(s1) - tail], s2[head:len(s2) - tail]
    len2 = len(s2)
    if not s1 or not len2:
        return len(s1) or len2
    big = max(len(s1), len2) + 1
    last_row: dict[str, int] = {}
    fr = [big] * (len2 + 2)
    r1 = [big] * (len2 + 2)
    r = list(range(len2 + 2))
    r[-1] = big
    for i, ch1 in enumerate(s1, 1):
        r, r1 = r1, r
        last_col = -1
        last_i2l1 = r[0]
        r[0] = left = i
        t = big
        diag, diag2 = r1[0], big  # r1[j - 1], r1[j - 2]
        for j, ch2 in enumerate(s2, 1):
            up = r1[j]
            if ch1 == ch2:
                # The distance is a metric: one letter more on either side costs at
                # most one, so the diagonal is never worse than left + 1 or up + 1.
                best = diag
                last_col = j
                fr[j] = diag2
                t = last_i2l1
            else:
                best = diag if diag < left else left
                if up < best:
                    best = up
                best += 1
                if last_col < 0:  # a transposition needs a match earlier in this row
                    last_i2l1 = r[j]
                    r[j] = left = best
                    diag2, diag = diag, up
                    continue
                k = last_row.get(ch2, -1)
                if j - last_col == 1:
                    swap = fr[j] + i - k
                    if swap < best:
                        best = swap
                elif i - k == 1:
                    swap = t + j - last_col
                    if swap < best:
                        best = swap
            last_i2l1 = r[j]
            r[j] = left = best
            diag2, diag = diag, up
        last_row[ch1] = i
    return r[len2]


def damerau_levenshtein_similarity(s1: str, s2: str) -> float:
    longest = max(len(s1), len(s2))
    if not longest:
        return 1.0
    return 1.0 - damerau_levenshtein(s1, s2) / longest


def common_letters(s1: str, s2: str) -> int:
    """How many letters the two strings share, each counted as often as both have it:
    Jaro's common characters are at most these, and the edit distance is at least the
    longer length less these (an edit changes one letter, a transposition none)."""
    n = 0
    for ch in s1:  # each letter of s1 takes one of s2's, while s2 has it left
        if ch in s2:
            s2 = s2.replace(ch, "", 1)
            n += 1
    return n


@lru_cache(maxsize=65536)
def edits(s1: str, s2: str) -> int:
    """damerau_levenshtein, kept: a search compares its surnames for the similarity and
    again for the distance (models.matching.score)."""
    return damerau_levenshtein(s1, s2)


def edit_similarity(s1: str, s2: str) -> float:
    """damerau_levenshtein_similarity by the kept distance (the same float)."""
    longest = max(len(s1), len(s2))
    return 1.0 - edits(s1, s2) / longest if longest else 1.0


PREFIX_MOST = PREFIX_MAX * PREFIX_WEIGHT  # Jaro-Winkler's largest boost


def similarity_ceiling(s1: str, s2: str, dropped_base: float, dropped_span: float) -> float:
    """At least the mean of Jaro-Winkler and Damerau-Levenshtein similarity of two
    non-empty strings, raised for a shorter one that may be the other with letters left
    out to dropped_base + dropped_span * its share (models.matching.score._key_sim),
    from common_letters alone: Jaro's common characters are at most these (and their
    transpositions at least none), the edit distance at least the longer length less
    these."""
    common = common_letters(s1, s2)
    short, long_ = sorted((len(s1), len(s2)))
    jaro = (common / short + common / long_ + 1.0) / 3.0 if common else 0.0
    jw = min(1.0, jaro + PREFIX_MOST * (1.0 - jaro) if jaro > BOOST_ABOVE else jaro)
    s = 0.5 * jw + 0.5 * common / long_
    if common == short >= 3 and 2 * short >= long_:  # may be a subsequence
        s = max(s, dropped_base + dropped_span * short / long_)
    return s + 1e-9  # rounding: the scores' sums are not exact
