"""A card as it was at an earlier version, from the correction log; the reasons given
for its changes between two versions. Re-exporting a package needs the first (the
package must come out identical even after later corrections), every package the
second (corrections and removals travel with their reasons, §34-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from models.audit import Correction
from models.card_schema import FIELDS, Kind


def audit_seal() -> str:
    """The sender's audit seal: the head of its correction log's hash chain, also sealed
    here (models.audit.seal, source `export`). A receiver that keeps the seals of a
    sender's packages sees a log that was rewritten (`apcard audit verify --seal` with a
    kept manifest: its hash is no longer in the log)."""
    from models import audit

    return audit.seal("export").hash


def typed(name: str, text: str | None) -> Any:
    """A value as the log stores it (models.corrections.to_text) back to its type."""
    if text is None:
        return None
    kind = FIELDS[name].kind
    if kind == Kind.DATE:
        return dt.date.fromisoformat(text)
    if kind == Kind.AMOUNT:
        return int(text)
    if kind == Kind.FLAG:
        return text == "1"
    return text


def values_at(card_id: int, version: int, values: dict[str, Any], status: str,
              current: int) -> tuple[dict[str, Any], str]:
    """The card's values and status at `version`, undoing the logged changes made after
    it, newest first, from the current `values`, `status` and `current` version."""
    if version >= current:
        return values, status
    values = dict(values)
    rows = (Correction.select(Correction.field_name, Correction.old_value)
            .where((Correction.card == card_id) & (Correction.card_version > version))
            .order_by(Correction.id.desc()).tuples())
    for name, old in rows:
        if name == "status":
            status = old
        elif name in FIELDS:
            values[name] = typed(name, old)
    return values, status


Span = tuple[int, int | None, int]  # card id, version sent before (None: never), version now


def reasons(spans: Iterable[Span]) -> dict[int, dict[str, dict[str, str]]]:
    """card id -> changed field (or "status") -> the latest reason {code, text} logged
    for it after the version sent before, up to the version being sent (a document's
    change, a notice of execution, has a text and no code)."""
    wanted = {cid: (base, now) for cid, base, now in spans if base is not None}
    out: dict[int, dict[str, dict[str, str]]] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = (Correction.select(Correction.card, Correction.card_version,
                                  Correction.field_name, Correction.reason_code,
                                  Correction.reason_text)
                .where(Correction.card.in_(chunk) & (Correction.reason_code.is_null(False)
                                                     | (Correction.reason_text != "")))
                .order_by(Correction.id).tuples())
        for cid, version, name, code, text in rows:
            base, now = wanted[cid]
            if version is not None and base < version <= now:
                out.setdefault(cid, {})[name] = {"code": code or "", "text": text or ""}
    return out
