"""Liability requests, the repeat-offence check (§37-§41, Appendix 5).

A request "was this person held administratively liable?" is keyed from paper or read
from a file. Its grounds (line 10) are mandatory (§38); one made in breach of the
Instruction is returned unexecuted with a mark (§39). It is answered within 5 working
days of its receipt, 1 when repetition must be established (§40).

The search uses the duplicate-person engine (models.matching) with the request's data
and, when the identification changed within the year, its former data too (§38). Every
candidate is shown with its band (exact, probable, possible) and its cards; the operator
decides for each whether it is the person asked about. The answer lists the cards of the
persons confirmed, or says "No information", with the executor and the date (§41).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.calendar import WEEKENDS_ONLY, WorkCalendar
from models.card_schema import FIELDS
from models.doc_fields import DocumentRefused, text_value
from models.i18n import T
from models.ids import iin_valid, rnn_valid
from models.permissions import Action, require
from models.register_tables import LiabilityRequest, RequestCandidate
from models.tables import Card, LegalEntity, Person, PersonHistory, Status, User, now
from models.text import clean, find_control

OPEN, ANSWERED, RETURNED = "open", "answered", "returned"
INDIVIDUAL, LEGAL = "individual", "legal"
SAME, DIFFERENT = "same", "different"
NORMAL_DAYS, REPETITION_DAYS = 5, 1  # §40, working days
FORMER_WINDOW_DAYS = 366  # §38: identification changed within the year
# Cards that are records of an answer: registered data, not drafts, removed or destroyed.
NOT_RECORDS = (Status.DRAFT.value, Status.REMOVED.value, Status.PURGED.value)

TEXTS: dict[str, tuple[T, int]] = {
    "number": (T("Сұрау №", "№ запроса"), 20),
    "surname": (T("1. Тегі", "1. Фамилия"), 60), "given_name": (T("2. Аты", "2. Имя"), 60),
    "patronymic": (T("3. Әкесінің аты", "3. Отчество"), 60),
    "birthplace": (T("5. Туған жері", "5. Место рождения"), 200),
    "address": (T("6. Мекенжайы", "6. Адрес"), 200),
    "legal_name": (T("8. Атауы", "8. Наименование"), 250),
    "legal_address": (T("9. Мекенжайы", "9. Адрес"), 250),
    "grounds": (T("10. Тексеру негіздері", "10. Основания проверки"), 1000),
    "head": (T("11. Мемлекеттік орган басшысы", "11. Руководитель гос. органа"), 150),
    "executor": (T("12. Орындаушы", "12. Исполнитель"), 150),
    "sender_body": (T("Мемлекеттік орган", "Государственный орган"), 250),
    "sender_address": (T("13. Жіберушінің мекенжайы", "13. Адрес отправителя"), 500),
}


BAND_LABELS = {"exact": T("нақты", "точное"), "probable": T("ықтимал", "вероятное"),
               "possible": T("мүмкін", "возможное")}


def band_label(band: str) -> T:
    return BAND_LABELS.get(band, T(band, band))


class RequestRefused(DocumentRefused):
    pass


def _refuse(what: T, kk: str, ru: str) -> RequestRefused:
    return RequestRefused(T(f"{what.kk}: {kk}", f"{what.ru}: {ru}"))


def _text(values: Mapping[str, Any], key: str) -> str:
    what, limit = TEXTS[key]
    try:
        return text_value(values.get(key), what, limit)
    except DocumentRefused as exc:
        raise RequestRefused(exc.message) from None


def _date(values: Mapping[str, Any], key: str, what: T, today: dt.date,
          required: bool = False) -> dt.date | None:
    value = values.get(key)
    if value in (None, ""):
        if required:
            raise _refuse(what, "күн қажет", "нужна дата")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _refuse(what, "күн қате", "неверная дата")
    if value > today:
        raise _refuse(what, "болашақ күн болмайды", "дата в будущем")
    return value


def _number(values: Mapping[str, Any], key: str, what: T, check: Any) -> str:
    raw = values.get(key)
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ""
    if not (len(text) == 12 and text.isascii() and text.isdigit() and check(text)):
        raise _refuse(what, "12 цифр, бақылау цифры дұрыс", "12 цифр с верной контрольной")
    return text


def due_date(received_on: dt.date, repetition: bool,
             cal: WorkCalendar = WEEKENDS_ONLY) -> dt.date:
    """§40: 5 working days from receipt, 1 when repetition must be established."""
    return cal.add_working_days(received_on, REPETITION_DAYS if repetition else NORMAL_DAYS)


def is_overdue(req: LiabilityRequest, today: dt.date) -> bool:
    """Open past its deadline, or answered after it."""
    if req.status == OPEN:
        return today > req.due_on
    return req.status == ANSWERED and req.answered_on is not None and req.answered_on > req.due_on


def former_data(req: LiabilityRequest) -> list[dict[str, Any]]:
    out = []
    for item in json.loads(req.former or "[]"):
        born = item.get("birth_date")
        out.append({**item, "birth_date": dt.date.fromisoformat(born) if born else None})
    return out


def add_request(values: Mapping[str, Any], user: User | None, *, source: str = "paper",
                cal: WorkCalendar = WEEKENDS_ONLY, today: dt.date | None = None
                ) -> LiabilityRequest:
    """Register a request. `values`: the form's lines by name (see TEXTS), birth_date,
    iin, rnn, bin, subject_kind (individual | legal), request_date, received_on (default
    today), delivery (post | hand), repetition, former: list of dicts with surname,
    given_name, patronymic, birth_date (§38)."""
    require(user, Action.KEEP_REQUESTS)
    today = today or dt.date.today()
    row: dict[str, Any] = {k: _text(values, k) for k in TEXTS}
    kind = values.get("subject_kind") or INDIVIDUAL
    if kind not in (INDIVIDUAL, LEGAL):
        raise RequestRefused(T("Тұлға түрі: жеке немесе заңды", "Вид лица: физическое или юридическое"))
    row["birth_date"] = _date(values, "birth_date", T("4. Туған күні", "4. Дата рождения"), today)
    row["iin"] = _number(values, "iin", T("ЖСН", "ИИН"), iin_valid)
    row["bin"] = _number(values, "bin", T("БСН", "БИН"), iin_valid)
    row["rnn"] = _number(values, "rnn", T("7. СТН", "7. РНН"), rnn_valid)
    if kind == INDIVIDUAL and not (row["surname"] and row["given_name"]
                                   and (row["birth_date"] or row["iin"])):
        raise RequestRefused(T("Жеке тұлға: тегі, аты және туған күні (1-4-жолдар) міндетті",
                               "Физическое лицо: фамилия, имя и дата рождения (строки 1-4) "
                               "обязательны"))
    if kind == LEGAL and not (row["legal_name"] and (row["rnn"] or row["bin"])):
        raise RequestRefused(T("Заңды тұлға: атауы және СТН/БСН (7-8-жолдар) міндетті",
                               "Юридическое лицо: наименование и РНН/БИН (строки 7-8) "
                               "обязательны"))
    if not row["grounds"]:
        raise RequestRefused(T("10-жол: тексеру негіздері міндетті (§38)",
                               "Строка 10: основания проверки обязательны (§38)"))
    received = _date(values, "received_on", T("Түскен күні", "Дата поступления"), today) or today
    requested = _date(values, "request_date", T("Сұрау күні", "Дата запроса"), today)
    if requested and requested > received:
        raise RequestRefused(T("Сұрау күні түскен күннен кейін болмайды",
                               "Дата запроса не позже даты поступления"))
    former = [_former(f, today) for f in values.get("former") or []]
    repetition = bool(values.get("repetition"))
    delivery = values.get("delivery") or "post"
    if delivery not in ("post", "hand"):
        delivery = "post"
    src = clean(str(source))[:200] if find_control(str(source)) is None else "import"
    return LiabilityRequest.create(
        **row, subject_kind=kind, received_on=received, request_date=requested,
        delivery=delivery, repetition=repetition, former=json.dumps(former, ensure_ascii=False),
        source=src, status=OPEN, due_on=due_date(received, repetition, cal), created_by=user,
        created_at=now())


def _former(item: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    out = {k: _text({"surname": item.get(k)}, "surname") for k in
           ("surname", "given_name", "patronymic")}
    born = _date(item, "birth_date", T("Бұрынғы туған күні", "Прежняя дата рождения"), today)
    if not (out["surname"] or out["given_name"] or born):
        raise RequestRefused(T("Бұрынғы деректер бос", "Прежние данные пусты"))
    return {**out, "birth_date": born.isoformat() if born else None}


def _open(request_id: int) -> LiabilityRequest:
    req = LiabilityRequest.get_or_none(LiabilityRequest.id == request_id)
    if req is None:
        raise RequestRefused(T(f"{request_id} сұрауы жоқ", f"Запроса {request_id} нет"))
    if req.status != OPEN:
        raise RequestRefused(T(f"{request_id} сұрауы жабық", f"Запрос {request_id} уже закрыт"))
    return req


def return_request(request_id: int, reason: str, user: User | None,
                   today: dt.date | None = None) -> LiabilityRequest:
    """§39: a request made in breach of the Instruction goes back unexecuted, marked."""
    require(user, Action.KEEP_REQUESTS)
    req = _open(request_id)
    text = _text({"grounds": reason}, "grounds")
    if not text:
        raise RequestRefused(T("Қайтару себебі міндетті", "Нужна причина возврата"))
    req.status, req.return_reason = RETURNED, text
    req.answered_on, req.answered_by = today or dt.date.today(), user
    req.save()
    return req


# --- the search --------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A candidate of a request as the screen and the CLI show it."""

    candidate_id: int
    person_id: int | None
    legal_entity_id: int | None
    band: str
    score: float
    probe: str  # current | former
    decision: str
    name: str
    birth_date: dt.date | None
    iin: str
    former_names: tuple[T, ...]  # the person's former identification (§38 history)
    cards: tuple[Card, ...]


