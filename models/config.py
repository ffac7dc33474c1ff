"""config.toml: loading and checking. A wrong or missing key, a value of the wrong type
or out of its range is one clear line naming the key (ConfigError, in both languages).

Each section's keys are a table (SCHEMA: type, required, default, check); a new setting
is one entry there and a field on Config. [keys] is checked by models.config_keys,
[calendar] by models.calendar."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.calendar import CalendarError, WorkCalendar
from models.config_keys import DEFAULT_KEYS, KEY_IDS, keymap_problem
from models.i18n import LANGUAGES, T

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_DIR / "config.toml"


class ConfigError(Exception):
    """A config problem: one line naming the file and the key, in both languages."""

    def __init__(self, message: T | str) -> None:
        self.text = message if isinstance(message, T) else T(message, message)
        super().__init__(self.text.ru)

    def message(self, lang: str) -> str:
        return self.text(lang)


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


Number = (int, float)


@dataclass(frozen=True)
class Key:
    """One config key: its type, whether it must be there, its default and a check of
    its value (None when fine, else what is wrong)."""

    type: type | tuple[type, ...]
    required: bool = False
    default: Any = None
    check: Callable[[Any], T | None] | None = None


def _between(low: float, high: float | None = None) -> Callable[[Any], T | None]:
    def check(value: Any) -> T | None:
        if value < low or (high is not None and value > high):
            span = f"{low}..{high}" if high is not None else f">= {low}"
            return T("{s} аралығында болуы керек, {v} емес",
                     "должно быть в пределах {s}, а не {v}").format(s=span, v=value)
        return None
    return check


def _one_of(*allowed: str) -> Callable[[Any], T | None]:
    def check(value: Any) -> T | None:
        if value not in allowed:
            return T("мүмкін мәндер: {a}; {v!r} емес", "допустимо: {a}; а не {v!r}").format(
                a=", ".join(allowed), v=value)
        return None
    return check


def _url(value: str) -> T | None:
    if not value.startswith(URL_SCHEMES):
        return T("sqlite:/// немесе postgresql:// деп басталуы керек, {v!r} емес",
                 "должен начинаться с sqlite:/// или postgresql://, а не {v!r}").format(
                     v=value[:80])
    return None


def _org_code(value: str) -> T | None:
    if value and not ORG_CODE.match(value):
        return T("1-32 бас латын әрпі, цифр және «-» болуы керек, {v!r} емес",
                 "нужно 1-32 заглавных латинских буквы, цифры и «-», а не {v!r}").format(
                     v=value[:40])
    return None


def _day_numbers(value: list[Any]) -> T | None:
    if not value or not all(type(d) is int and 1 <= d <= 31 for d in value):
        return T("1..31 күндерінің тізімі керек, {v!r} емес",
                 "нужен список чисел месяца 1..31, а не {v!r}").format(v=value)
    return None


URL_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")
TIERS = ("body", "directorate", "central")
ORG_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
MONTHS = _between(0, 1200)
# section -> key -> Key. A new setting is one line here (and its field on Config).
SCHEMA: dict[str, dict[str, Key]] = {
    "database": {"url": Key(str, True, check=_url),
                 "pool_size": Key(int, default=4, check=_between(1, 200)),
                 "busy_timeout_ms": Key(int, default=5000, check=_between(0, 600_000))},
    "organisation": {"authority": Key(str, True),
                     "name": Key(str, default=""),
                     "keeps_journal": Key(bool, default=False),
                     "tier": Key(str, default="body", check=_one_of(*TIERS)),
                     "code": Key(str, default="", check=_org_code),
                     "parent": Key(str, default="", check=_org_code)},
    "schedule": {"dispatch_days": Key(list, True, check=_day_numbers),
                 "return_working_days": Key(int, default=3, check=_between(0, 366)),
                 "correction_window_days": Key(int, default=30, check=_between(0, 3660))},
    "retention": {"default_months": Key(int, True, check=MONTHS),
                  "minor_months": Key(int, True, check=MONTHS),
                  "corruption_months": Key(int, True, check=MONTHS),
                  "journal_months": Key(int, default=36, check=MONTHS)},
    "ui": {"language": Key(str, True, check=_one_of(*LANGUAGES)),
           "theme": Key(str, default="auto", check=_one_of("auto", "color16", "mono")),
           "autosave": Key(bool, default=True),
           "escape_ms": Key(int, default=500, check=_between(50, 5000))},
    "matching": {"exact": Key(Number, default=0.97, check=_between(0, 1)),
                 "probable": Key(Number, default=0.85, check=_between(0, 1)),
                 "possible": Key(Number, default=0.70, check=_between(0, 1)),
                 "max_candidates": Key(int, default=10, check=_between(1, 1000))},
}
# Sections checked by their own module: [keys] (models.config_keys), [calendar]
# (models.calendar). Sections that may be left out entirely.
OWN_CHECK = ("keys", "calendar")
OPTIONAL = ("matching", "keys", "calendar")


def _fail(path: Path, where: str, problem: T) -> ConfigError:
    return ConfigError(T(f"{path}: {where}: {problem.kk}", f"{path}: {where}: {problem.ru}"))


def _type_ok(value: Any, typ: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and typ is not bool:
        return False  # true is not the number 1
    return isinstance(value, typ)


def _check(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    """Every section and key checked; returns the sections with defaults filled in."""
    for section in data:
        if section not in SCHEMA and section not in OWN_CHECK:
            raise ConfigError(T(f"{path}: [{section}] деген бөлім жоқ",
                                f"{path}: неизвестный раздел [{section}]"))
    out: dict[str, dict[str, Any]] = {}
    for section in (*SCHEMA, *OWN_CHECK):
        sect = data.get(section)
        if sect is None and section not in OPTIONAL:
            raise ConfigError(T(f"{path}: [{section}] бөлімі жоқ",
                                f"{path}: нет раздела [{section}]"))
        sect = {} if sect is None else sect
        if not isinstance(sect, dict):
            raise ConfigError(T(f"{path}: [{section}] кесте болуы керек",
                                f"{path}: [{section}] должен быть таблицей"))
        out[section] = sect if section in OWN_CHECK else _check_section(section, sect, path)
    _check_matching(out["matching"], path)
    _check_keys(out["keys"], path)
    try:
        WorkCalendar.from_config(out["calendar"] or None)
    except CalendarError as exc:
        raise ConfigError(T(f"{path}: {exc.message.kk}", f"{path}: {exc.message.ru}")) from None
    return out


def _check_section(section: str, sect: dict[str, Any], path: Path) -> dict[str, Any]:
    keys = SCHEMA[section]
    for key in sect:
        if key not in keys:
            raise ConfigError(T(f"{path}: {section}.{key} деген кілт жоқ",
                                f"{path}: неизвестный ключ {section}.{key}"))
    values = {}
    for key, spec in keys.items():
        where = f"{section}.{key}"
        if key not in sect:
            if spec.required:
                raise ConfigError(T(f"{path}: {where} кілті жоқ", f"{path}: нет ключа {where}"))
            values[key] = spec.default
            continue
        value = sect[key]
        if not _type_ok(value, spec.type):
            name = _TYPE_NAMES[spec.type]
            raise _fail(path, where, T("{t} болуы керек, {v!r} емес",
                                       "должно быть {tr}, а не {v!r}").format(
                                           t=name.kk, tr=name.ru, v=value))
        problem = spec.check(value) if spec.check else None
        if problem is not None:
            raise _fail(path, where, problem)
        values[key] = value
    return values


_TYPE_NAMES = {str: T("жол", "строкой"), int: T("бүтін сан", "целым числом"),
               bool: T("true не false", "true или false"), list: T("тізім", "списком"),
               Number: T("сан", "числом")}


def _check_matching(m: dict[str, Any], path: Path) -> None:
    if not m["exact"] >= m["probable"] >= m["possible"]:
        raise _fail(path, "matching", T(
            "exact ≥ probable ≥ possible болуы керек ({e} / {p} / {o})",
            "должно быть exact ≥ probable ≥ possible ({e} / {p} / {o})").format(
                e=m["exact"], p=m["probable"], o=m["possible"]))


def _check_keys(keys: dict[str, Any], path: Path) -> None:
    for cid in keys:
        if cid not in KEY_IDS:
            raise ConfigError(T(f"{path}: keys.{cid} деген команда жоқ",
                                f"{path}: неизвестная команда keys.{cid}"))
    full = {**DEFAULT_KEYS, **keys}
    found = keymap_problem(full)
    if found is not None:
        cid, problem = found
        raise _fail(path, f"keys.{cid}", problem)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    chosen = explicit or os.environ.get("APCARD_CONFIG")
    return Path(chosen).expanduser().resolve() if chosen else DEFAULT_CONFIG


def load_config(explicit: str | os.PathLike[str] | None = None, db_url: str | None = None) -> Config:
    """Read and check the config; `db_url` (or APCARD_DB) overrides [database].url. A
    relative SQLite path in the config is relative to the config file; one given with
    --db or APCARD_DB is relative to the current directory."""
    path = config_path(explicit)
    data = _read(path)
    sections = _check(data, path)
    override = db_url or os.environ.get("APCARD_DB")
    if override:
        problem = _url(override)
        if problem is not None:
            raise ConfigError(T(f"--db / APCARD_DB: {problem.kk}", f"--db / APCARD_DB: {problem.ru}"))
        url = resolve_sqlite_path(override, Path.cwd())
    else:
        url = resolve_sqlite_path(sections["database"]["url"], path.parent)
    db, org, sched, ret, ui = (sections[k] for k in ("database", "organisation", "schedule",
                                                      "retention", "ui"))
    return Config(
        path=path,
        db_url=url,
        pool_size=db["pool_size"],
        busy_timeout_ms=db["busy_timeout_ms"],
        language=ui["language"],
        authority=org["authority"],
        organisation_name=org["name"],
        keeps_journal=org["keeps_journal"],
        dispatch_days=list(sched["dispatch_days"]),
        return_working_days=sched["return_working_days"],
        correction_window_days=sched["correction_window_days"],
        retention=dict(ret),
        theme=ui["theme"],
        autosave=ui["autosave"],
        matching=dict(sections["matching"]),
        keys={**DEFAULT_KEYS, **sections["keys"]},
        calendar=WorkCalendar.from_config(sections["calendar"] or None),
        tier=org["tier"],
        org_code=org["code"],
        parent_code=org["parent"],
        escape_ms=ui["escape_ms"],
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(T(f"{path}: баптау файлы жоқ", f"{path}: файл конфигурации не найден")
                          ) from None
    except OSError as exc:
        raise ConfigError(T(f"{path}: баптау файлы оқылмады: {exc.strerror}",
                            f"{path}: не удалось прочитать конфигурацию: {exc.strerror}")) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(T(f"{path}: TOML қатесі: {exc}", f"{path}: ошибка TOML: {exc}")
                          ) from None
    except RecursionError:  # arrays or tables nested past the parser's depth
        raise ConfigError(T(f"{path}: TOML қатесі: ұя салу тым терең",
                            f"{path}: ошибка TOML: слишком глубокая вложенность")) from None


def peek_language(explicit: str | os.PathLike[str] | None = None) -> str | None:
    """The config's ui.language without checking the rest (for messages about a config
    that does not load); None when it cannot be read."""
    try:
        lang = _read(config_path(explicit)).get("ui", {}).get("language")
    except (ConfigError, AttributeError):
        return None
    return lang if lang in LANGUAGES else None


def authority_problem(cfg: Config) -> T | None:
    """The own authority code (organisation.authority) against the authority codebook,
    once the codebooks are loaded; None when it is there (or nothing is loaded yet)."""
    from models.tables import CodebookEntry as c

    # Two indexed look-ups, not the whole book read into memory: the card screen checks
    # this at every start and reads the book only when line 1 or 3 is typed or opened.
    authorities = c.select(c.id).where(c.book == "authority")
    if not authorities.exists():
        return None
    if authorities.where(c.code == cfg.authority).exists():  # in some version of it
        return None
    return T(f"{cfg.path}: organisation.authority: «{cfg.authority}» органдар "
             "анықтамалығында жоқ",
             f"{cfg.path}: organisation.authority: кода «{cfg.authority}» нет в "
             "справочнике органов")


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make a relative sqlite path absolute against the config file's folder."""
    if not url.startswith("sqlite:///"):
        return url
    raw = url[len("sqlite:///"):]
    if raw == ":memory:" or os.path.isabs(raw):
        return url
    return "sqlite:///" + str((base / raw).resolve())
