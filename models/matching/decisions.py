"""The operator's answers to a candidate: "same person" or "a different person".

Same person: the card is linked to the candidate (models.cards.register_card(...,
person=...)), and the identification data the operator chooses to take from the card
replace the stored ones through models.persons.update_identification, which keeps
the former values with who, when and why (§38).

Different person: the decision is stored with the operator and the time; the pair is
not offered again. Before the card's own person exists the decision is tied to the
typed data's fingerprint; `settle_fingerprint` turns it into a pair once it does.

The card screen's duplicates window takes a `Decision`, applied by register_card in
the card's transaction (`take`, `settle`): nothing is written before the card is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models.card_schema import FIELDS
from models.db import write_transaction
from models.field_values import WARNING, Issue
from models.i18n import T
from models.matching.keys import LegalProbe, Probe, as_date, person_keys
from models.matching.normalize import legal_name_key
from models.matching.score import PROBABLE
from models.matching.tables import LegalDistinct, PersonDistinct
from models.permissions import Action, require
from models.persons import LEGAL_COLUMNS, PERSON_COLUMNS, update_identification
from models.tables import LegalEntity, Person, PersonHistory, User, now

PersonRef = Person | int
LegalRef = LegalEntity | int


def _id(ref: pw.Model | int) -> int:
    return ref if isinstance(ref, int) else int(ref.get_id())


def _same(old: Any, new: Any) -> bool:
    return (old or None) == (new or None)


def identification_changes(person: Person, values: Mapping[str, Any]
                           ) -> dict[str, tuple[Any, Any]]:
    """Card field -> (stored value, card value) where the card says something else.
    Empty card values are not changes: the card just does not know them."""
    out: dict[str, tuple[Any, Any]] = {}
    for field_name, column in PERSON_COLUMNS.items():
        new = values.get(field_name)
        if new is None or new == "":
            continue
        old = getattr(person, column)
        if isinstance(old, dt.date) and isinstance(new, str):
            try:
                new = dt.date.fromisoformat(new)
            except ValueError:
                pass
        if not _same(old, new):
            out[field_name] = (old, new)
    return out


def link_same_person(person: PersonRef, values: Mapping[str, Any], user: User | None,
                     correct: Iterable[str] = (), reason: str = "") -> list[PersonHistory]:
    """The operator says the card's person is `person`. Fields named in `correct` are
    taken from the card's `values` into the person's identification data (former
    values kept as history); returns the history rows written. Linking the card
    itself is register_card(values, user, person=...). Correcting needs the role that
    corrects registered data (§38), linking alone the one that enters cards."""
    require(user, Action.CREATE_PERSON)
    p = person if isinstance(person, Person) else Person.get_by_id(person)
    wanted = set(correct)
    unknown = wanted - set(PERSON_COLUMNS)
    if unknown:
        raise ValueError(f"not identification fields: {sorted(unknown)}")
    changes = {f: new for f, (_, new) in identification_changes(p, values).items()
               if f in wanted}
    if not changes:
        return []
    if not reason.strip():
        raise ValueError("a correction of identification data needs a reason (§38)")
    with write_transaction():  # the register the models are bound to
        return update_identification(p, changes, user, reason.strip())


def _record(model: type[pw.Model], owner: str, a: int, other: int | None, fp: str | None,
            user: User | None) -> Any:
    """One "different" decision in `model` (PersonDistinct / LegalDistinct), whose first
    column is `owner`: a pair (stored low id first) or an id and a fingerprint."""
    if other is not None:
        lo, hi = sorted((a, other))
        if lo == hi:
            raise ValueError("a record cannot be different from itself")
        where = (getattr(model, owner) == lo) & (model.other == hi)
        values: dict[str, Any] = {owner: lo, "other": hi}
    else:
        where = (getattr(model, owner) == a) & (model.fingerprint == fp)
        values = {owner: a, "fingerprint": fp}
    existing = model.get_or_none(where)
    if existing is not None:  # deciding twice keeps the first decision
        return existing
    try:
        with model._meta.database.atomic():
            return model.create(**values, decided_by=user, decided_at=now())
    except pw.IntegrityError:  # the same decision saved by another operator meanwhile
        return model.get(where)


def _settle(model: type[pw.Model], owner: str, fp: str, new_id: int) -> int:
    n = 0
    for d in model.select().where(model.fingerprint == fp):
        old_id = getattr(d, owner + "_id")
        if old_id != new_id:
            _record(model, owner, old_id, new_id, None, d.decided_by)
            n += 1
    return n


def _fingerprint(other: str | Probe | Mapping[str, Any]) -> str:
    if isinstance(other, str):
        return other
    probe = other if isinstance(other, Probe) else Probe.from_dict(dict(other))
    return probe.fingerprint()


def _legal_fingerprint(other: str | LegalProbe | Mapping[str, Any]) -> str:
    if isinstance(other, str):
        return other
    probe = other if isinstance(other, LegalProbe) else LegalProbe.from_dict(dict(other))
    return probe.fingerprint()


def record_distinct(person: PersonRef, other: PersonRef | str | Probe | Mapping[str, Any],
                    user: User | None) -> PersonDistinct:
    """Store "`person` is not `other`". `other` is a person, or the typed data (a Probe,
    a probe dict or its fingerprint) when the card's person is not created yet."""
    if isinstance(other, Person | int):
        return _record(PersonDistinct, "person", _id(person), _id(other), None, user)
    return _record(PersonDistinct, "person", _id(person), None, _fingerprint(other), user)


