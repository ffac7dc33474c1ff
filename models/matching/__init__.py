"""Duplicate-person detection (§34-1): keys, candidates, scores and decisions.

    person_keys / legal_keys        columns written with every person / legal entity
    find_candidates(probe, limit)   persons who may be the one being keyed, best first
    find_legal_candidates(...)      the same for legal entities (BIN, RNN, name)
    link_same_person(...)           "same person": optional §38 correction from the card
    record_distinct(...)            "different person": stored, never offered again
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
from models.matching.decisions import (
    are_distinct,
    choose_different,
    choose_same_legal_entity,
    choose_same_person,
    identification_changes,
    link_same_person,
    person_changes,
    record_distinct,
    record_legal_distinct,
    settle_fingerprint,
    settle_legal_fingerprint,
)
from models.matching.keys import LegalProbe, Probe, legal_keys, person_keys
from models.matching.normalize import legal_name_key, patronymic_stem, skeleton
from models.matching.score import EXACT, POSSIBLE, PROBABLE

__all__ = [
    "EXACT", "POSSIBLE", "PROBABLE", "Candidate", "CardSummary", "LegalCandidate", "LegalProbe",
    "Probe", "are_distinct", "choose_different", "choose_same_legal_entity",
    "choose_same_person", "earlier_cards", "person_changes", "find_candidates", "find_legal_candidates",
    "identification_changes", "legal_keys", "legal_name_key", "link_same_person", "namesakes",
    "patronymic_stem", "person_keys", "record_distinct", "record_legal_distinct",
    "settle_fingerprint", "settle_legal_fingerprint", "skeleton",
]
