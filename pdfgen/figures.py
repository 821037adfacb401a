"""Exercise figures drawn from pose data, and the method icons.

Pictures are computed, not stored, so they print crisp at any size, stay editable in YAML
and match each other in style. An exercise's `illustration:` is either a pose or an image.

Pose convention (all angles in whole degrees; anything left out is 0, and `end` repeats
`start` for anything it leaves out):

- `base` says how the body rests: standing, sitting, kneeling, half-kneeling (on the
  `support` knee), lying-back (head to the left, face up) or lying-side (on the right side,
  head to the left, facing you in a side view).
- `view: side` looks at the figure's right side (a standing figure faces right);
  `view: front` looks it in the face (its right side on your left). `turn` swings the
  camera round the figure (-60–60; + towards its front in a side view, towards its left in
  a front view) and `tilt` raises it to look down (0–80).
- `trunk`: lean of the trunk from the base's reference (upright, or flat when lying);
  + leans forward (towards the face). `pelvis`: side tilt, + lifts the left hip (a hip hitch).
- per side, under `left:` / `right:` (the person's own sides), each measured from the
  segment above it, as a physiotherapist measures a joint:
  `hip` flexion (0 = thigh in line with the trunk, 90 = thigh square to it, - = behind),
  `knee` flexion (0 = straight), `ankle` (0 = foot square to the shin, + = toes up,
  - = pointed), `shoulder` flexion (0 = arm down along the trunk, 90 = forwards,
  180 = overhead), `elbow` flexion (0 = straight);
  `hip_out` swings the leg out to the side (- = across the body), `hip_rot` turns it about
  the thigh (+ = external rotation: a bent knee's foot swings inwards), `turn_out` turns a bent
  leg out about its hip-to-ankle line (the clamshell: the knee lifts, the foot stays),
  `shoulder_out` raises the arm sideways; `hand` puts the hand on a target instead of using
  shoulder and elbow (wall, left-hip, right-knee, right-thigh, right-ankle, ...).
- `support`: the leg that carries the weight (left, right or both); it stays put.
- `props`: floor, mat, wall, step, leg-press. A wall stands where the hands reach it (both
  hands: in front; one hand: on that side), else behind the back.
- `moving`: the limbs drawn in the accent colour (left-leg, right-leg, left-arm,
  right-arm, trunk). The start pose is drawn faint, the end pose solid, with an arrow for
  the joint that travels furthest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors

from pdfgen.schema import Reader, did_you_mean, file_of, line_of

if TYPE_CHECKING:  # drawing needs ReportLab's graphics (and through it Platypus); checking poses does not
    from reportlab.graphics.shapes import Drawing, Group

VIEWS = ("side", "front")
BASES = ("standing", "sitting", "kneeling", "half-kneeling", "lying-back", "lying-side")
PROPS = ("floor", "mat", "wall", "step", "leg-press")
MOVING = ("left-leg", "right-leg", "left-arm", "right-arm", "trunk")
SUPPORTS = ("both", "left", "right")
HAND_TARGETS = (
    "wall",
    "left-hip",
    "right-hip",
    "left-thigh",
    "right-thigh",
    "left-knee",
    "right-knee",
    "left-ankle",
    "right-ankle",
)
ICONS = ("walk", "stretch", "ice-pack", "cup-plate", "hands")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")

# Joint ranges a body can take (degrees): wider than any exercise needs, narrow enough to
# catch a sign slip or a typo'd digit.
TRUNK_RANGE = (-90, 90)
PELVIS_RANGE = (-20, 20)
SIDE_RANGES: dict[str, tuple[int, int]] = {
    "hip": (-40, 140),
    "knee": (0, 160),
    "ankle": (-90, 45),
    "shoulder": (-60, 180),
    "elbow": (0, 160),
    "hip_out": (-45, 60),
    "hip_rot": (-45, 60),
    "turn_out": (0, 70),
    "shoulder_out": (0, 180),
}

# Body proportions, as fractions of standing height, so figures of every pose match.
THIGH, SHANK, FOOT, HEEL = 0.25, 0.27, 0.10, 0.025
TRUNK, NECK, HEAD_R = 0.30, 0.035, 0.066
UPPER_ARM, FOREARM = 0.165, 0.195
HIP_W, SHOULDER_W = 0.055, 0.095
LIMB_W, TRUNK_W = 0.036, 0.062  # stroke widths in the same units: lines scale with the body
STEP_H, SEAT_H, MAT_H = 0.075, 0.24, 0.014

PAPER = "#ffffff"
PROP_FILL, PROP_LINE = "#ececec", "#b4b4b4"
GHOST = "#dcdcdc"


# ---------------------------------------------------------------- the data


@dataclass(frozen=True)
class Side:
    """One side's joint angles (degrees), as in the module docstring."""

    hip: int = 0
    knee: int = 0
    ankle: int = 0
    shoulder: int = 0
    elbow: int = 0
    hip_out: int = 0
    hip_rot: int = 0
    turn_out: int = 0
    shoulder_out: int = 0
    hand: str | None = None


