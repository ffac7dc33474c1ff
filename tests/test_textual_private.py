"""Every private name of Textual the program uses lives in tui/textual_private.py, and
still means what it meant in Textual 8.2.8: this test fails when an upgrade changes one."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App
from textual.filter import LineFilter, NoColor
from textual.reactive import Reactive
from textual.screen import Screen

from tui import textual_private as tp

ROOT = Path(__file__).resolve().parent.parent
PRIVATE = re.compile(r"\btextual\._|\b_bindings\b|\b_character_to_key\b|\b_filters\b"
                     r"|\bANSI_SEQUENCES_KEYS\b|\b_compositor\b|\bXTermParser\b")


def test_no_private_textual_name_outside_the_module() -> None:
    for folder in ("tui", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if path.name in ("textual_private.py", "test_textual_private.py"):
                continue
            found = PRIVATE.findall(path.read_text(encoding="utf-8"))
            assert not found, f"{rel}: Textual private names {found}"


def test_install_takes_on_the_pinned_textual() -> None:
    took = {"legacy_function_keys": True, "no_layout_at_the_same_size": True,
            "partial_update": True, "paste": True}
    assert tp.install() == took
    assert tp.install() == took  # twice: no harm


def test_shifted_function_keys_of_the_linux_console_and_vt220() -> None:
    tp.install()
    for n, seq in enumerate(("\x1b[25~", "\x1b[26~", "\x1b[28~", "\x1b[29~", "\x1b[31~",
                             "\x1b[32~", "\x1b[33~", "\x1b[34~"), start=13):
        assert tp.parse_keys(seq) == [(f"f{n}", None)], seq
    # the fix touches nothing else: xterm's Shift+F8 and plain keys as Textual reads them
    assert tp.parse_keys("\x1b[19;2~") == [("shift+f8", None)]
    assert tp.parse_keys("\x1b[19~") == [("f8", None)]
    assert tp.parse_keys('"') == [("quotation_mark", '"')]


def test_key_names_of_characters_and_escape_sequences() -> None:
    assert tp.key_of_character("-") == "minus" and tp.key_of_character("ә") == "ә"
    assert tp.escape_character("2") == "™"  # ESC 2: macOS's Option+2
    assert tp.escape_character("h") is None
    assert tp.parse_keys("\x1b") == [("escape", "\x1b")]  # a lone Esc, after its delay


def test_quiet_focus_overrides_a_repainting_reactive() -> None:
    focused = Screen.__dict__["focused"]
    assert isinstance(focused, Reactive) and focused._repaint is True
    assert tp.quiet_focus()._repaint is False


async def test_filters_and_screen_lines() -> None:
    class Probe(App[None]):
        pass

    class Last(LineFilter):
        def apply(self, segments, background):
            return segments

    app = Probe()
    filters = app._filters
    app._filters.append(NoColor())
    tp.install_app(app, mono=True, extra=Last())
    assert not any(isinstance(f, NoColor) for f in filters)
    assert isinstance(filters[-1], Last)
    async with app.run_test(size=(20, 3)):
        lines = tp.screen_lines(app)
    assert len(lines) == 3 and all(len(line) == 20 for line in lines)


async def test_a_screen_is_laid_out_again_only_at_another_size() -> None:
    """The size a screen is laid out at already (Textual tells the first screen its size
    after laying it out) lays nothing out again; another size does."""
    from textual import events
    from textual.widgets import Static

    class Probe(App[None]):
        def compose(self):
            yield Static("x")

    tp.install()
    app = Probe()
    layouts: list[Screen] = []
    async with app.run_test(size=(20, 3)) as pilot:
        await pilot.pause()
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
        app.screen.post_message(events.Resize(app.size, app.size))
        await pilot.pause()
        assert layouts == []
        await pilot.resize_terminal(30, 5)
        await pilot.pause(0.1)
        assert layouts and tp.screen_lines(app)[0].startswith("x")
        assert len(tp.screen_lines(app)) == 5


async def test_a_partial_update_renders_only_the_widgets_under_what_changed() -> None:
    """Two rows far apart repaint: the rows between are not rendered again (Textual
    renders every widget under the box around both), and the screen shows both."""
    from rich.segment import Segment
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widget import Widget

    tp.install()
    drawn: list[int] = []

    class Row(Widget):
        DEFAULT_CSS = "Row { height: 1; }"

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n, self.text = n, f"row {n}"

        def render_lines(self, crop: Region) -> list[Strip]:
            drawn.append(self.n)  # every call: the widget's lines cached or not
            return super().render_lines(crop)

        def render_line(self, y: int) -> Strip:
            return Strip([Segment(self.text.ljust(20))], 20)

    class Rows(App[None]):
        def compose(self):
            for n in range(6):
                yield Row(n)

    app = Rows()
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.pause()
        rows = list(app.query(Row))
        drawn.clear()
        for n in (0, 5):
            rows[n].text = f"new {n}"
            rows[n].refresh()
        await pilot.pause()
        rendered = sorted(set(drawn))
        lines = tp.screen_lines(app)  # (renders every widget)
    assert rendered == [0, 5]
    assert lines[0].startswith("new 0") and lines[5].startswith("new 5")
    assert lines[2].startswith("row 2")


async def test_a_partial_update_renders_nothing_behind_the_widgets_it_repaints() -> None:
    """A row inside a container repaints: the container behind it is not rendered again
    (each changed cell is drawn by the widget in front there), and the screen shows it."""
    from rich.segment import Segment
    from textual.containers import Vertical
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widget import Widget

    tp.install()
    drawn: list[str] = []

    class Behind(Vertical):
        def render_lines(self, crop: Region) -> list[Strip]:
            drawn.append("behind")
            return super().render_lines(crop)

    class Row(Widget):
        DEFAULT_CSS = "Row { height: 1; }"

        def __init__(self, n: int) -> None:
            super().__init__()
            self.text = f"row {n}"

        def render_line(self, y: int) -> Strip:
            return Strip([Segment(self.text.ljust(20))], 20)

    class Rows(App[None]):
        def compose(self):
            with Behind():
                for n in range(4):
                    yield Row(n)

    app = Rows()
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.pause()
        row = list(app.query(Row))[2]
        drawn.clear()
        row.text = "new 2"
        row.refresh()
        await pilot.pause()
        rendered = list(drawn)
        lines = tp.screen_lines(app)
    assert rendered == []
    assert lines[2].startswith("new 2") and lines[1].startswith("row 1")


def test_escape_sequences_inside_a_paste_are_dropped() -> None:
    """Textual ends pasted text at an ESC inside it and replays the rest as typed keys
    ("^", "[", ... and any Ctrl+Q or Enter in it); with the fix the paste is one text
    without the sequences, and keys around it read as before."""
    from textual import events

    tp.install()
    tokens = tp.parse_tokens("a\x1b[200~Пе\x1b[31mтр\x1b]0;x\x07\x11!\x1b[201~\x1b[[B")
    keys = [(t.key, t.character) for t in tokens if isinstance(t, events.Key)]
    pastes = [t.text for t in tokens if isinstance(t, events.Paste)]
    assert pastes == ["Петр\x11!"]  # a control character is the field's to refuse
    assert keys == [("a", "a"), ("f2", None)]
    parser = tp.XTermParser()  # a paste cut across reads, the sequence too
    tokens = [t for chunk in ("\x1b[20", "0~ab\x1b[3", "1mc\x1b[2", "01~")
              for t in parser.feed(chunk)]
    assert [t.text for t in tokens if isinstance(t, events.Paste)] == ["abc"]
    assert not [t for t in tokens if isinstance(t, events.Key)]


async def test_paint_now_paints_what_was_refreshed_and_leaves_the_rest_to_textual() -> None:
    """A refreshed widget is rendered by `paint_now` itself, before the event loop turns;
    a layout pending (or nothing to paint) is left to Textual's own path, which paints."""
    from rich.segment import Segment
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widget import Widget

    tp.install()
    drawn: list[int] = []

    class Row(Widget):
        DEFAULT_CSS = "Row { height: 1; }"

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n, self.text = n, f"row {n}"

        def render_lines(self, crop: Region) -> list[Strip]:
            drawn.append(self.n)
            return super().render_lines(crop)

        def render_line(self, y: int) -> Strip:
            return Strip([Segment(self.text.ljust(20))], 20)

    class Rows(App[None]):
        def compose(self):
            for n in range(4):
                yield Row(n)

    app = Rows()
    async with app.run_test(size=(20, 4)) as pilot:
        await pilot.pause()
        rows = list(app.query(Row))
        assert tp.paint_now(app.screen) is False  # nothing refreshed
        drawn.clear()
        rows[2].text = "new 2"
        rows[2].refresh()
        assert tp.paint_now(app.screen) is True
        assert drawn == [2]  # rendered at once, no turn of the event loop between
        assert tp.paint_now(app.screen) is False  # painted: nothing left
        await pilot.pause()
        assert drawn == [2]  # Textual finds nothing more to paint
        rows[1].text = "new 1"
        rows[1].refresh(layout=True)
        assert tp.paint_now(app.screen) is False  # a layout: Textual's way
        await pilot.pause()
        lines = tp.screen_lines(app)
    assert lines[1].startswith("new 1") and lines[2].startswith("new 2")


