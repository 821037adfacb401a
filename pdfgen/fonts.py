"""The embedded font family: registered once per process, and asked which characters it has.

Fonts ship in the package (Noto Sans, SIL Open Font License) so every PDF embeds the same
subset fonts and any European text a user types prints, on any machine.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

FONTS_DIR = Path(__file__).resolve().parent / "fonts"  # shipped inside the package (see pyproject package-data)

FAMILY = "KneecardSans"
FACES = {
    "regular": ("NotoSans-Regular.ttf", FAMILY),
    "bold": ("NotoSans-Bold.ttf", f"{FAMILY}-Bold"),
    "italic": ("NotoSans-Italic.ttf", f"{FAMILY}-Italic"),
    "bold-italic": ("NotoSans-BoldItalic.ttf", f"{FAMILY}-BoldItalic"),
}


@cache
def register() -> dict[str, str]:
    """Register the four faces with ReportLab (once) and return face -> font name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from pdfgen import rl_private

    for file, name in FACES.values():
        font = TTFont(name, str(FONTS_DIR / file))
        rl_private.reuse_subsets(font)
        rl_private.tag_subsets_by_content(font)
        pdfmetrics.registerFont(font)
    addMapping(FAMILY, 0, 0, FACES["regular"][1])
    addMapping(FAMILY, 1, 0, FACES["bold"][1])
    addMapping(FAMILY, 0, 1, FACES["italic"][1])
    addMapping(FAMILY, 1, 1, FACES["bold-italic"][1])
    return {face: name for face, (_, name) in FACES.items()}


def drawing(width: float, height: float, **attrs: Any) -> Drawing:
    """An empty Drawing that names the embedded body font. Every Drawing we render starts here:
    ReportLab's renderer sets a font on entry (STATE_DEFAULTS: Helvetica), which the PDF would
    then reference without embedding it, even in a drawing with no text (a figure, a QR code)."""
    from reportlab.graphics.shapes import Drawing

    return Drawing(width, height, initialFontName=register()["regular"], **attrs)


@cache
def _charset() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    names = register().values()
    sets = [set(pdfmetrics.getFont(n).face.charToGlyph) for n in names]
    return frozenset(set.intersection(*sets))


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` the font cannot draw (line breaks and tabs aside: they are layout, not glyphs)."""
    have = _charset()
    return sorted({c for c in text if c not in "\n\t" and ord(c) not in have})