@dataclass(frozen=True)
class Pose:
    trunk: int = 0
    pelvis: int = 0
    left: Side = field(default_factory=Side)
    right: Side = field(default_factory=Side)


@dataclass(frozen=True)
class Illustration:
    """What to draw for one exercise: a start and end pose with props, or a picture file."""

    view: str = "side"
    base: str = "standing"
    start: Pose = field(default_factory=Pose)
    end: Pose = field(default_factory=Pose)
    props: tuple[str, ...] = ()
    moving: tuple[str, ...] = ()
    support: str = "both"
    turn: int = 0
    tilt: int = 0
    image: Path | None = None


# ---------------------------------------------------------------- reading YAML

POSE_KEYS = ("view", "base", "support", "turn", "tilt", "props", "moving", "start", "end")


def read_illustration(r: Reader, folder: Path) -> Illustration | None:
    """Validate an `illustration:` mapping; record every problem on the reader, return None if any."""
    before = len(r.problems.items)
    ill = _read_image(r, folder) if r.has("image") else _read_pose_illustration(r)
    r.finish()
    return ill if len(r.problems.items) == before else None


def _read_image(r: Reader, folder: Path) -> Illustration | None:
    for key in POSE_KEYS:
        if r.has(key):
            r.raw(key)
            r.problem(key, "is not used with image (give either an image or a pose, not both)")
    name = r.text("image", required=True)
    if not name:
        return None
    rel = Path(name)
    if rel.is_absolute() or name.startswith(("/", "\\")) or ".." in rel.parts or ".." in name.replace("\\", "/").split("/"):
        r.problem("image", f"'{name}' must be a path inside the data folder (no '..', not absolute)")
        return None
    if rel.suffix.lower() not in IMAGE_SUFFIXES:
        r.problem("image", f"'{name}' is not a picture file (allowed: {', '.join(IMAGE_SUFFIXES)})")
        return None
    root = folder.resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        r.problem("image", f"'{name}' leads outside the data folder (a link?); put the picture inside {folder}")
        return None
    if not path.is_file():
        r.problem("image", f"'{name}' does not exist in {folder}")
        return None
    from pdfgen import images

    try:
        images.inspect(path)
    except images.ImageError as exc:
        r.problem("image", f"'{name}' {exc}")
        return None
    return Illustration(image=path)


def _choice(r: Reader, key: str, allowed: tuple[str, ...], default: str, required: bool = False) -> str:
    value = r.text(key, required=required)
    if value is None:
        return default
    if value not in allowed:
        r.problem(key, f"'{value}' is not a {key}{did_you_mean(value, allowed)} (allowed: {', '.join(allowed)})")
        return default
    return value


def _names(r: Reader, key: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = r.text_list(key, commas=True)
    node = r.node.get(key)
    out: list[str] = []
    for i, name in enumerate(items):
        if name not in allowed:
            r.problems.add(
                file_of(node) or r.file,
                line_of(node, i) if isinstance(node, list) else r.line(key),
                f"{r.field(key)}[{i}]" if isinstance(node, list) else r.field(key),
                f"'{name}' is not a known {what}{did_you_mean(name, allowed)} (allowed: {', '.join(allowed)})",
            )
        elif name not in out:
            out.append(name)
    return tuple(out)


def _read_pose_illustration(r: Reader) -> Illustration | None:
    r.raw("image")
    view = _choice(r, "view", VIEWS, "side")
    base = _choice(r, "base", BASES, "standing", required=True)
    support = _choice(r, "support", SUPPORTS, "both")
    turn = r.integer("turn", lo=-60, hi=60) or 0
    tilt = r.integer("tilt", lo=0, hi=80) or 0
    props = _names(r, "props", PROPS, "prop")
    moving = _names(r, "moving", MOVING, "limb")
    start = Pose()
    if r.mapping("start", required=True) is not None:
        start = _read_pose(r.child("start"), Pose(), props)
    end = start
    if r.mapping("end") is not None:
        end = _read_pose(r.child("end"), start, props)
    return Illustration(
        view=view, base=base, start=start, end=end, props=props, moving=moving, support=support, turn=turn, tilt=tilt
    )


def _read_pose(r: Reader, inherit: Pose, props: tuple[str, ...]) -> Pose:
    trunk = r.integer("trunk", lo=TRUNK_RANGE[0], hi=TRUNK_RANGE[1])
    pelvis = r.integer("pelvis", lo=PELVIS_RANGE[0], hi=PELVIS_RANGE[1])
    sides = {}
    for name in ("left", "right"):
        old: Side = getattr(inherit, name)
        sides[name] = _read_side(r.child(name), old, props) if r.mapping(name) is not None else old
    r.finish()
    return Pose(
        trunk=inherit.trunk if trunk is None else trunk,
        pelvis=inherit.pelvis if pelvis is None else pelvis,
        left=sides["left"],
        right=sides["right"],
    )


def _read_side(r: Reader, inherit: Side, props: tuple[str, ...]) -> Side:
    values: dict[str, Any] = {}
    for key, (lo, hi) in SIDE_RANGES.items():
        value = r.integer(key, lo=lo, hi=hi)
        if value is not None:
            values[key] = value
    hand = r.text("hand")
    if hand is not None:
        if hand not in HAND_TARGETS:
            r.problem(
                "hand",
                f"'{hand}' is not a place for the hand{did_you_mean(hand, HAND_TARGETS)} (allowed: {', '.join(HAND_TARGETS)})",
            )
        elif hand == "wall" and "wall" not in props:
            r.problem("hand", "is on the wall, but props has no wall (add wall to props)")
        else:
            values["hand"] = hand
        for key in ("shoulder", "elbow"):
            if key in values:
                r.problem(key, "is not used with hand (give the hand's target, or shoulder and elbow)")
    r.finish()
    if hand is None and ("shoulder" in values or "elbow" in values):
        values["hand"] = None
    return replace(inherit, **values)


# ---------------------------------------------------------------- 3-D vector helpers

Vec = tuple[float, float, float]


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a: Vec) -> Vec:
    n = math.sqrt(_dot(a, a))
    return _mul(a, 1 / n) if n > 1e-9 else (0.0, 0.0, 0.0)


