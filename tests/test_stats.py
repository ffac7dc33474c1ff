"""Statistics computed by the database: counts and fines by article, body, region,
subject, penalty and period; repeat offenders; bars, CSV and the printout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import stats
from models.cards import register_card
from models.corrections import remove_card
from models.tables import Card
from tests.test_cli import run
from tests.test_exchange import person_card
from tests.test_validation import legal_card
from tests.trust_helpers import set_card

D = dt.date


@pytest.fixture
def register(db, books, cfg):
    from models.auth import add_user, os_account
    from models.tables import Role

    admin = add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())
    persons: dict[int, object] = {}  # person_card(n) is one of three people: n % 3

    def card(n: int, **over):
        made = register_card(person_card(n, **over), admin, person=persons.get(n % 3),
                             today=D(2025, 5, 1))
        persons.setdefault(n % 3, made.person)
        return made

    for n in range(4):
        card(n)
    card(5, journal_date=D(2025, 4, 2), received_date=D(2025, 4, 3), filled_date=D(2025, 4, 3))
    register_card(legal_card(protocol_no="800000001", place="711210000"), admin,
                  today=D(2025, 3, 1))
    # a removed card and a draft do not count; a destroyed one (a tombstone) does
    gone = card(7)
    remove_card(gone.id, admin, "06", "внесена с нарушением", today=D(2025, 3, 2))
    Card.create(**person_card(8), status="draft", created_by=admin)
    tomb = card(9)
    set_card(tomb.id, status="purged", surname=None, given_name=None, patronymic=None,
             birth_date=None, iin=None, address=None, person=None)
    return admin


def test_counts_by_article_region_and_period(register) -> None:
    rows = {r.key: r for r in stats.table("article", D(2025, 1, 1), D(2025, 12, 31))}
    assert rows["592"].cards == 7  # 5 persons' cards + the legal entity's + the tombstone
    assert rows["592"].label.startswith("Превышение")
    assert rows["592"].fine_imposed == 7 * 39320
    q = {r.key: r.cards for r in stats.table("quarter", D(2025, 1, 1), D(2025, 12, 31))}
    assert q == {"2025Q1": 6, "2025Q2": 1}
    m = [r.key for r in stats.table("month", D(2025, 1, 1), D(2025, 12, 31))]
    assert m == ["2025-02", "2025-04"]
    regions = {r.key: r.cards for r in stats.table("region", D(2025, 1, 1), D(2025, 3, 31))}
    assert regions == {"75": 5, "71": 1}
    subjects = {r.key: r.cards for r in stats.table("subject", D(2025, 1, 1), D(2025, 12, 31))}
    assert subjects == {"01": 6, "05": 1}
    total = stats.totals(D(2025, 1, 1), D(2025, 12, 31))
    assert (total.cards, total.fine_imposed) == (7, 7 * 39320)


def test_repeat_offenders(register) -> None:
    rep = stats.repeat_offenders(D(2025, 1, 1), D(2025, 12, 31))
    # Қасымов: cards 0, 3 (9 destroyed); Иванова: 1 (7 removed); Омаров: 2, 5
    assert (rep.persons, rep.cards) == (2, 4)
    assert [n for _, n in rep.top] == [2, 2]
    assert rep.top[0][0].startswith(("Қасымов", "Омаров"))


def test_bars_fit_and_use_console_glyphs() -> None:
    assert stats.bar(10, 10, 8) == "█" * 8
    assert stats.bar(5, 10, 3) == "█▌"
    assert stats.bar(1, 1000, 10) == "▌"  # a non-zero value is never invisible
    assert stats.bar(0, 10, 8) == ""
    assert set("".join(stats.bar(v, 97, 17) for v in range(98))) <= {"█", "▌"}


def test_cli_table_csv_and_html(register, cfg, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(cfg, ["stats", "--by", "article", "--from", "01.01.2025", "--to",
                               "31.12.2025", "--repeat", "--html", str(tmp_path / "s.html")],
                         capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("592") and "█" in line for line in lines)
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "<table>" in html and "█" in html and "Повторные" in html
    code, out, err = run(cfg, ["stats", "--by", "penalty", "--from", "2025-01-01", "--csv"],
                         capsys)
    assert code == 0, err
    assert out.splitlines()[1].startswith("02,") and ",7," in out.splitlines()[1]
    code, _, err = run(cfg, ["stats", "--by", "article", "--from", "32.01.2025"], capsys)
    assert code == 2 and err.count("\n") == 1 and "не дата" in err
    # the session's language: headings, and a refusal
    code, out, err = run(cfg, ["--lang", "kk", "stats", "--by", "article", "--from",
                               "01.01.2025", "--to", "31.12.2025"], capsys)
    assert code == 0 and "Бап" in out and "Статья" not in out, out
    code, _, err = run(cfg, ["--lang", "kk", "stats", "--by", "article", "--from",
                             "02.01.2025", "--to", "01.01.2025"], capsys)
    assert code == 2 and "бұрын" in err
    code, _, err = run(cfg, ["stats", "--by", "colour"], capsys)
    assert code == 2
