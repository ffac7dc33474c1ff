"""`apcard persons import FILE.csv` and `apcard persons search ...`: the duplicate-person
engine (models.matching) for scripts and batch checks (a court's list of people to
check, a migration from the old program).

CSV files are UTF-8 (a BOM is accepted) with a header row. Row numbers in messages are
the file's line numbers, the header being line 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.config import Config
from models.i18n import T
from models.matching.dates import CENTURY, EXCEL, SWAPPED, YEAR, YEAR_FIRST
from models.text import find_control, strip_control
from tui.cli import EXIT_USAGE, CliError, open_db
from tui.cli.base import os_error, say

IMPORT_COLUMNS = ("ref", "surname", "name", "patronymic", "birth_date", "sex", "iin")
SEARCH_COLUMNS = ("probe", "surname", "name", "patronymic", "birth_date", "sex", "iin")
BATCH = 500  # persons written per transaction
MAX_ID = 64  # ref / probe length (Person.ref)
EMPTY = T("{col}: бос", "{col}: пусто")
ROW = T("{n}-жол", "строка {n}")
TABLE_HEAD = (T("#", "#"), T("ұпай", "балл"), T("деңгейі", "степень"), T("адам", "лицо"),
              T("ref", "ref"), T("аты-жөні", "ФИО"),
              T("туған", "рождён"), T("ЖСН", "ИИН"))
NAME_COLUMN = 5
_WIDTHS = {0: 1, 1: 5, 3: 1, 6: 10, 7: 12}  # #, score 0.000, person id, birth date, IIN


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("persons", help=say(T("адамдарды қосу, тізілімнен адамды іздеу",
                                             "добавить лиц, искать лицо в реестре")))
    ps = p.add_subparsers(dest="persons_command", required=True,
                          metavar="{import,search,shared}")
    cols = ",".join(IMPORT_COLUMNS)
    q = ps.add_parser("import", help=say(T(
        f"адамдарды CSV файлынан қосу ({cols}); тізілімде бар ref өткізіледі",
        f"добавить лиц из CSV-файла ({cols}); ref, уже бывший в реестре, пропускается")))
    q.add_argument("file", metavar="FILE.csv", help=say(T("CSV файлы", "CSV-файл")))
    q.set_defaults(handler=cmd_import)

    q = ps.add_parser("search", help=say(T(
        "бір адамға не CSV файлының әр жолына үміткерлер",
        "кандидаты для одного лица или для каждой строки CSV-файла")))
    q.add_argument("--surname", default="", help=say(T("тегі", "фамилия")))
    q.add_argument("--name", default="", help=say(T("аты", "имя")))
    q.add_argument("--patronymic", default="", help=say(T("әкесінің аты", "отчество")))
    q.add_argument("--birth-date", default="", metavar="YYYY-MM-DD",
                   help=say(T("туған күні", "дата рождения")))
    q.add_argument("--iin", default="", help=say(T("ЖСН", "ИИН")))
    cols = ",".join(SEARCH_COLUMNS)
    q.add_argument("--batch", metavar="FILE.csv", help=say(T(
        f"іздеулер: {cols} (әр жолға бір іздеу)", f"запросы: {cols} (поиск на каждую строку)")))
    q.add_argument("--limit", type=_limit, default=10, help=say(T(
        "бір іздеуге үміткер саны (әдепкі 10)", "кандидатов на запрос (по умолчанию 10)")))
    q.add_argument("--json", action="store_true", help=say(T(
        'JSON Lines: әр іздеуге {"probe": ..., "candidates": [{"ref", "person_id", "score", '
        '"band"}, ...]}, ең жақсысы бірінші',
        'JSON Lines: на каждый запрос {"probe": ..., "candidates": [{"ref", "person_id", '
        '"score", "band"}, ...]}, лучшие первыми')))
    q.set_defaults(handler=cmd_search)

    from tui.cli.shared_cmd import register_shared

    register_shared(ps)


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(say(T(f"1..100 аралығындағы сан керек: {text[:20]!r}",
                                                f"нужно число 1..100: {text[:20]!r}")))
    return int(text)


# --- reading rows --------------------------------------------------------------------

class RowError(Exception):
    """A bad row: str() is the reason."""


@dataclass
class Row:
    line: int
    key: str  # ref (import) or probe (search)
    values: dict[str, Any]  # card field names: surname, given_name, ..., birth_date (date)


def _text(field: str, raw: str, lang: str, label: str) -> str | None:
    from models.validation import check_text

    value, issues = check_text(field, raw)
    if issues:
        raise RowError(f"{label}: {issues[0].message(lang)}")
    return value


def parse_person(raw: dict[str, str], lang: str, need_names: bool) -> dict[str, Any]:
    """CSV values -> card field values; RowError naming the column and the reason."""
    from models.ids import iin_valid
    from models.text import find_control

    for column, value in raw.items():
        if value and find_control(value) is not None:
            raise RowError(T(f"{column}: басқару таңбалары не escape-тізбектер болмауы керек",
                             f"{column}: управляющие символы и escape-последовательности "
                             "недопустимы")(lang))
    surname = _text("surname", raw.get("surname", ""), lang, "surname")
    given = _text("given_name", raw.get("name", ""), lang, "name")
    if need_names and not surname:
        raise RowError(EMPTY.format(col="surname")(lang))
    if need_names and not given:
        raise RowError(EMPTY.format(col="name")(lang))
    values: dict[str, Any] = {"surname": surname or "", "given_name": given or "",
                              "patronymic": _text("patronymic", raw.get("patronymic", ""),
                                                  lang, "patronymic") or ""}
    born = (raw.get("birth_date") or "").strip()
    if born:
        try:
            values["birth_date"] = dt.date.fromisoformat(born)
        except ValueError:
            raise RowError(T(f"birth_date: ЖЖЖЖ-АА-КК күні емес: {born[:20]!r}",
                             f"birth_date: не дата ГГГГ-ММ-ДД: {born[:20]!r}")(lang)) from None
        if not dt.date(1900, 1, 1) <= values["birth_date"] <= dt.date.today():
            raise RowError(T(f"birth_date: {born} мүмкін туған күн емес",
                             f"birth_date: {born} — невозможная дата рождения")(lang))
    sex = (raw.get("sex") or "").strip()
    if sex not in ("", "1", "2"):
        raise RowError(T(f"sex: 1 не 2 болуы керек: {sex[:10]!r}",
                         f"sex: должно быть 1 или 2: {sex[:10]!r}")(lang))
    values["sex"] = sex
    iin = (raw.get("iin") or "").strip()
    if iin:
        if len(iin) != 12 or not (iin.isascii() and iin.isdigit()):
            raise RowError(T(f"iin: 12 цифр болуы керек: {iin[:20]!r}",
                             f"iin: должно быть 12 цифр: {iin[:20]!r}")(lang))
        if not iin_valid(iin):
            raise RowError(T(f"iin: {iin}: бақылау цифры қате",
                             f"iin: {iin}: неверная контрольная цифра")(lang))
        values["iin"] = iin
    return values


_NOTE_DATE = T("туған күні «{v}» күн емес немесе мүмкін емес: ескерілмеді",
               "дата рождения «{v}» — не дата или невозможна: не учтена")
_NOTE_READ = {
    SWAPPED: T("туған күні «{v}»: ай 12-ден үлкен, күн мен ай орын ауыстырған деп {d} "
               "ретінде оқылды",
               "дата рождения «{v}»: месяц больше 12, прочитана как {d} (день и месяц "
               "переставлены)"),
    YEAR: T("туған күні «{v}»: күні не айы белгісіз немесе мүмкін емес, тек {y} жылы "
            "бойынша ізделді",
            "дата рождения «{v}»: день или месяц неизвестны или невозможны, искали "
            "только по году {y}"),
    EXCEL: T("туған күні «{v}» Excel күн нөмірі ретінде {d} деп оқылды",
             "дата рождения «{v}» прочитана как {d} (номер дня в Excel)"),
    CENTURY: T("туған күні «{v}» әлі келмеген: ғасыры қате деп {d} ретінде оқылды",
               "дата рождения «{v}» ещё не наступила: прочитана как {d} (ошибка в веке)"),
    YEAR_FIRST: T("туған күні «{v}» күннен басталса күн емес: жылдан басталады деп {d} "
                  "ретінде оқылды",
                  "дата рождения «{v}» не дата, если начинать с дня: прочитана с года, "
                  "как {d}"),
}
_NOTE_IIN_DATE = T("ЖСН-дағы туған күн ({i}) көрсетілгенге ({d}) сәйкес емес: екеуі "
                   "бойынша да ізделді",
                   "дата рождения в ИИН ({i}) не совпадает с указанной ({d}): искали по "
                   "обеим")
_NOTE_IIN = T("ЖСН «{v}» 12 цифр емес: ескерілмеді", "ИИН «{v}» — не 12 цифр: не учтён")
_NOTE_IIN_CHECK = T("ЖСН {v}: бақылау цифры қате, қате терілген нөмір ретінде ізделді",
                    "ИИН {v}: неверная контрольная цифра, искали как номер с опечаткой")
_NOTE_IIN_READ = T("ЖСН «{v}» {d} ретінде оқылды", "ИИН «{v}» прочитан как {d}")
_NOTE_SEX = T("жынысы «{v}» 1 не 2 емес: ескерілмеді", "пол «{v}» — не 1 и не 2: не учтён")
_NOTE_TEXT = T("{col}: {why}: ескерілмеді", "{col}: {why}: не учтено")
_TOO_LITTLE = T("іздеуге дерек аз: тегі, аты және туған күнінің екеуі немесе ЖСН керек",
                "мало данных для поиска: нужны два из трёх (фамилия, имя, дата рождения) "
                "или ИИН")


def parse_probe(raw: dict[str, str], lang: str) -> tuple[dict[str, Any], list[str]]:
    """CSV (or option) values -> a search probe and notes on what was left out. A search
    is never refused for a doubtful field: a birth date that is no date at all, an IIN
    that is not 12 digits, a sex other than 1 / 2, a name with control characters is
    left out and said so; a birth date read otherwise than written (a month above 12 as
    day and month exchanged, 00.00.1990 or 31.02.1990 as the year alone, a date to come
    a century early: models.matching.dates) says how it was read; an IIN with a wrong
    check digit is searched as a mistyped one (the search looks at the valid numbers
    one slip away), and one whose birth date is not the typed one is searched by both.
    RowError only when nothing is left to search with."""
    from models.ids import iin_birth_date, iin_valid
    from models.matching.dates import LOOKALIKE_DIGITS, read_birth_date
    from models.matching.keys import read_sex, with_lost_zero
    from models.validation import check_text

    notes: list[str] = []
    values: dict[str, Any] = {}
    for column, field in (("surname", "surname"), ("name", "given_name"),
                          ("patronymic", "patronymic")):
        text, issues = check_text(field, raw.get(column, ""))
        if issues:
            notes.append(_NOTE_TEXT.format(col=column, why=issues[0].message(lang))(lang))
        values[field] = text or ""
    born = (raw.get("birth_date") or "").strip()
    if born:
        reading = read_birth_date(born) if find_control(born) is None else None
        shown = strip_control(born)[:20]
        if reading is None or reading.date is None:
            notes.append(_NOTE_DATE.format(v=shown)(lang))
        else:
            date = values["birth_date"] = reading.date
            notes += [_NOTE_READ[how].format(v=shown, d=f"{date:%d.%m.%Y}", y=date.year)(lang)
                      for how in reading.how]
    sex = (raw.get("sex") or "").strip()
    values["sex"] = read_sex(sex) if find_control(sex) is None else ""  # 1 / 2, М / Ж, ер / әйел
    if sex and not values["sex"]:
        notes.append(_NOTE_SEX.format(v=strip_control(sex)[:10])(lang))
    iin = "".join((raw.get("iin") or "").replace("-", " ").split())  # "880312-345216"
    if iin and find_control(iin) is None and (len(iin) != 12 or not iin.isascii()
                                              or not iin.isdigit()):
        # a scan's О, l, З for 0, 1, 3; a spreadsheet's number without its first 0
        read = with_lost_zero(iin.translate(LOOKALIKE_DIGITS))
        if len(read) == 12 and read.isascii() and read.isdigit():
            notes.append(_NOTE_IIN_READ.format(v=iin, d=read)(lang))
            iin = read
    if iin:
        if len(iin) != 12 or not (iin.isascii() and iin.isdigit()):
            notes.append(_NOTE_IIN.format(v=strip_control(iin)[:20])(lang))
        else:
            values["iin"] = iin
            if not iin_valid(iin):
                notes.append(_NOTE_IIN_CHECK.format(v=iin)(lang))
            by_iin, date = iin_birth_date(iin), values.get("birth_date")
            if by_iin is not None and date is not None and by_iin != date and \
                    not ((date.month, date.day) == (1, 1) and date.year == by_iin.year):
                notes.append(_NOTE_IIN_DATE.format(i=f"{by_iin:%d.%m.%Y}",
                                                   d=f"{date:%d.%m.%Y}")(lang))
    # Less than this scores no candidate (models.matching.score): a person is named by
    # an IIN, or by two of surname, given name and birth date.
    if not values.get("iin") and sum(bool(values.get(k)) for k in
                                     ("surname", "given_name", "birth_date")) < 2:
        raise RowError("; ".join([*notes, _TOO_LITTLE(lang)]))
    return values, notes


def read_rows(path: str, columns: tuple[str, ...], lang: str, need_names: bool,
              errors: list[str], notes: list[str] | None = None) -> Iterator[Row]:
    """Good rows of a CSV file; each bad one appended to `errors` as 'row N: reason'.
    With `notes` (a search) a doubtful field never rejects the row: the row is read
    with what it has (parse_probe) and each field left out is noted as 'row N: ...'."""
    try:
        fh = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise CliError(T(f"{path} оқылмады: {os_error(exc)}",
                         f"не прочитать {path}: {os_error(exc)}")) from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
        except (csv.Error, UnicodeDecodeError):
            raise CliError(T(f"{path}: UTF-8 CSV файлы емес",
                             f"{path}: не CSV-файл в UTF-8")) from None
        missing = [c for c in columns if c not in header]
        if missing:
            lacks, want = ", ".join(missing), ",".join(columns)
            raise CliError(T(f"{path}: тақырыпта бағандар жоқ: {lacks} (керегі: {want})",
                             f"{path}: в заголовке нет столбцов: {lacks} (нужны: {want})"),
                           EXIT_USAGE)
        seen: dict[str, int] = {}
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError):
                errors.append(T(f"{reader.line_num}-жол: оқылмайды",
                                f"строка {reader.line_num}: не читается")(lang))
                continue
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                errors.append(T(f"{line}-жол: {len(cells)} өріс, тақырыпта {len(header)}",
                                f"строка {line}: полей {len(cells)}, в заголовке {len(header)}"
                                )(lang))
                continue
            raw = dict(zip(header, cells, strict=True))
            key = raw[columns[0]].strip()
            try:
                if not key:
                    raise RowError(EMPTY.format(col=columns[0])(lang))
                if len(key) > MAX_ID:
                    raise RowError(T(f"{columns[0]}: {MAX_ID} таңбадан ұзын",
                                     f"{columns[0]}: длиннее {MAX_ID} символов")(lang))
                if key in seen:
                    raise RowError(T(f"{columns[0]} {key[:MAX_ID]!r} {seen[key]}-жолды қайталайды",
                                     f"{columns[0]} {key[:MAX_ID]!r} повторяет строку {seen[key]}"
                                     )(lang))
                if notes is None:
                    values = parse_person(raw, lang, need_names)
                else:
                    values, said = parse_probe(raw, lang)
                    notes += [f"{ROW.format(n=line)(lang)}: {n}" for n in said]
            except RowError as exc:
                from models.text import strip_control

                errors.append(f"{ROW.format(n=line)(lang)}: {strip_control(str(exc))}")
                continue
            seen[key] = line
            yield Row(line, key, values)


# --- import --------------------------------------------------------------------------

def _user(cfg: Config, action: str):
    """The apcard user running this command, checked for `action`."""
    from models.permissions import Action
    from tui.cli.identity import acting_user

    return acting_user(cfg, Action(action))


def cmd_import(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from models.db import write_transaction
    from models.persons import create_persons
    from models.tables import Person
    from tui.cli.core import db_errors

    errors: list[str] = []
    rows = list(read_rows(ns.file, IMPORT_COLUMNS, cfg.language, True, errors))
    added = present = 0
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with db_errors(cfg):
        db = open_db(cfg)
        user = _user(cfg, "person.create")
        label = say(T("қосу", "добавление"))
        with Progress(label, BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task(label, total=len(rows))
            for start in range(0, len(rows), BATCH):
                chunk = rows[start:start + BATCH]
                with write_transaction(db):
                    known = {r for (r,) in Person.select(Person.ref).where(
                        Person.ref.in_([r.key for r in chunk])).tuples()}
                    fresh = [(r.values, r.key) for r in chunk if r.key not in known]
                    present += len(chunk) - len(fresh)
                    added += create_persons(fresh, user)
                bar.update(task, completed=start + len(chunk))
    for line in errors:
        err.print(line, markup=False)
    Console(highlight=False).print(T(
        f"қосылды {added}, тізілімде бұрыннан бар (сол ref) {present}, қабылданбады "
        f"{len(errors)}",
        f"добавлено {added}, уже в реестре (тот же ref) {present}, отклонено {len(errors)}"
    )(cfg.language))
    return 1 if errors else 0


# --- search --------------------------------------------------------------------------

def _single_probe(ns: argparse.Namespace, cfg: Config, notes: list[str]) -> Row:
    raw = {"surname": ns.surname, "name": ns.name, "patronymic": ns.patronymic,
           "birth_date": ns.birth_date, "iin": ns.iin}
    if not any(raw.values()):
        raise CliError(T("--surname мен --name (--birth-date-пен), не --iin, не --batch FILE "
                         "беріңіз",
                         "укажите --surname и --name (с --birth-date), или --iin, или "
                         "--batch FILE"), EXIT_USAGE)
    try:
        values, said = parse_probe(raw, cfg.language)
    except RowError as exc:
        raise CliError(strip_control(str(exc)), EXIT_USAGE) from None
    notes += said
    return Row(0, "", values)


def _probe_echo(row: Row) -> Any:
    if row.line:  # batch: the file's probe id
        return row.key
    v = row.values
    born = v.get("birth_date")
    return {"surname": v["surname"], "name": v["given_name"], "patronymic": v["patronymic"],
            "birth_date": born.isoformat() if born else "", "iin": v.get("iin", "")}


def cmd_search(ns: argparse.Namespace, cfg: Config) -> int:
    from models.matching import find_candidates
    from tui.cli.core import db_errors

    single = any((ns.surname, ns.name, ns.patronymic, ns.birth_date, ns.iin))
    if ns.batch and single:
        raise CliError(T("--batch параметрі --surname/--name/... параметрлерімен бірге "
                         "берілмейді",
                         "--batch нельзя сочетать с параметрами --surname/--name/..."),
                       EXIT_USAGE)
    errors: list[str] = []
    notes: list[str] = []
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    single = None if ns.batch else _single_probe(ns, cfg, notes)
    with db_errors(cfg):
        open_db(cfg)
        _user(cfg, "card.read")
        probes = read_rows(ns.batch, SEARCH_COLUMNS, cfg.language, False, errors, notes) \
            if single is None else iter([single])
        for row in probes:
            for line in notes:  # what this row's search left out, before its answer
                err.print(line, markup=False)
            notes.clear()
            cands = find_candidates(row.values, ns.limit, cfg.matching)
            if ns.json:
                line = {"probe": _probe_echo(row), "candidates": [
                    {"ref": c.ref, "person_id": c.person_id, "score": round(c.score, 4),
                     "band": c.band} for c in cands]}
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            else:
                _print_table(out, row, cands, cfg.language)
    for line in errors:
        err.print(line, markup=False)
    return 1 if errors else 0


def _print_table(out: Console, row: Row, cands: list, lang: str) -> None:
    from models.requests import band_label
    from models.text import strip_control

    title = escape(T(f"{strip_control(row.key)} іздеуі", f"запрос {strip_control(row.key)}")(
        lang)) if row.line else T("үміткерлер", "кандидаты")(lang)
    t = Table(title=title, title_justify="left", expand=True)
    for i, col in enumerate(TABLE_HEAD):  # codes, dates and IINs are never cut or wrapped
        head = col(lang)
        if i in _WIDTHS:
            t.add_column(head, no_wrap=True, min_width=max(len(head), _WIDTHS[i]))
        elif i == NAME_COLUMN:  # takes what the others leave, wrapping
            t.add_column(head, ratio=1)
        else:  # band and a long reference give way
            t.add_column(head, no_wrap=True, overflow="ellipsis", max_width=12)
    for i, c in enumerate(cands, 1):
        name = strip_control(" ".join(x for x in (c.surname, c.given_name, c.patronymic) if x))
        t.add_row(str(i), f"{c.score:.3f}", band_label(c.band)(lang), str(c.person_id),
                  escape(strip_control(c.ref or "")), escape(name),
                  c.birth_date.isoformat() if c.birth_date else "", c.iin or "")
    if cands:
        out.print(t)
    else:
        out.print(f"{title}: " + T("үміткер жоқ", "кандидатов нет")(lang))
