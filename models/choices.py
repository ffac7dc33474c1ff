"""What a coded card field may hold, given the rest of the card: the directories the
entry screen opens, the names it shows beside codes, and what a pick writes.

The one place that knows the directories depend on each other: an article's parts
and paragraphs live in the `article_part` book under the article; the penalties
directory is limited to what the article part allows (§34-1: the seed's art. 423
example) and to main or additional placement (Art. 42).
"""

from __future__ import annotations

from typing import Any

from models import codebook
from models.card_schema import FIELDS
from models.codebook import Entry
from models.i18n import T
from models.validation import card_date, expected_fines

PART_BOOK = "article_part"
# Penalty fields and their placement (Art. 42): line 11.1 main, line 11.2 additional.
PLACEMENT = {"main_penalty": "main", "extra_penalty": "additional"}
QUALIFICATION = ("article", "part", "paragraph")
PROPOSED = ("main_penalty", "fine_imposed")  # offered their one answer (proposal)


def has_directory(name: str) -> bool:
    return FIELDS[name].codebook is not None or name == "paragraph"


def book_title(name: str) -> str | None:
    return FIELDS[name].codebook if name != "paragraph" else PART_BOOK


def directory(name: str, values: dict[str, Any], text: str = "",
              full: bool = False) -> list[Entry]:
    """Entries for the field's directory, filtered by `text` (code prefix or a piece of
    the kk/ru name, Kazakh letters typed as Russian ones match). Not `full`: only what
    the card allows (valid on the card's date, parts of the chosen article, penalties
    of the chosen article part); `full`: the whole book."""
    book = book_title(name)
    if book is None:
        return []
    on = None if full else card_date(values)
    if book == PART_BOOK:
        article = values.get("article")
        if full or not article:
            return codebook.search(PART_BOOK, text, on)
        return codebook.search(PART_BOOK, text, on, parent=article)
    found = codebook.search(book, text, on)
    if not full and name in PLACEMENT and values.get("article"):
        allowed = {e.code for e in codebook.penalties_for(
            values["article"], values.get("part"), values.get("paragraph"), on,
            PLACEMENT[name])}
        found = [e for e in found if e.code in allowed]
    elif not full and name in PLACEMENT:
        found = [e for e in found if e.data.get("placement") in (PLACEMENT[name], "either")]
    return found


def known(name: str, values: dict[str, Any]) -> bool:
    """Whether the code in field `name` is one its codebook holds on the card's date (an
    article part: under the card's article). True for an empty field or one without a
    codebook."""
    book, code = FIELDS[name].codebook, values.get(name)
    if not book or not code:
        return True
    on = card_date(values)
    if book == PART_BOOK:
        article = values.get("article")
        return not article or codebook.article_part(article, str(code),
                                                    values.get("paragraph"), on) is not None
    return codebook.resolve(book, str(code), on) is not None


def current_code(name: str, values: dict[str, Any]) -> str:
    """The directory entry the field's value stands for (an article part: "592/02")."""
    if book_title(name) == PART_BOOK and values.get("article"):
        return codebook.part_code(values["article"], values.get("part"), values.get("paragraph"))
    value = values.get(name)
    return str(value) if value else ""


def picked(name: str, entry: Entry) -> dict[str, str]:
    """Field texts a directory pick writes: a code, or for an article part the article,
    part and paragraph it names ("592/02/01")."""
    if entry.book != PART_BOOK:
        return {name: entry.code}
    article, _, rest = entry.code.partition("/")
    part, _, paragraph = rest.partition("/")
    return {"article": article, "part": part, "paragraph": paragraph}


def describe(names: tuple[str, ...], values: dict[str, Any]) -> T | None:
    """The name to show beside a card line's codes: the most specific one known
    (for line 9 the article part's sanction if known, else the article's title)."""
    on = card_date(values)
    if any(n in QUALIFICATION for n in names) and values.get("article"):
        article = values["article"]
        if values.get("part") or values.get("paragraph"):
            entry = codebook.article_part(article, values.get("part"),
                                          values.get("paragraph"), on)
            if entry is not None:
                return entry.name
        entry = codebook.resolve("article", article, on)
        return entry.name if entry else None
    for name in reversed(names):
        f = FIELDS[name]
        code = values.get(name)
        if f.codebook and code:
            entry = codebook.resolve(f.codebook, str(code), on)
            if entry is not None:
                return entry.name
    return None


def proposal(name: str, values: dict[str, Any]) -> str | None:
    """The text an empty field is offered when the operator comes to it and the card
    leaves one answer: line 11.1, the one main penalty the article part allows; line 12,
    the one fine it fixes for this offender (at the MRP of the day the case was opened).
    None otherwise (several answers, the article not known, a field already filled)."""
    if values.get(name) not in (None, ""):
        return None
    if name == "main_penalty" and values.get("article"):
        only = directory(name, values)
        return only[0].code if len(only) == 1 else None
    if name == "fine_imposed" and "02" in (values.get("main_penalty"),
                                          values.get("extra_penalty")):
        amounts = expected_fines(values, card_date(values))
        return str(amounts[0]) if len(amounts) == 1 else None
    return None
