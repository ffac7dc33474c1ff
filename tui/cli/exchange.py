"""`apcard export` and `apcard import`: packages between the tiers of the data bank, and
`apcard queue`: received cards waiting for an operator's decision.

Contract (scripts use it): `export --out PATH` writes one package at PATH (a file, or a
folder to put it in) and prints its path on stdout; `import PATH` exits 0 when the
package or acknowledgement is accepted (also when it was imported before), 1 when it is
rejected, and then nothing was written. Everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from models.config import Config
from models.db import is_postgres
from models.i18n import T
from tui.cli.base import CliError, open_db, say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help=say(T(
        "жоғары деңгейге жіберілетін карточкалар пакетін (оларды жібереді), түбіртекті не "
        "пакетті қайта жазу",
        "записать пакет карточек для уровня выше (отправляет их), квитанцию или пакет заново")))
    p.add_argument("--out", required=True, metavar="PATH", help=say(T(
        "пакет файлы не қалта", "файл пакета или папка")))
    p.add_argument("--any-day", action="store_true", help=say(T(
        "органның config.toml жіберу күндерінен тыс жіберуі",
        "отправка органа вне дней отправки config.toml")))
    p.add_argument("--again", metavar="IDENT", help=say(T(
        "бұрын жіберілген пакетті қайта жазу (дәл сондай)",
        "записать ранее отправленный пакет заново (идентичный)")))
    p.add_argument("--ack", metavar="SENDER", help=say(T(
        "SENDER үшін соңғысынан бері алынған және шешілгеннің түбіртегі",
        "квитанция для SENDER о принятом и решённом после предыдущей")))
    p.add_argument("--gz", action="store_true", help=say(T(
        "gzip-пен сығылған (PATH қалта болса)", "сжатый gzip (когда PATH — папка)")))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help=say(T("карточкалар пакетін не түбіртекті қабылдау",
                                            "принять пакет карточек или квитанцию")))
    p.add_argument("path", metavar="PATH", help=say(T("пакет не түбіртек файлы",
                                                      "файл пакета или квитанции")))
    p.add_argument("--ack-out", metavar="DIR", help=say(T(
        "түбіртек қалтасы (әдепкі: пакет қалтасы)", "папка для квитанции (по умолчанию папка "
        "пакета)")))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("queue", help=say(T("адам туралы шешімді күтетін қабылданған карточкалар",
                                           "принятые карточки, ждущие решения о лице")))
    qs = p.add_subparsers(dest="queue_command", required=True, metavar="{list,decide}")
    q = qs.add_parser("list", help=say(T("күтудегі карточкалар, үміткерлері мен мерзімдері",
                                         "ожидающие карточки, их кандидаты и сроки")))
    q.set_defaults(handler=cmd_queue_list)
    q = qs.add_parser("decide", help=say(T("сол адам, басқа адам, не карточканы қайтару",
                                           "то же лицо, другое лицо или вернуть карточку")))
    q.add_argument("id", type=int, help=say(T("кезек нөмірі", "номер в очереди")))
    q.add_argument("decision", choices=("same", "different", "return"), help=say(T(
        "same: сол адам, different: басқа, return: қайтару",
        "same: то же лицо, different: другое, return: вернуть")))
    q.add_argument("--person", type=int, help=say(T("үміткер адам (same)",
                                                    "лицо-кандидат (same)")))
    q.add_argument("--legal", type=int, help=say(T("үміткер заңды тұлға (same)",
                                                   "юрлицо-кандидат (same)")))
    q.add_argument("--reason", default="", help=say(T("карточканы қайтару себебі (return)",
                                                      "почему карточка возвращается (return)")))
    q.set_defaults(handler=cmd_queue_decide)


def _user(cfg: Config):
    from tui.cli.identity import acting_user

    return acting_user(cfg, None)


@contextlib.contextmanager
def _refusals(cfg: Config) -> Iterator[None]:
    from models.exchange.common import ExchangeError
    from models.permissions import PermissionDenied
    from tui.cli.core import db_errors

    with db_errors(cfg):
        try:
            yield
        except (ExchangeError, PermissionDenied) as exc:
            raise CliError(exc.message(cfg.language)) from None


@contextlib.contextmanager
def _bar(label: str) -> Iterator:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(label, BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _say(cfg: Config, text: T) -> None:
    print(text(cfg.language), file=sys.stderr)


def cmd_export(ns: argparse.Namespace, cfg: Config) -> int:
    from models.exchange import ack, export

    out = Path(ns.out).expanduser()
    with _refusals(cfg):
        open_db(cfg)
        user = _user(cfg)
        with _bar(say(T("шығару", "выгрузка"))) as tick:
            if ns.again:
                written = export.reexport(ns.again, out, ns.gz, tick)
            elif ns.ack:
                written = ack.write_ack(cfg, user, ns.ack, out, ns.gz)
                if written is None:
                    raise CliError(T("{s} үшін жауап берілмеген карточка жоқ",
                                     "Для {s} нет карточек без ответа").format(
                        s=ns.ack[:32])(cfg.language))
            else:
                written = export.export_cards(cfg, user, out, any_day=ns.any_day, gz=ns.gz,
                                              progress=tick)
    from models.exchange.common import counts_text

    _say(cfg, T("{i}: {n} жазба ({c})", "{i}: записей {n} ({c})").format(
        i=written.ident, n=written.records, c=counts_text(written.by_action, cfg.language)))
    print(written.path)
    return 0


BATCH_FROM = 3000  # records: a package this large is imported as a batch job


def _records(path: Path) -> int:
    from models.exchange import format as fmt
    from models.exchange.common import ExchangeError

    try:
        n = fmt.read_manifest(path).get("records")
    except ExchangeError:
        return 0  # receive() says what is wrong with it
    return n if isinstance(n, int) else 0


def cmd_import(ns: argparse.Namespace, cfg: Config) -> int:
    from models.exchange.receive import receive

    path = Path(ns.path).expanduser()
    ack_dir = Path(ns.ack_out).expanduser() if ns.ack_out else path.resolve().parent
    with _refusals(cfg):
        db = open_db(cfg)
        user = _user(cfg)
        if is_postgres(db) and _records(path) >= BATCH_FROM:
            # A batch beside operators keying on this server: it takes the processor time
            # they leave. (Not on SQLite: a starved import would hold the write lock longer,
            # and the operators wait for that.)
            os.nice(10)
        with _bar(say(T("қабылдау", "приём"))) as tick:
            got = receive(cfg, user, path, ack_dir=ack_dir, progress=tick)
    if got.already:
        _say(cfg, T("{i} бұрын енгізілген: ештеңе өзгерген жоқ",
                    "{i} уже введён: ничего не изменено").format(i=got.ident))
    else:
        from models.exchange.common import counts_text

        _say(cfg, T("{i} енгізілді: {c}", "{i} введён: {c}").format(
            i=got.ident, c=counts_text(got.results, cfg.language)))
    if got.pending:
        _say(cfg, T("{n} карточка оператордың шешімін күтеді: apcard queue list",
                    "{n} карточек ждут решения оператора: apcard queue list").format(
            n=got.pending))
    if got.ack is not None:
        _say(cfg, T("Квитанция:", "Квитанция:"))
        print(got.ack.path)
    return 0


def cmd_queue_list(ns: argparse.Namespace, cfg: Config) -> int:
    import datetime as dt

    from models.exchange import queue
    from models.text import strip_control

    today = dt.date.today()
    with _refusals(cfg):
        open_db(cfg)
        _user(cfg)
        items = queue.waiting()
    for w in items:
        late = T(" МЕРЗІМІ ӨТТІ", " ПРОСРОЧЕНО")(cfg.language) if w.overdue(today) else ""
        print(f"{w.id}\t{w.uid}\t{w.deadline:%d.%m.%Y}{late}\t{strip_control(w.label)}")
        for c in w.candidates:
            # tab-separated for scripts (bench/trial_exchange.py): kind and band as codes
            print(f"\t{c.kind} {c.id}\t{c.band} {c.score:.2f}\t{strip_control(c.label)}")
    _say(cfg, T("Күтуде: {n}", "Ожидают: {n}").format(n=len(items)))
    return 0


def cmd_queue_decide(ns: argparse.Namespace, cfg: Config) -> int:
    from models.exchange import queue

    with _refusals(cfg):
        open_db(cfg)
        out = queue.decide(cfg, ns.id, ns.decision, _user(cfg), person_id=ns.person,
                           legal_id=ns.legal, reason=ns.reason)
    from models.exchange.common import RESULT_LABELS

    result = RESULT_LABELS.get(out.result, T(out.result, out.result))(cfg.language)
    print(f"{ns.id}: {result}" + (f" ({out.card_id})" if out.card_id else ""))
    return 0
