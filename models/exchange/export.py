"""Export: the cards registered, corrected, returned-and-corrected or removed since the
last package, as one package for the tier above (§11, §12).

A card is due when the receiver has not had its current version: never sent (any live
status), or changed since it was sent (its version moved on: a correction, a removal, a
protest result, the penalty executed). Cards waiting for dispatch are dispatched
through models.corrections (role, dispatch day, log row), so the package holds them as
`dispatched`: first, on PostgreSQL; on SQLite as the package is written, a transaction
of cards at a time, each card read once (models.batchlog hands over what it read back).
Every card record carries the version sent; corrections and removals carry their
logged reasons. `reexport` writes a registered package again, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw

from models import audit, batchlog, bulk
from models.card_schema import FIELDS
from models.cards import row_edition as edition
from models.config import Config
from models.corrections import CorrectionRefused, check_dispatch, dispatch_due
from models.db import database_proxy, is_postgres
from models.exchange import cardrows, history, recorder
from models.exchange import format as fmt
from models.exchange.common import (
    ExchangeError,
    Org,
    own,
    parent,
    patient_lock,
    uid,
    write_transaction,
)
from models.exchange.tables import CardOutbox, Package, PackageCard
from models.i18n import T
from models.lifecycle import Event
from models.permissions import Action, PermissionDenied, require
from models.tables import Card, CodebookEntry, Status, User, card_values, now

CHUNK = 1000
ALL_DAYS = tuple(range(1, 32))
# A card never sent goes up in any of these; a removed or purged one never went.
UNSENT_LIVE = tuple(s.value for s in (Status.REGISTERED, Status.CORRECTED, Status.DISPATCHED,
                                      Status.ACCEPTED, Status.RETURNED, Status.EXECUTED))
Progress = Callable[[int, int], None]


@dataclass
class Written:
    path: Path
    ident: str
    records: int
    by_action: dict[str, int] = field(default_factory=dict)
    dispatched: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)


def codebook_versions() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for book, version in (CodebookEntry.select(CodebookEntry.book, CodebookEntry.version)
                          .distinct().order_by(CodebookEntry.book, CodebookEntry.version)
                          .tuples()):
        out.setdefault(book, []).append(version)
    return out


def person_ref(code: str, person_id: int | None) -> str | None:
    """The sender's person as the receiver remembers it (models.tables.Person.ref): the
    cards a sender has linked to one person, its operators' decisions included, come to
    the same person at the receiver without being matched again."""
    return f"{code}:P{person_id}" if person_id else None


def card_record(uid_: str, version: int, base: int | None, action: str,
                values: dict[str, Any], status: str,
                reasons: dict[str, dict[str, str]] | None,
                person: str | None = None) -> dict[str, Any]:
    return record(uid_, version, base, action, fmt.encode_values(values), edition(values),
                  status, reasons, person)


def record(uid_: str, version: int, base: int | None, action: str, encoded: dict[str, Any],
           edition_: str, status: str, reasons: dict[str, dict[str, str]] | None,
           person: str | None = None) -> dict[str, Any]:
    """A card record from values already encoded (format.encode_values)."""
    rec: dict[str, Any] = {"uid": uid_, "version": version, "action": action,
                           "status": status, "edition": edition_, "values": encoded}
    if person:
        rec["person"] = person
    if base is not None:
        rec["base_version"] = base
    reason, fields = _reasons(action, reasons)
    if reason is not None:
        rec["reason"] = reason
    if fields:
        rec["reasons"] = fields
    return rec


def _reasons(action: str, reasons: dict[str, dict[str, str]] | None
             ) -> tuple[dict[str, str] | None, dict[str, dict[str, str]] | None]:
    """A record's reason (a removal's, given for its status) and its lines' reasons."""
    if not reasons:
        return None, None
    reason = reasons["status"] if action == "remove" and "status" in reasons else None
    return reason, {n: r for n, r in reasons.items() if n in FIELDS}


