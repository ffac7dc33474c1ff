"""Liability requests on screen (§37-§41, Appendix 5): the register of requests with their
deadlines (overdue marked "!"), the form to key one from paper, and the check of one
request: the duplicate engine's candidates with their bands, each confirmed or rejected
by the operator, then the answer and its printout.

List keys: Enter check / print the answer, Ins new request, Esc close.
Check keys: Up/Down candidate, 1 the person asked about, 2 a different person,
F5 search again, F2 answer, Ctrl+P print the answer, Esc close.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from textual import events
from textual.containers import Vertical

from models import lifecycle
from models import requests as rq
from models.card_schema import Field, Kind
from models.i18n import T
from models.permissions import PermissionDenied
from models.register_tables import LiabilityRequest
from tui.screens.doc_form import DocForm, Refused, Spec
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

LIST_TITLE = T("Әкімшілік жауапкершілікке тарту туралы сұраулар (5-қосымша)",
               "Запросы о привлечении к ответственности (Приложение 5)")
LIST_HINT = T("Enter: тексеру/жауап  Ins: жаңа сұрау  Esc: жабу",
              "Enter: проверка/ответ  Ins: новый запрос  Esc: закрыть")
COUNT = T("Сұрау: {n}, ашық: {open}, мерзімі өткен: {late}",
          "Запросов: {n}, открытых: {open}, просрочено: {late}")
STATUS = {rq.OPEN: T("ашық", "открыт"), rq.ANSWERED: T("жауап", "исполнен"),
          rq.RETURNED: T("қайтарылды", "возвращён")}
CHECK_HINT = T("1: осы тұлға  2: басқа  F5: қайта іздеу  F2: жауап  Ctrl+P: басу  Esc",
               "1: это лицо  2: другое  F5: искать снова  F2: ответ  Ctrl+P: печать  Esc")
DUE = T("мерзімі {d}", "срок {d}")
FORMER = T("Бұрынғы деректер: {f}", "Прежние данные: {f}")
NONE_FOUND = T("Үміткер жоқ: жауап «Мәліметтер жоқ» болады (F2)",
               "Кандидатов нет: ответ будет «Сведений нет» (F2)")
CARDS = T("{n} карточка", "карточек: {n}")
ANSWERED = T("Жауап берілді: {what}. Ctrl+P: басып шығару",
             "Ответ дан: {what}. Ctrl+P: печать")
NO_INFO = T("мәліметтер жоқ", "сведений нет")
RECORDS = T("{n} жазба", "записей: {n}")
MARK = {rq.SAME: "+", rq.DIFFERENT: "-", "": "?"}
DETAIL = 7
MORE = T("  ... тағы {n} (барлығы басып шығаруда)", "  ... ещё {n} (все в печатной форме)")
REPETITION = T("Қайталануды анықтау қажет: 1 жұмыс күні", "Нужно установить повторность: 1 рабочий день")


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def who(r: LiabilityRequest) -> str:
    if r.subject_kind == rq.LEGAL:
        return " ".join(x for x in (r.legal_name, r.bin or r.rnn) if x)
    return " ".join(x for x in (r.surname, r.given_name, r.patronymic, _d(r.birth_date)) if x)


class RequestsScreen(DocWindow):
    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session)
        self.rows: list[LiabilityRequest] = []

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="count")
            yield PickList(id="requests")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(LIST_TITLE))
        self.query_one("#hint", TextLine).set_text(self.tr(LIST_HINT))
        self.reload()

    def reload(self) -> None:
        today = dt.date.today()
        try:
            rows = rq.list_requests(self.session.user)
        except PermissionDenied as exc:
            self.say(exc.message)
            return
        # open ones first, the most urgent first; then the rest, newest first
        self.rows = sorted(rows, key=lambda r: (r.status != rq.OPEN,
                                                r.due_on if r.status == rq.OPEN else
                                                dt.date.max - r.received_on))
        late = sum(rq.is_overdue(r, today) for r in self.rows)
        pick = self.query_one(PickList)
        pick.set_rows([self._line(r, today) for r in self.rows], pick.index)
        self.query_one("#count", TextLine).set_text(self.tr(COUNT).format(
            n=len(self.rows), open=sum(r.status == rq.OPEN for r in self.rows), late=late))

    def _line(self, r: LiabilityRequest, today: dt.date) -> str:
        mark = "!" if rq.is_overdue(r, today) else " "
        return (f"{mark}{r.id:>4} {fit(r.number, 10):<10} {r.received_on:%d.%m.%y} "
                f"{r.due_on:%d.%m.%y} {fit(STATUS[r.status](self.lang), 9):<9} "
                f"{'R' if r.repetition else ' '} {fit(who(r), 38)}")

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        if event.key == "escape":
            self.dismiss(None)
        elif event.key == "insert":
            self.app.push_screen(RequestFormScreen(self.session), self._keyed)
        elif not self.query_one(PickList).pick_key(event):
            return
        event.stop()
        event.prevent_default()

    def _keyed(self, req: Any) -> None:
        self.reload()
        if isinstance(req, LiabilityRequest):
            self.app.push_screen(RequestCheckScreen(self.session, req.id),
                                 lambda _: self.reload())

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        if self.rows:
            r = self.rows[event.index]
            self.app.push_screen(RequestCheckScreen(self.session, r.id), lambda _: self.reload())


_PERSON_LINES = frozenset(("surname", "given_name", "patronymic", "birth_date", "iin",
                           "birthplace", "address", "former_surname", "former_given_name"))
_LEGAL_LINES = frozenset(("rnn", "bin", "legal_name", "legal_address"))


def _legal_shown(raws: Mapping[str, str]) -> bool:
    return raws.get("kind", "").strip() == "2"


def _person_shown(raws: Mapping[str, str]) -> bool:
    return not _legal_shown(raws)


class RequestFormScreen(DocForm):
    """A request keyed from paper: the form's lines 1-13, its number and dates."""

    TITLE = T("Сұрау (5-қосымша): қағаздан енгізу", "Запрос (Приложение 5): ввод с бумаги")
    INFO_LINES = 1
    ROWS_SHOWN = 12
    OPTION_ROWS = 2

    def fields(self) -> list[Spec]:
        t, d = Kind.TEXT, {"kind": Kind.DATE, "length": 10}
        kinds = [("1", T("жеке тұлға (1-6-жолдар)", "физическое лицо (строки 1-6)")),
                 ("2", T("заңды тұлға, ЖК (7-9-жолдар)", "юр. лицо, ИП (строки 7-9)"))]
        rows: list[tuple[str, T, Kind | dict, int]] = [
            ("number", T("Сұрау №", "№ запроса"), t, 20),
            ("received_on", T("Түскен күні", "Дата поступления"), d, 0),
            ("request_date", T("Сұрау күні", "Дата запроса"), d, 0),
            ("surname", T("1. Тегі", "1. Фамилия"), t, 60),
            ("given_name", T("2. Аты", "2. Имя"), t, 60),
            ("patronymic", T("3. Әкесінің аты", "3. Отчество"), t, 60),
            ("birth_date", T("4. Туған күні", "4. Дата рождения"), d, 0),
            ("iin", T("ЖСН", "ИИН"), Kind.IIN, 12),
            ("birthplace", T("5. Туған жері", "5. Место рождения"), t, 200),
            ("address", T("6. Мекенжайы", "6. Адрес"), t, 200),
            ("former_surname", T("Бұрынғы тегі (§38)", "Прежняя фамилия (§38)"), t, 60),
            ("former_given_name", T("Бұрынғы аты (§38)", "Прежнее имя (§38)"), t, 60),
            ("rnn", T("7. СТН", "7. РНН"), Kind.RNN, 12),
            ("bin", T("7. БСН", "7. БИН"), Kind.BIN, 12),
            ("legal_name", T("8. Атауы", "8. Наименование"), t, 250),
            ("legal_address", T("9. Мекенжайы", "9. Адрес"), t, 250),
            ("grounds", T("10. Тексеру негіздері", "10. Основания проверки"), t, 1000),
            ("repetition", T("Қайталануды анықтау (1 күн)", "Повторность (ответ 1 день)"),
             Kind.FLAG, 1),
            ("head", T("11. Орган басшысы", "11. Руководитель органа"), t, 150),
            ("executor", T("12. Орындаушы", "12. Исполнитель"), t, 150),
            ("sender_body", T("Мемлекеттік орган", "Государственный орган"), t, 250),
            ("sender_address", T("13. Жіберушінің мекенжайы", "13. Адрес отправителя"), t, 500),
        ]
        specs = [Spec(Field("kind", T("Тұлға: 1 жеке, 2 заңды", "Лицо: 1 физ., 2 юр."), Kind.CODE,
                            1), "1", options=lambda: kinds)]
        for name, label, kind, length in rows:
            extra = kind if isinstance(kind, dict) else {"kind": kind, "length": length}
            specs.append(Spec(Field(name, label, **extra),
                              dt.date.today().strftime("%d%m%Y") if name == "received_on" else "",
                              shown=_legal_shown if name in _LEGAL_LINES else
                              _person_shown if name in _PERSON_LINES else None))
        return specs

    def info(self) -> list[str]:
        return [self.tr(T("Міндетті: 1-4 (немесе 7-8) және 10-жолдар",
                          "Обязательно: строки 1-4 (или 7-8) и 10"))]

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        values = dict(values)
        values["subject_kind"] = rq.LEGAL if values.pop("kind", "1") == "2" else rq.INDIVIDUAL
        former = {"surname": values.pop("former_surname", None),
                  "given_name": values.pop("former_given_name", None)}
        values["former"] = [former] if any(former.values()) else []
        try:
            req = rq.add_request(values, self.session.user, cal=self.session.cfg.calendar)
        except (rq.RequestRefused, PermissionDenied) as exc:
            raise Refused(exc.message) from None
        return req, T("", "")

    def after_save(self) -> None:
        self.dismiss(self.saved)  # the list opens the check of the new request


