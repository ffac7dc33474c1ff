"""One program (apcard or the curses floor) on a pseudo-terminal, typed through the card.

A key "owns" every byte the program writes from the moment the key is written until
the next key is written (or the idle window starts), so a late repaint (a timer, a
worker thread) still counts against the key that caused it. The next key is sent when
the program has answered and then written nothing for `quiet` seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.cardbank import copy_of
from bench.ptyterm import AppExited, PtyTerm, keys_for
from bench.termscreen import Screen, anatomy, decode
from bench.tui_card import LANG, MODES, ROOT, BenchError, app_env

SETTLE_S = 1.0  # before the idle window: past the draft timer (0.3 s) and workers
STARTUP_TIMEOUT = 20.0
# A window opening or closing may repaint in two bursts (a focus change after the
# refresh): wait longer before the next key, so that the second is not billed to it.
MODAL_QUIET = 0.3
MODAL = ("dir_open", "dir_close", "adir_open", "adir_close")


@dataclass
class Event:
    kind: str  # startup_key char char_auto move clear dir_open dir_close adir_open filter
    #            adir_close save confirm idle
    label: str  # field and key, for people
    t: float  # when the key was written (perf_counter)
    idx: int  # output chunks before it
    bytes: int = 0
    first_ms: float | None = None
    last_ms: float | None = None
    late_bytes: int = 0
    covered: int = 0  # a window's opening: the cells it covers


@dataclass
class Program:
    """What to run and how to tell it did the work."""

    name: str  # "apcard" | "floor"
    command: Callable[[Path], list[str]]  # register -> argv
    check: Callable[[Path], list[str]]  # register -> differences from the typed card
    texts: dict[str, str]


def _cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _covered(a: list, b: list) -> int:
    """Cells a window covers: the rectangle around every cell its opening changed."""
    changed = [(y, x) for y, (ra, rb) in enumerate(zip(a, b, strict=True))
               for x, (p, q) in enumerate(zip(ra, rb, strict=True)) if p != q]
    if not changed:
        return 0
    ys, xs = [y for y, _ in changed], [x for _, x in changed]
    return (max(ys) - min(ys) + 1) * (max(xs) - min(xs) + 1)


def run(prog: Program, mode: str, plan: list[tuple[str, str, bytes]], register: Path,
        tmp: Path, quiet: float, idle_s: float) -> dict:
    """The whole card: start, every key of `plan`, idle, save; events and screens."""
    db = copy_of(register, tmp / f"{prog.name}-{mode}.db")
    keys = keys_for(MODES[mode]["TERM"])
    term = PtyTerm(prog.command(db), app_env(mode), cwd=str(ROOT))
    where = f"[{prog.name}, {MODES[mode]['title']}]"
    events: list[Event] = []
    shots: dict[str, str] = {}
    notes: list[str] = []
    memory: dict[str, dict[str, int]] = {}
    try:
        start = startup(term, prog.texts, where)
        shots["startup"] = start.pop("screen")
        t_key, idx = start.pop("key")
        events.append(Event("startup_key", "subject '0' (first key)", t_key, idx))
        term.wait_quiet(idx, max(quiet, MODAL_QUIET), 3.0)  # the first paint may go on
        memory["startup"] = term.memory_kib()
        before: tuple[str, list] = ("", [])
        for kind, label, data in plan:
            snapshot = (term.screen.text(), term.screen.cells())
            modal = kind in MODAL
            t, idx = term.send(data, max(quiet, MODAL_QUIET) if modal else quiet,
                               first_timeout=5.0 if modal else 3.0)
            ev = Event(kind, label, t, idx)
            events.append(ev)
            if kind.endswith("dir_open"):
                before = snapshot
                ev.covered = _covered(snapshot[1], term.screen.cells())
                if not ev.covered:
                    notes.append(f"{label}: the screen did not change (no directory?)")
                shots.setdefault("directory" if kind == "dir_open" else "article_parts",
                                 term.screen.text())
            elif kind.endswith("dir_close") and term.screen.text() != before[0]:
                notes.append(f"{label}: the form was not restored exactly after Esc")
        shots["card_typed"] = term.screen.text()
        time.sleep(SETTLE_S)
        memory["card_typed"] = term.memory_kib()
        events.append(Event("idle", f"{idle_s:.0f} s without a key", time.perf_counter(),
                            term.mark()))
        time.sleep(idle_s)
        saved_at = save(term, keys, prog.texts, events, quiet, where, shots)
        memory["saved"] = term.memory_kib()
        cpu = _cpu_s(term.pid)
        end = time.perf_counter()
    except AppExited as exc:
        raise BenchError(f"{where} the program exited during the bench: {exc}") from None
    finally:
        status = term.stop()
    measure(term, events, end, quiet)
    diffs = prog.check(db)
    if diffs:
        raise BenchError(f"{where} the card differs from the typed one: " + "; ".join(diffs[:4]))
    return {"term": term, "events": events, "memory": memory, "shots": shots, "notes": notes,
            "cpu_s": cpu, "save_s": saved_at, "exit_status": status, "end": end, **start}


def _subject_row(term: PtyTerm) -> int:
    from models.card_schema import FIELDS

    f = FIELDS["subject"]
    found = term.screen.find(f"{f.line}. {f.label(LANG)}")
    if found is None:
        raise BenchError("line 8 (subject) is not on the start screen")
    return found[0]


def startup(term: PtyTerm, texts: dict[str, str], where: str) -> dict:
    """Spawn to the ready form, then type the subject's first digit at once and time its
    echo: the form is usable when a key typed into it shows."""
    t_ready = term.wait_screen(lambda s: s.find(texts["ready"]) is not None, STARTUP_TIMEOUT)
    if t_ready is None:
        last = [ln for ln in term.screen.text().splitlines() if ln.strip()][-1:]
        raise BenchError(f"{where} no ready form within {STARTUP_TIMEOUT:.0f} s"
                         f" (screen: {last[0][:70] if last else 'empty'!r})")
    screen = term.screen.text()
    row = _subject_row(term)
    before = term.screen.line(row).count("0")
    t_key, idx = term.write(b"0")
    t_echo = term.wait_screen(lambda s: s.line(row).count("0") > before, 10.0)
    if t_echo is None:
        raise BenchError(f"{where} the first key typed into the form never showed")
    return {"first_byte_s": term.chunks[0][0] - term.t_spawn, "ready_s": t_ready - term.t_spawn,
            "startup_s": t_echo - term.t_spawn, "echo_ms": (t_echo - t_key) * 1000,
            "screen": screen, "key": (t_key, idx)}


def startups(prog: Program, mode: str, register: Path, tmp: Path, n: int) -> list[dict]:
    """`n` more starts, each on a fresh copy of `register`: startup is the figure most
    sensitive to a busy machine, so it is the median of several. RSS after each."""
    out = []
    for i in range(n):
        db = copy_of(register, tmp / f"{prog.name}-{mode}-{register.stem}-start{i}.db")
        term = PtyTerm(prog.command(db), app_env(mode), cwd=str(ROOT))
        try:
            start = startup(term, prog.texts, f"[{prog.name}, {MODES[mode]['title']}]")
            cpu = _cpu_s(term.pid)  # the process's CPU to here: hardly moved by the load
            term.wait_quiet(start["key"][1], MODAL_QUIET, 3.0)
            rss = term.memory_kib().get("VmRSS", 0) / 1024
        finally:
            term.stop()
        out.append({"first_byte_s": start["first_byte_s"], "ready_s": start["ready_s"],
                    "startup_s": start["startup_s"], "startup_cpu_s": cpu, "rss_mib": rss})
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
    return out


def save(term: PtyTerm, keys: dict[str, bytes], texts: dict[str, str], events: list[Event],
         quiet: float, where: str, shots: dict[str, str]) -> float:
    """F2; confirm warnings if asked; the seconds until "saved" shows."""
    quiet = max(quiet, MODAL_QUIET)
    t, idx = term.send(keys["f2"], quiet, first_timeout=5.0)
    events.append(Event("save", "F2 save", t, idx))

    def outcome(s: Screen) -> bool:
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
        raise BenchError(f"{where} the card was not saved: "
                         + ("; ".join(lines[:3]) or "no confirmation on screen"))
    done = time.perf_counter()
    term.wait_quiet(term.mark(), quiet, 0.5)
    shots["saved"] = term.screen.text()
    return done - t


def measure(term: PtyTerm, events: list[Event], end: float, quiet: float) -> None:
    """Each event owns the output from its key to the next event's key."""
    for ev, nxt in zip(events, [*events[1:], None], strict=True):
        w = term.window(ev.t, nxt.t if nxt else end, quiet)
        ev.bytes, ev.late_bytes = len(w.data), w.late_bytes
        ev.first_ms = None if w.first is None else round(w.first * 1000, 2)
        ev.last_ms = None if w.last is None else round(w.last * 1000, 2)


def explain(term: PtyTerm, ev: Event | None, end: float, events: list[Event]) -> dict | None:
    """Where one key's bytes went: replayed on the screen as it was before the key."""
    if ev is None:
        return None
    nxt = next((e for e in events if e.t > ev.t), None)
    data = term.output_between(ev.t, nxt.t if nxt else end)
    screen = Screen(term.cols, term.rows)
    screen.feed(term.output_between(0.0, ev.t))
    a = anatomy(data, screen)
    return {"event": ev.label, "bytes": len(data), "text": a.text, "cursor": a.cursor,
            "sgr": a.sgr, "erase": a.erase, "scroll": a.scroll, "other": a.other,
            "moves": a.cup_count, "sgr_count": a.sgr_count, "repainted": a.spans,
            "cells": a.cells, "tokens": decode(data)[:80]}
