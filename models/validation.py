"""Validation of the 1-AP card. Returns structured issues; never raises at the user.

Two steps, both driven by the card schema:
- `parse_field` turns what the operator typed into a typed value (a date, an amount,
  a digits-only number) or an issue at that field;
- `validate_card` checks a card of typed values against the order's rules and the
  codebooks in force on the card's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from models import codebook
from models.card_schema import FIELDS, Field, Kind, Subject
from models.codebook import normalize_part
from models.i18n import T
from models.ids import iin_birth_date, iin_sex, iin_valid, rnn_valid
from models.text import clean, find_control

ERROR = "error"
WARNING = "warning"

MIN_AGE = 16  # the Code's age of administrative liability
OLDEST = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Issue:
    line: str
    field: str
    level: str  # ERROR | WARNING
    message: T

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def _issue(name: str, level: str, kk: str, ru: str, **fmt: Any) -> Issue:
    return Issue(FIELDS[name].line, name, level, T(kk, ru).format(**fmt))


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.is_error]


def warnings(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if not i.is_error]


# --- parsing what was typed -------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})$"),
    re.compile(r"^(?P<d>\d{1,2})[./\- ](?P<m>\d{1,2})[./\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$"),
)
_AMOUNT = re.compile(r"^\d+$")
_DIGITS = re.compile(r"^\d{1,2}(-\d{1,2})?$")
_AMOUNT_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009,'_")
_YES = {"1", "y", "yes", "true", "д", "да", "и", "иә", "x", "х", "+"}
_NO = {"0", "n", "no", "false", "н", "нет", "ж", "жоқ", "-", ""}


def check_text(name: str, raw: str) -> tuple[str | None, list[Issue]]:
    """Common to every field: control characters refused, NFC, trimmed, length."""
    if find_control(raw) is not None:
        return None, [_issue(name, ERROR,
                             "Басқару таңбалары немесе escape-тізбектер енгізуге болмайды",
                             "Управляющие символы и escape-последовательности недопустимы")]
    text = clean(raw)
    f = FIELDS[name]
    if f.kind in (Kind.TEXT, Kind.CODE) and len(text) > f.length:
        return None, [_issue(name, ERROR, "Ең көбі {n} таңба", "Не более {n} символов",
                             n=f.length)]
    return (text or None), []


def parse_date(text: str) -> dt.date | None:
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


def parse_field(field: Field, raw: str) -> tuple[Any, list[Issue]]:
    """What the operator typed -> (typed value or None, issues at this field)."""
    name = field.name
    text, issues = check_text(name, raw or "")
    if issues or text is None:
        return (False if field.kind == Kind.FLAG else None), issues
    kind = field.kind
    if kind == Kind.DATE:
        value = parse_date(text)
        if value is None:
            return None, [_issue(name, ERROR, "Күн қате: ККААЖЖЖЖ", "Неверная дата: ДДММГГГГ")]
        return value, []
    if kind == Kind.AMOUNT:
        digits = text.translate(_AMOUNT_SEPARATORS)
        if digits.endswith((".00", ".0")):
            digits = digits.rsplit(".", 1)[0]
        if not _AMOUNT.match(digits):
            return None, [_issue(name, ERROR, "Сома: тек бүтін теңге",
                                 "Сумма: только целые тенге")]
        if len(digits) > field.length:
            return None, [_issue(name, ERROR, "Сома тым үлкен", "Слишком большая сумма")]
        return int(digits), []
    if kind == Kind.FLAG:
        low = text.casefold()
        if low in _YES:
            return True, []
        if low in _NO:
            return False, []
        return False, [_issue(name, ERROR, "Иә (1) немесе жоқ (0)", "Да (1) или нет (0)")]
    if kind in (Kind.IIN, Kind.BIN, Kind.RNN):
        if not text.isdigit():
            return None, [_issue(name, ERROR, "Тек цифрлар", "Только цифры")]
        if len(text) != field.length:
            return None, [_issue(name, ERROR, "{n} цифр болуы керек", "Должно быть {n} цифр",
                                 n=field.length)]
        return text, _id_issues(name, kind, text)
    if kind == Kind.DIGITS:
        # digits with a leading zero; an article part may carry an amendment suffix "3-1"
        if not _DIGITS.match(text) or (field.length <= 2 and not text.isdigit()):
            return None, [_issue(name, ERROR, "Тек цифрлар", "Только цифры")]
        value = normalize_part(text)
        if len(value) > field.length:
            return None, [_issue(name, ERROR, "Ең көбі {n} цифр", "Не более {n} цифр",
                                 n=field.length)]
        return value, []
    return text, []


def _id_issues(name: str, kind: Kind, number: str) -> list[Issue]:
    ok = rnn_valid(number) if kind == Kind.RNN else iin_valid(number)
    if ok:
        return []
    label = {Kind.IIN: T("ЖСН", "ИИН"), Kind.BIN: T("БСН", "БИН"), Kind.RNN: T("СТН", "РНН")}[kind]
    return [Issue(FIELDS[name].line, name, ERROR,
                  T(f"{label.kk} бақылау цифры қате", f"Неверная контрольная цифра {label.ru}"))]


def format_value(field: Field, value: Any) -> str:
    """A typed value as the form shows it."""
    if value is None:
        return ""
    if field.kind == Kind.DATE and isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if field.kind == Kind.AMOUNT:
        return f"{int(value):,}".replace(",", " ")
    if field.kind == Kind.FLAG:
        return "1" if value else ""
    return str(value)


# --- the card's rules ---------------------------------------------------------------

def subject_kind(values: dict[str, Any], on: dt.date | None = None) -> Subject | None:
    code = values.get("subject")
    if not code:
        return None
    entry = codebook.resolve("subject", code, on) or codebook.known("subject", code)
    if entry is None:
        return None
    try:
        return Subject(entry.data.get("subject_kind", "individual"))
    except ValueError:
        return None


def card_date(values: dict[str, Any]) -> dt.date | None:
    """The date a card's codes are resolved on: when the offence was committed."""
    for name in ("offence_date", "protocol_date", "decision_date", "journal_date"):
        if isinstance(values.get(name), dt.date):
            return values[name]
    return None


