"""Every bench, one command: a table of budgets on screen, bench/results/bench.json.

    .venv/bin/python bench/run.py                 # every bench at full size
    .venv/bin/python bench/run.py --quick         # smaller sizes, a few minutes each
    .venv/bin/python bench/run.py --only tui      # just the card screen
    .venv/bin/python bench/run.py --matching-args "--persons 200000 --backends sqlite"

Runs each bench/bench_*.py present: the card screen (bench_tui, in this process) and the
duplicate-person search (bench_matching, as its own process: it starts a PostgreSQL
server and worker processes). Each bench prints its own detailed table and writes its
own JSON (bench/results/tui.json, matching.json); this command then prints one table of
every budget with PASS/FAIL and writes bench/results/bench.json. A bench that is not
known here is still run, and its exit code reported.

Exit code 0 whatever the figures (a bench is a report); 1 if a bench could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
QUICK_MATCHING = ["--persons", "100000", "--legal", "50000", "--small", "0"]

Row = dict  # bench, metric, budget, value, ok (True / False / None)


class CouldNotRun(RuntimeError):
    pass


def run_tui(args: argparse.Namespace) -> list[Row]:
    from bench import bench_tui

    try:
        out = bench_tui.run(list(bench_tui.MODES), big_cards=args.tui_register)
    except bench_tui.BenchError as exc:
        raise CouldNotRun(str(exc)) from None
    bench_tui.write(out, RESULTS / "tui.json")
    bench_tui.report(out)
    return [{"bench": "tui", "metric": f"{r['metric'].strip()} [{r['mode']}]",
             "budget": r["budget"], "value": f"{r['apcard']} / {r['floor'] or '-'}",
             "ok": r["ok"]}
            for r in out["table"] if r["budget"]]  # the detail stays in the bench's own table


def run_matching(args: argparse.Namespace) -> list[Row]:
    extra = QUICK_MATCHING if args.quick else []
    extra += shlex.split(args.matching_args or "")
    out_path = RESULTS / "matching.json"
    cmd = [sys.executable, str(ROOT / "bench" / "bench_matching.py"), *extra,
           "--out", str(out_path)]
    started = time.time()
    if subprocess.run(cmd, cwd=ROOT).returncode:
        raise CouldNotRun("bench_matching.py failed (its error is above)")
    if not out_path.exists() or out_path.stat().st_mtime < started:
        raise CouldNotRun("bench_matching.py wrote no results")
    out = json.loads(out_path.read_text())
    from bench import bench_matching as bm

    return bm.budget_rows(out)


def run_other(path: Path) -> list[Row]:
    code = subprocess.run([sys.executable, str(path)], cwd=ROOT).returncode
    if code:
        raise CouldNotRun(f"{path.name} exited with {code}")
    return [{"bench": path.stem.removeprefix("bench_"), "metric": "ran", "budget": "",
             "value": f"exit {code}", "ok": None}]


def run_documents(args: argparse.Namespace) -> list[Row]:
    from bench import bench_documents as bd

    out = bd.run(20_000 if args.quick else 100_000)
    (RESULTS / "documents.json").write_text(json.dumps(out, indent=1, ensure_ascii=False)
                                            + "\n")
    return bd.report(out)


# Benches that write their budget rows ({metric, budget, value, ok}) into their own JSON;
# the arguments of --quick make each a few minutes' look.
ROWS_BENCHES = {
    "exchange": ["--cards", "20000"],
    "stats": ["--cards", "200000"],
    "load": ["--duration", "30", "--pg-operators", "20", "--sqlite-operators", "5",
             "--import-cards", "5000"],
    "save": ["--cards", "200000", "--persons", "100000"],
    "directory": [],
    "demo": ["--cards", "20000", "--small", "2000"],
}


def run_rows(name: str, args: argparse.Namespace) -> list[Row]:
    out_path = RESULTS / f"{name}.json"
    cmd = [sys.executable, str(ROOT / "bench" / f"bench_{name}.py"),
           *(ROWS_BENCHES[name] if args.quick else []), "--out", str(out_path)]
    started = time.time()
    if subprocess.run(cmd, cwd=ROOT).returncode:
        raise CouldNotRun(f"bench_{name}.py failed (its error is above)")
    if not out_path.exists() or out_path.stat().st_mtime < started:
        raise CouldNotRun(f"bench_{name}.py wrote no results")
    return [{"bench": name, **row} for row in json.loads(out_path.read_text())["rows"]]


def run_audit(args: argparse.Namespace) -> list[Row]:
    from bench import bench_audit as ba

    out = ba.run(1000 if args.quick else 5000)
    (RESULTS / "audit.json").write_text(json.dumps(out, indent=1) + "\n")
    return ba.report(out)


KNOWN = {"tui": run_tui, "matching": run_matching, "documents": run_documents,
         "audit": run_audit,
         **{name: (lambda args, name=name: run_rows(name, args)) for name in ROWS_BENCHES}}


def present() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))


def table(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, markup=False, width=max(120, Console().width))
    t = Table(title="apcard benches: budgets")
    for col, just in (("bench", "left"), ("metric", "left"), ("budget", "right"),
                      ("value (tui: apcard / curses floor)", "right"), ("", "left")):
        t.add_column(col, justify=just, no_wrap=True)
    for r in rows:
        verdict = "" if r["ok"] is None else ("PASS" if r["ok"] else "FAIL")
        t.add_row(r["bench"], r["metric"], r["budget"], r["value"], verdict)
    console.print(t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated benches to run (default: all present: "
                    f"{', '.join(present())})")
    ap.add_argument("--quick", action="store_true",
                    help="duplicate search on 100,000 persons instead of 1,000,000; packages "
                    "of 20,000 cards, statistics on 200,000, a 30-second load")
    ap.add_argument("--tui-register", type=int, default=200_000,
                    help="cards of the register the card screen's RSS is measured on again "
                    "(built once by bench/cardbank.py and cached; 0: skip)")
    ap.add_argument("--matching-args", default="",
                    help="more options for bench_matching.py (quoted)")
    args = ap.parse_args(argv)
    names = present()
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            ap.error(f"no such bench: {', '.join(unknown)} (present: {', '.join(names)})")
        names = [n for n in names if n in wanted]
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    failures: list[str] = []
    benches: dict[str, dict] = {}
    for name in names:
        t0 = time.perf_counter()
        try:
            runner = KNOWN.get(name)
            got = runner(args) if runner else run_other(ROOT / "bench" / f"bench_{name}.py")
            rows += got
            benches[name] = {"ran": True, "json": f"bench/results/{name}.json"
                             if runner else None}
        except CouldNotRun as exc:
            failures.append(f"{name}: {exc}")
            benches[name] = {"ran": False, "error": str(exc)}
        benches[name]["seconds"] = round(time.perf_counter() - t0, 1)
    table(rows)
    summary = {"when": dt.datetime.now().isoformat(timespec="seconds"),
               "machine": platform.platform(), "cpus": os.cpu_count(),
               "benches": benches, "rows": rows, "failures": failures}
    (RESULTS / "bench.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False)
                                        + "\n")
    print(f"written {RESULTS / 'bench.json'}")
    for line in failures:
        print(f"bench: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
