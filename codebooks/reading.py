"""Reading the codebook files: the catalog (catalog.toml) and each data file (CSV), into
rows, every fault reported as "file:row: message". codebooks/loader.py checks the rows
across files and loads them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.codebook_match import stored_key
from models.i18n import T
from models.text import clean, find_control

CODEBOOK_DIR = Path(__file__).resolve().parent
CATALOG = "catalog.toml"
BASE_COLUMNS = ("code", "parent", "name_kk", "name_ru", "valid_from", "valid_to")
REQUIRED_COLUMNS = ("code", "name_kk", "name_ru")
TYPES = ("str", "int", "bool", "list", "json")
CATALOG_KEYS = {"file", "book", "version", "valid_from", "valid_to", "title_kk", "title_ru",
                "source", "description", "parent_book", "refs"}
CATALOG_REQUIRED = ("file", "book", "version", "title_kk", "title_ru", "source")
# What fits the `codebook_entry` columns (models/tables.py).
MAX_CODE, MAX_BOOK, MAX_VERSION = 32, 32, 16
CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z/.\-]*")


class CodebookError(Exception):
    """Codebook files that cannot be used; `faults` holds one "file:row: message" each."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__(faults[0] if len(faults) == 1 else f"{len(faults)} codebook faults")
        self.faults = faults


@dataclass(frozen=True)
class Codebook:
    """One catalog entry: a data file holding one version of one book."""

    file: str
    book: str
    version: str
    title: T
    source: str
    description: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    parent_book: str = ""  # "" = the same book
    refs: dict[str, str] = field(default_factory=dict)
    line: int = 0  # where the entry starts in catalog.toml


@dataclass
class Row:
    """One entry as read from a data file, with where it came from."""

    file: str
    row: int
    book: str
    version: str
    code: str
    parent: str | None
    name_kk: str
    name_ru: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    data: dict[str, Any]
    keywords: str = ""  # keywords.csv's words for the entry, "; "-separated

    @property
    def key(self) -> tuple[str, str, str]:
        return self.book, self.version, self.code

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row}"

    @property
    def search_key(self) -> str:
        """Code and names folded, then the keywords, as a directory's filter scans them
        (models.codebook_match.stored_key): made here, not by every process that opens
        the directory."""
        return stored_key(self.code, self.name_kk, self.name_ru, self.keywords)

    def data_json(self) -> str:
        # Sorted and compact, so an unchanged row compares equal to what is stored.
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        return ((self.valid_from is None or end is None or self.valid_from <= end)
                and (self.valid_to is None or start is None or start <= self.valid_to))


# --- the catalog ------------------------------------------------------------------------

def read_catalog(directory: Path | None = None) -> list[Codebook]:
    """The catalog's entries; CodebookError if it cannot be read or has faults."""
    entries, faults = parse_catalog(directory)
    if faults:
        raise CodebookError(faults)
    return entries


def book_names(directory: Path | None = None) -> list[str]:
    """Names of the books the catalog lists, in catalog order."""
    return list(dict.fromkeys(cb.book for cb in read_catalog(directory)))


def data_dir(directory: Path | None) -> Path:
    # Looked up at call time, so tests (and the CLI's tests) can point it at a copy.
    return directory if directory is not None else CODEBOOK_DIR


def parse_catalog(directory: Path | None) -> tuple[list[Codebook], list[str]]:
    directory = data_dir(directory)
    path = directory / CATALOG
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except FileNotFoundError:
        return [], [f"{CATALOG}:0: file not found in {directory}"]
    except UnicodeDecodeError as exc:
        return [], [f"{CATALOG}:0: not UTF-8 ({exc.reason})"]
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+)", str(exc))
        return [], [f"{CATALOG}:{m.group(1) if m else 0}: {exc}"]
    starts = [i for i, line in enumerate(text.splitlines(), 1)
              if line.strip() == "[[codebook]]"]
    raw = doc.get("codebook")
    if not isinstance(raw, list) or not raw:
        return [], [f"{CATALOG}:1: no [[codebook]] entries"]
    entries: list[Codebook] = []
    faults: list[str] = []
    files: set[str] = set()
    for n, item in enumerate(raw):
        line = starts[n] if n < len(starts) else 0
        where = f"{CATALOG}:{line}"
        bad = _catalog_entry_faults(item, directory)
        if bad:
            faults += [f"{where}: {msg}" for msg in bad]
            continue
        if item["file"] in files:
            faults.append(f"{where}: file {item['file']!r} is listed twice")
            continue
        files.add(item["file"])
        entries.append(Codebook(
            file=item["file"], book=item["book"], version=str(item["version"]),
            title=T(item["title_kk"], item["title_ru"]), source=item["source"],
            description=item.get("description", ""), valid_from=item.get("valid_from"),
            valid_to=item.get("valid_to"), parent_book=item.get("parent_book", ""),
            refs=dict(item.get("refs", {})), line=line))
    return entries, faults


