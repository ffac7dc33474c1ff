"""Notices of execution (§35, App. 3) and release (§36, App. 4): line 13 follows the
payments through the logged path, partial payments add up, no notice once the fine is
collected, deadlines in working days (execution) and days (release), the forms' fields."""

from __future__ import annotations

import datetime as dt

import pytest

from models import notices
from models.audit import Correction, readable
from models.auth import add_user, os_account
from models.calendar import WorkCalendar
from models.cards import register_card
from models.permissions import PermissionDenied
from models.printing import render
from models.printing.notices import notice_document
from models.tables import Card, Role
from tests.golden_files import check_golden
from tests.test_cli import run
from tests.test_validation import individual_card

D = dt.date
TODAY = D(2025, 3, 14)  # a Friday
AT = dt.datetime(2025, 3, 14, 11, 0)


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())


@pytest.fixture
def card(admin):
    return register_card(individual_card(), admin, today=D(2025, 3, 1))  # fine 39 320


def test_partial_payments_add_up_in_line_13_through_the_log(card, admin) -> None:
    op = add_user("op", Role.OPERATOR, by=admin)
    first = notices.add_execution(card.id, 20000, D(2025, 3, 10), op, proof_on=D(2025, 3, 12),
                                  today=TODAY)
    assert Card.get_by_id(card.id).fine_collected == 20000
    notices.add_execution(card.id, "19 320", D(2025, 3, 11), op, today=TODAY)
    after = Card.get_by_id(card.id)
    assert after.fine_collected == 39320 and after.version == card.version + 2
    assert after.status == "registered"  # a document, not a correction
    rows = list(Correction.select().where((Correction.card == card.id) & readable())
                .order_by(Correction.id))
    assert [(r.event, r.line, r.old_value, r.new_value) for r in rows] == [
        ("notice", "13", None, "20000"), ("notice", "13", "20000", "39320")]
    assert "20000 paid 10.03.2025" in rows[0].reason_text and rows[0].user_id == op.id
    assert first.due_on == D(2025, 3, 13)  # 1 working day after the proof


def test_no_notice_once_line_13_shows_full_collection(card, admin) -> None:
    notices.add_execution(card.id, 39320, D(2025, 3, 10), admin, today=TODAY)
    assert notices.execution_refusal(Card.get_by_id(card.id)) is not None
    with pytest.raises(notices.NoticeRefused, match="§35"):
        notices.add_execution(card.id, 1, D(2025, 3, 10), admin, today=TODAY)


def test_collected_on_the_card_itself_needs_no_notice(admin) -> None:
    paid = register_card(individual_card(fine_collected=39320), admin, today=D(2025, 3, 1))
    assert "§35" in notices.execution_refusal(paid).ru


@pytest.mark.parametrize("backend", ["sqlite"])  # refusals: the engine does not matter
@pytest.mark.parametrize("amount, paid, proof, words", [
    (40000, D(2025, 3, 10), None, "больше оставшейся"),
    (0, D(2025, 3, 10), None, "целое число"),
    ("12a", D(2025, 3, 10), None, "целое число"),
    (True, D(2025, 3, 10), None, "целое число"),
    (100, D(2025, 1, 10), None, "не раньше 02.02.2025"),  # before the decision (line 10)
    (100, D(2025, 3, 15), None, "в будущем"),
    (100, D(2025, 3, 10), D(2025, 3, 9), "не раньше 10.03.2025"),
])
def test_bad_payments_are_messages(card, admin, amount, paid, proof, words) -> None:
    with pytest.raises(notices.NoticeRefused) as exc:
        notices.add_execution(card.id, amount, paid, admin, proof_on=proof, today=TODAY)
    assert words in exc.value.message.ru
    assert Card.get_by_id(card.id).fine_collected is None


