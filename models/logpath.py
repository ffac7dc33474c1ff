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
import os
import pwd
import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from models.digest import sha256  # without OpenSSL: opened by every process

HASHED_V2 = ("id", "entity", "entity_id", "card", "card_version", "event", "line",
             "field_name", "old_value", "new_value", "reason_code", "reason_text", "user",
             "target_user", "db_user", "created_at", "state", "prev_hash")
KEYS = ("user_id", "event", "reason_code", "reason", "reasons")

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
              reasons: Mapping[str, tuple[str | None, str]] | None = None) -> dict[str, str]:
    """The settings for these arguments (None: not set here)."""
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
    return current().get(name, "")


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
    parts = []
    for key in HASHED_V2:
        text = _text(data.get(key))
        parts.append("~;" if text is None else f"{len(text)}:{text};")
    return "".join(parts)


def row_hash_v2(data: Mapping[str, object]) -> str:
    return sha256(canonical_v2(data).encode("utf-8")).hexdigest()


def _hash(*values: object) -> str:
    return row_hash_v2(dict(zip(HASHED_V2, values, strict=True)))


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
    parts = []
    for key in sorted(row):
        text = value_text(row[key])
        parts.append(f"{len(key)}:{key};" + ("~;" if text is None else f"{len(text)}:{text};"))
    return digest("".join(parts)) or ""


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
