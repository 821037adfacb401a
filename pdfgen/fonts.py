"""The embedded font family: registered once per process, and asked which characters it has.

Fonts ship in the package (Noto Sans, SIL Open Font License) so every PDF embeds the same
subset fonts and any European text a user types prints, on any machine.
"""

from __future__ import annotations

from functools import cache

from pdfgen.load import FONTS_DIR

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

    for file, name in FACES.values():
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))
    addMapping(FAMILY, 0, 0, FACES["regular"][1])
    addMapping(FAMILY, 1, 0, FACES["bold"][1])
    addMapping(FAMILY, 0, 1, FACES["italic"][1])
    addMapping(FAMILY, 1, 1, FACES["bold-italic"][1])
    return {face: name for face, (_, name) in FACES.items()}


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
