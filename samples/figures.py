"""Contact sheet of every exercise figure and method icon: samples/figures.pdf and samples/png/figures.png.

Run from the repository root:  python samples/figures.py [--data DIR] [--accent "#1f5f73"]
Shows each figure at one-page size and again at card size (35 mm wide), and the icons, so a
content author sees at a glance whether a pose reads. Needs pypdfium2 for the PNG.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pdfgen.build import library  # noqa: E402
from pdfgen.figures.draw import draw_figure  # noqa: E402
from pdfgen.figures.icons import draw_icon  # noqa: E402
from pdfgen.fonts import register  # noqa: E402


def sheet(data: Path | None, accent: str) -> bytes:
    """One A4 page: every exercise figure large, the same at card size, then the five icons."""
    lib = library(data)
    faces = register()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=faces["regular"])  # else a bare Helvetica is referenced
    c.setTitle("kneecard figures")
    c.setAuthor("kneecard")
    width, height = A4
    margin = 12 * mm
    c.setFont(faces["bold"], 13)
    c.drawString(margin, height - margin - 4 * mm, "kneecard exercise figures and method icons")
    exercises = list(lib.exercises.values())
    cols = 3 if len(exercises) <= 9 else 4  # three rows either way: the page holds them all
    cell_w, cell_h = (width - 2 * margin) / cols, 52 * mm if cols == 3 else 46 * mm
    rows = -(-len(exercises) // cols)
    top = height - margin - 10 * mm
    for i, item in enumerate(exercises):
        x = margin + (i % cols) * cell_w
        y = top - (i // cols + 1) * cell_h
        c.setStrokeColor("#e6e6e6")
        c.rect(x + 1 * mm, y + 1 * mm, cell_w - 2 * mm, cell_h - 2 * mm)
        c.setFont(faces["bold"], 8.5)
        c.setFillColor("#222222")
        c.drawString(x + 3 * mm, y + cell_h - 5.5 * mm, item.name)
        c.setFont(faces["regular"], 7)
        c.setFillColor("#666666")
        c.drawString(x + 3 * mm, y + cell_h - 9 * mm, f"{item.id} · {item.region}")
        if item.illustration is not None:
            renderPDF.draw(draw_figure(item.illustration, cell_w - 6 * mm, cell_h - 13 * mm, accent), c, x + 3 * mm, y + 2.5 * mm)
    y = top - rows * cell_h - 8 * mm
    c.setFont(faces["bold"], 9)
    c.setFillColor("#222222")
    c.drawString(margin, y, "At card size (35 mm wide)")
    card_w, card_h = 35 * mm, 26 * mm
    gap = (width - 2 * margin - 5 * card_w) / 4
    for i, item in enumerate(exercises):
        x = margin + (i % 5) * (card_w + gap)
        yy = y - 3 * mm - (i // 5 + 1) * (card_h + 6 * mm)
        c.setStrokeColor("#e6e6e6")
        c.rect(x, yy, card_w, card_h)
        c.setFont(faces["regular"], 6.5)
        c.setFillColor("#444444")
        c.drawString(x, yy + card_h + 1.2 * mm, item.name)
        if item.illustration is not None:
            renderPDF.draw(draw_figure(item.illustration, card_w, card_h, accent), c, x, yy)
    y = yy - 10 * mm
    c.setFont(faces["bold"], 9)
    c.setFillColor("#222222")
    c.drawString(margin, y, "Method icons")
    size = 16 * mm
    for i, item in enumerate(lib.methods.values()):
        x = margin + i * (width - 2 * margin) / 5
        if item.icon:
            renderPDF.draw(draw_icon(item.icon, size, accent), c, x, y - 3 * mm - size)
        c.setFont(faces["regular"], 6.5)
        c.setFillColor("#444444")
        c.drawString(x, y - 6.5 * mm - size, item.name)
    c.showPage()
    c.save()
    return buf.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="content folder (default: the built-in data/)")
    parser.add_argument("--accent", default="#1f5f73", help="highlight colour")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "figures.pdf")
    parser.add_argument("--png", type=Path, default=HERE / "png" / "figures.png")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    pdf = sheet(args.data, args.accent)
    args.output.write_bytes(pdf)
    import pypdfium2 as pdfium

    args.png.parent.mkdir(exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    doc[0].render(scale=110 / 72).to_pil().convert("RGB").save(args.png, optimize=True)
    doc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
