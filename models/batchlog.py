"""A dispatch of many cards logged as one statement (SQLite).

The per-row triggers (migration v0010) write two log rows per dispatched card (its
status, its dispatch time), each digesting the card's ~60 columns in a Python function
SQLite calls from inside the UPDATE: most of the time of exporting 100,000 cards. Here a
slice of cards is dispatched by one UPDATE while the connection's context says `batch`,
its cards are read back, and their log rows are written by one INSERT: one row per card,
the row the status trigger would have written (the status's old and new text; the
card's whole state after the dispatch; the user, event and reason in force; the
database's time; chained). The dispatch time and the version set with the status are
in that state, as a quiet column's change is: the time's own row would say nothing the
verifier (models.auditlog.verify_chain) and the data check (models.replay) need, and
nothing the history, the journal or a re-export reads (a package holds no dispatch
time; the journal shows no bookkeeping column).

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models import logpath
from models.auditlog import GENESIS
from models.db import database_proxy
from models.digest import bulk_sha256
from models.migrations.v0010_logged_path import CARD_LINES, DISPATCHED_FROM, LOG_COLUMNS
from models.tables import Card

_INSERT = (f"INSERT INTO correction ({', '.join(LOG_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(LOG_COLUMNS))})")
# The one column a dispatch logs a row for: the dispatch time and the version it sets
# with it are in the row's state (the triggers, which log every column, stand aside).
FIELD = "status"


SLICE = 1000  # cards read back and logged at a time: the process's memory stays flat
# Cards dispatched in one transaction (models.corrections.dispatch_due): a page of the
# card's statistics index (journal date first, then status) changed for one card is
# written once at the commit for all the cards on it, and 5,000 cards hold the write
# lock for well under a second.
PER_TRANSACTION = 5000


@dataclass
class Slice:
    """A slice of cards as the dispatch read them back: `rows` (columns `names`, the
    status's text first, then every column of the card) holds the cards asked for;
    `sent`, the places in `rows` of those dispatched now (the ones logged);
    `state_columns`, the columns of a row its logged state digests."""
    ids: list[int]
    names: list[str]
    rows: list[tuple[Any, ...]]
    sent: list[int]
    state_columns: list[int]


# Hands the caller every card of a slice as it is after the dispatch. It may take over
# the digests of the dispatched cards' states (logpath.states of `state_columns` of the
# rows at `sent`, in that order): it then returns a function that gives them, called
# once, after the next slice is dispatched (an export digests them in its second
# process meanwhile); None: they are digested here.
Reader = Callable[[Slice], Callable[[], list[str]] | None]


def dispatch(ids: list[int], stamp: dt.datetime, read: Reader | None = None) -> int:
    """Dispatch those of the cards `ids` still registered or corrected at `stamp` and
    log them; how many went. Call inside `audit.writing(user, 'dispatch')` on SQLite.
    The cards are dispatched and logged a slice at a time, all in the caller's
    transaction (a larger transaction writes each page of the card's indexes it changes
    once for more cards). `read`, when given, gets every card of each slice, dispatched
    or not, as it is then: an export writes them without reading them again. A slice's
    log rows are written after the next slice is dispatched (nothing else writes the
    log meanwhile: the dispatch's triggers stand aside), all before the caller commits."""
    sha = bulk_sha256()
    went = 0
    pending: tuple[Slice, dict[int, str], Callable[[], list[str]] | None] | None = None
    for start in range(0, len(ids), SLICE):
        done = _update(ids[start:start + SLICE], stamp, read is not None)
        later = read(done[0]) if read is not None and done is not None else None
        if pending is not None:
            went += _log(*pending, sha)
        pending = (*done, later) if done is not None else None
    if pending is not None:
        went += _log(*pending, sha)
    return went


def _update(ids: list[int], stamp: dt.datetime, everyone: bool
            ) -> tuple[Slice, dict[int, str]] | None:
    """Dispatch the slice's cards still due; the slice as read back after it (all its
    cards when `everyone`, else the dispatched ones; None when that is none) and the
    dispatched cards' status text before."""
    db = database_proxy.obj
    due = ", ".join(f"'{s}'" for s in DISPATCHED_FROM)
    before: dict[int, str] = dict(db.execute_sql(
        f'SELECT "id", CAST("{FIELD}" AS TEXT) FROM "card" '
        f'WHERE "id" IN ({", ".join("?" * len(ids))}) AND "status" IN ({due})',
        ids).fetchall()) if ids else {}
    sent = sorted(before)
    if sent:
        with logpath.context(batch="dispatch"):
            db.execute_sql(f'UPDATE "card" SET "status" = ?, "dispatched_at" = ?, '
                           f'"version" = "version" + 1 WHERE "id" IN ({", ".join("?" * len(sent))})',
                           ["dispatched", Card.dispatched_at.db_value(stamp), *sent])
    wanted = ids if everyone else sent
    if not wanted:
        return None
    # The rows as they are now: the logged column's text, then the whole row.
    cur = db.execute_sql(f'SELECT CAST("{FIELD}" AS TEXT), * FROM "card" '
                         f'WHERE "id" IN ({", ".join("?" * len(wanted))}) ORDER BY "id"', wanted)
    names = [d[0] for d in cur.description]
    cards = cur.fetchall()
    rid = names.index("id", 1)
    # The state of the row as the data check digests it: every column but the id.
    whole = [i for i in range(1, len(names)) if i != rid]
    places = [i for i, c in enumerate(cards) if c[rid] in before]
    return Slice(ids, names, cards, places, whole), before


def _log(s: Slice, before: dict[int, str], later: Callable[[], list[str]] | None,
         sha: Callable[[bytes], Any]) -> int:
    """Write the log rows of the slice's dispatched cards; how many."""
    cards = [s.rows[i] for i in s.sent]
    states = later() if later is not None else logpath.states(
        tuple(s.names[i] for i in s.state_columns), cards, sha, s.state_columns)
    if cards:
        database_proxy.obj.cursor().executemany(
            _INSERT, _rows(s.names, cards, before, states, sha))
    return len(cards)


def _rows(names: list[str], cards: list[tuple[Any, ...]], before: dict[int, str],
          states: list[str], sha: Callable[[bytes], Any]) -> list[tuple[Any, ...]]:
    """The log rows of the dispatched cards, one each (`cards`: the status's text, then
    every column; `before`: the status's text before; `states`: their states' digests)."""
    db = database_proxy.obj
    rid, version = names.index("id", 1), names.index("version", 1)
    last, at, prev = db.execute_sql(
        "SELECT COALESCE(MAX(id), 0), strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime'), "
        "(SELECT row_hash FROM correction ORDER BY id DESC LIMIT 1) FROM correction"
    ).fetchone()
    prev = prev or GENESIS
    event = logpath._ctx("event") or "sql"
    user, db_user = logpath._user(), logpath._ctx("db_user")
    code, reason = logpath._reason(FIELD, 0) or None, logpath._reason(FIELD, 1)
    line = CARD_LINES.get(FIELD, "")
    # What every row shares, as parts of its hashed text (logpath.part); a number's or a
    # hash's part is `<length>:<text>;` (logpath.part of an int is its str).
    part = logpath.part
    entity, middle = part("card"), "".join(map(part, (event, line, FIELD)))
    after = "".join(map(part, (code, reason, user, None, db_user, at)))
    out = []
    for card, state in zip(cards, states, strict=True):
        cid, v, old, new = card[rid], card[version], before[card[rid]], card[0]
        last += 1
        n, c, r = str(last), str(cid), str(v)
        # logpath.hash_values of the row, the shared parts made once
        text = (f"{len(n)}:{n};{entity}{len(c)}:{c};{len(c)}:{c};{len(r)}:{r};{middle}"
                f"{part(old)}{part(new)}{after}{len(state)}:{state};{len(prev)}:{prev};")
        row_hash = sha(text.encode("utf-8")).hexdigest()
        out.append((last, "card", cid, cid, v, event, line, FIELD, old, new, code, reason,
                    user, None, db_user, at, state, prev, row_hash, 2))
        prev = row_hash
    return out
