"""The card's rules (form-1ap.md), each tested by name, on codebooks loaded into the database."""

from __future__ import annotations

import datetime as dt

import pytest

from models import codebook
from models.card_schema import FIELDS
from models.ids import make_iin
from models.validation import (
    errors,
    expected_fines,
    format_value,
    parse_field,
    validate_card,
    warnings,
)

D = dt.date


def individual_card(**over):
    card = {
        "subject": "01", "authority": "685", "place": "751110000", "considering_body": "685",
        "protocol_no": "000123456", "protocol_date": D(2025, 2, 1), "without_protocol": False,
        "official_name": "Сейтов А.Б.", "journal_no": "00451", "journal_date": D(2025, 2, 3),
        "received_date": D(2025, 2, 5), "article": "592", "part": "02", "guilt": "1",
        "offence_date": D(2025, 2, 1), "decision_date": D(2025, 2, 2), "main_penalty": "02",
        "fine_imposed": 10 * 3932, "surname": "Қасымов", "given_name": "Ерлан",
        "patronymic": "Нұрланұлы", "birth_date": D(1985, 3, 12), "address": "Алматы, Абая 1",
        "id_document": "2", "iin": make_iin(D(1985, 3, 12), "1", 3054), "sex": "1",
        "citizenship": "1", "filled_by": "Иванова С.К., инспектор", "filled_date": D(2025, 2, 5),
    }
    card.update(over)
    return card


def legal_card(**over):
    card = individual_card(subject="05", surname=None, given_name=None, patronymic=None,
                           birth_date=None, address=None, iin=None, sex=None, citizenship=None,
                           id_document=None, legal_name="ТОО «Алма-Транс»",
                           legal_address="Алматы, Сейфуллина 10", bin="940140000385",
                           legal_form="4", commercial_status="1")
    card.update(over)
    return card


def fields_of(issues):
    return {i.field for i in issues}




TODAY = D(2025, 3, 1)


def test_valid_individual_card_has_no_issues(books):
    assert validate_card(individual_card(), TODAY) == []


def test_valid_legal_entity_card_has_no_issues(books):
    card = legal_card(fine_imposed=None)
    card["fine_imposed"] = expected_fines(card, card["offence_date"])[0]
    assert validate_card(card, TODAY) == []


def test_lines_hidden_for_legal_entity_are_ignored(books):
    card = legal_card(surname="\x1b[31mX", iin="123")
    card["fine_imposed"] = expected_fines(card, card["offence_date"])[0]
    assert errors(validate_card(card, TODAY)) == []


def test_required_lines_depend_on_subject(books):
    assert {"surname", "birth_date"} <= fields_of(errors(validate_card(
        individual_card(surname=None, birth_date=None), TODAY)))
    found = fields_of(errors(validate_card(legal_card(legal_name=None, bin=None), TODAY)))
    assert {"legal_name", "bin"} <= found and "surname" not in found


def test_line_4_without_protocol_rule(books):
    assert "protocol_no" in fields_of(errors(validate_card(individual_card(protocol_no=None),
                                                           TODAY)))
    assert "protocol_no" not in fields_of(validate_card(
        individual_card(protocol_no=None, without_protocol=True), TODAY))
    assert "protocol_no" in fields_of(errors(validate_card(
        individual_card(without_protocol=True), TODAY)))


def test_dates_in_order_offence_considered_registered_received(books):
    found = errors(validate_card(individual_card(journal_date=D(2025, 2, 6)), TODAY))
    assert "received_date" in fields_of(found)
    found = errors(validate_card(individual_card(decision_date=D(2025, 1, 30)), TODAY))
    assert "decision_date" in fields_of(found)


def test_no_date_in_the_future(books):
    found = errors(validate_card(individual_card(received_date=D(2025, 3, 2)), TODAY))
    assert "received_date" in fields_of(found)


def test_offender_under_16_is_a_warning(books):
    birth = D(2010, 5, 1)
    issues = validate_card(individual_card(birth_date=birth, iin=make_iin(birth, "1", 7)), TODAY)
    assert "birth_date" in fields_of(warnings(issues)) and not errors(issues)


