"""Acknowledgements: the receiving tier's answer to the packages it took in, and their
effect at the sender.

An acknowledgement lists, for every card record not yet answered, what became of it:
accepted, returned (with the reasons and the Directorate's deadline, §12) or removed.
Cards still waiting in the import queue are answered by a later acknowledgement.
Imported at the sender, it moves each card that is still at the version sent:
dispatched -> accepted, or dispatched -> returned with the reasons as the logged reason
(models.corrections, reason code 01 "returned by the Directorate").
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.config import Config
from models.corrections import CorrectionRefused, change_status
from models.exchange import format as fmt
from models.exchange import history
from models.exchange.common import ExchangeError, Org, own, split_uid, tier_below, write_transaction
from models.exchange.export import Written, manifest_head, new_package
from models.exchange.tables import CardOrigin, CardOutbox, Package, PackageCard
from models.i18n import T
from models.lifecycle import Event
from models.permissions import Action, PermissionDenied, require
from models.tables import Card, Status, User

ANSWER = {"accepted": "accepted", "unchanged": "accepted", "stale": "accepted",
          "returned": "returned", "removed": "removed"}
CHUNK = 1000
RETURNED_BY = "01"  # correction_reason: returned by the Directorate (§12)


def _answered(sender: str) -> Iterator[list[tuple]]:
    """Decided, unanswered records received from `sender`, in chunks, oldest first."""
    last = 0
    while True:
        rows = list(PackageCard.select(PackageCard.id, PackageCard.uid, PackageCard.version,
                                       PackageCard.result, PackageCard.reasons,
                                       PackageCard.return_due, Package.ident,
                                       Package.received_on)
                    .join(Package, on=(PackageCard.package == Package.id))
                    .where((Package.direction == "in") & (Package.kind == "cards")
                           & (Package.sender == sender) & PackageCard.ack_package.is_null()
                           & PackageCard.result.in_(list(ANSWER)) & (PackageCard.id > last))
                    .order_by(PackageCard.id).limit(CHUNK).tuples())
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def pending_answers(sender: str) -> int:
    return (PackageCard.select().join(Package, on=(PackageCard.package == Package.id))
            .where((Package.direction == "in") & (Package.sender == sender)
                   & PackageCard.ack_package.is_null() & PackageCard.result.in_(list(ANSWER)))
            .count())


def write_ack(cfg: Config, user: User | None, sender: str, out: Path,
              gz: bool = False) -> Written | None:
    """The acknowledgement of everything decided and not yet answered for `sender`;
    None when there is nothing to answer."""
    me = own(cfg)
    tier = tier_below(me.tier)
    if tier is None or not pending_answers(sender):
        return None
    with write_transaction():
        pkg = new_package(me, Org(sender, tier), "ack", user, suffix="A")
    target = fmt.package_path(out, pkg.ident, gz)
    writer = fmt.PackageWriter(target)
    idents: set[str] = set()
    results: Counter[str] = Counter()
    try:
        pkg.seal = history.audit_seal()
        ids: list[int] = []
        for rows in _answered(sender):
            for pid, uid, version, result, reasons, due, ident, received in rows:
                answer = ANSWER[result]
                rec: dict[str, Any] = {"uid": uid, "version": version, "result": answer,
                                       "package": ident,
                                       "received": received.isoformat() if received else None}
                if answer == "returned":
                    rec["reasons"] = json.loads(reasons) if reasons else []
                    rec["return_due"] = due.isoformat() if due else None
                writer.write(rec)
                idents.add(ident)
                results[answer] += 1
                ids.append(pid)
        manifest = writer.finish({**manifest_head(pkg, me), "acknowledges": sorted(idents),
                                  "counts": {"by_result": dict(sorted(results.items()))}})
    except BaseException:
        writer.discard()
        Package.delete().where(Package.id == pkg.id).execute()
        raise
    with write_transaction():
        for start in range(0, len(ids), 500):
            PackageCard.update(ack_package=pkg.id).where(
                PackageCard.id.in_(ids[start:start + 500])).execute()
        Package.update(state="sent", data_sha256=manifest["data_sha256"],
                       records=manifest["records"], seal=pkg.seal, acknowledges=" ".join(
                           sorted(idents)), manifest=fmt.dumps(manifest)).where(
            Package.id == pkg.id).execute()
    return Written(target, pkg.ident, manifest["records"], dict(results), 0, manifest)


# --- at the sender -----------------------------------------------------------------------

def check_rights(user: User, by_result: dict[str, int]) -> None:
    """Importing an acknowledgement dispatches nothing new but records the receiver's
    answer: acceptance needs the right to dispatch, a return the right to return."""
    try:
        require(user, Action.DISPATCH_CARD)
    except PermissionDenied as exc:
        raise ExchangeError(exc.message) from None
    try:
        if by_result.get("returned"):
            require(user, Action.RETURN_CARD)
    except PermissionDenied as exc:
        raise ExchangeError(T(
            f"Квитанцияда қайтарылған карточкалар бар, оны әкімші енгізеді: {exc.message.kk}",
            f"В квитанции есть возвращённые карточки, её вводит администратор: "
            f"{exc.message.ru}")) from None


def _card_of(uid: str, me: Org) -> int | None:
    parts = split_uid(uid)
    if parts is None:
        return None
    if parts[0] == me.code:
        return parts[1]
    origin = CardOrigin.get_or_none(CardOrigin.uid == uid)
    return origin.card_id if origin else None


def apply_ack(cfg: Config, user: User, pkg: Package, records: Iterator[dict[str, Any]],
              today: dt.date) -> Counter[str]:
    """Mark the sender's cards from an acknowledgement; returns what was done."""
    me = own(cfg)
    done: Counter[str] = Counter()
    batch: list[dict[str, Any]] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= 200:
            _ack_batch(me, user, pkg, batch, today, done)
            batch = []
    if batch:
        _ack_batch(me, user, pkg, batch, today, done)
    return done


