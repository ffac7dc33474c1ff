"""Instructions per key, from the key read to the writer's last byte (callgrind).

    .venv/bin/python bench/tui_keys_cg.py                 # TERM=linux, the first 140 keys
    .venv/bin/python bench/tui_keys_cg.py --mode linux-nc --keys 60 --out /tmp/cg

apcard runs under `valgrind --tool=callgrind --separate-threads=yes` on the bench's
pseudo-terminal (bench.ptyterm) and is typed through the bench's card (bench.tui_card)
one key at a time, each key after the answer to the one before has gone quiet. A small
C library (compiled here with gcc) gives Python callgrind's client requests, and a
`sitecustomize` on the program's path counts each key in its two threads:

- Textual's input thread: counters zeroed when `os.read` returns the key's bytes, dumped
  when the thread next waits for input (the parsing of the key);
- the main thread (the event loop): zeroed when it wakes from waiting after the key was
  read, dumped after each piece of output the program's `Output.send` takes (the app's
  messages, the screen's handler, Textual's painting, the writer's difference).

A key's figure is the sum of its dumps. Work after its last output (a draft written
0.3 s later, a timer) is not counted: the next key's zeroing drops it. Medians per kind
of key (the bench's kinds: char, move, filter ...), millions of instructions; the
per-key list is written to `<out>/keys.json`. Instruction counts do not depend on the
machine's load: compare two versions of the code by running this in each.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import tui_card as card  # noqa: E402
from bench.ptyterm import PtyTerm, keys_for  # noqa: E402
from bench.tui_session import MODAL  # noqa: E402

C_SOURCE = """
#include <valgrind/callgrind.h>
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""

SITE = """
import ctypes, os, selectors, threading
_lib = ctypes.CDLL(os.environ["CALLGRIND_KEYS_LIB"])
_read = os.read
_main = threading.get_ident()
_n = [0]  # keys read
_wake = [False]  # the main thread zeroes its counters when it next wakes
_parsed = [False]  # the input thread dumps when it next waits


def _dump(tag):
    _lib.cg_dump(f"k{_n[0]}:{tag}".encode())


def _install():
    from tui.tty import Output
    send = Output.send

    def counted(self, text):
        out = send(self, text)
        _dump("out")
        return out
    Output.send = counted


def read(fd, n):
    data = _read(fd, n)
    if fd == 0 and data:
        if not _n[0]:
            _install()
        _n[0] += 1
        _lib.cg_zero()
        _wake[0] = _parsed[0] = True
    return data


_epoll = selectors.EpollSelector.select


def epoll(self, timeout=None):
    got = _epoll(self, timeout)
    if _wake[0] and threading.get_ident() == _main:
        _wake[0] = False
        _lib.cg_zero()
    return got


_select = selectors.SelectSelector.select


def select(self, timeout=None):
    if _parsed[0]:
        _parsed[0] = False
        _dump("input")
    return _select(self, timeout)


os.read = read
selectors.EpollSelector.select = epoll
selectors.SelectSelector.select = select
"""


def _prepare(work: Path) -> dict[str, str]:
    lib = work / "cg.so"
    src = work / "cg.c"
    src.write_text(C_SOURCE)
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    (work / "sitecustomize.py").write_text(SITE)
    return {"CALLGRIND_KEYS_LIB": str(lib), "PYTHONHASHSEED": "0"}


def _per_key(out: Path) -> dict[int, int]:
    per: dict[int, int] = {}
    for path in out.glob("cg.*"):
        text = path.read_text(errors="replace")
        tag = re.search(r"^desc: Trigger: Client Request: k(\d+):", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if tag and total:
            per[int(tag[1])] = per.get(int(tag[1]), 0) + int(total[1])
    return per


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", default="linux", choices=sorted(card.MODES))
    ap.add_argument("--keys", type=int, default=140, help="keys of the card typed")
    ap.add_argument("--out", type=Path, default=None, help="callgrind files and keys.json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="apcard-keys-cg-"))
    out = args.out or work / "out"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("cg.*"):
        old.unlink()
    env = {**card.app_env(args.mode), **_prepare(work)}
    env["PYTHONPATH"] = f"{work}:{env['PYTHONPATH']}"
    db = card.make_database(work)
    argv = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
            f"--callgrind-out-file={out}/cg.%p", sys.executable, "-c",
            "import sys; from tui.cli import main; sys.exit(main())",
            "--db", f"sqlite:///{db}", "--lang", card.LANG]
    term = PtyTerm(argv, env, cwd=str(ROOT))
    try:
        if term.wait_screen(lambda s: s.find(card.texts()["ready"]) is not None, 600) is None:
            raise card.BenchError("no ready form under valgrind within 600 s")
        plan = [("startup_key", "subject '0'", b"0")]
        plan += card.typing_plan(keys_for(card.MODES[args.mode]["TERM"]))
        plan = plan[:args.keys]
        for kind, _, data in plan:
            _, idx = term.write(data)
            term.wait_quiet(idx, 3.0 if kind in MODAL else 1.2, 60.0, max_wait=120.0)
        time.sleep(2.0)
    finally:
        term.stop(timeout=30.0)
    per = _per_key(out)
    rows = [{"kind": kind, "label": label, "instructions": per.get(i, 0)}
            for i, (kind, label, _) in enumerate(plan, 1)]
    (out / "keys.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    kinds: dict[str, list[int]] = {}
    for row in rows[1:]:  # the first key: start-up's, not measured
        kinds.setdefault(row["kind"], []).append(row["instructions"])
    print(f"{args.mode}, {len(rows) - 1} keys, millions of instructions per key ({out})")
    for kind, counts in kinds.items():
        print(f"  {kind:12s} {len(counts):4d} keys  median {statistics.median(counts) / 1e6:8.3f}"
              f"  least {min(counts) / 1e6:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
