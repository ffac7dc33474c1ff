"""Fuzzing what reaches the register: random unicode of every category (controls,
format and invisible characters, surrogates, private use, unassigned code points, other
scripts' digits), huge strings and values of the wrong Python type, fed to
register_card, correct_card and find_cards on SQLite and PostgreSQL, to `apcard persons
import` and to the command line's arguments.

Each asserts the same two things: nothing raises but the documented refusals
(CardRefused, CorrectionRefused; a one-line error and exit code from the CLI), and
whatever was stored passes the rules (models.field_values.clean_value gives it back
unchanged and without an error; the card has no error).

Under CI the examples are derandomized (the same every run); locally each run draws new
ones. Hypothesis prints the failing example, smallest first.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models.card_schema import FIELDS, Kind
from models.cards import CardRefused, find_cards, register_card
from models.corrections import CorrectionRefused, correct_card
from models.field_values import clean_value, errors
from models.persons import PERSON_COLUMNS
from models.tables import Card, Person, User, card_values
from models.text import clean, find_control
from models.validation import validate_card
from tests.conftest import in_ci
from tests.test_corrections import ADMIN_DAY, make_card, people  # noqa: F401
from tests.test_validation import TODAY, individual_card, legal_card

FUZZ = settings(max_examples=int(os.environ.get("APCARD_FUZZ_EXAMPLES", "60")), deadline=None,
                database=None, derandomize=in_ci(),
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# --- what is thrown at the register ---------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # every category, surrogates included
NASTY_CHARS = st.sampled_from(["\x00", "\x1b", "\x1b[2J", "\x9b", "\u200b", "\u202e", "\u2060",
                               "\u061c", "\u00ad", "\ufeff", "\U000e0041", "\ue000",
                               "\U000f0000", "\u0378", "\udc80", "\u2028", "\u2029", "\t",
                               "\n", "７", "٣", "²", "½", "\u0301", "\u00a0", "\u3000"])
TEXT = st.text(alphabet=ANY_CHAR, max_size=40)
HUGE = st.builds(lambda s, n: (s or "Қ") * n, st.text(alphabet=ANY_CHAR, max_size=3),
                 st.integers(200, 60_000))
OTHER_DIGITS = st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1,
                       max_size=14)


def _spliced(valid: str, char: str, where: int) -> str:
    where %= len(valid) + 1
    return valid[:where] + char + valid[where:]


def _other(valid: Any) -> Any:
    """Another value of the same kind, most often valid: a change that may be stored."""
    if isinstance(valid, bool):
        return not valid
    if isinstance(valid, dt.date):
        return valid - dt.timedelta(days=1)
    if isinstance(valid, int):
        return valid + 1
    return f"{valid} Б" if not str(valid).isdigit() else str(valid)


def _near(valid: Any) -> st.SearchStrategy[Any]:
    """Variations of a valid value: padded, decomposed, changed, with an odd character."""
    text = valid.strftime("%d.%m.%Y") if isinstance(valid, dt.date) else str(valid)
    return st.one_of(
        st.just(f"  {text}\u00a0"), st.just(_other(valid)),
        st.just(unicodedata.normalize("NFD", f" {_other(valid)} ")),
        st.just(text.upper()),
        st.builds(_spliced, st.just(text), st.one_of(NASTY_CHARS, ANY_CHAR),
                  st.integers(0, 300)))


WRONG_TYPES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(),
    st.binary(max_size=12), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1), st.just(object()))


def nasty(valid: Any) -> st.SearchStrategy[Any]:
    near = _near(valid)
    return st.one_of(near, TEXT, near, HUGE, near, OTHER_DIGITS, WRONG_TYPES)


@st.composite
def cards(draw: st.DrawFn) -> dict[str, Any]:
    """A valid card with a few of its fields replaced by something nasty."""
    base = draw(st.sampled_from([individual_card, legal_card]))()
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=4,
                              unique=True)):
        base[name] = draw(nasty(base.get(name) or "Қасымов"))
    return base


# --- what was stored must pass the rules -----------------------------------------------------

def assert_clean_text(text: str, longest: int) -> None:
    assert find_control(text) is None, ascii(text)
    assert text == clean(text), ascii(text)
    assert len(text) <= longest


def assert_stored_card_passes(card_id: int) -> None:
    values = card_values(Card.get_by_id(card_id))
    for name, f in FIELDS.items():
        value = values[name]
        again, issues = clean_value(f, value, TODAY)
        assert not errors(issues), (name, ascii(value), issues)
        assert again == value, (name, ascii(value))
        if isinstance(value, str):
            assert_clean_text(value, f.length)
            if f.kind not in (Kind.TEXT, Kind.CODE):
                assert value.isascii(), (name, ascii(value))
    assert not errors(validate_card(values, ADMIN_DAY)), values


def assert_persons_pass() -> None:
    for person in Person.select():
        for column in PERSON_COLUMNS.values():
            value = getattr(person, column)
            if isinstance(value, str):
                assert_clean_text(value, 200)
        assert person.iin is None or (person.iin.isascii() and person.iin.isdigit())


# --- the model functions, on both databases ------------------------------------------------------

@pytest.fixture
def operator(db) -> User:
    return User.create(login="fuzz", full_name="Fuzz", role="operator")


@FUZZ
@given(values=cards())
def test_register_card_fuzz(values: dict[str, Any], books, operator: User) -> None:
    try:
        card = register_card(values, operator, today=TODAY)
    except CardRefused as exc:
        assert errors(exc.issues)
        event("refused")
        return
    event("stored")
    assert_stored_card_passes(card.id)
    assert_persons_pass()


BASE = individual_card()
CHANGE = st.sampled_from(sorted(FIELDS)).flatmap(
    lambda n: st.tuples(st.just(n), nasty(BASE.get(n) or "Петров")))


@FUZZ
@given(changes=st.lists(CHANGE, min_size=1, max_size=2).map(dict),
       reason=st.one_of(st.just("опечатка"), st.just(" опечатка\u00a0"), TEXT, HUGE))
def test_correct_card_fuzz(changes: dict[str, Any], reason: str, people) -> None:  # noqa: F811
    card = Card.select().order_by(Card.id).first() or make_card(people["operator"])
    try:
        correct_card(card.id, changes, people["administrator"], "04", reason,
                     expected_version=card.version, today=ADMIN_DAY)
    except CorrectionRefused:
        assert Card.get_by_id(card.id).version == card.version
        event("refused")
        return
    event("stored")
    assert_stored_card_passes(card.id)
    assert_persons_pass()


SEARCH_TEXT = st.one_of(st.none(), TEXT, HUGE, OTHER_DIGITS, WRONG_TYPES)


@FUZZ
@given(iin=SEARCH_TEXT, surname=SEARCH_TEXT, protocol_no=SEARCH_TEXT, journal_no=SEARCH_TEXT,
       date_from=st.one_of(st.none(), st.dates(), TEXT, st.integers()))
def test_find_cards_fuzz(iin: Any, surname: Any, protocol_no: Any, journal_no: Any,
                         date_from: Any, books, operator: User) -> None:
    if not Card.select().exists():
        register_card(individual_card(), operator, today=TODAY)
    found = find_cards(iin=iin, surname=surname, protocol_no=protocol_no,
                       journal_no=journal_no, date_from=date_from)
    assert isinstance(found, list)


# --- the command line -------------------------------------------------------------------------------

CSV_CELL = st.one_of(TEXT, OTHER_DIGITS, st.sampled_from(["", "Қасымов", "791028302728",
                                                          "1979-10-28", "1", "2"]),
                     st.builds(_spliced, st.just("791028302728"), NASTY_CHARS,
                               st.integers(0, 12)))


def _csv_line(cells: list[str]) -> str:
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells)


@pytest.mark.parametrize("backend", ["sqlite"])
@FUZZ
@given(rows=st.lists(st.lists(CSV_CELL, min_size=5, max_size=8), max_size=6),
       junk=st.binary(max_size=40))
def test_persons_import_fuzz(rows: list[list[str]], junk: bytes, backend: str, tmp_path: Path, cfg,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    header = "ref,surname,name,patronymic,birth_date,sex,iin"
    lines = [header] + [_csv_line([f"r{i}", *row[:6]] + [""] * (6 - len(row[:6])))
                        for i, row in enumerate(rows)]
    path = tmp_path / "people.csv"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n" + junk)
    code = main(["--config", str(cfg.path), "persons", "import", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "unexpected error" not in err and "Traceback" not in err, err
    assert all(find_control(line) is None for line in (out + err).splitlines()), ascii(err)
    assert_persons_pass()
SAFE_COMMANDS = (["db", "version"], ["db", "upgrade"], ["init"], ["persons", "search"],
                 ["persons", "import"], ["codebooks", "show"], ["codebooks", "check"],
                 ["card", "status"], ["card", "returned"], ["card", "remove"],
                 ["audit", "verify"], ["user", "list"])
ARG = st.one_of(TEXT, HUGE, OTHER_DIGITS,
                st.sampled_from(["--db", "--lang", "--config", "--surname", "--iin", "--limit",
                                 "--batch", "--json", "kk", "ru", "xx", "-h", "--version",
                                 "authority", "06", "1", "0", "-1", "999999999999999999999"]))


@pytest.mark.parametrize("backend", ["sqlite"])
@FUZZ
@given(command=st.sampled_from(SAFE_COMMANDS), args=st.lists(ARG, max_size=5))
def test_command_line_arguments_fuzz(command: list[str], args: list[str], backend: str, cfg,
                                     books,
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Random arguments after a command that writes no file outside the database (the
    card screen, `demo`, exports and password prompts are not drawn)."""
    from tui.cli import main

    monkeypatch.chdir(tmp_path)
    args = [a for a in args if a != "--db"]  # a random --db would open random paths
    code = main(["--config", str(cfg.path), *command, *args])
    out, err = capsys.readouterr()
    assert isinstance(code, int) and code in (0, 1, 2), (code, err)
    assert "unexpected error" not in err and "Traceback" not in err, err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
