"""Only what a field may hold is stored, and the stored value is the validated one:
other scripts' digits, invisible and unassigned characters, wrong Python types, negative
or huge amounts and ambiguous date strings are messages at the field, never exceptions,
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from models.card_schema import FIELDS, Kind
from models.cards import CardRefused, find_cards, register_card
from models.corrections import CorrectionRefused, ReasonRequired, check_reason, correct_card
from models.field_values import clean_value, name_issues, parse_field
from models.ids import (
    IdProblem,
    bin_problem,
    iin_birth_date,
    iin_check_digit,
    iin_problem,
    iin_sex,
    iin_valid,
    make_iin,
    rnn_problem,
    rnn_valid,
)
from models.tables import Card, Person
from models.validation import check_card, errors, validate_card, warnings
from tests.test_corrections import ADMIN_DAY, REGISTERED_ON, make_card, people  # noqa: F401
from tests.test_validation import TODAY, individual_card, legal_card

D = dt.date
IIN = "791028302728"  # id_examples.csv: born 1979-10-28, male
BIN = "940140000385"  # id_examples.csv: Halyk Bank head office

# The same number in digits that are not 0-9: each looks like a number to str.isdigit.
OTHER_DIGITS = {
    "fullwidth": "７９１０２８３０２７２８",
    "arabic-indic": "٧٩١٠٢٨٣٠٢٧٢٨",
    "devanagari": "७९१०२८३०२७२८",
    "superscript": "⁷⁹¹⁰²⁸³⁰²⁷²⁸",
    "one superscript": IIN[:11] + "⁸",
    "mathematical": "𝟕𝟗𝟏𝟎𝟐𝟖𝟑𝟎𝟐𝟕𝟐𝟖",
}

# Characters no text may hold (C0/C1 controls are tested in test_validation).
INVISIBLE = {
    "arabic letter mark U+061C": "\u061c", "word joiner U+2060": "\u2060",
    "invisible times U+2062": "\u2062", "invisible plus U+2064": "\u2064",
    "inhibit swapping U+206A": "\u206a", "nominal digit shapes U+206F": "\u206f",
    "soft hyphen U+00AD": "\u00ad", "tag A U+E0041": "\U000e0041",
    "cancel tag U+E007F": "\U000e007f", "BOM U+FEFF": "\ufeff", "ZWSP U+200B": "\u200b",
    "RLO U+202E": "\u202e", "line separator U+2028": "\u2028",
    "paragraph separator U+2029": "\u2029", "private use U+E000": "\ue000",
    "plane 15 private use": "\U000f0000", "unassigned U+0378": "\u0378",
    "noncharacter U+FFFF": "\uffff", "lone surrogate": "\udc80", "ESC": "\x1b",
}
TEXT_FIELDS = [n for n, f in FIELDS.items() if f.kind in (Kind.TEXT, Kind.CODE)]


def with_check_digit(first11: str) -> str:
    c = iin_check_digit(first11)
    assert c is not None, first11
    return first11 + str(c)


# --- C.1: ASCII digits only ---------------------------------------------------------------

@pytest.mark.parametrize("kind", ["iin", "bin", "rnn"])
@pytest.mark.parametrize("number", list(OTHER_DIGITS.values()), ids=list(OTHER_DIGITS))
def test_other_digits_in_identification_numbers_are_refused(kind: str, number: str) -> None:
    value, issues = parse_field(FIELDS[kind], number)
    assert value is None and errors(issues), (kind, number)
    assert "0–9" in issues[0].message.ru or "12" in issues[0].message.ru
    assert not iin_valid(number) and not rnn_valid(number)
    assert iin_problem(number) is not None and rnn_problem(number) is not None
    assert iin_birth_date(number) is None or number[:7].isascii()
    assert iin_sex(number[:6] + "⁵") is None


@pytest.mark.parametrize("name", ["protocol_date", "fine_imposed", "part", "paragraph",
                                  "subject", "authority", "place", "surname", "address"])
@pytest.mark.parametrize("digits", ["０１", "٠١", "۰۱", "०१"])
def test_other_digits_in_dates_amounts_codes_and_text_are_refused(name: str,
                                                                   digits: str) -> None:
    text = {"protocol_date": f"{digits}022025", "fine_imposed": f"{digits}000"}.get(
        name, f"дом {digits}" if FIELDS[name].kind == Kind.TEXT else digits)
    value, issues = parse_field(FIELDS[name], text)
    assert errors(issues), (name, text, value)
    assert value in (None, False)


def test_superscript_digits_are_a_message_not_a_crash() -> None:
    for name in ("fine_imposed", "part", "protocol_date", "iin"):
        value, issues = parse_field(FIELDS[name], "¹²³")
        assert value is None and errors(issues)


# --- C.2: the structure of an IIN and a BIN -------------------------------------------------

@pytest.mark.parametrize("seventh", "0789")
def test_iin_seventh_digit_is_century_and_sex(seventh: str) -> None:
    number = with_check_digit(f"791028{seventh}0272")
    assert iin_valid(number), "the check digit alone would pass it"
    assert iin_problem(number) == IdProblem.CENTURY
    _, issues = parse_field(FIELDS["iin"], number)
    assert errors(issues) and "7-я цифра" in issues[0].message.ru


@pytest.mark.parametrize("prefix", ["791328", "790230", "790000", "790132", "010229"])
def test_iin_birth_date_must_be_a_real_day(prefix: str) -> None:
    number = with_check_digit(f"{prefix}50272" if prefix == "010229" else f"{prefix}30272")
    assert iin_problem(number) == IdProblem.BIRTH_DATE
    assert errors(parse_field(FIELDS["iin"], number)[1])


def test_iin_birth_date_in_the_future_is_refused(books) -> None:
    number = make_iin(D(2030, 5, 1), "1", 1) or make_iin(D(2030, 5, 1), "1", 2)
    assert iin_problem(number, today=D(2025, 3, 1)) == IdProblem.BIRTH_DATE
    assert iin_problem(number, today=D(2031, 1, 1)) is None
    _, issues = check_card(individual_card(iin=number), TODAY)
    assert "iin" in {i.field for i in errors(issues)}


def test_valid_examples_pass_the_structure() -> None:
    for number in ("061211600012", "791028302728", "850301300301"):
        assert iin_problem(number) is None, number
    for number in ("940140000385", "950341000052", "961141000023", "070941024691",
                   "990140004654"):
        assert bin_problem(number) is None, number
    assert bin_problem(IIN) is None, "an entrepreneur's BIN is their IIN"
    assert rnn_problem("271800059535") is None and rnn_problem("600400000099") is None


@pytest.mark.parametrize("first11,problem", [
    ("94134000038", IdProblem.BIN_MONTH),  # month 13
    ("94004000038", IdProblem.BIN_MONTH),  # month 00
    ("94017000038", IdProblem.BIN_TYPE),  # type 7
    ("94014500038", IdProblem.BIN_ATTRIBUTE),  # attribute 5
])
def test_bin_structure(first11: str, problem: IdProblem) -> None:
    number = with_check_digit(first11)
    assert iin_valid(number)
    assert bin_problem(number) == problem
    assert errors(parse_field(FIELDS["bin"], number)[1])


def test_never_issued_number_has_its_own_message() -> None:
    _, issues = parse_field(FIELDS["iin"], "850301301100")
    assert errors(issues) and "не выдаётся" in issues[0].message.ru


# --- C.3: invisible, unassigned, private-use characters --------------------------------------

@pytest.mark.parametrize("char", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_invisible_characters_refused_in_every_text_field(char: str) -> None:
    for name in TEXT_FIELDS:
        value, issues = parse_field(FIELDS[name], f"Аб{char}в")
        assert value is None and errors(issues), (name, unicodedata.name(char, hex(ord(char))))
        assert f"U+{ord(char):04X}" in issues[0].message.ru


@pytest.mark.parametrize("char", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_invisible_characters_refused_in_reason_text(char: str, books) -> None:
    with pytest.raises(ReasonRequired):
        check_reason("04", f"опечатка{char}", ADMIN_DAY)


@pytest.mark.parametrize("text", ["04", "...", "-", "1/2", "№ 5"])
def test_a_reason_says_something_in_words(text: str, books) -> None:
    with pytest.raises(ReasonRequired) as refused:
        check_reason("04", text, ADMIN_DAY)
    assert "словами" in refused.value.message.ru
    assert check_reason("04", "опечатка в № 5", ADMIN_DAY).text == "опечатка в № 5"


def test_ordinary_spaces_are_kept_as_plain_spaces() -> None:
    value, issues = parse_field(FIELDS["address"], "Алматы,\u00a0Абая\u2009 1")
    assert value == "Алматы, Абая 1" and not issues


# --- B.10: names ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Қасымов", "Жан-Поль", "О'Коннор", "Д’Артаньян", "Müller",
                                  "Qasymov", "Ğalymjan", "St. John", "Äsel", "Ерлан Ұлы",
                                  "Şükür", "ıİ", "Ёлкин"])
def test_names_of_kazakh_russian_and_latin_letters_pass(name: str) -> None:
    assert name_issues("surname", name) == []


@pytest.mark.parametrize("name", ["Иван0в", "Петров!", "Ерлан_", "Ким#", "Ли (Пак)", "Ан@",
                                  "Ωμέγα", "李"])
def test_digits_and_stray_punctuation_in_names_are_warnings(name: str, books) -> None:
    issues = validate_card(individual_card(given_name=name), TODAY)
    found = [i for i in issues if i.field == "given_name"]
    assert found and not errors(found), found
    assert warnings(found)[0].message.ru.startswith("«")


# --- C.4: what register_card and correct_card store ------------------------------------------

@pytest.fixture
def user(db):
    from models.tables import User

    return User.create(login="ivanova", full_name="Иванова С.К.", role="operator")


def test_register_stores_the_cleaned_values(books, user) -> None:
    nfd = unicodedata.normalize("NFD", "Ёлкин")
    assert nfd != "Ёлкин"
    card = register_card(individual_card(
        surname=f"  {nfd}  ", given_name="Ерлан ", address=" Алматы,   Абая 1 ",
        protocol_date="01.02.2025", fine_imposed="39 320", part="2",
        iin=f" {make_iin(D(1985, 3, 12), '1', 3054)} "),
        user, today=TODAY)
    row = Card.get_by_id(card.id)
    assert row.surname == "Ёлкин" and row.given_name == "Ерлан"
    assert row.address == "Алматы, Абая 1"
    assert row.protocol_date == D(2025, 2, 1) and row.fine_imposed == 39320 and row.part == "02"
    assert row.iin == make_iin(D(1985, 3, 12), "1", 3054)
    person = Person.get_by_id(row.person_id)
    assert person.surname == "Ёлкин"


@pytest.mark.parametrize("over,field", [
    ({"fine_imposed": -1}, "fine_imposed"),
    ({"fine_imposed": "-500"}, "fine_imposed"),
    ({"fine_imposed": 10 ** 12}, "fine_imposed"),
    ({"fine_imposed": 2 ** 63}, "fine_imposed"),
    ({"fine_imposed": 39320.5}, "fine_imposed"),
    ({"fine_imposed": True}, "fine_imposed"),
    ({"protocol_date": dt.datetime(2025, 2, 1, 10, 0)}, "protocol_date"),
    ({"protocol_date": 20250201}, "protocol_date"),
    ({"protocol_date": "02/01/2025"}, "protocol_date"),  # MDY or DMY? neither: refused
    ({"surname": 123}, "surname"),
    ({"surname": ["Қасымов"]}, "surname"),
    ({"surname": b"\xd0\x9a"}, "surname"),
    ({"subject": 1}, "subject"),
    ({"without_protocol": 1}, "without_protocol"),
    ({"surname": "Қ" * 61}, "surname"),
    ({"surname": "Қасымов\u200b"}, "surname"),
])
def test_register_refuses_with_a_message_not_an_exception(over: dict, field: str, books,
                                                          user) -> None:
    with pytest.raises(CardRefused) as info:
        register_card(individual_card(**over), user, today=TODAY)
    assert field in {i.field for i in errors(info.value.issues)}
    assert Card.select().count() == 0 and Person.select().count() == 0


def test_date_text_is_read_by_apcard_not_by_the_database(books, user) -> None:
    """On PostgreSQL a date string would be read by DateStyle (01.02 as 1 Feb or Jan 2):
    apcard reads it (DDMMYYYY, DD.MM.YYYY, YYYY-MM-DD) and stores a date."""
    card = register_card(individual_card(protocol_date="01.02.2025", offence_date="2025-02-01",
                                         decision_date="02022025"), user, today=TODAY)
    row = Card.get_by_id(card.id)
    assert (row.protocol_date, row.offence_date, row.decision_date) == (
        D(2025, 2, 1), D(2025, 2, 1), D(2025, 2, 2))


def test_legal_entity_bin_structure_checked_on_register(books, user) -> None:
    with pytest.raises(CardRefused) as info:
        register_card(legal_card(bin=with_check_digit("94017000038")), user, today=TODAY)
    assert "bin" in {i.field for i in errors(info.value.issues)}


def test_correct_card_stores_the_cleaned_value(people) -> None:  # noqa: F811
    card = make_card(people["operator"])
    admin = people["administrator"]
    saved = correct_card(card.id, {"surname": "  Петров  ", "fine_imposed": "39 320",
                                   "protocol_no": " 000999999 "}, admin, "04", " опечатка ",
                         expected_version=card.version, today=ADMIN_DAY)
    row = Card.get_by_id(card.id)
    assert row.surname == "Петров" and row.protocol_no == "000999999"
    assert {r.field_name: r.new_value for r in saved.rows}["surname"] == "Петров"
    assert saved.rows[0].reason_text == "опечатка"


@pytest.mark.parametrize("change", [
    {"surname": 5}, {"fine_imposed": -3}, {"fine_imposed": 1.5}, {"protocol_date": "2/1/2025"},
    {"iin": "７９１０２８３０２７２８"}, {"surname": "Пет\u2060ров"}, {"offence_date": object()},
    {"address": "x" * 50_000},
])
def test_correct_card_refuses_with_a_message(people, change: dict) -> None:  # noqa: F811
    card = make_card(people["operator"])
    with pytest.raises(CorrectionRefused) as info:
        correct_card(card.id, change, people["administrator"], "04", "опечатка",
                     expected_version=card.version, today=ADMIN_DAY)
    assert info.value.issues and errors(info.value.issues)
    assert Card.get_by_id(card.id).version == card.version


@pytest.mark.parametrize("value", [None, "", "  "])
def test_empty_values_are_none(value: object) -> None:
    assert clean_value(FIELDS["surname"], value) == (None, [])
    assert clean_value(FIELDS["without_protocol"], value) == (False, [])


# --- C.5: searching with what no card can hold -------------------------------------------------

@pytest.mark.parametrize("args", [
    {"surname": "Қ" * 50_000}, {"surname": "Қас\x1b[2J"}, {"surname": "\udc80"},
    {"iin": "７９１０２８３０２７２８"}, {"iin": "9" * 50_000}, {"protocol_no": "0" * 50_000},
    {"journal_no": "\u202e"}, {"surname": 12}, {"date_from": "2025-01-01"},
])
def test_find_cards_with_impossible_input_finds_nothing(args: dict, books, user) -> None:
    register_card(individual_card(), user, today=TODAY)
    assert find_cards(**args) == []


def test_find_cards_still_finds_by_clean_input(books, user) -> None:
    register_card(individual_card(), user, today=TODAY)
    assert len(find_cards(surname=" Қасым ")) == 1
