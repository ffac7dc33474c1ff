"""Duplicate-person search bench: one command, a table on screen, bench/results/matching.json.

    .venv/bin/python bench/bench_matching.py                  # 1,000,000 persons
    .venv/bin/python bench/bench_matching.py --persons 100000 # quick run

Builds (or reuses, from data/bench/) a synthetic register, makes probes of every
variation kind plus unregistered people, and runs them on SQLite and on a throw-away
PostgreSQL server. Searches run in a separate process per database so that its memory
(RSS) is the search's alone; the same probes run against a register ten times smaller
to show that memory does not grow with the register.

Budgets: p95 <= 50 ms, recall@10 >= 0.98, false probable/exact <= 1 %.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET_P95_MS = 50.0
BUDGET_RECALL = 0.98
BUDGET_FALSE = 0.01
WARMUP = 50


def _rss_kb() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def worker(url: str, probes_file: str, out_file: str) -> None:
    """Run every probe once (after a warm-up) and write per-probe results."""
    from models.config import load_config
    from models.db import open_database
    from models.matching import find_candidates

    thresholds = load_config(db_url=url).matching
    open_database(url)
    probes = json.loads(Path(probes_file).read_text())
    for p in probes[:WARMUP]:  # page cache and connection warm, as in a running session
        find_candidates(p["probe"], 10, thresholds)
    rss_before = _rss_kb()
    results = []
    for p in probes:
        t0 = time.perf_counter()
        cands = find_candidates(p["probe"], 10, thresholds)
        ms = (time.perf_counter() - t0) * 1000
        ids = [c.person_id for c in cands]
        results.append({"kind": p["kind"], "ms": ms,
                        "rank": ids.index(p["expected"]) + 1 if p["expected"] in ids else None,
                        "top_band": cands[0].band if cands else None,
                        "expected_band": next((c.band for c in cands
                                               if c.person_id == p["expected"]), None)})
    Path(out_file).write_text(json.dumps({"results": results, "rss_before_kb": rss_before,
                                          "rss_after_kb": _rss_kb()}))


def _run_worker(url: str, probes: list[dict], tmp: Path, label: str) -> dict:
    pfile, ofile = tmp / f"{label}_probes.json", tmp / f"{label}_out.json"
    pfile.write_text(json.dumps(probes))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", url, str(pfile),
           str(ofile)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    return json.loads(ofile.read_text())


def summarise(run: dict) -> dict:
    res = run["results"]
    lat = sorted(r["ms"] for r in res)
    registered = [r for r in res if r["kind"] not in ("stranger", "namesake")]
    unregistered = [r for r in res if r["kind"] in ("stranger", "namesake")]
    kinds: dict[str, dict] = {}
    for r in res:
        k = kinds.setdefault(r["kind"], {"n": 0, "found": 0, "first": 0, "false": 0})
        k["n"] += 1
        k["found"] += r["rank"] is not None
        k["first"] += r["rank"] == 1
        k["false"] += r["top_band"] in ("exact", "probable") and r["kind"] in (
            "stranger", "namesake")
    false = sum(r["top_band"] in ("exact", "probable") for r in unregistered)
    return {
        "searches": len(res),
        "p50_ms": round(statistics.median(lat), 2),
        "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 2),
        "p99_ms": round(lat[int(0.99 * (len(lat) - 1))], 2),
        "max_ms": round(lat[-1], 2),
        "recall_at_10": round(sum(r["rank"] is not None for r in registered) /
                              max(1, len(registered)), 4),
        "first_place": round(sum(r["rank"] == 1 for r in registered) /
                             max(1, len(registered)), 4),
        "false_probable_or_exact": round(false / max(1, len(unregistered)), 4),
        "rss_after_kb": run["rss_after_kb"].get("VmRSS"),
        "rss_peak_kb": run["rss_after_kb"].get("VmHWM"),
        "kinds": kinds,
    }


def _register(n: int, seed: int, say) -> Path:
    from rich.progress import Progress

    from bench.register import build_sqlite, cache_path

    if cache_path(n, seed).exists():
        return cache_path(n, seed)
    t0 = time.perf_counter()
    with Progress(transient=True) as bar:
        task = bar.add_task(f"generating {n:,} persons", total=n)
        path = build_sqlite(n, seed, lambda done: bar.update(task, completed=done))
    say(f"register of {n:,} built in {time.perf_counter() - t0:.0f} s: {path.name}")
    return path


def run(args: argparse.Namespace) -> dict:
    from rich.console import Console

    from bench.probes import make_probes
    from bench.register import load_postgres

    console = Console()
    say = console.print
    sizes = [args.persons] + ([args.small] if args.small and args.small < args.persons else [])
    registers = {n: _register(n, args.seed, say) for n in sizes}
    probes = {n: make_probes(registers[n], n, args.per_kind, args.unregistered, args.seed)
              for n in sizes}
    say(f"{len(probes[args.persons]):,} probes per database")
    out: dict = {"persons": args.persons, "small": sizes[1] if len(sizes) > 1 else None,
                 "seed": args.seed, "per_kind": args.per_kind,
                 "unregistered": args.unregistered, "machine": platform.platform(),
                 "cpus": os.cpu_count(), "backends": {}}
    with tempfile.TemporaryDirectory(prefix="apcard-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if "sqlite" in args.backends:
            runs = {}
            for n in sizes:
                runs[n] = summarise(_run_worker(f"sqlite:///{registers[n]}", probes[n], tmp,
                                                f"sqlite_{n}"))
            out["backends"]["sqlite"] = runs
        if "postgres" in args.backends:
            from bench.pgserver import PgServer

            settings = {"shared_buffers": "256MB", "work_mem": "8MB"}
            with PgServer.start(settings) as server:
                runs = {}
                for n in sizes:
                    t0 = time.perf_counter()
                    url = server.create_database(f"bench_{n}")
                    load_postgres(registers[n], url)
                    say(f"PostgreSQL loaded with {n:,} persons in "
                        f"{time.perf_counter() - t0:.0f} s")
                    runs[n] = summarise(_run_worker(url, probes[n], tmp, f"pg_{n}"))
                out["backends"]["postgres"] = runs
    return out


def report(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    big, small = out["persons"], out["small"]
    t = Table(title=f"Duplicate-person search, {big:,} persons")
    for col in ("database", "p50 ms", "p95 ms", "p99 ms", "recall@10", "true first",
                "false prob/exact", f"RSS MB @{big:,}",
                f"RSS MB @{small:,}" if small else "-"):
        t.add_column(col, justify="right")
    for name, runs in out["backends"].items():
        r = runs[big]
        rs = runs.get(small) if small else None
        t.add_row(name, f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}",
                  f"{r['recall_at_10']:.3f}", f"{r['first_place']:.3f}",
                  f"{r['false_probable_or_exact']:.2%}", f"{r['rss_after_kb'] / 1024:.0f}",
                  f"{rs['rss_after_kb'] / 1024:.0f}" if rs else "-")
    console.print(t)
    k = Table(title="recall@10 by variation (unregistered: share given probable/exact)")
    k.add_column("kind")
    names = list(out["backends"])
    for name in names:
        k.add_column(name, justify="right")
    first = out["backends"][names[0]][big]["kinds"]
    for kind in first:
        cells = []
        for name in names:
            s = out["backends"][name][big]["kinds"][kind]
            cells.append(f"{s['false'] / s['n']:.2%}" if kind in ("stranger", "namesake")
                         else f"{s['found'] / s['n']:.3f}")
        k.add_row(f"{kind} ({first[kind]['n']})", *cells)
    console.print(k)
    ok = all(r[big]["p95_ms"] <= BUDGET_P95_MS and r[big]["recall_at_10"] >= BUDGET_RECALL
             and r[big]["false_probable_or_exact"] <= BUDGET_FALSE
             for r in out["backends"].values())
    console.print("within budget" if ok else "[bold]OVER BUDGET[/bold]",
                  f"(p95 <= {BUDGET_P95_MS:.0f} ms, recall@10 >= {BUDGET_RECALL}, "
                  f"false probable/exact <= {BUDGET_FALSE:.0%})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=100_000,
                    help="second, smaller register for the memory comparison (0: none)")
    ap.add_argument("--per-kind", type=int, default=200, help="probes per variation kind")
    ap.add_argument("--unregistered", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "matching.json"))
    ap.add_argument("--worker", nargs=3, metavar=("URL", "PROBES", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.persons < 1000 or not set(args.backends) <= {"sqlite", "postgres"}:
        ap.error("--persons must be >= 1000 and --backends a list of sqlite, postgres")
    t0 = time.perf_counter()
    out = run(args)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    report(out)
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
