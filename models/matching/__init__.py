"""Duplicate-person detection (§34-1): keys, candidates and scores.

    person_keys / legal_keys        columns written with every person / legal entity
    find_candidates(probe, limit)   persons who may be the one being keyed, best first
    find_legal_candidates(...)      the same for legal entities (BIN, RNN, name)

The operator's answers are in models.matching.decisions (Decision, link_same_person,
record_distinct ...), not imported here: decisions write persons (models.persons), and
models.persons computes its match keys with models.matching.keys; importing this
package must not import models.persons back.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.matching.candidates import (
        Candidate,
        CardSummary,
        earlier_cards,
        find_candidates,
        may_find,
        namesakes,
    )
    from models.matching.keys import LegalProbe, Probe, legal_keys, person_keys
    from models.matching.legal import LegalCandidate, find_legal_candidates
    from models.matching.normalize import legal_name_key, patronymic_stem, skeleton
    from models.matching.score import EXACT, POSSIBLE, PROBABLE

# Each name from the module it lives in, imported when first asked for: saving a card
# needs the keys, and the submodules import this package first, so importing here would
# bring the search and its scoring (rapidfuzz) into every start of the card screen.
_WHERE = {
    **dict.fromkeys(("Candidate", "CardSummary", "earlier_cards", "find_candidates",
                     "may_find", "namesakes"), "candidates"),
    **dict.fromkeys(("LegalCandidate", "find_legal_candidates"), "legal"),
    **dict.fromkeys(("LegalProbe", "Probe", "legal_keys", "person_keys"), "keys"),
    **dict.fromkeys(("legal_name_key", "patronymic_stem", "skeleton"), "normalize"),
    **dict.fromkeys(("EXACT", "POSSIBLE", "PROBABLE"), "score"),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "EXACT", "POSSIBLE", "PROBABLE", "Candidate", "CardSummary", "LegalCandidate", "LegalProbe",
    "Probe", "earlier_cards", "find_candidates", "find_legal_candidates", "legal_keys",
    "legal_name_key", "may_find", "namesakes", "patronymic_stem", "person_keys", "skeleton",
]