def record_text(uid_: str, version: int, base: int | None, action: str, card: cardrows.Row,
                status: str, reasons: dict[str, dict[str, str]] | None,
                person: str | None) -> str:
    """The JSON text of the card record of a card read by cardrows (format.dumps of
    `record` with cardrows.encode's values), written straight as text."""
    reason, fields = _reasons(action, reasons)
    return fmt.card_line(uid_, version, base, action, cardrows.edition(card), status, person,
                         reason, fields, cardrows.encode_json(card))


def _next_sequence(kind: str, receiver: str) -> int:
    top = (Package.select(pw.fn.MAX(Package.sequence))
           .where((Package.direction == "out") & (Package.kind == kind)
                  & (Package.receiver == receiver)).scalar())
    return int(top or 0) + 1


def new_package(me: Org, to: Org, kind: str, user: User | None, suffix: str = "") -> Package:
    """A package row (state `writing`) with the next sequence number for the receiver."""
    Package.delete().where((Package.direction == "out") & (Package.state == "writing")
                           & (Package.receiver == to.code) & (Package.kind == kind)).execute()
    last = (Package.select().where((Package.direction == "out") & (Package.kind == kind)
                                   & (Package.receiver == to.code))
            .order_by(Package.sequence.desc()).first())
    seq = _next_sequence(kind, to.code)
    stamp = now()
    try:
        return Package.create(
            ident=f"{me.code}-{to.code}-{suffix}{seq:06d}", direction="out", kind=kind,
            sequence=seq, sender=me.code, sender_tier=me.tier, receiver=to.code,
            receiver_tier=to.tier, period_from=last.period_to if last else None,
            period_to=stamp, data_sha256="", records=0, state="writing", created_at=stamp,
            created_by=user)
    except pw.IntegrityError:
        raise ExchangeError(T("Басқа экспорт қазір жазылып жатыр: кейін қайталаңыз",
                              "Сейчас пишется другой экспорт: повторите позже")) from None


def manifest_head(pkg: Package, me: Org) -> dict[str, Any]:
    return {"kind": pkg.kind, "ident": pkg.ident, "sequence": pkg.sequence,
            "sender": {"code": pkg.sender, "tier": pkg.sender_tier, "name": me.name},
            "receiver": {"code": pkg.receiver, "tier": pkg.receiver_tier},
            "period": {"from": pkg.period_from.isoformat() if pkg.period_from else None,
                       "to": pkg.period_to.isoformat()},
            "card_schema": fmt.card_schema_digest(), "codebooks": codebook_versions(),
            "audit_seal": pkg.seal}


def _dispatch(me: Org, cfg: Config, user: User | None, any_day: bool, today: dt.date,
              check_only: bool = False) -> int:
    """Dispatch what waits for it (models.corrections.dispatch_due); `check_only`: only
    refuse as it would (a day that is not a dispatch day)."""
    days = cfg.dispatch_days if me.tier == "body" and not any_day else ALL_DAYS
    try:
        if check_only:
            check_dispatch(user, days, today)
            return 0
        return dispatch_due(user, days, today)
    except CorrectionRefused as exc:
        raise ExchangeError(exc.message) from None


def _due_ids() -> array:
    q = (Card.select(Card.id).join(CardOutbox, pw.JOIN.LEFT_OUTER, on=(CardOutbox.card == Card.id))
         .where((CardOutbox.id.is_null() & Card.status.in_(UNSENT_LIVE))
                | (CardOutbox.id.is_null(False) & (CardOutbox.sent_version != Card.version)))
         .order_by(Card.id))
    # the driver's rows as they come (peewee's iterator makes each row a Python object)
    return array("q", (cid for (cid,) in database_proxy.obj.execute(q)))


def _chunks(ids: array) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


