"""Corrections of registered cards (§34-2): only administrators, only with a reason,
one exact log row per changed line, concurrent saves refused, history and journal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from collections.abc import Callable
from typing import Any

import peewee as pw
import pytest

from models import audit, codebook
from models.audit import Correction, readable, verify_chain
from models.auth import add_user, list_users
from models.cards import find_cards, register_card
from models.corrections import (
    FIELD_ORDER,
    ConflictError,
    CorrectionRefused,
    ReasonRequired,
    change_status,
    correct_card,
    remove_card,
)
from models.journal import JournalFilter, card_history, journal, write_csv
from models.lifecycle import Event
from models.permissions import PermissionDenied
from models.tables import Card, Person, PersonHistory, Role, User
from tests.test_validation import individual_card

D = dt.date
REGISTERED_ON = D(2025, 3, 1)
ADMIN_DAY = D(2025, 3, 3)
DISPATCH_DAYS = [10, 20, 30]


# --- fixtures and helpers (test_lifecycle and test_audit use them too) ----------------

@pytest.fixture
def people(db, books) -> dict[str, User]:
    """Codebooks loaded; one user per role (and a second administrator)."""
    out = {"administrator": add_user("admin", Role.ADMINISTRATOR, by=None,
                                     full_name="Әкімшиев Б.")}
    admin = out["administrator"]
    out["admin2"] = add_user("admin2", Role.ADMINISTRATOR, by=admin, full_name="Second A.")
    out["operator"] = add_user("ivanova", Role.OPERATOR, by=admin, full_name="Иванова С.К.")
    out["auditor"] = add_user("audit", Role.AUDITOR, by=admin, full_name="Аудитов А.")
    yield out
    codebook.reload()


def make_card(user: User, **over: Any) -> Card:
    return register_card(individual_card(**over), user, today=REGISTERED_ON)


def log_count() -> int:
    return Correction.select().count()


def changes_of(card_id: int) -> pw.ModelSelect:
    """The log rows of a card's changes after its registration, as people read them."""
    return Correction.select().where((Correction.card == card_id) & readable()
                                     & (Correction.card_version > 1))


def card_rows(card_id: int) -> list[tuple]:
    """Readable rows of a card, each change's lines in the card's order, status last."""
    rows = sorted(changes_of(card_id), key=lambda r: (r.card_version,
                                                       FIELD_ORDER.get(r.field_name, 999), r.id))
    return [(r.card_version, r.event, r.line, r.field_name, r.old_value, r.new_value,
             r.reason_code, r.reason_text, r.user_id) for r in rows]


# --- every action by every role -----------------------------------------------------------

def _dispatched(people: dict[str, User]) -> Card:
    card = make_card(people["operator"])
    change_status(card.id, Event.DISPATCH, people["administrator"], dispatch_days=DISPATCH_DAYS,
                  today=D(2025, 3, 10))
    return Card.get_by_id(card.id)


def _fresh(p: dict[str, User]) -> Card:
    return make_card(p["operator"])


def _none(p: dict[str, User]) -> None:
    return None


# action -> (set-up run by others, the action by the user under test)
ACTIONS: dict[str, tuple[Callable[[dict[str, User]], Any], Callable[[User, Any], object]]] = {
    "correct": (_fresh, lambda u, c: correct_card(c.id, {"protocol_no": "000999999"}, u, "04",
                                                  "опечатка", expected_version=c.version,
                                                  today=ADMIN_DAY)),
    "remove": (_fresh, lambda u, c: remove_card(c.id, u, "06", "дубль", today=ADMIN_DAY)),
    "dispatch": (_fresh, lambda u, c: change_status(c.id, Event.DISPATCH, u,
                                                    dispatch_days=DISPATCH_DAYS,
                                                    today=D(2025, 3, 10))),
    "return": (_dispatched, lambda u, c: change_status(c.id, Event.RETURN, u, reason_code="01",
                                                       reason_text="9-жол",
                                                       today=D(2025, 3, 11))),
    "execute": (_fresh, lambda u, c: change_status(c.id, Event.EXECUTE, u, today=ADMIN_DAY)),
    "history": (_fresh, lambda u, c: card_history(u, c.id)),
    "journal": (_none, lambda u, c: journal(u)),
    "export": (_none, lambda u, c: write_csv(u, None, io.StringIO())),
    "list users": (_none, lambda u, c: list_users(u)),
    "add user": (_none, lambda u, c: add_user(f"new{u.id}", Role.OPERATOR, by=u)),
}
# What each role may do (§34-2): written out here, not read from the code.
MAY = {
    "operator": {"dispatch", "history"},
    "administrator": set(ACTIONS),
    "auditor": {"history", "journal", "export", "list users"},
}


