"""Many operators at once: N processes each keying and saving a card a second through
the same code path as the card screen, against PostgreSQL (100 operators) and SQLite
WAL (20 operators), while a package of 100,000 cards is imported and statistics are
computed. Budget: zero errors, no card lost or saved twice, save p95 <= 100 ms.

    .venv/bin/python bench/bench_load.py                        # 10 minutes each
    .venv/bin/python bench/bench_load.py --duration 30 --pg-operators 20 \\
        --sqlite-operators 5 --import-cards 5000               # a quick look

What an operator does per card (models, as tui/screens/card.py does on the screen):
the new card's proposed journal number (models.cards.next_journal_no), the draft saved
while the card is typed (models.drafts.save_draft, three times), the duplicate check on
leaving the identification block (models.matching.find_candidates); then the save (F2):
the duplicate check again, models.cards.register_card (the exact candidate, if one, as
the same person), the draft discarded and the next card's journal number proposed.
"Save" is that last part, measured per card. Cards are demo cards (bench/cardbank.py)
with a protocol number unique to the operator and the card, so the register can be
checked afterwards: every card an operator saw saved is there exactly once.

The register holds --history cards of its own when the operators start (a Directorate's
register at work, its tables' statistics those of a register with data).

The import is `apcard import PACKAGE` as its own process (a body's package of
--import-cards demo cards, started 10 s in; stopped with the operators if it is not done
by then, its progress recorded); the statistics are models.stats.table for
each cut, every 20 s, in another process. Prints a table, writes bench/results/load.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
BUDGET_P95_MS = 100.0
POOL_CARDS = 2000
# The Directorate's register when the operators start: its own earlier cards (demo cards
# of another seed than the operators' and the package's) with their persons, legal
# entities, log and journal counters, and the statistics of a register with data. An
# empty register is no Directorate's: PostgreSQL plans its statements for the tables as
# the last ANALYZE saw them, and a log or card table analysed empty is read whole by
# every save until autovacuum analyses it again (a minute later, thousands of rows on).
HISTORY_SEED = 2
REGISTER_TABLES = ("user", "codebook_entry", "person", "legal_entity", "legal_name_variant",
                   "card", "correction", "journal_counter", "seal")


# --- one operator (its own process) -----------------------------------------------------

def operator(args: dict) -> None:
    from models import codebook, drafts, matching
    from models.card_schema import FIELDS
    from models.cards import CardRefused, next_journal_no, register_card
    from models.db import open_database
    from models.tables import Person, User
    from models.validation import format_value

    open_database(args["url"], pool_size=1, busy_timeout_ms=args.get("busy_ms", 5000))
    codebook.reload()
    user = User.get(User.login == args["login"])
    pool = pickle.loads(Path(args["pool"]).read_bytes())
    rng = random.Random(args["seed"])
    # A screen has its codebooks and connection warm before the first save: so here.
    from models.validation import validate_card
    validate_card(pool[0])
    matching.find_candidates({"surname": "Иванов", "given_name": "Иван"})
    start = _ready_then_start(Path(args["ready"]), Path(args["go"]))
    out = {"login": args["login"], "save_ms": [], "save_at": [], "errors": [], "saved": []}
    end = start + args["duration"]
    server = _server_cpu_reader()
    cpu0, server0 = time.process_time(), server()
    tick = start + rng.random()
    n = 0
    while True:
        now = time.time()
        if now >= end:
            break
        if tick > now:
            time.sleep(tick - now)
        tick += 1.0
        n += 1
        values = dict(rng.choice(pool))
        values["protocol_no"] = f"L{args['index']:03d}{n:06d}"
        values["without_protocol"] = False
        try:
            year = values["journal_date"].year
            values["journal_no"] = next_journal_no(values["authority"], year)
            typed = {}
            for k, name in enumerate(FIELDS):
                typed[name] = format_value(FIELDS[name], values.get(name))
                if k % 16 == 15:  # the draft follows the typing
                    drafts.save_draft(user, {"values": typed, "focus": name})
            probe = {k: values.get(k) for k in ("surname", "given_name", "patronymic",
                                                  "birth_date", "iin", "sex")}
            if values.get("surname"):
                matching.find_candidates(probe)
            t0 = time.perf_counter()
            person = None
            if values.get("surname"):
                found = matching.find_candidates(probe)
                exact = [c for c in found if c.band == matching.EXACT]
                if len(exact) == 1:
                    person = Person.get_by_id(exact[0].person_id)
            card = register_card(values, user, person=person,  # as the card screen saves:
                                 journal_proposed=values["journal_no"],  # the number kept
                                 drop_draft=True)  # and the draft, in the save's transaction
            next_journal_no(values["authority"], year)
            ms = (time.perf_counter() - t0) * 1000
            out["save_ms"].append(round(ms, 2))
            out["save_at"].append(round(time.time() - start, 2))
            out["saved"].append([values["protocol_no"], card.id])
        except CardRefused as exc:
            out["errors"].append(f"refused: {exc.issues[0].field} {exc.issues[0].message.ru}")
        except Exception as exc:  # every failure is a finding: counted, never hidden
            out["errors"].append(f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
    out["cpu_s"] = round(time.process_time() - cpu0, 3)
    server1 = server()
    out["server_cpu_s"] = None if server0 is None or server1 is None else \
        round(server1 - server0, 3)
    Path(args["out"]).write_text(json.dumps(out))


def _ready_then_start(ready: Path, go: Path) -> float:
    """Say this operator is ready (its process started, its codebooks and connection
    warm) and wait for the run's start time, which the bench gives when all are."""
    ready.touch()
    while not go.exists():
        time.sleep(0.05)
    return float(go.read_text())


