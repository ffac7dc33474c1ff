"""The data bank end to end, as three organisations would run it: a body's register on
SQLite, its Directorate and the central bank on PostgreSQL (a throw-away server).

    .venv/bin/python bench/trial_exchange.py            # the demo register, 2,500 cards
    .venv/bin/python bench/trial_exchange.py --cards 500

1. The body keys the demo register (`apcard demo`) and sends it (`apcard export`).
2. The Directorate imports it (`apcard import`): each card checked, persons linked; the
   probable duplicates wait in its queue and its operator decides them (the top
   candidate: same person); its acknowledgement goes back and the body imports it.
3. The Directorate forwards the cards to the central bank, which checks them the same
   way (its own queue decided likewise) and acknowledges them.
4. Quarterly reconciliation of the busiest quarter, both ways: no difference; the
   quarter's statistics by region identical in the three registers, every card of the
   body and of the Directorate accepted.
5. A faulty card (keyed by an older program: no line 5) is planted at the body and sent
   with the next dispatch; the Directorate returns it with its reason and its deadline;
   the body's acknowledgement import marks it returned.
6. Reconciliation again: exactly the planted card, with its cause.

Every step but the planting runs the `apcard` command (`export`, `import`, `queue list`
and `queue decide`, `reconcile`, `stats`); what the registers hold is then read from
their databases and checked. The script stops with exit code 1 at the first step that
does not do what it should.

    make trial-exchange                                # the same, from a fresh clone
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench.bench_exchange import config  # noqa: E402


class TrialFailed(Exception):
    pass


def apcard(cfg: Path, *args: str, quiet: bool = False) -> str:
    res = subprocess.run([sys.executable, "-c", "import sys; from tui.cli import main; "
                          "sys.exit(main())", "--config", str(cfg), "--lang", "ru", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if res.returncode:
        raise TrialFailed(f"apcard {' '.join(args)}: {res.stderr.strip()}")
    for line in [] if quiet else res.stderr.strip().splitlines():
        print(f"    {line}")
    return res.stdout.strip()


def step(text: str) -> None:
    print(f"\n== {text}")


def bind(cfg: Path):
    from models import codebook
    from models.config import load_config
    from models.db import open_database

    c = load_config(cfg)
    db = open_database(c.db_url)
    codebook.reload()
    return c, db


def busiest_quarter(cfg: Path) -> str:
    from models.tables import Card

    _, db = bind(cfg)
    counts: dict[str, int] = {}
    for (day,) in Card.select(Card.journal_date).tuples():
        if day:
            q = f"{day.year}Q{(day.month + 2) // 3}"
            counts[q] = counts.get(q, 0) + 1
    db.close()
    return max(counts, key=counts.__getitem__)


def decide_queue(cfg: Path) -> int:
    """The operator's decisions, by the CLI: each waiting card is its top candidate."""
    listing = apcard(cfg, "queue", "list", quiet=True)
    n = 0
    item = None
    for line in listing.splitlines():
        cols = line.split("\t")
        if not line.startswith("\t"):
            item = cols[0]
            continue
        if item is None:
            continue
        kind, ident = cols[1].split()
        apcard(cfg, "queue", "decide", item, "same",
               "--person" if kind == "person" else "--legal", ident, quiet=True)
        item = None
        n += 1
    return n


def plant(cfg: Path, quarter: str) -> str:
    """A card keyed by an older program into the body's register: line 5 missing."""
    from models.exchange.common import uid
    from models.reconcile import quarter_bounds
    from models.tables import Card, card_values

    c, db = bind(cfg)
    start, end = quarter_bounds(quarter)
    model = Card.select().where(Card.journal_date.between(start, end)
                                & Card.surname.is_null(False)).order_by(Card.id).first()
    values = {**card_values(model), "official_name": None, "protocol_no": "900000000001"}
    card = Card.create(**values, status="registered", koap_edition=model.koap_edition,
                       created_by=model.created_by, person=model.person)
    db.close()
    return uid(c.org_code, card.id)


def statuses(cfg: Path) -> dict[str, int]:
    import peewee as pw

    from models.tables import Card

    _, db = bind(cfg)
    got = dict(Card.select(Card.status, pw.fn.COUNT(Card.id)).group_by(Card.status).tuples())
    db.close()
    return got


def returned_card(cfg: Path, card_uid: str) -> tuple[str, str, dt.date | None, dt.date]:
    """The planted card at the body: its status, the reason logged with its return, the
    deadline the Directorate's acknowledgement gave, and the one expected (§12: 3 working
    days of the configured calendar from the day the Directorate received it: today)."""
    from models.audit import Correction
    from models.exchange.common import return_due
    from models.exchange.tables import PackageCard
    from models.tables import Card

    c, db = bind(cfg)
    card = Card.get_by_id(int(card_uid.split(":")[1]))
    row = (Correction.select().where((Correction.card == card.id)
                                     & (Correction.new_value == "returned")).first())
    sent = (PackageCard.select().where(PackageCard.uid == card_uid)
            .order_by(PackageCard.id.desc()).first())
    db.close()
    return (card.status, row.reason_text if row else "", sent.return_due if sent else None,
            return_due(dt.date.today(), c))


