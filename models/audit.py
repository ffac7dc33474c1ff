"""The log of every change to registered data, as other modules use it.

The database writes the log (triggers, migration v0010; on PostgreSQL chained at each
transaction's commit, v0011); models/auditlog.py holds the table, the transaction that
hands the database who, what and why, and the hash chain; models/replay.py checks the
data against the log; models/seal.py anchors the chain's head outside the database.

For other modules:
    with audit.writing(user, event="correct", reason_code="05", reason="..."):
        ...  # the changes; the database logs them with these values
    audit.head() -> Head(row, hash, at)       the last row of the chain
    audit.flush()                             chain this transaction's rows now: before
                                              reading them in it (PostgreSQL)
    audit.seal(source, note) -> SealMark      record the head now (models/seal.py);
        .row, .hash, .at, .text(where)        `text()` is the line an export manifest,
                                              a printout or a mail carries
    audit.verify(marks) -> Verdict            chain, data against the log, seals
"""

from __future__ import annotations

from dataclasses import dataclass

from models import replay
from models import seal as seals
from models.auditlog import (
    GENESIS,
    HASHED,
    TECHNICAL,
    Correction,
    Entry,
    Head,
    VerifyResult,
    append,
    canonical,
    changes_since,
    flush,
    head,
    readable,
    row_hash,
    rows_of,
    verify_chain,
    walk,
    writing,
    writing_depth,
)
from models.i18n import T

__all__ = ["GENESIS", "HASHED", "TECHNICAL", "Correction", "Entry", "Head", "Verdict",
           "VerifyResult", "append", "canonical", "changes_since", "flush", "head", "readable",
           "row_hash", "rows_of", "seal", "verify", "verify_chain", "walk", "writing",
           "writing_depth"]


def seal(source: str = "manual", note: str = "") -> seals.SealMark:
    """Record the log's head now where its writers cannot change it (models/seal.py)."""
    return seals.make(source, note)


@dataclass(frozen=True)
class Verdict:
    chain: VerifyResult
    data_problems: list[replay.DataProblem]  # the first ones
    data_rows: int
    seal_problem: tuple[seals.SealMark, T] | None  # the first seal the log no longer reaches
    seals: int

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.data_problems and self.seal_problem is None


def verify(marks: list[seals.SealMark] | None = None) -> Verdict:
    """The chain, then the data against the log, then each seal in `marks`."""
    chain = verify_chain()
    problems, rows = replay.check_data()
    marks = marks or []
    seal_problem = seals.check(marks, head()) if chain.ok else None
    return Verdict(chain, problems, rows, seal_problem, len(marks))