def _state() -> tuple[list[tuple], int, int]:
    cards = [(c.id, c.version, c.status) for c in Card.select().order_by(Card.id)]
    return cards, log_count(), User.select().count()


@pytest.mark.parametrize("role", ["operator", "administrator", "auditor"])
def test_every_action_by_every_role(people, role: str) -> None:
    """Each action on its own fresh card; one test per role (codebooks load once)."""
    user = people[role]
    for action, (setup, act) in ACTIONS.items():
        ctx = setup(people)
        before = _state()
        if action in MAY[role]:
            act(user, ctx)
            writes = action in ("correct", "remove", "dispatch", "return", "execute", "add user")
            assert (_state() != before) == writes, action
            continue
        with pytest.raises(PermissionDenied) as exc:
            act(user, ctx)
        msg = exc.value.message
        assert msg.kk and msg.ru and msg.kk != msg.ru, action
        assert _state() == before, f"{action}: the refused call wrote something"


def test_refusal_message_names_role_and_action(people) -> None:
    card = make_card(people["operator"])
    with pytest.raises(PermissionDenied) as exc:
        correct_card(card.id, {"protocol_no": "1"}, people["operator"], "04", "x",
                     expected_version=1, today=ADMIN_DAY)
    assert "оператор" in exc.value.message.ru and "исправление" in exc.value.message.ru
    assert "түзету" in exc.value.message.kk
    with pytest.raises(PermissionDenied):
        correct_card(card.id, {"protocol_no": "1"}, None, "04", "x", expected_version=1)


# --- reasons ---------------------------------------------------------------------------

NO_REASON = [
    (None, None), ("", ""), ("04", ""), ("04", "   "), (None, "опечатка"), ("99", "опечатка"),
    ("06", "removal code is not a correction reason"), ("04", "bad\x1b[2Jtext"),
]


def test_save_without_reason_refused(people) -> None:
    card = make_card(people["operator"])
    for code, text in NO_REASON:
        with pytest.raises(ReasonRequired) as exc:
            correct_card(card.id, {"protocol_no": "000999999"}, people["administrator"], code,
                         text, expected_version=1, today=ADMIN_DAY)
        assert exc.value.message.kk and exc.value.message.ru, (code, text)
    c = Card.get_by_id(card.id)
    assert (c.protocol_no, c.version) == ("000123456", 1)
    assert not changes_of(card.id).exists()


def test_per_line_reason_covers_only_its_line(people) -> None:
    card = make_card(people["operator"])
    with pytest.raises(ReasonRequired):  # line 5 has no reason of its own and no common one
        correct_card(card.id, {"protocol_no": "1", "official_name": "Жаңа А."},
                     people["administrator"], None, None,
                     per_field_reasons={"protocol_no": ("04", "опечатка")},
                     expected_version=1, today=ADMIN_DAY)
    assert not changes_of(card.id).exists()


# --- the log rows of a multi-line correction -------------------------------------------

