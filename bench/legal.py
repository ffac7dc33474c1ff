"""Legal entities for the duplicate-search bench: a synthetic register of firms, state
bodies, farms and entrepreneurs with BINs (and old RNNs), the ways their names are
keyed differently, and firms that are not in the register.

Names are built as Kazakhstan's registers hold them: a legal-form word (ТОО, ЖШС,
АО, КХ, ГУ, ИП, LLP, or the form spelt out) and a name in quotes of one to three
words, Kazakh, Russian or Latin, often with a number or a year. The file is cached
under data/bench/ like the persons register (bench/register.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bench import names, slips
from bench.probes import draw_kinds
from bench.register import CACHE, _key_code_hash, cached_sqlite
from models.ids import make_bin, rnn_check_digit

GEN_VERSION = 1
UNREGISTERED = ("stranger", "namesake")
# Reported but not counted: a name with one of its words left off is as near to other
# firms' names (Сарыарқа Құрылыс ~ Сарыарқа Құрылыс 28) as to its own.
NOT_COUNTED = ("word_dropped",)

KK_WORDS = """Береке Алтын Нұр Самұрық Ақжол Жұлдыз Шапағат Арман Дәулет Сұңқар Тұлпар Қазына
Байтерек Атамекен Жетісу Сарыарқа Алатау Көктем Шұғыла Бірлік Ырыс Құрылыс Өрлеу Мерей Әділет
Ақниет Болашақ Ақсай Тараз Ордабасы Көкше Ертіс Жайық Қаратау Ұлытау Достық Бәйтерек Нұрлы
Жарық Қуат Дала Шаңырақ Құлагер Ақбота Алаш Ақтоты Зерде Сәулет Таңшолпан Айдын""".split()
RU_WORDS = """Восток Степь Луч Рассвет Мир Сфера Альянс Прогресс Стандарт Магистраль Гарант
Партнер Кристалл Импульс Меридиан Горизонт Феникс Вектор Капитал Регион Олимп Ресурс Сигма
Эталон Монолит Континент Спектр Квант Гранит Оазис""".split()
LAT_WORDS = """Astana Nur Eurasia Kaspian Global Prime Alfa Delta Orient Silk Way Caravan
Atlas Nomad Sky Nova Zenith Vertex Omega Alatau Kazakh Invest""".split()
TAILS = """Строй Сервис Групп Трейд Инвест Агро Транс Консалтинг Плюс KZ Казахстан Азия
Логистик Энерго Снаб Маркет Құрылыс Техно Медиа Фарм Моторс Ойл Газ Строй-Сервис""".split()
FORMS = (  # (form code, ways the form is written in the stored name, weight)
    ("4", ("ТОО", "ЖШС", "Товарищество с ограниченной ответственностью"), 60),
    ("3", ("АО", "АҚ", "Акционерное общество"), 4),
    ("6", ("КХ", "ШҚ", "Крестьянское хозяйство"), 6),
    ("1", ("ГУ", "КГУ", "ММ"), 8),
    ("2", ("КГП", "ГКП на ПХВ", "РГП"), 4),
    ("7", ("ИП",), 12),
    ("5", ("LLP", "ТОО"), 6),
)
_PEOPLE = names.KK_MALE + names.KK_FEMALE + names.RU_FEMALE + names.KK_ROOTS
_PLACES = [c.split(" ", 1)[1] for c in names.CITIES] + """Талдықорған Көкшетау Екібастұз
Жезқазған Балқаш Кентау Түркістан Байқоңыр Ақсу Риддер Степногорск Сарань Арқалық Шу Қордай
Есік Қапшағай Жаркент Зайсан Шемонаиха""".split()
_SECOND = KK_WORDS + RU_WORDS + _PEOPLE + _PLACES
_SURNAMES = names.kk_surnames()[:300] + names.RU_SURNAMES
_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def cache_path(n: int, seed: int) -> Path:
    return CACHE / f"legal_{n}_s{seed}_g{GEN_VERSION}_{_key_code_hash()}.db"


def _rnn(rng: random.Random) -> str:
    while True:
        first11 = rng.choice(("6001", "6002", "0303", "1809", "3016", "4811", "5811",
                              "6205", "0910", "2110")) + f"{rng.randint(0, 9_999_999):07d}"
        check = rnn_check_digit(first11)
        if check is not None:
            return first11 + str(check)


def _firm(rng: random.Random, form: str) -> str:
    """The name inside the quotes."""
    if form == "1":
        return rng.choice((f"Аппарат акима {rng.choice(KK_WORDS)} сельского округа",
                           f"Средняя школа №{rng.randint(1, 180)}",
                           f"Отдел {rng.choice(('образования', 'ЖКХ', 'культуры'))} "
                           f"{rng.choice(KK_WORDS)} района",
                           f"{rng.choice(KK_WORDS)} ауданы әкімінің аппараты"))
    if form in "67":
        sur = rng.choice(_SURNAMES)
        if form == "7" and rng.random() < 0.5:
            return f"{sur} {rng.choice(names.KK_MALE)[:1]}.{rng.choice(names.KK_MALE)[:1]}."
        return sur if rng.random() < 0.5 else rng.choice(KK_WORDS)
    pool = rng.choice((KK_WORDS, KK_WORDS, RU_WORDS, LAT_WORDS, _PEOPLE, _PLACES))
    words = [rng.choice(pool)]
    if rng.random() < 0.55:
        words.append(rng.choice(_SECOND))
    if rng.random() < 0.5:
        words.append(rng.choice(TAILS))
    name = " ".join(words)
    r = rng.random()
    if r < 0.15:
        name += f"-{rng.randint(1995, 2023)}"
    elif r < 0.25:
        name += f" {rng.randint(1, 99)}"
    return name


def _full(form_word: str, firm: str, rng: random.Random) -> str:
    if form_word == "ИП" and "." in firm:
        return f"ИП {firm}"
    q = rng.random()
    quoted = f"«{firm}»" if q < 0.6 else f'"{firm}"' if q < 0.9 else firm
    return f"{form_word} {quoted}" if rng.random() < 0.85 else f"{quoted} {form_word}"


def generate(n: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed * 31 + 7)
    used: set[str] = set()
    codes, spellings, weights = zip(*FORMS, strict=True)
    names_used: set[str] = set()
    for _ in range(n):
        i = rng.choices(range(len(FORMS)), weights=weights)[0]
        form = codes[i]
        firm = _firm(rng, form)
        for _retry in range(5):  # a name already taken is usually refused by the registry
            if firm.lower() not in names_used or rng.random() < 0.1:
                break
            firm = _firm(rng, form)
        names_used.add(firm.lower())
        name = _full(rng.choice(spellings[i]), firm, rng)
        registered = dt.date(rng.randint(1996, 2024), rng.randint(1, 12), 1)
        while True:
            bin_ = make_bin(registered, "5" if form == "5" else "4", rng.choice("0001"),
                            rng.randint(0, 99999))
            if bin_ and bin_ not in used:
                used.add(bin_)
                break
        yield {"name": name, "bin": bin_,
               "rnn": _rnn(rng) if registered.year < 2012 and rng.random() < 0.6 else None,
               "legal_form": form, "commercial_status": "2" if form in "12" else "1",
               "address": f"{rng.choice(names.CITIES)}, {rng.choice(names.STREETS)}, "
                          f"{rng.randint(1, 200)}"}


def build_sqlite(n: int, seed: int) -> Path:
    """The cached legal-entity register file for (n, seed), generated if missing."""
    return cached_sqlite(cache_path(n, seed), lambda tmp: _fill(tmp, n, seed))


def _fill(tmp: Path, n: int, seed: int) -> None:
    from models.matching.keys import legal_keys, legal_variants

    stamp = "2024-01-01 00:00:00"
    rows = []
    for e in generate(n, seed):
        e.update(legal_keys(e["name"]), created_at=stamp, updated_at=stamp)
        rows.append(e)
    cols = list(rows[0])
    with contextlib.closing(sqlite3.connect(tmp)) as conn:
        conn.executemany(f"INSERT INTO legal_entity ({', '.join(cols)}) VALUES "
                         f"({', '.join('?' * len(cols))})", [tuple(r[c] for c in cols)
                                                             for r in rows])
        conn.executemany("INSERT INTO legal_name_variant (variant, legal_entity_id) "
                         "VALUES (?, ?)", [(v, i) for i, r in enumerate(rows, 1)
                                           for v in legal_variants(r["name_key"])])
        conn.execute("ANALYZE")
        conn.commit()


def load_postgres(sqlite_path: Path, url: str) -> None:
    """The cached legal entities (and their name variants) in a migrated PostgreSQL
    database."""
    from bench.pgcopy import copy_register

    copy_register(sqlite_path, url)


# -- variations ---------------------------------------------------------------------------

def _quoted(name: str) -> tuple[str, str, str]:
    """(before, inside, after) the quotes; inside is the whole name without quotes."""
    for a, b in (("«", "»"), ('"', '"')):
        if a in name:
            i, j = name.index(a), name.rindex(b)
            return name[:i], name[i + 1:j], name[j + 1:]
    return "", name, ""


def _fold(name: str) -> str:
    """The bench's own idea of "the same name": the name without its form, case,
    Kazakh letters, script (Астана = Astana), punctuation or doubled letters."""
    text = slips.passport(_inside(name).lower().translate(_RU)).lower()
    for a, b in (("zh", "j"), ("kh", "h"), ("y", "i"), ("ou", "u"), ("w", "v"), ("q", "k")):
        text = text.replace(a, b)
    text = "".join(ch for ch in text if ch.isalnum())
    return "".join(ch for i, ch in enumerate(text) if i == 0 or ch != text[i - 1])


def _sorted_fold(name: str) -> str:
    return " ".join(sorted(_fold(w) for w in _inside(name).split()))


def _form_word(name: str) -> str:
    before, _, after = _quoted(name)
    return (before + after).strip()


_SPELLINGS = sorted({w for _, ways, _ in FORMS for w in ways}, key=len, reverse=True)


def _inside(name: str) -> str:
    """The name without its legal form (and quotes)."""
    before, inside, after = _quoted(name)
    if before.strip() or after.strip() or '"' in name or "«" in name:
        return inside
    for form in _SPELLINGS:
        if name.startswith(form + " "):
            return name[len(form) + 1:]
        if name.endswith(" " + form):
            return name[: -len(form) - 1]
    return name


def _rename(name: str, inside: str) -> str:
    old = _inside(name)
    return name.replace(old, inside, 1) if old and old in name else inside


def _words_slip(name: str, fn, rng: random.Random) -> str | None:
    inside = _inside(name)
    words = inside.split()
    good = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not good:
        return None
    i = rng.choice(good)
    new = fn(words[i])
    if new is None or new == words[i]:
        return None
    words[i] = new
    return _rename(name, " ".join(words))


def v_exact(e: dict, rng: random.Random) -> dict | None:
    return {"name": e["name"]}


def v_form_word(e: dict, rng: random.Random) -> dict | None:
    """The legal form written another way, or left out; quotes changed."""
    form = _form_word(e["name"])
    inside = _inside(e["name"])
    for _, spellings, _ in FORMS:
        if form in spellings:
            others = [s for s in spellings if s != form] + ["", "ТОО", "ЖШС"]
            new = rng.choice(others)
            q = rng.choice(("«{}»", '"{}"', "{}", "'{}'"))
            return {"name": f"{new} {q.format(inside)}".strip()}
    return None


def v_case_quotes(e: dict, rng: random.Random) -> dict | None:
    return {"name": "  " + e["name"].replace("«", '"').replace("»", '"').upper() + " "}


def v_typo(e: dict, rng: random.Random) -> dict | None:
    name = _words_slip(e["name"], lambda w: slips.typo(w, rng), rng)
    return {"name": name} if name else None


def v_word_order(e: dict, rng: random.Random) -> dict | None:
    words = _inside(e["name"]).split()
    if len(words) < 2:
        return None
    return {"name": _rename(e["name"], " ".join(words[1:] + words[:1]))}


def v_latin(e: dict, rng: random.Random) -> dict | None:
    inside = _inside(e["name"])
    if not any("\u0400" <= ch <= "\u04ff" for ch in inside):
        return None
    return {"name": "TOO " + " ".join(slips.any_latin(w, rng) for w in inside.split())}


def v_kk_letters(e: dict, rng: random.Random) -> dict | None:
    name = e["name"].translate(_RU)
    return {"name": name} if name != e["name"] else None


def v_digits(e: dict, rng: random.Random) -> dict | None:
    """"Береке-2005" ~ "Береке 2005" ~ "Береке2005"; "№12" ~ "№ 12" ~ "12"."""
    name = e["name"]
    for a, b in (("-19", " 19"), ("-20", " 20"), ("№", "№ "), (" 1", "-1"), (" 2", "-2")):
        if a in name:
            return {"name": name.replace(a, b, 1)}
    return None


def v_word_dropped(e: dict, rng: random.Random) -> dict | None:
    words = _inside(e["name"]).split()
    if len(words) < 2:
        return None
    del words[rng.randrange(1, len(words))]
    return {"name": _rename(e["name"], " ".join(words))}


def v_bin_digit(e: dict, rng: random.Random) -> dict | None:
    name = _words_slip(e["name"], lambda w: slips.typo(w, rng), rng) or e["name"]
    return {"name": name, "bin": slips.iin_digit(e["bin"], rng)}


def v_bin_garbled(e: dict, rng: random.Random) -> dict | None:
    """The right BIN under a name keyed from another document (a new name, say)."""
    return {"name": "ТОО «" + rng.choice(KK_WORDS) + " " + rng.choice(TAILS) + "»",
            "bin": e["bin"]}


def v_rnn_only(e: dict, rng: random.Random) -> dict | None:
    return {"name": "", "rnn": e["rnn"]} if e["rnn"] else None


def v_form_typo(e: dict, rng: random.Random) -> dict | None:
    form = v_form_word(e, rng)
    if form is None:
        return None
    name = _words_slip(form["name"], lambda w: slips.typo(w, rng), rng)
    return {"name": name} if name else None


def v_latin_order(e: dict, rng: random.Random) -> dict | None:
    latin = v_latin(e, rng)
    return v_word_order({**e, "name": latin["name"]}, rng) if latin else None


VARIATIONS = {
    "exact": v_exact, "form_word": v_form_word, "case_quotes": v_case_quotes,
    "typo": v_typo, "word_order": v_word_order, "latin": v_latin,
    "kk_letters": v_kk_letters, "digits": v_digits, "word_dropped": v_word_dropped,
    "bin_digit": v_bin_digit, "bin_garbled": v_bin_garbled, "rnn_only": v_rnn_only,
    "form+typo": v_form_typo, "latin+order": v_latin_order,
}


BY_NUMBER = ("bin_digit", "bin_garbled", "rnn_only")


def make_probes(path: Path, n: int, per_kind: int, unregistered: int, seed: int
                ) -> list[dict]:
    """[{kind, expected, probe, legal: True}] for the legal-entity register at `path`."""
    rng = random.Random(seed * 104_723 + n)
    ids = rng.sample(range(1, n + 1), min(n, per_kind * 3 + unregistered))
    stored: dict[int, dict] = {}
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for r in conn.execute("SELECT id, name, bin, rnn FROM legal_entity WHERE id IN "
                                  f"({', '.join('?' * len(part))})", part):
                stored[r[0]] = {"name": r[1], "bin": r[2], "rnn": r[3]}
    from collections import Counter

    shared = Counter(_fold(e["name"]) for e in generate(n, seed))
    def keep(kind: str, item: dict, probe: dict) -> bool:
        if kind in BY_NUMBER:
            return True
        own, keyed = _fold(item["name"]), _fold(probe["name"])
        # A name several firms share finds them all: only a number tells them apart;
        # a slip that makes another firm's name makes that firm the answer.
        return shared[own] == 1 and (keyed == own or keyed not in shared)

    pool = list(ids)
    out = [{**p, "legal": True} for p in draw_kinds(VARIATIONS, pool, stored, per_kind, rng,
                                                     keep)]
    # Strangers: firms made like the register's, by another seed, half with their BIN;
    # a name the register already holds would be a namesake, not a stranger.
    # (the same words in another order are the same name keyed differently; a BIN is
    # one firm's: a new firm's is not a registered one)
    registered = list(generate(n, seed))
    known = set(shared) | {_sorted_fold(e["name"]) for e in registered}
    bins = {e["bin"] for e in registered}
    fresh = [e for e in generate(unregistered * 4, seed + 7_777)
             if _fold(e["name"]) not in known and _sorted_fold(e["name"]) not in known
             and e["bin"] not in bins][: unregistered // 2]
    for i, e in enumerate(fresh):
        out.append({"kind": "stranger", "expected": None, "legal": True,
                    "probe": {"name": e["name"], "bin": e["bin"] if i % 2 else ""}})
    # Namesakes: a registered firm's name with another firm's own BIN (another region).
    other = (e for e in generate(unregistered * 2, seed + 9_999) if e["bin"] not in bins)
    for eid, e in zip(pool[: unregistered - unregistered // 2], other, strict=False):
        out.append({"kind": "namesake", "expected": None, "legal": True,
                    "probe": {"name": stored[eid]["name"], "bin": e["bin"]}})
    return out
