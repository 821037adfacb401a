"""Read built PDFs back: pages, size, every chosen item, the ice note, fonts, margins, bytes."""

from __future__ import annotations

import io

import pytest
from conftest import MM, text, words
from pypdf import PdfReader

from pdfgen.build import library

LIB = library(None)
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}


@pytest.mark.parametrize("region", ["lateral", "front", "above"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_one_page_has_every_chosen_item(build, region, paper):
    pdf = build("--region", region, "--paper", paper, "--name", "Sam Runner")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(SIZES[paper], abs=0.5)
    body = text(pdf)
    assert "Sam Runner" in body
    for item in [*LIB.methods.values(), *LIB.region_exercises(region)]:
        assert item.name in body, item.name
        for step in item.steps:  # every step printed in full, none clipped
            assert " ".join(step.split()) in body, step
    for other in set(LIB.regions) - {region}:
        for item in LIB.region_exercises(other):
            assert item.name not in body
    assert LIB.safety.disclaimer.split(".")[0] in body
    for flag in LIB.safety.red_flags:
        assert flag in body


def test_ice_note_shows_minutes_and_maximum(build):
    body = text(build("--region", "front", "--ice-minutes", "15"))
    assert "15 min" in body
    assert LIB.safety.ice.note_lines(15)[0] in body  # "Ice for 15 minutes, never more than 20."
    assert f"{LIB.safety.ice.max_minutes} minutes" in body


def test_ice_default_minutes_come_from_data(build):
    body = text(build("--region", "above"))
    assert f"{LIB.safety.ice.default_minutes} min" in body
    assert LIB.safety.ice.note_lines(LIB.safety.ice.default_minutes)[0] in body


def test_lateral_routine_explains_the_lower_ice_limit(build):
    body = text(build("--region", "lateral"))
    cap, reason = LIB.safety.ice.region_max["lateral"]
    assert f"Never leave ice on for more than {cap} minutes." in body
    assert " ".join(reason.split()) in body


def test_ice_note_stands_right_beside_the_ice_instruction(build):
    """The ice safety box starts in the same column, directly under the ice method's last line."""
    pdf = build("--region", "front")
    ws = words(pdf)
    ice_title = next(
        w for w in ws if w["text"] == "Ice" and any(v["text"] == "knee" and abs(v["top"] - w["top"]) < 1 for v in ws)
    )
    safety = next(w for w in ws if w["text"] == "Ice" and any(v["text"] == "safety" and abs(v["top"] - w["top"]) < 1 for v in ws))
    assert abs(safety["x0"] - ice_title["x0"]) < 12 * MM  # same column
    assert 0 < safety["top"] - ice_title["top"] < 45 * MM  # just below: title, dose, a few lines of steps


def test_no_ice_means_no_ice_note(build):
    body = text(build("--region", "front", "--methods", "stretch,refuel"))
    assert "Ice safety" not in body
    assert LIB.methods["ice"].name not in body


def test_fonts_are_embedded_subsets(build):
    reader = PdfReader(io.BytesIO(build("--region", "front", "--name", "Zoë")))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert "+" in name, f"{name} is not a subset"
        desc = (
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
        )
        assert any(k in desc for k in ("/FontFile2", "/FontFile", "/FontFile3")), f"{name} not embedded"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_word_inside_the_printable_margin(build, paper):
    pdf = build(
        "--region", "lateral", "--paper", paper, "--name", "A Very Long Name Indeed Konstantinou", "--notes", "Note " * 40
    )
    w, h = SIZES[paper]
    edge = 6 * MM
    ws = words(pdf)
    assert len(ws) > 300
    for word in ws:
        assert word["x0"] >= edge and word["x1"] <= w - edge, word
        assert word["top"] >= edge and word["bottom"] <= h - edge, word


def test_same_input_same_bytes(build, monkeypatch):
    a = build("--region", "front", "--name", "Sam", name="a.pdf")
    b = build("--region", "front", "--name", "Sam", name="b.pdf")
    assert a == b
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    c = build("--region", "front", "--name", "Sam", name="c.pdf")
    d = build("--region", "front", "--name", "Sam", name="d.pdf")
    assert c == d
    assert c != a  # the epoch is honoured: the creation date changed
    assert b"D:20231114" in c


def test_metadata(build):
    info = PdfReader(io.BytesIO(build("--region", "above", "--name", "Ana"))).metadata
    assert info.title == "Knee recovery routine: Above the knee, for Ana"
    assert info.author == "Ana"
    assert "above the knee" in info.subject.lower()
    reader = PdfReader(io.BytesIO(build("--region", "above", name="x.pdf")))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_unicode_name_and_markup_print_literally(build):
    name = "Zoë Ødegård – Łódź Ελένη"
    notes = "Use <b>less</b> & rest; 5 < 6 > 4 &amp; done"
    body = text(build("--region", "front", "--name", name, "--notes", notes))
    assert name in body
    assert notes in body


def test_long_notes_shrink_text_but_stay_on_one_page(build):
    notes = "Keep a training diary and write down how your knee feels each morning. " * 6
    pdf = build("--region", "lateral", "--notes", notes)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert " ".join(notes.split()) in text(pdf)


def test_warm_process_gives_the_same_bytes_as_a_cold_one(build, tmp_path):
    """Paragraphs are cached per process: a build after many others must not differ by a byte."""
    import subprocess
    import sys

    args = ["--layout", "handout", "--club", "Harriers", "--name", "Kim"]
    for other in (
        ["--region", "lateral"],
        ["--layout", "large-print", "--region", "front"],
        ["--layout", "cards", "--region", "all"],
    ):
        build(*other, name="other.pdf")
    warm = build(*args, name="warm.pdf")
    again = build(*args, name="again.pdf")
    cold = tmp_path / "cold.pdf"
    subprocess.run([sys.executable, "-m", "pdfgen", "build", *args, "-o", str(cold)], check=True, capture_output=True)
    assert warm == again == cold.read_bytes()


def test_fast_syntax_encoding_writes_what_reportlab_writes(monkeypatch):
    """The PDF's syntax is encoded by a fast path while it is saved: every character encodes
    as ReportLab's PDFDocEncoding codec would (or is refused as it would be), and a PDF with
    accented and Chinese words in its metadata comes out byte for byte the same."""
    import contextlib

    from pdfgen import rl_private
    from pdfgen.build import build_one
    from pdfgen.cache import Cache

    for code in range(0x3000):
        char = chr(code)
        try:
            want: bytes | None = char.encode("extpdfdoc")
        except UnicodeEncodeError:
            want = None
        try:
            got: bytes | None = rl_private._pdfdoc_enc(char)
        except UnicodeEncodeError:
            got = None
        assert got == want, hex(code)
    options = {"region": "front", "name": "Zoë Ødegård", "notes": "Ice (a bag of peas) \\ not (too) long"}
    fast = build_one(options, cache=Cache(enabled=False))[0]
    monkeypatch.setattr(rl_private, "fast_pdfdoc_encoding", contextlib.nullcontext)
    assert build_one(options, cache=Cache(enabled=False))[0] == fast