def _len(a: Vec) -> float:
    return math.sqrt(_dot(a, a))


def _rot_z(v: Vec, deg: float) -> Vec:
    """Turn v in the body's side plane; + swings a downward limb forwards."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return (v[0] * c - v[1] * s, v[0] * s + v[1] * c, v[2])


def _rotate(v: Vec, axis: Vec, deg: float) -> Vec:
    """Rodrigues: v turned by deg about the unit vector axis (right-hand rule)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    k = axis
    return _add(_add(_mul(v, c), _mul(_cross(k, v), s)), _mul(k, _dot(k, v) * (1 - c)))


def _about(p: Vec, pivot: Vec, axis: Vec, deg: float) -> Vec:
    return _add(pivot, _rotate(_sub(p, pivot), axis, deg))


# ---------------------------------------------------------------- posing a skeleton

SIGN = {"right": 1.0, "left": -1.0}  # the body's right side is +z


def _two_bone(s: Vec, target: Vec, a: float, b: float, pole: Vec) -> tuple[Vec, Vec]:
    """Elbow and hand reaching from s towards target, the elbow bending towards pole."""
    d_vec = _sub(target, s)
    d = min(max(_len(d_vec), abs(a - b) + 1e-4), a + b - 1e-4)
    u = _norm(d_vec)
    perp = _sub(pole, _mul(u, _dot(pole, u)))
    perp = _norm(perp) if _len(perp) > 1e-6 else _norm(_cross(u, (0.0, 0.0, 1.0)))
    cos_a = (a * a + d * d - b * b) / (2 * a * d)
    sin_a = math.sqrt(max(0.0, 1 - cos_a * cos_a))
    elbow = _add(s, _add(_mul(u, a * cos_a), _mul(perp, a * sin_a)))
    return elbow, _add(s, _mul(u, d))


def _skeleton(pose: Pose) -> dict[str, Vec]:
    """Joint positions in the body's own frame: x forwards, y up, z to the right; pelvis at 0."""
    t = pose.trunk
    up = (math.sin(math.radians(t)), math.cos(math.radians(t)), 0.0)
    down = _mul(up, -1)
    j: dict[str, Vec] = {"pelvis": (0.0, 0.0, 0.0)}
    neck = _mul(up, TRUNK)
    j["neck"] = neck
    j["head"] = _add(neck, _mul(up, NECK + HEAD_R))
    tilt = math.radians(pose.pelvis)
    for name in ("left", "right"):
        side: Side = getattr(pose, name)
        sg = SIGN[name]
        lateral = (0.0, 0.0, sg)
        # pelvis tilt: + lifts the left hip (the left hip is at -z)
        hip = (0.0, -sg * HIP_W * math.sin(tilt), sg * HIP_W * math.cos(tilt))
        thigh = _rot_z(down, side.hip)
        knee = _add(hip, _mul(thigh, THIGH))
        shank = _rot_z(thigh, -side.knee)
        ankle = _add(knee, _mul(shank, SHANK))
        foot = _rot_z(shank, 90 + side.ankle)
        leg = {"knee": knee, "ankle": ankle, "toe": _add(ankle, _mul(foot, FOOT)), "heel": _sub(ankle, _mul(foot, HEEL))}
        if side.hip_rot:  # about the thigh's own line; + (external) swings a bent leg's foot inwards
            leg = {k: _about(p, hip, thigh, sg * side.hip_rot) for k, p in leg.items()}
        if side.hip_out:
            axis = _norm(_cross(thigh, lateral))
            leg = {k: _about(p, hip, axis, side.hip_out) for k, p in leg.items()}
        if side.turn_out:
            axis = _norm(_sub(leg["ankle"], hip))
            offset = _sub(leg["knee"], hip)
            perp = _sub(offset, _mul(axis, _dot(offset, axis)))
            deg = side.turn_out if _dot(_cross(axis, perp), lateral) >= 0 else -side.turn_out
            leg = {k: _about(p, hip, axis, deg) for k, p in leg.items()}
        j[f"{name}-hip"] = hip
        for k, p in leg.items():
            j[f"{name}-{k}"] = p
        shoulder = _add(_sub(neck, _mul(up, 0.035)), _mul(lateral, SHOULDER_W))
        arm = _rot_z(down, side.shoulder)
        elbow = _add(shoulder, _mul(arm, UPPER_ARM))
        hand = _add(elbow, _mul(_rot_z(arm, side.elbow), FOREARM))
        if side.shoulder_out:
            axis = _norm(_cross(arm, lateral))
            elbow, hand = (_about(p, shoulder, axis, side.shoulder_out) for p in (elbow, hand))
        j[f"{name}-shoulder"] = shoulder
        j[f"{name}-elbow"] = elbow
        j[f"{name}-hand"] = hand
    for name in ("left", "right"):  # hands on the body, once every leg is placed
        target = getattr(pose, name).hand
        if target and target != "wall":
            j[f"{name}-elbow"], j[f"{name}-hand"] = _reach(j, name, _target_point(j, target))
    return j


