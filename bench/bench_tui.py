"""Card-screen bench: the real app on a real pseudo-terminal, typing a whole card.

    .venv/bin/python bench/bench_tui.py               # both terminals, ~1.5 min
    .venv/bin/python bench/bench_tui.py --modes linux-nc --quiet-ms 150

Runs `apcard` (the console script, or `python -c "from tui.cli import main"` when it
is not installed) at 80x24 on its own temporary SQLite database, once on an
xterm-16color terminal and once on TERM=linux with NO_COLOR. It types an individual's
card field by field in the form's focus order (Enter after a value, Tab over a blank
line, fixed-length fields move on by themselves), opens and closes a few directories
(F3 / Esc), stays idle, saves (F2) and checks that the card is in the database exactly
as typed. Every key's output is counted to the byte; see bench/README.md.

Budgets (issue 3): typed character <= 80 bytes (median), field move <= 600 bytes,
0 bytes idle, startup <= 1.0 s, RSS <= 80 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ptyterm import AppExited, PtyTerm, anatomy, decode, keys_for  # noqa: E402

QUIET_MS = 120  # a key's answer is over after this long without a byte
IDLE_S = 5.0
SETTLE_S = 1.0  # before the idle window: past the draft timer (0.3 s) and workers
STARTUP_TIMEOUT = 20.0
# A window opening or closing repaints the whole screen, sometimes in two bursts (a
# focus change after the refresh): wait longer before the next key, so that the second
# burst is not billed to it.
MODAL_QUIET = 0.3
STARTS = 5  # startups measured per terminal (the bench's own run + probes): the median
LANG = "ru"

BUDGETS = {"startup_s": 1.0, "char_bytes": 80, "move_bytes": 600, "idle_bytes_per_s": 0.0,
           "rss_mib": 80.0}

MODES = {
    "linux": {"TERM": "linux", "NO_COLOR": None, "title": "linux"},
    "linux-nc": {"TERM": "linux", "NO_COLOR": "1", "title": "linux+NO_COLOR"},
    "xterm": {"TERM": "xterm-256color", "NO_COLOR": None, "title": "xterm-256color"},
    "xterm-nc": {"TERM": "xterm-256color", "NO_COLOR": "1", "title": "xterm-256color+NO_COLOR"},
}

# An individual's card as it is keyed from paper (form-1ap.md; the same card as
# tests/test_validation.py): every value exactly as the operator's fingers type it.
# Dates are digits only (the form adds the dots), the fine is digits (the form groups
# them), codes as printed. Fields not listed are left blank (Tab).
CARD = {
    "subject": "01",
    "surname": "Қасымов", "given_name": "Ерлан", "patronymic": "Нұрланұлы",
    "birth_date": "12031985", "iin": "850312330541",
    "authority": "685", "place": "751110000", "considering_body": "685",
    "protocol_no": "000123456", "protocol_date": "01022025",
    "official_name": "Сейтов А.Б.",
    "journal_no": "00451", "journal_date": "03022025", "received_date": "05022025",
    "article": "592", "part": "02", "guilt": "1",
    "offence_date": "01022025", "decision_date": "02022025",
    "main_penalty": "02", "fine_imposed": "39320",
    "address": "г. Алматы, ул. Абая, д. 1, кв. 5",
    "id_document": "2", "sex": "1", "citizenship": "1",
    "workplace": "ТОО «Алма-Транс», водитель", "intoxication": "0",
    "filled_by": "Иванова С.К., инспектор", "filled_date": "05022025",
}
# The form proposes these (next journal number; line 7 = today): the paper card has its
# own, so the operator clears the field (Ctrl+U) and types it.
PREFILLED = ("journal_no", "received_date")
# Fields where the operator opens the directory (F3) and closes it again (Esc).
DIRECTORIES = ("authority", "place", "article", "main_penalty")


class BenchError(RuntimeError):
    """The app could not be run through the card: the figures would mean nothing."""


@dataclass
class Event:
    kind: str  # startup_key char char_auto move clear dir_open dir_close save confirm idle
    label: str  # field and key, for people
    t: float  # when the key was written (perf_counter)
    idx: int  # output chunks before it
    bytes: int = 0
    first_ms: float | None = None
    last_ms: float | None = None
    late_bytes: int = 0


# --- what the app is and how it is started -----------------------------------------------

def app_command() -> list[str]:
    script = Path(sys.executable).parent / "apcard"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]


def app_env(mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "APCARD_", "COLORTERM", "TERM_PROGRAM", "TMUX"))
           and k not in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR")}
    env["TERM"] = MODES[mode]["TERM"]
    if MODES[mode]["NO_COLOR"]:
        env["NO_COLOR"] = MODES[mode]["NO_COLOR"]
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONPATH"] = str(ROOT)
    return env


def make_database(tmp: Path) -> Path:
    """A new register: `apcard init` (the OS account becomes admin) + codebooks."""
    path = tmp / "pristine.db"
    url = f"sqlite:///{path}"
    for args in (["init"], ["codebooks", "load"]):
        proc = subprocess.run(app_command() + ["--db", url, *args], cwd=ROOT,
                              env=app_env("xterm"), capture_output=True, text=True)
        if proc.returncode:
            line = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["?"]
            raise BenchError(f"`apcard {' '.join(args)}` failed: {line[0]}")
    return path


# --- the card as keys ---------------------------------------------------------------------

def typing_plan(keys: dict[str, bytes]) -> list[tuple[str, str, bytes]]:
    """(kind, label, bytes) for every key after the first, in the form's focus order."""
    from models.card_schema import Kind, Subject

    try:
        from tui.widgets.layout import field_order
    except ImportError as exc:
        raise BenchError(f"cannot read the form's focus order: {exc}") from None

    order = [f for f in field_order() if f.visible_for(Subject.INDIVIDUAL)]
    missing = set(CARD) - {f.name for f in order}
    if missing:
        raise BenchError(f"fields of the bench card not on the form: {sorted(missing)}")
    steps: list[tuple[str, str, bytes]] = []
    for f in order:
        value = CARD.get(f.name, "")
        if f.name == "subject":
            value = value[1:]  # its first digit is the startup probe
        if f.name in DIRECTORIES:
            steps.append(("dir_open", f"{f.name} F3", keys["f3"]))
            steps.append(("dir_close", f"{f.name} Esc", keys["escape"]))
        if f.name in PREFILLED:
            steps.append(("clear", f"{f.name} Ctrl+U", keys["ctrl+u"]))
        full_len = 8 if f.kind == Kind.DATE else f.length
        typed = CARD.get(f.name, "")
        auto = f.fixed and len(typed) >= full_len
        for i, ch in enumerate(value):
            last = i == len(value) - 1
            steps.append(("char_auto" if auto and last else "char", f"{f.name} {ch!r}",
                          ch.encode()))
        if not auto:
            key = "enter" if typed else "tab"
            steps.append(("move", f"{f.name} {key.title()}", keys[key]))
    return steps


