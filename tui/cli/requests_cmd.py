"""`apcard requests ...`: liability requests, the repeat-offence check (§37-§41, App. 5).

    add            key a request from paper (grounds mandatory; --former-* for §38)
    list           requests with their deadlines; overdue marked
    show ID        the request's candidates: band, score, cards, former identification
    search ID      run the duplicate engine (current and former data)
    confirm ID CANDIDATE same|different     the operator's word on one candidate
    answer ID      close with the answer (records found, or "No information")
    answer FILE.csv --out DIR               a batch: register, search, answer, write
    return ID --reason TEXT                 §39: returned unexecuted
`apcard print answer ID` prints the answer."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from models.config import Config
from models.i18n import T
from tui.cli import CliError
from tui.cli.acting import date_arg, number_arg, refused, session
from tui.cli.base import os_error, say

ADDED = T("№ {id} сұрау тіркелді; мерзімі {due}", "Запрос № {id} зарегистрирован; срок {due}")
FOUND = T("Үміткер: {n}, шешілмегені: {left}", "Кандидатов: {n}, не решено: {left}")
ANSWERED = T("№ {id} сұрауға жауап берілді: {what}", "Запрос № {id} исполнен: {what}")
NO_INFO = T("мәліметтер жоқ", "сведений нет")
RECORDS = T("{n} жазба", "записей: {n}")
RETURNED = T("№ {id} сұрау орындалмай қайтарылды", "Запрос № {id} возвращён без исполнения")
DECIDED = T("Шешім сақталды", "Решение сохранено")
BATCH = T("Жолдар: {rows}; жауап берілді: {ans} (мәліметтер жоқ: {none}); растауды күтеді: "
          "{wait}; қабылданбады: {bad}. Нәтижелер: {dir}",
          "Строк: {rows}; исполнено: {ans} (сведений нет: {none}); ждут подтверждения: "
          "{wait}; отклонено: {bad}. Итоги: {dir}")
PROBE = {"current": T("қазіргі", "текущие"), "former": T("бұрынғы", "прежние")}
STATUS = {"open": T("ашық", "открыт"), "answered": T("жауап берілді", "исполнен"),
          "returned": T("қайтарылды", "возвращён")}
DECISION = {"same": T("сол тұлға", "то же лицо"), "different": T("басқа", "другое"),
            "": T("шешілмеген", "не решено")}
REQUEST_NO = T("сұрау нөмірі", "номер запроса")
HEAD = (T("№", "№"), T("сұрау", "запрос"), T("түсті", "поступил"), T("мерзімі", "срок"),
        T("күйі", "статус"), T("өтті", "просроч."), T("тұлға", "лицо"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("requests", help=say(T(
        "жауаптылыққа тарту туралы сұраулар (5-қосымша): енгізу, тізім, көрсету, іздеу, "
        "растау, жауап (біреу не CSV буыны), қайтару",
        "запросы о привлечении к ответственности (приложение 5): ввод, список, показ, поиск, "
        "подтверждение, ответ (один или пакет CSV), возврат")))
    rs = p.add_subparsers(dest="requests_command", required=True,
                          metavar="{add,list,show,search,confirm,answer,return}")
    q = rs.add_parser("add", help=say(T("қағаздағы сұрауды енгізу", "ввести запрос с бумаги")))
    for name in ("number", "surname", "given-name", "patronymic", "birthplace", "address",
                 "iin", "rnn", "bin", "legal-name", "legal-address", "grounds", "head",
                 "executor", "sender-body", "sender-address", "former-surname",
                 "former-given-name", "former-patronymic"):
        q.add_argument(f"--{name}", default="")
    for name in ("birth-date", "request-date", "received", "former-birth-date"):
        q.add_argument(f"--{name}", type=date_arg)
    q.add_argument("--legal", action="store_true", help=say(T(
        "заңды тұлға не кәсіпкер", "юридическое лицо или предприниматель")))
    q.add_argument("--repetition", action="store_true", help=say(T(
        "қайталануды анықтау: 1 күн", "установить повторность: 1 день")))
    q.add_argument("--hand", action="store_true", help=say(T(
        "қолма-қол жеткізілді (әдепкі: пошта)", "доставлен нарочно (по умолчанию почтой)")))
    q.set_defaults(handler=cmd_add)
    q = rs.add_parser("list", help=say(T(
        "сұраулар мерзімдерімен (5 / 1 жұмыс күні)", "запросы со сроками (5 / 1 рабочий день)")))
    q.add_argument("--status", choices=("open", "answered", "returned"), help=say(T(
        "open: ашық, answered: жауап берілді, returned: қайтарылды",
        "open: открыт, answered: исполнен, returned: возвращён")))
    q.add_argument("--overdue", action="store_true", help=say(T(
        "тек мерзімі өткендері", "только просроченные")))
    q.set_defaults(handler=cmd_list)
    for name, text in (("show", T("табылған үміткерлер карточкаларымен",
                                  "найденные кандидаты с их карточками")),
                       ("search", T("сұраудағы адамды тізілімнен іздеу",
                                    "поиск лица из запроса в реестре"))):
        q = rs.add_parser(name, help=say(text))
        q.add_argument("id", type=number_arg, help=say(REQUEST_NO))
        q.set_defaults(handler=cmd_show, search=name == "search")
    q = rs.add_parser("confirm", help=say(T(
        "бір үміткер туралы шешім: сол адам не басқа", "решение по кандидату: то же лицо или другое")))
    q.add_argument("id", type=number_arg, help=say(REQUEST_NO))
    q.add_argument("candidate", type=number_arg, metavar=say(T("ҮМІТКЕР", "КАНДИДАТ")),
                   help=say(T("үміткер нөмірі", "номер кандидата")))
    q.add_argument("decision", choices=("same", "different"), help=say(T(
        "same: сол адам, different: басқа", "same: то же лицо, different: другое")))
    q.set_defaults(handler=cmd_confirm)
    q = rs.add_parser("answer", help=say(T(
        "ID сұрауына не FILE.csv әр сұрауына жауап", "ответить на запрос ID или на каждый из FILE.csv")))
    q.add_argument("target", metavar="ID|FILE.csv", help=say(T("сұрау нөмірі не сұраулардың CSV файлы",
                                        "номер запроса или CSV-файл запросов")))
    q.add_argument("--out", help=say(T("буын: жауаптар қалтасы (құрылады)",
                                       "пакет: папка для ответов (создаётся)")))
    q.add_argument("--executor", default="", help=say(T(
        "тексеруді жасаған (әдепкі: сіз)", "кто провёл проверку (по умолчанию вы)")))
    q.set_defaults(handler=cmd_answer)
    q = rs.add_parser("return", help=say(T(
        "39-т.: қате сұрауды орындамай қайтару", "п. 39: вернуть неверный запрос без исполнения")))
    q.add_argument("id", type=number_arg, help=say(REQUEST_NO))
    q.add_argument("--reason", required=True, help=say(T("қайтару себебі", "причина возврата")))
    q.set_defaults(handler=cmd_return)


def cmd_add(ns: argparse.Namespace, cfg: Config) -> int:
    from models.requests import LEGAL, RequestRefused, add_request

    values: dict[str, Any] = {k: getattr(ns, k) for k in (
        "number", "surname", "given_name", "patronymic", "birthplace", "address", "iin", "rnn",
        "bin", "legal_name", "legal_address", "grounds", "head", "executor", "sender_body",
        "sender_address", "birth_date", "request_date")}
    values.update(received_on=ns.received, repetition=ns.repetition,
                  delivery="hand" if ns.hand else "post",
                  subject_kind=LEGAL if ns.legal else "individual")
    former = {"surname": ns.former_surname, "given_name": ns.former_given_name,
              "patronymic": ns.former_patronymic, "birth_date": ns.former_birth_date}
    values["former"] = [former] if any(former.values()) else []
    with session(cfg) as user:
        try:
            req = add_request(values, user, cal=cfg.calendar)
        except RequestRefused as exc:
            raise refused(exc, cfg.language) from None
    print(ADDED(cfg.language).format(id=req.id, due=f"{req.due_on:%d.%m.%Y}"))
    return 0


def cmd_list(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models.requests import LEGAL, is_overdue, list_requests

    lang, today = cfg.language, dt.date.today()
    table = Table(*(h(lang) for h in HEAD), box=None)
    with session(cfg) as user:
        for r in list_requests(user, status=ns.status, overdue=ns.overdue):
            who = r.legal_name if r.subject_kind == LEGAL else \
                f"{r.surname} {r.given_name} {r.birth_date or ''}"
            table.add_row(str(r.id), r.number, f"{r.received_on:%d.%m.%Y}",
                          f"{r.due_on:%d.%m.%Y}", STATUS[r.status](lang),
                          "!" if is_overdue(r, today) else "", who)
    Console(width=160).print(table)
    return 0


def cmd_show(ns: argparse.Namespace, cfg: Config) -> int:
    from models import lifecycle
    from models.requests import RequestRefused, band_label, candidates, pending, search

    lang = cfg.language
    with session(cfg) as user:
        try:
            found = search(ns.id, user, thresholds=cfg.matching) if ns.search \
                else candidates(ns.id)
        except RequestRefused as exc:
            raise refused(exc, lang) from None
        for c in found:
            born = f"{c.birth_date:%d.%m.%Y}" if c.birth_date else ""
            print(f"[{c.candidate_id}] {band_label(c.band)(lang):<9} {c.score:.2f} "
                  f"{PROBE[c.probe](lang):<9} {DECISION[c.decision](lang):<9} {c.name} {born} "
                  f"{c.iin}")
            for h in c.former_names:
                print(f"        {h(lang)}")
            for card in c.cards:
                day = f"{card.offence_date:%d.%m.%Y}" if card.offence_date else ""
                print(f"        {card.id:>7} {day} {card.surname or card.legal_name or ''} "
                      f"{card.article or ''}/{card.part or ''} "
                      f"{lifecycle.status_label(card.status)(lang)}")
        left = pending(ns.id)
    print(FOUND(lang).format(n=len(found), left=left))
    return 0


def cmd_confirm(ns: argparse.Namespace, cfg: Config) -> int:
    from models.requests import RequestRefused, decide

    with session(cfg) as user:
        try:
            decide(ns.id, ns.candidate, ns.decision, user)
        except RequestRefused as exc:
            raise refused(exc, cfg.language) from None
    print(DECIDED(cfg.language))
    return 0


def cmd_answer(ns: argparse.Namespace, cfg: Config) -> int:
    if ns.target.isascii() and ns.target.isdigit():
        return _answer_one(int(ns.target), ns, cfg)
    return _answer_batch(Path(ns.target), ns, cfg)


def _answer_one(request_id: int, ns: argparse.Namespace, cfg: Config) -> int:
    import json

    from models.requests import RequestRefused, answer

    lang = cfg.language
    with session(cfg) as user:
        try:
            req = answer(request_id, user, ns.executor)
        except RequestRefused as exc:
            raise refused(exc, lang) from None
    n = len(json.loads(req.answer_cards))
    print(ANSWERED(lang).format(id=req.id, what=RECORDS(lang).format(n=n) if n
                                else NO_INFO(lang)))
    return 0


def _answer_batch(path: Path, ns: argparse.Namespace, cfg: Config) -> int:
    from models.requests_batch import BatchError, answer_batch

    if not ns.out:
        raise CliError(T("requests answer FILE.csv үшін --out DIR керек",
                         "для requests answer FILE.csv нужен --out DIR"))
    if not path.is_file():
        raise CliError(T(f"мұндай файл жоқ: {path}", f"нет такого файла: {path}"))
    lang = cfg.language
    with session(cfg) as user:
        try:
            outcomes = answer_batch(path, Path(ns.out), user, lang=lang,
                                    thresholds=cfg.matching, cal=cfg.calendar)
        except BatchError as exc:
            raise CliError(exc.message) from None
        except OSError as exc:
            raise CliError(T(f"{ns.out} ішіне жазылмады: {os_error(exc)}",
                             f"не записать в {ns.out}: {os_error(exc)}")) from None
    count = {s: sum(o.status == s for o in outcomes) for s in
             ("answered", "no_information", "needs_confirmation", "refused")}
    for o in outcomes:
        if o.status == "refused":
            print(f"{path.name}:{o.row}: {o.message}")
    print(BATCH(lang).format(rows=len(outcomes), ans=count["answered"] + count["no_information"],
                             none=count["no_information"], wait=count["needs_confirmation"],
                             bad=count["refused"], dir=Path(ns.out) / "answers.csv"))
    return 1 if count["refused"] else 0


def cmd_return(ns: argparse.Namespace, cfg: Config) -> int:
    from models.requests import RequestRefused, return_request

    with session(cfg) as user:
        try:
            return_request(ns.id, ns.reason, user)
        except RequestRefused as exc:
            raise refused(exc, cfg.language) from None
    print(RETURNED(cfg.language).format(id=ns.id))
    return 0


def print_answer(ns: argparse.Namespace, cfg: Config, user: Any, at: dt.datetime) -> Any:
    from models.permissions import Action, require
    from models.printing.answer import answer_document
    from models.register_tables import LiabilityRequest

    require(user, Action.READ_REQUESTS)
    req = LiabilityRequest.get_or_none(LiabilityRequest.id == ns.id)
    if req is None:
        raise CliError(T(f"№ {ns.id} сұрау жоқ", f"нет запроса № {ns.id}"))
    return answer_document(req, cfg.language, user.login, at)