def _target_point(j: dict[str, Vec], target: str) -> Vec:
    side, part = target.split("-")
    if part == "thigh":
        return _add(j[f"{side}-hip"], _mul(_sub(j[f"{side}-knee"], j[f"{side}-hip"]), 0.62))
    if part == "hip":
        return _add(j[f"{side}-hip"], _mul(_sub(j["neck"], j["pelvis"]), 0.12))
    return j[f"{side}-{part}"]


def _reach(j: dict[str, Vec], name: str, target: Vec, frame: tuple[Vec, Vec, Vec] | None = None) -> tuple[Vec, Vec]:
    """Bend the arm so the hand lands on target; the elbow points out and down (back for a wall)."""
    f, u, r = frame or ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    lateral = _mul(r, SIGN[name])
    pole = _add(_add(lateral, _mul(f, -0.6)), _mul(u, -0.6))
    return _two_bone(j[f"{name}-shoulder"], target, UPPER_ARM, FOREARM, pole)


BASE_FRAMES: dict[str, tuple[Vec, Vec, Vec]] = {
    # where the body's forward, up and right axes point in the world (x right, y up, z to you)
    "standing": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "sitting": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "kneeling": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "half-kneeling": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "lying-back": ((0, 1, 0), (-1, 0, 0), (0, 0, 1)),
    "lying-side": ((0, 0, 1), (-1, 0, 0), (0, -1, 0)),
}


def _to_world(j: dict[str, Vec], base: str) -> dict[str, Vec]:
    f, u, r = BASE_FRAMES[base]
    return {k: _add(_add(_mul(f, p[0]), _mul(u, p[1])), _mul(r, p[2])) for k, p in j.items()}


def _legs(support: str) -> tuple[str, ...]:
    return ("left", "right") if support == "both" else (support,)


def _ground(ill: Illustration, j: dict[str, Vec]) -> dict[str, Vec]:
    """Rest the body on the floor (or mat, step, seat), the supporting part at the same spot."""
    floor = MAT_H if "mat" in ill.props else 0.0
    legs = _legs(ill.support)
    if ill.base == "standing":
        contact = [j[f"{s}-{p}"] for s in legs for p in ("heel", "toe")]
        anchor = [j[f"{s}-ankle"] for s in legs]
        level = floor + (STEP_H if "step" in ill.props else 0.0) + LIMB_W / 2
    elif ill.base in ("kneeling", "half-kneeling"):
        contact = [j[f"{s}-{p}"] for s in legs for p in ("knee", "ankle", "toe", "heel")]
        anchor = [j[f"{s}-knee"] for s in legs]
        level = floor + LIMB_W / 2
    elif ill.base == "sitting":
        contact = [j["pelvis"]]
        anchor = [j["pelvis"]]
        level = SEAT_H + TRUNK_W / 2
    else:
        contact = [j[k] for k in ("left-hip", "right-hip", "left-shoulder", "right-shoulder", "pelvis", "neck")]
        anchor = [j["pelvis"]]
        level = floor + TRUNK_W / 2
    ax = sum(p[0] for p in anchor) / len(anchor)
    az = sum(p[2] for p in anchor) / len(anchor)
    dy = level - min(p[1] for p in contact)
    return {k: (p[0] - ax, p[1] + dy, p[2] - az) for k, p in j.items()}


# ---------------------------------------------------------------- the 2-D drawing list


@dataclass
class _Mark:
    """One thing to draw, in figure units (body height = 1), before fitting to the box."""

    kind: str  # line | circle | poly | arrow
    points: list[tuple[float, float]]
    color: str
    width: float = 0.0
    fill: str | None = None
    radius: float = 0.0
    depth: float = 0.0


