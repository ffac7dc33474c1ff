"""Liability requests (§37-§41, App. 5): grounds mandatory, deadlines of 5 / 1 working
days, the search through the duplicate engine with former identification (§38), each
candidate confirmed by the operator, the answer ("No information" or the records), a
CSV batch answered with its files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from models import requests as rq
from models.auth import add_user, os_account
from models.calendar import WorkCalendar
from models.cards import register_card
from models.ids import make_iin
from models.matching.decisions import link_same_person
from models.printing import render
from models.printing.answer import answer_document
from models.requests_batch import answer_batch
from models.tables import Person, Role
from tests.golden_files import check_golden
from tests.test_cli import run
from tests.test_validation import individual_card

D = dt.date
TODAY = D(2025, 3, 14)
BORN = D(1990, 5, 5)
AT = dt.datetime(2025, 3, 14, 12, 0)


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account(),
                    full_name="Жанова Д.С.")


def _her(**over):
    values = individual_card(surname="Сәрсенова", given_name="Айгүл", patronymic="Ерланқызы",
                             birth_date=BORN, iin=make_iin(BORN, "2", 1234), sex="2")
    values.update(over)
    return values


def _married(admin, linked: bool = True):
    """Two cards of one woman: the first under her maiden name, the second after her
    marriage; `linked`: the operator said "same person" and corrected the surname."""
    first = register_card(_her(), admin, today=D(2025, 3, 1))
    second_values = _her(surname="Оспанова", journal_no="00460", protocol_no="000999111",
                         offence_date=D(2025, 2, 20), decision_date=D(2025, 2, 21),
                         protocol_date=D(2025, 2, 20), journal_date=D(2025, 2, 22),
                         received_date=D(2025, 2, 24), filled_date=D(2025, 2, 24))
    person = None
    if linked:
        person = Person.get_by_id(first.person_id)
        link_same_person(person, second_values, admin, correct=["surname"],
                         reason="свидетельство о браке")
    second = register_card(second_values, admin, person=person, today=D(2025, 3, 1))
    return first, second


def _request(admin, **over):
    values = {"number": "15/2-117", "surname": "Оспанова", "given_name": "Айгүл",
              "patronymic": "Ерланқызы", "birth_date": BORN,
              "grounds": "проверка при приёме на государственную службу",
              "head": "Иванов И.И.", "executor": "Петрова А.А.", "sender_body": "ДП г. Астаны",
              "received_on": D(2025, 3, 10), "request_date": D(2025, 3, 7)}
    values.update(over)
    return rq.add_request(values, admin, today=TODAY)


def _answer_all(req, admin):
    for c in rq.search(req.id, admin):
        rq.decide(req.id, c.candidate_id, rq.SAME, admin)
    return rq.answer(req.id, admin, today=TODAY)


def test_answer_lists_both_cards_of_a_person_who_changed_surname(admin) -> None:
    first, second = _married(admin)
    req = _request(admin, former=[{"surname": "Сәрсенова"}])
    found = rq.search(req.id, admin)
    assert len(found) == 1 and found[0].band in ("exact", "probable", "possible")
    assert {c.id for c in found[0].cards} == {first.id, second.id}
    assert any("Фамилия: Сәрсенова → Оспанова" in h.ru for h in found[0].former_names)
    done = _answer_all(req, admin)
    assert json.loads(done.answer_cards) == sorted([first.id, second.id])
    text = render(answer_document(done, "ru", "boss", AT), "text", 80)
    assert "Сәрсенова" in text and "Оспанова" in text and "выявлены сведения: 2" in text
    check_golden("answer-records-ru-80.txt", text)
    check_golden("answer-records-kk-132.txt",
                 render(answer_document(done, "kk", "boss", AT), "text", 132))


def test_former_data_finds_a_record_filed_as_another_person(admin) -> None:
    first, second = _married(admin, linked=False)
    assert first.person_id != second.person_id
    req = _request(admin, former=[{"surname": "Сәрсенова"}])
    found = rq.search(req.id, admin)
    persons = {c.person_id: c for c in found}
    assert {first.person_id, second.person_id} <= set(persons)
    assert persons[first.person_id].probe == "former"
    done = _answer_all(req, admin)
    assert json.loads(done.answer_cards) == sorted([first.id, second.id])


def test_a_request_by_the_former_surname_alone_finds_the_person_as_registered_now(
        admin) -> None:
    """The request names her by her maiden name and says nothing of the marriage; the
    register's own history (§38) knows it: she is found as surely as by her name now."""
    first, second = _married(admin)
    req = _request(admin, surname="Сәрсенова")
    found = rq.search(req.id, admin)
    assert found[0].person_id == first.person_id
    assert found[0].band == "exact" and found[0].probe == "former"
    assert {c.id for c in found[0].cards} == {first.id, second.id}
    by_now = rq.search(_request(admin, number="15/2-118").id, admin)
    assert by_now[0].band == "exact" and by_now[0].probe == "current"
    assert rq.search(_request(admin, number="15/2-119", surname="Сәрсенбаева").id,
                     admin)[0].band != "exact"


