"""The two-week paper tracker and QR links on routines and items."""

from __future__ import annotations

import io

import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import text
from pypdf import PdfReader

from pdfgen.build import library

LIB = library(None)
URL = "https://physio.example.org/knee-videos"


def decode(pdf: bytes) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pdfium.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


def tracker_boxes(pdf: bytes) -> list[dict]:
    """The tick boxes: small squares, about 3.4 mm."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [r for r in doc.pages[0].rects if 8 < r["width"] < 11 and abs(r["width"] - r["height"]) < 0.5]


def test_tracker_when_it_fits_has_a_box_per_exercise_and_side_per_day(build):
    pdf = build("--region", "lateral", "--methods", "cool-down,ice", "--tracker")
    body = text(pdf)
    assert "Your two weeks" in body and "Pain today, 0–10" in body
    # a box only on the days an exercise is due: 2–3 days a week -> 3 days, stretches every day
    due = sum((2 if x.dosage.per_side else 1) * 2 * len(x.dosage.due_days()) for x in LIB.region_exercises("lateral"))
    assert len(tracker_boxes(pdf)) == due < 14 * sum(2 if x.dosage.per_side else 1 for x in LIB.region_exercises("lateral"))
    assert all(str(d) in body for d in range(1, 15))


def test_tracker_is_left_out_when_the_page_is_full_but_never_shrinks_the_routine(build):
    full = build("--region", "lateral", name="full.pdf")
    assert "Your two weeks" not in text(full)
    assert tracker_boxes(full) == []
    short = build("--region", "front", "--methods", "cool-down,stretch", name="short.pdf")
    assert "Your two weeks" in text(short)


def test_no_tracker_and_forced_tracker_that_cannot_fit(run, build, tmp_path):
    assert "Your two weeks" not in text(build("--region", "front", "--methods", "ice", "--no-tracker"))
    result = run(
        "build", "--region", "lateral", "--tracker", "--notes", "Keep a diary of every run. " * 25, "-o", tmp_path / "x.pdf"
    )
    assert result.exit_code == 2 and "does not fit" in result.stderr


def test_tracker_is_off_in_cards(build):
    assert "Your two weeks" not in text(build("--layout", "cards", "--region", "front"))


def test_routine_url_prints_as_text_and_qr(build):
    pdf = build("--region", "front", "--methods", "stretch,ice", "--url", URL)
    assert URL in text(pdf)
    assert decode(pdf) == [URL]


def test_item_url_prints_beside_the_item(run, tmp_path, data_copy):
    data = data_copy
    ex = data / "exercises.yaml"
    item_url = "https://example.org/wall-sit"
    ex.write_text(ex.read_text().replace("  - id: wall-sit\n", f"  - id: wall-sit\n    url: {item_url}\n", 1))
    out = tmp_path / "x.pdf"
    result = run("build", "--data", data, "--region", "front", "--methods", "ice", "-o", out)
    assert result.exit_code == 0, result.stderr
    pdf = out.read_bytes()
    assert item_url in text(pdf)
    assert decode(pdf) == [item_url]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_bad_urls_are_refused(run, tmp_path):
    result = run("build", "--region", "front", "--url", "javascript:alert(1)", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "--url:" in result.stderr and "web address" in result.stderr
