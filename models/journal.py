"""Reading the correction log: a card's history, the administrators' correction
journal with filters, and its CSV export. Read-only; models/audit.py writes the log."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from models import codebook, lifecycle
from models.audit import Correction, readable
from models.card_schema import FIELDS, Kind
from models.corrections import FIELD_ORDER, REASON_BOOK
from models.i18n import T
from models.permissions import Action, require, role_label
from models.tables import Card, Status, User
from models.validation import format_value, parse_date

YES, NO = T("иә", "да"), T("жоқ", "нет")
_NON_CARD_LABELS = {
    "status": T("Күйі", "Состояние"),
    "user": T("Пайдаланушы", "Пользователь"),
    "role": T("Рөлі", "Роль"),
    "password": T("Құпиясөз", "Пароль"),
    "password_hash": T("Құпиясөз", "Пароль"),
    "login": T("Логин", "Логин"),
    "os_account": T("ОЖ есептік жазбасы", "Учётная запись ОС"),
    "full_name": T("Аты-жөні", "ФИО"),
    "position": T("Лауазымы", "Должность"),
    "active": T("Белсенді", "Активен"),
}


@dataclass(frozen=True)
class LogRow:
    id: int
    at: dt.datetime
    user_login: str
    user_name: str
    event: str
    card_id: int | None
    card_version: int | None
    line: str
    field_name: str
    label: T
    old: str  # as the form shows it
    new: str
    reason_code: str
    reason_name: T
    reason_text: str
    row_hash: str


@dataclass
class JournalFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user_login: str | None = None
    reason_code: str | None = None
    card_id: int | None = None
    line: str | None = None
    event: str | None = None


def field_label(name: str) -> T:
    f = FIELDS.get(name)
    return f.label if f else _NON_CARD_LABELS.get(name, T(name, name))


def show_value(name: str, text: str | None, lang: str = "ru") -> str:
    """A logged value as people read it: dates dd.mm.yyyy, amounts grouped, labels
    for statuses and roles."""
    if text is None:
        return ""
    if name == "status":
        return lifecycle.status_label(text)(lang)
    if name == "password_hash":  # the log keeps a digest; nobody reads it
        return "***"
    if name == "active":
        return (YES if text == "1" else NO)(lang)
    if name == "role":
        return role_label(text)(lang)
    f = FIELDS.get(name)
    if f is None:
        return text
    if f.kind == Kind.FLAG:
        return (YES if text == "1" else NO)(lang)
    value: Any = text
    if f.kind == Kind.DATE:
        value = parse_date(text) or text
    elif f.kind == Kind.AMOUNT and text.isdigit():
        value = int(text)
    return format_value(f, value) if not isinstance(value, str) else value


def _reason_name(code: str | None, on: dt.date) -> T:
    if not code:
        return T("", "")
    entry = codebook.resolve(REASON_BOOK, code, on) or codebook.known(REASON_BOOK, code)
    return entry.name if entry else T(code, code)


def _created_user(text: str | None) -> str | None:
    """A user's creation (the whole row the database logged) as login:role."""
    try:
        row = json.loads(text or "")
        return f"{row['login']}:{row['role']}"
    except (ValueError, KeyError, TypeError):
        return text


def _rows(query: Any, lang: str) -> Iterator[LogRow]:
    users = {u.id: u for u in User.select(User.id, User.login, User.full_name)}
    for r in query:
        u = users.get(r.user_id)
        field, new = r.field_name, r.new_value
        if r.entity == "user" and field == "*":
            field, new = "user", _created_user(new)
        reason = r.reason_text
        if r.entity == "user" and not reason and r.target_user_id in users:
            reason = users[r.target_user_id].login  # whose rights changed
        if u is None and r.entity == "user" and r.field_name == "*":
            u = users.get(r.target_user_id)  # the first administrator, made by `init`
        yield LogRow(
            id=r.id, at=r.created_at, user_login=u.login if u else (r.db_user or "?"),
            user_name=u.full_name if u else "", event=r.event, card_id=r.card_id,
            card_version=r.card_version, line=r.line, field_name=field,
            label=field_label(field), old=show_value(field, r.old_value, lang),
            new=show_value(field, new, lang), reason_code=r.reason_code or "",
            reason_name=_reason_name(r.reason_code, r.created_at.date()),
            reason_text=reason, row_hash=r.row_hash)