def _server_cpu_reader():
    """A function giving the processor time (s) of this connection's server process so
    far, when the server runs on this machine (PostgreSQL; SQLite works in-process)."""
    from models.db import database_proxy, is_postgres

    if not is_postgres():
        return lambda: None
    pid = database_proxy.obj.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / tick
    return read


def stats_loop(args: dict) -> None:
    from models import codebook, stats
    from models.db import open_database

    open_database(args["url"], pool_size=1)
    codebook.reload()
    times: list[float] = []
    end = args["start"] + args["duration"]
    while time.time() < end:
        for by in ("article", "body", "region", "subject", "penalty", "month"):
            t0 = time.perf_counter()
            stats.table(by, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
            times.append(round((time.perf_counter() - t0) * 1000, 1))
        time.sleep(20)
    Path(args["out"]).write_text(json.dumps({"stats_ms": times}))


# --- the run --------------------------------------------------------------------------

def _spawn(kind: str, args: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(Path(__file__)), f"--{kind}",
                             json.dumps(args)], cwd=ROOT, stdout=subprocess.DEVNULL)


def pool_file(tmp: Path) -> Path:
    """Card values of demo cards, valid as keyed (the operators' paper cards)."""
    from bench import cardbank
    from models.db import open_database
    from models.tables import Card, card_values

    src = cardbank.demo_register(POOL_CARDS)
    db = open_database(f"sqlite:///{src}")
    cards = [card_values(c) for c in Card.select().where(Card.status != "draft")]
    db.close()
    path = tmp / "pool.pickle"
    path.write_bytes(pickle.dumps(cards))
    return path


def package(cards: int, tmp: Path) -> Path:
    """A body's package of `cards` demo cards for the Directorate (cached)."""
    from bench import cardbank
    from bench.bench_exchange import apcard, config

    src = cardbank.demo_register(cards)
    cached = src.with_name(src.stem + ".package.jsonl")
    if not cached.exists():
        body_db = cardbank.upgraded_copy(src, tmp / "body.db")
        cfg = config(tmp / "body", f"sqlite:///{body_db}", "body", "BODY-685", "DIR-75")
        res = apcard(cfg, "export", "--out", str(cached), "--any-day")
        del res
    return cached


