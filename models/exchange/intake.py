"""The receiving tier takes in a package's card records, in batches.

Each batch is checked first, before any write (checker.py: validation as a typed card,
the duplicate engine for a card new here), then applied in short transactions (WRITE
new cards each; on PostgreSQL with nobody else at work, a batch's in one): new persons,
entities and cards written with prepared statements, corrections and removals of cards
held here through models.corrections with the reason the package carries. What
became of every record is kept (PackageCard) for the acknowledgement.

Batches are checked ahead of the one being written (by worker processes for a large
package), so a batch may have been matched before the new persons of the batches
written just before it were in the register: a card sharing a route key with one of
them (linking.person_route_keys) that could change its match (linking.Made) waits for
a later batch, when the engine sees that person.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from models import bulk
from models.card_schema import FIELDS, Subject
from models.cards import card_row, row_edition
from models.config import Config
from models.corrections import CorrectionRefused, correct_card, remove_card
from models.db import database_proxy, is_postgres
from models.exchange.checker import (
    ACTIONS,
    Checked,
    Checkers,
    Job,
    envelope,
    issue,
    sender_ref,
    whole,
)
from models.exchange.common import return_due, split_uid, write_transaction
from models.exchange.format import dumps
from models.exchange.linking import LEGAL_KINDS, PERSON_KINDS, Links, Made, thresholds
from models.exchange.pacing import Pacer
from models.exchange.reasons import reason_list, reason_of
from models.exchange.tables import CardOrigin, ImportQueue, Package, PackageCard
from models.matching.tables import LegalNameVariant
from models.persons import add_legal_variants, legal_columns, person_columns
from models.tables import Card, LegalEntity, Person, Status, User, card_values, now
from models.text import strip_control
from models.validation import ERROR, Issue, errors

BATCH = 500
# New cards are written WRITE at a time, a transaction each: a transaction holds the
# log's lock (PostgreSQL) or the database's write lock (SQLite), which every save of an
# operator keying meanwhile waits for. On PostgreSQL with no other session at work
# (pacing.Pacer.alone) a batch's new cards are written in one transaction.
WRITE = 25
ANALYSE_FROM = 1000  # cards written before the tables' statistics are first refreshed
BATCH_SQLITE = 200
YIELD_S = 0.1  # SQLite: the least pause between two write transactions of an import
GONE = (Status.REMOVED.value, Status.PURGED.value)


@dataclass
class Outcome:
    result: str  # accepted | returned | pending | removed | unchanged | stale
    card_id: int | None = None
    issues: list[Issue] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Item:
    """One record of the batch on its way through."""

    rec: dict[str, Any]
    check: Checked
    out: Outcome | None = None
    values: dict[str, Any] = field(default_factory=dict)
    kind: Subject | None = None
    known: tuple[int, int] | None = None  # (card id, version held here)
    links: Links | None = None
    new_person: bool = False
    new_legal: bool = False
    recheck: bool = False  # to be checked again with a later batch


class Intake:
    """Apply the card records of one received package."""

    def __init__(self, cfg: Config, user: User, pkg: Package, today: dt.date) -> None:
        self.cfg, self.user, self.pkg, self.today = cfg, user, pkg, today
        self.due = return_due(pkg.received_on or today, cfg)
        self.results: Counter[str] = Counter()
        # route keys of the new persons and entities of the batches written last
        # keys of the new persons (with their columns) and entities of the batches
        # written last, the latest last
        self.recent: deque[Made] = deque()
        self.written = 0  # batches written
        self.limits = thresholds(cfg.matching)[1]
        self.planner = Planner()
        self.pacer = Pacer(database_proxy.obj, is_postgres())

    def run(self, records: Iterator[dict[str, Any]],
            progress: Callable[[int], None] | None = None) -> Counter[str]:
        job = Job(self.pkg.sender, self.pkg.sender_tier, self.today, dict(self.cfg.matching))
        checkers = Checkers(self.cfg, job, self.pkg.records)
        done = 0
        ahead: deque[tuple[list[dict[str, Any]], Callable[[], list[Checked]], int]] = deque()
        # records left for a later batch, each with what its check found (its values
        # and their validation stand; its person and entity are looked up anew)
        carry: list[tuple[dict[str, Any], Checked]] = []
        size = BATCH if is_postgres() else BATCH_SQLITE
        try:
            while True:
                while len(ahead) < checkers.depth + 1:
                    batch = [r for r, _ in carry] + list(islice(records, size - len(carry)))
                    prior = [c for _, c in carry] + [None] * (len(batch) - len(carry))
                    carry = []
                    if not batch:
                        break
                    ahead.append((batch, checkers.submit(batch, prior), self.written))
                if not ahead:
                    break
                batch, result, submitted = ahead.popleft()
                # a batch checked here is checked now, after every batch before it
                since = self.written - submitted if checkers.parallel else 0
                carry = self._batch(batch, result(), checkers.depth, since)
                self.written += 1
                done += len(batch) - len(carry)
                self.planner.wrote(len(batch) - len(carry))
                if progress:
                    progress(done)
        except BaseException:
            checkers.terminate()
            raise
        checkers.close()
        return self.results

    # -- a batch --------------------------------------------------------------------------
    def _batch(self, batch: list[dict[str, Any]], checked: list[Checked],
               depth: int, since: int) -> list[tuple[dict[str, Any], Checked]]:
        """Apply a checked batch; returns the records left for a later one, with their
        checks."""
        uids = [r["uid"] for r in batch if isinstance(r.get("uid"), str)]
        seen = {u for (u,) in PackageCard.select(PackageCard.uid).where(
            (PackageCard.package == self.pkg.id) & PackageCard.uid.in_(uids)).tuples()}
        known = {u: (c, v) for u, c, v in CardOrigin.select(
            CardOrigin.uid, CardOrigin.card, CardOrigin.source_version)
            .where(CardOrigin.uid.in_(uids)).tuples()}
        items = []
        for rec, check in zip(batch, checked, strict=True):
            if rec.get("uid") in seen:
                continue  # imported before an interruption: that outcome stands
            item = Item(rec, check)
            self._classify(item, check, known)
            items.append(item)
        fresh = [i for i in items if i.out is None and i.known is None]
        later = {id(i) for i in fresh if i.recheck} | self._twins(fresh)
        later |= self._settle(fresh, later, depth, since)
        new = [i for i in fresh if i.out is None and id(i) not in later]
        # WRITE new cards a transaction, each with its record (a resumed import skips
        # them): the operators' saves wait at most for one such transaction. With nobody
        # else at work (PostgreSQL's count after the last turn) the batch's new cards go
        # in one transaction (timed on its own, as a turn of new cards): fewer
        # statements, commits and chainings of the log.
        alone = self.pacer.alone
        parts = list(_chunked(new, max(len(new), 1) if alone else WRITE))
        first = parts.pop(0) if parts and not alone else []
        with self._turn(0):  # the batch's other records too: not timed per new card
            self._supersede([i for i in items if id(i) not in later and i.out is None])
            for item in items:
                if item.out is None and item.known is not None:
                    item.out = self._change(item)
            self._register(first)
            self._record([i for i in items if id(i) not in later and i.out is not None])
        for part in parts:
            with self._turn(len(part)):
                self._register(part)
                self._record(part)
        return [(i.rec, i.check) for i in items if id(i) in later]

    @contextlib.contextmanager
    def _turn(self, cards: int) -> Iterator[None]:
        """One write transaction of the import (`cards` new cards written in it).
        SQLite's busy handler is not a queue: the operators waiting for the write lock
        look again every few milliseconds up to 100 ms, and a writer that begins again
        right after its commit takes the lock before any of them. So the import then
        leaves the lock free for as long as it held it (at least 100 ms): the operators'
        saves get their turns. PostgreSQL queues its lock waiters: there the import
        gives the operators at work the processor (pacing.py)."""
        start = time.monotonic()
        with write_transaction():
            yield
        if not is_postgres():
            time.sleep(max(YIELD_S, time.monotonic() - start))
        else:
            self.pacer.turned(time.monotonic() - start, cards)

    def _classify(self, item: Item, check: Checked, known: dict[str, tuple[int, int]]) -> None:
        rec = item.rec
        item.values, item.kind, item.links = check.values, check.kind, check.links
        if envelope(rec, self.pkg.sender, self.pkg.sender_tier) is not None:
            item.out = Outcome("returned", issues=check.problem)
            return
        item.known = known.get(rec["uid"])
        if item.known is not None and item.known[1] >= rec["version"]:
            item.out = Outcome("unchanged" if item.known[1] == rec["version"] else "stale",
                               item.known[0])
        elif rec["action"] == "remove":
            if item.known is None:
                item.out = Outcome("removed")  # never held here (returned, or never received)
        elif check.problem:
            item.out = Outcome("returned", item.known[0] if item.known else None,
                               check.problem)
        elif item.known is None and item.links is None:
            # held here when it was checked, and gone since: check it again later
            item.recheck = True

    # -- new cards: the same case twice, the person ------------------------------------------
    def _twins(self, fresh: list[Item]) -> set[int]:
        """A card for the same case (protocol number and date, article) and offender as a
        live card here is returned; one twin of an earlier card of this batch waits for
        the next batch, which sees that card registered."""
        protos = {i.values["protocol_no"] for i in fresh
                  if i.out is None and i.values.get("protocol_no")}
        here: dict[tuple, list[dict[str, Any]]] = {}
        for group in _chunked(sorted(protos), 500):
            for row in (Card.select(Card.id, Card.protocol_no, Card.protocol_date, Card.article,
                                    Card.iin, Card.bin, Card.surname, Card.birth_date,
                                    Card.legal_name)
                        .where(Card.protocol_no.in_(group) & Card.status.not_in(
                            [*GONE, Status.DRAFT.value])).dicts()):
                here.setdefault(_case(row), []).append(row)
        later: set[int] = set()
        batch: dict[tuple, list[dict[str, Any]]] = {}
        for item in fresh:
            v = item.values
            if item.out is not None or v.get("without_protocol") or not v.get("protocol_no"):
                continue
            twin = next((r["id"] for r in here.get(_case(v), []) if _same_offender(r, v)), None)
            if twin is not None:
                item.out = Outcome("returned", issues=[issue(
                    "Бұл іс бойынша карточка тіркелген: № {n}",
                    "Карточка по этому делу уже зарегистрирована: № {n}", "4", "protocol_no",
                    n=twin)])
            elif any(_same_offender(r, v) for r in batch.get(_case(v), [])):
                later.add(id(item))
            else:
                batch.setdefault(_case(v), []).append(v)
        return later

    def _settle(self, fresh: list[Item], later: set[int], depth: int, since: int) -> set[int]:
        """Decide each matched card in order; a card that could be the new person (or
        entity) of an earlier card of this batch, or of one of the `since` batches
        written after this one was matched, waits for a later batch."""
        made = Made()
        for old in list(self.recent)[max(0, len(self.recent) - since):] if since else ():
            made.add(old)
        mine = Made()
        wait: set[int] = set()
        for item in fresh:
            if item.out is not None or id(item) in later or item.links is None:
                continue
            pkeys, lkeys = item.check.person_keys, item.check.legal_keys
            if made.could_change(item.values, pkeys, lkeys, self.limits):
                wait.add(id(item))
                continue
            links = item.links
            if links.pending:
                item.out = Outcome("pending", candidates=links.candidates)
                continue
            item.new_person = item.kind in PERSON_KINDS and links.person_id is None
            item.new_legal = item.kind in LEGAL_KINDS and links.legal_id is None
            for into in (made, mine):
                if item.new_person:
                    into.person(pkeys, item.check.person_row or {})
                if item.new_legal:
                    into.legal |= lkeys
        self.recent.append(mine)
        while len(self.recent) > depth:
            self.recent.popleft()
        return wait

    # -- writing ------------------------------------------------------------------------
    def _register(self, items: list[Item]) -> None:
        stamp = now()
        people = bulk.insert_rows(Person, [
            {**(i.check.person_row or person_columns(i.values)), "created_by": self.user,
             "created_at": stamp, "updated_at": stamp} for i in items if i.new_person])
        firms = [{**(i.check.legal_row or legal_columns(i.values)), "created_by": self.user,
                  "created_at": stamp, "updated_at": stamp} for i in items if i.new_legal]
        entities = bulk.insert_rows(LegalEntity, firms)
        add_legal_variants([(eid, f["name_key"]) for eid, f in zip(entities, firms,
                                                                   strict=True)])
        rows = []
        for item in items:
            row, kind = card_row(item.values)
            links = item.links or Links()
            person = people.pop(0) if item.new_person else links.person_id
            legal = entities.pop(0) if item.new_legal else links.legal_id
            rows.append({**row, "status": Status.REGISTERED.value,
                         "koap_edition": row_edition(row),
                         "person": person if kind in PERSON_KINDS else None,
                         "legal_entity": legal if kind in LEGAL_KINDS else None,
                         "created_by": self.user, "created_at": stamp, "registered_at": stamp})
        ids = bulk.insert_rows(Card, rows)
        bulk.insert_rows(CardOrigin, [
            {"card": cid, "uid": i.rec["uid"], "source": self.pkg.sender,
             "source_version": i.rec["version"], "source_status": _status(i.rec.get("status")),
             "package": self.pkg.id} for cid, i in zip(ids, items, strict=True)])
        for cid, item in zip(ids, items, strict=True):
            item.out = Outcome("accepted", cid)

    def _record(self, items: list[Item]) -> None:
        rows = []
        for item in items:
            assert item.out is not None
            self.results[item.out.result] += 1
            row = self._row(item.rec, item.out)
            if item.out.result == "pending":
                ImportQueue.create(item=PackageCard.create(**row), record=dumps(item.rec),
                                   candidates=dumps(item.out.candidates), deadline=self.due)
            else:
                rows.append(row)
        bulk.insert_rows(PackageCard, rows)

    def _row(self, rec: dict[str, Any], out: Outcome) -> dict[str, Any]:
        version = rec.get("version")
        return {"package": self.pkg.id, "card": out.card_id, "journal_date": _journal_day(rec),
                "uid": strip_control(str(rec.get("uid")))[:48],
                "version": version if whole(version) else 0,
                "action": rec["action"] if rec.get("action") in ACTIONS else "?",
                "result": out.result, "reasons": dumps(reason_list(out.issues))
                if out.issues else "", "return_due": self.due
                if out.result in ("returned", "pending") else None}

    def _supersede(self, items: list[Item]) -> None:
        """A newer version of a card still waiting in the queue replaces it there."""
        uids = [i.rec["uid"] for i in items if split_uid(i.rec.get("uid"))]
        waiting = list(ImportQueue.select(ImportQueue.id, ImportQueue.item)
                       .join(PackageCard, on=(ImportQueue.item == PackageCard.id))
                       .where(PackageCard.uid.in_(uids) & (ImportQueue.state == "pending"))
                       .tuples()) if uids else []
        for qid, item_id in waiting:
            ImportQueue.update(state="superseded").where(ImportQueue.id == qid).execute()
            PackageCard.update(result="stale").where(PackageCard.id == item_id).execute()

    def _change(self, item: Item) -> Outcome:
        """A correction or removal of a card held here, through models.corrections."""
        assert item.known is not None
        card_id, rec = item.known[0], item.rec
        card = Card.get_by_id(card_id)
        sender = (self.pkg.sender, self.pkg.ident)
        try:
            if rec["action"] == "remove":
                if card.status not in GONE:
                    code, text = reason_of(rec.get("reason"), sender, self.today, removal=True)
                    remove_card(card_id, self.user, code, text, today=self.today)
                result = "removed"
            elif card.status in GONE:
                result = "stale"
            else:
                old = card_values(card)
                diff = {n: item.values.get(n) for n in FIELDS
                        if not _same(old[n], item.values.get(n))}
                if diff:
                    given = rec.get("reasons") if isinstance(rec.get("reasons"), dict) else {}
                    per_field = {n: reason_of(given.get(n), sender, self.today) for n in diff}
                    code, text = reason_of(None, sender, self.today)
                    correct_card(card_id, diff, self.user, code, text, per_field,
                                 expected_version=card.version, today=self.today)
                result = "accepted" if diff else "unchanged"
        except CorrectionRefused as exc:
            return Outcome("returned", card_id, exc.issues or [Issue("", "", ERROR, exc.message)])
        CardOrigin.update(source_version=rec["version"], source_status=_status(rec.get("status")),
                          package=self.pkg.id).where(CardOrigin.card == card_id).execute()
        return Outcome(result, card_id)


def accept(pkg: Package, rec: dict[str, Any], values: dict[str, Any], person: Any, legal: Any,
           user: User, today: dt.date) -> Outcome:
    """Register one received card (an operator's decision from the queue) through
    models.cards.register_card, and remember where it came from."""
    from models.cards import CardRefused, register_card

    try:
        card = register_card(values, user, person=person, legal=legal, today=today)
    except CardRefused as exc:
        return Outcome("returned", issues=errors(exc.issues))
    CardOrigin.create(card=card, uid=rec["uid"], source=pkg.sender, source_version=rec["version"],
                      source_status=_status(rec.get("status")), package=pkg.id)
    ref = rec.get("person")
    if card.person_id and sender_ref(ref, pkg.sender) and not (
            Person.select().where(Person.ref == ref).exists()):
        # the sender's later cards of this person come to it without being asked again
        Person.update(ref=ref).where((Person.id == card.person_id)
                                     & Person.ref.is_null()).execute()
    return Outcome("accepted", card.id)


class Planner:
    """PostgreSQL plans the look-ups of matching from its statistics of the tables (a
    prepared statement's plan too). A register that grows by a package from a few rows
    to many would be matched with plans made for nearly empty tables (sequential scans
    that get slower with every batch) until autovacuum catches up, which a busy server
    does late: so the tables the import reads are analysed each time the cards written
    reach the size they had at the last analysis (a few times per package)."""

    TABLES = (Person, LegalEntity, LegalNameVariant, Card, CardOrigin, PackageCard)

    def __init__(self) -> None:
        self.on = is_postgres()
        self.written = 0
        self.due = max(ANALYSE_FROM, self._cards()) if self.on else 0

    @staticmethod
    def _cards() -> int:
        from models.db import database_proxy

        row = database_proxy.obj.execute_sql(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            (Card._meta.table_name,)).fetchone()
        return max(int(row[0]), 0) if row else 0

    def wrote(self, n: int) -> None:
        self.written += n
        if not self.on or self.written < self.due:
            return
        from models.db import database_proxy

        db = database_proxy.obj
        for model in self.TABLES:
            db.execute_sql(f'ANALYZE "{model._meta.table_name}"')
        self.written = 0
        self.due = max(ANALYSE_FROM, self._cards())


def _journal_day(rec: dict[str, Any]) -> dt.date | None:
    """Line 6's date of a record, if it is a date (for the quarter it belongs to)."""
    values = rec.get("values")
    day = values.get("journal_date") if isinstance(values, dict) else None
    try:
        return dt.date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        return None


def _case(v: dict[str, Any]) -> tuple:
    return v.get("protocol_no"), v.get("protocol_date"), v.get("article")


def _same_offender(row: dict[str, Any], v: dict[str, Any]) -> bool:
    return bool((v.get("iin") and row.get("iin") == v["iin"])
                or (v.get("bin") and row.get("bin") == v["bin"])
                or (v.get("surname") and row.get("surname") == v["surname"]
                    and row.get("birth_date") == v.get("birth_date"))
                or (v.get("legal_name") and row.get("legal_name") == v["legal_name"]))


def _chunked(values: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _same(old: Any, new: Any) -> bool:
    return (old if old not in ("", False) else None) == (new if new not in ("", False) else None)


def _status(value: object) -> str:
    return value if isinstance(value, str) and value in {s.value for s in Status} else ""
