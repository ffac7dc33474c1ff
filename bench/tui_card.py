"""The card-screen bench's card, its keys, the programs it runs and how their work is checked.

Both programs, apcard and the curses floor (bench/floor_curses.py), get the same
register, the same terminal and the same keys; each is checked afterwards to hold the
card exactly as typed (apcard: the saved row in SQLite; the floor: the values it
writes on F2), so no figure comes from a card that was not entered.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANG = "ru"

MODES = {
    "linux": {"TERM": "linux", "NO_COLOR": None, "title": "linux"},
    "linux-nc": {"TERM": "linux", "NO_COLOR": "1", "title": "linux+NO_COLOR"},
    "xterm": {"TERM": "xterm-256color", "NO_COLOR": None, "title": "xterm-256color"},
    "xterm-nc": {"TERM": "xterm-256color", "NO_COLOR": "1", "title": "xterm-256color+NO_COLOR"},
}

# An individual's card as it is keyed from paper (form-1ap.md; the same card as
# tests/test_validation.py): every value exactly as the operator's fingers type it.
# Dates are digits only (the form adds the dots), the fine is digits (the form groups
# them), codes as printed. Fields not listed are left blank (Tab).
CARD = {
    "subject": "01",
    "surname": "Қасымов", "given_name": "Ерлан", "patronymic": "Нұрланұлы",
    "birth_date": "12031985", "iin": "850312330541",
    "authority": "685", "place": "751110000", "considering_body": "685",
    "protocol_no": "000123456", "protocol_date": "01022025",
    "official_name": "Сейтов А.Б.",
    "journal_no": "00451", "journal_date": "03022025", "received_date": "05022025",
    "article": "592", "part": "02", "guilt": "1",
    "offence_date": "01022025", "decision_date": "02022025",
    "main_penalty": "02", "fine_imposed": "39320",
    "address": "г. Алматы, ул. Абая, д. 1, кв. 5",
    "id_document": "2", "sex": "1", "citizenship": "1",
    "workplace": "ТОО «Алма-Транс», водитель", "intoxication": "0",
    "filled_by": "Иванова С.К., инспектор", "filled_date": "05022025",
}
# The form proposes these (next journal number; line 7 = today): the paper card has its
# own, so the operator clears the field (Ctrl+U) and types it.
PREFILLED = ("journal_no", "received_date")
# Fields where the operator opens the directory (F3) and closes it again (Esc).
DIRECTORIES = ("authority", "place", "article", "main_penalty")
# At line 9's part the operator opens the whole article-part directory (F4, 1,967 rows),
# types a code and then a piece of a name into its filter, and closes it.
ARTICLE_PART = "part"
FILTER_KEYS = ("5", "9", "2", "ctrl+u", "д", "о", "р", "о", "ж")


class BenchError(RuntimeError):
    """A program could not be run through the card: the figures would mean nothing."""


# --- the programs -------------------------------------------------------------------------

def app_command() -> list[str]:
    script = Path(sys.executable).parent / "apcard"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]


def floor_command(spec: Path) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "floor_curses.py"), str(spec)]


def app_env(mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "APCARD_", "COLORTERM", "TERM_PROGRAM", "TMUX"))
           and k not in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR", "ESCDELAY")}
    env["TERM"] = MODES[mode]["TERM"]
    if MODES[mode]["NO_COLOR"]:
        env["NO_COLOR"] = MODES[mode]["NO_COLOR"]
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONPATH"] = str(ROOT)
    return env


def _apcard(db: Path, *args: str) -> None:
    proc = subprocess.run(app_command() + ["--db", f"sqlite:///{db}", *args], cwd=ROOT,
                          env=app_env("xterm"), capture_output=True, text=True)
    if proc.returncode:
        line = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["?"]
        raise BenchError(f"`apcard {' '.join(args)}` failed: {line[0]}")


def make_database(tmp: Path) -> Path:
    """A new register: `apcard init` (the OS account becomes admin) + codebooks."""
    path = tmp / "pristine.db"
    for args in (["init"], ["codebooks", "load"]):
        _apcard(path, *args)
    return path


# --- the card as keys ---------------------------------------------------------------------

def typing_plan(keys: dict[str, bytes]) -> list[tuple[str, str, bytes]]:
    """(kind, label, bytes) for every key after the first, in the form's focus order."""
    from models.card_schema import Kind, Subject

    try:
        from tui.widgets.layout import field_order
    except ImportError as exc:
        raise BenchError(f"cannot read the form's focus order: {exc}") from None

    order = [f for f in field_order() if f.visible_for(Subject.INDIVIDUAL)]
    missing = set(CARD) - {f.name for f in order}
    if missing:
        raise BenchError(f"fields of the bench card not on the form: {sorted(missing)}")
    steps: list[tuple[str, str, bytes]] = []
    for f in order:
        value = CARD.get(f.name, "")
        if f.name == "subject":
            value = value[1:]  # its first digit is the startup probe
        if f.name in DIRECTORIES:
            steps.append(("dir_open", f"{f.name} F3", keys["f3"]))
            steps.append(("dir_close", f"{f.name} Esc", keys["escape"]))
        if f.name == ARTICLE_PART:
            steps.append(("adir_open", f"{f.name} F4 (article parts)", keys["f4"]))
            for k in FILTER_KEYS:
                steps.append(("filter", f"filter {k}", keys.get(k, k.encode())))
            steps.append(("adir_close", f"{f.name} Esc", keys["escape"]))
        if f.name in PREFILLED:
            steps.append(("clear", f"{f.name} Ctrl+U", keys["ctrl+u"]))
        full_len = 8 if f.kind == Kind.DATE else f.length
        typed = CARD.get(f.name, "")
        auto = f.fixed and len(typed) >= full_len
        for i, ch in enumerate(value):
            last = i == len(value) - 1
            steps.append(("char_auto" if auto and last else "char", f"{f.name} {ch!r}",
                          ch.encode()))
        if not auto:
            key = "enter" if typed else "tab"
            steps.append(("move", f"{f.name} {key.title()}", keys[key]))
    return steps


