"""Registration journal (§7, Appendix 2): every proceeding, terminated ones included, in
the appendix's ten columns; filters; journal-only columns of a card; the printout."""

from __future__ import annotations

import datetime as dt

import pytest

from models import registration_journal as rj
from models.audit import Correction
from models.auth import add_user, os_account
from models.cards import register_card
from models.printing import render
from models.printing.journal import journal_document
from models.tables import Role
from tests.golden_files import check_golden
from tests.test_cli import run
from tests.test_validation import individual_card, legal_card

D = dt.date
TODAY = D(2025, 3, 1)


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())


def _cards(admin):
    one = register_card(individual_card(), admin, today=TODAY)
    two = register_card(legal_card(journal_no="00452", journal_date=D(2025, 2, 4)), admin,
                        today=TODAY)
    return one, two


def _terminated(admin, **over):
    values = {"registered_on": D(2025, 2, 10), "result": "02", "result_date": D(2025, 2, 20),
              "offender": "Петров Пётр Петрович, 01.01.1990, водитель", "article": "590",
              "part": "1", "filing_body": "685 УП г. Алматы"}
    values.update(over)
    return rj.add_entry(values, admin, today=TODAY)


def test_the_ten_columns_of_appendix_2() -> None:
    assert len(rj.COLUMNS) == 10
    ru = [c.ru for c in rj.COLUMNS]
    for i, words in enumerate((("№",), ("выставивший карточку", "направления"), ("в суд",),
                               ("Правонарушитель", "дата рождения", "место работы"),
                               ("юр. лица", "предпринимателя"), ("Квалификация",),
                               ("Дата и результат",), ("карточку 1-АП",),
                               ("№ постановления", "вступления в силу"), ("Меры взыскания",))):
        assert all(w in ru[i] for w in words), ru[i]


def test_cards_and_terminated_proceedings_in_one_journal(admin) -> None:
    one, two = _cards(admin)
    entry = _terminated(admin)
    rows = rj.journal(admin, rj.JournalFilter(D(2025, 1, 1), D(2025, 12, 31)))
    assert [r.number for r in rows] == ["00451", "00452", entry.number]
    first = rows[0].columns
    assert first[0] == "00451" and "Қасымов Ерлан Нұрланұлы" in first[3]
    assert "12.03.1985" in first[3] and "592" in first[5] and "02.02.2025" in first[6]
    assert "39 320" in first[9] and first[7] == "Иванова С.К., инспектор"
    assert "Алма-Транс" in rows[1].columns[4] and rows[1].columns[3] == ""
    last = rows[2].columns
    assert rows[2].card_id is None and "прекращено" in last[6] and "Петров" in last[3]
    # filters: period, status, body, article
    assert [r.number for r in rj.journal(admin, rj.JournalFilter(status=rj.NO_CARD))] == \
        [entry.number]
    assert len(rj.journal(admin, rj.JournalFilter(article="590"))) == 1
    assert len(rj.journal(admin, rj.JournalFilter(date_to=D(2025, 2, 3)))) == 1
    assert len(rj.journal(admin, rj.JournalFilter(status="registered"))) == 2
    assert rj.journal(admin, rj.JournalFilter(body="720")) == []


def test_columns_3_and_9_of_a_card_are_kept_and_logged(admin) -> None:
    one, _ = _cards(admin)
    rj.set_details(one.id, admin, court_body="684 Суд", decision_no="12-345",
                   in_force_on=D(2025, 2, 14))
    row = rj.journal(admin)[0]
    assert row.columns[2] == "684 Суд" and row.columns[8] == "12-345, 14.02.2025"
    logged = {r.field_name for r in Correction.select().where(Correction.event == "journal")}
    assert logged == {"journal.court_body", "journal.decision_no", "journal.in_force_on"}
    with pytest.raises(rj.JournalRefused):  # in force before the case was considered
        rj.set_details(one.id, admin, in_force_on=D(2025, 1, 1))


@pytest.mark.parametrize("backend", ["sqlite"])  # refusals: the engine does not matter
@pytest.mark.parametrize("over, words", [
    ({"result": "01"}, "карточка 1-АП"),
    ({"offender": ""}, "правонарушителя"),
    ({"offender": "Петров\x1b[2J"}, "управляющие"),
    ({"article": "99999"}, "не действует"),
    ({"result": "77"}, "нет в справочнике"),
    ({"registered_on": D(2025, 4, 1)}, "не в будущем"),
])
def test_entry_refusals_are_messages(admin, over, words) -> None:
    with pytest.raises(rj.JournalRefused) as exc:
        _terminated(admin, **over)
    assert words in exc.value.message.ru


def test_numbers_are_unique_in_a_year_and_proposed(admin) -> None:
    _cards(admin)
    entry = _terminated(admin)
    assert entry.number == "00453"
    with pytest.raises(rj.JournalRefused, match="занят"):
        _terminated(admin, number="00451")
    assert _terminated(admin, number="00451", registered_on=D(2024, 12, 30)).number == "00451"


def test_operator_keeps_auditor_reads(admin) -> None:
    from models.permissions import PermissionDenied

    auditor = add_user("aud", Role.AUDITOR, by=admin)
    with pytest.raises(PermissionDenied):
        _terminated(auditor)
    assert rj.journal(auditor) == []


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("width", [80, 132])
def test_journal_printout(admin, width) -> None:
    _cards(admin)
    _terminated(admin)
    flt = rj.JournalFilter(D(2025, 1, 1), D(2025, 12, 31))
    doc = journal_document(rj.journal(admin, flt), flt, "ru", "УП г. Алматы", "boss",
                           dt.datetime(2025, 3, 5, 10, 30))
    text = render(doc, "text", width)
    check_golden(f"journal-ru-{width}.txt", text)
    assert max(len(x) for x in text.splitlines()) <= width
    assert ("Продолжение таблицы" in text) == (width == 80)
    assert "size: A4 landscape" in render(doc, "html")


def test_cli_add_list_and_print(admin, cfg, capsys) -> None:
    _cards(admin)
    code, out, err = run(cfg, ["journal", "add", "--date", "10.02.2025", "--result", "03",
                               "--offender", "Петров П.П.", "--article", "592"], capsys)
    assert code == 0, err
    assert "Записано в журнал" in out
    code, out, _ = run(cfg, ["journal", "list", "--status", "no_card"], capsys)
    assert code == 0 and "Петров" in out and "Записей: 1" in out
    code, out, err = run(cfg, ["journal", "add", "--result", "01", "--offender", "x",
                               "--article", "592"], capsys)
    assert code == 1 and err.count("\n") == 1
    code, out, _ = run(cfg, ["print", "journal", "--from", "01.01.2025", "--format", "html"],
                       capsys)
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "Петров" in out