async def test_a_theme_set_before_the_start_parses_the_css_once(monkeypatch) -> None:
    """The theme set before the app runs: its variables are the stylesheet's from the
    first parse, nothing is parsed again, and the screen shows the theme's colours;
    setting `app.theme` the ordinary way parses every stylesheet again."""
    from textual.css.stylesheet import Stylesheet
    from textual.theme import Theme
    from textual.widgets import Static

    class Probe(App[None]):
        CSS = "Static { background: $primary; }"

        def compose(self):
            yield Static("x")

    reparsed: list[int] = []
    original = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse",
                        lambda self: (reparsed.append(1), original(self))[1])
    for quiet in (True, False):
        reparsed.clear()
        app = Probe()
        app.register_theme(Theme("probe", primary="#102030", dark=False))
        if quiet:
            assert tp.theme_before_start(app, "probe") is True
        else:
            app.theme = "probe"
        async with app.run_test(size=(10, 2)) as pilot:
            await pilot.pause()
            assert app.theme == "probe" and "-theme-probe" in app.classes
            assert "-light-mode" in app.classes and "-dark-mode" not in app.classes
            assert app.query_one(Static).styles.background.hex == "#102030"
            assert bool(reparsed) is not quiet
            assert tp.theme_before_start(app, "textual-dark") is False  # running: Textual's
            await pilot.pause()
            assert app.theme == "textual-dark" and "-theme-probe" not in app.classes


