"""Posing a body in 3-D: vectors, joint angles to joint positions, hands that reach, a body resting on the floor.

Plain maths with no drawing in it, so it can be tested and reused (figures, icons) on its own;
units are fractions of standing height, axes x forwards, y up, z to the body's right.
"""

from __future__ import annotations

import math

from pdfgen.figures.pose import Illustration, Pose, Side

# Body proportions, as fractions of standing height, so figures of every pose match.
THIGH, SHANK, FOOT, HEEL = 0.25, 0.27, 0.10, 0.025
TRUNK, NECK, HEAD_R = 0.30, 0.035, 0.066
UPPER_ARM, FOREARM = 0.165, 0.195
HIP_W, SHOULDER_W = 0.055, 0.095
LIMB_W, TRUNK_W = 0.036, 0.062  # stroke widths in the same units: lines scale with the body
STEP_H, SEAT_H, MAT_H = 0.075, 0.24, 0.014


# ---------------------------------------------------------------- 3-D vector helpers

Vec = tuple[float, float, float]


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def norm(a: Vec) -> Vec:
    n = math.sqrt(dot(a, a))
    return mul(a, 1 / n) if n > 1e-9 else (0.0, 0.0, 0.0)


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def rot_z(v: Vec, deg: float) -> Vec:
    """Turn v in the body's side plane; + swings a downward limb forwards."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return (v[0] * c - v[1] * s, v[0] * s + v[1] * c, v[2])


def rotate(v: Vec, axis: Vec, deg: float) -> Vec:
    """Rodrigues: v turned by deg about the unit vector axis (right-hand rule)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    k = axis
    return add(add(mul(v, c), mul(cross(k, v), s)), mul(k, dot(k, v) * (1 - c)))


def about(p: Vec, pivot: Vec, axis: Vec, deg: float) -> Vec:
    return add(pivot, rotate(sub(p, pivot), axis, deg))


# ---------------------------------------------------------------- posing a skeleton

SIGN = {"right": 1.0, "left": -1.0}  # the body's right side is +z


def _two_bone(s: Vec, target: Vec, a: float, b: float, pole: Vec) -> tuple[Vec, Vec]:
    """Elbow and hand reaching from s towards target, the elbow bending towards pole."""
    d_vec = sub(target, s)
    d = min(max(length(d_vec), abs(a - b) + 1e-4), a + b - 1e-4)
    u = norm(d_vec)
    perp = sub(pole, mul(u, dot(pole, u)))
    perp = norm(perp) if length(perp) > 1e-6 else norm(cross(u, (0.0, 0.0, 1.0)))
    cos_a = (a * a + d * d - b * b) / (2 * a * d)
    sin_a = math.sqrt(max(0.0, 1 - cos_a * cos_a))
    elbow = add(s, add(mul(u, a * cos_a), mul(perp, a * sin_a)))
    return elbow, add(s, mul(u, d))


