"""A posed body seen through a camera: the 2-D drawing list (strokes, dots, polygons) of a figure.

Everything is decided here, in figure units and back to front; turning marks into ReportLab
shapes (`pdfgen.figures.draw`) is then a plain translation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from pdfgen.figures.colours import PAPER, PROP_FILL, PROP_LINE, body_color, ghost
from pdfgen.figures.pose import Illustration
from pdfgen.figures.skeleton import (
    HEAD_R,
    LIMB_W,
    MAT_H,
    NECK,
    SEAT_H,
    STEP_H,
    TRUNK_W,
    Vec,
    add,
    cross,
    dot,
    ground,
    hands_on_wall,
    mul,
    norm,
    place_wall,
    pose_joints,
    rotate,
    sub,
    supporting_legs,
    to_world,
)


@dataclass
class Mark:
    """One thing to draw, in figure units (body height = 1), before fitting to the box."""

    kind: str  # line | circle | poly | arrow
    points: list[tuple[float, float]]
    color: str
    width: float = 0.0
    fill: str | None = None
    radius: float = 0.0
    depth: float = 0.0
    dash: tuple[float, float] | None = None  # (on, off) in figure units, for the start pose; None = solid


@dataclass
class Camera:
    right: Vec
    up: Vec
    toward: Vec

    def __call__(self, p: Vec) -> tuple[float, float]:
        return (dot(p, self.right), dot(p, self.up))

    def depth(self, p: Vec) -> float:
        return dot(p, self.toward)


def camera(ill: Illustration) -> Camera:
    c: Vec = (0.0, 0.0, 1.0) if ill.view == "side" else (1.0, 0.0, 0.0)
    c = rotate(c, (0.0, 1.0, 0.0), ill.turn)
    horizontal = norm((c[0], 0.0, c[2]))
    t = math.radians(ill.tilt)
    c = add(mul(horizontal, math.cos(t)), (0.0, math.sin(t), 0.0))
    right = norm(cross((0.0, 1.0, 0.0), c))
    return Camera(right, cross(c, right), c)


SEGMENTS = (
    # (name, joints, limb it belongs to, trunk-like width)
    ("spine", ("pelvis", "neck"), "trunk", True),
    ("shoulders", ("left-shoulder", "right-shoulder"), "trunk", False),
    ("hips", ("left-hip", "right-hip"), "trunk", False),
    ("neck", ("neck", "head"), "trunk", False),
)


def _limb_segments() -> list[tuple[str, tuple[str, ...], str, bool]]:
    out = list(SEGMENTS)
    for s in ("left", "right"):
        out.append((f"{s}-thigh", (f"{s}-hip", f"{s}-knee"), f"{s}-leg", False))
        out.append((f"{s}-shank", (f"{s}-knee", f"{s}-ankle"), f"{s}-leg", False))
        out.append((f"{s}-foot", (f"{s}-heel", f"{s}-ankle", f"{s}-toe"), f"{s}-leg", False))
        out.append((f"{s}-arm", (f"{s}-shoulder", f"{s}-elbow", f"{s}-hand"), f"{s}-arm", False))
    return out


def _dash(width: float) -> tuple[float, float]:
    """Dashes for a round-capped stroke of this width: each cap adds half a width to a dash, so
    this prints as pills one and a half widths long with gaps of about two thirds of a width."""
    return (0.5 * width, 1.65 * width)


def body_marks(
    j: dict[str, Vec], cam: Camera, moving: tuple[str, ...], body: str, accent: str, scale: float, dashed: bool = False
) -> list[Mark]:
    """A body as rounded strokes, far limbs first, each with a paper-coloured halo so overlaps read.
    Dashed (the start pose): limbs as dashes and the head as a ring, so it reads as the start pose
    by its pattern, not only by a light grey a laser printer may drop."""
    marks: list[Mark] = []
    for _name, joints, limb, wide in _limb_segments():
        pts3 = [j[k] for k in joints]
        if _name == "neck":
            pts3 = [j["neck"], add(j["neck"], mul(norm(sub(j["head"], j["neck"])), NECK * 0.8))]
        width = (TRUNK_W if wide else LIMB_W) * scale
        color = accent if limb in moving else body
        depth = sum(cam.depth(p) for p in pts3) / len(pts3)
        if limb == "trunk":
            depth = cam.depth(j["pelvis"])
        marks.append(Mark("line", [cam(p) for p in pts3], color, width, depth=depth, dash=_dash(width) if dashed else None))
    head_color = accent if "trunk" in moving else body
    head, depth = [cam(j["head"])], cam.depth(j["neck"])
    if dashed:
        ring = LIMB_W * scale
        marks.append(Mark("circle", head, head_color, ring, fill=PAPER, radius=HEAD_R - ring / 2, depth=depth))
    else:
        marks.append(Mark("circle", head, head_color, 0.0, fill=head_color, radius=HEAD_R, depth=depth))
    marks.sort(key=lambda m: m.depth)
    return marks


def _box(center: Vec, a: Vec, b: Vec, c: Vec) -> list[Vec]:
    """The 8 corners of a box from its centre and three half-edge vectors."""
    return [add(center, add(mul(a, i), add(mul(b, k), mul(c, m)))) for i in (-1, 1) for k in (-1, 1) for m in (-1, 1)]


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def turn(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _solid(cam: Camera, corners: list[Vec], fill: str = PROP_FILL, line: str = PROP_LINE) -> Mark:
    return Mark("poly", _hull([cam(p) for p in corners]), line, 0.008, fill=fill)


def _prop_marks(ill: Illustration, poses: list[dict[str, Vec]], cam: Camera, wall: tuple[Vec, float] | None) -> list[Mark]:
    """Props fixed in the room (mat, step, wall, seat); the leg-press plate moves with the feet."""
    marks: list[Mark] = []
    pts = [p for j in poses for p in j.values()]
    x0, x1 = min(p[0] for p in pts) - 0.06, max(p[0] for p in pts) + 0.06
    z0, z1 = min(p[2] for p in pts) - 0.12, max(p[2] for p in pts) + 0.12
    if "mat" in ill.props:
        mz0, mz1 = z0 + 0.07, z1 - 0.07
        corners = _box(
            ((x0 + x1) / 2, MAT_H / 2, (mz0 + mz1) / 2), ((x1 - x0) / 2, 0, 0), (0, MAT_H / 2, 0), (0, 0, (mz1 - mz0) / 2)
        )
        marks.append(_solid(cam, corners, fill="#f0f0f0", line="#f0f0f0" if ill.tilt > 15 else "#c8c8c8"))
    if "step" in ill.props:
        legs = supporting_legs(ill.support)
        heel = min(poses[-1][f"{s}-heel"][0] for s in legs)
        toe = max(poses[-1][f"{s}-toe"][0] for s in legs) + 0.012
        back = heel - 0.16
        marks.append(
            _solid(cam, _box(((back + toe) / 2, STEP_H / 2, 0), ((toe - back) / 2, 0, 0), (0, STEP_H / 2, 0), (0, 0, 0.2)))
        )
    if "leg-press" in ill.props:
        j = poses[-1]
        pelvis = j["pelvis"]
        seat_c = (pelvis[0] - 0.02, SEAT_H - 0.025, 0.0)
        marks.append(_solid(cam, _box(seat_c, (0.11, 0, 0), (0, 0.025, 0), (0, 0, 0.14))))
        spine = norm(sub(j["neck"], pelvis))
        back = norm(cross((0.0, 0.0, 1.0), spine))  # behind the back
        mid = add(add(pelvis, mul(spine, 0.17)), mul(back, TRUNK_W / 2 + 0.024))
        marks.append(_solid(cam, _box(mid, mul(spine, 0.19), mul(back, 0.022), (0, 0, 0.14))))
        leg = sub(seat_c, (0.0, SEAT_H, 0.0))
        marks.append(
            _solid(cam, _box(add(leg, (0, SEAT_H / 2 - 0.025, 0)), (0.03, 0, 0), (0, SEAT_H / 2 - 0.025, 0), (0, 0, 0.03)))
        )
    if wall is not None:
        normal, offset = wall
        th = 0.022
        centre_along = offset + th
        ys = [p[1] for p in pts]
        top = max(max(ys) + 0.12, 0.9 if ill.base in ("standing",) else max(ys) + 0.12)
        spans = [p for p in pts]
        side = norm(cross((0.0, 1.0, 0.0), normal))
        s0 = min(dot(p, side) for p in spans) - 0.15
        s1 = max(dot(p, side) for p in spans) + 0.15
        if abs(normal[0]) > 0.5:  # a wall in front of or behind a side-on figure: keep it narrow
            s0, s1 = -0.2, 0.2
        centre = add(add(mul(normal, centre_along), mul(side, (s0 + s1) / 2)), (0.0, top / 2, 0.0))
        marks.append(_solid(cam, _box(centre, mul(normal, th), (0.0, top / 2, 0.0), mul(side, (s1 - s0) / 2))))
    return marks


def _plate_marks(ill: Illustration, j: dict[str, Vec], cam: Camera, faint: bool) -> list[Mark]:
    """The leg-press plate: square to the line from hip to ankle, under the soles; it moves with the feet."""
    if "leg-press" not in ill.props:
        return []
    push = norm(sub(j["right-ankle"], j["right-hip"]))
    across = norm(cross((0.0, 0.0, 1.0), push))
    if across[1] < 0:
        across = mul(across, -1)
    sole = max(dot(j[f"right-{k}"], push) for k in ("heel", "toe", "ankle"))
    base = add(j["right-ankle"], mul(push, sole - dot(j["right-ankle"], push) + LIMB_W / 2 + 0.014))
    centre = add(base, mul(across, 0.04))
    corners = _box(centre, mul(push, 0.014), mul(across, 0.13), (0.0, 0.0, 0.16))
    if faint:
        plate = _solid(cam, corners, fill="#f6f6f6", line=ghost("#9a9a9a"))
        plate.width, plate.dash = 0.012, _dash(0.012)
        return [plate]
    return [_solid(cam, corners, fill="#dcdcdc", line="#9a9a9a")]


MOVING_JOINTS = {
    "left-leg": ("left-knee", "left-ankle", "left-toe", "left-hip"),
    "right-leg": ("right-knee", "right-ankle", "right-toe", "right-hip"),
    "left-arm": ("left-elbow", "left-hand"),
    "right-arm": ("right-elbow", "right-hand"),
    "trunk": ("head", "neck"),
}


def _arrow_marks(ill: Illustration, a: dict[str, Vec], b: dict[str, Vec], cam: Camera, accent: str) -> list[Mark]:
    """An arc beside the joint that travels furthest, bowed away from the body, head at the end."""
    best, dist = None, 0.0
    for limb in ill.moving:
        for k in MOVING_JOINTS[limb]:
            p0, p1 = cam(a[k]), cam(b[k])
            d = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
            if d > dist + 1e-6:
                best, dist = (p0, p1), d
    if best is None or dist < 0.045:
        return []
    (x0, y0), (x1, y1) = best
    centre = [cam(p) for p in b.values()]
    cx = sum(p[0] for p in centre) / len(centre)
    cy = sum(p[1] for p in centre) / len(centre)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    nx, ny = -(y1 - y0) / dist, (x1 - x0) / dist
    if nx * (mx - cx) + ny * (my - cy) < 0:
        nx, ny = -nx, -ny
    gap = 0.075
    bow = min(0.3 * dist, 0.09)
    # shorten the ends a little so the arrow sits beside the joints, not on them
    sx, sy = x0 + nx * gap, y0 + ny * gap
    ex, ey = x1 + nx * gap, y1 + ny * gap
    qx, qy = mx + nx * (gap + bow), my + ny * (gap + bow)
    trim = min(0.18, 0.5 * 0.2)
    sx, sy = sx + (qx - sx) * trim, sy + (qy - sy) * trim
    ex, ey = ex + (qx - ex) * trim, ey + (qy - ey) * trim
    head = 0.05
    tx, ty = ex - qx, ey - qy
    tl = math.hypot(tx, ty) or 1.0
    tx, ty = tx / tl, ty / tl
    # stop the shaft short of the tip so its round cap hides under the head
    tip = (ex + tx * head * 0.55, ey + ty * head * 0.55)
    left = (tip[0] - tx * head - ty * head * 0.62, tip[1] - ty * head + tx * head * 0.62)
    right = (tip[0] - tx * head + ty * head * 0.62, tip[1] - ty * head - tx * head * 0.62)
    shaft = Mark("arrow", [(sx, sy), (qx, qy), (ex, ey)], accent, 0.018)
    return [shaft, Mark("poly", [tip, left, right], accent, 0.0, fill=accent)]


def _floor_mark(bounds: tuple[float, float, float, float], cam: Camera) -> Mark:
    x0, _y0, x1, _y1 = bounds
    y = cam((0.0, 0.0, 0.0))[1]
    return Mark("line", [(x0 - 0.06, y), (x1 + 0.06, y)], "#9a9a9a", 0.012)


def extent(marks: Iterable[Mark]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for m in marks:
        pad = max(m.width / 2, m.radius)
        for x, y in m.points:
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
    return min(xs), min(ys), max(xs), max(ys)


def figure_marks(ill: Illustration, accent: str = "#1f5f73") -> list[Mark]:
    """Everything a pose illustration draws, in figure units, back to front."""
    cam = camera(ill)
    poses = [ground(ill, to_world(pose_joints(p), ill.base)) for p in (ill.start, ill.end)]
    wall = place_wall(ill, poses)
    if wall is not None:
        poses = [hands_on_wall(ill, p, j, wall) for p, j in zip((ill.start, ill.end), poses, strict=True)]
    body = body_color(accent)
    changed = ill.start != ill.end
    marks = _prop_marks(ill, poses, cam, wall)
    figure: list[Mark] = []
    if changed:
        figure += _plate_marks(ill, poses[0], cam, faint=True)
        figure += body_marks(poses[0], cam, ill.moving, ghost(body), ghost(accent), 0.72, dashed=True)
        arrow = _arrow_marks(ill, poses[0], poses[1], cam, accent)
    else:
        arrow = []
    figure += _plate_marks(ill, poses[1], cam, faint=False)
    figure += body_marks(poses[1], cam, ill.moving, body, accent, 1.0)
    figure += arrow
    if ill.tilt > 15:  # looking down, the floor is a plane, not a line: the mat or nothing shows it
        return [*marks, *figure]
    floor = _floor_mark(extent(marks + figure), cam)
    return [floor, *marks, *figure]