async def test_a_partial_update_works_the_widgets_shown_parts_out_once_a_layout(
        monkeypatch) -> None:
    """A row's repaint finds the widget under it without intersecting every widget's
    region with its clip again (they are kept while the layout is the same); a layout
    changed (a row hidden) works them out anew: the repaint renders the row where it
    now is, not the one that was there before."""
    from rich.segment import Segment
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widget import Widget

    tp.install()
    drawn: list[tuple[int, int]] = []

    class Row(Widget):
        DEFAULT_CSS = "Row { height: 1; }"

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n, self.text = n, f"row {n}"

        def render_lines(self, crop: Region) -> list[Strip]:
            drawn.append((self.n, self.region.y))
            return super().render_lines(crop)

        def render_line(self, y: int) -> Strip:
            return Strip([Segment(self.text.ljust(20))], 20)

    class Rows(App[None]):
        def compose(self):
            for n in range(6):
                yield Row(n)

    app = Rows()
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.pause()
        rows = list(app.query(Row))
        rows[3].refresh()  # a first repaint after the layout
        await pilot.pause()
        calls: list[Region] = []
        intersection = Region.intersection

        def counted(self: Region, other: Region) -> Region:
            calls.append(self)
            return intersection(self, other)

        monkeypatch.setattr(Region, "intersection", counted)
        counts = []
        for n in range(6):  # the widgets are looked through front first
            calls.clear()
            drawn.clear()
            rows[n].text = f"new {n}"
            rows[n].refresh()
            await pilot.pause()
            assert drawn == [(n, n)]
            counts.append(len(calls))
        assert len(set(counts)) == 1  # however many widgets are in front of the row
        monkeypatch.setattr(Region, "intersection", intersection)
        rows[1].display = False
        await pilot.pause()
        drawn.clear()
        rows[4].text = "new 4"
        rows[4].refresh()
        await pilot.pause()
        assert drawn == [(4, 3)]
        assert tp.screen_lines(app)[3].startswith("new 4")


