"""The card-screen bench's figures: from one program's run (bench/tui_session.py) to
numbers, and the table of budgets that compares apcard with the curses floor."""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Callable

from bench.tui_session import Event, explain

# The budgets of the card screen on a thin terminal (80x24, TERM=linux and
# xterm-256color, with and without NO_COLOR): what the terminal and the operator
# should get at most, next to what a plain curses form costs (the floor).
BUDGETS = {
    "cyrillic_bytes": 12, "move_bytes": 120, "dir_open_bytes": 3500,
    "dir_close_ratio": 1.0, "auto_bytes": 150, "startup_s": 0.25, "rss_start_mib": 40,
    "rss_peak_mib": 40, "rss_growth_mib": 2.0, "char_last_ms": 3.0, "move_last_ms": 3.0,
    "adir_open_ms": 30.0, "filter_ms": 5.0, "filter_worst_ms": 20.0, "filter_bytes": 400,
    "idle_bytes_per_s": 0.0,
}


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def stats(values: list[float]) -> dict[str, float | int | None]:
    return {"n": len(values), "median": statistics.median(values) if values else None,
            "p95": _pct(values, 95), "max": max(values) if values else None}


def cyrillic(label: str) -> bool:
    ch = label.rsplit(" ", 1)[-1].strip("'\"")
    return len(ch) == 1 and unicodedata.name(ch, "").startswith("CYRILLIC")


def _pick(events: list[Event], value: float | None) -> Event | None:
    """The event whose byte count is closest to `value` (a representative one)."""
    if not events or value is None:
        return None
    return min(events, key=lambda e: abs(e.bytes - value))


def figures(got: dict, idle_s: float) -> dict:
    """Numbers from one run of bench/tui_session.run."""
    events: list[Event] = got["events"]
    by: dict[str, list[Event]] = {}
    for e in events:
        by.setdefault(e.kind, []).append(e)
    chars, moves = by.get("char", []), by.get("move", [])
    idle = by["idle"][0]
    memory = got["memory"]

    def b(kind: str) -> dict:
        return stats([e.bytes for e in by.get(kind, [])])

    def last(evs: list[Event]) -> dict:
        return stats([e.last_ms for e in evs if e.last_ms is not None])

    closes = list(zip(by.get("dir_open", []) + by.get("adir_open", []),
                      by.get("dir_close", []) + by.get("adir_close", []), strict=False))
    f = {
        "startup_s": got["startup_s"], "ready_s": got["ready_s"],
        "first_key_echo_ms": got["echo_ms"],
        "cyrillic_bytes": stats([e.bytes for e in chars if cyrillic(e.label)]),
        "char_bytes": b("char"), "move_bytes": b("move"), "auto_bytes": b("char_auto"),
        "clear_bytes": b("clear"), "dir_open_bytes": b("dir_open"),
        "dir_close_bytes": b("dir_close"),
        "dir_close_ratio": max((c.bytes / max(1, o.covered) for o, c in closes), default=None),
        "dir_covered": [o.covered for o, _ in closes],
        "adir_open_bytes": b("adir_open")["median"], "adir_close_bytes": b("adir_close")["median"],
        "adir_open_ms": last(by.get("adir_open", []))["median"],
        "filter_ms": last(by.get("filter", [])), "filter_bytes": b("filter"),
        "idle_bytes_per_s": idle.bytes / idle_s,
        "save_bytes": sum(e.bytes for e in events if e.kind in ("save", "confirm")),
        "save_s": got["save_s"],
        "card_bytes": sum(e.bytes for e in events if e.kind != "idle"),
        "keys": len(events) - 1,
        "char_first_ms": stats([e.first_ms for e in chars if e.first_ms is not None]),
        "char_last_ms": last(chars), "move_last_ms": last(moves),
        "dir_open_ms": last(by.get("dir_open", [])),
        "rss_start_mib": memory["startup"].get("VmRSS", 0) / 1024,
        "rss_typed_mib": memory["card_typed"].get("VmRSS", 0) / 1024,
        "rss_anon_typed_mib": memory["card_typed"].get("RssAnon", 0) / 1024,
        "rss_file_typed_mib": memory["card_typed"].get("RssFile", 0) / 1024,
        "rss_peak_mib": max(m.get("VmHWM", 0) for m in memory.values()) / 1024,
        "cpu_s": got["cpu_s"],
        "silent_keys": [e.label for e in events if e.bytes == 0 and e.kind != "idle"],
    }
    term, end = got["term"], got["end"]
    pick = {"typed_char": _pick(chars, f["cyrillic_bytes"]["median"]),
            "field_move": _pick(moves, f["move_bytes"]["median"]),
            "largest_move": max(moves, key=lambda e: e.bytes, default=None),
            "auto_advance": _pick(by.get("char_auto", []), f["auto_bytes"]["median"]),
            "largest_auto_advance": max(by.get("char_auto", []), key=lambda e: e.bytes,
                                        default=None),
            "dir_open": (by.get("dir_open") or [None])[0],
            "dir_close": (by.get("dir_close") or [None])[0],
            "filter_key": _pick(by.get("filter", []), f["filter_bytes"]["median"]),
            "idle": idle if idle.bytes else None}
    f["explain"] = {k: explain(term, e, end, events) for k, e in pick.items()}
    return f


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def _med(key: str, spec: str = ".0f") -> Callable[[dict], str]:
    return lambda f: _fmt(f[key]["median"], spec)


def _ok_med(key: str) -> Callable[[dict], bool]:
    return lambda f: f[key]["median"] is not None and f[key]["median"] <= BUDGETS[key]


