"""The logged path, application side: what the application hands the database's log
triggers in a transaction (who, which event, why), and the SQLite functions the
triggers call. The triggers themselves are in models/migrations/v0010_logged_path.py.

PostgreSQL: `SET LOCAL`-style settings (set_config(..., true)), read by the triggers:
    apcard.user_id      the apcard user, honoured only for a session that is not a
                        person's own login role (that one is the user, whatever it says)
    apcard.event        what is happening (correct, dispatch, user, ...); 'sql' when none
    apcard.reason_code  the reason's code (codebook correction_reason)
    apcard.reason       the reason's text
    apcard.reasons      JSON {column: [code, text]} when lines have their own reasons
SQLite: `batch` besides: a batch dispatch writes its cards' log rows itself (models/batchlog.py).
SQLite: the same values from the thread's context, through the functions apcard_ctx,
apcard_reason and apcard_user; apcard_hash chains a row, apcard_digest hides a secret.
A connection without these functions (the sqlite3 shell) cannot write a logged table.

The hash of a log row (fmt 2) is sha256 of `canonical_v2`: each column of HASHED_V2 as
`<length>:<text>;` (NULL as `~;`), the time as YYYY-MM-DD HH:MM:SS. PostgreSQL computes
the same text where it chains the row (apcard_flush_pending, at the commit: migration
v0011; a test compares both).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import operator
import os
import pwd
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from models.digest import sha256  # without OpenSSL: opened by every process

HASHED_V2 = ("id", "entity", "entity_id", "card", "card_version", "event", "line",
             "field_name", "old_value", "new_value", "reason_code", "reason_text", "user",
             "target_user", "db_user", "created_at", "state", "prev_hash")
KEYS = ("user_id", "event", "reason_code", "reason", "reasons", "batch")

_local = threading.local()


def _stack() -> list[dict[str, str]]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def depth() -> int:
    """How many contexts are open in this thread."""
    return len(_stack())


def current() -> dict[str, str]:
    """The values in force (inner contexts override outer ones)."""
    merged: dict[str, str] = {}
    for values in _stack():
        merged.update(values)
    return merged


def values_of(user_id: int | None = None, event: str | None = None,
              reason_code: str | None = None, reason: str | None = None,
              reasons: Mapping[str, tuple[str | None, str]] | None = None,
              batch: str | None = None) -> dict[str, str]:
    """The settings for these arguments (None: not set here). `batch` (SQLite only):
    this connection writes a batch's log rows itself (models/batchlog.py)."""
    out: dict[str, str] = {}
    if user_id is not None:
        out["user_id"] = str(user_id)
    if event is not None:
        out["event"] = event
    if reason_code is not None:
        out["reason_code"] = reason_code
    if reason is not None:
        out["reason"] = reason
    if reasons is not None:
        out["reasons"] = json.dumps({k: [c or "", t] for k, (c, t) in reasons.items()},
                                    ensure_ascii=False) if reasons else ""
    if batch is not None:
        out["batch"] = batch
    return out


@contextlib.contextmanager
def context(**kw: Any) -> Iterator[dict[str, str]]:
    """Push values for the triggers (SQLite reads them through functions); the
    caller sets them on PostgreSQL (models.audit.writing)."""
    values = values_of(**kw)
    _stack().append(values)
    try:
        yield values
    finally:
        _stack().pop()


# --- the functions SQLite's triggers call -------------------------------------------------

_ACCOUNTS: dict[int, str] = {}


def os_account() -> str:
    """The OS account of the process's real uid (models.auth.identity's source too);
    looked up once per uid (every log row asks: SQLite's triggers call it per row)."""
    uid = os.getuid()
    name = _ACCOUNTS.get(uid)
    if name is None:
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            name = ""
        _ACCOUNTS[uid] = name
    return name


def _ctx(name: str) -> str:
    if name == "db_user":
        return os_account()
    # the innermost context that sets it (as current()); asked for each row a trigger sees
    for values in reversed(getattr(_local, "stack", ())):
        if name in values:
            return values[name]
    return ""


def _reason(field: str, index: int) -> str:
    values = current()
    own = None
    if values.get("reasons"):
        try:
            own = json.loads(values["reasons"]).get(field)
        except ValueError:
            own = None
    if isinstance(own, list) and len(own) == 2:
        return str(own[index] or "")
    return values.get("reason_code" if index == 0 else "reason", "")


def _user() -> int | None:
    text = current().get("user_id", "")
    return int(text) if text.isdigit() else None


def digest(text: str | None) -> str | None:
    if text is None:
        return None
    return "sha256:" + sha256(str(text).encode("utf-8")).hexdigest()


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def canonical_v2(data: Mapping[str, object]) -> str:
    return _canonical(data.get(key) for key in HASHED_V2)


