"""What one field of the card may hold: the one path from what a caller passed (text as
typed, or a typed value) to the value stored, or an issue at that field.

- `parse_field` turns typed text into a value: NFC, trimmed, within the field's length,
  no refused character (models.text), ASCII digits where digits are meant, a date in
  one of the forms the form accepts, whole non-negative tenge, a well-formed IIN / BIN
  / RNN. Never raises.
- `clean_value` takes what a model function was given: text goes through
  `parse_field`; a typed value must be of the field's type and within its range (a
  date, not a datetime; an int amount in 0..the column's maximum; a bool flag);
  anything else is an issue naming the type, never an exception.
- `name_issues`: surname, name and patronymic hold letters of the Kazakh, Russian and
  Latin alphabets, spaces, hyphens, apostrophes and dots; anything else is a warning.

Nothing here reads the database: the card-level rules are in models.validation.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from models.card_schema import FIELDS, Field, Kind
from models.codebook import normalize_part
from models.i18n import T
from models.ids import IdProblem, ascii_digits, bin_problem, iin_problem, rnn_problem
from models.text import clean, describe_char, find_control

ERROR = "error"
WARNING = "warning"


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


# --- text common to every field --------------------------------------------------------

def _other_digit(text: str) -> str | None:
    """The first decimal digit that is not 0-9 (fullwidth, Arabic-Indic, ...), if any."""
    if text.isascii():
        return None
    for ch in text:
        if ch.isdecimal() and ch not in "0123456789":
            return ch
    return None


def check_text(name: str, raw: str) -> tuple[str | None, list[Issue]]:
    """Common to every field: refused characters, other scripts' digits, NFC, trimmed,
    length. Returns the cleaned text (None when empty) or an error."""
    if not raw:
        return None, []
    pos = find_control(raw)
    if pos is not None:
        return None, [_issue(name, ERROR,
                             "Басқару, көрінбейтін немесе тағайындалмаған таңбаға ({c}) "
                             "болмайды",
                             "Управляющие, невидимые и неназначенные символы ({c}) "
                             "недопустимы", c=describe_char(raw[pos]))]
    digit = _other_digit(raw)
    if digit is not None:
        return None, [_issue(name, ERROR, "Тек 0–9 цифрлары («{c}» емес)",
                             "Только цифры 0–9 (не «{c}»)", c=digit)]
    text = clean(raw)
    f = FIELDS[name]
    if f.kind in (Kind.TEXT, Kind.CODE) and len(text) > f.length:
        return None, [_issue(name, ERROR, "Ең көбі {n} таңба", "Не более {n} символов",
                             n=f.length)]
    return (text or None), []


# --- typed text -> value ----------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<y>[0-9]{4})$"),
    re.compile(r"^(?P<d>[0-9]{1,2})[./\- ](?P<m>[0-9]{1,2})[./\- ](?P<y>[0-9]{4})$"),
    re.compile(r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})$"),
)
_DIGITS = re.compile(r"^[0-9]{1,2}(-[0-9]{1,2})?$")
_AMOUNT_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009,'_")
_YES = {"1", "y", "yes", "true", "д", "да", "и", "иә", "x", "х", "+"}
_NO = {"0", "n", "no", "false", "н", "нет", "ж", "жоқ", "-", ""}


def amount_max(field: Field) -> int:
    """The largest amount a field holds: as many digits as its length."""
    return 10 ** field.length - 1


def parse_date(text: str) -> dt.date | None:
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


PARSED = 4096  # the last texts parsed, kept with their answers (_parsed)


def parse_field(field: Field, raw: str) -> tuple[Any, list[Issue]]:
    """What the operator typed -> (typed value or None, issues at this field).

    A pure function of the field and the text (and, for an IIN or BIN, of the day: a
    birth date may not be in the future), so its last PARSED answers are kept: a card
    checked whole parses its texts twice (as read, then again in check_card), and the
    codes, dates and amounts of an import's cards repeat from card to card."""
    if not raw:
        return (False if field.kind == Kind.FLAG else None), []
    if FIELDS.get(field.name) is not field:
        return _parse_field(field, raw)
    day = dt.date.today() if field.kind in (Kind.IIN, Kind.BIN) else None
    value, issues = _parsed(field.name, raw, day)
    return value, list(issues)


