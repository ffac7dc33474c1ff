"""Text hygiene and folding shared by validation, directories and matching."""

from __future__ import annotations

import re
import unicodedata

# What never enters a stored text nor another operator's screen: control characters
# (Cc: C0, C1, DEL; tab and newline too, card fields are one line), format characters
# (Cf: bidi marks, zero-width and invisible characters, soft hyphen, tags, BOM),
# surrogates (Cs), private use (Co), unassigned code points (Cn) and the line and
# paragraph separators (Zl, Zp). `str.isprintable` is false for exactly these and for
# spaces other than U+0020 (Zs), which `clean` turns into plain spaces.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_SPACES = re.compile(r"\s+")

# Kazakh letters folded to the Russian letters people type for them (§ kazakh_alphabet.csv).
KK_TO_RU = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ё": "е",
    "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х",
    "І": "И", "Ё": "Е",
})


def refused_char(ch: str) -> bool:
    """A character no text field may hold (see REFUSED_CATEGORIES)."""
    return not ch.isprintable() and unicodedata.category(ch) in REFUSED_CATEGORIES


def find_control(value: str) -> int | None:
    """Index of the first refused character (a control character, the ESC of an escape
    sequence, a format, unassigned, private-use or separator character), or None."""
    if value.isprintable():  # the common case, in C
        return None
    for i, ch in enumerate(value):
        if refused_char(ch):
            return i
    return None


def describe_char(ch: str) -> str:
    """A refused character as a user can look it up: U+200B."""
    return f"U+{ord(ch):04X}"


def clean(value: str) -> str:
    """NFC and trimmed, inner runs of spaces collapsed. Does not remove controls:
    callers reject them with a message instead of silently altering the text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def strip_control(value: str) -> str:
    """For display of text from outside (never for storing): refused characters become '?'."""
    if value.isprintable():
        return value
    return "".join("?" if refused_char(ch) else ch for ch in value)


def fold(value: str) -> str:
    """Case- and Kazakh/Russian-insensitive form for filtering and search keys."""
    return clean(value).casefold().translate(KK_TO_RU)
