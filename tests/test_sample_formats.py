"""Every sample routine also as an HTML page and as PDF/A-2b: what a physio emails and what a
clinic files must hold the same routine as the printed page, whatever the layout."""

from __future__ import annotations

import io

import pikepdf
import pytest
from test_html import headings, outside_references, parse, skipped_levels
from test_samples import ROUTINES

from pdfgen.build import build_one, document, library
from pdfgen.cache import Cache
from pdfgen.document import plain
from pdfgen.load import read_yaml

CACHE = Cache()


def items(routine) -> list[str]:
    return [x.name for x in (*routine.methods, *routine.exercises)]


@pytest.mark.parametrize("path", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_every_sample_as_an_html_page(path):
    page, routine, lay = build_one({"pdfa": False}, read_yaml(path, "routine"), str(path), cache=CACHE, fmt="html")
    html = page.decode("utf-8")
    root = parse(html)
    assert root.find("html")[0].attrs.get("lang"), path.name
    levels = [level for level, _ in headings(root)]
    assert levels.count(1) == 1 and not skipped_levels(levels), (path.name, levels)
    links = {u for u in (routine.url, routine.club.url if routine.club else None) if u}  # real links, not resources
    assert not outside_references(root, html, links), path.name
    assert not root.find("script"), path.name
    text = " ".join(root.text().split())
    for name in items(routine):
        assert " ".join(plain(name).split()) in text, (path.name, name)
    tree = document(routine, library(None, CACHE), lay)
    ice = [x for x in routine.methods if x.id == "ice"]
    if ice:  # the ice note travels with the ice method into every format
        assert any("ice" in b.role for a in tree.areas for b in _boxes(a.children)), path.name


def _boxes(blocks):
    from pdfgen.document import Box, walk

    return [b for b in walk(blocks) if isinstance(b, Box)]


@pytest.mark.parametrize("path", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_every_sample_as_pdfa_passes_the_checker_with_its_tags(path, tmp_path):
    pdf, routine, _ = build_one({"pdfa": True}, read_yaml(path, "routine"), str(path), cache=CACHE)
    out = tmp_path / "a.pdf"
    out.write_bytes(pdf)
    with pikepdf.open(out) as doc:
        result = pikepdf.pdfa.check(doc, "2b")
        assert result.passed, (path.name, str(result)[:500])
        assert doc.Root.MarkInfo.Marked is True and "/StructTreeRoot" in doc.Root, path.name
        top = doc.Root.StructTreeRoot.K[0]
        assert top.S == "/Document" and len(top.K) > 0, path.name
    plain_pdf = build_one({}, read_yaml(path, "routine"), str(path), cache=CACHE)[0]
    with pikepdf.open(out) as a, pikepdf.open(io.BytesIO(plain_pdf)) as b:
        assert len(a.pages) == len(b.pages), path.name  # archiving never changes the page