def _catalog_entry_faults(item: dict[str, Any], directory: Path) -> list[str]:
    out = [f"unknown key {k!r}" for k in item if k not in CATALOG_KEYS]
    out += [f"missing key {k!r}" for k in CATALOG_REQUIRED if not item.get(k)]
    if out:
        return out
    for k in ("file", "book", "version", "title_kk", "title_ru", "source", "description",
              "parent_book"):
        if k in item and not isinstance(item[k], str):
            out.append(f"{k} must be a string")
    for k in ("valid_from", "valid_to"):
        if k in item and (not isinstance(item[k], dt.date) or isinstance(item[k], dt.datetime)):
            out.append(f"{k} must be a TOML date (2015-01-01)")
    if out:
        return out
    if not re.fullmatch(r"[a-z][a-z0-9_]*", item["book"]) or len(item["book"]) > MAX_BOOK:
        out.append(f"book name {item['book']!r}: lower-case letters, digits, _ ")
    if not item["version"] or len(item["version"]) > MAX_VERSION:
        out.append(f"version {item['version']!r}: 1..{MAX_VERSION} characters")
    name = item["file"]
    if "/" in name or "\\" in name or not name.endswith(".csv"):
        out.append(f"file {name!r}: a .csv file next to {CATALOG}")
    elif not (directory / name).is_file():
        out.append(f"file {name!r} not found")
    if item.get("valid_from") and item.get("valid_to") and item["valid_from"] > item["valid_to"]:
        out.append("valid_from is after valid_to")
    refs = item.get("refs", {})
    if not isinstance(refs, dict) or not all(isinstance(v, str) for v in refs.values()):
        out.append('refs must be a table of data key = "book"')
    return out


# --- data files ---------------------------------------------------------------------------

def read_book(name: str, directory: Path | None = None) -> list[Row]:
    """Every row of every file of book `name`, each with its file and row number."""
    catalog = read_catalog(directory)
    mine = [cb for cb in catalog if cb.book == name]
    if not mine:
        raise CodebookError([f"{CATALOG}:0: no codebook named {name!r}"])
    rows: list[Row] = []
    faults: list[str] = []
    for cb in mine:
        got, bad = read_file(cb, directory)
        rows += got
        faults += bad
    if faults:
        raise CodebookError(faults)
    return rows


def read_file(cb: Codebook, directory: Path | None) -> tuple[list[Row], list[str]]:
    path = data_dir(directory) / cb.file
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return _parse_rows(cb, csv.reader(fh, strict=True))
    except UnicodeDecodeError as exc:
        return [], [f"{cb.file}:0: not UTF-8 ({exc.reason} at byte {exc.start})"]
    except csv.Error as exc:
        return [], [f"{cb.file}:0: broken CSV: {exc}"]
    except OSError as exc:
        return [], [f"{cb.file}:0: cannot read: {exc.strerror}"]


