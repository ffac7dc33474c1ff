"""`apcard` command line. Each command group lives in its own module here and
registers itself through `register(subparsers)`; `main` wires config, database
and one-line error reporting around them (the parser itself: tui/cli/parser.py).

Errors never reach the user as a traceback: a `CliError` (or a config / database
error, a refused permission) is printed as one line on stderr with a non-zero exit
code, in the session's language (tui/cli/base.py `say`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from models.config import Config, ConfigError, load_config, peek_language
from models.i18n import LANGUAGES, T
from tui import code_cache, re_cache
from tui.cli.base import (
    EXIT_USAGE,
    CliError,
    hidden,
    open_db,
    os_error,
    say,
    session_language,
    set_session_language,
)

__all__ = ["EXIT_USAGE", "CliError", "build_parser", "hidden", "main", "open_db", "os_error",
           "say"]

# Command-group modules, in help order. Each has `register(sub)`.
GROUPS = ("tui.cli.core", "tui.cli.codebooks_cmd", "tui.cli.users", "tui.cli.persons",
          "tui.cli.audit", "tui.cli.cards", "tui.cli.printing",
          "tui.cli.journal_cmd", "tui.cli.notice_cmd", "tui.cli.requests_cmd",
          "tui.cli.purge_cmd", "tui.cli.exchange", "tui.cli.reconcile",
          "tui.cli.stats")

Handler = Callable[[argparse.Namespace, Config], int | None]


# The first word of each group's commands: a bare `apcard` (the card screen) imports
# none of the groups, which keeps start-up short.
COMMAND_WORDS = frozenset({"init", "db", "demo", "codebooks", "user", "persons", "audit",
                           "card", "print", "journal", "notice", "requests", "purge",
                           "export", "import", "queue", "reconcile", "stats"})


def build_parser(groups: bool = True) -> argparse.ArgumentParser:
    from tui.cli.parser import TopParser

    parser = TopParser(_version)
    sub = parser.add_subparsers(dest="command", metavar=say(T("КОМАНДА", "КОМАНДА")))
    for name in GROUPS if groups else ():
        importlib.import_module(name).register(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("apcard")
    except PackageNotFoundError:  # run from a source tree without `pip install`
        return "0+unknown"


# peewee imports PostgreSQL's driver whenever it is installed: about 5 MiB and 20 ms of
# every start that a SQLite register never uses. For a SQLite register it is kept out of
# sight while peewee is first imported (PostgreSQL registers import it as before), and
# so is OpenSSL's hashlib (peewee only needs md5, which Python has without it).
POSTGRES_DRIVERS = ("psycopg2", "psycopg", "psycopg2cffi")


def without_postgres_driver(args: list[str]) -> None:
    """Import peewee now, without PostgreSQL's driver when the configured register
    (`--config`, `--db` in `args`, or their defaults) is SQLite."""
    if "peewee" in sys.modules:
        return
    try:
        url = load_config(_value(args, "--config"), _value(args, "--db")).db_url
    except (ConfigError, OSError, ValueError):
        return  # reported when the command reads its config
    if url.startswith("sqlite:"):
        had_hashlib = "hashlib" in sys.modules
        with hidden(*POSTGRES_DRIVERS, "_hashlib"):
            import peewee  # noqa: F401  (imported now, without the drivers)
        if not had_hashlib:
            # peewee's hashlib (md5 of long index names) is Python's own, without OpenSSL
            # (~3.5 MiB); whoever imports hashlib next gets it whole (passwords' scrypt).
            sys.modules.pop("hashlib", None)


def keep_start_patterns() -> int:
    """The regular expressions a bare `apcard` compiles while importing the card screen,
    kept compiled (tui.re_cache), and the code the standard library compiles from text
    meanwhile (tui.code_cache), even with PYTHONDONTWRITEBYTECODE set: `make setup`
    runs it as it byte-compiles the modules. How many patterns are kept."""
    from tui.cli.core import card_screen

    re_cache.install()
    code_cache.install()
    args = ["--db", "sqlite:///x.db"]  # as a bare `apcard` on a SQLite register starts
    without_postgres_driver(args)
    build_parser(groups=False).parse_args(args)
    card_screen()
    import tui.output  # noqa: F401  (the card screen's driver, imported as it runs)

    code_cache.keep()
    return re_cache.keep()


def _value(args: list[str], option: str) -> str | None:
    """The value of a global option (`--db URL` or `--db=URL`), None when absent."""
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (or, bare, the card screen); its exit code.

    Starting makes some 85,000 objects and almost no cyclic garbage, and the cyclic
    collector would walk them again and again meanwhile (20 ms of the card screen's
    start). It rests while the program starts: on again before a command runs, and
    for the card screen once its first frame is drawn (tui.app); as it was when main
    returns."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        re_cache.finish()
        code_cache.finish()
        if collecting:
            gc.enable()
        else:
            gc.disable()


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    set_session_language(_language_of(args))
    cfg: Config | None = None
    try:
        without_postgres_driver(args)
        wanted = any(a in COMMAND_WORDS or a in ("-h", "--help") or not a.startswith("-")
                     and a not in _option_values(args) for a in args)
        parser = build_parser(groups=wanted)
        ns = parser.parse_args(args)
        cfg = load_config(ns.config, ns.db)
        if ns.lang:
            cfg.language = ns.lang
        set_session_language(cfg.language)
        handler: Handler | None = getattr(ns, "handler", None)
        if handler is None:  # bare `apcard`: open the card screen
            from tui.cli.core import run_tui

            handler = run_tui
        else:
            gc.enable()
        return int(handler(ns, cfg) or 0)
    except SystemExit as exc:  # --help or --version printed
        return exc.code if isinstance(exc.code, int) else 0
    except CliError as exc:
        _fail(exc.message(session_language()))
        return exc.code
    except ConfigError as exc:
        _fail(say(T("баптау қатесі: ", "ошибка конфигурации: ")) + exc.message(
            session_language()))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _fail(say(T("тоқтатылды", "прервано")))
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a database problem, or last resort: one line
        return _last_resort(exc, cfg)


def _last_resort(exc: Exception, cfg: Config | None) -> int:
    from models.calendar import CalendarError
    from models.db import DatabaseError, one_line
    from models.permissions import PermissionDenied
    from tui.cli.core import database_error, db_error_line

    if isinstance(exc, DatabaseError):
        _fail(say(database_error(exc)))
        return 1
    if os.environ.get("APCARD_DEBUG"):
        raise exc
    if isinstance(exc, PermissionDenied):  # a model function refused the acting user
        _fail(exc.message(session_language()))
        return 1
    if isinstance(exc, CalendarError):  # a deadline past what config's calendar allows
        _fail(say(exc.message))
        return 1
    line = db_error_line(exc, cfg.db_url if cfg else None)
    if line:
        _fail(say(line))
        return 1
    _fail(say(T("күтпеген қате", "непредвиденная ошибка")) + f": {type(exc).__name__}: "
          f"{one_line(exc)} (APCARD_DEBUG=1)")
    return 1


def _language_of(args: list[str]) -> str:
    """The session's language before the config is read: --lang wherever it is, else
    the config file's ui.language, else Russian."""
    config = None
    for i, a in enumerate(args):
        name, eq, value = a.partition("=")
        if not eq:
            value = args[i + 1] if i + 1 < len(args) else ""
        if name == "--lang" and value in LANGUAGES:
            return value
        if name == "--config":
            config = value
    return peek_language(config or None) or "ru"


def _option_values(args: list[str]) -> set[str]:
    """Words that are values of the global options (`--db URL`), not commands."""
    return {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--config", "--db", "--lang")}


MAX_MESSAGE = 300  # characters of one error line: a huge argument is not echoed whole


def _fail(message: str) -> None:
    """One line on stderr: what came from outside never brings controls to the terminal."""
    from models.text import strip_control

    line = " ".join(strip_control(message).split())
    if len(line) > MAX_MESSAGE:
        line = line[:MAX_MESSAGE - 1] + "…"
    print(f"apcard: {line}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
