"""The one place registered cards change (§34-2, §6, §12).

`correct_card` changes lines of a registered card; `change_status` moves a card along
its life (dispatch, return, removal, execution); `remove_card` is the soft deletion;
`apply_document` brings a document's lines. Each checks the user's role and the card's
status, requires a reason where the order does, and bumps the card's version, handing
user, event and reason to the database (audit.writing), whose triggers write one log
row per changed line in the same transaction; a save based on an outdated version is
refused. No other code path may write a registered card's lines or status (and the
database refuses a change to a registered card that comes without a reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models import audit, batchlog, codebook, correction_window, lifecycle
from models.calendar import WEEKENDS_ONLY, WorkCalendar
from models.card_schema import FIELDS, LINES, Field, Kind
from models.db import is_postgres
from models.field_values import clean_value
from models.i18n import T
from models.lifecycle import Event
from models.permissions import Action, require
from models.persons import PERSON_COLUMNS, update_identification
from models.tables import Card, Person, Status, User, card_values, now
from models.text import clean, find_control
from models.validation import (
    Issue,
    card_date,
    errors,
    subject_kind,
    validate_card,
)

REASON_BOOK = "correction_reason"
REASON_TEXT_MAX = 500
FIELD_ORDER = {f.name: i for i, f in enumerate(f for line in LINES for f in line.fields)}


class CorrectionRefused(Exception):
    """The change was not saved; `message` says why, `issues` lists card errors."""

    def __init__(self, message: T, issues: Iterable[Issue] = ()) -> None:
        super().__init__(message.ru)
        self.message = message
        self.issues = list(issues)


class ReasonRequired(CorrectionRefused):
    pass


@dataclass(frozen=True)
class Change:
    """A logged change made by someone else, for conflict messages."""

    field_name: str
    line: str
    old_value: str | None
    new_value: str | None
    user_login: str
    at: dt.datetime


class ConflictError(CorrectionRefused):
    """Someone saved the card after it was opened: nothing was written. `changes` is
    what they changed; `current_version` is the card's version now."""

    def __init__(self, message: T, changes: list[Change], current_version: int) -> None:
        super().__init__(message)
        self.changes = changes
        self.current_version = current_version


@dataclass(frozen=True)
class Reason:
    code: str | None  # None only for a note on a step that needs no reason
    text: str


@dataclass
class Saved:
    card_id: int
    version: int
    status: str
    rows: list[audit.Correction] = field(default_factory=list)


# --- values as the log stores them ---------------------------------------------------
def to_text(value: Any) -> str | None:
    """A typed card value as log text: ISO dates, whole numbers, 1/0 flags."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _same(f: Field, old: Any, new: Any) -> bool:
    if f.kind == Kind.FLAG:
        return bool(old) == bool(new)
    return (old if old != "" else None) == (new if new != "" else None)


def _typed(f: Field, value: Any) -> Any:
    """What the caller passed (typed value or text as typed) -> the cleaned value stored
    (models.field_values.clean_value: the one cleaning path, as for registering)."""
    cleaned, issues = clean_value(f, value)
    if errors(issues):
        raise CorrectionRefused(T("{line}-жолда қате", "Ошибка в строке {line}"
                                  ).format(line=f.line), issues)
    return cleaned


def _typed_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Field name -> stored value; an unknown field name is refused."""
    unknown = [n for n in changes if n not in FIELDS]
    if unknown:
        raise CorrectionRefused(T("Карточкада мұндай өріс жоқ: {n}", "Нет такого поля карточки: {n}"
                                  ).format(n=", ".join(sorted(unknown))[:200]))
    return {n: _typed(FIELDS[n], v) for n, v in changes.items()}


# --- reasons ---------------------------------------------------------------------------

def reasons(on: dt.date | None = None) -> list[codebook.Entry]:
    """The reason codes offered on a day (codebook `correction_reason`)."""
    return codebook.entries(REASON_BOOK, on or dt.date.today())


