"""A dispatch of many cards logged as one statement (SQLite).

The per-row triggers (migration v0010) write two log rows per dispatched card, each
digesting the card's ~60 columns in a Python function SQLite calls from inside the
UPDATE: most of the time of exporting 100,000 cards. Here a chunk of cards is
dispatched by one UPDATE while the connection's context says `batch`, its cards are read
back, and their log rows are written by one INSERT: the same rows, field by field, the
triggers would have written (status, then dispatched_at; the card's whole state; the
user, event and reason in force; the database's time; chained), so the verifier
(models.auditlog.verify_chain) and the data check (models.replay) prove them like any
other rows, and the history, journal and re-export read them the same way.

Who could abuse `batch`: an operator with a shell and the sqlite3 shell has no apcard
functions, so the triggers and the guard (which call them) refuse any write to a card,
as before. A program that registers the functions itself and claims `batch` is limited
by the guard to a dispatch (status registered/corrected -> dispatched, the dispatch time,
the version + 1, nothing else); a dispatch it makes without writing these log rows leaves
the card's state different from its last logged state, which `apcard audit verify`
reports for that card (models.replay). The file's owner can do more than this anyway
(drop the triggers): the seals kept outside the database are what bound that.
PostgreSQL keeps its per-row triggers: a login role there sets its own settings, so a
`batch` setting would be the operator's to claim.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any

from models import logpath
from models.auditlog import GENESIS
from models.db import database_proxy
from models.digest import sha256
from models.migrations.v0010_logged_path import CARD_LINES, DISPATCHED_FROM, LOG_COLUMNS
from models.tables import Card

_INSERT = (f"INSERT INTO correction ({', '.join(LOG_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(LOG_COLUMNS))})")
_FIELDS = ("status", "dispatched_at")  # in the order the triggers log them


def dispatch(ids: list[int], stamp: dt.datetime) -> int:
    """Dispatch those of the cards `ids` still registered or corrected at `stamp` and
    log them; how many went. Call inside `audit.writing(user, 'dispatch')` on SQLite."""
    db = database_proxy.obj
    texts = ", ".join(f'CAST("{f}" AS TEXT), "{f}"' for f in _FIELDS)
    due = ", ".join(f"'{s}'" for s in DISPATCHED_FROM)
    before = {r[0]: r[1:] for r in db.execute_sql(
        f'SELECT "id", {texts} FROM "card" WHERE "id" IN ({", ".join("?" * len(ids))}) '
        f'AND "status" IN ({due})', ids).fetchall()} if ids else {}
    ids = sorted(before)
    if not ids:
        return 0
    marks = ", ".join("?" * len(ids))
    with logpath.context(batch="dispatch"):
        db.execute_sql(f'UPDATE "card" SET "status" = ?, "dispatched_at" = ?, '
                       f'"version" = "version" + 1 WHERE "id" IN ({marks})',
                       ["dispatched", Card.dispatched_at.db_value(stamp), *ids])
    # The rows as they are now: the fields' texts and values, then the whole row.
    cur = db.execute_sql(f'SELECT {texts}, * FROM "card" WHERE "id" IN ({marks}) '
                         'ORDER BY "id"', ids)
    db.cursor().executemany(_INSERT, _rows([d[0] for d in cur.description], cur.fetchall(),
                                           before))
    return len(ids)


def _rows(names: list[str], cards: list[tuple[Any, ...]],
          before: dict[int, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The log rows of the dispatched cards (each: the fields' texts and values, then
    every column; `before`: the fields' texts and values before)."""
    db = database_proxy.obj
    star = 2 * len(_FIELDS)  # where the row's own columns begin
    rid, version = names.index("id", star), names.index("version", star)
    # The state of the row as the data check digests it: every column but the id.
    whole = [i for i in range(star, len(names)) if i != rid]
    pick = operator.itemgetter(*whole)
    states = logpath.states(tuple(names[i] for i in whole), [pick(c) for c in cards])
    last, at, prev = db.execute_sql(
        "SELECT COALESCE(MAX(id), 0), strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime'), "
        "(SELECT row_hash FROM correction ORDER BY id DESC LIMIT 1) FROM correction"
    ).fetchone()
    prev = prev or GENESIS
    event = logpath._ctx("event") or "sql"
    user, db_user = logpath._user(), logpath._ctx("db_user")
    # What every row of the chunk shares, as parts of its hashed text (logpath.part).
    same = {f: (logpath._reason(f, 0) or None, logpath._reason(f, 1)) for f in _FIELDS}
    middle = {f: "".join(map(logpath.part, (event, CARD_LINES.get(f, ""), f)))
              for f in _FIELDS}
    after = {f: "".join(map(logpath.part, (*same[f], user, None, db_user, at))) for f in _FIELDS}
    part, entity = logpath.part, logpath.part("card")
    out = []
    for card, state in zip(cards, states, strict=True):
        cid, v = card[rid], card[version]
        old = before[cid]
        for k, field in enumerate(_FIELDS):
            if old[2 * k + 1] == card[2 * k + 1]:
                continue  # the trigger's WHEN: the column did not change
            last += 1
            row = (last, "card", cid, cid, v, event, CARD_LINES.get(field, ""), field,
                   old[2 * k], card[2 * k], *same[field], user, None, db_user, at, state, prev)
            # logpath.hash_values(row), with the shared parts made once
            text = (f"{part(last)}{entity}{part(cid) * 2}{part(v)}{middle[field]}"
                    f"{part(old[2 * k])}{part(card[2 * k])}{after[field]}{part(state)}"
                    f"{part(prev)}")
            prev = sha256(text.encode("utf-8")).hexdigest()
            out.append((*row, prev, 2))
    return out