def _parse_header(cb: Codebook, header: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Columns as (name, type); data columns are typed, base columns are "base"."""
    cols: list[tuple[str, str]] = []
    faults = []
    seen = set()
    for raw in header:
        name, _, typ = raw.strip().partition(":")
        if name in BASE_COLUMNS:
            typ = "base"
        elif typ == "":
            typ = "str"
        elif typ not in TYPES:
            faults.append(f"{cb.file}:1: column {raw!r}: unknown type (one of {', '.join(TYPES)})")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", name):
            faults.append(f"{cb.file}:1: column {raw!r}: bad name")
        if name in seen:
            faults.append(f"{cb.file}:1: column {name!r} appears twice")
        seen.add(name)
        cols.append((name, typ))
    faults += [f"{cb.file}:1: missing column {c!r}" for c in REQUIRED_COLUMNS if c not in seen]
    return cols, faults


def _parse_rows(cb: Codebook, reader: Iterable[list[str]]) -> tuple[list[Row], list[str]]:
    it = iter(reader)
    header = next(it, None)
    if header is None:
        return [], [f"{cb.file}:1: empty file (no header)"]
    cols, faults = _parse_header(cb, header)
    if faults:
        return [], faults
    rows = []
    line = 1
    for cells in it:
        line = getattr(reader, "line_num", line + 1)
        if not any(c.strip() for c in cells):
            continue
        where = f"{cb.file}:{line}"
        if len(cells) != len(cols):
            faults.append(f"{where}: {len(cells)} cells, the header has {len(cols)}")
            continue
        row, bad = _parse_row(cb, line, cols, cells)
        faults += [f"{where}: {msg}" for msg in bad]
        if row is not None:
            rows.append(row)
    return rows, faults


def _parse_row(cb: Codebook, line: int, cols: list[tuple[str, str]],
               cells: list[str]) -> tuple[Row | None, list[str]]:
    faults = []
    base: dict[str, str] = {}
    data: dict[str, Any] = {}
    for (name, typ), cell in zip(cols, cells, strict=True):
        pos = find_control(cell)
        if pos is not None:
            faults.append(f"{name}: control character {cell[pos]!r} at position {pos + 1}")
            continue
        if typ == "base":
            base[name] = cell
            continue
        if cell.strip() == "":
            continue
        try:
            value = _typed(typ, cell)
        except ValueError as exc:
            faults.append(f"{name}: {exc}")
            continue
        _put(data, name.split("."), value)
    code = base.get("code", "")
    if not code:
        faults.append("empty code")
    elif not CODE_RE.fullmatch(code) or len(code) > MAX_CODE:
        faults.append(f"code {code!r}: letters, digits, '/', '.', '-' only, at most {MAX_CODE}")
    for name in ("name_kk", "name_ru"):
        value = base.get(name, "")
        if not value.strip():
            faults.append(f"empty {name}")
        elif clean(value) != value:
            faults.append(f"{name} has leading, trailing or repeated spaces (or is not NFC)")
    dates = {}
    for name, default in (("valid_from", cb.valid_from), ("valid_to", cb.valid_to)):
        text = base.get(name, "").strip()
        try:
            dates[name] = dt.date.fromisoformat(text) if text else default
        except ValueError:
            faults.append(f"{name} {text!r} is not a date (YYYY-MM-DD)")
            dates[name] = default
    start, end = dates["valid_from"], dates["valid_to"]
    if start and end and start > end:
        faults.append(f"valid_from {start} is after valid_to {end}")
    if cb.valid_from and start and start < cb.valid_from:
        faults.append(f"valid_from {start} is before its codebook's {cb.valid_from}")
    if cb.valid_to and end and end > cb.valid_to:
        faults.append(f"valid_to {end} is after its codebook's {cb.valid_to}")
    try:
        json.dumps(data, allow_nan=False)
    except ValueError as exc:
        faults.append(f"data is not JSON-able: {exc}")
    if faults:
        return None, faults
    parent = base.get("parent", "").strip() or None
    return Row(cb.file, line, cb.book, cb.version, code, parent, base["name_kk"],
               base["name_ru"], start, end, data), []


def _typed(typ: str, cell: str) -> Any:
    text = cell.strip()
    if typ == "str":
        return text
    if typ == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{text!r} is not a whole number")
        return int(text)
    if typ == "bool":
        if text not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text == "true"
    if typ == "list":
        items = [x.strip() for x in text.split(";")]
        if not all(items):
            raise ValueError(f"{text!r} has an empty item")
        return items
    try:  # json
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"bad JSON: {exc.msg} at {exc.pos}") from None


def _put(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value
