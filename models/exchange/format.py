"""The package file: one JSON object per line, the manifest first.

    line 1    the manifest: format, kind, sender, receiver, period, counts, card-schema
              and codebook versions, the sender's audit seal, and `data_sha256`
    line 2..  the records (cards, acknowledgements or reconciliation rows), one per line

`data_sha256` is the SHA-256 of every byte after the manifest's line, so
`tail -n +2 PACKAGE | sha256sum` checks a package by hand. Lines are written with sorted
keys and no spaces: the same content gives the same bytes, and a re-export of a package
is the identical file. A name ending in `.gz` is gzip-compressed (no time stamp in the
header, so it stays identical too).

Writing and reading stream line by line: memory does not grow with the package.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from models.card_schema import FIELDS, Kind
from models.exchange.common import ExchangeError
from models.i18n import T

FORMAT = "apcard-1ap-package"
FORMAT_VERSION = 1
KINDS = ("cards", "ack", "statement")
MAX_LINE = 64 * 1024  # a card record is ~1.5 KB; a longer line is not one of ours
MAX_MANIFEST = 256 * 1024
WRITE_BUFFER = 256 * 1024  # records written to disk a quarter megabyte at a time, not 8 KB


# json.dumps with these options makes an encoder for every call: one, made once
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
# the encoder's own function for a text (ensure_ascii off): dumps of a str
json_string = json.encoder.encode_basestring


def dumps(obj: Any) -> str:
    return _ENCODER.encode(obj)


def json_text(value: Any) -> str:
    """dumps(value) for a value of a record: a text or a whole number written directly
    (as the encoder writes them), anything else by the encoder."""
    t = type(value)
    if t is str:
        return json_string(value)
    if t is int:
        return int.__repr__(value)
    if value is True:
        return "true"
    return _ENCODER.encode(value)


def card_line(uid: str, version: int, base: int | None, action: str, edition: str,
              status: str, person: str | None, reason: Any, reasons: Any, values: str) -> str:
    """dumps of a card record (models.exchange.export.record) with its `values` given as
    JSON text already (cardrows.encode_json): the members in sorted order, as the encoder
    writes them (`base` and `reason` left out when None, `person` and `reasons` when empty)."""
    text = json_text
    return "".join((
        '{"action":', text(action),
        "" if base is None else ',"base_version":' + text(base),
        ',"edition":', text(edition),
        ',"person":' + text(person) if person else "",
        "" if reason is None else ',"reason":' + text(reason),
        ',"reasons":' + text(reasons) if reasons else "",
        ',"status":', text(status), ',"uid":', text(uid), ',"values":', values,
        ',"version":', text(version), "}"))


def card_schema_digest() -> str:
    """Names, kinds and lengths of the card's fields: both sides must describe the card
    the same way for a record to mean the same thing."""
    shape = [[f.name, f.line, f.kind.value, f.length, f.codebook or ""] for f in FIELDS.values()]
    return hashlib.sha256(dumps(shape).encode()).hexdigest()[:16]


def encode_value(kind: Kind, value: Any) -> Any:
    """A card value as JSON: ISO dates, whole tenge, true flags, plain text."""
    if value is None or value == "" or value is False:
        return None
    if kind == Kind.DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == Kind.AMOUNT:
        return int(value)
    if kind == Kind.FLAG:
        return True
    return str(value)


def encode_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, f in FIELDS.items():
        v = encode_value(f.kind, values.get(name))
        if v is not None:
            out[name] = v
    return out


def _open_write(path: Path) -> IO[bytes] | gzip.GzipFile:
    raw = open(path, "wb")  # closed by the writer
    if path.name.endswith(".gz"):
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    return raw


class PackageWriter:
    """Records go to a temporary file beside the target while their hash is taken;
    `finish(manifest)` writes the manifest line and the records into the target and
    returns the manifest with its data_sha256 and record count."""

    def __init__(self, target: Path) -> None:
        self.target = target
        fd, name = tempfile.mkstemp(prefix=".apcard-", suffix=".part", dir=target.parent)
        self._tmp = Path(name)
        self._data = os.fdopen(fd, "wb", buffering=WRITE_BUFFER)
        self._hash = hashlib.sha256()
        self._digest: str | None = None  # the data's SHA-256, when another process wrote it
        self.records = 0

    def write(self, record: dict[str, Any]) -> None:
        self.write_text(dumps(record))

    def write_text(self, text: str) -> None:
        """A record given as its JSON text (dumps of it)."""
        line = (text + "\n").encode("utf-8")
        self._hash.update(line)
        self._data.write(line)
        self.records += 1

    def flush(self) -> None:
        self._data.flush()

    def digest(self) -> str:
        """The SHA-256 of the records written so far."""
        return self._digest or self._hash.hexdigest()

    def written_by(self, digest: str, records: int) -> None:
        """The records were written by another process, a fork of this one, through
        its copy of this writer (models.exchange.recorder): their SHA-256 and count.
        (This process wrote none: its buffer is empty.)"""
        self._digest, self.records = digest, records

    def finish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        self._data.close()
        manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION,
                    "data_sha256": self.digest(), "records": self.records}
        out = self.target.with_name(self.target.name + ".part")
        try:
            with _open_write(out) as fh, open(self._tmp, "rb") as data:
                fh.write((dumps(manifest) + "\n").encode("utf-8"))
                while chunk := data.read(1 << 20):
                    fh.write(chunk)
            os.replace(out, self.target)
        finally:
            self.discard()
            out.unlink(missing_ok=True)
        return manifest

    def discard(self) -> None:
        if not self._data.closed:
            self._data.close()
        self._tmp.unlink(missing_ok=True)


# --- reading ---------------------------------------------------------------------------

def _bad(kk: str, ru: str, **fmt: object) -> ExchangeError:
    return ExchangeError(T(kk, ru).format(**fmt))


def _open_read(path: Path) -> IO[bytes] | gzip.GzipFile:
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise _bad("{p} файлы жоқ", "Файла {p} нет", p=path) from None
    except IsADirectoryError:
        raise _bad("{p} бума: пакет файлын көрсетіңіз", "{p} — папка: укажите файл пакета",
                   p=path) from None
    except OSError as exc:
        raise _bad("{p} оқылмады: {e}", "Не удалось прочитать {p}: {e}", p=path,
                   e=exc.strerror) from None
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw, mode="rb")
    raw.seek(0)
    return raw


def _lines(fh: IO[bytes] | gzip.GzipFile) -> Iterator[bytes]:
    try:
        while True:
            line = fh.readline(MAX_LINE + 1)
            if not line:
                return
            if len(line) > MAX_LINE and not line.endswith(b"\n"):
                raise _bad("Пакетте тым ұзын жол бар", "В пакете слишком длинная строка")
            yield line
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise _bad("Пакет файлы бүлінген: {e}", "Файл пакета повреждён: {e}", e=exc) from None


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest line, checked for shape (not yet against the data)."""
    with _open_read(path) as fh:
        try:
            first = fh.readline(MAX_MANIFEST + 1)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise _bad("Пакет файлы бүлінген: {e}", "Файл пакета повреждён: {e}",
                       e=exc) from None
    try:
        manifest = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested past Python's limit
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad("Бұл apcard пакеті емес: бірінші жолда манифест жоқ",
                   "Это не пакет apcard: в первой строке нет манифеста")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _bad("Пакет пішімінің нұсқасы {v} таныс емес (бұл apcard: {n})",
                   "Версия формата пакета {v} не поддерживается (этот apcard: {n})",
                   v=str(manifest.get("format_version"))[:10], n=FORMAT_VERSION)
    if manifest.get("kind") not in KINDS:
        raise _bad("Пакет түрі белгісіз", "Неизвестный вид пакета")
    return manifest


