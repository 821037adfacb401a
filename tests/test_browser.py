"""The HTML version in a real browser (headless Chromium): what axe-core, a phone and a printer make of it.

test_html.py reads the page's markup; this opens it as a person would. Every layout, on more
than one region and with the optional parts (link, club with logo, notes, card backs), is
checked at a desktop and a phone width: axe-core finds no WCAG 2.1 A/AA violation (nor any of
its best-practice rules: unique landmarks, heading order, one main), nothing scrolls sideways
on a 360 px phone, no number range (45–60) is split across lines, the page asks for nothing
outside itself, and printed to PDF (A4 and Letter) it keeps every word on a sensible number
of pages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import WCAG21AA, axe, open_page, report, screenshot
from click.testing import CliRunner
from pypdf import PdfReader

from pdfgen.build import layout
from pdfgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
LOGO = ROOT / "samples" / "club-logo.png"
URL = "https://physio.example.org/knee-videos"
CLUB = ["--club", "Riverside Runners", "--logo", str(LOGO), "--url", "https://riverside.example.org"]
WIDTHS = [1280, 360]
# (id, layout, build options): every layout, two or more regions each, the optional parts somewhere
PAGES = {
    "one-page-front": ["--layout", "one-page", "--region", "front", "--name", "Zoë Ødegård", "--url", URL],
    "one-page-lateral-club-us": ["--layout", "one-page", "--region", "lateral", "--club", "Riverside Runners", "--url", URL]
    + ["--country", "us", "--paper", "letter"],
    "handout-all-club": ["--layout", "handout", *CLUB],
    "handout-front": ["--layout", "handout", "--region", "front", "--name", "Sam"],
    "large-print-front": ["--layout", "large-print", "--region", "front", "--name", "Sam"],
    "large-print-above-notes": ["--layout", "large-print", "--region", "above", "--notes", "Run on flat routes for two weeks."],
    "cards-front-backs": ["--layout", "cards", "--region", "front", "--backs", "--name", "Zoë"],
    "cards-lateral": ["--layout", "cards", "--region", "lateral", "--name", "Sam"],
}


# number ranges (45–60, 2–3) that a line break splits: "2–" at a line's end reads as another number
SPLIT_RANGES = "[...document.querySelectorAll('.nw')].filter(e => e.getClientRects().length > 1).map(e => e.textContent)"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Each case built once with `kneecard build --format html`."""
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name, args in PAGES.items():
        path = folder / f"{name}.html"
        result = CliRunner().invoke(main, ["build", *args, "--format", "html", "-o", str(path)])
        assert result.exit_code == 0, result.stderr
        out[name] = path
    return out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", PAGES)
def test_no_axe_violations_nothing_outside_no_sideways_scroll(browser, pages, case, width):
    with open_page(browser, pages[case], width) as tab:
        violations = axe(tab.page, (*WCAG21AA, "best-practice"))
        assert not violations, f"{case} at {width} px:\n{report(violations)}"
        assert tab.refused == [], tab.refused
        assert tab.scroll_width() <= width, f"{case} scrolls sideways at {width} px: {tab.scroll_width()} px wide"
        assert tab.page.evaluate(SPLIT_RANGES) == [], "a number range breaks across lines"


# the text a person sees: every text node but the visually hidden ones (.vh) and the drawings' SVG titles
SHOWN_TEXT = """() => {
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walk.nextNode()) {
    if (!walk.currentNode.parentElement.closest('.vh, svg')) out.push(walk.currentNode.textContent);
  }
  return out.join(' ');
}"""


PAPER_MM = {"A4": 210, "Letter": 215.9}  # paper widths
PAGE_MARGINS = """() => {
  for (const sheet of document.styleSheets)
    for (const rule of sheet.cssRules)
      if (rule instanceof CSSPageRule) return [rule.style.marginLeft, rule.style.marginRight];
}"""


@dataclass
class Printed:
    """What Chromium's PDF holds, read back with pdfium."""

    pages: int
    words: Counter  # every word of the text layer
    outside: str  # letters drawn past a page's edge
    smallest: float  # the smallest letter, in pt (font size times the text's scale)


def read_printed(pdf: bytes) -> Printed:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(pdf)
    out = Printed(len(doc), Counter(), "", 1000.0)
    matrix = raw.FS_MATRIX()
    try:
        for page in doc:
            width, height = page.get_size()
            text = page.get_textpage()
            out.words += Counter(re.findall(r"\w+", text.get_text_range()))
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                left, bottom, right, top = text.get_charbox(i)
                if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                    out.outside += char
                if char.isalnum():
                    raw.FPDFText_GetMatrix(text.raw, i, ctypes.byref(matrix))
                    scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
                    out.smallest = min(out.smallest, raw.FPDFText_GetFontSize(text.raw, i) * scale)
        return out
    finally:
        doc.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("case", ["one-page-front", "handout-all-club", "large-print-front", "cards-front-backs"])
