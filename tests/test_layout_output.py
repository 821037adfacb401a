"""The handout, card and large-print layouts, measured from the PDFs they make."""

from __future__ import annotations

import io
import math

import pdfplumber
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import MM, ROOT, text
from pypdf import PdfReader

from pdfgen.build import library

LIB = library(None)
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
CARDS = yaml.safe_load((ROOT / "layouts" / "cards.yaml").read_text())["cards"]
URL = "https://riverside-runners.example.org/knees"


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# ------------------------------------------------------------------ handout


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_handout_two_pages_all_regions_club_and_qr(build, paper):
    pdf = build("--layout", "handout", "--paper", paper, "--club", "Riverside Runners", "--url", URL)
    assert 1 <= page_count(pdf) <= 2
    body = text(pdf)
    assert "Riverside Runners" in body and URL in body
    for item in [*LIB.methods.values(), *LIB.exercises.values()]:
        assert item.name in body, item.name
    for region in LIB.regions.values():
        assert region.name in body
    assert "Ice safety" in body and LIB.safety.red_flags[0] in body
    assert " For " not in body  # no personal name unless one is given
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pdfium.PdfDocument(pdf)[0].render(scale=3).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [URL]


def test_handout_qr_is_at_least_2_cm(build):
    pdf = build("--layout", "handout", "--club", "Riverside Runners", "--url", URL)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        rects = doc.pages[0].rects
    # the QR modules are filled squares; their extent is the printed code
    xs = [r["x0"] for r in rects if r["width"] < 3 * MM] + [r["x1"] for r in rects if r["width"] < 3 * MM]
    assert max(xs) - min(xs) >= 20 * MM


def test_handout_logo(build, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), "#204080").save(logo)
    pdf = build("--layout", "handout", "--club", "Harriers", "--logo", str(logo))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert doc.pages[0].images, "logo not drawn"


