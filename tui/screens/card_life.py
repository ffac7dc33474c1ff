"""The card's life on screen (§11, §12, §33, §35, §36): its status and deadlines, its
notices and protest links, and every step it can take from here: dispatch, return and
removal (with a reason), execution (with its date), the notices, the protest, the
journal's columns 3 and 9, the printout. Each step goes through the same model
functions as `apcard card ...`: same role checks, same rules, same log. A step the
card's status or the user's role does not allow is dimmed; choosing it says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.containers import Vertical

from models import lifecycle, notices, protests
from models.card_schema import Field, Kind
from models.corrections import CorrectionRefused, change_status
from models.db import is_database_error, one_line
from models.i18n import T
from models.lifecycle import Event
from models.permissions import Action, PermissionDenied, allowed
from models.registration_journal import JournalRefused, set_details
from models.tables import Card
from tui.screens.doc_form import DocForm, Refused, Spec
from tui.screens.doc_window import DocWindow
from tui.session import Session
from tui.widgets.line import TextLine
from tui.widgets.picklist import PickList

TITLE = T("№ {id} карточканың өмірі: {who}", "Жизнь карточки № {id}: {who}")
STATUS = T("Күйі: {s} · нұсқа {v}", "Статус: {s} · версия {v}")
RECEIVED = T("Түсті (7-жол): {r} · Басқарма қайтаратын соңғы күн: {b}{late}",
             "Поступила (стр. 7): {r} · Управление возвращает до: {b}{late}")
RETURNED = T("Қайтарылды: {d} · {due} жіберумен қайта жіберу{over}",
             "Возвращена: {d} · отправить заново с отправкой {due}{over}")
LATE = T(" (кеш қайтарылды)", " (возвращена с опозданием)")
OVER = T(" — МЕРЗІМІ ӨТКЕН", " — ПРОСРОЧЕНА")
NOTICES = T("Хабарламалар: {list}", "Извещения: {list}")
SHORT = {"execution": T("орындалу", "исполнение"), "release": T("босату", "освобождение")}
HINT = T("Enter: орындау  Ctrl+P: басып шығару  Esc: жабу",
         "Enter: выполнить  Ctrl+P: печать  Esc: закрыть")
NOT_NOW = T("Карточканың күйі бұған рұқсат бермейді", "Статус карточки этого не допускает")
NOT_YOURS = T("Сіздің рөліңізге рұқсат жоқ", "Вашей роли это не разрешено")
DONE = T("Орындалды: {s}", "Выполнено: {s}")
NO_CARD = T("Алдымен тіркелген карточканы ашыңыз", "Сначала откройте зарегистрированную карточку")


@dataclass(frozen=True)
class Step:
    id: str
    label: T
    action: Action
    event: Event | None = None  # a status step: allowed only from its statuses


STEPS = (
    Step("dispatch", T("Басқармаға жіберу (жіберу күндері)", "Отправить в Управление (в дни отправки)"),
         Action.DISPATCH_CARD, Event.DISPATCH),
    Step("return", T("Түзетуге қайтару (себебімен)", "Вернуть на исправление (с причиной)"),
         Action.RETURN_CARD, Event.RETURN),
    Step("remove", T("Алып тастау (себебімен)", "Удалить карточку (с причиной)"),
         Action.REMOVE_CARD, Event.REMOVE),
    Step("execute", T("Жаза орындалды (күнімен)", "Отметить исполнение (с датой)"),
         Action.EXECUTE_CARD, Event.EXECUTE),
    Step("execution", T("Орындалу туралы хабарлама (3-қосымша)",
                        "Извещение об исполнении (Приложение 3)"), Action.ENTER_NOTICE),
    Step("release", T("Босату туралы хабарлама (4-қосымша)",
                      "Извещение об освобождении (Приложение 4)"), Action.ENTER_NOTICE),
    Step("protest", T("Наразылық нәтижесі (19, 19.1-жолдар)", "Результат протеста (строки 19, 19.1)"),
         Action.ENTER_PROTEST),
    Step("journal", T("Журналдың 3 және 9-бағандары", "Графы 3 и 9 журнала регистрации"),
         Action.KEEP_REGISTER),
    Step("print", T("Карточканы басып шығару", "Печать карточки"), Action.READ_CARD),
)
LIVE = {s.value for s in lifecycle.LIVE}


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


class CardLifeScreen(DocWindow):
    def __init__(self, session: Session, card_id: int | None = None) -> None:
        super().__init__(session)
        self.card_id = card_id
        self.card: Card | None = None

    def compose(self):
        with Vertical(classes="dialog"):
            yield TextLine(role="title", id="title")
            for i in range(5):
                yield TextLine(id=f"info{i}")
            pick = PickList(id="steps")
            pick.styles.height = len(STEPS)
            yield pick
            yield TextLine(role="error", id="message")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.card = Card.get_or_none(Card.id == self.card_id) if self.card_id else None
        self.relabel()

    # -- what is shown ------------------------------------------------------------------
    def relabel(self) -> None:
        title = self.query_one("#title", TextLine)
        card = self.card
        if card is None or card.status not in LIVE | {"removed", "purged"}:
            title.set_text(self.tr(NO_CARD))
            self.query_one(PickList).set_rows([])
            return
        who = card.legal_name or " ".join(x for x in (card.surname, card.given_name) if x)
        title.set_text(self.tr(TITLE).format(id=card.id, who=who))
        for i, text in enumerate(self._info(card) + [""] * 5):
            if i < 5:
                self.query_one(f"#info{i}", TextLine).set_text(text)
        pick = self.query_one(PickList)
        dim = {i for i, s in enumerate(STEPS) if self._why_not(s) is not None}
        # "-" marks a step not open now: legible without colours or dim text
        pick.set_rows([("- " if i in dim else "  ") + self.tr(s.label)
                       for i, s in enumerate(STEPS)], pick.index, dim)
        self.query_one("#hint", TextLine).set_text(self.tr(HINT))

    def _info(self, card: Card) -> list[str]:
        lang = self.lang
        due = lifecycle.card_deadlines(card, self.session.cfg)
        lines = [STATUS(lang).format(s=lifecycle.status_label(card.status)(lang), v=card.version),
                 RECEIVED(lang).format(r=_d(due.received), b=_d(due.return_by),
                                       late=LATE(lang) if due.returned_late else "")]
        if due.returned:
            lines.append(RETURNED(lang).format(d=_d(due.returned), due=_d(due.resend_by),
                                               over=OVER(lang) if due.overdue else ""))
        made = notices.card_notices(card.id)
        if made:
            lines.append(NOTICES(lang).format(list="; ".join(
                f"№{n.id} {SHORT[n.kind](lang)} {_d(n.issued_on)}"
                + ("!" if notices.is_late(n) else "") for n in made[-3:])))
        lines += list(protests.link_notes(card.id, lang))
        return lines[:5]

    def _why_not(self, step: Step) -> T | None:
        card = self.card
        if card is None:
            return NO_CARD
        if not allowed(self.session.user, step.action):
            return NOT_YOURS
        if step.event is not None and not lifecycle.allowed_from(step.event, card.status):
            return NOT_NOW
        if step.id == "execution":
            return notices.execution_refusal(card)
        if step.id in ("release", "protest", "journal") and card.status not in LIVE:
            return NOT_NOW
        if step.id == "protest":
            return protests.refusal(card.id)
        return None

    # -- keys -------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            return
        if event.key == "escape":
            self.dismiss(None)
        elif event.key == "ctrl+p":
            self._run(STEPS[-1])
        elif not self.query_one(PickList).pick_key(event):
            return
        event.stop()
        event.prevent_default()

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        why = self._why_not(STEPS[event.index])
        self.say(why or "")

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        self._run(STEPS[event.index])

    def _run(self, step: Step) -> None:
        why = self._why_not(step)
        if why is not None:
            self.say(why)
            return
        assert self.card is not None
        opens: dict[str, Callable[[], Any]] = {
            "execution": lambda: _screen("tui.screens.notice_form", "ExecutionNoticeScreen"),
            "release": lambda: _screen("tui.screens.notice_form", "ReleaseNoticeScreen"),
            "protest": lambda: _screen("tui.screens.protest_form", "ProtestScreen"),
            "execute": lambda: ExecuteForm, "journal": lambda: JournalColumnsForm,
        }
        if step.id in opens:
            self.app.push_screen(opens[step.id]()(self.session, self.card.id),
                                 lambda _: self.reload())
        elif step.id in ("return", "remove"):
            from tui.screens.correction_reason import ReasonDialog

            self.app.push_screen(ReasonDialog(self.lang, step.id),
                                 lambda choice: self._step(step, choice))
        elif step.id == "dispatch":
            self._step(step, None)
        elif step.id == "print":
            self._print()

    def _step(self, step: Step, choice: Any) -> None:
        if step.id in ("return", "remove") and choice is None:
            return  # the reason window was closed: nothing done
        assert self.card is not None and step.event is not None
        try:
            saved = change_status(self.card.id, step.event, self.session.user,
                                  reason_code=getattr(choice, "code", None),
                                  reason_text=getattr(choice, "text", None),
                                  dispatch_days=self.session.cfg.dispatch_days,
                                  cal=self.session.cfg.calendar)
        except (CorrectionRefused, PermissionDenied) as exc:
            self.say(exc.message)
            return
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self.say(one_line(exc))
            return
        self.reload()
        label = lifecycle.status_label(saved.status)
        self.say(T(DONE.kk.format(s=label.kk), DONE.ru.format(s=label.ru)))

    def _print(self) -> None:
        from models.printing.card import card_document
        from tui.screens.print_dialog import PrintDialog

        assert self.card is not None
        doc = card_document(self.card, self.lang, self.session.user.login,
                            dt.datetime.now().replace(microsecond=0),
                            protests.link_notes(self.card.id, self.lang))
        self.app.push_screen(PrintDialog(self.session, doc))


def _screen(module: str, name: str) -> Any:
    return getattr(__import__(module, fromlist=[name]), name)


class ExecuteForm(DocForm):
    """The day the penalty was fully executed: retention counts from it (§13)."""

    TITLE = T("Жаза орындалды", "Отметка об исполнении взыскания")
    INFO_LINES = 1

    def fields(self) -> list[Spec]:
        return [Spec(Field("executed_on", T("Толық орындалған күні", "Дата полного исполнения"),
                           Kind.DATE, 10), dt.date.today().strftime("%d%m%Y"))]

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        try:
            saved = change_status(self.card_id or 0, Event.EXECUTE, self.session.user,
                                  executed_on=values["executed_on"])
        except (CorrectionRefused, PermissionDenied) as exc:
            raise Refused(exc.message) from None
        return saved, T("Орындалды деп белгіленді", "Отмечено исполнение")


class JournalColumnsForm(DocForm):
    """Columns 3 and 9 of the card's entry in the registration journal."""

    TITLE = T("Тіркеу журналы: 3 және 9-бағандар", "Журнал регистрации: графы 3 и 9")
    INFO_LINES = 1

    def fields(self) -> list[Spec]:
        return [Spec(Field("court_body", T("3. Сотқа жіберген орган", "3. Направил в суд"),
                           Kind.TEXT, 250)),
                Spec(Field("decision_no", T("9. Қаулы №", "9. № постановления"), Kind.TEXT, 30)),
                Spec(Field("in_force_on", T("9. Заңды күшіне енген күні", "9. Вступило в силу"),
                           Kind.DATE, 10))]

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        try:
            entry = set_details(self.card_id or 0, self.session.user, values["court_body"],
                                values["decision_no"], values["in_force_on"])
        except (JournalRefused, PermissionDenied) as exc:
            raise Refused(exc.message) from None
        return entry, T("Журнал жазбасы сақталды", "Запись журнала сохранена")
