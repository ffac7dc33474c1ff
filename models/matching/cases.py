"""A name copied from a sentence keeps the sentence's grammatical case: "признать
Касымова Нурлана Сериковича виновным", "направить Ивановой Анне Петровне", "с
Петровым Игорем Олеговичем". The register holds the nominative (Касымов Нурлан
Серикович); `nominative` puts such a probe's names back into it.

The Russian patronymic says the case for certain (no nominative patronymic ends in
-ича, -ичу, -ичем, -вны, -вне, -вной, -вну): only then are the three names read back,
each by the endings Russian gives surnames and given names in that case. A reading
that is a letter off (Игоря -> Игорй) still scores as a slip; the stored names and
their keys are untouched.
"""

from __future__ import annotations

import re

_CONSONANT = "бвгджзклмнпрстфхцчшщ"
# The patronymic's oblique endings: (ending, nominative ending, case).
_PATRONYMIC = (("ичем", "ич", "ins_m"), ("ичу", "ич", "dat_m"), ("ича", "ич", "gen_m"),
               ("вной", "вна", "ins_f"), ("чной", "чна", "ins_f"), ("вны", "вна", "gen_f"),
               ("чны", "чна", "gen_f"), ("вне", "вна", "dat_f"), ("чне", "чна", "dat_f"),
               ("вну", "вна", "acc_f"), ("чну", "чна", "acc_f"))
# Surname endings in each case -> the nominative's (longest first).
_SURNAME = {
    "gen_m": (("ского", "ский"), ("цкого", "цкий"), ("ого", "ой"), ("ова", "ов"),
              ("ёва", "ёв"), ("ева", "ев"), ("ина", "ин"), ("ына", "ын"), ("а", "")),
    "dat_m": (("скому", "ский"), ("цкому", "цкий"), ("ому", "ой"), ("ову", "ов"),
              ("ёву", "ёв"), ("еву", "ев"), ("ину", "ин"), ("ыну", "ын"), ("у", "")),
    "ins_m": (("ским", "ский"), ("цким", "цкий"), ("овым", "ов"), ("ёвым", "ёв"),
              ("евым", "ев"), ("иным", "ин"), ("ыным", "ын"), ("ом", "")),
    "gen_f": (("ской", "ская"), ("цкой", "цкая"), ("овой", "ова"), ("ёвой", "ёва"),
              ("евой", "ева"), ("иной", "ина"), ("ыной", "ына")),
    "acc_f": (("скую", "ская"), ("цкую", "цкая"), ("ову", "ова"), ("ёву", "ёва"),
              ("еву", "ева"), ("ину", "ина"), ("ыну", "ына")),
}
_SURNAME["dat_f"] = _SURNAME["ins_f"] = _SURNAME["gen_f"]
# Given-name endings in each case -> the nominative's; "" after a consonant: the
# nominative ends in it (Нурлана -> Нурлан).
_GIVEN = {
    "gen_m": (("ея", "ей"), ("ая", "ай"), ("ия", "ий"), ("я", "ь"), ("ы", "а"), ("а", "")),
    "dat_m": (("ею", "ей"), ("аю", "ай"), ("ию", "ий"), ("ю", "ь"), ("у", "")),
    "ins_m": (("еем", "ей"), ("аем", "ай"), ("ием", "ий"), ("ем", "ь"), ("ом", "")),
    "gen_f": (("ии", "ия"), ("ьи", "ья"), ("ги", "га"), ("ки", "ка"), ("хи", "ха"),
              ("жи", "жа"), ("ши", "ша"), ("чи", "ча"), ("щи", "ща"), ("ы", "а"), ("и", "я")),
    "dat_f": (("ии", "ия"), ("ье", "ья"), ("е", "а")),
    "ins_f": (("ией", "ия"), ("ьей", "ья"), ("ой", "а"), ("ей", "я")),
    "acc_f": (("ию", "ия"), ("ью", "ья"), ("у", "а"), ("ю", "я")),
}
_WORD = re.compile(r"[^\W\d_]+")


def _case(patronymic: str) -> tuple[str, str] | None:
    """(case, the patronymic in the nominative) when the patronymic is in an oblique case."""
    low = patronymic.strip()
    for ending, nominative, case in _PATRONYMIC:
        if low.lower().endswith(ending) and len(low) > len(ending) + 2:
            return case, low[: -len(ending)] + _same_case(low[-len(ending):], nominative)
    return None


def _same_case(original: str, new: str) -> str:
    return new.upper() if original.isupper() else new


def _ending(word: str, table: tuple[tuple[str, str], ...], consonant_only: bool) -> str:
    low = word.lower()
    for ending, nominative in table:
        if not low.endswith(ending) or len(low) <= len(ending) + 1:
            continue
        stem = word[: -len(ending)]
        if nominative == "" and stem[-1:].lower() not in _CONSONANT:
            continue  # Нурлана -> Нурлан; not Анна -> Анн
        if consonant_only and ending in ("ы", "а") and stem[-1:].lower() not in _CONSONANT:
            continue
        return stem + _same_case(word[-len(ending):], nominative)
    return word


def nominative(surname: str, given: str, patronymic: str) -> tuple[str, str, str]:
    """The three names in the nominative when the patronymic shows another case; as
    they are otherwise. Each word of a double surname is read back on its own."""
    found = _case(patronymic)
    if found is None:
        return surname, given, patronymic
    case, pat = found
    sur = _WORD.sub(lambda m: _ending(m.group(0), _SURNAME[case], False), surname)
    name = _WORD.sub(lambda m: _ending(m.group(0), _GIVEN[case], True), given)
    return sur, name, pat
