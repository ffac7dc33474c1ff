"""Probes for the bench: registered persons keyed with each kind of variation, and
people who are not in the register: strangers, namesakes with other birth dates, and
siblings (same surname and patronymic, another given name; a quarter of them twins)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from bench import names
from bench.register import _birth_ordinals, generate, read_persons
from bench.variants import VARIATIONS
from models.ids import make_iin

UNREGISTERED = ("stranger", "namesake", "sibling")


def _json_probe(p: dict) -> dict:
    d = p.get("birth_date")
    return {"surname": p["surname"], "given_name": p["given_name"],
            "patronymic": p.get("patronymic", ""),
            "birth_date": d.isoformat() if isinstance(d, dt.date) else (d or ""),
            "iin": p.get("iin") or "", "sex": p.get("sex", "")}


def _fresh_iin(rng: random.Random, born: dt.date, sex: str) -> str:
    # Serials above 9000 are never used by the register's generator: no collisions.
    while True:
        iin = make_iin(born, sex, rng.randrange(9000, 10000))
        if iin:
            return iin


def draw_kinds(variations: dict[str, Callable], pool: list[int], stored: dict[int, dict],
               per_kind: int, rng: random.Random,
               keep: Callable[[str, dict, dict], bool] = lambda kind, item, probe: True
               ) -> list[dict]:
    """Up to `per_kind` probes of each kind: [{kind, expected, probe}]. `pool` is
    shuffled for each kind; an item the variation does not apply to (None), or that
    `keep(kind, item, probe)` refuses, is passed over."""
    out: list[dict] = []
    for kind, fn in variations.items():
        made = 0
        rng.shuffle(pool)
        for i in pool:
            if made == per_kind:
                break
            probe = fn(stored[i], rng)
            if probe is None or not keep(kind, stored[i], probe):
                continue
            out.append({"kind": kind, "expected": i, "probe": probe})
            made += 1
    return out


def make_probes(register: Path, persons: int, per_kind: int, unregistered: int,
                seed: int) -> list[dict]:
    """[{kind, expected (person id or None), probe}], deterministic for its arguments."""
    rng = random.Random(seed * 7919 + persons)
    ids = rng.sample(range(1, persons + 1), min(persons, per_kind * 3 + unregistered))
    stored = read_persons(register, ids)
    pool = list(ids)
    out = [{**p, "probe": _json_probe(p["probe"])}
           for p in draw_kinds(VARIATIONS, pool, stored, per_kind, rng)]
    # Strangers: people drawn like the register's, from another seed, half with an IIN.
    n_strangers = unregistered * 2 // 5
    for i, row in enumerate(generate(n_strangers, seed + 104_729)):
        born = dt.date.fromisoformat(row[3])
        iin = _fresh_iin(rng, born, row[4]) if i % 2 == 0 else ""
        out.append({"kind": "stranger", "expected": None, "probe": _json_probe(
            {"surname": row[0], "given_name": row[1], "patronymic": row[2],
             "birth_date": born, "iin": iin, "sex": row[4]})})
    # Namesakes: a registered person's names, another birth date, half with an own IIN.
    n_namesakes = unregistered * 2 // 5
    births = _birth_ordinals(rng, n_namesakes)
    for i, pid in enumerate(pool[:n_namesakes]):
        p = stored[pid]
        born = dt.date.fromordinal(births[i])
        if born == p["birth_date"]:
            born += dt.timedelta(days=400)
        iin = _fresh_iin(rng, born, p["sex"]) if i % 2 == 0 else ""
        out.append({"kind": "namesake", "expected": None, "probe": _json_probe(
            {**p, "patronymic": p["patronymic"] if i % 3 else "", "birth_date": born,
             "iin": iin})})
    for pid in pool[n_namesakes:unregistered - n_strangers]:
        p = stored[pid]
        sibling = _sibling(p, rng)
        if sibling is not None:
            out.append({"kind": "sibling", "expected": None, "probe": _json_probe(sibling)})
    return out


def _sibling(p: dict, rng: random.Random) -> dict | None:
    """A brother or sister: same surname and patronymic, another given name of the
    same sex, born the same day (twins) or some years apart."""
    pools = ((names.KK_MALE, names.KK_FEMALE), (names.RU_MALE, names.RU_FEMALE))
    female = p["sex"] == "2"
    same = [pool[female] for pool in pools
            if p["given_name"] in pool[female] or
            p["given_name"] in [n.translate(_RU) for n in pool[female]]]
    choices = [n for n in (same[0] if same else pools[0][female]) if n != p["given_name"]
               and n.translate(_RU) != p["given_name"]]
    born = p["birth_date"]
    if rng.random() >= 0.25:
        years = rng.choice((-1, 1)) * rng.randint(1, 10)
        try:
            born = born.replace(year=born.year + years) + dt.timedelta(days=rng.randint(-150, 150))
        except ValueError:
            born += dt.timedelta(days=365 * years)
    return {**p, "given_name": rng.choice(choices), "birth_date": born, "iin": ""}


_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
