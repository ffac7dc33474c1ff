"""Test set-up that changes registered data directly, through the logged path: the
database refuses a change to a registered card without a reason and a new version."""

from __future__ import annotations

from typing import Any

from models import audit
from models.tables import Card


def set_card(card_id: int, **values: Any) -> None:
    """Change a card's columns as a test's set-up, logged with a reason."""
    with audit.writing(event="test", reason="test set-up"):
        Card.update(**values, version=Card.version + 1).where(Card.id == card_id).execute()