def check_reason(code: str | None, text: str | None, on: dt.date,
                 removal: bool = False) -> Reason:
    """Both a valid reason code and a free text are required (§34-2)."""
    code = clean(code or "")
    raw = text or ""
    if not code or not clean(raw):
        raise ReasonRequired(T("Себептің коды мен мәтіні міндетті: себепсіз сақталмайды",
                               "Нужны код и текст причины: без причины не сохраняется"))
    if find_control(raw) is not None or find_control(code) is not None:
        raise ReasonRequired(T("Себепте басқару таңбалары болмауы керек",
                               "Причина не должна содержать управляющих символов"))
    body = clean(raw)
    if not any(c.isalpha() for c in body):
        # "04", "...", "-": the log must say in words what was wrong
        raise ReasonRequired(T("Себеп мәтінін сөзбен жазыңыз: не қате болды",
                               "Напишите причину словами: в чём была ошибка"))
    if len(body) > REASON_TEXT_MAX:
        raise ReasonRequired(T("Себеп мәтіні ең көбі {n} таңба",
                               "Текст причины: не более {n} символов").format(n=REASON_TEXT_MAX))
    entry = codebook.resolve(REASON_BOOK, code, on)
    if entry is None:
        raise ReasonRequired(T("Себеп коды «{c}» анықтамалықта жоқ",
                               "Кода причины «{c}» нет в справочнике").format(c=code[:8]))
    if entry.data.get("removal") and not removal:
        raise ReasonRequired(T("«{c}» коды тек алып тастауға арналған",
                               "Код «{c}» только для удаления карточки").format(c=code))
    return Reason(code, body)


def _reason_per_field(names: Iterable[str], code: str | None, text: str | None,
                      per_field: Mapping[str, Reason | tuple[str, str]] | None,
                      on: dt.date) -> dict[str, Reason]:
    """One reason for all lines, or each line its own (a line without its own reason
    takes the common one; with neither the save is refused)."""
    per_field = per_field or {}
    common: Reason | None = None
    out = {}
    for name in names:
        own = per_field.get(name)
        if own is not None:
            c, t = (own.code, own.text) if isinstance(own, Reason) else own
            out[name] = check_reason(c, t, on)
        else:
            common = common or check_reason(code, text, on)
            out[name] = common
    return out


# --- the card under a write lock -----------------------------------------------------

def _load(card_id: int) -> Card:
    card = Card.get_or_none(Card.id == card_id)
    if card is None:
        raise CorrectionRefused(T("{id} карточкасы жоқ", "Карточки {id} нет").format(id=card_id))
    return card


def _conflict(card: Card, expected: int) -> ConflictError:
    rows = audit.changes_since(card.id, expected)
    logins = {u.id: u.login for u in User.select(User.id, User.login)
              .where(User.id.in_({r.user_id for r in rows} or {0}))}
    changes = [Change(r.field_name, r.line, r.old_value, r.new_value,
                      logins.get(r.user_id, "?"), r.created_at) for r in rows]
    lines = ", ".join(dict.fromkeys(c.line or c.field_name for c in changes)) or "?"
    who = ", ".join(dict.fromkeys(c.user_login for c in changes)) or "?"
    return ConflictError(T(
        "Карточканы сіз ашқаннан кейін {who} өзгертті (жолдар: {lines}). Сіздің түзетулеріңіз "
        "сақталмады: карточканы қайта ашып, қайталаңыз.",
        "Пока карточка была открыта, её изменил {who} (строки: {lines}). Ваши правки не "
        "сохранены: откройте карточку заново и повторите.").format(who=who, lines=lines),
        changes, card.version)


def _target(event: Event, status: str) -> Status:
    try:
        return lifecycle.target(event, status)
    except lifecycle.TransitionRefused as exc:
        raise CorrectionRefused(exc.message) from None


def _write(card: Card, expected: int, updates: dict[str, Any]) -> int:
    """UPDATE ... WHERE id AND version: a concurrent save makes it touch no row."""
    new_version = expected + 1
    done = (Card.update(**updates, version=new_version)
            .where((Card.id == card.id) & (Card.version == expected)).execute())
    if done != 1:
        raise _conflict(_load(card.id), expected)
    return new_version


# --- the public functions -------------------------------------------------------------

