"""The 1-AP card, described once.

Every line of the paper card (form-1ap.md) is a `Line` holding one or more
`Field`s. The entry form, validation, the correction log's labels, exports and
printouts all read this module; adding a line to the card is one edit here.

A field's `name` is also the column name on `Card` (models/tables.py builds its
columns from this schema), so nothing else lists the card's fields by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from models.i18n import T


class Kind(StrEnum):
    TEXT = "text"  # free text, NFC, no control characters
    DATE = "date"  # typed DDMMYYYY, stored as a date
    CODE = "code"  # a code from a codebook, resolved on the card's date
    DIGITS = "digits"  # fixed-length digits with leading zeros (article part/paragraph)
    IIN = "iin"  # 12 digits with check digit, individual
    BIN = "bin"  # 12 digits with check digit, legal entity / entrepreneur
    RNN = "rnn"  # 12 digits with check digit, old taxpayer number
    AMOUNT = "amount"  # tenge, whole
    FLAG = "flag"  # yes / no


class Subject(StrEnum):
    """Who the card is about; follows from line 8's subject code."""

    INDIVIDUAL = "individual"
    ENTREPRENEUR = "entrepreneur"  # a person with a business: lines 14 and 16
    LEGAL = "legal"


ALL = frozenset(Subject)
PERSON = frozenset({Subject.INDIVIDUAL, Subject.ENTREPRENEUR})
BUSINESS = frozenset({Subject.LEGAL, Subject.ENTREPRENEUR})
LEGAL_ONLY = frozenset({Subject.LEGAL})

FIXED_KINDS = {Kind.DATE, Kind.DIGITS, Kind.IIN, Kind.BIN, Kind.RNN}


@dataclass(frozen=True)
class Field:
    name: str
    label: T  # the field's own label (short, for the form and the log)
    kind: Kind = Kind.TEXT
    length: int = 100  # maximum length; the exact length for fixed kinds
    codebook: str | None = None
    required: bool = False
    subjects: frozenset[Subject] = ALL
    ident: bool = False  # part of the identification block (§34-1: entered first)
    persistent: bool = False  # proposed as a batch-persistent field on "New card"
    auto_advance: bool | None = None  # None: by kind (fixed-length kinds move on when full)
    line: str = ""  # filled in by Line

    @property
    def fixed(self) -> bool:
        """A fixed-length field moves the cursor on by itself when full."""
        if self.auto_advance is not None:
            return self.auto_advance
        return self.kind in FIXED_KINDS or (self.kind == Kind.CODE and self.length <= 2)

    def visible_for(self, subject: Subject | None) -> bool:
        return subject is None or subject in self.subjects


@dataclass(frozen=True)
class Line:
    number: str  # as printed on the paper card: "1", "4-1", "14.3"
    label: T
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "fields", tuple(_with_line(f, self.number) for f in self.fields)
        )

    @property
    def subjects(self) -> frozenset[Subject]:
        out: frozenset[Subject] = frozenset()
        for f in self.fields:
            out |= f.subjects
        return out


def _with_line(f: Field, number: str) -> Field:
    return Field(**{**f.__dict__, "line": number})


F = Field
DATE = {"kind": Kind.DATE, "length": 10}

