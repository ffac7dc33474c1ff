"""Validation of the 1-AP card. Returns structured issues; never raises at the user.

Two steps, both driven by the card schema:
- models.field_values turns what a caller passed for each field (text as typed or a
  typed value) into the value to store, or an issue at that field;
- the card's rules below check the cleaned card against the order and the codebooks in
  force on the card's date.

`check_card` does both and returns the cleaned values with every issue: registering
and correcting a card store exactly the values it returns. `validate_card` is its
issues alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

from models import codebook
from models.card_schema import FIELDS, Kind, Subject
from models.field_values import (
    ERROR,
    NAME_FIELDS,
    WARNING,
    Issue,
    _issue,
    check_text,
    clean_value,
    errors,
    format_value,
    name_issues,
    parse_date,
    parse_field,
    warnings,
)
from models.i18n import T
from models.ids import iin_birth_date, iin_sex, iin_valid

__all__ = ["ERROR", "WARNING", "Issue", "card_date", "check_card", "check_text", "errors",
           "expected_fines", "format_value", "parse_date", "parse_field", "subject_kind",
           "validate_card", "warnings"]

MIN_AGE = 16  # the Code's age of administrative liability
OLDEST = dt.date(1900, 1, 1)


# --- the card's rules ---------------------------------------------------------------

def subject_kind(values: Mapping[str, Any], on: dt.date | None = None) -> Subject | None:
    code = values.get("subject")
    if not code or not isinstance(code, str):
        return None
    entry = codebook.resolve("subject", code, on) or codebook.known("subject", code)
    if entry is None:
        return None
    try:
        return Subject(entry.data.get("subject_kind", "individual"))
    except ValueError:
        return None


def card_date(values: Mapping[str, Any]) -> dt.date | None:
    """The date a card's codes are resolved on: when the offence was committed."""
    for name in ("offence_date", "protocol_date", "decision_date", "journal_date"):
        if isinstance(values.get(name), dt.date):
            return values[name]
    return None


def check_card(values: Mapping[str, Any], today: dt.date | None = None
               ) -> tuple[dict[str, Any], list[Issue]]:
    """A card as a caller passed it -> (the values to store, every issue). Each field is
    cleaned on its own (models.field_values), then the card's rules run on the cleaned
    values. Lines hidden for the subject are ignored and come back empty; a field whose
    value was refused comes back empty and only its own error is reported."""
    today = today or dt.date.today()
    cleaned: dict[str, Any] = {}
    own: dict[str, list[Issue]] = {}
    for name, f in FIELDS.items():
        cleaned[name], own[name] = clean_value(f, values.get(name), today)
    kind = subject_kind(cleaned, card_date(cleaned))
    issues: list[Issue] = []
    for name, f in FIELDS.items():
        if f.visible_for(kind):
            issues += own[name]
        else:
            cleaned[name] = False if f.kind == Kind.FLAG else None
    refused = {i.field for i in issues if i.is_error}
    rules = [i for i in _rules(cleaned, kind, today) if i.field not in refused]
    return cleaned, issues + rules


def validate_card(values: Mapping[str, Any], today: dt.date | None = None) -> list[Issue]:
    """All issues of a card (typed values or text as typed). Lines hidden for the
    subject are ignored."""
    return check_card(values, today)[1]


def _rules(v: dict[str, Any], kind: Subject | None, today: dt.date) -> list[Issue]:
    on = card_date(v)
    visible = {n for n, f in FIELDS.items() if f.visible_for(kind)}
    out: list[Issue] = []
    out += _names(v)
    out += _required(v, visible, kind)
    out += _codes(v, visible, on)
    out += _qualification(v, on)
    out += _penalties(v, on)
    out += _fines(v, kind, on)
    out += _dates(v, today)
    out += _identity(v, kind)
    return out


def _names(v: dict[str, Any]) -> list[Issue]:
    return [i for name in NAME_FIELDS if v.get(name) for i in name_issues(name, v[name])]


def _required(v: dict[str, Any], visible: set[str], kind: Subject | None) -> list[Issue]:
    out = []
    for name in visible:
        f = FIELDS[name]
        if f.required and v.get(name) in (None, ""):
            if kind is None and f.subjects != frozenset(Subject):
                continue  # person / entity lines wait until the subject is known
            out.append(_missing(name))
    if v.get("without_protocol"):
        if v.get("protocol_no"):
            out.append(_issue("protocol_no", ERROR,
                              "«Хаттамасыз» белгіленсе, нөмір жазылмайды",
                              "При отметке «без протокола» номер не указывается"))
    elif not v.get("protocol_no"):
        out.append(_issue("protocol_no", ERROR,
                          "Хаттама нөмірі немесе «хаттамасыз» белгісі керек",
                          "Нужен номер протокола или отметка «без протокола»"))
    if kind in (Subject.LEGAL, Subject.ENTREPRENEUR) and not (v.get("rnn") or v.get("bin")):
        out.append(_issue("bin", ERROR, "СТН немесе БСН керек", "Нужен РНН или БИН"))
    if v.get("protest_result") and not v.get("protest_date"):
        out.append(_issue("protest_date", ERROR, "Наразылық нәтижесі бар, күні жоқ",
                          "Есть результат протеста, нет его даты"))
    return out


