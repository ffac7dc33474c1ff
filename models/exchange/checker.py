"""Checking received card records: each is parsed and validated as a card typed on this
register would be (models.validation: parse_field for every line, then validate_card
with the codebooks in force on the card's date), and the person or legal entity of a
card new here is looked up with the duplicate engine (linking.py).

This is most of an import's work and it only reads the register, so a large package is
checked by worker processes (`Checkers`), a batch each, while the importing process
writes the batches already checked. A small package is checked in the process itself.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from models.card_schema import FIELDS, Kind, Subject
from models.cards import row_edition
from models.config import Config
from models.exchange.common import split_uid
from models.exchange.linking import (
    LEGAL_KINDS,
    PERSON_KINDS,
    Links,
    find_links_many,
    legal_route_keys,
    person_route_keys,
)
from models.exchange.pacing import IMPORT_APP
from models.exchange.tables import CardOrigin
from models.i18n import T
from models.persons import legal_columns, person_columns
from models.tables import Person
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

ACTIONS = ("register", "correct", "remove")
PARALLEL_FROM = 3000  # records: below this, worker processes cost more than they save
# codebooks whose entries' data (penalties, fines, kinds) the checking of cards reads
DATA_BOOKS = ("article", "article_part", "penalty", "subject", "mrp", "authority")


def issue(kk: str, ru: str, line: str = "", name: str = "", **fmt: object) -> Issue:
    return Issue(line, name, ERROR, T(kk, ru).format(**fmt))


def decode(values: object) -> tuple[dict[str, Any], list[Issue]]:
    """A record's values -> typed card values, through the same parsing as typed text."""
    if not isinstance(values, dict):
        return {}, [issue("Карточка мәндері жоқ", "Нет значений карточки")]
    issues: list[Issue] = []
    unknown = [k for k in values if k not in FIELDS]
    if unknown:
        shown = strip_control(", ".join(str(k) for k in unknown))[:60]
        issues.append(issue("Карточкада мұндай жол жоқ: {n}", "Нет такой строки карточки: {n}",
                            n=shown))
    out: dict[str, Any] = {}
    for name, f in FIELDS.items():
        raw = values.get(name)
        # As the exporter writes them (models.exchange.format.encode_value): a flag true,
        # an amount a whole number, everything else a string; another type is refused,
        # not read into the field (a number 123 is no surname).
        if raw is None or (raw is False and f.kind == Kind.FLAG):
            text = ""
        elif raw is True and f.kind == Kind.FLAG:
            text = "1"
        elif isinstance(raw, int) and not isinstance(raw, bool) and f.kind == Kind.AMOUNT:
            text = str(raw)
        elif isinstance(raw, str) and f.kind != Kind.FLAG:
            text = raw
        else:
            issues.append(issue("Мән түрі қате", "Неверный тип значения", f.line, name))
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
        return values, [issue("{a}-бап мұнда {h} редакциясы бойынша оқылады, жіберуші: {s}",
                              "Статья {a} здесь читается по редакции {h}, у отправителя: {s}",
                              "9", "article", a=values.get("article"), h=here,
                              s=strip_control(str(sent))[:8])]
    return values, []


def envelope(rec: dict[str, Any], sender: str, sender_tier: str) -> Issue | None:
    """What the record must be before its card is looked at."""
    parts = split_uid(rec.get("uid"))
    if parts is None:
        return issue("Карточка идентификаторы (uid) қате", "Неверный идентификатор карточки")
    if sender_tier == "body" and parts[0] != sender:
        return issue("Карточка басқа ұйымдікі ({c})", "Карточка другой организации ({c})",
                     c=parts[0])
    if not whole(rec.get("version")):
        return issue("Карточка нұсқасы қате", "Неверная версия карточки")
    if rec.get("action") not in ACTIONS:
        return issue("Жазба әрекеті белгісіз", "Неизвестное действие записи")
    return None


def sender_ref(value: object, sender: str) -> bool:
    """A person reference of this sender's (export.person_ref), well formed."""
    return (isinstance(value, str) and value.startswith(sender + ":P")
            and value[len(sender) + 2:].isdigit() and len(value) <= 64)


def whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


@dataclass
class Checked:
    problem: list[Issue]  # the record's errors (empty: a good record)
    values: dict[str, Any]
    kind: Subject | None
    links: Links | None  # for a card not held here
    person_row: dict[str, Any] | None = None  # a new person's columns, should it be one
    legal_row: dict[str, Any] | None = None
    person_keys: frozenset[Hashable] = frozenset()  # linking.person_route_keys
    legal_keys: frozenset[Hashable] = frozenset()


