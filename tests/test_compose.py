"""The document tree: what compose decides, checked without drawing a PDF."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from pdfgen import document as d
from pdfgen.build import layout, library
from pdfgen.compose import compose
from pdfgen.resolve import resolve

LIB = library(None)
PDFGEN = Path(__file__).resolve().parent.parent / "pdfgen"


def tree(layout_name: str = "one-page", **options) -> d.Document:
    lay = layout(layout_name, None)
    return compose(resolve(LIB, options=options, default_region=lay.region_default), LIB, lay)


def blocks(doc: d.Document) -> list:
    return [b for a in doc.areas for b in d.walk(a.children)]


def test_the_tree_holds_no_reportlab():
    """Compose and the tree are renderer-neutral: an HTML renderer can walk the same tree."""
    for name in ("compose.py", "document.py"):
        source = ast.parse((PDFGEN / name).read_text())
        imported = {a.name for n in ast.walk(source) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(source) if isinstance(n, ast.ImportFrom)}
        assert not any(m.startswith("reportlab") for m in imported), name


def test_reading_order_is_title_intro_columns_then_safety_and_disclaimer():
    doc = tree(region="front", name="Ana", notes="Go easy.", url="https://example.org/v")
    assert [a.name for a in doc.areas] == ["top", "columns", "bottom"]
    texts = d.texts(doc)
    order = [
        "Knee recovery routine",
        LIB.regions["front"].plain,
        "https://example.org/v",  # the link stands in the header, its QR code at the right
        LIB.exercises["wall-sit"].name,
        LIB.methods["ice"].name,
        "Go easy.",
        LIB.safety.red_flags[0],
        LIB.safety.disclaimer,
    ]
    where = [next(i for i, t in enumerate(texts) if o in t) for o in order]
    assert where == sorted(where), list(zip(order, where, strict=True))


def test_the_ice_box_is_part_of_the_ice_item_on_every_layout():
    for name in ("one-page", "handout", "cards", "large-print"):
        doc = tree(name, region="all" if name == "handout" else "lateral")
        items = [b for b in blocks(doc) if isinstance(b, d.Item) and b.id == "ice"]
        assert items, name
        for item in items:
            boxes = [c for c in item.children if isinstance(c, d.Box)]
            assert [b.role for b in boxes] == ["ice"], name
            lines = " ".join(d.plain(i) for c in boxes[0].children if isinstance(c, d.ListBlock) for i in c.items)
            assert f"Ice for {LIB.safety.ice.limit_for('lateral')} minutes" in lines


def test_figures_carry_alt_text_that_says_what_you_do():
    doc = tree(region="lateral")
    figures = [b for b in blocks(doc) if isinstance(b, d.Figure)]
    exercises = [x for x in LIB.region_exercises("lateral") if x.illustration is not None]
    assert len([f for f in figures if f.illustration is not None]) == len(exercises)
    for x in exercises:
        assert any(f.alt.startswith(x.name) and x.summary in f.alt for f in figures)


def test_sections_carry_a_continued_heading_and_every_chosen_item():
    doc = tree(region="all")
    sections = [b for b in blocks(doc) if isinstance(b, d.Section)]
    assert [s.continued for s in sections][:1] == ["Exercises for the outside of your knee (continued)"]
    ids = [b.id for b in blocks(doc) if isinstance(b, d.Item)]
    assert ids == [*(x.id for r in LIB.regions for x in LIB.region_exercises(r)), *LIB.methods]


def test_the_tracker_is_optional_unless_insisted_on_and_absent_when_refused():
    trackers = lambda doc: [b for b in blocks(doc) if isinstance(b, d.Tracker)]  # noqa: E731
    assert [t.optional for t in trackers(tree(region="front"))] == [True]
    assert [t.optional for t in trackers(tree(region="front", tracker=True))] == [False]
    assert trackers(tree(region="front", tracker=False)) == []


def test_cards_are_areas_sheet_by_sheet_with_backs_after_their_fronts():
    doc = tree("cards", region="front", backs=True)
    names = [a.name for a in doc.areas]
    n = len(LIB.region_exercises("front")) + len(LIB.methods)
    assert names[:8] == ["front"] * 4 + ["back"] * 4 and names.count("front") == names.count("back") == n
    assert doc.subject.startswith("Knee recovery cards")
    for back in (a for a in doc.areas if a.name == "back"):
        roles = [b.role for b in back.children if isinstance(b, d.Box)]
        assert roles == ["red_flags"]
        assert any(isinstance(b, d.Para) and LIB.safety.disclaimer in d.plain(b.text) for b in back.children)


@pytest.mark.parametrize("text", ["<b>bold</b> & {{x}}", "Zoë\nØdegård"])
def test_user_text_is_escaped_once_and_prints_literally(text):
    doc = tree(region="front", notes=text)
    notes = next(b for b in blocks(doc) if isinstance(b, d.Box) and b.role == "notes")
    assert d.plain(notes.children[0].text).replace(" ", "\n" if "\n" in text else " ") == text


def _pdf_text(pdf: bytes) -> str:
    from conftest import text

    return text(pdf)


@pytest.mark.parametrize(
    "args",
    [
        ("--region", "front,lateral"),  # one-page: the descriptions stand in the top area, once
        ("--layout", "handout"),  # no top description: each stands under its region's heading
        ("--layout", "handout", "--region", "above,front"),
        ("--layout", "handout", "--region", "front"),  # one region: still said where it hurts
        ("--layout", "large-print", "--region", "lateral"),
        ("--region", "above"),
    ],
)
def test_each_regions_description_prints_exactly_once(build, args):
    body = _pdf_text(build(*args))
    regions = [r for r in LIB.regions.values() if r.name in body]
    assert len(regions) >= 1
    for region in regions:
        assert body.count(" ".join(region.plain.split())) == 1, region.id


def test_the_tracker_marks_only_exercises_done_per_side(build):
    body = _pdf_text(build("--region", "lateral", "--tracker"))
    exercises = [LIB.exercises[x] for x in LIB.regions["lateral"].exercises]
    assert {x.dosage.per_side for x in exercises} == {True, False}  # both kinds of row
    names = [f"{x.name} (L/R)" if x.dosage.per_side else x.name for x in exercises]
    assert "Day 1 2 3 4 5 6 7 8 9 10 11 12 13 14 " + " ".join(names) + " Pain today, 0–10" in body


def test_an_ice_note_slot_in_a_user_layout_prints_the_ice_box_only_with_ice(run, build, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: handout\ndescription: mine\nslots:\n  bottom: [ice_note, notes, link, disclaimer]\n")
    first = "Ice for 10 minutes at a time."
    assert _pdf_text(build("--layout", mine, "--region", "front")).count(first) == 2  # the ice item's and the slot's
    no_ice = _pdf_text(build("--layout", mine, "--region", "front", "--methods", "stretch,cool-down", name="no-ice.pdf"))
    assert "Ice for" not in no_ice and LIB.safety.ice.ask_first_intro not in no_ice


def test_the_notes_are_set_like_the_text_of_the_other_boxes(build):
    pdf = build("--region", "front", "--notes", "Runnotes marker here")
    sizes = {w["text"]: round(w["size"], 2) for w in words_with_size(pdf)}
    assert "settle" in LIB.safety.pain_rule.split()  # a word only the pain rule's box has
    assert sizes["Runnotes"] == sizes["settle"]


def words_with_size(pdf: bytes) -> list[dict]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [w for p in doc.pages for w in p.extract_words(extra_attrs=["size", "fontname"])]


def test_the_ice_note_is_set_like_the_rest_of_its_box(build):
    """The note's lines and the ask-first list share the box's text size (a line set larger or
    smaller would read as more or less important than the rest)."""
    sizes = {w["text"].strip(".,"): round(w["size"], 2) for w in words_with_size(build("--region", "front"))}
    assert any("blotchy" in line for line in LIB.safety.ice.note) and any("diabetes" in x for x in LIB.safety.ice.ask_first)
    assert sizes["blotchy"] == sizes["diabetes"]


@pytest.mark.parametrize(
    "regions, title", [("front", "Knee recovery routine: Front of the knee"), ("front,lateral", "Knee recovery routine")]
)
def test_the_document_title_names_its_region_only_when_it_has_one(build, regions, title):
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(build("--region", regions))).metadata.title == title


def test_cards_say_what_you_need_and_set_cautions_in_italics(build):
    pdf = build("--layout", "cards", "--region", "lateral")
    needs = [x for x in LIB.regions["lateral"].exercises if LIB.exercises[x].equipment]
    assert needs
    for xid in needs:
        assert f"You need: {LIB.exercises[xid].equipment}" in _pdf_text(pdf)
    caution = "Keep your knee in line with your toes. Don't let it roll inwards."
    assert caution in LIB.exercises["hip-hitch"].cautions
    fonts = {w["fontname"].split("+")[-1] for w in words_with_size(pdf) if w["text"] in ("toes.", "inwards.")}
    assert fonts == {"NotoSans-Italic"}


def test_an_items_own_link_is_printed_on_its_card(build, data_copy):
    from conftest import edit

    url = "https://example.org/clamshell-video"
    edit(
        data_copy,
        "exercises.yaml",
        "    region: lateral\n    goal: Strengthens",
        f"    region: lateral\n    url: {url}\n    goal: Strengthens",
    )
    body = _pdf_text(build("--data", data_copy, "--layout", "cards", "--region", "lateral"))
    assert body.count("Scan for more https://example.org/clamshell") == 1
