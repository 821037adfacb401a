"""Small flowables of our own and the stacking arithmetic the layout kinds share.

Tick boxes and rest-day dashes for the tracker, the QR code drawing, and how tall a stack of
flowables is outside a frame (cards, pinned areas, column blocks).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from pdfgen import fonts, rl_private
from pdfgen.layout import MM
from pdfgen.tagging import artifact


class TickBoxes(Flowable):
    """Tick boxes for one day of the tracker: one, or two side by side (left and right)."""

    PADDING = 2.4  # the table cell's top and bottom padding, which make up the row height

    def __init__(self, count: int, row_height: float) -> None:
        super().__init__()
        self.count, self.size, self.row_height = count, 3.4 * MM, row_height

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = self.count * self.size + (self.count - 1) * 0.8 * MM
        self.height = self.row_height - self.PADDING
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        with artifact(c):  # a box to tick is the table's furniture: its cell is the content
            c.setStrokeColor(colors.HexColor("#555555"))
            c.setLineWidth(0.6)
            y = (self.height - self.size) / 2
            for i in range(self.count):
                c.rect(i * (self.size + 0.8 * MM), y, self.size, self.size, stroke=1, fill=0)


class NotDue(Flowable):
    """A tracker day the exercise is not due: a short grey dash, no box to tick."""

    def __init__(self, row_height: float) -> None:
        super().__init__()
        self.width, self.height = 2.4 * MM, row_height - TickBoxes.PADDING

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        with artifact(self.canv):
            self.canv.setStrokeColor(colors.HexColor("#b0b0b0"))
            self.canv.setLineWidth(0.6)
            self.canv.line(0, self.height / 2, self.width, self.height / 2)


def qr_drawing(url: str, size: float) -> Flowable:
    """A QR code for `url` as a vector drawing (ReportLab's widget), with its quiet zone, `size` points square."""
    from reportlab.graphics.barcode.qr import QrCodeWidget

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = fonts.drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def stack_height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables stacked as a frame would stack them (no space before the first)."""
    flowables = _flat(flowables)
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10_000)
        total += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
    return total


def draw_stack(canvas: Any, flowables: list[Flowable], x: float, y_top: float, width: float) -> None:
    """Draw flowables one under another from `y_top` down, as `stack_height` measured them."""
    flowables = _flat(flowables)
    y = y_top
    for i, f in enumerate(flowables):
        if i:
            y -= f.getSpaceBefore()
        _, h = f.wrap(width, 10_000)
        f.drawOn(canvas, x, y - h)
        y -= h + f.getSpaceAfter()


def _flat(flowables: list[Flowable]) -> list[Flowable]:
    """Kept-together groups opened up: outside a frame there is nothing to keep them from."""
    return [part for f in flowables for part in rl_private.kept_content(f)]


def block_height(f: Flowable, width: float) -> float:
    """Height one column block takes in a frame, with the space before it (a KeepTogether is
    one block: its parts' spacing is inside it, its last part's space after counted once)."""
    parts = rl_private.kept_content(f)
    return stack_height(parts, width) + (parts[0].getSpaceBefore() if parts else 0.0)