class RequestCheckScreen(DocWindow):
    """One request: search, confirm each candidate, answer, print."""

    def __init__(self, session: Session, request_id: int) -> None:
        super().__init__(session)
        self.request_id = request_id
        self.found: list[rq.Found] = []

    @property
    def req(self) -> LiabilityRequest:
        return LiabilityRequest.get_by_id(self.request_id)

    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="former")
            yield PickList(id="candidates")
            for i in range(DETAIL):
                yield TextLine(id=f"card{i}")
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        req = self.req
        if req.status == rq.OPEN:
            self._search()
        else:
            self.found = rq.candidates(req.id)
        self.relabel()

    def _search(self) -> None:
        try:
            self.found = rq.search(self.request_id, self.session.user,
                                   thresholds=self.session.cfg.matching)
        except (rq.RequestRefused, PermissionDenied) as exc:
            self.say(exc.message)

    def relabel(self) -> None:
        req = self.req
        late = "!" if rq.is_overdue(req, dt.date.today()) else ""
        self.query_one("#title", TextLine).set_text(
            f"№ {req.number or req.id}: {who(req)} · {self.tr(DUE).format(d=_d(req.due_on))}"
            f"{late}")
        former = "; ".join(" ".join(str(v) for v in f.values() if v)
                           for f in rq.former_data(req))
        note = [self.tr(FORMER).format(f=former)] if former else []
        if req.repetition:
            note.append(self.tr(REPETITION))
        self.query_one("#former", TextLine).set_text("; ".join(note))
        pick = self.query_one(PickList)
        pick.set_rows([self._line(c) for c in self.found], pick.index)
        self._detail(pick.index)
        self.query_one("#hint", TextLine).set_text(self.tr(CHECK_HINT))
        if req.status != rq.OPEN:
            self._answered(req)
        elif not self.found:
            self.say(NONE_FOUND)

    def _line(self, c: rq.Found) -> str:
        band = rq.band_label(c.band)(self.lang)
        return (f"[{MARK[c.decision]}] {band:<9} {c.score:.2f} {fit(c.name, 33):<33} "
                f"{_d(c.birth_date):<10} {self.tr(CARDS).format(n=len(c.cards))}")

    def _detail(self, index: int) -> None:
        lines: list[str] = []
        if self.found:
            c = self.found[min(index, len(self.found) - 1)]
            lines += [f"  {h(self.lang)}" for h in c.former_names[:2]]
            for card in c.cards:
                name = card.legal_name or " ".join(x for x in (card.surname, card.given_name) if x)
                art = "/".join(x for x in (card.article, card.part) if x)
                status = lifecycle.status_label(card.status)(self.lang)
                lines.append(f"  {card.id:>6} {_d(card.offence_date)} {fit(name, 28):<28} "
                             f"{art:<10} {fit(status, 16)}")
        if len(lines) > DETAIL:
            lines[DETAIL - 1] = self.tr(MORE).format(n=len(lines) - DETAIL + 1)
        for i in range(DETAIL):
            self.query_one(f"#card{i}", TextLine).set_text(lines[i] if i < len(lines) else "")

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self._detail(event.index)

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        key = event.key
        pick = self.query_one(PickList)
        if key == "escape":
            self.dismiss(None)
        elif key in ("1", "2") and self.found:
            self._decide(pick.index, rq.SAME if key == "1" else rq.DIFFERENT)
        elif key in ("f5", "alt+5"):
            self._search()
            self.relabel()
        elif key in ("f2", "alt+2"):
            self._answer()
        elif key == "ctrl+p":
            self._print()
        elif not pick.pick_key(event):
            return
        event.stop()
        event.prevent_default()

    def _decide(self, index: int, decision: str) -> None:
        c = self.found[index]
        try:
            rq.decide(self.request_id, c.candidate_id, decision, self.session.user)
        except (rq.RequestRefused, PermissionDenied) as exc:
            self.say(exc.message)
            return
        self.found = rq.candidates(self.request_id)
        pick = self.query_one(PickList)
        pick.set_rows([self._line(x) for x in self.found], min(index + 1, len(self.found) - 1))
        self._detail(pick.index)
        self.say("")

    def _answer(self) -> None:
        try:
            req = rq.answer(self.request_id, self.session.user)
        except (rq.RequestRefused, PermissionDenied) as exc:
            self.say(exc.message)
            return
        self._answered(req)

    def _answered(self, req: LiabilityRequest) -> None:
        n = len(json.loads(req.answer_cards or "[]"))
        what = RECORDS.format(n=n) if n else NO_INFO
        if req.status == rq.RETURNED:
            self.say(STATUS[rq.RETURNED])
            return
        self.say(T(ANSWERED.kk.format(what=what.kk), ANSWERED.ru.format(what=what.ru)))

    def _print(self) -> None:
        from models.printing.answer import answer_document
        from tui.screens.print_dialog import PrintDialog

        doc = answer_document(self.req, self.lang, self.session.user.login,
                              dt.datetime.now().replace(microsecond=0))
        self.app.push_screen(PrintDialog(self.session, doc))