def expected_row() -> dict[str, str]:
    """The card as SQLite should hold it (dates ISO, the fine a number)."""
    from models.card_schema import FIELDS, Kind

    out = {}
    for name, raw in CARD.items():
        kind = FIELDS[name].kind
        if kind == Kind.DATE:
            out[name] = f"{raw[4:]}-{raw[2:4]}-{raw[:2]}"
        elif kind == Kind.AMOUNT:
            out[name] = str(int(raw))
        else:
            out[name] = raw
    return out


def check_database(path: Path) -> list[str]:
    """Differences between the saved card and the typed one ([] = the card is there)."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("SELECT * FROM card").fetchall()
    finally:
        con.close()
    if len(rows) != 1:
        return [f"{len(rows)} cards in the database, expected 1"]
    from models.card_schema import FIELDS, Kind

    row = rows[0]
    diffs = []
    for name, want in expected_row().items():
        got = row[name]
        got = "" if got is None else str(got)
        if FIELDS[name].kind == Kind.DATE:
            got = got[:10]  # a date column may come back with a time part
        if got != want:
            diffs.append(f"{name}: {got!r} != {want!r}")
    if row["status"] != "registered":
        diffs.append(f"status {row['status']!r}")
    return diffs


def check_floor(out: Path) -> list[str]:
    """Differences between what the floor held on F2 and the typed card."""
    try:
        got = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["the floor wrote no values (F2 not reached)"]
    return [f"{k}: {got.get(k)!r} != {v!r}" for k, v in CARD.items() if got.get(k) != v]


# --- the floor's card: apcard's own layout ----------------------------------------------------

def texts() -> dict[str, str]:
    try:
        from tui.screens.messages import IssuesScreen
        from tui.screens.texts import COUNTS, READY, SAVED
    except ImportError as exc:
        raise BenchError(f"cannot read the card screen's texts: {exc}") from None

    return {"ready": READY(LANG), "saved": SAVED(LANG).split("{")[0].strip(),
            "saved_done": SAVED(LANG).format(n=1), "counts": COUNTS(LANG).format(e=0, w=0),
            "confirm": IssuesScreen.TITLE_CONFIRM(LANG),
            "errors": IssuesScreen.TITLE_ERRORS(LANG)}


def floor_spec(tmp: Path, db: Path) -> Path:
    """The floor's card from apcard's schema and layout: the same rows, labels, boxes,
    focus order and texts (written as JSON: the floor itself imports nothing of apcard)."""
    from models.card_schema import LINES, Kind

    try:
        from tui.widgets.editing import display_width
        from tui.widgets.layout import chunks, pack
    except ImportError as exc:
        raise BenchError(f"cannot read the form's layout: {exc}") from None
    line_of = {f.name: ln for ln in LINES for f in ln.fields}
    chunk_of = {f.name: c.key for c in chunks() for f in c.fields}
    rows, fields, order = [], {}, []
    for row in pack(LANG):
        cells = []
        for c in row.cells:
            if c.kind == "field" and c.field is not None:
                f = c.field
                order.append(f.name)
                fields[f.name] = {
                    "width": display_width(f), "fixed": f.fixed, "kind": f.kind.value,
                    "full": 8 if f.kind == Kind.DATE else f.length, "book": f.codebook,
                    "line": line_of[f.name].number, "label": line_of[f.name].label(LANG),
                    "subjects": sorted(str(s) for s in f.subjects), "chunk": chunk_of[f.name]}
                cells.append(["field", c.width, "", f.name])
            else:
                cells.append([c.kind, c.width, c.text, c.key])
        rows.append({"subjects": sorted(str(s) for s in row.subjects), "cells": cells})
    t = texts()
    today = dt.date.today()
    from models.codebook import PARENT_BOOK

    spec = {"rows": rows, "fields": fields, "order": order, "db": str(db),
            "parent_book": PARENT_BOOK,
            "out": str(tmp / "floor-values.json"),
            "prefill": {"journal_no": "00001", "received_date": today.strftime("%d%m%Y")},
            "texts": {**t, "title": " Карточка 1-АП  Новая карточка  Статус: черновик",
                      "keys": "1Помощь 2Сохр 3Справ 4Полн 5Найти 6Дубли 7Журн 8Испр "
                              "9Язык 10Меню",
                      "dir_title": "Справочник", "search": "Поиск", "found": "найдено:",
                      "dir_hint": "Код или часть названия   Enter: выбрать   Esc: закрыть"}}
    path = tmp / "floor-spec.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path
