"""Duplicate-person detection (§34-1): keys, candidates and scores.

    person_keys / legal_keys        columns written with every person / legal entity
    find_candidates(probe, limit)   persons who may be the one being keyed, best first
    find_legal_candidates(...)      the same for legal entities (BIN, RNN, name)

The operator's answers are in models.matching.decisions (Decision, link_same_person,
record_distinct ...), not imported here: decisions write persons (models.persons), and
models.persons computes its match keys with models.matching.keys; importing this
package must not import models.persons back.
"""

from models.matching.candidates import (
    Candidate,
    CardSummary,
    LegalCandidate,
    earlier_cards,
    find_candidates,
    find_legal_candidates,
    namesakes,
)
from models.matching.keys import LegalProbe, Probe, legal_keys, person_keys
from models.matching.normalize import legal_name_key, patronymic_stem, skeleton
from models.matching.score import EXACT, POSSIBLE, PROBABLE

__all__ = [
    "EXACT", "POSSIBLE", "PROBABLE", "Candidate", "CardSummary", "LegalCandidate", "LegalProbe",
    "Probe", "earlier_cards", "find_candidates", "find_legal_candidates", "legal_keys",
    "legal_name_key", "namesakes", "patronymic_stem", "person_keys", "skeleton",
]
