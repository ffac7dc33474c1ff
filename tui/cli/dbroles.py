"""`apcard db roles`: PostgreSQL's roles and grants for many operators (models/pgroles.py),
run by the database superuser; prints the pg_hba.conf lines to add."""

from __future__ import annotations

import argparse

from models.config import Config
from models.i18n import T
from tui.cli.base import CliError, say


def cmd_db_roles(ns: argparse.Namespace, cfg: Config) -> int:
    from models import migrations, pgroles
    from models.db import is_postgres, open_database

    # A database failure is one line from tui.cli.main's catch-all.
    db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
    if not is_postgres(db):
        raise CliError(T("SQLite-та дерекқор рөлдері жоқ: файлға жаза алатын кез келген адамға "
                         "сенім артылады (README: Trust)",
                         "в SQLite нет ролей базы: доверяют всякому, кто может писать в "
                         "файл базы (README: Trust)"))
    if not pgroles.is_superuser(db):
        raise CliError(T("`apcard db roles` дерекқордың суперпайдаланушысымен іске "
                         "қосылады (sudo -u postgres apcard db roles)",
                         "`apcard db roles` запускает суперпользователь базы "
                         "(sudo -u postgres apcard db roles)"))
    if migrations.current_version(db) != migrations.LATEST:
        raise CliError(T("схема ескі: алдымен `apcard init` немесе `apcard db upgrade`",
                         "схема устарела: сначала `apcard init` или `apcard db upgrade`"))
    with db.atomic():
        mapped = pgroles.apply(db)
    hba = pgroles.hba_lines(db)
    print(say(T("рөлдер: apcard_owner (кірмейді, схема иесі), apcard_operator, "
                "apcard_administrator, apcard_auditor",
                "роли: apcard_owner (без входа, владелец схемы), apcard_operator, "
                "apcard_administrator, apcard_auditor")))
    names = ", ".join(mapped) or "—"
    print(say(T(f"кіру рөлдері (ОЖ есептік жазбасы = рөл): {names}",
                f"роли входа (учётная запись ОС = роль): {names}")))
    print(say(T("pg_hba.conf-қа басқа `local` жолдарының алдына қосып, PostgreSQL-ды қайта "
                "жүктеңіз:", "добавьте в pg_hba.conf перед другими строками `local` и "
                "перезагрузите PostgreSQL:")))
    print(hba, end="")
    return 0
