"""Statistics as lines of plain text with bars of block characters: the same lines on
the command line and on the statistics screen, legible at 80x24 without colour."""

from __future__ import annotations

from models.i18n import T
from models.stats import DIMENSION_LABELS, HEADERS, Repeat, StatRow, bar, money
from tui.widgets.line import fit

# The table's own headings: short enough for their 8 and 12 columns in both languages.
CARDS = T("Саны", "Карточек")
IMPOSED = T("Салынды", "Наложено")


def _cut(text: str, width: int) -> str:
    return fit(text, width)


def table_lines(rows: list[StatRow], by: str, lang: str, width: int = 80) -> list[str]:
    """Header, one line per row (key, name, cards, bar, fines imposed and collected) and
    the total, each at most `width` characters."""
    money_w = 12
    bar_w = max(6, width // 6)
    name_w = max(8, width - (6 + 1 + 1 + 8 + 1 + bar_w + 2 * (money_w + 1)))
    top = max((r.cards for r in rows), default=0)
    head = (f"{_cut(DIMENSION_LABELS[by](lang), 6 + 1 + name_w):<{7 + name_w}} "
            f"{_cut(CARDS(lang), 8):>8} {'':<{bar_w}}"
            f"{_cut(IMPOSED(lang), money_w):>{money_w + 1}}"
            f"{_cut(HEADERS['collected'](lang), money_w):>{money_w + 1}}")
    out = [head.rstrip(), "-" * min(width, len(head))]
    for r in rows:
        out.append(f"{_cut(r.key or '-', 6):<6} {_cut(r.label, name_w):<{name_w}} "
                   f"{r.cards:>8} {bar(r.cards, top, bar_w):<{bar_w}}"
                   f"{money(r.fine_imposed):>{money_w + 1}}"
                   f"{money(r.fine_collected):>{money_w + 1}}".rstrip())
    total = sum(r.cards for r in rows)
    out.append("-" * min(width, len(head)))
    out.append(f"{_cut(HEADERS['total'](lang), 7 + name_w):<{7 + name_w}} {total:>8} "
               f"{'':<{bar_w}}{money(sum(r.fine_imposed for r in rows)):>{money_w + 1}}"
               f"{money(sum(r.fine_collected for r in rows)):>{money_w + 1}}")
    return out


def repeat_lines(rep: Repeat, lang: str, width: int = 80) -> list[str]:
    out = [T("Қайталап құқық бұзғандар: {p} адам, {c} карточка",
             "Повторные правонарушители: {p} лиц, {c} карточек").format(
        p=rep.persons, c=rep.cards)(lang)]
    for name, n in rep.top:
        out.append(f"  {_cut(name, width - 12):<{width - 12}}{n:>8}")
    return out
