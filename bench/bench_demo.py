"""The demo register at size: `apcard demo --cards N` on a new SQLite register, its peak
memory (the process's maximum resident set) and time, at a small size and at the large
one, so that what grows with the register shows. Budget: <= 200 MiB at 200,000 cards
(the cards are written as they are made, not kept).

    .venv/bin/python bench/bench_demo.py                          # 5,000 and 200,000 cards
    .venv/bin/python bench/bench_demo.py --cards 20000 --small 2000  # quicker

Prints a table, writes bench/results/demo.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BUDGET_MIB = 200.0
CLI = "import sys; from tui.cli import main; sys.exit(main())"


def apcard(db: str, *args: str) -> None:
    subprocess.run([sys.executable, "-c", CLI, "--db", db, *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def demo(cards: int, tmp: Path) -> dict:
    """One demo register of `cards` cards: peak RSS (MiB) and seconds of the demo run."""
    db = f"sqlite:///{tmp / f'demo{cards}.db'}"
    apcard(db, "init")
    apcard(db, "codebooks", "load")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", CLI, "--db", db, "demo", "--cards",
                             str(cards)], cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"apcard demo --cards {cards} exited with {proc.returncode}")
    seconds = time.monotonic() - started
    return {"cards": cards, "peak_mib": round(usage.ru_maxrss / 1024, 1),
            "seconds": round(seconds, 1), "cards_per_s": round(cards / seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=200_000)
    ap.add_argument("--small", type=int, default=5_000)
    ap.add_argument("--out", default=str(RESULTS / "demo.json"))
    args = ap.parse_args(argv)
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="apcard-demo-") as t:
        small, large = demo(args.small, Path(t)), demo(args.cards, Path(t))
    load_end = os.getloadavg()
    grew = round(large["peak_mib"] - small["peak_mib"], 1)
    rows = [{"metric": f"demo --cards {large['cards']:,}: peak memory, MiB",
             "budget": f"<= {BUDGET_MIB:.0f}", "value": str(large["peak_mib"]),
             "ok": large["peak_mib"] <= BUDGET_MIB},
            {"metric": f"demo --cards {small['cards']:,}: peak memory, MiB", "budget": "",
             "value": str(small["peak_mib"]), "ok": None},
            {"metric": f"peak memory grown from {small['cards']:,} to {large['cards']:,} cards,"
                       " MiB", "budget": "", "value": str(grew), "ok": None},
            {"metric": "cards a second (small / large)", "budget": "",
             "value": f"{small['cards_per_s']} / {large['cards_per_s']}", "ok": None},
            {"metric": "load average start / end", "budget": "",
             "value": f"{load_start[0]:.1f} / {load_end[0]:.1f}", "ok": None}]
    out = {"when": dt.datetime.now().isoformat(timespec="seconds"), "runs": [small, large],
           "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    for r in rows:
        verdict = "" if r["ok"] is None else ("PASS" if r["ok"] else "FAIL")
        print(f"{r['metric']:<56} {r['budget']:>8} {r['value']:>14} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
