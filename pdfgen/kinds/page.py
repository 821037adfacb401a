"""Pages: a top area across the page, text in columns, and a bottom area.

On a one-page layout the bottom area (notes, link, tracker, red flags, disclaimer) is pinned
to the foot of the page and the columns are balanced between; on longer layouts the bottom
area follows the columns. Frames are filled in reading order (top, columns, bottom) and the
footer is drawn last, so the content stream reads as a person reads the page.
"""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, FrameBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.doctemplate import ActionFlowable, NextFrameFlowable

from pdfgen import __version__, fonts
from pdfgen import document as d
from pdfgen.cache import Cache
from pdfgen.errors import InputError, Problem, Problems
from pdfgen.fit import candidate_scales, largest_fit
from pdfgen.flowables import block_height, stack_height
from pdfgen.layout import MM, Layout
from pdfgen.render import Flow, Tags
from pdfgen.resolve import Routine
from pdfgen.rl_private import Para
from pdfgen.tagging import TaggedCanvas, artifact

if TYPE_CHECKING:
    from pdfgen.compose import Composer

SUBJECT = "Knee recovery routine"  # the PDF subject, before the regions (translated as layout text pdf_subject)
KEYWORDS = "knee, running, recovery, exercise"
FULL_SIZE_ONLY = ("tracker",)  # extras that never shrink the routine: shown only at full size or larger
SLACK = 2.0  # pt added to measured frames, so rounding never pushes a measured block out
MAX_SPREAD = 12 * MM  # at most this much space added between two blocks of a column to fill it
NOTHING = "nothing fits"  # remembered when a search found no scale, so the next build confirms it in one measure


def read_geometry(layout: Layout, problems: Problems) -> None:
    """A page layout's geometry is its `page:` section, which every layout has."""
    return None


def check_placed(routine: Routine, layout: Layout) -> None:
    """What the user gave must print: a layout with no place for it is an error, not a silent drop."""
    placed = {name for names in layout.slots.values() for name in names}
    club = routine.club
    wants = [
        (routine.notes, "notes" in placed, "--notes", "notes"),
        (routine.url, "link" in placed, "--url", "a link"),
        (club, "club" in placed, "--club", "a club"),
        (club and club.logo, "club" in placed and layout.qr, "--logo", "a logo"),
        (club and club.url, "club" in placed, "--url", "the club's link"),
        (routine.tracker, "tracker" in placed, "--tracker", "the tracker"),
        (routine.backs, False, "--backs", "card backs"),
    ]
    problems = [
        Problem(None, None, option, f"layout '{layout.name}' has no place for {what} (leave it out, or choose another layout)")
        for given, ok, option, what in wants
        if given and not ok
    ]
    if problems:
        raise InputError(problems)


def arrange(c: Composer) -> list[d.Area]:
    """The layout's slots, area by area, in reading order."""
    return [
        d.Area(area, tuple(b for name in c.layout.slots.get(area, ()) for b in c.slot(name)))
        for area in ("top", "columns", "bottom")
    ]


# ---------------------------------------------------------------- fitting


class _Overflow(Exception):
    """The story needs more pages than the layout allows; `label` names the first item that did not fit."""

    def __init__(self, label: str | None = None) -> None:
        super().__init__(label)
        self.label = label


class _Geometry:
    """Where the areas go on a page of this layout and paper (and whether the file is PDF/A)."""

    def __init__(self, layout: Layout, page_size: tuple[float, float], pdfa: bool = False) -> None:
        self.pdfa = pdfa
        self.width, self.height = page_size
        self.top, self.right, self.bottom, self.left = (m * MM for m in layout.margins)
        self.inner_w = self.width - self.left - self.right
        self.gap = layout.gap * MM
        self.columns = layout.columns
        self.col_w = (self.inner_w - self.gap * (self.columns - 1)) / self.columns
        self.single = layout.max_pages == 1