def prepare(backend: str, tmp: Path, operators: int, server,
            history: int = 0) -> tuple[str, Path]:
    """The Directorate's register: codebooks, `history` cards of its own, operators; its
    URL and config."""
    from bench import cardbank
    from bench.bench_exchange import config
    from models.auth import add_user
    from models.db import open_database
    from models.tables import Role, User

    base = tmp / "base.db"
    if history:
        cardbank.upgraded_copy(cardbank.demo_register(history, seed=HISTORY_SEED), base)
    else:
        cardbank.fresh_register(base)
    if backend == "postgres":
        url = server.create_database("load")
        from models import migrations
        db = open_database(url)
        migrations.upgrade(db)
        db.close_all()
        cardbank.to_postgres(base, url, tables=REGISTER_TABLES if history
                             else ("user", "codebook_entry"))
    else:
        url = f"sqlite:///{cardbank.copy_of(base, tmp / 'directorate.db')}"
    db = open_database(url)
    admin = User.get(User.role == Role.ADMINISTRATOR.value)
    for i in range(operators):
        add_user(f"op{i:03d}", Role.OPERATOR, by=admin)
    db.close_all() if hasattr(db, "close_all") else db.close()
    cfg = config(tmp / backend, url, "directorate", "DIR-75", "KPS")
    return url, cfg


def run_backend(backend: str, operators: int, duration: float, import_cards: int,
                tmp: Path, pool: Path, server, history: int = 0) -> dict:
    url, cfg = prepare(backend, tmp, operators, server, history)
    pkg = package(import_cards, tmp) if import_cards else None
    procs = []
    go = tmp / f"{backend}-go"
    ready = [tmp / f"{backend}-ready{i:03d}" for i in range(operators)]
    for i in range(operators):
        args = {"url": url, "login": f"op{i:03d}", "index": i, "seed": 1000 + i, "pool": str(pool),
                "ready": str(ready[i]), "go": str(go), "duration": duration,
                "out": str(tmp / f"{backend}-op{i:03d}.json")}
        procs.append(_spawn("worker", args))
    # The clock starts when every operator's process is ready (started, warm): their
    # start-up is not the load measured.
    while not all(r.exists() for r in ready) and all(p.poll() is None for p in procs):
        time.sleep(0.2)
    start = time.time() + 1
    go.with_suffix(".tmp").write_text(repr(start))
    go.with_suffix(".tmp").rename(go)
    stats_proc = _spawn("stats", {"url": url, "start": start + 5, "duration": duration - 5,
                                  "out": str(tmp / f"{backend}-stats.json")})
    load_start = os.getloadavg()
    imported: dict = {}
    importer = None
    if pkg is not None:
        time.sleep(max(0.0, start + 10 - time.time()))
        t0 = time.time()
        importer = _import(cfg, pkg, tmp)
    for p in procs + [stats_proc]:
        p.wait()
    load_end = os.getloadavg()
    if importer is not None:
        imported = _import_end(importer, url, t0, start)
    result = collect(backend, url, operators, duration, tmp, imported, load_start, load_end)
    result["history_cards"] = history
    return result