def _key_screen_app(log: list[str]):
    import asyncio

    from textual import events
    from textual.binding import Binding
    from textual.message import Message

    class Note(Message):
        pass

    class KeyScreen(Screen[None]):
        def on_key(self, event: events.Key) -> None:
            log.append(event.key)
            if asyncio.current_task() is app.task:
                log.append("in the app's turn")
            if event.key != "b":  # "b" goes on to the app
                event.stop()
                event.prevent_default()

        async def on_note(self, message: Note) -> None:
            log.append("note:start")
            await asyncio.sleep(0.05)  # keys come in meanwhile
            log.append("note:end")

    class KeysApp(App[None]):
        BINDINGS = [Binding("ctrl+t", "tee", priority=True)]
        task: asyncio.Task | None = None

        def get_default_screen(self) -> Screen[None]:
            return KeyScreen()

        async def on_event(self, event: events.Event) -> None:
            if isinstance(event, events.Key):
                self.task = asyncio.current_task()
            if not await tp.key_to_screen(self, event):
                await super().on_event(event)

        def on_key(self, event: events.Key) -> None:
            log.append(f"app:{event.key}")

        def action_tee(self) -> None:
            log.append("tee")

    app = KeysApp()
    return app, Note


async def test_a_key_is_dispatched_on_the_screen_in_the_apps_turn() -> None:
    """A key goes to the idle screen's handlers in the app's own turn (not posted to the
    screen's task); a key the screen does not stop bubbles back to the app, a priority
    binding takes its key before the screen sees it."""
    import asyncio

    from textual import events

    tp.install()
    log: list[str] = []
    app, _ = _key_screen_app(log)
    async with app.run_test(size=(20, 4)) as pilot:
        await pilot.pause()
        await asyncio.sleep(0.05)  # (the pilot's own callbacks to the screen handled)
        for key, char in (("a", "a"), ("b", "b"), ("ctrl+t", None)):
            app.post_message(events.Key(key, char))
            await asyncio.sleep(0.05)
    assert log == ["a", "in the app's turn", "b", "in the app's turn", "app:b", "tee"]


async def test_a_key_waits_for_the_message_the_screen_is_handling() -> None:
    """Keys that come while the screen's task is in the middle of a handler (or has
    messages queued) are posted to it as Textual does: handled after, in order."""
    import asyncio

    from textual import events

    tp.install()
    log: list[str] = []
    app, note = _key_screen_app(log)
    async with app.run_test(size=(20, 4)) as pilot:
        await pilot.pause()
        await asyncio.sleep(0.05)  # (the pilot's own callbacks to the screen handled)
        app.screen.post_message(note())
        await asyncio.sleep(0.01)  # the screen is in its handler, waiting
        for key in ("a", "c"):
            app.post_message(events.Key(key, key))
        await asyncio.sleep(0.2)
    assert log == ["note:start", "note:end", "a", "c"]