def settle_fingerprint(probe: Probe | Mapping[str, Any] | str, person: PersonRef) -> int:
    """The card's person now exists: decisions taken against its typed data become
    decisions against the person. Returns how many pairs were recorded."""
    return _settle(PersonDistinct, "person", _fingerprint(probe), _id(person))


def are_distinct(a: PersonRef, b: PersonRef) -> bool:
    lo, hi = sorted((_id(a), _id(b)))
    return PersonDistinct.select().where((PersonDistinct.person == lo) &
                                         (PersonDistinct.other == hi)).exists()


def record_legal_distinct(entity: LegalRef,
                          other: LegalRef | str | LegalProbe | Mapping[str, Any],
                          user: User | None) -> LegalDistinct:
    """Store "`entity` is not `other`" for legal entities (as record_distinct)."""
    if isinstance(other, LegalEntity | int):
        return _record(LegalDistinct, "legal_entity", _id(entity), _id(other), None, user)
    return _record(LegalDistinct, "legal_entity", _id(entity), None,
                   _legal_fingerprint(other), user)


def settle_legal_fingerprint(probe: LegalProbe | Mapping[str, Any] | str,
                             entity: LegalRef) -> int:
    """As settle_fingerprint, for a legal entity created after the decision."""
    return _settle(LegalDistinct, "legal_entity", _legal_fingerprint(probe), _id(entity))


# --- the duplicates window's decision, applied when the card is saved ----------------

EXACT, CONFLICT = "exact", "conflict"
UNDECIDED = T("Нөмір басқа тұлғада бар: шешілмеді (F6)",
              "Номер есть у другого лица: не решено (F6)")
SAME_PERSON_REASON = T("Карточканы енгізу кезінде түзетілді (сол адам)",
                       "Исправлено при вводе карточки (то же лицо)")


@dataclass(frozen=True)
class Decision:
    """The operator's answer in the duplicates window. It changes nothing when taken:
    it stays with the card being typed and models.cards.register_card applies it in the
    card's own transaction (`take` before the card is written, `settle` after), so a
    card discarded leaves the register as it was.

    Same person (`person_id`) or legal entity (`legal_entity_id`): the card is linked
    to it; `correct` names identification fields taken from the card into the person's
    data (§38: former values kept; needs the role that may correct). Not same:
    `different_from` lists the candidates declared different from the card's own new
    person (or entity, `legal`). Left undecided (`undecided`: the candidates sharing the
    card's identification number with other data): the card gets its own new person
    (entity), nothing is recorded about the pair (offered again next time), and the card
    carries a warning at the number until it is saved."""

    person_id: int | None = None
    legal_entity_id: int | None = None
    correct: tuple[str, ...] = ()
    different_from: tuple[int, ...] = ()
    legal: bool = False
    undecided: tuple[int, ...] = ()

    @property
    def same(self) -> bool:
        return self.person_id is not None or self.legal_entity_id is not None

    def warnings(self) -> list[Issue]:
        """What the card shows while the decision stands: an identification number
        shared with another record's data, left undecided."""
        if not self.undecided:
            return []
        field = "bin" if self.legal else "iin"
        return [Issue(FIELDS[field].line, field, WARNING, UNDECIDED)]


