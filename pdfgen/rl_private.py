"""ReportLab's private attributes, touched here and nowhere else, each use with its reason.

pyproject.toml pins ReportLab below its next major version; when it moves, this module is the
one place to check.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from pdfgen.cache import memo


def reuse_subsets(font: ttfonts.TTFont, size: int = 32) -> None:
    """Build each font subset once per process (bounded LRU): every PDF embeds its own subsets,
    built glyph by glyph in pure Python, and a batch's PDFs mostly use the same characters (~1 ms
    a PDF). Same input, same bytes: the cache returns what makeSubset would build.

    private: `face.makeSubset` is an internal method; it is wrapped on this face only."""
    make_subset: Callable[[list[int]], bytes] = font.face.makeSubset
    cached = memo(size)(lambda codes: make_subset(list(codes)))
    font.face.makeSubset = lambda subset: cached(tuple(subset))  # type: ignore[method-assign]


def subset_tag(face_name: bytes, subset: list[int]) -> bytes:
    """Six capital letters from the face and the characters of one subset (ISO 32000-1 §9.6.4:
    a distinct tag per subset), so rebuilds give the same bytes and two subsets never share one."""
    digest = int.from_bytes(hashlib.sha256(face_name + b"\0" + ",".join(map(str, subset)).encode()).digest()[:8], "big")
    letters = []
    for _ in range(6):
        digest, k = divmod(digest, 26)
        letters.append(65 + k)
    return bytes(letters)


def tag_subsets_by_content(font: ttfonts.TTFont) -> None:
    """Name each embedded subset by its content instead of its number: ReportLab tags the n-th
    subset of every font `SUBSETN(n)` (AAAAAA for the first), so every subset of every PDF, and
    of every PDF `batch --combine` merges, was AAAAAA+NotoSans-….

    private: the tag comes from the module function `ttfonts.SUBSETN`, called inside
    `TTFont.addObjects`; the subsets of a document are in `font.state[doc].subsets` until then.
    SUBSETN is swapped only for the length of one addObjects call (a build runs in one thread).
    For that call `pdfdoc.PDFZCompress` is swapped too, for a Flate filter that compresses a
    font file once per process: a batch's PDFs embed the same subsets (same bytes out)."""
    add_objects: Callable[[Any], None] = font.addObjects

    def add_objects_tagged(doc: Any) -> None:
        state = font.state.get(doc)
        if state is None:  # nothing drawn in this face: ReportLab's own path
            add_objects(doc)
            return
        tags = [subset_tag(font.face.name, subset) for subset in state.subsets]
        numbered, flate = ttfonts.SUBSETN, pdfdoc.PDFZCompress
        ttfonts.SUBSETN = lambda n, *_: tags[n]
        pdfdoc.PDFZCompress = FONT_FLATE
        try:
            add_objects(doc)
        finally:
            ttfonts.SUBSETN, pdfdoc.PDFZCompress = numbered, flate

    font.addObjects = add_objects_tagged  # type: ignore[method-assign]


class _FontFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate, remembering what it compressed: font subsets repeat from PDF to PDF."""

    def encode(self, text: Any) -> bytes:
        return _flate(text.encode("utf8") if isinstance(text, str) else bytes(text))


@memo(32)
def _flate(data: bytes) -> bytes:
    return zlib.compress(data)


FONT_FLATE = _FontFlate()


class Para(Paragraph):
    """A Paragraph that remembers its line breaks per width.

    Platypus, KeepTogether and the fit search wrap the same paragraph several times at the
    same width, and breaking lines is most of the cost of a page."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        memo = self.__dict__.setdefault("_kc_wraps", {})
        hit = memo.get(availWidth)
        if hit is not None:
            # private: blPara/_wrapWidths/_width_max are what wrap() leaves for split() and draw()
            self.width, self.height, self.blPara, self._wrapWidths, width_max = hit
            if width_max is not None:
                self._width_max = width_max
            return self.width, self.height
        result = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):
            memo[availWidth] = (self.width, self.height, self.blPara, self._wrapWidths, getattr(self, "_width_max", None))
        return result


def reusable(flowable: Flowable) -> Flowable:
    """A paragraph from the cache, ready for another story.

    private: Platypus marks a flowable it moved to the next frame with `_postponed` and never
    clears it; a reused paragraph would otherwise count as postponed twice and fail the build."""
    flowable.__dict__.pop("_postponed", None)
    return flowable


def kept_content(f: Flowable) -> list[Flowable]:
    """The flowables a KeepTogether holds (private `_content`: Platypus has no public accessor)."""
    return list(f._content) if isinstance(f, KeepTogether) else [f]


class Replay(Flowable):
    """A vector drawing whose PDF operators are worked out once, then copied onto each page.

    Rendering a figure walks hundreds of shapes; the operators are the same on every page.
    private: the canvas keeps its page operators in `_code`; there is no public way to copy
    a drawing's operators. Drawings whose operators name a per-document resource (a font or an
    image) are drawn the ordinary way every time."""

    def __init__(self, drawing: Flowable) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height
        self._ops: list[str] | None = None
        self._plain = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        from reportlab.graphics import renderPDF

        if self._ops is None and not self._plain:
            from reportlab.pdfgen.canvas import Canvas

            scratch = Canvas(io.BytesIO(), pagesize=(self.width, self.height), invariant=1)
            start = len(scratch._code)
            renderPDF.draw(self.drawing, scratch, 0, 0)
            ops = scratch._code[start:]
            if any(" Tf" in op or " Do" in op for op in ops):
                self._plain = True
            else:
                self._ops = ops
        if self._ops is not None:
            self.canv._code.extend(self._ops)
        else:
            renderPDF.draw(self.drawing, self.canv, 0, 0)


CHINESE_CANNOT_START = "，；：？！）》〉」』】〕…～”’"  # closing marks no Chinese line starts with


def chinese_line_rules() -> None:
    """Teach ReportLab's CJK line breaking the Chinese full-width punctuation (its list is
    Japanese: it has 、 and 。 but not ， ； ： ？ ！ ）). private: the module constants
    `ALL_CANNOT_START` that `cjkFragSplit` (paragraphs of several runs) and `wordSplit` (one
    run) read; there is no setting for them."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (paragraph, textsplit):
        missing = "".join(c for c in CHINESE_CANNOT_START if c not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing
