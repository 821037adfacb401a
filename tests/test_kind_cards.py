"""The cards kind: sheets, crop marks, safe areas, one type scale, backs, measured from the PDFs."""

from __future__ import annotations

import io
import math

import pdfplumber
import pytest
import yaml
from conftest import MM, ROOT
from pypdf import PdfReader

from pdfgen.build import library

LIB = library(None)
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
CARDS = yaml.safe_load((ROOT / "layouts" / "cards.yaml").read_text())["cards"]
URL = "https://riverside-runners.example.org/knees"
CARDS_MIN_TEXT = yaml.safe_load((ROOT / "layouts" / "cards.yaml").read_text())["fit"]["min_text"]
SAFE = CARDS["padding"] * MM


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


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
    # above the knee: 4 exercises and 5 methods, so the last sheet holds one card, top left on its
    # front; its back stands top right, behind it
    with pdfplumber.open(io.BytesIO(build("--layout", "cards", "--region", "above", "--backs", name="above.pdf"))) as doc:
        front, back = doc.pages[-2], doc.pages[-1]
        assert len(doc.pages) % 2 == 0
        first = [w for w in front.extract_words() if w["top"] < front.height / 2]
        behind = [w for w in back.extract_words()]
        assert first and all(w["x1"] < front.width / 2 for w in first)
        assert behind and all(w["x0"] > back.width / 2 and w["top"] < back.height / 2 for w in behind)
    assert "When to stop and get help" in " ".join((reader.pages[1].extract_text() or "").split())


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


# ------------------------------------------------------------------ one deck, one type scale (document-tree issue)


def sizes_by_role(pdf: bytes) -> dict[str, set[float]]:
    """Character sizes of step text (numbered lines) and of safety box text, across every sheet."""
    out: dict[str, set[float]] = {"step": set(), "all": set()}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for w in page.extract_words(extra_attrs=["size", "fontname"]):
                out["all"].add(round(w["size"], 2))
                if w["text"].rstrip(".").isdigit() and w["text"].endswith(".") and "Bold" in w["fontname"]:
                    out["step"].add(round(w["size"], 2))
    return out


@pytest.mark.parametrize("backs", [False, True])
def test_one_type_scale_per_deck_and_no_text_under_the_minimum(build, backs):
    pdf = build("--layout", "cards", "--region", "all", *(["--backs"] if backs else []))
    sizes = sizes_by_role(pdf)
    assert len(sizes["step"]) == 1, sizes["step"]  # every card's steps at one size
    assert min(sizes["all"]) >= CARDS_MIN_TEXT - 0.01, sorted(sizes["all"])


def test_the_accent_band_sits_inside_the_safe_area(build):
    pdf = build("--layout", "cards", "--region", "front")
    pw, ph = SIZES["a4"]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        bands = [ln for ln in doc.pages[0].lines if abs(ln.get("linewidth", 0) - 2) < 0.01]
    assert len(bands) == 4
    for ln in bands:
        y = ph - ln["top"]
        x0, x1 = sorted((ln["x0"], ln["x1"]))
        assert any(
            x + SAFE - 0.01 <= x0 and x1 <= x + w - SAFE + 0.01 and y0 + SAFE <= y <= y0 + h - SAFE + 0.01
            for x, y0, w, h in card_rects("a4")
        ), ln


def test_deck_metadata_names_cards_and_shows_its_title(build):
    reader = PdfReader(io.BytesIO(build("--layout", "cards", "--region", "front", "--name", "Ana")))
    info = reader.metadata
    assert info["/Subject"].startswith("Knee recovery cards")
    assert "Ana" in info["/Title"] and "cards" in info["/Title"].lower()
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert str(prefs["/DisplayDocTitle"]).lower() == "true"


def test_a_deck_without_backs_ends_with_the_safety_card(build):
    pdf = build("--layout", "cards", "--region", "front")
    last = " ".join((PdfReader(io.BytesIO(pdf)).pages[-1].extract_text() or "").split())
    assert "When to stop and get help" in last and LIB.safety.disclaimer[:40] in last