def verify(path: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """Stream the records: their SHA-256 and count must be the manifest's, each line a
    JSON object. Returns the records counted by `action` (cards) or `result` (ack)."""
    digest = hashlib.sha256()
    count = 0
    bad = 0  # the first line that is not a JSON object
    by: dict[str, int] = {}
    with _open_read(path) as fh:
        lines = _lines(fh)
        next(lines, None)  # the manifest
        for line in lines:
            digest.update(line)
            count += 1
            try:
                rec = json.loads(line)
            except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep
                rec = None
            if not isinstance(rec, dict):
                bad = bad or count
                continue
            key = str(rec.get("action") or rec.get("result") or "")[:12]
            by[key] = by.get(key, 0) + 1
    if digest.hexdigest() != manifest.get("data_sha256"):
        raise _bad("Пакеттің бақылау сомасы (SHA-256) сәйкес келмейді: пакет бүлінген немесе "
                   "өзгертілген, ештеңе жазылмады",
                   "Контрольная сумма пакета (SHA-256) не совпадает: пакет повреждён или "
                   "изменён, ничего не записано")
    if bad:
        raise _bad("Пакеттің {n}-жазбасы JSON нысаны емес", "Запись {n} пакета — не объект JSON",
                   n=bad)
    if count != manifest.get("records"):
        raise _bad("Манифестте {m} жазба, пакетте {n}",
                   "В манифесте записей {m}, в пакете {n}", m=manifest.get("records"), n=count)
    return by


def records(path: Path) -> Iterator[dict[str, Any]]:
    """The records after the manifest, parsed one at a time (call verify first)."""
    with _open_read(path) as fh:
        lines = _lines(fh)
        next(lines, None)
        for line in lines:
            yield json.loads(line)


def package_path(out: Path, ident: str, gz: bool = False) -> Path:
    """`out` itself, or a file named after the package inside the folder `out`."""
    if out.is_dir():
        return out / f"{ident}.jsonl{'.gz' if gz else ''}"
    if not out.parent.is_dir():
        raise _bad("{p} бумасы жоқ", "Папки {p} нет", p=out.parent)
    return out