def test_each_candidate_is_decided_before_the_answer(admin) -> None:
    _married(admin, linked=False)
    req = _request(admin, former=[{"surname": "Сәрсенова"}])
    found = rq.search(req.id, admin)
    rq.decide(req.id, found[0].candidate_id, rq.SAME, admin)
    with pytest.raises(rq.RequestRefused, match="подтвердите каждого"):
        rq.answer(req.id, admin, today=TODAY)
    for c in found[1:]:
        rq.decide(req.id, c.candidate_id, rq.DIFFERENT, admin)
    done = rq.answer(req.id, admin, today=TODAY)
    assert json.loads(done.answer_cards) == [c.id for c in found[0].cards]
    with pytest.raises(rq.RequestRefused, match="закрыт"):
        rq.search(req.id, admin)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_no_information_stamp_with_executor_and_date(admin) -> None:
    req = _request(admin, surname="Неизвестная", given_name="Зарина", birth_date=D(2001, 1, 2))
    assert rq.search(req.id, admin) == []
    done = rq.answer(req.id, admin, today=TODAY)
    text = render(answer_document(done, "ru", "boss", AT), "text", 80)
    check_golden("answer-no-information-ru-80.txt", text)
    assert "Сведений нет" in text and "Жанова Д.С." in text and "14.03.2025" in text


@pytest.mark.parametrize("backend", ["sqlite"])  # refusals: the engine does not matter
@pytest.mark.parametrize("over, words", [
    ({"grounds": ""}, "основания проверки обязательны"),
    ({"birth_date": None}, "обязательны"),
    ({"surname": "Ос\x1b[2Jпанова"}, "управляющие"),
    ({"iin": "123456789012"}, "контрольной"),
    ({"iin": "１２３４５６７８９０１２"}, "12 цифр"),
    ({"subject_kind": "legal", "legal_name": "ТОО «Береке»"}, "РНН/БИН"),
    ({"received_on": D(2025, 3, 20)}, "в будущем"),
    ({"request_date": D(2025, 3, 12)}, "не позже даты поступления"),
])
def test_faulty_requests_are_refused_with_a_message(admin, over, words) -> None:
    with pytest.raises(rq.RequestRefused) as exc:
        _request(admin, **over)
    assert words in exc.value.message.ru


def test_deadlines_five_or_one_working_days(admin) -> None:
    cal = WorkCalendar.from_config({"holidays": ["03-21", "03-22", "03-23"]})
    assert rq.due_date(D(2025, 3, 20), False, cal) == D(2025, 4, 1)  # 21, 24, 25 off
    assert rq.due_date(D(2025, 3, 20), True, cal) == D(2025, 3, 26)
    req = _request(admin, received_on=D(2025, 3, 6), request_date=None, repetition=True)
    assert req.due_on == D(2025, 3, 7)
    assert rq.is_overdue(req, TODAY) and rq.list_requests(admin, overdue=True, today=TODAY)


