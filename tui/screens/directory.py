"""The directory window (F3 / F4): a codebook as a list, filtered as you type.

It opens with an empty filter and the field's current entry selected. Type a code's
beginning, words of its name in Kazakh or Russian or their beginnings, in any order,
or what operators call it ("пожар", "МВД": codebooks/keywords.csv), or words of its
parents' names ("астан" lists Astana's districts): models/codebook_match.py. A filter
that finds nothing says so and keeps the text for Ctrl+U to clear; same-named entries
show their parent. The
selected entry's full text is under the list. Up/Down/PgUp/PgDn move, Enter picks,
Esc closes without a pick.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import overload

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical

from models.card_schema import Field, Kind
from models.codebook import Entry, lineage, part_text
from models.codebook_match import relayout
from models.i18n import T
from tui import textual_private
from tui.screens import texts as tx
from tui.screens.base import QuietModal
from tui.widgets.editing import FieldEdit
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

FILTER = Field("filter", T("Іздеу", "Поиск"), Kind.TEXT, 60)
SEARCH = T("Іздеу", "Поиск")
HINT = T("Код, сөздер не қалай аталады ({ex})   Enter: таңдау   Esc: жабу",
         "Код, слова или как называют ({ex})   Enter: выбрать   Esc: закрыть")
PLAIN_HINT = T("Код не сөздер   Enter: таңдау   Esc: жабу",
               "Код или слова   Enter: выбрать   Esc: закрыть")
# What operators type into each book's filter, shown as the example of the hint line.
EXAMPLES = {
    "authority": T("ІІМ, өрт", "МВД, пожар"),
    "subject": T("ЖК, басшы", "ИП, директор"),
    "article": T("ЖКО, жылдамдық", "ДТП, скорость"),
    "article_part": T("ЖКО, мас", "ДТП, пьяный"),
    "kato": T("Алматы, Есіл", "Алматы, Есиль"),
    "penalty": T("айыппұл", "штраф"),
    "legal_form": T("ЖШС, АҚ", "ТОО, АО"),
    "commercial_status": T("КЕҰ", "НКО"),
    "document": T("жеке куәлік", "удо, права"),
    "citizenship": T("ҚР, ТМД", "РК, СНГ"),
    "intoxication": T("мас", "алк"),
}
FOUND = T("табылды: {n}", "найдено: {n}")
# A filter that finds nothing: what was typed stays (Ctrl+U clears it, as in every field).
NOTHING_FOR = T("«{q}» бойынша ештеңе табылмады.", "Ничего не найдено по «{q}».")
NOTHING_HINT = T("Кодты не басқа сөзді теріңіз; Ctrl+U: іздеуді өшіру",
                 "Наберите код или другое слово; Ctrl+U: стереть поиск")
SHOWN_QUERY = 40  # characters of the filter repeated in the message
LIMIT = 2000  # rows kept in the list; the filter narrows the rest
DETAIL_LINES = 3  # the selected entry's full text under the list
WARM = "0"  # a filter that makes a book's search texts (its result is not shown)


class DirectoryScreen(QuietModal[Entry | None]):
    """One window serves every directory: the card screen keeps it installed and
    `configure`s it for each opening, so an opening costs the terminal one repaint
    (a new window would be composed, mounted and laid out: four full repaints)."""

    AUTO_FOCUS = ""

    def __init__(self, lang: str, title: T, load: Callable[[str], list[Entry]],
                 current: str = "", book: str = "") -> None:
        super().__init__(lang)
        self.title_text = title
        self.book = book
        self.load = load
        self.filter = FieldEdit(FILTER)
        self.current = current  # the field's code: selected when the list opens
        self.entries: list[Entry] = []
        self._book_names: Counter[str] = Counter()  # names listed with an empty filter
        self._name_counts: Counter[str] | None = None  # in the list shown, when asked
        # What an opening needs of the list an empty filter gives (names counted, each
        # code's row, the code column's width), made once per list and language: the
        # books keep their lists (models.codebook.entries), so reopening the 1,967 article
        # parts counts nothing again
        self._listed: _Listed | None = None
        self._warmed: list[Entry] | None = None  # the list whose search texts are made

    def configure(self, lang: str, title: T, load: Callable[[str], list[Entry]],
                  current: str = "", book: str = "") -> None:
        """Show another directory (before the window is pushed again): empty filter, the
        field's current entry selected."""
        self.lang, self.title_text, self.load, self.current = lang, title, load, current
        self.book = book
        self.filter.set("")
        if self.is_mounted:
            self.relabel()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="filter")
            yield PickList(id="entries")
            for n in range(DETAIL_LINES):  # the selected entry in full, wrapped
                yield TextLine(role="name", id=f"detail{n}")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        # No widget takes focus: every key comes here, in order, so typing into the
        # filter and moving in the list cannot overtake each other.
        self.relabel()

    def on_screen_resume(self) -> None:
        # The book's search texts are made while the operator reads the opened window,
        # not on the first key typed into its filter (12 ms for the article parts); once
        # per list (they are kept with it).
        listed = self._listed.rows if self._listed else None
        if listed is None or listed is not self._warmed:
            self._warmed = listed
            self.call_after_refresh(self.load, WARM)

    def relabel(self) -> None:
        self.query_one("#title", TextLine).set_text(self.tr(self.title_text))
        example = EXAMPLES.get(self.book)
        self.query_one("#hint", TextLine).set_text(
            self.tr(T(HINT.kk.format(ex=example.kk), HINT.ru.format(ex=example.ru))
                    if example else PLAIN_HINT))
        self._refilter()

    def _refilter(self) -> None:
        found = self.load(self.filter.raw)
        self.entries = found if len(found) <= LIMIT else found[:LIMIT]
        self._name_counts = None
        at, width = 0, None
        if not self.filter.raw:  # every entry a filter can list (it only narrows)
            listed = self._listed
            if listed is None or listed.rows is not found or listed.lang != self.lang:
                listed = self._listed = _Listed(found, self.entries, self.lang)
            self._book_names = self._name_counts = listed.names
            at, width = listed.at.get(self.current, 0), listed.width
        pick = self.query_one(PickList)
        rows = _Rows(self.entries, self._row_name, width) if self.entries else self._nothing()
        pick.set_rows(rows, at)
        self._show_filter()
        self._show_detail(pick.index)

    def _nothing(self) -> list[str]:
        """The list's rows when the filter finds nothing: what was looked for, and what
        to do (the text typed is kept: one key clears it)."""
        typed = self.filter.raw.strip()
        if not typed:
            return [self.tr(tx.NOTHING_FOUND)]
        shown = typed if len(typed) <= SHOWN_QUERY else typed[:SHOWN_QUERY - 3] + "..."
        return [self.tr(NOTHING_FOR.format(q=shown)), self.tr(NOTHING_HINT)]

    def _row_name(self, entry: Entry) -> str:
        """The entry's name; with its parent's when another entry listed has the same
        name (three "Есіл ауданы": which region)."""
        name = entry.name(self.lang)
        if self._book_names.get(name, 2) > 1 and self._repeated(name):
            parents = lineage(entry)
            if parents:
                return f"{name} — {parents[0].name(self.lang)}"
        return name

    def _repeated(self, name: str) -> bool:
        """Another entry listed has this name (counted only when a row's name is not
        unique in the book: a filter key need not count the names of 1,967 parts)."""
        if self._name_counts is None:
            self._name_counts = Counter(e.name(self.lang) for e in self.entries)
        return self._name_counts[name] > 1

    def _show_detail(self, index: int) -> None:
        """The selected entry's full text (a long article part's sanction), wrapped."""
        text = ""
        if self.entries:
            e = self.entries[min(index, len(self.entries) - 1)]
            name = self._row_name(e)
            text = f"{e.code} {part_text(e, self.lang) if name == e.name(self.lang) else name}"
        width = max(20, self.query_one(PickList).size.width or 76)
        for n, line in enumerate(_detail_lines(text, width)):
            self.query_one(f"#detail{n}", TextLine).set_text(line)

    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        event.stop()
        self._show_detail(event.index)

    def _show_filter(self) -> None:
        count = self.tr(FOUND.format(n=len(self.entries)))
        # Typed with the Latin layout left on: what it was read as (the books hold no
        # Latin words, so what Latin text finds it finds read on the Russian layout).
        read = relayout(self.filter.raw) if self.entries else None
        shown = f"{self.filter.raw}_ = {read.strip()}" if read else f"{self.filter.raw}_"
        self.query_one("#filter", TextLine).set_text(f"{self.tr(SEARCH)}: {shown}   ({count})")

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        if self.entries:
            self.dismiss(self.entries[event.index])

    def on_key(self, event: events.Key) -> None:
        if self.query_one(PickList).pick_key(event):
            pass
        elif event.key == "escape":
            self.dismiss(None)
        elif event.key == "backspace":
            if self.filter.backspace():
                self._refilter()
        elif event.key == "ctrl+u":
            if self.filter.clear():
                self._refilter()
        elif event.is_printable and event.character:
            if self.filter.type(event.character):
                self._refilter()
        else:
            return
        event.stop()
        event.prevent_default()
        textual_private.paint_now(self)  # the key's answer leaves now

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if self.filter.paste(event.text.replace("\n", " ")):
            self._refilter()


