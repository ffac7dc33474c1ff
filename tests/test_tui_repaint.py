"""tui.repaint: the partial-repaint writer that crops to the changed cells. Every update
the real card screen produces while a card is typed is written both ways, by Textual's
own writer and by ours, onto a terminal model: ours must put the same content in every
cell it is asked to repaint, write nothing else, and cost fewer bytes in all."""

from __future__ import annotations

from textual import _compositor

from bench.ptyterm import Screen
from tests.tui_helpers import make_app, type_in
from tui import repaint

SENTINEL = "\u2591"  # a glyph the form never shows


def _written(data: str) -> Screen:
    screen = Screen(80, 24)
    for row in screen.chars:
        row[:] = [SENTINEL] * 80
    screen.feed(data.encode("utf-8"))
    return screen


def test_installed_on_the_pinned_textual() -> None:
    assert repaint.install()
    assert _compositor.ChopsUpdate.render_segments is repaint.render_segments


async def test_cropped_writer_paints_the_same_cells_in_fewer_bytes(books, cfg) -> None:  # noqa: ANN001
    updates: list[_compositor.ChopsUpdate] = []
    partial = _compositor.Compositor.render_partial_update

    def keep(self):  # noqa: ANN001, ANN202
        update = partial(self)
        if update is not None:
            updates.append(update)
        return update

    _compositor.Compositor.render_partial_update = keep
    try:
        app = make_app(cfg)
        async with app.run_test(size=(80, 24)) as pilot:
            await type_in(pilot, "01", "Қасымов", "enter", "Ерлан", "tab", "shift+tab",
                          "backspace", "н", "enter", "Нұрланұлы", "enter", "12031985",
                          "850312305479", "685", "f3")
            await pilot.pause()
            await type_in(pilot, "escape")
            await pilot.pause()
            console = app.console
            original = repaint.TEXTUAL_RENDER_SEGMENTS
            mid_row = 0
            sent = [0, 0]  # ours, Textual's
            for update in updates:
                ours = repaint.render_segments(update, console)
                theirs = original(update, console)
                assert len(ours.encode()) <= len(theirs.encode())
                a, b = _written(ours), _written(theirs)
                asked = {(y, x) for y, x1, x2 in update.spans for x in range(x1, x2)}
                for y, x in asked:
                    assert (a.chars[y][x], a.attrs[y][x]) == (b.chars[y][x], b.attrs[y][x]), (
                        f"cell {y},{x}")
                assert a.written <= asked  # nothing outside the spans
                sent[0] += len(ours.encode())
                sent[1] += len(theirs.encode())
                mid_row += any(x1 > 0 for _, x1, _ in update.spans)
            assert mid_row, "no update started inside a row: nothing was tested"
            assert sent[0] < sent[1]
    finally:
        _compositor.Compositor.render_partial_update = partial


def test_lean_filter_drops_only_the_default_colours() -> None:
    from rich.segment import Segment
    from rich.style import Style
    from textual.color import Color

    default = Style(color="default", bgcolor="default")
    pieces = [Segment("│", default), Segment("x", Style(color="cyan", bgcolor="default")),
              Segment("r", Style(reverse=True, color="default")), Segment("p", None),
              Segment("\x1b[1;1H", None, [(1,)])]  # a control segment passes as it is
    out = repaint.LeanFilter().apply(pieces, Color(0, 0, 0))
    assert [s.text for s in out] == [s.text for s in pieces]
    assert out[0].style is None
    assert out[1].style == Style(color="cyan")
    assert out[2].style == Style(reverse=True)
    assert out[3].style is None and out[4] is pieces[4]
