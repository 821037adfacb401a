"""Layout styles and boxes: the typographic half of a layout file, checked as it is read.

Named paragraph styles (with `parent`) and the framed boxes (ice, red flags, pain rule,
notes) that compose's blocks are drawn in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pdfgen.errors import Problems
from pdfgen.schema import Reader, did_you_mean

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
FACES = ("regular", "bold", "italic", "bold-italic")
ALIGNS = ("left", "center", "right", "justify")
STYLE_ROLES = ("title", "subtitle", "body", "h2", "h3", "dose", "step", "caution", "box_title", "box_body", "small", "footer")
BOXES = ("ice", "red_flags", "notes", "pain")


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float  # times the size
    color: str
    space_before: float  # pt
    space_after: float  # pt
    align: str
    indent: float  # mm


@dataclass(frozen=True)
class Box:
    background: str | None
    border: str | None
    border_width: float
    padding: float  # mm
    stripe: float  # mm, a coloured bar on the left edge; 0 for none


def read_style(r: Reader, parent: Style | None) -> Style:
    def num(key: str, lo: float, hi: float, default: float | None) -> float:
        return r.number(key, lo, hi, default)

    def choice(key: str, allowed: tuple[str, ...], default: str | None) -> str:
        value = r.text(key)
        if value is None:
            if default is None:
                r.problem(key, f"is missing (allowed: {', '.join(allowed)})")
                return allowed[0]
            return default
        if value not in allowed:
            r.problem(key, f"'{value}' is not allowed{did_you_mean(value, allowed)} (allowed: {', '.join(allowed)})")
            return default or allowed[0]
        return value

    color = r.text("color")
    if color is not None and not HEX_RE.match(color):
        r.problem("color", f"'{color}' is not a colour (#rrggbb allowed)")
        color = None
    p = parent
    return Style(
        font=choice("font", FACES, p.font if p else None),
        size=num("size", 4, 96, p.size if p else None),
        leading=num("leading", 1.0, 3.0, p.leading if p else 1.25),
        color=color or (p.color if p else "#000000"),
        space_before=num("space_before", 0, 72, p.space_before if p else 0),
        space_after=num("space_after", 0, 72, p.space_after if p else 0),
        align=choice("align", ALIGNS, p.align if p else "left"),
        indent=num("indent", 0, 50, p.indent if p else 0),
    )


def read_styles(top: Reader, problems: Problems) -> dict[str, Style]:
    node = top.mapping("styles", required=True)
    sr = top.child("styles") if node is not None else None
    node = node if node is not None else {}
    out: dict[str, Style] = {}
    resolving: set[str] = set()

    def resolve(name: str) -> Style | None:
        if name in out:
            return out[name]
        if name in resolving or sr is None or not isinstance(node.get(name), dict):
            return None
        resolving.add(name)
        r = sr.child(name)
        parent_name = r.text("parent")
        parent = None
        if parent_name is not None:
            if parent_name not in node:
                r.problem("parent", f"style '{parent_name}' does not exist{did_you_mean(parent_name, node.keys())}")
            elif parent_name in resolving and parent_name not in out:
                r.problem("parent", f"style '{parent_name}' leads back to '{name}' (no loops allowed)")
            else:
                parent = resolve(parent_name)
        out[name] = read_style(r, parent)
        resolving.discard(name)
        r.finish()
        return out[name]

    for name in list(node):
        if sr is not None and sr.mapping(name) is not None:
            resolve(name)
    if sr is not None:
        for role in STYLE_ROLES:
            if role not in node:
                sr.problem(role, f"is missing (every layout needs the styles {', '.join(STYLE_ROLES)})")
    return out


def read_box(r: Reader) -> Box:
    def color(key: str) -> str | None:
        value = r.text(key)
        if value is not None and value != "none" and not HEX_RE.match(value):
            r.problem(key, f"'{value}' is not a colour (#rrggbb or none allowed)")
            return None
        return None if value in (None, "none") else value

    def num(key: str, hi: float, default: float) -> float:
        return r.number(key, 0, hi, default)

    box = Box(
        background=color("background"),
        border=color("border"),
        border_width=num("border_width", 5, 0.8),
        padding=num("padding", 20, 3),
        stripe=num("stripe", 10, 0),
    )
    r.finish()
    return box