@lru_cache(maxsize=PARSED)
def _parsed(name: str, raw: str, day: dt.date | None) -> tuple[Any, tuple[Issue, ...]]:
    """parse_field of FIELDS[name] (`day`: today, for the kinds whose answer depends on it)."""
    del day  # part of the key only: _parse_field reads the day itself
    value, issues = _parse_field(FIELDS[name], raw)
    return value, tuple(issues)


def _parse_field(field: Field, raw: str) -> tuple[Any, list[Issue]]:
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
        return _parse_amount(field, text)
    if kind == Kind.FLAG:
        low = text.casefold()
        if low in _YES:
            return True, []
        if low in _NO:
            return False, []
        return False, [_issue(name, ERROR, "Иә (1) немесе жоқ (0)", "Да (1) или нет (0)")]
    if kind in (Kind.IIN, Kind.BIN, Kind.RNN):
        found = id_issues(field, text)
        return (None if found else text), found
    if kind == Kind.DIGITS:
        # digits with a leading zero; an article part may carry an amendment suffix "3-1"
        if not _DIGITS.match(text) or (field.length <= 2 and not ascii_digits(text)):
            return None, [_issue(name, ERROR, "Тек 0–9 цифрлары", "Только цифры 0–9")]
        value = normalize_part(text)
        if len(value) > field.length:
            return None, [_issue(name, ERROR, "Ең көбі {n} цифр", "Не более {n} цифр",
                                 n=field.length)]
        return value, []
    return text, []


def _parse_amount(field: Field, text: str) -> tuple[int | None, list[Issue]]:
    name = field.name
    digits = text.translate(_AMOUNT_SEPARATORS)
    if digits.endswith((".00", ".0")):
        digits = digits.rsplit(".", 1)[0]
    if digits.startswith("-") and ascii_digits(digits[1:]):
        return None, [_issue(name, ERROR, "Сома теріс болмайды", "Сумма не может быть "
                             "отрицательной")]
    if not ascii_digits(digits):
        return None, [_issue(name, ERROR, "Сома: тек бүтін теңге, 0–9 цифрлары",
                             "Сумма: только целые тенге, цифры 0–9")]
    value = int(digits.lstrip("0") or "0")
    if value > amount_max(field):
        return None, [_issue(name, ERROR, "Сома тым үлкен", "Слишком большая сумма")]
    return value, []


_ID_LABELS = {Kind.IIN: T("ЖСН", "ИИН"), Kind.BIN: T("БСН", "БИН"), Kind.RNN: T("СТН", "РНН")}
_ID_TEXTS = {
    IdProblem.LENGTH: T("{n} цифр болуы керек", "Должно быть {n} цифр"),
    IdProblem.DIGITS: T("Тек 0–9 цифрлары", "Только цифры 0–9"),
    IdProblem.CENTURY: T("{lk}: 7-цифр 1–6 болуы керек (ғасыр мен жыныс)",
                         "{lr}: 7-я цифра должна быть 1–6 (век и пол)"),
    IdProblem.BIRTH_DATE: T("{lk}: алғашқы 6 цифр нақты туған күн емес",
                            "{lr}: первые 6 цифр — не настоящая дата рождения"),
    IdProblem.BIN_MONTH: T("{lk}: 3–4-цифрлар тіркеу айы болуы керек (01–12)",
                           "{lr}: 3–4-я цифры — месяц регистрации (01–12)"),
    IdProblem.BIN_TYPE: T("{lk}: 5-цифр 4, 5 немесе 6 болуы керек (ЖК-де ЖСН)",
                          "{lr}: 5-я цифра должна быть 4, 5 или 6 (у ИП — ИИН)"),
    IdProblem.BIN_ATTRIBUTE: T("{lk}: 6-цифр 0–3 болуы керек",
                               "{lr}: 6-я цифра должна быть 0–3"),
    IdProblem.NEVER_ISSUED: T("Мұндай {lk} берілмейді: бақылау цифры жоқ",
                              "Такой {lr} не выдаётся: контрольной цифры нет"),
    IdProblem.CHECK_DIGIT: T("{lk} бақылау цифры қате", "Неверная контрольная цифра {lr}"),
}


