"""Printouts of the register's documents: the card (Appendix 1), the registration
journal (App. 2), the notices (App. 3, 4), the answer to a liability request (App. 5)
and the destruction act (§14), as text for a line printer (80 or 132 columns) or as a
self-contained HTML page for A4.

    doc = card_document(card, lang, printed_by, printed_at)   # builders: one per kind
    render(doc, "text", width=132) / render(doc, "html")
"""

from __future__ import annotations

from models.printing.document import Document
from models.printing.html import render_html
from models.printing.text import WIDTHS, render_text

FORMATS = ("text", "html")


def render(doc: Document, fmt: str = "text", width: int = 80) -> str:
    if fmt == "html":
        return render_html(doc)
    if fmt == "text":
        return render_text(doc, width)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "WIDTHS", "Document", "render"]