def test_prints_every_word_at_a_readable_size_on_a_sensible_number_of_pages(browser, case, paper, run, tmp_path):
    """Chromium's print to PDF (print media, the page's own print style sheet): every word a
    person sees on screen is in the PDF as often as on the page (nothing hidden), no letter is
    drawn past the paper's edge (nothing cut), the layout fits the paper's width (so Chromium
    does not shrink it), no text is smaller than the layout allows, and it takes at most twice
    the sheets the PDF version takes (cards: as many, two pairs of front and back a sheet).
    Each is built for the paper it is printed on, as its @page size says (an A4 page printed on
    Letter is shrunk 6 % by the browser to fit the shorter sheet)."""
    built = tmp_path / "page.html"
    assert run("build", *PAGES[case], "--paper", paper.lower(), "-o", built).exit_code == 0
    with open_page(browser, built, 1280, media="print") as tab:
        shown = Counter(re.findall(r"\w+", tab.page.evaluate(SHOWN_TEXT)))
        printed = read_printed(tab.page.pdf(format=paper))
        # Chromium shrinks a page too wide for the paper to fit: lay it out as wide as the paper's text area
        left, right = (float(m.removesuffix("mm")) for m in tab.page.evaluate(PAGE_MARGINS))
        width = round((PAPER_MM[paper] - left - right) * 96 / 25.4)
        tab.page.set_viewport_size({"width": width, "height": 1000})
        wide = tab.scroll_width()
    missing = shown - printed.words
    assert not missing, f"words on the page but not printed: {dict(missing)}"
    assert not printed.outside.strip(), f"drawn past the paper's edge: {printed.outside[:200]!r}"
    assert wide <= width, f"{wide} px wide on paper {width} px wide: the browser would shrink it to fit"
    reference = tmp_path / "ref.pdf"
    assert run("build", *PAGES[case], "--paper", paper.lower(), "-o", reference).exit_code == 0
    pdf_pages = len(PdfReader(reference).pages)
    lay = layout(PAGES[case][1], None)
    most = pdf_pages if lay.kind == "cards" else 2 * pdf_pages
    assert 1 <= printed.pages <= most, f"{printed.pages} printed pages, the PDF version has {pdf_pages}"
    # the PDF's rule: nothing below min_text, but small print designed smaller keeps its size (not on cards)
    floor = lay.min_text if lay.kind == "cards" else min(lay.min_text, *(s.size for s in lay.styles.values()))
    assert printed.smallest >= floor - 0.05, f"text printed at {printed.smallest:.2f} pt, below {floor:g} pt"


def test_refused_requests_are_listed(browser):
    """The request guard itself: a page that loads a picture from outside is caught."""
    html = '<!DOCTYPE html><html lang="en"><title>t</title><img alt="x" src="https://example.org/a.png"><p>hi</p></html>'
    with open_page(browser, html, 360) as tab:
        assert tab.refused == ["https://example.org/a.png"]


def test_a_served_page_may_load_from_its_own_origin_only(browser, tmp_path):
    """The way `kneecard serve`'s tests use the helper: a page over http on loopback."""
    import functools
    import http.server
    import threading

    (tmp_path / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    page = '<!DOCTYPE html><html lang="en"><title>t</title><img alt="" src="dot.svg"><img alt="" src="https://cdn.example.org/b.png">'
    (tmp_path / "index.html").write_text(page)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        with open_page(browser, url, 360, height=200) as tab:
            assert tab.refused == ["https://cdn.example.org/b.png"]
            assert tab.page.evaluate("document.images[0].naturalWidth") == 4  # its own origin: loaded
            png = screenshot(tab.page, tmp_path / "shot.png")
    finally:
        server.shutdown()
        server.server_close()
    from PIL import Image

    with Image.open(png) as im:
        assert im.size[0] == 360


def test_axe_finds_a_violation(browser):
    """axe-core really runs: an image without alt text and a page without lang are reported."""
    html = '<!DOCTYPE html><html><title>t</title><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></html>'
    with open_page(browser, html, 360) as tab:
        found = {v["id"] for v in axe(tab.page)}
    assert {"image-alt", "html-has-lang"} <= found, found


def test_without_chromium_ci_fails_and_a_developer_is_told_why(tmp_path):
    """The fixture's rule: no browser skips with a reason on a developer's machine, fails in CI."""
    (tmp_path / "test_one.py").write_text("def test_page(browser):\n    pass\n")
    env = {**os.environ, "KNEECARD_CHROMIUM": str(tmp_path / "no-chromium")}
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-p", "browser", str(tmp_path / "test_one.py")]
    env["PYTHONPATH"] = str(Path(__file__).parent)
    dev = subprocess.run(args, env={**env, "CI": ""}, capture_output=True, text=True, cwd=tmp_path)
    assert dev.returncode == 0 and "1 skipped" in dev.stdout and "no Chromium at" in dev.stdout, dev.stdout
    ci = subprocess.run(args, env={**env, "CI": "true"}, capture_output=True, text=True, cwd=tmp_path)
    assert ci.returncode == 1 and "browser tests cannot run in CI: no Chromium at" in ci.stdout, ci.stdout
