"""`apcard codebooks load|check|show`: the project's codebook files and the loaded books."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from rich.console import Console
from rich.table import Table

from models.config import Config
from models.i18n import T
from models.text import strip_control
from tui.cli import EXIT_USAGE, CliError, open_db
from tui.cli.base import say
from tui.cli.codebook_faults import fault_text

# Data keys too long or too internal for the one-line summary column of `show`.
HIDDEN_DATA = {"text", "scope", "source", "note", "chapter_title", "parse_notes", "source_part",
               "fine_other", "name_kk_status", "title_status", "confidence", "source_name"}
LIST_SHOWN = 6  # longer lists are shown as their length


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("codebooks", help=say(T(
        "анықтамалықтар: файлдарды жүктеу, тексеру, біреуін көрсету",
        "справочники: загрузить файлы, проверить, показать один")))
    cs = p.add_subparsers(dest="codebooks_command", required=True, metavar="{load,check,show}")
    q = cs.add_parser("load", help=say(T(
        "анықтамалықтарды дерекқорға жүктеу не жаңарту (қайталауға болады)",
        "загрузить или обновить справочники в базе (можно повторять)")))
    q.set_defaults(handler=cmd_load)
    q = cs.add_parser("check", help=say(T(
        "анықтамалық файлдарын тексеру; әр ақау файл:жол: хабар түрінде",
        "проверить файлы справочников; каждый изъян как файл:строка: сообщение")))
    q.set_defaults(handler=cmd_check)
    q = cs.add_parser("show", help=say(T("бір анықтамалықты кесте етіп көрсету",
                                         "показать один справочник таблицей")))
    q.add_argument("name", metavar=say(T("АНЫҚТАМАЛЫҚ", "СПРАВОЧНИК")), help=say(T("анықтамалық атауы (authority, kato, article, penalty, ...)",
                                      "имя справочника (authority, kato, article, penalty, ...)")))
    q.add_argument("filter", nargs="?", default="", metavar=say(T("СҮЗГІ", "ФИЛЬТР")), help=say(T(
        "код басы, атауының сөздері не қалай аталады (өрт, ІІМ)",
        "начало кода, слова названия или как называют (пожар, МВД)")))
    q.add_argument("--on", type=_date, help=say(T(
        "тек осы күні күшіндегі жазбалар (ЖЖЖЖ-АА-КК)",
        "только записи, действующие на эту дату (ГГГГ-ММ-ДД)")))
    q.add_argument("--limit", type=_limit, default=0, help=say(T(
        "ең көбі осынша жол көрсету", "показать не больше стольких строк")))
    q.set_defaults(handler=cmd_show)


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(say(T(
        f"күн емес (ЖЖЖЖ-АА-КК не КК.АА.ЖЖЖЖ): {text[:20]!r}",
        f"не дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ): {text[:20]!r}")))


def _limit(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(say(T(f"бүтін сан емес: {text[:20]!r}",
                                                f"не целое число: {text[:20]!r}")))
    return int(text)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


# --- load ------------------------------------------------------------------------------

def cmd_load(ns: argparse.Namespace, cfg: Config) -> int:
    from codebooks.loader import CodebookError, load
    from tui.cli.core import db_errors

    lang = cfg.language
    with db_errors(cfg):
        _load_administrator(cfg)
        db = open_db(cfg, migrate=True)
        try:
            result = load(db)
        except CodebookError as exc:
            n, first = len(exc.faults), say(fault_text(exc.faults[0]))
            raise CliError(T(f"анықтамалық файлдарында ақау {n}, біріншісі: {first} "
                             "(`apcard codebooks check` орындаңыз)",
                             f"в файлах справочников изъянов: {n}, первый: {first} "
                             "(выполните `apcard codebooks check`)")) from None
    table = Table(title=T("Анықтамалықтар жүктелді", "Справочники загружены")(lang))
    table.add_column(T("Анықтамалық", "Справочник")(lang), no_wrap=True)
    table.add_column(T("Нұсқа", "Версия")(lang), no_wrap=True)
    for head in (T("Жазба", "Записей"), T("Жаңа", "Новых"), T("Өзгерген", "Изменено"),
                 T("Өзгеріссіз", "Без изменений")):
        table.add_column(head(lang), justify="right", no_wrap=True)
    for book, c in result.books.items():
        table.add_row(book, ", ".join(sorted(c.versions)),
                      str(c.entries), str(c.inserted), str(c.updated), str(c.unchanged))
    out = _console()
    if result.inserted or result.updated:  # a reload that changed nothing is one line
        out.print(table)
    out.print(T("Жазба: {n} — жаңа {i}, өзгерген {u}, өзгеріссіз {s} ({t} с)",
                "Записей: {n} — новых {i}, изменено {u}, без изменений {s} ({t} с)").format(
        n=result.entries, i=result.inserted, u=result.updated, s=result.unchanged,
        t=f"{result.seconds:.2f}")(lang))
    if result.stale:
        out.print(T("Дерекқорда файлдарда жоқ {n} жазба қалды (карточкалар оларға сілтеуі мүмкін)",
                    "В базе осталось {n} записей, которых нет в файлах (на них могут ссылаться "
                    "карточки)").format(n=result.stale)(lang))
    return _own_authority(cfg)


def _own_authority(cfg: Config) -> int:
    """The configured own authority (organisation.authority) must be in the codebook."""
    from models import codebook
    from models.config import authority_problem

    codebook.reload()
    problem = authority_problem(cfg)
    if problem is not None:
        raise CliError(problem, 2)
    return 0


def _load_administrator(cfg: Config) -> None:
    """Loading codebooks changes what every card is checked against: an administrator's
    (or anyone's while the register has no user at all)."""
    from models.db import open_database
    from models.permissions import Action
    from tui.cli.base import require_database_file
    from tui.cli.identity import administrator_or_bootstrap

    require_database_file(cfg)  # only `apcard init` creates a database
    open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
    administrator_or_bootstrap(cfg, Action.LOAD_CODEBOOKS)


# --- check -----------------------------------------------------------------------------

def cmd_check(ns: argparse.Namespace, cfg: Config) -> int:
    from codebooks.loader import read_all

    rows, faults = read_all()
    if faults:
        for fault in faults:
            print(strip_control(say(fault_text(fault))))
        return 1
    print(T("{n} анықтамалық, {m} жазба: OK", "{n} справочников, {m} записей: OK").format(
        n=len({r.book for r in rows}), m=len(rows))(cfg.language))
    return 0


# --- show ------------------------------------------------------------------------------

def cmd_show(ns: argparse.Namespace, cfg: Config) -> int:
    from codebooks.loader import CodebookError, read_catalog
    from models import codebook
    from tui.cli.core import db_errors
    from tui.cli.identity import reader

    lang = cfg.language  # --lang after the command too
    try:
        catalog = read_catalog()
    except CodebookError as exc:
        first = fault_text(exc.faults[0])
        raise CliError(T(f"анықтамалықтар каталогы: {first.kk}",
                         f"каталог справочников: {first.ru}")) from None
    names = list(dict.fromkeys(cb.book for cb in catalog))
    if ns.name not in names:
        name, known = strip_control(ns.name[:40]), ", ".join(names)
        raise CliError(T(f"{name!r} деген анықтамалық жоқ; бары: {known}",
                         f"нет справочника {name!r}; есть: {known}"), EXIT_USAGE)
    title = next(cb.title for cb in catalog if cb.book == ns.name)
    with db_errors(cfg):
        open_db(cfg)
        reader(cfg)
        codebook.reload()
        if not codebook.entries(ns.name):
            raise CliError(T(f"{ns.name} анықтамалығы жүктелмеген: `apcard codebooks load` "
                             "орындаңыз",
                             f"справочник {ns.name} не загружен: выполните "
                             "`apcard codebooks load`"))
        rows = codebook.search(ns.name, ns.filter, ns.on)
    shown = rows[:ns.limit] if ns.limit else rows
    on = ns.on.strftime("%d.%m.%Y") if ns.on else ""
    caption = T("Жазба: {n}", "Записей: {n}").format(n=len(rows))(lang)
    if ns.on:
        caption += T(", {d} күні күшінде", ", действующих на {d}").format(d=on)(lang)
    if len(shown) < len(rows):
        caption += T(", {k} көрсетілді", ", показано {k}").format(k=len(shown))(lang)
    table = Table(title=f"{ns.name} — {title(lang)}", caption=caption)
    table.add_column(T("Код", "Код")(lang), no_wrap=True)
    table.add_column(T("Атауы", "Наименование")(lang), overflow="fold")
    table.add_column(T("Күшінде", "Действует")(lang), no_wrap=True)
    table.add_column(T("Нұсқа", "Версия")(lang), no_wrap=True)
    table.add_column(T("Деректер", "Данные")(lang), overflow="fold")
    for e in shown:
        table.add_row(e.code, strip_control(e.name(lang)), _validity(e.valid_from, e.valid_to),
                      e.version, strip_control(summary(e.data)))
    out = _console()
    if not rows:
        typed = strip_control(ns.filter.strip()[:40])
        out.print(T(f"«{typed}» бойынша ештеңе табылмады: кодты не басқа сөзді теріңіз",
                    f"Ничего не найдено по «{typed}»: наберите код или другое слово")(lang)
                  if typed else T("Ештеңе табылмады", "Ничего не найдено")(lang))
        return 0
    out.print(table)
    return 0


def _validity(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return "—"
    a = start.strftime("%d.%m.%Y") if start else "…"
    b = end.strftime("%d.%m.%Y") if end else "…"
    return f"{a}–{b}"


def summary(data: dict[str, Any]) -> str:
    """The entry's data in one short line: 'placement=main; judge_only'."""
    parts = []
    for key in sorted(data):
        if key in HIDDEN_DATA:
            continue
        value = data[key]
        if value is True:
            parts.append(key)
        elif value is False or value in ("", None):
            continue
        elif isinstance(value, list):
            shown = ",".join(map(str, value)) if len(value) <= LIST_SHOWN else f"{len(value)}"
            parts.append(f"{key}={shown}")
        elif isinstance(value, dict):
            parts.append(f"{key}=" + ",".join(f"{k} {v}" for k, v in value.items()))
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)
