"""Document tree -> one self-contained HTML5 page: the same routine for screens, phones and screen readers.

Walks the tree compose made for the PDF (nothing is composed twice) and writes semantic HTML:
landmarks, real headings whose levels never skip, ordered lists for steps, named sections for
the boxes, the tracker as a table, links as links. Figures and QR codes are inline SVG drawn by
the same ReportLab drawing code as the PDF, so the page needs no file, font or script beside it.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from pdfgen import __version__
from pdfgen import document as d
from pdfgen.layout import MM, Layout

QR_MM = 28  # the QR drawing's size, as on paper; CSS scales it on screen
MIN_PRINT_MARGIN_MM = 10  # a browser's print margins: never closer to the edge than this
PAGE_SIZE = {"a4": "A4", "letter": "letter"}
WIDE = "48em"  # from this width the columns area goes side by side
INLINE_TAG = re.compile(r"<(/?)([a-zA-Z]+)\s*(/?)>|<[^>]*>")
BOLD_ONLY = re.compile(r"\s*<b>(.*)</b>\s*", re.S)
ROLES = (  # CSS selector, the layout's text style
    ("h1", "title"),
    ("h2", "h2"),
    ("h3", "h3"),
    (".subtitle", "subtitle"),
    (".dose", "dose"),
    (".caution", "caution"),
    (".small", "small"),
    (".box-title", "box_title"),
    (".box-body", "box_body"),
    ("footer", "footer"),
)
RANGE = re.compile(r"\d+(?:[.,]\d+)?–\d+")  # 45–60, 0–10: a line never breaks after the dash


# ---------------------------------------------------------------- colour


def luminance(color: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable(color: str, backgrounds: tuple[str, ...] = ("#ffffff",), ratio: float = 4.5) -> str:
    """`color` where it reaches `ratio` on every background (WCAG AA for text), else the same hue
    darkened step by step until it does: a pale accent never becomes pale text."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(21):
        k = 1 - step / 20
        candidate = f"#{round(r * k):02x}{round(g * k):02x}{round(b * k):02x}"
        if all(contrast(candidate, bg) >= ratio for bg in backgrounds):
            return candidate
    return "#000000"


# ---------------------------------------------------------------- text


def inline(markup: str) -> str:
    """Tree markup as HTML: the text is escaped already; <b>, <i> and <br/> pass, any other tag
    (ReportLab-only markup a layout author might write) is dropped and its text kept. A number
    range stays on one line: "2–" at a line's end, "3 days" on the next, reads as two numbers."""

    def keep(m: re.Match[str]) -> str:
        closing, name, _ = m.group(1), (m.group(2) or "").lower(), m.group(3)
        if name in ("b", "i"):
            return f"<{closing}{name}>"
        if name == "br" and not closing:
            return "<br>"
        return ""

    return RANGE.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', INLINE_TAG.sub(keep, markup))


def attr(text: str) -> str:
    """Plain text as an attribute value."""
    return escape(text, quote=True)


def footer_text(footer: str) -> str:
    """The page footer without its page number, which a web page does not have."""
    if d.PAGE_MARK not in footer:
        return footer
    parts = [p for p in footer.split("·") if d.PAGE_MARK not in p]
    return "·".join(parts).strip().strip("·").strip()


# ---------------------------------------------------------------- the page


