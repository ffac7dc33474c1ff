"""Statistics at the register's size: every cut of models.stats over two years of a
1,000,000-card register, computed by the database. Budget: <= 1 s each on PostgreSQL,
<= 2 s on SQLite.

    .venv/bin/python bench/bench_stats.py                     # 1,000,000 cards
    .venv/bin/python bench/bench_stats.py --cards 200000      # quicker

The register (bench/cardbank.big_register, cached in data/bench/) is a demo register of
5,000 cards keyed through register_card, copied by INSERT ... SELECT with line 6 dates
spread over 2024-2025; PostgreSQL gets the same rows by COPY, then VACUUM ANALYZE (an
index-only scan needs the visibility map a vacuum writes, as autovacuum would).
Each query runs three times; the median is reported. Prints a table, writes
bench/results/stats.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cardbank  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGETS = {"postgres": 1.0, "sqlite": 2.0}
PERIOD = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))


def measure(url: str) -> dict[str, float]:
    from models import codebook, stats
    from models.db import open_database

    db = open_database(url)
    codebook.reload()
    queries = {f"by {by}": (lambda by=by: stats.table(by, *PERIOD)) for by in stats.DIMENSIONS}
    queries["totals"] = lambda: stats.totals(*PERIOD)
    queries["repeat offenders"] = lambda: stats.repeat_offenders(*PERIOD)
    out = {}
    for name, query in queries.items():
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            query()
            times.append(time.perf_counter() - t0)
        out[name] = round(statistics.median(times), 3)
    count = db.execute_sql("SELECT COUNT(*) FROM card").fetchone()[0]
    out["cards"] = count
    db.close_all() if hasattr(db, "close_all") else db.close()
    return out


def run(cards: int, backends: list[str]) -> dict:
    from bench.pgserver import PgServer

    path = cardbank.big_register(cards)
    result: dict = {"cards": cards, "load_average": os.getloadavg(), "backends": {}}
    if "sqlite" in backends:
        result["backends"]["sqlite"] = measure(f"sqlite:///{path}")
    if "postgres" in backends:
        with PgServer.start({"shared_buffers": "256MB"}) as server:
            url = server.create_database("stats")
            from models import migrations
            from models.db import open_database

            db = open_database(url)
            migrations.upgrade(db)
            db.close_all()
            t0 = time.perf_counter()
            cardbank.to_postgres(path, url)
            result["postgres_load_s"] = round(time.perf_counter() - t0, 1)
            result["backends"]["postgres"] = measure(url)
    return result


def rows(result: dict) -> list[tuple[str, str, str, bool | None]]:
    out = []
    for backend, figures in result["backends"].items():
        budget = BUDGETS[backend]
        for name, seconds in figures.items():
            if name == "cards":
                continue
            out.append((f"{name}, s [{backend}, {figures['cards']:,} cards]", f"<= {budget:g}",
                        f"{seconds:.3f}", seconds <= budget))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=1_000_000)
    ap.add_argument("--backends", default="postgres,sqlite")
    ap.add_argument("--out", default=str(RESULTS / "stats.json"))
    args = ap.parse_args(argv)
    result = run(args.cards, [b.strip() for b in args.backends.split(",") if b.strip()])
    result["rows"] = [dict(zip(("metric", "budget", "value", "ok"), r, strict=True))
                      for r in rows(result)]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    for r in result["rows"]:
        print(f"{r['metric']:<56} {r['budget']:>6} {r['value']:>8} "
              f"{'PASS' if r['ok'] else 'FAIL'}")
    print(f"load average: {result['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
