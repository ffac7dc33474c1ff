"""The demo register's corrections: about 2% of its cards corrected after they were
saved, each with its reason, as an administrator corrects registered cards."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from models import codebook
from models.demo_data import DemoStats
from models.tables import Card, User


def correct_some(r: random.Random, today: dt.date, made: list[int], user: User | None,
                 stats: DemoStats) -> None:
    """About 2% of cards corrected afterwards, each with its reason, through the one
    correction path (an administrator's work: skipped without one)."""
    from models.corrections import CorrectionRefused, correct_card
    from models.permissions import Action, allowed

    if not allowed(user, Action.CORRECT_CARD):
        stats.corrections_skipped = "no administrator to make them"
        return
    if not codebook.entries("correction_reason"):
        stats.corrections_skipped = "correction reasons codebook not loaded"
        return
    for card_id in r.sample(made, k=max(1, len(made) // 50)):
        card = Card.get_by_id(card_id)
        if card.main_penalty == "02" and card.fine_collected != card.fine_imposed:
            changes: dict[str, Any] = {"fine_collected": card.fine_imposed}
            reason = ("04", "Взыскание штрафа подтверждено квитанцией, внесено с опозданием")
        elif card.person_id:
            changes = {"workplace": r.choice(("не работает", "пенсионер", "студент"))}
            reason = ("04", "Место работы указано неверно при вводе")
        else:
            changes = {"legal_address": f"{card.legal_address}, корпус 2"[:250]}
            reason = ("04", "Юридический адрес уточнён по справке о регистрации")
        try:
            correct_card(card.id, changes, user, reason[0], reason[1],
                         expected_version=card.version, today=today)
        except CorrectionRefused:
            continue
        stats.corrected += 1
