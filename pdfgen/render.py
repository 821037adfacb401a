"""Page plan -> PDF bytes with ReportLab Platypus, shrinking text until it fits.

The fit loop is the one place that knows about page count: it composes at a scale, lays the
story out, and tries smaller scales (never below the layout's minimum body size) until the
routine fits the layout's page limit. Past that it fails, naming the way out.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer

from pdfgen import __version__, fonts
from pdfgen.compose import PagePlan, compose
from pdfgen.errors import InputError, Problem
from pdfgen.layout import MM, Layout
from pdfgen.model import Library
from pdfgen.resolve import Routine

PAGE_SIZES = {"a4": A4, "letter": LETTER}
SCALE_STEP = 0.02  # shrinking: fine steps, so text is no smaller than it must be
GROW_STEP = 0.05  # growing: coarse steps, cheaper to search


class _Overflow(Exception):
    """Raised inside a build as soon as the story needs one page too many; names the first
    item that does not fit, when it is known, so the error can say what to drop."""

    def __init__(self, label: str | None = None) -> None:
        super().__init__(label)
        self.label = label


class _Doc(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, max_pages: int, labels: dict[int, str], **kw: Any) -> None:
        self.max_pages = max_pages
        self.labels = labels
        super().__init__(buf, **kw)

    last_label: str | None = None

    overflow: str | None = None

    def afterFlowable(self, flowable: Flowable) -> None:
        self.last_label = self.labels.get(id(flowable), self.last_label)

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        if self.page > self.max_pages:
            # ReportLab rewrites the arguments of exceptions raised here, so the label rides on the doc
            self.overflow = f'everything after "{self.last_label}"' if self.last_label else None
            raise _Overflow


def page_size(routine: Routine, layout: Layout) -> tuple[float, float]:
    return PAGE_SIZES[routine.paper or layout.paper]


def stack_height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables stacked as a frame would stack them (no space before the first)."""
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10_000)
        total += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
    return total


def draw_stack(canvas, flowables: list[Flowable], x: float, y_top: float, width: float) -> None:
    y = y_top
    for i, f in enumerate(flowables):
        if i:
            y -= f.getSpaceBefore()
        _, h = f.wrap(width, 10_000)
        f.drawOn(canvas, x, y - h)
        y -= h + f.getSpaceAfter()


def _block_heights(flowables: list[Flowable], width: float) -> list[float]:
    """Heights of the column blocks; a KeepTogether counts as one block."""
    out = []
    for f in flowables:
        parts = f._content if isinstance(f, KeepTogether) else [f]
        out.append(stack_height(parts, width) + f.getSpaceBefore() + f.getSpaceAfter())
    return out


def _first_misfit(flow: list[Flowable], heights: list[float], columns: int, limit: float) -> str | None:
    """The label of the first block that no longer fits when the columns are filled in order."""
    col, used = 1, 0.0
    for f, b in zip(flow, heights, strict=True):
        if used and used + b > limit:
            col, used = col + 1, 0.0
        if b > limit or col > columns:
            label = getattr(f, "_kc_label", None)
            return f'everything from "{label}" on' if label else None
        used += b
    return None


def _balanced_height(heights: list[float], columns: int, limit: float) -> float | None:
    """Smallest column height that holds the blocks in order in `columns` columns; None if over `limit`."""

    def fits(h: float) -> bool:
        col, used = 1, 0.0
        for b in heights:
            if used and used + b > h:
                col, used = col + 1, 0.0
            if b > h or col > columns:
                return False
            used += b
        return True

    if not heights:
        return 0.0
    if not fits(limit):
        return None
    lo, hi = max(heights), limit
    if fits(lo):
        return lo
    while hi - lo > 1.0:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if fits(mid) else (mid, hi)
    return hi


def _build(plan: PagePlan, routine: Routine, layout: Layout, measure_only: bool = False) -> bytes:
    """Lay the plan out; with `measure_only`, stop once a one-page layout is known to fit."""
    width, height = page_size(routine, layout)
    top, right, bottom, left = (m * MM for m in layout.margins)
    inner_w = width - left - right
    buf = io.BytesIO()
    doc = _Doc(
        buf,
        layout.max_pages,
        plan.labels,
        pagesize=(width, height),
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=plan.title,
        author=plan.author,
        subject=plan.subject,
        creator=f"kneecard {__version__}",
        keywords="knee, running, recovery, exercise",
        lang=layout.lang,
        invariant=1,
        displayDocTitle=1,
        initialFontName=fonts.register()["regular"],  # else an unembedded Helvetica is referenced
    )
    single = layout.max_pages == 1
    gap = layout.gap * MM
    head_h = stack_height(plan.top, inner_w) + (gap / 2 if plan.top else 0)
    # On a one-page layout the bottom area is pinned to the foot of the page; on longer
    # layouts it simply follows the columns.
    foot = plan.bottom if single else []
    foot_h = stack_height(foot, inner_w) + (gap / 2 if foot else 0)
    flow = plan.columns if single else plan.columns + plan.bottom
    col_w = (inner_w - gap * (layout.columns - 1)) / layout.columns
    avail = height - top - bottom - head_h - foot_h
    col_h = avail
    if single and layout.columns > 1:
        heights = _block_heights(flow, col_w)
        balanced = _balanced_height(heights, layout.columns, avail)
        if balanced is None:
            raise _Overflow(_first_misfit(flow, heights, layout.columns, avail))
        col_h = min(avail, balanced + 6)
        plan.room = avail / max(balanced, 1.0)
        if measure_only:
            return b""

    def frames(first: bool) -> list[Frame]:
        y_top = height - top - (head_h if first else 0)
        h = col_h if first else height - top - bottom
        return [
            Frame(
                left + i * (col_w + gap),
                y_top - h,
                col_w,
                h,
                id=f"col{i + 1}",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            for i in range(layout.columns)
        ]

    def on_page(canvas, doc_) -> None:
        canvas.saveState()
        if doc_.page == 1 and plan.top:
            draw_stack(canvas, plan.top, left, height - top, inner_w)
            rule_y = height - top - head_h + gap / 4
            canvas.setStrokeColor(HexColor(layout.accent))
            canvas.setLineWidth(1.2)
            canvas.line(left, rule_y, width - right, rule_y)
        if foot:
            draw_stack(canvas, foot, left, bottom + foot_h - gap / 2, inner_w)
        footer = layout.render_text("footer", {**plan.context, "page": {"number": doc_.page}})
        if footer:
            para = Paragraph(footer, plan.styles["footer"])
            _, h = para.wrap(inner_w, bottom)
            y = max(bottom - h - 4 * MM, 7 * MM)
            canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
            canvas.setLineWidth(0.5)
            canvas.line(left, y + h + 1.5 * MM, width - right, y + h + 1.5 * MM)
            para.drawOn(canvas, left, y)
        canvas.restoreState()

    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=frames(True), onPage=on_page, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=frames(False), onPage=on_page),
        ]
    )
    try:
        doc.build(list(flow) or [Spacer(1, 1)])
    except _Overflow:
        raise _Overflow(doc.overflow) from None
    return buf.getvalue()


