"""The figures' colours: the body grey beside the layout's accent, and how light each prints in greyscale.

One place for colour maths, so figures and icons agree, and greyscale printing can be tested.
"""

from __future__ import annotations

from reportlab.lib import colors

from pdfgen.cache import memo

PAPER = "#ffffff"
PROP_FILL, PROP_LINE = "#ececec", "#b4b4b4"
# The start pose prints at least this dark (grey level, 0-255: about a quarter ink). Cheap laser
# printers drop the lightest tints; the old fixed #dcdcdc (220, 14 % ink) vanished on them.
GHOST_LIGHTEST = 190


@memo(256)
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


def ghost(color: str) -> str:
    """The start pose's version of a colour: faded towards the paper, 40 grey levels lighter
    where it can be, but at least 160 (so it reads as the faint one beside a dark body) and
    never lighter than GHOST_LIGHTEST (so it prints); a colour lighter than that stays as it is.
    The start pose is also dashed, so it tells itself apart even where the greys come close."""
    g = grey_level(color)
    target = min(max(g + 40, 160), GHOST_LIGHTEST)
    if g >= target:
        return color
    return mix(color, PAPER, (target - g) / (255 - g))  # grey is linear in RGB: this lands on target


def body_color(accent: str) -> str:
    """The figure's grey, at least 64 grey levels away from the accent, so the moving limb
    still stands out when printed in greyscale: dark grey beside a light accent, a lighter
    grey beside a dark one."""
    g = grey_level(accent)
    level = 51 if g >= 115 else round(g + 64)
    return f"#{level:02x}{level:02x}{level:02x}"