class _Plan:
    """The flowables of a document at one scale, measured.

    Column heights are kept in the cache by the column content itself (the tree's blocks, so
    two routines share them only if their columns are the same to the letter): a batch row that
    differs only in its name measures its title, not its columns. The bottom area's height is
    kept the same way. Column and bottom flowables are made only when a plan is drawn, or when
    their heights are not yet known."""

    def __init__(
        self, doc: d.Document, layout: Layout, geo: _Geometry, cache: Cache, scale: float, skip: frozenset[str], keep: str
    ) -> None:
        self.scale = scale
        self._args = (doc, layout, geo, cache, skip, keep)
        self._cache = cache
        self._key = (layout.fingerprint, scale, skip, keep, round(geo.col_w, 3), doc.area("columns").children)
        self._foot_key = (layout.fingerprint, scale, skip, keep, round(geo.inner_w, 3), "bottom", doc.area("bottom").children)
        self.measured: tuple[list[float], list[float], list[str | None]] | None = cache.peek("columns", self._key)
        self.columns: list[Flowable] | None = None
        self.bottom: list[Flowable] | None = None
        self.foot_h: float | None = cache.peek("columns", self._foot_key) if geo.single else None
        self._make(with_columns=self.measured is None or not geo.single, with_bottom=self.foot_h is None)
        self.col_h: float | None = None  # one-page: the column height, once measured
        self.room: float | None = None  # one-page: available / used column height, once measured
        self.split: list[list[int]] = []  # one-page: the block indices of each column
        self.spread: list[float] = []  # one-page: space added between each column's blocks
        self.pdf: bytes | None = None  # longer layouts: measured by building

    def _make(self, with_columns: bool, with_bottom: bool = True) -> None:
        """Make the flowables in reading order (the structure of a tagged PDF follows that order);
        the columns and the bottom area only when drawn or not yet measured."""
        doc, layout, geo, cache, skip, keep = self._args
        flow = Flow(layout, self.scale, cache, skip, keep)
        self.flow = flow
        self.top = _top(flow, doc.area("top").children, geo.inner_w)
        self.columns = flow.blocks(doc.area("columns").children, geo.col_w) if with_columns else None
        self.bottom = flow.blocks(doc.area("bottom").children, geo.inner_w) if with_bottom else None
        self.tags: Tags = flow.tags
        self.head_h = stack_height(self.top, geo.inner_w) + (geo.gap / 2 if self.top else 0)
        if self.bottom is not None:
            self.foot_h = stack_height(self.bottom, geo.inner_w) + (geo.gap / 2 if self.bottom else 0) if geo.single else 0.0
            if geo.single:
                self._cache.put("columns", self._foot_key, self.foot_h)

    def drawable(self) -> list[Flowable]:
        """The column flowables, made now (with the rest, anew) if only their heights were known."""
        if self.columns is None or self.bottom is None:
            self._make(with_columns=True)
        assert self.columns is not None and self.bottom is not None
        return self.columns

    def measure(self, doc: d.Document, layout: Layout, geo: _Geometry) -> None:
        """Raise _Overflow unless the plan fits the layout's pages."""
        if not geo.single:
            self.pdf = _build(self, doc, layout, geo)
            return
        if self.measured is None:
            cols = self.drawable()
            heights = [block_height(f, geo.col_w) for f in cols]
            continued = [self._continued_height(f, geo.col_w) for f in cols]
            self.measured = (heights, continued, [self.tags.labels.get(id(f)) for f in cols])
            self._cache.put("columns", self._key, self.measured)
        heights, continued, labels = self.measured
        avail = geo.height - geo.top - geo.bottom - self.head_h - self.foot_h
        split = _balanced(heights, continued, geo.columns, avail)
        if split is None:
            raise _Overflow(_first_misfit(labels, heights, continued, geo.columns, avail))
        self.col_h = avail
        used = max((sum(heights[i] for i in col) + continued[col[0]] for col in split if col), default=1.0)
        self.room = avail / max(used, 1.0)  # how much taller the columns could grow: the next search's first guess
        self.split = split
        self.spread = [_spread(avail, [heights[i] for i in col], continued[col[0]] if col else 0.0) for col in split]

    def _continued_height(self, f: Flowable, width: float) -> float:
        """Height of the heading repeated above `f` if a column starts with it (a section's later item)."""
        _, heads, first = self.tags.sections.get(id(f), (None, [], True))
        return 0.0 if first else stack_height(heads, width)


