"""What the logged path costs: a register of demo cards written through the database's
log triggers, every card dispatched in one go (a trigger row per card and column), then
`apcard audit verify` (the chain, every logged row's digest against the log, a seal),
on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_audit.py [--cards 5000]    # writes bench/results/audit.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Budgets: registering stays interactive, a dispatch of a day's cards takes seconds,
# verifying a register of a year takes minutes at most.
BUDGET_REGISTER_MS = 60.0  # per card, its person and their log rows
BUDGET_DISPATCH_MS = 2.0  # per card, in one bulk dispatch
BUDGET_VERIFY_MS = 0.5  # per log row (chain) and data row (digest) together


def _one(url: str, cards: int) -> dict[str, Any]:
    from codebooks.loader import load
    from models import audit, demo, migrations
    from models.auth import add_user, os_account
    from models.corrections import dispatch_due
    from models.db import close_database, database_proxy, open_database
    from models.tables import Card, Role

    db = open_database(url)
    try:
        migrations.upgrade(db)
        load(db)
        admin = add_user("bench", Role.ADMINISTRATOR, by=None, os_account_name=os_account())
        started = time.perf_counter()
        demo.load_demo(cards, 1, admin)
        registered = time.perf_counter() - started
        made = Card.select().count()
        rows_before = audit.head().row
        day = dt.date.today().replace(day=10)
        started = time.perf_counter()
        sent = dispatch_due(admin, [10], today=day)
        dispatched = time.perf_counter() - started
        rows = audit.head().row
        started = time.perf_counter()
        verdict = audit.verify([audit.seal("bench")])
        verified = time.perf_counter() - started
        assert verdict.ok, verdict
        return {
            "cards": made, "dispatched": sent, "log_rows": rows,
            "log_rows_of_dispatch": rows - rows_before, "data_rows": verdict.data_rows,
            "register_ms_per_card": registered * 1000 / max(made, 1),
            "dispatch_ms_per_card": dispatched * 1000 / max(sent, 1),
            "verify_s": verified,
            "verify_ms_per_row": verified * 1000 / max(rows + verdict.data_rows, 1),
        }
    finally:
        close_database()
        database_proxy.initialize(None)


def run(cards: int) -> dict[str, Any]:
    from bench.pgserver import PgServer, PgServerError

    out: dict[str, Any] = {"cards": cards, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="apcard-bench-audit-") as tmp:
        out["backends"]["sqlite"] = _one(f"sqlite:///{tmp}/audit.db", cards)
    try:
        with PgServer.start() as server:
            out["backends"]["postgres"] = _one(server.create_database("bench_audit"), cards)
    except PgServerError as exc:
        out["postgres_error"] = str(exc)
    return out


def report(out: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for backend, r in out["backends"].items():
        where = f"[{backend}, {r['cards']:,} cards]"
        rows += [
            {"bench": "audit", "metric": f"register, ms/card with its log {where}",
             "budget": f"<= {BUDGET_REGISTER_MS:.0f}", "value": f"{r['register_ms_per_card']:.1f}",
             "ok": r["register_ms_per_card"] <= BUDGET_REGISTER_MS},
            {"bench": "audit", "metric": f"bulk dispatch, ms/card with its log {where}",
             "budget": f"<= {BUDGET_DISPATCH_MS}", "value": f"{r['dispatch_ms_per_card']:.2f}",
             "ok": r["dispatch_ms_per_card"] <= BUDGET_DISPATCH_MS},
            {"bench": "audit", "metric": f"verify (chain+data+seal), ms/row {where}",
             "budget": f"<= {BUDGET_VERIFY_MS}", "value": f"{r['verify_ms_per_row']:.3f}",
             "ok": r["verify_ms_per_row"] <= BUDGET_VERIFY_MS},
        ]
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=5000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "audit.json"))
    args = ap.parse_args()
    out = run(args.cards)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"{'metric':62} {'budget':>8} {'value':>8}")
    for row in report(out):
        print(f"{row['metric']:62} {row['budget']:>8} {row['value']:>8}"
              f"  {'PASS' if row['ok'] else 'FAIL'}")
    for backend, r in out["backends"].items():
        print(f"{backend}: {r['log_rows']:,} log rows ({r['log_rows_of_dispatch']:,} by the "
              f"dispatch), {r['data_rows']:,} data rows, verify {r['verify_s']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
