"""Quarterly reconciliation of a register with the tier next to it (§9: by the 10th of
the month after the quarter).

Each side writes a statement of the quarter for the other (`write_statement`): one row
per card whose line 6 falls in the quarter, by uid, with its state, article, body and a
short digest of every line. The body's statement lists its own cards; the Directorate's
statement for a body lists what it holds from that body, what it returned and what waits
in its import queue. `reconcile` compares a statement received with this register's own
rows for the same counterpart and quarter: counts by state, article and body side by
side, and every card that differs with its probable cause.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw

from models.card_schema import FIELDS
from models.config import Config
from models.exchange import format as fmt
from models.exchange.common import ExchangeError, Org, own, split_uid, tier_above, tier_below
from models.exchange.export import manifest_head, new_package
from models.exchange.history import audit_seal
from models.exchange.receive import check_address
from models.exchange.tables import CardOrigin, CardOutbox, Package, PackageCard
from models.i18n import T
from models.permissions import Action, PermissionDenied, require
from models.tables import Card, Status, User, card_values

QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
LIVE, REMOVED, RETURNED, PENDING, ABSENT = "live", "removed", "returned", "pending", "absent"
OUT_OF_BANK = {REMOVED, ABSENT}
STATE_LABELS = {LIVE: T("банкте", "в банке"), REMOVED: T("алынған", "исключена"),
                RETURNED: T("қайтарылған", "возвращена"), PENDING: T("кезекте", "в очереди"),
                ABSENT: T("жоқ", "нет")}


def quarter_bounds(text: str) -> tuple[dt.date, dt.date]:
    m = QUARTER.match(text.strip())
    if not m:
        raise ExchangeError(T("Тоқсан 2025Q1 түрінде жазылады", "Квартал пишется как 2025Q1"))
    year, q = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def due_date(quarter: str) -> dt.date:
    """§9: by the 10th of the month after the quarter."""
    end = quarter_bounds(quarter)[1] + dt.timedelta(days=1)
    return end.replace(day=10)


def line_digests(values: dict[str, Any]) -> dict[str, str]:
    """Every non-empty line's value as a short hash: a difference names its lines."""
    return {n: hashlib.sha256(fmt.dumps(v).encode()).hexdigest()[:8]
            for n, v in fmt.encode_values(values).items()}


@dataclass
class Row:
    uid: str
    state: str
    status: str  # the card's status on its own register ("" when not held)
    article: str
    body: str  # line 1
    lines: dict[str, str] = field(default_factory=dict)
    note: str = ""  # due | package ident | return or queue deadline


# --- this register's rows ---------------------------------------------------------------

def _role(me: Org, counterpart: Org) -> str:
    if counterpart.tier == tier_above(me.tier):
        return "sender"
    if counterpart.tier == tier_below(me.tier):
        return "receiver"
    raise ExchangeError(T("{c} ({t}) көрші деңгей емес", "{c} ({t}) — не соседний уровень")
                        .format(c=counterpart.code, t=counterpart.tier))


def _card_state(status: str) -> str:
    return {Status.REMOVED.value: REMOVED, Status.RETURNED.value: RETURNED,
            Status.PURGED.value: REMOVED}.get(status, LIVE)


