"""Where the card screen's memory grows: apcard typed through the bench's card on a real
pseudo-terminal (80x24), its VmRSS and RssAnon read after every key.

    .venv/bin/python bench/tui_memory.py                  # keys that added >= 150 KiB
    .venv/bin/python bench/tui_memory.py --min-kib 40 --mode xterm

bench_tui.py reports the RSS after start and the peak (VmHWM) over the whole card; this
says at which keys the difference was made: the first use of each directory, the card's
check reading a codebook, the duplicate search's thread and connection. Not timed: run
it at any load. See bench/tui.md ("Where the peak comes from").
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import tui_card as card  # noqa: E402
from bench import tui_session as session  # noqa: E402
from bench.cardbank import copy_of  # noqa: E402
from bench.ptyterm import PtyTerm, keys_for  # noqa: E402

Step = tuple[str, str, dict[str, int]]  # kind, label, memory after it (KiB)


def trace(mode: str, register: Path, tmp: Path) -> list[Step]:
    """Start apcard on a copy of `register`, type the bench's card key by key (the same
    keys, pauses and windows as bench_tui.py), settle, save; memory after each step."""
    keys = keys_for(card.MODES[mode]["TERM"])
    db = copy_of(register, tmp / f"memory-{mode}.db")
    argv = card.app_command() + ["--db", f"sqlite:///{db}", "--lang", card.LANG]
    term = PtyTerm(argv, card.app_env(mode), cwd=str(ROOT))
    texts = card.texts()
    steps: list[Step] = []
    try:
        start = session.startup(term, texts, f"[apcard, {mode}]")
        term.wait_quiet(start["key"][1], session.MODAL_QUIET, 3.0)
        steps.append(("startup", "first key shown", term.memory_kib()))
        for kind, label, data in card.typing_plan(keys):
            modal = kind in session.MODAL
            term.send(data, session.MODAL_QUIET if modal else 0.12,
                      first_timeout=5.0 if modal else 3.0)
            steps.append((kind, label, term.memory_kib()))
        time.sleep(session.SETTLE_S)
        steps.append(("settled", f"{session.SETTLE_S:.0f} s later", term.memory_kib()))
        session.save(term, keys, texts, [], 0.12, f"[apcard, {mode}]", {})
        steps.append(("saved", "F2", term.memory_kib()))
    finally:
        term.stop()
    return steps


def growth(steps: list[Step], min_kib: int) -> tuple[list[tuple[str, str, int, int]], int]:
    """The steps whose VmRSS grew by `min_kib` or more (kind, label, growth, RSS after,
    KiB), and the growth of all the other steps together."""
    big: list[tuple[str, str, int, int]] = []
    small = 0
    for (_, _, before), (kind, label, after) in zip(steps, steps[1:], strict=False):
        d = after.get("VmRSS", 0) - before.get("VmRSS", 0)
        if d >= min_kib:
            big.append((kind, label, d, after.get("VmRSS", 0)))
        else:
            small += d
    return big, small


def report(steps: list[Step], min_kib: int) -> str:
    mib = 1024
    first, last = steps[0][2], steps[-1][2]
    big, small = growth(steps, min_kib)
    out = [f"after start: VmRSS {first.get('VmRSS', 0) / mib:.1f} MiB "
           f"(own {first.get('RssAnon', 0) / mib:.1f}); peak VmHWM "
           f"{last.get('VmHWM', 0) / mib:.1f} MiB (own {last.get('RssAnon', 0) / mib:.1f})"]
    out += [f"  {d / mib:+6.2f} MiB -> {rss / mib:5.1f}  {kind:<11} {label}"
            for kind, label, d, rss in big]
    out.append(f"  {small / mib:+6.2f} MiB  the other {len(steps) - 1 - len(big)} steps")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", default="linux-nc", choices=sorted(card.MODES))
    ap.add_argument("--min-kib", type=int, default=150, help="list steps growing this much")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="apcard-tui-memory-"))
    try:
        print(report(trace(args.mode, card.make_database(tmp), tmp), args.min_kib))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