def validate_card(values: dict[str, Any], today: dt.date | None = None) -> list[Issue]:
    """All issues of a card of typed values. Lines hidden for the subject are ignored."""
    today = today or dt.date.today()
    on = card_date(values)
    kind = subject_kind(values, on)
    visible = {n for n, f in FIELDS.items() if f.visible_for(kind)}
    v = {n: (values.get(n) if n in visible else None) for n in FIELDS}
    out: list[Issue] = []
    out += _texts(v, visible)
    out += _required(v, visible, kind)
    out += _codes(v, visible, on)
    out += _qualification(v, on)
    out += _penalties(v, on)
    out += _fines(v, kind, on)
    out += _dates(v, today)
    out += _identity(v, kind)
    return out


def _texts(v: dict[str, Any], visible: set[str]) -> list[Issue]:
    out = []
    for name in visible:
        value = v.get(name)
        if isinstance(value, str):
            _, found = check_text(name, value)
            out += found
    return out


def _required(v: dict[str, Any], visible: set[str], kind: Subject | None) -> list[Issue]:
    out = []
    for name in visible:
        f = FIELDS[name]
        if f.required and v.get(name) in (None, ""):
            if kind is None and f.subjects != frozenset(Subject):
                continue  # person / entity lines wait until the subject is known
            out.append(_issue(name, ERROR, "Міндетті жол", "Обязательная строка"))
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


# A person's names: letters of the Kazakh, Russian and Latin alphabets, and the space,
# hyphen, apostrophe and dot that names and initials hold. Anything else (a digit, stray
# punctuation) is asked about: a slip of the keyboard more often than a name.
NAME_FIELDS = ("surname", "given_name", "patronymic")
_NAME_CHARS = re.compile(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі \-'’.]*")


def _names(v: dict[str, Any]) -> list[Issue]:
    out = []
    for name in NAME_FIELDS:
        value = v.get(name)
        if isinstance(value, str) and value and not _NAME_CHARS.fullmatch(value):
            odd = "".join(dict.fromkeys(ch for ch in value if not _NAME_CHARS.fullmatch(ch)))
            out.append(_issue(name, WARNING, "Атта әріп емес таңбалар бар: «{c}»",
                              "В имени не буквы: «{c}»", c=odd))
    return out


def _identity(v: dict[str, Any], kind: Subject | None) -> list[Issue]:
    out = _names(v)
    for name in ("iin", "bin", "rnn"):
        number = v.get(name)
        if number:
            if not (isinstance(number, str) and number.isdigit() and len(number) == 12):
                out.append(_issue(name, ERROR, "12 цифр болуы керек", "Должно быть 12 цифр"))
            else:
                out += _id_issues(name, FIELDS[name].kind, number)
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
