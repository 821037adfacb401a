"""The floor: the same content written straight onto a ReportLab canvas.

No layouts, no validation, no fit loop: read the content YAML, register the same embedded
Noto Sans faces kneecard uses, and draw the text. Whatever kneecard costs above this is the
price of its templates, checks and text fitting.

    python bench/canvas_floor.py [--pages N] [--region front] [-o OUT.pdf]
    python bench/canvas_floor.py --cards N [-o OUT.pdf]
    python bench/canvas_floor.py (--pages N | --cards N) --split -o OUTDIR

`--pages N`: the one-page routine (methods, the region's exercises, ice note, red flags,
disclaimer) in two columns, N pages. `--cards N`: N pocket cards, one method or exercise each
(all 14 items in turn, like `--layout cards --region all`), four to an A4 sheet with crop
marks: tag, name, dose, summary, equipment, numbered steps, cautions, the ice note on the ice
card, and in place of the pose figure a comparable number of stroked lines (~50 a card, as the
figures draw). `--split`: one PDF per page, or per 14-card deck, in OUTDIR, like `kneecard
batch` writes one PDF per row (each with its own font subsets); all in one process.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "pdfgen" / "fonts"
MM = 72 / 25.4
FACES = {"R": "NotoSans-Regular", "B": "NotoSans-Bold", "I": "NotoSans-Italic"}
ACCENT = HexColor("#1f5f73")


def load(name: str) -> dict:
    return yaml.load((ROOT / "data" / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def ice_note(ice: dict) -> list[str]:
    return [
        line.format(minutes=ice["default_minutes"], max_minutes=ice["max_minutes"], between_hours=ice["between_hours"])
        for line in [*ice["note"], ice["limit"]]
    ]


def page_lines(region: str) -> list[tuple[str, str]]:
    """(font, text) lines of one routine: methods, the region's exercises, ice note, red flags."""
    methods = load("methods")["methods"]
    exercises = {x["id"]: x for x in load("exercises")["exercises"]}
    regions = {r["id"]: r for r in load("regions")["regions"]}
    safety = load("safety")
    out: list[tuple[str, str]] = [("B", "Recovery methods")]
    for m in methods:
        out.append(("B", m["name"]))
        out += [("R", "• " + s) for s in m["steps"]]
        if m["id"] == "ice":
            out += [("I", line) for line in ice_note(safety["ice"])]
    out.append(("B", regions[region]["name"]))
    for xid in regions[region]["exercises"]:
        x = exercises[xid]
        out.append(("B", x["name"]))
        out += [("R", f"{i}. {s}") for i, s in enumerate(x["steps"], 1)]
    for level in ("emergency", "urgent"):  # red flags by urgency (services named for gb)
        gb = safety["countries"]["gb"]
        out.append(("B", safety["red_flags"][level]["intro"].format(**{k: gb[k] for k in ("emergency", "urgent", "routine")})))
        out += [("R", "• " + f) for f in safety["red_flags"][level]["items"]]
    out.append(("I", safety["disclaimer"]["text"]))
    return out


def dose(d: dict) -> str:
    def rng(v: object) -> str:
        return "–".join(str(x) for x in v) if isinstance(v, list) else str(v)

    parts = [f"{rng(d['minutes'])} min" if d.get("minutes") else ""]
    parts.append(f"Hold {rng(d['hold_seconds'])} s" if d.get("hold_seconds") else "")
    parts.append(f"{rng(d['sets'])} sets of {rng(d['reps'])}" if d.get("sets") and d.get("reps") else "")
    parts.append(f"{rng(d['times'])} times" if d.get("times") else "")
    parts.append("each side" if d.get("per_side") else "")
    parts.append(str(d.get("how_often") or ""))
    return ", ".join(p for p in parts if p)


def deck() -> list[tuple[str, list[tuple[str, float, str]]]]:
    """(tag, [(font, size, text)]) of every card: the 5 methods, then every region's exercises."""
    safety = load("safety")
    exercises = {x["id"]: x for x in load("exercises")["exercises"]}
    regions = load("regions")["regions"]
    cards = []
    for m in load("methods")["methods"]:
        lines = [("B", 13, m["name"]), ("R", 8.5, dose(m.get("dosage") or {})), ("R", 9.5, m["summary"])]
        lines += [("R", 9.5, f"{i}. {s}") for i, s in enumerate(m["steps"], 1)]
        lines += [("I", 9.5, c) for c in m.get("cautions") or []]
        if m["id"] == "ice":
            lines += [("I", 8.5, line) for line in ice_note(safety["ice"])]
        cards.append(("After your run", lines))
    for r in regions:
        for xid in r["exercises"]:
            x = exercises[xid]
            lines = [("B", 13, x["name"]), ("R", 8.5, dose(x.get("dosage") or {})), ("R", 9.5, x["goal"])]
            if x.get("equipment"):
                lines.append(("R", 8.5, f"You need: {x['equipment']}"))
            lines += [("R", 9.5, f"{i}. {s}") for i, s in enumerate(x["steps"], 1)]
            lines += [("I", 9.5, c) for c in x.get("cautions") or []]
            cards.append((r["name"], lines))
    return cards


