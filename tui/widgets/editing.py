"""Editing one card field as typed: what a key does to the text, and how it is shown.

Pure Python (no Textual) so the rules are easy to test. `raw` is the canonical text
kept in drafts and handed to models.validation.parse_field: digits only for dates
("12031985", shown "12.03.1985"), digits only for amounts (shown "39 320"), "1" or ""
for flags, the text itself otherwise.
"""

from __future__ import annotations

from models.card_schema import Field, Kind
from models.text import find_control

DIGIT_KINDS = {Kind.IIN, Kind.BIN, Kind.RNN, Kind.AMOUNT}
DATE_SEPARATORS = "./-, "
FLAG_ON = set('1xXхХ+дДиИyY "')  # space toggles; letters for "yes" on both layouts, 1 on
# the Kazakh one (")
FLAG_OFF = set("0-нНжЖnNқҚ")  # қ: 0 on the Kazakh layout
CODE_CHARS = set("0123456789-/.")
# The Kazakh layout (RST KazSSR 903-90, Windows and X11 alike) has no digits on its
# number row: its keys give these. An operator who keyed a Kazakh name and goes on to
# the IIN or a date with that layout on gets digits all the same. Its 6 and 7 keys give
# "," and ".": read as digits in a number field, "," in a code too (no code holds one),
# and both in any digit field once a key of that layout was seen in it (a date's "."
# otherwise separates, an amount's "," may be a decimal comma typed by habit).
KZ_NUMBER_ROW = {**{c: d for c, d in zip('"әіңғүұқ', "12345890", strict=True)},
                 **{c: d for c, d in zip("ӘІҢҒҮҰҚ", "2345890", strict=True)}}
KZ_PUNCTUATION = {",": "6", ".": "7"}
NUMBER_KINDS = DIGIT_KINDS - {Kind.AMOUNT}