class _Page:
    """One document's HTML. Ids come from counters kept here, so they are unique in the page and
    the same on every build."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.counts: dict[str, int] = {}
        self.card = ""  # the id of the card back's heading while its blocks are written, else ""
        self.accent = readable(layout.accent)

    def new_id(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}-{self.counts[prefix]}"

    # ------------------------------------------------------------ drawings

    def svg(self, drawing: object, label: str, css: str) -> str:
        """A ReportLab Drawing as inline SVG, named for assistive technology by `label`. The SVG
        renderer's fixed ids (clip, group) are made unique, so several drawings share a page."""
        from reportlab.graphics import renderSVG

        text = renderSVG.drawToString(drawing)
        text = text[text.index("<svg") :].strip()
        uid = self.new_id("svg")
        text = re.sub(r'id="(\w+)"', lambda m: f'id="{uid}-{m.group(1)}"', text)
        text = re.sub(r"url\(#(\w+)\)", lambda m: f"url(#{uid}-{m.group(1)})", text)
        text = re.sub(r"<title>.*?</title>", f"<title>{escape(label)}</title>", text, count=1, flags=re.S)
        text = re.sub(r"\s*<desc>.*?</desc>", "", text, count=1, flags=re.S)
        text = re.sub(r'\s(?:version|xmlns:xlink)="[^"]*"', "", text)
        text = re.sub(r"\n\s*", "\n", text)  # tab indentation is bytes for nothing
        return text.replace("<svg ", f'<svg role="img" aria-label="{attr(label)}" class="{css}" ', 1)

    def figure(self, fig: d.Figure) -> str:
        """The drawing the PDF prints, from the same code, at the layout's figure size."""
        from pdfgen.figures.draw import figure_flowable
        from pdfgen.figures.icons import draw_icon

        width, height, position = self.layout.figure
        accent = self.layout.accent
        if fig.illustration is not None:
            drawing = figure_flowable(fig.illustration, width * MM, height * MM, accent)
        elif fig.icon:
            drawing = draw_icon(fig.icon, min(width, height) * MM * 0.7, accent)
        else:
            return ""
        kind = "icon" if fig.illustration is None else "pose"
        return f'<div class="figure figure-{kind} figure-{position}">{self.svg(drawing, fig.alt, "drawing")}</div>'

    def qr(self, url: str) -> str:
        from pdfgen.flowables import qr_drawing

        return self.svg(qr_drawing(url, QR_MM * MM), f"QR code for {url}", "qr")

    # ------------------------------------------------------------ blocks

    def blocks(self, blocks: tuple[d.Block, ...] | list[d.Block], level: int) -> list[str]:
        """`level` is the level of the heading these blocks sit under (0: none yet)."""
        return [html for b in blocks for html in self.block(b, level)]

    def heading(self, text: str, level: int, css: str = "") -> tuple[str, str]:
        """A heading and its id, at `level` (h1–h6)."""
        hid = self.new_id("h")
        cls = f' class="{css}"' if css else ""
        n = max(1, min(level, 6))
        return f'<h{n} id="{hid}"{cls}>{inline(text)}</h{n}>', hid

    def block(self, b: d.Block, level: int) -> list[str]:
        if isinstance(b, d.Heading):
            return [self.heading(b.text, min(b.level, level + 1))[0]]
        if isinstance(b, d.Para):
            return [f'<p class="{b.role.replace("_", "-")}">{inline(b.text)}</p>']
        if isinstance(b, d.ListBlock):
            return [self.list_block(b)]
        if isinstance(b, d.Figure):
            return [self.figure(b)]
        if isinstance(b, d.Link):
            return [self.link(b)]
        if isinstance(b, d.Box):
            return self.box(b, level)
        if isinstance(b, d.Item):
            return self.item(b, level)
        if isinstance(b, d.ClubBand):
            return [self.club(b)]
        if isinstance(b, d.Tracker):
            return [self.tracker(b)]
        if isinstance(b, d.Section):
            return self.section(b, level)
        if isinstance(b, d.Columns):
            return ['<div class="groups">', *(h for g in b.groups for h in self.group(g, level)), "</div>"]
        if isinstance(b, d.Group):
            return self.group(b, level)
        raise TypeError(f"no HTML for {type(b).__name__}")

    def list_block(self, b: d.ListBlock) -> str:
        tag = "ol" if b.numbered else "ul"
        css = b.role.replace("_", "-") + (" cols" if b.columns > 1 else "")
        items = "".join(f"<li>{inline(i)}</li>" for i in b.items)
        return f'<{tag} class="{css}">{items}</{tag}>'

    def section(self, b: d.Section, level: int) -> list[str]:
        """A run of items under a heading; the heading's level is the level of what follows."""
        out: list[str] = []
        inner = level
        hid = ""
        for h in b.heading:
            if isinstance(h, d.Heading) and not hid:
                inner = min(h.level, level + 1)
                tag, hid = self.heading(h.text, inner)
                out.append(tag)
            else:
                out += self.block(h, inner)
        labelled = f' aria-labelledby="{hid}"' if hid else ""
        return [f'<section class="section"{labelled}>', *out, *self.blocks(b.children, inner), "</section>"]

    def item(self, b: d.Item, level: int) -> list[str]:
        """An exercise or method: its name, then the figure beside its dose and steps; links and
        boxes (the ice note) follow inside the same section, right under the instruction."""
        inner = min(b.heading.level, level + 1)
        head, hid = self.heading(b.heading.text, inner)
        children = list(b.children)
        split = next((i for i, c in enumerate(children) if isinstance(c, d.Link | d.Box)), len(children))
        text, after = children[:split], children[split:]
        body = self.blocks(text, inner)
        out = [f'<section class="item item-{b.kind}" id="{b.kind}-{attr(b.id)}" aria-labelledby="{hid}">', head]
        if b.figure is not None:
            position = self.layout.figure[2]
            out += [f'<div class="item-body with-figure-{position}">', self.figure(b.figure), '<div class="item-text">']
            out += [*body, "</div>", "</div>"]
        else:
            out += body
        return [*out, *self.blocks(after, inner), "</section>"]

    def box(self, b: d.Box, level: int) -> list[str]:
        """A named section (the ice note, the red flags, the pain rule, notes), its title a heading."""
        head, hid = self.heading(b.title, level + 1, "box-title")
        role = b.role.replace("_", "-")
        names = f"{hid} {self.card}".strip()  # on a card back, "When to stop and get help, Back of Wall sit"
        return [
            f'<section class="box box-{role}" aria-labelledby="{names}">',
            head,
            *self.blocks(b.children, level + 1),
            "</section>",
        ]

    def group(self, b: d.Group, level: int) -> list[str]:
        """A heading line and its list (red flags by urgency): the line becomes a heading above the list."""
        children = list(b.children)
        out = ['<div class="group">']
        first = children[0] if children else None
        if isinstance(first, d.Para) and any(isinstance(c, d.ListBlock) for c in children[1:]):
            m = BOLD_ONLY.fullmatch(first.text)
            out.append(self.heading(m.group(1) if m else first.text, level + 1, "group-title")[0])
            children = children[1:]
            level += 1
        return [*out, *self.blocks(children, level), "</div>"]

    def link(self, b: d.Link) -> str:
        """A link people can follow, with the QR code the paper prints."""
        return (
            f'<div class="link">{self.qr(b.url)}<div class="link-text"><p class="box-title">{inline(b.heading)}</p>'
            f'<p><a href="{attr(b.url)}">{escape(b.url)}</a></p></div></div>'
        )

    def club(self, b: d.ClubBand) -> str:
        """The club's logo (embedded), name and web address."""
        parts = ['<div class="club">']
        if b.logo:
            parts.append(logo_img(Path(b.logo)))
        about = f'<p class="club-name">{escape(b.name)}</p>'
        if b.url:
            about += f'<p class="small"><a href="{attr(b.url)}">{escape(b.url)}</a></p>'
        parts.append(f'<div class="club-text">{about}</div>')
        if b.url and b.qr:
            parts.append(self.qr(b.url))
        return "".join(parts) + "</div>"

    def tracker(self, b: d.Tracker) -> str:
        """Two weeks as a table: a day per column, an exercise per row, boxes on the days it is due
        and a dash (read out as "rest day") on the others, a row for the pain score and for notes."""
        cid = self.new_id("tracker")
        day = inline(b.day_label)
        head = f'<th scope="col">{day}</th>' + "".join(
            f'<th scope="col"><span class="vh">{day} </span>{n}</th>' for n in range(1, b.days + 1)
        )
        rows = []
        for r in b.rows:
            tick = '<span class="tick" aria-hidden="true"></span>' * (2 if r.per_side else 1)
            said = "exercise day, left and right" if r.per_side else "exercise day"
            done = f'<td class="due">{tick}<span class="vh">{said}</span></td>'
            rest = '<td class="rest"><span aria-hidden="true">–</span><span class="vh">rest day</span></td>'
            cells = "".join(done if due else rest for due in r.due[: b.days])
            rows.append(f'<tr><th scope="row">{inline(r.label)}</th>{cells}</tr>')
        rows.append(f'<tr class="pain"><th scope="row">{inline(b.pain_label)}</th>' + "<td></td>" * b.days + "</tr>")
        rows.append(f'<tr class="notes"><th scope="row">{inline(b.notes_label)}</th><td colspan="{b.days}"></td></tr>')
        return (
            f'<div class="tracker" role="region" aria-labelledby="{cid}" tabindex="0"><table>'
            f'<caption id="{cid}">{inline(b.heading)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    # ------------------------------------------------------------ areas

    def page_areas(self, doc: d.Document) -> tuple[list[str], list[str]]:
        """A page layout: the top area is the header (with the one h1); columns then bottom are the main content."""
        top = doc.area("top").children
        header = self.blocks(top, 0)
        if not any(isinstance(b, d.Heading) and b.level == 1 for b in top):
            header.insert(0, self.heading(d.esc(doc.title), 1)[0])
        main = ['<div class="columns">', *self.blocks(doc.area("columns").children, 1), "</div>"]
        bottom = doc.area("bottom").children
        if bottom:
            main += ['<div class="bottom">', *self.blocks(bottom, 1), "</div>"]
        return header, main

    def card_areas(self, doc: d.Document) -> tuple[list[str], list[str]]:
        """Cards: a section per card side in reading order, a front then its back; a back, which
        has no name of its own, gets a heading only screen readers show."""
        header = [self.heading(d.esc(doc.title), 1)[0]]
        main = ['<div class="cards">']
        for area in card_order(doc.areas):
            side = area.name
            if side == "back":
                label = area.label[:1].upper() + area.label[1:]
                head, hid = self.heading(d.esc(label), 2, "vh")
                self.card = hid  # every back repeats its boxes: each box's landmark also names its card
                main += [f'<section class="card card-back" aria-labelledby="{hid}">', head, *self.blocks(area.children, 2)]
                self.card = ""
            else:
                main += [f'<section class="card card-{side}">', *self.blocks(area.children, 1)]
            main.append("</section>")
        return header, [*main, "</div>"]


def card_order(areas: tuple[d.Area, ...]) -> list[d.Area]:
    """Each front followed by its own back. The tree holds a sheet's fronts, then that sheet's
    backs (the order they print in); on screen a back belongs beside its front."""
    out: list[d.Area] = []
    fronts: list[d.Area] = []
    for area in areas:
        if area.name == "back" and fronts:
            out += [fronts.pop(0), area]
        elif area.name == "back":
            out.append(area)
        else:
            fronts.append(area)
    return out + fronts


def logo_img(path: Path) -> str:
    """The club logo inside the page as a data URI; decorative (alt=""), as the club's name is beside it."""
    from PIL import Image

    from pdfgen.errors import InputError, Problem

    try:
        with Image.open(path) as im:
            mime = Image.MIME.get(im.format or "", "image/png")
        data = path.read_bytes()
    except Exception as exc:  # Pillow raises many kinds for a bad image
        raise InputError(Problem(str(path), None, "logo", f"cannot be read as a PNG or JPG image ({exc})")) from None
    return f'<img class="logo" alt="" src="data:{mime};base64,{base64.b64encode(data).decode()}">'


def render(doc: d.Document, layout: Layout, paper: str) -> str:
    """The whole page: one HTML5 file with its style sheet inside, no scripts, no outside files."""
    page = _Page(layout)
    header, main = page.card_areas(doc) if layout.kind == "cards" else page.page_areas(doc)
    footer = footer_text(doc.footer)
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{attr(doc.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(doc.title)}</title>",
        f'<meta name="description" content="{attr(doc.subject)}">',
        f'<meta name="author" content="{attr(doc.author)}">',
        f'<meta name="keywords" content="{attr(doc.keywords)}">',
        f'<meta name="generator" content="kneecard {__version__}">',
        f"<style>\n{stylesheet(layout, paper)}</style>",
        "</head>",
        f'<body class="kind-{layout.kind}">',
        "<header>",
        *header,
        "</header>",
        "<main>",
        *main,
        "</main>",
    ]
    if footer:
        lines += ["<footer>", f"<p>{inline(footer)}</p>", "</footer>"]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- style


def stylesheet(layout: Layout, paper: str) -> str:
    """The layout's look for screens and print: its type scale relative to the body, its colours
    made readable (WCAG AA) on white and on every box, its boxes; one column on a phone, the
    layout's columns (at most two) on a wide screen, all of them on paper."""
    boxes = layout.boxes
    backgrounds = ("#ffffff", *(b.background for b in boxes.values() if b.background))
    styles = layout.styles
    body = styles["body"]
    accent = readable(layout.accent, backgrounds)

    def ink(role: str) -> str:
        return readable(styles[role].color, backgrounds)

    def em(role: str) -> str:
        return f"{styles[role].size / body.size:.3g}em"

    def weight(role: str) -> str:
        face = styles[role].font
        return ("font-weight: bold;" if "bold" in face else "font-weight: normal;") + (
            " font-style: italic;" if "italic" in face else ""
        )

    def role(css: str, name: str) -> str:
        return f"{css} {{ font-size: {em(name)}; color: {ink(name)}; {weight(name)} line-height: {styles[name].leading:.3g}; }}"

    top, right, bottom, left = (max(m, MIN_PRINT_MARGIN_MM) for m in layout.margins)
    screen_columns = min(layout.columns, 2)
    measure = "75rem" if layout.columns > 1 or layout.kind == "cards" else "48em"  # one column: lines short enough to read
    rules = [
        "*, *::before, *::after { box-sizing: border-box; }",
        f'html {{ font-family: "Noto Sans", "DejaVu Sans", system-ui, sans-serif; color: {ink("body")}; background: #ffffff;'
        f" font-size: max(100%, {body.size:g}pt); line-height: 1.45; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}",
        f"body {{ margin: 0 auto; max-width: {measure}; padding: 1rem; overflow-wrap: break-word; }}",
        "h1, h2, h3, h4, h5, h6 { margin: 1.2em 0 0.4em; break-after: avoid; }",
        "p, ul, ol { margin: 0 0 0.5em; }",
        "ul, ol { padding-left: 1.4em; }",
        f"li::marker {{ color: {accent}; font-weight: bold; }}",
        f"a {{ color: {accent}; text-decoration: underline; }}",
        "svg, img { max-width: 100%; height: auto; }",
        ".nw { white-space: nowrap; }",
        ".vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;"
        " clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }",
        *(role(css, name) for css, name in ROLES),
        "h1 { margin-top: 0.2em; }",
        ".columns > :first-child > h2:first-child { margin-top: 0; }",
        f"header {{ border-bottom: 2px solid {accent}; margin-bottom: 1rem; padding-bottom: 0.5rem; }}",
        "footer { border-top: 1px solid #bfbfbf; margin-top: 1.5rem; padding-top: 0.5rem; }",
        "footer p { margin: 0; }",
        ".item { margin: 0 0 1rem; break-inside: avoid; }",
        ".item h3, .item h4 { margin-top: 0.6em; }",
        ".item-body { display: flex; gap: 0.75rem; align-items: flex-start; }",
        ".item-body.with-figure-top { flex-direction: column; }",
        ".item-text { flex: 1; min-width: 0; }",
        ".figure { flex: none; }",
        ".figure-left .drawing { width: 9rem; }",
        "@media (max-width: 30em) { .item-body.with-figure-left { flex-direction: column; gap: 0.25rem; } }",
        ".figure-top .drawing { width: 100%; max-width: 24rem; }",
        ".figure-icon .drawing { width: 4rem; }",
        ".box { padding: 0.6rem 0.8rem; margin: 0.5rem 0 1rem; break-inside: avoid; }",
        ".box .box-title { margin: 0 0 0.4em; }",
        ".group-title { font-size: 1em; margin: 0.6em 0 0.3em; }",
        "@media (min-width: 36em) { .groups { display: flex; gap: 1.5rem; } .groups > .group { flex: 1; } }",
        "@media (min-width: 36em) { ul.cols { column-count: 2; column-gap: 1.5rem; } }",
        ".link, .club { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: 0.5rem 0 1rem; }",
        ".link-text, .club-text { min-width: min(10em, 100%); }",  # on a phone the QR code wraps below, not the words
        ".link-text p, .club-text p { margin: 0 0 0.25em; }",
        ".qr { width: 7rem; flex: none; }",
        ".logo { width: 5rem; flex: none; }",
        f".club-name {{ font-weight: bold; font-size: {em('h2')}; color: {ink('h2')}; }}",
        ".tracker { overflow-x: auto; margin: 1rem 0; break-inside: avoid; }",
        f".tracker:focus {{ outline: 2px solid {accent}; outline-offset: 2px; }}",
        ".tracker table { border-collapse: collapse; font-size: 0.9em; width: 100%; }",
        f".tracker caption {{ text-align: left; font-weight: bold; color: {ink('box_title')}; padding-bottom: 0.4em;"
        " caption-side: top; max-width: calc(100vw - 2rem); position: sticky; left: 0; }",
        ".tracker th, .tracker td { border-bottom: 1px solid #9a9a9a; padding: 0.2em 0.25em; text-align: center; }",
        ".tracker td { border-left: 1px solid #9a9a9a; min-width: 1.6em; height: 1.9em; }",
        ".tracker th[scope=row], .tracker thead th:first-child { text-align: left; font-weight: normal; }",
        ".tracker th[scope=row] { min-width: 8em; }",
        ".tracker thead th + th { border-left: 1px solid #9a9a9a; }",
        f".tracker th:nth-child(9), .tracker td:nth-child(9) {{ border-left: 2px solid {accent}; }}",
        ".tracker .notes td { text-align: left; }",
        "@media (max-width: 30em) { .tracker table { font-size: 0.8em; } .tracker th, .tracker td { padding: 0.15em 0.05em; }"
        " .tracker td { min-width: 1.1em; }"
        " .tracker th[scope=row] { min-width: 6em; } }",
        ".tick { display: inline-block; width: 0.85em; height: 0.85em; border: 1px solid #555555; margin: 0 1px;"
        " vertical-align: middle; }",
        ".rest { color: #595959; }",
        ".cards { display: grid; gap: 1rem; }",
        f".card {{ border: 1px solid #8a8a8a; border-top: 4px solid {accent}; padding: 0.8rem 1rem; break-inside: avoid; }}",
        f"@media (min-width: {WIDE}) {{",
        f"  .columns {{ column-count: {screen_columns}; column-gap: {layout.gap:g}mm; }}",
        "  .columns > .section { break-inside: auto; }",
        "  .cards { grid-template-columns: 1fr 1fr; }",
        "}",
    ]
    for name, box in boxes.items():
        css = [f"background: {box.background or '#ffffff'};"]
        if box.border:
            css.append(f"border: {max(box.border_width, 0.75):g}pt solid {box.border};")
        if box.stripe:
            css.append(f"border-left: {box.stripe:g}mm solid {box.border or accent};")
        rules.append(f".box-{name.replace('_', '-')} {{ {' '.join(css)} }}")
    rules += [
        f"@page {{ size: {PAGE_SIZE.get(paper, 'A4')}; margin: {top:g}mm {right:g}mm {bottom:g}mm {left:g}mm; }}",
        "@media print {",
        f"  html {{ font-size: {layout.min_body if layout.kind == 'cards' else body.size:g}pt; }}",
        "  body { max-width: none; padding: 0; }",
        f"  .columns {{ column-count: {layout.columns}; column-gap: {layout.gap:g}mm; }}",
        "  .box, .item, .group, .link, .club, .tracker, .card, tr { break-inside: avoid; }",
        "  .tracker { overflow: visible; }",
        "  .cards { grid-template-columns: 1fr 1fr; }",
        "  a { color: inherit; }",
        *card_print(layout),
        "}",
    ]
    return "\n".join(rules) + "\n"


def card_print(layout: Layout) -> list[str]:
    """Cards on paper: the body at the layout's smallest body size (the print block sets it) and
    no text below its smallest text size, as its PDF shrinks a card to fit; two pairs of a front
    and its back then share a sheet, instead of one pair a sheet."""
    if layout.kind != "cards":
        return []
    body = layout.styles["body"]
    rules = ["  .card { padding: 0.5rem 0.7rem; }", "  .cards { gap: 0.6rem; }"]
    for css, name in ROLES:
        size = layout.styles[name].size / body.size
        rules.append(f"  {css} {{ font-size: max({size:.3g}em, {layout.min_text:g}pt); }}")
    return rules
