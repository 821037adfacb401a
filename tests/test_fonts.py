"""Fonts in the PDFs we write: every font embedded, wherever it is referenced, each subset with its own tag.

A font referenced but not embedded prints in whatever the printer substitutes, and PDF/A and
print shops refuse it; ReportLab's drawings name Helvetica on entry even when they draw no text.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator

import pytest
from conftest import ROOT
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

URL = "https://example.org/knees"
# every layout with every option it takes that adds something drawn (a QR code, a club band, backs)
BUILDS = {
    "one-page-club": ["--region", "front", "--layout", "one-page", "--url", URL, "--club", "X"],
    "one-page-link": [
        "--region",
        "lateral",
        "--layout",
        "one-page",
        "--url",
        URL,
    ],  # the routine's own link: QR beside the address
    "handout": [
        "--region",
        "all",
        "--layout",
        "handout",
        "--url",
        URL,
        "--club",
        "X",
        "--logo",
        ROOT / "samples" / "club-logo.png",
    ],
    "large-print": ["--region", "all", "--layout", "large-print", "--url", URL, "--club", "X"],
    "cards-backs": ["--region", "all", "--layout", "cards", "--backs", "--club", "X"],  # cards have no place for a link
}


def _fonts_in(resources: DictionaryObject | None, where: str, seen: set[int]) -> Iterator[tuple[str, DictionaryObject]]:
    """Every font of a resource dictionary and of the Form XObjects and patterns it holds, at any depth."""
    if resources is None:
        return
    resources = resources.get_object()
    for name, font in (resources.get("/Font") or {}).items():
        yield f"{where} {name}", font.get_object()
    for kind in ("/XObject", "/Pattern"):
        for name, ref in (resources.get(kind) or {}).items():
            obj = ref.get_object()
            key = getattr(ref, "idnum", id(obj))
            if key in seen or "/Resources" not in obj:
                continue
            seen.add(key)
            yield from _fonts_in(obj["/Resources"], f"{where} {name}", seen)


def font_resources(pdf: bytes) -> Iterator[tuple[str, DictionaryObject]]:
    """(where, font dictionary) for every font any page uses, its Form XObjects' and annotations' included."""
    seen: set[int] = set()
    for i, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        yield from _fonts_in(page.get("/Resources"), f"page {i + 1}", seen)
        for annot in page.get("/Annots") or []:
            for stream in ((annot.get_object().get("/AP") or {}).get("/N"),):
                if stream is not None and "/Resources" in stream.get_object():
                    yield from _fonts_in(stream.get_object()["/Resources"], f"page {i + 1} annotation", seen)


def unembedded(pdf: bytes) -> list[str]:
    """Fonts with no font program in the file (Type 3 fonts are drawn by the PDF itself and count as embedded)."""
    bad = []
    for where, font in font_resources(pdf):
        if font.get("/Subtype") == "/Type3":
            continue
        described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
        descriptor = described.get("/FontDescriptor")
        files = descriptor.get_object().keys() & {"/FontFile", "/FontFile2", "/FontFile3"} if descriptor else set()
        if not files:
            bad.append(f"{where}: {font.get('/BaseFont')}")
    return bad


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    from click.testing import CliRunner

    from pdfgen.cli import main

    folder = tmp_path_factory.mktemp("fonts")
    out = {}
    for name, args in BUILDS.items():
        path = folder / f"{name}.pdf"
        result = CliRunner().invoke(main, ["build", *map(str, args), "-o", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        out[name] = path.read_bytes()
    path = folder / "figure.pdf"
    assert CliRunner().invoke(main, ["figure", "clamshell", "-o", str(path)]).exit_code == 0
    out["figure"] = path.read_bytes()
    return out


@pytest.mark.parametrize("name", [*BUILDS, "figure"])
def test_every_font_of_every_page_is_embedded(built, name):
    pdf = built[name]
    assert name == "figure" or list(font_resources(pdf)), "no font found: the walk is broken"  # a figure has no text
    assert not unembedded(pdf)


@pytest.mark.parametrize("sample", sorted(p.name for p in (ROOT / "samples").glob("*.pdf")))
def test_every_committed_sample_embeds_every_font(sample):
    assert not unembedded((ROOT / "samples" / sample).read_bytes())


def test_an_unembedded_font_in_a_form_xobject_is_found():
    """The walk reaches into Form XObjects: a drawing on a bare canvas (ReportLab's default
    Helvetica) placed as a form is reported."""
    from reportlab.pdfgen.canvas import Canvas

    from pdfgen.fonts import register

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, initialFontName=register()["regular"])
    c.beginForm("f")
    c.setFont("Helvetica", 9)
    c.drawString(0, 0, "x")
    c.endForm()
    c.doForm("f")
    c.showPage()
    c.save()
    assert "page 1 /FormXob.f /F1: /Helvetica" in unembedded(buf.getvalue())


# ---------------------------------------------------------------- subset tags


def subsets(pdf: bytes) -> dict[str, set[str]]:
    """Embedded font name (TAG+Face) -> digests of the font programs embedded under that name."""
    out: dict[str, set[str]] = {}
    for _where, font in font_resources(pdf):
        if "/FontDescriptor" not in font:
            continue
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        out.setdefault(str(font["/BaseFont"])[1:], set()).add(hashlib.sha256(program).hexdigest())
    return out


def assert_one_tag_per_subset(pdf: bytes) -> dict[str, set[str]]:
    found = subsets(pdf)
    assert found and all(re.fullmatch(r"[A-Z]{6}\+NotoSans-\w+", name) for name in found), found
    assert all(len(programs) == 1 for programs in found.values()), f"one name, several subsets: {found}"
    programs = [next(iter(p)) for p in found.values()]
    assert len(set(programs)) == len(programs), f"one subset, several names: {found}"
    tags = [name.split("+")[0] for name in found]
    assert len(set(tags)) == len(tags), f"a tag used twice: {sorted(found)}"
    return found


def test_subset_tags_are_distinct_in_one_pdf(built):
    for name in BUILDS:
        assert len(assert_one_tag_per_subset(built[name])) >= 2, name


def test_subset_tags_are_distinct_across_a_combined_batch_and_rebuilds_are_identical(run, tmp_path):
    """Three routines with different characters merged into one file: three different regular
    subsets, three different tags (ReportLab's own numbering named all three AAAAAA+NotoSans-Regular)."""
    roster = tmp_path / "r.csv"
    roster.write_text("name,region\nAnn,front\nZoë Ødegård,lateral\nЂорђе Јовић,above\n", encoding="utf-8")  # distinct letters
    combined = {}
    for attempt in ("first", "again"):
        out = tmp_path / f"{attempt}.pdf"
        assert run("batch", roster, "--combine", out, "--jobs", "1").exit_code == 0
        combined[attempt] = out.read_bytes()
    found = assert_one_tag_per_subset(combined["first"])
    assert len([n for n in found if n.endswith("+NotoSans-Regular")]) == 3, sorted(found)
    assert combined["first"] == combined["again"]


def test_subset_tag_is_six_capitals_from_the_content():
    from pdfgen.rl_private import subset_tag

    tag = subset_tag(b"NotoSans-Regular", [0, 32, 65, 66])
    assert re.fullmatch(rb"[A-Z]{6}", tag)
    assert tag == subset_tag(b"NotoSans-Regular", [0, 32, 65, 66])
    assert tag != subset_tag(b"NotoSans-Regular", [0, 32, 65, 67])
    assert tag != subset_tag(b"NotoSans-Bold", [0, 32, 65, 66])
