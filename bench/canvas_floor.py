"""The floor: the same one-page routine written straight onto a ReportLab canvas.

No layouts, no validation, no fit loop: read the content YAML, register the same embedded
Noto Sans faces kneecard uses, and draw the text in two columns. Whatever kneecard costs
above this is the price of its templates, checks and text fitting.

    python bench/canvas_floor.py [--pages N] [--region front] [-o OUT.pdf]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "pdfgen" / "fonts"
MM = 72 / 25.4


def load(name: str) -> dict:
    return yaml.load((ROOT / "data" / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def page_lines(region: str) -> list[tuple[str, str]]:
    """(font, text) lines of one routine: methods, the region's exercises, ice note, red flags."""
    methods = load("methods")["methods"]
    exercises = {x["id"]: x for x in load("exercises")["exercises"]}
    regions = {r["id"]: r for r in load("regions")["regions"]}
    safety = load("safety")
    ice = safety["ice"]
    out: list[tuple[str, str]] = [("B", "Recovery methods")]
    for m in methods:
        out.append(("B", m["name"]))
        out += [("R", "• " + s) for s in m["steps"]]
        if m["id"] == "ice":
            out += [
                (
                    "I",
                    line.format(
                        minutes=ice["default_minutes"], max_minutes=ice["max_minutes"], between_hours=ice["between_hours"]
                    ),
                )
                for line in ice["note"]
            ]
    out.append(("B", regions[region]["name"]))
    for xid in regions[region]["exercises"]:
        x = exercises[xid]
        out.append(("B", x["name"]))
        out += [("R", f"{i}. {s}") for i, s in enumerate(x["steps"], 1)]
    out.append(("B", safety["red_flags"]["intro"]))
    out += [("R", "• " + f) for f in safety["red_flags"]["items"]]
    out.append(("I", safety["disclaimer"]["text"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1)
    ap.add_argument("--region", default="front")
    ap.add_argument("--name", default="Sam")
    ap.add_argument("-o", "--output", default="floor.pdf")
    args = ap.parse_args()

    faces = {"R": "NotoSans-Regular", "B": "NotoSans-Bold", "I": "NotoSans-Italic"}
    for name in faces.values():
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))
    lines = page_lines(args.region)
    width, height = A4
    margin, gap, size = 15 * MM, 8 * MM, 9
    col_w = (width - 2 * margin - gap) / 2
    c = Canvas(args.output, pagesize=A4, invariant=1)
    for page in range(args.pages):
        c.setFont(faces["B"], 16)
        c.drawString(margin, height - margin - 12, f"Knee recovery for {args.name} {page + 1}")
        x, y = margin, height - margin - 34
        for font, text in lines:
            for part in simpleSplit(text, faces[font], size, col_w):
                if y < margin:
                    x, y = x + col_w + gap, height - margin - 34
                c.setFont(faces[font], size)
                c.drawString(x, y, part)
                y -= size * 1.3
        c.showPage()
    c.save()


if __name__ == "__main__":
    main()
