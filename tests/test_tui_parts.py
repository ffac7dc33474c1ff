"""The card screen's parts without a terminal: editing rules, the form's layout from
the schema, the key map, themes, drafts and the directory rules in models.choices."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

from models import choices
from models.card_schema import FIELDS, IDENT_FIELDS, LINES_BY_NUMBER, Subject
from models.config import Config
from models.drafts import discard_draft, load_draft, save_draft
from models.tables import User
from tui.keys import COMMANDS, DEFAULT_KEYS, KeyMap, aliases
from tui.screens.card_state import CardState, raw_of
from tui.theme import COLOR16, MONO, ROLES, theme_name
from tui.widgets.editing import NOT_HERE, FieldEdit, display_width, group_thousands
from tui.widgets.layout import WIDTH, chunks, field_order, pack

ROOT = Path(__file__).resolve().parent.parent


def typed(name: str, keys: str) -> FieldEdit:
    edit = FieldEdit(FIELDS[name])
    for ch in keys:
        edit.type(ch)
    return edit


# -- editing ----------------------------------------------------------------------------

def test_date_typed_as_digits_gets_its_separators() -> None:
    edit = typed("birth_date", "12031985")
    assert edit.raw == "12031985" and edit.shown() == ("12.03.1985", 10) and edit.full
    assert typed("birth_date", "1.3.1985").raw == "01031985"  # one-digit day / month
    assert typed("birth_date", "12a03").raw == "1203"  # letters refused


def test_identification_numbers_take_digits_only_up_to_twelve() -> None:
    edit = typed("iin", "85O312-305479 99")
    assert edit.raw == "853123054799" and edit.full


def test_digits_typed_with_the_kazakh_layout_on() -> None:
    # its number row gives " ә і ң ғ , . ү ұ қ for 1..0: an IIN, a date, a code, an amount
    assert typed("iin", 'ұққ.әәіңіә"ғ').raw == "900722343215"
    assert typed("iin", ',.ғ').raw == "675"  # 6 and 7 first: a number field reads them
    assert typed("birth_date", 'әәқ."ұұқ').raw == "22071990"
    assert typed("birth_date", "2.7.1990").raw == "02071990"  # "." still separates
    assert typed("article", 'ұ"').raw == "91" and typed("fine_imposed", "ӘҚҚҚ").raw == "2000"
    assert typed("authority", ",үғ").raw == "685"  # a code may begin with 6
    assert typed("fine_imposed", "21.5").raw == "215"  # no Kazakh key seen: "." refused
    assert typed("surname", "Әліқ").raw == "Әліқ"  # a text field keeps the letters
    assert typed("without_protocol", '"').raw == "1"


def test_amounts_are_shown_with_thousands_separators() -> None:
    edit = typed("fine_imposed", "39 320")
    assert edit.raw == "39320" and edit.shown()[0] == "39 320"
    assert group_thousands("1234567") == "1 234 567"
    text, cursor = edit.window(display_width(FIELDS["fine_imposed"]))
    assert text.endswith("39 320") and cursor == len(text)  # right-aligned, cursor at end


def test_without_protocol_flag_toggles() -> None:
    edit = FieldEdit(FIELDS["without_protocol"])
    assert edit.type(" ") and edit.raw == "1" and edit.shown()[0] == "X"
    assert edit.type(" ") and edit.raw == ""
    assert edit.type("д") and edit.raw == "1" and edit.type("0") and edit.raw == ""


def test_article_part_and_paragraph_are_three_fields_with_leading_zeros() -> None:
    """§34-1: "479 02 01"."""
    line = LINES_BY_NUMBER["9"]
    assert [f.name for f in line.fields] == ["article", "part", "paragraph"]
    state = CardState({"article": "479", "part": "2", "paragraph": "1"})
    assert state.value("part") == "02" and state.value("paragraph") == "01"


def test_control_characters_are_never_typed() -> None:
    edit = typed("surname", "Ка\x1b[2Jс\x07")
    assert edit.raw == "Ка[2Jс"
    assert not edit.paste("\x9b31m") or "\x9b" not in edit.raw


def test_raw_of_is_the_inverse_of_parsing() -> None:
    for name, value in (("birth_date", dt.date(1985, 3, 12)), ("fine_imposed", 39320),
                        ("without_protocol", True), ("surname", "Касымов")):
        state = CardState({name: raw_of(FIELDS[name], value)})
        assert state.value(name) == value


# -- the form's layout --------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_field_of_the_schema_is_on_the_form_once(lang: str) -> None:
    rows = pack(lang)
    on_form = [c.field.name for r in rows for c in r.cells if c.field is not None]
    assert sorted(on_form) == sorted(FIELDS)
    assert on_form == [f.name for f in field_order()]  # focus order = screen order
    assert all(sum(c.width for c in r.cells) <= WIDTH for r in rows)


def test_identification_block_comes_first_in_34_1_order() -> None:
    order = [f.name for f in field_order()]
    assert order[: len(IDENT_FIELDS)] == [f.name for f in IDENT_FIELDS]
    assert order[0] == "subject"


def test_rows_never_mix_subject_groups() -> None:
    for row in pack("ru"):
        kinds = {frozenset(c.field.subjects) for c in row.cells if c.field is not None}
        assert len(kinds) == 1, [c.field.name for c in row.cells if c.field]


def test_individual_card_fits_nearly_one_screen() -> None:
    rows = [r for r in pack("ru") if r.visible_for(Subject.INDIVIDUAL)]
    assert len(rows) <= 24  # 21 rows in view at 80x24: at most a short scroll


def test_tui_holds_no_second_list_of_card_lines() -> None:
    """Line numbers live in models/card_schema.py only."""
    numbers = {n for n in LINES_BY_NUMBER if not n.isdigit()}  # "4-1", "9.1", "14.3", ...
    alternatives = "|".join(re.escape(n) for n in numbers)
    pattern = re.compile(r"""["'](""" + alternatives + r""")["']""")
    for path in (ROOT / "tui").rglob("*.py"):
        found = pattern.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path}: card line numbers {found}"


