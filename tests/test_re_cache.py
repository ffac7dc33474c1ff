"""Regular expressions kept compiled between runs (tui/re_cache.py): what a kept pattern
makes is what `re` makes, and a start with the kept file compiles none."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui import re_cache

ROOT = Path(__file__).resolve().parent.parent

SAMPLES = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)", 0),
    (r"[а-яәіңғүұқөһё]+\s*(?:қ\.|г\.)?", re.IGNORECASE.value),
    (r"^\s*# .*$", re.MULTILINE.value | re.VERBOSE.value),
    (rb"\x1b\[(\d+)(;\d+)*m", 0),
    (r"(a)|(?P<b>b)|(?:c)", re.DOTALL.value),
]


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """re_cache on a file of its own, as a fresh process finds it."""
    was_installed = re._compiler.compile is re_cache._compile
    re_cache.finish()
    known = dict(re_cache._known)
    monkeypatch.setattr(re_cache, "FILE", str(tmp_path / "__pycache__" / "re.marshal"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    re_cache._known.clear()
    yield tmp_path
    re_cache.finish()
    re_cache._known.clear()
    re_cache._known.update(known)
    if was_installed:
        re_cache.install()


def _textual_tokenizer_patterns() -> list[tuple[str, int]]:
    from textual.css import tokenize

    return [(e._regex.pattern, 0) for e in vars(tokenize).values()
            if isinstance(e, tokenize.Expect)]


def test_a_kept_pattern_is_the_pattern_re_makes(kept: Path) -> None:
    patterns = SAMPLES + _textual_tokenizer_patterns()
    assert len(patterns) > 10
    assert re_cache.install()
    first = [re._compiler.compile(p, f) for p, f in patterns]
    re_cache.finish()  # written
    assert re._compiler.compile is re_cache._STDLIB_COMPILE
    assert Path(re_cache.FILE).exists()

    re_cache._known.clear()
    parsed = []
    real_parse = re._parser.parse
    try:
        re._parser.parse = lambda *a: parsed.append(a) or real_parse(*a)
        assert re_cache.install()
        again = [re._compiler.compile(p, f) for p, f in patterns]
    finally:
        re._parser.parse = real_parse
        re_cache.finish()
    assert parsed == []  # all from the file
    for (p, f), a, b in zip(patterns, first, again, strict=True):
        own = re._compiler.compile(p, f)
        assert a == own and b == own  # the same compiled program (Pattern's ==)
        assert (b.flags, b.groups, b.groupindex) == (own.flags, own.groups, own.groupindex)
    assert again[0].match("2026-12").groupdict() == {"year": "2026", "month": "12"}
    assert again[3].match(b"\x1b[1;31m").group(1) == b"1"


def test_nothing_is_written_when_python_writes_no_bytecode(kept: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert re_cache.install()
    re._compiler.compile(r"(?P<nothing>written)", 0)
    re_cache.finish()
    assert not Path(re_cache.FILE).exists()


def test_a_damaged_file_is_compiled_again(kept: Path) -> None:
    path = Path(re_cache.FILE)
    path.parent.mkdir()
    path.write_bytes(b"\x00not marshal")
    assert re_cache.install()
    assert re._compiler.compile(r"d(a)maged", 0).match("damaged").group(1) == "a"


START = textwrap.dedent("""
    import sys
    from re import _parser

    import tui.re_cache as r

    r.finish()
    r._known.clear()
    r.FILE = sys.argv[1]
    if sys.argv[2] == "build":  # as `make setup` runs it: tui's import installs first
        r.install()
        from tui.cli import keep_start_patterns

        print("kept", keep_start_patterns())
        raise SystemExit
    parsed = []
    real = _parser.parse
    _parser.parse = lambda *a: parsed.append(a[0]) or real(*a)
    r.install()
    import tui.cli

    args = ["--db", "sqlite:///x.db"]  # as a bare `apcard` starts (tui.cli.main)
    tui.cli.without_postgres_driver(args)
    tui.cli.build_parser(groups=False).parse_args(args)
    from tui.cli.core import card_screen

    card_screen()
    import tui.output
    print("compiled", len(parsed))
""")


def test_the_card_screen_starts_without_compiling_a_pattern(tmp_path: Path) -> None:
    """`make setup` keeps what the start compiles (keep_start_patterns): a start
    compiles none; with no file it compiles some 90 (Textual's CSS tokenizer, tomllib,
    Rich, ...)."""
    path = str(tmp_path / "re.marshal")

    def run(what: str) -> str:
        proc = subprocess.run([sys.executable, "-c", START, path, what], cwd=ROOT,
                              capture_output=True, text=True, timeout=120,
                              env={"PYTHONPATH": str(ROOT), "TERM": "xterm",
                                   "PYTHONDONTWRITEBYTECODE": "1"})
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout.split()[-1]

    assert int(run("start")) > 50  # no file yet, none written (no bytecode written)
    assert int(run("build")) > 50
    assert run("start") == "0"
