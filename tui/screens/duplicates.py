"""The person (or legal entity) may already be in the register (§34-1): the
candidates, best first, with the selected one's address and earlier cards.

    1 / Enter  same person: the card will be linked to them. If the card's
               identification data differ, they are listed, none ticked: Space ticks
               those to take into the register (former values kept, §38; only the
               role that may correct), 1 takes the ticked ones, 2 / Enter links
               without changing anything
    2          a different person: none of the listed is offered again for the card
    On a conflict (the same IIN, BIN or RNN with another record's data) Enter links
    nothing: the card keeps its own new person and a warning at the number, the pair
    stays undecided. Linking to the conflicting record takes 1 (then 2 or 1 for a
    person): never the default key.
    3          the selected candidate's cards (Enter on one opens it)
    Esc        back to the card, nothing decided

"Exact" means the IIN (BIN, RNN) and the identification data agree; the same number
with another person's data is shown as a conflict. The result is a
models.matching.decisions.Decision, or None for Esc: nothing is written here, the card's save
applies the decision in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.binding import Binding
from textual.containers import Vertical

from models import matching
from models.card_schema import FIELDS
from models.db import is_database_error
from models.i18n import T
from models.matching.decisions import CONFLICT, Decision, agreement, person_changes
from models.permissions import Action, allowed
from tui.screens.base import QuietModal, read_in_thread
from tui.screens.texts import OpenScreen
from tui.session import Session
from tui.widgets.line import TextLine, fit
from tui.widgets.picklist import PickList

TITLE = T("Тізілімде ұқсас адамдар бар: {n}", "В реестре есть похожие лица: {n}")
TITLE_LEGAL = T("Тізілімде ұқсас ұйымдар бар: {n}", "В реестре есть похожие организации: {n}")
COLUMNS = (T("Балл", "Балл"), T("Сәйкестік", "Совпадение"),
           T("Тегі, аты, әкесінің аты", "Фамилия, имя, отчество"), T("Туған күні", "Дата рожд."),
           T("ЖСН", "ИИН"))
COLUMNS_LEGAL = (T("Балл", "Балл"), T("Сәйкестік", "Совпадение"), T("Атауы", "Наименование"),
                 T("БСН / СТН", "БИН / РНН"))
WIDTHS = (4, 10, 33, 10, 12)  # 73 columns with the spaces: fits the 74 inside the frame
WIDTHS_LEGAL = (4, 10, 31, 27)
BANDS = {matching.EXACT: T("нақты", "точно"), matching.PROBABLE: T("ықтимал", "вероятно"),
         matching.POSSIBLE: T("мүмкін", "возможно"), CONFLICT: T("ҚАЙШЫЛЫҚ", "КОНФЛИКТ")}
ADDRESS = T("Мекенжайы: {a}", "Адрес: {a}")
NO_ADDRESS = T("Мекенжайы көрсетілмеген", "Адрес не указан")
CARDS_OF = T("{who}: карточкалары", "{who}: карточки")
NO_CARDS = T("Бұрынғы карточкалары жоқ", "Прежних карточек нет")
LOADING = T("Карточкалар жүктелуде...", "Загрузка карточек...")
MORE = T("... тағы {n}: 3 пернесі", "... ещё {n}: клавиша 3")
HINT = T("1/Enter Сол адам  2 Басқа адам  3 Карточкалары  Esc Қайту",
         "1/Enter То же лицо  2 Другое лицо  3 Его карточки  Esc Назад")
HINT_LEGAL = T("1/Enter Сол ұйым  2 Басқа ұйым  3 Карточкалары  Esc Қайту",
               "1/Enter Та же организация  2 Другая  3 Карточки  Esc Назад")
HINT_CONFLICT = T("Enter Байланыстырмау  1 Сол адам  2 Басқа адам  3 Карточкалары  Esc Қайту",
                  "Enter Не связывать  1 То же лицо  2 Другое лицо  3 Его карточки  Esc Назад")
HINT_CONFLICT_LEGAL = T(
    "Enter Байланыстырмау  1 Сол ұйым  2 Басқа ұйым  3 Карточкалары  Esc Қайту",
    "Enter Не связывать  1 Та же организация  2 Другая  3 Карточки  Esc Назад")
HINT_CARDS = T("Enter Карточканы ашу  3/Esc Тізімге қайту",
               "Enter Открыть карточку  3/Esc Назад к списку")
FIX_TITLE = T("Карточка тізілімнен өзгеше: {who}", "Карточка расходится с реестром: {who}")
CONFLICT_TITLE = T("ЖСН бірдей, деректер басқа адамдікі: {who}",
                   "ИИН совпадает, данные другого лица: {who}")
FIX_HINT = T("Бос орын [x]  1 Белгіленгенді түзету  2/Enter Түзетпей байланыстыру  Esc",
             "Пробел [x]  1 Исправить отмеченное  2/Enter Связать без изменений  Esc Назад")
FIX_HINT_CONFLICT = T("Бос орын [x]  1 Белгіленгенді түзету  2 Түзетпей байланыстыру  Esc Қайту",
                      "Пробел [x]  1 Исправить отмеченное  2 Связать без изменений  Esc Назад")
CONFLICT_ENTER = T("Басқа адаммен байланыстыру: 2 немесе 1; байланыстырмау: Esc, Enter",
                   "Связать с другим лицом: 2 или 1; не связывать: Esc, затем Enter")
NONE_TICKED = T("Ештеңе белгіленбеген: Бос орын белгілейді", "Ничего не отмечено: Пробел отмечает")
MAY_NOT_CORRECT = T("Тізілімдегі деректерді тек әкімші түзетеді: 2 түзетпей байланыстырады",
                    "Данные реестра исправляет только администратор: 2 связывает без изменений")
DB_FAILED = T("Дерекқор қатесі: қайталап көріңіз", "Ошибка базы данных: попробуйте ещё раз")
# An earlier card's row: date, article, penalty, fine imposed (tenge), status: 73 with
# the spaces. The fine has its own column, whole; a long penalty name may be cut.
CARD_WIDTHS = (10, 9, 23, 11, 16)


def _date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "          "


def _columns(cells: list[str], widths: tuple[int, ...]) -> str:
    return " ".join(fit(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _value(v: Any) -> str:
    return v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else str(v or "-")


class DuplicatesScreen(QuietModal[Decision | None]):
    """DuplicatesScreen(session, values, found): `values` the card's typed values (card
    field names), `found` what models.matching.find_candidates / find_legal_candidates
    returned for them (not empty)."""

    # Digits are the same keys on Latin, Russian and Kazakh layouts.
    BINDINGS = [Binding(key, f"choice('{key}')", show=False, priority=True)
                for key in ("1", "2", "3", "escape", "space")]

    def __init__(self, session: Session, values: dict[str, Any], found: list[Any]) -> None:
        super().__init__(session.lang)
        self.session = session
        self.values = dict(values)
        self.found = list(found)[:10]
        self.legal = bool(self.found) and isinstance(self.found[0], matching.LegalCandidate)
        self.cards: dict[int, list[matching.CardSummary]] | None = None
        self.mode = "list"  # list | cards | fix
        self.changes: dict[str, tuple[Any, Any]] = {}
        self.take: set[str] = set()  # changes ticked to be taken into the register
        self.may_correct = allowed(session.user, Action.CORRECT_PERSON)

    # -- layout ----------------------------------------------------------------------
    def compose(self):
        with Vertical(classes="dialog -tall"):
            yield TextLine(role="title", id="title")
            yield TextLine(id="head")
            cands = PickList(id="candidates")
            cands.styles.height = max(1, len(self.found))
            yield cands
            yield TextLine(id="address")
            yield PickList(id="cards")
            yield TextLine(id="hint")

    def on_mount(self) -> None:
        self.query_one("#candidates", PickList).focus()
        self.relabel()
        self._load_cards()

    def relabel(self) -> None:
        n = len(self.found)
        if self.mode == "cards":
            title = CARDS_OF.format(who=self._who(self._selected()))
        elif self.mode == "fix":
            c = self._selected()
            conflict = c is not None and agreement(c, self.values) == CONFLICT
            title = (CONFLICT_TITLE if conflict else FIX_TITLE).format(who=self._who(c))
        else:
            title = (TITLE_LEGAL if self.legal else TITLE).format(n=n)
        self._set("#title", self.tr(title))
        cols, widths = (COLUMNS_LEGAL, WIDTHS_LEGAL) if self.legal else (COLUMNS, WIDTHS)
        self._set("#head", _columns([self.tr(c) for c in cols], widths))
        rows = [self._row(c) for c in self.found]
        pick = self.query_one("#candidates", PickList)
        pick.set_rows(rows, pick.index)
        conflict = self._conflict()
        if self.mode == "list" and conflict:
            hint = HINT_CONFLICT_LEGAL if self.legal else HINT_CONFLICT
        else:
            hint = {"cards": HINT_CARDS, "fix": FIX_HINT_CONFLICT if conflict else FIX_HINT
                    }.get(self.mode, HINT_LEGAL if self.legal else HINT)
        self._set("#hint", self.tr(hint))
        self._show_selected()

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector, TextLine).set_text(text)

    def _row(self, c: Any) -> str:
        how = agreement(c, self.values)
        band = self.tr(BANDS.get(how, T(how, how)))
        if self.legal:
            ids = " / ".join(x for x in (c.bin, c.rnn) if x)
            return _columns([f"{c.score:4.2f}", band, c.name, ids], WIDTHS_LEGAL)
        name = " ".join(x for x in (c.surname, c.given_name, c.patronymic) if x)
        return _columns([f"{c.score:4.2f}", band, name, _date(c.birth_date), c.iin or ""],
                        WIDTHS)

    def _who(self, c: Any) -> str:
        if c is None:
            return ""
        if self.legal:
            return fit(c.name, 40)
        initials = "".join(f" {x[0]}." for x in (c.given_name, c.patronymic) if x)
        return f"{c.surname}{initials}"

    def _selected(self) -> Any:
        if not self.found:
            return None
        return self.found[self.query_one("#candidates", PickList).index]

    def _conflict(self) -> bool:
        """The selected candidate shares the card's number with another record's data."""
        c = self._selected()
        return c is not None and agreement(c, self.values) == CONFLICT

    def _show_selected(self) -> None:
        c = self._selected()
        cards_pick = self.query_one("#cards", PickList)
        if c is None:
            return
        address = c.address or ""
        self._set("#address", self.tr(ADDRESS.format(a=address) if address else NO_ADDRESS))
        if self.mode == "fix":
            cards_pick.set_rows([self._change_row(f, old, new)
                                 for f, (old, new) in self.changes.items()], cards_pick.index)
            return
        rows = self._card_rows(c)
        room = cards_pick.size.height or 4  # before the first layout: a safe guess
        if self.mode == "list" and len(rows) > room:  # not focused, so it cannot scroll
            rows = rows[:room - 1] + [self.tr(MORE.format(n=len(rows) - room + 1))]
        cards_pick.set_rows(rows)

    def _card_rows(self, c: Any) -> list[str]:
        if self.cards is None:
            return [self.tr(LOADING)]
        cards = self.cards.get(self._cid(c), [])
        return [self._card_row(s) for s in cards] or [self.tr(NO_CARDS)]

    def _card_row(self, s: matching.CardSummary) -> str:
        from models.codebook import resolve
        from models.lifecycle import status_label

        article = "-".join(x for x in (s.article, s.part, s.paragraph) if x)
        penalty = ""
        if s.main_penalty:
            entry = resolve("penalty", s.main_penalty, s.date)
            penalty = entry.name(self.lang) if entry is not None else s.main_penalty
        # The fine in its own column, whole: the penalty's name may be cut, never it.
        fine = f"{s.fine_imposed:,}".replace(",", " ") if s.fine_imposed else ""
        status = self.tr(status_label(s.status))
        cells = [_date(s.date), article, penalty, fine.rjust(CARD_WIDTHS[3]), status]
        return _columns(cells, CARD_WIDTHS)

    def _change_row(self, field: str, old: Any, new: Any) -> str:
        label = self.tr(FIELDS[field].label) if field in FIELDS else field
        mark = "[x]" if field in self.take else "[ ]"
        line = FIELDS[field].line if field in FIELDS else ""
        return f"{mark} {line} {label}: {_value(old)} -> {_value(new)}"

    def _cid(self, c: Any) -> int:
        return c.legal_entity_id if self.legal else c.person_id

    # -- the earlier cards, read in the session's search thread (the list is usable at
    # once; the thread's one connection, not a new one per window) ---------------------
    def _load_cards(self) -> None:
        found = list(self.found)
        read_in_thread(self.session.searches, self, "duplicate-cards",
                       lambda: {self._cid(c): c.cards() for c in found}, self._cards_loaded)

    def _cards_loaded(self, cards: dict[int, list[matching.CardSummary]] | None,
                      error: BaseException | None) -> None:
        if error is not None and not is_database_error(error):
            raise error
        self.cards = cards or {}  # a failed read only leaves the lines empty
        self._show_selected()

    # -- keys ------------------------------------------------------------------------
    def on_pick_list_moved(self, event: PickList.Moved) -> None:
        if event.pick.id == "candidates":
            event.stop()
            self.relabel()  # the hint says what Enter does on this row

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        if event.pick.id == "candidates" and self.mode == "list":
            if self._conflict():
                self._undecided()  # Enter: the choice that changes nothing
            else:
                self._same()
        elif event.pick.id == "cards" and self.mode == "cards":
            self._open_card(event.index)
        elif event.pick.id == "cards" and self.mode == "fix":
            if self._conflict():  # linking another record's data is never the default
                self._set("#address", self.tr(CONFLICT_ENTER))
            else:
                self._link(correct=False)  # Enter: the choice that changes nothing

    def action_choice(self, key: str) -> None:
        """1 / 2 / 3 / Space / Esc, by the window's mode (bound with priority, so they
        are answered here before the focused list sees them)."""
        if self.mode == "fix":
            handlers = {"1": lambda: self._link(correct=True), "2": lambda: self._link(False),
                        "space": self._tick, "escape": self._back}
        elif self.mode == "cards":
            handlers = {"3": self._back, "escape": self._back}
        else:
            handlers = {"1": self._same, "2": self._different, "3": self._show_cards,
                        "escape": lambda: self.dismiss(None)}
        handler = handlers.get(key)
        if handler is not None:
            handler()

    def _tick(self) -> None:
        if self.changes:
            cards = self.query_one("#cards", PickList)
            field = list(self.changes)[min(cards.index, len(self.changes) - 1)]
            self.take ^= {field}
            self._show_selected()

    def _back(self) -> None:
        self.mode = "list"
        self.query_one("#candidates", PickList).focus()
        self.relabel()

    def _show_cards(self) -> None:
        self.mode = "cards"
        self.query_one("#cards", PickList).focus()
        self.relabel()

    def _open_card(self, index: int) -> None:
        c = self._selected()
        cards = (self.cards or {}).get(self._cid(c), []) if c is not None else []
        if index < len(cards):
            self.post_message(OpenScreen("history", cards[index].card_id))

    # -- decisions: taken here, applied when the card is saved ---------------------------
    def _same(self) -> None:
        c = self._selected()
        if c is None:
            return
        if self.legal:
            self.dismiss(Decision(legal_entity_id=c.legal_entity_id, legal=True))
            return
        conflict = self._conflict()
        try:
            self.changes = person_changes(c.person_id, self.values)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            self._set("#title", self.tr(DB_FAILED))  # the window stays: may be retried
            return
        if not self.changes and not conflict:
            self._link(correct=False)
            return
        self.take = set()  # nothing ticked: the operator chooses what the register takes
        self.mode = "fix"
        cards = self.query_one("#cards", PickList)
        cards.index = 0
        cards.focus()
        self.relabel()

    def _link(self, correct: bool) -> None:
        c = self._selected()
        if c is None:
            return
        fields = tuple(f for f in self.changes if f in self.take) if correct else ()
        if correct and not fields:
            self._set("#address", self.tr(NONE_TICKED))
            return
        if fields and not self.may_correct:
            self._set("#address", self.tr(MAY_NOT_CORRECT))
            return
        self.dismiss(Decision(person_id=c.person_id, correct=fields))

    def _undecided(self) -> None:
        """A new record for the card; the conflicting ones neither linked nor declared
        different: nothing about them is written, the card keeps a warning."""
        ids = tuple(self._cid(c) for c in self.found if agreement(c, self.values) == CONFLICT)
        self.dismiss(Decision(undecided=ids, legal=self.legal))

    def _different(self) -> None:
        ids = tuple(self._cid(c) for c in self.found)
        self.dismiss(Decision(different_from=ids, legal=self.legal))