def correct_card(card_id: int, changes: Mapping[str, Any], user: User | None,
                 reason_code: str | None, reason_text: str | None,
                 per_field_reasons: Mapping[str, Reason | tuple[str, str]] | None = None, *,
                 expected_version: int, today: dt.date | None = None,
                 error_found_on: dt.date | None = None, override_reason: str | None = None,
                 window_days: int = 30) -> Saved:
    """Change lines of a registered card. `changes` maps field names to new values
    (typed, or text as typed). Unchanged values are ignored; nothing changed is refused.
    §6: a card the Directorate returned is corrected freely; otherwise within
    `window_days` of `error_found_on` (default: found today), or with an
    `override_reason`; the basis is recorded (models.correction_window)."""
    require(user, Action.CORRECT_CARD)
    today = today or dt.date.today()
    typed = _typed_changes(changes)
    why = _reason_per_field(typed, reason_code, reason_text, per_field_reasons, today)
    first = why[min(why, key=FIELD_ORDER.__getitem__)] if why else None
    with audit.writing(user, Event.CORRECT.value, reason_code=first.code if first else None,
                       reason=first.text if first else None,
                       reasons={n: (r.code, r.text) for n, r in why.items()}):
        card = _load(card_id)
        if card.version != expected_version:
            raise _conflict(card, expected_version)
        new_status = _target(Event.CORRECT, card.status)
        try:
            basis = correction_window.check(card.status, error_found_on, today, window_days,
                                            override_reason)
        except correction_window.WindowClosed as exc:
            raise CorrectionRefused(exc.message) from None
        old = card_values(card)
        diff = {n: v for n, v in typed.items() if not _same(FIELDS[n], old[n], v)}
        if not diff:
            raise CorrectionRefused(T("Ештеңе өзгертілмеді", "Ничего не изменено"))
        _check_subject(old, diff)
        issues = validate_card({**old, **diff}, today)
        if errors(issues):
            raise CorrectionRefused(T("Түзетілген карточкада қателер бар: сақталмады",
                                      "В исправленной карточке есть ошибки: не сохранено"),
                                    issues)
        updates: dict[str, Any] = {**diff, "status": new_status.value, "corrected_at": now()}
        version = _write(card, expected_version, updates)
        names = sorted(diff, key=FIELD_ORDER.__getitem__)
        correction_window.record(card, version, basis, user)
        _follow_person(card, old, diff, user, why[names[0]])
        rows = audit.rows_of(card.id, version)
    return Saved(card.id, version, new_status.value, rows)


def _check_subject(old: dict[str, Any], diff: dict[str, Any]) -> None:
    """A correction keeps the card about the same kind of subject (an individual's card
    stays an individual's: its person link and hidden lines depend on it) and writes
    no line the subject does not have."""
    before = subject_kind(old, card_date(old))
    after = subject_kind({**old, **diff}, card_date({**old, **diff}))
    if before is not None and after != before:
        raise CorrectionRefused(T(
            "Субъект түрін түзетумен өзгертуге болмайды: карточканы алып тастап, жаңасын тіркеңіз",
            "Вид субъекта исправлением не меняется: удалите карточку и зарегистрируйте новую"))
    hidden = [n for n, v in diff.items() if v not in (None, False)
              and not FIELDS[n].visible_for(after)]
    if hidden:
        lines = ", ".join(dict.fromkeys(FIELDS[n].line for n in hidden))
        raise CorrectionRefused(T("Бұл субъектінің карточкасында мұндай жол жоқ: {lines}",
                                  "В карточке этого субъекта нет строк: {lines}"
                                  ).format(lines=lines))


def _follow_person(card: Card, old: dict[str, Any], diff: dict[str, Any], user: User,
                   reason: Reason) -> None:
    """Carry a corrected identification line to the card's person (§38 keeps the former
    value) when the person's current data came from this card's old value. A person
    whose data has moved on since (a later card) is left alone: correcting an old card
    must not turn the person back into who they were."""
    if card.person_id is None:
        return
    person = Person.get_or_none(Person.id == card.person_id)
    if person is None:
        return
    follow = {n: v for n, v in diff.items() if n in PERSON_COLUMNS
              and _same(FIELDS[n], getattr(person, PERSON_COLUMNS[n]), old[n])}
    if follow:
        update_identification(person, follow, user, f"{reason.code}: {reason.text}")


