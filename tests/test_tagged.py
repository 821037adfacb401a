"""Tagged PDF (PDF/UA-1 minded) and PDF/A-2b, read back with independent tools.

Each layout is built once per module (poppler and the checkers are slow): the structure tree
as poppler's `pdfinfo -struct-text` prints it must hold the document tree's text in the
document tree's order; every text-showing and painting operator of every page must sit in
marked content with an MCID or in an /Artifact (parsed with pikepdf); figures carry their alt
text; the catalog says Marked, Lang, DisplayDocTitle; the `pdfua` checker finds nothing;
`--pdfa` files pass pikepdf's PDF/A-2b checker with the structure intact, and rebuild to the
same bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from pdfua import validate

from pdfgen import document as d
from pdfgen.build import build_one, document, library
from pdfgen.cache import Cache

EPOCH = "1767225600"
ROOT = Path(__file__).resolve().parent.parent
LOGO = ROOT / "samples" / "club-logo.png"
URL = "https://example.org/knee-video"
LAYOUTS = {
    "one-page": {"region": "front", "url": URL, "tracker": True, "methods": "cool-down,ice"},
    "handout": {"region": "all", "club": {"name": "Riverside Runners", "logo": str(LOGO), "url": URL}},
    "cards": {"region": "front", "backs": True},
    "large-print": {"region": "above", "name": "Margaret Owen", "notes": "Walk on flat ground for a week."},
}
TEXT_OPS = {"Tj", "TJ", "'", '"'}
PAINT_OPS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh"}


class Built:
    """One layout built once: its bytes (tagged and PDF/A), its document tree, and poppler's view."""

    def __init__(self, layout: str, tmp: Path) -> None:
        options = {**LAYOUTS[layout], "layout": layout}
        cache = Cache(enabled=False)
        self.pdf, routine, lay = build_one(options, cache=cache)
        self.pdfa = build_one({**options, "pdfa": True}, cache=cache)[0]
        self.doc = document(routine, library(None), lay)
        path = tmp / f"{layout}.pdf"
        path.write_bytes(self.pdf)
        self.path = path
        self.struct_text = subprocess.run(
            ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
        ).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    if shutil.which("pdfinfo") is None:
        pytest.fail("poppler's pdfinfo is missing (Debian: apt-get install poppler-utils; .ci/run installs it)")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    tmp = tmp_path_factory.mktemp("tagged")
    try:
        return {name: Built(name, tmp) for name in LAYOUTS}
    finally:
        mp.undo()


def squash(text: str) -> str:
    """Text without whitespace: poppler joins a paragraph's lines with no space between them."""
    return re.sub(r"\s+", "", text)


