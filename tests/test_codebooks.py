"""The project's codebooks: the shipped files check clean, broken files are reported with
file and row, loading is idempotent, and codes resolve against the version in force."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from codebooks import loader, reading
from codebooks.loader import CodebookError, check, load, read_all, read_book
from models import codebook
from models.card_schema import FIELDS
from models.config import Config
from models.tables import CodebookEntry
from tui.cli import main
from tui.cli.codebook_faults import fault_text

D = dt.date


@pytest.fixture(scope="module")
def shipped() -> list[loader.Row]:
    rows, faults = read_all()
    assert faults == []
    return rows


@pytest.fixture
def books(db):
    result = load(db)
    yield result
    codebook.reload()


@pytest.fixture
def files_copy(tmp_path: Path) -> Path:
    """A private copy of the codebook files to break."""
    target = tmp_path / "codebooks"
    shutil.copytree(loader.CODEBOOK_DIR, target,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; `row` is the file's line number (the header is line 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    col = [c.split(":")[0] for c in lines[0]].index(column)
    lines[row - 1][col] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(lines)


def line_of(path: Path, code: str) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        for n, cells in enumerate(csv.reader(fh), 1):
            if cells[0] == code:
                return n
    raise AssertionError(f"{code} not in {path.name}")


# --- the shipped files ---------------------------------------------------------------

def test_shipped_files_check_clean() -> None:
    assert check() == []


def test_counts_of_the_2014_code(shipped: list[loader.Row]) -> None:
    count = Counter((r.book, r.version) for r in shipped)
    assert count[("article", "2014")] == 701
    assert count[("article_part", "2014")] == 1966
    assert count[("kato", "2024")] == 289
    repealed = [r for r in shipped if r.book == "article" and r.data.get("status") == "repealed"]
    assert len(repealed) == 48


def test_every_card_codebook_is_shipped_with_both_names(shipped: list[loader.Row]) -> None:
    books = {r.book for r in shipped}
    assert {f.codebook for f in FIELDS.values() if f.codebook} <= books
    assert {"mrp", "correction_reason"} <= books
    assert all(r.name_kk.strip() and r.name_ru.strip() for r in shipped)


def test_subject_list_follows_paragraph_23(shipped: list[loader.Row]) -> None:
    subj = {r.code: r for r in shipped if r.book == "subject"}
    assert list(subj) == [f"{n:02d}" for n in range(1, len(subj) + 1)]
    assert subj["01"].name_kk == "Жеке тұлға" and subj["01"].data == {
        "subject_kind": "individual", "fine_category": "individual", "group": "subject"}
    assert subj["04"].data["subject_kind"] == "entrepreneur"
    assert subj["04"].data["fine_category"] == "small_business"
    assert {subj[c].data["subject_kind"] for c in ("05", "06", "07")} == {"legal"}
    employees = [r for r in subj.values() if r.data["group"] != "subject"]
    assert len(employees) == 45
    assert {(r.data["subject_kind"], r.data["fine_category"]) for r in employees} == {
        ("individual", "official")}
    assert "иных государственных структур" in subj["52"].name_ru


def test_part_codes_follow_part_code(shipped: list[loader.Row]) -> None:
    parts = {r.code: r for r in shipped if r.book == "article_part" and r.version == "2014"}
    for code, (art, part, para) in {"592/02": ("592", "2", None),
                                    "592/03-1": ("592", "3-1", None),
                                    "517/03/01": ("517", "3", "1"),
                                    "517/03/03": ("517", "3", "3"),
                                    "623//04": ("623", None, "4")}.items():
        assert codebook.part_code(art, part, para) == code
        assert parts[code].parent == art
    assert parts["592/02"].data["penalties"] == ["02"]
    assert parts["592/02"].data["fines"] == {"uncategorised": 10}
    assert parts["592/02"].name_ru.startswith("ст. 592 ч. 2 — влечет штраф")
    assert parts["592/02"].name_kk.startswith("592-бап 2-бөлік")
    articles = {r.code for r in shipped if r.book == "article" and r.version == "2014"}
    no_parts = [r for r in parts.values() if r.code.endswith("/")]
    assert no_parts and all(r.code[:-1] in articles for r in no_parts)


def test_authorities_courts_and_police(shipped: list[loader.Row]) -> None:
    auth = {r.code: r for r in shipped if r.book == "authority"}
    assert auth["684"].data["is_court"] is True
    assert auth["685"].name_ru == "Органы внутренних дел (полиция)"
    assert auth["685"].data["is_court"] is False and "592" in auth["685"].data["articles"]
    assert "683" not in auth  # delimits competence, names no body
    translated = [r for r in auth.values() if r.data["name_kk_status"] == "translated"]
    assert translated and all(r.name_kk != r.name_ru for r in translated)


def test_penalty_codes_placement_and_judge_only(shipped: list[loader.Row]) -> None:
    pen = {r.code: r.data for r in shipped if r.book == "penalty"}
    assert list(pen) == [f"{n:02d}" for n in range(1, 12)]
    assert {c for c, d in pen.items() if d["placement"] == "main"} == {"01", "02", "03", "11"}
    assert {c for c, d in pen.items() if d["placement"] == "additional"} == {"08", "09", "10"}
    assert {c for c, d in pen.items() if d["judge_only"]} >= {"03", "04", "07", "09", "10"}
    assert pen["11"]["extension"] is True and pen["11"]["source_name"] == "public_works"


# --- broken files ---------------------------------------------------------------------

def test_broken_copy_reports_file_and_row(files_copy: Path) -> None:
    edit(files_copy / "sex.csv", 3, "name_kk", "")
    edit(files_copy / "guilt.csv", 3, "code", "1")
    dup = line_of(files_copy / "kato.csv", "110000000")
    edit(files_copy / "kato.csv", dup, "parent", "999000000")
    part = line_of(files_copy / "article_part_2001.csv", "423/")
    edit(files_copy / "article_part_2001.csv", part, "penalties", "02;12")
    edit(files_copy / "mrp.csv", 2, "valid_to", "2015-02-30")
    edit(files_copy / "mrp.csv", 3, "valid_from", "2017-01-01")
    edit(files_copy / "mrp.csv", 4, "tenge", "2 269")
    faults = check(files_copy)
    assert "sex.csv:3: empty name_kk" in faults
    assert any(f.startswith("guilt.csv:3: code '1' repeats guilt.csv:2") for f in faults)
    assert f"kato.csv:{dup}: parent '999000000' is not in book kato version 2024" in faults
    assert (f"article_part_2001.csv:{part}: penalties: '12' is not in codebook penalty"
            in faults)
    assert "mrp.csv:2: valid_to '2015-02-30' is not a date (YYYY-MM-DD)" in faults
    assert "mrp.csv:3: valid_from 2017-01-01 is after valid_to 2016-12-31" in faults
    assert "mrp.csv:4: tenge: '2 269' is not a whole number" in faults
    # the guilt's keywords name the code that is no longer there
    kw = next(n for n, line in enumerate(
        (files_copy / "keywords.csv").read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith("guilt,2,"))
    assert any(f.startswith(f"keywords.csv:{kw}: guilt has no code") for f in faults)
    assert len(faults) == 8, faults
    said_in_english = {"is", "not", "in", "has", "of", "the", "repeats", "empty", "book",
                       "version", "codebook", "whole", "number", "date", "after", "before"}
    for fault in faults:  # `apcard codebooks check` says each in the session's language
        for text in fault_text(fault):
            assert not said_in_english & set(re.findall(r"[A-Za-z]+", text)), text


def test_keyword_faults_are_checked_and_said_in_both_languages(files_copy: Path) -> None:
    with open(files_copy / "keywords.csv", "a", encoding="utf-8") as fh:
        fh.write("authority,999,,nothing\narticle,434,2001,хулиганство\nauthority,686,,пожар\n")
    faults = check(files_copy)
    end = len((files_copy / "keywords.csv").read_text(encoding="utf-8").splitlines()) - 3
    assert faults == [f"keywords.csv:{end + 3}: authority 686 repeats row 5",
                      f"keywords.csv:{end + 1}: authority has no code '999'",
                      f"keywords.csv:{end + 2}: article version 2001 has no code '434'"]
    for fault in faults:
        text = fault_text(fault)
        assert text.kk != fault and text.ru != fault, fault
        assert not re.findall(r"\b(?:has|no|code|repeats|row|version)\b", text.ru), text.ru


def test_penalty_outside_its_validity_is_a_fault(files_copy: Path) -> None:
    row = line_of(files_copy / "article_part_2014.csv", "592/02")
    edit(files_copy / "article_part_2014.csv", row, "penalties", "02;08")  # 08: 2001 Code only
    assert check(files_copy) == [f"article_part_2014.csv:{row}: penalties: penalty '08' is not "
                           "valid while this row is"]


def test_catalog_faults_name_the_entry(files_copy: Path) -> None:
    text = (files_copy / "catalog.toml").read_text(encoding="utf-8")
    (files_copy / "catalog.toml").write_text(text.replace('file = "sex.csv"', 'file = "gone.csv"'),
                                       encoding="utf-8")
    line = text.splitlines().index('file = "sex.csv"')  # the [[codebook]] line above it
    faults = check(files_copy)
    assert f"catalog.toml:{line}: file 'gone.csv' not found" in faults
    assert "catalog.toml:0: codebook 'sex' of card line 14.4 has no data file" in faults
    assert fault_text(f"catalog.toml:{line}: file 'gone.csv' not found").ru == (
        f"catalog.toml:{line}: файл 'gone.csv' не найден")
    assert all(fault_text(f).kk != f for f in faults)  # every one said in Kazakh too


def test_control_characters_and_bad_csv_are_faults(files_copy: Path) -> None:
    edit(files_copy / "document.csv", 2, "name_ru", "Пас\x1b[31mпорт")
    with open(files_copy / "legal_form.csv", "a", encoding="utf-8") as fh:
        fh.write("8,,Тек бір баған\n")
    faults = check(files_copy)
    assert "document.csv:2: name_ru: control character '\\x1b' at position 4" in faults
    assert "legal_form.csv:9: 3 cells, the header has 6" in faults


def test_read_book_gives_file_and_row() -> None:
    rows = read_book("kato")
    acmola = next(r for r in rows if r.code == "110000000")
    assert acmola.file == "kato.csv" and acmola.row == line_of(loader.CODEBOOK_DIR / "kato.csv",
                                                              "110000000")
    assert {r.version for r in rows} == {"2024", "2017"}
    assert loader.book_names()[:2] == ["authority", "kato"]
    with pytest.raises(CodebookError):
        read_book("nosuch")


# --- loading --------------------------------------------------------------------------

def test_load_is_idempotent(db, shipped: list[loader.Row]) -> None:
    first = load(db)
    assert (first.inserted, first.updated, first.unchanged) == (len(shipped), 0, 0)
    second = load(db)
    assert (second.inserted, second.updated, second.unchanged, second.stale) == (
        0, 0, len(shipped), 0)
    assert CodebookEntry.select().count() == len(shipped)
    stored = CodebookEntry.get(book="kato", version="2024", code="471000000")
    assert stored.name_kk == "Ақтау Қ.Ә."
    assert stored.search_key == "471000000 актау к а  актау г а  | ;"  # as a scan reads it


def test_load_updates_changed_rows_only(db, files_copy: Path) -> None:
    load(db, files_copy)
    edit(files_copy / "guilt.csv", 2, "name_ru", "Умысел")
    result = load(db, files_copy)
    assert (result.inserted, result.updated) == (0, 1)
    assert result.books["guilt"].updated == 1 and result.books["guilt"].unchanged == 1
    assert codebook.resolve("guilt", "1").name.ru == "Умысел"


def test_load_refuses_broken_files_and_writes_nothing(db, files_copy: Path) -> None:
    edit(files_copy / "sex.csv", 2, "name_ru", "")
    with pytest.raises(CodebookError) as info:
        load(db, files_copy)
    assert info.value.faults == ["sex.csv:2: empty name_ru"]
    assert CodebookEntry.select().count() == 0


def test_code_resolves_against_version_in_force(books) -> None:
    assert codebook.resolve("article", "423", D(2010, 5, 1)).version == "2001"
    assert codebook.resolve("article", "423", D(2020, 1, 1)).version == "2014"
    assert codebook.resolve("article", "479", D(2010, 5, 1)).version == "2001"
    assert codebook.resolve("article_part", "479/02/01", D(2010, 5, 1)) is not None
    assert codebook.resolve("article_part", "479/02/01", D(2020, 1, 1)) is None
    assert codebook.resolve("kato", "510000000", D(2017, 1, 1)) is not None
    assert codebook.resolve("kato", "510000000", D(2020, 1, 1)) is None
    assert codebook.known("kato", "510000000").valid_to == D(2018, 6, 18)
    assert codebook.resolve("kato", "610000000", D(2017, 1, 1)) is None
    assert codebook.resolve("kato", "610000000", D(2018, 6, 19)) is not None
    assert codebook.resolve("kato", "750000000", D(2010, 1, 1)) is not None
    assert codebook.resolve("penalty", "08", D(2014, 12, 31)) is not None
    assert codebook.resolve("penalty", "08", D(2015, 1, 1)) is None


def test_allowed_penalties_of_article_423_by_seed(books) -> None:
    on = D(2010, 5, 1)
    assert set(codebook.allowed_penalties("423", None, None, on)) == {"02", "09", "05"}
    main = [e.code for e in codebook.penalties_for("423", None, None, on, "main")]
    extra = [e.code for e in codebook.penalties_for("423", None, None, on, "additional")]
    assert "09" not in main and main == ["02", "05"]
    assert extra == ["05", "09"]


def test_data_read_at_once_is_each_entrys_own(books, monkeypatch: pytest.MonkeyPatch) -> None:
    one_by_one = {(e.book, e.version, e.code): e.data for book in ("article_part", "subject")
                  for e in codebook._book(book).rows}
    codebook.reload()
    codebook.read_data("article_part", "subject")
    monkeypatch.setattr(codebook, "_stored_data", None)  # no entry is read on its own now
    at_once = {(e.book, e.version, e.code): e.data for book in ("article_part", "subject")
               for e in codebook._book(book).rows}
    assert at_once == one_by_one and one_by_one[("article_part", "2014", "592/02")][
        "penalties"] == ["02"]


def test_mrp_on_a_date(books) -> None:
    assert codebook.mrp_on(D(2024, 6, 1)) == 3692
    assert codebook.mrp_on(D(2020, 3, 31)) == 2651
    assert codebook.mrp_on(D(2020, 4, 1)) == 2778
    assert codebook.mrp_on(D(2014, 6, 1)) is None


def test_type_to_filter_finds_kazakh_letters_typed_as_russian(books) -> None:
    # "Ақмола облысы" is only the Kazakh name (Russian: "Акмолинская область")
    found = codebook.search("kato", "акмола обл")
    assert found[0].code == "110000000"  # the region itself first ...
    assert all(codebook.lineage(e)[-1].code == "110000000" for e in found[1:])  # its places
    assert [e.code for e in codebook.search("kato", "Ақмола обл")] == [e.code for e in found]
    assert "350000000" in [e.code for e in codebook.search("kato", "караганды облысы")]


def test_filter_typed_letter_by_letter_finds_what_a_fresh_search_finds(books) -> None:
    # A letter typed scans only what the filter matched before it: the same entries, in
    # the same order, as the whole book searched anew (words added, letters taken back,
    # another parent, a code's beginning).
    typed = ["5", "59", "592", "59", "", "д", "до", "дор", "дор ", "дор ж", "дорож", "о",
             "обл", "обл к", "обл ка", "облк"]
    for book, parent in (("article_part", None), ("article_part", "592"), ("kato", None)):
        chain = [[e.code for e in codebook.search(book, text, parent=parent)] for text in typed]
        for text, got in zip(typed, chain, strict=True):
            codebook.reload()
            assert got == [e.code for e in codebook.search(book, text, parent=parent)], text


# --- the command line -----------------------------------------------------------------

def run(cfg: Config, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--config", str(cfg.path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_ok(cfg: Config, shipped: list[loader.Row],
                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(cfg, ["--lang", "ru", "codebooks", "check"], capsys)
    books = len({r.book for r in shipped})
    assert (code, err) == (0, "")
    assert out.strip() == f"{books} справочников, {len(shipped)} записей: OK"


def test_cli_check_lists_faults(cfg: Config, files_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    edit(files_copy / "sex.csv", 3, "name_kk", "")
    edit(files_copy / "measure.csv", 2, "valid_to", "tomorrow")
    monkeypatch.setattr(reading, "CODEBOOK_DIR", files_copy)
    code, out, _ = run(cfg, ["codebooks", "check"], capsys)
    assert code == 1
    assert out.splitlines() == ["measure.csv:2: valid_to 'tomorrow' — не дата (ГГГГ-ММ-ДД)",
                                "sex.csv:3: name_kk пусто"]


def test_cli_load_then_show(cfg: Config, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(cfg, ["--lang", "kk", "codebooks", "load"], capsys)
    assert (code, err) == (0, "")
    assert "article_part" in out and "жаңа" in out
    code, out, _ = run(cfg, ["codebooks", "load"], capsys)
    assert code == 0 and ("новых 0, изменено 0" in out or "жаңа 0, өзгерген 0" in out)
    code, out, err = run(cfg, ["codebooks", "show", "kato", "акмола", "--lang", "kk"], capsys)
    assert (code, err) == (0, "")
    assert "110000000" in out and "Ақмола облысы" in out and "Жазба:" in out
    assert out.index("110000000") < out.index("111000000")  # the region, then its places
    code, out, _ = run(cfg, ["codebooks", "show", "article", "423", "--on", "2010-05-01",
                             "--lang", "ru"], capsys)
    assert code == 0 and "2001" in out and "01.07.2001–31.12.2014" in out
    # The directory's matching: keywords, the Latin layout, a nothing-found hint.
    code, out, _ = run(cfg, ["codebooks", "show", "authority", "пожар", "--lang", "ru"], capsys)
    assert code == 0 and "686" in out and "Записей: 1" in out
    code, out, _ = run(cfg, ["codebooks", "show", "authority", "gjkbwbz", "--lang", "ru"],
                       capsys)
    assert code == 0 and out.index("685") < out.index("727")
    code, out, _ = run(cfg, ["codebooks", "show", "authority", "гибдд", "--lang", "ru"], capsys)
    assert (code, out.strip()) == (0, "Ничего не найдено по «гибдд»: наберите код или "
                                      "другое слово")


def test_cli_show_unknown_book_lists_names(cfg: Config,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(cfg, ["codebooks", "show", "nosuch"], capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "нет справочника 'nosuch'" in lines[0]
    assert "article_part" in lines[0] and "correction_reason" in lines[0]


def test_cli_show_needs_loaded_books_and_a_real_date(cfg: Config,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(cfg, ["codebooks", "show", "sex"], capsys)
    assert code == 1 and "apcard codebooks load" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(cfg, ["codebooks", "show", "mrp", "--on", "2020-13-01"], capsys)
    assert code == 2 and "не дата" in err


def test_cli_load_refuses_broken_files(cfg: Config, files_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    edit(files_copy / "sex.csv", 3, "name_kk", "")
    monkeypatch.setattr(reading, "CODEBOOK_DIR", files_copy)
    code, out, err = run(cfg, ["codebooks", "load"], capsys)
    assert code == 1 and out == ""
    assert "sex.csv:3: name_kk пусто" in err and "apcard codebooks check" in err
    assert len(err.strip().splitlines()) == 1
