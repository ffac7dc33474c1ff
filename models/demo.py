"""A realistic demo register, the same for the same seed (and the same day).

Cards of individuals, officials, entrepreneurs and legal entities across the regions of
the territorial classifier, with articles, considering bodies, penalties and fines taken
from the loaded codebooks (fine = the article part's MRP amount for the offender's
category x the MRP in force on the day the case was opened). Persons come back on
several cards (repeat offenders); a few are keyed again with the slips operators make
(Kazakh letters typed as Russian ones, day and month swapped, one wrong digit) so the
duplicate-person screens have something to find; some cards carry a protest (19/19.1)
and a few are corrected afterwards through the one correction path.

Every card goes through models.cards.register_card: the demo passes the same
validation as a card typed by an operator (errors refused, warnings allowed).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from models import codebook
from models.card_schema import Subject
from models.cards import CardRefused, next_journal_no, register_card
from models.codebook import Entry
from models.db import write_transaction
from models.demo_corrections import correct_some
from models.demo_data import (
    BUSINESS_ONLY,
    FIRM_A,
    FIRM_B,
    FOREIGNER_ONLY,
    JOBS,
    KK_MEN,
    KK_SURNAMES,
    KK_WOMEN,
    LEGAL_FORM_NAMES,
    OFFICIAL_JOBS,
    PERSON_ONLY,
    RANKS,
    RU_FATHERS,
    RU_MEN,
    RU_SURNAMES,
    RU_WOMEN,
    STREETS,
    TRAFFIC,
    Books,
    DemoStats,
    Draw,
    Identity,
    missing_codebooks,
)
from models.ids import make_bin, make_iin, rnn_check_digit
from models.tables import Card, LegalEntity, User
from models.text import KK_TO_RU
from models.validation import expected_fines, subject_kind

__all__ = ["DemoStats", "load_demo", "missing_codebooks"]

# The persons and legal entities later cards may be about again (repeat offenders, near
# duplicates, firms fined again): the first ones met, up to these many, so that a demo
# register of any size takes the same memory.
KNOWN_PEOPLE = 12_000
KNOWN_ENTITIES = 4_000


class _Generator:
    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.books = Books()
        self.people: list[Identity] = []
        self.entities: list[tuple[dict[str, Any], LegalEntity]] = []
        self.journal: dict[tuple[str, int], int] = {}
        self.serials: set[str] = set()
        self.staff = [self._short_name() for _ in range(12)]

    # names ---------------------------------------------------------------------------
    def _name(self, sex: str) -> tuple[str, str, str]:
        r = self.rng
        male = sex == "1"
        if r.random() < 0.68:  # Kazakh
            surname = r.choice(KK_SURNAMES) + ("" if male else "а")
            given = r.choice(KK_MEN if male else KK_WOMEN)
            father = r.choice(KK_MEN)
            if r.random() < 0.6:
                patronymic = father + ("ұлы" if male else "қызы")
            else:  # Russified patronymic, as in many Soviet-era documents
                patronymic = father.translate(KK_TO_RU) + ("ович" if male else "овна")
            return surname, given, patronymic
        base = r.choice(RU_SURNAMES)
        surname = base + ("а" if not male and base.endswith(("ов", "ев", "ёв", "ин")) else "")
        given = r.choice(RU_MEN if male else RU_WOMEN)
        patronymic = RU_FATHERS[r.choice(list(RU_FATHERS))][0 if male else 1]
        return surname, given, patronymic

    def _short_name(self) -> str:
        surname, given, patronymic = self._name(self.rng.choice("12"))
        return f"{surname} {given[0]}.{patronymic[0]}."

    # places ----------------------------------------------------------------------------
    def _place(self, day: dt.date) -> Entry:
        rows, big = self.books.places(day)
        return self.rng.choice(big if big and self.rng.random() < 0.35 else rows)

    def _address(self, place: Entry, day: dt.date, office: bool = False) -> str:
        r = self.rng
        parent = self.books.get("kato", place.parent or "", day)
        kind = place.data.get("kind", "")
        where = place.name.ru
        if kind in ("city_district", "district") and parent is not None:
            where = f"{parent.name.ru}, {place.name.ru}"
        tail = f"офис {r.randint(1, 420)}" if office else f"кв. {r.randint(1, 180)}"
        if not office and r.random() < 0.3:
            return f"{where}, {r.choice(STREETS)}, д. {r.randint(1, 250)}"
        return f"{where}, {r.choice(STREETS)}, д. {r.randint(1, 250)}, {tail}"

    # identification numbers ------------------------------------------------------------
    def _iin(self, birth: dt.date, sex: str) -> str:
        while True:
            number = make_iin(birth, sex, self.rng.randint(0, 9999))
            if number and number not in self.serials:
                self.serials.add(number)
                return number

    def _bin(self, registered: dt.date, kind: str) -> str:
        while True:
            number = make_bin(registered, kind, self.rng.choice("0001"), self.rng.randint(0, 99999))
            if number and number not in self.serials:
                self.serials.add(number)
                return number

    def _rnn(self) -> str:
        while True:
            first11 = self.rng.choice(("6001", "6002", "0303", "1809", "3016", "4811", "5811",
                                       "6205", "0910", "2110", "1508")) + \
                f"{self.rng.randint(0, 9_999_999):07d}"
            check = rnn_check_digit(first11)
            if check is not None and first11 + str(check) not in self.serials:
                self.serials.add(first11 + str(check))
                return first11 + str(check)

    # persons and entities --------------------------------------------------------------
    def new_person(self, offence: dt.date, place: Entry) -> Identity:
        r = self.rng
        sex = "1" if r.random() < 0.78 else "2"
        surname, given, patronymic = self._name(sex)
        age = r.choice((16, 17)) if r.random() < 0.02 else int(r.triangular(18, 72, 30))
        birth = offence - dt.timedelta(days=age * 365 + r.randint(30, 330))
        citizenship = "1" if r.random() < 0.94 else r.choice("2232")
        values: dict[str, Any] = {
            "surname": surname, "given_name": given, "patronymic": patronymic,
            "birth_date": birth, "sex": sex, "citizenship": citizenship,
            "address": self._address(place, offence),
            "iin": self._iin(birth, sex) if citizenship == "1" or r.random() < 0.5 else None,
            "id_document": ("2" if r.random() < 0.85 else r.choice("15")) if citizenship == "1"
            else r.choice("13"),
        }
        if citizenship != "1" and r.random() < 0.4:
            values["patronymic"] = ""
        return Identity(values)

    def variant(self, source: Identity) -> tuple[Identity, str] | None:
        """The same person keyed again with a typical slip (a near-duplicate)."""
        r = self.rng
        v = dict(source.values)
        names = (v["surname"], v["given_name"], v["patronymic"])
        folded = tuple(n.translate(KK_TO_RU) for n in names)
        birth: dt.date = v["birth_date"]
        ways = []
        if folded != names:
            ways.append("kazakh_letters")
        if birth.day <= 12 and birth.day != birth.month:
            ways.append("day_month_swapped")
        ways.append("digit_slip")
        how = r.choice(ways)
        if how == "kazakh_letters":
            v["surname"], v["given_name"], v["patronymic"] = folded
        elif how == "day_month_swapped":
            v["birth_date"] = birth.replace(day=birth.month, month=birth.day)
        else:
            slipped = self._slip(birth)
            if slipped is None:
                return None
            v["birth_date"] = slipped
        if v.get("iin") and r.random() < 0.5:
            v["iin"] = None  # the IIN not keyed: only names and birth date tie them
        return Identity(v), how

    def _slip(self, birth: dt.date) -> dt.date | None:
        text = birth.strftime("%d%m%Y")
        for _ in range(20):
            i = self.rng.choice((0, 1, 3, 6, 7))  # day, month, decade or year digit
            digit = str((int(text[i]) + self.rng.choice((1, -1))) % 10)
            candidate = text[:i] + digit + text[i + 1:]
            try:
                day = dt.datetime.strptime(candidate, "%d%m%Y").date()
            except ValueError:
                continue
            if dt.date(1930, 1, 1) < day < birth + dt.timedelta(days=365 * 3) and day != birth:
                return day
        return None

    def new_entity(self, subject: str, offence: dt.date, place: Entry) -> dict[str, Any]:
        r = self.rng
        form = r.choices("1234567", weights=(6, 8, 8, 66, 3, 2, 7))[0]
        firm = f"{r.choice(FIRM_A)} {r.choice(FIRM_B)}"
        if form in "12":
            firm = f"{r.choice(('Отдел', 'Управление', 'Центр'))} " \
                   f"{r.choice(('образования', 'здравоохранения', 'ЖКХ', 'культуры'))} " \
                   f"{place.name.ru}"
        registered = dt.date(r.randint(1998, min(offence.year - 1, 2022)), r.randint(1, 12), 1)
        foreign = subject == "06"
        values = {
            "legal_name": f"{LEGAL_FORM_NAMES[form]} «{firm}»",
            "legal_address": self._address(place, offence, office=True),
            "bin": self._bin(registered, "5" if foreign else "4"),
            "rnn": self._rnn() if registered.year < 2013 and r.random() < 0.6 else None,
            "legal_form": form,
            "commercial_status": "2" if form in "27" else "1",
        }
        return values

    # the card --------------------------------------------------------------------------
    def dates(self) -> dict[str, dt.date]:
        r = self.rng
        start = self.today - dt.timedelta(days=3 * 365)
        offence = start + dt.timedelta(days=r.randint(0, 3 * 365 - 25))
        protocol = offence + dt.timedelta(days=0 if r.random() < 0.8 else r.randint(1, 3))
        decision = protocol + dt.timedelta(days=r.choice((0, 0, 1, 3, 5, 7, 10, 14, 20)))
        journal = decision + dt.timedelta(days=r.randint(10, 25))  # after legal force
        received = journal + dt.timedelta(days=r.randint(0, 9))
        late = (received - self.today).days
        d = {"offence_date": offence, "protocol_date": protocol, "decision_date": decision,
             "journal_date": journal, "received_date": received, "filled_date": journal}
        if late > 0:
            d = {k: v - dt.timedelta(days=late) for k, v in d.items()}
        return d

    def journal_no(self, authority: str, day: dt.date) -> str:
        key = (authority, day.year)
        if key not in self.journal:
            self.journal[key] = int(next_journal_no(authority, day.year)) - 1
        self.journal[key] += 1
        return f"{self.journal[key]:05d}"

    def subject(self, kind: Subject, day: dt.date) -> str:
        rows = self.books.month("subject", day)
        if kind == Subject.LEGAL:
            codes = [e.code for e in rows if e.data.get("subject_kind") == "legal"]
            weights = [90 if c == "05" else 5 for c in codes]
            return self.rng.choices(codes, weights=weights)[0]
        if kind == Subject.ENTREPRENEUR:
            return next(e.code for e in rows if e.data.get("subject_kind") == "entrepreneur")
        officials = [e.code for e in rows if e.data.get("fine_category") == "official"]
        if officials and self.rng.random() < 0.08:
            return self.rng.choice(officials)
        return next(e.code for e in rows if e.data.get("fine_category") == "individual")

    def qualification(self, v: dict[str, Any], kind: Subject, day: dt.date) -> bool:
        """Article part, bodies, penalties and fine; False when this draw fits nothing."""
        r = self.rng
        group = "person" if kind == Subject.INDIVIDUAL else "business"
        if kind == Subject.ENTREPRENEUR and r.random() < 0.5:
            group = "person"
        parts, cum = self.books.parts(day, group)
        if not parts:
            return False
        part = r.choices(parts, cum_weights=cum)[0]
        article = part.parent or ""
        bits = part.code.split("/")
        v["article"], v["part"] = article, bits[1] if len(bits) > 1 else ""
        v["paragraph"] = bits[2] if len(bits) > 2 else None
        bodies = self.books.bodies(day)[article]
        detecting = [b for b in bodies if not b.data.get("is_court")]
        courts = [b for b in bodies if b.data.get("is_court")]
        # Most cases end with the body that detected them; courts get about a quarter.
        body = r.choice(courts if courts and (not detecting or r.random() < 0.25)
                        else detecting)
        court = bool(body.data.get("is_court"))
        v["considering_body"] = body.code
        v["authority"] = body.code if not court else (
            r.choice(detecting).code if detecting else "685")

        def usable(e: Entry) -> bool:
            if e.data.get("judge_only") and not court:
                return False
            if kind == Subject.LEGAL and e.code in PERSON_ONLY:
                return False
            if kind == Subject.INDIVIDUAL and e.code in BUSINESS_ONLY:
                return False
            return e.code not in FOREIGNER_ONLY or v.get("citizenship") not in (None, "1")

        on = v["offence_date"]
        mains = [e.code for e in codebook.penalties_for(article, v["part"], v["paragraph"], on,
                                                        "main") if usable(e)]
        # A fine needs an amount the part states for this offender (not a percentage).
        fine_ok = "02" in mains and bool(expected_fines(v, on))
        choices = [c for c in mains if c != "02" or fine_ok]
        if not choices:
            return False
        if fine_ok and r.random() < 0.8:
            v["main_penalty"] = "02"
        elif "01" in choices and r.random() < 0.6:
            v["main_penalty"] = "01"
        else:
            v["main_penalty"] = r.choice(choices)
        if v["main_penalty"] == "02":
            v["fine_imposed"] = r.choice(expected_fines(v, on))
            roll = r.random()
            if roll < 0.65:
                v["fine_collected"] = v["fine_imposed"]
            elif roll < 0.8:
                v["fine_collected"] = int(v["fine_imposed"] * r.uniform(0.3, 0.9))
        if r.random() < 0.15:
            extras = [e.code for e in codebook.penalties_for(
                article, v["part"], v["paragraph"], on, "additional")
                if usable(e) and e.code != v["main_penalty"]]
            if extras:
                v["extra_penalty"] = r.choice(extras)
        decided = v["decision_date"]
        held = {v["main_penalty"], v.get("extra_penalty")}
        if "03" in held:
            v["penalty_end_date"] = decided + dt.timedelta(days=r.randint(3, 15))
        elif held & {"04", "05", "06"}:
            v["penalty_end_date"] = decided + dt.timedelta(days=30 * r.randint(3, 24))
        if article in TRAFFIC and r.random() < 0.04:
            v["measure"] = "2"
        v["guilt"] = "2" if article in TRAFFIC and r.random() < 0.3 else (
            "1" if r.random() < 0.93 else "2")
        return True

    def identity(self, day: dt.date, place: Entry) -> Draw:
        """A new person, a repeat offender, or a near-duplicate of someone known."""
        r = self.rng
        roll = r.random()
        if self.people and roll < 0.2:
            known = r.choice(self.people[: max(8, len(self.people) // 6)])  # habitual
            if known.values["birth_date"] < day - dt.timedelta(days=16 * 365):
                return Draw({}, known, "repeat")
        elif self.people and roll < 0.24:
            source = r.choice(self.people)
            found = self.variant(source)
            if found is not None:
                return Draw({}, found[0], found[1], source)
        return Draw({}, self.new_person(day, place))

    def card(self, kind: Subject) -> Draw | None:
        """A new card of `kind`, or None when this draw fits no article."""
        r = self.rng
        v: dict[str, Any] = self.dates()
        day = v["offence_date"]
        place = self._place(day)
        v["place"] = place.code
        v["subject"] = self.subject(kind, day)
        draw = Draw(v)
        if kind in (Subject.INDIVIDUAL, Subject.ENTREPRENEUR):
            draw = self.identity(day, place)
            draw.values = v
            v.update(draw.identity.values)
            subject = self.books.get("subject", v["subject"], day)
            category = subject.data.get("fine_category") if subject else None
            job = (r.choice(OFFICIAL_JOBS) if category == "official" else
                   "индивидуальный предприниматель" if kind == Subject.ENTREPRENEUR else
                   r.choice(JOBS))
            v["workplace"] = job.format(firm=f"{r.choice(FIRM_A)} {r.choice(FIRM_B)}",
                                        n=r.randint(1, 120))
        if kind == Subject.ENTREPRENEUR:
            v["legal_name"] = ("Индивидуальный предприниматель "
                               f"{v['surname']} {v['given_name']} {v['patronymic']}").strip()
            v["legal_address"] = v["address"]
            # An entrepreneur's business number is their IIN.
            v["bin"] = v["iin"] = v.get("iin") or self._iin(v["birth_date"], v["sex"])
        elif kind == Subject.LEGAL:
            if self.entities and r.random() < 0.25:
                values, draw.legal = r.choice(self.entities)
                v.update(values)
            else:
                v.update(self.new_entity(v["subject"], day, place))
        if not self.qualification(v, kind, day):
            return None
        if v.get("intoxication") is None and v["article"] in ("608", "434", "440") \
                and kind == Subject.INDIVIDUAL:
            v["intoxication"] = "1" if v["article"] == "608" or r.random() < 0.4 else "0"
        if r.random() < 0.07 and v["main_penalty"] in ("01", "02") and \
                (v.get("fine_imposed") or 0) < 200_000:
            v["without_protocol"] = True  # fined or warned on the spot (§19)
        else:
            v["protocol_no"] = f"{r.randint(10**11, 10**12 - 1)}"
        v["journal_no"] = self.journal_no(v["authority"], v["journal_date"])
        rank = "судья" if v["considering_body"] == "684" else r.choice(RANKS)
        v["official_name"] = f"{rank} {self._short_name()}"
        v["filled_by"] = f"инспектор {r.choice(self.staff)}"
        if r.random() < 0.05:
            protest = v["decision_date"] + dt.timedelta(days=r.randint(2, 9))
            if protest <= self.today:
                v["protest_date"] = protest
                v["protest_result"] = r.choice([e.code for e in
                                                self.books.month("protest_result", day)])
        return draw


# --- loading ----------------------------------------------------------------------------


def load_demo(cards: int, seed: int, user: User | None,
              progress: Callable[[int], None] | None = None,
              today: dt.date | None = None) -> DemoStats:
    """Register `cards` demo cards; returns what was made."""
    started = time.monotonic()
    gen = _Generator(seed, today or dt.date.today())
    stats = DemoStats()
    kinds = (Subject.INDIVIDUAL, Subject.ENTREPRENEUR, Subject.LEGAL)
    made: list[int] = []  # the cards' ids: a demo of any size is not kept in memory
    persons: Counter[int] = Counter()
    entities: set[int] = set()
    batch = 50  # cards per transaction: one commit per card would dominate on SQLite
    while stats.cards < cards:
        with write_transaction():
            for _ in range(min(batch, cards - stats.cards)):
                card = _one(gen, gen.rng.choices(kinds, weights=(76, 8, 16))[0], user, stats)
                made.append(card.id)
                if card.person_id:
                    persons[card.person_id] += 1
                if card.legal_entity_id:
                    entities.add(card.legal_entity_id)
                stats.cards += 1
        if progress:
            progress(stats.cards)
    correct_some(gen.rng, gen.today, made, user, stats)
    stats.repeat_persons = sum(1 for n in persons.values() if n > 1)
    stats.persons = len(persons)
    stats.legal_entities = len(entities)
    stats.seconds = time.monotonic() - started
    return stats


def _one(gen: _Generator, kind: Subject, user: User | None, stats: DemoStats) -> Card:
    for _ in range(50):
        draw = gen.card(kind)
        if draw is None:
            stats.retries += 1
            continue
        person = draw.identity.person if draw.how == "repeat" and draw.identity else None
        try:
            card = register_card(draw.values, user, person=person, legal=draw.legal,
                                 today=gen.today)
        except CardRefused as exc:
            stats.retries += 1
            if stats.retries > 20 + stats.cards // 5:  # the generator is wrong, not unlucky
                first = exc.issues[0]
                raise RuntimeError(f"demo card refused: line {first.line} {first.field}: "
                                   f"{first.message.ru}") from None
            continue
        _remember(gen, card, draw, stats)
        v = draw.values
        stats.by_kind[subject_kind(v, v["offence_date"]).value] += 1
        stats.protests += bool(v.get("protest_date"))
        return card
    raise RuntimeError("demo: no card could be drawn from the loaded codebooks")


def _remember(gen: _Generator, card: Card, draw: Draw, stats: DemoStats) -> None:
    if draw.identity is not None and card.person_id and draw.how != "repeat":
        draw.identity.person = card.person
        if draw.source is None:
            if len(gen.people) < KNOWN_PEOPLE:
                gen.people.append(draw.identity)
        elif draw.source.person is not None:
            stats.near_duplicates.append((draw.source.person.id, card.person_id, draw.how))
    if card.legal_entity_id and draw.legal is None and draw.values.get("legal_form") \
            and len(gen.entities) < KNOWN_ENTITIES:
        v = draw.values
        gen.entities.append(({k: v[k] for k in ("legal_name", "legal_address", "bin", "rnn",
                                                 "legal_form", "commercial_status")},
                             card.legal_entity))
