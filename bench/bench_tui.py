"""Card-screen bench: apcard and a plain curses form (the floor) on a real pseudo-terminal,
typing the same whole card, side by side.

    .venv/bin/python bench/bench_tui.py                   # 4 terminals, ~8 minutes
    .venv/bin/python bench/bench_tui.py --modes linux-nc --no-floor --starts 3

For each terminal (TERM=linux and xterm-256color, each with and without NO_COLOR) it
runs apcard and then bench/floor_curses.py at 80x24 on their own copy of a new SQLite
register, types an individual's card field by field (Enter after a value, Tab over a
blank line, fixed-length fields move on by themselves), opens and closes directories
(F3 / Esc), opens the whole article-part directory (F4) and types into its filter,
stays idle, saves (F2) and checks that each holds the card exactly as typed. Every
key's output is counted to the byte. Start-up and RSS are the medians of several
starts; RSS is also measured on a register of many cards (it must not grow with it).
See bench/tui.md; budgets in bench/tui_figures.py.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cardbank  # noqa: E402
from bench import tui_card as card  # noqa: E402
from bench import tui_session as session  # noqa: E402
from bench.ptyterm import keys_for  # noqa: E402
from bench.tui_card import MODES, BenchError  # noqa: E402
from bench.tui_figures import BUDGETS, figures, rows  # noqa: E402

QUIET_MS = 120  # a key's answer is over after this long without a byte
IDLE_S = 5.0
STARTS = 5  # starts measured per program and terminal: the median
BIG_REGISTER = 200_000  # cards of the register RSS is measured on again (cached)
RESULTS = ROOT / "bench" / "results"


def byte_compile() -> None:
    """Byte-compile the app's own modules, as `make setup` does (pip does the same for
    the installed packages): an installed program starts from .pyc files, and from the
    regular expressions `make setup` keeps compiled."""
    for pkg in ("tui", "models", "codebooks"):
        compileall.compile_dir(ROOT / pkg, quiet=1)
    # and the regular expressions and the code from text (dataclasses' methods, named
    # tuples, forward references) the card screen's start compiles (tui/re_cache.py,
    # tui/code_cache.py)
    subprocess.run([sys.executable, "-c", "from tui.cli import keep_start_patterns as k; k()"],
                   env=card.app_env("xterm"), cwd=ROOT, check=True)


def import_profile() -> dict:
    """Where start-up goes before the app draws anything: the interpreter alone, and
    `python -X importtime` of what a bare `apcard` imports (own import time summed per
    top-level package, heaviest first, and the app's own heaviest modules)."""
    env = card.app_env("xterm")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, cwd=ROOT, check=True)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    # What a bare `apcard` on a SQLite register imports, as tui.cli does it: peewee
    # without PostgreSQL's driver, the app as tui.cli.core.card_screen imports it.
    code = ("import tui.cli as c; c.without_postgres_driver(['--db', 'sqlite:///x.db']); "
            "from tui.cli.core import card_screen; card_screen(); import tui.output")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    top: dict[str, int] = {}
    own: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        us = int(parts[0].split(":")[-1])
        top[name.split(".")[0]] = top.get(name.split(".")[0], 0) + us
        if name.startswith(("tui", "models", "psycopg2", "rapidfuzz")):
            own[name] = us
    heavy = sorted(top.items(), key=lambda kv: -kv[1])[:8]
    mods = sorted(own.items(), key=lambda kv: -kv[1])[:8]
    return {"interpreter_s": bare, "import_app_s": wall,
            "import_ms_by_package": {k: round(v / 1000) for k, v in heavy},
            "heaviest_own_modules_ms": {k: round(v / 1000, 1) for k, v in mods},
            # a blocked import leaves a line of a few microseconds: look for the modules
            "psycopg2_imported": "psycopg2._psycopg" in proc.stderr,
            "ssl_imported": "| _ssl" in proc.stderr.replace("|   ", "| ").replace("|  ", "| "),
            "rapidfuzz_imported": "rapidfuzz" in proc.stderr}


def programs(tmp: Path, pristine: Path) -> dict[str, session.Program]:
    texts = card.texts()
    spec = card.floor_spec(tmp, pristine)
    floor_out = Path(json.loads(spec.read_text(encoding="utf-8"))["out"])
    return {
        "apcard": session.Program(
            "apcard", lambda db: card.app_command() + ["--db", f"sqlite:///{db}", "--lang",
                                                        card.LANG],
            card.check_database, texts),
        "floor": session.Program("floor", lambda db: card.floor_command(spec),
                                 lambda db: card.check_floor(floor_out), texts),
    }


