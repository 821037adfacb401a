"""Card sheets: one item per card, imposed several to a sheet with crop marks, optional backs.

Each card is fitted on its own (the largest text size that fits its safe area, never below
the layout's minimum), then drawn at its place on the sheet. Backs are mirrored left to
right, so they line up with their fronts when printed long-edge duplex.
"""

from __future__ import annotations

import io
import math
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from pdfgen import __version__, fonts
from pdfgen.compose import Composer, base_context, compose
from pdfgen.errors import InputError, Problem
from pdfgen.layout import MM, Cards, Layout
from pdfgen.model import Dosage, Item, Library
from pdfgen.render import draw_stack, scales_for, stack_height
from pdfgen.resolve import Routine

EDGE_MM = 6  # home printers cannot print closer than this to the sheet edge


_FITTED: OrderedDict[tuple, tuple[Layout, Library, Item, list[Flowable]]] = OrderedDict()  # holds its keys' objects
_FITTED_MAX = 1024  # a few decks' worth: a roster of different names never piles up


class _Fitter:
    """Composers per scale, so each card tries sizes without rebuilding styles every time."""

    def __init__(self, routine: Routine, library: Library, layout: Layout) -> None:
        self.routine, self.library, self.layout = routine, library, layout
        self.scales = scales_for(layout)
        self._composers: dict[float, Composer] = {}
        # everything of the routine a card can show: the layout texts' context, and the items by
        # id (names need not be unique, and which method is ice decides the backs' ice box)
        methods, exercises = [m.id for m in routine.methods], [x.id for x in routine.exercises]
        self.context = repr((base_context(routine, library), methods, exercises))

    def composer(self, scale: float) -> Composer:
        if scale not in self._composers:
            self._composers[scale] = Composer(self.routine, self.library, self.layout, scale)
        return self._composers[scale]

    def fitted(self, build: Any, item: Item, side: str, label: str, width: float, height: float) -> list[Flowable]:
        """The card built at the largest scale that fits its box.

        A batch prints the same card for many rows, and a card is a function of its layout,
        content library, item, side, box and routine context: the card fitted for those once in
        this process is drawn again (flowables redraw on any canvas), so a deck after the first
        costs only its drawing."""
        key = (id(self.layout), id(self.library), id(item), side, width, height, self.context)
        hit = _FITTED.get(key)
        if hit is not None and hit[0] is self.layout and hit[1] is self.library and hit[2] is item:
            _FITTED.move_to_end(key)
            return hit[3]
        try:
            parts = self.largest(build, label, width, height)[1]
        except InputError:
            # too long even at the smallest size: without its figure, where the layout lists
            # `figure` as optional (the ice card's icon gives way to its safety box)
            if "figure" not in self.layout.optional:
                raise
            parts = self.largest(lambda c: _without_figure(build, c), label, width, height)[1]
        _FITTED[key] = (self.layout, self.library, item, parts)
        if len(_FITTED) > _FITTED_MAX:
            _FITTED.popitem(last=False)
        return parts

    def largest(self, build: Any, label: str, width: float, height: float) -> tuple[float, list[Flowable]]:
        """The largest scale at which `build(composer)` fits the box, with the card built at it;
        an error naming the card if even the smallest does not fit.

        Fitting is monotone in scale. Many fronts fit at the largest size; otherwise the
        overflow there gives a first guess (a card's text area grows about as the square of the
        scale), its neighbours confirm it, and a bisection settles the rest. For the shipped
        deck that is 43 tries for 14 fronts, where a plain bisection takes 69."""
        scales, n = self.scales, len(self.scales)
        built: dict[int, list[Flowable]] = {}
        heights: dict[int, float] = {}

        def fits(i: int) -> bool:
            if i not in built:
                built[i] = build(self.composer(scales[i]))
                heights[i] = stack_height(built[i], width)
            return heights[i] <= height

        if fits(0):
            return scales[0], built[0]
        guess = scales[0] * (height / heights[0]) ** 0.5
        g = next((i for i in range(1, n) if scales[i] <= guess), n - 1)
        if fits(g):  # the answer is g or larger: usually g itself
            if g == 1 or not fits(g - 1):
                return scales[g], built[g]
            lo, hi = 1, g - 1
        else:  # the answer is smaller than g: often the next one
            if g + 1 < n and fits(g + 1):
                return scales[g + 1], built[g + 1]
            lo, hi = g + 2, n - 1
        while lo < hi:  # indices below lo do not fit; hi fits, or is the smallest and untried
            mid = (lo + hi) // 2
            if fits(mid):
                hi = mid
            else:
                lo = mid + 1
        if lo < n and fits(lo):
            return scales[lo], built[lo]
        smallest = self.composer(scales[-1])
        fits(n - 1)
        lines = max(1, math.ceil((heights[n - 1] - height) / smallest.st["body"].leading))
        raise InputError(
            Problem(
                None,
                None,
                "card",
                f'"{label}" needs {lines} more line{"s" if lines > 1 else ""} at {self.layout.min_body:g} pt: '
                "shorten its steps or use a larger card (cards.width/height in the layout)",
            )
        )

    def each(self, items: list[Item], side: str, build: Any, width: float, height: float) -> list[list[Flowable]]:
        """Each card at the largest size that fits it (a deck-wide size would shrink every card to the ice card's)."""
        label = "{}" if side == "front" else "back of {}"
        return [self.fitted(lambda c, it=it: build(c, it), it, side, label.format(it.name), width, height) for it in items]