@lru_cache(maxsize=8)  # a reopened window shows the same entry's text again
def _detail_lines(text: str, width: int) -> tuple[str, ...]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > DETAIL_LINES:
        lines = lines[:DETAIL_LINES]
        lines[-1] = fit(lines[-1] + " ...", width)
    return (*lines, *[""] * (DETAIL_LINES - len(lines)))


class _Listed:
    """A list an empty filter gives, as an opening shows it in one language."""

    def __init__(self, rows: list[Entry], shown: list[Entry], lang: str) -> None:
        self.rows, self.lang = rows, lang
        self.names = Counter(e.name(lang) for e in shown)
        self.at: dict[str, int] = {}  # each code's row (its first)
        for i, e in enumerate(shown):
            self.at.setdefault(e.code, i)
        self.width = _code_width(shown)


def _code_width(entries: list[Entry]) -> int:
    return max((len(e.code) for e in entries), default=1)


class _Rows(Sequence[str]):
    """A directory's rows, each made when the list draws it: a key typed into the
    filter of the 1,967 article parts costs the rows in view, not all of them."""

    def __init__(self, entries: list[Entry], name: Callable[[Entry], str],
                 width: int | None = None) -> None:
        self.entries, self.name = entries, name
        self.width = _code_width(entries) if width is None else width

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[n] for n in range(*i.indices(len(self)))]
        e = self.entries[i]
        return f"{e.code.ljust(self.width)}  {self.name(e)}"