def export_cards(cfg: Config, user: User | None, out: Path, *, any_day: bool = False,
                 gz: bool = False, today: dt.date | None = None,
                 progress: Progress | None = None, second_process: bool = True) -> Written:
    """Dispatch what is due and write the package for the tier above at `out` (a file,
    or a folder to put it in). On SQLite it waits patiently for the write lock between
    its short transactions (common.patient_lock). The records are made by a second
    process (models.exchange.recorder) unless `second_process` is off or the system
    cannot fork: the same bytes."""
    with patient_lock():
        return _export(cfg, user, out, any_day, gz, today, progress,
                       second_process and recorder.available())


def _export(cfg: Config, user: User | None, out: Path, any_day: bool, gz: bool,
            today: dt.date | None, progress: Progress | None, second: bool) -> Written:
    try:
        require(user, Action.DISPATCH_CARD)
    except PermissionDenied as exc:
        raise ExchangeError(exc.message) from None
    today = today or dt.date.today()
    me = own(cfg)
    to = parent(cfg, me)
    batch = not is_postgres()  # SQLite: dispatched as the package is written, see _batches
    dispatched = _dispatch(me, cfg, user, any_day, today, check_only=batch)
    ids = _due_ids()
    with write_transaction():
        pkg = new_package(me, to, "cards", user)
    target = fmt.package_path(out, pkg.ident, gz)
    writer = fmt.PackageWriter(target)
    counts = (Counter[str](), Counter[str]())  # by action, by status
    skipped: list[tuple[int, int]] = []
    proc = None
    try:
        proc = recorder.RecordProcess(writer, write_records) if second and ids else None
        if batch:
            dispatched = _batches(me, pkg, user, ids, writer, proc, counts, skipped, progress)
            dispatched += _dispatch(me, cfg, user, any_day, today)  # any not in the package
        else:
            done = 0
            for chunk in _chunks(ids):
                cards = cardrows.fetch(chunk)
                plan, rows = _plan(me, pkg, chunk, cards, counts, skipped)
                if proc is None:
                    write_records(writer, list(cardrows.COLUMNS), list(cards.values()), plan)
                else:
                    proc.send(list(cardrows.COLUMNS), list(cards.values()), plan)
                with write_transaction():
                    bulk.insert_tuples("package_card", SENT_COLUMNS, rows)
                done += len(chunk)
                if progress:
                    progress(done, len(ids))
        if proc is not None:
            proc.finish()
        pkg.seal = history.audit_seal()  # the log's head with every dispatch in it
        by_action, by_status = counts
        manifest = writer.finish({**manifest_head(pkg, me),
                                  "counts": {"by_action": dict(sorted(by_action.items())),
                                             "by_status": dict(sorted(by_status.items()))}})
    except BaseException:
        if proc is not None:
            proc.close()  # before its file goes
        writer.discard()
        Package.delete().where(Package.id == pkg.id).execute()
        raise
    if proc is not None:
        proc.close()
    _close(pkg, manifest, skipped)
    return Written(target, pkg.ident, manifest["records"], dict(by_action), dispatched, manifest)


def _batches(me: Org, pkg: Package, user: User | None, ids: array, writer: fmt.PackageWriter,
             proc: recorder.RecordProcess | None, counts: tuple[Counter[str], Counter[str]],
             skipped: list[tuple[int, int]], progress: Progress | None) -> int:
    """SQLite: the due cards dispatched (those waiting for it) and written to the
    package a transaction of batchlog.PER_TRANSACTION cards at a time, each card read
    once: models.batchlog hands over every card of a slice as it read it back after
    the dispatch (to the second process `proc`, when there is one, which digests the
    dispatched cards' states for the log too). How many were dispatched."""
    dispatched = done = 0
    sent: list[tuple[Any, ...]] = []  # the package's rows of the transaction's cards

    def read(s: batchlog.Slice) -> Callable[[], list[str]] | None:
        nonlocal done
        plan, rows = _plan(me, pkg, s.ids, cardrows.heads_of(s.names, s.rows), counts,
                           skipped)
        sent.extend(rows)
        later = None
        if proc is None:
            write_records(writer, s.names, s.rows, plan)
        else:
            later = proc.send(s.names, s.rows, plan, s.state_columns, s.sent)
        done += len(s.ids)
        if progress:
            progress(done, len(ids))
        return later

    for start in range(0, len(ids), batchlog.PER_TRANSACTION):
        with audit.writing(user, Event.DISPATCH.value):
            went = batchlog.dispatch(list(ids[start:start + batchlog.PER_TRANSACTION]),
                                     now(), read)
            bulk.insert_tuples("package_card", SENT_COLUMNS, sent)
            if went:
                audit.seal("dispatch")  # what went to the Directorate is sealed with it
        dispatched += went
        sent.clear()
    return dispatched