def run_program(prog: session.Program, mode: str, pristine: Path, big: Path | None,
                tmp: Path, quiet: float, idle_s: float, starts: int) -> dict:
    plan = card.typing_plan(keys_for(MODES[mode]["TERM"]))
    got = session.run(prog, mode, plan, pristine, tmp, quiet, idle_s)
    f = figures(got, idle_s)
    runs = [{"startup_s": got["startup_s"], "ready_s": got["ready_s"],
             "rss_mib": f["rss_start_mib"]}]
    runs += session.startups(prog, mode, pristine, tmp, starts - 1)
    cpu = [r["startup_cpu_s"] for r in runs if r.get("startup_cpu_s") is not None]
    f["startup_cpu_s"] = statistics.median(cpu) if cpu else None
    f["startup_s"] = statistics.median(r["startup_s"] for r in runs)
    f["ready_s"] = statistics.median(r["ready_s"] for r in runs)
    f["startup_runs_s"] = [round(r["startup_s"], 3) for r in runs]
    f["rss_start_mib"] = statistics.median(r["rss_mib"] for r in runs)
    if big is not None and prog.name == "apcard":  # the floor reads no register at start
        bigs = session.startups(prog, mode, big, tmp, 2)
        f["rss_start_big_mib"] = statistics.median(r["rss_mib"] for r in bigs)
        f["rss_growth_mib"] = f["rss_start_big_mib"] - f["rss_start_mib"]
    return {"figures": f, "notes": got["notes"], "screens": got["shots"],
            "exit_status": got["exit_status"],
            "events": [{**e.__dict__, "t": round(e.t - got["term"].t_spawn, 4)}
                       for e in got["events"]]}


def tmux_screenshot(pristine: Path, tmp: Path, mode: str) -> str | None:
    """apcard's start screen as tmux draws it: a record, and a check of the model."""
    if not shutil.which("tmux"):
        return None
    db = tmp / "tmux.db"
    shutil.copy(pristine, db)
    sock = f"apcard-bench-{os.getpid()}"
    env = card.app_env(mode)
    cmd = ["env", "-i", *[f"{k}={v}" for k, v in env.items()],
           *card.app_command(), "--db", f"sqlite:///{db}", "--lang", card.LANG]
    tm = ["tmux", "-L", sock, "-f", "/dev/null"]
    ready = card.texts()["ready"]
    try:
        subprocess.run(tm + ["new-session", "-d", "-x", "80", "-y", "24", "-c", str(ROOT),
                             *cmd], check=True, capture_output=True, timeout=10)
        deadline = time.perf_counter() + session.STARTUP_TIMEOUT
        while time.perf_counter() < deadline:
            shot = subprocess.run(tm + ["capture-pane", "-p"], capture_output=True,
                                  text=True, timeout=5).stdout
            if ready in shot:
                time.sleep(0.3)
                return subprocess.run(tm + ["capture-pane", "-p"], capture_output=True,
                                      text=True, timeout=5).stdout
            time.sleep(0.1)
        return None
    except (subprocess.SubprocessError, OSError):
        return None
    finally:
        subprocess.run(tm + ["kill-server"], capture_output=True, timeout=10)


def _same_rows(a: str, b: str) -> int:
    ra = [ln.rstrip() for ln in a.splitlines()] + [""] * 24
    rb = [ln.rstrip() for ln in b.splitlines()] + [""] * 24
    return sum(x == y for x, y in zip(ra[:24], rb[:24], strict=True))


def run(modes: list[str], quiet_ms: float = QUIET_MS, idle_s: float = IDLE_S,
        tmux: bool = True, starts: int = STARTS, floor: bool = True,
        big_cards: int = BIG_REGISTER) -> dict:
    quiet = quiet_ms / 1000
    t0 = time.perf_counter()
    out: dict = {"bench": "tui", "machine": platform.platform(), "cpus": os.cpu_count(),
                 "load_avg_before": os.getloadavg(), "quiet_ms": quiet_ms, "idle_s": idle_s,
                 "budgets": BUDGETS, "card": card.CARD, "modes": {}}
    with tempfile.TemporaryDirectory(prefix="apcard-tui-bench-") as tmpdir:
        tmp = Path(tmpdir)
        pristine = card.make_database(tmp)
        big = cardbank.big_register(big_cards, log=lambda line: print(f"bench_tui: {line}")) \
            if big_cards else None
        out["big_register_cards"] = big_cards
        byte_compile()
        out["import_profile"] = import_profile()
        progs = programs(tmp, pristine)
        for mode in modes:
            m = out["modes"][mode] = {"title": MODES[mode]["title"]}
            m["apcard"] = run_program(progs["apcard"], mode, pristine, big, tmp, quiet,
                                      idle_s, starts)
            if floor:  # the floor is a comparison: its failure is a note, not the end
                try:
                    m["floor"] = run_program(progs["floor"], mode, pristine, big, tmp, quiet,
                                             idle_s, starts)
                except BenchError as exc:
                    m["apcard"]["notes"].append(f"the floor could not run: {exc}")
            m["load_avg"] = os.getloadavg()
        if tmux:
            shot = tmux_screenshot(pristine, tmp, modes[0])
            if shot is not None:
                mine = out["modes"][modes[0]]["apcard"]["screens"]["startup"]
                out["tmux_startup_screen"] = shot
                out["screen_model_rows_matching_tmux"] = _same_rows(shot, mine)
    out["load_avg_after"] = os.getloadavg()
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["table"] = rows(out)
    return out