def draw_page(c: Canvas, lines: list[tuple[str, str]], name: str, tags: list[tuple[str, str]] | None = None) -> None:
    """One page; with `tags` (a list to fill) each paragraph is marked content (BDC … EMC with
    an MCID) and `tags` gets its element type and words, in reading order."""
    width, height = A4
    margin, gap, size = 15 * MM, 8 * MM, 9
    col_w = (width - 2 * margin - gap) / 2
    title = f"Knee recovery for {name}"
    if tags is not None:
        c.addLiteral(f"/H1 <</MCID {len(tags)}>> BDC")
        tags.append(("H1", title))
    c.setFont(FACES["B"], 16)
    c.drawString(margin, height - margin - 12, title)
    if tags is not None:
        c.addLiteral("EMC")
    x, y = margin, height - margin - 34
    for font, text in lines:
        if tags is not None:
            kind = "H2" if font == "B" else "P"
            c.addLiteral(f"/{kind} <</MCID {len(tags)}>> BDC")
            tags.append((kind, text))
        for part in simpleSplit(text, FACES[font], size, col_w):
            if y < margin:
                x, y = x + col_w + gap, height - margin - 34
            c.setFont(FACES[font], size)
            c.drawString(x, y, part)
            y -= size * 1.3
        if tags is not None:
            c.addLiteral("EMC")
    c.showPage()
    if tags is not None:
        page = c._doc.Pages.pages[-1]
        page.StructParents = 0
        page.__NoDefault__ = [*page.__NoDefault__, "StructParents"]


