"""Duplicate search bench: one command, tables on screen, bench/results/matching.json.

    .venv/bin/python bench/bench_matching.py                  # 1,000,000 persons
    .venv/bin/python bench/bench_matching.py --persons 100000 # quick run

Builds (or reuses, from data/bench/) a synthetic register of persons and one of legal
entities, makes probes of every variation kind (bench/variants.py, bench/legal.py)
plus people and firms who are not in the register, and runs them on SQLite and on a
throw-away PostgreSQL server. Searches run in a separate process per database so that
its memory (RSS) is the search's alone; the same probes run against a register ten
times smaller to show that memory does not grow with the register.

Budgets: p95 <= 20 ms on SQLite and <= 10 ms on PostgreSQL, recall@10 >= 0.995 and the
true person first >= 0.98 over every registered probe, false probable/exact <= 0.5 %
on people who are not in the register (strangers, namesakes, siblings). The same for
legal entities. The tables report each variation kind on each database, and the
machine's load average when each run started and ended (the machine may be shared).
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

BUDGET_P95_MS = {"sqlite": 20.0, "postgres": 10.0}
BUDGET_RECALL = 0.995
BUDGET_FIRST = 0.98
BUDGET_FALSE = 0.005
WARMUP = 50
DUMP = False  # --dump: the worker keeps the wrong answers
WRONG: list[dict] = []


def _rss_kb() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def _shown(c) -> dict:
    """A candidate as --dump lists it."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in vars(c).items() if not k.startswith("_")}


def worker(url: str, probes_file: str, out_file: str, dump: bool = False) -> None:
    """Run every probe once (after a warm-up) and write per-probe results."""
    from models.config import load_config
    from models.db import open_database
    from models.matching import find_candidates, find_legal_candidates

    thresholds = load_config(db_url=url).matching
    open_database(url)
    probes = json.loads(Path(probes_file).read_text())

    def search(p: dict) -> list[tuple]:
        if p.get("legal"):
            cands = find_legal_candidates(p["probe"], 10, thresholds)
            return [(c.legal_entity_id, c.band, c) for c in cands]
        return [(c.person_id, c.band, c) for c in find_candidates(p["probe"], 10, thresholds)]

    for p in probes[:WARMUP]:  # page cache and connection warm, as in a running session
        search(p)
    rss_before = _rss_kb()
    results = []
    load = os.getloadavg()
    for p in probes:
        t0, c0 = time.perf_counter(), time.process_time()
        found = search(p)
        ms = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
        ids = [i for i, _, _ in found]
        results.append({"kind": p["kind"], "legal": bool(p.get("legal")), "ms": ms,
                        "cpu_ms": cpu,
                        "rank": ids.index(p["expected"]) + 1 if p["expected"] in ids else None,
                        "top_band": found[0][1] if found else None,
                        "expected_band": next((b for i, b, _ in found if i == p["expected"]),
                                              None)})
        wrong = (found[0][1] in ("exact", "probable") if p["expected"] is None
                 else results[-1]["rank"] != 1) if found else p["expected"] is not None
        if dump and wrong:  # what went wrong, for --dump
            results[-1]["probe"] = p["probe"]
            results[-1]["expected"] = p["expected"]
            results[-1]["top"] = [_shown(c) for _, _, c in found[:3]]
    Path(out_file).write_text(json.dumps({
        "results": results, "rss_before_kb": rss_before, "rss_after_kb": _rss_kb(),
        "load_start": load, "load_end": os.getloadavg()}))


def _run_worker(url: str, probes: list[dict], tmp: Path, label: str) -> dict:
    pfile, ofile = tmp / f"{label}_probes.json", tmp / f"{label}_out.json"
    pfile.write_text(json.dumps(probes))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", url, str(pfile),
           str(ofile)] + (["--dump"] if DUMP else [])
    subprocess.run(cmd, check=True, cwd=ROOT)
    out = json.loads(ofile.read_text())
    WRONG.extend({"run": label, **r} for r in out["results"] if "top" in r)
    return out