def expected_row() -> dict[str, str]:
    """The card as SQLite should hold it (dates ISO, the fine a number)."""
    from models.card_schema import FIELDS, Kind

    out = {}
    for name, raw in CARD.items():
        kind = FIELDS[name].kind
        if kind == Kind.DATE:
            out[name] = f"{raw[4:]}-{raw[2:4]}-{raw[:2]}"
        elif kind == Kind.AMOUNT:
            out[name] = str(int(raw))
        else:
            out[name] = raw
    return out


def check_database(path: Path) -> list[str]:
    """Differences between the saved card and the typed one ([] = the card is there)."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("SELECT * FROM card").fetchall()
    finally:
        con.close()
    if len(rows) != 1:
        return [f"{len(rows)} cards in the database, expected 1"]
    from models.card_schema import FIELDS, Kind

    row = rows[0]
    diffs = []
    for name, want in expected_row().items():
        got = row[name]
        got = "" if got is None else str(got)
        if FIELDS[name].kind == Kind.DATE:
            got = got[:10]  # a date column may come back with a time part
        if got != want:
            diffs.append(f"{name}: {got!r} != {want!r}")
    if row["status"] != "registered":
        diffs.append(f"status {row['status']!r}")
    return diffs


# --- one run ------------------------------------------------------------------------------

def _texts() -> dict[str, str]:
    try:
        from tui.screens.messages import IssuesScreen
        from tui.screens.texts import READY, SAVED
    except ImportError as exc:
        raise BenchError(f"cannot read the card screen's texts: {exc}") from None

    return {"ready": READY(LANG), "saved": SAVED(LANG).split("{")[0].strip(),
            "confirm": IssuesScreen.TITLE_CONFIRM(LANG),
            "errors": IssuesScreen.TITLE_ERRORS(LANG)}


def _cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def run_mode(mode: str, pristine: Path, tmp: Path, quiet: float, idle_s: float) -> dict:
    db = tmp / f"{mode}.db"
    shutil.copy(pristine, db)
    keys = keys_for(MODES[mode]["TERM"])
    texts = _texts()
    plan = typing_plan(keys)
    argv = app_command() + ["--db", f"sqlite:///{db}", "--lang", LANG]
    term = PtyTerm(argv, app_env(mode), cwd=str(ROOT))
    events: list[Event] = []
    shots: dict[str, str] = {}
    notes: list[str] = []
    memory: dict[str, dict[str, int]] = {}
    try:
        start = _startup(term, texts, mode)
        shots["startup"] = start.pop("screen")
        t_key, idx = start.pop("key")
        events.append(Event("startup_key", "subject '0' (first key)", t_key, idx))
        term.wait_quiet(idx, max(quiet, MODAL_QUIET), 3.0)  # the first paint may go on
        memory["startup"] = term.memory_kib()
        dir_before = ""
        for kind, label, data in plan:
            snapshot = term.screen.text() if kind == "dir_open" else None
            modal = kind in ("dir_open", "dir_close")
            t, idx = term.send(data, max(quiet, MODAL_QUIET) if modal else quiet,
                               first_timeout=5.0 if modal else 3.0)
            events.append(Event(kind, label, t, idx))
            if kind == "dir_open":
                dir_before = snapshot
                if term.screen.text() == snapshot:
                    notes.append(f"{label}: the screen did not change (no directory?)")
                shots.setdefault("directory", term.screen.text())
            elif kind == "dir_close" and term.screen.text() != dir_before:
                notes.append(f"{label}: the form was not restored exactly after Esc")
        shots["card_typed"] = term.screen.text()
        time.sleep(SETTLE_S)
        memory["card_typed"] = term.memory_kib()
        t_idle = time.perf_counter()
        events.append(Event("idle", f"{idle_s:.0f} s without a key", t_idle, term.mark()))
        time.sleep(idle_s)
        saved_at = _save(term, keys, texts, events, quiet, mode, shots)
        memory["saved"] = term.memory_kib()
        cpu = _cpu_s(term.pid)
        end = time.perf_counter()
    except AppExited as exc:
        raise BenchError(f"[{mode}] the app exited during the bench: {exc}") from None
    finally:
        status = term.stop()
    _measure(term, events, end, quiet)
    diffs = check_database(db)
    if diffs:
        raise BenchError(f"[{mode}] the saved card differs from the typed one: "
                         + "; ".join(diffs[:4]))
    return _summary(mode, term, events, memory, shots, notes, quiet, idle_s, cpu, {
        **start, "save_s": saved_at, "exit_status": status, "end": end})


def _startup(term: PtyTerm, texts: dict[str, str], mode: str) -> dict:
    """Spawn to the ready form, then type the subject's first digit at once and time its
    echo: the form is usable when a key typed into it shows."""
    t_ready = term.wait_screen(lambda s: s.find(texts["ready"]) is not None, STARTUP_TIMEOUT)
    if t_ready is None:
        last = [ln for ln in term.screen.text().splitlines() if ln.strip()][-1:]
        raise BenchError(f"[{mode}] no ready form within {STARTUP_TIMEOUT:.0f} s"
                         f" (screen: {last[0][:70] if last else 'empty'!r})")
    screen = term.screen.text()
    row = _subject_row(term)
    before = term.screen.line(row).count("0")
    t_key, idx = term.write(CARD["subject"][0].encode())
    t_echo = term.wait_screen(lambda s: s.line(row).count("0") > before, 10.0)
    if t_echo is None:
        raise BenchError(f"[{mode}] the first key typed into the form never showed")
    return {"first_byte_s": term.chunks[0][0] - term.t_spawn, "ready_s": t_ready - term.t_spawn,
            "startup_s": t_echo - term.t_spawn, "echo_ms": (t_echo - t_key) * 1000,
            "screen": screen, "key": (t_key, idx)}


def startup_probes(mode: str, pristine: Path, tmp: Path, n: int) -> list[dict]:
    """`n` more starts (each on a fresh copy of the register): startup is the figure
    most sensitive to a busy machine, so it is the median of several."""
    texts, out = _texts(), []
    for i in range(n):
        db = tmp / f"{mode}-start{i}.db"
        shutil.copy(pristine, db)
        term = PtyTerm(app_command() + ["--db", f"sqlite:///{db}", "--lang", LANG],
                       app_env(mode), cwd=str(ROOT))
        try:
            start = _startup(term, texts, mode)
        finally:
            term.stop()
        out.append({k: start[k] for k in ("first_byte_s", "ready_s", "startup_s")})
    return out


def byte_compile() -> None:
    """Byte-compile the app's own modules, as `make setup` does (pip does the same for
    the installed packages): an installed program starts from .pyc files. Without
    this, under PYTHONDONTWRITEBYTECODE (set on some machines, these included) every
    start would compile some 50 modules from source, about 0.12 s, and the bench
    would measure a cold checkout instead of the app an operator runs."""
    import compileall

    for pkg in ("tui", "models", "codebooks"):
        compileall.compile_dir(ROOT / pkg, quiet=1)


def import_profile() -> dict:
    """Where startup goes before the app draws anything: the interpreter alone, and
    importing the app's modules (python -X importtime: own import time summed per
    top-level package, heaviest first)."""
    env = app_env("xterm")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, cwd=ROOT, check=True)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import tui.cli, tui.app"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    top: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        # Own time (not cumulative) summed per top-level package: who really costs.
        pkg = parts[2].strip().split(".")[0]
        top[pkg] = top.get(pkg, 0) + int(parts[0].split(":")[-1])
    heavy = sorted(top.items(), key=lambda kv: -kv[1])[:8]
    return {"interpreter_s": bare, "import_app_s": wall,
            "import_ms_by_package": {k: round(v / 1000) for k, v in heavy}}


def _subject_row(term: PtyTerm) -> int:
    from models.card_schema import FIELDS

    f = FIELDS["subject"]
    found = term.screen.find(f"{f.line}. {f.label(LANG)}")
    if found is None:
        raise BenchError("line 8 (subject) is not on the start screen")
    return found[0]


def _save(term: PtyTerm, keys: dict[str, bytes], texts: dict[str, str], events: list[Event],
          quiet: float, mode: str, shots: dict[str, str]) -> float:
    """F2; confirm warnings if asked; the seconds until "saved" shows."""
    quiet = max(quiet, MODAL_QUIET)
    t, idx = term.send(keys["f2"], quiet, first_timeout=5.0)
    events.append(Event("save", "F2 save", t, idx))

    def outcome(s) -> bool:  # noqa: ANN001
        return any(s.find(texts[k]) is not None for k in ("saved", "confirm", "errors"))

    term.wait_screen(outcome, 15.0)
    if term.screen.find(texts["confirm"]) is not None:
        shots["warnings"] = term.screen.text()
        t2, idx = term.send(keys["f2"], quiet, first_timeout=5.0)
        events.append(Event("confirm", "F2 save anyway", t2, idx))
        term.wait_screen(lambda s: s.find(texts["saved"]) is not None, 15.0)
    if term.screen.find(texts["errors"]) is not None or term.screen.find(texts["saved"]) is None:
        shots["refused"] = term.screen.text()
        lines = [ln.strip() for ln in term.screen.text().splitlines() if ln.strip()[:1] in "!?"]
        raise BenchError(f"[{mode}] the card was not saved: "
                         + ("; ".join(lines[:3]) or "no confirmation on screen"))
    done = time.perf_counter()
    term.wait_quiet(term.mark(), quiet, 0.5)
    shots["saved"] = term.screen.text()
    return done - t


def _measure(term: PtyTerm, events: list[Event], end: float, quiet: float) -> None:
    """Each event owns the output from its key to the next event's key."""
    for ev, nxt in zip(events, [*events[1:], None], strict=True):
        w = term.window(ev.t, nxt.t if nxt else end, quiet)
        ev.bytes, ev.late_bytes = len(w.data), w.late_bytes
        ev.first_ms = None if w.first is None else round(w.first * 1000, 1)
        ev.last_ms = None if w.last is None else round(w.last * 1000, 1)


