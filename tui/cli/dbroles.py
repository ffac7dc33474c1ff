"""`apcard db roles`: PostgreSQL's roles and grants for many operators (models/pgroles.py),
run by the database superuser; prints the pg_hba.conf lines to add."""

from __future__ import annotations

import argparse

from models.config import Config
from tui.cli.base import CliError


def cmd_db_roles(ns: argparse.Namespace, cfg: Config) -> int:
    from models import migrations, pgroles
    from models.db import is_postgres, open_database

    # A database failure is one line from tui.cli.main's catch-all.
    db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
    if not is_postgres(db):
        raise CliError("SQLite has no database roles: whoever can write the database "
                       "file is trusted (see README: trust on SQLite)")
    if not pgroles.is_superuser(db):
        raise CliError("`apcard db roles` hands the schema to apcard_owner and grants "
                       "rights: run it as the database superuser "
                       "(sudo -u postgres apcard db roles)")
    if migrations.current_version(db) != migrations.LATEST:
        raise CliError("the schema is not current: run `apcard init` or "
                       "`apcard db upgrade` first")
    with db.atomic():
        mapped = pgroles.apply(db)
    hba = pgroles.hba_lines(db)
    print("roles: apcard_owner (no login, owns the schema), apcard_operator, "
          "apcard_administrator, apcard_auditor")
    print("login roles (OS account = role): " + (", ".join(mapped) if mapped else "none yet "
          "(apcard user add LOGIN --role ROLE --os-account NAME)"))
    print("add to pg_hba.conf, before any other `local` line, then reload PostgreSQL:")
    print(hba, end="")
    return 0