def test_chunks_cover_the_card_in_paper_order() -> None:
    main = [f.name for c in chunks() if c.section == "main" for f in c.fields]
    paper = [n for n in FIELDS if n not in {f.name for f in IDENT_FIELDS}]
    assert main == paper


# -- keys ------------------------------------------------------------------------------------

def test_alt_digit_is_bound_as_textual_reads_esc_digit() -> None:
    """Textual 8 reads ESC 2 as the macOS Option character "™"; Alt+2 must still work,
    and on the Russian and Windows Kazakh layouts too."""
    from tui.textual_private import parse_keys

    read = [key for key, _ in parse_keys("\x1b2")]
    assert read and read[0] in aliases("alt+2")
    assert "alt+ә" in aliases("alt+2")  # Kazakh layout: the 2 key types ә
    assert "alt+з" in aliases("alt+p")  # Russian layout: the P key types з


def test_every_command_has_an_id_and_a_function_key_free_alternate() -> None:
    keymap = KeyMap({})
    for command in COMMANDS:
        keys = keymap.keys(command.id)
        assert any(not re.fullmatch(r"f\d+", k) and not k.startswith("ctrl+") for k in keys)
        assert command.short("kk") and command.short("ru")
    assert keymap.after_escape("2") == "save" and keymap.after_escape("ә") == "save"


def test_key_map_defaults_match_config_toml_and_can_be_remapped() -> None:
    with open(ROOT / "config.toml", "rb") as fh:
        shipped = tomllib.load(fh)["keys"]
    assert shipped == DEFAULT_KEYS
    keymap = KeyMap({"save": "f5,alt+s"})
    assert keymap.keys("save") == ["f5", "alt+s"] and keymap.number("save") == "5"
    assert "alt+ы" in keymap.textual_keymap()["save"].split(",")
    assert keymap.keys("help") == ["f1", "alt+1"]


# -- themes -------------------------------------------------------------------------------

def test_monochrome_theme_when_there_is_no_colour(cfg: Config) -> None:
    cfg.theme = "auto"
    assert theme_name(cfg, {"TERM": "xterm"}) == COLOR16
    assert theme_name(cfg, {"TERM": "xterm", "NO_COLOR": ""}) == MONO
    assert theme_name(cfg, {"TERM": "vt220"}) == MONO
    cfg.theme = "mono"
    assert theme_name(cfg, {"TERM": "xterm"}) == MONO
    cfg.theme = "color16"
    assert theme_name(cfg, {"TERM": "xterm", "NO_COLOR": "1"}) == MONO


def test_monochrome_shows_focus_and_cursor_without_colour() -> None:
    mono = ROLES[MONO]
    assert all(s.color is None and s.bgcolor is None for s in mono.values())
    assert mono["focus"].reverse and (mono["focus"] + mono["cursor"]).reverse is False
    assert all(s.color is None or s.color.number is not None and s.color.number < 16
               for s in ROLES[COLOR16].values())  # only the 16 ANSI colours


