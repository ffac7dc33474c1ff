"""Drafts: the card being typed, saved on every change so nothing typed is lost.

One draft per user for a new card (Draft.card is None). The data is what the entry
screen needs to put the operator back exactly where they were: the text of every
field as typed, the focused field and the cursor, the fields kept for the next card.
Control characters never reach the database: they are dropped here as well.
"""

from __future__ import annotations

import json
from typing import Any

from models.card_schema import FIELDS
from models.db import database_proxy
from models.i18n import LANGUAGES
from models.tables import Draft, User, now
from models.text import strip_control

FORMAT = 1


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("values") or {}
    values = {k: strip_control(str(v)) for k, v in raw.items() if k in FIELDS and v}
    focus = data.get("focus")
    return {
        "format": FORMAT,
        "values": values,
        "focus": focus if focus in FIELDS else None,
        "cursor": int(data.get("cursor") or 0),
        "pinned": sorted(n for n in data.get("pinned") or () if n in FIELDS),
        "touched": sorted(n for n in data.get("touched") or () if n in FIELDS),
        # The language the operator was typing in: a resumed card comes back in it.
        "lang": data.get("lang") if data.get("lang") in LANGUAGES else None,
    }


def save_draft(user: User, data: dict[str, Any]) -> None:
    """Write (or replace) the user's draft of a new card."""
    text = json.dumps(_clean(data), ensure_ascii=False, sort_keys=True)
    with database_proxy.atomic():
        updated = (Draft.update(data=text, updated_at=now())
                   .where((Draft.user == user) & Draft.card.is_null())
                   .execute())
        if not updated:
            Draft.create(user=user, card=None, data=text, updated_at=now())


def load_draft(user: User) -> dict[str, Any] | None:
    """The user's draft, or None when there is none or it holds nothing typed."""
    row = (Draft.select().where((Draft.user == user) & Draft.card.is_null())
           .order_by(Draft.updated_at.desc()).first())
    if row is None:
        return None
    try:
        data = _clean(json.loads(row.data or "{}"))
    except (ValueError, TypeError, AttributeError):
        return None
    return data if data["values"] else None


def discard_draft(user: User) -> None:
    Draft.delete().where((Draft.user == user) & Draft.card.is_null()).execute()
