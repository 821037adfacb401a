"""Exercise figures and method icons: valid pose data, drawn inside their box, readable in greyscale."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import MM
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.pdfgen.canvas import Canvas

from pdfgen.build import library
from pdfgen.figures import colours, draw, export, icons
from pdfgen.figures import pose as schema

LIB = library(None)
ACCENT = "#1f5f73"
BOXES = [(35 * MM, 26 * MM), (90 * MM, 40 * MM), (30 * MM, 60 * MM)]  # card, wide strip, tall column


def drawn_objects(drawing, w: float, h: float, at: float = 20.0) -> list[dict]:
    """Every stroked or filled path of the drawing placed at (at, at) on a page, via pdfplumber."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(w + 2 * at, h + 2 * at))
    renderPDF.draw(drawing, c, at, at)
    c.showPage()
    c.save()
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as doc:
        page = doc.pages[0]
        return page.curves + page.lines + page.rects


def assert_inside(objs: list[dict], w: float, h: float, at: float = 20.0) -> None:
    assert objs, "nothing was drawn"
    for o in objs:
        half = (o.get("linewidth") or 0) / 2 if o.get("stroke") else 0
        assert o["x0"] - half >= at - 0.01 and o["x1"] + half <= at + w + 0.01, o
        assert o["y0"] - half >= at - 0.01 and o["y1"] + half <= at + h + 0.01, o


# ---------------------------------------------------------------- the data


@pytest.mark.parametrize("xid", list(LIB.exercises))
def test_every_exercise_has_a_valid_pose(xid):
    ill = LIB.exercises[xid].illustration
    assert isinstance(ill, schema.Illustration) and ill.image is None
    assert ill.view in schema.VIEWS and ill.base in schema.BASES
    assert set(ill.props) <= set(schema.PROPS)
    assert ill.moving and set(ill.moving) <= set(schema.MOVING)
    assert ill.start != ill.end, "a figure shows a movement"
    for pose in (ill.start, ill.end):
        assert schema.TRUNK_RANGE[0] <= pose.trunk <= schema.TRUNK_RANGE[1]
        for side in (pose.left, pose.right):
            for key, (lo, hi) in schema.SIDE_RANGES.items():
                assert lo <= getattr(side, key) <= hi, (xid, key)


def test_every_method_has_an_icon():
    assert {m.id: m.icon for m in LIB.methods.values()} == {
        "cool-down": "walk",
        "stretch": "stretch",
        "ice": "ice-pack",
        "refuel": "cup-plate",
        "massage": "hands",
    }


def test_poses_a_physio_would_recognise():
    """The numbers the content gives: wall sit 45–60°, leg press within 0–60°, clamshell knees at 90°."""
    x = LIB.exercises
    assert all(45 <= s.knee <= 60 for s in (x["wall-sit"].illustration.end.left, x["wall-sit"].illustration.end.right))
    press = x["leg-press"].illustration
    assert max(press.start.right.knee, press.end.right.knee) <= 60 and min(press.start.right.knee, press.end.right.knee) > 0
    clam = x["clamshell"].illustration
    assert clam.base == "lying-side" and clam.start.left.knee == 90 and clam.end.left.turn_out > clam.start.left.turn_out
    assert 40 <= x["hip-hitch"].illustration.end.right.knee <= 50
    assert "step" in x["step-down"].illustration.props
    ham = x["hamstring-stretch"].illustration
    assert ham.base == "lying-back" and ham.end.right.knee < ham.start.right.knee


# ---------------------------------------------------------------- drawing


@pytest.mark.parametrize("xid", list(LIB.exercises))
def test_figure_stays_inside_its_box_whatever_the_shape(xid):
    ill = LIB.exercises[xid].illustration
    for w, h in BOXES:
        drawing = draw.figure_flowable(ill, w, h, ACCENT)
        assert (drawing.width, drawing.height) == (w, h)
        objs = drawn_objects(drawing, w, h)
        assert_inside(objs, w, h)
        # and it fills the box along one side: not a speck in the corner
        span_x = max(o["x1"] for o in objs) - min(o["x0"] for o in objs)
        span_y = max(o["y1"] for o in objs) - min(o["y0"] for o in objs)
        assert span_x > 0.75 * w or span_y > 0.75 * h


@pytest.mark.parametrize("name", schema.ICONS)
def test_icons_stay_inside_their_square(name):
    size = 12 * MM
    assert_inside(drawn_objects(icons.draw_icon(name, size, ACCENT), size, size), size, size)


def test_unknown_icon_is_refused():
    with pytest.raises(ValueError, match="walk"):
        icons.draw_icon("sprint", 20)


def grey_histogram(ill, accent: str) -> list[int]:
    pdf = export.figure_pdf(ill, 60 * MM, 45 * MM, accent)
    image = pdfium.PdfDocument(pdf)[0].render(scale=4, grayscale=True).to_pil().convert("L")
    return image.histogram()


