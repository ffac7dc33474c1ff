"""The notices' printouts: of execution of the penalty (Appendix 3) and of release from
administrative liability or penalty (Appendix 4), with the requisites of the forms."""

from __future__ import annotations

import datetime as dt

from models import codebook
from models.card_schema import FIELDS
from models.i18n import T
from models.notices import EXECUTION, RELEASE_LABELS, is_late
from models.printing.card import field_text
from models.printing.document import Document, Fields, Item, Para, Signature, printed_line
from models.register_tables import Notice
from models.registration_journal import qualification
from models.tables import Card

APPENDIX = {
    EXECUTION: T("Нұсқаулыққа 3-қосымша (ҚР Бас Прокурорының 05.12.2003 № 67 бұйрығы)",
                 "Приложение 3 к Инструкции (приказ Генерального Прокурора РК от 05.12.2003 № 67)"),
    "release": T("Нұсқаулыққа 4-қосымша (ҚР Бас Прокурорының 05.12.2003 № 67 бұйрығы)",
                 "Приложение 4 к Инструкции (приказ Генерального Прокурора РК от 05.12.2003 № 67)"),
}
TITLE = {
    EXECUTION: T("Әкімшілік жаза қолдану туралы қаулының орындалуы жөнінде ХАБАРЛАМА",
                 "ИЗВЕЩЕНИЕ об исполнении постановления о наложении административного взыскания"),
    "release": T("Әкімшілік жауаптылықтан және әкімшілік жазадан босату туралы ХАБАРЛАМА",
                 "ИЗВЕЩЕНИЕ об освобождении от административной ответственности и "
                 "административного взыскания"),
}
L = {
    "sender": T("Хабарламаны жолдаған орган", "Орган, направивший извещение"),
    "surname": T("Тегі", "Фамилия"), "given_name": T("Аты", "Имя"),
    "patronymic": T("Әкесінің аты", "Отчество"), "birth_date": T("Туған күні", "Дата рождения"),
    "address": T("Тұрғылықты жері", "Место жительства"),
    "legal": T("Заңды тұлғаның, жеке кәсіпкердің атауы",
               "Наименование юридического лица, индивидуального предпринимателя"),
    "rnn": T("СТН / БСН", "РНН / БИН"),
    "case": T("Істің, материалдың (хаттаманың) нөмірі және жүргізілген күні",
              "Номер дела, материала (протокола) и дата заведения"),
    "detector": T("Құқық бұзушылықты анықтаған орган", "Орган, выявивший правонарушение"),
    "qualification": T("ҚР ӘҚБтК бойынша саралау", "Квалификация по КоАП РК"),
    "imposed": T("Салынған айыппұл сомасы, теңге", "Сумма наложенного штрафа, тенге"),
    "paid": T("Өтелген айыппұл сомасы, теңге", "Сумма взысканного штрафа, тенге"),
    "paid_on": T("Төлеген күні", "Дата уплаты"),
    "proof_on": T("Төлем құжаты түскен күні", "Дата получения документа об уплате"),
    "penalty": T("Жаза түрі", "Вид взыскания"),
    "released": T("Босату күні", "Дата освобождения"),
    "ground": T("Негізі", "Основание"),
    "responsible": T("Жауапты лауазымды адамның аты-жөні",
                     "Ф.И.О. ответственного должностного лица"),
    "date": T("Күні", "Дата"), "signature": T("Қолы", "Подпись"),
}
DUE = T("Жолдау мерзімі: {d}", "Срок направления: {d}")
LATE = T("МЕРЗІМІНЕН КЕШ ЖАСАЛДЫ", "СОСТАВЛЕНО С ПРОПУСКОМ СРОКА")
CARD_REF = T("№ {id} карточка негізінде", "На основании карточки № {id}")


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _money(value: int | None) -> str:
    return f"{int(value):,}".replace(",", " ") if value is not None else ""


def notice_document(notice: Notice, lang: str, printed_by: str,
                    printed_at: dt.datetime) -> Document:
    card: Card = notice.card
    on = card.offence_date
    t = {k: v(lang) for k, v in L.items()}
    who = [Item(t["sender"], notice.sender), Item(t["surname"], card.surname or ""),
           Item(t["given_name"], card.given_name or ""),
           Item(t["patronymic"], card.patronymic or ""),
           Item(t["birth_date"], _d(card.birth_date))]
    case = Item(t["case"], ", ".join(x for x in (f"№ {card.protocol_no}" if card.protocol_no
                                                 else "", _d(card.protocol_date)) if x))
    qual = Item(t["qualification"], qualification(card.article, card.part, card.paragraph, lang))
    if notice.kind == EXECUTION:
        items = [*who, Item(t["legal"], card.legal_name or ""),
                 Item(t["rnn"], " / ".join(x for x in (card.rnn, card.bin) if x)), case, qual,
                 Item(t["imposed"], _money(card.fine_imposed)),
                 Item(t["paid"], _money(notice.amount_paid)),
                 Item(t["paid_on"], _d(notice.paid_on)),
                 Item(t["proof_on"], _d(notice.proof_on))]
    else:
        ground = codebook.resolve("release_ground", notice.ground) or codebook.known(
            "release_ground", notice.ground)
        edition = ground.data.get("edition", "") if ground else ""
        basis = (f"{notice.ground} ({edition}) {ground.name(lang)}" if ground
                 else notice.ground)
        if notice.ground_text or notice.ground_date:
            basis += "; " + " ".join(x for x in (notice.ground_text, _d(notice.ground_date)) if x)
        penalty = field_text(FIELDS["main_penalty"], card.main_penalty, on, lang)
        items = [*who, Item(t["address"], card.address or card.legal_address or ""),
                 Item(t["detector"], field_text(FIELDS["authority"], card.authority, on, lang)),
                 case, qual, Item(t["penalty"], penalty),
                 Item(f"{t['released']} {RELEASE_LABELS[notice.release_kind](lang)}",
                      _d(notice.release_date)),
                 Item(t["ground"], basis)]
    due = DUE(lang).format(d=_d(notice.due_on))
    blocks = [Para(CARD_REF(lang).format(id=card.id), align="right"),
              Fields(tuple(items), numbered=False),
              Para(due + (f" — {LATE(lang)}" if is_late(notice) else "")),
              Signature(t["responsible"], notice.responsible, f"{t['date']} {_d(notice.issued_on)}")]
    return Document("notice", TITLE[notice.kind](lang), lang,
                    tuple(blocks),
                    header=(APPENDIX[notice.kind](lang),),
                    footer=printed_line(lang, printed_by, printed_at), meta={"id": str(notice.id)})