def card_history(user: User | None, card_id: int, lang: str = "ru",
                 by_line: bool = True) -> list[LogRow]:
    """Every value each line of a card has had: who changed it, when and why.
    The first row is the registration itself. `by_line`: grouped by line in the
    paper card's order (time order within a line); else in time order."""
    require(user, Action.READ_HISTORY)
    card = Card.get_or_none(Card.id == card_id)
    if card is None:
        return []
    rows = list(_rows(Correction.select().where((Correction.card == card_id) & readable())
                      .order_by(Correction.id), lang))
    if by_line:
        rows.sort(key=lambda r: (FIELD_ORDER.get(r.field_name, -1), r.id))
    author = User.get_or_none(User.id == card.created_by_id) if card.created_by_id else None
    at = card.registered_at or card.created_at
    first = LogRow(0, at, author.login if author else "", author.full_name if author else "",
                   "register", card.id, 1, "", "status", field_label("status"), "",
                   lifecycle.status_label(Status.REGISTERED.value)(lang), "", T("", ""), "", "")
    return [first, *rows]


def _filtered(flt: JournalFilter) -> Any:
    # Cards, users and documents; a person's identification history has its own view (§38).
    q = Correction.select().where(readable()
                                  & Correction.entity.not_in(("person", "legal_entity")))
    if flt.date_from:
        q = q.where(Correction.created_at >= dt.datetime.combine(flt.date_from, dt.time.min))
    if flt.date_to:
        q = q.where(Correction.created_at < dt.datetime.combine(
            flt.date_to + dt.timedelta(days=1), dt.time.min))
    if flt.user_login:
        q = q.join(User, on=(Correction.user == User.id)).where(User.login == flt.user_login)
    if flt.reason_code:
        q = q.where(Correction.reason_code == flt.reason_code)
    if flt.card_id is not None:
        q = q.where(Correction.card == flt.card_id)
    if flt.line:
        q = q.where(Correction.line == flt.line)
    if flt.event:
        q = q.where(Correction.event == flt.event)
    return q


def journal(user: User | None, flt: JournalFilter | None = None, lang: str = "ru",
            limit: int | None = 1000, offset: int = 0) -> list[LogRow]:
    """The correction journal, newest first."""
    require(user, Action.READ_JOURNAL)
    q = _filtered(flt or JournalFilter()).order_by(Correction.id.desc())
    if limit:
        q = q.limit(limit).offset(offset)
    return list(_rows(q, lang))


def count(user: User | None, flt: JournalFilter | None = None) -> int:
    require(user, Action.READ_JOURNAL)
    return _filtered(flt or JournalFilter()).count()


CSV_HEADER = [
    T("№", "№"), T("Уақыты", "Время"), T("Пайдаланушы", "Пользователь"),
    T("Аты-жөні", "ФИО"), T("Әрекет", "Действие"), T("Карточка", "Карточка"),
    T("Нұсқа", "Версия"), T("Жол", "Строка"), T("Өріс", "Поле"),
    T("Ескі мәні", "Старое значение"), T("Жаңа мәні", "Новое значение"),
    T("Себеп коды", "Код причины"), T("Себеп", "Причина"), T("Себеп мәтіні", "Текст причины"),
    T("Хэш", "Хэш"),
]


def _cell(value: object) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: a value typed into a
    # card must not become one on the auditor's machine.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def event_label(event: str) -> T:
    if event == "register":
        return T("тіркеу", "регистрация")
    if event == "user":
        return T("пайдаланушы", "пользователь")
    try:
        return lifecycle.EVENT_LABELS[lifecycle.Event(event)]
    except ValueError:
        pass
    try:
        return lifecycle.DOCUMENT_EVENT_LABELS[lifecycle.DocumentEvent(event)]
    except ValueError:
        return T(event, event)


def write_csv(user: User | None, flt: JournalFilter | None, out: IO[str] | Path | str,
              lang: str = "ru") -> int:
    """The filtered journal as CSV (UTF-8, header in `lang`, oldest first, the reason
    in three columns); returns the number of rows written."""
    require(user, Action.EXPORT_JOURNAL)
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return write_csv(user, flt, fh, lang)
    writer = csv.writer(out)
    writer.writerow([h(lang) for h in CSV_HEADER])
    n = 0
    query = _filtered(flt or JournalFilter()).order_by(Correction.id)
    for r in _rows(query.iterator(), lang):
        writer.writerow([_cell(v) for v in (
            r.id, r.at.isoformat(sep=" "), r.user_login, r.user_name, event_label(r.event)(lang),
            r.card_id or "", r.card_version or "", r.line, r.label(lang), r.old, r.new,
            r.reason_code, r.reason_name(lang), r.reason_text, r.row_hash)])
        n += 1
    return n

