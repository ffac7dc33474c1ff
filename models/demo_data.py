"""The demo register's material: the name and word lists it draws people and firms
from, the codebook entries it draws codes from (cached per month), and the drawn card's
shape. models/demo.py generates the cards from them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from models import codebook
from models.codebook import Entry
from models.tables import LegalEntity, Person

REQUIRED_BOOKS = ("authority", "kato", "subject", "article", "article_part", "penalty", "mrp",
                  "guilt", "document", "citizenship", "sex", "legal_form", "commercial_status",
                  "protest_result", "intoxication", "measure")

# --- names -----------------------------------------------------------------------------

KK_MEN = ("Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Ержан", "Қайрат", "Дәулет", "Серік",
          "Арман", "Айдос", "Ақжол", "Жандос", "Мұрат", "Бақытжан", "Ғалымжан", "Дархан",
          "Ернар", "Әділет", "Талғат", "Самат", "Нұрбол", "Ерболат", "Мақсат", "Жасұлан",
          "Олжас", "Азамат", "Ербол", "Қанат", "Мұхтар", "Темірлан")
KK_WOMEN = ("Айгүл", "Гүлнар", "Әсел", "Динара", "Жанар", "Мөлдір", "Аружан", "Назгүл", "Сәуле",
            "Ақбота", "Айгерім", "Балжан", "Гүлмира", "Әйгерім", "Томирис", "Жұлдыз", "Меруерт",
            "Ділназ", "Салтанат", "Ләззат", "Сымбат", "Ақмарал", "Гаухар", "Дана", "Іңкәр")
KK_SURNAMES = ("Қасымов", "Нұрланов", "Жұмабаев", "Сәрсенбаев", "Төлеуов", "Оспанов",
               "Бекмұхамбетов", "Ержанов", "Құдайбергенов", "Әлібеков", "Сүлейменов",
               "Нұрпейісов", "Байжанов", "Ыбыраев", "Есенғалиев", "Жақыпов", "Ахметов", "Омаров",
               "Смағұлов", "Исабеков", "Тұрсынов", "Мұқанов", "Әбдірахманов", "Қожахметов",
               "Серікбаев", "Байтұрсынов", "Иманғалиев", "Шәріпов", "Дүйсенов", "Ғабдуллин")
RU_MEN = ("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван",
          "Михаил", "Николай", "Владимир", "Олег", "Виктор", "Игорь", "Юрий", "Павел", "Артём",
          "Денис", "Роман", "Константин")
RU_WOMEN = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Марина",
            "Юлия", "Екатерина", "Людмила", "Галина", "Оксана", "Виктория", "Дарья")
# Father's name -> (son's, daughter's) patronymic: Russian forms are irregular enough
# to be listed rather than derived.
RU_FATHERS = {
    "Александр": ("Александрович", "Александровна"), "Сергей": ("Сергеевич", "Сергеевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"), "Андрей": ("Андреевич", "Андреевна"),
    "Алексей": ("Алексеевич", "Алексеевна"), "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Иван": ("Иванович", "Ивановна"), "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"), "Владимир": ("Владимирович", "Владимировна"),
    "Олег": ("Олегович", "Олеговна"), "Виктор": ("Викторович", "Викторовна"),
    "Игорь": ("Игоревич", "Игоревна"), "Юрий": ("Юрьевич", "Юрьевна"),
    "Павел": ("Павлович", "Павловна"), "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"), "Валерий": ("Валерьевич", "Валерьевна"),
    "Борис": ("Борисович", "Борисовна"), "Пётр": ("Петрович", "Петровна"),
}
RU_SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
               "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
               "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
               "Макаров", "Захаров", "Зайцев", "Соловьёв", "Белов", "Тарасов", "Ковалёв",
               "Ким", "Пак", "Цой", "Шевченко", "Бондаренко")

STREETS = ("ул. Абая", "пр. Абылай хана", "ул. Толе би", "пр. Достык", "ул. Жибек жолы",
           "ул. Кабанбай батыра", "ул. Байтурсынова", "ул. Сатпаева", "ул. Гагарина",
           "ул. Пушкина", "ул. Мира", "ул. Жамбыла", "ул. Момышулы", "ул. Валиханова",
           "ул. Сейфуллина", "мкр. Самал-2", "мкр. Аксай-4", "ул. Кунаева", "ул. Ауэзова",
           "Бейбітшілік көшесі", "Тәуелсіздік даңғылы", "Қабанбай батыр даңғылы")
FIRM_A = ("Алтын", "Береке", "Көктем", "Сункар", "Шаңырақ", "Нұр", "Жетісу", "Каспий", "Арман",
          "Самал", "Алатау", "Байтерек", "Восток", "Сарыарқа", "Ертіс", "Достық", "Атамекен")
FIRM_B = ("Трейд", "Строй", "Сервис", "Логистик", "Агро", "Инвест", "Транс", "Ойл", "Маркет",
          "Фарм", "Групп", "Құрылыс", "Энерго", "Продукт", "Авто")
LEGAL_FORM_NAMES = {
    "1": "Республиканское государственное предприятие", "2": "Государственное учреждение",
    "3": "Акционерное общество", "4": "Товарищество с ограниченной ответственностью",
    "5": "Товарищество с дополнительной ответственностью", "6": "Производственный кооператив",
    "7": "Общественное объединение",
}
JOBS = ("не работает", "пенсионер", "студент", "водитель такси", "ТОО «{firm}», водитель",
        "ТОО «{firm}», менеджер", "ИП «{firm}», продавец", "АО «{firm}», инженер",
        "КГУ «Школа-гимназия № {n}», учитель", "ГКП «Городская больница № {n}», санитар",
        "ТОО «{firm}», охранник", "самозанятый")
OFFICIAL_JOBS = ("ГУ «Аппарат акима района», главный специалист",
                 "ГУ «Отдел земельных отношений», руководитель отдела",
                 "КГУ «Управление образования», заместитель руководителя",
                 "РГУ «Департамент государственных доходов», главный эксперт")
RANKS = ("лейтенант полиции", "старший лейтенант полиции", "капитан полиции",
         "майор полиции", "государственный инспектор", "главный специалист")

# Articles seen most on real registers (traffic, public order, migration, trade, tax);
# weights are relative. Articles missing from the codebooks are simply not drawn.
POPULAR_PERSON = {"592": 9, "590": 6, "434": 6, "440": 5, "611": 3, "613": 3, "596": 3,
                  "593": 2, "597": 2, "598": 2, "599": 2, "608": 2, "610": 2, "612": 2,
                  "495": 2, "496": 2, "517": 2, "204": 1, "442": 1, "443": 1, "449": 1,
                  "73": 1}
POPULAR_BUSINESS = {"204": 4, "272": 3, "275": 2, "281": 3, "282": 4, "283": 2, "410": 3,
                    "425": 3, "462": 2, "338": 1, "590": 2, "517": 2}
TRAFFIC = {str(a) for a in range(590, 624)}
BUSINESS_ONLY = {"06"}  # suspension of an entrepreneur's or legal entity's activity
PERSON_ONLY = {"03", "04", "07", "11"}  # arrest, special right, expulsion, public works
FOREIGNER_ONLY = {"07"}


@dataclass
class DemoStats:
    cards: int = 0
    by_kind: Counter = field(default_factory=Counter)
    persons: int = 0
    legal_entities: int = 0
    repeat_persons: int = 0
    near_duplicates: list[tuple[int, int, str]] = field(default_factory=list)
    protests: int = 0
    corrected: int = 0
    corrections_skipped: str = ""
    retries: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items()))
        how = Counter(h for _, _, h in self.near_duplicates)
        dups = ", ".join(f"{k} {n}" for k, n in sorted(how.items())) or "none"
        corrected = (f"{self.corrected} corrected" if not self.corrections_skipped
                     else f"corrections skipped: {self.corrections_skipped}")
        return (f"demo: {self.cards} cards ({kinds}) in {self.seconds:.1f} s; "
                f"{self.persons} persons, {self.repeat_persons} with several cards; "
                f"{self.legal_entities} legal entities; near-duplicate persons: {dups}; "
                f"{self.protests} protests; {corrected}")


def missing_codebooks() -> list[str]:
    """Codebooks the demo draws from that are not loaded."""
    return [book for book in REQUIRED_BOOKS if not codebook.entries(book)]


# --- drawing from the codebooks, cached per month ---------------------------------------


class Books:
    """Codebook entries valid for a whole month, so a card dated any day of it resolves."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, dt.date], list[Entry]] = {}
        self._parts: dict[tuple[dt.date, str], tuple[list[Entry], list[int]]] = {}
        self._places: dict[dt.date, tuple[list[Entry], list[Entry]]] = {}
        self._bodies: dict[dt.date, dict[str, list[Entry]]] = {}

    def month(self, book: str, day: dt.date) -> list[Entry]:
        first = day.replace(day=1)
        key = (book, first)
        if key not in self._cache:
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            self._cache[key] = [e for e in codebook.entries(book, first) if e.valid_on(last)]
        return self._cache[key]

    def get(self, book: str, code: str, day: dt.date) -> Entry | None:
        return next((e for e in self.month(book, day) if e.code == code), None)

    def bodies(self, day: dt.date) -> dict[str, list[Entry]]:
        """Article -> bodies whose jurisdiction (data.articles) lists it."""
        first = day.replace(day=1)
        if first not in self._bodies:
            index: dict[str, list[Entry]] = {}
            for e in self.month("authority", day):
                for art in e.data.get("articles") or ():
                    index.setdefault(art, []).append(e)
            self._bodies[first] = index
        return self._bodies[first]

    def places(self, day: dt.date) -> tuple[list[Entry], list[Entry]]:
        """Districts, cities and city districts; and those of the three largest cities."""
        first = day.replace(day=1)
        if first not in self._places:
            rows = [e for e in self.month("kato", day)
                    if e.data.get("kind") in ("district", "city", "city_district")]
            self._places[first] = rows, [e for e in rows if e.code[:2] in ("71", "75", "79")]
        return self._places[first]

    def parts(self, day: dt.date, group: str) -> tuple[list[Entry], list[int]]:
        """Article parts a card of `group` ('person' or 'business') may carry (an active
        article some body may consider, with at least one penalty), with cumulative
        weights for random.choices."""
        key = (day.replace(day=1), group)
        if key not in self._parts:
            popular = POPULAR_PERSON if group == "person" else POPULAR_BUSINESS
            bodies = self.bodies(day)
            articles = {e.code for e in self.month("article", day)}
            out, cum, total = [], [], 0
            for e in self.month("article_part", day):
                art = e.parent or ""
                if art not in articles or art not in bodies or not e.data.get("penalties"):
                    continue
                fines = e.data.get("fines") or {}
                if group == "business" and not any(
                        k in fines for k in ("legal", "small_business", "medium_business",
                                             "large_business", "uncategorised")):
                    continue
                total += popular.get(art, 0) * 40 + 1
                out.append(e)
                cum.append(total)
            self._parts[key] = out, cum
        return self._parts[key]


# --- the generator ----------------------------------------------------------------------


@dataclass
class Identity:
    """One person as keyed on a card."""

    values: dict[str, Any]
    person: Person | None = None


@dataclass
class Draw:
    """A drawn card: its values, the identity keyed on it and where that came from."""

    values: dict[str, Any]
    identity: Identity | None = None
    how: str = "new"  # new | repeat | a near-duplicate's kind of slip
    source: Identity | None = None  # the person a near-duplicate was made from
    legal: LegalEntity | None = None  # an entity already registered, on a repeat