def test_log_rows_exact_after_multi_line_correction(people) -> None:
    admin = people["administrator"]
    card = make_card(people["operator"])
    saved = correct_card(
        card.id,
        {"surname": "Қасымова", "official_name": "Сейтов А.Б.", "protocol_no": "000123999",
         "protocol_date": "02.02.2025", "fine_imposed": "39 320"},
        admin, "04", "Опечатка при вводе",
        per_field_reasons={"surname": ("05", "Фамилия изменена: свидетельство о браке")},
        expected_version=1, today=ADMIN_DAY)
    assert (saved.version, saved.status) == (2, "registered")
    # official_name and fine_imposed were given unchanged: no row for them.
    assert card_rows(card.id) == [
        (2, "correct", "4", "protocol_no", "000123456", "000123999", "04", "Опечатка при вводе",
         admin.id),
        (2, "correct", "4", "protocol_date", "2025-02-01", "2025-02-02", "04",
         "Опечатка при вводе", admin.id),
        (2, "correct", "14", "surname", "Қасымов", "Қасымова", "05",
         "Фамилия изменена: свидетельство о браке", admin.id),
    ]
    rows = list(Correction.select().where(Correction.card == card.id).order_by(Correction.id))
    assert all(r.prev_hash == p.row_hash for p, r in zip(rows, rows[1:], strict=False))
    c = Card.get_by_id(card.id)
    assert (c.surname, c.protocol_no, c.protocol_date, c.version) == (
        "Қасымова", "000123999", D(2025, 2, 2), 2)
    # The person follows (§38 keeps the former surname).
    person = Person.get_by_id(c.person_id)
    assert person.surname == "Қасымова"
    hist = list(PersonHistory.select().where(PersonHistory.person == person))
    assert [(h.field_name, h.old_value, h.new_value) for h in hist] == [
        ("surname", "Қасымов", "Қасымова")]
    assert verify_chain().ok


def test_correcting_a_dispatched_card_logs_the_status_change(people) -> None:
    card = _dispatched(people)
    saved = correct_card(card.id, {"guilt": "2"}, people["administrator"], "02",
                         "выявлено субъектом", expected_version=card.version, today=ADMIN_DAY)
    assert saved.status == "corrected"
    assert card_rows(card.id)[-2:] == [
        (3, "correct", "9.1", "guilt", "1", "2", "02", "выявлено субъектом",
         people["administrator"].id),
        (3, "correct", "", "status", "dispatched", "corrected", "02", "выявлено субъектом",
         people["administrator"].id),
    ]


def test_invalid_result_or_bad_text_refused_and_nothing_logged(people) -> None:
    admin = people["administrator"]
    card = make_card(people["operator"])
    for changes, field in (({"surname": ""}, "surname"),
                           ({"offence_date": D(2031, 1, 1)}, "offence_date"),
                           ({"surname": "Иванов\x1b[31m"}, "surname"),
                           ({"fine_imposed": "сорок"}, "fine_imposed")):
        with pytest.raises(CorrectionRefused) as exc:
            correct_card(card.id, changes, admin, "04", "x", expected_version=1, today=ADMIN_DAY)
        assert field in {i.field for i in exc.value.issues}, changes
    for changes in ({"no_such_line": "1"}, {"protocol_no": "000123456"},
                    {"protocol_date": dt.datetime(2025, 2, 1, 10, 0)}):
        with pytest.raises(CorrectionRefused):
            correct_card(card.id, changes, admin, "04", "x", expected_version=1, today=ADMIN_DAY)
    assert Card.get_by_id(card.id).version == 1
    assert not changes_of(card.id).exists()


def test_subject_kind_and_hidden_lines_stay_as_registered(people) -> None:
    admin = people["administrator"]
    card = make_card(people["operator"])
    for changes, words in (({"subject": "05"}, "Вид субъекта"),
                           ({"legal_name": "ТОО «Тень»"}, "нет строк: 16")):
        with pytest.raises(CorrectionRefused) as exc:
            correct_card(card.id, changes, admin, "04", "x", expected_version=1, today=ADMIN_DAY)
        assert words in exc.value.message.ru
    # Another individual kind (an official) is a correction like any other.
    saved = correct_card(card.id, {"subject": "02"}, admin, "04", "должностное лицо",
                         expected_version=1, today=ADMIN_DAY)
    assert saved.version == 2 and Card.get_by_id(card.id).subject == "02"