def own_rows(me: Org, counterpart: Org, start: dt.date, end: dt.date) -> Iterator[Row]:
    in_quarter = Card.journal_date.between(start, end) & (Card.status != Status.DRAFT.value)
    if _role(me, counterpart) == "sender":
        q = (Card.select(Card, CardOutbox.uid.alias("sent_uid"), CardOutbox.sent_version,
                         CardOrigin.uid.alias("origin_uid"))
             .join(CardOutbox, pw.JOIN.LEFT_OUTER, on=(CardOutbox.card == Card.id))
             .switch(Card).join(CardOrigin, pw.JOIN.LEFT_OUTER, on=(CardOrigin.card == Card.id))
             .where(in_quarter).order_by(Card.id).objects())
        for c in q.iterator():
            uid = c.sent_uid or c.origin_uid or f"{me.code}:{c.id}"
            note = "due" if c.sent_version != c.version else ""
            if c.sent_version is None and c.status in (Status.REMOVED.value, Status.PURGED.value):
                continue  # removed before it was ever sent: never in the bank
            yield Row(uid, _card_state(c.status), c.status, c.article or "", c.authority or "",
                      line_digests(card_values(c)), note)
        return
    held: set[str] = set()
    q = (Card.select(Card, CardOrigin.uid.alias("origin_uid"))
         .join(CardOrigin, on=(CardOrigin.card == Card.id))
         .where(in_quarter & (CardOrigin.source == counterpart.code)).order_by(Card.id).objects())
    for c in q.iterator():
        held.add(c.origin_uid)
        yield Row(c.origin_uid, REMOVED if c.status in (Status.REMOVED.value,
                                                        Status.PURGED.value) else LIVE,
                  c.status, c.article or "", c.authority or "", line_digests(card_values(c)))
    latest = (PackageCard.select(PackageCard.uid, pw.fn.MAX(PackageCard.id).alias("last"))
              .join(Package, on=(PackageCard.package == Package.id))
              .where((Package.direction == "in") & (Package.sender == counterpart.code)
                     & PackageCard.journal_date.between(start, end))
              .group_by(PackageCard.uid))
    items = (PackageCard.select(PackageCard.uid, PackageCard.result, PackageCard.return_due,
                                Package.ident)
             .join(Package, on=(PackageCard.package == Package.id))
             .where(PackageCard.id.in_(latest.select(pw.fn.MAX(PackageCard.id)))
                    & PackageCard.result.in_(["returned", "pending"])).tuples())
    for uid, result, due, ident in items.iterator():
        if uid not in held:
            yield Row(uid, RETURNED if result == "returned" else PENDING, "", "", "", {},
                      f"{ident} {due:%d.%m.%Y}" if due else ident)


# --- statements ------------------------------------------------------------------------

def _counterpart(me: Org, code: str, cfg: Config) -> Org:
    if code == cfg.parent_code:
        tier = tier_above(me.tier)
    else:
        tier = tier_below(me.tier)
    if tier is None:
        raise ExchangeError(T("{c} көрші деңгей емес", "{c} — не соседний уровень").format(c=code))
    return Org(code, tier)


def write_statement(cfg: Config, user: User | None, quarter: str, counterpart: str,
                    out: Path) -> Path:
    """This register's statement of `quarter` for `counterpart` (its parent or one of
    the senders below it); returns the file written."""
    try:
        require(user, Action.READ_CARD)
    except PermissionDenied as exc:
        raise ExchangeError(exc.message) from None
    start, end = quarter_bounds(quarter)
    me = own(cfg)
    other = _counterpart(me, counterpart, cfg)
    from models.db import write_transaction

    with write_transaction():
        pkg = new_package(me, other, "statement", user, suffix=f"{quarter.upper()}-S")
    target = fmt.package_path(out, pkg.ident)
    writer = fmt.PackageWriter(target)
    states: Counter[str] = Counter()
    try:
        pkg.seal = audit_seal()
        for row in sorted(own_rows(me, other, start, end), key=lambda r: _uid_key(r.uid)):
            writer.write({"uid": row.uid, "state": row.state, "status": row.status,
                          "article": row.article, "body": row.body, "lines": row.lines,
                          "note": row.note})
            states[row.state] += 1
        manifest = writer.finish({**manifest_head(pkg, me), "quarter": quarter.upper(),
                                  "counts": {"by_state": dict(sorted(states.items()))}})
    except BaseException:
        writer.discard()
        Package.delete().where(Package.id == pkg.id).execute()
        raise
    Package.update(state="sent", data_sha256=manifest["data_sha256"], records=manifest["records"],
                   seal=pkg.seal, manifest=fmt.dumps(manifest)).where(Package.id == pkg.id).execute()
    return target


