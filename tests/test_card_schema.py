"""The card is described once, and it holds every line of form-1ap.md."""

from models.card_schema import FIELDS, IDENT_FIELDS, LINES, Kind, Subject, fields_for
from models.tables import Card

SPEC_LINES = ["1", "2", "3", "4", "4-1", "5", "6", "7", "8", "9", "9.1", "9.2", "10", "11",
              "11.1", "11.2", "11.3", "12", "13", "14", "14.1", "14.2", "14.3", "14.4", "14.5",
              "14.6", "14.7", "15", "15.1", "16", "19", "19.1", "21"]


def test_schema_lists_every_line_of_the_spec_in_paper_order():
    assert [line.number for line in LINES] == SPEC_LINES


def test_lines_17_18_20_are_not_invented():
    assert not {"17", "18", "20"} & {line.number for line in LINES}


def test_every_line_and_field_has_kazakh_and_russian_labels():
    for line in LINES:
        assert line.label.kk and line.label.ru and line.fields
        for f in line.fields:
            assert f.label.kk and f.label.ru and f.line == line.number


def test_coded_fields_name_their_codebook():
    for f in FIELDS.values():
        assert (f.kind == Kind.CODE) <= bool(f.codebook), f.name


def test_groups_hidden_by_subject():
    individual = {f.line for f in fields_for(Subject.INDIVIDUAL)}
    legal = {f.line for f in fields_for(Subject.LEGAL)}
    assert {"14", "14.1", "14.7"} <= individual and not {"15", "15.1", "16"} & individual
    assert {"15", "15.1", "16"} <= legal and not {"14", "14.3", "14.7"} & legal
    entrepreneur = {f.line for f in fields_for(Subject.ENTREPRENEUR)}
    assert {"14", "16"} <= entrepreneur and "15" not in entrepreneur


def test_identification_first_starts_with_subject():
    assert IDENT_FIELDS[0].name == "subject" and IDENT_FIELDS[0].line == "8"


def test_card_table_has_a_column_per_field():
    columns = set(Card._meta.fields)
    assert set(FIELDS) <= columns


def test_fixed_length_fields_auto_advance():
    assert FIELDS["iin"].fixed and FIELDS["offence_date"].fixed and FIELDS["subject"].fixed
    assert not FIELDS["part"].fixed and not FIELDS["surname"].fixed