def test_iin_check_digit_is_an_error(books):
    iin = individual_card()["iin"]
    bad = iin[:11] + str((int(iin[11]) + 1) % 10)
    assert "iin" in fields_of(errors(validate_card(individual_card(iin=bad), TODAY)))


def test_iin_not_matching_birth_date_or_sex_is_a_warning(books):
    issues = validate_card(individual_card(birth_date=D(1985, 3, 13)), TODAY)
    assert "iin" in fields_of(warnings(issues)) and not errors(issues)
    issues = validate_card(individual_card(sex="2"), TODAY)
    assert "iin" in fields_of(warnings(issues)) and not errors(issues)


def test_unknown_code_is_an_error(books):
    assert "place" in fields_of(errors(validate_card(individual_card(place="999999999"), TODAY)))
    assert "authority" in fields_of(errors(validate_card(individual_card(authority="1"), TODAY)))


def test_code_resolved_against_version_in_force_on_card_date(books):
    # Art. 423 exists only in the 2001 Code: fine on a 2010 card, an error on a 2025 card
    old = individual_card(article="423", part=None, offence_date=D(2010, 5, 1),
                          protocol_date=D(2010, 5, 1), decision_date=D(2010, 5, 3),
                          journal_date=D(2010, 5, 4), received_date=D(2010, 5, 5),
                          filled_date=D(2010, 5, 5), fine_imposed=None)
    assert "article" not in fields_of(validate_card(old, TODAY))
    assert codebook.resolve("article", "423", D(2010, 5, 1)).version == "2001"
    assert codebook.resolve("article", "423", D(2025, 2, 1)).version == "2014"
    # a former region's code is valid on an old card and "not in force" on a new one
    old_place = dict(old, place="510000000")
    assert "place" not in fields_of(validate_card(old_place, TODAY))
    found = [i for i in errors(validate_card(individual_card(place="510000000"), TODAY))
             if i.field == "place"]
    assert found and "01.02.2025" in found[0].message.ru


def test_penalties_limited_to_what_the_article_allows(books):
    # §34-1: article 423 allows only fine, confiscation, licence deprivation
    assert set(codebook.allowed_penalties("423", None, None, D(2010, 5, 1))) == {"02", "09", "05"}
    found = errors(validate_card(individual_card(main_penalty="01", fine_imposed=None), TODAY))
    assert "main_penalty" in fields_of(found)  # 592 p.2: fine only


def test_main_and_additional_placement_art_42(books):
    found = errors(validate_card(individual_card(article="434", part="01", main_penalty="09",
                                                 fine_imposed=None), TODAY))
    assert "main_penalty" in fields_of(found)
    found = errors(validate_card(individual_card(extra_penalty="01"), TODAY))
    assert "extra_penalty" in fields_of(found)


def test_judge_only_penalties_need_a_court_art_683(books):
    parts = [e for e in codebook.entries("article_part", TODAY)
             if "03" in e.data.get("penalties", []) and "02" in e.data.get("penalties", [])]
    assert parts
    part = parts[0]
    article, _, rest = part.code.partition("/")
    police = individual_card(article=article, part=rest or None, main_penalty="03",
                             fine_imposed=None)
    assert "main_penalty" in fields_of(errors(validate_card(police, TODAY)))
    court = dict(police, considering_body="684")
    assert "main_penalty" not in fields_of(validate_card(court, TODAY))


def test_fine_differing_from_article_amount_warns_with_expected_tenge(books):
    issues = validate_card(individual_card(fine_imposed=40000), TODAY)
    found = [i for i in warnings(issues) if i.field == "fine_imposed"]
    assert found and "39 320" in found[0].message.ru and "39 320" in found[0].message.kk


def test_fine_uses_mrp_of_the_day_the_case_was_opened(books):
    card = individual_card(protocol_date=D(2024, 12, 30), offence_date=D(2024, 12, 30))
    assert expected_fines(card, card["offence_date"]) == [10 * 3692]


def test_fine_collected_not_above_imposed(books):
    found = errors(validate_card(individual_card(fine_collected=50000), TODAY))
    assert "fine_collected" in fields_of(found)


