"""A protest's result on the card (§33, lines 19 / 19.1). "Decision unchanged" only marks
the card; another result files the new card, from this one with the lines the decision
changed (pre-filled here: qualification, penalties, fine), linked both ways."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.card_schema import FIELDS, Field, Kind
from models.i18n import T
from models.protests import ProtestRefused, file_protest, offered_results, refusal
from models.tables import Card
from models.validation import errors, parse_field
from tui.screens.doc_form import DocForm, Refused, Spec
from tui.screens.notice_form import NO_CARD, card_info
from tui.session import Session

NEW = T("→ жаңа карточка", "→ новая карточка")
KEPT = T("Шешім өзгеріссіз: тек 19/19.1-жолдар белгіленді",
         "Решение без изменения: отмечены только строки 19/19.1")
FILED = T("№ {new} жаңа карточка толтырылды, № {old} карточкаға байланыстырылды",
          "Выставлена новая карточка № {new}, связана с карточкой № {old}")
WHAT = T("Жаңа карточкада өзгеретін жолдар (шешім өзгерсе)",
         "Строки новой карточки, которые меняет решение")
CHANGEABLE = ("article", "part", "paragraph", "main_penalty", "extra_penalty", "fine_imposed",
              "fine_collected")


class ProtestScreen(DocForm):
    TITLE = T("Наразылық нәтижесі (19, 19.1-жолдар)", "Результат протеста (строки 19, 19.1)")
    ROWS_SHOWN = 9

    def __init__(self, session: Session, card_id: int | None = None) -> None:
        self.card = Card.get_or_none(Card.id == card_id) if card_id else None
        super().__init__(session, card_id)

    def fields(self) -> list[Spec]:
        def results() -> list[tuple[str, T]]:
            return [(e.code, T(f"{e.name.kk} {NEW.kk}" if e.data.get("new_card") else e.name.kk,
                               f"{e.name.ru} {NEW.ru}" if e.data.get("new_card") else e.name.ru))
                    for e in offered_results()]

        specs = [Spec(Field("protest_date", T("19. Наразылық күні", "19. Дата протеста"),
                            Kind.DATE, 10)),
                 Spec(Field("protest_result", T("19.1 Нәтижесі", "19.1 Результат"), Kind.CODE, 2),
                      options=results)]
        for name in CHANGEABLE:
            f = FIELDS[name]
            value = getattr(self.card, name) if self.card is not None else None
            specs.append(Spec(Field(name, T(f"{f.line} {f.label.kk}", f"{f.line} {f.label.ru}"),
                                    f.kind, f.length), "" if value is None else str(value)))
        return specs

    def info(self) -> list[str]:
        return [*card_info(self.card, self.lang), self.tr(WHAT)]

    def on_mount(self) -> None:
        super().on_mount()
        if self.card is not None and (why := refusal(self.card.id)) is not None:
            self.say(why)  # said at once, not after the whole protest is typed

    def save(self, values: dict[str, Any]) -> tuple[Any, T]:
        if self.card is None:
            raise Refused(NO_CARD)
        changes: dict[str, Any] = {}
        for name in CHANGEABLE:
            value, issues = parse_field(FIELDS[name], values.get(name) or "")
            if errors(issues):
                raise Refused(T(f"{FIELDS[name].line}: {issues[0].message.kk}",
                                f"{FIELDS[name].line}: {issues[0].message.ru}"))
            if value != getattr(self.card, name):
                changes[name] = value
        try:
            filed = file_protest(self.card.id, values["protest_date"],
                                 values["protest_result"] or "", self.session.user,
                                 changes=changes, filled_by=_who(self.session))
        except ProtestRefused as exc:
            first = next((i for i in exc.issues if i.is_error), None)
            if first is not None:
                raise Refused(T(f"{exc.message.kk}: {first.line} {first.message.kk}",
                                f"{exc.message.ru}: {first.line} {first.message.ru}")) from None
            raise Refused(exc.message) from None
        if filed.new is None:
            return filed, KEPT
        return filed, FILED.format(new=filed.new.id, old=self.card.id)

    def printout(self) -> Any:
        from models.printing.card import card_document
        from models.protests import link_notes

        card = self.saved.new or self.saved.old
        return card_document(card, self.lang, self.session.user.login,
                             dt.datetime.now().replace(microsecond=0),
                             link_notes(card.id, self.lang))


def _who(session: Session) -> str:
    u = session.user
    return " ".join(x for x in (u.full_name, u.position) if x) or u.login
