"""One figure on its own, as a PDF or PNG file: what `kneecard figure` writes for authors tuning a pose.

Separate from drawing so the PNG fallback (pypdfium2) and the PDF metadata stay out of the
page-building path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pdfgen.figures.draw import draw_figure
from pdfgen.figures.pose import Illustration

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing


class NoPngRenderer(RuntimeError):
    """Neither ReportLab's bitmap backend nor pypdfium2 is installed."""


def figure_pdf(illustration: Illustration, width: float, height: float, accent: str = "#1f5f73", title: str = "") -> bytes:
    """A one-page PDF holding just the figure, for authors tuning a pose (same input, same bytes)."""
    return _drawing_pdf(draw_figure(illustration, width, height, accent), title)


def _drawing_pdf(drawing: Drawing, title: str) -> bytes:
    import io

    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    from pdfgen import __version__
    from pdfgen.fonts import register

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(drawing.width, drawing.height), invariant=1, initialFontName=register()["regular"])
    canvas.setTitle(title or "kneecard figure")
    canvas.setAuthor("kneecard")
    canvas.setSubject("Exercise illustration")
    canvas.setCreator(f"kneecard {__version__}")
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def figure_png(
    illustration: Illustration, width: float, height: float, accent: str = "#1f5f73", title: str = "", dpi: int = 300
) -> bytes:
    """PNG bytes of the figure, drawn once: ReportLab's renderPM if its C backend is there, else
    pypdfium2 on the figure's PDF."""
    drawing = draw_figure(illustration, width, height, accent)
    try:
        from reportlab.graphics import renderPM

        return renderPM.drawToString(drawing, fmt="PNG", dpi=dpi)
    except Exception:  # renderPM needs rlPyCairo or the old _renderPM extension: fall back
        pass
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise NoPngRenderer('PNG output needs pypdfium2 (pip install "kneecard[png]"), or write a .pdf') from None
    import io

    doc = pdfium.PdfDocument(_drawing_pdf(drawing, title))
    try:
        image = doc[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
