"""Packages made to break the receiver: a sender (or whoever holds the file on its way)
can recompute the checksum, so what a record holds is checked on its own — a line nested
past the parser's depth is a rejection, a value of another type than the exporter
writes is a return with its reason, never read into the field."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from models.exchange import format as fmt
from models.exchange.common import ExchangeError
from models.exchange.export import export_cards
from models.exchange.receive import receive
from models.exchange.tables import Package, PackageCard
from models.tables import Card
from tests import registers
from tests.test_exchange import DISPATCH_DAY, RECEIVED, fill_body

tiers = registers.tiers


def _resigned(path: Path, out: Path, change) -> Path:
    """The package with its records changed and its checksum made to match again."""
    manifest = fmt.read_manifest(path)
    writer = fmt.PackageWriter(out)
    for i, rec in enumerate(fmt.records(path)):
        writer.write(change(i, rec))
    writer.finish({k: v for k, v in manifest.items() if k not in ("data_sha256", "records")}
                  | {"ident": manifest["ident"] + "-X"})
    return out


def _exported(body, tmp_path: Path) -> Path:
    fill_body(body, 4)
    with body.use():
        return export_cards(body.cfg, body.user, tmp_path, today=DISPATCH_DAY).path


@pytest.mark.parametrize("backend", ["sqlite"])  # the package is read before any database work
@pytest.mark.parametrize("line", ["[" * 20000 + "]" * 20000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_a_record_nested_past_the_parsers_depth_rejects_the_package(tiers, tmp_path: Path,
                                                                    line: str) -> None:
    body, dr = tiers["body"], tiers["dir"]
    src = _exported(body, tmp_path)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    data = (line + "\n").encode()
    head = json.loads(lines[0]) | {"data_sha256": hashlib.sha256(data).hexdigest(),
                                   "records": 1, "ident": "BODY-685-DIR-75-999999"}
    bad = tmp_path / "deep.jsonl"
    bad.write_bytes((fmt.dumps(head) + "\n").encode() + data)
    with dr.use():
        with pytest.raises(ExchangeError, match="не объект JSON"):
            receive(dr.cfg, dr.user, bad, today=RECEIVED, ack_dir=tmp_path)
        assert Card.select().count() == 0 and Package.select().count() == 0


@pytest.mark.parametrize("backend", ["sqlite"])
def test_values_of_another_type_than_the_exporter_writes_are_returned(tiers,
                                                                      tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    src = _exported(body, tmp_path)
    wrong = {0: ("surname", 123), 1: ("fine_imposed", "x" * 3), 2: ("without_protocol", "да"),
             3: ("article", ["590"])}

    def change(i: int, rec: dict) -> dict:
        if i in wrong:
            rec["values"][wrong[i][0]] = wrong[i][1]
        return rec

    bad = _resigned(src, tmp_path / "types.jsonl", change)
    with dr.use():
        got = receive(dr.cfg, dr.user, bad, today=RECEIVED, ack_dir=tmp_path)
        assert got.results["returned"] == 4
        returned = {p.uid: json.loads(p.reasons or "[]") for p in
                    PackageCard.select().where(PackageCard.result == "returned")}
        fields = sorted(r[0]["field"] for r in returned.values())
        assert fields == sorted(f for f, _ in wrong.values())
        assert not Card.select().where(Card.surname == "123").exists()
