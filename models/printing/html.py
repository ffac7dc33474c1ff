"""A self-contained HTML page for A4 (landscape for wide tables): one file, its styles
inline, no script, no external resource. Every text is escaped; control characters
never reach the page."""

from __future__ import annotations

from html import escape

from models.printing.document import (
    Block,
    Document,
    Fields,
    Heading,
    Para,
    Signature,
    Stamp,
    Table,
)
from models.printing.text import safe

STYLE = """
@page { size: A4 %(orientation)s; margin: 14mm 12mm 14mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 10.5pt;
       color: #000; background: #fff; margin: 0 auto; max-width: %(max)s; padding: 6mm; }
@media print { body { max-width: none; padding: 0; } }
.header { text-align: right; font-size: 8.5pt; margin-bottom: 4mm; }
h1 { font-size: 13pt; text-align: center; margin: 0 0 5mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; border-bottom: 1px solid #000; }
p { margin: 1.5mm 0; }
.center { text-align: center; } .right { text-align: right; } .bold { font-weight: bold; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0; }
th, td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top;
         text-align: left; word-wrap: break-word; overflow-wrap: anywhere; }
th { font-weight: normal; font-size: 9pt; text-align: center; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.num { text-align: center; } td.right { text-align: right; }
tr.numbers td { text-align: center; font-size: 8.5pt; padding: 0.5mm; }
table.fields td { border: none; border-bottom: 1px dotted #777; }
table.fields td.no { width: 9mm; white-space: nowrap; }
table.fields td.label { width: 45%%; }
table.fields td.value { font-weight: bold; }
.stamp { border: 2px solid #000; display: inline-block; padding: 2mm 6mm; margin: 4mm 0;
         text-align: center; }
.signature { margin-top: 6mm; }
.signature .blank { display: inline-block; min-width: 40mm; border-bottom: 1px solid #000; }
.footer { margin-top: 8mm; font-size: 8pt; border-top: 1px solid #000; padding-top: 1mm; }
"""


def e(text: str) -> str:
    return escape(safe(text), quote=True)


def render_html(doc: Document) -> str:
    style = STYLE % {"orientation": "landscape" if doc.landscape else "portrait",
                     "max": "277mm" if doc.landscape else "190mm"}
    parts = ["<!DOCTYPE html>", f'<html lang="{e(doc.lang)}">', "<head>",
             '<meta charset="utf-8">', f"<title>{e(doc.title)}</title>",
             f"<style>{style}</style>", "</head>", "<body>"]
    if doc.header:
        parts.append('<div class="header">' + "<br>".join(e(x) for x in doc.header) + "</div>")
    parts.append(f"<h1>{e(doc.title)}</h1>")
    parts += [_block(b) for b in doc.blocks]
    if doc.footer:
        parts.append(f'<div class="footer">{e(doc.footer)}</div>')
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        tag = "h1" if block.level == 1 else "h2"
        return f"<{tag}>{e(block.text)}</{tag}>"
    if isinstance(block, Para):
        cls = " ".join(c for c in (block.align if block.align != "left" else "",
                                   "bold" if block.bold else "") if c)
        return f'<p class="{cls}">{e(block.text)}</p>' if cls else f"<p>{e(block.text)}</p>"
    if isinstance(block, Fields):
        rows = "".join(f'<tr><td class="no">{e(i.number)}</td><td class="label">{e(i.label)}'
                       f'</td><td class="value">{e(i.value)}</td></tr>' for i in block.items)
        return f'<table class="fields">{rows}</table>'
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Stamp):
        return '<div class="stamp">' + "<br>".join(e(x) for x in block.lines) + "</div>"
    if isinstance(block, Signature):
        date = f" &nbsp; {e(block.date)}" if block.date else ""
        name = e(block.name) if block.name else '<span class="blank"></span>'
        return (f'<p class="signature">{e(block.label)} {name} &nbsp; '
                f'<span class="blank"></span>{date}</p>')
    raise TypeError(f"unknown block {type(block).__name__}")


def _table(table: Table) -> str:
    total = sum(c.width for c in table.columns) or 1
    cols = "".join(f'<col style="width:{100 * c.width / total:.1f}%">' for c in table.columns)
    head = "".join(f"<th>{e(c.title)}</th>" for c in table.columns)
    numbers = ('<tr class="numbers">' + "".join(f"<td>{i + 1}</td>" for i in
                                                range(len(table.columns))) + "</tr>"
               if table.numbers else "")
    body = []
    for row in table.rows:
        cells = []
        for c, text in zip(table.columns, row, strict=True):
            cls = ' class="right"' if c.align == "right" else (
                ' class="num"' if c.align == "center" else "")
            cells.append(f"<td{cls}>{e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not table.rows:
        body.append(f'<tr><td colspan="{len(table.columns)}">{e(table.empty)}</td></tr>')
    return (f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr>{numbers}</thead>"
            f"<tbody>{''.join(body)}</tbody></table>")
