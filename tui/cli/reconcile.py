"""`apcard reconcile`: the quarterly reconciliation with the tier next to this register
(§9). `--statement --for CODE --out PATH` writes this register's statement of the
quarter for CODE; `--with PATH` compares a statement received with this register."""

from __future__ import annotations

import argparse
from pathlib import Path

from models.config import Config
from models.i18n import T
from tui.cli.base import EXIT_USAGE, CliError, open_db, say
from tui.cli.exchange import _refusals, _say, _user


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reconcile", help=say(T(
        "көрші деңгеймен тоқсандық салыстыру: акт жазу не салыстыру",
        "квартальная сверка с соседним уровнем: записать акт или сравнить")))
    p.add_argument("--quarter", required=True, metavar=say(T("ЖЖЖЖQn", "ГГГГQn")), help=say(T(
        "мысалы 2025Q1", "например 2025Q1")))
    p.add_argument("--with", dest="statement", metavar="PATH", help=say(T(
        "осы тізілімімен салыстырылатын екінші жақтың актісі",
        "акт другой стороны для сравнения с этим реестром")))
    p.add_argument("--csv", metavar="FILE", help=say(T("есепті CSV-ға да жазу",
                                                       "записать отчёт и в CSV")))
    p.add_argument("--write-statement", action="store_true", help=say(T(
        "орнына осы тізілімнің --for үшін актісін жазу",
        "вместо этого записать акт этого реестра для --for")))
    p.add_argument("--for", dest="counterpart", metavar="CODE", help=say(T(
        "акт жасалатын ұйым (әдепкі: жоғары тұрған)",
        "организация, для которой акт (по умолчанию вышестоящая)")))
    p.add_argument("--out", metavar="PATH", help=say(T("акт файлы не қалта",
                                                       "файл акта или папка")))
    p.set_defaults(handler=cmd_reconcile)


def cmd_reconcile(ns: argparse.Namespace, cfg: Config) -> int:
    from models import reconcile

    if ns.write_statement:
        if not ns.out:
            raise CliError(T("reconcile: --write-statement үшін --out PATH керек",
                             "reconcile: для --write-statement нужен --out PATH"), EXIT_USAGE)
        with _refusals(cfg):
            open_db(cfg)
            path = reconcile.write_statement(cfg, _user(cfg), ns.quarter,
                                             ns.counterpart or cfg.parent_code,
                                             Path(ns.out).expanduser())
        print(path)
        return 0
    if not ns.statement:
        raise CliError(T("reconcile: --with PATH (не --write-statement) беріңіз",
                         "reconcile: укажите --with PATH (или --write-statement)"), EXIT_USAGE)
    with _refusals(cfg):
        open_db(cfg)
        report = reconcile.reconcile(cfg, _user(cfg), ns.quarter, Path(ns.statement).expanduser())
    show(report, cfg.language)
    if ns.csv:
        reconcile.write_csv(report, Path(ns.csv).expanduser(), cfg.language)
        _say(cfg, T("CSV: {p}", "CSV: {p}").format(p=ns.csv))
    return 0


def show(report, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from models.reconcile import STATE_LABELS

    console = Console(highlight=False, markup=False)
    head = T("{q} тоқсанын салыстыру: {a} және {b} (мерзімі {d})",
             "Сверка за {q}: {a} и {b} (срок {d})")
    console.print(head.format(q=report.quarter, a=report.me, b=report.other,
                              d=f"{report.due:%d.%m.%Y}")(lang))
    for what, title in (("state", T("Күйі", "Состояние")), ("body", T("Орган", "Орган")),
                        ("article", T("Бап", "Статья"))):
        t = Table(title(lang), report.me, report.other, "Δ", box=None)
        keys = sorted(set(report.mine[what]) | set(report.theirs[what]))
        for key in keys[:40]:
            a, b = report.mine[what][key], report.theirs[what][key]
            name = STATE_LABELS[key](lang) if what == "state" else key or "-"
            t.add_row(name, str(a), str(b), str(a - b) if a != b else "")
        console.print(t)
    if report.same:
        console.print(T("Айырмашылық жоқ", "Расхождений нет")(lang))
        return
    for d in report.differences:
        where = (f"{d.uid}  {report.me}: {STATE_LABELS[d.mine](lang)}  "
                 f"{report.other}: {STATE_LABELS[d.theirs](lang)}  {d.article}")
        console.print(where + (f"  ({', '.join(d.lines)})" if d.lines else ""))
        console.print(f"    {d.cause(lang)}")
    console.print(T("Айырмашылық: {n}", "Расхождений: {n}").format(
        n=len(report.differences))(lang))
