"""`apcard import`: a package or an acknowledgement arrives.

Checked before anything is written: the manifest (format, kind, addressed to this
register by the tier next to it, the same card schema), then the whole data stream
against the manifest's SHA-256 and record count. A package that fails is rejected
whole. A package imported before is recognised by its ident and checksum and changes
nothing; one interrupted half-way resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.config import Config
from models.exchange import format as fmt
from models.exchange.ack import apply_ack, check_rights, pending_answers, write_ack
from models.exchange.common import (
    ExchangeError,
    Org,
    own,
    patient_lock,
    tier_above,
    tier_below,
    write_transaction,
)
from models.exchange.export import Written
from models.exchange.intake import Intake
from models.exchange.tables import CardOrigin, ImportQueue, Package, PackageCard
from models.i18n import T
from models.permissions import Action, PermissionDenied, require
from models.tables import User, now

IDENT = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,79}$")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


@dataclass
class Received:
    ident: str
    kind: str
    sender: str
    already: bool = False
    results: Counter[str] = field(default_factory=Counter)
    pending: int = 0
    ack: Written | None = None


def _fail(kk: str, ru: str, **kw: object) -> ExchangeError:
    return ExchangeError(T(kk, ru).format(**kw))


def _party(manifest: dict[str, Any], key: str) -> tuple[str, str]:
    part = manifest.get(key)
    code = part.get("code") if isinstance(part, dict) else None
    tier = part.get("tier") if isinstance(part, dict) else None
    if not isinstance(code, str) or not CODE.match(code) or tier not in ("body", "directorate",
                                                                         "central"):
        raise _fail("Манифестте {k} дұрыс көрсетілмеген", "В манифесте неверно указан {k}",
                    k=key)
    return code, tier


def check_address(manifest: dict[str, Any], me: Org, cfg: Config) -> tuple[str, str, str]:
    """(ident, sender code, sender tier) when the package is for this register."""
    ident = manifest.get("ident")
    if not isinstance(ident, str) or not IDENT.match(ident):
        raise _fail("Манифестте пакет атауы қате", "В манифесте неверное имя пакета")
    sender, sender_tier = _party(manifest, "sender")
    receiver, receiver_tier = _party(manifest, "receiver")
    if (receiver, receiver_tier) != (me.code, me.tier):
        raise _fail("Пакет {r} үшін, бұл тізілім {m}: ештеңе жазылмады",
                    "Пакет адресован {r}, этот реестр {m}: ничего не записано",
                    r=receiver, m=me.code)
    kind = manifest["kind"]
    if kind == "cards" and sender_tier != tier_below(me.tier):
        raise _fail("Карточкалар {t} деңгейінен келмейді", "Карточки не приходят с уровня {t}",
                    t=sender_tier)
    if kind == "ack":
        if sender_tier != tier_above(me.tier) or sender != cfg.parent_code:
            raise _fail("Квитанция {s} жібергенге емес, {p}-ге тиесілі",
                        "Квитанция от {s}, а пакеты отправляются в {p}",
                        s=sender, p=cfg.parent_code or "-")
    if kind == "cards" and manifest.get("card_schema") != fmt.card_schema_digest():
        raise _fail("Жіберушінің карточка сұлбасы басқа (apcard нұсқалары әртүрлі): ештеңе "
                    "жазылмады", "У отправителя другая схема карточки (разные версии "
                    "apcard): ничего не записано")
    return ident, sender, sender_tier


def _rights(user: User, kind: str, by: dict[str, int], path: Path) -> None:
    try:
        if kind == "cards":
            require(user, Action.ENTER_CARD)
            require(user, Action.CREATE_PERSON)  # the new persons and entities of the cards
            if by.get("correct") or by.get("remove"):
                _rights_for_changes(user, path)
    except PermissionDenied as exc:
        raise ExchangeError(exc.message) from None
    if kind == "ack":
        check_rights(user, by)


def _rights_for_changes(user: User, path: Path) -> None:
    """Corrections and removals of cards already here need an administrator (§34-2);
    looked up before anything is written, so an operator's import is refused whole."""
    uids: list[str] = []
    hits = 0
    for rec in fmt.records(path):
        if rec.get("action") in ("correct", "remove") and isinstance(rec.get("uid"), str):
            uids.append(rec["uid"])
        if len(uids) >= 500:
            hits += CardOrigin.select().where(CardOrigin.uid.in_(uids)).count()
            uids = []
    if uids:
        hits += CardOrigin.select().where(CardOrigin.uid.in_(uids)).count()
    if hits:
        require(user, Action.CORRECT_CARD)
        require(user, Action.REMOVE_CARD)


