"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

Starting the card screen compiles some 90 patterns (Textual's CSS tokenizer compiles
14 large ones when imported; tomllib, argparse, rich, peewee and the app's own modules
the rest): 30-40 ms of processor time at every start, spent in the `re` module's
parser and compiler, which are written in Python. What they make, the program handed
to `_sre.compile`, depends only on the pattern, its flags and Python's version. While
the program starts (`install` .. `finish`), `re._compiler.compile` takes it from a file
next to this package's compiled modules (`tui/__pycache__`, as Python writes .pyc
files: not when it cannot write there or PYTHONDONTWRITEBYTECODE is set), and compiles
and keeps only patterns not in it. The pattern made is equal to the one `re` makes
(`==` compares the compiled program). Only for the Python this was written for (3.11);
any other version compiles as before.
"""

from __future__ import annotations

import _sre
import marshal
import os
import sys
from re import _compiler, _parser
from typing import Any

_STDLIB_COMPILE = _compiler.compile
FILE = os.path.join(os.path.dirname(__file__), "__pycache__",
                    f"re-patterns.{sys.implementation.cache_tag}-{_sre.MAGIC}.marshal")
# (pattern, flags) -> _sre.compile's arguments after the pattern
_known: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
_added = 0


def _compile(p: Any, flags: int = 0) -> Any:
    """`re._compiler.compile` (Python 3.11), from the kept arguments when known."""
    if not isinstance(p, str | bytes) or flags & _compiler.SRE_FLAG_DEBUG:
        return _STDLIB_COMPILE(p, flags)
    args = _known.get((p, flags))
    if args is None:
        parsed = _parser.parse(p, flags)
        code = [int(c) for c in _compiler._code(parsed, flags)]  # opcodes: int subclasses
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        args = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex,
                tuple(indexgroup))
        global _added
        _known[(p, flags)] = args
        _added += 1
    return _sre.compile(p, *args)


def install() -> bool:
    """Compile through the kept patterns until `finish`; False (nothing changed) on
    another Python than 3.11 or when `re` is not as it was written for."""
    if _compiler.compile is _compile:
        return True
    if sys.version_info[:2] != (3, 11) or _compiler.compile is not _STDLIB_COMPILE:
        return False
    if not _known:
        _known.update(_read())
    _compiler.compile = _compile
    return True


def finish() -> None:
    """`re` compiles as before; the patterns compiled since `install` are kept, and
    the file's contents leave memory (some 25,000 numbers)."""
    global _added
    if _compiler.compile is _compile:
        _compiler.compile = _STDLIB_COMPILE
    if _added and not sys.dont_write_bytecode:
        _write(dict(_known))
    _added = 0
    _known.clear()


def _read() -> dict[tuple[str | bytes, int], tuple[Any, ...]]:
    try:
        with open(FILE, "rb") as f:
            got = marshal.loads(f.read())  # read whole: `load` reads each object apart
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return got if isinstance(got, dict) else {}


def keep() -> int:
    """Write what was compiled since `install` even with PYTHONDONTWRITEBYTECODE set
    (`make setup`, as it byte-compiles the modules: tui.cli.keep_start_patterns);
    how many patterns are kept."""
    _write(dict(_known))
    return len(_known)


def _write(known: dict[tuple[str | bytes, int], tuple[Any, ...]]) -> None:
    """Written whole and renamed into place: a reader never sees half a file."""
    tmp = f"{FILE}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(FILE), exist_ok=True)
        with open(tmp, "wb") as f:
            marshal.dump(known, f)
        os.replace(tmp, FILE)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass

