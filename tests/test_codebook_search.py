"""What the F3 directories find for what operators type: the names on paper cards and
in speech (keywords), Kazakh letters typed as Russian look-alikes, ё as е, the Latin
layout left on, words in any order and only their beginnings. Each query's expected
first entry is the one an operator means."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from codebooks import keywords as kw
from codebooks.loader import read_all
from models import codebook
from models.codebook_match import Query, Tier, relayout, texts, tier
from models.text import fold

# (book, typed, the entry the operator means: first in the list)
QUERIES = [
    ("legal_form", "тоо", "4"),  # line 15: the abbreviation in the firm's own name
    ("legal_form", "ЖШС", "4"),
    ("legal_form", "ао", "3"),
    ("legal_form", "гу", "2"),
    ("legal_form", "ип", "7"),
    ("document", "права", "5"),
    ("document", "удо", "2"),
    ("document", "ВНЖ", "3"),
    ("citizenship", "рк", "1"),
    ("citizenship", "Ресей", "2"),
    ("intoxication", "пьян", "1"),
    ("guilt", "неостор", "2"),
    ("authority", "пожар", "686"),  # line 1: the trial's query, in no authority's name
    ("authority", "пожарные", "686"),
    ("authority", "МЧС", "686"),
    ("authority", "чс", "686"),
    ("authority", "өрт", "686"),
    ("authority", "орт сондиру", "686"),  # Kazakh letters typed as Russian ones
    ("authority", "ТЖМ", "686"),
    ("authority", "гражд защ", "686"),  # word beginnings
    ("authority", "защ гражд", "686"),  # in any order
    ("authority", "полиция", "685"),
    ("authority", "gjkbwbz", "685"),  # the Latin layout left on
    ("authority", "МВД", "685"),
    ("authority", "ОВД", "685"),
    ("authority", "ИВД", "685"),
    ("authority", "ПМ", "685"),
    ("authority", "ішкі істер", "685"),
    ("authority", "ишки истер", "685"),
    ("authority", "iшкi icтер", "685"),  # Latin i and c inside Cyrillic words
    ("authority", "налоговая", "720"),
    ("authority", "налог", "720"),
    ("authority", "КГД", "720"),
    ("authority", "МКД", "720"),
    ("authority", "салык", "720"),
    ("authority", "таможня", "720"),
    ("authority", "кеден", "720"),
    ("authority", "санэпид", "701"),
    ("authority", "СЭС", "701"),
    ("authority", "акимат", "729"),
    ("authority", "әкімдік", "729"),
    ("authority", "әкім", "729"),  # before 682, whose Kazakh name starts "Әкімшілік"
    ("authority", "суд", "684"),
    ("authority", "сот", "684"),
    ("authority", "транспорт", "691"),
    ("authority", "экология", "697"),
    ("authority", "экол", "697"),
    ("authority", "КНБ", "726"),
    ("authority", "шекара", "726"),
    ("authority", "ЗАГС", "695"),
    ("authority", "ГАСК", "718"),
    ("authority", "рыбнадзор", "709-1"),
    ("authority", "адм прав", "682"),
    ("authority", "счётный", "722-1"),  # ё typed, е in the keyword
    ("authority", "686", "686"),  # a code still goes first
    ("authority", "686-", "686-1"),
    ("kato", "онтустик", "510000000"),  # "Оңтүстік Қазақстан облысы" (KATO 2017)
    ("kato", "шыгыс казак", "630000000"),
    ("kato", "батыс казак", "270000000"),
    ("kato", "ВКО", "630000000"),
    ("kato", "Алма-Ата", "750000000"),
    ("kato", "чимкент", "790000000"),
    ("kato", "семипалатинск", "101010000"),
    ("kato", "г.семей", "101010000"),
    ("subject", "ИП", "04"),
    ("subject", "ТОО", "05"),
    ("subject", "физлицо", "01"),
    ("subject", "таможня", "14"),
    ("subject", "пожарный", "18"),
    ("penalty", "штраф", "02"),
    ("penalty", "айыппул", "02"),
    ("penalty", "лишение прав", "04"),
    ("penalty", "выдворение", "07"),
    ("penalty", "тәркілеу", "09"),
    ("article", "мелкое хулиганство", "434"),
    ("article", "хулиганство мелкое", "434"),
    ("article", "мелк хулиг", "434"),
    ("article", "бұзақылық", "434"),
    ("article", "распитие", "440"),
    ("article", "пьяный водитель", "608"),
    ("article", "мас жүргізуші", "608"),
    ("article", "скорость", "592"),
    ("article", "светофор", "599"),
    ("article", "ремень", "593"),
    ("article", "gfhrjdrf", "597"),  # "парковка" on the Latin layout
    ("article", "налог", "269"),
    ("article", "неуплата налогов", "277"),
    ("article", "недекларирование", "551"),
    ("article", "кеден", "549"),
    ("article", "пожарная безопасность", "410"),
    ("article", "санэпид", "425"),
    ("article", "миграция", "517"),
    ("article", "без регистрации", "492"),
    ("article_part", "мелкое хулиганство", "434/01"),  # an article part by its article's words
    ("article_part", "пьяный водитель", "608/01"),
    ("article_part", "592/02", "592/02"),
]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_what_operators_type_finds_what_they_mean(books) -> None:
    day = dt.date(2025, 6, 1)
    wrong = []
    for book, typed, code in QUERIES:
        found = codebook.search(book, typed, None if book == "kato" and code[:2] == "51" else day)
        if not found or found[0].code != code:
            wrong.append((book, typed, code, [e.code for e in found[:3]]))
    assert not wrong


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_nothing_found_stays_nothing(books) -> None:
    for book, typed in (("authority", "гибдд"), ("authority", "qqqq"), ("penalty", "ёлка"),
                        ("authority", "686-9")):
        assert codebook.search(book, typed) == [], typed


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_keywords_rank_after_a_code_and_a_name_start(books) -> None:
    # "суд": the courts' name starts with it; police "суд" nowhere; then the bodies whose
    # names hold a word beginning "суд..." ("судоходство" is a transport keyword).
    found = [e.code for e in codebook.search("authority", "суд")]
    assert found[0] == "684" and "691" in found
    # "полиция": the police's own keyword before the financial police's phrase and the
    # military police's name.
    assert [e.code for e in codebook.search("authority", "полиция")] == ["685", "722-2", "727"]
    # A typed code goes before any entry whose words hold it.
    assert codebook.search("article_part", "434")[0].code == "434/01"
    # An article's parts (F3 on line 9's part): the part's number, with or without the
    # card's leading zero, finds it first.
    for typed in ("02", "2", "03-1"):
        found = codebook.search("article_part", typed, parent="592")
        assert found[0].code == f"592/{typed.zfill(2)}", typed


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_letters_typed_one_by_one_find_what_a_fresh_search_finds(books) -> None:
    # The filter narrows each key's scan to the last hits: typed letter by letter,
    # through the Latin layout too, the lists equal fresh searches.
    for book, word in (("authority", "gjkbwbz"), ("article_part", "мелкое хул"),
                       ("authority", "әкімдік"), ("kato", "g.ctvtq"), ("authority", "-суд"),
                       ("article_part", "608/ ч 3"), ("article_part", "03-1")):
        chain = [[e.code for e in codebook.search(book, word[:n])] for n in range(len(word) + 1)]
        for n, got in enumerate(chain):
            codebook.reload()
            assert got == [e.code for e in codebook.search(book, word[:n])], word[:n]


def test_relayout_reads_latin_keys_on_the_russian_layout() -> None:
    assert relayout("gjkbwbz") == "полиция"
    assert relayout("Ghbdtn,") == "привет,".replace(",", "б")
    assert relayout("ltkf 608") == "дела 608"
    assert relayout("полиция") is None and relayout("608") is None


def test_a_query_folds_kazakh_letters_yo_and_latin_look_alikes() -> None:
    assert Query.of("Өрт  Сөндіру").words == ("орт", "сондиру")
    assert Query.of("Счётный").words == ("счетный",)
    assert Query.of("iшкi").words == ("ишки",)
    assert Query.of("(полиция)").words == ("полиция",)
    t = texts("685", "Ішкі істер органдары (полиция)", "Органы внутренних дел (полиция)",
              "685 ишки истер органдары (полиция) органы внутренних дел (полиция) | мвд; овд",
              "")
    assert tier(t, Query.of("мвд")) is Tier.KEYWORD
    assert tier(t, Query.of("ишк")) is Tier.NAME_START
    assert tier(t, Query.of("ишки истер органдары")) is Tier.NAME
    assert tier(t, Query.of("внутр дел")) is Tier.WORDS
    assert tier(t, Query.of("нутрен")) is Tier.INSIDE
    assert tier(t, Query.of("68")) is Tier.CODE
    assert tier(t, Query.of("пожар")) is None


FIRE = ("пожар", "пожарные", "пожарная служба", "пожарный надзор", "госпожнадзор", "гпн",
        "гу спс", "противопожарная служба", "чс", "мчс", "дчс", "учс", "очс", "кчс", "кпс",
        "чрезвычайные ситуации", "гражданская оборона", "го", "спасатели", "орт",
        "орт сондиру", "ортке карсы кызмет", "орт кадагалау", "орт сондирушилер", "тжм",
        "тжд", "тжк", "тжб", "тотенше жагдайлар", "азаматтык корганыс", "куткарушылар")


def test_shipped_keywords_check_and_reach_their_entries() -> None:
    rows, faults = read_all()
    assert faults == []
    with_words = {(r.book, r.code) for r in rows if r.keywords}
    authorities = {r.code for r in rows if r.book == "authority"}
    assert {code for book, code in with_words if book == "authority"} == authorities
    assert {"686", "685", "720", "729", "684"} <= authorities
    fire = next(r for r in rows if r.book == "authority" and r.code == "686")
    # stored as a directory's scan reads it (models.codebook_match.stored_key)
    assert fire.search_key.endswith(" | ; " + " ; ".join(FIRE) + " ;")


def test_a_bad_keyword_file_is_reported_by_row(tmp_path: Path) -> None:
    (tmp_path / kw.FILE).write_text(
        "book,code,version,words\n"
        "authority,686,,пожар\n"
        "authority,686,,again\n"
        "authority,999,,nothing\n"
        "authority,685,,\n"
        "authority,684,,a|b\n"
        "authority,729,,ok\x07\n", encoding="utf-8")
    got, faults = kw.read_keywords(tmp_path)
    assert [k.code for k in got] == ["686", "999"]
    assert faults == [
        "keywords.csv:3: authority 686 repeats row 2",
        "keywords.csv:5: no words",
        "keywords.csv:6: words may not hold '|' or '~' (the search key's separators)",
        "keywords.csv:7: words: control character '\\x07' at position 3",
    ]
    rows, _ = read_all()
    assert kw.attach(rows, got) == ["keywords.csv:4: authority has no code '999'"]


def test_the_shipped_books_hold_no_latin_letters() -> None:
    # What a text typed with the Latin layout finds, it finds read on the Russian one:
    # the directory then shows that reading ("gjkbwbz_ = полиция").
    import re

    rows, _ = read_all()
    latin = [(r.book, r.code) for r in rows
             if re.search(r"[A-Za-z]", f"{r.name_kk} {r.name_ru} {r.keywords}")]
    assert latin == []


def test_stored_keys_read_as_the_source_names_and_keywords() -> None:
    """The search key made when the books are loaded (stored_key) gives every shipped
    entry the texts its names and keywords give when made from them at reading."""
    rows, _ = read_all()
    assert len(rows) > 3000
    for r in rows:
        source = fold(f"{r.code} {r.name_kk} {r.name_ru}") + (
            f" | {fold(r.keywords)}" if r.keywords else "")
        stored = texts(r.code, r.name_kk, r.name_ru, r.search_key, "")
        made = texts(r.code, r.name_kk, r.name_ru, source, "")
        assert (stored.key, stored.kk_at, stored.ru_at, stored.kw_at) == (
            made.key, made.kk_at, made.ru_at, made.kw_at), r.where


def test_an_entry_read_equals_the_one_made() -> None:
    import dataclasses

    from models.codebook import Entry
    from models.i18n import T

    values = [f"{f.name}?" for f in dataclasses.fields(Entry) if f.init]
    values[4], values[5], values[6], values[9] = T("а", "б"), dt.date(2020, 1, 1), None, (1, 2, 3)
    read, made = Entry.read(*values), Entry(*values)
    every = [f.name for f in dataclasses.fields(Entry)]
    assert read == made
    assert [getattr(read, f) for f in every] == [getattr(made, f) for f in every]
