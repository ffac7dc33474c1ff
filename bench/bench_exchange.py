"""Packages at scale: export of 100,000 cards (budget 10 s) and their import with
validation and duplicate matching on PostgreSQL (budget 60 s), memory flat in package
size (the import of a 10,000-card package and of a 100,000-card one should peak at about
the same RSS).

    .venv/bin/python bench/bench_exchange.py                 # 100,000 cards
    .venv/bin/python bench/bench_exchange.py --cards 20000   # quicker
    .venv/bin/python bench/bench_exchange.py --backends ""   # the export alone, no import

What it does:
1. A body's register of N demo cards, keyed through models.cards.register_card
   (bench/cardbank.py, cached in data/bench/: the first run takes minutes).
2. Export, on a copy: `apcard export --out DIR --any-day` as its own process (it
   dispatches the N cards through models.corrections, logs each card's dispatch
   (SQLite: models.batchlog, one row per card, one statement per 1,000 cards) and writes
   the package). Time and peak RSS of the process. Then `--again`: the same package rewritten
   from the register and the log (identical bytes checked).
3. Import at a Directorate on PostgreSQL (a throw-away server, bench/pgserver.py) and on
   SQLite: `apcard import PACKAGE` as its own process into a register holding only the
   codebooks. Time, peak RSS, and the outcome counts.
4. The same import of the package's first 10% (a valid package of its own) for the
   memory comparison.

Prints a table, writes bench/results/exchange.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cardbank  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET_EXPORT_S = 10.0
BUDGET_IMPORT_S = 60.0


def config(folder: Path, url: str, tier: str, code: str, parent: str) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for key, value in (("url", url), ("tier", tier), ("code", code), ("parent", parent)):
        text = re.sub(rf'(?m)^{key}\s*=\s*".*?"', f'{key} = "{value}"', text, count=1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def apcard(cfg: Path, *args: str) -> dict:
    """Run the apcard command as its own process; its wall time and peak RSS."""
    # VmHWM: this process's own peak (getrusage's ru_maxrss would carry the bench's own
    # peak over the fork). The import's worker processes check batches of a fixed size.
    # Processor seconds of the process itself and of its children (the import's checking
    # worker processes, reaped when their pool is joined).
    code = ("import resource as r, sys, time; from tui.cli import main; "
            "t = time.perf_counter(); rc = main(sys.argv[1:]); "
            "hwm = [l.split()[1] for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')][0]; "
            "cpu = [u.ru_utime + u.ru_stime for u in (r.getrusage(r.RUSAGE_SELF), "
            "r.getrusage(r.RUSAGE_CHILDREN))]; "
            "print('BENCH', time.perf_counter() - t, hwm, *cpu, file=sys.stderr); "
            "sys.exit(rc)")
    res = subprocess.run([sys.executable, "-c", code, "--config", str(cfg), *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=3600)
    if res.returncode:
        raise RuntimeError(f"apcard {' '.join(args)} failed: {res.stderr.strip()[-500:]}")
    line = [x for x in res.stderr.splitlines() if x.startswith("BENCH ")][-1]
    _, seconds, rss, cpu_self, cpu_children = line.split()
    return {"seconds": round(float(seconds), 2), "rss_mib": round(int(rss) / 1024, 1),
            "cpu_s": round(float(cpu_self), 1), "workers_cpu_s": round(float(cpu_children), 1),
            "stdout": res.stdout.strip(), "stderr": res.stderr.strip().splitlines()[:-1]}


def first_part(package: Path, n: int, out: Path) -> Path:
    """A valid package of the first n records of `package` (new ident and checksum)."""
    from models.exchange import format as fmt

    manifest = fmt.read_manifest(package)
    writer = fmt.PackageWriter(out)
    for i, rec in enumerate(fmt.records(package)):
        if i >= n:
            break
        writer.write(rec)
    head = {k: v for k, v in manifest.items() if k not in ("data_sha256", "records")}
    head["ident"] = manifest["ident"] + "-P"
    writer.finish(head)
    return out


def directorate(tmp: Path, url: str, name: str) -> Path:
    cfg = config(tmp / name, url, "directorate", "DIR-75", "KPS")
    apcard(cfg, "init")
    apcard(cfg, "codebooks", "load")
    return cfg


def run(cards: int, backends: list[str]) -> dict:
    from bench.pgserver import PgServer

    out: dict = {"cards": cards, "uptime": os.getloadavg(), "steps": {}}
    src = cardbank.demo_register(cards)
    with tempfile.TemporaryDirectory(prefix="apcard-exchange-") as t:
        tmp = Path(t)
        body_db = cardbank.upgraded_copy(src, tmp / "body.db")
        body = config(tmp / "body", f"sqlite:///{body_db}", "body", "BODY-685", "DIR-75")
        (tmp / "out").mkdir()
        exp = apcard(body, "export", "--out", str(tmp / "out"), "--any-day")
        package = Path(exp["stdout"].splitlines()[-1])
        exp["bytes"] = package.stat().st_size
        out["steps"]["export"] = exp
        again = apcard(body, "export", "--again", package.name.split(".")[0], "--out",
                       str(tmp / "again.jsonl"))
        again["identical"] = (tmp / "again.jsonl").read_bytes() == package.read_bytes()
        out["steps"]["reexport"] = again
        part = first_part(package, max(1, cards // 10), tmp / "part.jsonl")
        server = PgServer.start() if "postgres" in backends else None
        try:
            for backend in backends:
                for label, pkg in (("import", package), ("import_10pct", part)):
                    if backend == "postgres":
                        assert server is not None
                        url = server.create_database(f"dir_{label}")
                    else:
                        url = f"sqlite:///{tmp / f'dir_{label}.db'}"
                    cfg = directorate(tmp, url, f"{backend}_{label}")
                    before = server.cpu_seconds() if backend == "postgres" and server else 0
                    res = apcard(cfg, "import", str(pkg), "--ack-out", str(tmp))
                    if backend == "postgres" and server is not None:
                        res["server_cpu_s"] = round(server.cpu_seconds() - before, 1)
                    res["result"] = " ".join(res["stderr"][:1])
                    out["steps"][f"{label} [{backend}]"] = res
        finally:
            if server is not None:
                server.stop()
    return out


def rows(out: dict) -> list[tuple[str, str, str, bool | None]]:
    s = out["steps"]
    n = out["cards"]
    table = [(f"export {n:,} cards, s", f"<= {BUDGET_EXPORT_S:.0f}",
              f"{s['export']['seconds']:.1f}", s["export"]["seconds"] <= BUDGET_EXPORT_S),
             ("export peak RSS, MiB", "", f"{s['export']['rss_mib']:.0f}", None),
             ("re-export identical", "yes", "yes" if s["reexport"]["identical"] else "NO",
              s["reexport"]["identical"]),
             ("re-export, s", "", f"{s['reexport']['seconds']:.1f}", None)]
    for key, step in s.items():
        if key.startswith("import ["):
            backend = key.split("[")[1].rstrip("]")
            budget = BUDGET_IMPORT_S if backend == "postgres" else None
            table.append((f"import {n:,} cards {key[6:]}, s",
                          f"<= {budget:.0f}" if budget else "",
                          f"{step['seconds']:.1f}",
                          step["seconds"] <= budget if budget else None))
            cpu = [step["cpu_s"], step["workers_cpu_s"]]
            if "server_cpu_s" in step:
                cpu.append(step["server_cpu_s"])
            table.append((f"import {key[6:]} CPU s: importer / workers"
                          + (" / server" if len(cpu) > 2 else ""), "",
                          " / ".join(f"{c:.1f}" for c in cpu), None))
            small = s.get(f"import_10pct [{backend}]")
            table.append((f"import peak RSS {key[6:]}, MiB: 10% / 100% of the package",
                          "flat", f"{small['rss_mib']:.0f} / {step['rss_mib']:.0f}"
                          if small else f"{step['rss_mib']:.0f}",
                          (step["rss_mib"] <= small["rss_mib"] * 1.25 + 20) if small else None))
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--backends", default="postgres,sqlite")
    ap.add_argument("--out", default=str(RESULTS / "exchange.json"))
    args = ap.parse_args(argv)
    out = run(args.cards, [b.strip() for b in args.backends.split(",") if b.strip()])
    out["rows"] = [dict(zip(("metric", "budget", "value", "ok"), r, strict=True))
                   for r in rows(out)]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    for r in out["rows"]:
        verdict = "" if r["ok"] is None else ("PASS" if r["ok"] else "FAIL")
        print(f"{r['metric']:<62} {r['budget']:>8} {r['value']:>14} {verdict}")
    print(f"load average: {out['uptime']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
