"""A name key with a few keying slips, drawn by hypothesis: the pairs a search scores."""

from __future__ import annotations

from hypothesis import strategies as st


def slipped(a: str, data: st.DataObject, fewest: int, keep_one: bool = False) -> str:
    """`a` with `fewest` to 3 edits: two letters swapped, one added, left out or
    replaced (`keep_one`: never down to the empty key)."""
    b = list(a)
    for _ in range(data.draw(st.integers(fewest, 3))):
        at = data.draw(st.integers(0, max(0, len(b) - 1)))
        edit = data.draw(st.sampled_from(["swap", "insert", "delete", "replace"]))
        if edit == "swap" and at + 1 < len(b):
            b[at], b[at + 1] = b[at + 1], b[at]
        elif edit == "insert":
            b.insert(at, data.draw(st.sampled_from("aeoxy")))
        elif edit == "delete" and len(b) > int(keep_one):
            del b[at]
        elif b:
            b[at] = data.draw(st.sampled_from("aeoxy"))
    return "".join(b)
