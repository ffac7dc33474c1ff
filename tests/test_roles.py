"""Each role's allowed and refused actions, through the command line and through the
model functions: one permission table, every writer asks it, a refusal is one line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import auth
from models.auth import add_user, os_account
from models.cards import register_card
from models.matching.decisions import Decision, link_same_person, take
from models.permissions import PermissionDenied
from models.persons import create_legal_entity, create_person, update_identification
from models.tables import Card, Person, Role, User
from tests.test_cli import one_line, run
from tests.test_validation import individual_card

ROOT = Path(__file__).resolve().parent.parent
REFUSED = "не разрешено"
ALL = {"operator", "administrator", "auditor"}
ADMIN = {"administrator"}
READ_LOG = {"administrator", "auditor"}

# command -> roles that may run it (the others get a one-line refusal, exit 1)
COMMANDS: list[tuple[list[str], set[str]]] = [
    (["user", "add", "newbie", "--role", "operator"], ADMIN),
    (["user", "set-role", "other", "auditor"], ADMIN),
    (["user", "list"], READ_LOG),
    (["card", "status", "{card}"], ALL),
    (["card", "returned"], ALL),
    (["card", "remove", "{card}", "--reason", "06", "--text", "двойной ввод"], ADMIN),
    (["card", "execute", "{card}"], ADMIN),
    (["card", "return", "{card}", "--reason", "01", "--text", "нет даты"], ADMIN),
    (["audit", "verify"], READ_LOG),
    (["audit", "export", "--csv", "{tmp}/j.csv"], READ_LOG),
    (["persons", "import", "{tmp}/p.csv"], {"operator", "administrator"}),
    (["persons", "search", "--iin", "850312305479"], ALL),
    (["codebooks", "show", "subject"], ALL),
    (["codebooks", "load"], ADMIN),
    (["db", "upgrade"], ADMIN),
    (["db", "version"], ALL),
    (["init"], ADMIN),
    (["demo", "--cards", "1"], ADMIN),
]
# PostgreSQL's superuser session (the tests' own) owns the schema anyway: the schema and
# codebook commands are its; through a person's own role they are not (test_pg_trust).
SUPERUSER = ({"init"}, {"db", "upgrade"}, {"codebooks", "load"})


def allowed_here(args: list[str], allowed: set[str], backend: str) -> set[str]:
    if backend == "postgres" and set(args[:2]) in SUPERUSER:
        return ALL
    return allowed


@pytest.fixture
def setup(db, books, cfg, tmp_path):
    boss = add_user("boss", Role.ADMINISTRATOR, by=None)
    add_user("other", Role.OPERATOR, by=boss)
    card = register_card(individual_card(), boss, today=dt.date(2025, 3, 1))
    (tmp_path / "p.csv").write_text("ref,surname,name,patronymic,birth_date,sex,iin\n"
                                    "R1,Ахметов,Ерлан,,1979-10-28,1,\n", encoding="utf-8")
    return boss, card


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_through_the_cli(setup, cfg, capsys, tmp_path, backend, role: str) -> None:
    boss, card = setup
    add_user("me", role, by=boss, os_account_name=os_account())
    for args, allowed in COMMANDS:
        allowed = allowed_here(args, allowed, backend)
        argv = [a.format(card=card.id, tmp=tmp_path) for a in args]
        code, _, err = run(cfg, argv, capsys)
        if role in allowed:
            assert REFUSED not in err, (role, argv, err)
        else:
            assert code == 1 and REFUSED in one_line(err), (role, argv, err)
    card = Card.get_by_id(card.id)
    if role == "administrator":
        assert card.status != "registered"
    else:
        assert card.status == "registered" and card.version == 1
        assert User.get(User.login == "other").role == "operator"
        assert not User.select().where(User.login == "newbie").exists()


def test_an_unregistered_account_gets_one_line(setup, cfg, capsys, tmp_path, backend) -> None:
    _, card = setup
    for args, allowed in COMMANDS:
        if allowed_here(args, allowed, backend) is ALL and allowed is not ALL:
            continue
        argv = [a.format(card=card.id, tmp=tmp_path) for a in args]
        code, out, err = run(cfg, argv, capsys)
        assert code == 1 and "не зарегистрирован в apcard" in one_line(err), (argv, err)


def test_environment_cannot_make_another_account_act(setup, cfg) -> None:
    """The administrator's OS account is `boss`; this process runs as another account
    that sets LOGNAME/USER to `boss`: nothing changes who it is."""
    User.update(os_account="boss").where(User.login == "boss").execute()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOGNAME": "boss", "USER": "boss",
           "USERNAME": "boss", "SUDO_USER": "boss", "APCARD_USER": "boss"}
    code = (f"import sys; from tui.cli import main; sys.exit(main(['--config', "
            f"{str(cfg.path)!r}, 'user', 'add', 'intruder', '--role', 'administrator']))")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 1
    assert f"«{os_account()}» не зарегистрирован" in res.stderr
    assert not User.select().where(User.login == "intruder").exists()


# --- the model functions ----------------------------------------------------------------

PERSON = {"surname": "Касымов", "given_name": "Ерлан", "birth_date": dt.date(1985, 3, 12),
          "sex": "1"}


def test_person_writers_ask_the_permission_table(db) -> None:
    boss = add_user("boss", Role.ADMINISTRATOR, by=None)
    op = add_user("op", Role.OPERATOR, by=boss)
    auditor = add_user("aud", Role.AUDITOR, by=boss)
    person = create_person(PERSON, op)  # an operator registers a new person
    create_legal_entity({"legal_name": "ТОО «Береке»", "bin": "940140000385"}, op)
    changed = {**PERSON, "surname": "Қасымов"}
    for user in (auditor, None, User(login="x", role="administrator", active=False)):
        for write in (lambda u: create_person(PERSON, u),
                      lambda u: create_legal_entity({"legal_name": "ТОО «А»"}, u),
                      lambda u: link_same_person(person, PERSON, u)):
            with pytest.raises(PermissionDenied):
                write(user)
    for user in (op, auditor):  # §38: rewriting a registered person is a correction
        for write in (lambda u: update_identification(person, {"surname": "Қасымов"}, u, "x"),
                      lambda u: link_same_person(person, changed, u, ["surname"], "паспорт"),
                      lambda u: take(Decision(person_id=person.id, correct=("surname",)),
                                     changed, u)):
            with pytest.raises(PermissionDenied):
                write(user)
    assert Person.get_by_id(person.id).surname == "Касымов"
    assert link_same_person(person, changed, op) == []  # linking alone is the operator's
    assert take(Decision(person_id=person.id), changed, op)[0].id == person.id
    link_same_person(person, changed, boss, ["surname"], "паспорт")
    assert Person.get_by_id(person.id).surname == "Қасымов"


def test_card_writers_refuse_the_auditor(db, books) -> None:
    boss = add_user("boss", Role.ADMINISTRATOR, by=None)
    auditor = add_user("aud", Role.AUDITOR, by=boss)
    with pytest.raises(PermissionDenied):
        register_card(individual_card(), auditor, today=dt.date(2025, 3, 1))
    assert Card.select().count() == Person.select().count() == 0
    assert auth.list_users(auditor)  # reading users is the auditor's