def pose_joints(pose: Pose) -> dict[str, Vec]:
    """Joint positions in the body's own frame: x forwards, y up, z to the right; pelvis at 0."""
    t = pose.trunk
    up = (math.sin(math.radians(t)), math.cos(math.radians(t)), 0.0)
    down = mul(up, -1)
    j: dict[str, Vec] = {"pelvis": (0.0, 0.0, 0.0)}
    neck = mul(up, TRUNK)
    j["neck"] = neck
    j["head"] = add(neck, mul(up, NECK + HEAD_R))
    tilt = math.radians(pose.pelvis)
    for name in ("left", "right"):
        side: Side = getattr(pose, name)
        sg = SIGN[name]
        lateral = (0.0, 0.0, sg)
        # pelvis tilt: + lifts the left hip (the left hip is at -z)
        hip = (0.0, -sg * HIP_W * math.sin(tilt), sg * HIP_W * math.cos(tilt))
        thigh = rot_z(down, side.hip)
        knee = add(hip, mul(thigh, THIGH))
        shank = rot_z(thigh, -side.knee)
        ankle = add(knee, mul(shank, SHANK))
        foot = rot_z(shank, 90 + side.ankle)
        leg = {"knee": knee, "ankle": ankle, "toe": add(ankle, mul(foot, FOOT)), "heel": sub(ankle, mul(foot, HEEL))}
        if side.hip_rot:  # about the thigh's own line; + (external) swings a bent leg's foot inwards
            leg = {k: about(p, hip, thigh, sg * side.hip_rot) for k, p in leg.items()}
        if side.hip_out:
            axis = norm(cross(thigh, lateral))
            leg = {k: about(p, hip, axis, side.hip_out) for k, p in leg.items()}
        if side.turn_out:
            axis = norm(sub(leg["ankle"], hip))
            offset = sub(leg["knee"], hip)
            perp = sub(offset, mul(axis, dot(offset, axis)))
            deg = side.turn_out if dot(cross(axis, perp), lateral) >= 0 else -side.turn_out
            leg = {k: about(p, hip, axis, deg) for k, p in leg.items()}
        j[f"{name}-hip"] = hip
        for k, p in leg.items():
            j[f"{name}-{k}"] = p
        shoulder = add(sub(neck, mul(up, 0.035)), mul(lateral, SHOULDER_W))
        arm = rot_z(down, side.shoulder)
        elbow = add(shoulder, mul(arm, UPPER_ARM))
        hand = add(elbow, mul(rot_z(arm, side.elbow), FOREARM))
        if side.shoulder_out:
            axis = norm(cross(arm, lateral))
            elbow, hand = (about(p, shoulder, axis, side.shoulder_out) for p in (elbow, hand))
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
        return add(j[f"{side}-hip"], mul(sub(j[f"{side}-knee"], j[f"{side}-hip"]), 0.62))
    if part == "hip":
        return add(j[f"{side}-hip"], mul(sub(j["neck"], j["pelvis"]), 0.12))
    return j[f"{side}-{part}"]


def _reach(j: dict[str, Vec], name: str, target: Vec, frame: tuple[Vec, Vec, Vec] | None = None) -> tuple[Vec, Vec]:
    """Bend the arm so the hand lands on target; the elbow points out and down (back for a wall)."""
    f, u, r = frame or ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    lateral = mul(r, SIGN[name])
    pole = add(add(lateral, mul(f, -0.6)), mul(u, -0.6))
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


def to_world(j: dict[str, Vec], base: str) -> dict[str, Vec]:
    f, u, r = BASE_FRAMES[base]
    return {k: add(add(mul(f, p[0]), mul(u, p[1])), mul(r, p[2])) for k, p in j.items()}


def supporting_legs(support: str) -> tuple[str, ...]:
    return ("left", "right") if support == "both" else (support,)


def ground(ill: Illustration, j: dict[str, Vec]) -> dict[str, Vec]:
    """Rest the body on the floor (or mat, step, seat), the supporting part at the same spot."""
    floor = MAT_H if "mat" in ill.props else 0.0
    legs = supporting_legs(ill.support)
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


def place_wall(ill: Illustration, poses: list[dict[str, Vec]]) -> tuple[Vec, float] | None:
    """The wall's outward normal and offset: at the hands if they reach for it, else behind the back."""
    if "wall" not in ill.props:
        return None
    end = poses[-1]
    f, _u, r = BASE_FRAMES[ill.base]
    hands = [s for s in ("left", "right") if getattr(ill.end, s).hand == "wall"]
    if len(hands) == 2:
        normal: Vec = f
        reach = max(dot(end[f"{s}-shoulder"], normal) for s in hands) + 0.84 * (UPPER_ARM + FOREARM)
        return normal, reach
    if hands:
        normal = mul(r, SIGN[hands[0]])
        return normal, dot(end[f"{hands[0]}-shoulder"], normal) + 0.8 * (UPPER_ARM + FOREARM)
    normal = mul(f, -1)
    back = [dot(end[k], normal) + TRUNK_W / 2 for k in ("pelvis", "neck", "left-hip", "right-hip")]
    back.append(dot(end["head"], normal) + HEAD_R)
    return normal, max(back) + 0.004


def hands_on_wall(ill: Illustration, pose: Pose, j: dict[str, Vec], wall: tuple[Vec, float]) -> dict[str, Vec]:
    normal, offset = wall
    j = dict(j)
    frame = BASE_FRAMES[ill.base]
    for s in ("left", "right"):
        if getattr(pose, s).hand != "wall":
            continue
        sh = j[f"{s}-shoulder"]
        target = add(add(sh, mul(normal, offset - dot(sh, normal) - LIMB_W / 2)), (0.0, -0.03, 0.0))
        j[f"{s}-elbow"], j[f"{s}-hand"] = _reach(j, s, target, frame)
    return j