def id_issues(field: Field, number: str, today: dt.date | None = None) -> list[Issue]:
    """An IIN / BIN / RNN's length, digits, structure and check digit, as issues."""
    if field.kind == Kind.RNN:
        problem = rnn_problem(number)
    elif field.kind == Kind.BIN:
        problem = bin_problem(number, today)
    else:
        problem = iin_problem(number, today)
    if problem is None:
        return []
    label = _ID_LABELS[field.kind]
    text = _ID_TEXTS[problem].format(n=field.length, lk=label.kk, lr=label.ru)
    return [Issue(field.line, field.name, ERROR, text)]


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


# --- any value -> the stored value ------------------------------------------------------

def _type_ok(field: Field, value: Any) -> bool:
    if field.kind == Kind.DATE:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if field.kind == Kind.AMOUNT:
        return isinstance(value, int) and not isinstance(value, bool)
    if field.kind == Kind.FLAG:
        return isinstance(value, bool)
    return False  # text kinds take text only


def clean_value(field: Field, value: Any, today: dt.date | None = None
                ) -> tuple[Any, list[Issue]]:
    """What a caller passed for one field (text as typed, or a typed value) -> the value
    to store and the issues at that field. Never raises."""
    if value is None:
        return (False if field.kind == Kind.FLAG else None), []
    if isinstance(value, str):
        parsed, found = parse_field(field, value)
        if not found and field.kind in (Kind.IIN, Kind.BIN) and parsed is not None:
            found = id_issues(field, parsed, today)  # a birth date after `today`
        return (None if errors(found) else parsed), found
    if not _type_ok(field, value):
        return (False if field.kind == Kind.FLAG else None), [_issue(
            field.name, ERROR, "Мән түрі қате ({t})", "Неверный тип значения ({t})",
            t=type(value).__name__[:40])]
    if field.kind == Kind.AMOUNT and not 0 <= value <= amount_max(field):
        if value < 0:
            return None, [_issue(field.name, ERROR, "Сома теріс болмайды",
                                 "Сумма не может быть отрицательной")]
        return None, [_issue(field.name, ERROR, "Сома тым үлкен", "Слишком большая сумма")]
    return value, []


# --- names --------------------------------------------------------------------------------

NAME_FIELDS = ("surname", "given_name", "patronymic")
# Letters of the Russian and Kazakh Cyrillic alphabets; Latin letters (the 2021 Kazakh
# Latin alphabet and foreign passports' spellings: any Latin letter); and between them
# space, hyphen, apostrophe (typed or typographic) and dot.
_KK_RU = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")
_NAME_MARKS = frozenset(" -\u2010'\u2019\u02bc.")


def _name_char(ch: str) -> bool:
    if ch in _NAME_MARKS or ch.lower() in _KK_RU:
        return True
    if not ch.isalpha():
        return False
    return unicodedata.name(ch, "").startswith("LATIN ")


def name_issues(name: str, text: str) -> list[Issue]:
    """A warning for a character of a person's name that is not a letter of the
    Kazakh, Russian or Latin alphabet, a space, hyphen, apostrophe or dot."""
    bad = next((ch for ch in text if not _name_char(ch)), None)
    if bad is None:
        return []
    return [_issue(name, WARNING,
                   "«{c}» әріп емес: әріптер, бос орын, дефис, апостроф, нүкте рұқсат",
                   "«{c}» — не буква: допустимы буквы, пробел, дефис, апостроф, точка",
                   c=bad)]