def change_status(card_id: int, event: Event, user: User | None, *,
                  reason_code: str | None = None, reason_text: str | None = None,
                  expected_version: int | None = None, dispatch_days: Iterable[int] = (),
                  today: dt.date | None = None, executed_on: dt.date | None = None,
                  cal: WorkCalendar = WEEKENDS_ONLY) -> Saved:
    """Move a card along its life. Return and removal need a reason; dispatch happens
    on a dispatch day only. `expected_version` None: whatever the card's version is
    (a status step overwrites no line). `executed_on`: the day the penalty was fully
    executed, when it was earlier than today (retention counts from it, §13)."""
    if event == Event.CORRECT:
        raise ValueError("corrections go through correct_card")
    require(user, lifecycle.action_for(event))
    today = today or dt.date.today()
    reason = check_reason(reason_code, reason_text, today, removal=event == Event.REMOVE) \
        if lifecycle.needs_reason(event) else _optional_note(reason_text)
    if event == Event.DISPATCH:
        _check_dispatch_day(today, dispatch_days, cal)
    with audit.writing(user, event.value, reason_code=reason.code if reason else None,
                       reason=reason.text if reason else None):
        card = _load(card_id)
        expected = card.version if expected_version is None else expected_version
        if card.version != expected:
            raise _conflict(card, expected)
        new_status = _target(event, card.status)
        stamp = _execution_stamp(card, executed_on, today) if event == Event.EXECUTE else now()
        updates: dict[str, Any] = {"status": new_status.value}
        if new_status in lifecycle.STAMP:
            updates[lifecycle.STAMP[new_status]] = stamp
        version = _write(card, expected, updates)
        rows = audit.rows_of(card.id, version)
        if event == Event.DISPATCH and audit.writing_depth() == 1:
            audit.seal("dispatch")  # what went to the Directorate is sealed with it
    return Saved(card.id, version, new_status.value, rows)


def _execution_stamp(card: Card, executed_on: dt.date | None, today: dt.date) -> dt.datetime:
    if executed_on is None:
        return now()
    if executed_on > today or (card.decision_date and executed_on < card.decision_date):
        raise CorrectionRefused(T("Орындалу күні қаралған күн (10-жол) мен бүгін аралығында болсын",
                                  "Дата исполнения: между датой рассмотрения (строка 10) и "
                                  "сегодняшним днём"))
    return dt.datetime.combine(executed_on, dt.time())


def _check_dispatch_day(today: dt.date, dispatch_days: Iterable[int],
                        cal: WorkCalendar = WEEKENDS_ONLY) -> None:
    """A dispatch day of the schedule, or the first working day (of the calendar) after
    one that fell on a day off."""
    days = list(dispatch_days)
    if not days:
        raise ValueError("dispatch needs the configured dispatch days")
    if not lifecycle.is_dispatch_day(today, days, cal):
        nxt = lifecycle.next_dispatch_day(today, days, cal)
        raise CorrectionRefused(T("Бүгін жіберу күні емес; келесі: {d}",
                                  "Сегодня не день отправки; ближайший: {d}"
                                  ).format(d=nxt.strftime("%d.%m.%Y")))


def _optional_note(text: str | None) -> Reason | None:
    if not text or not clean(text):
        return None
    if find_control(text) is not None:
        raise ReasonRequired(T("Ескертуде басқару таңбалары болмауы керек",
                               "Примечание не должно содержать управляющих символов"))
    return Reason(None, clean(text)[:REASON_TEXT_MAX])


def remove_card(card_id: int, user: User | None, reason_code: str | None,
                reason_text: str | None, *, expected_version: int | None = None,
                today: dt.date | None = None) -> Saved:
    """Soft deletion (§12, §34-2): status removed with the reason; the card stays in
    the history and leaves working lists and exports."""
    return change_status(card_id, Event.REMOVE, user, reason_code=reason_code,
                         reason_text=reason_text, expected_version=expected_version, today=today)


