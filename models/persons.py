"""Persons and legal entities: the one place they are written.

Identification data of a person that changes is kept as history (§38: a request
about a person carries their former data too).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import audit, bulk
from models.matching.keys import legal_keys, person_keys
from models.permissions import Action, require
from models.tables import LegalEntity, Person, PersonHistory, User, now

# Card field -> Person column, and card field -> LegalEntity column.
PERSON_COLUMNS = {"surname": "surname", "given_name": "given_name", "patronymic": "patronymic",
                  "birth_date": "birth_date", "sex": "sex", "iin": "iin", "address": "address",
                  "citizenship": "citizenship", "id_document": "id_document"}
LEGAL_COLUMNS = {"legal_name": "name", "legal_address": "address", "rnn": "rnn", "bin": "bin",
                 "legal_form": "legal_form", "commercial_status": "commercial_status"}


def _person_keys(row: dict[str, Any]) -> dict[str, Any]:
    """Match keys stored with the person (models.matching.keys)."""
    return person_keys(row.get("surname") or "", row.get("given_name") or "",
                       row.get("patronymic") or "", row.get("birth_date"))


def _legal_keys(row: dict[str, Any]) -> dict[str, Any]:
    return legal_keys(row.get("name") or "")


def add_legal_variants(entities: list[tuple[int, str]]) -> None:
    """The look-up rows of short names' one-slip variants (models.matching) for newly
    written legal entities: (id, name_key) pairs. Whoever writes legal entities calls
    this in the same transaction (create_legal_entity does)."""
    try:
        from models.matching.keys import legal_variants
        from models.matching.tables import LegalNameVariant
    except ImportError:
        return
    rows = [(v, eid) for eid, key in entities for v in legal_variants(key)]
    f = LegalNameVariant._meta.fields
    bulk.insert_tuples(LegalNameVariant._meta.table_name,
                       (f["variant"].column_name, f["legal_entity"].column_name), rows)


def person_row(values: dict[str, Any]) -> dict[str, Any]:
    """Person columns from card values (empty strings for missing text)."""
    row: dict[str, Any] = {}
    for field, column in PERSON_COLUMNS.items():
        value = values.get(field)
        row[column] = value if value is not None or column in ("birth_date", "iin") else ""
    return row


def person_columns(values: dict[str, Any]) -> dict[str, Any]:
    """A new person's columns from card values, match keys included."""
    row = person_row(values)
    row.update(_person_keys(row))
    return row


def legal_columns(values: dict[str, Any]) -> dict[str, Any]:
    """A new legal entity's columns from card values, match key included."""
    row = {column: values.get(field) or ("" if column not in ("rnn", "bin") else None)
           for field, column in LEGAL_COLUMNS.items()}
    row.update(_legal_keys(row))
    return row


def create_person(values: dict[str, Any], user: User | None, ref: str | None = None) -> Person:
    require(user, Action.CREATE_PERSON)
    stamp = now()
    return bulk.insert_one(Person, {**person_columns(values), "ref": ref, "created_by": user,
                                    "created_at": stamp, "updated_at": stamp})


def create_persons(rows: list[tuple[dict[str, Any], str | None]], user: User | None) -> int:
    """Many persons at once (CSV imports): (card values, ref) pairs, the same columns
    and match keys as create_person, written with multi-row INSERTs (per-row INSERTs
    spend most of their time building SQL). Returns how many were written."""
    require(user, Action.CREATE_PERSON)
    stamp = now()
    data = []
    for values, ref in rows:
        row = person_row(values)
        row.update(_person_keys(row))
        data.append({**row, "ref": ref, "created_by": user, "created_at": stamp,
                     "updated_at": stamp})
    with audit.writing(user, "import"):
        for start in range(0, len(data), 100):  # 100 rows x ~20 columns: under any bind limit
            Person.insert_many(data[start:start + 100]).execute()
    return len(data)


def create_legal_entity(values: dict[str, Any], user: User | None) -> LegalEntity:
    require(user, Action.CREATE_PERSON)
    stamp = now()
    entity = bulk.insert_one(LegalEntity, {**legal_columns(values), "created_by": user,
                                           "created_at": stamp, "updated_at": stamp})
    add_legal_variants([(entity.id, entity.name_key)])
    return entity


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def update_identification(person: Person, changes: dict[str, Any], user: User | None,
                          reason: str) -> list[PersonHistory]:
    """Change a person's identification data keeping the former values (§38).
    `changes` uses card field names; unchanged values are ignored. Only a user who may
    correct registered data does this (an operator links, never rewrites)."""
    require(user, Action.CORRECT_PERSON)
    with audit.writing(user, "identify", reason=reason):
        return _update_identification(person, changes, user, reason)


def _update_identification(person: Person, changes: dict[str, Any], user: User | None,
                           reason: str) -> list[PersonHistory]:
    history = []
    for field, value in changes.items():
        column = PERSON_COLUMNS[field]
        old = getattr(person, column)
        if (old or None) == (value or None):
            continue
        history.append(PersonHistory.create(person=person, field_name=field, old_value=_text(old),
                                            new_value=_text(value), reason=reason,
                                            changed_by=user, changed_at=now()))
        setattr(person, column, value if value is not None or column in ("birth_date", "iin")
                else "")
    if history:
        row = {c: getattr(person, c) for c in PERSON_COLUMNS.values()}
        for column, value in _person_keys(row).items():
            setattr(person, column, value)
        person.updated_at = now()
        person.save()
    return history
