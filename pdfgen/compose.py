"""Routine + layout -> page plan: the Platypus flowables for each area of the page.

Compose decides what goes where and in which style; it neither measures pages nor writes
files. `scale` shrinks every style together when render's fit loop asks for a smaller size.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from markupsafe import escape
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from pdfgen import fonts
from pdfgen.errors import InputError, Problem
from pdfgen.layout import MM, Box, Layout
from pdfgen.model import Item, Library
from pdfgen.resolve import Routine

QR_MM = 28  # QR code incl. its quiet zone; the code itself prints about 23 mm, over the 20 mm a phone needs
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


@dataclass
class PagePlan:
    """What render lays out: three areas of flowables plus what the page frame needs."""

    top: list[Flowable]
    columns: list[Flowable]
    bottom: list[Flowable]
    styles: dict[str, ParagraphStyle]
    context: dict[str, Any]
    title: str
    subject: str
    author: str
    room: float | None = None  # set by render's measuring: available / needed column height
    labels: dict[int, str] = field(default_factory=dict)  # id of a flowable -> its item's name


def esc(text: str) -> str:
    """Escape data or user text for ReportLab's paragraph markup: it prints literally."""
    return str(escape(text)).replace("\n", "<br/>")


_PARAS: OrderedDict[tuple, tuple[Layout, Para]] = OrderedDict()
# A handout or a card deck is ~500 paragraphs; each roster row adds its own few (the name in the title),
# never used again, so a larger cap only holds more of those: 4096 grew each worker by ~30 MB.
_PARAS_MAX = 1024
_FIGURES: dict[tuple[int, int], tuple[Layout, Item, Flowable | None]] = {}  # holds its keys' objects: ids stay unique


def _cached_para(layout: Layout, scale: float, style: str, style_obj: ParagraphStyle, markup: str, bullet: str | None) -> Para:
    """The same markup in the same style is the same paragraph: a roster's rows share almost all
    their text, so each paragraph is parsed and line-broken once per process, not once a row.

    The cache keys on the layout object and holds it, so a key can never meet another layout."""
    key = (id(layout), scale, style, markup, bullet)
    hit = _PARAS.get(key)
    if hit is not None and hit[0] is layout:
        _PARAS.move_to_end(key)
        hit[1].__dict__.pop("_postponed", None)  # Platypus marks, and never clears, a para it moved on
        return hit[1]
    para = Para(markup, style_obj, bulletText=bullet)
    _PARAS[key] = (layout, para)
    if len(_PARAS) > _PARAS_MAX:
        _PARAS.popitem(last=False)
    return para


@cache
def paragraph_styles(layout: Layout, scale: float) -> dict[str, ParagraphStyle]:
    """Styles at one scale; cached per layout object, like the paragraphs made with them."""
    faces = fonts.register()
    out: dict[str, ParagraphStyle] = {}
    for name, s in layout.styles.items():
        size = s.size * scale
        out[name] = ParagraphStyle(
            name,
            fontName=faces[s.font],
            fontSize=size,
            leading=size * s.leading,
            textColor=colors.HexColor(s.color),
            spaceBefore=s.space_before * scale,
            spaceAfter=s.space_after * scale,
            alignment=ALIGN[s.align],
            leftIndent=s.indent * MM,
            bulletFontName=faces["bold"],
            bulletFontSize=size,
        )
    return out


def base_context(routine: Routine, library: Library, layout: Layout | None = None) -> dict[str, Any]:
    """The small, documented Jinja2 context every layout text sees (routine.paper: the one printed on)."""
    regions = [asdict(library.regions[r]) for r in routine.regions]
    ice = library.safety.ice
    return {
        "routine": {
            "name": routine.name or "",
            "notes": routine.notes or "",
            "paper": routine.paper or (layout.paper if layout else ""),
            "ice_minutes": routine.ice_minutes,
            "regions": regions,
            "methods": [m.name for m in routine.methods],
            "exercises": [x.name for x in routine.exercises],
        },
        "region": regions[0] if len(regions) == 1 else None,
        "club": {"name": routine.club.name, "url": routine.club.url or ""} if routine.club else None,
        "safety": {"ice_max": ice.max_minutes, "ice_min": ice.min_minutes, "between_hours": ice.between_hours},
    }


