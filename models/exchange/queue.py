"""The import queue: received cards whose person (or legal entity) may already be in the
register under a probable match. The engine does not guess; an operator decides, before
the Directorate's deadline to return a faulty card (3 working days from receipt, §12):

    same       the card belongs to the chosen candidate (linked, as on the card screen)
    different  a new person; the candidates are remembered as different people
    return     the card goes back to its sender with the operator's reason
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from models.config import Config
from models.exchange.checker import check_values, decode
from models.exchange.common import ExchangeError, write_transaction
from models.exchange.intake import Outcome, accept
from models.exchange.linking import find_links
from models.exchange.reasons import reason_list
from models.exchange.tables import ImportQueue, Package, PackageCard
from models.i18n import T
from models.matching.decisions import Decision, settle
from models.permissions import Action, PermissionDenied, require
from models.tables import LegalEntity, Person, User, now
from models.text import clean, find_control
from models.validation import ERROR, Issue, card_date, errors, subject_kind

REASON_MAX = 400


@dataclass
class Candidate:
    kind: str  # person | legal
    id: int
    score: float
    band: str
    label: str  # name and birth date / legal name and BIN, as stored


@dataclass
class Waiting:
    id: int
    uid: str
    sender: str
    package: str
    received_on: dt.date | None
    deadline: dt.date
    values: dict[str, Any]
    candidates: list[Candidate] = field(default_factory=list)

    def overdue(self, today: dt.date) -> bool:
        return today > self.deadline

    @property
    def label(self) -> str:
        v = self.values
        if v.get("surname"):
            born = v.get("birth_date")
            return " ".join(x for x in (v.get("surname"), v.get("given_name"),
                                        v.get("patronymic"),
                                        born.strftime("%d.%m.%Y") if born else "") if x)
        return str(v.get("legal_name") or "")


def _candidate(raw: dict[str, Any]) -> Candidate | None:
    kind, cid = raw.get("kind"), raw.get("id")
    if kind == "person":
        p = Person.get_or_none(Person.id == cid)
        if p is None:
            return None
        born = p.birth_date.strftime("%d.%m.%Y") if p.birth_date else ""
        label = " ".join(x for x in (p.surname, p.given_name, p.patronymic, born,
                                     p.iin or "") if x)
    else:
        e = LegalEntity.get_or_none(LegalEntity.id == cid)
        if e is None:
            return None
        label = " ".join(x for x in (e.name, e.bin or e.rnn or "") if x)
    return Candidate(kind, int(cid), float(raw.get("score") or 0), str(raw.get("band")), label)


def waiting(limit: int = 500) -> list[Waiting]:
    """Cards waiting for a decision, the closest deadline first."""
    rows = (ImportQueue.select(ImportQueue, PackageCard, Package)
            .join(PackageCard, on=(ImportQueue.item == PackageCard.id))
            .join(Package, on=(PackageCard.package == Package.id))
            .where(ImportQueue.state == "pending")
            .order_by(ImportQueue.deadline, ImportQueue.id).limit(limit))
    out = []
    for q in rows:
        item = q.item
        values, _ = decode(json.loads(q.record).get("values"))
        cands = [c for c in (_candidate(r) for r in json.loads(q.candidates or "[]")) if c]
        out.append(Waiting(q.id, item.uid, item.package.sender, item.package.ident,
                           item.package.received_on, q.deadline, values, cands))
    return out


def count_waiting() -> int:
    return ImportQueue.select().where(ImportQueue.state == "pending").count()


def _refuse(kk: str, ru: str) -> ExchangeError:
    return ExchangeError(T(kk, ru))


def decide(cfg: Config, queue_id: int, decision: str, user: User, *, person_id: int | None = None,
           legal_id: int | None = None, reason: str = "", today: dt.date | None = None
           ) -> Outcome:
    """Settle one waiting card. `same` needs the chosen candidate's id; `return` a reason."""
    today = today or dt.date.today()
    try:
        require(user, Action.ENTER_CARD)
    except PermissionDenied as exc:
        raise ExchangeError(exc.message) from None
    with write_transaction():
        q = ImportQueue.get_or_none((ImportQueue.id == queue_id)
                                    & (ImportQueue.state == "pending"))
        if q is None:
            raise _refuse("Бұл карточка бойынша шешім қабылданған",
                          "По этой карточке решение уже принято")
        item = PackageCard.get_by_id(q.item_id)
        pkg = Package.get_by_id(item.package_id)
        rec = json.loads(q.record)
        values, issues = check_values(rec, today)
        if decision == "return":
            out = Outcome("returned", issues=[Issue("", "", ERROR, T(*(2 * [_reason(reason)])))])
        elif errors(issues):
            out = Outcome("returned", issues=errors(issues))
        elif decision == "same":
            out = _same(cfg, pkg, rec, values, user, today, q, person_id, legal_id)
        elif decision == "different":
            out = _different(pkg, rec, values, user, today, q)
        else:
            raise ValueError(f"unknown decision {decision!r}")
        PackageCard.update(result=out.result, card=out.card_id, decided_at=now(),
                           decided_by=user, reasons=json.dumps(
                               reason_list(out.issues), ensure_ascii=False) if out.issues
                           else "").where(PackageCard.id == item.id).execute()
        ImportQueue.update(state="decided").where(ImportQueue.id == q.id).execute()
    return out


def _reason(text: str) -> str:
    if find_control(text or "") is not None:
        raise _refuse("Себепте басқару таңбалары болмауы керек",
                      "Причина не должна содержать управляющих символов")
    body = clean(text or "")
    if not body:
        raise _refuse("Қайтару себебін жазыңыз", "Укажите причину возврата")
    return body[:REASON_MAX]


def _offered(q: ImportQueue) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {"person": set(), "legal": set()}
    for c in json.loads(q.candidates or "[]"):
        out.setdefault(c.get("kind"), set()).add(c.get("id"))
    return out


def _same(cfg: Config, pkg: Package, rec: dict[str, Any], values: dict[str, Any], user: User,
          today: dt.date, q: ImportQueue, person_id: int | None, legal_id: int | None
          ) -> Outcome:
    offered = _offered(q)
    if person_id is None and legal_id is None:
        raise _refuse("Кандидатты таңдаңыз", "Выберите кандидата")
    if (person_id is not None and person_id not in offered["person"]) or (
            legal_id is not None and legal_id not in offered["legal"]):
        raise _refuse("Бұл кандидат ұсынылмаған", "Этот кандидат не предлагался")
    links = find_links(values, subject_kind(values, card_date(values)), cfg.matching)
    pid = person_id if person_id is not None else links.person_id
    lid = legal_id if legal_id is not None else links.legal_id
    return accept(pkg, rec, values, Person.get_by_id(pid) if pid is not None else None,
                  LegalEntity.get_by_id(lid) if lid is not None else None, user, today)


def _different(pkg: Package, rec: dict[str, Any], values: dict[str, Any], user: User,
               today: dt.date, q: ImportQueue) -> Outcome:
    offered = _offered(q)
    out = accept(pkg, rec, values, None, None, user, today)
    if out.card_id is None:
        return out
    from models.tables import Card

    card = Card.get_by_id(out.card_id)
    for legal, offered_ids in ((False, offered["person"]), (True, offered["legal"])):
        if offered_ids:  # each offered candidate: a different person (entity) from the card's
            settle(Decision(different_from=tuple(sorted(offered_ids)), legal=legal),
                   card.person_id, card.legal_entity_id, user)
    return out