def _figures(res: list[dict]) -> dict:
    from bench.legal import NOT_COUNTED
    from bench.probes import UNREGISTERED

    lat = sorted(r["ms"] for r in res)
    registered = [r for r in res if r["kind"] not in UNREGISTERED + NOT_COUNTED]
    unregistered = [r for r in res if r["kind"] in UNREGISTERED]
    kinds: dict[str, dict] = {}
    for r in res:
        k = kinds.setdefault(r["kind"], {"n": 0, "found": 0, "first": 0, "false": 0,
                                         "ms": []})
        k["n"] += 1
        k["found"] += r["rank"] is not None
        k["first"] += r["rank"] == 1
        k["false"] += r["kind"] in UNREGISTERED and r["top_band"] in ("exact", "probable")
        k["ms"].append(r["ms"])
    for k in kinds.values():
        ms = sorted(k.pop("ms"))
        k["p95_ms"] = round(ms[int(0.95 * (len(ms) - 1))], 2)
    false = sum(r["top_band"] in ("exact", "probable") for r in unregistered)
    return {
        "searches": len(res),
        "p50_ms": round(statistics.median(lat), 2),
        "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 2),
        "p99_ms": round(lat[int(0.99 * (len(lat) - 1))], 2),
        # CPU of the searching process (SQLite: the whole search; PostgreSQL: without
        # the server's part): what a search costs when the machine is shared
        "cpu_p95_ms": round(sorted(r.get("cpu_ms", 0.0) for r in res)[
            int(0.95 * (len(res) - 1))], 2),
        "max_ms": round(lat[-1], 2),
        "recall_at_10": round(sum(r["rank"] is not None for r in registered) /
                              max(1, len(registered)), 4),
        "first_place": round(sum(r["rank"] == 1 for r in registered) /
                             max(1, len(registered)), 4),
        "false_probable_or_exact": round(false / max(1, len(unregistered)), 4),
        "kinds": kinds,
    }


def summarise(run: dict, legal: dict | None = None) -> dict:
    out = _figures(run["results"])
    out.update(rss_after_kb=run["rss_after_kb"].get("VmRSS"),
               rss_peak_kb=run["rss_after_kb"].get("VmHWM"),
               load_start=[round(x, 2) for x in run["load_start"]],
               load_end=[round(x, 2) for x in run["load_end"]])
    if legal is not None:
        out["legal"] = _figures(legal["results"])
        out["legal"]["load_start"] = [round(x, 2) for x in legal["load_start"]]
        out["legal"]["load_end"] = [round(x, 2) for x in legal["load_end"]]
    return out


def _register(n: int, seed: int, say) -> Path:
    from rich.progress import Progress

    from bench.register import build_sqlite, cache_path

    if cache_path(n, seed).exists():
        return build_sqlite(n, seed)  # the cached file, brought up to the latest migration
    t0 = time.perf_counter()
    with Progress(transient=True) as bar:
        task = bar.add_task(f"generating {n:,} persons", total=n)
        path = build_sqlite(n, seed, lambda done: bar.update(task, completed=done))
    say(f"register of {n:,} built in {time.perf_counter() - t0:.0f} s: {path.name}")
    return path