# --- figures ------------------------------------------------------------------------------

def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def _stats(values: list[float]) -> dict[str, float | int | None]:
    return {"n": len(values), "median": statistics.median(values) if values else None,
            "p95": _pct(values, 95), "max": max(values) if values else None}


def _pick(events: list[Event], value: float | None) -> Event | None:
    """The event whose byte count is closest to `value` (a representative one)."""
    if not events or value is None:
        return None
    return min(events, key=lambda e: abs(e.bytes - value))


def _explain(term: PtyTerm, ev: Event | None, end: float, events: list[Event]) -> dict | None:
    if ev is None:
        return None
    nxt = next((e for e in events if e.t > ev.t), None)
    data = term.output_between(ev.t, nxt.t if nxt else end)
    a = anatomy(data, cols=term.cols, rows=term.rows)
    return {"event": ev.label, "bytes": len(data), "text": a.text, "cursor": a.cursor,
            "sgr": a.sgr, "other": a.other, "cup_count": a.cup_count,
            "sgr_count": a.sgr_count, "repainted": a.spans, "cells": a.cells,
            "tokens": decode(data)[:80]}


def _summary(mode: str, term: PtyTerm, events: list[Event], memory: dict, shots: dict,
             notes: list[str], quiet: float, idle_s: float, cpu: float | None,
             times: dict) -> dict:
    by = {k: [e for e in events if e.kind == k] for k in
          ("char", "char_auto", "move", "dir_open", "dir_close", "clear", "save", "idle")}
    chars, moves = by["char"], by["move"]
    idle = by["idle"][0]
    rss = max(m.get("VmRSS", 0) for m in memory.values()) / 1024
    hwm = max(m.get("VmHWM", 0) for m in memory.values()) / 1024
    end = times["end"]
    typed = [e for e in events if e.kind in ("char", "char_auto", "startup_key")]
    figures = {
        "startup_s": times["startup_s"], "ready_s": times["ready_s"],
        "first_byte_s": times["first_byte_s"], "first_key_echo_ms": times["echo_ms"],
        "char_bytes": _stats([e.bytes for e in chars]),
        "char_auto_bytes": _stats([e.bytes for e in by["char_auto"]]),
        "move_bytes": _stats([e.bytes for e in moves]),
        "clear_bytes": _stats([e.bytes for e in by["clear"]]),
        "dir_open_bytes": _stats([e.bytes for e in by["dir_open"]]),
        "dir_close_bytes": _stats([e.bytes for e in by["dir_close"]]),
        "idle_bytes": idle.bytes, "idle_bytes_per_s": idle.bytes / idle_s,
        "save_bytes": sum(e.bytes for e in by["save"]) + sum(
            e.bytes for e in events if e.kind == "confirm"),
        "save_s": times["save_s"],
        "card_bytes": sum(e.bytes for e in events if e.kind != "idle"),
        "keys": len(events) - 1, "characters_typed": len(typed),
        "char_first_ms": _stats([e.first_ms for e in chars if e.first_ms is not None]),
        "char_settle_ms": _stats([e.last_ms for e in chars if e.last_ms is not None]),
        "move_first_ms": _stats([e.first_ms for e in moves if e.first_ms is not None]),
        "move_settle_ms": _stats([e.last_ms for e in moves if e.last_ms is not None]),
        "dir_open_settle_ms": _stats([e.last_ms for e in by["dir_open"]
                                      if e.last_ms is not None]),
        "silent_keys": [e.label for e in events
                        if e.bytes == 0 and e.kind not in ("idle",)],
        "rss_mib": rss, "rss_peak_mib": hwm, "memory_kib": memory, "cpu_s": cpu,
    }
    cm = figures["char_bytes"]["median"]
    mm = figures["move_bytes"]["median"]
    explain = {
        "typed_char": _explain(term, _pick(chars, cm), end, events),
        "field_move": _explain(term, _pick(moves, mm), end, events),
        "largest_move": _explain(term, max(moves, key=lambda e: e.bytes, default=None), end,
                                 events),
        "auto_advance": _explain(term, _pick(by["char_auto"],
                                             figures["char_auto_bytes"]["median"]), end,
                                 events),
        "largest_auto_advance": _explain(term, max(by["char_auto"], key=lambda e: e.bytes,
                                                   default=None), end, events),
        "dir_open": _explain(term, by["dir_open"][0] if by["dir_open"] else None, end, events),
        "dir_close": _explain(term, by["dir_close"][0] if by["dir_close"] else None, end,
                              events),
        "idle": _explain(term, idle if idle.bytes else None, end, events),
    }
    return {"mode": mode, "title": MODES[mode]["title"], "env": {
        "TERM": MODES[mode]["TERM"], "NO_COLOR": MODES[mode]["NO_COLOR"]},
        "command": " ".join(app_command()), "exit_status": times["exit_status"],
        "figures": figures, "explain": explain, "notes": notes, "screens": shots,
        "events": [asdict(e) | {"t": round(e.t - term.t_spawn, 4)} for e in events]}