@cache
def _missing(name: str) -> Issue:
    """A required line left empty (the same issue every check: made once a field)."""
    return _issue(name, ERROR, "Міндетті жол", "Обязательная строка")


def _codes(v: dict[str, Any], visible: set[str], on: dt.date | None) -> list[Issue]:
    out = []
    for name in visible:
        f = FIELDS[name]
        code = v.get(name)
        if f.kind != Kind.CODE or not code or f.codebook in (None, "article"):
            continue
        if codebook.resolve(f.codebook, code, on) is None:
            out.append(_unknown_code(name, f.codebook, code, on))
    return out


def _unknown_code(name: str, book: str, code: str, on: dt.date | None) -> Issue:
    old = codebook.known(book, code)
    if old is None:
        return _issue(name, ERROR, "«{c}» коды анықтамалықта жоқ",
                      "Кода «{c}» нет в справочнике", c=code)
    when = on.strftime("%d.%m.%Y") if on else ""
    return _issue(name, ERROR, "«{c}» коды {d} күні күшінде емес",
                  "Код «{c}» не действует на {d}", c=code, d=when)


def _qualification(v: dict[str, Any], on: dt.date | None) -> list[Issue]:
    article, part, para = v.get("article"), v.get("part"), v.get("paragraph")
    if not article:
        return []
    if codebook.resolve("article", article, on) is None:
        return [_unknown_code("article", "article", article, on)]
    parts = codebook.entries("article_part", on, parent=article)
    if not parts:
        return []
    if codebook.article_part(article, part, para, on) is None:
        if not part and not any(p.code == codebook.part_code(article, None) for p in parts):
            return [_issue("part", ERROR, "{a}-бапта бөлікті көрсетіңіз",
                           "Укажите часть статьи {a}", a=article)]
        return [_issue("part", ERROR, "{a}-бапта мұндай бөлік (тармақ) жоқ",
                       "В статье {a} нет такой части (пункта)", a=article)]
    if para and codebook.resolve("article_part", codebook.part_code(article, part, para),
                                 on) is None and any(p.code.startswith(
                                     codebook.part_code(article, part) + "/") for p in parts):
        return [_issue("paragraph", ERROR, "Мұндай тармақ жоқ", "Такого пункта нет")]
    return []


def _penalties(v: dict[str, Any], on: dt.date | None) -> list[Issue]:
    out = []
    article, part, para = v.get("article"), v.get("part"), v.get("paragraph")
    allowed = (codebook.allowed_penalties(article, part, para, on)
               if article else None)
    judge = None
    for name, placement in (("main_penalty", "main"), ("extra_penalty", "additional")):
        code = v.get(name)
        if not code:
            continue
        entry = codebook.resolve("penalty", code, on)
        if entry is None:
            continue  # reported by _codes
        if entry.data.get("placement") not in (placement, "either"):
            out.append(_issue(name, ERROR,
                              "Бұл жаза тек {p} ретінде қолданылады (42-бап)",
                              "Это взыскание применяется только как {pr} (ст. 42)",
                              p="негізгі" if placement == "additional" else "қосымша",
                              pr="основное" if placement == "additional" else "дополнительное"))
        if allowed is not None and code not in allowed:
            out.append(_issue(name, ERROR, "{a}-бап санкциясында бұл жаза жоқ",
                              "Санкция статьи {a} не предусматривает это взыскание", a=article))
        if entry.data.get("judge_only"):
            judge = judge or name
    if v.get("main_penalty") and v.get("main_penalty") == v.get("extra_penalty"):
        out.append(_issue("extra_penalty", ERROR, "Қосымша жаза негізгісін қайталайды",
                          "Дополнительное взыскание повторяет основное"))
    if judge and v.get("considering_body"):
        body = codebook.resolve("authority", v["considering_body"], on)
        if body is not None and not body.data.get("is_court"):
            out.append(_issue(judge, ERROR,
                              "Бұл жазаны тек судья тағайындайды (683-бап 3-бөлік)",
                              "Это взыскание назначает только судья (ст. 683 ч. 3)"))
    return out


# Which fine columns of an article part fit which offender category (subject codebook).
_FINE_COLUMNS = {
    "individual": ("individual", "uncategorised"),
    "official": ("official", "uncategorised"),
    "small_business": ("small_business", "medium_business", "large_business", "individual",
                       "uncategorised"),
    "legal": ("legal", "small_business", "medium_business", "large_business", "npo",
              "uncategorised"),
}


def expected_fines(v: dict[str, Any], on: dt.date | None) -> list[int]:
    """Fine amounts in tenge the article part allows for this offender category, at the
    MRP in force on the day the case was opened (Art. 44). Empty when not computable."""
    article = v.get("article")
    opened = v.get("protocol_date") or v.get("offence_date")
    if not article or not isinstance(opened, dt.date):
        return []
    entry = codebook.article_part(article, v.get("part"), v.get("paragraph"), on)
    subject = codebook.resolve("subject", v.get("subject") or "", on)
    mrp = codebook.mrp_on(opened)
    if entry is None or subject is None or mrp is None:
        return []
    fines = entry.data.get("fines") or {}
    category = subject.data.get("fine_category", "individual")
    cols = _FINE_COLUMNS.get(category, ("uncategorised",))
    return sorted({round(float(fines[c]) * mrp) for c in cols if fines.get(c) is not None})


