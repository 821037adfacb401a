"""Document tree -> Platypus flowables at one type scale.

The layout kinds (pages, cards) place what this module makes; it decides only how each block
looks: styles, boxes, lists, figures, QR codes, the tracker grid. Each kind's fit search calls
it at several scales, so the work that does not depend on the scale (figures, QR codes) and
the paragraphs a batch repeats are kept in the build's cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from pdfgen import document as d
from pdfgen import fonts, rl_private
from pdfgen.cache import Cache
from pdfgen.flowables import NotDue, TickBoxes, qr_drawing
from pdfgen.layout import MM, Layout
from pdfgen.rl_private import Table
from pdfgen.styles import Box
from pdfgen.tagging import Struct

QR_MM = 28  # QR code incl. its quiet zone; the code itself prints about 23 mm, over the 20 mm a phone needs
MIN_COLUMN_CHARS = 20  # never a list column narrower than this many characters
MIN_CHARS = 45  # a list goes into columns only where each column still holds about this many characters a line
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
HEADING_STYLE = {1: "title", 2: "h2", 3: "h3"}


def type_size(size: float, scale: float, min_size: float) -> float:
    """A style's size at `scale`: shrinking stops at the layout's minimum (text designed
    smaller than the minimum keeps its designed size), growing is free."""
    if scale >= 1.0:
        return size * scale
    return max(size * scale, min(size, min_size))


def paragraph_styles(layout: Layout, scale: float) -> dict[str, ParagraphStyle]:
    """The layout's styles at one scale."""
    faces = fonts.register()
    out: dict[str, ParagraphStyle] = {}
    for name, s in layout.styles.items():
        size = type_size(s.size, scale, layout.min_text)
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
    for role in list(out):  # list items: a hanging indent, the bullet in the accent colour
        base = out[role]
        for numbered in (False, True):
            name = f"{role}-{'numbered' if numbered else 'bullet'}"
            out[name] = ParagraphStyle(
                name,
                parent=base,
                leftIndent=base.leftIndent + base.fontSize * (1.5 if numbered else 1.1),
                bulletIndent=base.leftIndent,
                bulletColor=colors.HexColor(layout.accent),
            )
    out["day"] = ParagraphStyle("day", parent=out["small"], alignment=TA_CENTER)
    return out


@dataclass
class Tags:
    """What a flowable stands for, for fit errors and repeated headings (kept beside it, by id)."""

    labels: dict[int, str]
    sections: dict[
        int, tuple[int, list[Flowable], bool]
    ]  # id of an item's flowable -> (section, its continued heading, first item?)


