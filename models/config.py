"""config.toml: loading and checking. A wrong or missing key is one clear line."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.calendar import CalendarError, WorkCalendar

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_DIR / "config.toml"


class ConfigError(Exception):
    """A config problem; str() is one line naming the key."""


@dataclass
class Config:
    path: Path
    db_url: str
    pool_size: int
    busy_timeout_ms: int
    language: str
    authority: str
    organisation_name: str
    keeps_journal: bool
    dispatch_days: list[int]
    return_working_days: int
    correction_window_days: int
    retention: dict[str, int]
    theme: str
    autosave: bool
    matching: dict[str, float]
    keys: dict[str, str] = field(default_factory=dict)
    calendar: WorkCalendar = field(default_factory=WorkCalendar.default)
    tier: str = "body"  # body | directorate | central: where the register sits (§3)
    org_code: str = ""  # this organisation's code in packages ("" : not set up to exchange)
    parent_code: str = ""  # the organisation packages go up to
    escape_ms: int = 500  # Esc then a digit within this long = Alt+digit

    @property
    def base_dir(self) -> Path:
        return self.path.parent


_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    # section -> key -> (type, required)
    "database": {"url": (str, True), "pool_size": (int, False), "busy_timeout_ms": (int, False)},
    "organisation": {"authority": (str, True), "name": (str, False), "keeps_journal": (bool, False),
                     "tier": (str, False), "code": (str, False), "parent": (str, False)},
    "schedule": {"dispatch_days": (list, True), "return_working_days": (int, False),
                 "correction_window_days": (int, False)},
    "retention": {"default_months": (int, True), "minor_months": (int, True),
                  "corruption_months": (int, True), "journal_months": (int, False)},
    "ui": {"language": (str, True), "theme": (str, False), "autosave": (bool, False),
           "escape_ms": (int, False)},
    "matching": {"exact": ((int, float), False), "probable": ((int, float), False),
                 "possible": ((int, float), False), "max_candidates": (int, False)},
    "keys": {},
    "calendar": {},  # checked by models.calendar (holidays, not_moved, one table per year)
}
KEY_IDS = ("help", "save", "directory", "directory_full", "find", "duplicates", "journal",
           "correct", "history", "language", "menu", "new_card", "errors", "persist", "goto",
           "life", "print", "notice", "release", "protest", "reg_journal", "requests",
           "retention", "packages", "queue", "stats", "quit")


def _check(data: dict[str, Any], path: Path) -> None:
    for section, keys in _SCHEMA.items():
        sect = data.get(section)
        if sect is None:
            if section in ("matching", "keys", "calendar"):
                continue
            raise ConfigError(f"{path}: missing section [{section}]")
        if not isinstance(sect, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        for key, (typ, required) in keys.items():
            if key not in sect:
                if required:
                    raise ConfigError(f"{path}: missing key {section}.{key}")
                continue
            value = sect[key]
            if isinstance(value, bool) and typ is not bool and typ != (int, float):
                raise ConfigError(f"{path}: {section}.{key} must be {_tname(typ)}, got {value!r}")
            if not isinstance(value, typ):
                raise ConfigError(f"{path}: {section}.{key} must be {_tname(typ)}, got {value!r}")
        if section == "calendar":
            try:
                WorkCalendar.from_config(sect)
            except CalendarError as exc:
                raise ConfigError(f"{path}: {exc}") from None
            continue
        for key in sect:
            known = keys or {k: None for k in KEY_IDS}
            if key not in known:
                raise ConfigError(f"{path}: unknown key {section}.{key}")
    for section in data:
        if section not in _SCHEMA:
            raise ConfigError(f"{path}: unknown section [{section}]")
    ui = data["ui"]
    if ui["language"] not in ("kk", "ru"):
        raise ConfigError(f"{path}: ui.language must be \"kk\" or \"ru\", got {ui['language']!r}")
    if ui.get("theme", "auto") not in ("auto", "color16", "mono"):
        raise ConfigError(f"{path}: ui.theme must be auto, color16 or mono, got {ui['theme']!r}")
    _check_organisation(data["organisation"], path)
    days = data["schedule"]["dispatch_days"]
    if not days or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 31
                            for d in days):
        raise ConfigError(f"{path}: schedule.dispatch_days must be day numbers 1..31, got {days!r}")
    url = data["database"]["url"]
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"{path}: database.url must start with sqlite:/// or postgresql://, "
                          f"got {url!r}")
    for key, value in data.get("keys", {}).items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: keys.{key} must be a non-empty string like \"f2,alt+2\"")


TIERS = ("body", "directorate", "central")
ORG_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


def _check_organisation(org: dict[str, Any], path: Path) -> None:
    tier = org.get("tier", "body")
    if tier not in TIERS:
        raise ConfigError(f"{path}: organisation.tier must be body, directorate or central, "
                          f"got {tier!r}")
    for key in ("code", "parent"):
        value = org.get(key, "")
        if value and not ORG_CODE.match(value):
            raise ConfigError(f"{path}: organisation.{key} must be 1-32 capital Latin letters, "
                              f"digits and '-', got {value!r}")


def _tname(typ: type | tuple[type, ...]) -> str:
    if isinstance(typ, tuple):
        return "a number"
    return {str: "a string", int: "an integer", bool: "true or false", list: "a list"}[typ]


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    chosen = explicit or os.environ.get("APCARD_CONFIG")
    return Path(chosen).expanduser().resolve() if chosen else DEFAULT_CONFIG


def load_config(explicit: str | os.PathLike[str] | None = None, db_url: str | None = None) -> Config:
    """Read and check the config; `db_url` (or APCARD_DB) overrides [database].url."""
    path = config_path(explicit)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _check(data, path)
    url = db_url or os.environ.get("APCARD_DB") or data["database"]["url"]
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"database URL must start with sqlite:/// or postgresql://, got {url!r}")
    db, org, sched, ret, ui = (data[k] for k in ("database", "organisation", "schedule",
                                                  "retention", "ui"))
    matching = {"exact": 0.97, "probable": 0.85, "possible": 0.70, "max_candidates": 10}
    matching.update(data.get("matching", {}))
    return Config(
        path=path,
        db_url=resolve_sqlite_path(url, path.parent),
        pool_size=db.get("pool_size", 4),
        busy_timeout_ms=db.get("busy_timeout_ms", 5000),
        language=ui["language"],
        authority=org["authority"],
        organisation_name=org.get("name", ""),
        keeps_journal=org.get("keeps_journal", False),
        dispatch_days=list(sched["dispatch_days"]),
        return_working_days=sched.get("return_working_days", 3),
        correction_window_days=sched.get("correction_window_days", 30),
        retention={k: v for k, v in ret.items()},
        theme=ui.get("theme", "auto"),
        autosave=ui.get("autosave", True),
        matching=matching,
        keys=dict(data.get("keys", {})),
        calendar=WorkCalendar.from_config(data.get("calendar")),
        tier=org.get("tier", "body"),
        org_code=org.get("code", ""),
        parent_code=org.get("parent", ""),
        escape_ms=ui.get("escape_ms", 500),
    )


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make a relative sqlite path absolute against the config file's folder."""
    if not url.startswith("sqlite:///"):
        return url
    raw = url[len("sqlite:///"):]
    if raw == ":memory:" or os.path.isabs(raw):
        return url
    return "sqlite:///" + str((base / raw).resolve())