LINES: tuple[Line, ...] = (
    Line("1", T("Құқық бұзушылықты анықтаған және хаттама толтырған орган",
                "Орган, выявивший правонарушение и составивший протокол"), (
        F("authority", T("Анықтаған орган", "Выявивший орган"), Kind.CODE, 5, "authority",
          required=True, persistent=True),
    )),
    Line("2", T("Құқық бұзушылық жасалған орын: елді мекен, аудан, облыс",
                "Место совершения: населённый пункт, район, область"), (
        # KATO codes are always 9 digits: the field moves on when full.
        F("place", T("Жасалған орны", "Место совершения"), Kind.CODE, 9, "kato",
          required=True, persistent=True, auto_advance=True),
    )),
    Line("3", T("Материалды (істі) қараған орган", "Орган, рассмотревший материал (дело)"), (
        F("considering_body", T("Қараған орган", "Рассмотревший орган"), Kind.CODE, 5,
          "authority", required=True, persistent=True),
    )),
    Line("4", T("Материалдың (хаттаманың, істің) нөмірі және басталған күні",
                "Номер материала (протокола, дела) и дата его начала"), (
        F("protocol_no", T("Материал №", "Материал №"), length=20),
        F("protocol_date", T("күні", "от"), required=True, **DATE),
        F("without_protocol", T("хаттамасыз", "без протокола"), Kind.FLAG, 1),
    )),
    Line("4-1", T("Қылмыстық іс қозғаудан бас тарту материалының нөмірі және қаулы күні",
                  "Номер отказного материала и дата постановления об отказе в ВУД"), (
        F("refusal_no", T("Бас тарту мат. №", "Отказной мат. №"), length=20),
        F("refusal_date", T("күні", "от"), **DATE),
    )),
    Line("5", T("Істі қараған лауазымды адамның Т.А.Ә.",
                "Ф.И.О. должностного лица, рассмотревшего дело"), (
        F("official_name", T("Қараған (Т.А.Ә.)", "Рассмотрел (ФИО)"), length=100,
          required=True, persistent=True),
    )),
    Line("6", T("Субъект журналындағы тіркеу күні мен нөмірі",
                "Дата и номер регистрации в журнале субъекта"), (
        F("journal_no", T("Тіркеу №", "Рег. №"), length=12, required=True),
        F("journal_date", T("тіркеу күні", "дата рег."), required=True, persistent=True, **DATE),
    )),
    Line("7", T("Басқармаға түскен күні", "Дата поступления в Управление"), (
        F("received_date", T("Түскен күні", "Поступила"), required=True, persistent=True, **DATE),
    )),
    Line("8", T("Әкімшілік құқық бұзушылық субъектісі", "Субъект административного правонарушения"), (
        F("subject", T("Субъект", "Субъект"), Kind.CODE, 2, "subject", required=True, ident=True),
    )),
    Line("9", T("ӘҚБтК бойынша саралау: бап, бөлік, тармақ",
                "Квалификация по КоАП: статья, часть, пункт"), (
        F("article", T("Бап", "Статья"), Kind.CODE, 6, "article", required=True),
        F("part", T("бөлік", "часть"), Kind.DIGITS, 5, "article_part", auto_advance=False),
        F("paragraph", T("тармақ", "пункт"), Kind.DIGITS, 2),
    )),
    Line("9.1", T("Кінә нысаны", "Форма вины"), (
        F("guilt", T("Кінә", "Вина"), Kind.CODE, 1, "guilt", required=True),
    )),
    Line("9.2", T("Құқық бұзушылық жасалған (анықталған) күн",
                  "Дата совершения (выявления) правонарушения"), (
        F("offence_date", T("Құқық бұзушылық күні", "Дата правонарушения"), required=True, **DATE),
    )),
    Line("10", T("Істің қаралған күні", "Дата рассмотрения дела"), (
        F("decision_date", T("Қаралған күні", "Дата рассмотрения"), required=True, **DATE),
    )),
    Line("11", T("Жаза шаралары және жаза мерзімінің аяқталу күні",
                 "Меры взыскания и дата окончания срока взыскания"), (
        F("penalty_end_date", T("Мерзімі аяқталады", "Срок до"), **DATE),
    )),
    Line("11.1", T("Негізгі жаза", "Основное взыскание"), (
        F("main_penalty", T("Негізгі", "Основное"), Kind.CODE, 2, "penalty", required=True),
    )),
    Line("11.2", T("Қосымша жаза", "Дополнительное взыскание"), (
        F("extra_penalty", T("Қосымша", "Доп."), Kind.CODE, 2, "penalty"),
    )),
    Line("11.3", T("Әкімшілік-құқықтық ықпал ету шарасы", "Мера административно-правового воздействия"), (
        F("measure", T("Ықпал ету шарасы", "Мера"), Kind.CODE, 2, "measure"),
    )),
    Line("12", T("Салынған айыппұл сомасы, теңге", "Наложено штрафа, тенге"), (
        F("fine_imposed", T("Салынды", "Наложено"), Kind.AMOUNT, 12),
    )),
    Line("13", T("Өндірілген айыппұл сомасы, теңге", "Взыскано штрафа, тенге"), (
        F("fine_collected", T("Өндірілді", "Взыскано"), Kind.AMOUNT, 12),
    )),
    Line("14", T("Тегі, аты, әкесінің аты", "Фамилия, имя, отчество"), (
        F("surname", T("Тегі", "Фамилия"), length=60, required=True, subjects=PERSON, ident=True),
        F("given_name", T("Аты", "Имя"), length=60, required=True, subjects=PERSON, ident=True),
        F("patronymic", T("Әкесінің аты", "Отчество"), length=60, subjects=PERSON, ident=True),
    )),
    Line("14.1", T("Туған күні; тұрғылықты мекенжайы толық", "Дата рождения; адрес места жительства полностью"), (
        F("birth_date", T("Туған күні", "Дата рожд."), required=True, subjects=PERSON,
          ident=True, **DATE),
        F("address", T("Мекенжайы", "Адрес"), length=200, required=True, subjects=PERSON),
    )),
    Line("14.2", T("Жеке басын куәландыратын құжат", "Документ, удостоверяющий личность"), (
        F("id_document", T("Құжат", "Документ"), Kind.CODE, 1, "document", subjects=PERSON),
    )),
    Line("14.3", T("Жеке сәйкестендіру нөмірі (ЖСН)", "Индивидуальный идентификационный номер (ИИН)"), (
        F("iin", T("ЖСН", "ИИН"), Kind.IIN, 12, subjects=PERSON, ident=True),
    )),
    Line("14.4", T("Жынысы", "Пол"), (
        F("sex", T("Жынысы", "Пол"), Kind.CODE, 1, "sex", required=True, subjects=PERSON),
    )),
    Line("14.5", T("Азаматтығы", "Гражданство"), (
        F("citizenship", T("Азаматтығы", "Гражданство"), Kind.CODE, 1, "citizenship",
          required=True, subjects=PERSON),
    )),
    Line("14.6", T("Жұмыс орны, лауазымы, оқу орны", "Место работы, должность, место учёбы"), (
        F("workplace", T("Жұмыс орны", "Место работы"), length=200, subjects=PERSON),
    )),
    Line("14.7", T("Мас күйде болуы: алкогольдік, есірткілік, уытқұмарлық",
                   "Состояние опьянения: алкогольное, наркотическое, токсическое"), (
        F("intoxication", T("Масаң күй", "Опьянение"), Kind.CODE, 1, "intoxication",
          subjects=PERSON),
    )),
    Line("15", T("Заңды тұлғаның ұйымдық-құқықтық нысаны", "Организационно-правовая форма юридического лица"), (
        F("legal_form", T("Құқықтық нысаны", "Правовая форма"), Kind.CODE, 1, "legal_form",
          required=True, subjects=LEGAL_ONLY),
    )),
    Line("15.1", T("Коммерциялық мәртебесі", "Коммерческий статус"), (
        F("commercial_status", T("Мәртебесі", "Статус"), Kind.CODE, 1, "commercial_status",
          required=True, subjects=LEGAL_ONLY),
    )),
    Line("16", T("Заңды тұлға / жеке кәсіпкер: толық атауы, заңды мекенжайы, СТН, БСН",
                 "Юр. лицо / ИП: полное наименование, юридический адрес, РНН, БИН"), (
        F("legal_name", T("Атауы", "Наименование"), length=250, required=True, subjects=BUSINESS,
          ident=True),
        F("rnn", T("СТН", "РНН"), Kind.RNN, 12, subjects=BUSINESS, ident=True),
        F("bin", T("БСН", "БИН"), Kind.BIN, 12, subjects=BUSINESS, ident=True),
        F("legal_address", T("Заңды мекенжайы", "Юр. адрес"), length=250, required=True,
          subjects=BUSINESS),
    )),
    Line("19", T("Қаулыға наразылық (шағым) берілген күн", "Дата протеста (жалобы) на постановление"), (
        F("protest_date", T("Наразылық күні", "Протест от"), **DATE),
    )),
    Line("19.1", T("Наразылықты қарау нәтижесі", "Результат рассмотрения протеста"), (
        F("protest_result", T("Нәтижесі", "Результат"), Kind.CODE, 2, "protest_result"),
    )),
    Line("21", T("Карточканы толтырған қызметкердің Т.А.Ә., лауазымы; күні",
                 "Ф.И.О., должность заполнившего карточку; дата"), (
        F("filled_by", T("Толтырған", "Заполнил"), length=100, required=True, persistent=True),
        F("filled_date", T("күні", "дата"), required=True, persistent=True, **DATE),
    )),
)

FIELDS: dict[str, Field] = {f.name: f for line in LINES for f in line.fields}
LINES_BY_NUMBER: dict[str, Line] = {line.number: line for line in LINES}

# Fields that identify a person or a legal entity (`ident`), in §34-1 entry order: the
# subject, then the person's or the entity's identification, as on the paper card.
IDENT_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS.values() if f.ident)

CARD_TITLE = T("1-ӘП карточкасы", "Карточка 1-АП")


def fields_for(subject: Subject | None) -> list[Field]:
    """Fields visible for a subject kind, in the paper card's order."""
    return [f for line in LINES for f in line.fields if f.visible_for(subject)]
