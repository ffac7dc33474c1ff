"""Text hygiene and folding shared by validation, directories and matching."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters (tab and newline included: card fields are one line),
# DEL, and the bidi / zero-width format characters that can hide text on a screen.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")

# Kazakh letters folded to the Russian letters people type for them (§ kazakh_alphabet.csv).
KK_TO_RU = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ё": "е",
    "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х",
    "І": "И", "Ё": "Е",
})


def find_control(value: str) -> int | None:
    """Index of the first control character or escape sequence, or None."""
    m = _CONTROL.search(value)
    return m.start() if m else None


def clean(value: str) -> str:
    """NFC and trimmed, inner runs of spaces collapsed. Does not remove controls:
    callers reject them with a message instead of silently altering the text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def strip_control(value: str) -> str:
    """For display of text from outside (never for storing): controls become '?'."""
    return _CONTROL.sub("?", value)


def fold(value: str) -> str:
    """Case- and Kazakh/Russian-insensitive form for filtering and search keys."""
    return clean(value).casefold().translate(KK_TO_RU)