def test_bad_logo_is_input_error(run, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"not an image")
    result = run("build", "--layout", "handout", "--club", "Harriers", "--logo", logo, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert "logo: cannot be read" in result.stderr


# ------------------------------------------------------------------ cards


def card_rects(paper: str) -> list[tuple[float, float, float, float]]:
    """Where the cards must be: the grid from cards.yaml, centred on the sheet (PDF points, y up)."""
    pw, ph = SIZES[paper]
    w, h, gap = CARDS["width"] * MM, CARDS["height"] * MM, CARDS["gap"] * MM
    cols, rows = CARDS["grid"]
    x0 = (pw - (cols * w + (cols - 1) * gap)) / 2
    y_top = (ph + (rows * h + (rows - 1) * gap)) / 2
    return [(x0 + c * (w + gap), y_top - r * (h + gap) - h, w, h) for r in range(rows) for c in range(cols)]


def crop_marks(page) -> list[dict]:
    """Crop marks: short hairlines (0.3 pt), not the strokes of a figure or a rule."""
    return [
        ln
        for ln in page.lines
        if math.hypot(ln["x1"] - ln["x0"], ln["bottom"] - ln["top"]) < 4 * MM and abs(ln.get("linewidth", 0) - 0.3) < 0.01
    ]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_cards_geometry_crop_marks_and_safe_areas(build, paper):
    pdf = build("--layout", "cards", "--region", "all", "--paper", paper, "--backs")
    n_items = len(LIB.methods) + len(LIB.exercises)
    sheets = math.ceil(n_items / 4)
    assert page_count(pdf) == 2 * sheets
    pw, ph = SIZES[paper]
    rects = card_rects(paper)
    safe = 4 * MM
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            assert (page.width, page.height) == pytest.approx(SIZES[paper], abs=0.5)
            # crop marks: every short black line starts 1 mm outside a card corner, on its edge line
            marks = crop_marks(page)
            assert marks
            corners = {(x + dx, y + dy) for x, y, w, h in rects for dx in (0, w) for dy in (0, h)}
            for ln in marks:
                x0, x1 = sorted((ln["x0"], ln["x1"]))
                y0, y1 = sorted((ph - ln["bottom"], ph - ln["top"]))
                assert any(
                    (abs(y0 - cy) < 0.5 * MM and abs(y1 - cy) < 0.5 * MM and (x1 <= cx - 0.9 * MM or x0 >= cx + 0.9 * MM))
                    or (abs(x0 - cx) < 0.5 * MM and abs(x1 - cx) < 0.5 * MM and (y1 <= cy - 0.9 * MM or y0 >= cy + 0.9 * MM))
                    for cx, cy in corners
                ), ln
                assert min(x0, y0) >= 6 * MM and x1 <= pw - 6 * MM and y1 <= ph - 6 * MM
            for word in page.extract_words():
                top, bottom = ph - word["top"], ph - word["bottom"]
                assert any(
                    x + safe <= word["x0"] and word["x1"] <= x + w - safe and y + safe <= bottom and top <= y + h - safe
                    for x, y, w, h in rects
                ), word


def test_card_size_within_half_a_millimetre(build):
    pdf = build("--layout", "cards", "--region", "front")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = crop_marks(doc.pages[0])
    vertical_xs = sorted({round(ln["x0"], 1) for ln in lines if abs(ln["x0"] - ln["x1"]) < 0.01})
    # two card columns: left edge, right edge, left edge, right edge
    assert len(vertical_xs) == 4
    assert vertical_xs[1] - vertical_xs[0] == pytest.approx(CARDS["width"] * MM, abs=0.5 * MM)
    horizontal_ys = sorted({round(ln["top"], 1) for ln in lines if abs(ln["top"] - ln["bottom"]) < 0.01})
    assert horizontal_ys[1] - horizontal_ys[0] == pytest.approx(CARDS["height"] * MM, abs=0.5 * MM)


def test_ice_card_carries_the_full_ice_note_and_backs_are_mirrored(build):
    pdf = build("--layout", "cards", "--region", "front", "--backs")
    reader = PdfReader(io.BytesIO(pdf))
    fronts = [" ".join((p.extract_text() or "").split()) for p in reader.pages[0::2]]
    ice_sheet = next(t for t in fronts if LIB.methods["ice"].name in t)
    for line in LIB.safety.ice.note_lines(LIB.safety.ice.default_minutes):
        assert line in ice_sheet
    # 3 exercises then 5 methods: sheet 1 holds wall sit, step-down, leg press, then the first method
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        back = doc.pages[1]
        words = back.extract_words()
        after = [w for w in words if w["text"] == "After"]
        assert after and all(w["x0"] < back.width / 2 and w["top"] > back.height / 2 for w in after)  # mirrored: left
        front_words = doc.pages[0].extract_words()
        ease = [w for w in front_words if w["text"] == "Ease"]
        assert ease and all(w["x0"] > back.width / 2 for w in ease)  # its front is on the right
    assert LIB.safety.red_flags[0] in " ".join((reader.pages[1].extract_text() or "").split())


def test_a_second_deck_reuses_the_fitted_cards_and_prints_the_same(monkeypatch):
    """A batch prints the same deck many times: the second build draws the cards fitted by the
    first (no search, no composing) and gives the same bytes; other text context fits anew."""
    from pdfgen import impose
    from pdfgen.build import build_one

    impose._FITTED.clear()
    first, _, _ = build_one({"layout": "cards", "region": "all", "backs": True})
    searches = []
    real = impose._Fitter.largest
    monkeypatch.setattr(impose._Fitter, "largest", lambda self, *a: searches.append(a[1]) or real(self, *a))
    again, _, _ = build_one({"layout": "cards", "region": "all", "backs": True})
    assert again == first and searches == []
    eight, _, _ = build_one({"layout": "cards", "region": "all", "backs": True, "ice_minutes": 8})
    # ice minutes are text context: every card is fitted anew (the ice card's front twice: its
    # safety box leaves no room for its icon, so it is tried again without it)
    assert len(searches) == 2 * (len(LIB.methods) + len(LIB.exercises)) + 1
    impose._FITTED.clear()
    assert build_one({"layout": "cards", "region": "all", "backs": True, "ice_minutes": 8})[0] == eight


def test_reused_cards_follow_which_method_is_ice_not_its_name(tmp_path):
    """Two methods may share a name; a deck carries the ice box only when the ice method is in
    (on the ice card's front: the backs now carry the red flags and the disclaimer)."""
    from dataclasses import replace

    from pdfgen import impose
    from pdfgen.build import layout
    from pdfgen.render import render
    from pdfgen.resolve import resolve

    twin = replace(LIB, methods={**LIB.methods, "massage": replace(LIB.methods["massage"], name=LIB.methods["ice"].name)})
    cards = layout("cards", None)

    def backs(methods: str) -> bytes:
        routine = resolve(twin, options={"region": "front", "methods": methods, "backs": True}, default_region="front")
        return render(routine, twin, cards)

    impose._FITTED.clear()
    with_ice, without_ice = backs("ice"), backs("massage")
    impose._FITTED.clear()
    assert backs("massage") == without_ice
    assert backs("ice") == with_ice
    assert text(with_ice).count("Ice safety") > text(without_ice).count("Ice safety")


@pytest.mark.parametrize("side", ["front", "back"])
def test_card_size_search_finds_what_trying_every_size_finds(side):
    """The guessed-then-confirmed search must agree with trying every size in turn."""
    from pdfgen import impose
    from pdfgen.build import layout
    from pdfgen.errors import InputError
    from pdfgen.render import stack_height
    from pdfgen.resolve import resolve

    lay = layout("cards", None)
    routine = resolve(LIB, options={"region": "all", "backs": True}, default_region="all")
    fitter = impose._Fitter(routine, LIB, lay)
    width = (CARDS["width"] - 2 * lay.cards.padding) * MM
    draw = impose._front if side == "front" else impose._back
    for item in [*routine.exercises, *routine.methods][:: 3 if side == "back" else 1]:
        build = lambda c, it=item: draw(c, it)  # noqa: E731
        heights = [stack_height(build(fitter.composer(s)), width) for s in fitter.scales]
        for height_mm in range(40, 160, 2 if side == "front" else 6):
            height = height_mm * MM
            linear = next((s for s, h in zip(fitter.scales, heights, strict=True) if h <= height), None)
            try:
                found = fitter.largest(build, item.name, width, height)[0]
            except InputError:
                found = None
            assert found == linear, (item.name, height_mm)


@pytest.mark.parametrize("power", [0.5, 1, 2, 3, 5])
def test_card_size_search_on_any_monotone_growth(power):
    """Whatever the growth of a card with its scale (the search guesses a square law), the
    answer is the largest scale that fits, or the card's error."""
    from types import SimpleNamespace

    from reportlab.platypus import Spacer

    from pdfgen import impose
    from pdfgen.build import layout
    from pdfgen.errors import InputError
    from pdfgen.resolve import resolve

    fitter = impose._Fitter(resolve(LIB, options={"region": "front"}), LIB, layout("cards", None))
    fitter.composer = lambda s: SimpleNamespace(scale=s, st={"body": SimpleNamespace(leading=10)})  # type: ignore[method-assign]
    build = lambda c: [Spacer(1, 100 * c.scale**power)]  # noqa: E731
    for box in [100 * s**power for s in fitter.scales] + [100 * s**power + 0.5 for s in fitter.scales] + [1, 1000]:
        linear = next((s for s in fitter.scales if 100 * s**power <= box), None)
        try:
            found = fitter.largest(build, "card", 100, box)[0]
        except InputError:
            found = None
        assert found == linear, box


def test_card_too_small_names_the_card(run, tmp_path):
    small = tmp_path / "tiny.yaml"
    small.write_text("extends: cards\ndescription: Tiny.\ncards:\n  width: 45\n  height: 60\n")
    result = run("build", "--layout", small, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert 'card: "' in result.stderr and "more line" in result.stderr and "at 8 pt" in result.stderr


def test_card_grid_that_crowds_the_edge_is_refused(run, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("extends: cards\ndescription: Big.\ncards:\n  width: 100\n  height: 140\n")
    result = run("build", "--layout", big, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert "cards:" in result.stderr and "6 mm" in result.stderr


# ------------------------------------------------------------------ large print


def test_large_print_is_16_pt_and_up_and_complete(build):
    pdf = build("--layout", "large-print", "--region", "lateral", "--name", "Ana")
    assert 2 <= page_count(pdf) <= 8
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        sizes = [round(c["size"], 1) for p in doc.pages for c in p.chars if c["text"].strip()]
    assert min(sizes) >= 16
    body = text(pdf)
    for item in [*LIB.methods.values(), *LIB.region_exercises("lateral")]:
        assert item.name in body
    assert LIB.safety.red_flags[-1] in body


def test_every_builtin_layout_listed_with_a_description(run):
    out = run("list", "layouts").output
    for name in ("one-page", "handout", "cards", "large-print"):
        assert name in out