def display_width(field: Field) -> int:
    """Cells the field takes on the form (without its brackets): fixed kinds their
    length, long texts a window that scrolls."""
    if field.kind == Kind.DATE:
        return 10
    if field.kind == Kind.FLAG:
        return 1
    if field.kind == Kind.AMOUNT:
        return field.length + (field.length - 1) // 3
    if field.kind == Kind.TEXT and field.length > 20:
        return max(15, min(40, field.length // 4))
    return field.length


# Why a typed character was refused (the screen says it at the field).
FULL = "full"
NOT_HERE = "not_here"


class FieldEdit:
    """The text of one field and the cursor in it.

    `fresh`: the field was just entered and nothing edited yet. The first printable key
    then replaces the whole text (DOS and CSPro forms do the same): a proposed number,
    a pinned code or today's date is typed over, never appended to. Any editing or
    cursor key first (Backspace, Left, Home...) keeps the text and edits it instead.
    """

    def __init__(self, field: Field, raw: str = "") -> None:
        self.field = field
        self.raw = ""
        self.cursor = 0
        self.fresh = False
        self.refused = ""  # FULL / NOT_HERE: why the last character typed was refused
        self.kz_layout = False  # a key of the Kazakh layout's number row typed here
        self.set(raw)

    # -- state ------------------------------------------------------------------------
    def set(self, raw: str) -> None:
        self.raw = self._accept_all(raw or "")
        self.cursor = len(self.raw)
        self.fresh = False

    def enter(self) -> None:
        """The cursor comes into the field: at the end, and the next character typed
        replaces the text."""
        self.cursor = len(self.raw)
        self.fresh = bool(self.raw)
        self.kz_layout = False

    def _digit(self, ch: str) -> str:
        """The digit a key of the Kazakh layout's number row stands for in a field of
        digits (KZ_NUMBER_ROW); any other character as it is."""
        kind = self.field.kind
        if kind not in DIGIT_KINDS and kind not in (Kind.DATE, Kind.DIGITS, Kind.CODE):
            return ch
        if ch in KZ_NUMBER_ROW:
            self.kz_layout = True
            return KZ_NUMBER_ROW[ch]
        if ch in KZ_PUNCTUATION and (self.kz_layout or kind in NUMBER_KINDS or (
                ch == "," and kind in (Kind.CODE, Kind.DIGITS))):
            return KZ_PUNCTUATION[ch]
        return ch

    def _accept_all(self, raw: str) -> str:
        out = ""
        for ch in raw:
            if self._allowed(ch, out):
                out += ch
        return out[: self.max_len]

    @property
    def max_len(self) -> int:
        return 8 if self.field.kind == Kind.DATE else self.field.length

    @property
    def full(self) -> bool:
        return len(self.raw) >= self.max_len

    def _allowed(self, ch: str, before: str) -> bool:
        if find_control(ch) is not None or not ch.isprintable():
            return False
        kind = self.field.kind
        if kind in DIGIT_KINDS or kind == Kind.DATE:
            return ch.isdigit() and ch.isascii()
        if kind == Kind.DIGITS:
            return (ch.isdigit() and ch.isascii()) or (ch == "-" and "-" not in before)
        if kind == Kind.CODE:
            return ch.isascii() and (ch.isalnum() or ch in CODE_CHARS)
        if kind == Kind.FLAG:
            return ch == "1"
        return True

    # -- keys -------------------------------------------------------------------------
    def type(self, ch: str) -> bool:
        """A printable character typed; True if the text changed (if not, `refused`
        says why)."""
        kind = self.field.kind
        self.refused = ""
        ch = self._digit(ch)
        if self.fresh and kind != Kind.FLAG:
            if not self._allowed(ch, ""):
                self.refused = NOT_HERE
                return False
            self.raw, self.cursor = "", 0  # typed over: the text is replaced
        self.fresh = False
        if kind == Kind.FLAG:
            if ch not in FLAG_ON and ch not in FLAG_OFF:
                self.refused = NOT_HERE  # a stray letter neither sets nor clears it
                return False
            new = "1" if ch in FLAG_ON and (ch != " " or not self.raw) else ""
            changed = new != self.raw
            self.raw, self.cursor = new, 0
            return changed
        if kind == Kind.DATE and ch in DATE_SEPARATORS:
            return self._date_separator()
        if not self._allowed(ch, self.raw[: self.cursor]):
            self.refused = NOT_HERE
            return False
        if self.full:
            self.refused = FULL
            return False
        self.raw = self.raw[: self.cursor] + ch + self.raw[self.cursor:]
        self.cursor += 1
        return True

    def _date_separator(self) -> bool:
        """"1.3.1985" typed with separators: a one-digit day or month gets its zero."""
        head = self.raw[: self.cursor]
        if self.cursor != len(self.raw) or len(head) not in (1, 3):
            return False
        self.raw = head[:-1] + "0" + head[-1]
        self.cursor = len(self.raw)
        return True

    def paste(self, text: str) -> bool:
        changed = False
        if self.fresh and text:
            self.raw, self.cursor, self.fresh = "", 0, False
        for ch in text:
            changed = self.type(ch) or changed
        return changed

    def backspace(self) -> bool:
        self.fresh = False
        if self.field.kind == Kind.FLAG:
            changed, self.raw = bool(self.raw), ""
            return changed
        if self.cursor == 0:
            return False
        self.raw = self.raw[: self.cursor - 1] + self.raw[self.cursor:]
        self.cursor -= 1
        return True

    def delete(self) -> bool:
        self.fresh = False
        if self.cursor >= len(self.raw):
            return self.backspace() if self.field.kind == Kind.FLAG else False
        self.raw = self.raw[: self.cursor] + self.raw[self.cursor + 1:]
        return True

    def clear(self) -> bool:
        self.fresh = False
        changed = bool(self.raw)
        self.raw, self.cursor = "", 0
        return changed

    def move(self, where: str) -> bool:
        self.fresh = False
        old = self.cursor
        if where == "left":
            self.cursor = max(0, self.cursor - 1)
        elif where == "right":
            self.cursor = min(len(self.raw), self.cursor + 1)
        elif where == "home":
            self.cursor = 0
        elif where == "end":
            self.cursor = len(self.raw)
        return old != self.cursor

    # -- display ----------------------------------------------------------------------
    def shown(self) -> tuple[str, int]:
        """(text as shown, cursor position in it)."""
        kind, raw, cur = self.field.kind, self.raw, self.cursor
        if kind == Kind.DATE:
            text = raw[:2] + ("." if len(raw) > 2 else "") + raw[2:4] + (
                "." if len(raw) > 4 else "") + raw[4:]
            return text, cur + (cur > 2) + (cur > 4)
        if kind == Kind.AMOUNT:
            return group_thousands(raw), _grouped_cursor(raw, cur)
        if kind == Kind.FLAG:
            return ("X" if raw else " "), 0
        return raw, cur

    def window(self, width: int) -> tuple[str, int]:
        """The shown text cut to `width` cells around the cursor; (text, cursor column)."""
        text, cur = self.shown()
        if self.field.kind == Kind.AMOUNT:
            pad = max(0, width - 1 - len(text))
            return " " * pad + text, pad + cur
        # The cursor may sit just after a full box's last character: it is then drawn
        # on that character rather than scrolling the text by one.
        start = 0 if cur < width or len(text) <= width else cur - width + 1
        return text[start: start + width], cur - start


def group_thousands(digits: str) -> str:
    if not digits:
        return ""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i: i + 3] for i in range(head, len(digits), 3)]
    return " ".join(groups)


def _grouped_cursor(digits: str, cur: int) -> int:
    """Column in the grouped text just after the first `cur` digits."""
    seen = 0
    for col, ch in enumerate(group_thousands(digits)):
        if seen == cur:
            return col
        seen += ch != " "
    return len(group_thousands(digits))