@dataclass
class _Camera:
    right: Vec
    up: Vec
    toward: Vec

    def __call__(self, p: Vec) -> tuple[float, float]:
        return (_dot(p, self.right), _dot(p, self.up))

    def depth(self, p: Vec) -> float:
        return _dot(p, self.toward)


def _camera(ill: Illustration) -> _Camera:
    c: Vec = (0.0, 0.0, 1.0) if ill.view == "side" else (1.0, 0.0, 0.0)
    c = _rotate(c, (0.0, 1.0, 0.0), ill.turn)
    horizontal = _norm((c[0], 0.0, c[2]))
    t = math.radians(ill.tilt)
    c = _add(_mul(horizontal, math.cos(t)), (0.0, math.sin(t), 0.0))
    right = _norm(_cross((0.0, 1.0, 0.0), c))
    return _Camera(right, _cross(c, right), c)


@cache
def _color(color: str) -> colors.Color:
    """ReportLab's toColor rebuilds its table of named colours on every call; a figure asks
    hundreds of times for the same few."""
    return colors.toColor(color)


def grey_level(color: str) -> float:
    """Lightness a greyscale printer keeps (0 black – 255 white), by the Rec. 601 weights."""
    c = _color(color)
    return 255 * (0.299 * c.red + 0.587 * c.green + 0.114 * c.blue)


def _mix(color: str, other: str, k: float) -> str:
    a, b = _color(color), _color(other)
    return colors.Color(*(x + (y - x) * k for x, y in zip(a.rgb(), b.rgb(), strict=True))).hexval().replace("0x", "#")


def body_color(accent: str) -> str:
    """The figure's grey, at least 64 grey levels away from the accent, so the moving limb
    still stands out when printed in greyscale: dark grey beside a light accent, a lighter
    grey beside a dark one."""
    g = grey_level(accent)
    level = 51 if g >= 115 else round(g + 64)
    return f"#{level:02x}{level:02x}{level:02x}"


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


def _figure_marks(j: dict[str, Vec], cam: _Camera, moving: tuple[str, ...], body: str, accent: str, scale: float) -> list[_Mark]:
    """A body as rounded strokes, far limbs first, each with a paper-coloured halo so overlaps read."""
    marks: list[_Mark] = []
    for _name, joints, limb, wide in _limb_segments():
        pts3 = [j[k] for k in joints]
        if _name == "neck":
            pts3 = [j["neck"], _add(j["neck"], _mul(_norm(_sub(j["head"], j["neck"])), NECK * 0.8))]
        width = (TRUNK_W if wide else LIMB_W) * scale
        color = accent if limb in moving else body
        depth = sum(cam.depth(p) for p in pts3) / len(pts3)
        if limb == "trunk":
            depth = cam.depth(j["pelvis"])
        marks.append(_Mark("line", [cam(p) for p in pts3], color, width, depth=depth))
    head_color = accent if "trunk" in moving else body
    marks.append(_Mark("circle", [cam(j["head"])], head_color, 0.0, fill=head_color, radius=HEAD_R, depth=cam.depth(j["neck"])))
    marks.sort(key=lambda m: m.depth)
    return marks


def _box(center: Vec, a: Vec, b: Vec, c: Vec) -> list[Vec]:
    """The 8 corners of a box from its centre and three half-edge vectors."""
    return [_add(center, _add(_mul(a, i), _add(_mul(b, k), _mul(c, m)))) for i in (-1, 1) for k in (-1, 1) for m in (-1, 1)]


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


def _solid(cam: _Camera, corners: list[Vec], fill: str = PROP_FILL, line: str = PROP_LINE) -> _Mark:
    return _Mark("poly", _hull([cam(p) for p in corners]), line, 0.008, fill=fill)


def _wall(ill: Illustration, poses: list[dict[str, Vec]]) -> tuple[Vec, float] | None:
    """The wall's outward normal and offset: at the hands if they reach for it, else behind the back."""
    if "wall" not in ill.props:
        return None
    end = poses[-1]
    f, _u, r = BASE_FRAMES[ill.base]
    hands = [s for s in ("left", "right") if getattr(ill.end, s).hand == "wall"]
    if len(hands) == 2:
        normal: Vec = f
        reach = max(_dot(end[f"{s}-shoulder"], normal) for s in hands) + 0.84 * (UPPER_ARM + FOREARM)
        return normal, reach
    if hands:
        normal = _mul(r, SIGN[hands[0]])
        return normal, _dot(end[f"{hands[0]}-shoulder"], normal) + 0.8 * (UPPER_ARM + FOREARM)
    normal = _mul(f, -1)
    back = [_dot(end[k], normal) + TRUNK_W / 2 for k in ("pelvis", "neck", "left-hip", "right-hip")]
    back.append(_dot(end["head"], normal) + HEAD_R)
    return normal, max(back) + 0.004


