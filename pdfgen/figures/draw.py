"""Marks to a ReportLab Drawing: a pose illustration (or its picture file) fitted into a box.

The only figures module that builds ReportLab shapes, so the drawing list stays testable
without a renderer and a second renderer (SVG, HTML) could reuse it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pdfgen.figures.colours import PAPER, rl_color
from pdfgen.figures.marks import Mark, extent, figure_marks
from pdfgen.figures.pose import Illustration
from pdfgen.fonts import drawing

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing, Group


def shapes(marks: list[Mark], scale: float, dx: float, dy: float) -> Group:
    from reportlab.graphics.shapes import Circle, Group, Polygon, PolyLine
    from reportlab.graphics.shapes import Path as PathShape

    g = Group()

    def pt(p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] * scale + dx, p[1] * scale + dy)

    for m in marks:
        w = m.width * scale
        dash = [d * scale for d in m.dash] if m.dash else None
        if m.kind == "circle":
            (x, y), r = pt(m.points[0]), m.radius * scale
            g.add(Circle(x, y, r + w / 2 + 0.009 * scale, fillColor=rl_color(PAPER), strokeColor=None))
            ring = {"strokeColor": rl_color(m.color), "strokeWidth": w, "strokeDashArray": dash} if w else {"strokeColor": None}
            g.add(Circle(x, y, r, fillColor=rl_color(m.fill or m.color), **ring))
        elif m.kind == "line":
            flat = [c for p in m.points for c in pt(p)]
            if m.color not in ("#9a9a9a",):  # a paper halo so crossing limbs read front and back
                halo = w + 0.018 * scale
                g.add(PolyLine(flat, strokeColor=rl_color(PAPER), strokeWidth=halo, strokeLineCap=1, strokeLineJoin=1))
            ink = rl_color(m.color)
            g.add(PolyLine(flat, strokeColor=ink, strokeWidth=w, strokeLineCap=1, strokeLineJoin=1, strokeDashArray=dash))
        elif m.kind == "poly":
            flat = [c for p in m.points for c in pt(p)]
            stroke = rl_color(m.color) if m.width else None
            g.add(
                Polygon(
                    flat,
                    fillColor=rl_color(m.fill) if m.fill else None,
                    strokeColor=stroke,
                    strokeWidth=w,
                    strokeLineJoin=1,
                    strokeLineCap=1 if dash else 0,
                    strokeDashArray=dash,
                )
            )
        elif m.kind == "arrow":
            (x0, y0), (qx, qy), (x1, y1) = (pt(p) for p in m.points)
            c1 = (x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0))
            c2 = (x1 + 2 / 3 * (qx - x1), y1 + 2 / 3 * (qy - y1))
            for color, width in ((PAPER, w + 0.014 * scale), (m.color, w)):
                path = PathShape(strokeColor=rl_color(color), strokeWidth=width, fillColor=None, strokeLineCap=1)
                path.moveTo(x0, y0)
                path.curveTo(c1[0], c1[1], c2[0], c2[1], x1, y1)
                g.add(path)
    return g


def draw_figure(illustration: Illustration, width: float, height: float, accent: str = "#1f5f73") -> Drawing:
    """The illustration as a vector drawing of exactly width x height points, the figure centred
    and scaled to fit inside a small padding whatever the pose (proportions kept)."""
    d = drawing(width, height)
    pad = max(1.5, 0.04 * min(width, height))
    if illustration.image is not None:
        from PIL import Image as PILImage
        from reportlab.graphics.shapes import Image

        from pdfgen import images

        picture = images.inspect(illustration.image)
        k = min((width - 2 * pad) / picture.width, (height - 2 * pad) / picture.height)
        w, h = picture.width * k, picture.height * k
        d.add(Image((width - w) / 2, (height - h) / 2, w, h, PILImage.open(images.placed(picture, w, h))))
        return d
    marks = figure_marks(illustration, accent)
    x0, y0, x1, y1 = extent(marks)
    scale = min((width - 2 * pad) / (x1 - x0), (height - 2 * pad) / (y1 - y0))
    dx = (width - (x1 - x0) * scale) / 2 - x0 * scale
    dy = (height - (y1 - y0) * scale) / 2 - y0 * scale
    d.add(shapes(marks, scale, dx, dy))
    return d


def figure_flowable(illustration: Illustration, width: float, height: float, accent: str = "#1f5f73") -> Drawing:
    """What a layout places: a Drawing is a Platypus flowable of exactly width x height."""
    return draw_figure(illustration, width, height, accent)
