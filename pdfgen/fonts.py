"""The embedded fonts: registered on first use, asked which characters they have, and picked
per run of text.

Noto Sans ships in the package (SIL Open Font License): Latin, Greek and Cyrillic print on any
machine. Other scripts come from fallback fonts installed with pip (the `cjk` extra: WenQuanYi
Micro Hei, TrueType outlines, Apache-2.0), registered only when a text needs them, so an
English build never opens them. `runs()` wraps the characters Noto Sans lacks in a
`<font face=...>` of the first fallback that has them: a Chinese name in an English routine
prints, and so does a Latin name in a Chinese one.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.util import find_spec
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


# Fallbacks, tried in order for a character Noto Sans lacks: (family, pip module, file in it, font in a collection).
# One face serves regular, bold and italic (the mapping below): CJK has no italic, and one weight keeps it small.
FALLBACKS = (("KneecardCJK", "paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc", 0),)
LANG_EXTRA = {"zh": "cjk"}  # a language whose text needs a fallback, and the extra that installs it


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


def fallback_path(family: str) -> Path | None:
    """Where a fallback font's file is installed, or None when its extra is not installed."""
    for name, module, file, _ in FALLBACKS:
        if name == family:
            spec = find_spec(module)
            if spec is None or not spec.submodule_search_locations:
                return None
            path = Path(next(iter(spec.submodule_search_locations))) / file
            return path if path.is_file() else None
    return None


@cache
def _fallback(family: str) -> frozenset[int]:
    """Register one fallback font (the first time a text needs it) and return its characters;
    empty when it is not installed."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from pdfgen import rl_private

    path = fallback_path(family)
    if path is None:
        return frozenset()
    index = next(i for name, _, _, i in FALLBACKS if name == family)
    font = TTFont(family, str(path), subfontIndex=index)
    rl_private.reuse_subsets(font)
    rl_private.tag_subsets_by_content(font)
    pdfmetrics.registerFont(font)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(family, bold, italic, family)
    return frozenset(font.face.charToGlyph)


def _face_for(char: str, have: frozenset[int]) -> str | None:
    """The fallback family that draws `char` (None: Noto Sans draws it, or nothing does)."""
    if ord(char) in have or char.isspace():
        return None
    for family, *_ in FALLBACKS:
        if ord(char) in _fallback(family):
            return family
    return None


_MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")  # tags and entities pass through; text between them is split into runs


def runs(markup: str) -> str:
    """Paragraph markup with every run of characters Noto Sans lacks set in the fallback that
    has them. Pure Latin, Greek or Cyrillic comes back unchanged (and fast)."""
    if markup.isascii():
        return markup
    have = _charset()
    if all(ord(c) in have or c.isspace() for c in markup):
        return markup
    out: list[str] = []
    for i, piece in enumerate(_MARKUP.split(markup)):
        if i % 2:  # a tag or an entity
            out.append(piece)
            continue
        current: str | None = None
        run: list[str] = []
        for c in piece:
            face = current if c.isspace() else _face_for(c, have)  # spaces stay in the run they are in
            if face != current and run:
                out.append(_wrap("".join(run), current))
                run = []
            current = face
            run.append(c)
        if run:
            out.append(_wrap("".join(run), current))
    return "".join(out)


def _wrap(text: str, face: str | None) -> str:
    return f'<font face="{face}">{text}</font>' if face else text


def font_for_text(text: str) -> str | None:
    """The one fallback family a plain string needs (for drawings that set text with one font),
    or None when Noto Sans draws it all."""
    have = _charset()
    faces = {_face_for(c, have) for c in text} - {None}
    return next(iter(faces)) if faces else None


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` no font can draw (line breaks and tabs aside: they are layout, not
    glyphs). A fallback font is registered here the first time a text needs it."""
    have = _charset()
    return sorted({c for c in text if c not in "\n\t" and ord(c) not in have and _face_for(c, have) is None})


def char_count(text: str) -> int:
    """How many average Latin characters `text` is as wide as: a Chinese, Japanese or Korean
    character (East Asian wide or full-width) counts two. Line measures are in Latin characters."""
    from unicodedata import east_asian_width

    if text.isascii():
        return len(text)
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def word_wrap(lang: str) -> str | None:
    """ReportLab's line breaking for a language: Chinese and Japanese break between characters
    (never before closing punctuation); everything else at spaces."""
    if lang.split("-")[0] not in ("zh", "ja"):
        return None
    from pdfgen import rl_private

    rl_private.chinese_line_rules()
    return "CJK"


def refusal(missing: list[str]) -> str:
    """The message for characters no installed font draws: which, and what is allowed."""
    shown = " ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
    cjk = fallback_path(FALLBACKS[0][0]) is not None
    allowed = "Latin, Greek, Cyrillic, Chinese, Japanese and Korean" if cjk else "Latin, Greek and Cyrillic letters"
    hint = "" if cjk else '; for Chinese, Japanese or Korean: pip install "kneecard[cjk]"'
    return f"has characters the font cannot print: {shown} ({allowed} are allowed{hint})"