def _top(flow: Flow, blocks: tuple[d.Block, ...], width: float) -> list[Flowable]:
    """The top area; a link placed there stands beside the rest, its QR code at the right."""
    links = [b for b in blocks if isinstance(b, d.Link)]
    if not links:
        return flow.blocks(blocks, width)
    return [flow.aside([b for b in blocks if b is not links[0]], links[0], width)]


def _fill(heights: list[float], continued: list[float], columns: int, limit: float) -> list[list[int]] | None:
    """The blocks, in order, filled into columns of height `limit` (a column that starts with a
    section's later item holds its repeated heading too); None if they need more columns."""
    cols: list[list[int]] = [[]]
    used = 0.0
    for i, b in enumerate(heights):
        if cols[-1] and used + b > limit:
            cols.append([])
            used = continued[i]
        if used + b > limit or len(cols) > columns:
            return None
        cols[-1].append(i)
        used += b
    return cols


def _balanced(heights: list[float], continued: list[float], columns: int, limit: float) -> list[list[int]] | None:
    """The fill into at most `columns` columns with the shortest tallest column; None if over `limit`."""
    if _fill(heights, continued, columns, limit) is None:
        return None
    lo, hi = max(heights, default=0.0), limit
    while hi - lo > 1.0:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if _fill(heights, continued, columns, mid) is not None else (mid, hi)
    return _fill(heights, continued, columns, hi)


def _spread(avail: float, heights: list[float], head: float) -> float:
    """Space to add between a column's blocks so it reaches the foot of the column area,
    at most MAX_SPREAD a gap: a page without a tall empty band under one column."""
    gaps = len(heights) - 1
    if gaps <= 0:
        return 0.0
    return max(0.0, min((avail - head - sum(heights) - SLACK) / gaps, MAX_SPREAD))


def _first_misfit(
    labels: list[str | None], heights: list[float], continued: list[float], columns: int, limit: float
) -> str | None:
    """The first block that no longer fits when the columns are filled in order."""
    col, used = 1, 0.0
    for label, b, c in zip(labels, heights, continued, strict=True):
        if used and used + b > limit:
            col, used = col + 1, c
        if b > limit or col > columns:
            return f'everything from "{label}" on' if label else None
        used += b
    return None


def render(
    doc: d.Document, layout: Layout, page_size: tuple[float, float], cache: Cache, fit_key: Any, pdfa: bool = False
) -> bytes:
    """The PDF at the largest type scale that fits, keeping as many of the layout's optional
    extras (figures, the tracker) as fit; the tracker only at full size, never shrinking the
    routine. As a last resort before failing, items may run on from one column to the next.
    Every PDF is tagged; `pdfa` makes it PDF/A-2b."""
    geo = _Geometry(layout, page_size, pdfa)
    extras = _extras(doc, layout)
    scales = candidate_scales(layout.min_body / layout.styles["body"].size, layout.max_scale)
    tries = []
    for k in range(len(extras), -1, -1):
        full_size = any(e in FULL_SIZE_ONLY for e in extras[:k])
        tries.append((frozenset(extras[k:]), [s for s in scales if s >= 1.0] if full_size else scales, layout.keep))
    if layout.keep == "item":
        tries.append((frozenset(extras), scales, "start"))
    misfit: str | None = None
    for skip, allowed, keep in tries:
        pdf, found = _search(doc, layout, geo, cache, allowed, skip, keep, (fit_key, skip, keep))
        misfit = found or misfit  # the last, most forgiving try says best what does not fit
        if pdf is not None:
            return pdf
    raise InputError(Problem(None, None, "routine", _advice(doc, layout, misfit)))


def _extras(doc: d.Document, layout: Layout) -> list[str]:
    """The layout's optional extras this document has as optional blocks, most wanted first."""
    present = set()
    for area in doc.areas:
        for b in d.walk(area.children):
            if isinstance(b, d.Figure) and b.optional:
                present.add("figure")
            elif isinstance(b, d.Tracker) and b.optional:
                present.add("tracker")
    return [e for e in layout.optional if e in present]