@pytest.mark.parametrize("backs", [False, True])
def test_no_word_touches_the_accent_band(build, backs):
    """Every card's text starts below its accent band, front and back."""
    pdf = build("--layout", "cards", "--region", "lateral", *(["--backs"] if backs else []))
    ph = SIZES["a4"][1]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            bands = [ln for ln in page.lines if abs(ln.get("linewidth", 0) - 2) < 0.01]
            words = page.extract_words()
            for x, y, w, h in card_rects("a4"):
                mine = [ln for ln in bands if x <= ln["x0"] <= x + w and y <= ph - ln["top"] <= y + h]
                if not mine:  # no card here on the last sheet
                    continue
                (band,) = mine
                under = ph - band["top"] - 1  # the 2 pt line's lower edge
                on_card = [wd for wd in words if x <= wd["x0"] <= x + w and y <= ph - wd["bottom"] <= y + h]
                assert on_card
                for wd in on_card:
                    assert ph - wd["top"] <= under, (wd["text"], ph - wd["top"], under)


def test_a_grid_too_tall_for_the_sheet_is_refused_even_when_it_is_narrow(run, tmp_path):
    tall = tmp_path / "tall.yaml"
    tall.write_text("extends: cards\ndescription: Tall.\ncards:\n  width: 60\n  height: 138\n")
    result = run("build", "--layout", tall, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cards: 2x2 cards of 60x138 mm with their crop marks come within 2.5 mm of the sheet edge "
        "(6 mm at least allowed: use smaller cards or gaps)\n"
    )
    assert not (tmp_path / "x.pdf").exists()


def test_a_deck_declares_its_language(build):
    reader = PdfReader(io.BytesIO(build("--layout", "cards", "--region", "front")))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


@pytest.mark.parametrize("length, error", [("1", ""), ("0.9", "cards.mark_length: is '0.9' mm (1–10 mm allowed)")])
def test_crop_marks_of_1_mm_are_the_shortest_allowed(run, tmp_path, length, error):
    layout = tmp_path / "marks.yaml"
    layout.write_text(f"extends: cards\ndescription: m\ncards:\n  mark_length: {length}\n")
    result = run("build", "--layout", layout, "--region", "front", "-o", tmp_path / "x.pdf")
    if not error:
        assert result.exit_code == 0, result.stderr
        with pdfplumber.open(tmp_path / "x.pdf") as doc:
            lengths = {round(math.hypot(ln["x1"] - ln["x0"], ln["bottom"] - ln["top"]), 2) for ln in crop_marks(doc.pages[0])}
        assert lengths == {round(1 * MM, 2)}
    else:
        assert result.exit_code == 2
        assert result.stderr == f"error: {layout}:4: {error}\n"


@pytest.mark.parametrize(
    "args, line",
    [
        (["--notes", "hello"], "--notes: layout 'cards' has no place for notes"),
        (["--url", "https://example.org"], "--url: layout 'cards' has no place for a link"),
        (["--club", "Riverside", "--logo", "LOGO"], "--logo: layout 'cards' has no place for a logo"),
        (["--club", "Riverside", "--url", "https://example.org"], "--url: layout 'cards' has no place for the club's link"),
        (["--tracker"], "--tracker: layout 'cards' has no place for the tracker"),
    ],
)
def test_what_a_card_cannot_show_is_named_in_one_line(run, tmp_path, args, line):
    from PIL import Image

    Image.new("RGB", (600, 600), "red").save(tmp_path / "logo.png")
    args = [str(tmp_path / "logo.png") if a == "LOGO" else a for a in args]
    result = run("build", "--layout", "cards", "--region", "front", *args, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == f"error: {line} (leave it out, or choose another layout)\n"
    assert not (tmp_path / "x.pdf").exists()


def test_a_cards_layout_of_ones_own_has_a_6_mm_safe_area_by_default(build, tmp_path):
    """A layout of kind cards that does not extend the built-in one and gives no padding: 6 mm."""
    own = tmp_path / "own.yaml"
    own.write_text(
        "extends: one-page\ndescription: own cards\nkind: cards\ncards: {width: 90, height: 125, grid: [2, 2], gap: 8}\n"
    )
    pdf = build("--layout", own, "--region", "front")
    ph = SIZES["a4"][1]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        bands = [ln for ln in doc.pages[0].lines if abs(ln.get("linewidth", 0) - 2) < 0.01]
    assert len(bands) == 4
    for ln in bands:  # the band spans the safe area: it starts and ends exactly at the padding
        x, y, w, h = next(
            r for r in card_rects("a4") if r[0] <= ln["x0"] <= r[0] + r[2] and r[1] <= ph - ln["top"] <= r[1] + r[3]
        )
        assert min(ln["x0"], ln["x1"]) - x == pytest.approx(6 * MM, abs=0.05)
        assert x + w - max(ln["x0"], ln["x1"]) == pytest.approx(6 * MM, abs=0.05)