def report(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, markup=False, width=max(120, Console().width))
    for m in out["modes"].values():
        t = Table(title=f"Card screen on a pty at 80x24, {m['title']}: apcard and a curses "
                  f"form (the floor); load average {m['load_avg'][0]:.1f}")
        for col, just in (("metric", "left"), ("budget", "right"), ("apcard", "right"),
                          ("floor", "right"), ("", "left")):
            t.add_column(col, justify=just, no_wrap=True)
        for r in (r for r in out["table"] if r["mode"] == m["title"]):
            t.add_row(r["metric"], r["budget"], r["apcard"], r["floor"] or "-",
                      "" if r["ok"] is None else ("PASS" if r["ok"] else "FAIL"))
        console.print(t)
    prof = out["import_profile"]
    console.print(f"start-up parts: interpreter alone {prof['interpreter_s']:.2f} s; python "
                  f"+ importing what `apcard` imports {prof['import_app_s']:.2f} s; own import "
                  f"ms by package: {prof['import_ms_by_package']}; imported: psycopg2 "
                  f"{prof['psycopg2_imported']}, ssl {prof['ssl_imported']}, rapidfuzz "
                  f"{prof['rapidfuzz_imported']}")
    for mode, m in out["modes"].items():
        for note in m["apcard"]["notes"]:
            console.print(f"[{mode}] note: {note}")
    first = next(iter(out["modes"].values()))
    for what, ex in first["apcard"]["figures"]["explain"].items():
        if ex:
            console.print(f"{first['title']} {what} ({ex['event']}): {ex['bytes']} B = text "
                          f"{ex['text']}, cursor {ex['cursor']} ({ex['moves']}), SGR "
                          f"{ex['sgr']} ({ex['sgr_count']}), erase {ex['erase']}, scroll "
                          f"{ex['scroll']}, other {ex['other']}; {ex['cells']} cells")
    if "screen_model_rows_matching_tmux" in out:
        console.print(f"screen model vs tmux capture-pane: "
                      f"{out['screen_model_rows_matching_tmux']}/24 rows identical")


def write(out: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default=",".join(MODES),
                    help="terminals: " + ", ".join(f"{k} ({v['title']})"
                                                   for k, v in MODES.items()))
    ap.add_argument("--quiet-ms", type=float, default=QUIET_MS,
                    help="silence that ends a key's answer")
    ap.add_argument("--idle", type=float, default=IDLE_S, help="idle window, seconds")
    ap.add_argument("--starts", type=int, default=STARTS,
                    help="starts timed per program and terminal (median reported)")
    ap.add_argument("--big-register", type=int, default=BIG_REGISTER,
                    help="cards of the register RSS is measured on again (0: skip)")
    ap.add_argument("--no-floor", action="store_true", help="apcard only")
    ap.add_argument("--no-tmux", action="store_true", help="skip the tmux screenshot")
    ap.add_argument("--out", default=str(RESULTS / "tui.json"))
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or not set(modes) <= set(MODES) or args.quiet_ms < 20 or args.idle <= 0 \
            or args.starts < 1 or args.big_register < 0:
        ap.error(f"--modes: some of {', '.join(MODES)}; --quiet-ms >= 20; --idle > 0; "
                 "--starts >= 1; --big-register >= 0")
    try:
        out = run(modes, args.quiet_ms, args.idle, not args.no_tmux, args.starts,
                  not args.no_floor, args.big_register)
    except BenchError as exc:
        print(f"bench_tui: {exc}", file=sys.stderr)
        return 1
    write(out, Path(args.out))
    report(out)
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