def _uid_key(uid: str) -> tuple[str, int]:
    parts = split_uid(uid)
    return parts if parts else (uid, 0)


# --- the comparison --------------------------------------------------------------------

@dataclass
class Difference:
    uid: str
    mine: str  # state here
    theirs: str  # state there
    article: str
    body: str
    lines: list[str]
    cause: Any  # T


@dataclass
class Report:
    quarter: str
    me: str
    other: str
    due: dt.date
    mine: dict[str, Counter[str]]  # "state", "article", "body" -> counts here
    theirs: dict[str, Counter[str]]
    differences: list[Difference] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences


def _counts() -> dict[str, Counter[str]]:
    return {"state": Counter(), "article": Counter(), "body": Counter()}


def _add(counts: dict[str, Counter[str]], row: Row) -> None:
    counts["state"][row.state] += 1
    if row.state == LIVE:
        counts["article"][row.article] += 1
        counts["body"][row.body] += 1


def reconcile(cfg: Config, user: User | None, quarter: str, statement: Path) -> Report:
    """Compare the counterpart's statement with this register's own rows."""
    try:
        require(user, Action.READ_CARD)
    except PermissionDenied as exc:
        raise ExchangeError(exc.message) from None
    start, end = quarter_bounds(quarter)
    manifest = fmt.read_manifest(statement)
    me = own(cfg)
    if manifest["kind"] != "statement":
        raise ExchangeError(T("Бұл салыстыру ведомосі емес", "Это не ведомость сверки"))
    _, sender, sender_tier = check_address(manifest, me, cfg)
    if manifest.get("quarter") != quarter.upper():
        raise ExchangeError(T("Ведомость {q} тоқсаны үшін", "Ведомость за квартал {q}").format(
            q=str(manifest.get("quarter"))[:8]))
    fmt.verify(statement, manifest)
    other = Org(sender, sender_tier)
    role = _role(me, other)
    mine = {r.uid: r for r in own_rows(me, other, start, end)}
    report = Report(quarter.upper(), me.code, sender, due_date(quarter), _counts(), _counts())
    for r in mine.values():
        _add(report.mine, r)
    for rec in fmt.records(statement):
        row = _row(rec)
        if row is None:
            continue
        _add(report.theirs, row)
        here = mine.pop(row.uid, None)
        diff = compare(here, row, role)
        if diff is not None:
            report.differences.append(diff)
    for here in mine.values():
        diff = compare(here, None, role)
        if diff is not None:
            report.differences.append(diff)
    report.differences.sort(key=lambda d: _uid_key(d.uid))
    return report


def _row(rec: dict[str, Any]) -> Row | None:
    uid = rec.get("uid")
    if split_uid(uid) is None or rec.get("state") not in (LIVE, REMOVED, RETURNED, PENDING):
        return None
    lines = rec.get("lines") if isinstance(rec.get("lines"), dict) else {}
    return Row(uid, rec["state"], _text(rec.get("status")), _text(rec.get("article")),
               _text(rec.get("body")), {k: str(v)[:8] for k, v in lines.items() if k in FIELDS},
               _text(rec.get("note"), 60))


def _text(value: object, n: int = 16) -> str:
    from models.text import strip_control

    return strip_control(value)[:n] if isinstance(value, str) else ""


