"""The destruction act's printout (§14): number, date, ground, who destroyed, the total
number of documents destroyed and which (card numbers only: no personal data), and the
commission's signatures."""

from __future__ import annotations

import datetime as dt
import json

from models.i18n import T
from models.printing.document import Document, Fields, Item, Para, Signature, printed_line
from models.register_tables import DestructionAct
from models.retention import GROUND

TITLE = T("Есепке алу құжаттарын жою туралы № {n} АКТ",
          "АКТ № {n} об уничтожении учётных документов")
L = {
    "date": T("Жасалған күні", "Дата составления"),
    "by": T("Жойған (пайдаланушы)", "Уничтожил (пользователь)"),
    "ground": T("Негізі", "Основание"),
    "total": T("Жойылған құжаттардың жалпы саны", "Всего уничтожено учётных документов"),
    "cards": T("1-ӘП карточкалары", "Карточки 1-АП"),
    "minors": T("соның ішінде кәмелетке толмағандар (6 ай)",
                "в том числе несовершеннолетних (6 месяцев)"),
    "corruption": T("соның ішінде сыбайлас жемқорлық (3 жыл)", "в том числе коррупционных (3 года)"),
    "journal": T("Тіркеу журналының жазбалары (3 жыл)", "Записи журнала регистрации (3 года)"),
    "numbers": T("Карточкалардың нөмірлері", "Номера карточек"),
    "entries": T("Журнал жазбаларының нөмірлері", "Номера записей журнала"),
}
NOTE = T("Жеке деректер жойылды; карточкалардың статистикалық жолдары сақталды.",
         "Персональные данные уничтожены; статистические строки карточек сохранены.")
CHAIR = T("Комиссия төрағасы", "Председатель комиссии")
MEMBER = T("Комиссия мүшесі", "Член комиссии")


def ranges(ids: list[int]) -> str:
    """1, 2, 3, 7, 9, 10 -> "1-3, 7, 9-10"."""
    out: list[str] = []
    nums = sorted(set(ids))
    start = prev = None
    for n in nums + [None]:
        if start is not None and (n is None or n != prev + 1):
            out.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return ", ".join(out)


def act_document(act: DestructionAct, lang: str, printed_by: str,
                 printed_at: dt.datetime) -> Document:
    t = {k: v(lang) for k, v in L.items()}
    who = act.made_by
    by = " ".join(x for x in (who.full_name, who.position, f"({who.login})") if x) if who else ""
    entries = json.loads(act.entry_ids or "{}") or {}
    journal_ids = [*entries.get("entries", []), *entries.get("cards", [])]
    items = (Item(t["date"], act.made_on.strftime("%d.%m.%Y")), Item(t["by"], by),
             Item(t["ground"], GROUND(lang)),
             Item(t["total"], str(act.cards + act.journal_entries)),
             Item(t["cards"], str(act.cards)), Item(t["minors"], str(act.minors)),
             Item(t["corruption"], str(act.corruption)),
             Item(t["journal"], str(act.journal_entries)),
             Item(t["numbers"], ranges(json.loads(act.card_ids or "[]")) or "—"),
             Item(t["entries"], ranges(journal_ids) or "—"))
    blocks = (Fields(items, numbered=False), Para(NOTE(lang)), Signature(CHAIR(lang)),
              Signature(MEMBER(lang)), Signature(MEMBER(lang)))
    return Document("act", TITLE(lang).format(n=act.number), lang, blocks,
                    footer=printed_line(lang, printed_by, printed_at),
                    meta={"id": act.number.replace("/", "-")})