def run(cards: int, tmp: Path) -> None:
    from bench.pgserver import PgServer
    from models.reconcile import quarter_bounds

    out = tmp / "out"
    out.mkdir()
    with PgServer.start() as server:
        body_url = f"sqlite:///{tmp / 'body.db'}"
        body = config(tmp / "body", body_url, "body", "BODY-685", "DIR-75")
        dr = config(tmp / "dir", server.create_database("directorate"), "directorate",
                    "DIR-75", "KPS")
        central = config(tmp / "central", server.create_database("central"), "central",
                         "KPS", "")
        for cfg in (body, dr, central):
            apcard(cfg, "init")
            apcard(cfg, "codebooks", "load")

        step(f"1. the body keys {cards} demo cards and sends them")
        apcard(body, "demo", "--cards", str(cards))
        package = apcard(body, "export", "--out", str(out), "--any-day")
        step("2. the Directorate imports the package")
        ack = apcard(dr, "import", package, "--ack-out", str(out))
        decided = decide_queue(dr)
        print(f"    queue: {decided} probable duplicates decided (same person)")
        if decided:
            ack2 = apcard(dr, "export", "--ack", "BODY-685", "--out", str(out))
        for a in (ack, ack2) if decided else (ack,):
            if a:
                apcard(body, "import", a.splitlines()[-1])
        step("3. the Directorate forwards to the central bank")
        up = apcard(dr, "export", "--out", str(out))
        acks = [apcard(central, "import", up, "--ack-out", str(out))]
        decided = decide_queue(central)
        print(f"    central queue: {decided} probable duplicates decided (same person)")
        if decided:
            acks.append(apcard(central, "export", "--ack", "DIR-75", "--out", str(out)))
        for a in acks:
            if a:
                apcard(dr, "import", a.splitlines()[-1])

        quarter = busiest_quarter(body)
        step(f"4. reconciliation of {quarter}: no difference expected")
        for mine, theirs, other in ((body, dr, "BODY-685"), (dr, body, "DIR-75")):
            statement = apcard(theirs, "reconcile", "--quarter", quarter, "--write-statement",
                               "--for", other, "--out", str(out))
            report = apcard(mine, "reconcile", "--quarter", quarter, "--with", statement)
            print("\n".join(f"    | {x}" for x in report.splitlines()[-3:]))
            if "Расхождений нет" not in report:
                raise TrialFailed(f"differences found at {mine.parent.name}:\n{report}")

        step(f"   statistics of {quarter} by region: the same figures in the three registers")
        start, end = quarter_bounds(quarter)
        cut = ("stats", "--by", "region", "--from", f"{start:%d.%m.%Y}", "--to",
               f"{end:%d.%m.%Y}")
        tables = {cfg.parent.name: apcard(cfg, *cut, "--csv") for cfg in (body, dr, central)}
        print("\n".join(f"    | {x}" for x in apcard(central, *cut).splitlines()[:8]))
        if len(set(tables.values())) != 1:
            raise TrialFailed(f"statistics differ between the registers: {tables}")
        accepted = {cfg.parent.name: statuses(cfg) for cfg in (body, dr)}
        print(f"    statuses: {accepted}")
        if any(set(v) != {"accepted"} for v in accepted.values()):
            raise TrialFailed(f"not every card accepted: {accepted}")

        step("5. a faulty card planted at the body goes with the next dispatch")
        planted = plant(body, quarter)
        print(f"    planted {planted}")
        package2 = apcard(body, "export", "--out", str(out), "--any-day")
        ack4 = apcard(dr, "import", package2, "--ack-out", str(out))
        apcard(body, "import", ack4.splitlines()[-1])
        status, reason, due, expected = returned_card(body, planted)
        print(f"    at the body: {planted} {status}; deadline {due:%d.%m.%Y}; reason: {reason}"
              if due else f"    at the body: {planted} {status}; no deadline")
        if status != "returned" or "5:" not in reason:
            raise TrialFailed(f"{planted} is {status} ({reason!r}), expected returned at line 5")
        if due != expected or f"{due:%d.%m.%Y}" not in reason:
            raise TrialFailed(f"deadline {due}, expected {expected} (3 working days)")

        step(f"6. reconciliation of {quarter} again: exactly the planted card")
        statement = apcard(dr, "reconcile", "--quarter", quarter, "--write-statement", "--for",
                           "BODY-685", "--out", str(out))
        csv = out / "reconcile.csv"
        report = apcard(body, "reconcile", "--quarter", quarter, "--with", statement,
                        "--csv", str(csv))
        print("\n".join(f"    | {x}" for x in report.splitlines()[-3:]))
        rows = [r for r in csv.read_text(encoding="utf-8-sig").splitlines()[2:]
                if r and not r.startswith(("count", ","))]
        listed = [r.split(",")[0] for r in rows if r.split(",")[0].count(":") == 1]
        if listed != [planted]:
            raise TrialFailed(f"expected exactly {planted}, the report lists {listed}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=2500)
    args = ap.parse_args(argv)
    started = dt.datetime.now()
    with tempfile.TemporaryDirectory(prefix="apcard-trial-") as t:
        try:
            run(args.cards, Path(t))
        except TrialFailed as exc:
            print(f"\nTRIAL FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"\ntrial passed in {(dt.datetime.now() - started).total_seconds():.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