def _hands_on_wall(ill: Illustration, pose: Pose, j: dict[str, Vec], wall: tuple[Vec, float]) -> dict[str, Vec]:
    normal, offset = wall
    j = dict(j)
    frame = BASE_FRAMES[ill.base]
    for s in ("left", "right"):
        if getattr(pose, s).hand != "wall":
            continue
        sh = j[f"{s}-shoulder"]
        target = _add(_add(sh, _mul(normal, offset - _dot(sh, normal) - LIMB_W / 2)), (0.0, -0.03, 0.0))
        j[f"{s}-elbow"], j[f"{s}-hand"] = _reach(j, s, target, frame)
    return j


def _prop_marks(ill: Illustration, poses: list[dict[str, Vec]], cam: _Camera, wall: tuple[Vec, float] | None) -> list[_Mark]:
    """Props fixed in the room (mat, step, wall, seat); the leg-press plate moves with the feet."""
    marks: list[_Mark] = []
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
        legs = _legs(ill.support)
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
        spine = _norm(_sub(j["neck"], pelvis))
        back = _norm(_cross((0.0, 0.0, 1.0), spine))  # behind the back
        mid = _add(_add(pelvis, _mul(spine, 0.17)), _mul(back, TRUNK_W / 2 + 0.024))
        marks.append(_solid(cam, _box(mid, _mul(spine, 0.19), _mul(back, 0.022), (0, 0, 0.14))))
        leg = _sub(seat_c, (0.0, SEAT_H, 0.0))
        marks.append(
            _solid(cam, _box(_add(leg, (0, SEAT_H / 2 - 0.025, 0)), (0.03, 0, 0), (0, SEAT_H / 2 - 0.025, 0), (0, 0, 0.03)))
        )
    if wall is not None:
        normal, offset = wall
        th = 0.022
        centre_along = offset + th
        ys = [p[1] for p in pts]
        top = max(max(ys) + 0.12, 0.9 if ill.base in ("standing",) else max(ys) + 0.12)
        spans = [p for p in pts]
        side = _norm(_cross((0.0, 1.0, 0.0), normal))
        s0 = min(_dot(p, side) for p in spans) - 0.15
        s1 = max(_dot(p, side) for p in spans) + 0.15
        if abs(normal[0]) > 0.5:  # a wall in front of or behind a side-on figure: keep it narrow
            s0, s1 = -0.2, 0.2
        centre = _add(_add(_mul(normal, centre_along), _mul(side, (s0 + s1) / 2)), (0.0, top / 2, 0.0))
        marks.append(_solid(cam, _box(centre, _mul(normal, th), (0.0, top / 2, 0.0), _mul(side, (s1 - s0) / 2))))
    return marks


def _plate_marks(ill: Illustration, j: dict[str, Vec], cam: _Camera, faint: bool) -> list[_Mark]:
    """The leg-press plate: square to the line from hip to ankle, under the soles; it moves with the feet."""
    if "leg-press" not in ill.props:
        return []
    push = _norm(_sub(j["right-ankle"], j["right-hip"]))
    across = _norm(_cross((0.0, 0.0, 1.0), push))
    if across[1] < 0:
        across = _mul(across, -1)
    sole = max(_dot(j[f"right-{k}"], push) for k in ("heel", "toe", "ankle"))
    base = _add(j["right-ankle"], _mul(push, sole - _dot(j["right-ankle"], push) + LIMB_W / 2 + 0.014))
    centre = _add(base, _mul(across, 0.04))
    corners = _box(centre, _mul(push, 0.014), _mul(across, 0.13), (0.0, 0.0, 0.16))
    if faint:
        return [_solid(cam, corners, fill="#f6f6f6", line="#dddddd")]
    return [_solid(cam, corners, fill="#dcdcdc", line="#9a9a9a")]


MOVING_JOINTS = {
    "left-leg": ("left-knee", "left-ankle", "left-toe", "left-hip"),
    "right-leg": ("right-knee", "right-ankle", "right-toe", "right-hip"),
    "left-arm": ("left-elbow", "left-hand"),
    "right-arm": ("right-elbow", "right-hand"),
    "trunk": ("head", "neck"),
}


def _arrow_marks(ill: Illustration, a: dict[str, Vec], b: dict[str, Vec], cam: _Camera, accent: str) -> list[_Mark]:
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
    shaft = _Mark("arrow", [(sx, sy), (qx, qy), (ex, ey)], accent, 0.018)
    return [shaft, _Mark("poly", [tip, left, right], accent, 0.0, fill=accent)]


def _floor_mark(bounds: tuple[float, float, float, float], cam: _Camera) -> _Mark:
    x0, _y0, x1, _y1 = bounds
    y = cam((0.0, 0.0, 0.0))[1]
    return _Mark("line", [(x0 - 0.06, y), (x1 + 0.06, y)], "#9a9a9a", 0.012)


