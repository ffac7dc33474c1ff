"""Names typed with the wrong keyboard layout on: the operator meant Cyrillic and the
terminal was on Latin (Rhfdxtyrj for Кравченко, Yehkfy for Нурлан). A common slip of
anyone who switches layouts all day; the search reads such text both ways."""

from __future__ import annotations

import re

# The Russian keyboard's letters on the Latin layout's keys (ЙЦУКЕН over QWERTY).
_LAYOUT = str.maketrans(
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~",
    "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ")
_KEYS = r"A-Za-z\[\];',.`{}:\"<>~"
_LAYOUT_TEXT = re.compile(f"[{_KEYS}][{_KEYS} \\-]*")


def wrong_layout(text: str) -> str | None:
    """`text` read as the Cyrillic letters of the keys that typed it; None for text
    that is not only Latin-layout keys. Whether it was a slip or a Latin spelling
    (Kassymov) the caller decides: the search tries both."""
    text = text.strip()
    if not _LAYOUT_TEXT.fullmatch(text):
        return None
    # "D." is an initial with its full stop, whatever the layout.
    meant = " ".join(w[:-1].translate(_LAYOUT) + "." if len(w) == 2 and w[1] == "." else
                     w.translate(_LAYOUT) for w in text.split())
    return meant if meant != text else None
