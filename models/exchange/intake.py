"""The receiving tier takes in a package's card records, in batches.

Each record is checked as a card typed on this register would be (models.validation:
parse_field for every line, then validate_card with the codebooks in force on the
card's date), and its person or legal entity is looked up with the duplicate engine
(linking.py). A card already here (same uid) is corrected or removed through
models.corrections with the reason the package carries. What became of every record is
kept (PackageCard) for the acknowledgement.

A batch is read and matched first (on PostgreSQL the matching of a batch's cards runs
on a few connections at once: it waits on the server, not on Python), then written in
one transaction, new persons, entities and cards each with one prepared statement.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from models.card_schema import FIELDS, Subject
from models.cards import card_row, row_edition
from models.config import Config
from models.corrections import CorrectionRefused, correct_card, remove_card
from models.db import database_proxy, is_postgres
from models.exchange import bulk
from models.exchange.common import return_due, split_uid, write_transaction
from models.exchange.format import dumps
from models.exchange.linking import LEGAL_KINDS, PERSON_KINDS, Links, find_links, route_keys
from models.exchange.reasons import reason_list, reason_of
from models.exchange.tables import CardOrigin, ImportQueue, Package, PackageCard
from models.i18n import T
from models.persons import legal_columns, person_columns
from models.tables import Card, LegalEntity, Person, Status, User, card_values, now
from models.text import strip_control
from models.validation import (
    ERROR,
    Issue,
    card_date,
    errors,
    parse_field,
    subject_kind,
    validate_card,
)

BATCH = 500
WORKERS = 4  # PostgreSQL connections matching one batch
ACTIONS = ("register", "correct", "remove")
GONE = (Status.REMOVED.value, Status.PURGED.value)


def _issue(kk: str, ru: str, line: str = "", name: str = "", **fmt: object) -> Issue:
    return Issue(line, name, ERROR, T(kk, ru).format(**fmt))


def decode(values: object) -> tuple[dict[str, Any], list[Issue]]:
    """A record's values -> typed card values, through the same parsing as typed text."""
    if not isinstance(values, dict):
        return {}, [_issue("Карточка мәндері жоқ", "Нет значений карточки")]
    issues: list[Issue] = []
    unknown = [k for k in values if k not in FIELDS]
    if unknown:
        shown = strip_control(", ".join(str(k) for k in unknown))[:60]
        issues.append(_issue("Карточкада мұндай жол жоқ: {n}", "Нет такой строки карточки: {n}",
                             n=shown))
    out: dict[str, Any] = {}
    for name, f in FIELDS.items():
        raw = values.get(name)
        if raw is None or raw is False:
            text = ""
        elif raw is True:
            text = "1"
        elif isinstance(raw, int):
            text = str(raw)
        elif isinstance(raw, str):
            text = raw
        else:
            issues.append(_issue("Мән түрі қате", "Неверный тип значения", f.line, name))
            continue
        value, found = parse_field(f, text)
        out[name] = value
        issues += found
    return out, issues


def check_values(rec: dict[str, Any], today: dt.date) -> tuple[dict[str, Any], list[Issue]]:
    """Typed values of a record and its errors (same rules as a typed card, and the
    article read in the same edition of the Code as at the sender)."""
    values, issues = decode(rec.get("values"))
    if not errors(issues):
        issues = validate_card(values, today)
    if errors(issues):
        return values, errors(issues)
    here, sent = row_edition(values), rec.get("edition")
    if sent is not None and sent != here:
        return values, [_issue("{a}-бап мұнда {h} редакциясы бойынша оқылады, жіберуші: {s}",
                               "Статья {a} здесь читается по редакции {h}, у отправителя: {s}",
                               "9", "article", a=values.get("article"), h=here,
                               s=strip_control(str(sent))[:8])]
    return values, []


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
    out: Outcome | None = None
    values: dict[str, Any] = field(default_factory=dict)
    kind: Subject | None = None
    known: tuple[int, int] | None = None  # (card id, version held here)
    links: Links | None = None
    new_person: bool = False
    new_legal: bool = False