def dispatch_due(user: User | None, dispatch_days: Iterable[int],
                 today: dt.date | None = None, chunk: int | None = None,
                 cal: WorkCalendar = WEEKENDS_ONLY) -> int:
    """Dispatch every registered or corrected card on a dispatch day; returns how many
    went. A chunk of cards (default: 1,000; on SQLite batchlog.PER_TRANSACTION) is
    dispatched and logged in one transaction: on PostgreSQL its triggers write the log
    rows, on SQLite models.batchlog writes them a slice at a time, so a package of
    100,000 cards is dispatched in seconds."""
    check_dispatch(user, dispatch_days, today, cal)
    due = [Status.REGISTERED.value, Status.CORRECTED.value]
    if not is_postgres():
        return _dispatch_batches(user, due, chunk or batchlog.PER_TRANSACTION)
    chunk = chunk or 1000
    total = 0
    while True:
        with audit.writing(user, Event.DISPATCH.value):
            rows = list(Card.select(Card.id).where(Card.status.in_(due)).order_by(Card.id)
                        .limit(chunk).for_update().tuples())
            if not rows:
                return total
            # The database logs each card's new status (its triggers).
            Card.update(status=Status.DISPATCHED.value, dispatched_at=now(),
                        version=Card.version + 1).where(
                Card.id.in_([r[0] for r in rows])).execute()
            audit.seal("dispatch")  # what went to the Directorate is sealed with it
            total += len(rows)


def check_dispatch(user: User | None, dispatch_days: Iterable[int],
                   today: dt.date | None = None, cal: WorkCalendar = WEEKENDS_ONLY) -> None:
    """Refuse as dispatch_due would (the right to dispatch, a dispatch day)."""
    require(user, Action.DISPATCH_CARD)
    _check_dispatch_day(today or dt.date.today(), dispatch_days, cal)


def _dispatch_batches(user: User | None, due: list[str], chunk: int) -> int:
    """SQLite: the cards due, listed once (not looked for again from the first card
    for each chunk), dispatched a chunk a transaction by models.batchlog, which skips
    a card no longer due by then; again until none is due."""
    total = 0
    while True:
        ids = [cid for (cid,) in Card.select(Card.id).where(Card.status.in_(due))
               .order_by(Card.id).tuples()]
        if not ids:
            return total
        for start in range(0, len(ids), chunk):
            with audit.writing(user, Event.DISPATCH.value):
                total += batchlog.dispatch(ids[start:start + chunk], now())
                audit.seal("dispatch")  # what went to the Directorate is sealed with it


def apply_document(card_id: int, changes: Mapping[str, Any], user: User | None, *,
                   action: Action, event: str, note: str, expected_version: int | None = None,
                   today: dt.date | None = None) -> Saved:
    """Lines a document brings to a registered card (line 13 from a notice of execution,
    lines 19/19.1 from a protest): not a correction (no §6 window, no reason code, the
    status stays), but the same checks and log. `note` names the document; it is the
    log rows' reason text. `action` is the permission the document needs."""
    require(user, action)
    today = today or dt.date.today()
    typed = _typed_changes(changes)
    text = _optional_note(note)
    if text is None:  # the document is the reason: the database refuses a change without
        raise ReasonRequired(T("Құжат көрсетілмеген", "Не указан документ"))
    with audit.writing(user, event, reason=text.text):
        card = _load(card_id)
        expected = card.version if expected_version is None else expected_version
        if card.version != expected:
            raise _conflict(card, expected)
        if card.status not in {s.value for s in lifecycle.LIVE}:
            label = lifecycle.status_label(card.status)
            raise CorrectionRefused(T(f"«{label.kk}» күйіндегі карточкаға құжат енгізілмейді",
                                      f"В карточку в состоянии «{label.ru}» документ не вносится"))
        old = card_values(card)
        diff = {n: v for n, v in typed.items() if not _same(FIELDS[n], old[n], v)}
        if not diff:
            raise CorrectionRefused(T("Ештеңе өзгертілмеді", "Ничего не изменено"))
        issues = validate_card({**old, **diff}, today)
        if errors(issues):
            raise CorrectionRefused(T("Құжаттан кейін карточкада қателер бар: сақталмады",
                                      "После внесения документа в карточке ошибки: не сохранено"),
                                    issues)
        version = _write(card, expected, dict(diff))
        rows = audit.rows_of(card.id, version)
    return Saved(card.id, version, card.status, rows)


# The lines a destroyed card loses (§14): what identifies the offender or the case file
# (models.purge empties them).
# Everything else (bodies, place, qualification, dates, penalties, amounts, sex,
# citizenship, legal form) stays, so counts and statistics are unchanged.
PURGED_FIELDS = ("protocol_no", "refusal_no", "official_name", "surname", "given_name",
                 "patronymic", "birth_date", "address", "id_document", "iin", "workplace",
                 "legal_name", "rnn", "bin", "legal_address", "filled_by")