def test_messages_in_both_languages(books):
    for issue in validate_card(individual_card(surname=None, place="1", iin="1"), TODAY):
        assert issue.message.kk and issue.message.ru and issue.message.kk != ""
        assert issue.line == FIELDS[issue.field].line


@pytest.mark.parametrize("raw", ["Ив\x1b[2Jанов", "Ив\x07анов", "a\u202eb", "x\x9by"])
def test_control_characters_and_escapes_rejected(raw):
    value, issues = parse_field(FIELDS["surname"], raw)
    assert value is None and issues and issues[0].is_error


def test_text_is_nfc_and_trimmed():
    value, issues = parse_field(FIELDS["surname"], "  Қасы\u0301мов  ")
    assert not issues and value == "Қасы\u0301мов".strip() and value == value.strip()
    decomposed = "Й".replace("Й", "И\u0306")
    assert parse_field(FIELDS["surname"], decomposed)[0] == "Й"


def test_length_limit():
    assert parse_field(FIELDS["surname"], "А" * 61)[1]


@pytest.mark.parametrize("raw,expected", [("12032025", D(2025, 3, 12)), ("12.03.2025",
                                          D(2025, 3, 12)), ("2025-03-12", D(2025, 3, 12))])
def test_dates_typed_as_digits(raw, expected):
    assert parse_field(FIELDS["offence_date"], raw) == (expected, [])


@pytest.mark.parametrize("raw", ["31022025", "1203", "aa.bb.cccc"])
def test_bad_dates(raw):
    value, issues = parse_field(FIELDS["offence_date"], raw)
    assert value is None and issues[0].is_error


def test_amounts_and_parts():
    assert parse_field(FIELDS["fine_imposed"], "39 320") == (39320, [])
    assert format_value(FIELDS["fine_imposed"], 39320) == "39 320"
    assert parse_field(FIELDS["fine_imposed"], "-5")[1]
    assert parse_field(FIELDS["part"], "2") == ("02", [])
    assert parse_field(FIELDS["part"], "3-1") == ("03-1", [])
    assert parse_field(FIELDS["paragraph"], "1") == ("01", [])


def test_names_with_digits_or_stray_punctuation_are_asked_about(books):
    """Letters of Kazakh, Russian and Latin, space, hyphen, apostrophe, dot: a name;
    a digit or other sign: a warning (asked on save), not an error."""
    from models.validation import WARNING, validate_card

    ok = individual_card(surname="Қасымова-Смит", given_name="O'Neil", patronymic="Н.")
    assert not [i for i in validate_card(ok, D(2025, 3, 1))
                if i.field in ("surname", "given_name", "patronymic")]
    odd = individual_card(surname="Касымов2", given_name="Ерлан;", patronymic="Нурланович")
    found = {i.field: i for i in validate_card(odd, D(2025, 3, 1))
             if i.field in ("surname", "given_name", "patronymic")}
    assert set(found) == {"surname", "given_name"}
    assert all(i.level == WARNING for i in found.values())
    assert "«2»" in found["surname"].message.ru


def test_parsed_texts_kept_answer_as_parsed_anew(monkeypatch):
    """parse_field keeps its last answers: the same answers as parsing anew, a list of
    issues of the caller's own, and an IIN's birth date judged against the day it is
    parsed on (a number born tomorrow is refused today, taken tomorrow)."""
    from models import field_values

    for name, raw in (("surname", "  Қасымов "), ("fine_imposed", "12 500"),
                      ("article", "592"), ("decision_date", "31.02.2025"),
                      ("surname", "Ив\x07анов"), ("iin", "123")):
        first = parse_field(FIELDS[name], raw)
        assert first == parse_field(FIELDS[name], raw) == \
            field_values._parse_field(FIELDS[name], raw)
        first[1].append("mine")
        assert "mine" not in parse_field(FIELDS[name], raw)[1]
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    iin = make_iin(tomorrow, "1", 123)
    assert parse_field(FIELDS["iin"], iin)[1]

    class Later(dt.date):
        @classmethod
        def today(cls):
            return tomorrow

    monkeypatch.setattr(dt, "date", Later)  # the module models.ids and field_values read
    assert parse_field(FIELDS["iin"], iin) == (iin, [])