def write_tags(c: Canvas, tags: list[tuple[str, str]], lang: str = "en") -> None:
    """A tagged PDF's catalog entries, the plain-canvas way: one structure element a paragraph
    (H1/H2/P with its words as ActualText) under a Document element, the parent tree, /MarkInfo
    and /Lang, written with ReportLab's generic PDF objects."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

    doc = c._doc
    page = doc.Reference(doc.Pages.pages[-1])
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = doc.Reference(root)
    top = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName("Document"), "P": root_ref})
    top_ref = doc.Reference(top)
    kids = []
    for mcid, (kind, text) in enumerate(tags):
        elem = {"Type": PDFName("StructElem"), "S": PDFName(kind), "P": top_ref, "Pg": page, "K": mcid}
        elem["ActualText"] = PDFString(text)
        kids.append(doc.Reference(PDFDictionary(elem)))
    top["K"] = PDFArray(kids)
    root["K"] = PDFArray([top_ref])
    root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray([0, PDFArray(kids)])}))
    root["ParentTreeNextKey"] = 1
    catalog = doc.Catalog
    catalog.__NoDefault__ = [*catalog.__NoDefault__, "MarkInfo", "StructTreeRoot", "Lang"]
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    catalog.StructTreeRoot = root_ref
    catalog.Lang = PDFString(lang)


def page_pdf(out: object, lines: list[tuple[str, str]], name: str, tagged: bool) -> None:
    """One one-page PDF, tagged or not."""
    c = Canvas(out, pagesize=A4, invariant=1)
    tags: list[tuple[str, str]] | None = [] if tagged else None
    draw_page(c, lines, name, tags)
    if tags is not None:
        write_tags(c, tags)
    c.save()


CARD_W, CARD_H, CARD_GAP, PAD = 90 * MM, 125 * MM, 8 * MM, 6 * MM


def draw_card(c: Canvas, x0: float, y0: float, tag: str, lines: list[tuple[str, float, str]]) -> None:
    """One card with its bottom-left corner at (x0, y0): crop marks, rule, figure strokes, text."""
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.3)
    corners = ((x0, y0, -1, -1), (x0 + CARD_W, y0, 1, -1), (x0, y0 + CARD_H, -1, 1), (x0 + CARD_W, y0 + CARD_H, 1, 1))
    for cx, cy, dx, dy in corners:
        c.line(cx + dx * 1 * MM, cy, cx + dx * 4 * MM, cy)
        c.line(cx, cy + dy * 1 * MM, cx, cy + dy * 4 * MM)
    left, width = x0 + PAD, CARD_W - 2 * PAD
    y = y0 + CARD_H - PAD
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2)
    c.line(left, y, left + width, y)
    c.setFillColor(ACCENT)
    c.setFont(FACES["B"], 10)
    c.drawString(left, y - 14, tag)
    c.setFillColorRGB(0.11, 0.11, 0.11)
    c.setFont(FACES[lines[0][0]], lines[0][1])
    c.drawString(left, y - 32, lines[0][2])
    # the figure: ~50 stroked paths in a 78 x 34 mm box (limbs drawn twice: white halo, grey line)
    fy = y - 36 - 34 * MM
    c.setFillColorRGB(0.94, 0.94, 0.94)
    c.rect(left, fy, 78 * MM, 34 * MM, stroke=0, fill=1)
    for i in range(24):
        for colour, w in ((1, 9.4), (0.86, 5.6)):
            c.setStrokeColorRGB(colour, colour, colour)
            c.setLineWidth(w)
            p = c.beginPath()
            p.moveTo(left + 10 + 8 * i, fy + 20 + (i * 7) % 50)
            p.lineTo(left + 30 + 7 * i, fy + 60 - (i * 5) % 40)
            p.lineTo(left + 40 + 6 * i, fy + 70 - (i * 3) % 30)
            c.drawPath(p, stroke=1, fill=0)
    c.setFillColorRGB(0.86, 0.86, 0.86)
    c.circle(left + 24, fy + 66, 15, stroke=0, fill=1)
    c.setFillColorRGB(0.11, 0.11, 0.11)
    y = fy - 12
    for font, size, text in lines[1:]:
        for part in simpleSplit(text, FACES[font], size, width):
            c.setFont(FACES[font], size)
            c.drawString(left, y, part)
            y -= size * 1.25
        y -= 2


def draw_cards(c: Canvas, cards: list, count: int, start: int = 0) -> None:
    """`count` cards, four to a sheet (2 x 2, centred), taking the deck's items in turn."""
    width, height = A4
    x_left = (width - 2 * CARD_W - CARD_GAP) / 2
    y_low = (height - 2 * CARD_H - CARD_GAP) / 2
    slots = [(x_left, y_low + CARD_H + CARD_GAP), (x_left + CARD_W + CARD_GAP, y_low + CARD_H + CARD_GAP)]
    slots += [(x_left, y_low), (x_left + CARD_W + CARD_GAP, y_low)]
    for n in range(count):
        tag, lines = cards[(start + n) % len(cards)]
        draw_card(c, *slots[n % 4], tag, lines)
        if n % 4 == 3 or n == count - 1:
            c.showPage()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1)
    ap.add_argument("--cards", type=int, default=0, help="write N pocket cards instead of pages")
    ap.add_argument("--split", action="store_true", help="one PDF per page (or per 14-card deck) in OUTDIR")
    ap.add_argument("--region", default="front")
    ap.add_argument("--name", default="Sam")
    ap.add_argument("-o", "--output", default="floor.pdf")
    ap.add_argument(
        "--warm", type=int, default=0, help="draw the page N times in this process, a new PDF each time; print ms per PDF"
    )
    ap.add_argument("--cpu", action="store_true", help="with --warm: also print CPU ms per PDF (steadier on a busy machine)")
    ap.add_argument(
        "--tagged",
        action="store_true",
        help="one-page: write a tagged PDF (marked content, a structure element a paragraph), as every kneecard PDF is",
    )
    args = ap.parse_args()

    for name in FACES.values():
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))
    out = Path(args.output)
    if args.split:
        out.mkdir(parents=True, exist_ok=True)
    if args.cards:
        cards = deck()
        if not args.split:
            c = Canvas(str(out), pagesize=A4, invariant=1)
            draw_cards(c, cards, args.cards)
            c.save()
            return
        for start in range(0, args.cards, len(cards)):
            c = Canvas(str(out / f"deck-{start // len(cards) + 1}.pdf"), pagesize=A4, invariant=1)
            draw_cards(c, cards, min(len(cards), args.cards - start), start)
            c.save()
        return
    lines = page_lines(args.region)
    if args.warm:  # the floor of a long-running process: fonts registered, content read, a PDF a name
        import io
        import time

        for i in range(5):
            page_pdf(io.BytesIO(), lines, f"Warm {i}", args.tagged)
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(args.warm):
            page_pdf(io.BytesIO(), lines, f"{args.name} {i}", args.tagged)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{wall / args.warm * 1000:.2f}" + (f" {cpu / args.warm * 1000:.2f}" if args.cpu else ""))
        return
    if not args.split and args.pages == 1:
        page_pdf(str(out), lines, args.name, args.tagged)
        return
    if not args.split:
        c = Canvas(str(out), pagesize=A4, invariant=1)
        for page in range(args.pages):
            draw_page(c, lines, f"{args.name} {page + 1}")
        c.save()
        return
    for page in range(args.pages):
        page_pdf(str(out / f"{args.name}-{page + 1}.pdf"), lines, f"{args.name} {page + 1}", args.tagged)


if __name__ == "__main__":
    main()