@pytest.mark.parametrize("accent", [ACCENT, "#d04a02", "#ffcc00"])
def test_moving_limb_stays_distinct_in_greyscale(accent):
    """Printed on a black-and-white printer, the highlighted limb and the body differ in grey level."""
    accent_grey = colours.grey_level(accent)
    body_grey = colours.grey_level(colours.body_color(accent))
    assert abs(accent_grey - body_grey) >= 60
    # the start pose: never darker than the end pose, never lighter than a laser prints (or than the accent itself)
    assert body_grey <= colours.grey_level(colours.ghost(colours.body_color(accent))) <= colours.GHOST_LIGHTEST + 0.5
    assert accent_grey <= colours.grey_level(colours.ghost(accent)) <= max(colours.GHOST_LIGHTEST + 0.5, accent_grey)
    hist = grey_histogram(LIB.exercises["hamstring-stretch"].illustration, accent)

    def ink(level: float) -> int:
        lo, hi = max(0, round(level) - 4), min(255, round(level) + 4)
        return sum(hist[lo : hi + 1])

    # both greys really are on the page, in solid areas of some size
    assert ink(accent_grey) > 2000 and ink(body_grey) > 2000


def test_start_pose_is_lighter_and_dashed():
    ghost, body = colours.grey_level(colours.ghost(colours.body_color(ACCENT))), colours.grey_level(colours.body_color(ACCENT))
    assert ghost >= body + 30
    content = PdfReader(io.BytesIO(export.figure_pdf(LIB.exercises["wall-sit"].illustration, 100, 75))).pages[0].get_contents()
    assert re.search(rb"\[[\d.]+ [\d.]+\] 0 d", content.get_data()), "no dashed stroke"


LASER_DROPS = 200  # grey level above which a cheap laser printer may print nothing (the old start pose was 220)


@pytest.mark.parametrize("xid", ["hamstring-stretch", "step-down", "clamshell"])
def test_start_pose_survives_a_laser_printer(monkeypatch, xid):
    """Most of the start pose is darker than the tints a cheap laser drops. Its pixels are found by
    drawing it once in black and once in white (same geometry); the real drawing is then read there."""
    from pdfgen.figures import marks

    def render(ghost_color: str | None) -> list[int]:
        if ghost_color:
            monkeypatch.setattr(marks, "ghost", lambda color: ghost_color)
        pdf = export.figure_pdf(LIB.exercises[xid].illustration, 60 * MM, 45 * MM, ACCENT)
        return list(pdfium.PdfDocument(pdf)[0].render(scale=4, grayscale=True).to_pil().convert("L").tobytes())

    real, black, white = render(None), render("#000000"), render("#ffffff")
    start = [level for level, b, w in zip(real, black, white, strict=True) if w - b > 128]
    assert len(start) > 1000, "the start pose was not found"
    printed = sum(level < LASER_DROPS for level in start) / len(start)
    assert printed > 0.7, f"only {printed:.0%} of the start pose is darker than {LASER_DROPS}"


def test_figures_reference_no_unembedded_font():
    """ReportLab's renderer sets a font on entry; it must be the embedded one, not bare Helvetica."""
    buf = io.BytesIO()
    c = Canvas(buf, initialFontName=icons.draw_icon("walk", 20).initialFontName)
    renderPDF.draw(draw.draw_figure(LIB.exercises["clamshell"].illustration, 100, 80), c, 0, 0)
    renderPDF.draw(icons.draw_icon("hands", 20), c, 0, 100)
    c.showPage()
    c.save()
    fonts = {str(f["/BaseFont"]) for f in PdfReader(io.BytesIO(buf.getvalue())).pages[0]["/Resources"]["/Font"].values()}
    assert not any("Helvetica" in f for f in fonts), fonts
    pdf = export.figure_pdf(LIB.exercises["clamshell"].illustration, 100, 80)
    assert b"Helvetica" not in pdf


def test_same_figure_same_bytes():
    ill = LIB.exercises["wall-sit"].illustration
    assert export.figure_pdf(ill, 100, 75) == export.figure_pdf(ill, 100, 75)


# ---------------------------------------------------------------- bad data, located


def edit(folder: Path, old: str, new: str) -> int:
    """Replace the first `old` in exercises.yaml with `new`; return its 1-based line."""
    path = folder / "exercises.yaml"
    text = path.read_text()
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :])
    return text[:at].count("\n") + 1


def test_angle_out_of_range_is_located(run, data_copy):
    line = edit(data_copy, "left: {hip: 45, knee: 90,", "left: {hip: 45, knee: 200,")
    result = run("check", "--data", data_copy)
    assert result.exit_code == 2
    assert f"exercises.yaml:{line}: exercises[0].illustration.start.left.knee: is 200 (allowed: 0–160)" in result.stderr


def test_unknown_prop_unknown_key_and_bad_base_are_located(run, data_copy):
    line = edit(data_copy, "props: [wall]", "props: [wal]")
    edit(data_copy, "base: lying-back", "base: lying-bak")
    edit(data_copy, "moving: right-leg", "moving: right-leg\n      speed: slow")
    err = run("check", "--data", data_copy).stderr
    assert f"exercises.yaml:{line}: exercises[1].illustration.props[0]: 'wal' is not a known prop; did you mean 'wall'?" in err
    assert "illustration.base: 'lying-bak' is not a base; did you mean 'lying-back'?" in err
    assert "illustration.speed: is not a known field" in err