def _probes(req: LiabilityRequest) -> list[tuple[str, dict[str, Any]]]:
    current = {"surname": req.surname, "given_name": req.given_name,
               "patronymic": req.patronymic, "birth_date": req.birth_date, "iin": req.iin}
    out = [("current", current)]
    for f in former_data(req):
        out.append(("former", {**current, **{k: v for k, v in f.items() if v}}))
    return out


HISTORY_FIELDS = ("surname", "given_name", "patronymic")


def _by_register_history(probe: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Persons whose former name in the register (§38 history) is the one the request
    gives: each with the request's data under the person's present name, so the engine
    judges the person as it would have before the change (a request naming a woman by her
    maiden name finds her as she is registered now)."""
    said = {f: str(probe.get(f) or "").strip() for f in HISTORY_FIELDS}
    wanted = {v for v in said.values() if v}
    if not wanted:
        return []
    forms = sorted({x for v in wanted for x in (v, v.capitalize(), v.upper(), v.title())})
    rows = (PersonHistory.select(PersonHistory.person, PersonHistory.field_name,
                                 PersonHistory.old_value)
            .where(PersonHistory.field_name.in_(HISTORY_FIELDS)
                   & PersonHistory.old_value.in_(forms))
            .order_by(PersonHistory.person, PersonHistory.id).limit(200))
    fields: dict[int, set[str]] = {}
    for r in rows:
        if (r.old_value or "").casefold() == said[r.field_name].casefold():
            fields.setdefault(r.person_id, set()).add(r.field_name)
    out = []
    for p in Person.select().where(Person.id.in_(list(fields))).order_by(Person.id):
        out.append((p.id, {**probe, **{f: getattr(p, f) for f in fields[p.id]}}))
    return out


def search(request_id: int, user: User | None, *, thresholds: Mapping[str, float] | None = None,
           limit: int = 20) -> list[Found]:
    """Run the duplicate engine for the request (current and former data) and keep the
    candidates; decisions already taken stay. Returns every candidate, best first."""
    from models.matching import find_candidates, find_legal_candidates

    require(user, Action.KEEP_REQUESTS)
    req = _open(request_id)
    hits: dict[tuple[str, int], tuple[str, float, str]] = {}
    if req.subject_kind == LEGAL:
        probe = {"name": req.legal_name, "bin": req.bin, "rnn": req.rnn}
        for c in find_legal_candidates(probe, limit, thresholds):
            hits[("legal", c.legal_entity_id)] = (c.band, c.score, "current")
    else:
        for which, probe in _probes(req):
            for c in find_candidates(probe, limit, thresholds):
                key = ("person", c.person_id)
                if key not in hits or c.score > hits[key][1]:
                    hits[key] = (c.band, c.score, which)
            for pid, now_probe in _by_register_history(probe):
                for c in find_candidates(now_probe, limit, thresholds):
                    key = ("person", c.person_id)
                    if c.person_id == pid and (key not in hits or c.score > hits[key][1]):
                        hits[key] = (c.band, c.score, "former")
    from models.audit import writing

    with writing():
        kept = {(("person", c.person_id) if c.person_id else ("legal", c.legal_entity_id)): c
                for c in RequestCandidate.select().where(RequestCandidate.request == req.id)}
        for key, (band, score, which) in hits.items():
            old = kept.get(key)
            if old is not None:
                old.band, old.score, old.probe = band, score, which
                old.save()
                continue
            RequestCandidate.create(request=req, band=band, score=score, probe=which,
                                    person=key[1] if key[0] == "person" else None,
                                    legal_entity=key[1] if key[0] == "legal" else None)
    return candidates(req.id)


def candidates(request_id: int) -> list[Found]:
    rows = (RequestCandidate.select().where(RequestCandidate.request == request_id)
            .order_by(RequestCandidate.score.desc(), RequestCandidate.id))
    out = []
    for c in rows:
        if c.person_id is not None:
            p = Person.get_by_id(c.person_id)
            name = " ".join(x for x in (p.surname, p.given_name, p.patronymic) if x)
            cards = Card.select().where(Card.person == p.id, Card.status.not_in(NOT_RECORDS))
            out.append(Found(c.id, p.id, None, c.band, c.score, c.probe, c.decision, name,
                             p.birth_date, p.iin or "", _history(p.id),
                             tuple(cards.order_by(Card.offence_date, Card.id))))
        else:
            le = LegalEntity.get_by_id(c.legal_entity_id)
            cards = Card.select().where(Card.legal_entity == le.id,
                                        Card.status.not_in(NOT_RECORDS))
            out.append(Found(c.id, None, le.id, c.band, c.score, c.probe, c.decision, le.name,
                             None, le.bin or le.rnn or "", (),
                             tuple(cards.order_by(Card.offence_date, Card.id))))
    return out


def _history(person_id: int) -> tuple[T, ...]:
    rows = (PersonHistory.select().where(PersonHistory.person == person_id,
                                         PersonHistory.field_name.in_(
                                             ["surname", "given_name", "patronymic",
                                              "birth_date"]))
            .order_by(PersonHistory.changed_at))
    out = []
    for r in rows:
        label = FIELDS[r.field_name].label
        tail = f"{r.old_value or ''} → {r.new_value or ''} ({r.changed_at:%d.%m.%Y})"
        out.append(T(f"{label.kk}: {tail}", f"{label.ru}: {tail}"))
    return tuple(out)


def decide(request_id: int, candidate_id: int, decision: str, user: User | None) -> None:
    """The operator's word on one candidate: the person asked about, or not."""
    require(user, Action.KEEP_REQUESTS)
    req = _open(request_id)
    if decision not in (SAME, DIFFERENT, ""):
        raise ValueError(f"decision must be same or different, got {decision!r}")
    cand = RequestCandidate.get_or_none((RequestCandidate.id == candidate_id)
                                        & (RequestCandidate.request == req.id))
    if cand is None:
        raise RequestRefused(T("Мұндай үміткер жоқ", "Нет такого кандидата"))
    cand.decision, cand.decided_by, cand.decided_at = decision, user, now()
    cand.save()


def pending(request_id: int) -> int:
    return (RequestCandidate.select().where((RequestCandidate.request == request_id)
                                            & (RequestCandidate.decision == "")).count())


def answer(request_id: int, user: User | None, executor: str = "",
           today: dt.date | None = None) -> LiabilityRequest:
    """Close the request with its answer: the cards of every candidate confirmed as the
    person, or "No information" (§41). Refused while a candidate is undecided."""
    require(user, Action.KEEP_REQUESTS)
    req = _open(request_id)
    left = pending(req.id)
    if left:
        raise RequestRefused(T(f"{left} үміткер бойынша шешім жоқ: әрқайсысын растаңыз",
                               f"Не решено по {left} кандидатам: подтвердите каждого"))
    cards: list[int] = []
    for c in candidates(req.id):
        if c.decision == SAME:
            cards += [card.id for card in c.cards]
    req.status, req.answered_on, req.answered_by = ANSWERED, today or dt.date.today(), user
    req.answer_executor = _text({"executor": executor or _who(user)}, "executor")
    req.answer_cards = json.dumps(sorted(set(cards)))
    req.save()
    return req


def _who(user: User | None) -> str:
    if user is None:
        return ""
    return " ".join(x for x in (user.full_name, user.position) if x) or user.login


def answer_cards(req: LiabilityRequest) -> list[Card]:
    ids = json.loads(req.answer_cards or "[]")
    if not ids:
        return []
    return list(Card.select().where(Card.id.in_(ids)).order_by(Card.offence_date, Card.id))


def open_request_query() -> Any:
    """The ids of cards of every candidate of an open request, as a subquery."""
    people = (RequestCandidate.select(RequestCandidate.person)
              .join(LiabilityRequest).where(LiabilityRequest.status == OPEN,
                                            RequestCandidate.person.is_null(False)))
    firms = (RequestCandidate.select(RequestCandidate.legal_entity)
             .join(LiabilityRequest).where(LiabilityRequest.status == OPEN,
                                           RequestCandidate.legal_entity.is_null(False)))
    return Card.select(Card.id).where(Card.person.in_(people) | Card.legal_entity.in_(firms))


def open_request_cards() -> set[int]:
    """Cards of every candidate of an open request: never purged while it is open."""
    return {cid for (cid,) in open_request_query().tuples()}


def list_requests(user: User | None, *, status: str | None = None, overdue: bool = False,
                  today: dt.date | None = None, limit: int = 2000) -> list[LiabilityRequest]:
    require(user, Action.READ_REQUESTS)
    today = today or dt.date.today()
    q = LiabilityRequest.select()
    if status:
        q = q.where(LiabilityRequest.status == status)
    rows = list(q.order_by(LiabilityRequest.due_on, LiabilityRequest.id).limit(limit))
    return [r for r in rows if is_overdue(r, today)] if overdue else rows
