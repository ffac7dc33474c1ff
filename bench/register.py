"""The synthetic register: N persons with realistic Kazakh and Russian names, birth
dates and valid IINs, built fast and cached.

Rows are generated column by column with random.choices (C speed), match keys are
computed once per distinct spelling (models.matching.person_keys, the function
models.persons uses), and written with executemany into a migrated SQLite file whose
secondary indexes are dropped during the load and rebuilt after. The file is cached
under data/bench/, named by the parameters and a hash of the key code, so reruns
start at once. PostgreSQL gets the same rows by COPY from that file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import names
from models.ids import make_iin
from models.matching.keys import person_keys

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "data" / "bench"
GEN_VERSION = 4  # bump when the generator changes what it makes

COLUMNS = ("surname", "given_name", "patronymic", "birth_date", "sex", "iin", "address",
           "citizenship", "id_document", "created_at", "updated_at", "surname_key",
           "name_key", "patronymic_key", "birth_year", "birth_md")

FIRST_BIRTH = dt.date(1940, 1, 1).toordinal()
LAST_BIRTH = dt.date(2008, 12, 31).toordinal()


def _key_code_hash() -> str:
    """Cached keys are stale when the key code changes: its hash names the file."""
    h = hashlib.sha256()
    mdir = ROOT / "models" / "matching"
    for name in ("normalize.py", "keys.py"):
        h.update((mdir / name).read_bytes())
    h.update((ROOT / "models" / "text.py").read_bytes())
    return h.hexdigest()[:10]


def cache_path(persons: int, seed: int) -> Path:
    return CACHE / f"register_{persons}_s{seed}_g{GEN_VERSION}_{_key_code_hash()}.db"


class Pools:
    """Name pools with their frequencies (cumulative weights for random.choices)."""

    def __init__(self) -> None:
        import itertools

        def pool(items: list[str], power: float = 0.9) -> tuple[list[str], list[float]]:
            return items, list(itertools.accumulate(names.zipf_weights(len(items), power=power)))

        self.kk_surname = pool(names.kk_surnames(), 0.8)
        self.ru_surname = pool(names.RU_SURNAMES, 0.8)
        self.kk_male = pool(names.KK_MALE)
        self.kk_female = pool(names.KK_FEMALE)
        self.ru_male = pool(names.RU_MALE)
        self.ru_female = pool(names.RU_FEMALE)


def _birth_ordinals(rng: random.Random, n: int) -> list[int]:
    # Offenders are mostly 20-50: a triangular distribution peaking in the mid-1980s.
    peak = dt.date(1986, 1, 1).toordinal()
    return [int(rng.triangular(FIRST_BIRTH, LAST_BIRTH, peak)) for _ in range(n)]


def generate(n: int, seed: int) -> Iterator[tuple]:
    """Rows of COLUMNS for n persons. Deterministic for (n, seed)."""
    rng = random.Random(seed)
    pools = Pools()
    kazakh = [rng.random() < 0.7 for _ in range(n)]
    female = [rng.random() < 0.3 for _ in range(n)]  # most offenders are men
    births = _birth_ordinals(rng, n)
    k_sur = rng.choices(*pools.kk_surname, k=n)
    r_sur = rng.choices(*pools.ru_surname, k=n)
    kk_m, kk_f = rng.choices(*pools.kk_male, k=n), rng.choices(*pools.kk_female, k=n)
    ru_m, ru_f = rng.choices(*pools.ru_male, k=n), rng.choices(*pools.ru_female, k=n)
    k_father, r_father = rng.choices(*pools.kk_male, k=n), rng.choices(*pools.ru_male, k=n)
    style = [rng.random() for _ in range(n)]
    has_iin = [rng.random() < 0.85 for _ in range(n)]
    streets = [(rng.choice(names.CITIES), rng.choice(names.STREETS), rng.randint(1, 200))
               for _ in range(n)]
    # Some women carry a double surname (Иванова-Петрова); some people's papers give
    # only the birth year, registered as 01.01 of it.
    double = [rng.random() < 0.04 for _ in range(n)]
    doubles = rng.choices(*pools.kk_surname, k=n // 20 + 1)
    year_only = [rng.random() < 0.01 for _ in range(n)]
    keys_cache: dict[tuple[int, str], str] = {}
    serial: dict[tuple[int, str], int] = {}
    stamp = "2024-01-01 00:00:00"
    for i in range(n):
        fem = female[i]
        if kazakh[i]:
            sur = k_sur[i]
            given = kk_f[i] if fem else kk_m[i]
            father = k_father[i]
            # Registers hold Kazakh names in Kazakh letters, Russified, or with a
            # Russian patronymic: all three occur in the same database.
            pat = names.kk_patronymic(father, fem) if style[i] < 0.45 else \
                names.ru_patronymic(father, fem)
            if 0.45 <= style[i] < 0.7:
                tr = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
                sur, given, pat = sur.translate(tr), given.translate(tr), pat.translate(tr)
        else:
            sur = r_sur[i]
            given = ru_f[i] if fem else ru_m[i]
            pat = names.ru_patronymic(r_father[i], fem)
        if fem:
            sur = names.feminine(sur)
            if double[i]:
                second = names.feminine(doubles[i % len(doubles)])
                if second != sur:
                    sur = f"{sur}-{second}"
        if style[i] > 0.97:
            pat = ""  # some records carry no patronymic
        born = dt.date.fromordinal(births[i])
        if year_only[i]:
            born = born.replace(month=1, day=1)
        sex = "2" if fem else "1"
        iin = None
        if has_iin[i]:
            k = (born.toordinal(), sex)
            s = serial.get(k, 0)
            while iin is None:
                s += 1
                iin = make_iin(born, sex, s)
            serial[k] = s
        keys = _keys(keys_cache, sur, given, pat)
        city, street, house = streets[i]
        yield (sur, given, pat, born.isoformat(), sex, iin, f"{city}, {street}, {house}",
               "1", "1", stamp, stamp, *keys, born.year, born.month * 100 + born.day)


def _keys(cache: dict[tuple[int, str], str], sur: str, given: str, pat: str) -> list[str]:
    """person_keys one part at a time: parts repeat far more than whole names do."""
    out = []
    for i, (text, column) in enumerate(((sur, "surname_key"), (given, "name_key"),
                                        (pat, "patronymic_key"))):
        key = cache.get((i, text))
        if key is None:
            parts = ["", "", ""]
            parts[i] = text
            key = cache[(i, text)] = person_keys(*parts, None)[column]
        out.append(key)
    return out


def _secondary_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='person' "
        "AND sql IS NOT NULL")]


def build_sqlite(n: int, seed: int, progress: Callable[[int], None] | None = None) -> Path:
    """The cached register file for (n, seed), generated if missing."""
    return cached_sqlite(cache_path(n, seed), lambda tmp: _fill_sqlite(tmp, n, seed, progress))


def cached_sqlite(path: Path, fill: Callable[[Path], None]) -> Path:
    """The register file at `path`, made if missing: the schema brought up, then `fill`
    writes the generated rows straight into the file. A generated register, not an
    audited one: rows go in without the log (its triggers are made again afterwards).
    A file made before a later migration is brought up to it in place (and analysed)."""
    if path.exists():
        _upgraded(path)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    from models import migrations
    from models.db import make_database
    from models.logoff import unlogged

    db = make_database(f"sqlite:///{tmp}")
    db.connect()
    migrations.upgrade(db)
    with unlogged(db):
        db.close()
        fill(tmp)
        db.connect()
    db.close()
    from bench.cardbank import publish

    publish(tmp, path)  # and the migration lock's file
    return path


def _upgraded(path: Path) -> None:
    from models import migrations
    from models.db import make_database

    db = make_database(f"sqlite:///{path}")
    db.connect()
    try:
        if migrations.current_version(db) < migrations.LATEST:
            migrations.upgrade(db)
            db.execute_sql("ANALYZE")
    finally:
        db.close()
        Path(f"{path}.upgrade-lock").unlink(missing_ok=True)


def _fill_sqlite(tmp: Path, n: int, seed: int, progress: Callable[[int], None] | None) -> None:
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        indexes = _secondary_indexes(conn)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        sql = f"INSERT INTO person ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        batch: list[tuple] = []
        done = 0
        for row in generate(n, seed):
            batch.append(row)
            if len(batch) == 50_000:
                conn.executemany(sql, batch)
                done += len(batch)
                batch.clear()
                if progress:
                    progress(done)
        conn.executemany(sql, batch)
        done += len(batch)
        if progress:
            progress(done)
        for _, create in indexes:
            conn.execute(create)
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def read_persons(path: Path, ids: list[int]) -> dict[int, dict]:
    """Stored identification data of some persons (for making probes)."""
    out: dict[int, dict] = {}
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            q = ("SELECT id, surname, given_name, patronymic, birth_date, iin, sex FROM person "
                 f"WHERE id IN ({', '.join('?' * len(part))})")
            for r in conn.execute(q, part):
                out[r[0]] = {"surname": r[1], "given_name": r[2], "patronymic": r[3],
                             "birth_date": dt.date.fromisoformat(r[4]), "iin": r[5] or "",
                             "sex": r[6]}
    return out


def load_postgres(sqlite_path: Path, url: str) -> None:
    """The cached register in a migrated PostgreSQL database (bench/pgcopy.py: COPY,
    indexes rebuilt after the load, VACUUM ANALYZE for index-only counts)."""
    from bench.pgcopy import copy_register

    copy_register(sqlite_path, url)