def run(args: argparse.Namespace) -> dict:
    from rich.console import Console

    from bench import legal
    from bench.probes import make_probes
    from bench.register import load_postgres

    console = Console()
    say = console.print
    sizes = [args.persons] + ([args.small] if args.small and args.small < args.persons else [])
    registers = {n: _register(n, args.seed, say) for n in sizes}
    if args.legal:
        t0 = time.perf_counter()
        legal_path = legal.build_sqlite(args.legal, args.seed)
        say(f"legal entities: {args.legal:,} ready in {time.perf_counter() - t0:.0f} s")
    probes = {n: make_probes(registers[n], n, args.per_kind, args.unregistered, args.seed)
              for n in sizes}
    legal_probes = legal.make_probes(legal_path, args.legal, args.per_kind,
                                     args.unregistered, args.seed) if args.legal else []
    say(f"{len(probes[args.persons]):,} person probes, {len(legal_probes):,} legal-entity "
        "probes per database")
    out: dict = {"persons": args.persons, "small": sizes[1] if len(sizes) > 1 else None,
                 "legal_entities": args.legal, "seed": args.seed,
                 "per_kind": args.per_kind, "unregistered": args.unregistered,
                 "machine": platform.platform(), "cpus": os.cpu_count(), "backends": {}}
    with tempfile.TemporaryDirectory(prefix="apcard-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if "sqlite" in args.backends:
            runs = {}
            for n in sizes:
                lrun = _run_worker(f"sqlite:///{legal_path}", legal_probes, tmp,
                                   "sqlite_legal") if legal_probes and n == args.persons \
                    else None
                runs[n] = summarise(_run_worker(f"sqlite:///{registers[n]}", probes[n], tmp,
                                                f"sqlite_{n}"), lrun)
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
                    lrun = None
                    if legal_probes and n == args.persons:
                        lurl = server.create_database("bench_legal")
                        legal.load_postgres(legal_path, lurl)
                        lrun = _run_worker(lurl, legal_probes, tmp, "pg_legal")
                    runs[n] = summarise(_run_worker(url, probes[n], tmp, f"pg_{n}"), lrun)
                out["backends"]["postgres"] = runs
    return out


def _ok(name: str, r: dict) -> bool:
    return (r["p95_ms"] <= BUDGET_P95_MS[name] and r["recall_at_10"] >= BUDGET_RECALL
            and r["first_place"] >= BUDGET_FIRST
            and r["false_probable_or_exact"] <= BUDGET_FALSE)


def budget_rows(out: dict) -> list[dict]:
    """One row per budget and database, for bench/run.py's table."""
    big = str(out["persons"])
    rows = []
    for backend, runs in out["backends"].items():
        r = runs[big] if big in runs else runs[int(big)]
        load = "load {:.1f}/{:.1f}".format(r["load_start"][0], r["load_end"][0])
        parts = [("persons", f"{int(big):,} persons", r)]
        if "legal" in r:
            parts.append(("legal", f"{out['legal_entities']:,} legal entities", r["legal"]))
        for _, size, f in parts:
            where = f"[{backend}, {size}, {load}]"
            p95 = BUDGET_P95_MS[backend]
            rows += [
                {"bench": "matching", "metric": f"search p95, ms {where}",
                 "budget": f"<= {p95:.0f}",
                 "value": f"{f['p95_ms']:.1f} (CPU {f.get('cpu_p95_ms', 0.0):.1f})",
                 "ok": f["p95_ms"] <= p95},
                {"bench": "matching", "metric": f"recall@10 {where}",
                 "budget": f">= {BUDGET_RECALL}", "value": f"{f['recall_at_10']:.4f}",
                 "ok": f["recall_at_10"] >= BUDGET_RECALL},
                {"bench": "matching", "metric": f"true first {where}",
                 "budget": f">= {BUDGET_FIRST}", "value": f"{f['first_place']:.4f}",
                 "ok": f["first_place"] >= BUDGET_FIRST},
                {"bench": "matching", "metric": f"false probable/exact {where}",
                 "budget": f"<= {BUDGET_FALSE:.1%}",
                 "value": f"{f['false_probable_or_exact']:.2%}",
                 "ok": f["false_probable_or_exact"] <= BUDGET_FALSE},
            ]
    return rows


def _kind_table(title: str, out: dict, section: str | None):
    from rich.table import Table

    from bench.legal import NOT_COUNTED
    from bench.probes import UNREGISTERED

    big = out["persons"]
    names = list(out["backends"])

    def fig(name: str) -> dict:
        r = out["backends"][name][big]
        return r[section] if section else r

    k = Table(title=title)
    k.add_column("kind")
    for name in names:
        k.add_column(f"{name}\nrecall / first / p95", justify="right")
    for kind, s0 in fig(names[0])["kinds"].items():
        cells = []
        for name in names:
            s = fig(name)["kinds"][kind]
            if kind in UNREGISTERED:
                cells.append(f"false {s['false'] / s['n']:.2%} / {s['p95_ms']:.1f}")
            else:
                cells.append(f"{s['found'] / s['n']:.3f} / {s['first'] / s['n']:.3f} / "
                             f"{s['p95_ms']:.1f}")
        mark = " *" if kind in NOT_COUNTED else ""
        k.add_row(f"{kind} ({s0['n']}){mark}", *cells)
    return k


def report(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(100, Console().width))
    big, small = out["persons"], out["small"]
    t = Table(title=f"Duplicate search, {big:,} persons"
              + (f", {out['legal_entities']:,} legal entities" if out["legal_entities"] else ""))
    for col in ("database", "what", "p50 ms", "p95 ms", "p99 ms", "CPU p95", "recall@10",
                "true first",
                "false prob/exact", "RSS MB", f"RSS MB @{small:,}" if small else "-", "load"):
        t.add_column(col, justify="right")
    for name, runs in out["backends"].items():
        r = runs[big]
        rs = runs.get(small) if small else None
        for what, f in (("persons", r), ("legal", r.get("legal"))):
            if f is None:
                continue
            load = "{:.1f}/{:.1f}".format(f["load_start"][0], f["load_end"][0])
            t.add_row(name, what, f"{f['p50_ms']:.1f}", f"{f['p95_ms']:.1f}",
                      f"{f['p99_ms']:.1f}", f"{f.get('cpu_p95_ms', 0.0):.1f}",
                      f"{f['recall_at_10']:.4f}",
                      f"{f['first_place']:.4f}", f"{f['false_probable_or_exact']:.2%}",
                      f"{r['rss_after_kb'] / 1024:.0f}",
                      f"{rs['rss_after_kb'] / 1024:.0f}" if rs else "-", load)
    console.print(t)
    console.print(_kind_table("persons by variation kind (unregistered: share given "
                              "probable/exact)", out, None))
    if out["legal_entities"]:
        console.print(_kind_table("legal entities by variation kind (* reported, not in the "
                                  "totals)", out, "legal"))
    ok = all(_ok(name, runs[big]) and ("legal" not in runs[big] or _ok(name, runs[big]["legal"]))
             for name, runs in out["backends"].items())
    console.print("within budget" if ok else "[bold]OVER BUDGET[/bold]",
                  f"(p95 <= {BUDGET_P95_MS['sqlite']:.0f} ms SQLite, "
                  f"<= {BUDGET_P95_MS['postgres']:.0f} ms PostgreSQL; recall@10 >= "
                  f"{BUDGET_RECALL}; true first >= {BUDGET_FIRST}; false probable/exact "
                  f"<= {BUDGET_FALSE:.1%})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--legal", type=int, default=200_000,
                    help="legal entities in the register (0: persons only)")
    ap.add_argument("--small", type=int, default=100_000,
                    help="second, smaller register for the memory comparison (0: none)")
    ap.add_argument("--per-kind", type=int, default=200, help="probes per variation kind")
    ap.add_argument("--unregistered", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "matching.json"))
    ap.add_argument("--dump", action="store_true",
                    help="write the wrong answers (false probable/exact on unregistered "
                         "probes, the person not first) to <out>.wrong.json")
    ap.add_argument("--worker", nargs=3, metavar=("URL", "PROBES", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker, dump=args.dump)
        return 0
    global DUMP
    DUMP = args.dump
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.persons < 1000 or not set(args.backends) <= {"sqlite", "postgres"}:
        ap.error("--persons must be >= 1000 and --backends a list of sqlite, postgres")
    t0 = time.perf_counter()
    out = run(args)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    if DUMP:
        wrong = path.with_suffix(".wrong.json")
        wrong.write_text(json.dumps(WRONG, indent=1, ensure_ascii=False) + "\n")
        print(f"written {wrong} ({len(WRONG)} wrong answers)")
    report(json.loads(json.dumps(out), object_hook=_int_keys))
    print(f"written {path}")
    return 0


def _int_keys(d: dict) -> dict:
    return {int(k) if k.isdigit() else k: v for k, v in d.items()}


if __name__ == "__main__":
    sys.exit(main())
