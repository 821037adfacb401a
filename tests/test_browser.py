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
from pathlib import Path

import pytest
from browser import WCAG21AA, axe, open_page, report
from click.testing import CliRunner
from pypdf import PdfReader

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


def pdf_words(pdf: bytes) -> tuple[int, Counter]:
    """Page count and every word (pdfium's text, which keeps Chromium's glyphs as text)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in doc)
        return len(doc), Counter(re.findall(r"\w+", text))
    finally:
        doc.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("case", ["one-page-front", "handout-all-club", "large-print-front", "cards-front-backs"])
def test_prints_every_word_on_a_sensible_number_of_pages(browser, pages, case, paper, run, tmp_path):
    """Chromium's print to PDF (print media, the page's own print style sheet): every word a
    person sees on screen is in the PDF as often as on the page (nothing cut or hidden), nothing
    is wider than the paper, and it takes at most twice the sheets the PDF version takes."""
    with open_page(browser, pages[case], 1280, media="print") as tab:
        shown = Counter(re.findall(r"\w+", tab.page.evaluate(SHOWN_TEXT)))
        wider = tab.page.evaluate("document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth")
        count, printed = pdf_words(tab.page.pdf(format=paper))
    missing = shown - printed
    assert not missing, f"words on the page but not printed: {dict(missing)}"
    assert not wider, "the print layout is wider than the paper"
    reference = tmp_path / "ref.pdf"
    assert run("build", *PAGES[case], "--paper", paper.lower(), "-o", reference).exit_code == 0
    pdf_pages = len(PdfReader(reference).pages)
    assert 1 <= count <= 2 * pdf_pages, f"{count} printed pages, the PDF version has {pdf_pages}"


def test_refused_requests_are_listed(browser):
    """The request guard itself: a page that loads a picture from outside is caught."""
    html = '<!DOCTYPE html><html lang="en"><title>t</title><img alt="x" src="https://example.org/a.png"><p>hi</p></html>'
    with open_page(browser, html, 360) as tab:
        assert tab.refused == ["https://example.org/a.png"]


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