def _canonical(values: Iterable[object]) -> str:
    return "".join(map(part, values))


def part(value: object) -> str:
    """One value's part of `canonical_v2`."""
    text = value if type(value) is str else _text(value)
    return "~;" if text is None else f"{len(text)}:{text};"


def row_hash_v2(data: Mapping[str, object]) -> str:
    return sha256(canonical_v2(data).encode("utf-8")).hexdigest()


def hash_values(values: tuple[object, ...]) -> str:
    """row_hash_v2 of the values of HASHED_V2, in that order."""
    return sha256(_canonical(values).encode("utf-8")).hexdigest()


def _hash(*values: object) -> str:
    if len(values) != len(HASHED_V2):
        raise TypeError(f"apcard_hash takes {len(HASHED_V2)} values")
    return hash_values(values)


# --- a row's state --------------------------------------------------------------------------

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$")


def norm(text: str | None) -> str | None:
    """A time in one form for both databases: a space before the hour, no trailing
    zeros in the fraction (PostgreSQL's apcard_norm does the same)."""
    if text is None or len(text) < 19 or text[10] not in "T " or not _TIME.match(text):
        return text  # (most texts are not times: no regular expression for them)
    text = text[:10] + " " + text[11:]
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def value_text(value: object) -> str | None:
    """A column's value as the log's text, whichever driver read it."""
    if value is None:
        return None
    if type(value) is str:  # the commonest, first
        return norm(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return norm(value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return norm(str(value))


def state(row: Mapping[str, object]) -> str:
    """The digest of a whole row (column -> value; the id and volatile columns left
    out): what the log's `state` says the row is after a change."""
    keys = tuple(sorted(row))
    return _digest_of(_prefixes(keys), [row[k] for k in keys])


def states(names: tuple[str, ...], rows: list[tuple[object, ...]],
           sha: Callable[[bytes], Any] = sha256, at: Sequence[int] | None = None) -> list[str]:
    """`state` of many rows given as tuples of the columns `names` (the same digests;
    `sha`: a SHA-256 constructor, models.digest.bulk_sha256 for many rows; `at`: where
    each of `names` is in a row, when the rows hold other columns too)."""
    order = sorted(range(len(names)), key=names.__getitem__)
    prefixes = _prefixes(tuple(names[i] for i in order))
    nulls = tuple(f"{p}~;" for p in prefixes)
    places = [at[i] for i in order] if at is not None else order
    pick = operator.itemgetter(*places) if len(places) > 1 else (
        lambda row: (row[places[0]],))
    # _digest_of's text, the commonest values inline: None, a text `norm` leaves as it is
    # (too short for a time, no '-' after a year, or a time to the second with a space)
    # (a whole number's text as str gives it, inline too)
    return ["sha256:" + sha("".join([
        n if v is None else f"{p}{len(v)}:{v};"
        if type(v) is str and (len(v) < 19 or v[4] != "-" or (len(v) == 19 and v[10] == " "))
        else f"{p}{len(t := int.__repr__(v))}:{t};" if type(v) is int
        else _part(p, v) for p, n, v in zip(prefixes, nulls, pick(row), strict=True)
    ]).encode("utf-8")).hexdigest() for row in rows]


def _part(prefix: str, value: object) -> str:
    text = str(value) if type(value) is int else value_text(value)
    return f"{prefix}~;" if text is None else f"{prefix}{len(text)}:{text};"


@functools.lru_cache(maxsize=16)
def _prefixes(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{len(key)}:{key};" for key in keys)


def _digest_of(prefixes: tuple[str, ...], values: Sequence[object]) -> str:
    # value_text, with the commonest cases (None, a text too short for a time, an int)
    # inline: a dispatch of 100,000 cards digests six million values.
    texts = [v if type(v) is str and len(v) < 19 else
             None if v is None else str(v) if type(v) is int else value_text(v)
             for v in values]
    return digest("".join(f"{p}~;" if t is None else f"{p}{len(t)}:{t};"
                          for p, t in zip(prefixes, texts, strict=True))) or ""


@functools.lru_cache(maxsize=64)
def _state(json_text: str) -> str:
    """A trigger's row as SQLite's json_object gives it. Cached on the text: one UPDATE
    that changes several columns fires one trigger per column, each with the same row."""
    return state(json.loads(json_text))


# name -> (function, number of arguments)
SQLITE_FUNCTIONS = {
    "apcard_ctx": (_ctx, 1),
    "apcard_reason": (_reason, 2),
    "apcard_user": (_user, 0),
    "apcard_digest": (digest, 1),
    "apcard_hash": (_hash, len(HASHED_V2)),
    "apcard_state": (_state, 1),
}