def test_hand_on_a_wall_that_is_not_there(run, data_copy):
    edit(data_copy, "props: [wall]", "props: [floor]")
    err = run("check", "--data", data_copy).stderr
    assert "exercises[1].illustration.start.left.hand: is on the wall, but props has no wall" in err


@pytest.mark.parametrize(
    "path, message",
    [
        ("../sources.yaml", "must be a path inside the data folder"),
        ("/etc/passwd.png", "must be a path inside the data folder"),
        ("pics/missing.png", "does not exist"),
        ("exercises.yaml", "is not a picture file"),
    ],
)
def test_image_paths_are_refused_outside_the_folder_or_missing(run, data_copy, path, message):
    line = edit(data_copy, "    illustration:\n", f"    illustration:\n      image: {path}\n") + 1
    result = run("check", "--data", data_copy)
    assert result.exit_code == 2
    assert f"exercises.yaml:{line}: exercises[0].illustration.image: '{path}' {message}" in result.stderr


def test_image_illustration_is_drawn_in_its_box(run, data_copy, tmp_path):
    from PIL import Image

    (data_copy / "pics").mkdir()
    Image.new("RGB", (400, 200), "#336699").save(data_copy / "pics" / "clam.png")
    block = (data_copy / "exercises.yaml").read_text()
    start = block.index("    illustration:\n")
    end = block.index("\n\n", start)
    (data_copy / "exercises.yaml").write_text(block[:start] + "    illustration: {image: pics/clam.png}" + block[end:])
    lib = library(data_copy)
    ill = lib.exercises["clamshell"].illustration
    assert ill.image == (data_copy / "pics" / "clam.png").resolve()
    drawing = draw.figure_flowable(ill, 100, 100)
    image = drawing.contents[0]
    assert image.width == pytest.approx(92) and image.height == pytest.approx(46)  # kept its 2:1 shape
    out = tmp_path / "clam.pdf"
    assert run("figure", "clamshell", "--data", data_copy, "-o", out).exit_code == 0
    with pdfplumber.open(out) as doc:
        assert len(doc.pages[0].images) == 1


def test_image_and_pose_together_are_refused(run, data_copy):
    edit(data_copy, "    illustration:\n", "    illustration:\n      image: x.png\n")
    assert "illustration.view: is not used with image" in run("check", "--data", data_copy).stderr


# ---------------------------------------------------------------- kneecard figure


def test_figure_command_writes_a_pdf_of_the_size_asked(run, tmp_path):
    out = tmp_path / "fig.pdf"
    result = run("figure", "step-down", "-o", out, "--size", "50")
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr
    page = PdfReader(out).pages[0]
    assert float(page.mediabox.width) == pytest.approx(50 * MM, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(37.5 * MM, abs=0.01)
    assert PdfReader(out).metadata.title == "Step-down"
    assert not list(tmp_path.glob(".*.part"))


def test_figure_command_writes_a_png(run, tmp_path):
    out = tmp_path / "fig.png"
    result = run("figure", "wall-sit", "-o", out, "--size", "30")
    assert result.exit_code == 0, result.stderr
    from PIL import Image

    with Image.open(out) as image:
        assert image.format == "PNG" and image.width >= 300  # 30 mm at 300 dpi is about 354 px


def test_figure_png_fallback_draws_the_figure_once(run, tmp_path, monkeypatch):
    import reportlab.graphics.renderPM as renderPM

    def no_backend(*a, **k):
        raise RuntimeError("cannot import desired renderPM backend")

    calls = []
    real = draw.draw_figure
    monkeypatch.setattr(renderPM, "drawToString", no_backend)
    monkeypatch.setattr(export, "draw_figure", lambda *a, **k: calls.append(a) or real(*a, **k))
    out = tmp_path / "fig.png"
    result = run("figure", "wall-sit", "-o", out, "--size", "30")
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 1 and out.read_bytes().startswith(b"\x89PNG")


def test_figure_png_without_a_renderer_says_what_to_install(run, tmp_path, monkeypatch):
    import reportlab.graphics.renderPM as renderPM

    def no_backend(*a, **k):
        raise RuntimeError("cannot import desired renderPM backend")

    monkeypatch.setattr(renderPM, "drawToString", no_backend)
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    out = tmp_path / "fig.png"
    result = run("figure", "wall-sit", "-o", out)
    assert result.exit_code == 2
    assert 'pip install "kneecard[png]"' in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["clamshel"], "error: EXERCISE_ID: 'clamshel' is not an exercise; did you mean 'clamshell'?"),
        (["clamshell", "-o", "fig.svg"], "error: -o: 'fig.svg' ends in '.svg' (.pdf or .png is allowed)"),
        (["clamshell", "--accent", "tealish"], "error: --accent: 'tealish' is not a colour"),
    ],
)
def test_figure_command_errors(run, args, message):
    result = run("figure", *args)
    assert result.exit_code == 2
    assert message in result.stderr
