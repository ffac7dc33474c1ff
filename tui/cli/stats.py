"""`apcard stats --by article|body|region|subject|penalty|month|quarter|year --from D
--to D [--csv [FILE]] [--html FILE]`: counts and fines of the period, computed by the
database, as a table with bars, CSV or an HTML printout."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from models.config import Config
from models.i18n import T
from tui.cli.base import EXIT_USAGE, CliError, open_db, say

DATE = T("КК.АА.ЖЖЖЖ", "ДД.ММ.ГГГГ")


def register(sub: argparse._SubParsersAction) -> None:
    from models.stats import DIMENSIONS

    p = sub.add_parser("stats", help=say(T(
        "тізілім статистикасы: бап, орган, өңір, субъект, жаза не кезең бойынша саны мен "
        "айыппұлдары",
        "статистика реестра: количество и штрафы по статье, органу, региону, субъекту, "
        "взысканию или периоду")))
    p.add_argument("--by", required=True, choices=DIMENSIONS, help=say(T(
        "топтау белгісі", "признак группировки")))
    p.add_argument("--from", dest="date_from", metavar=say(DATE), help=say(T(
        "6-жол күнінен бастап (әдепкі: биылғы жылдың бірінші күні)",
        "с даты строки 6 (по умолчанию с первого дня этого года)")))
    p.add_argument("--to", dest="date_to", metavar=say(DATE), help=say(T(
        "осы күнге дейін (әдепкі: бүгін)", "по эту дату (по умолчанию сегодня)")))
    p.add_argument("--csv", nargs="?", const="-", metavar="FILE", help=say(T(
        "кесте орнына CSV-ны FILE-ға (не stdout-қа)", "CSV в FILE (или в stdout) вместо таблицы")))
    p.add_argument("--html", metavar="FILE", help=say(T("басып шығаруды HTML-ге де жазу",
                                                        "записать и печатную форму в HTML")))
    p.add_argument("--repeat", action="store_true", help=say(T(
        "қайталап құқық бұзғандарды да тізу", "также список повторных нарушителей")))
    p.set_defaults(handler=cmd_stats)


def _date(text: str | None, option: str, default: dt.date) -> dt.date:
    from models.validation import parse_date

    if text is None:
        return default
    day = parse_date(text.strip())
    if day is None:
        raise CliError(T(f"stats: {option}: күн емес {text[:20]!r} (КК.АА.ЖЖЖЖ)",
                         f"stats: {option}: не дата {text[:20]!r} (ДД.ММ.ГГГГ)"), EXIT_USAGE)
    return day


def cmd_stats(ns: argparse.Namespace, cfg: Config) -> int:
    from models import codebook, stats
    from tui.cli.exchange import _refusals, _user
    from tui.stats_text import repeat_lines, table_lines

    today = dt.date.today()
    date_from = _date(ns.date_from, "--from", today.replace(month=1, day=1))
    date_to = _date(ns.date_to, "--to", today)
    if date_to < date_from:
        raise CliError(T("stats: --to күні --from күнінен бұрын", "stats: --to раньше --from"),
                       EXIT_USAGE)
    lang = cfg.language
    with _refusals(cfg):
        open_db(cfg)
        user = _user(cfg)
        from models.permissions import Action, require

        require(user, Action.READ_CARD)
        codebook.reload()
        rows = stats.table(ns.by, date_from, date_to, lang)
        rep = stats.repeat_offenders(date_from, date_to) if ns.repeat or ns.html else None
    if ns.csv:
        if ns.csv == "-":
            stats.write_csv(rows, ns.by, sys.stdout, lang)
        else:
            with open(Path(ns.csv).expanduser(), "w", encoding="utf-8-sig", newline="") as fh:
                stats.write_csv(rows, ns.by, fh, lang)
    else:
        print(f"{date_from:%d.%m.%Y} — {date_to:%d.%m.%Y}")
        print("\n".join(table_lines(rows, ns.by, lang)))
        if ns.repeat and rep is not None:
            print("\n".join(repeat_lines(rep, lang)))
    if ns.html and rep is not None:
        from models.printing import render

        doc = stats.stats_document(rows, ns.by, date_from, date_to, rep, lang,
                                   cfg.organisation_name, user.login, dt.datetime.now())
        Path(ns.html).expanduser().write_text(render(doc, "html"), encoding="utf-8")
        print(ns.html, file=sys.stderr)
    return 0