def verdicts(f: dict) -> dict[str, bool]:
    return {"startup_s": f["startup_s"] <= BUDGETS["startup_s"],
            "char_bytes": (f["char_bytes"]["median"] or 0) <= BUDGETS["char_bytes"],
            "move_bytes": (f["move_bytes"]["median"] or 0) <= BUDGETS["move_bytes"],
            "idle_bytes_per_s": f["idle_bytes_per_s"] <= BUDGETS["idle_bytes_per_s"],
            "rss_mib": f["rss_peak_mib"] <= BUDGETS["rss_mib"]}


# --- tmux screenshot (for the record) -------------------------------------------------------

def tmux_screenshot(pristine: Path, tmp: Path, mode: str) -> str | None:
    """The start screen as tmux draws it: a human-readable record, and a check of the
    bench's own screen model."""
    if not shutil.which("tmux"):
        return None
    db = tmp / "tmux.db"
    shutil.copy(pristine, db)
    sock = f"apcard-bench-{os.getpid()}"
    env = app_env(mode)
    cmd = ["env", "-i", *[f"{k}={v}" for k, v in env.items()],
           *app_command(), "--db", f"sqlite:///{db}", "--lang", LANG]
    tm = ["tmux", "-L", sock, "-f", "/dev/null"]
    ready = _texts()["ready"]
    try:
        subprocess.run(tm + ["new-session", "-d", "-x", "80", "-y", "24", "-c", str(ROOT),
                             *cmd], check=True, capture_output=True, timeout=10)
        deadline = time.perf_counter() + STARTUP_TIMEOUT
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