def take(decision: Decision, values: Mapping[str, Any], user: User | None
         ) -> tuple[Person | None, LegalEntity | None]:
    """The person and legal entity a decision links the card to, with the chosen
    identification fields corrected (in the caller's transaction)."""
    person = legal = None
    if decision.person_id is not None:
        person = Person.get_by_id(decision.person_id)
        if decision.correct:
            require(user, Action.CORRECT_PERSON)  # changes registered identification data
            reason = f"{SAME_PERSON_REASON.kk} / {SAME_PERSON_REASON.ru}"
            if link_same_person(person, values, user, decision.correct, reason):
                person = Person.get_by_id(decision.person_id)
    if decision.legal_entity_id is not None:
        legal = LegalEntity.get_by_id(decision.legal_entity_id)
    return person, legal


def known_values(decision: Decision) -> dict[str, Any]:
    """Card field -> what the register holds for the person or legal entity the card
    was declared to be (empty values left out): the card's blank identification lines
    can take them instead of being keyed again."""
    if decision.legal_entity_id is not None:
        record: pw.Model | None = LegalEntity.get_or_none(id=decision.legal_entity_id)
        columns = LEGAL_COLUMNS
    elif decision.person_id is not None:
        record, columns = Person.get_or_none(id=decision.person_id), PERSON_COLUMNS
    else:
        return {}
    if record is None:
        return {}
    return {f: v for f, c in columns.items() if (v := getattr(record, c)) not in (None, "")}


def settle(decision: Decision, person_id: int | None, legal_entity_id: int | None,
           user: User | None) -> None:
    """After the card's own person (entity) was created: the candidates declared
    different become pairs with it, never offered again."""
    own = legal_entity_id if decision.legal else person_id
    if own is None:
        return
    record = record_legal_distinct if decision.legal else record_distinct
    for other in decision.different_from:
        if other != own:
            record(own, other, user)


def agreement(candidate: Any, values: Mapping[str, Any]) -> str:
    """How a candidate stands to the card: EXACT only when the identification number
    (IIN, BIN or RNN) is the same and so are the identification data (names folded as
    for matching, birth date); CONFLICT when the number is the same but the data are
    another person's; otherwise the candidate's own band (probable, possible)."""
    by_number = any(r in ("iin", "bin", "rnn") for r in getattr(candidate, "reasons", ()))
    if hasattr(candidate, "legal_entity_id"):
        agree = legal_name_key(candidate.name) == legal_name_key(
            str(values.get("legal_name") or ""))
    else:
        agree = _same_identity(candidate, values)
    if by_number:
        return EXACT if agree else CONFLICT
    return candidate.band if candidate.band != EXACT or agree else PROBABLE


def _same_identity(candidate: Any, values: Mapping[str, Any]) -> bool:
    mine = person_keys(str(values.get("surname") or ""), str(values.get("given_name") or ""),
                       str(values.get("patronymic") or ""), values.get("birth_date"))
    theirs = person_keys(candidate.surname or "", candidate.given_name or "",
                         candidate.patronymic or "", candidate.birth_date)
    if (mine["surname_key"], mine["name_key"]) != (theirs["surname_key"], theirs["name_key"]):
        return False
    if mine["patronymic_key"] and theirs["patronymic_key"] and \
            mine["patronymic_key"] != theirs["patronymic_key"]:
        return False
    born, their_born = as_date(values.get("birth_date")), as_date(candidate.birth_date)
    return born is None or their_born is None or born == their_born


def person_changes(person_id: int, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """identification_changes for a candidate by id."""
    return identification_changes(Person.get_by_id(person_id), values)
