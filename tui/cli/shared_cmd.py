"""`apcard persons shared [--csv [FILE]]`: identification numbers held by more than one
person (IIN) or legal entity (BIN), with their cards — the list an administrator works
through (models.shared_numbers)."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from rich.console import Console

from models.config import Config
from models.i18n import T
from tui.cli.base import open_db, say

KIND = {"iin": T("ЖСН", "ИИН"), "bin": T("БСН", "БИН")}
HEAD = (T("нөмір түрі", "вид номера"), T("нөмір", "номер"), T("жазба", "запись"),
        T("№", "№"), T("аты-жөні / атауы", "ФИО / наименование"), T("туған", "рождён"),
        T("карточкалар", "карточки"))
RECORD = {"person": T("адам", "лицо"), "legal": T("заңды тұлға", "юр. лицо")}


def register_shared(ps: argparse._SubParsersAction) -> None:
    q = ps.add_parser("shared", help=say(T(
        "бірнеше адамда (ЖСН) не заңды тұлғада (БСН) тұрған нөмірлер, карточкаларымен",
        "номера, которые есть у нескольких лиц (ИИН) или юрлиц (БИН), с их карточками")))
    q.add_argument("--csv", nargs="?", const="-", metavar="FILE", help=say(T(
        "тізім орнына CSV-ны FILE-ға (не stdout-қа)", "CSV в FILE (или в stdout) вместо списка")))
    q.set_defaults(handler=cmd_shared)


def cmd_shared(ns: argparse.Namespace, cfg: Config) -> int:
    from models.permissions import Action, require
    from models.shared_numbers import rows, shared_numbers
    from tui.cli.exchange import _refusals, _user

    lang = cfg.language
    with _refusals(cfg):
        open_db(cfg)
        require(_user(cfg), Action.READ_CARD)
        groups = shared_numbers()
    if ns.csv:
        fh = sys.stdout if ns.csv == "-" else open(Path(ns.csv).expanduser(), "w",
                                                    encoding="utf-8-sig", newline="")
        try:
            out = csv.writer(fh)
            out.writerow([h(lang) for h in HEAD])
            for kind, number, record, rid, name, born, cards in rows(groups):
                out.writerow([KIND[kind](lang), number, RECORD[record](lang), rid, name, born,
                              cards])
        finally:
            if fh is not sys.stdout:
                fh.close()
        return 0
    con = Console(highlight=False, soft_wrap=True)
    for g in groups:
        con.print(T(f"{KIND[g.kind].kk} {g.number}: жазба {len(g.holders)}",
                    f"{KIND[g.kind].ru} {g.number}: записей {len(g.holders)}")(lang)
                  + (T(f" (әртүрлі деп шешілген жұп: {g.declared})",
                       f" (пар, решённых как разные: {g.declared})")(lang)
                     if g.declared else ""), markup=False)
        for h in g.holders:
            born = f" {h.birth_date:%d.%m.%Y}" if h.birth_date else ""
            cards = " ".join(map(str, h.cards)) or "—"
            con.print(T(f"  № {h.id} {h.name}{born}; карточкалар: {cards}",
                        f"  № {h.id} {h.name}{born}; карточки: {cards}")(lang), markup=False)
    people = sum(len(g.holders) for g in groups)
    con.print(T(f"Нөмірлер: {len(groups)}, жазбалар: {people}. Шешім карточкада: F5 — "
                "карточканы ашу, F6 — сол адам / басқа адам",
                f"Номеров: {len(groups)}, записей: {people}. Решение — на карточке: F5 — "
                "открыть карточку, F6 — то же лицо / другое лицо")(lang), markup=False)
    return 0
