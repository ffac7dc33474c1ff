"""The register's other documents at a register's size (SQLite, one process):

- the registration journal of a year (Appendix 2, ten columns) read, and a month of it
  printed as text (132 columns) and HTML;
- the retention plan (`purge --dry-run`) over every card, and the purge of 2,000 due
  cards under one act (set-based, through the logged path: the database's triggers log
  every tombstone), with the journal entries past their three years (some 57,000 of the
  bench register's cards) destroyed by the same act;
- liability requests: search with the duplicate engine, confirm, answer, for 200
  persons of the register (p50 / p95 per request).

    .venv/bin/python bench/bench_documents.py               # 100,000 cards
    .venv/bin/python bench/bench_documents.py --cards 20000
    .venv/bin/python bench/bench_documents.py --pg          # + plan and purge on PostgreSQL

The machine's load average is recorded at the start and the end (the figures of a
shared machine mean little without it).

The register is bench/cardbank.big_register (cached in data/bench/). Prints a table,
writes bench/results/documents.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cardbank  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGETS = {"journal_year_s": 3.0, "journal_print_month_s": 2.0, "retention_plan_s": 5.0,
           "purge_2000_s": 60.0, "request_p95_ms": 200.0, "pg_retention_plan_s": 5.0,
           "pg_purge_2000_s": 60.0}
PURGED = 2000
REQUESTS = 200


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _executed(ids: list[int], at: dt.datetime) -> None:
    from models.tables import Card

    for start in range(0, len(ids), 900):
        Card.update(status="executed", executed_at=at, version=Card.version + 1).where(
            Card.id.in_(ids[start:start + 900])).execute()


def _retention(user, out: dict, prefix: str = "") -> None:
    """A third of the cards executed two years ago: the plan reads them all; the purge
    destroys the first PURGED of them (the others executed lately, so kept)."""
    from models import retention
    from models.tables import Card

    ids = [i for (i,) in Card.select(Card.id).where(Card.status == "registered")
           .order_by(Card.id).tuples()]
    due = ids[::3]
    # Execution needs no reason; the card's version goes up by one (the database's rule).
    _executed(due, dt.datetime(2024, 1, 10))
    plan, out[f"{prefix}retention_plan_s"] = timed(
        lambda: retention.plan(user, today=dt.date(2026, 1, 15)))
    out[f"{prefix}retention_due"] = len(plan.cards)
    _executed(due[PURGED:], dt.datetime(2025, 12, 1))
    act, out[f"{prefix}purge_2000_s"] = timed(
        lambda: retention.purge(user, today=dt.date(2026, 1, 15)))
    out[f"{prefix}purged"] = act.cards if act else 0
    out[f"{prefix}purged_journal_entries"] = act.journal_entries if act else 0


def run_postgres(src: Path, out: dict) -> None:
    """The retention plan and the purge on PostgreSQL (the register copied in)."""
    from bench.pgcopy import copy_register
    from bench.pgserver import PgServer
    from models.db import close_database, open_database
    from models.tables import User

    with PgServer.start({"shared_buffers": "256MB", "work_mem": "8MB"}) as server:
        url = server.create_database("bench_documents")
        copy_register(src, url)
        db = open_database(url)
        try:
            _retention(User.get(), out, "pg_")
        finally:
            close_database()
            db.close()


def run(cards: int) -> dict:
    from models import registration_journal as rj
    from models import requests as rq
    from models.db import open_database
    from models.printing import render
    from models.printing.journal import journal_document
    from models.tables import Card, Person, User

    src = cardbank.big_register(cards)
    work = Path(tempfile.mkdtemp(prefix="apcard-docs-")) / "docs.db"
    cardbank.copy_of(src, work)
    db = open_database(f"sqlite:///{work}")
    from models import migrations

    migrations.upgrade(db)
    user = User.get()
    out: dict = {"cards": Card.select().count()}

    year = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    rows, out["journal_year_s"] = timed(lambda: rj.journal(
        user, rj.JournalFilter(*year), limit=10**7))
    out["journal_year_rows"] = len(rows)
    month = rj.JournalFilter(dt.date(2025, 3, 1), dt.date(2025, 3, 31))

    def print_month() -> int:
        doc = journal_document(rj.journal(user, month), month, "ru", "bench", "bench",
                               dt.datetime(2026, 1, 15))
        return len(render(doc, "text", 132)) + len(render(doc, "html"))

    size, out["journal_print_month_s"] = timed(print_month)
    out["journal_print_month_bytes"] = size

    # A third of the cards executed two years ago: the plan reads them all; the purge
    # destroys the first PURGED of them.
    _retention(user, out)

    people = list(Person.select().where(Person.surname != "").order_by(Person.id)
                  .limit(REQUESTS))
    times = []
    for p in people:
        t = time.perf_counter()
        req = rq.add_request({"surname": p.surname, "given_name": p.given_name,
                              "patronymic": p.patronymic, "birth_date": p.birth_date,
                              "grounds": "bench"}, user, today=dt.date(2026, 1, 15))
        for c in rq.search(req.id, user):
            rq.decide(req.id, c.candidate_id, rq.SAME if c.person_id == p.id else rq.DIFFERENT,
                      user)
        rq.answer(req.id, user, today=dt.date(2026, 1, 15))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out["request_p50_ms"] = round(statistics.median(times), 1) if times else None
    out["request_p95_ms"] = round(times[int(len(times) * 0.95) - 1], 1) if times else None
    db.close()
    return out


def report(out: dict) -> list[dict]:
    from rich.console import Console
    from rich.table import Table

    rows = []
    for key, budget in BUDGETS.items():
        value = out.get(key)
        ok = None if value is None else value <= budget
        rows.append({"bench": "documents", "metric": f"{key} [{out['cards']:,} cards]",
                     "budget": f"<= {budget:g}", "value": f"{value:.2f}" if value is not None
                     else "-", "ok": ok})
    t = Table(title="documents")
    for col in ("metric", "budget", "value", ""):
        t.add_column(col)
    for r in rows:
        t.add_row(r["metric"], r["budget"], r["value"],
                  "" if r["ok"] is None else ("PASS" if r["ok"] else "FAIL"))
    Console().print(t)
    print(f"load average {out.get('load_start')} at the start, {out.get('load_end')} at the end")
    print(f"journal rows {out['journal_year_rows']:,}; due {out['retention_due']:,}; "
          f"purged {out['purged']:,} cards and {out['purged_journal_entries']:,} journal "
          f"entries; request p50 {out['request_p50_ms']} ms")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--pg", action="store_true", help="also the plan and purge on PostgreSQL")
    args = ap.parse_args(argv)
    load = os.getloadavg()
    out = run(args.cards)
    if args.pg:
        run_postgres(cardbank.big_register(args.cards), out)
    out["load_start"], out["load_end"] = [round(x, 2) for x in load], [
        round(x, 2) for x in os.getloadavg()]
    rows = report(out)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "documents.json").write_text(json.dumps({"figures": out, "rows": rows},
                                                       indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