def _without_figure(build: Any, c: Composer) -> list[Flowable]:
    skip = c.skip
    c.skip = skip | {"figure"}
    try:
        return build(c)
    finally:
        c.skip = skip


def _front(c: Composer, item: Item) -> list[Flowable]:
    region = asdict(c.library.regions[item.region]) if item.region else None
    return [c.para(c.text("card_tag", region=region), "dose"), *c.item_parts(item)]


def _back(c: Composer, item: Item) -> list[Flowable]:
    """The back of a card: the red flags and the disclaimer, so every card printed with backs
    carries both. (The ice safety box stands on the ice card's front, beside its instructions:
    with the fuller red flags there is no room for it on every back too.)"""
    region = asdict(c.library.regions[item.region]) if item.region else None
    narrow, c.narrow = c.narrow, True  # red flags as one list; the composer is shared, so restore it
    parts = [c.para(c.text("back_title", region=region), "h3"), *c.slot_red_flags(), *c.slot_disclaimer()]
    c.narrow = narrow
    return parts


# The safety card a deck without backs ends with: red flags by urgency, where to go, and the
# disclaimer. A stand-in item, so the fitter can key and label it like the others.
SAFETY_CARD = Item(id="safety-card", kind="safety", name="Safety card", summary="", steps=(), dosage=Dosage())


def _safety_front(c: Composer, item: Item) -> list[Flowable]:
    narrow, c.narrow = c.narrow, True
    parts = [*c.slot_red_flags(), *c.slot_disclaimer()]  # the red-flag box brings its own heading
    c.narrow = narrow
    return parts


def _grid_origin(cards: Cards, page_w: float, page_h: float) -> tuple[float, float]:
    """Top-left corner of the card grid, centred on the sheet; refuse grids that crowd the edge."""
    total_w = cards.columns * cards.width + (cards.columns - 1) * cards.gap
    total_h = cards.rows * cards.height + (cards.rows - 1) * cards.gap
    reach = cards.mark_offset + cards.mark_length
    side = (page_w / MM - total_w) / 2 - reach
    end = (page_h / MM - total_h) / 2 - reach
    if min(side, end) < EDGE_MM:
        raise InputError(
            Problem(
                None,
                None,
                "cards",
                f"{cards.columns}x{cards.rows} cards of {cards.width:g}x{cards.height:g} mm with their crop marks come "
                f"within {min(side, end):.1f} mm of the sheet edge ({EDGE_MM} mm at least allowed: use smaller cards or gaps)",
            )
        )
    return (page_w - total_w * MM) / 2, (page_h + total_h * MM) / 2


def _crop_marks(canvas: Canvas, x: float, y: float, w: float, h: float, cards: Cards) -> None:
    off, length = cards.mark_offset * MM, cards.mark_length * MM
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            canvas.line(cx + sx * off, cy, cx + sx * (off + length), cy)
            canvas.line(cx, cy + sy * off, cx, cy + sy * (off + length))


def render_cards(routine: Routine, library: Library, layout: Layout, page_size: tuple[float, float]) -> bytes:
    """All cards of a routine: exercises grouped by region, then the methods."""
    cards = layout.cards
    assert cards is not None
    page_w, page_h = page_size
    x0, y_top = _grid_origin(cards, page_w, page_h)
    w, h, gap, pad = cards.width * MM, cards.height * MM, cards.gap * MM, cards.padding * MM
    inner_w, inner_h = w - 2 * pad, h - 2 * pad
    plan = compose(routine, library, layout, 1.0)  # first: it refuses what a card cannot place
    fitter = _Fitter(routine, library, layout)
    items = [*routine.exercises, *routine.methods]
    fronts = fitter.each(items, "front", _front, inner_w, inner_h)
    if routine.backs:  # every back carries the red flags and the disclaimer
        backs = fitter.each(items, "back", _back, inner_w, inner_h)
    else:  # fronts only: the deck ends with a safety card that carries them
        backs = []
        fronts += fitter.each([SAFETY_CARD], "front", _safety_front, inner_w, inner_h)

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=page_size, invariant=1, lang=layout.lang, initialFontName=fonts.register()["regular"])
    canvas.setTitle(plan.title)
    canvas.setAuthor(plan.author)
    canvas.setSubject(plan.subject)
    canvas.setCreator(f"kneecard {__version__}")
    canvas.setKeywords("knee, running, recovery, exercise, cards")
    per_sheet = cards.columns * cards.rows

    def sheet(contents: list[list[Flowable]], mirrored: bool) -> None:
        for i, parts in enumerate(contents):
            col, row = i % cards.columns, i // cards.columns
            if mirrored:
                col = cards.columns - 1 - col
            x = x0 + col * (w + gap)
            y = y_top - row * (h + gap) - h
            canvas.saveState()
            canvas.setStrokeColor(HexColor("#000000"))
            canvas.setLineWidth(0.3)
            _crop_marks(canvas, x, y, w, h, cards)
            canvas.setStrokeColor(HexColor(layout.accent))
            canvas.setLineWidth(2)
            canvas.line(x + pad, y + h - pad / 2, x + w - pad, y + h - pad / 2)  # a coloured band marks the top
            canvas.restoreState()
            draw_stack(canvas, parts, x + pad, y + h - pad, inner_w)
        canvas.showPage()

    for start in range(0, len(fronts), per_sheet):
        sheet(fronts[start : start + per_sheet], mirrored=False)
        if backs:
            sheet(backs[start : start + per_sheet], mirrored=True)
    canvas.save()
    return buf.getvalue()


__all__ = ["render_cards"]