def _ack_batch(me: Org, user: User, pkg: Package, batch: list[dict[str, Any]],
               today: dt.date, done: Counter[str]) -> None:
    with write_transaction():
        for rec in batch:
            done[_ack_one(me, user, pkg, rec, today)] += 1


def _ack_one(me: Org, user: User, pkg: Package, rec: dict[str, Any], today: dt.date) -> str:
    result = rec.get("result")
    uid, version = rec.get("uid"), rec.get("version")
    if result not in ("accepted", "returned", "removed") or not isinstance(uid, str):
        return "unknown"
    sent = (PackageCard.select(PackageCard, Package.ident)
            .join(Package, on=(PackageCard.package == Package.id))
            .where((Package.direction == "out") & (Package.kind == "cards")
                   & (Package.receiver == pkg.sender) & (PackageCard.uid == uid)
                   & (PackageCard.version == version))
            .order_by(PackageCard.id.desc()).first())
    card_id = _card_of(uid, me)
    if sent is None or card_id is None:
        return "unknown"
    reasons = rec.get("reasons") if isinstance(rec.get("reasons"), list) else []
    due = _date(rec.get("return_due"))
    PackageCard.update(result=result, reasons=fmt.dumps(reasons) if reasons else "",
                       return_due=due, ack_package=pkg.id).where(
        PackageCard.id == sent.id).execute()
    card = Card.get_or_none(Card.id == card_id)
    if card is None or card.version != version or card.status != Status.DISPATCHED.value:
        return "noted"  # changed since it was sent: the newer version answers for itself
    try:
        if result == "accepted":
            saved = change_status(card_id, Event.ACCEPT, user, expected_version=version,
                                  today=today)
        elif result == "returned":
            saved = change_status(card_id, Event.RETURN, user, reason_code=RETURNED_BY,
                                  reason_text=return_text(pkg.sender, reasons, due),
                                  expected_version=version, today=today)
        else:
            return "noted"
    except CorrectionRefused:
        return "noted"
    # A step of the exchange itself: the receiver has this version, nothing to resend.
    CardOutbox.update(sent_version=saved.version).where(
        (CardOutbox.card == card_id) & (CardOutbox.sent_version == version)).execute()
    return result


def return_text(sender: str, reasons: list[Any], due: dt.date | None) -> str:
    """The logged reason of a return: who, by when, and each reason with its line."""
    from models.text import clean, strip_control

    parts = []
    for r in reasons:
        if isinstance(r, dict):
            line = strip_control(str(r.get("line") or ""))[:8]
            text = strip_control(str(r.get("ru") or r.get("kk") or ""))[:200]
            parts.append(f"{line}: {text}" if line else text)
    head = f"{sender}" + (f" ({due:%d.%m.%Y})" if due else "")
    return clean(f"{head}: " + "; ".join(parts))[:500] if parts else head


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