def _search(
    doc: d.Document,
    layout: Layout,
    geo: _Geometry,
    cache: Cache,
    scales: list[float],
    skip: frozenset[str],
    keep: str,
    key: Any,
) -> tuple[bytes | None, str | None]:
    """The PDF at the largest of `scales` that fits, or None and what does not fit at the smallest."""
    plans: dict[float, _Plan] = {}
    misfits: dict[float, str | None] = {}

    def fits(scale: float) -> bool:
        plan = _Plan(doc, layout, geo, cache, scale, skip, keep)
        try:
            plan.measure(doc, layout, geo)
        except _Overflow as over:
            misfits[scale] = over.label
            return False
        plans[scale] = plan
        return True

    hint = cache.peek("fit", key)
    if hint == NOTHING or hint is None:  # nothing fits at the smallest size: one measure says so
        if not fits(scales[-1]):
            cache.put("fit", key, NOTHING)
            return None, misfits.get(scales[-1])
        if hint is None:  # text height grows about as the square of the scale: guess from the room left
            hint = _guess(scales, scales[-1], plans[scales[-1]].room)
    found = largest_fit(scales, fits, hint if isinstance(hint, float) else None)
    if found is None:
        cache.put("fit", key, NOTHING)
        if scales[-1] not in misfits:
            fits(scales[-1])
        return None, misfits.get(scales[-1])
    for scale in scales[scales.index(found) :]:  # the measured fit is confirmed by the real layout
        if scale not in plans and not fits(scale):
            continue
        plan = plans[scale]
        try:
            pdf = plan.pdf if plan.pdf is not None else _build(plan, doc, layout, geo)
        except _Overflow:
            continue
        cache.put("fit", key, scale)
        return pdf, None
    return None, misfits.get(scales[-1])


def _guess(scales: list[float], measured: float, room: float | None) -> float | None:
    """The largest candidate the room measured at one scale suggests (None when unknown)."""
    if room is None:
        return None
    target = measured * room**0.5
    return next((s for s in scales if s <= target), scales[-1])


def _advice(doc: d.Document, layout: Layout, misfit: str | None) -> str:
    """Say what does not fit and ways out that work: what the user asked for first."""
    blocks = [b for a in doc.areas for b in d.walk(a.children)]
    ways = []
    if any(isinstance(b, d.Tracker) and not b.optional for b in blocks):
        ways.append("leave out the tracker with --no-tracker")
    if any(isinstance(b, d.Box) and b.role == "notes" for b in blocks):
        ways.append("shorten the notes")
    ways.append("drop some methods with --methods or exercises with --exercises")
    if layout.max_pages == 1:
        ways.append("or use --layout large-print, which may run to several pages")
    pages = "1 page" if layout.max_pages == 1 else f"{layout.max_pages} pages"
    return (
        f"{misfit or 'the routine'} does not fit on {pages} of layout '{layout.name}' even at {layout.min_body:g} pt text "
        f"({', '.join(ways)})"
    )


# ---------------------------------------------------------------- building


class _PageDoc(BaseDocTemplate):
    """Stops at the layout's page limit, and repeats a section's heading when it runs on into a new frame."""

    def __init__(self, buf: io.BytesIO, max_pages: int, tags: Tags, **kw: Any) -> None:
        self.max_pages = max_pages
        self.tags = tags
        self.last_label: str | None = None
        self.last_section: int | None = None
        self.overflow: str | None = None
        self.story: list[Flowable] = []
        super().__init__(buf, **kw)

    def build(self, flowables: list[Flowable], **kw: Any) -> None:  # type: ignore[override]
        self.story = flowables  # Platypus consumes this very list: a repeated heading is put at its front
        super().build(flowables, **kw)

    def afterFlowable(self, flowable: Flowable) -> None:
        self.last_label = self.tags.labels.get(id(flowable), self.last_label)
        if id(flowable) in self.tags.sections:
            self.last_section = self.tags.sections[id(flowable)][0]
        elif id(flowable) in self.tags.labels:
            self.last_section = None

    def handle_frameBegin(self, *args: Any, **kw: Any) -> None:
        super().handle_frameBegin(*args, **kw)
        upcoming = next((f for f in self.story if not isinstance(f, ActionFlowable)), None)
        section, continued, first = self.tags.sections.get(id(upcoming), (None, [], True))
        if section is not None and section == self.last_section and continued and not first:
            self.story[0:0] = [Para(p.text, p.style) for p in continued]  # not in the structure: drawn as furniture

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        if self.page > self.max_pages:
            # ReportLab rewrites the arguments of exceptions raised here, so the label rides on the doc
            self.overflow = f'everything after "{self.last_label}"' if self.last_label else None
            raise _Overflow


