"""Pocket cards: one item per card, several to a sheet with crop marks, optional mirrored backs.

A deck has one type scale: the largest at which every card fits its safe area, so the cards
of a sheet look alike. Backs are mirrored left to right, so they line up with their fronts
when printed long-edge duplex. Everything drawn stays inside the safe area but crop marks.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from pdfgen import __version__, fonts
from pdfgen import document as d
from pdfgen.cache import Cache
from pdfgen.errors import InputError, Problem, Problems
from pdfgen.fit import candidate_scales, largest_fit
from pdfgen.flowables import draw_stack, stack_height
from pdfgen.layout import MM, Layout
from pdfgen.render import Flow
from pdfgen.resolve import Routine
from pdfgen.schema import Reader
from pdfgen.tagging import Struct, TaggedCanvas, artifact

if TYPE_CHECKING:
    from pdfgen.compose import Composer

KEYWORDS = "knee, running, recovery, exercise, cards"
EDGE_MM = 6  # home printers cannot print closer than this to the sheet edge
BAND_MM = 2.5  # the accent band across the top of the safe area, and the space under it


@dataclass(frozen=True)
class Geometry:
    """Sheet imposition for pocket cards; all distances in mm."""

    width: float
    height: float
    columns: int
    rows: int
    gap: float
    padding: float  # the safe area: words and marks keep this far inside the cut line
    mark_length: float
    mark_offset: float


def subject(names: str) -> str:
    return f"Knee recovery cards: {names}" if names else "Knee recovery cards"


def read_geometry(layout: Layout, problems: Problems) -> Geometry:
    """The `cards:` section: card size, grid, gap, safe area and crop marks."""
    r = Reader(layout.settings if layout.settings is not None else {}, str(layout.path), "cards", problems)

    def mm(key: str, lo: float, hi: float, default: float) -> float:
        return r.number(key, lo, hi, default, " mm")

    grid = r.raw("grid")
    cols, rows = 2, 2
    if grid is not None:
        if (
            isinstance(grid, list)
            and len(grid) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 6 for v in grid)
        ):
            cols, rows = grid
        else:
            r.problem("grid", f"is '{grid}' ([columns, rows], each 1–6, allowed)")
    geometry = Geometry(
        width=mm("width", 40, 200, 90),
        height=mm("height", 40, 280, 125),
        columns=cols,
        rows=rows,
        gap=mm("gap", 0, 40, 8),
        padding=mm("padding", 4, 30, 6),
        mark_length=mm("mark_length", 1, 10, 3),
        mark_offset=mm("mark_offset", 0, 5, 1),
    )
    r.finish()
    return geometry


def check_placed(routine: Routine, layout: Layout) -> None:
    """Cards show items, a tag line (region, name, club) and backs; nothing else the user gives has a place."""
    club = routine.club
    wants = [
        (routine.notes, "--notes", "notes"),
        (routine.url, "--url", "a link"),
        (club and club.logo, "--logo", "a logo"),
        (club and club.url, "--url", "the club's link"),
        (routine.tracker, "--tracker", "the tracker"),
    ]
    problems = [
        Problem(None, None, option, f"layout '{layout.name}' has no place for {what} (leave it out, or choose another layout)")
        for given, option, what in wants
        if given
    ]
    if problems:
        raise InputError(problems)


def arrange(c: Composer) -> list[d.Area]:
    """A card per item (the region's exercises, then the methods), sheet by sheet: a sheet's
    fronts, then their backs, so each back follows its front in reading order. Every card
    printed with backs carries the red flags and the disclaimer on its back; a deck without
    backs ends with a safety card that carries them."""
    geo: Geometry = c.layout.geometry
    items = [*c.routine.exercises, *c.routine.methods]
    fronts = [
        d.Area("front", (d.Para(c.text("card_tag", region=c.region(it.region)), "dose"), c.item(it)), it.name) for it in items
    ]
    backs: list[d.Area] = []
    if not c.routine.backs:  # fronts only: the deck ends with a safety card
        fronts.append(d.Area("safety", (c.red_flags(), c.disclaimer()), "the safety card"))
    else:
        for it in items:
            # the ice note is on the ice card itself, beside the instruction; backs carry what every card needs
            backs.append(d.Area("back", (c.red_flags(), c.disclaimer()), f"back of {it.name}"))
    per_sheet = geo.columns * geo.rows
    out: list[d.Area] = []
    for start in range(0, len(fronts), per_sheet):
        out += fronts[start : start + per_sheet] + backs[start : start + per_sheet]
    return out


def _grid_origin(geo: Geometry, page_w: float, page_h: float) -> tuple[float, float]:
    """Top-left corner of the card grid, centred on the sheet; refuse grids that crowd the edge."""
    total_w = geo.columns * geo.width + (geo.columns - 1) * geo.gap
    total_h = geo.rows * geo.height + (geo.rows - 1) * geo.gap
    reach = geo.mark_offset + geo.mark_length
    side = (page_w / MM - total_w) / 2 - reach
    end = (page_h / MM - total_h) / 2 - reach
    if min(side, end) < EDGE_MM:
        raise InputError(
            Problem(
                None,
                None,
                "cards",
                f"{geo.columns}x{geo.rows} cards of {geo.width:g}x{geo.height:g} mm with their crop marks come "
                f"within {min(side, end):.1f} mm of the sheet edge ({EDGE_MM} mm at least allowed: use smaller cards or gaps)",
            )
        )
    return (page_w - total_w * MM) / 2, (page_h + total_h * MM) / 2


def _crop_marks(canvas: Canvas, x: float, y: float, w: float, h: float, geo: Geometry) -> None:
    off, length = geo.mark_offset * MM, geo.mark_length * MM
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            canvas.line(cx + sx * off, cy, cx + sx * (off + length), cy)
            canvas.line(cx, cy + sy * off, cx, cy + sy * (off + length))


def render(
    doc: d.Document, layout: Layout, page_size: tuple[float, float], cache: Cache, fit_key: Any, pdfa: bool = False
) -> bytes:
    """Every card imposed sheet by sheet: the item cards at one type scale, the safety cards
    (backs, the safety card) at another, each the largest at which all its cards fit. Every
    card is a Sect of the tagged PDF, in reading order; `pdfa` makes the file PDF/A-2b."""
    geo: Geometry = layout.geometry
    page_w, page_h = page_size
    x0, y_top = _grid_origin(geo, page_w, page_h)
    w, h, pad = geo.width * MM, geo.height * MM, geo.padding * MM
    box = (w - 2 * pad, h - 2 * pad - BAND_MM * MM)
    parts_of: dict[int, tuple[list[Any], Struct]] = {}
    for group in ("items", "safety"):
        members = [i for i, area in enumerate(doc.areas) if _group(area) == group]
        if members:
            fitted = _fit([doc.areas[i] for i in members], layout, box, cache, (fit_key, group))
            parts_of.update(zip(members, fitted, strict=True))

    buf = io.BytesIO()
    canvas = TaggedCanvas(
        buf, pagesize=page_size, invariant=1, lang=doc.lang, initialFontName=fonts.register()["regular"], pdfa=pdfa
    )
    canvas.setTitle(doc.title)
    canvas.setAuthor(doc.author)
    canvas.setSubject(doc.subject)
    canvas.setCreator(f"kneecard {__version__}")
    canvas.setKeywords(doc.keywords)
    canvas.setViewerPreference("DisplayDocTitle", "true")
    per_sheet = geo.columns * geo.rows
    sheet: list[tuple[d.Area, tuple[list[Any], Struct]]] = []
    for i, area in enumerate(doc.areas):
        parts = parts_of[i]
        if sheet and (len(sheet) == per_sheet or (sheet[0][0].name == "back") != (area.name == "back")):
            _sheet(canvas, sheet, geo, layout, x0, y_top)
            sheet = []
        sheet.append((area, parts))
    if sheet:
        _sheet(canvas, sheet, geo, layout, x0, y_top)
    canvas.save()
    return buf.getvalue()


def _group(area: d.Area) -> str:
    """Which type scale a card shares: the item cards one, the safety cards (backs, the safety card) another."""
    return "safety" if area.name in ("back", "safety") else "items"


def _fit(areas: list[d.Area], layout: Layout, box: tuple[float, float], cache: Cache, key: Any) -> list[tuple[list[Any], Struct]]:
    """The cards built at the largest scale at which every one fits the box; a card that fits
    nowhere with its optional figure sheds it. An error names the card that fits nowhere."""
    inner_w, inner_h = box
    scales = candidate_scales(layout.min_body / layout.styles["body"].size, layout.max_scale)
    built: dict[float, list[tuple[list[Any], Struct]]] = {}
    heights: dict[float, list[float]] = {}
    drop = False  # set when the cards fit nowhere with every figure: a card then sheds its own figure if it must

    def card(area: d.Area, scale: float, skip: frozenset[str]) -> tuple[list[Any], float, Struct]:
        """A card built and measured at one scale, with its structure; a batch prints the same
        cards deck after deck, so each is built once per process (flowables draw again on any canvas)."""

        def make() -> tuple[list[Any], float, Struct]:
            flow = Flow(layout, scale, cache, skip)
            parts = flow.blocks(area.children, inner_w)
            return parts, stack_height(parts, inner_w), flow.struct

        return cache.get("card", (layout.fingerprint, scale, skip, inner_w, area), make)

    def fits(scale: float) -> bool:
        built[scale], heights[scale] = [], []
        for area in areas:
            parts, height, struct = card(area, scale, frozenset())
            if drop and height > inner_h:
                parts, height, struct = card(area, scale, frozenset({"figure"}))
            built[scale].append((parts, struct))
            heights[scale].append(height)
        return max(heights[scale], default=0) <= inner_h

    def search() -> float | None:
        """Nothing fits if the smallest size does not; else a first guess from the room the
        tallest card leaves (text grows about as the square of the scale), then the one search."""
        smallest = scales[-1]
        if not fits(smallest):
            return None
        guess = smallest * (inner_h / max(max(heights[smallest], default=1.0), 1.0)) ** 0.5
        return largest_fit(scales, fits, next((s for s in scales if s <= guess), smallest))

    hint = cache.peek("fit", key)
    if isinstance(hint, tuple):
        drop = hint[1]
        scale = largest_fit(scales, fits, hint[0])
    else:
        scale = search()
    if scale is None and not drop and "figure" in layout.optional:
        drop = True
        built.clear()
        heights.clear()
        scale = search()
    if scale is None:
        smallest = scales[-1]
        if smallest not in heights:
            fits(smallest)
        worst = next(i for i, hh in enumerate(heights[smallest]) if hh > inner_h)
        leading = Flow(layout, smallest, cache).st["body"].leading
        lines = max(1, math.ceil((heights[smallest][worst] - inner_h) / leading))
        raise InputError(
            Problem(
                None,
                None,
                "card",
                f'"{areas[worst].label}" needs {lines} more line{"s" if lines > 1 else ""} at {layout.min_body:g} pt: '
                "shorten its steps or use a larger card (cards.width/height in the layout)",
            )
        )
    cache.put("fit", key, (scale, drop))
    return built[scale]


def _sheet(
    canvas: TaggedCanvas,
    cards: list[tuple[d.Area, tuple[list[Any], Struct]]],
    geo: Geometry,
    layout: Layout,
    x0: float,
    y_top: float,
) -> None:
    """One sheet: each card's content, then its crop marks and accent band (furniture), in reading order."""
    w, h, gap, pad = geo.width * MM, geo.height * MM, geo.gap * MM, geo.padding * MM
    for i, (area, (parts, struct)) in enumerate(cards):
        col, row = i % geo.columns, i // geo.columns
        if area.name == "back":
            col = geo.columns - 1 - col  # mirrored, to meet its front through the paper
        x = x0 + col * (w + gap)
        y = y_top - row * (h + gap) - h
        canvas.kc_tagger.enter(struct, "Sect")
        draw_stack(canvas, parts, x + pad, y + h - pad - BAND_MM * MM, w - 2 * pad)
        with artifact(canvas):
            _furniture(canvas, x, y, w, h, pad, geo, layout)
    canvas.showPage()


def _furniture(canvas: Canvas, x: float, y: float, w: float, h: float, pad: float, geo: Geometry, layout: Layout) -> None:
    """A card's crop marks and the accent band across the top of its safe area."""
    canvas.saveState()
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setLineWidth(0.3)
    _crop_marks(canvas, x, y, w, h, geo)
    canvas.setStrokeColor(HexColor(layout.accent))
    canvas.setLineWidth(2)
    band_y = y + h - pad - 1  # the band's 2 pt line sits just inside the top of the safe area
    canvas.line(x + pad, band_y, x + w - pad, band_y)
    canvas.restoreState()
