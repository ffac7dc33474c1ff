"""Two themes for thin terminals: 16 ANSI colours, and monochrome.

Colours are the terminal's own 16 ("cyan", not "#00aaaa"), so Textual writes short
SGR codes (ESC[36m) instead of 24-bit colours. In the monochrome theme (NO_COLOR,
vt100/vt220, or ui.theme = "mono") focus, the cursor and the bars are reverse video
and underline; errors and warnings carry "!" and "?" markers in both themes, so
nothing depends on colour.

The form's own widgets draw with the Rich styles of `ROLES` (one look-up per role,
instead of Textual resolving CSS component classes for each of ~50 widgets at start);
app.tcss does layout and Textual's own variables come from the Textual themes below.
"""

from __future__ import annotations

import os

from rich.style import Style
from textual.theme import Theme

from models.config import Config

COLOR16 = "apcard-16"
MONO = "apcard-mono"

_BASE = dict(primary="ansi_blue", secondary="ansi_cyan", warning="ansi_yellow",
             error="ansi_red", success="ansi_green", accent="ansi_cyan",
             foreground="ansi_default", background="ansi_default", surface="ansi_default",
             panel="ansi_default", boost="ansi_default", dark=True, ansi=True)
# Variables Textual's own default CSS refers to (as its ansi-dark theme defines them).
_TEXTUAL_VARS = {"ansi-background": "ansi_default", "ansi-foreground": "ansi_default",
                 "border-blurred": "ansi_default", "block-cursor-foreground": "ansi_default",
                 "block-cursor-background": "ansi_default", "block-cursor-text-style": "reverse",
                 "input-cursor-background": "ansi_default",
                 "input-cursor-foreground": "ansi_default", "input-cursor-text-style": "reverse",
                 "input-selection-background": "ansi_default",
                 "input-selection-foreground": "ansi_default",
                 "screen-selection-background": "ansi_default",
                 "screen-selection-foreground": "ansi_default"}

THEMES = {name: Theme(name=name, **_BASE, variables=_TEXTUAL_VARS) for name in (COLOR16, MONO)}

ROLES: dict[str, dict[str, Style]] = {
    COLOR16: {
        "head": Style(color="cyan"),  # a card line's number
        "name": Style(color="green"),  # the name of a code, beside it
        "focus": Style(color="bright_white", bgcolor="blue"),
        "cursor": Style(color="black", bgcolor="white"),
        "pinned": Style(color="yellow", bold=True),
        "error": Style(color="bright_red", bold=True),
        "warning": Style(color="yellow", bold=True),
        "bar": Style(color="black", bgcolor="cyan"),
        "key": Style(color="bright_white", bold=True),
        "selected": Style(color="black", bgcolor="cyan"),
        "dim": Style(dim=True),
        "title": Style(bold=True),
    },
    MONO: {
        "head": Style(),
        "name": Style(),
        "focus": Style(reverse=True),
        "cursor": Style(reverse=False, underline=True),  # a gap in the reverse bar
        "pinned": Style(bold=True),
        "error": Style(bold=True),
        "warning": Style(bold=True),
        "bar": Style(reverse=True),
        "key": Style(bold=True),
        "selected": Style(reverse=True),
        "dim": Style(dim=True),
        "title": Style(bold=True),
    },
}

_current = {"name": COLOR16}


def use(name: str) -> None:
    _current["name"] = name if name in ROLES else COLOR16


def role(name: str) -> Style:
    return ROLES[_current["name"]][name]


def theme_name(cfg: Config, environ: dict[str, str] | None = None) -> str:
    """ui.theme: color16 or mono; auto is mono on terminals without colour. NO_COLOR
    (no-color.org: any value) always means mono: Textual then drops every colour, and
    a focus shown only by colour would vanish."""
    env = os.environ if environ is None else environ
    if "NO_COLOR" in env or cfg.theme == "mono":
        return MONO
    if cfg.theme == "color16":
        return COLOR16
    if env.get("TERM", "") in ("dumb", "vt100", "vt102", "vt220"):
        return MONO
    return COLOR16