# A card's record to write: card id, uid, version sent before, action, reasons, person.
Planned = tuple[int, str, int | None, str, dict[str, dict[str, str]] | None, str | None]


def _plan(me: Org, pkg: Package, chunk: list[int], cards: dict[int, cardrows.Row],
          counts: tuple[Counter[str], Counter[str]], skipped: list[tuple[int, int]]
          ) -> tuple[list[Planned], list[tuple[Any, ...]]]:
    """The records to write of the chunk's cards (`cards`: id -> a row beginning with
    cardrows.HEAD) and their rows of package_card; counted, and the cards not sent put
    in `skipped`."""
    by_action, by_status = counts
    origins = {c: u for c, u, _ in _of_cards("card_origin", "source_version", chunk)}
    sent = {c: (u, v) for c, u, v in _of_cards("card_outbox", "sent_version", chunk)}
    why = history.reasons((cid, sent[cid][1], cards[cid][2]) for cid in chunk
                          if cid in sent and cid in cards)
    plan: list[Planned] = []
    rows = []
    for cid in chunk:
        card = cards.get(cid)
        if card is None:
            continue
        base = sent[cid][1] if cid in sent else None
        _, status, version, person = card[:4]
        if status == Status.PURGED.value or (base is None and status not in UNSENT_LIVE):
            skipped.append((cid, version))  # destroyed here; the receiver keeps its own
            continue
        action = "register" if base is None else (
            "remove" if status == Status.REMOVED.value else "correct")
        card_uid = sent[cid][0] if cid in sent else origins.get(cid) or uid(me.code, cid)
        plan.append((cid, card_uid, base, action, why.get(cid), person_ref(me.code, person)))
        by_action[action] += 1
        by_status[status] += 1
        rows.append((pkg.id, cid, card_uid, version, base, action, "", ""))
    return plan, rows


def write_records(writer: fmt.PackageWriter, names: list[str], rows: list[tuple[Any, ...]],
                  plan: list[Planned]) -> None:
    """The records of `plan` from the cards' `rows` (columns `names`), in its order."""
    cards = cardrows.rows_of(names, rows)
    for cid, card_uid, base, action, reasons, person in plan:
        card = cards[cid]
        writer.write_text(record_text(card_uid, card[2], base, action, card, card[1], reasons,
                                      person))


SENT_COLUMNS = ("package_id", "card_id", "uid", "version", "base_version", "action", "result",
                "reasons")


def _of_cards(table: str, version: str, ids: list[int]) -> list[tuple[int, str, int]]:
    """(card, uid, `version`) of the chunk's cards in card_origin or card_outbox."""
    db = database_proxy.obj
    marks = ", ".join([db.param] * len(ids))
    return db.execute_sql(f'SELECT "card_id", "uid", "{version}" FROM "{table}" '
                          f'WHERE "card_id" IN ({marks})', ids).fetchall()