def _build(plan: _Plan, doc: d.Document, layout: Layout, geo: _Geometry) -> bytes:
    """Lay the plan out in frames, in reading order."""
    columns = plan.drawable()  # first: making them may make the plan's other flowables anew
    buf = io.BytesIO()
    pdf = _PageDoc(
        buf,
        layout.max_pages,
        plan.tags,
        pagesize=(geo.width, geo.height),
        leftMargin=geo.left,
        rightMargin=geo.right,
        topMargin=geo.top,
        bottomMargin=geo.bottom,
        title=doc.title,
        author=doc.author,
        subject=doc.subject,
        creator=f"kneecard {__version__}",
        keywords=doc.keywords,
        lang=doc.lang,
        invariant=1,
        displayDocTitle=1,
        initialFontName=fonts.register()["regular"],  # else an unembedded Helvetica is referenced
    )
    top_y = geo.height - geo.top
    body_top = top_y - plan.head_h
    first: list[Frame] = []
    if plan.top:
        first.append(_frame("top", geo.left, body_top + geo.gap / 2, geo.inner_w, plan.head_h - geo.gap / 2))
    col_h = plan.col_h if plan.col_h is not None else body_top - geo.bottom
    first += _columns(geo, body_top, col_h)
    story: list[Flowable] = [*plan.top, FrameBreak()] if plan.top else []
    if plan.split:
        for i, col in enumerate(plan.split):
            if i:
                story.append(FrameBreak())
            for j, k in enumerate(col):
                if j and plan.spread[i]:
                    story.append(Spacer(1, plan.spread[i]))
                story.append(columns[k])
    else:
        story += columns
    if geo.single and plan.bottom:
        foot_top = geo.bottom + plan.foot_h - geo.gap / 2
        first.append(_frame("bottom", geo.left, geo.bottom, geo.inner_w, foot_top - geo.bottom))
        story += [NextFrameFlowable("bottom"), FrameBreak(), *plan.bottom]
    else:
        story += plan.bottom
    later = _columns(geo, top_y, top_y - geo.bottom)

    def on_page(canvas: Any, doc_: Any) -> None:
        if doc_.page == 1 and plan.top:  # a rule under the heading: page furniture
            with artifact(canvas):
                canvas.saveState()
                canvas.setStrokeColor(HexColor(layout.accent))
                canvas.setLineWidth(1.2)
                rule_y = body_top + geo.gap / 4
                canvas.line(geo.left, rule_y, geo.width - geo.right, rule_y)
                canvas.restoreState()

    def on_page_end(canvas: Any, doc_: Any) -> None:
        if not doc.footer:
            return
        para = Paragraph(fonts.runs(doc.footer.replace(d.PAGE_MARK, str(doc_.page))), plan.flow.st["footer"])
        _, h = para.wrap(geo.inner_w, geo.bottom)
        y = max(geo.bottom - h - 4 * MM, 7 * MM)
        with artifact(canvas):  # page furniture, drawn last, outside the structure
            canvas.saveState()
            canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
            canvas.setLineWidth(0.5)
            canvas.line(geo.left, y + h + 1.5 * MM, geo.width - geo.right, y + h + 1.5 * MM)
            para.drawOn(canvas, geo.left, y)
            canvas.restoreState()

    pdf.addPageTemplates(
        [
            PageTemplate(id="first", frames=first, onPage=on_page, onPageEnd=on_page_end, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=later, onPage=on_page, onPageEnd=on_page_end),
        ]
    )
    try:
        pdf.build(story or [Spacer(1, 1)], canvasmaker=functools.partial(TaggedCanvas, pdfa=geo.pdfa, scope=plan.flow.struct))
    except _Overflow:
        raise _Overflow(pdf.overflow) from None
    return buf.getvalue()


def _frame(name: str, x: float, y: float, w: float, h: float) -> Frame:
    return Frame(x, y - SLACK, w, h + SLACK, id=name, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)


def _columns(geo: _Geometry, y_top: float, h: float) -> list[Frame]:
    return [_frame(f"col{i + 1}", geo.left + i * (geo.col_w + geo.gap), y_top - h, geo.col_w, h) for i in range(geo.columns)]