def _fines(v: dict[str, Any], kind: Subject | None, on: dt.date | None) -> list[Issue]:
    out = []
    imposed, collected = v.get("fine_imposed"), v.get("fine_collected")
    fine_given = "02" in (v.get("main_penalty"), v.get("extra_penalty"))
    if fine_given and imposed is None:
        out.append(_issue("fine_imposed", ERROR, "Айыппұл сомасын көрсетіңіз",
                          "Укажите сумму штрафа"))
    if imposed is not None and not fine_given and v.get("main_penalty"):
        out.append(_issue("fine_imposed", WARNING, "Жаза айыппұл емес, ал сома көрсетілген",
                          "Взыскание не штраф, а сумма указана"))
    if imposed is not None and fine_given:
        expected = expected_fines(v, on)
        if expected and imposed not in expected:
            amounts = ", ".join(f"{a:,}".replace(",", " ") for a in expected)
            out.append(_issue("fine_imposed", WARNING,
                              "Бап бойынша күтілетін сома: {a} теңге",
                              "По статье ожидается: {a} тенге", a=amounts))
    if collected is not None:
        if imposed is None:
            out.append(_issue("fine_collected", ERROR, "Салынған айыппұл жоқ",
                              "Нет наложенного штрафа"))
        elif collected > imposed:
            out.append(_issue("fine_collected", ERROR, "Өндірілген сома салынғаннан көп",
                              "Взыскано больше, чем наложено"))
    return out


# Dates that must not decrease along the card's life: offence <= considered <=
# registered <= received (form-1ap.md), each pair checked when both are present.
_DATE_ORDER = (
    ("offence_date", "protocol_date"),
    ("offence_date", "decision_date"),
    ("protocol_date", "decision_date"),
    ("decision_date", "journal_date"),
    ("journal_date", "received_date"),
    ("decision_date", "penalty_end_date"),
    ("decision_date", "protest_date"),
    ("decision_date", "filled_date"),
)


def _dates(v: dict[str, Any], today: dt.date) -> list[Issue]:
    out = []
    for name, f in FIELDS.items():
        day = v.get(name)
        if f.kind != Kind.DATE or not isinstance(day, dt.date):
            continue
        if name != "penalty_end_date" and day > today:
            out.append(_issue(name, ERROR, "Күн болашақта", "Дата в будущем"))
        elif day < OLDEST:
            out.append(_issue(name, ERROR, "Күн тым ерте", "Слишком ранняя дата"))
    for early, late in _DATE_ORDER:
        a, b = v.get(early), v.get(late)
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
            out.append(Issue(FIELDS[late].line, late, ERROR,
                             T("«{lk}» күні «{ek}» күнінен ерте болмауы керек",
                               "Дата «{lr}» не может быть раньше «{er}»").format(
                                 lk=FIELDS[late].label.kk, ek=FIELDS[early].label.kk,
                                 lr=FIELDS[late].label.ru, er=FIELDS[early].label.ru)))
    birth, offence = v.get("birth_date"), v.get("offence_date")
    if isinstance(birth, dt.date) and isinstance(offence, dt.date) and birth <= offence:
        age = offence.year - birth.year - ((offence.month, offence.day) < (birth.month, birth.day))
        if age < MIN_AGE:
            out.append(_issue("birth_date", WARNING,
                              "Құқық бұзушылық күні {a} жаста: жауапкершілік 16 жастан",
                              "На дату правонарушения {a} лет: ответственность с 16 лет",
                              a=age))
    elif isinstance(birth, dt.date) and isinstance(offence, dt.date):
        out.append(_issue("birth_date", ERROR, "Туған күні құқық бұзушылықтан кейін",
                          "Дата рождения позже правонарушения"))
    return out


def _identity(v: dict[str, Any], kind: Subject | None) -> list[Issue]:
    """The IIN against the birth date and sex typed: a warning (since 2013 an IIN may
    differ from them). Its own form was checked when the field was cleaned."""
    out = []
    iin = v.get("iin")
    if iin and iin_valid(iin):
        born = iin_birth_date(iin)
        if isinstance(v.get("birth_date"), dt.date) and born and born != v["birth_date"]:
            out.append(_issue("iin", WARNING, "ЖСН туған күнге сәйкес емес (2013 жылдан рұқсат)",
                              "ИИН не совпадает с датой рождения (допустимо с 2013 г.)"))
        sex = iin_sex(iin)
        if v.get("sex") in ("1", "2") and sex and sex != v["sex"]:
            out.append(_issue("iin", WARNING, "ЖСН жынысқа сәйкес емес (2013 жылдан рұқсат)",
                              "ИИН не совпадает с полом (допустимо с 2013 г.)"))
    return out