def test_faulty_request_returned_unexecuted(admin) -> None:
    req = _request(admin)
    rq.return_request(req.id, "нет подписи руководителя", admin, today=TODAY)
    done = rq.LiabilityRequest.get_by_id(req.id)
    assert done.status == rq.RETURNED and "подписи" in done.return_reason


def test_cards_of_open_requests_are_held(admin) -> None:
    first, second = _married(admin)
    req = _request(admin)
    rq.search(req.id, admin)
    assert rq.open_request_cards() == {first.id, second.id}
    _answer_all(req, admin)
    assert rq.open_request_cards() == set()


def _csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_batch_answers_exact_matches_and_leaves_the_rest(admin, tmp_path) -> None:
    first, second = _married(admin)
    common = {"grounds": "проверка", "received_on": "10.03.2025", "patronymic": "Ерланқызы"}
    rows = [{**common, "number": "1", "surname": "Оспанова", "name": "Айгүл",
             "birth_date": "05.05.1990", "iin": make_iin(BORN, "2", 1234)},
            {**common, "number": "2", "surname": "Тестова", "name": "Алия",
             "birth_date": "1.2.2000", "iin": ""},
            {**common, "number": "3", "surname": "Оспанова", "name": "Айгүл",
             "birth_date": "31.02.1990", "iin": ""}]
    out = tmp_path / "answers"
    outcomes = answer_batch(_csv(tmp_path / "req.csv", rows), out, admin, today=TODAY)
    by_number = {o.number: o for o in outcomes}
    assert by_number["1"].status == "answered" and by_number["1"].records == 2
    assert by_number["2"].status == "no_information"
    assert outcomes[2].status == "refused" and "дата" in outcomes[2].message
    assert (out / f"answer-{by_number['1'].request_id}.txt").exists()
    assert "answered" in (out / "answers.csv").read_text(encoding="utf-8")


def test_cli_batch_contract(admin, cfg, capsys, tmp_path) -> None:
    path = _csv(tmp_path / "r.csv", [{"number": "7", "surname": "Тестова", "name": "Алия",
                                      "birth_date": "01.02.2000", "grounds": "проверка"}])
    code, out, err = run(cfg, ["requests", "answer", str(path), "--out", str(tmp_path / "o")],
                         capsys)
    assert code == 0, err
    assert "исполнено: 1" in out and (tmp_path / "o" / "answers.csv").exists()
    code, out, _ = run(cfg, ["print", "answer", "1", "--format", "html"], capsys)
    assert code == 0 and "Сведений нет" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\n1,2\n", encoding="utf-8")
    code, _, err = run(cfg, ["requests", "answer", str(bad), "--out", str(tmp_path / "o")],
                       capsys)
    assert code == 1 and "неизвестные столбцы" in err and err.count("\n") == 1


def test_batch_reads_a_letters_dates_and_refuses_a_year_alone(admin, tmp_path) -> None:
    """A request copied from a letter: "5 мая 1990 г." and "10 наурыз 2025 ж." are read;
    a birth year alone names no day and is refused, not stored as 1 January."""
    _married(admin)
    common = {"grounds": "проверка", "surname": "Оспанова", "name": "Айгүл",
              "patronymic": "Ерланқызы", "iin": make_iin(BORN, "2", 1234)}
    rows = [{**common, "number": "1", "received_on": "10 наурыз 2025 ж.",
             "birth_date": "5 мая 1990 г."},
            {**common, "number": "2", "received_on": "10.03.2025", "birth_date": "1990 г.р."}]
    outcomes = answer_batch(_csv(tmp_path / "req.csv", rows), tmp_path / "o", admin, today=TODAY)
    assert outcomes[0].status == "answered" and outcomes[0].records == 2
    assert outcomes[1].status == "refused" and "birth_date" in outcomes[1].message
