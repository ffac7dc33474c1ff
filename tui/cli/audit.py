"""`apcard audit verify [--seal FILE|latest]`: the log's hash chain, every logged row of
the data against the log, and the seals; `apcard audit seal [--out FILE]`: seal the
log's head now; `apcard audit export --csv FILE`: the correction journal as CSV."""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console

from models.config import Config
from models.i18n import T
from tui.cli import EXIT_USAGE, CliError, open_db
from tui.cli.base import os_error, say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help=say(T(
        "журнал: деректермен және мөрлермен тексеру, мөр басу, түзетулер журналын шығару",
        "журнал: проверка по данным и печатям, печать, выгрузка журнала исправлений")))
    au = p.add_subparsers(dest="audit_command", required=True,
                          metavar="{verify,seal,export}")
    q = au.add_parser("verify", help=say(T(
        "журнал тізбегін, әр карточканы, адамды, ұйымды, пайдаланушыны журналмен және "
        "мөрлерді тексеру; ақау болса алғашқы жолды атап, 1 кодымен шығу",
        "проверить цепочку журнала, каждую карточку, лицо, организацию и пользователя по "
        "журналу и печати; при изъяне код 1 и первая строка с ним")))
    q.add_argument("--seal", metavar="FILE|latest", help=say(T(
        "журнал FILE-дағы әр мөрге (не дерекқордағы соңғы мөрге) әлі жететінін тексеру",
        "проверить, что журнал ещё ведёт к каждой печати в FILE (или к последней в базе)")))
    q.set_defaults(handler=cmd_verify)

    q = au.add_parser("seal", help=say(T(
        "журнал басына қазір мөр басу; дерекқордан тыс сақталатын жолды басып шығару",
        "опечатать голову журнала сейчас; напечатать строку для хранения вне базы")))
    q.add_argument("--out", metavar="FILE", help=say(T("жолды FILE-ға да қосу",
                                                       "дописать строку и в FILE")))
    q.add_argument("--note", default="", help=say(T("мөрмен сақталатын ескерту",
                                                     "примечание к печати")))
    q.set_defaults(handler=cmd_seal)

    q = au.add_parser("export", help=say(T("түзетулер журналын CSV-ға жазу",
                                           "записать журнал исправлений в CSV")))
    q.add_argument("--csv", required=True, metavar="FILE", help=say(T("шығыс файл",
                                                                      "выходной файл")))
    q.add_argument("--from", dest="date_from", metavar="DD.MM.YYYY",
                   help=say(T("осы күннен", "с этого дня")))
    q.add_argument("--to", dest="date_to", metavar="DD.MM.YYYY",
                   help=say(T("осы күнге дейін", "по этот день")))
    q.add_argument("--user", help=say(T("осы логин жасаған", "сделанные этим логином")))
    q.add_argument("--reason", help=say(T("себеп коды (correction_reason)",
                                          "код причины (correction_reason)")))
    q.add_argument("--card", type=_card_id, help=say(T("карточка нөмірі (id)",
                                                       "номер карточки (id)")))
    q.add_argument("--line", help=say(T("карточка жолы: 9, 14.3", "строка карточки: 9, 14.3")))
    q.set_defaults(handler=cmd_export)


def _card_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(say(T(f"карточка нөмірі емес: {text[:20]!r}",
                                                f"не номер карточки: {text[:20]!r}")))
    return int(text)


def _date(text: str | None, option: str) -> dt.date | None:
    from models.validation import parse_date

    if text is None:
        return None
    day = parse_date(text.strip())
    if day is None:
        raise CliError(T(f"{option}: күн емес {text[:20]!r} (КК.АА.ЖЖЖЖ)",
                         f"{option}: не дата {text[:20]!r} (ДД.ММ.ГГГГ)"), EXIT_USAGE)
    return day


def _marks(spec: str | None):
    from models import seal

    if spec is None:
        return []
    if spec == "latest":
        mark = seal.latest()
        if mark is None:
            raise CliError(T("дерекқорда мөр әлі жоқ: `apcard audit seal`",
                             "в базе ещё нет печати: `apcard audit seal`"))
        return [mark]
    try:
        with open(spec, encoding="utf-8") as fh:
            text = fh.read(10_000_000)
    except OSError as exc:
        raise CliError(T(f"{spec} оқылмады: {os_error(exc)}",
                         f"не прочитать {spec}: {os_error(exc)}")) from None
    marks = seal.parse(text)
    if not marks:
        raise CliError(T(f"{spec}: мөр жолы жоқ (apcard seal: log row N, sha256 ...)",
                         f"{spec}: нет строки печати (apcard seal: log row N, sha256 ...)"),
                       EXIT_USAGE)
    return marks