def _import(cfg: Path, pkg: Path, tmp: Path) -> subprocess.Popen:
    """`apcard import PACKAGE` as its own process, running while the operators save."""
    return subprocess.Popen([sys.executable, "-c", "import sys; from tui.cli import main; "
                             "sys.exit(main())", "--config", str(cfg), "import", str(pkg),
                             "--ack-out", str(tmp)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _import_end(proc: subprocess.Popen, url: str, t0: float, start: float) -> dict:
    """The import's outcome when the operators are done: finished (its time and result),
    or stopped there with the cards it had imported (the run measures the operators'
    saves while it runs; bench_exchange.py times an import alone)."""
    from models.db import open_database

    done = proc.poll() is not None
    if not done:  # the import and its worker processes
        os.killpg(proc.pid, signal.SIGTERM)
    err = proc.communicate(timeout=60)[1]
    db = open_database(url)
    n = db.execute_sql("SELECT COUNT(*) FROM card_origin").fetchone()[0]
    db.close_all() if hasattr(db, "close_all") else db.close()
    seconds = round(time.time() - t0, 1) if done else None
    result = (err.strip().splitlines() or [""])[0] if done else \
        f"stopped with the operators: {n:,} cards imported in {time.time() - t0:.0f} s"
    return {"seconds": seconds, "started_s": round(t0 - start, 1), "cards": n,
            "finished": done and proc.returncode == 0, "stderr": [result]}


def collect(backend: str, url: str, operators: int, duration: float, tmp: Path,
            imported: dict, load_start: tuple, load_end: tuple) -> dict:
    from models.db import open_database

    saves: list[float] = []
    during: list[float] = []
    errors: list[str] = []
    saved: dict[str, int] = {}
    missing_reports = 0
    cpu, server_cpu = 0.0, 0.0  # the operators' processor time (their processes, their
    # PostgreSQL server processes): what a card's cycle costs, whatever else runs
    t_from = imported.get("started_s", -1)
    t_to = t_from + (imported.get("seconds") or duration)
    for i in range(operators):
        path = tmp / f"{backend}-op{i:03d}.json"
        if not path.exists():
            missing_reports += 1
            continue
        rep = json.loads(path.read_text())
        saves += rep["save_ms"]
        during += [ms for ms, at in zip(rep["save_ms"], rep["save_at"], strict=True)
                   if t_from <= at <= t_to]
        errors += rep["errors"]
        cpu += rep.get("cpu_s") or 0.0
        server_cpu = None if server_cpu is None or rep.get("server_cpu_s") is None \
            else server_cpu + rep["server_cpu_s"]
        for protocol, card_id in rep["saved"]:
            saved[protocol] = card_id
    db = open_database(url)
    rows = db.execute_sql("SELECT protocol_no, COUNT(*) FROM card WHERE protocol_no LIKE "
                          f"{db.param} GROUP BY protocol_no", ("L%",)).fetchall()
    db.close_all() if hasattr(db, "close_all") else db.close()
    in_db = {p: n for p, n in rows}
    lost = sorted(set(saved) - set(in_db))
    twice = sorted(p for p, n in in_db.items() if n > 1)
    unreported = sorted(set(in_db) - set(saved))
    stats_ms = json.loads((tmp / f"{backend}-stats.json").read_text())["stats_ms"] \
        if (tmp / f"{backend}-stats.json").exists() else []

    def pct(values: list[float], q: float) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"backend": backend, "operators": operators, "duration_s": duration,
            "saves": len(saves), "expected_saves": int(operators * duration),
            "p50_ms": pct(saves, 0.50), "p95_ms": pct(saves, 0.95), "p99_ms": pct(saves, 0.99),
            "max_ms": max(saves) if saves else None,
            "p95_during_import_ms": pct(during, 0.95), "saves_during_import": len(during),
            "cpu_ms_per_save": round(cpu * 1000 / len(saves), 2) if saves else None,
            "server_cpu_ms_per_save": round(server_cpu * 1000 / len(saves), 2)
            if saves and server_cpu is not None and backend == "postgres" else None,
            "errors": len(errors), "error_kinds": sorted(set(errors))[:10],
            "lost": len(lost), "saved_twice": len(twice), "unreported": len(unreported),
            "operators_without_report": missing_reports,
            "import": {k: imported.get(k) for k in ("seconds", "cards", "started_s")} |
            {"result": (imported.get("stderr") or [""])[0][:120]},
            "stats_ms": {"n": len(stats_ms), "median": round(statistics.median(stats_ms), 1)
                         if stats_ms else None, "max": max(stats_ms) if stats_ms else None},
            "load_average": {"start": load_start, "end": load_end}}


def rows(results: list[dict]) -> list[tuple[str, str, str, bool | None]]:
    out = []
    for r in results:
        where = f"[{r['backend']}, {r['operators']} operators, {r['duration_s']:.0f} s]"
        ok_p95 = r["p95_ms"] is not None and r["p95_ms"] <= BUDGET_P95_MS
        out += [(f"save p50 / p95 / p99, ms {where}", f"p95 <= {BUDGET_P95_MS:.0f}",
                 f"{r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']}", ok_p95),
                (f"save p95 during the import, ms {where}", f"<= {BUDGET_P95_MS:.0f}",
                 f"{r['p95_during_import_ms']} ({r['saves_during_import']} saves)",
                 r["p95_during_import_ms"] is not None
                 and r["p95_during_import_ms"] <= BUDGET_P95_MS),
                (f"saves made / expected {where}", "", f"{r['saves']} / {r['expected_saves']}",
                 None),
                (f"processor per card, operator / its server, ms {where}", "",
                 f"{r['cpu_ms_per_save']} / {r['server_cpu_ms_per_save']}", None),
                (f"cards in the register at the start {where}", "",
                 f"{r.get('history_cards', 0):,}", None),
                (f"errors {where}", "0", str(r["errors"]), r["errors"] == 0),
                (f"cards lost / saved twice {where}", "0 / 0",
                 f"{r['lost']} / {r['saved_twice']}", r["lost"] == 0 and r["saved_twice"] == 0),
                (f"import during the run {where}", "", r["import"].get("result") or "", None),
                (f"statistics query median / max, ms {where}", "",
                 f"{r['stats_ms']['median']} / {r['stats_ms']['max']}", None),
                (f"load average start / end {where}", "",
                 f"{r['load_average']['start'][0]:.1f} / {r['load_average']['end'][0]:.1f}",
                 None)]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", default="postgres,sqlite")
    ap.add_argument("--pg-operators", type=int, default=100)
    ap.add_argument("--sqlite-operators", type=int, default=20)
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--import-cards", type=int, default=100_000,
                    help="cards of the package imported meanwhile (0: none)")
    ap.add_argument("--history", type=int, default=20_000,
                    help="cards the register holds when the operators start (0: empty)")
    ap.add_argument("--out", default=str(RESULTS / "load.json"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--stats", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        operator(json.loads(args.worker))
        return 0
    if args.stats:
        stats_loop(json.loads(args.stats))
        return 0
    from bench.pgserver import PgServer

    results = []
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    with tempfile.TemporaryDirectory(prefix="apcard-load-") as t:
        tmp = Path(t)
        pool = pool_file(tmp)
        if args.import_cards:
            package(args.import_cards, tmp)  # built (or found) before the clock starts
        for backend in backends:
            server = PgServer.start({"max_connections": str(args.pg_operators + 30)}) \
                if backend == "postgres" else None
            try:
                n = args.pg_operators if backend == "postgres" else args.sqlite_operators
                results.append(run_backend(backend, n, args.duration, args.import_cards, tmp,
                                           pool, server, args.history))
            finally:
                if server is not None:
                    server.stop()
    out = {"when": dt.datetime.now().isoformat(timespec="seconds"), "results": results,
           "rows": [dict(zip(("metric", "budget", "value", "ok"), r, strict=True))
                    for r in rows(results)]}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    for r in out["rows"]:
        verdict = "" if r["ok"] is None else ("PASS" if r["ok"] else "FAIL")
        print(f"{r['metric']:<66} {r['budget']:>12} {r['value']:>22} {verdict}")
    for r in results:
        if r["error_kinds"]:
            print(f"{r['backend']} errors: " + " | ".join(r["error_kinds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
