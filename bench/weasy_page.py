"""What many users would do instead: a Jinja2 HTML template printed by WeasyPrint (optional install).

pip install weasyprint   # needs Pango from the system
python bench/weasy_page.py [--region front] [-o OUT.pdf]
"""

from __future__ import annotations

import argparse

from canvas_floor import FONTS, page_lines
from jinja2 import Environment

TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
{% for face, file, weight, style in faces %}
@font-face { font-family: Noto; src: url("file://{{ fonts }}/{{ file }}"); font-weight: {{ weight }}; font-style: {{ style }}; }
{% endfor %}
@page { size: A4; margin: 15mm; }
body { font-family: Noto; font-size: 9pt; line-height: 1.3; columns: 2; column-gap: 8mm; }
h1 { column-span: all; font-size: 16pt; margin: 0 0 4mm; }
p { margin: 0; } .B { font-weight: bold; margin-top: 2mm; } .I { font-style: italic; }
</style></head><body>
<h1>Knee recovery for {{ name }}</h1>
{% for font, text in lines %}<p class="{{ font }}">{{ text }}</p>
{% endfor %}</body></html>"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", default="front")
    ap.add_argument("--name", default="Sam")
    ap.add_argument("-o", "--output", default="weasy.pdf")
    args = ap.parse_args()
    from weasyprint import HTML

    faces = [
        ("R", "NotoSans-Regular.ttf", "normal", "normal"),
        ("B", "NotoSans-Bold.ttf", "bold", "normal"),
        ("I", "NotoSans-Italic.ttf", "normal", "italic"),
    ]
    html = (
        Environment(autoescape=True)
        .from_string(TEMPLATE)
        .render(faces=faces, fonts=FONTS, name=args.name, lines=page_lines(args.region))
    )
    HTML(string=html).write_pdf(args.output)


if __name__ == "__main__":
    main()