def struct_strings(struct_text: str) -> list[str]:
    """The quoted content strings of `pdfinfo -struct-text`, in tree order."""
    return re.findall(r'^\s*"(.*)"\s*$', struct_text, re.M)


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, depth first in tree order."""
    out: list[pikepdf.Dictionary] = []

    def visit(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            out.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                visit(kid)

    for top in pdf.Root.StructTreeRoot.K:
        visit(top)
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_structure_tree_reads_the_document_in_its_order(built, layout):
    """Every text of the document tree appears in poppler's structure text, in the tree's order:
    the order a screen reader follows."""
    b = built[layout]
    tagged = squash("".join(struct_strings(b.struct_text)))
    at = 0
    for text in d.texts(b.doc):
        found = tagged.find(squash(text), at)
        assert found >= 0, f"{layout}: {text!r} missing from the structure tree after position {at}"
        at = found + len(squash(text))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_tree_has_the_elements_the_blocks_stand_for(built, layout):
    b = built[layout]
    with pikepdf.open(io.BytesIO(b.pdf)) as pdf:
        kinds = [str(e.S)[1:] for e in elements(pdf)]  # the types as written (poppler prints Aside as its role, Sect)
    assert kinds[0] == "Document"
    for needed in ("P", "L", "LI", "Lbl", "LBody", "Figure", "H3"):
        assert needed in kinds, f"{layout}: no {needed}"
    blocks = [x for a in b.doc.areas for x in d.walk(a.children)]
    if layout == "cards":  # each card a Sect, directly under Document, fronts then their backs
        tops = re.findall(r"^  (\w+)", b.struct_text, re.M)
        assert tops == ["Sect"] * len(b.doc.areas)
    else:
        assert "H1" in kinds and "H2" in kinds
    if any(isinstance(x, d.Box) for x in blocks):
        assert "Aside" in kinds
    if any(isinstance(x, d.Tracker) for x in blocks):
        for needed in ("Table", "Caption", "TR", "TH", "TD"):
            assert needed in kinds, f"{layout}: no {needed}"
    if any(isinstance(x, d.Link) for x in blocks) or any(isinstance(x, d.ClubBand) and x.url for x in blocks):
        assert "Link" in kinds


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_text_and_drawing_is_tagged_content_or_an_artifact(built, layout):
    """Content-stream parse: Tj/TJ/'/" and painting operators inside an MCID'd BDC or an
    /Artifact; marked content balanced; each page's MCIDs numbered 0..n-1 once."""
    with pikepdf.open(io.BytesIO(built[layout].pdf)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            stack: list[str] = []
            mcids: list[int] = []
            shown = 0
            for operands, op in pikepdf.parse_content_stream(page):
                name = str(op)
                if name == "BDC":
                    props = operands[1]
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                        mcids.append(int(props.MCID))
                        stack.append("mcid")
                    else:
                        stack.append(str(operands[0]))
                elif name == "BMC":
                    stack.append(str(operands[0]))
                elif name == "EMC":
                    assert stack, f"{layout} page {number}: EMC without BDC/BMC"
                    stack.pop()
                elif name in TEXT_OPS | PAINT_OPS:
                    assert "mcid" in stack or "/Artifact" in stack, f"{layout} page {number}: untagged {name} {operands!r:.80}"
                    shown += name in TEXT_OPS
            assert not stack, f"{layout} page {number}: marked content left open"
            assert shown and mcids == list(range(len(mcids))) and mcids


@pytest.mark.parametrize("layout", LAYOUTS)
def test_parent_tree_and_annotations_point_back_at_their_elements(built, layout):
    with pikepdf.open(io.BytesIO(built[layout].pdf)) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        tree = dict(zip((int(k) for k in nums[::2]), nums[1::2], strict=True))
        assert int(root.ParentTreeNextKey) == max(tree) + 1
        for page in pdf.pages:
            parents = tree[int(page.obj.StructParents)]
            for mcid, elem in enumerate(parents):
                kids = elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K]
                assert any(
                    k == mcid or (isinstance(k, pikepdf.Dictionary) and k.get("/MCID") == mcid and k.Pg.objgen == page.objgen)
                    for k in kids
                ), f"{layout}: MCID {mcid} not in the K of its parent-tree element"
            for annot in page.obj.get("/Annots", []):
                elem = tree[int(annot.StructParent)]
                objrs = [k for k in elem.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                assert elem.S == "/Link" and any(k.Obj.objgen == annot.objgen for k in objrs)
                assert annot.F == 4 and str(annot.Contents) == str(annot.A.URI)
                assert page.obj.Tabs == "/S"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_figures_carry_their_alt_text_in_the_document_order(built, layout):
    b = built[layout]
    with pikepdf.open(io.BytesIO(b.pdf)) as pdf:
        alts = [str(e.Alt) for e in elements(pdf) if e.S == "/Figure"]
    assert alts and all(a.strip() for a in alts)
    wanted = [d.plain(x.alt) for a in b.doc.areas for x in d.walk(a.children) if isinstance(x, d.Figure)]
    drawings = [a for a in alts if not a.startswith("QR code") and not a.endswith(": logo")]
    it = iter(wanted)  # the drawn figures, in order (a layout may leave optional ones out)
    assert all(any(a == w for w in it) for a in drawings), (drawings, wanted)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_catalog_says_tagged_language_and_title(built, layout):
    b = built[layout]
    with pikepdf.open(io.BytesIO(b.pdf)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == b.doc.lang
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == b.doc.title
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == b.doc.title
            assert meta["pdfuaid:part"] == "1"
        for page in pdf.pages:
            assert "/Trans" not in page.obj


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_pdfua_checker_finds_nothing(built, layout):
    report = validate(built[layout].path)
    assert [(f.rule_id, f.message) for f in report.findings] == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdfa_passes_pikepdfs_checker_with_the_tags_intact(built, layout):
    b = built[layout]
    with pikepdf.open(io.BytesIO(b.pdfa)) as pdf:
        report = pikepdf.pdfa.check(pdf, "2b")
        assert report.passed, report.findings
        assert b.pdfa.startswith(b"%PDF-1.4\n%\x93") and "/ID" in pdf.trailer
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        with pdf.open_metadata() as meta:
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:title"] == str(pdf.docinfo.Title) == b.doc.title
            assert meta["xmp:CreateDate"] == "2026-01-01T00:00:00+00:00"
        tagged = [str(e.S) for e in elements(pdf)]
    with pikepdf.open(io.BytesIO(b.pdf)) as plain_pdf:
        assert tagged == [str(e.S) for e in elements(plain_pdf)]


@pytest.mark.parametrize("layout", ["handout", "cards"])
def test_pdfa_rebuilds_to_the_same_bytes(built, layout, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    options = {**LAYOUTS[layout], "layout": layout, "pdfa": True}
    assert build_one(options, cache=Cache())[0] == built[layout].pdfa


def test_every_font_is_embedded(built):
    for b in built.values():
        fonts = subprocess.run(["pdffonts", str(b.path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(" yes " in r.split("TrueType", 1)[-1] for r in rows), fonts


@pytest.mark.parametrize(
    "mode, suffix", [("CMYK", ".jpg"), ("RGBA", ".png"), ("P", ".png"), ("LA", ".png"), ("I;16", ".png")]
)
def test_pdfa_with_any_logo_is_conformant(tmp_path, mode, suffix, monkeypatch):
    """A CMYK JPEG becomes RGB (an sRGB intent cannot carry CMYK); alpha stays a soft mask,
    which PDF/A-2 allows with the output intent."""
    from PIL import Image

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    logo = tmp_path / f"logo{suffix}"
    colour = {"CMYK": (0, 200, 200, 0), "RGBA": (200, 30, 30, 100), "P": 1, "LA": (90, 100), "I;16": 30000}[mode]
    image = Image.new(mode, (120, 80), colour)
    if mode == "P":
        image.putpalette([0, 0, 0, 255, 0, 0] * 128)
        image.save(logo, transparency=0)
    else:
        image.save(logo)
    club = {"name": "Test RC", "logo": str(logo), "url": URL}
    pdf = build_one({"layout": "handout", "region": "front", "club": club, "pdfa": True}, cache=Cache(enabled=False))[0]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert pikepdf.pdfa.check(doc, "2b").passed
        images = [o for o in doc.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        spaces = {str(o.ColorSpace) for o in images}
    assert images and spaces <= {"/DeviceRGB", "/DeviceGray"}, spaces
    assert "/DeviceCMYK" not in spaces


# ------------------------------------------------------------------ how --pdfa is asked for


def test_pdfa_from_the_flag_a_routine_file_and_a_roster(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\npdfa: true\n")
    for args, out in (([routine], "file.pdf"), (["--region", "front", "--pdfa"], "flag.pdf")):
        result = run("build", *args, "-o", tmp_path / out)
        assert result.exit_code == 0, result.stderr
        with pikepdf.open(tmp_path / out) as pdf, pdf.open_metadata() as meta:
            assert meta["pdfaid:part"] == "2"
    roster = tmp_path / "roster.csv"
    roster.write_text("name,region,pdfa\nSam,front,yes\nAli,front,no\n")
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    claims = {}
    for pdf_path in sorted((tmp_path / "out").glob("*.pdf")):
        with pikepdf.open(pdf_path) as pdf, pdf.open_metadata() as meta:
            claims[pdf_path.name.split("-")[0]] = meta.get("pdfaid:part")
    assert claims == {"sam": "2", "ali": None}


def test_bad_pdfa_values_are_one_located_line(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\npdfa: maybe\n")
    result = run("build", routine, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {routine}:2: pdfa: is 'maybe' (true or false is allowed)"
    result = run("build", "--region", "front", "--pdfa", "-o", tmp_path / "x.html")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --pdfa: applies to a PDF, not an HTML page")
    assert not list(tmp_path.glob("x.*"))


def test_the_pdfa_sample_is_pdfa_and_the_others_are_tagged():
    """samples/: the file that asks for PDF/A passes the checker; every sample PDF is tagged."""
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    asked = [p for p in samples if re.search(r"^pdfa:\s*true\s*$", p.read_text(), re.M)]
    assert asked
    for routine in samples:
        with pikepdf.open(routine.with_suffix(".pdf")) as pdf:
            assert pdf.Root.MarkInfo.Marked is True and "/StructTreeRoot" in pdf.Root, routine.name
            if routine in asked:
                assert pikepdf.pdfa.check(pdf, "2b").passed, routine.name


def _all_text_tagged(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        stack: list[str] = []
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name in ("BDC", "BMC"):
                props = operands[1] if name == "BDC" else None
                stack.append("mcid" if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else str(operands[0]))
            elif name == "EMC":
                stack.pop()
            elif name in TEXT_OPS:
                assert "mcid" in stack or "/Artifact" in stack


def test_a_paragraph_split_across_pages_stays_one_element_and_a_repeated_title_is_furniture(monkeypatch):
    """What the samples never do: a paragraph running on to the next page (its pieces are one
    P, the second marked on its own page), and a box title repeated on the next page (drawn
    again as an Artifact, so a screen reader hears it once)."""
    import functools

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate

    from pdfgen import fonts
    from pdfgen.rl_private import Para, Table
    from pdfgen.tagging import Struct, TaggedCanvas

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    style = ParagraphStyle("t", fontName=fonts.register()["regular"], fontSize=10, leading=12)
    struct = Struct()
    long = struct.mark(Para(" ".join(f"word{i}" for i in range(300)), style), "P")
    with struct.under("Aside"):
        title = struct.mark(Para("Box title", style), "H2")
        rows = [[title]] + [[struct.mark(Para(f"Row {i}", style), "P")] for i in range(30)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=(300, 300), initialFontName=fonts.register()["regular"], invariant=1)
    doc.build([long, Table(rows, repeatRows=1)], canvasmaker=functools.partial(TaggedCanvas, scope=struct))
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        assert len(pdf.pages) >= 3
        _all_text_tagged(pdf)
        elems = elements(pdf)
        p = next(e for e in elems if e.S == "/P")
        kids = list(p.K)
        assert isinstance(kids[0], int) and any(
            isinstance(k, pikepdf.Dictionary) and k.Type == "/MCR" and k.Pg.objgen != p.Pg.objgen for k in kids
        )
        h2 = next(e for e in elems if e.S == "/H2")
        assert isinstance(h2.K, int)  # one MCID: the title's repeats are artifacts
        assert str(h2.ActualText if "/ActualText" in h2 else "Box title") == "Box title"
        assert [str(e.S) for e in elems][:3] == ["/Document", "/P", "/Aside"]


def test_a_spec_default_asks_for_pdfa_and_combine_refuses_it(run, tmp_path):
    """`defaults: {pdfa: true}` reaches every item; --combine would merge the pages into a file
    that is neither PDF/A nor tagged, so those rows are refused, located, not silently degraded."""
    spec = tmp_path / "s.yaml"
    spec.write_text("defaults: {pdfa: true}\nitems:\n  - {region: front, name: A}\n")
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    with pikepdf.open(tmp_path / "out" / "a-front.pdf") as pdf:
        assert pikepdf.pdfa.check(pdf, "2b").passed
    result = run("batch", spec, "--combine", tmp_path / "pack.pdf", "--jobs", "1")
    assert result.exit_code == 2 and not (tmp_path / "pack.pdf").exists()
    assert f"error: {spec}:3: items[0].pdfa: a file merged with --combine is not PDF/A" in result.stderr