@dataclass(frozen=True)
class Job:
    """What a batch is checked against: the same for every batch of a package."""

    sender: str
    sender_tier: str
    today: dt.date
    matching: dict[str, float]


def check_records(records: list[dict[str, Any]], job: Job,
                  prior: list[Checked | None] | None = None) -> list[Checked]:
    """Check a batch (in this process or a worker). `prior`: for each record, what an
    earlier check of it found, when it waited for a later batch (intake.py): its values
    and their validation are the same again (pure functions of the record and the day),
    so only whether it is held here and its person and legal entity are looked up anew."""
    prior = prior or [None] * len(records)
    uids = [r["uid"] for r in records if isinstance(r.get("uid"), str)]
    held = {u for (u,) in CardOrigin.select(CardOrigin.uid).where(CardOrigin.uid.in_(uids))
            .tuples()} if uids else set()
    refs = {r["person"] for r in records if sender_ref(r.get("person"), job.sender)}
    known = dict(Person.select(Person.ref, Person.id).where(Person.ref.in_(list(refs)))
                 .tuples()) if refs else {}
    out: list[Checked] = []
    searched: list[tuple[Checked, int | None]] = []  # cards to match, the sender's person
    for rec, before in zip(records, prior, strict=True):
        problem = envelope(rec, job.sender, job.sender_tier)
        if problem is not None:
            out.append(Checked([problem], {}, None, None))
            continue
        if rec["action"] == "remove":
            out.append(Checked([], {}, None, None))
            continue
        ref = rec["person"] if sender_ref(rec.get("person"), job.sender) else None
        if before is not None and not before.problem:
            done = Checked([], before.values, before.kind, None, before.person_row,
                           before.legal_row, before.person_keys, before.legal_keys)
        else:
            values, issues = check_values(rec, job.today)
            done = Checked(issues, values, subject_kind(values, card_date(values)), None)
        out.append(done)
        if done.problem or rec["uid"] in held:
            continue
        if done.person_row is None and done.legal_row is None:
            _subjects(done, ref)
        # a person the sender's cards came to before is not looked for
        searched.append((done, known.get(ref) if ref is not None else None))
    found = find_links_many([(c.values, c.kind, person is None) for c, person in searched],
                            job.matching)
    for (done, person), links in zip(searched, found, strict=True):
        if person is not None:
            links.person_id = person
        done.links = links
    return out


def _subjects(done: Checked, ref: str | None) -> None:
    """The columns and route keys of the card's new person and legal entity, should it
    make them."""
    if done.kind in PERSON_KINDS:
        done.person_row = {**person_columns(done.values), "ref": ref}
        done.person_keys = person_route_keys(done.person_row)
    if done.kind in LEGAL_KINDS:
        done.legal_row = legal_columns(done.values)
        done.legal_keys = legal_route_keys(done.legal_row)


# --- worker processes ---------------------------------------------------------------------

def _start_worker(url: str) -> None:
    from models import codebook
    from models.db import open_database

    # Operators key and save on this server while a package is checked: their screens and
    # saves come first (SQLite: a save starved of CPU holds the write lock longer for
    # all; PostgreSQL: a save holds its journal's counter row and the log's chain lock
    # at its commit). The checking is a batch: it takes what the operators leave.
    os.nice(10)
    # PostgreSQL: the import's sessions, which its pacing does not count as others at work
    os.environ["PGAPPNAME"] = IMPORT_APP
    open_database(url, pool_size=1)
    codebook.reload()
    # a large package's cards ask for most article parts' penalties and fines
    codebook.read_data(*DATA_BOOKS)


def _work(records: list[dict[str, Any]], job: Job,
          prior: list[Checked | None] | None) -> list[Checked]:
    return check_records(records, job, prior)


class Checkers:
    """Batches checked ahead: by worker processes for a large package, else here."""

    def __init__(self, cfg: Config, job: Job, records_expected: int) -> None:
        self.job = job
        self.pool = None
        workers = min(4, (os.cpu_count() or 1) + 1)  # the importer writes meanwhile
        if records_expected >= PARALLEL_FROM and workers > 1:
            # spawn: a forked child would share the parent's database connection
            self.pool = mp.get_context("spawn").Pool(workers, _start_worker, (cfg.db_url,))
        self.depth = workers if self.pool is not None else 1

    @property
    def parallel(self) -> bool:
        """Batches are checked ahead of the writing (else each when it is taken)."""
        return self.pool is not None

    def submit(self, records: list[dict[str, Any]], prior: list[Checked | None] | None = None
               ) -> Callable[[], list[Checked]]:
        if self.pool is None:
            return lambda: check_records(records, self.job, prior)
        future = self.pool.apply_async(_work, (records, self.job, prior))
        return lambda: future.get(timeout=3600)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()

    def terminate(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
