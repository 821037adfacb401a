"""What an `illustration:` says, and checking it: a pose (start and end, props) or a picture file.

Kept free of ReportLab and of the maths, so reading and validating the content folder stays
light: `pdfgen.model` imports this module and nothing else of the figures.

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
  right-arm, trunk). The start pose is drawn lighter and dashed (its head a ring), the end pose
  solid, with an arrow for the joint that travels furthest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pdfgen.schema import Reader, did_you_mean, file_of, line_of

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
    from pdfgen import images  # Pillow only: checking a picture never imports ReportLab

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