def _close(pkg: Package, manifest: dict[str, Any], skipped: list[tuple[int, int]]) -> None:
    """The package is written: it becomes `sent` and its cards' outbox versions move on,
    in one transaction (a crash before leaves them due for the next package)."""
    db = database_proxy.obj
    p = db.param
    with write_transaction():
        db.execute_sql(f'DELETE FROM "card_outbox" WHERE "card_id" IN (SELECT "card_id" FROM '
                       f'"package_card" WHERE "package_id" = {p})', (pkg.id,))
        db.execute_sql('INSERT INTO "card_outbox" ("card_id", "uid", "sent_version", '
                       '"package_id") SELECT "card_id", "uid", "version", "package_id" FROM '
                       f'"package_card" WHERE "package_id" = {p}', (pkg.id,))
        for cid, version in skipped:
            CardOutbox.update(sent_version=version).where(CardOutbox.card == cid).execute()
        Package.update(state="sent", data_sha256=manifest["data_sha256"],
                       records=manifest["records"], seal=pkg.seal,
                       manifest=fmt.dumps(manifest)).where(Package.id == pkg.id).execute()


def _sent_items(package_id: int) -> Iterator[list[tuple]]:
    """(card, uid, version, base version, action) of a sent package's cards, in the
    order they were written, a chunk at a time."""
    last = 0
    while rows := list(PackageCard.select(PackageCard.id, PackageCard.card, PackageCard.uid,
                                          PackageCard.version, PackageCard.base_version,
                                          PackageCard.action)
                       .where((PackageCard.package == package_id) & (PackageCard.id > last))
                       .order_by(PackageCard.id).limit(CHUNK).tuples()):
        last = rows[-1][0]
        yield [r[1:] for r in rows]


def _again(card: cardrows.Row, card_uid: str, version: int, base: int | None, action: str,
           reasons: dict[str, dict[str, str]] | None, sender: str) -> str:
    """A sent card's record again: as it is now when it has not changed since, else as
    it was at the version sent (its later changes undone from the log)."""
    cid, status, current, person = card[:4]
    ref = person_ref(sender, person)
    if version >= current:
        return record_text(card_uid, version, base, action, card, status, reasons, ref)
    whole = Card.get_by_id(cid)
    values, status = history.values_at(cid, version, card_values(whole), whole.status,
                                       whole.version)
    return fmt.dumps(card_record(card_uid, version, base, action, values, status, reasons,
                                 ref))


def reexport(ident: str, out: Path, gz: bool = False, progress: Progress | None = None
             ) -> Written:
    """Write a package sent earlier again, identical to the first time: each card at the
    version it was sent in (undoing later changes from the log)."""
    pkg = Package.get_or_none((Package.direction == "out") & (Package.ident == ident)
                              & (Package.kind == "cards") & (Package.state != "writing"))
    if pkg is None:
        raise ExchangeError(T("{i} пакеті жіберілгендер арасында жоқ",
                              "Пакета {i} нет среди отправленных").format(i=ident[:80]))
    stored = json.loads(pkg.manifest)
    head = {k: v for k, v in stored.items()
            if k not in ("format", "format_version", "data_sha256", "records")}
    target = fmt.package_path(out, pkg.ident, gz)
    writer = fmt.PackageWriter(target)
    try:
        done = 0
        for part in _sent_items(pkg.id):
            cards = cardrows.fetch(i[0] for i in part)
            why = history.reasons((i[0], i[3], i[2]) for i in part)
            for cid, card_uid, version, base, action in part:
                writer.write_text(_again(cards[cid], card_uid, version, base, action,
                                         why.get(cid), pkg.sender))
            done += len(part)
            if progress:
                progress(done, pkg.records)
        manifest = writer.finish(head)
    except BaseException:
        writer.discard()
        raise
    if manifest["data_sha256"] != pkg.data_sha256:
        target.unlink(missing_ok=True)
        raise ExchangeError(T(
            "{i} пакетін дәл қайталау мүмкін емес: түзетулер журналы карточкалармен сәйкес емес",
            "Пакет {i} не воспроизводится в точности: журнал исправлений расходится с "
            "карточками").format(i=ident))
    return Written(target, pkg.ident, manifest["records"],
                   dict(stored.get("counts", {}).get("by_action", {})), 0, manifest)
