"""The card being typed, apart from its widgets: field texts, what the operator has
visited, fields kept for the next card, and the issues to show. No Textual here; the
rules themselves are asked of models (validation, choices, cards)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import choices
from models.card_schema import FIELDS, Field, Kind, Subject
from models.validation import Issue, parse_field, subject_kind, validate_card
from tui.widgets.layout import chunks

# Fields whose names beside them depend on another field: the whole line's chunk is
# described at once (line 9: article, part, paragraph).
CHUNK_FIELDS: dict[str, tuple[str, ...]] = {c.key: tuple(f.name for f in c.fields)
                                            for c in chunks() if c.named}


def raw_of(field: Field, value: Any) -> str:
    """A stored value as the form's editable text (the inverse of parse_field)."""
    if value is None or value == "":
        return ""
    if field.kind == Kind.DATE and isinstance(value, dt.date):
        return value.strftime("%d%m%Y")
    if field.kind == Kind.FLAG:
        return "1" if value else ""
    return str(value)


class CardState:
    def __init__(self, raw: dict[str, str] | None = None) -> None:
        self.raw: dict[str, str] = {name: "" for name in FIELDS}
        self.values: dict[str, Any] = {}
        self.parse_issues: dict[str, list[Issue]] = {}
        self.touched: set[str] = set()
        self.pinned: set[str] = {f.name for f in FIELDS.values() if f.persistent}
        self.show_all = False  # after a save attempt every issue is shown
        self.issues: list[Issue] = []
        for name, text in (raw or {}).items():
            if name in FIELDS:
                self.set(name, text)

    # -- values -----------------------------------------------------------------------
    def set(self, name: str, text: str) -> None:
        self.raw[name] = text
        value, issues = parse_field(FIELDS[name], text)
        self.values[name] = value
        self.parse_issues[name] = issues

    def typed_values(self) -> dict[str, Any]:
        return {name: self.values.get(name) for name in FIELDS}

    @property
    def kind(self) -> Subject | None:
        return subject_kind(self.values)

    def visible(self, name: str, kind: Subject | None = None) -> bool:
        return FIELDS[name].visible_for(kind if kind is not None else self.kind)

    def hidden_with_data(self, kind: Subject | None) -> list[str]:
        """Fields that `kind` hides and that hold something typed."""
        return [n for n, f in FIELDS.items() if not f.visible_for(kind) and self.raw[n]]

    def has_typed(self, defaults: dict[str, str]) -> bool:
        """Anything typed beyond the new card's defaults and the kept fields."""
        return any(text and text != defaults.get(name, "") and name not in self.pinned
                   for name, text in self.raw.items())

    # -- issues -----------------------------------------------------------------------
    def check(self, today: dt.date | None = None) -> list[Issue]:
        """All issues of the card as it stands (fields hidden for the subject skipped)."""
        kind = self.kind
        parsed = [i for name, found in self.parse_issues.items() if self.visible(name, kind)
                  for i in found]
        bad = {i.field for i in parsed}
        values = {n: (None if n in bad else v) for n, v in self.typed_values().items()}
        card = [i for i in validate_card(values, today) if i.field not in bad]
        self.issues = parsed + card
        return self.issues

    def shown(self) -> list[Issue]:
        """Issues the operator should see now: those of fields already left, or all of
        them once a save was tried. In form order."""
        order = {f.name: i for i, f in enumerate(f for c in chunks() for f in c.fields)}
        out = [i for i in self.issues if self.show_all or i.field in self.touched]
        return sorted(out, key=lambda i: (not i.is_error, order.get(i.field, 0)))

    def marks(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for issue in self.shown():
            if issue.is_error:
                out[issue.field] = "error"
            else:
                out.setdefault(issue.field, "warning")
        return out

    # -- names beside codes ------------------------------------------------------------
    def names(self, lang: str) -> dict[str, str]:
        values = self.typed_values()
        out = {}
        for key, names in CHUNK_FIELDS.items():
            text = choices.describe(names, values)
            out[key] = text(lang) if text else ""
        return out

    # -- the person on the card ---------------------------------------------------------
    def who(self) -> str:
        """"Касымов Е.Н." or the legal entity's name, for the title bar."""
        kind = self.kind
        if kind == Subject.LEGAL:
            return self.raw["legal_name"].strip()
        surname = self.raw["surname"].strip()
        initials = "".join(f"{p.strip()[0]}." for p in (self.raw["given_name"],
                                                         self.raw["patronymic"]) if p.strip())
        return f"{surname} {initials}".strip()

    # -- new card -----------------------------------------------------------------------
    def keep_pinned(self) -> dict[str, str]:
        return {n: self.raw[n] for n in self.pinned if self.raw[n]}

    def draft(self, focus: str | None, cursor: int) -> dict[str, Any]:
        return {"values": {n: t for n, t in self.raw.items() if t}, "focus": focus,
                "cursor": cursor, "pinned": sorted(self.pinned), "touched": sorted(self.touched)}