class Flow:
    """Makes the flowables of a tree at one scale, leaving out the optional blocks in `skip`."""

    def __init__(
        self, layout: Layout, scale: float, cache: Cache, skip: frozenset[str] = frozenset(), keep: str | None = None
    ) -> None:
        self.layout = layout
        self.keep = keep or layout.keep
        self.scale = scale
        self.cache = cache
        self.skip = skip
        self.st = cache.get("style", (layout.fingerprint, scale), lambda: paragraph_styles(layout, scale))
        self.tags = Tags({}, {})
        self.struct = Struct()  # the tagged PDF's structure, built in reading order with the flowables
        self._sections = 0
        self._given: set[int] = set()  # ids of cached flowables already in this story

    def _once(self, region: str, key: Any, make: Any) -> Any:
        """A cached flowable, or a fresh one if this story already holds the cached one: a
        flowable stands in one place of a story (Platypus keeps state on it, tags key on its id)."""
        f = self.cache.get(region, key, make)
        if f is not None and id(f) in self._given:
            f = make()
        if f is not None:
            self._given.add(id(f))
        return f

    # ------------------------------------------------------------ small pieces

    def para(self, markup: str, style: str, bullet: str | None = None) -> Flowable:
        """A paragraph; the same markup in the same style is parsed and line-broken once per process."""
        key = (self.layout.fingerprint, self.scale, style, markup, bullet)
        return rl_private.reusable(self._once("para", key, lambda: rl_private.Para(markup, self.st[style], bulletText=bullet)))

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

    def bullets(self, items: tuple[str, ...], role: str, numbered: bool) -> list[Flowable]:
        style = f"{role}-{'numbered' if numbered else 'bullet'}"
        return [self.struct.mark_item(self.para(line, style, f"{i}." if numbered else "•")) for i, line in enumerate(items, 1)]

    def tagged_figure(self, fig: d.Figure) -> Flowable | None:
        """The figure (None where it is skipped), as a Figure element with its alt text."""
        if fig.optional and "figure" in self.skip:
            return None
        return self.struct.mark(self.figure(fig), "Figure", alt=d.plain(fig.alt))

    def figure(self, fig: d.Figure) -> Flowable | None:
        """The drawing at the layout's figure size; worked out once per process (it does not scale with text)."""
        width, height, _ = self.layout.figure
        accent = self.layout.accent
        key = (repr(fig.illustration), fig.icon, width, height, accent)

        def make() -> Flowable | None:
            from pdfgen.figures.draw import figure_flowable
            from pdfgen.figures.icons import draw_icon

            if fig.illustration is not None:
                return rl_private.Replay(figure_flowable(fig.illustration, width * MM, height * MM, accent))
            if fig.icon:
                return rl_private.Replay(draw_icon(fig.icon, min(width, height) * MM * 0.7, accent))
            return None

        return self._once("figure", key, make)

    def qr(self, url: str) -> Flowable:
        size = QR_MM * MM
        return self._once("figure", ("qr", url, size), lambda: rl_private.Replay(qr_drawing(url, size)))

    def tagged_qr(self, url: str) -> Flowable:
        return self.struct.mark(self.qr(url), "Figure", alt=f"QR code of the web address {url}")

    # ------------------------------------------------------------ blocks

    def blocks(self, blocks: tuple[d.Block, ...] | list[d.Block], width: float) -> list[Flowable]:
        return [f for b in blocks for f in self.block(b, width)]

    def block(self, b: d.Block, width: float) -> list[Flowable]:
        if isinstance(b, d.Heading):
            return [self.struct.mark(self.para(b.text, HEADING_STYLE[b.level]), f"H{b.level}")]
        if isinstance(b, d.Para):
            return [self.struct.mark(self.para(b.text, b.role), "P")]
        if isinstance(b, d.ListBlock):
            with self.struct.under("L", attrs={"O": "List", "ListNumbering": "Decimal" if b.numbered else "Disc"}):
                return self.list_block(b, width)
        if isinstance(b, d.Figure):
            fig = self.tagged_figure(b)
            return [fig] if fig is not None else []
        if isinstance(b, d.Link):
            return [self.link(b, width)]
        if isinstance(b, d.Box):
            with self.struct.under("Aside"):
                return [self.box(b, width)]
        if isinstance(b, d.Item):
            f = self.item(b, width)
            return f.parts if isinstance(f, _Run) else [f]
        if isinstance(b, d.ClubBand):
            with self.struct.under("Sect"):
                return self.club(b, width)
        if isinstance(b, d.Tracker):
            return [] if (b.optional and "tracker" in self.skip) else self.tracker(b)
        if isinstance(b, d.Section):
            with self.struct.under("Sect"):
                return self.section(b, width)
        if isinstance(b, d.Columns):
            with self.struct.under("Div"):
                return self.columns(b, width)
        if isinstance(b, d.Group):
            with self.struct.under("Div"):
                return self.blocks(b.children, width)
        raise TypeError(f"no flowable for {type(b).__name__}")

    def list_block(self, b: d.ListBlock, width: float) -> list[Flowable]:
        per_column = self.chars(width / b.columns, b.role)
        lengths = [len(d.plain(i)) + 3 for i in b.items]
        short = sum(lengths) <= 1.5 * per_column * len(lengths)  # short items: a line or two each in a column
        if b.columns > 1 and per_column >= MIN_COLUMN_CHARS and (per_column >= MIN_CHARS or short) and len(b.items) > 2:
            half = (len(b.items) + 1) // 2
            left = self.bullets(b.items[:half], b.role, b.numbered)
            right = self.bullets(b.items[half:], b.role, b.numbered)
            return [self.row([left, right], ["50%", "50%"], gap=4, top=1, bottom=1)]
        return self.bullets(b.items, b.role, b.numbered)

    def chars(self, width: float, role: str) -> float:
        """About how many characters of `role` text a line of `width` holds."""
        return width / (0.5 * self.st[role].fontSize)

    def columns(self, b: d.Columns, width: float) -> list[Flowable]:
        """Groups side by side where each column still holds a readable line, else one under another."""
        n = len(b.groups)
        if n > 1 and self.chars(width / n, "box_body") >= MIN_CHARS:
            cells = [self.blocks(g.children, width / n - 4) for g in b.groups]
            return [self.row(cells, [f"{100 / n:g}%"] * n, gap=4, top=1, bottom=2)]
        return [f for g in b.groups for f in self.blocks(g.children, width)]

    def item_parts(self, b: d.Item, width: float) -> list[Flowable]:
        """Name, then the figure above (cards, large print) or beside the rest of the item."""
        children = b.children
        if b.run_in:  # name and dose on one line: '<b>Wall sit</b>  Hold 10–30 s · 5 times'
            dose = self.st["dose"]
            font = f'name="{dose.fontName}" size="{dose.fontSize:.2f}" color="{self.layout.accent}"'
            markup = f"{b.heading.text}  <font {font}>{children[0].text}</font>"
            head = self.struct.mark(self.para(markup, "h3"), f"H{b.heading.level}")
            children = children[1:]
        else:
            head = self.struct.mark(self.para(b.heading.text, "h3"), f"H{b.heading.level}")
        fig = self.tagged_figure(b.figure) if b.figure is not None else None
        fig_w, _, position = self.layout.figure
        if fig is None:
            return [head, *self.blocks(children, width)]
        if position == "top":
            return [head, fig, Spacer(1, 2 * self.scale), *self.blocks(children, width)]
        text_w = width - (fig_w + 2.5) * MM
        links = [c for c in children if isinstance(c, d.Link)]  # at full width, so the address never wraps beside a figure
        beside = self.blocks([c for c in children if not isinstance(c, d.Link)], text_w)
        return [head, self.row([fig, beside], [(fig_w + 2.5) * MM, None], top=1), *self.blocks(links, width)]

    def item(self, b: d.Item, width: float, heading: list[Flowable] | None = None, section: tuple | None = None) -> Flowable:
        """One item kept in one piece (or, where the layout says `keep: start`, its start kept
        together and its steps free to run on), so a section heading rides with its first item."""
        with self.struct.under("Div"):
            content = [*(heading or []), *self.item_parts(b, width)]
        head = len(heading or []) + (2 if b.run_in else 3)  # section heading, name (and dose), first part
        if self.keep == "start" and len(content) > head:
            block: Flowable = KeepTogether(content[:head])
            rest = content[head:]
        else:
            block, rest = KeepTogether(content), []
        for f in [block, *content]:
            self.tags.labels[id(f)] = b.label  # the same label once Platypus unpacks the block
            if section is not None:
                self.tags.sections[id(f)] = section
        return block if not rest else _Run([block, *rest])

    def section(self, b: d.Section, width: float) -> list[Flowable]:
        head = self.blocks(b.heading, width)
        if not any(isinstance(c, d.Item) for c in b.children):
            return head + self.blocks(b.children, width)
        self._sections += 1
        continued = [self.para(b.continued, "h2")] if b.continued else []
        out: list[Flowable] = []
        for i, c in enumerate(b.children):
            if isinstance(c, d.Item):
                f = self.item(c, width, head if i == 0 else None, (self._sections, continued, i == 0))
                out += f.parts if isinstance(f, _Run) else [f]
            else:
                out += self.block(c, width)
        return out

    def box(self, b: d.Box, width: float) -> Table:
        """A framed box, a row per line of content, so a long box can run on to the next page
        (framed again there) instead of leaving a page half empty."""
        box: Box = self.layout.boxes[b.role]
        pad = box.padding * MM * max(self.scale, 0.7)
        inner = width - 2 * pad - box.stripe * MM
        title = self.struct.mark(self.para(b.title, "box_title"), "H2")
        lines = self.blocks(b.children, inner)
        # the title repeats where the box runs on (drawn again as furniture); its first two lines never stay behind alone
        rows: list[list[Flowable]] = [[title], lines[:2], *([f] for f in lines[2:])]
        rows = [r for r in rows if r]
        last = len(rows) - 1
        cmds: list[tuple] = [
            *self.table_font(),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + box.stripe * MM),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (0, 0), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, last), (0, last), pad),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for i in range(1, last + 1):  # the spacing the lines would have had in one cell
            cmds.append(("TOPPADDING", (0, i), (0, i), rows[i - 1][-1].getSpaceAfter() + rows[i][0].getSpaceBefore()))
        if box.background:
            cmds.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(box.background)))
        if box.border:
            cmds.append(("BOX", (0, 0), (-1, -1), box.border_width, colors.HexColor(box.border)))
        if box.stripe:
            cmds.append(("LINEBEFORE", (0, 0), (0, -1), box.stripe * MM, colors.HexColor(box.border or self.layout.accent)))
        table = Table([[r] for r in rows], colWidths=["100%"], style=TableStyle(cmds), repeatRows=1)
        table.spaceBefore = 2 * self.scale
        table.spaceAfter = 4 * self.scale
        return table

    def link(self, b: d.Link, width: float) -> Table:
        """A QR code big enough to scan from paper, with the address printed for those who type."""
        size = QR_MM * MM
        qr = self.tagged_qr(b.url)
        text = [
            self.struct.mark(self.para(b.heading, "box_title"), "P"),
            self.struct.mark(self.para(d.esc(b.url), "small"), "Link", url=b.url),
        ]
        band = self.row([qr, text], [size + 3 * MM, None], valign="MIDDLE")
        band.spaceAfter = 4 * self.scale
        return band

    def aside(self, main: list[d.Block], link: d.Link, width: float) -> Table:
        """Blocks with a link's QR code beside them on the right and its address under them in
        full (never broken in a narrow column): a page header carries the link without a band."""
        size = QR_MM * MM
        text_w = width - size - 4 * MM
        text = self.blocks(main, text_w)
        address = self.struct.mark(self.para(f"<b>{link.heading}</b>  {d.esc(link.url)}", "small"), "Link", url=link.url)
        table = self.row([[*text, address], self.tagged_qr(link.url)], [None, size], valign="BOTTOM", gap=4 * MM)
        table.setStyle(TableStyle([("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))
        return table

    def club(self, b: d.ClubBand, width: float) -> list[Flowable]:
        """Club band: logo, name, web address, and the address as a QR code with its caption."""
        if not b.qr:  # a compact line where the page has no room for a band
            line = f"<b>{b.name}</b>" + (f"  ·  {d.esc(b.url)}" if b.url else "")
            return [self.struct.mark(self.para(line, "body"), "P")]
        cells: list[Any] = []
        widths: list[Any] = []
        if b.logo:
            from pdfgen import images

            cells.append(self.struct.mark(images.logo(b.logo, QR_MM * MM), "Figure", alt=f"{b.name}: logo"))
            widths.append((QR_MM + 4) * MM)
        about = [self.struct.mark(self.para(b.name, "h2"), "P")]
        if b.url:
            about.append(self.struct.mark(self.para(d.esc(b.url), "small"), "Link", url=b.url))
        cells.append(about)
        widths.append(None)
        if b.url:
            qr = self.tagged_qr(b.url)
            cells.append([qr, self.struct.mark(self.para(b.caption, "day"), "P")] if b.caption else [qr])
            widths.append((QR_MM + 2) * MM)
        band = self.row(cells, widths, valign="MIDDLE", gap=2 * MM)
        band.spaceAfter = 4 * self.scale
        return [band]

    def tracker(self, b: d.Tracker) -> list[Flowable]:
        """Two weeks on paper: a box a day for each exercise (L and R where it is done per side),
        a pain score 0–10 a day, and a line for notes."""
        label_w = 46 * MM
        body = self.st["small"]
        cell_h = max(5.2 * MM, body.leading + 2)
        st = self.struct
        col, row = {"O": "Table", "Scope": "Column"}, {"O": "Table", "Scope": "Row"}
        with st.under("Table"):
            caption = st.mark(self.para(b.heading, "box_title"), "Caption")
            with st.under("TR"):
                head = [st.mark(self.para(b.day_label, "small"), "TH", attrs=col)]
                head += [st.mark(self.para(str(n), "day"), "TH", attrs=col) for n in range(1, b.days + 1)]
            rows: list[list[Any]] = [head]
            for r in b.rows:
                with st.under("TR"):
                    label = st.mark(self.para(r.label, "small"), "TH", attrs=row)
                    for _ in range(b.days):
                        st.add("TD")
                boxes = [TickBoxes(2 if r.per_side else 1, cell_h) if due else NotDue(cell_h) for due in r.due[: b.days]]
                rows.append([label, *boxes])
            with st.under("TR"):
                pain = st.mark(self.para(b.pain_label, "small"), "TH", attrs=row)
                for _ in range(b.days):
                    st.add("TD")
            rows.append([pain] + [Spacer(1, cell_h - TickBoxes.PADDING)] * b.days)
            with st.under("TR"):
                notes_label = st.mark(self.para(b.notes_label, "small"), "TH", attrs=row)
                st.add("TD", attrs={"O": "Table", "ColSpan": b.days})
        grid = Table(rows, colWidths=[label_w] + [None] * b.days)  # rows grow with their labels: nothing overprints
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
        notes = Table([[notes_label, ""]], colWidths=[label_w, None], rowHeights=[cell_h])
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
        return [caption, grid, notes]


class _Run:
    """An item whose start is kept together and whose remaining parts flow on (keep: start)."""

    def __init__(self, parts: list[Flowable]) -> None:
        self.parts = parts