# --- concurrent corrections --------------------------------------------------------------

def test_second_save_on_an_old_version_is_refused_with_what_changed(people) -> None:
    card = make_card(people["operator"])
    first, second = people["administrator"], people["admin2"]
    opened = card.version  # both open the card at version 1
    correct_card(card.id, {"protocol_no": "000777777"}, first, "04", "номер",
                 expected_version=opened, today=ADMIN_DAY)
    with pytest.raises(ConflictError) as exc:
        correct_card(card.id, {"surname": "Касымов"}, second, "04", "буква",
                     expected_version=opened, today=ADMIN_DAY)
    conflict = exc.value
    assert conflict.current_version == 2
    assert [(c.field_name, c.line, c.old_value, c.new_value, c.user_login)
            for c in conflict.changes] == [("protocol_no", "4", "000123456", "000777777", "admin")]
    assert "admin" in conflict.message.ru and "4" in conflict.message.kk
    c = Card.get_by_id(card.id)
    assert (c.surname, c.protocol_no, c.version) == ("Қасымов", "000777777", 2)
    # Reopened at version 2, the second administrator's change goes in; nothing is lost.
    correct_card(card.id, {"surname": "Касымов"}, second, "04", "буква", expected_version=2,
                 today=ADMIN_DAY)
    c = Card.get_by_id(card.id)
    assert (c.surname, c.protocol_no, c.version) == ("Касымов", "000777777", 3)


def test_version_guard_in_the_update_itself(people, monkeypatch) -> None:
    """Someone bumps the version between the read and the UPDATE: the UPDATE ... WHERE
    version = ? touches no row, the save is refused and rolled back."""
    import models.corrections as corr

    card = make_card(people["operator"])
    real = corr.validate_card

    def sneaky(values, today=None):
        with audit.writing(people["admin2"], "correct", reason_code="04", reason="опечатка"):
            Card.update(version=Card.version + 1, official_name="Басқа Б.").where(
                Card.id == card.id).execute()
        return real(values, today)

    monkeypatch.setattr(corr, "validate_card", sneaky)
    with pytest.raises(ConflictError):
        correct_card(card.id, {"protocol_no": "1"}, people["administrator"], "04", "x",
                     expected_version=1, today=ADMIN_DAY)
    assert Card.get_by_id(card.id).version == 1  # the whole transaction rolled back
    assert not changes_of(card.id).exists()