class Intake:
    """Apply the card records of one received package."""

    def __init__(self, cfg: Config, user: User, pkg: Package, today: dt.date) -> None:
        self.cfg, self.user, self.pkg, self.today = cfg, user, pkg, today
        self.due = return_due(pkg.received_on or today, cfg)
        self.results: Counter[str] = Counter()
        self.pool: ThreadPoolExecutor | None = None

    def run(self, records: Iterator[dict[str, Any]],
            progress: Callable[[int], None] | None = None) -> Counter[str]:
        done = 0
        carry: list[dict[str, Any]] = []
        if is_postgres():
            self.pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="apcard-intake")
        try:
            while batch := carry + list(islice(records, BATCH - len(carry))):
                carry = self._batch(batch)
                done += len(batch) - len(carry)
                if progress:
                    progress(done)
        finally:
            if self.pool is not None:
                self.pool.shutdown()
        return self.results

    # -- a batch --------------------------------------------------------------------------
    def _batch(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Apply a batch; returns the records left for the next one."""
        uids = [r["uid"] for r in batch if isinstance(r.get("uid"), str)]
        seen = {u for (u,) in PackageCard.select(PackageCard.uid).where(
            (PackageCard.package == self.pkg.id) & PackageCard.uid.in_(uids)).tuples()}
        known = {u: (c, v) for u, c, v in CardOrigin.select(
            CardOrigin.uid, CardOrigin.card, CardOrigin.source_version)
            .where(CardOrigin.uid.in_(uids)).tuples()}
        items = []
        for rec in batch:
            if rec.get("uid") in seen:
                continue  # imported before an interruption: that outcome stands
            item = Item(rec)
            self._check(item, known)
            items.append(item)
        fresh = [i for i in items if i.out is None and i.known is None]
        later = self._twins(fresh)
        self._match([i for i in fresh if i.out is None and id(i) not in later])
        later |= self._settle(fresh, later)
        with write_transaction():
            self._supersede([i for i in items if id(i) not in later and i.out is None])
            for item in items:
                if item.out is None and item.known is not None:
                    item.out = self._change(item)
            self._register([i for i in fresh if i.out is None and id(i) not in later])
            self._record([i for i in items if id(i) not in later])
        return [i.rec for i in items if id(i) in later]

    def _check(self, item: Item, known: dict[str, tuple[int, int]]) -> None:
        rec = item.rec
        problem = self._envelope(rec)
        if problem is not None:
            item.out = Outcome("returned", issues=[problem])
            return
        item.known = known.get(rec["uid"])
        if item.known is not None and item.known[1] >= rec["version"]:
            item.out = Outcome("unchanged" if item.known[1] == rec["version"] else "stale",
                               item.known[0])
        elif rec["action"] == "remove":
            if item.known is None:
                item.out = Outcome("removed")  # never held here (returned, or never received)
        else:
            item.values, issues = check_values(rec, self.today)
            if issues:
                item.out = Outcome("returned", item.known[0] if item.known else None, issues)
            item.kind = subject_kind(item.values, card_date(item.values))

    def _envelope(self, rec: dict[str, Any]) -> Issue | None:
        parts = split_uid(rec.get("uid"))
        if parts is None:
            return _issue("Карточка идентификаторы (uid) қате", "Неверный идентификатор карточки")
        if self.pkg.sender_tier == "body" and parts[0] != self.pkg.sender:
            return _issue("Карточка басқа ұйымдікі ({c})", "Карточка другой организации ({c})",
                          c=parts[0])
        if not _whole(rec.get("version")):
            return _issue("Карточка нұсқасы қате", "Неверная версия карточки")
        if rec.get("action") not in ACTIONS:
            return _issue("Жазба әрекеті белгісіз", "Неизвестное действие записи")
        return None

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
                item.out = Outcome("returned", issues=[_issue(
                    "Бұл іс бойынша карточка тіркелген: № {n}",
                    "Карточка по этому делу уже зарегистрирована: № {n}", "4", "protocol_no",
                    n=twin)])
            elif any(_same_offender(r, v) for r in batch.get(_case(v), [])):
                later.add(id(item))
            else:
                batch.setdefault(_case(v), []).append(v)
        return later

    def _match(self, items: list[Item]) -> None:
        def run(part: list[Item]) -> list[Links]:
            try:
                return [find_links(i.values, i.kind, self.cfg) for i in part]
            finally:
                database_proxy.obj.close()  # this worker's connection, back to the pool

        if self.pool is None or len(items) < 2 * WORKERS:
            for item in items:
                item.links = find_links(item.values, item.kind, self.cfg)
            return
        parts = [items[k::WORKERS] for k in range(WORKERS)]
        for part, found in zip(parts, self.pool.map(run, parts), strict=True):
            for item, links in zip(part, found, strict=True):
                item.links = links

    def _settle(self, fresh: list[Item], later: set[int]) -> set[int]:
        """Decide each matched card in order; a card that could be the new person (or
        entity) of an earlier card of this batch waits for the next batch."""
        made: set[Hashable] = set()
        wait: set[int] = set()
        for item in fresh:
            if item.out is not None or id(item) in later or item.links is None:
                continue
            pkeys = route_keys(item.values, item.kind, person=True)
            lkeys = route_keys(item.values, item.kind, person=False)
            if (pkeys | lkeys) & made:
                wait.add(id(item))
                continue
            links = item.links
            if links.pending:
                item.out = Outcome("pending", candidates=links.candidates)
                continue
            item.new_person = item.kind in PERSON_KINDS and links.person_id is None
            item.new_legal = item.kind in LEGAL_KINDS and links.legal_id is None
            made |= (pkeys if item.new_person else set()) | (lkeys if item.new_legal else set())
        return wait

    # -- writing ------------------------------------------------------------------------
    def _register(self, items: list[Item]) -> None:
        stamp = now()
        people = bulk.insert_rows(Person, [
            {**person_columns(i.values), "created_by": self.user, "created_at": stamp,
             "updated_at": stamp} for i in items if i.new_person])
        entities = bulk.insert_rows(LegalEntity, [
            {**legal_columns(i.values), "created_by": self.user, "created_at": stamp,
             "updated_at": stamp} for i in items if i.new_legal])
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
                "version": version if _whole(version) else 0,
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
    return Outcome("accepted", card.id)


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


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _same(old: Any, new: Any) -> bool:
    return (old if old not in ("", False) else None) == (new if new not in ("", False) else None)


def _status(value: object) -> str:
    return value if isinstance(value, str) and value in {s.value for s in Status} else ""
