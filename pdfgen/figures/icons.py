"""The method icons (walk, stretch, ice pack, cup and plate, hands), drawn like the figures.

Made from the same marks and body as the exercise figures, so icons and figures match in style
and follow the layout's accent colour.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pdfgen.figures.colours import PAPER, mix
from pdfgen.figures.draw import shapes
from pdfgen.figures.marks import Mark, body_marks, camera, extent
from pdfgen.figures.pose import ICONS, Illustration, Pose, Side
from pdfgen.figures.skeleton import about, ground, pose_joints, to_world
from pdfgen.fonts import drawing

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing


def _icon_walk(accent: str) -> list[Mark]:
    pose = Pose(
        trunk=6,
        left=Side(hip=28, knee=12, ankle=5, shoulder=-35, elbow=70),
        right=Side(hip=-20, knee=35, ankle=-25, shoulder=40, elbow=70),
    )
    ill = Illustration(base="standing", start=pose, end=pose, support="left")
    j = ground(ill, to_world(pose_joints(pose), "standing"))
    marks = body_marks(j, camera(ill), (), accent, accent, 1.0)
    return [Mark("line", [(-0.35, 0.0), (0.35, 0.0)], "#9a9a9a", 0.03), *marks]


def _icon_stretch(accent: str) -> list[Mark]:
    pose = Pose(
        trunk=0,
        pelvis=0,
        left=Side(hip_out=10, shoulder=180, shoulder_out=0, elbow=0),
        right=Side(hip_out=10, shoulder=0, shoulder_out=150, elbow=20),
    )
    ill = Illustration(base="standing", view="front", start=pose, end=pose)
    j = ground(ill, to_world(pose_joints(pose), "standing"))
    # lean the whole upper body sideways: a side bend
    pivot = j["pelvis"]
    axis = (1.0, 0.0, 0.0)
    for k in ("neck", "head", "left-shoulder", "right-shoulder", "left-elbow", "right-elbow", "left-hand", "right-hand"):
        j[k] = about(j[k], pivot, axis, 18)
    marks = body_marks(j, camera(ill), (), accent, accent, 1.0)
    return [Mark("line", [(-0.3, 0.0), (0.3, 0.0)], "#9a9a9a", 0.03), *marks]


def _circle_pts(
    cx: float, cy: float, rx: float, ry: float, a0: float = 0, a1: float = 360, n: int = 40
) -> list[tuple[float, float]]:
    return [
        (cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)), cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)))
        for i in range(n + 1)
    ]


def _rounded(x0: float, y0: float, x1: float, y1: float, r: float) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for cx, cy, a0 in ((x1 - r, y0 + r, 270), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180)):
        pts += _circle_pts(cx, cy, r, r, a0, a0 + 90, 8)
    return pts


def _icon_ice(accent: str) -> list[Mark]:
    tint = mix(accent, PAPER, 0.82)
    w = 0.07
    marks = [Mark("poly", _rounded(-0.42, -0.3, 0.42, 0.22, 0.12), accent, w, fill=tint)]
    marks.append(Mark("line", [(-0.12, 0.22), (-0.12, 0.34), (0.12, 0.34), (0.12, 0.22)], accent, w))  # the cap
    for k in range(3):  # a snowflake
        a = math.radians(90 + 60 * k)
        dx, dy = 0.2 * math.cos(a), 0.2 * math.sin(a)
        marks.append(Mark("line", [(-dx, -0.04 - dy), (dx, -0.04 + dy)], accent, w * 0.75))
    return marks


def _icon_cup_plate(accent: str) -> list[Mark]:
    tint = mix(accent, PAPER, 0.82)
    w = 0.065
    plate = Mark("poly", _circle_pts(0.16, -0.04, 0.3, 0.3), accent, w, fill=tint)
    inner = Mark("line", _circle_pts(0.16, -0.04, 0.18, 0.18), accent, w * 0.6)
    cup = [(-0.52, 0.12), (-0.48, -0.32), (-0.22, -0.32), (-0.18, 0.12)]
    marks = [plate, inner, Mark("poly", cup, accent, w, fill=PAPER)]
    marks.append(Mark("line", _circle_pts(-0.2, -0.1, 0.1, 0.1, -80, 80, 12), accent, w))  # handle
    marks.append(Mark("line", [(-0.4, 0.2), (-0.37, 0.27), (-0.4, 0.34)], accent, w * 0.6))  # steam
    marks.append(Mark("line", [(-0.3, 0.2), (-0.27, 0.27), (-0.3, 0.34)], accent, w * 0.6))
    return marks


def _icon_hands(accent: str) -> list[Mark]:
    tint = mix(accent, PAPER, 0.82)
    w = 0.06
    marks: list[Mark] = []
    # a leg (thigh to shin) and two hands pressing around the knee
    marks.append(Mark("line", [(-0.5, -0.05), (0.5, -0.05)], "#9a9a9a", 0.22))
    for cx, flip in ((-0.2, 1), (0.2, -1)):
        palm = _rounded(cx - 0.13, -0.02, cx + 0.13, 0.3, 0.1)
        marks.append(Mark("poly", palm, accent, w, fill=tint))
        for i in range(4):
            fx = cx - 0.1 + i * 0.066
            marks.append(Mark("line", [(fx, 0.28), (fx, 0.42 - abs(i - 1.5) * 0.03)], accent, w))
        thumb_x = cx + flip * 0.13
        marks.append(Mark("line", [(thumb_x, 0.08), (thumb_x + flip * 0.1, 0.2)], accent, w))
    for y in (0.5, 0.56):  # light to firm: two pressure marks
        marks.append(Mark("line", [(-0.06, y), (0.06, y)], accent, w * 0.5))
    return marks


ICON_DRAWERS = {
    "walk": _icon_walk,
    "stretch": _icon_stretch,
    "ice-pack": _icon_ice,
    "cup-plate": _icon_cup_plate,
    "hands": _icon_hands,
}


def draw_icon(name: str, size: float, accent: str = "#1f5f73") -> Drawing:
    """A method's icon as a size x size vector drawing in the accent colour."""
    if name not in ICON_DRAWERS:
        raise ValueError(f"unknown icon {name!r} (known: {', '.join(ICONS)})")
    marks = ICON_DRAWERS[name](accent)
    d = drawing(size, size)
    x0, y0, x1, y1 = extent(marks)
    pad = 0.06 * size
    scale = min((size - 2 * pad) / (x1 - x0), (size - 2 * pad) / (y1 - y0))
    dx = (size - (x1 - x0) * scale) / 2 - x0 * scale
    dy = (size - (y1 - y0) * scale) / 2 - y0 * scale
    d.add(shapes(marks, scale, dx, dy))
    return d