class Composer:
    """Builds the flowables of one routine in one layout at one scale."""

    def __init__(self, routine: Routine, library: Library, layout: Layout, scale: float) -> None:
        self.routine = routine
        self.library = library
        self.layout = layout
        self.st = dict(paragraph_styles(layout, scale))  # bullets and the tracker add styles of their own
        self.scale = scale
        self.ctx = base_context(routine, library, layout)
        self.narrow = False  # set while composing for a narrow column or a card
        self.skip: set[str] = set()  # item parts left out this time (optional extras that did not fit)
        self.labels: dict[int, str] = {}  # id of a flowable -> the item it belongs to

    def text(self, key: str, **extra: Any) -> str:
        return self.layout.render_text(key, {**self.ctx, **extra})

    def para(self, markup: str, style: str, bullet: str | None = None) -> Paragraph:
        return _cached_para(self.layout, self.scale, style, self.st[style], markup, bullet)

    # ------------------------------------------------------------ building blocks

    def table_font(self) -> list[tuple]:
        """Tables set a cell font even around flowables; name ours, or Helvetica sneaks in unembedded."""
        return [("FONT", (0, 0), (-1, -1), fonts.register()["regular"], self.st["body"].fontSize)]

    def row(
        self, cells: list[Any], widths: list[Any], valign: str = "TOP", gap: float = 0, top: float = 0, bottom: float = 0
    ) -> Table:
        """A borderless one-row table: things side by side (figure and steps, QR and address)."""
        table = Table([cells], colWidths=widths, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    *self.table_font(),
                    ("VALIGN", (0, 0), (-1, -1), valign),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                    ("TOPPADDING", (0, 0), (-1, -1), top),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
                ]
            )
        )
        return table

    def boxed(self, name: str, content: list[Flowable]) -> Table:
        box: Box = self.layout.boxes[name]
        pad = box.padding * MM * max(self.scale, 0.7)
        cmds: list[tuple] = [
            *self.table_font(),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + box.stripe * MM),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if box.background:
            cmds.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(box.background)))
        if box.border:
            cmds.append(("BOX", (0, 0), (-1, -1), box.border_width, colors.HexColor(box.border)))
        if box.stripe:
            stripe_color = colors.HexColor(box.border or self.layout.accent)
            cmds.append(("LINEBEFORE", (0, 0), (0, -1), box.stripe * MM, stripe_color))
        table = Table([[content]], colWidths=["100%"], style=TableStyle(cmds))
        table.spaceBefore = 2 * self.scale
        table.spaceAfter = 6 * self.scale
        return table

    def bullets(self, lines: list[str], style: str, numbered: bool = False) -> list[Flowable]:
        """Hanging-indent list items; plain Paragraphs so they split and balance in columns."""
        name = f"{style}-{'numbered' if numbered else 'bullet'}"
        if name not in self.st:
            base = self.st[style]
            self.st[name] = ParagraphStyle(
                name,
                parent=base,
                leftIndent=base.leftIndent + base.fontSize * (1.5 if numbered else 1.1),
                bulletIndent=base.leftIndent,
                bulletColor=colors.HexColor(self.layout.accent),
            )
        return [self.para(line, name, f"{i}." if numbered else "•") for i, line in enumerate(lines, 1)]

    def dosage(self, item: Item) -> str:
        d = asdict(item.dosage)
        if item.is_ice:
            d["minutes"] = (self.routine.ice_minutes, self.routine.ice_minutes)
        return self.text("dosage", d=d)

    def item_parts(self, item: Item) -> list[Flowable]:
        """The name and the parts the layout shows of one method or exercise (ice brings its note)."""
        parts: list[Flowable] = [self.para(esc(item.name), "h3")]
        figure: Flowable | None = None
        link: Flowable | None = None  # below the item at full width, so the address never wraps beside a figure
        for part in self.layout.items[item.kind]:
            if part in self.skip:
                continue
            if part == "figure":
                figure = self.figure(item)
            elif part == "dose":
                dose = self.dosage(item)
                if dose:
                    parts.append(self.para(dose, "dose"))
            elif part == "summary":
                parts.append(self.para(esc(item.summary), "body"))
            elif part == "equipment" and item.equipment:
                parts.append(self.para(self.text("equipment", equipment=item.equipment), "small"))
            elif part == "steps":
                parts += self.bullets([esc(s) for s in item.steps], "step", numbered=True)
            elif part == "steps_inline":  # one running paragraph: fills lines, saves space
                parts.append(self.para(" ".join(esc(s) for s in item.steps), "step"))
            elif part == "cautions":
                parts += [self.para(esc(c), "caution") for c in item.cautions]
            elif part == "link" and item.url:
                link = self.link_band(item.url, self.text("link_heading", url=item.url))
        if figure is not None:
            parts = self.with_figure(figure, parts)
        if link is not None:
            parts.append(link)
        if item.is_ice:
            parts.append(self.ice_box())
        return parts

    def figure(self, item: Item) -> Flowable | None:
        """The exercise's illustration or the method's icon, at the layout's figure size.

        Drawn once per process and layout: a figure's box does not change with the text size."""
        key = (id(self.layout), id(item))
        hit = _FIGURES.get(key)
        if hit is not None and hit[0] is self.layout and hit[1] is item:
            return hit[2]
        from pdfgen import figures

        width, height, _ = self.layout.figure
        drawing: Flowable | None = None
        if item.illustration is not None:
            drawing = figures.figure_flowable(item.illustration, width * MM, height * MM, self.layout.accent)
        elif item.icon:
            drawing = figures.draw_icon(item.icon, min(width, height) * MM * 0.7, self.layout.accent)
        replay = _Replay(drawing) if drawing is not None else None
        _FIGURES[key] = (self.layout, item, replay)
        return replay

    def with_figure(self, figure: Flowable, parts: list[Flowable]) -> list[Flowable]:
        """Place the figure above the item (cards) or beside everything after its name."""
        width, _, position = self.layout.figure
        if position == "top":
            return [parts[0], figure, Spacer(1, 2 * self.scale), *parts[1:]]
        return [parts[0], self.row([figure, parts[1:]], [(width + 2.5) * MM, None], top=1)]

    def item_block(self, item: Item, heading: list[Flowable] | None = None) -> list[Flowable]:
        """One item kept in one piece, so it never splits across columns; a section heading
        rides with its first item, so it is never left alone at a column foot."""
        content = [*(heading or []), *self.item_parts(item)]
        block = KeepTogether(content)
        block._kc_label = item.name  # for a fit error that names what does not fit
        self.labels.update((id(f), item.name) for f in content)  # the same, once Platypus unpacks the block
        return [block]

    def ice_box(self) -> Table:
        ice = self.library.safety.ice
        lines = [esc(line) for line in ice.note_lines(self.routine.ice_minutes)]
        for rid in self.routine.regions:
            if rid in ice.region_max:
                cap, reason = ice.region_max[rid]
                region = asdict(self.library.regions[rid])
                lines.insert(1, self.text("ice_region", region=region, cap=cap, reason=reason))
        content: list[Flowable] = [self.para(self.text("ice_heading"), "box_title"), *self.bullets(lines, "box_body")]
        content.append(self.para(esc(ice.ask_first), "box_body"))
        return self.boxed("ice", content)

    # ------------------------------------------------------------ slots

    def slot(self, name: str) -> list[Flowable]:
        return getattr(self, f"slot_{name}")()

    def slot_title(self) -> list[Flowable]:
        return [self.para(self.text("title"), "title")]

    def slot_subtitle(self) -> list[Flowable]:
        text = self.text("subtitle")
        return [self.para(text, "subtitle")] if text else []

    def slot_club(self) -> list[Flowable]:
        """Club band: logo, name and web address, and the address as a QR code to scan."""
        club = self.routine.club
        if not club:
            return []
        if not self.layout.qr:  # a compact line where the page has no room for a band
            line = f"<b>{self.text('club_heading')}</b>" + (f"  ·  {esc(club.url)}" if club.url else "")
            return [self.para(line, "body")]
        cells: list[Any] = []
        widths: list[Any] = []
        if club.logo:
            cells.append(self.logo(club.logo, QR_MM * MM))
            widths.append((QR_MM + 4) * MM)
        about = [self.para(self.text("club_heading"), "h2")]
        if club.url:
            about.append(self.para(esc(club.url), "small"))
        cells.append(about)
        widths.append(None)
        if club.url:
            cells.append([qr_drawing(club.url, QR_MM * MM)])
            widths.append((QR_MM + 2) * MM)
        band = self.row(cells, widths, valign="MIDDLE", gap=2 * MM)
        band.spaceAfter = 4 * self.scale
        return [band]

    def logo(self, path: Any, size: float) -> Flowable:
        """The club's logo, scaled to fit a size x size square (pdfgen.images checks and resamples it)."""
        from pdfgen import images

        return images.logo(path, size)

    def slot_intro(self) -> list[Flowable]:
        return [self.para(esc(p), "body") for p in self.library.safety.about]

    def slot_region_intro(self) -> list[Flowable]:
        return [self.para(esc(self.library.regions[r].plain), "body") for r in self.routine.regions]

    def slot_methods(self) -> list[Flowable]:
        if not self.routine.methods:
            return []
        heading = [self.para(self.text("methods_heading"), "h2")]
        out: list[Flowable] = []
        for i, m in enumerate(self.routine.methods):
            out += self.item_block(m, heading if i == 0 else None)
        return out

    def slot_exercises(self) -> list[Flowable]:
        out: list[Flowable] = []
        for rid in self.routine.regions:
            items = [x for x in self.routine.exercises if x.region == rid]
            if not items:
                continue
            region = asdict(self.library.regions[rid])
            heading = [self.para(self.text("exercises_heading", region=region), "h2")]
            if len(self.routine.regions) > 1 and "region_intro" not in self.layout.slots.get("top", ()):
                # no intro at the top of the page: say where it hurts under each region's heading
                heading.append(self.para(esc(region["plain"]), "body"))
            for i, x in enumerate(items):
                out += self.item_block(x, heading if i == 0 else None)
        return out

    def slot_ice_note(self) -> list[Flowable]:
        return [self.ice_box()] if self.routine.has_ice else []

    def slot_pain_rule(self) -> list[Flowable]:
        content = [self.para(self.text("pain_heading"), "box_title"), self.para(esc(self.library.safety.pain_rule), "box_body")]
        return [self.boxed("pain", content)]

    def slot_notes(self) -> list[Flowable]:
        if not self.routine.notes:
            return []
        content = [self.para(self.text("notes_heading"), "box_title"), self.para(esc(self.routine.notes), "box_body")]
        return [self.boxed("notes", content)]

    def link_band(self, url: str, heading: str) -> Table:
        """A QR code big enough to scan from paper, with the address printed for those who type."""
        size = QR_MM * MM
        text = [self.para(heading, "box_title"), self.para(esc(url), "small")]
        band = self.row([qr_drawing(url, size), text], [size + 3 * MM, None], valign="MIDDLE")
        band.spaceAfter = 4 * self.scale
        return band

    def slot_link(self) -> list[Flowable]:
        if not self.routine.url:
            return []
        return [self.link_band(self.routine.url, self.text("link_heading", url=self.routine.url))]

    def slot_tracker(self) -> list[Flowable]:
        """Two weeks on paper: a box a day for each exercise (L and R where it is done per side),
        a pain score 0–10 a day, and a line for notes."""
        exercises = list(self.routine.exercises)
        if not exercises:
            return []
        days = 14
        label_w = 46 * MM
        body = self.st["small"]
        if "day" not in self.st:
            self.st["day"] = ParagraphStyle("day", parent=body, alignment=TA_CENTER)
        cell_h = max(5.2 * MM, body.leading + 2)
        head = [self.para(self.text("tracker_day"), "small")] + [self.para(str(d), "day") for d in range(1, days + 1)]
        rows: list[list[Any]] = [head]
        for x in exercises:
            label = esc(x.name) + ("\u00a0(L/R)" if x.dosage.per_side else "")  # never split from the name
            rows.append([self.para(label, "small")] + [_Boxes(2 if x.dosage.per_side else 1, cell_h) for _ in range(days)])
        rows.append([self.para(self.text("tracker_pain"), "small")] + [Spacer(1, cell_h - _Boxes.PADDING)] * days)
        grid = Table(rows, colWidths=[label_w] + [None] * days)  # rows grow with their labels: nothing overprints
        grey = colors.HexColor("#9a9a9a")
        grid.setStyle(
            TableStyle(
                [
                    *self.table_font(),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, grey),
                    ("LINEBEFORE", (1, 0), (-1, -1), 0.4, grey),
                    ("LINEBEFORE", (8, 0), (8, -1), 1.2, colors.HexColor(self.layout.accent)),  # week 2 starts
                ]
            )
        )
        notes = Table([[self.para(self.text("tracker_notes"), "small"), ""]], colWidths=[label_w, None], rowHeights=[cell_h])
        notes.setStyle(
            TableStyle(
                [
                    *self.table_font(),
                    ("LINEBELOW", (1, 0), (1, 0), 0.4, grey),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        notes.spaceAfter = 6 * self.scale
        return [self.para(self.text("tracker_heading"), "box_title"), grid, notes]

    def slot_red_flags(self) -> list[Flowable]:
        s = self.library.safety
        items = [esc(f) for f in s.red_flags]
        if self.narrow:  # a column or a card: too narrow for two lists side by side
            content = [
                self.para(self.text("red_flags_heading"), "box_title"),
                self.para(esc(s.red_flags_intro) + ":", "box_body"),
                *self.bullets(items, "box_body"),
                self.para(f"<b>{esc(s.see_clinician)}</b>", "box_body"),
            ]
            return [self.boxed("red_flags", content)]
        half = (len(items) + 1) // 2
        left, right = self.bullets(items[:half], "box_body"), self.bullets(items[half:], "box_body")
        grid = self.row([left, right], ["50%", "50%"], gap=4, top=3, bottom=3)
        content = [
            self.para(self.text("red_flags_heading"), "box_title"),
            self.para(esc(s.red_flags_intro) + ":", "box_body"),
            grid,
            self.para(f"<b>{esc(s.see_clinician)}</b>", "box_body"),
        ]
        return [self.boxed("red_flags", content)]

    def slot_disclaimer(self) -> list[Flowable]:
        return [self.para(esc(self.library.safety.disclaimer), "small")]

    def slot_sources(self) -> list[Flowable]:
        cited = dict.fromkeys(s for item in [*self.routine.methods, *self.routine.exercises] for s in item.sources)
        cited.update(dict.fromkeys(self.library.safety.sources))
        if self.routine.has_ice:
            cited.update(dict.fromkeys(self.library.safety.ice.sources))
        refs = []
        for sid in cited:
            src = self.library.sources[sid]
            year = f" {src.year}" if src.year else ""
            refs.append(f"{esc(src.org)}{year}: <i>{esc(src.title)}</i>")
        return [self.para(self.text("sources_heading"), "small"), self.para("; ".join(refs) + ".", "small")]


class Para(Paragraph):
    """A Paragraph that remembers its line breaks per width.

    Platypus, KeepTogether and the fit loop's measuring wrap the same paragraph several
    times at the same width, and breaking lines is most of the cost of a page."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        memo = self.__dict__.setdefault("_kc_wraps", {})
        hit = memo.get(availWidth)
        if hit is not None:
            self.width, self.height, self.blPara, self._wrapWidths, width_max = hit
            if width_max is not None:
                self._width_max = width_max
            return self.width, self.height
        result = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):
            memo[availWidth] = (self.width, self.height, self.blPara, self._wrapWidths, getattr(self, "_width_max", None))
        return result


class _Replay(Flowable):
    """A vector drawing whose PDF operators are worked out once per process, then replayed.

    Rendering a figure walks hundreds of shapes; the operators it yields are the same on every
    page, so after the first time they are copied in. Drawings whose operators name a
    per-document resource (a font or an image) are drawn the ordinary way every time."""

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


class _Boxes(Flowable):
    """Tick boxes for one day of the tracker: one, or two side by side (left and right)."""

    PADDING = 2.4  # the table cell's top and bottom padding, which make up the row height

    def __init__(self, count: int, row_height: float) -> None:
        super().__init__()
        self.count, self.size, self.row_height = count, 3.4 * MM, row_height

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = self.count * self.size + (self.count - 1) * 0.8 * MM
        self.height = self.row_height - self.PADDING
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(colors.HexColor("#555555"))
        c.setLineWidth(0.6)
        y = (self.height - self.size) / 2
        for i in range(self.count):
            c.rect(i * (self.size + 0.8 * MM), y, self.size, self.size, stroke=1, fill=0)


def qr_drawing(url: str, size: float) -> Flowable:
    """A QR code for `url` as a vector drawing, with its quiet zone, `size` points square."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _check_placed(routine: Routine, layout: Layout) -> None:
    """What the user gave must print: a layout with no place for it is an error, not a silent drop."""
    placed = {name for names in layout.slots.values() for name in names}
    club = routine.club
    band = "club" in placed and layout.qr  # the club band shows logo and QR; elsewhere a line of text
    wants = [
        (routine.notes, "notes" in placed, "--notes", "notes"),
        (routine.url, "link" in placed, "--url", "a link"),
        (club, "club" in placed or layout.cards is not None, "--club", "a club"),  # cards: in the tag line
        (club and club.logo, band, "--logo", "a logo"),
        (club and club.url, "club" in placed, "--url", "the club's link"),
        (routine.tracker, "tracker" in placed, "--tracker", "the tracker"),
        (routine.backs, layout.cards is not None, "--backs", "card backs"),
    ]
    problems = [
        Problem(None, None, option, f"layout '{layout.name}' has no place for {what} (leave it out, or choose another layout)")
        for given, ok, option, what in wants
        if given and not ok
    ]
    if problems:
        raise InputError(problems)


def compose(
    routine: Routine, library: Library, layout: Layout, scale: float = 1.0, skip: frozenset[str] = frozenset()
) -> PagePlan:
    """The page plan at one scale, leaving out the slots and item parts named in `skip`
    (render drops the layout's optional extras that do not fit), unless the routine insists."""
    skip = set(skip)
    if routine.tracker is False:
        skip.add("tracker")
    elif routine.tracker:
        skip.discard("tracker")
    _check_placed(routine, layout)
    c = Composer(routine, library, layout, scale)
    c.skip = skip
    areas: dict[str, list[Flowable]] = {}
    for area in ("top", "columns", "bottom"):
        c.narrow = area == "columns" and layout.columns > 1
        areas[area] = [f for name in layout.slots.get(area, ()) if name not in skip for f in c.slot(name)]
    names = ", ".join(library.regions[r].name.lower() for r in routine.regions)
    return PagePlan(
        top=areas["top"],
        columns=areas["columns"],
        bottom=areas["bottom"],
        styles=c.st,
        context=c.ctx,
        title=_plain(c.text("doc_title")),
        subject=f"Knee recovery routine: {names}" if names else "Knee recovery routine",
        author=routine.name or (routine.club.name if routine.club else "kneecard"),
        labels=c.labels,
    )


def _plain(markup: str) -> str:
    """Markup to plain text for PDF metadata."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", markup))
