"""Familiar forms of given names: Саша for Александр, Наташа for Наталья.

A request, a witness's words written into a protocol or an operator keying from them
gives the name a person is called by, not the one in the passport: Паша Шевченко for
Павел Шевченко. Letter by letter the two are different names (a brother's), so the
score would judge the candidate another person. A familiar form and one of its full
names compare as a name with a slip (NICKNAME_SIM): never "exact", "probable" with the
rest equal, and a twin brother's own name still differs. Both ways round: a register
row may hold the familiar form.

Only forms that stand for a few full names are listed; Слава stands for several
(Вячеслав, Владислав, Станислав, Ярослав) and is listed for each. Keys are the given
names' match keys (normalize.skeleton), so Лёша, Леша and Lesha are one form.
"""

from __future__ import annotations

from functools import cache

from models.matching.normalize import skeleton

__all__ = ["NICKNAME_SIM", "full_keys", "nickname_sim"]

NICKNAME_SIM = 0.9  # as a name one slip off: with the rest equal, "probable"

# full name (masculine and feminine forms apart): its familiar forms
FAMILIAR: dict[str, tuple[str, ...]] = {
    "Александр": ("Саша", "Саня", "Шура", "Алекс"), "Александра": ("Саша", "Шура"),
    "Алексей": ("Лёша", "Алёша", "Лёха"), "Анатолий": ("Толя", "Толик"),
    "Андрей": ("Андрюша",), "Антон": ("Антоша",), "Аркадий": ("Аркаша",),
    "Артём": ("Тёма",), "Борис": ("Боря",), "Вадим": ("Вадик",),
    "Валентин": ("Валя",), "Валерий": ("Валера",), "Василий": ("Вася",),
    "Виктор": ("Витя",), "Виталий": ("Виталик",), "Владимир": ("Вова", "Володя"),
    "Владислав": ("Влад", "Владик", "Слава"), "Вячеслав": ("Слава",),
    "Геннадий": ("Гена",), "Георгий": ("Жора", "Гоша"), "Григорий": ("Гриша",),
    "Дмитрий": ("Дима", "Митя"), "Евгений": ("Женя",), "Иван": ("Ваня",),
    "Илья": ("Илюша",), "Константин": ("Костя",), "Леонид": ("Лёня",),
    "Максим": ("Макс",), "Михаил": ("Миша",), "Николай": ("Коля",),
    "Павел": ("Паша",), "Пётр": ("Петя",), "Роман": ("Рома",),
    "Сергей": ("Серёжа", "Серёга"), "Станислав": ("Стас", "Слава"),
    "Степан": ("Стёпа",), "Фёдор": ("Федя",), "Эдуард": ("Эдик",),
    "Юрий": ("Юра",), "Ярослав": ("Слава",),
    "Анастасия": ("Настя",), "Анна": ("Аня",), "Валентина": ("Валя",),
    "Валерия": ("Лера",), "Виктория": ("Вика",), "Галина": ("Галя",),
    "Дарья": ("Даша",), "Евгения": ("Женя",), "Екатерина": ("Катя",),
    "Елена": ("Лена",), "Елизавета": ("Лиза",), "Ирина": ("Ира",),
    "Ксения": ("Ксюша",), "Любовь": ("Люба",), "Людмила": ("Люда",),
    "Маргарита": ("Рита",), "Мария": ("Маша",), "Надежда": ("Надя",),
    "Наталья": ("Наташа",), "Ольга": ("Оля",), "Полина": ("Поля",),
    "Светлана": ("Света",), "Софья": ("Соня",), "Татьяна": ("Таня",),
    "Юлия": ("Юля",),
}


@cache
def _pairs() -> frozenset[tuple[str, str]]:
    """(familiar form's key, full name's key), both orders."""
    out: set[tuple[str, str]] = set()
    for full, forms in FAMILIAR.items():
        for form in forms:
            out.add((skeleton(form), skeleton(full)))
            out.add((skeleton(full), skeleton(form)))
    return frozenset(out)


def nickname_sim(a: str, b: str, s: float | None) -> float | None:
    """`s` (two given names' similarity, by their keys `a` and `b`) raised to
    NICKNAME_SIM when one is a familiar form of the other."""
    if s is not None and s < NICKNAME_SIM and (a, b) in _pairs():
        return NICKNAME_SIM
    return s


@cache
def _full() -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for full, forms in FAMILIAR.items():
        for form in forms:
            out.setdefault(skeleton(form), set()).add(skeleton(full))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def full_keys(key: str) -> tuple[str, ...]:
    """The keys of the full names a familiar form's key stands for (none for another
    key): the look-ups that filter on a given name's first letters try theirs too."""
    return _full().get(key, ())