def test_two_administrators_saving_at_the_same_moment(people) -> None:
    card = make_card(people["operator"])
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(who: str, value: str) -> None:
        user = User.get(User.login == who)
        barrier.wait()
        try:
            correct_card(card.id, {"protocol_no": value}, user, "04", who, expected_version=1,
                         today=ADMIN_DAY)
            outcome[who] = "saved"
        except ConflictError:
            outcome[who] = "conflict"
        finally:
            from models.db import database_proxy

            database_proxy.close()

    threads = [threading.Thread(target=save, args=a) for a in (("admin", "1"), ("admin2", "2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == ["conflict", "saved"]
    c = Card.get_by_id(card.id)
    winner = next(k for k, v in outcome.items() if v == "saved")
    assert c.version == 2 and c.protocol_no == {"admin": "1", "admin2": "2"}[winner]
    assert len(card_rows(card.id)) == 1 and verify_chain().ok


# --- removal, history, journal, CSV ----------------------------------------------------

def test_removal_is_soft_and_leaves_working_lists(people) -> None:
    card = make_card(people["operator"])
    with pytest.raises(ReasonRequired):
        remove_card(card.id, people["administrator"], "06", "", today=ADMIN_DAY)
    remove_card(card.id, people["administrator"], "06", "внесена с нарушением Инструкции",
                today=ADMIN_DAY)
    c = Card.get_by_id(card.id)
    assert c.status == "removed" and c.removed_at is not None and c.surname == "Қасымов"
    assert find_cards(surname="Қасымов") == []
    assert [r.id for r in find_cards(surname="Қасымов", include_removed=True)] == [card.id]
    assert card_rows(card.id) == [(2, "remove", "", "status", "registered", "removed", "06",
                                   "внесена с нарушением Инструкции", people["administrator"].id)]


def _two_corrections(people) -> Card:
    card = make_card(people["operator"])
    correct_card(card.id, {"protocol_no": "000123999", "surname": "Қасымова"},
                 people["administrator"], "04", "опечатка", expected_version=1, today=ADMIN_DAY)
    correct_card(card.id, {"surname": "Касымова"}, people["admin2"], "05", "по паспорту",
                 expected_version=2, today=ADMIN_DAY)
    return card


def test_history_shows_every_value_of_each_line(people) -> None:
    card = _two_corrections(people)
    rows = card_history(people["auditor"], card.id, "ru")
    assert rows[0].event == "register" and rows[0].user_login == "ivanova"
    assert [(r.line, r.old, r.new, r.user_login, r.reason_code, r.reason_name.ru, r.reason_text)
            for r in rows[1:]] == [
        ("4", "000123456", "000123999", "admin", "04", "Ошибка ввода", "опечатка"),
        ("14", "Қасымов", "Қасымова", "admin", "04", "Ошибка ввода", "опечатка"),
        ("14", "Қасымова", "Касымова", "admin2", "05", "Изменились идентификационные данные",
         "по паспорту"),
    ]
    assert rows[1].label.ru == "Материал №" and rows[2].label.kk == "Тегі"


def test_journal_filters(people) -> None:
    card = _two_corrections(people)
    other = make_card(people["operator"], journal_no="00999")
    remove_card(other.id, people["administrator"], "06", "дубль", today=ADMIN_DAY)
    aud = people["auditor"]
    fields = lambda rows: [(r.card_id, r.field_name) for r in rows]  # noqa: E731
    assert fields(journal(aud, JournalFilter(user_login="admin2"))) == [(card.id, "surname")]
    assert fields(journal(aud, JournalFilter(reason_code="06"))) == [(other.id, "status")]
    assert fields(journal(aud, JournalFilter(card_id=card.id, line="14"))) == [
        (card.id, "surname"), (card.id, "surname")]
    today = dt.date.today()
    assert len(journal(aud, JournalFilter(date_from=today, date_to=today, event="correct"))) == 3
    assert journal(aud, JournalFilter(date_to=today - dt.timedelta(days=1))) == []
    assert journal(aud, JournalFilter(date_from=today + dt.timedelta(days=1))) == []


def test_csv_export_has_the_reason(people, tmp_path) -> None:
    card = _two_corrections(people)
    correct_card(card.id, {"official_name": "=HYPERLINK(\"x\")"}, people["administrator"], "07",
                 "проверка экспорта", expected_version=3, today=ADMIN_DAY)
    path = tmp_path / "journal.csv"
    n = write_csv(people["auditor"], JournalFilter(card_id=card.id), path, "ru")
    assert n == 4
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    assert head[:3] == ["№", "Время", "Пользователь"] and "Текст причины" in head
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [(b["Строка"], b["Код причины"], b["Причина"], b["Текст причины"]) for b in body] == [
        ("4", "04", "Ошибка ввода", "опечатка"),
        ("14", "04", "Ошибка ввода", "опечатка"),
        ("14", "05", "Изменились идентификационные данные", "по паспорту"),
        ("5", "07", "Иная причина (указывается текстом)", "проверка экспорта"),
    ]
    assert body[-1]["Новое значение"] == "'=HYPERLINK(\"x\")"  # not a live formula
    assert body[0]["Старое значение"] == "000123456" and body[0]["Пользователь"] == "admin"