def scales_for(layout: Layout) -> list[float]:
    """Candidate scales, largest first: growing in coarse steps up to the layout's max_scale
    (filling a page needs no precision), shrinking in fine steps down to its minimum body size."""
    low = layout.min_body / layout.styles["body"].size
    up = [round(1.0 + GROW_STEP * i, 4) for i in range(1, int((layout.max_scale - 1.0) / GROW_STEP + 1e-9) + 1)]
    down = [round(1.0 - SCALE_STEP * i, 4) for i in range(1, int((1.0 - low) / SCALE_STEP + 1e-9) + 1)]
    return sorted({*up, layout.max_scale, 1.0, *down, round(low, 4)} - {s for s in down if s < low}, reverse=True)


def _search(
    routine: Routine, library: Library, layout: Layout, scales: list[float], skip: frozenset[str]
) -> tuple[bytes | None, str | None]:
    """The PDF at the largest of `scales` (largest first) that fits; else None and what does
    not fit at the smallest size.

    A one-page layout is measured without being built; the plan that measured as fitting is
    then built as it is, so its line breaks are worked out once."""
    plans: dict[float, PagePlan | None] = {}
    built: dict[float, bytes] = {}  # layouts that cannot be measured are built while searching
    misfits: dict[float, str | None] = {}

    def fits(i: int) -> bool:
        scale = scales[i]
        if scale not in plans:
            plan = compose(routine, library, layout, scale, skip)
            try:
                pdf = _build(plan, routine, layout, measure_only=True)
                plans[scale] = plan
                if pdf:
                    built[scale] = pdf
            except _Overflow as over:
                plans[scale] = None
                misfits[scale] = over.label
        return plans[scale] is not None

    # Fitting is monotone in scale: binary search for the first (largest) scale that fits,
    # starting at full size, the usual answer.
    lo, hi, found = 0, len(scales) - 1, None
    start = scales.index(1.0) if 1.0 in scales else 0
    if fits(start):
        found, hi = start, start - 1
        room = plans[scales[start]].room  # type: ignore[union-attr]
        if room is not None:
            # text height grows about as the square of the scale: larger sizes beyond what the
            # measured room allows cannot fit, so the search skips them
            ceiling = scales[start] * room**0.5 * 1.02
            lo = next((i for i in range(start) if scales[i] <= ceiling), start)
    else:
        lo = start + 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(mid):
            found, hi = mid, mid - 1
        else:
            lo = mid + 1
    if found is None:
        fits(len(scales) - 1)  # the smallest size says what does not fit
        return None, misfits.get(scales[-1])
    for i in range(found, len(scales)):  # the measured fit is confirmed by the real layout
        if fits(i):
            if scales[i] in built:
                return built[scales[i]], None
            try:  # a measured plan has only been wrapped, never drawn: build it as it is
                return _build(plans[scales[i]], routine, layout), None  # type: ignore[arg-type]
            except _Overflow:
                continue
    return None, None


def render(routine: Routine, library: Library, layout: Layout) -> bytes:
    """The PDF at the largest scale that fits: grown up to the layout's max_scale to fill the
    page, shrunk down to its minimum body size when the content is long."""
    if layout.cards is not None:
        from pdfgen.impose import render_cards

        return render_cards(routine, library, layout, page_size(routine, layout))
    scales = scales_for(layout)
    # Optional extras (figures, the tracker) only at full size or larger: they never shrink
    # the routine. The least wanted goes first until the rest fits.
    extras = layout.optional
    for keep in range(len(extras), 0, -1):
        pdf, _ = _search(routine, library, layout, [s for s in scales if s >= 1.0], frozenset(extras[keep:]))
        if pdf is not None:
            return pdf
    pdf, misfit = _search(routine, library, layout, scales, frozenset(extras))
    if pdf is not None:
        return pdf
    pages = "1 page" if layout.max_pages == 1 else f"{layout.max_pages} pages"
    raise InputError(
        Problem(
            None,
            None,
            "routine",
            f"{misfit or 'the routine'} does not fit on {pages} of layout '{layout.name}' "
            f"even at {layout.min_body:g} pt text "
            "(drop some methods with --methods or exercises with --exercises, or shorten the notes"
            + (", or use --layout large-print, which may run to several pages)" if layout.max_pages == 1 else ")"),
        )
    )
