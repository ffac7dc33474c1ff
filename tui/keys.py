"""The key map: every command has an id, a footer label, a help text and keys.

Keys come from config.toml [keys] ("id = key[,alternate...]"); ids missing there fall
back to DEFAULT_KEYS (the same as the shipped config.toml). Each command has an
alternate that needs no function key and works under Russian and Kazakh layouts:
Alt+digit, which terminals send as ESC followed by the digit.

Why the translation below: Textual 8 reads ESC+digit as the character macOS's Option
key makes ("ESC 2" arrives as the key `trade_mark_sign`), so a binding written
"alt+2" would never fire. `binding_keys` adds, for every "alt+X", the key names
Textual really produces for ESC+X, and the same physical key under the Russian
(ЙЦУКЕН) and the Windows Kazakh layout (whose digit row types ә і ң ғ ү ұ қ ө һ).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.keys import _character_to_key, key_to_character

from models.i18n import T


@dataclass(frozen=True)
class Command:
    id: str
    short: T  # footer word
    long: T  # help line


COMMANDS: tuple[Command, ...] = (
    Command("help", T("Көмек", "Помощь"), T("Пернелер мен белгілер", "Клавиши и обозначения")),
    Command("save", T("Сақт", "Сохр"), T("Карточканы сақтау (тіркеу)",
                                         "Сохранить (зарегистрировать) карточку")),
    Command("directory", T("Анықт", "Справ"),
            T("Өріс анықтамалығы (тек рұқсат етілгендері)",
              "Справочник поля (только допустимые значения)")),
    Command("directory_full", T("Толық", "Полн"),
            T("Анықтамалық толық күйінде", "Справочник полностью")),
    Command("find", T("Іздеу", "Найти"), T("Карточкаларды іздеу", "Поиск карточек")),
    Command("duplicates", T("Қайт", "Дубли"),
            T("Осы адамның бұрынғы карточкалары", "Прежние карточки этого лица")),
    Command("journal", T("Журн", "Журн"), T("Түзетулер журналы", "Журнал исправлений")),
    Command("correct", T("Түзет", "Испр"),
            T("Тіркелген карточканы түзету", "Исправить зарегистрированную карточку")),
    Command("history", T("Тарих", "Истор"),
            T("Карточка тарихы: әр жолдың бұрынғы мәндері", "История карточки: прежние значения строк")),
    Command("language", T("Тіл", "Язык"), T("Тіл: қазақша / орысша", "Язык: казахский / русский")),
    Command("menu", T("Мәзір", "Меню"), T("Мәзір", "Меню")),
    Command("new_card", T("Жаңа", "Новая"),
            T("Жаңа карточка (бекітілген өрістер сақталады)",
              "Новая карточка (закреплённые поля сохраняются)")),
    Command("errors", T("Қател", "Ошиб"), T("Қателер мен ескертулер тізімі",
                                            "Список ошибок и предупреждений")),
    Command("persist", T("Бекіт", "Закр"),
            T("Өрісті бекіту: жаңа карточкада мәні қалады",
              "Закрепить поле: значение остаётся в новой карточке")),
    Command("quit", T("Шығу", "Выход"), T("Бағдарламадан шығу", "Выйти из программы")),
)
COMMAND_BY_ID = {c.id: c for c in COMMANDS}

# Same as config.toml [keys]; an id missing from the config uses these.
DEFAULT_KEYS: dict[str, str] = {
    "help": "f1,alt+1",
    "save": "f2,alt+2",
    "directory": "f3,alt+3",
    "directory_full": "f4,alt+4",
    "find": "f5,alt+5",
    "duplicates": "f6,alt+6",
    "journal": "f7,alt+7",
    "correct": "f8,alt+8",
    "history": "shift+f8,alt+h",
    "language": "f9,alt+9",
    "menu": "f10,alt+0",
    "new_card": "f11,alt+minus",
    "errors": "f12,alt+equal",
    "persist": "insert,alt+p",
    "quit": "ctrl+q,alt+q",
}

# Footer order: the legacy "1Помощь 2Сохр ..." bar.
FOOTER_IDS = ("help", "save", "directory", "directory_full", "find", "duplicates", "journal",
              "correct", "language", "menu")

_NAMED_CHARS = {"minus": "-", "equal": "=", "equals": "=", "plus": "+", "space": " ",
                "comma": ",", "period": ".", "full_stop": ".", "slash": "/"}

# The same physical key under the Russian layout (ЙЦУКЕН) ...
_RU = dict(zip("qwertyuiop[]asdfghjkl;'zxcvbnm,.`", "йцукенгшщзхъфывапролджэячсмитьбюё",
               strict=True))
# ... and the digit row of the Windows Kazakh layout.
_KZ = dict(zip("234589-=0", "әіңғүұөһқ", strict=True))


def _char_of(name: str) -> str | None:
    if len(name) == 1:
        return name
    return _NAMED_CHARS.get(name) or key_to_character(name)


def alt_aliases(key: str) -> list[str]:
    """Key names Textual may report for `key` (e.g. "alt+2"): the key itself, what ESC+char
    is parsed as, and the same physical key under the Russian / Kazakh layouts."""
    out = [key]
    mod, sep, name = key.rpartition("+")
    if mod != "alt" or not sep:
        return out
    char = _char_of(name)
    if char is None:
        return out
    out.append(f"alt+{_character_to_key(char)}")
    seen = ANSI_SEQUENCES_KEYS.get("\x1b" + char)
    if isinstance(seen, str) and len(seen) == 1:
        out.append(_character_to_key(seen))
    for table in (_RU, _KZ):
        other = table.get(char)
        if other:
            out.append(f"alt+{_character_to_key(other)}")
    return list(dict.fromkeys(out))


class KeyMap:
    """Command id -> keys, from the config with defaults."""

    def __init__(self, configured: dict[str, str] | None = None) -> None:
        self._keys: dict[str, list[str]] = {}
        for cid in DEFAULT_KEYS:
            raw = (configured or {}).get(cid) or DEFAULT_KEYS[cid]
            keys = [k.strip().lower() for k in raw.split(",") if k.strip()]
            self._keys[cid] = keys or [k for k in DEFAULT_KEYS[cid].split(",")]
        self._prefix: dict[str, str] = {}
        for cid, keys in self._keys.items():
            for key in keys:
                mod, sep, name = key.rpartition("+")
                if mod == "alt" and sep:
                    for alias in alt_aliases(key):
                        self._prefix.setdefault(alias.removeprefix("alt+"), cid)

    def keys(self, cid: str) -> list[str]:
        return list(self._keys[cid])

    def binding_keys(self, cid: str) -> str:
        """The comma-separated key list for a Textual Binding."""
        out: list[str] = []
        for key in self._keys[cid]:
            out.extend(alt_aliases(key))
        return ",".join(dict.fromkeys(out))

    def after_escape(self, key: str) -> str | None:
        """The command for a key typed right after Esc (Esc, 2 = Alt+2 = F2): for terminals
        and keyboards where Alt does not reach the program."""
        return self._prefix.get(key)

    def number(self, cid: str) -> str:
        """What the footer shows before the word: "2" for F2, else the key itself."""
        first = self._keys[cid][0]
        if first.startswith("f") and first[1:].isdigit():
            return first[1:]
        return key_label(first)

    def label(self, cid: str) -> str:
        """All keys of a command for the help screen: "F2, Alt+2"."""
        return ", ".join(key_label(k) for k in self._keys[cid])


def key_label(key: str) -> str:
    parts = key.split("+")
    names = {"alt": "Alt", "ctrl": "Ctrl", "shift": "Shift", "insert": "Ins",
             "escape": "Esc", "minus": "-", "equal": "=", "enter": "Enter", "tab": "Tab"}
    return "+".join(names.get(p, p.upper() if len(p) <= 3 else p.capitalize()) for p in parts)
