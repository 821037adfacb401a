"""The figures' colours: the body grey beside the layout's accent, and how light each prints in greyscale.

One place for colour maths, so figures and icons agree, and greyscale printing can be tested.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors

PAPER = "#ffffff"
PROP_FILL, PROP_LINE = "#ececec", "#b4b4b4"
GHOST = "#dcdcdc"


@cache
def rl_color(color: str) -> colors.Color:
    """ReportLab's toColor rebuilds its table of named colours on every call; a figure asks
    hundreds of times for the same few."""
    return colors.toColor(color)


def grey_level(color: str) -> float:
    """Lightness a greyscale printer keeps (0 black – 255 white), by the Rec. 601 weights."""
    c = rl_color(color)
    return 255 * (0.299 * c.red + 0.587 * c.green + 0.114 * c.blue)


def mix(color: str, other: str, k: float) -> str:
    a, b = rl_color(color), rl_color(other)
    return colors.Color(*(x + (y - x) * k for x, y in zip(a.rgb(), b.rgb(), strict=True))).hexval().replace("0x", "#")


def body_color(accent: str) -> str:
    """The figure's grey, at least 64 grey levels away from the accent, so the moving limb
    still stands out when printed in greyscale: dark grey beside a light accent, a lighter
    grey beside a dark one."""
    g = grey_level(accent)
    level = 51 if g >= 115 else round(g + 64)
    return f"#{level:02x}{level:02x}{level:02x}"
