"""Name normalisation rules of duplicate matching: one test per rule, pure functions (no database)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from models.matching import legal_keys, person_keys
from models.matching.normalize import (
    basic,
    fix_homoglyphs,
    legal_name_key,
    patronymic_stem,
    skeleton,
)

TRANSLIT = Path(__file__).resolve().parent.parent / "models" / "matching" / "translit.csv"


def test_nfc_decomposed_letters_give_the_same_key() -> None:
    decomposed = unicodedata.normalize("NFD", "Йолдасбай Семёнов")
    assert decomposed != "Йолдасбай Семёнов"
    assert skeleton(decomposed) == skeleton("Йолдасбай Семёнов")
    assert basic(decomposed) == "йолдасбай семенов"


def test_case_and_whitespace_do_not_matter() -> None:
    assert skeleton("  ҚАСЫМОВ \t") == skeleton("қасымов") == skeleton("Қасымов")
    assert basic("  Ахметов   Ерлан ") == "ахметов ерлан"


def test_hyphens_and_spaces_inside_a_name_are_ignored() -> None:
    assert skeleton("Мухамед-Али") == skeleton("Мухамед Али") == skeleton("МухамедАли")
    assert skeleton("Мухамед\u2013Али") == skeleton("Мухамед-Али")  # en dash pasted


def test_yo_is_e() -> None:
    assert basic("Семёнов") == "семенов"
    assert skeleton("Королёв") == skeleton("Королев")


@pytest.mark.parametrize("latin_in_cyrillic, cyrillic", [
    ("Aхметов", "Ахметов"),  # Latin A
    ("Сeрик", "Серик"),  # Latin e
    ("ПOПOB", "ПОПОВ"),  # Latin O and B
    ("Kacымов", "Касымов"),  # Latin K, a, c
    ("Нуpлан", "Нурлан"),  # Latin p reads as Р, not P
])
def test_latin_look_alikes_inside_a_cyrillic_word_are_folded(latin_in_cyrillic: str,
                                                              cyrillic: str) -> None:
    assert fix_homoglyphs(latin_in_cyrillic) == cyrillic
    assert skeleton(latin_in_cyrillic) == skeleton(cyrillic)


def test_cyrillic_look_alikes_inside_a_latin_word_are_folded() -> None:
    assert fix_homoglyphs("Kаsymоv") == "Kasymov"  # Cyrillic а and о
    assert fix_homoglyphs("Pavel") == "Pavel"  # a Latin word stays Latin


@pytest.mark.parametrize("kazakh, russian", [
    ("ә", "а"), ("ғ", "г"), ("қ", "к"), ("ң", "н"), ("ө", "о"), ("ұ", "у"), ("ү", "у"),
    ("һ", "х"), ("і", "и"),
])
def test_each_kazakh_letter_folds_to_its_russian_counterpart(kazakh: str, russian: str) -> None:
    assert skeleton(f"Б{kazakh}лов") == skeleton(f"Б{russian}лов")
    assert skeleton(f"Б{kazakh.upper()}ЛОВ") == skeleton(f"Б{russian}лов")


def _translit_rows() -> list[dict[str, str]]:
    with open(TRANSLIT, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", [r for r in _translit_rows() if r["same_key"] == "yes"],
                         ids=lambda r: r["spelling"])
def test_observed_spellings_of_a_surname_share_its_key(row: dict[str, str]) -> None:
    assert skeleton(row["spelling"]) == skeleton(row["kk_name"])


def test_a_loose_variant_is_not_forced_onto_the_key() -> None:
    loose = [r for r in _translit_rows() if r["same_key"] == "loose"]
    assert loose, "translit.csv lists loose variants (Utegen for Өтеген)"
    for r in loose:
        assert skeleton(r["spelling"]) != skeleton(r["kk_name"])


@pytest.mark.parametrize("latin, cyrillic", [
    ("Zhanna", "Жанна"), ("Khamit", "Хамит"), ("Shynar", "Шынар"), ("Chernov", "Чернов"),
    ("Tsoy", "Цой"), ("Yuldashev", "Юлдашев"), ("Yakovlev", "Яковлев"), ("Qanat", "Қанат"),
    ("Ğabit", "Ғабит"), ("Kassymov", "Касымов"), ("Şynar", "Шынар"), ("Nūrlan", "Нұрлан"),
    ("Victor", "Виктор"), ("Aleksandr", "Александр"), ("Alexandr", "Александр"),
    ("Äliya", "Әлия"), ("Jūmabaev", "Жұмабаев"), ("Yerlan", "Ерлан"), ("Ghalym", "Ғалым"),
])
def test_latin_spellings_fold_to_the_cyrillic_key(latin: str, cyrillic: str) -> None:
    assert skeleton(latin) == skeleton(cyrillic)


def test_different_names_keep_different_keys() -> None:
    assert skeleton("Касымов") != skeleton("Касымова")  # sister, not a spelling
    assert skeleton("Иванов") != skeleton("Иванова")
    assert skeleton("Ахметов") != skeleton("Ахмедов")


@pytest.mark.parametrize("form", ["Нұрланұлы", "Нурланулы", "Нурланович", "Nurlanovich",
                                  "Nurlanuly", "Нұрлан ұлы", "Нурланқызы", "Нурлан кызы",
                                  "Nurlanqyzy", "Нурлановна", "Nurlanovna", "НУРЛАНОВИЧ"])
def test_patronymic_is_compared_by_the_fathers_name(form: str) -> None:
    assert patronymic_stem(form) == patronymic_stem("Нұрланұлы") == "nurlan"


def test_patronymics_with_soft_endings() -> None:
    assert patronymic_stem("Сергеевич") == patronymic_stem("Сергейұлы") \
        == patronymic_stem("Сергеевна")
    assert patronymic_stem("Николаевич") == patronymic_stem("Николайқызы")
    assert patronymic_stem("Никитична") == patronymic_stem("Никитич")
    assert patronymic_stem("Серикович") != patronymic_stem("Сергеевич")


@pytest.mark.parametrize("name", [
    "ТОО «Береке-2005»", '"Береке 2005" ЖШС', "Береке-2005 LLP",
    'Товарищество с ограниченной ответственностью "Береке-2005"',
    "«Береке-2005» жауапкершілігі шектеулі серіктестігі", "too 'BEREKE 2005'",
])
def test_legal_names_without_form_words_and_quotes(name: str) -> None:
    assert legal_name_key(name) == "bereke2005"


def test_legal_forms_of_other_kinds() -> None:
    assert legal_name_key("АО «Қазақтелеком»") == legal_name_key("Kazaktelecom JSC")
    assert legal_name_key("ИП Ахметов") == legal_name_key("Ахметов ЖК")
    assert legal_name_key("ТОО") == "to"  # only a form word: kept rather than empty


def test_keys_dict_holds_the_indexed_columns() -> None:
    import datetime as dt

    keys = person_keys("Қасымов", "Нұрлан", "Серікұлы", dt.date(1985, 3, 12))
    assert keys == {"surname_key": "kasim", "name_key": "nurlan", "patronymic_key": "serik",
                    "birth_year": 1985, "birth_md": 312}
    assert person_keys("Иванов", "Иван", "", None)["birth_year"] is None
    assert person_keys("Иванов", "Иван", "", "1980-01-02")["birth_md"] == 102
    assert legal_keys("ТОО «Береке»") == {"name_key": "bereke", "name_rkey": "ekereb",
                                         "name_skey": "bereke"}
    assert legal_keys("ТОО «Строй Береке-2005»") == {
        "name_key": "stroibereke2005", "name_rkey": "5002ekerebiorts",
        "name_skey": "2005 bereke stroi"}


def test_a_name_typed_on_the_latin_layout_is_read_as_meant() -> None:
    from models.matching.layout import wrong_layout

    assert wrong_layout("Rhfdxtyrj") == "Кравченко"
    assert wrong_layout("F,fq D.") == "Абай В."  # the initial keeps its full stop
    assert wrong_layout("Yehkfy-Ctyz") == "Нурлан-Сеня"
    assert wrong_layout("Иванов") is None and wrong_layout("") is None
    assert wrong_layout("Kassymov") == "Лфыыньщм"  # a Latin spelling: the search tries both
