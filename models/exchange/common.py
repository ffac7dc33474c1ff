"""What every part of the exchange shares: the refusal, the register's own place in
the tiers, and card identifiers that survive the journey between registers.

A card is known across registers by its uid, "<code of the organisation that keyed
it>:<its number there>": the Directorate forwards a body's card to the central bank
under the body's uid, so an acknowledgement or a reconciliation finds it on every tier.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from models.config import TIERS, Config
from models.db import write_transaction
from models.i18n import T

UID = re.compile(r"^([A-Z0-9][A-Z0-9-]{0,31}):([1-9][0-9]{0,11})$")
TIER_LABELS = {"body": T("субъект", "субъект"), "directorate": T("Басқарма", "Управление"),
               "central": T("орталық банк", "центральный банк")}


class ExchangeError(Exception):
    """A refusal worth one line to the user; nothing was written."""

    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message

    def __reduce__(self) -> tuple[type[ExchangeError], tuple[T]]:
        return ExchangeError, (self.message,)  # the same refusal from another process


@dataclass(frozen=True)
class Org:
    code: str
    tier: str
    name: str = ""


def tier_above(tier: str) -> str | None:
    i = TIERS.index(tier)
    return TIERS[i + 1] if i + 1 < len(TIERS) else None


def tier_below(tier: str) -> str | None:
    i = TIERS.index(tier)
    return TIERS[i - 1] if i > 0 else None


def own(cfg: Config) -> Org:
    """This register's organisation. The code and tier are written into the database by
    the first package and must not change afterwards: cards already sent carry the code
    in their uid, and a register that changed its name would lose them."""
    from models.exchange.tables import ExchangeIdentity

    if not cfg.org_code:
        raise ExchangeError(T(
            "config.toml [organisation] code берілмеген: ұйым коды пакеттерге керек",
            "В config.toml [organisation] не задан code: код организации нужен для пакетов"))
    with write_transaction():
        row = ExchangeIdentity.select().order_by(ExchangeIdentity.id).first()
        if row is None:
            row = ExchangeIdentity.create(code=cfg.org_code, tier=cfg.tier,
                                          name=cfg.organisation_name[:250])
    if (row.code, row.tier) != (cfg.org_code, cfg.tier):
        raise ExchangeError(T(
            "Бұл тізілім {code} ({tier}), ал config.toml {ccode} ({ctier}) дейді",
            "Этот реестр {code} ({tier}), а config.toml указывает {ccode} ({ctier})").format(
                code=row.code, tier=row.tier, ccode=cfg.org_code, ctier=cfg.tier))
    return Org(row.code, row.tier, row.name)


def parent(cfg: Config, me: Org) -> Org:
    """The organisation this register's packages go to."""
    tier = tier_above(me.tier)
    if tier is None:
        raise ExchangeError(T("Орталық банк пакеттерді жоғары жібермейді",
                              "Центральный банк не отправляет пакеты выше"))
    if not cfg.parent_code:
        raise ExchangeError(T(
            "config.toml [organisation] parent берілмеген: пакет кімге жіберілетіні белгісіз",
            "В config.toml [organisation] не задан parent: неизвестно, кому отправлять пакет"))
    return Org(cfg.parent_code, tier)


def uid(code: str, card_id: int) -> str:
    return f"{code}:{card_id}"


def split_uid(value: object) -> tuple[str, int] | None:
    """(organisation code, card number) of a well-formed uid, else None."""
    m = UID.match(value) if isinstance(value, str) else None
    return (m.group(1), int(m.group(2))) if m else None


def return_due(received: dt.date, cfg: Config) -> dt.date:
    """The Directorate's deadline to return a faulty card: 3 working days of the
    configured calendar from receiving it (§12)."""
    from models.lifecycle import return_deadline

    return return_deadline(received, cfg.return_working_days, cfg.calendar)


@contextlib.contextmanager
def patient_lock(wait_ms: int = 600_000) -> Iterator[None]:
    """SQLite: a batch job (an import, an export) waits up to `wait_ms` for the write
    lock between its short transactions, instead of failing after the busy timeout an
    operator's save has; the timeout is put back afterwards. PostgreSQL waits anyway."""
    from models.db import database_proxy, is_postgres

    db = database_proxy.obj
    if is_postgres(db):
        yield
        return
    before = int(db.execute_sql("PRAGMA busy_timeout").fetchone()[0])
    db.execute_sql(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {before}")


RESULT_LABELS = {
    "accepted": T("қабылданды", "принято"), "returned": T("қайтарылды", "возвращено"),
    "pending": T("кезекте", "в очереди"), "removed": T("алынып тасталды", "исключено"),
    "unchanged": T("өзгеріссіз", "без изменений"), "stale": T("ескірген", "устарело"),
    "noted": T("белгіленді", "отмечено"), "unknown": T("белгісіз", "неизвестно"),
    "register": T("жаңа", "новых"), "correct": T("түзету", "исправлений"),
    "remove": T("алып тастау", "исключений"),
}


def counts_text(counts: dict[str, int], lang: str) -> str:
    """"принято 95, возвращено 3": what a package did, in the session's language."""
    return ", ".join(f"{RESULT_LABELS.get(k, T(k, k))(lang)} {n}"
                     for k, n in sorted(counts.items())) or "0"