def receive(cfg: Config, user: User, path: Path, *, today: dt.date | None = None,
            ack_dir: Path | None = None, progress: Callable[[int, int], None] | None = None
            ) -> Received:
    """Import a package (cards or an acknowledgement); on SQLite it waits patiently for
    the write lock between its short transactions (common.patient_lock)."""
    with patient_lock():
        return _receive(cfg, user, path, today, ack_dir, progress)


def _receive(cfg: Config, user: User, path: Path, today: dt.date | None,
             ack_dir: Path | None, progress: Callable[[int, int], None] | None) -> Received:
    today = today or dt.date.today()
    manifest = fmt.read_manifest(path)
    me = own(cfg)
    kind = manifest["kind"]
    if kind == "statement":
        raise _fail("Бұл салыстыру ведомосі: apcard reconcile --with", "Это ведомость сверки: "
                    "apcard reconcile --with")
    ident, sender, sender_tier = check_address(manifest, me, cfg)
    prior = Package.get_or_none((Package.direction == "in") & (Package.ident == ident))
    if prior is not None and prior.data_sha256 != manifest.get("data_sha256"):
        raise _fail("{i} атты басқа пакет бұрын енгізілген: ештеңе жазылмады",
                    "Другой пакет с именем {i} уже введён: ничего не записано", i=ident)
    if prior is not None and prior.state == "imported":
        return Received(ident, kind, sender, already=True,
                        pending=_pending(prior) if kind == "cards" else 0)
    by = fmt.verify(path, manifest)
    _rights(user, kind, by, path)
    pkg = prior or _register(manifest, ident, sender, sender_tier, me, user, today)
    total = int(manifest.get("records") or 0)
    tick = (lambda n: progress(n, total)) if progress else None
    if kind == "cards":
        results = Intake(cfg, user, pkg, today).run(fmt.records(path), tick)
    else:
        results = apply_ack(cfg, user, pkg, fmt.records(path), today)
        _acknowledged(pkg)
    Package.update(state="imported").where(Package.id == pkg.id).execute()
    out = Received(ident, kind, sender, results=results)
    if kind == "cards":
        out.pending = _pending(pkg)
        if ack_dir is not None and pending_answers(sender):
            out.ack = write_ack(cfg, user, sender, ack_dir)
    return out


def _register(manifest: dict[str, Any], ident: str, sender: str, sender_tier: str, me: Org,
              user: User, today: dt.date) -> Package:
    seal = manifest.get("audit_seal")
    period = manifest.get("period") if isinstance(manifest.get("period"), dict) else {}
    with write_transaction():
        return Package.create(
            ident=ident, direction="in", kind=manifest["kind"],
            sequence=manifest["sequence"] if isinstance(manifest.get("sequence"), int) else 0,
            sender=sender, sender_tier=sender_tier, receiver=me.code, receiver_tier=me.tier,
            period_from=_stamp(period.get("from")), period_to=_stamp(period.get("to")) or now(),
            data_sha256=manifest["data_sha256"], records=manifest["records"],
            seal=seal if isinstance(seal, str) and re.fullmatch(r"[0-9a-f]{64}", seal) else "",
            acknowledges=" ".join(a for a in manifest.get("acknowledges") or []
                                  if isinstance(a, str) and IDENT.match(a)),
            manifest=fmt.dumps(manifest), state="importing", received_on=today,
            created_at=now(), created_by=user)


def _acknowledged(ack: Package) -> None:
    """Packages whose every card has an answer are `acknowledged`."""
    for ident in ack.acknowledges.split():
        pkg = Package.get_or_none((Package.direction == "out") & (Package.ident == ident))
        if pkg is None:
            continue
        open_ = PackageCard.select().where((PackageCard.package == pkg.id)
                                           & (PackageCard.result == "")).exists()
        if not open_:
            Package.update(state="acknowledged").where(Package.id == pkg.id).execute()


def _pending(pkg: Package) -> int:
    return (ImportQueue.select().join(PackageCard, on=(ImportQueue.item == PackageCard.id))
            .where((PackageCard.package == pkg.id) & (ImportQueue.state == "pending")).count())


def _stamp(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