def _same_screen(a: str, b: str) -> int:
    """Rows (of 24) on which two screen texts agree."""
    ra = [ln.rstrip() for ln in a.splitlines()] + [""] * 24
    rb = [ln.rstrip() for ln in b.splitlines()] + [""] * 24
    return sum(x == y for x, y in zip(ra[:24], rb[:24], strict=True))


# --- the command --------------------------------------------------------------------------

def run(modes: list[str], quiet_ms: float = QUIET_MS, idle_s: float = IDLE_S,
        tmux: bool = True, starts: int = STARTS) -> dict:
    quiet = quiet_ms / 1000
    t0 = time.perf_counter()
    out: dict = {"bench": "tui", "machine": platform.platform(), "cpus": os.cpu_count(),
                 "load_avg": os.getloadavg(), "quiet_ms": quiet_ms, "idle_s": idle_s,
                 "settle_s": SETTLE_S, "budgets": BUDGETS, "card": CARD, "modes": {}}
    with tempfile.TemporaryDirectory(prefix="apcard-tui-bench-") as tmpdir:
        tmp = Path(tmpdir)
        pristine = make_database(tmp)
        byte_compile()
        out["import_profile"] = import_profile()
        for mode in modes:
            m = out["modes"][mode] = run_mode(mode, pristine, tmp, quiet, idle_s)
            f = m["figures"]
            m["startups"] = [{k: f[k] for k in ("first_byte_s", "ready_s", "startup_s")}]
            m["startups"] += startup_probes(mode, pristine, tmp, starts - 1)
            f["startup_s"] = statistics.median(s["startup_s"] for s in m["startups"])
            f["ready_s"] = statistics.median(s["ready_s"] for s in m["startups"])
            f["startup_runs_s"] = [round(s["startup_s"], 3) for s in m["startups"]]
            m["verdicts"] = verdicts(f)
        if tmux:
            shot = tmux_screenshot(pristine, tmp, modes[0])
            if shot is not None:
                mine = out["modes"][modes[0]]["screens"]["startup"]
                out["tmux_startup_screen"] = shot
                out["screen_model_rows_matching_tmux"] = _same_screen(shot, mine)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def rows(out: dict) -> list[tuple[str, str, dict[str, str], dict[str, bool | None]]]:
    """(metric, budget, value per mode, verdict per mode) for the tables."""
    def fmt(v: float | None, spec: str) -> str:
        return "-" if v is None else format(v, spec)

    def ms(st: dict) -> str:
        return f"{fmt(st['median'], '.1f')} / {fmt(st['p95'], '.1f')}"

    spec = [
        ("startup to usable form, s (median)", "<= 1.0",
         lambda f: fmt(f["startup_s"], ".2f"), "startup_s"),
        ("  each start, s", "", lambda f: " ".join(f"{v:.2f}" for v in f["startup_runs_s"]),
         None),
        ("  form drawn (ready text), s", "", lambda f: fmt(f["ready_s"], ".2f"), None),
        ("typed char, bytes, median", "<= 80",
         lambda f: fmt(f["char_bytes"]["median"], ".0f"), "char_bytes"),
        ("typed char, bytes, p95 / max", "", lambda f: (
            f"{fmt(f['char_bytes']['p95'], '.0f')} / {fmt(f['char_bytes']['max'], '.0f')}"),
         None),
        ("field move (Enter/Tab), bytes, median", "<= 600",
         lambda f: fmt(f["move_bytes"]["median"], ".0f"), "move_bytes"),
        ("field move, bytes, p95 / max", "", lambda f: (
            f"{fmt(f['move_bytes']['p95'], '.0f')} / {fmt(f['move_bytes']['max'], '.0f')}"),
         None),
        ("char filling a field (+auto move), median / max", "", lambda f: (
            f"{fmt(f['char_auto_bytes']['median'], '.0f')} / "
            f"{fmt(f['char_auto_bytes']['max'], '.0f')}"), None),
        ("directory open (F3) / close (Esc), bytes", "", lambda f: (
            f"{fmt(f['dir_open_bytes']['median'], '.0f')} / "
            f"{fmt(f['dir_close_bytes']['median'], '.0f')}"), None),
        ("idle, bytes per second", "0", lambda f: fmt(f["idle_bytes_per_s"], ".1f"),
         "idle_bytes_per_s"),
        ("RSS peak (VmHWM), MiB", "<= 80", lambda f: fmt(f["rss_peak_mib"], ".1f"),
         "rss_mib"),
        ("  RSS at start / card typed, MiB", "", lambda f: (
            f"{f['memory_kib']['startup'].get('VmRSS', 0) / 1024:.1f} / "
            f"{f['memory_kib']['card_typed'].get('VmRSS', 0) / 1024:.1f}"), None),
        ("key -> first byte, char, ms median / p95", "", lambda f: ms(f["char_first_ms"]),
         None),
        ("key -> quiet, char, ms median / p95", "", lambda f: ms(f["char_settle_ms"]), None),
        ("key -> quiet, field move, ms median / p95", "", lambda f: ms(f["move_settle_ms"]),
         None),
        ("F3 -> directory drawn, ms median", "",
         lambda f: fmt(f["dir_open_settle_ms"]["median"], ".0f"), None),
        ("F2 -> \"saved\" on screen, s", "", lambda f: fmt(f["save_s"], ".2f"), None),
        ("whole card: keys / bytes", "", lambda f: f"{f['keys']} / {f['card_bytes']}", None),
        ("app CPU time for the run, s", "", lambda f: fmt(f["cpu_s"], ".2f"), None),
    ]
    result = []
    for name, budget, get, vkey in spec:
        values, ok = {}, {}
        for mode, m in out["modes"].items():
            values[mode] = get(m["figures"])
            ok[mode] = m["verdicts"][vkey] if vkey else None
        result.append((name, budget, values, ok))
    result.append(("card saved and in the database as typed", "yes",
                   {mode: "yes" for mode in out["modes"]},
                   {mode: True for mode in out["modes"]}))
    return result


