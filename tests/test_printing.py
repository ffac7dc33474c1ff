"""Printouts: the card as on paper (Appendix 1) at 80 and 132 columns and as HTML; the
renderers' guarantees (width, escaping, no control characters, tables split in parts)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from models.auth import add_user
from models.cards import register_card
from models.printing import render
from models.printing.card import card_document
from models.printing.document import Column, Document, Fields, Item, Para, Stamp, Table
from models.tables import Card, Role
from tests.golden_files import check_golden
from tests.test_validation import individual_card, legal_card

AT = dt.datetime(2025, 3, 5, 10, 30)


@pytest.fixture
def backend() -> str:
    """The text does not depend on the engine: SQLite only (fixed card numbers)."""
    return "sqlite"


@pytest.fixture
def cards(db, books):
    admin = add_user("boss", Role.ADMINISTRATOR, by=None)
    one = register_card(individual_card(), admin, today=dt.date(2025, 3, 1))
    two = register_card(legal_card(), admin, today=dt.date(2025, 3, 1))
    return one, two


def widest(text: str) -> int:
    return max(len(x) for x in text.splitlines())


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("width", [80, 132])
def test_card_printout_as_on_paper(cards, lang: str, width: int) -> None:
    text = render(card_document(cards[0], lang, "boss", AT), "text", width)
    check_golden(f"card-individual-{lang}-{width}.txt", text)
    assert widest(text) <= width
    # every line of the paper card, with its number, in the paper's order
    numbers = re.findall(r"(?m)^(\d+(?:[.-]\d+)?) ", text)
    assert numbers[:5] == ["1", "2", "3", "4", "4-1"] and numbers[-1] == "21"


def test_legal_entity_card_printout(cards) -> None:
    text = render(card_document(cards[1], "ru", "boss", AT), "text", 80)
    check_golden("card-legal-ru-80.txt", text)
    assert "ТОО «Алма-Транс»" in text and "940140000385" in text


def test_card_html_is_self_contained_and_escaped(cards) -> None:
    card = Card.get_by_id(cards[0].id)
    card.workplace = '<script>alert("x")</script> & Co'
    html = render(card_document(card, "ru", "boss", AT), "html")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert "@page { size: A4 portrait" in html
    assert not re.search(r"(src|href)=", html)  # nothing fetched from outside
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def _doc(*blocks) -> Document:
    return Document("test", "Тест", "ru", tuple(blocks))


def test_no_control_character_reaches_a_printer() -> None:
    doc = _doc(Para("a\x1b[2Jb\x07c"), Fields((Item("x\x9b", "y\u202ez", "1"),)),
               Stamp(("\x1b]0;t\x07",)))
    for out in (render(doc, "text"), render(doc, "html")):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", out)


def test_wide_table_is_printed_in_parts_repeating_the_first_column() -> None:
    cols = tuple(Column(f"col {i}", 20, 8) for i in range(1, 11))
    rows = (tuple(f"r1c{i}" for i in range(1, 11)),)
    text = render(_doc(Table(cols, rows, numbers=True)), "text", 80)
    assert widest(text) <= 80
    assert "Продолжение таблицы" in text
    assert text.count("r1c1 ") + text.count("r1c1|") >= 2  # the first column in each part
    assert all(f"r1c{i}" in text for i in range(1, 11))
    wide = render(_doc(Table(cols[:6], (rows[0][:6],))), "text", 132)
    assert "Продолжение" not in wide and widest(wide) == 132


def test_text_width_is_80_or_132() -> None:
    with pytest.raises(ValueError):
        render(_doc(Para("x")), "text", 100)


def test_a_narrow_cell_cuts_words_at_a_syllable_and_keeps_amounts_whole() -> None:
    from models.printing.text import wrap

    assert wrap("Административный штраф; 1 297 500 тг", 13) == [
        "Администрати-", "вный штраф;", "1 297 500 тг"]
    assert wrap("индивидуального", 13) == ["индивидуаль-", "ного"]
    assert all(len(x) <= 5 for x in wrap("0123456789 правонарушения", 5))
