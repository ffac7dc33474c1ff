"""The card screen imported as `apcard` imports it (tui.cli.core.card_screen): without
Python's ssl, lzma and bz2, the command palette's modules and platformdirs, and the
palette still whole when it is made, the downloads folder platformdirs' own."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = textwrap.dedent("""
    import sys

    import tui.cli

    args = ["--db", "sqlite:///x.db"]  # as a bare `apcard` starts (tui.cli.main)
    tui.cli.without_postgres_driver(args)
    tui.cli.build_parser(groups=False).parse_args(args)
    from tui.cli.core import card_screen

    card_screen()
    unused = ("ssl", "_ssl", "lzma", "_lzma", "bz2", "_bz2", "textual.command",
              "textual.types", "textual.widgets._input", "textual.widgets._option_list",
              "textual.widgets._button", "platformdirs")
    print("imported", [m for m in unused if m in sys.modules])
    import textual.app

    downloads = textual.app.user_downloads_path()
    import platformdirs

    print("downloads", downloads == platformdirs.user_downloads_path(),
          sys.modules["platformdirs"] is platformdirs, hasattr(platformdirs, "PlatformDirs"))
    import asyncio, lzma, ssl  # noqa: F401  (importable again)

    from textual.app import App
    from textual.theme import ThemeProvider

    class Probe(App):
        pass

    async def main():
        app = Probe()
        async with app.run_test(size=(40, 10)) as pilot:
            from textual.app import CommandPalette
            print("open before", CommandPalette.is_open(app))
            app.search_themes()
            await pilot.pause(0.3)
            import textual.command as real
            print("palette", isinstance(app.screen, real.CommandPalette),
                  CommandPalette.is_open(app))
            print("provider", issubclass(ThemeProvider, real.Provider))
            await pilot.press("t", "e", "x", "t", "u", "a", "l", "-", "l", "i")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause(0.3)
            print("theme", app.theme)

    asyncio.run(main())
""")


def test_the_card_screen_comes_without_what_it_never_uses_and_makes_the_palette_whole() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "TERM": "xterm"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert "imported []" in lines
    assert "downloads True True True" in lines  # platformdirs' answer, its own module
    assert "open before False" in lines
    assert "palette True True" in lines  # Textual's palette, with the theme provider
    assert "provider True" in lines
    assert "theme textual-light" in lines  # chosen in it: the provider's hits work
