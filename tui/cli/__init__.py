"""`apcard` command line. Each command group lives in its own module here and
registers itself through `register(subparsers)`; `main` wires config, database
and one-line error reporting around them.

Errors never reach the user as a traceback: a `CliError` (or a config / database
error) is printed as one line on stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from models.config import Config, ConfigError, load_config
from tui.cli.base import EXIT_USAGE, CliError, hidden, open_db

__all__ = ["EXIT_USAGE", "CliError", "build_parser", "hidden", "main", "open_db"]

# Command-group modules, in help order. Each has `register(sub)`.
GROUPS = ("tui.cli.core", "tui.cli.codebooks_cmd", "tui.cli.users", "tui.cli.persons",
          "tui.cli.audit", "tui.cli.cards", "tui.cli.printing",
          "tui.cli.journal_cmd", "tui.cli.notice_cmd", "tui.cli.requests_cmd",
          "tui.cli.purge_cmd", "tui.cli.exchange", "tui.cli.reconcile",
          "tui.cli.stats")

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        where = self.prog.removeprefix("apcard").strip()  # "db", "user add", ...
        raise CliError(f"{where}: {message}" if where else message, EXIT_USAGE)


Handler = Callable[[argparse.Namespace, Config], int | None]


# The first word of each group's commands: a bare `apcard` (the card screen) imports
# none of the groups, which keeps start-up short.
COMMAND_WORDS = frozenset({"init", "db", "demo", "codebooks", "user", "persons", "audit",
                           "card", "print", "journal", "notice", "requests", "purge",
                           "export", "import", "queue", "reconcile", "stats"})


def build_parser(groups: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(prog="apcard", description="1-AP card register (administrative offences)")
    parser.add_argument("--config", help="config file (default: APCARD_CONFIG or config.toml)")
    parser.add_argument("--db", help="database URL, overrides config (also APCARD_DB)")
    parser.add_argument("--lang", choices=("kk", "ru"), help="UI language for this run")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in GROUPS if groups else ():
        importlib.import_module(name).register(sub)
    return parser


# peewee imports PostgreSQL's driver whenever it is installed: about 5 MiB and 20 ms of
# every start that a SQLite register never uses. For a SQLite register it is kept out of
# sight while peewee is first imported (PostgreSQL registers import it as before).
POSTGRES_DRIVERS = ("psycopg2", "psycopg", "psycopg2cffi")


def _without_postgres_driver(args: list[str]) -> None:
    if "peewee" in sys.modules:
        return
    try:
        url = load_config(_value(args, "--config"), _value(args, "--db")).db_url
    except (ConfigError, OSError, ValueError):
        return  # reported when the command reads its config
    if url.startswith("sqlite:"):
        with hidden(*POSTGRES_DRIVERS):
            import peewee  # noqa: F401  (imported now, without the drivers)


def _value(args: list[str], option: str) -> str | None:
    """The value of a global option (`--db URL` or `--db=URL`), None when absent."""
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cfg: Config | None = None
    try:
        _without_postgres_driver(args)
        wanted = any(a in COMMAND_WORDS or a in ("-h", "--help") or not a.startswith("-")
                     and a not in _option_values(args) for a in args)
        parser = build_parser(groups=wanted)
        ns = parser.parse_args(args)
        cfg = load_config(ns.config, ns.db)
        if ns.lang:
            cfg.language = ns.lang
        handler: Handler | None = getattr(ns, "handler", None)
        if handler is None:  # bare `apcard`: open the card screen
            from tui.cli.core import run_tui

            handler = run_tui
        return int(handler(ns, cfg) or 0)
    except CliError as exc:
        _fail(str(exc))
        return exc.code
    except ConfigError as exc:
        _fail(f"config error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a database problem, or last resort: one line
        from models.db import DatabaseError, one_line

        if isinstance(exc, DatabaseError):
            _fail(str(exc))
            return 1
        if os.environ.get("APCARD_DEBUG"):
            raise
        from tui.cli.core import db_error_line

        line = db_error_line(exc, cfg.db_url if cfg else None)
        if line:
            _fail(line)
            return 1

        _fail(f"unexpected error: {type(exc).__name__}: {one_line(exc)} "
              "(set APCARD_DEBUG=1 for details)")
        return 1


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