def test_execution_deadline_counts_the_calendar(card, admin) -> None:
    cal = WorkCalendar.from_config({"holidays": ["03-21", "03-22", "03-23"]})
    # proof on Thursday 20 March 2025: 21 holiday, 22-23 weekend (and moved: 24, 25) -> 26
    n = notices.add_execution(card.id, 100, D(2025, 3, 20), admin, proof_on=D(2025, 3, 20),
                              cal=cal, today=D(2025, 3, 27))
    assert n.due_on == D(2025, 3, 26) and notices.is_late(n)


def test_release_notice_grounds_and_three_days(card, admin) -> None:
    n = notices.add_release(card.id, "liability", D(2025, 3, 11), "63", admin,
                            ground_text="Закон об амнистии", today=TODAY)
    assert n.due_on == D(2025, 3, 14) and not notices.is_late(n)
    with pytest.raises(notices.NoticeRefused, match="не основание"):
        notices.add_release(card.id, "liability", D(2025, 3, 11), "889", admin, today=TODAY)
    with pytest.raises(notices.NoticeRefused, match="нет в справочнике"):
        notices.add_release(card.id, "penalty", D(2025, 3, 11), "999", admin, today=TODAY)
    codes = {e.code for e in notices.grounds()}
    assert {"70", "75", "701", "702", "704", "63", "888", "889", "890"} <= codes


def test_auditor_cannot_make_notices(card, admin) -> None:
    aud = add_user("aud", Role.AUDITOR, by=admin)
    with pytest.raises(PermissionDenied):
        notices.add_execution(card.id, 100, D(2025, 3, 10), aud, today=TODAY)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_notice_forms_as_the_appendices(card, admin) -> None:
    ex = notices.add_execution(card.id, 20000, D(2025, 3, 10), admin, sender="УП г. Алматы",
                               responsible="Ахметов А.А., начальник", today=TODAY)
    rel = notices.add_release(card.id, "penalty", D(2025, 3, 12), "889", admin,
                              ground_text="постановление суда", ground_date=D(2025, 3, 12),
                              sender="УП г. Алматы", responsible="Ахметов А.А.", today=TODAY)
    ex_text = render(notice_document(ex, "ru", "boss", AT), "text", 80)
    rel_text = render(notice_document(rel, "kk", "boss", AT), "text", 80)
    check_golden("notice-execution-ru-80.txt", ex_text)
    check_golden("notice-release-kk-80.txt", rel_text)
    ex_html = render(notice_document(ex, "ru", "boss", AT), "html")
    rel_html = render(notice_document(rel, "kk", "boss", AT), "html")
    # App. 3: sending body; name; birth date; legal entity; RNN; case number and date;
    # qualification; fine imposed; fine paid; payment date; responsible official; date
    for words in ("Орган, направивший извещение", "Фамилия", "Дата рождения",
                  "юридического лица", "РНН", "Номер дела", "Квалификация",
                  "наложенного штрафа", "взысканного штрафа", "Дата уплаты",
                  "ответственного должностного лица", "Приложение 3"):
        assert words in ex_html, words
    # App. 4: residence, detecting body, penalty, release date, ground
    for words in ("Тұрғылықты жері", "анықтаған орган", "Жаза түрі", "Босату күні",
                  "Негізі", "889", "4-қосымша"):
        assert words in rel_html, words


def test_cli_execution_and_print(card, cfg, capsys) -> None:
    code, out, err = run(cfg, ["notice", "execution", str(card.id), "--amount", "500",
                               "--paid-on", "01.03.2025"], capsys)
    assert code == 0, err
    assert "строка 13: 500" in out
    code, out, _ = run(cfg, ["print", "notice", "1", "--format", "html"], capsys)
    assert code == 0 and "ИЗВЕЩЕНИЕ об исполнении" in out
    code, _, err = run(cfg, ["notice", "execution", str(card.id), "--amount", "-5",
                             "--paid-on", "01.03.2025"], capsys)
    assert code == 1 and err.count("\n") == 1
