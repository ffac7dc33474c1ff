"""Code the standard library compiles from text while starting, kept compiled between
runs (tui/code_cache.py): a kept code object is the one the module compiles, and a
start with the kept file compiles none."""

from __future__ import annotations

import collections
import dataclasses
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

from tui import code_cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """code_cache on a file of its own, as a fresh process finds it."""
    was_installed = code_cache._installed
    code_cache.finish()
    monkeypatch.setattr(code_cache, "FILE", str(tmp_path / "__pycache__" / "code.marshal"))
    yield tmp_path
    code_cache.finish()
    if was_installed:
        code_cache.install()


def _made() -> dict[str, object]:
    """Code the three modules compile from text: a dataclass's methods (defaults, a
    factory, ordering, frozen, slots, keyword-only, a forward reference), a named
    tuple's `__new__` with defaults, forward references."""

    @dataclasses.dataclass(order=True, frozen=True, slots=True)
    class Frozen:
        a: int
        b: str = "x"
        c: list[int] = dataclasses.field(default_factory=list)
        d: Frozen | None = None

    @dataclasses.dataclass(kw_only=True)
    class Keyword:
        name: str
        more: dict[str, int] = dataclasses.field(default_factory=dict)

    Point = collections.namedtuple("Point", "x y z", defaults=(0,))
    refs = [typing.ForwardRef("list[Frozen]"), typing.ForwardRef("int | None")]
    return {
        **{f"Frozen.{n}": getattr(Frozen, n).__code__
           for n in ("__init__", "__repr__", "__eq__", "__lt__", "__hash__")},
        **{f"Keyword.{n}": getattr(Keyword, n).__code__ for n in ("__init__", "__repr__")},
        "Point.__new__": Point.__new__.__code__,
        **{f"ref {r.__forward_arg__}": r.__forward_code__ for r in refs},
    }


def test_a_kept_code_object_is_the_one_the_module_compiles(kept: Path) -> None:
    own = _made()  # as the standard library compiles them
    assert code_cache.install()
    assert vars(dataclasses)["exec"] is code_cache._exec
    first = _made()
    assert code_cache.keep() > len(own)  # and the other methods of the two classes
    code_cache.finish()
    assert "exec" not in vars(dataclasses) and "eval" not in vars(collections)
    assert "compile" not in vars(typing)
    assert Path(code_cache.FILE).exists()

    compiled = []
    real = code_cache._real_compile
    try:
        code_cache._real_compile = lambda *a: compiled.append(a[0]) or real(*a)
        assert code_cache.install()
        again = _made()
    finally:
        code_cache._real_compile = real
        code_cache.finish()
    assert compiled == []  # all from the file
    assert list(first) == list(own) == list(again)
    for name in own:
        assert first[name] == own[name] and again[name] == own[name], name
    assert own["Frozen.__init__"] is not again["Frozen.__init__"]


def test_code_from_the_file_runs_as_compiled(kept: Path) -> None:
    code_cache.install()
    _made()
    code_cache.keep()
    code_cache.finish()
    code_cache.install()
    try:
        @dataclasses.dataclass(order=True)
        class Card:
            number: int
            lines: list[str] = dataclasses.field(default_factory=list)

        Pair = collections.namedtuple("Pair", "left right", defaults=("-",))
    finally:
        code_cache.finish()
    a, b = Card(2), Card(1, ["x"])
    assert sorted([a, b]) == [b, a] and a.lines == [] and a.lines is not Card(3).lines
    assert repr(b) == "test_code_from_the_file_runs_as_compiled.<locals>.Card(number=1, " \
                      "lines=['x'])"
    assert Pair(1) == (1, "-")
    assert typing.get_type_hints(Card)["lines"] == list[str]


def test_a_text_that_does_not_compile_fails_as_before(kept: Path) -> None:
    code_cache.install()
    try:
        with pytest.raises(SyntaxError, match="Forward reference must be an expression"):
            typing.ForwardRef("not an expression")
    finally:
        code_cache.finish()


def test_a_start_writes_nothing_and_keep_only_what_it_used(kept: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert code_cache.install()
    _made()
    code_cache.finish()  # a program's start: nothing written, whatever it compiled
    assert not Path(code_cache.FILE).exists()

    code_cache.install()
    _made()
    code_cache.keep()
    code_cache.finish()
    code_cache.install()  # a later process asks for one text only: it alone is kept
    point = collections.namedtuple("Point", "x y z", defaults=(0,))
    assert code_cache.keep() == 1
    code_cache.finish()
    code_cache.install()
    [(mode, text)] = code_cache._known
    assert mode == "eval" and text.startswith("lambda _cls, x, y, z:")
    assert code_cache._known[mode, text].co_consts[0] == point.__new__.__code__


def test_a_damaged_file_is_compiled_again(kept: Path) -> None:
    path = Path(code_cache.FILE)
    path.parent.mkdir()
    path.write_bytes(b"\x00not marshal")
    assert code_cache.install()
    try:
        new = _made()["Point.__new__"]
        assert isinstance(new, type(test_a_damaged_file_is_compiled_again.__code__))
        assert new.co_argcount == 4
    finally:
        code_cache.finish()


START = textwrap.dedent("""
    import sys

    import tui.code_cache as c

    c.finish()
    c._known.clear()
    c.FILE = sys.argv[1]
    if sys.argv[2] == "build":  # as `make setup` runs it: tui's import installs first
        c.install()
        from tui.cli import keep_start_patterns

        keep_start_patterns()
        print("kept", len(c._known))
        raise SystemExit
    compiled = []
    real = c._real_compile
    c._real_compile = lambda *a: compiled.append(a[0]) or real(*a)
    c.install()
    import tui.cli

    args = ["--db", "sqlite:///x.db"]  # as a bare `apcard` starts (tui.cli.main)
    tui.cli.without_postgres_driver(args)
    tui.cli.build_parser(groups=False).parse_args(args)
    from tui.cli.core import card_screen

    card_screen()
    import tui.output
    print("compiled", len(compiled))
""")


def test_the_card_screen_starts_without_compiling_a_text(tmp_path: Path) -> None:
    """`make setup` keeps what the start compiles (keep_start_patterns): a start
    compiles none; with no file it compiles some 400 (dataclasses' methods, named
    tuples, forward references)."""
    path = str(tmp_path / "code.marshal")

    def run(what: str) -> str:
        proc = subprocess.run([sys.executable, "-c", START, path, what], cwd=ROOT,
                              capture_output=True, text=True, timeout=120,
                              env={"PYTHONPATH": str(ROOT), "TERM": "xterm",
                                   "PYTHONDONTWRITEBYTECODE": "1"})
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout.split()[-1]

    assert int(run("start")) > 200  # no file yet, none written (no bytecode written)
    assert int(run("build")) > 200
    assert run("start") == "0"


def test_the_kept_files_are_read_whole(kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`marshal.load` on the open file calls its `readinto` for every object in it (some
    100 M instructions of a start for the two files): both are read once, then decoded."""
    import marshal

    from tui import re_cache

    code_cache.install()
    _made()
    code_cache.keep()
    code_cache.finish()
    monkeypatch.setattr(re_cache, "FILE", str(kept / "__pycache__" / "re.marshal"))
    Path(re_cache.FILE).write_bytes(marshal.dumps({("a+", 0): (0, [1], 0, {}, ())}))

    def per_object(_file: object) -> object:
        raise AssertionError("read object by object")

    monkeypatch.setattr(marshal, "load", per_object)
    assert len(code_cache._read()) > 10
    assert re_cache._read() == {("a+", 0): (0, [1], 0, {}, ())}