def report(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, markup=False, width=max(120, Console().width))
    t = Table(title=f"Card screen, real app on a pty at 80x24 (quiet = {out['quiet_ms']:.0f} "
              f"ms, idle window {out['idle_s']:.0f} s)")
    t.add_column("metric", no_wrap=True)
    t.add_column("budget", justify="right", no_wrap=True)
    for mode in out["modes"]:
        t.add_column(MODES[mode]["title"], justify="right", no_wrap=True)
        t.add_column("", justify="left", no_wrap=True)
    for name, budget, values, ok in rows(out):
        cells = []
        for mode in out["modes"]:
            cells += [values[mode], "" if ok[mode] is None else ("PASS" if ok[mode] else
                                                                 "FAIL")]
        t.add_row(name, budget, *cells)
    console.print(t)
    prof = out["import_profile"]
    heavy = ", ".join(f"{k} {v}" for k, v in prof["import_ms_by_package"].items())
    console.print(f"startup parts: interpreter alone {prof['interpreter_s']:.2f} s; "
                  f"python + importing tui.cli, tui.app {prof['import_app_s']:.2f} s "
                  f"(own import ms by package: {heavy})")
    for mode, m in out["modes"].items():
        for note in m["notes"]:
            console.print(f"[{mode}] note: {note}")
        if m["figures"]["silent_keys"]:
            console.print(f"[{mode}] keys with no output at all: "
                          f"{', '.join(m['figures']['silent_keys'][:8])}")
    first = next(iter(out["modes"].values()))
    for what in ("typed_char", "field_move", "largest_move", "auto_advance",
                 "largest_auto_advance", "dir_open", "dir_close"):
        ex = first["explain"].get(what)
        if ex:
            console.print(f"{first['mode']} {what} ({ex['event']}): {ex['bytes']} B = text "
                          f"{ex['text']}, cursor {ex['cursor']} ({ex['cup_count']} moves), "
                          f"SGR {ex['sgr']} ({ex['sgr_count']}), other {ex['other']}; "
                          f"{ex['cells']} cells in {len(ex['repainted'])} runs")
    if "screen_model_rows_matching_tmux" in out:
        console.print(f"screen model vs tmux capture-pane: "
                      f"{out['screen_model_rows_matching_tmux']}/24 rows identical")


def write(out: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default=",".join(MODES),
                    help="terminals to run: " + ", ".join(
                        f"{k} ({v['title']})" for k, v in MODES.items()))
    ap.add_argument("--quiet-ms", type=float, default=QUIET_MS,
                    help="silence that ends a key's answer")
    ap.add_argument("--idle", type=float, default=IDLE_S, help="idle window, seconds")
    ap.add_argument("--starts", type=int, default=STARTS,
                    help="startups timed per terminal (median reported)")
    ap.add_argument("--no-tmux", action="store_true", help="skip the tmux screenshot")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "tui.json"))
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or not set(modes) <= set(MODES) or args.quiet_ms < 20 or args.idle <= 0 \
            or args.starts < 1:
        ap.error(f"--modes: some of {', '.join(MODES)}; --quiet-ms >= 20; --idle > 0; "
                 "--starts >= 1")
    try:
        out = run(modes, args.quiet_ms, args.idle, not args.no_tmux, args.starts)
    except BenchError as exc:
        print(f"bench_tui: {exc}", file=sys.stderr)
        return 1
    write(out, Path(args.out))
    report(out)
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
