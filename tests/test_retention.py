"""Retention (§7, §13, §14): keep-until dates (1 year after execution; 6 months for
minors; 3 years for corruption offences), the purge's tombstones (statistics unchanged),
the numbered act, and cards never touched when not due or held."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from models import registration_journal as rj
from models import requests as rq
from models import retention
from models.audit import Correction
from models.auth import add_user, os_account
from models.cards import register_card
from models.corrections import PURGED_FIELDS, change_status
from models.ids import make_iin
from models.lifecycle import Event
from models.permissions import PermissionDenied
from models.printing import render
from models.printing.act import act_document, ranges
from models.register_tables import DestructionAct
from models.tables import Card, Person, PersonHistory, Role
from tests.golden_files import check_golden
from tests.test_cli import run
from tests.test_validation import individual_card
from tests.trust_helpers import set_card

D = dt.date
TODAY = D(2026, 6, 1)


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account(),
                    full_name="Жанова Д.С.")


def _card(admin, executed: D | None, **over):
    """A registered card; `executed`: its fine collected in full (line 13) and the
    execution marked on that day."""
    if executed:
        over.setdefault("fine_collected", over.get("fine_imposed", individual_card()["fine_imposed"]))
    card = register_card(individual_card(**over), admin, today=D(2025, 3, 1))
    if executed:
        change_status(card.id, Event.EXECUTE, admin, executed_on=executed, today=TODAY)
    return Card.get_by_id(card.id)


def _minor(**over):
    born = D(2008, 1, 10)  # 17 on the offence date, 1 February 2025
    return {"surname": "Жасов", "birth_date": born, "iin": make_iin(born, "5", 777), **over}


def test_keep_until_by_category(admin) -> None:
    adult = _card(admin, D(2025, 3, 10))
    minor = _card(admin, D(2025, 3, 10), **_minor())
    corrupt = _card(admin, D(2025, 3, 10), article="676", part=None, fine_imposed=200 * 3932,
                    journal_no="00500")
    open_ = _card(admin, None, journal_no="00501")
    assert retention.keep_until(adult) == D(2026, 3, 10)
    assert retention.is_minor(minor) and retention.keep_until(minor) == D(2025, 9, 10)
    assert retention.is_corruption(corrupt) and retention.keep_until(corrupt) == D(2028, 3, 10)
    assert retention.keep_until(open_) is None  # not fully executed: kept
    assert retention.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_purge_touches_only_due_cards_and_leaves_tombstones(admin) -> None:
    due = _card(admin, D(2025, 3, 10))
    person = Person.get_by_id(due.person_id)
    recent = _card(admin, D(2025, 9, 1), journal_no="00502", surname="Недавний",
                   iin=make_iin(D(1980, 1, 1), "3", 11), birth_date=D(1980, 1, 1))
    unexecuted = _card(admin, None, journal_no="00503")
    before = {c.id: c for c in Card.select()}
    stats = list(Card.select(Card.article, Card.part, pw.fn.COUNT(Card.id))
                 .group_by(Card.article, Card.part).tuples())
    plan = retention.plan(admin, today=TODAY)
    assert [c.card_id for c in plan.cards] == [due.id]
    act = retention.purge(admin, today=TODAY)
    assert act.number == "2026/001" and act.cards == 1
    gone = Card.get_by_id(due.id)
    assert gone.status == "purged" and gone.purged_at is not None
    assert all(getattr(gone, f) is None for f in PURGED_FIELDS)
    assert gone.person_id is None and gone.version == before[due.id].version + 1
    kept = ("authority", "place", "article", "part", "offence_date", "decision_date",
            "main_penalty", "fine_imposed", "sex", "citizenship", "journal_no", "subject")
    assert all(getattr(gone, f) == getattr(before[due.id], f) for f in kept)
    # the untouched cards are as they were
    for other in (recent, unexecuted):
        now_ = Card.get_by_id(other.id)
        assert (now_.status, now_.version, now_.surname) == (before[other.id].status,
                                                             before[other.id].version,
                                                             before[other.id].surname)
    # counts and statistics unchanged
    assert Card.select().count() == len(before)
    assert list(Card.select(Card.article, Card.part, pw.fn.COUNT(Card.id))
                .group_by(Card.article, Card.part).tuples()) == stats
    # the person went with their last card; the log kept no personal value
    assert Person.get_or_none(Person.id == person.id) is None
    rows = list(Correction.select().where(Correction.event == "purge"))
    assert rows and all(r.old_value in (None, "executed") for r in rows)
    assert not any("Қасымов" in (r.old_value or "") + (r.new_value or "") for r in rows)
    assert retention.purge(admin, today=TODAY) is None  # nothing left


def test_the_journal_outlives_the_card(admin) -> None:
    minor = _card(admin, D(2025, 3, 10), **_minor())
    retention.purge(admin, today=D(2025, 12, 1))  # six months after execution
    row = rj.journal(admin)[0]
    assert row.card_id == minor.id and "Жасов Ерлан" in row.columns[3]
    assert "Административный штраф" in row.columns[9]


@pytest.mark.parametrize("hold", ["request", "return", "protest", "unpaid"])
def test_held_cards_are_never_purged(admin, hold) -> None:
    card = _card(admin, D(2025, 3, 10))
    if hold == "request":
        req = rq.add_request({"surname": "Қасымов", "given_name": "Ерлан",
                              "birth_date": D(1985, 3, 12), "grounds": "проверка"},
                             admin, today=TODAY)
        assert rq.search(req.id, admin)
    elif hold == "return":
        set_card(card.id, status="returned")
    elif hold == "unpaid":  # marked executed with line 13 short of line 12
        set_card(card.id, fine_collected=1000)
    else:
        set_card(card.id, protest_date=D(2025, 2, 10))
    plan = retention.plan(admin, today=TODAY)
    assert plan.cards == [] and [(h.card_id, h.held) for h in plan.held] == [(card.id, hold)]
    assert retention.purge(admin, today=TODAY) is None
    assert Card.get_by_id(card.id).surname == "Қасымов"


def test_person_with_another_card_stays_with_history(admin) -> None:
    old = _card(admin, D(2025, 3, 10))
    person = Person.get_by_id(old.person_id)
    register_card(individual_card(journal_no="00600"), admin, person=person, today=D(2025, 3, 1))
    PersonHistory.create(person=person, field_name="surname", old_value="Касымов",
                         new_value="Қасымов")
    retention.purge(admin, today=TODAY)
    assert Person.get_by_id(person.id).surname == "Қасымов"


def test_old_journal_entries_go_with_the_act(admin) -> None:
    rj.add_entry({"registered_on": D(2022, 5, 5), "result": "02", "offender": "Петров П.",
                  "article": "590", "part": "1"}, admin, today=D(2022, 6, 1))
    plan = retention.plan(admin, today=TODAY)
    assert len(plan.journal_entries) == 1 and plan.cards == []
    act = retention.purge(admin, today=TODAY)
    assert act.journal_entries == 1 and rj.journal(admin) == []


def test_roles(admin) -> None:
    op = add_user("op", Role.OPERATOR, by=admin)
    aud = add_user("aud", Role.AUDITOR, by=admin)
    with pytest.raises(PermissionDenied):
        retention.purge(op, today=TODAY)
    with pytest.raises(PermissionDenied):
        retention.purge(aud, today=TODAY)
    retention.plan(aud, today=TODAY)


def test_ranges() -> None:
    assert ranges([3, 1, 2, 7, 9, 10]) == "1-3, 7, 9-10" and ranges([]) == ""


@pytest.mark.parametrize("backend", ["sqlite"])
def test_act_printout(admin) -> None:
    _card(admin, D(2025, 3, 10))
    _card(admin, D(2025, 3, 10), journal_no="00700", **_minor())
    act = retention.purge(admin, today=TODAY)
    text = render(act_document(act, "ru", "boss", dt.datetime(2026, 6, 1, 9, 0)), "text", 80)
    check_golden("act-ru-80.txt", text)
    assert "Всего уничтожено учётных" in text and "1-2" in text and "Жанова Д.С." in text


def test_cli_dry_run_then_purge(admin, cfg, capsys) -> None:
    card = register_card(individual_card(fine_collected=10 * 3932), admin, today=D(2025, 3, 1))
    code, _, err = run(cfg, ["card", "execute", str(card.id), "--on", "10.03.2025"], capsys)
    assert code == 0, err
    code, out, err = run(cfg, ["purge", "--dry-run"], capsys)
    assert code == 0, err
    assert "К уничтожению карточек: 1" in out and Card.get_by_id(card.id).surname
    code, _, err = run(cfg, ["purge"], capsys)  # not a terminal: --yes needed
    assert code == 1 and "--yes" in err
    code, out, err = run(cfg, ["purge", "--yes"], capsys)
    assert code == 0 and "Акт №" in out, err
    code, out, _ = run(cfg, ["print", "act", "1", "--format", "html"], capsys)
    assert code == 0 and "АКТ №" in out
    number = DestructionAct.get().number  # as the screen and the act show it: 2026/001
    code, out, err = run(cfg, ["print", "act", number], capsys)
    assert code == 0 and number in out, err


def test_purge_is_logged_and_the_log_still_verifies(admin, cfg, capsys) -> None:
    """One act: a due card's tombstone (logged with the act, no former value), a card's
    journal entry past three years (the card itself not due) and the act's own note;
    the chain and the data against the log verify afterwards."""
    from models import audit
    from models.register_tables import Proceeding

    due = _card(admin, D(2025, 3, 10))
    old = _card(admin, None, journal_no="00510")
    set_card(old.id, journal_date=D(2022, 4, 1))
    act = retention.purge(admin, today=TODAY)
    assert (act.cards, act.journal_entries) == (1, 1)
    entry = Proceeding.get(Proceeding.card == old.id)
    assert (entry.destroyed_act, entry.number, entry.offender) == (act.id, "00510", "")
    assert Card.get_by_id(old.id).surname == "Қасымов"  # the card is not due: untouched
    assert all(r.card_id != old.id for r in rj.journal(admin))  # left the journal
    note = Correction.get(Correction.field_name == "destruction_act")
    assert note.event == "purge" and note.new_value.startswith(f"{act.number}: cards 1")
    assert "Пункты 7, 13, 14" in note.reason_text and note.user_id == admin.id
    rows = list(Correction.select().where((Correction.card == due.id)
                                          & (Correction.event == "purge")))
    assert {r.reason_text for r in rows} == {f"destruction act {act.number}"}
    assert {r.user_id for r in rows} == {admin.id}
    assert all(r.old_value is None for r in rows if r.field_name != "status")
    assert audit.verify().ok
    code, out, err = run(cfg, ["audit", "verify"], capsys)
    assert code == 0, err


@pytest.mark.parametrize("hold", ["return", "protest", "request", "unpaid"])
def test_a_hold_since_the_plan_refuses_the_whole_act(admin, hold) -> None:
    """The destruction statement checks the holds itself: a card returned, protested or
    asked about after the plan was made is not destroyed, and nothing of the act is."""
    from models import purge as destruction
    from models.audit import writing

    due = _card(admin, D(2025, 3, 10))
    other = _card(admin, D(2025, 3, 10), journal_no="00520", surname="Другой",
                  iin=make_iin(D(1981, 1, 1), "3", 12), birth_date=D(1981, 1, 1))
    if hold == "return":
        set_card(due.id, status="returned")
    elif hold == "protest":
        set_card(due.id, protest_date=D(2026, 5, 1))
    elif hold == "unpaid":
        set_card(due.id, fine_collected=1000)
    else:
        req = rq.add_request({"surname": "Қасымов", "given_name": "Ерлан",
                              "birth_date": due.birth_date, "grounds": "проверка"}, admin,
                             today=TODAY)
        for c in rq.search(req.id, admin):
            rq.decide(req.id, c.candidate_id, rq.SAME, admin)
    before = Correction.select().count()
    with pytest.raises(destruction.PurgeConflict), writing(admin, "purge"):
        destruction.destroy([other.id, due.id], D(2023, 1, 1), [], [], 1, "act", admin)
    assert Card.get_by_id(other.id).surname == "Другой"  # rolled back with the act
    assert Card.get_by_id(due.id).status != "purged"
    assert Correction.select().count() == before
