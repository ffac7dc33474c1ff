"""Notices from the card on screen: of execution (Appendix 3: a payment, added to line
13) and of release (Appendix 4: the Code's ground). The rules are models.notices'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import notices
from models.card_schema import Field, Kind
from models.i18n import T
from models.printing.notices import notice_document
from models.tables import Card
from tui.screens.doc_form import DocForm, Refused, Spec
from tui.session import Session

D = {"kind": Kind.DATE, "length": 10}
CARD_LINE = T("№ {id} карточка: {who}; {art}", "Карточка № {id}: {who}; {art}")
FINE = T("12-жол салынды {imp}, 13-жол өндірілді {col}, қалды {left}",
         "Строка 12 наложено {imp}, строка 13 взыскано {col}, осталось {left}")
DUE_EXEC = T("Мерзімі: төлем құжаты түскеннен кейін 1 жұмыс күні (§35)",
             "Срок: 1 рабочий день после получения документа об уплате (§35)")
DUE_REL = T("Мерзімі: босатылғаннан кейін 3 тәулік (§36)", "Срок: 3 суток после освобождения (§36)")
MADE = T("№ {id} хабарлама сақталды; мерзімі {due}{late}", "Извещение № {id} сохранено; срок {due}{late}")
LATE = T(" — МЕРЗІМІ ӨТКЕН", " — ПРОСРОЧЕНО")
NO_CARD = T("Алдымен карточканы ашыңыз", "Сначала откройте карточку")
RELEASE_KIND = {"1": notices.LIABILITY, "2": notices.PENALTY}


def card_info(card: Card | None, lang: str) -> list[str]:
    if card is None:
        return [NO_CARD(lang)]
    who = card.legal_name or " ".join(x for x in (card.surname, card.given_name,
                                                  card.patronymic) if x)
    art = "/".join(x for x in (card.article, card.part, card.paragraph) if x)
    return [CARD_LINE(lang).format(id=card.id, who=who, art=art)]


def _money(n: int) -> str:
    return f"{n:,}".replace(",", " ")


class _NoticeForm(DocForm):
    """A notice made from the card on screen; printed as its appendix."""

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        self.card = Card.get_or_none(Card.id == card_id) if card_id else None
        super().__init__(session, card_id)

    def printout(self) -> Any:
        return notice_document(self.saved, self.lang, self.session.user.login,
                               dt.datetime.now().replace(microsecond=0))


class ExecutionNoticeScreen(_NoticeForm):
    TITLE = T("Жазаның орындалуы туралы хабарлама (3-қосымша)",
              "Извещение об исполнении взыскания (Приложение 3)")

    def fields(self) -> list[Spec]:
        left = notices.remaining(self.card).left if self.card else 0
        return [Spec(Field("amount", T("Төленген сома, теңге", "Уплачено, тенге"), Kind.AMOUNT,
                           12), str(left) if left else ""),
                Spec(Field("paid_on", T("Төлеген күні", "Дата уплаты"), **D)),
                Spec(Field("proof_on", T("Төлем құжаты түскен күні", "Документ об уплате получен"),
                           **D), dt.date.today().strftime("%d%m%Y")),
                Spec(Field("responsible", T("Жауапты лауазымды адам", "Ответственное лицо"),
                           Kind.TEXT, 150), _who(self.session))]

    def info(self) -> list[str]:
        lines = card_info(self.card, self.lang)
        if self.card is not None:
            due = notices.remaining(Card.get_by_id(self.card.id))
            lines.append(self.tr(FINE).format(imp=_money(due.imposed), col=_money(due.collected),
                                              left=_money(due.left)))
            why = notices.execution_refusal(Card.get_by_id(self.card.id))
            lines.append(self.tr(why) if why and self.saved is None else self.tr(DUE_EXEC))
        return lines

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        if self.card is None:
            raise Refused(NO_CARD)
        try:
            n = notices.add_execution(self.card.id, values["amount"] or "", values["paid_on"],
                                      self.session.user, proof_on=values["proof_on"],
                                      sender=self.session.cfg.organisation_name,
                                      responsible=values["responsible"] or "",
                                      cal=self.session.cfg.calendar)
        except notices.NoticeRefused as exc:
            raise Refused(exc.message) from None
        return n, _made(n)

class ReleaseNoticeScreen(_NoticeForm):
    TITLE = T("Жауаптылықтан немесе жазадан босату туралы хабарлама (4-қосымша)",
              "Извещение об освобождении (Приложение 4)")

    def fields(self) -> list[Spec]:
        kinds = [("1", notices.RELEASE_LABELS[notices.LIABILITY]),
                 ("2", notices.RELEASE_LABELS[notices.PENALTY])]

        def grounds() -> list[tuple[str, T]]:
            kind = RELEASE_KIND.get(self.boxes[0].raw) if self.boxes else None
            return [(e.code, T(f"({e.data.get('edition', '')}) {e.name.kk}",
                               f"({e.data.get('edition', '')}) {e.name.ru}"))
                    for e in notices.grounds(kind)]

        return [Spec(Field("kind", T("Босату түрі (1, 2)", "Освобождение (1, 2)"), Kind.CODE, 1),
                     "2", options=lambda: kinds),
                Spec(Field("release_date", T("Босату күні", "Дата освобождения"), **D)),
                Spec(Field("ground", T("Негізі (ӘҚБтК бабы)", "Основание (статья КоАП)"),
                           Kind.CODE, 4), options=grounds),
                Spec(Field("ground_text", T("Құжат (акт, қаулы)", "Документ (акт, постановление)"),
                           Kind.TEXT, 250)),
                Spec(Field("ground_date", T("Құжат күні", "Дата документа"), **D)),
                Spec(Field("responsible", T("Жауапты лауазымды адам", "Ответственное лицо"),
                           Kind.TEXT, 150), _who(self.session))]

    def info(self) -> list[str]:
        return [*card_info(self.card, self.lang), self.tr(DUE_REL)]

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        if self.card is None:
            raise Refused(NO_CARD)
        kind = RELEASE_KIND.get(values["kind"] or "")
        if kind is None:
            raise Refused(T("Босату түрі: 1 немесе 2", "Вид освобождения: 1 или 2"))
        try:
            n = notices.add_release(self.card.id, kind, values["release_date"],
                                    values["ground"] or "", self.session.user,
                                    ground_text=values["ground_text"] or "",
                                    ground_date=values["ground_date"],
                                    sender=self.session.cfg.organisation_name,
                                    responsible=values["responsible"] or "")
        except notices.NoticeRefused as exc:
            raise Refused(exc.message) from None
        return n, _made(n)

def _made(n: Any) -> T:
    late = LATE if notices.is_late(n) else T("", "")
    due = f"{n.due_on:%d.%m.%Y}"
    return T(MADE.kk.format(id=n.id, due=due, late=late.kk),
             MADE.ru.format(id=n.id, due=due, late=late.ru))


def _who(session: Session) -> str:
    u = session.user
    return " ".join(x for x in (u.full_name, u.position) if x) or u.login
