"""Every use of a name Textual 8.2.8 keeps private, in one place, with one test
(tests/test_textual_private.py) that fails when a Textual upgrade changes them.

Nothing here changes Textual on import. `install()` is called once from `run_app`
(and by the test helpers that build the app without it); it applies the global
fixes below, each only while Textual still has the shape it was written for, so an
upgrade leaves Textual's own behaviour in place rather than breaking the screen.
`install_app(app, mono)` adds the per-app pieces (line filters).

To add a fix: a function here, a line in `install()` (or `install_app`) calling it,
and a check in the test. Nothing else in the program imports a private Textual name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._compositor import ChopsUpdate, Compositor
from textual._context import active_message_pump
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.filter import LineFilter, NoColor
from textual.geometry import Region, Size
from textual.keys import _character_to_key
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.paste_filter import PasteFilter

# -- key names ---------------------------------------------------------------------------


def key_of_character(char: str) -> str:
    """The key name Textual gives a typed character ("-" -> "minus", "ә" -> "ә")."""
    return _character_to_key(char)


def escape_character(char: str) -> str | None:
    """What Textual reads ESC followed by `char` as, when its sequence table maps it to
    another character (macOS Option: ESC 2 is read as "™"); None otherwise."""
    seen = ANSI_SEQUENCES_KEYS.get("\x1b" + char)
    return seen if isinstance(seen, str) and len(seen) == 1 else None


# -- function keys of the Linux console and the VT220 ------------------------------------

# Shifted function keys as the Linux console and a VT220 send them (terminfo kf13..kf20:
# Shift+F1..Shift+F8 on the console, F13..F20 on a VT220 keyboard). Textual 8.2.8 reads
# these as kitty-protocol keys and reports the control character or punctuation of the
# number (ESC[34~ arrives as `quotation_mark`), though its own table names them right.
LEGACY_FUNCTION_KEYS = {
    "\x1b[25~": "f13", "\x1b[26~": "f14", "\x1b[28~": "f15", "\x1b[29~": "f16",
    "\x1b[31~": "f17", "\x1b[32~": "f18", "\x1b[33~": "f19", "\x1b[34~": "f20",
}
_TEXTUAL_SEQUENCE_TO_KEYS = XTermParser._sequence_to_key_events


def _sequence_to_key_events(self: XTermParser, sequence: str,
                            alt: bool = False) -> Iterable[events.Key]:
    name = LEGACY_FUNCTION_KEYS.get(sequence)
    if name is not None:
        return [events.Key(name, None)]
    return _TEXTUAL_SEQUENCE_TO_KEYS(self, sequence, alt)


def _wrap_parser(name: str, textual: object, ours: object) -> bool:
    """XTermParser's method `name` replaced by `ours` when it is still Textual's
    `textual` (or already ours); False, and the parser left alone, otherwise."""
    current = getattr(XTermParser, name, None)
    if current is ours:
        return True
    if current is not textual:
        return False
    setattr(XTermParser, name, ours)
    return True


def fix_legacy_function_keys() -> bool:
    """Read ESC[25~ .. ESC[34~ as F13..F20; False (Textual's reading kept) if the parser
    no longer has the method this wraps."""
    return _wrap_parser("_sequence_to_key_events", _TEXTUAL_SEQUENCE_TO_KEYS,
                        _sequence_to_key_events)


def parse_keys(data: str) -> list[tuple[str, str | None]]:
    """(key, character) for each key Textual's input parser reads from terminal bytes
    `data` (a lone ESC is flushed as the Escape key, as after the terminal's delay)."""
    return [(t.key, t.character) for t in parse_tokens(data) if isinstance(t, events.Key)]


def _flush(parser: XTermParser) -> Iterator[Any]:
    """Tokens a parser holds back waiting for the rest of an escape sequence."""
    if parser._timeout_time is not None:  # waiting, with a deadline: it is up now
        parser._timeout_time = 0.0
        yield from parser.tick()


# -- pasted text ---------------------------------------------------------------------------

_TEXTUAL_FEED = XTermParser.feed


def _feed(self: XTermParser, data: str) -> Iterable[Any]:
    if not data:  # the end of input: Textual's own
        return _TEXTUAL_FEED(self, data)
    paste = self.__dict__.get("_apcard_paste")
    if paste is None:
        paste = self.__dict__["_apcard_paste"] = PasteFilter()
    data = paste.feed(data)
    return _TEXTUAL_FEED(self, data) if data else ()


def fix_paste() -> bool:
    """Escape sequences inside a bracketed paste dropped before the parser reads them
    (tui.paste_filter); False if the parser no longer has the method this wraps."""
    return _wrap_parser("feed", _TEXTUAL_FEED, _feed)


def parse_tokens(data: str) -> list[Any]:
    """Every token (keys, pastes) Textual's input parser reads from terminal bytes."""
    parser = XTermParser()
    return list(parser.feed(data)) + list(_flush(parser))


# -- repainting ---------------------------------------------------------------------------


def quiet_focus() -> Reactive[Widget | None]:
    """A screen's `focused` reactive that repaints nothing by itself. Textual's repaints
    the whole screen when focus moves (about 2,500 bytes per field at 80x24); our
    screens repaint the two widgets concerned themselves."""
    return Reactive(None, repaint=False)


def install_app(app: App[Any], mono: bool, extra: LineFilter | None = None) -> None:
    """Line filters of one app: in the monochrome theme Textual's NO_COLOR filter only
    adds "39;49" (default colours) to every styled piece, so it goes; `extra` runs last,
    after Textual's own filters."""
    filters: list[LineFilter] = app._filters
    if mono:
        filters[:] = [f for f in filters if not isinstance(f, NoColor)]
    if extra is not None:
        filters.append(extra)


def screen_lines(app: App[Any]) -> list[str]:
    """What the terminal shows of the app's current screen, as plain text lines."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


# -- layout ------------------------------------------------------------------------------

_TEXTUAL_SCREEN_RESIZED = Screen._screen_resized


def _screen_resized(self: Screen[Any], size: Size) -> None:
    """A screen told the terminal's size lays itself out again only when it is not laid
    out at that size already, or has layout pending. Textual 8.2.8 tells the first screen
    its size after laying it out (the app's first Resize): a second layout of the whole
    form (some 20 ms) between the first frame and the operator's first key."""
    pending = [getattr(self, a, True) for a in ("_layout_widgets", "_layout_required",
                                                "_dirty_widgets")]
    if size == getattr(self, "_size", None) and self.is_attached and not any(pending):
        return
    _TEXTUAL_SCREEN_RESIZED(self, size)


def no_layout_at_the_same_size() -> bool:
    """Install `_screen_resized`; False (Textual's kept) if Screen changed shape."""
    current = getattr(Screen, "_screen_resized", None)
    if current is _screen_resized:
        return True
    if current is not _TEXTUAL_SCREEN_RESIZED:
        return False
    Screen._screen_resized = _screen_resized
    return True


# -- partial updates ----------------------------------------------------------------------


class _Parts(Region):
    """The box around a repaint's changed regions, with the regions (`parts`)."""

    parts: list[Region]


_TEXTUAL_PARTIAL_UPDATE = Compositor.render_partial_update
_TEXTUAL_GET_RENDERS = Compositor._get_renders


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    """Textual's partial update, the widgets rendered being only those under a changed
    region: Textual renders every widget under the box around them all, so a field's
    move (its row, the next row and the status line) rendered each form row between."""
    regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not regions:
        return None
    crop = _Parts(*Region.from_union(regions).intersection(self.size.region))
    crop.parts = list(regions)
    spans = list(self._regions_to_spans(regions))
    chops = self._render_chops(crop, {y for y, _, _ in spans}.__contains__)
    return ChopsUpdate(chops, spans, [cut_set[1:] for cut_set in self.cuts])


def _uncovered(part: Region, front: Region) -> list[Region]:
    """What of `part` a widget drawn at `front` leaves to the widgets behind it."""
    cut = part.intersection(front)
    if not cut.area:
        return [part]
    out = []
    if cut.y > part.y:
        out.append(Region(part.x, part.y, part.width, cut.y - part.y))
    if cut.bottom < part.bottom:
        out.append(Region(part.x, cut.bottom, part.width, part.bottom - cut.bottom))
    if cut.x > part.x:
        out.append(Region(part.x, cut.y, cut.x - part.x, cut.height))
    if cut.right < part.right:
        out.append(Region(cut.right, cut.y, part.right - cut.right, cut.height))
    return out


def _shown(self: Compositor) -> list[tuple[Widget, Region, tuple[int, int, int, int]]]:
    """Each visible widget, front first, with its region and the corners (x, y, right,
    bottom) of what of it is shown, kept while the compositor's map is the same: a key's
    repaint looked for the widgets under its changed cells through every widget of the
    card, working each one's shown part out again (a tenth of a typed character's
    instructions)."""
    visible = self.visible_widgets
    kept = self.__dict__.get("_apcard_shown")
    if kept is not None and kept[0] is visible:
        return kept[1]
    out = []
    for widget, (region, clip) in visible.items():
        shown = region.intersection(clip)
        out.append((widget, region, (shown.x, shown.y, shown.right, shown.bottom)))
    self.__dict__["_apcard_shown"] = (visible, out)
    return out


def _overlaps(part: Region, x: int, y: int, x2: int, y2: int) -> bool:
    """`Region.overlaps` of `part` and the region with corners x, y, x2, y2."""
    ox, oy, w, h = part
    ox2, oy2 = ox + w, oy + h
    return ((x2 > ox >= x) or (x2 > ox2 > x) or (ox < x and ox2 >= x2)) and (
        (y2 > oy >= y) or (y2 > oy2 > y) or (oy < y and oy2 >= y2))


def _get_renders(self: Compositor, crop: Region | None = None) -> Iterator[Any]:
    """Textual's renders; for a partial update's `_Parts`, only the lines under a changed
    region of the widgets in front there. The widgets come front first and the first
    render of a cell is the one shown, so a widget behind others (the screen, the form's
    scrolling part behind its rows) is not rendered for cells they cover: a field's
    move renders its two rows and the status line, nothing between nor behind."""
    if not isinstance(crop, _Parts):
        yield from _TEXTUAL_GET_RENDERS(self, crop)
        return
    left = list(crop.parts)  # the changed cells no widget rendered yet
    for widget, region, (x, y, x2, y2) in _shown(self):
        if not left:
            return
        hit = [part for part in left if _overlaps(part, x, y, x2, y2)]
        if not hit:
            continue
        shown = Region(x, y, x2 - x, y2 - y)
        rows = sorted({r for part in hit
                       for r in range(max(part.y, y), min(part.bottom, y2))})
        start = 0
        for i, row in enumerate(rows):  # in runs of adjacent lines
            if i + 1 < len(rows) and rows[i + 1] == row + 1:
                continue
            y0 = rows[start]
            band = Region(x, y0, x2 - x, row + 1 - y0)
            start = i + 1
            yield region, band, widget.render_lines(
                Region(band.x - region.x, band.y - region.y, band.width, band.height))
        left = [rest for part in left for rest in _uncovered(part, shown)]


def fix_partial_update() -> bool:
    """Render only the widgets under a changed region; False (Textual's own kept) if the
    compositor no longer has the methods this replaces."""
    if Compositor.render_partial_update is _render_partial_update:
        return True
    if (Compositor.render_partial_update is not _TEXTUAL_PARTIAL_UPDATE
            or Compositor._get_renders is not _TEXTUAL_GET_RENDERS):
        return False
    Compositor.render_partial_update = _render_partial_update
    Compositor._get_renders = _get_renders
    return True


# -- painting a key's answer at once ------------------------------------------------------


def paint_now(screen: Screen[Any]) -> bool:
    """Paint what the widgets of `screen`, the app's current screen, asked to repaint
    (`refresh()`), now: at the end of a key's handler, its answer leaves then. Textual
    paints after each refreshed widget's message pump has woken and told the screen,
    the screen's own pump has gone idle and its update timer's task has run: about
    ten messages and three turns of the event loop after the handler (a third of a
    millisecond of a field move's latency). Nothing happens, and False is returned,
    when anything more than a repaint is pending (a layout, a scroll, styles to
    apply, a recompose, a batch): Textual's own path does that. The widgets painted
    here have nothing left to tell the screen; the rest go Textual's way."""
    app = screen.app
    if (app.screen is not screen or app._batch_count or app.is_inline
            or screen._layout_required or screen._scroll_required
            or screen._recompose_required or screen._repaint_required):
        return False
    compositor = screen._compositor
    dirty = [w for w in compositor.visible_widgets if w._repaint_required]
    if not dirty or any(w._layout_required or w._scroll_required
                        or w._refresh_styles_required or w._recompose_required
                        for w in dirty):
        return False
    for widget in dirty:
        widget._repaint_required = False
    screen._dirty_widgets.update(dirty)
    compositor.update_widgets(screen._dirty_widgets)
    screen._compositor_refresh()  # renders, writes, and empties the dirty set
    return True


# -- a key to the screen at once --------------------------------------------------------


def _waiting(screen: Screen[Any]) -> bool:
    """The screen's task waits for its next message, with none queued: idle, not in the
    middle of a handler that awaits."""
    queue = screen._message_queue
    return (screen.is_running and not (screen._closing or screen._closed)
            and queue.empty() and screen._pending_message is None
            and not screen._next_callbacks and bool(queue.ready_event._waiters))


async def key_to_screen(app: App[Any], event: events.Event) -> bool:
    """Textual's handling of a key the app reads, with the screen's part done at once.
    Textual's app checks its priority bindings and posts the key to the screen, whose
    own task wakes on a later turn of the event loop to dispatch it (a tenth of a typed
    character's instructions before the card's handler runs). Here the screen
    dispatches it in the app's turn as its own task would (`_dispatch_message`: the
    handlers, bubbling back to the app when not stopped, the callbacks it asked for),
    when that task is idle, waiting for a message with none queued: the key neither
    passes a message sent before it nor runs inside another handler (otherwise it is
    posted, Textual's way). The screen is then prompted for its idle work, as after any
    message. False, and nothing done, for what this does not cover (not a key, already
    forwarded, a widget holding Textual's focus, a maximized widget): Textual's own
    `on_event` then."""
    if (not isinstance(event, events.Key) or event.is_forwarded or app.focused is not None
            or app.screen.maximized is not None):
        return False
    if not app.app_focus:
        app.app_focus = True
    if await app._check_bindings(event.key, priority=True):
        return True
    screen = app.screen
    if not _waiting(screen):
        screen._forward_event(event)
        return True
    event._set_forwarded()
    token = active_message_pump.set(screen)
    try:
        await screen._dispatch_message(event)
    finally:
        active_message_pump.reset(token)
        screen.message_signal.publish(event)
    screen.check_idle()
    return True


# -- the theme, before the first parse -------------------------------------------------

_TEXTUAL_WATCH_THEME = App._watch_theme


def theme_before_start(app: App[Any], name: str) -> bool:
    """Set the theme of an app that is not running yet, its variables in the stylesheet
    before Textual first parses it. Setting `app.theme` runs Textual's watcher, which
    queues a refresh of the CSS: every stylesheet parsed again and applied to the whole
    card, its layout done again, before the first frame (about a tenth of the screen's
    start). What the watcher does besides is done here. False, and `app.theme` set the
    ordinary way, when the app runs or the watcher changed shape."""
    if (getattr(App, "_watch_theme", None) is not _TEXTUAL_WATCH_THEME
            or not hasattr(app, "_refresh_truecolor_filter") or app.is_running):
        app.theme = name
        return False
    app.set_reactive(App.theme, name)
    theme = app.current_theme
    classes = {c: False for c in app.classes if c.startswith("-theme-")}
    classes[f"-theme-{theme.name}"] = True
    classes["-dark-mode"] = theme.dark
    classes["-light-mode"] = not theme.dark
    app.update_classes(classes, update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app._invalidate_css()
    app.stylesheet.set_variables(app.get_css_variables())
    return True


# -- the one entry point -------------------------------------------------------------------


def install() -> dict[str, bool]:
    """Apply every global fix; which ones took (False: Textual changed shape and its own
    behaviour is kept)."""
    return {"legacy_function_keys": fix_legacy_function_keys(),
            "no_layout_at_the_same_size": no_layout_at_the_same_size(),
            "partial_update": fix_partial_update(), "paste": fix_paste()}