def _extent(marks: Iterable[_Mark]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for m in marks:
        pad = max(m.width / 2, m.radius)
        for x, y in m.points:
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
    return min(xs), min(ys), max(xs), max(ys)


def figure_marks(ill: Illustration, accent: str = "#1f5f73") -> list[_Mark]:
    """Everything a pose illustration draws, in figure units, back to front."""
    cam = _camera(ill)
    poses = [_ground(ill, _to_world(_skeleton(p), ill.base)) for p in (ill.start, ill.end)]
    wall = _wall(ill, poses)
    if wall is not None:
        poses = [_hands_on_wall(ill, p, j, wall) for p, j in zip((ill.start, ill.end), poses, strict=True)]
    body = body_color(accent)
    ghost_accent = _mix(accent, PAPER, 0.6)
    changed = ill.start != ill.end
    marks = _prop_marks(ill, poses, cam, wall)
    figure: list[_Mark] = []
    if changed:
        figure += _plate_marks(ill, poses[0], cam, faint=True)
        figure += _figure_marks(poses[0], cam, ill.moving, GHOST, ghost_accent, 0.72)
        arrow = _arrow_marks(ill, poses[0], poses[1], cam, accent)
    else:
        arrow = []
    figure += _plate_marks(ill, poses[1], cam, faint=False)
    figure += _figure_marks(poses[1], cam, ill.moving, body, accent, 1.0)
    figure += arrow
    if ill.tilt > 15:  # looking down, the floor is a plane, not a line: the mat or nothing shows it
        return [*marks, *figure]
    floor = _floor_mark(_extent(marks + figure), cam)
    return [floor, *marks, *figure]


# ---------------------------------------------------------------- ReportLab shapes


def _shapes(marks: list[_Mark], scale: float, dx: float, dy: float) -> Group:
    from reportlab.graphics.shapes import Circle, Group, Polygon, PolyLine
    from reportlab.graphics.shapes import Path as PathShape

    g = Group()

    def pt(p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] * scale + dx, p[1] * scale + dy)

    for m in marks:
        w = m.width * scale
        if m.kind == "circle":
            (x, y), r = pt(m.points[0]), m.radius * scale
            g.add(Circle(x, y, r + 0.009 * scale, fillColor=_color(PAPER), strokeColor=None))
            g.add(Circle(x, y, r, fillColor=_color(m.fill or m.color), strokeColor=None))
        elif m.kind == "line":
            flat = [c for p in m.points for c in pt(p)]
            if m.color not in ("#9a9a9a",):  # a paper halo so crossing limbs read front and back
                g.add(PolyLine(flat, strokeColor=_color(PAPER), strokeWidth=w + 0.018 * scale, strokeLineCap=1, strokeLineJoin=1))
            g.add(PolyLine(flat, strokeColor=_color(m.color), strokeWidth=w, strokeLineCap=1, strokeLineJoin=1))
        elif m.kind == "poly":
            flat = [c for p in m.points for c in pt(p)]
            stroke = _color(m.color) if m.width else None
            g.add(
                Polygon(
                    flat,
                    fillColor=_color(m.fill) if m.fill else None,
                    strokeColor=stroke,
                    strokeWidth=w,
                    strokeLineJoin=1,
                )
            )
        elif m.kind == "arrow":
            (x0, y0), (qx, qy), (x1, y1) = (pt(p) for p in m.points)
            c1 = (x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0))
            c2 = (x1 + 2 / 3 * (qx - x1), y1 + 2 / 3 * (qy - y1))
            for color, width in ((PAPER, w + 0.014 * scale), (m.color, w)):
                path = PathShape(strokeColor=_color(color), strokeWidth=width, fillColor=None, strokeLineCap=1)
                path.moveTo(x0, y0)
                path.curveTo(c1[0], c1[1], c2[0], c2[1], x1, y1)
                g.add(path)
    return g


def _drawing(width: float, height: float) -> Drawing:
    """An empty Drawing that names the embedded body font: ReportLab's renderer sets a font on
    entry, and its default (Helvetica) would be referenced in the PDF without being embedded."""
    from reportlab.graphics.shapes import Drawing

    from pdfgen.fonts import register

    d = Drawing(width, height)
    d.initialFontName = register()["regular"]
    return d


def draw_figure(illustration: Illustration, width: float, height: float, accent: str = "#1f5f73") -> Drawing:
    """The illustration as a vector drawing of exactly width x height points, the figure centred
    and scaled to fit inside a small padding whatever the pose (proportions kept)."""
    d = _drawing(width, height)
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
    x0, y0, x1, y1 = _extent(marks)
    scale = min((width - 2 * pad) / (x1 - x0), (height - 2 * pad) / (y1 - y0))
    dx = (width - (x1 - x0) * scale) / 2 - x0 * scale
    dy = (height - (y1 - y0) * scale) / 2 - y0 * scale
    d.add(_shapes(marks, scale, dx, dy))
    return d


def figure_flowable(illustration: Illustration, width: float, height: float, accent: str = "#1f5f73") -> Drawing:
    """What a layout places: a Drawing is a Platypus flowable of exactly width x height."""
    return draw_figure(illustration, width, height, accent)


# ---------------------------------------------------------------- method icons


