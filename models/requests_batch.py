"""A batch of liability requests from a CSV file (the electronic format of §38): each row
is registered, searched with the duplicate engine and, where nothing is left for an
operator to decide, answered; the answers are written as printouts.

Only candidates in the `exact` band (identification and IIN agree) are confirmed
without an operator. A request with a probable or possible candidate stays open, listed
as needing confirmation: the operator confirms each record (screen or `requests
confirm`), then answers it.

Columns (header names; any order; unknown columns refused): number, request_date,
received_on, delivery, surname, given_name (or name), patronymic, birth_date,
birthplace, address, iin, rnn, bin, legal_name, legal_address, grounds, head, executor,
sender_body, sender_address, repetition, former_surname, former_given_name,
former_patronymic, former_birth_date.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import doc_date
from models.calendar import WEEKENDS_ONLY, WorkCalendar
from models.i18n import T
from models.requests import (
    LEGAL,
    SAME,
    RequestRefused,
    add_request,
    answer,
    decide,
    pending,
    search,
)
from models.tables import User

COLUMNS = ("number", "request_date", "received_on", "delivery", "surname", "given_name", "name",
           "patronymic", "birth_date", "birthplace", "address", "iin", "rnn", "bin",
           "legal_name", "legal_address", "grounds", "head", "executor", "sender_body",
           "sender_address", "repetition", "subject_kind", "former_surname",
           "former_given_name", "former_patronymic", "former_birth_date")
DATES = ("request_date", "received_on", "birth_date", "former_birth_date")
YES = {"1", "y", "yes", "true", "да", "д", "иә", "и", "+", "x", "х"}
MAX_ROWS = 100_000
NOT_CSV = T("{path}: UTF-8 CSV файлы емес", "{path}: не CSV-файл в UTF-8")


class BatchError(Exception):
    """The file cannot be read at all: one line, in both languages."""

    def __init__(self, text: T) -> None:
        super().__init__(text.ru)
        self.message = text


@dataclass(frozen=True)
class Outcome:
    row: int
    request_id: int | None
    number: str
    status: str  # answered | no_information | needs_confirmation | refused
    records: int
    to_confirm: int
    files: tuple[str, ...]
    message: str


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise BatchError(T(f"{path} оқылмады: {exc.strerror}",
                           f"не прочитать {path}: {exc.strerror}")) from None
    with fh:
        try:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
        except (UnicodeDecodeError, csv.Error):
            raise BatchError(NOT_CSV.format(path=path)) from None
        unknown = [h for h in header if h.strip() not in COLUMNS]
        if not header or unknown:
            cols, known = ", ".join(unknown)[:100] or "—", ", ".join(COLUMNS)
            raise BatchError(T(f"{path}: белгісіз бағандар {cols}; мүмкіні: {known}",
                               f"{path}: неизвестные столбцы {cols}; допустимы: {known}"))
        try:
            for n, row in enumerate(reader, start=2):
                if n > MAX_ROWS + 1:
                    raise BatchError(T(f"{path}: {MAX_ROWS} жолдан көп",
                                       f"{path}: больше {MAX_ROWS} строк"))
                yield n, {k.strip(): (v or "") for k, v in row.items() if k is not None}
        except (UnicodeDecodeError, csv.Error):
            raise BatchError(NOT_CSV.format(path=path)) from None


def row_values(row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as add_request's values; a bad date is a refusal, never an exception."""
    out: dict[str, Any] = {k: v for k, v in row.items() if k not in DATES}
    for key in DATES:
        text = (row.get(key) or "").strip()
        # as keyed or as the letter wrote it ("12 марта 1988 г."); a year alone names
        # no day and is refused rather than stored as 1 January
        found, precision = doc_date.read(text) if text else (None, "")
        day = found if precision == "day" else None
        if text and day is None:
            raise RequestRefused(T(f"{key}: күн қате", f"{key}: неверная дата"))
        out[key] = day
    if not out.get("given_name") and out.get("name"):
        out["given_name"] = out["name"]
    out["repetition"] = (row.get("repetition") or "").strip().casefold() in YES
    if not row.get("subject_kind"):
        out["subject_kind"] = LEGAL if row.get("legal_name") and not row.get("surname") \
            else "individual"
    former = {k: out.pop(f"former_{k}", None) for k in ("surname", "given_name", "patronymic",
                                                        "birth_date")}
    out["former"] = [former] if any(former.values()) else []
    return out


def answer_batch(path: Path, out_dir: Path, user: User, *, lang: str = "ru",
                 thresholds: Mapping[str, float] | None = None,
                 cal: WorkCalendar = WEEKENDS_ONLY, today: dt.date | None = None,
                 write: Callable[[Any, Path, str], list[str]] | None = None) -> list[Outcome]:
    """Register, search and (where nothing is left to confirm) answer every row.
    `write(request, out_dir, lang)` writes an answer's files and returns their names."""
    today = today or dt.date.today()
    out_dir.mkdir(parents=True, exist_ok=True)
    write = write or write_answer
    outcomes = []
    for n, row in read_rows(path):
        try:
            req = add_request(row_values(row), user, source=f"{path.name}:{n}", cal=cal,
                              today=today)
        except RequestRefused as exc:
            outcomes.append(Outcome(n, None, row.get("number", ""), "refused", 0, 0, (),
                                    exc.message(lang)))
            continue
        found = search(req.id, user, thresholds=thresholds)
        for c in found:
            if c.band == "exact" and not c.decision:
                decide(req.id, c.candidate_id, SAME, user)
        left = pending(req.id)
        if left:
            outcomes.append(Outcome(n, req.id, req.number, "needs_confirmation", 0, left, (), ""))
            continue
        done = answer(req.id, user, today=today)
        records = len(json.loads(done.answer_cards or "[]"))
        files = tuple(write(done, out_dir, lang))
        outcomes.append(Outcome(n, req.id, req.number,
                                "answered" if records else "no_information", records, 0, files,
                                ""))
    write_summary(outcomes, out_dir / "answers.csv")
    return outcomes


def write_answer(req: Any, out_dir: Path, lang: str) -> list[str]:
    from models.printing import render
    from models.printing.answer import answer_document

    at = dt.datetime.now().replace(microsecond=0)
    login = req.answered_by.login if req.answered_by else ""
    doc = answer_document(req, lang, login, at)
    names = []
    for suffix, text in (("txt", render(doc, "text", 80)), ("html", render(doc, "html"))):
        name = f"answer-{req.id}.{suffix}"
        _write_private(out_dir / name, text)
        names.append(name)
    return names


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_summary(outcomes: list[Outcome], path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "request", "number", "status", "records", "to_confirm", "files",
                    "message"])
        for o in outcomes:
            w.writerow([o.row, o.request_id or "", _cell(o.number), o.status, o.records,
                        o.to_confirm, " ".join(o.files), _cell(o.message)])


def _cell(text: str) -> str:
    """No formula in a spreadsheet cell (the same guard as the log's CSV export)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
