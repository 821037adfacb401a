"""ReportLab's private attributes, touched here and nowhere else, each use with its reason.

pyproject.toml pins ReportLab below its next major version; when it moves, this module is the
one place to check.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus import Table as _Table

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


_NOT_PDFDOC = re.compile("[^\x00-\x17\x20-\x7f]")  # what ASCII encoding cannot write as PDFDocEncoding would


def _pdfdoc_enc(x: Any) -> Any:
    """`pdfdoc.pdfdocEnc`, with plain ASCII encoded directly: the same bytes (PDFDocEncoding is
    ASCII there) at a tenth of the cost of ReportLab's charmap codec, which a PDF runs ~1,600 times."""
    if isinstance(x, str):
        return x.encode("extpdfdoc") if _NOT_PDFDOC.search(x) else x.encode("ascii")
    return x


@contextmanager
def fast_pdfdoc_encoding() -> Iterator[None]:
    """While a PDF is written, its bits of syntax are encoded by `_pdfdoc_enc`.

    private: every object's `format` in `pdfdoc` calls the module-level `pdfdocEnc`; it is
    swapped only for the length of one save (a build runs in one thread)."""
    saved = pdfdoc.pdfdocEnc
    pdfdoc.pdfdocEnc = _pdfdoc_enc
    try:
        yield
    finally:
        pdfdoc.pdfdocEnc = saved


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

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return _split_para(self, super().split(availWidth, availHeight))

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        _draw_para(self, canvas, x, y, _sW, super().drawOn)


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

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        marked_draw(self, canvas, x, y, lambda: super(Replay, self).drawOn(canvas, x, y, _sW))

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


# ---------------------------------------------------------------- tagged PDF (pdfgen.tagging)


def marked_draw(flowable: Flowable, canvas: Any, x: float, y: float, draw: Callable[[], None]) -> None:
    """Draw inside the marked content the canvas's tagger gives `flowable` (no tagger: as it is)."""
    tagger = getattr(canvas, "kc_tagger", None)
    if tagger is None:
        draw()
        return
    node = tagger.begin(flowable, canvas)
    try:
        draw()
    finally:
        w, h = getattr(flowable, "drawWidth", None) or flowable.width, getattr(flowable, "drawHeight", None) or flowable.height
        tagger.end(canvas, node, (x, y, x + w, y + h))


def _draw_para(para: Paragraph, canvas: Any, x: float, y: float, _sW: float, draw: Callable[..., None]) -> None:
    """A paragraph in its marked content; a list item's bullet is its label, the rest its body.

    private: Paragraph draws the bullet with the module function `paragraph._drawBullet`, inside
    its own draw; it is swapped only for the length of this draw (a build runs in one thread)."""
    from reportlab.platypus import paragraph

    tagger = getattr(canvas, "kc_tagger", None)
    if tagger is None:
        draw(canvas, x, y, _sW)
        return
    node = tagger.begin(para, canvas)
    original = paragraph._drawBullet
    if node is not None and node.type == "LI" and para.bulletText:

        def bullet(*args: Any, **kw: Any) -> Any:
            try:
                return original(*args, **kw)
            finally:
                tagger.after_label(canvas, node, para)

        paragraph._drawBullet = bullet
    try:
        draw(canvas, x, y, _sW)
    finally:
        paragraph._drawBullet = original
        tagger.end(canvas, node, (x, y, x + para.width, y + para.height))


def _split_para(para: Paragraph, pieces: list[Flowable]) -> list[Flowable]:
    """Pieces of a split paragraph stand for the element the whole one stands for."""
    origin = para.__dict__.get("_kc_origin", id(para))
    for piece in pieces:
        piece.__dict__["_kc_origin"] = origin
    return pieces


def last_annotation(canvas: Any) -> Any:
    """The reference of the annotation just added to the page (private `_annotationrefs`: linkURL returns nothing)."""
    return canvas._annotationrefs[-1]


def pdf_document(canvas: Any) -> pdfdoc.PDFDocument:
    """The canvas's PDF document (private `_doc`), to add the structure tree's objects to."""
    return canvas._doc


def pages(canvas: Any) -> list[Any]:
    """The page objects written so far (private: the Pages tree keeps them in `pages`)."""
    return list(canvas._doc.Pages.pages)


def has_content(canvas: Any) -> bool:
    """Whether the current page has anything drawn (private `_code`, as Canvas.save checks it)."""
    return bool(canvas._code)


def catalog_entry(catalog: Any, key: str, value: Any) -> None:
    """Set a catalog key ReportLab does not know (OutputIntents) or knows (Metadata).

    private: PDFCatalog writes only the keys in its `__NoDefault__` list; the list is extended
    on this one catalog object."""
    if key not in catalog.__NoDefault__:
        catalog.__NoDefault__ = [*catalog.__NoDefault__, key]
    setattr(catalog, key, value)


def finish_page(canvas: Any, struct_parents: int | None, pdfa: bool) -> None:
    """The page just shown gets its /StructParents and /Tabs /S (annotations in structure order);
    for PDF/A the empty /Trans ReportLab writes on every page goes.

    private: the page object is the last of `_doc.Pages.pages`; PDFPage writes only the keys of its
    `__NoDefault__` list, extended on this page object."""
    page = canvas._doc.Pages.pages[-1]
    extra = []
    if struct_parents is not None:
        page.StructParents = struct_parents
        extra.append("StructParents")
    if page.Annots:
        page.Tabs = pdfdoc.PDFName("S")
        extra.append("Tabs")
    if isinstance(page.Trans, pdfdoc.PDFDictionary) and not page.Trans.dict:
        page.Trans = None
    if extra:
        page.__NoDefault__ = [*page.__NoDefault__, *extra]


class Table(_Table):
    """A table whose backgrounds and lines are page furniture (/Artifact) on a tagging canvas.

    private: Table draws them in `_drawBkgrnd` and `_drawLines`; a cell that is a string, not a
    flowable, is drawn by `_drawCell` (ours hold flowables; a string is furniture too)."""

    def _drawBkgrnd(self) -> None:
        self._kc_artifact(super()._drawBkgrnd)

    def _drawLines(self) -> None:
        self._kc_artifact(super()._drawLines)

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        if isinstance(cellval, Flowable | list | tuple):
            super()._drawCell(cellval, cellstyle, pos, size)
        else:
            self._kc_artifact(lambda: super(Table, self)._drawCell(cellval, cellstyle, pos, size))

    def _kc_artifact(self, draw: Callable[[], None]) -> None:
        tagging = hasattr(self.canv, "kc_tagger")
        if tagging:
            self.canv.addLiteral("/Artifact BMC")
        draw()
        if tagging:
            self.canv.addLiteral("EMC")


def info(canvas: Any) -> dict[str, Any]:
    """The document information ReportLab will write, for XMP metadata that must match it.

    private: the info dictionary is `_doc.info`; its dates come from `_doc._timeStamp`
    (SOURCE_DATE_EPOCH, or 2000-01-01 for an invariant document)."""
    doc = canvas._doc
    i = doc.info
    return {
        "title": i.title,
        "author": i.author,
        "subject": i.subject,
        "keywords": i.keywords,
        "creator": i.creator,
        "producer": i.producer,
        "date": doc._timeStamp.YMDhms,
        "offset": (doc._timeStamp.dhh, doc._timeStamp.dmm),
    }


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