# -- drafts -------------------------------------------------------------------------------

def test_draft_is_kept_per_user_and_cleaned(db) -> None:
    ann = User.create(login="ann")
    bob = User.create(login="bob")
    save_draft(ann, {"values": {"surname": "Қасым\x1b[31mов", "nope": "x", "iin": ""},
                     "focus": "surname", "cursor": 4, "pinned": ["authority", "bad"]})
    save_draft(ann, {"values": {"surname": "Қасымов"}, "focus": "surname", "cursor": 7,
                     "lang": "kk"})
    draft = load_draft(ann)
    assert draft is not None and draft["values"] == {"surname": "Қасымов"}
    assert (draft["focus"], draft["cursor"], draft["lang"]) == ("surname", 7, "kk")
    assert load_draft(bob) is None
    save_draft(bob, {"values": {"surname": "x\x1b[2J"}, "pinned": ["authority", "bad"]})
    bob_draft = load_draft(bob)
    assert bob_draft is not None and "\x1b" not in bob_draft["values"]["surname"]
    assert bob_draft["pinned"] == ["authority"] and bob_draft["lang"] is None
    discard_draft(ann)
    assert load_draft(ann) is None and load_draft(bob) is not None


# -- directories (models.choices) ----------------------------------------------------------



def test_penalties_directory_follows_the_article_part(books) -> None:
    card = {"article": "423", "offence_date": dt.date(2010, 5, 1)}
    assert [e.code for e in choices.directory("main_penalty", card)] == ["02", "05"]
    assert [e.code for e in choices.directory("extra_penalty", card)] == ["05", "09"]
    assert len(choices.directory("main_penalty", card, full=True)) > 5
    # type-to-filter inside the limited list, by name in either language
    assert [e.code for e in choices.directory("main_penalty", card, "айыппұл")] == ["02"]
    assert [e.code for e in choices.directory("main_penalty", card, "айыппул")] == ["02"]


def test_the_one_answer_the_article_leaves_is_proposed(books) -> None:
    card = {"subject": "01", "article": "611", "part": "1",
            "offence_date": dt.date(2026, 11, 20), "decision_date": dt.date(2026, 11, 25)}
    assert choices.proposal("main_penalty", card) == "02"  # a fine and nothing else
    assert choices.proposal("fine_imposed", card) is None  # no fine chosen yet
    card["main_penalty"] = "02"
    assert choices.proposal("fine_imposed", card) == "21625"  # 5 MRP of 2026
    assert choices.proposal("fine_imposed", {**card, "offence_date": dt.date(2025, 11, 20),
                                             "decision_date": dt.date(2025, 11, 25)}) == "19660"
    assert choices.proposal("fine_imposed", {**card, "fine_imposed": 100}) is None  # typed
    # several answers: nothing proposed
    assert choices.proposal("main_penalty", {**card, "part": "2", "main_penalty": None}) is None
    assert choices.proposal("main_penalty", {"subject": "01"}) is None  # no article yet
    assert choices.proposal("fine_imposed", {**card, "main_penalty": "04"}) is None


def test_article_part_pick_fills_article_part_and_paragraph(books) -> None:
    card = {"article": "592", "offence_date": dt.date(2025, 2, 1)}
    parts = choices.directory("part", card)
    assert parts and all(e.parent == "592" for e in parts)
    entry = next(e for e in parts if e.code == "592/03-1")
    assert choices.picked("part", entry) == {"article": "592", "part": "03-1",
                                             "paragraph": ""}
    name = choices.describe(("article", "part", "paragraph"), {**card, "part": "02"})
    assert name is not None and "592" in name.ru


# -- the card state without a terminal ------------------------------------------------------

def test_first_key_in_a_field_just_entered_replaces_it() -> None:
    from tui.widgets.editing import FULL, NOT_HERE

    edit = FieldEdit(FIELDS["journal_no"], "00546")
    edit.enter()
    for ch in "00451":
        edit.type(ch)
    assert edit.raw == "00451"  # not "0054600451"
    date = FieldEdit(FIELDS["received_date"], "30112026")
    date.enter()
    assert not date.type("x") and date.refused == NOT_HERE and date.raw == "30112026"
    for ch in "05022025":
        date.type(ch)
    assert date.raw == "05022025"
    assert not date.type("1") and date.refused == FULL  # full: refused, said why
    kept = FieldEdit(FIELDS["surname"], "Касымов")
    kept.enter()
    kept.backspace()  # an editing key first: the text is edited, not replaced
    kept.type("а")
    assert kept.raw == "Касымоа"