def cmd_verify(ns: argparse.Namespace, cfg: Config) -> int:
    from models.audit import verify
    from models.permissions import Action
    from tui.cli.core import db_errors
    from tui.cli.identity import acting_user

    with db_errors(cfg):
        open_db(cfg)
        acting_user(cfg, Action.VERIFY_LOG, seal=False)
        marks = _marks(ns.seal)
        verdict = verify(marks)
    lang = cfg.language
    chain = verdict.chain
    if not chain.ok:
        assert chain.problem is not None
        raise CliError(T(f"журналдың {chain.broken_id} жазбасы: {chain.problem.kk}",
                         f"запись журнала {chain.broken_id}: {chain.problem.ru}"), 1)
    if verdict.data_problems:
        first = verdict.data_problems[0]
        more = len(verdict.data_problems) - 1
        # The message names the table and the row itself, in the session's language.
        raise CliError(T(first.message.kk + (f" (тағы {more})" if more else ""),
                         first.message.ru + (f" (и ещё {more})" if more else "")), 1)
    if verdict.seal_problem is not None:
        mark, why = verdict.seal_problem
        raise CliError(T(f"{mark.row} жазбасының мөрі: {why.kk}",
                         f"печать записи {mark.row}: {why.ru}"), 1)
    out = Console(highlight=False, markup=False)
    out.print(T("журнал: {r} жазба, тізбек бүтін, соңғы хэш {h}; {n} деректер жолы "
                "журналмен сәйкес",
                "журнал: записей {r}, цепочка цела, последний хэш {h}; строк данных, "
                "совпадающих с журналом: {n}"
                ).format(r=chain.rows, h=chain.head[:16], n=verdict.data_rows)(lang)
              + (T("; мөрлер: {s}", "; печатей: {s}").format(s=verdict.seals)(lang)
                 if verdict.seals else ""))
    return 0


def cmd_seal(ns: argparse.Namespace, cfg: Config) -> int:
    from models import seal
    from models.db import safe_url, write_transaction
    from models.permissions import Action
    from models.text import find_control
    from tui.cli.core import db_errors
    from tui.cli.identity import acting_user

    if find_control(ns.note) is not None:
        raise CliError(T("--note: басқару таңбалары болмауы керек",
                         "--note: управляющие символы недопустимы"), EXIT_USAGE)
    with db_errors(cfg):
        open_db(cfg)
        acting_user(cfg, Action.SEAL_LOG, seal=False)
        with write_transaction():
            mark = seal.make("manual", ns.note[:500])
    line = mark.text(safe_url(cfg.db_url))
    if ns.out:
        try:
            with open(ns.out, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError as exc:
            raise CliError(T(f"{ns.out} жазылмады: {os_error(exc)}",
                             f"не записать {ns.out}: {os_error(exc)}")) from None
    print(line)
    return 0


def cmd_export(ns: argparse.Namespace, cfg: Config) -> int:
    from models.journal import JournalFilter, write_csv
    from models.permissions import PermissionDenied
    from models.text import find_control
    from tui.cli.core import db_errors
    from tui.cli.identity import acting_user

    flt = JournalFilter(date_from=_date(ns.date_from, "--from"), date_to=_date(ns.date_to, "--to"),
                        user_login=ns.user, reason_code=ns.reason, card_id=ns.card, line=ns.line)
    for value in (ns.user, ns.reason, ns.line):
        if value is not None and find_control(value) is not None:
            raise CliError(T("сүзгілерде басқару таңбалары болмауы керек",
                             "в фильтрах недопустимы управляющие символы"), EXIT_USAGE)
    with db_errors(cfg):
        open_db(cfg)
        try:
            n = write_csv(acting_user(cfg, None), flt, ns.csv, cfg.language)
        except PermissionDenied as exc:
            raise CliError(exc.message(cfg.language)) from None
        except OSError as exc:
            raise CliError(T(f"{ns.csv} жазылмады: {os_error(exc)}",
                             f"не записать {ns.csv}: {os_error(exc)}")) from None
    Console(highlight=False, markup=False).print(
        T("{n} жазба {f} файлына жазылды", "Записей выгружено: {n} в {f}")
        .format(n=n, f=ns.csv)(cfg.language))
    return 0
