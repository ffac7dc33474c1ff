"""Two schema upgrades at once: the second waits for the first (and says so), then finds
the schema current; nothing is applied twice."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

from models import migrations
from models.db import open_database

ROOT = Path(__file__).resolve().parent.parent


def upgrade_process(url: str) -> subprocess.Popen[str]:
    code = f"import sys; from tui.cli import main; sys.exit(main(['--db', {url!r}, 'db', 'upgrade']))"
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_concurrent_upgrades_apply_each_migration_once(empty_db_url: str) -> None:
    procs = [upgrade_process(empty_db_url) for _ in range(3)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [r[0] for r in results] == [0, 0, 0], results
    outs = sorted(r[1].splitlines()[0] for r in results)
    assert outs == [f"схема обновлена: 0 → {migrations.LATEST}"] + [
        f"схема уже версии {migrations.LATEST}"] * 2
    db = open_database(empty_db_url)
    versions = [r[0] for r in db.execute_sql("SELECT version FROM schema_version ORDER BY 1")]
    assert versions == list(range(1, migrations.LATEST + 1))


def test_an_upgrade_waits_for_the_one_running(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    with migrations.upgrade_lock(db):
        proc = upgrade_process(empty_db_url)
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 30)
        assert ready, "the second upgrade never said it waits"
        assert "идёт другой `apcard db upgrade`" in proc.stderr.readline()
        time.sleep(0.3)
        assert proc.poll() is None  # still waiting while the lock is held
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and f"→ {migrations.LATEST}" in out, err