def _icon_walk(accent: str) -> list[_Mark]:
    pose = Pose(
        trunk=6,
        left=Side(hip=28, knee=12, ankle=5, shoulder=-35, elbow=70),
        right=Side(hip=-20, knee=35, ankle=-25, shoulder=40, elbow=70),
    )
    ill = Illustration(base="standing", start=pose, end=pose, support="left")
    j = _ground(ill, _to_world(_skeleton(pose), "standing"))
    marks = _figure_marks(j, _camera(ill), (), accent, accent, 1.0)
    return [_Mark("line", [(-0.35, 0.0), (0.35, 0.0)], "#9a9a9a", 0.03), *marks]


def _icon_stretch(accent: str) -> list[_Mark]:
    pose = Pose(
        trunk=0,
        pelvis=0,
        left=Side(hip_out=10, shoulder=180, shoulder_out=0, elbow=0),
        right=Side(hip_out=10, shoulder=0, shoulder_out=150, elbow=20),
    )
    ill = Illustration(base="standing", view="front", start=pose, end=pose)
    j = _ground(ill, _to_world(_skeleton(pose), "standing"))
    # lean the whole upper body sideways: a side bend
    pivot = j["pelvis"]
    axis = (1.0, 0.0, 0.0)
    for k in ("neck", "head", "left-shoulder", "right-shoulder", "left-elbow", "right-elbow", "left-hand", "right-hand"):
        j[k] = _about(j[k], pivot, axis, 18)
    marks = _figure_marks(j, _camera(ill), (), accent, accent, 1.0)
    return [_Mark("line", [(-0.3, 0.0), (0.3, 0.0)], "#9a9a9a", 0.03), *marks]


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


def _icon_ice(accent: str) -> list[_Mark]:
    tint = _mix(accent, PAPER, 0.82)
    w = 0.07
    marks = [_Mark("poly", _rounded(-0.42, -0.3, 0.42, 0.22, 0.12), accent, w, fill=tint)]
    marks.append(_Mark("line", [(-0.12, 0.22), (-0.12, 0.34), (0.12, 0.34), (0.12, 0.22)], accent, w))  # the cap
    for k in range(3):  # a snowflake
        a = math.radians(90 + 60 * k)
        dx, dy = 0.2 * math.cos(a), 0.2 * math.sin(a)
        marks.append(_Mark("line", [(-dx, -0.04 - dy), (dx, -0.04 + dy)], accent, w * 0.75))
    return marks


def _icon_cup_plate(accent: str) -> list[_Mark]:
    tint = _mix(accent, PAPER, 0.82)
    w = 0.065
    plate = _Mark("poly", _circle_pts(0.16, -0.04, 0.3, 0.3), accent, w, fill=tint)
    inner = _Mark("line", _circle_pts(0.16, -0.04, 0.18, 0.18), accent, w * 0.6)
    cup = [(-0.52, 0.12), (-0.48, -0.32), (-0.22, -0.32), (-0.18, 0.12)]
    marks = [plate, inner, _Mark("poly", cup, accent, w, fill=PAPER)]
    marks.append(_Mark("line", _circle_pts(-0.2, -0.1, 0.1, 0.1, -80, 80, 12), accent, w))  # handle
    marks.append(_Mark("line", [(-0.4, 0.2), (-0.37, 0.27), (-0.4, 0.34)], accent, w * 0.6))  # steam
    marks.append(_Mark("line", [(-0.3, 0.2), (-0.27, 0.27), (-0.3, 0.34)], accent, w * 0.6))
    return marks


def _icon_hands(accent: str) -> list[_Mark]:
    tint = _mix(accent, PAPER, 0.82)
    w = 0.06
    marks: list[_Mark] = []
    # a leg (thigh to shin) and two hands pressing around the knee
    marks.append(_Mark("line", [(-0.5, -0.05), (0.5, -0.05)], "#9a9a9a", 0.22))
    for cx, flip in ((-0.2, 1), (0.2, -1)):
        palm = _rounded(cx - 0.13, -0.02, cx + 0.13, 0.3, 0.1)
        marks.append(_Mark("poly", palm, accent, w, fill=tint))
        for i in range(4):
            fx = cx - 0.1 + i * 0.066
            marks.append(_Mark("line", [(fx, 0.28), (fx, 0.42 - abs(i - 1.5) * 0.03)], accent, w))
        thumb_x = cx + flip * 0.13
        marks.append(_Mark("line", [(thumb_x, 0.08), (thumb_x + flip * 0.1, 0.2)], accent, w))
    for y in (0.5, 0.56):  # light to firm: two pressure marks
        marks.append(_Mark("line", [(-0.06, y), (0.06, y)], accent, w * 0.5))
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
    d = _drawing(size, size)
    x0, y0, x1, y1 = _extent(marks)
    pad = 0.06 * size
    scale = min((size - 2 * pad) / (x1 - x0), (size - 2 * pad) / (y1 - y0))
    dx = (size - (x1 - x0) * scale) / 2 - x0 * scale
    dy = (size - (y1 - y0) * scale) / 2 - y0 * scale
    d.add(_shapes(marks, scale, dx, dy))
    return d


# ---------------------------------------------------------------- one figure on its own


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
