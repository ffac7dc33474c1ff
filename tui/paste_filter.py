"""Escape sequences inside a bracketed paste, taken out before Textual reads the input.

A terminal marks pasted text with ESC[200~ ... ESC[201~. Textual's reader ends the
pasted text at the first ESC inside it and replays what follows as typed keys (the ESC
as "^", a Ctrl+Q or Enter in it as that key): text copied from a coloured terminal or a
crafted file would then type into the card and run its commands. A paste is text: here
every escape sequence inside it (CSI, OSC, or ESC and one character) is dropped, so the
reader sees one paste ending at its own end marker. What remains goes to the field, whose
editor keeps only what it may hold (no control characters).

Outside a paste the input passes unchanged and at once: a lone Escape key is never held
back. Inside one, a sequence cut by the end of a read is held until the rest arrives.
"""

from __future__ import annotations

ESC = "\x1b"
START = ESC + "[200~"
END = ESC + "[201~"
BEL = "\x07"
OSC = ESC + "]"


class PasteFilter:
    """Feed the terminal's input as it is read; get it back without the escape
    sequences pasted text carried."""

    def __init__(self) -> None:
        self.inside = False
        self._tail = ""  # outside: the last few characters, for a START cut in two
        self._seq = ""  # inside: an escape sequence not yet ended

    def feed(self, data: str) -> str:
        out: list[str] = []
        while data:
            if not self.inside:
                data = self._outside(data, out)
            else:
                data = self._in_paste(data, out)
        return "".join(out)

    def _outside(self, data: str, out: list[str]) -> str:
        seen = self._tail + data
        at = seen.find(START)
        if at < 0:
            out.append(data)
            self._tail = seen[-(len(START) - 1):]
            return ""
        cut = at + len(START) - len(self._tail)  # where START ends within `data`
        out.append(data[:cut])
        self.inside, self._tail, self._seq = True, "", ""
        return data[cut:]

    def _in_paste(self, data: str, out: list[str]) -> str:
        for i, ch in enumerate(data):
            if not self._seq:
                if ch == ESC:
                    self._seq = ch
                else:
                    out.append(ch)
                continue
            if self._seq.startswith(OSC) and self._seq[-1] == ESC and ch != "\\":
                self._seq = ESC  # an OSC cut short: its ESC starts a sequence afresh
            if ch == ESC and not self._seq.startswith(OSC):
                self._seq = ESC  # a sequence cut short by another: that one is read
                continue
            self._seq += ch
            if self._seq == END:
                out.append(END)
                self.inside, self._seq = False, ""
                return data[i + 1:]
            if _ended(self._seq):
                self._seq = ""
        return ""


def _ended(seq: str) -> bool:
    """Whether `seq` (an ESC and what followed it) is a whole escape sequence."""
    if len(seq) < 2:
        return False
    kind = seq[1]
    if kind == "[":  # CSI: parameters and intermediates, then one final byte
        last = seq[-1]
        return len(seq) > 2 and "\x40" <= last <= "\x7e"
    if seq.startswith(OSC):  # OSC: up to BEL or ESC backslash
        return seq.endswith(BEL) or seq.endswith(ESC + "\\")
    return True  # ESC and one character
