"""config.toml [keys]: the command ids, their default keys, and the key names a binding
may use. The names are Textual's (models/ never imports Textual: they are kept here as
data, and a test compares them with Textual's own), plus the spelled-out punctuation
the key map reads (minus, equal, period, ...)."""

from __future__ import annotations

import string

from models.i18n import T

# Command id -> its keys; the same as the shipped config.toml and tui/keys.py's command
# table (a test keeps the three equal). An id missing from the config keeps these.
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
    "goto": "ctrl+g,alt+g",
    "life": "ctrl+l,alt+l",
    "print": "ctrl+p,alt+y",
    "notice": "ctrl+n,alt+n",
    "release": "alt+v",
    "protest": "ctrl+t,alt+t",
    "reg_journal": "ctrl+r,alt+r",
    "requests": "ctrl+k,alt+k",
    "retention": "ctrl+o,alt+o",
    "packages": "ctrl+e,alt+e",
    "queue": "ctrl+b,alt+u",
    "stats": "ctrl+x,alt+s",
    "quit": "ctrl+q,alt+q",
}
KEY_IDS = tuple(DEFAULT_KEYS)

MODIFIERS = ("ctrl", "alt", "shift")
# Keys by their name in Textual (textual.keys.Keys), function keys f1..f24.
NAMED_KEYS = frozenset({
    "escape", "enter", "tab", "backspace", "space", "insert", "delete", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right",
    *(f"f{n}" for n in range(1, 25)),
})
# Punctuation by Textual's character names, and the shorter names the key map accepts.
PUNCTUATION = frozenset({
    "minus", "plus", "comma", "full_stop", "slash", "semicolon", "apostrophe",
    "grave_accent", "left_square_bracket", "right_square_bracket", "equals_sign",
    "equal", "equals", "period",
})
BASE_KEYS = NAMED_KEYS | PUNCTUATION | frozenset(string.ascii_lowercase + string.digits)


def split_keys(value: str) -> list[str]:
    """"F2, alt+2" -> ["f2", "alt+2"]."""
    return [k.strip().lower() for k in value.split(",") if k.strip()]


def key_problem(key: str) -> T | None:
    """Why `key` is not a key name (None when it is one): modifiers (ctrl, alt, shift),
    each at most once, then one base key."""
    *mods, base = key.split("+")
    if base not in BASE_KEYS:
        return T("«{k}» деген перне жоқ", "Нет клавиши «{k}»").format(k=base[:40])
    for mod in mods:
        if mod not in MODIFIERS:
            return T("«{m}» түймесі жоқ (ctrl, alt, shift)",
                     "Нет модификатора «{m}» (ctrl, alt, shift)").format(m=mod[:40])
    if len(set(mods)) != len(mods):
        return T("түйме қайталанады", "модификатор повторяется")
    return None


def keymap_problem(keys: dict[str, str]) -> tuple[str, T] | None:
    """The first problem of a whole key map (command id -> "key,key"): a value that is
    not a list of keys, an unknown key name, or one key bound to two commands. Returns
    (config key, message) or None."""
    owner: dict[str, str] = {}
    for cid, value in keys.items():
        if not isinstance(value, str) or not split_keys(value):
            return cid, T("«f2,alt+2» сияқты пернелер тізімі керек",
                          "Нужен список клавиш вида «f2,alt+2»")
        for key in split_keys(value):
            problem = key_problem(key)
            if problem is not None:
                return cid, problem
            canonical = _canonical(key)
            if canonical in owner and owner[canonical] != cid:
                return cid, T("«{k}» пернесі «{o}» командасында да тұр",
                              "Клавиша «{k}» уже назначена команде «{o}»").format(
                                  k=key, o=owner[canonical])
            owner[canonical] = cid
    return None


_SAME = {"equal": "equals_sign", "equals": "equals_sign", "period": "full_stop"}


def _canonical(key: str) -> str:
    *mods, base = key.split("+")
    return "+".join([*sorted(mods), _SAME.get(base, base)])