def compare(here: Row | None, there: Row | None, role: str) -> Difference | None:
    """The difference between one card's rows on the two sides, with its probable
    cause, or None when they agree. `role`: this register is the "sender" (below) or
    the "receiver" (above)."""
    mine = here.state if here else ABSENT
    theirs = there.state if there else ABSENT
    sender_row, receiver_row = (here, there) if role == "sender" else (there, here)
    sent, got = (mine, theirs) if role == "sender" else (theirs, mine)
    lines: list[str] = []
    if sent in OUT_OF_BANK and got in OUT_OF_BANK:
        return None
    if sent == got == LIVE:
        assert here is not None and there is not None
        lines = sorted({FIELDS[n].line for n in set(here.lines) | set(there.lines)
                        if here.lines.get(n) != there.lines.get(n)},
                       key=lambda x: [int(p) if p.isdigit() else 0 for p in re.split(r"\D", x)])
        if not lines:
            return None
    cause = _cause(sent, got, sender_row, receiver_row, lines)
    ref = here or there
    assert ref is not None
    return Difference(ref.uid, mine, theirs, ref.article or (there.article if there else ""),
                      ref.body or (there.body if there else ""), lines, cause)


def _cause(sent: str, got: str, sender_row: Row | None, receiver_row: Row | None,
           lines: list[str]) -> T:
    due = bool(sender_row and sender_row.note == "due")
    if sent == LIVE and got == LIVE:
        if due:
            return T("Жіберілгеннен кейін түзетілді, әлі жіберілмеген (жолдар: {l})",
                     "Исправлена после отправки, ещё не отправлена (строки: {l})").format(
                l=", ".join(lines))
        return T("Жолдары әртүрлі ({l}): түзету apcard-тан тыс жасалған немесе қолданылмаған",
                 "Строки различаются ({l}): правка сделана вне apcard или не применена"
                 ).format(l=", ".join(lines))
    if sent == RETURNED or (sent == LIVE and got == RETURNED):
        text = T("Басқарма түзетуге қайтарды, әлі қайта жіберілмеген",
                 "Возвращена Управлением на исправление, ещё не отправлена повторно")
        note = receiver_row.note if receiver_row else ""
        return T(f"{text.kk} ({note})", f"{text.ru} ({note})") if note else text
    if got == PENDING:
        return T("Басқарманың импорт кезегінде шешім күтуде", "Ждёт решения в очереди импорта "
                 "Управления")
    if sent == LIVE and got in OUT_OF_BANK:
        if due:
            return T("Әлі жіберілмеген: келесі жіберу күні кетеді",
                     "Ещё не отправлена: уйдёт в ближайший день отправки")
        if got == REMOVED:
            return T("Басқармада алынып тасталған", "Исключена в Управлении")
        return T("Жіберілген, бірақ Басқармада жоқ: пакет енгізілмеген немесе жоғалған",
                 "Отправлена, но в Управлении её нет: пакет не введён или утерян")
    if sent in OUT_OF_BANK and got == LIVE:
        if sent == REMOVED:
            return T("Субъектіде алынып тасталған, алып тастау әлі жіберілмеген немесе "
                     "қолданылмаған", "Исключена у субъекта, исключение ещё не отправлено "
                     "или не применено")
        return T("Субъектінің осы тоқсандағы карточкаларында жоқ: 6-жол күні өзгерген немесе "
                 "карточка apcard-тан тыс жойылған", "Нет среди карточек субъекта за этот "
                 "квартал: изменена дата строки 6 или карточка удалена вне apcard")
    return T("Күйлері әртүрлі", "Разные состояния")


def write_csv(report: Report, path: Path, lang: str) -> None:
    """The differences, then the counts side by side, as CSV (UTF-8 with BOM for Excel)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["quarter", report.quarter, "here", report.me, "there", report.other,
                    "due", report.due.isoformat()])
        w.writerow(["uid", "here", "there", "article", "body", "lines", "cause"])
        for d in report.differences:
            w.writerow([d.uid, d.mine, d.theirs, d.article, d.body, " ".join(d.lines),
                        d.cause(lang)])
        w.writerow([])
        w.writerow(["count", "key", "here", "there", "difference"])
        for what in ("state", "article", "body"):
            for key in sorted(set(report.mine[what]) | set(report.theirs[what])):
                a, b = report.mine[what][key], report.theirs[what][key]
                w.writerow([what, key, a, b, a - b])
