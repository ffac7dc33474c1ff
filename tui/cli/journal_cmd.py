"""`apcard journal list|add|set`: the registration journal (§7, Appendix 2). `list`
prints the entries of a period (filters: status, body, article); `add` keys a
proceeding without a card (terminated, sent to court, ...); `set` fills a card's
journal-only columns 3 and 9. `apcard print journal` prints it as the appendix."""

from __future__ import annotations

import argparse
import datetime as dt

from models.config import Config
from models.i18n import T
from tui.cli import CliError
from tui.cli.acting import date_arg, number_arg, refused, session
from tui.cli.base import say

COUNT = T("Жазба: {n}", "Записей: {n}")
ADDED = T("Журналға жазылды: № {n}, {d}", "Записано в журнал: № {n}, {d}")
SAVED = T("{card} карточкасының журнал жазбасы сақталды", "Запись журнала карточки {card} сохранена")


def filter_arguments(q: argparse.ArgumentParser) -> None:
    q.add_argument("--from", dest="date_from", type=date_arg,
                   help=say(T("осы күні не одан кейін тіркелген", "зарегистрированные с этого дня")))
    q.add_argument("--to", dest="date_to", type=date_arg,
                   help=say(T("осы күні не одан бұрын тіркелген", "зарегистрированные по этот день")))
    q.add_argument("--status", help=say(T("карточка күйі (registered, dispatched, ...) не no_card",
                                          "состояние карточки (registered, dispatched, ...) или "
                                          "no_card")))
    q.add_argument("--body", help=say(T("орган коды (1 не 3-жол)", "код органа (строка 1 или 3)")))
    q.add_argument("--article", help=say(T("Кодекс бабы (9-жол)", "статья Кодекса (строка 9)")))


def journal_filter(ns: argparse.Namespace):
    from models.registration_journal import JournalFilter

    if ns.date_from and ns.date_to and ns.date_from > ns.date_to:
        raise CliError(T("--from күні --to күнінен кейін", "--from позже --to"))
    return JournalFilter(ns.date_from, ns.date_to, ns.status, ns.body, ns.article)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("journal", help=say(T(
        "әкімшілік істерді тіркеу журналы (2-қосымша): тізім, карточкасыз жазба, 3 және "
        "9-бағандар",
        "журнал регистрации административных дел (приложение 2): список, запись без "
        "карточки, графы 3 и 9")))
    js = p.add_subparsers(dest="journal_command", required=True, metavar="{list,add,set}")
    q = js.add_parser("list", help=say(T("кезең жазбалары, ескісі бірінші",
                                         "записи за период, сначала старые")))
    filter_arguments(q)
    q.set_defaults(handler=cmd_list)
    q = js.add_parser("add", help=say(T(
        "карточкасыз іс (тоқтатылған, сотқа жіберілген...)",
        "дело без карточки (прекращено, направлено в суд...)")))
    q.add_argument("--number", help=say(T("тіркеу нөмірі (әдепкі: келесісі)",
                                          "регистрационный номер (по умолчанию следующий)")))
    q.add_argument("--date", type=date_arg, help=say(T("тіркеу күні (әдепкі: бүгін)",
                                                       "дата регистрации (по умолчанию сегодня)")))
    q.add_argument("--result", required=True, help=say(T(
        "proceeding_result коды (02 тоқтатылды, 03 сотқа жіберілді, 04 қарауына қарай, "
        "05 босатылды)",
        "код proceeding_result (02 прекращено, 03 направлено в суд, 04 по подведомственности, "
        "05 освобождён)")))
    q.add_argument("--result-date", type=date_arg, help=say(T("қаралған күні (7-баған)",
                                                              "дата рассмотрения (графа 7)")))
    q.add_argument("--offender", default="", help=say(T(
        "4-баған: аты-жөні, туған күні, лауазымы, жұмыс орны",
        "графа 4: ФИО, дата рождения, должность, место работы")))
    q.add_argument("--legal", default="", help=say(T("5-баған: заңды тұлға, мекенжайы",
                                                     "графа 5: юридическое лицо, адрес")))
    q.add_argument("--article", required=True, help=say(T("бап", "статья")))
    q.add_argument("--part", default="", help=say(T("бөлік", "часть")))
    q.add_argument("--paragraph", default="", help=say(T("тармақ", "пункт")))
    q.add_argument("--filing-body", default="", help=say(T("2-баған", "графа 2")))
    q.add_argument("--court-body", default="", help=say(T("3-баған", "графа 3")))
    q.add_argument("--decision-no", default="", help=say(T("9-баған", "графа 9")))
    q.add_argument("--in-force", type=date_arg, help=say(T("9-баған: заңды күшіне енген күні",
                                                           "графа 9: дата вступления в силу")))
    q.add_argument("--penalty", default="", help=say(T("10-баған", "графа 10")))
    q.add_argument("--filled-by", default="", help=say(T("8-баған", "графа 8")))
    q.set_defaults(handler=cmd_add)
    q = js.add_parser("set", help=say(T(
        "карточканың 3 және 9-бағандары (сот органы, қаулы №, күшіне енуі)",
        "графы 3 и 9 карточки (орган суда, № постановления, вступление в силу)")))
    q.add_argument("card", type=number_arg, metavar=say(T("КАРТОЧКА", "КАРТОЧКА")),
                   help=say(T("карточка нөмірі", "номер карточки")))
    q.add_argument("--court-body")
    q.add_argument("--decision-no")
    q.add_argument("--in-force", type=date_arg)
    q.set_defaults(handler=cmd_set)


def cmd_list(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models.registration_journal import COLUMNS, journal

    lang = cfg.language
    with session(cfg) as user:
        rows = journal(user, journal_filter(ns), lang)
    table = Table(*(c(lang) for c in COLUMNS), box=None, show_lines=False)
    for r in rows:
        table.add_row(*r.columns)
    Console(width=200).print(table)
    print(COUNT(lang).format(n=len(rows)))
    return 0


def cmd_add(ns: argparse.Namespace, cfg: Config) -> int:
    from models.registration_journal import JournalRefused, add_entry

    values = {"number": ns.number, "registered_on": ns.date, "result": ns.result,
              "result_date": ns.result_date, "offender": ns.offender, "legal": ns.legal,
              "article": ns.article, "part": ns.part, "paragraph": ns.paragraph,
              "filing_body": ns.filing_body, "court_body": ns.court_body,
              "decision_no": ns.decision_no, "in_force_on": ns.in_force, "penalty": ns.penalty,
              "filled_by": ns.filled_by}
    with session(cfg) as user:
        try:
            e = add_entry(values, user)
        except JournalRefused as exc:
            raise refused(exc, cfg.language) from None
    print(ADDED(cfg.language).format(n=e.number, d=f"{e.registered_on:%d.%m.%Y}"))
    return 0


def cmd_set(ns: argparse.Namespace, cfg: Config) -> int:
    from models.registration_journal import JournalRefused, set_details

    with session(cfg) as user:
        try:
            set_details(ns.card, user, ns.court_body, ns.decision_no, ns.in_force)
        except JournalRefused as exc:
            raise refused(exc, cfg.language) from None
    print(SAVED(cfg.language).format(card=ns.card))
    return 0


def print_journal(ns: argparse.Namespace, cfg: Config, user, at: dt.datetime):
    from models.printing.journal import journal_document
    from models.registration_journal import journal

    flt = journal_filter(ns)
    rows = journal(user, flt, cfg.language)
    return journal_document(rows, flt, cfg.language, cfg.organisation_name, user.login, at)
