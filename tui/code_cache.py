"""Code that the standard library compiles from text while the program starts, kept
compiled between runs, as Python keeps compiled modules.

Importing the card screen makes some 170 dataclasses (each has its `__init__`,
`__repr__`, `__eq__` ... written as Python text and compiled: `dataclasses._create_fn`),
some 70 named tuples (`collections.namedtuple` compiles each `__new__`) and some 250
forward references of type hints (`typing.ForwardRef` compiles each one's text): 75 M
instructions of every start in Python's parser and compiler, 6 % of the card screen's
start. The code object a text compiles to depends only on the text, the compile mode
and Python's version. While the program starts (`install` .. `finish`, with
tui.re_cache), those three modules' `exec`, `eval` and `compile` take it from a file
next to this package's compiled modules (`tui/__pycache__`), and compile texts not in
it as before. The file is written only by `keep`, when `make setup` (and the card-screen
bench) byte-compiles the modules, with the texts a bare `apcard` compiles while it
imports the card screen: never by a running program (no write at an operator's start,
and a test run's own dataclasses never reach it). A kept code object is equal to the
one the module compiles (`==` compares code objects; tests/test_code_cache.py). Only for
the Python this was written for (3.11); any other version compiles as before.
"""

from __future__ import annotations

import _frozen_importlib_external
import builtins
import collections
import dataclasses
import marshal
import os
import sys
import typing
from types import CodeType
from typing import Any

# The modules' own `exec` / `eval` / `compile` calls (module globals shadow builtins).
# Their texts compile with no `from __future__` flags: none of the three has any.
HOOKS = ((dataclasses, "exec"), (collections, "eval"), (typing, "compile"))
FILE = os.path.join(os.path.dirname(__file__), "__pycache__",
                    f"start-code.{sys.implementation.cache_tag}-"
                    f"{int.from_bytes(_frozen_importlib_external.MAGIC_NUMBER[:2], 'little')}"
                    f"-o{sys.flags.optimize}.marshal")
# (mode, text) -> its code object
_known: dict[tuple[str, str], Any] = {}
_used: set[tuple[str, str]] = set()  # the texts asked for since `install`: what `keep` keeps
_installed = False
_real_compile = builtins.compile
_real_exec = builtins.exec
_real_eval = builtins.eval


def _code(text: str, mode: str) -> Any:
    """`text` compiled as the three modules compile it: file name "<string>", no flags."""
    key = (mode, text)
    got = _known.get(key)
    if type(got) is not CodeType:
        got = _known[key] = _real_compile(text, "<string>", mode, 0, True)  # no flags
    _used.add(key)
    return got


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    if globals is None:  # the caller's namespaces, as `exec` takes them (never so called)
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    _real_exec(_code(source, "exec") if type(source) is str else source, globals, locals)


def _eval(source: Any, globals: Any = None, locals: Any = None, /) -> Any:
    if globals is None:
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    return _real_eval(_code(source, "eval") if type(source) is str else source, globals,
                      locals)


def _compile(source: Any, filename: Any, mode: str, flags: int = 0,
             dont_inherit: bool = False, optimize: int = -1) -> Any:
    if (type(source) is str and filename == "<string>" and mode in ("exec", "eval")
            and not flags and optimize == -1):
        return _code(source, mode)
    return _real_compile(source, filename, mode, flags, dont_inherit, optimize)


_OWN = {"exec": _exec, "eval": _eval, "compile": _compile}


def install() -> bool:
    """Compile through the kept code until `finish`; False (nothing changed) on another
    Python than 3.11 or when a module already has a name of its own there."""
    global _installed
    if _installed:
        return True
    if sys.version_info[:2] != (3, 11) or any(name in vars(m) for m, name in HOOKS):
        return False
    if not _known:
        _known.update(_read())
    for module, name in HOOKS:
        setattr(module, name, _OWN[name])
    _installed = True
    return True


def finish() -> None:
    """The modules compile as before; the file's code objects not in use leave memory.
    Nothing is written (`keep`)."""
    global _installed
    if _installed:
        for module, name in HOOKS:
            if vars(module).get(name) is _OWN[name]:
                delattr(module, name)
        _installed = False
    _known.clear()
    _used.clear()


def _read() -> dict[tuple[str, str], Any]:
    try:
        with open(FILE, "rb") as f:
            got = marshal.loads(f.read())  # read whole: `load` reads each object apart
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return got if isinstance(got, dict) else {}


def keep() -> int:
    """Write the texts asked for since `install` (from the file or compiled), those only,
    even with PYTHONDONTWRITEBYTECODE set (`make setup`: tui.cli.keep_start_patterns);
    how many are kept."""
    _write({key: _known[key] for key in _used})
    return len(_used)


def _write(known: dict[tuple[str, str], Any]) -> None:
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