def _ok(key: str) -> Callable[[dict], bool]:
    return lambda f: f[key] is not None and f[key] <= BUDGETS[key]


# (metric, budget text, value of a program's figures, verdict of apcard's figures or None)
Spec = tuple[str, str, Callable[[dict], str], Callable[[dict], bool] | None]
TABLE: list[Spec] = [
    ("typed Cyrillic char, bytes, median", "<= 12", _med("cyrillic_bytes"),
     _ok_med("cyrillic_bytes")),
    ("  any typed char, bytes, median / p95", "", lambda f: (
        f"{_fmt(f['char_bytes']['median'], '.0f')} / {_fmt(f['char_bytes']['p95'], '.0f')}"),
     None),
    ("field move (Enter/Tab), bytes, median", "<= 120", _med("move_bytes"),
     _ok_med("move_bytes")),
    ("directory open (F3), bytes, median", "<= 3500", _med("dir_open_bytes"),
     _ok_med("dir_open_bytes")),
    ("directory close (Esc): bytes per cell it covered, worst", "<= 1.00",
     lambda f: _fmt(f["dir_close_ratio"], ".2f"), _ok("dir_close_ratio")),
    ("  close bytes, median; cells covered", "", lambda f: (
        f"{_fmt(f['dir_close_bytes']['median'], '.0f')}; "
        f"{max(f['dir_covered'], default=0)}"), None),
    ("fixed-length field filling and moving on, bytes, median", "<= 150", _med("auto_bytes"),
     _ok_med("auto_bytes")),
    ("  its largest (a scroll), bytes", "", lambda f: _fmt(f["auto_bytes"]["max"], ".0f"), None),
    ("start-up to a form that echoes typing, s, median", "<= 0.25",
     lambda f: _fmt(f["startup_s"], ".3f"), _ok("startup_s")),
    ("  each start, s", "", lambda f: " ".join(f"{v:.2f}" for v in f["startup_runs_s"]), None),
    ("  its CPU time (user + system), s, median", "",
     lambda f: _fmt(f.get("startup_cpu_s"), ".2f"), None),
    ("RSS after start, MiB (median of starts)", "<= 40",
     lambda f: _fmt(f["rss_start_mib"], ".1f"), _ok("rss_start_mib")),
    ("RSS peak (VmHWM) over the card, MiB", "<= 40", lambda f: _fmt(f["rss_peak_mib"], ".1f"),
     _ok("rss_peak_mib")),
    ("  RSS with the card typed: own / shared files (libraries), MiB", "",
     lambda f: (f"{f['rss_anon_typed_mib']:.1f} / {f['rss_file_typed_mib']:.1f}"
                if f.get("rss_anon_typed_mib") else "-"), None),
    ("RSS after start, big register minus empty, MiB", "<= 2.0",
     lambda f: _fmt(f.get("rss_growth_mib"), "+.1f"),
     lambda f: f.get("rss_growth_mib") is not None and f["rss_growth_mib"] <= 2.0),
    ("key to last byte, typed char, ms median", "<= 3.0", _med("char_last_ms", ".2f"),
     _ok_med("char_last_ms")),
    ("key to last byte, field move, ms median", "<= 3.0", _med("move_last_ms", ".2f"),
     _ok_med("move_last_ms")),
    ("article-part directory (F4, 1,967 rows): open, ms", "<= 30",
     lambda f: _fmt(f["adir_open_ms"], ".1f"), _ok("adir_open_ms")),
    ("  its open / close, bytes", "", lambda f: (
        f"{_fmt(f['adir_open_bytes'], '.0f')} / {_fmt(f['adir_close_bytes'], '.0f')}"), None),
    ("same: per filter key, ms median", "<= 5", _med("filter_ms", ".1f"),
     lambda f: (f["filter_ms"]["median"] or 99) <= BUDGETS["filter_ms"]),
    ("same: per filter key, ms worst", "<= 20",
     lambda f: _fmt(f["filter_ms"]["max"], ".1f"),
     lambda f: (f["filter_ms"]["max"] or 99) <= BUDGETS["filter_worst_ms"]),
    ("same: per filter key, bytes median", "<= 400", _med("filter_bytes"),
     lambda f: (f["filter_bytes"]["median"] or 9999) <= BUDGETS["filter_bytes"]),
    ("idle, bytes per second", "0", lambda f: _fmt(f["idle_bytes_per_s"], ".1f"),
     _ok("idle_bytes_per_s")),
    ("key to first byte, typed char, ms median", "", _med("char_first_ms", ".2f"), None),
    ("F3 to directory drawn, ms median", "", _med("dir_open_ms", ".1f"), None),
    ("F2 to \"saved\" on screen, s", "", lambda f: _fmt(f["save_s"], ".2f"), None),
    ("whole card: keys / bytes", "", lambda f: f"{f['keys']} / {f['card_bytes']}", None),
    ("CPU time for the run, s", "", lambda f: _fmt(f["cpu_s"], ".2f"), None),
]


def rows(out: dict) -> list[dict]:
    """One row per figure and terminal: apcard's value, the floor's, the verdict."""
    result = []
    for metric, budget, value, ok in TABLE:
        for m in out["modes"].values():
            app, floor = m["apcard"]["figures"], m.get("floor", {}).get("figures")
            result.append({"metric": metric, "mode": m["title"], "budget": budget,
                           "apcard": value(app), "floor": value(floor) if floor else "",
                           "ok": ok(app) if ok else None})
    return result