def test_state_says_a_line_only_once_it_is_left(books) -> None:
    from tui.screens.card_state import CardState

    state = CardState({"subject": "01"})
    state.left("protocol_no", "protocol_date")  # still on line 4
    state.check()
    assert not [i for i in state.shown() if i.field == "protocol_no"]
    state.left("without_protocol", "refusal_no")  # line 4 left
    assert [i for i in state.shown() if i.field == "protocol_no"]
    state.left("birth_date", "iin")  # 14.1's birth date on top; its address is further down
    state.check()
    assert not [i for i in state.shown() if i.field == "address"]


def test_a_value_the_field_cannot_hold_blocks_leaving_it(books) -> None:
    from tui.screens.card_state import CardState

    state = CardState({"subject": "99", "authority": "685", "birth_date": "31022000"})
    assert state.blocking("subject") and state.blocking("birth_date")
    assert not state.blocking("authority") and not state.blocking("surname")  # empty


def test_go_to_line_numbers_as_on_paper() -> None:
    from tui.screens.card_goto import field_of_line

    assert field_of_line("13", Subject.INDIVIDUAL) == ("fine_collected", None)
    assert field_of_line("4.1", None)[0] == field_of_line("4-1", None)[0] == "refusal_no"
    assert field_of_line("14.3", Subject.INDIVIDUAL)[0] == "iin"
    assert field_of_line("15", Subject.INDIVIDUAL)[0] is None  # a legal entity's line
    assert field_of_line("99", None)[0] is None


def test_title_keeps_the_user_and_language(books) -> None:
    from tui.screens.card_state import CardState
    from tui.screens.card_view import title

    state = CardState({"subject": "01", "surname": "Жұмабаев-Сейтқазиев-Нұрмұхамбетов",
                       "given_name": "Асқар"})
    text = title(state, "kk", "ivanova", 80)
    assert len(text) == 80 and text.endswith("ivanova [KK]") and "Жұмабаев" in text
    text = title(state, "ru", "ivanova", 80, card_id=123456, status="returned",
                 correcting=True)
    assert len(text) == 80 and text.endswith("ivanova [RU]")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_card_is_checked_again_only_when_something_changed(books) -> None:
    """A move past an empty line keeps the last check; a changed text, a decision
    dropped with the identification it was taken for, or another day checks again."""
    state = CardState({"subject": "01", "surname": "Иванов"})
    first = state.check()
    assert any(i.field == "given_name" for i in first)
    assert state.check() is first  # nothing changed: the same issues, not recomputed
    state.set("given_name", "Иван")
    second = state.check()
    assert second is not first and not any(i.field == "given_name" for i in second)
    state.set("given_name", "")
    assert any(i.field == "given_name" for i in state.check())
    assert state.check(dt.date(2025, 1, 1)) is not state.check(dt.date(2025, 1, 2))


def test_a_stray_letter_neither_sets_nor_clears_a_flag() -> None:
    edit = FieldEdit(FIELDS["without_protocol"])
    assert edit.type("1") and edit.raw == "1"
    assert not edit.type("С") and edit.raw == "1" and edit.refused == NOT_HERE
    assert edit.type("н") and edit.raw == ""


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_app_looks_its_theme_up_once_until_the_themes_change(db, cfg: Config,
                                                                   monkeypatch) -> None:
    """Textual asks for the current theme at every widget it paints; the app finds it in
    the table of themes once, and again after a theme is registered or removed."""
    from textual.app import App
    from textual.theme import Theme

    from tests.tui_helpers import make_app

    app = make_app(cfg)
    copies: list[int] = []
    table = App.available_themes

    def counted(self: App) -> dict[str, Theme]:
        copies.append(1)
        return table.fget(self)

    monkeypatch.setattr(App, "available_themes", property(counted))
    name = app.theme
    first = app.current_theme
    assert first.name == name
    for _ in range(5):
        assert app.current_theme is first and app.ansi_theme is app.ansi_theme
    assert len(copies) <= 2  # the first lookup only
    other = Theme(name=name, primary="#123456", dark=first.dark)
    app.register_theme(other)
    assert app.current_theme is other
    app.unregister_theme(name)
    assert app.get_theme(name) is None
