"""The card being typed, as one plain object (no Textual): every field's text and
cursor, the field typed into, what the operator has left, the fields pinned for the
next card, the issues to show, and the duplicates window's pending decision.

The form's field boxes draw the FieldEdit objects held here: the text typed lives in
one place. Values are parsed from the text when asked (and kept until it changes).
The rules themselves are asked of models (validation, choices, matching).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from models import choices
from models.card_schema import FIELDS, IDENT_FIELDS, Field, Kind, Subject
from models.validation import Issue, parse_field, subject_kind, validate_card
from tui.widgets.editing import FieldEdit
from tui.widgets.layout import chunks, field_order

if TYPE_CHECKING:  # decisions load with the duplicates window (scoring, rapidfuzz)
    from models.matching.decisions import Decision

# Fields whose names beside them depend on another field: the whole line's chunk is
# described at once (line 9: article, part, paragraph).
CHUNK_FIELDS: dict[str, tuple[str, ...]] = {c.key: tuple(f.name for f in c.fields)
                                            for c in chunks() if c.named}
IDENT = tuple(f.name for f in IDENT_FIELDS)
FORM_ORDER = {f.name: i for i, f in enumerate(field_order())}
# The piece of a card line a field sits in on the form: line 14.1's birth date is in the
# identification block on top, its address further down; each piece is left apart.
CHUNK_OF = {f.name: c.key for c in chunks() for f in c.fields}


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
    def __init__(self, texts: Mapping[str, str] | None = None,
                 pinned: set[str] | None = None) -> None:
        self.edits: dict[str, FieldEdit] = {name: FieldEdit(f) for name, f in FIELDS.items()}
        self._parsed: dict[str, tuple[str, Any, list[Issue]]] = {}
        self.focus = "subject"
        self.touched: set[str] = set()  # fields the operator has left
        self.lines_left: set[str] = set()  # pieces of card lines moved out of (CHUNK_OF)
        self.pinned: set[str] = ({f.name for f in FIELDS.values() if f.persistent}
                                 if pinned is None else set(pinned))
        self.show_all = False  # after a save attempt every issue is shown
        self.issues: list[Issue] = []
        self._checked_on = dt.date.today()
        self._decision: tuple[tuple[str, ...], Decision] | None = None
        # What the last check and names were computed from: a move that changed nothing
        # (Enter past an empty line) does not validate the whole card again.
        self._checked: tuple[tuple[str, ...], Decision | None, dt.date | None] | None = None
        self._named: tuple[tuple[str, ...], str, dict[str, str]] | None = None
        self.on_set: Callable[[str], None] | None = None  # the screen repaints the field
        self.load(texts or {})

    # -- text and values --------------------------------------------------------------
    def text(self, name: str) -> str:
        return self.edits[name].raw

    def texts(self) -> dict[str, str]:
        return {name: e.raw for name, e in self.edits.items()}

    def set(self, name: str, text: str) -> None:
        """Put text into a field (not typed: a pick, a default, a draft)."""
        edit = self.edits[name]
        if edit.raw != text:
            edit.set(text)
            if self.on_set is not None:
                self.on_set(name)

    def load(self, texts: Mapping[str, str], pinned: set[str] | None = None) -> None:
        """Every field's text at once (fields missing from `texts` emptied), as a new
        card: nothing left, nothing decided."""
        for name in FIELDS:
            self.set(name, texts.get(name, ""))
        if pinned is not None:
            self.pinned = set(pinned)
        self.touched, self.lines_left = set(), set()
        self.show_all = False
        self._decision = None
        self.focus = "subject"
        self.issues = []
        self._checked = None

    def _parse(self, name: str) -> tuple[Any, list[Issue]]:
        raw = self.edits[name].raw
        cached = self._parsed.get(name)
        if cached is None or cached[0] != raw:
            value, issues = parse_field(FIELDS[name], raw)
            cached = self._parsed[name] = (raw, value, issues)
        return cached[1], cached[2]

    def value(self, name: str) -> Any:
        return self._parse(name)[0]

    def typed_values(self) -> dict[str, Any]:
        return {name: self.value(name) for name in FIELDS}

    @property
    def kind(self) -> Subject | None:
        return subject_kind({"subject": self.value("subject")})

    def hidden_with_data(self, kind: Subject | None) -> list[str]:
        """Fields that `kind` hides and that hold something typed."""
        return [n for n, f in FIELDS.items() if not f.visible_for(kind) and self.text(n)]

    def has_typed(self, defaults: Mapping[str, str]) -> bool:
        """Anything typed beyond the new card's defaults and the kept fields."""
        return any(text and text != defaults.get(name, "") and name not in self.pinned
                   for name, text in self.texts().items())

    def keep_pinned(self) -> dict[str, str]:
        return {n: self.text(n) for n in sorted(self.pinned) if self.text(n)}

    # -- where the operator is --------------------------------------------------------
    @property
    def cursor(self) -> int:
        return self.edits[self.focus].cursor

    def left(self, name: str, target: str) -> None:
        """The operator moved from field `name` to `target`."""
        self.touched.add(name)
        if CHUNK_OF[name] != CHUNK_OF[target]:
            self.lines_left.add(CHUNK_OF[name])

    # -- issues -----------------------------------------------------------------------
    def check(self, today: dt.date | None = None) -> list[Issue]:
        """All issues of the card as it stands (fields hidden for the subject skipped)."""
        key = (tuple(e.raw for e in self.edits.values()), self.decision, today)
        done = self._checked
        if done is not None and done[0] == key[0] and done[1] is key[1] and done[2] == key[2] \
                and (today is not None or self._checked_on == dt.date.today()):
            return self.issues
        self._checked, self._checked_on = key, dt.date.today()
        kind = self.kind
        parsed = [i for name, f in FIELDS.items() if f.visible_for(kind)
                  for i in self._parse(name)[1]]
        bad = {i.field for i in parsed}
        values = {n: (None if n in bad else v) for n, v in self.typed_values().items()}
        card = [i for i in validate_card(values, today) if i.field not in bad]
        decided = self.decision.warnings() if self.decision is not None else []
        self.issues = parsed + card + decided
        return self.issues

    def shown(self) -> list[Issue]:
        """Issues the operator should see now: a field's own once it is left, a line's
        others once the line is left (a rule about line 4 waits while the operator is
        still on line 4), or all of them once a save was tried; the duplicates
        window's at once. In form order."""
        left = self.lines_left
        decided = self.decision.warnings() if self.decision is not None else []
        out = [i for i in self.issues if self.show_all or CHUNK_OF.get(i.field) in left
               or (i.field in self.touched and self.text(i.field)) or i in decided]
        return sorted(out, key=lambda i: (not i.is_error, FORM_ORDER.get(i.field, 0)))

    def blocking(self, name: str) -> list[Issue]:
        """Errors that keep the cursor in field `name` when the operator moves on: what
        was typed there is not a value the field can hold (a bad date, an unknown code).
        An empty field never blocks: a missing line is said when the line is left."""
        if not self.text(name):
            return []
        own = [i for i in self._parse(name)[1] if i.is_error]
        if not own and FIELDS[name].codebook and not choices.known(name, self.typed_values()):
            own = [i for i in self.check() if i.field == name and i.is_error]
        return own

    def marks(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for issue in self.shown():
            if issue.is_error:
                out[issue.field] = "error"
            else:
                out.setdefault(issue.field, "warning")
        return out

    # -- names beside codes, the person on the card ----------------------------------------
    def names(self, lang: str) -> dict[str, str]:
        texts = tuple(e.raw for e in self.edits.values())
        if self._named is not None and self._named[:2] == (texts, lang):
            return dict(self._named[2])
        values = self.typed_values()
        out = {}
        for key, names in CHUNK_FIELDS.items():
            text = choices.describe(names, values)
            out[key] = text(lang) if text else ""
        self._named = (texts, lang, dict(out))
        return out

    def who(self) -> str:
        """"Касымов Е.Н." or the legal entity's name, for the title bar."""
        if self.kind == Subject.LEGAL:
            return self.text("legal_name").strip()
        surname = self.text("surname").strip()
        initials = "".join(f"{p.strip()[0]}." for p in (self.text("given_name"),
                                                         self.text("patronymic")) if p.strip())
        return f"{surname} {initials}".strip()

    # -- the duplicates window's decision ----------------------------------------------------
    def ident_key(self) -> tuple[str, ...]:
        return tuple(self.text(n) for n in IDENT)

    @property
    def decision(self) -> Decision | None:
        """The pending decision, while the identification it was taken for stands."""
        if self._decision is None or self._decision[0] != self.ident_key():
            return None
        return self._decision[1]

    def decide(self, decision: Decision | None) -> None:
        self._decision = None if decision is None else (self.ident_key(), decision)

    # -- drafts -----------------------------------------------------------------------------
    def draft(self, lang: str) -> dict[str, Any]:
        return {"values": {n: t for n, t in self.texts().items() if t}, "focus": self.focus,
                "cursor": self.cursor, "pinned": sorted(self.pinned),
                "touched": sorted(self.touched), "lines_left": sorted(self.lines_left),
                "lang": lang}

    def load_draft(self, draft: Mapping[str, Any]) -> None:
        self.load(draft.get("values") or {}, set(draft.get("pinned") or ()))
        self.touched = {n for n in draft.get("touched") or () if n in FIELDS}
        self.lines_left = set(draft.get("lines_left") or ())
        self.focus = draft.get("focus") if draft.get("focus") in FIELDS else "subject"
