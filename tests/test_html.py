"""kneecard build --format html: one self-contained, accessible HTML5 page from the same document tree.

The page is read back with the standard library's html.parser into a small tree, and checked
for what a screen reader, a phone and a printer need: the language, one h1 and headings that
never skip a level, every chosen item by name, the ice note inside the ice item, every red flag
under its urgency heading, the disclaimer, the tracker as a table with a caption and header
cells, named drawings, no scripts or outside files, and the same bytes every build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_imports import import_graph, module_sources

from pdfgen import document as d
from pdfgen import html as page_html
from pdfgen.build import build_one, default_output_name, document, layout, library, output_format
from pdfgen.cache import Cache
from pdfgen.errors import InputError
from pdfgen.load import read_yaml
from pdfgen.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
VOID = {"meta", "br", "img", "input", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "param", "track"}
URL = "https://physio.example.org/knee-videos"
LAYOUTS = ["one-page", "handout", "large-print", "cards"]


# ---------------------------------------------------------------- a small DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter(tag)

    def text(self) -> str:
        """The text a reader gets, spaces folded (visually hidden text included, as a screen reader reads it).
        Elements are set apart by spaces, but for a no-wrap span, which is part of a word (45–60°)."""
        parts = [
            c if isinstance(c, str) else c.text() if attr_has(c, "class", "nw") else " " + c.text() + " " for c in self.children
        ]
        return " ".join("".join(parts).split())

    def find(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.iter(tag) if all(attr_has(n, k.rstrip("_"), v) for k, v in attrs.items())]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def attr_has(node: Node, name: str, value: str) -> bool:
    if name == "class":
        return value in node.attrs.get("class", "").split()
    return node.attrs.get(name) == value


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.at = self.root
        self.decl: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.decl = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.at))

    def handle_endtag(self, tag):
        node = self.at
        while node is not self.root and node.tag != tag:
            node = node.parent
        assert node is not self.root, f"</{tag}> closes nothing"
        self.at = node.parent

    def handle_data(self, data):
        self.at.children.append(data)


def parse(page: str) -> Node:
    """The page as a tree; every element closed where it should be (a stray end tag fails)."""
    b = _Builder()
    b.feed(page)
    b.close()
    assert b.at is b.root, f"<{b.at.tag}> never closed"
    assert b.decl == "DOCTYPE html"
    return b.root


def headings(root: Node) -> list[tuple[int, str]]:
    return [(int(n.tag[1]), n.text()) for n in root.iter() if re.fullmatch(r"h[1-6]", n.tag)]


def skipped_levels(levels: list[int]) -> list[str]:
    """Where a heading goes more than one level deeper than the one before (the first must be h1)."""
    out = []
    before = 0
    for level in levels:
        if level > before + 1:
            out.append(f"h{before} -> h{level}")
        before = level
    return out


def outside_references(root: Node, page: str, allowed: set[str]) -> list[str]:
    """Every src/href (and style url()) that is neither inside the page (data:, #id) nor one of `allowed`."""
    refs = [v for n in root.iter() for k, v in n.attrs.items() if k in ("src", "href", "xlink:href", "srcset", "action")]
    refs += re.findall(r"url\(\s*['\"]?([^'\")]+)", page) + re.findall(r"@import\s+['\"]?([^'\";]+)", page)
    return [r for r in refs if not r.startswith(("data:", "#")) and r not in allowed]


# ---------------------------------------------------------------- building


def build(args: list[str], run, tmp_path: Path, name: str = "out.html") -> str:
    out = tmp_path / name
    result = run("build", *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def tree_of(options: dict, file: Path | None = None) -> d.Document:
    """The document tree the HTML was built from, for what the page must hold."""
    doc = read_yaml(file, "routine") if file else None
    lay = layout(options.get("layout") or (doc or {}).get("layout") or "one-page", None)
    lib = library(None)
    routine = resolve(lib, doc, str(file) if file else None, options, default_region=lay.region_default)
    return document(routine, lib, lay)


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> tuple[str, Node]:
    """The front sample routine with a link: the page most tests read."""
    from click.testing import CliRunner

    from pdfgen.cli import main

    out = tmp_path_factory.mktemp("html") / "front.html"
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "front.yaml"), "--url", URL, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    return page, parse(page)


# ---------------------------------------------------------------- the page


def test_lang_title_and_landmarks(front):
    page, root = front
    (html,) = root.find("html")
    assert html.attrs["lang"] == "en-GB"
    (title,) = root.find("head")[0].find("title")
    assert title.text() == "Knee recovery routine: Front of the knee, for Zoë Ødegård"
    for landmark in ("header", "main", "footer"):
        assert len(root.find(landmark)) == 1, landmark
    assert root.find("meta", charset="utf-8") and root.find("meta", name="viewport")


@pytest.mark.parametrize("lay", LAYOUTS)
def test_one_h1_and_heading_levels_never_skip(lay, run, tmp_path):
    root = parse(build(["--region", "front", "--layout", lay, "--name", "Sam"], run, tmp_path))
    levels = [level for level, _ in headings(root)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert not skipped_levels(levels), skipped_levels(levels)
    h1 = root.find("h1")[0]
    assert any(a.tag == "header" for a in h1.ancestors())


def test_the_heading_check_can_fail():
    assert skipped_levels([1, 3]) == ["h1 -> h3"]
    assert skipped_levels([2]) == ["h0 -> h2"]
    assert skipped_levels([1, 2, 3, 4, 2, 3, 2]) == []


def test_every_chosen_item_by_name_as_a_heading(run, tmp_path):
    args = ["--region", "lateral", "--methods", "cool-down,ice,massage", "--exercises", "clamshell,hip-hitch"]
    root = parse(build(args, run, tmp_path))
    lib = library(None)
    names = [lib.methods[m].name for m in ("cool-down", "ice", "massage")] + [
        lib.exercises[x].name for x in ("clamshell", "hip-hitch")
    ]
    heads = [text for level, text in headings(root) if level == 3]
    for name in names:
        assert name in heads, name
    for item_id in ("cool-down", "ice", "massage"):
        (section,) = root.find("section", id=f"method-{item_id}")
        assert section.find("h3")[0].text() == lib.methods[item_id].name
    assert lib.methods["stretch"].name not in root.text()


def test_steps_are_an_ordered_list_in_order(front):
    _, root = front
    lib = library(None)
    (wall_sit,) = root.find("section", id="exercise-wall-sit")
    (steps,) = wall_sit.find("ol")
    assert [li.text() for li in steps.find("li")] == [d.plain(d.esc(s)) for s in lib.exercises["wall-sit"].steps]


def test_ice_note_is_inside_the_ice_item(front):
    _, root = front
    ice = library(None).safety.ice
    (item,) = root.find("section", id="method-ice")
    (box,) = item.find("section", class_="box-ice")
    title = root.find("h4", id=box.attrs["aria-labelledby"])
    assert title and title[0].text() == "Ice safety"
    said = box.text()
    for line in ice.note_lines(15):
        assert d.plain(d.esc(line)) in said, line
    assert "Never leave ice on for more than 20 minutes" in said
    for who in ice.ask_first:
        assert d.plain(d.esc(who)) in said
    assert not root.find("main")[0].find("section", class_="box-ice")[1:], "one ice note"


def test_every_red_flag_under_its_urgency_heading(front):
    _, root = front
    lib = library(None)
    safety = lib.safety
    country = safety.countries["gb"]
    (box,) = root.find("section", class_="box-red-flags")
    assert box.find("h2")[0].text() == "When to stop and get help"
    groups = box.find("div", class_="group")
    expected = safety.flags.groups(country, ("front",))
    assert len(groups) == len(expected) >= 2
    for group, (intro, signs) in zip(groups, expected, strict=True):
        (head,) = group.find("h3")
        assert head.text() == d.plain(d.esc(intro))
        (ul,) = group.find("ul")
        assert [li.text() for li in ul.find("li")] == [d.plain(d.esc(s)) for s in signs]
    assert d.plain(d.esc(safety.flags.routine_line(country))) in box.text()


def test_disclaimer_in_the_main_content(front):
    _, root = front
    assert d.plain(d.esc(library(None).safety.disclaimer)) in root.find("main")[0].text()


def test_tracker_is_a_table_with_caption_and_header_cells(front):
    _, root = front
    (table,) = root.find("table")
    (caption,) = table.find("caption")
    assert caption.text().startswith("Your two weeks.")
    heads = table.find("thead")[0].find("th")
    assert len(heads) == 15 and all(th.attrs.get("scope") == "col" for th in heads)
    assert [th.text() for th in heads[1:3]] == ["Day 1", "Day 2"]
    rows = table.find("tbody")[0].find("tr")
    labels = [r.find("th")[0].text() for r in rows]
    assert labels == ["Wall sit", "Step-down", "Light leg press", "Pain today, 0–10", "Notes"]
    assert all(r.find("th")[0].attrs.get("scope") == "row" for r in rows)
    tree = tree_of({}, SAMPLES / "front.yaml")
    (tracker,) = [b for a in tree.areas for b in d.walk(a.children) if isinstance(b, d.Tracker)]
    for row, data in zip(rows, tracker.rows, strict=False):
        cells = row.find("td")
        assert len(cells) == 14
        for cell, due in zip(cells, data.due, strict=True):
            if due:
                assert cell.find("span", class_="tick") and "rest day" not in cell.text()
            else:
                assert cell.text() == "– rest day" and cell.find("span", class_="vh")[0].text() == "rest day"
    region = table.parent
    assert region.attrs["role"] == "region" and region.attrs["aria-labelledby"] == caption.attrs["id"]


def test_no_script_and_nothing_from_outside(run, tmp_path):
    """Handout with a club, its logo and link, and the routine's own link: only the user's URLs leave the page."""
    club = "https://riverside-runners.example.org/knees"
    page = build(
        ["--layout", "handout", "--club", "Riverside Runners", "--logo", SAMPLES / "club-logo.png", "--url", club],
        run,
        tmp_path,
    )
    root = parse(page)
    assert not root.find("script") and "<script" not in page.lower()
    assert not re.search(r"\son[a-z]+=", page), "no event handler attributes"
    assert not root.find("link") and not root.find("iframe") and not root.find("object")
    assert outside_references(root, page, {club}) == []
    hrefs = [a.attrs["href"] for a in root.find("a")]
    assert hrefs and set(hrefs) == {club}
    (logo,) = root.find("img", class_="logo")
    assert logo.attrs["src"].startswith("data:image/png;base64,") and logo.attrs["alt"] == ""


def test_routine_link_is_a_real_link_with_its_qr_code(front):
    page, root = front
    (link,) = root.find("div", class_="link")
    (a,) = link.find("a")
    assert a.attrs["href"] == URL and a.text() == URL
    (qr,) = link.find("svg", class_="qr")
    assert qr.attrs["aria-label"] == f"QR code for {URL}"
    assert outside_references(root, page, {URL}) == []


def test_the_outside_check_can_fail():
    page = '<!DOCTYPE html><html><body><img src="https://cdn.example.com/a.png"><a href="#x">x</a>'
    page += '<svg><image href="data:,"/></svg>'
    page += "<style>b { background: url(http://example.com/b.png) }</style></body></html>"
    assert outside_references(parse(page), page, set()) == ["https://cdn.example.com/a.png", "http://example.com/b.png"]


@pytest.mark.parametrize("lay", LAYOUTS)
def test_every_drawing_is_named(lay, run, tmp_path):
    page = build(["--region", "front", "--layout", lay], run, tmp_path)
    root = parse(page)
    svgs = root.find("svg")
    assert svgs, "figures are drawn"
    tree = tree_of({"region": "front", "layout": lay})
    alts = {f.alt for a in tree.areas for f in d.walk(a.children) if isinstance(f, d.Figure)}
    for svg in svgs:
        assert svg.attrs.get("role") == "img"
        label = svg.attrs.get("aria-label", "").strip()
        assert label, svg.attrs
        (title,) = svg.find("title")
        assert title.text() == label
    assert {s.attrs["aria-label"] for s in svgs if "drawing" in s.attrs["class"]} == alts
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "ids are unique: several SVGs share the page"
    for ref in re.findall(r'(?:aria-labelledby="|url\(#)([\w-]+)', page):
        assert ref in ids, ref


def test_cards_are_sections_each_front_then_its_back(run, tmp_path):
    root = parse(build(["--layout", "cards", "--region", "front", "--backs", "--methods", "ice"], run, tmp_path))
    cards = root.find("section", class_="card")
    sides = ["back" if "card-back" in c.attrs["class"] else "front" for c in cards]
    assert sides == ["front", "back"] * 4
    names = [c.find("h2")[0].text() for c in cards]
    for front_name, back_name in zip(names[::2], names[1::2], strict=True):
        assert back_name == f"Back of {front_name}"
    (ice,) = root.find("section", id="method-ice")
    assert ice.find("section", class_="box-ice")


def test_footer_has_no_page_number(run, tmp_path):
    root = parse(build(["--layout", "handout", "--club", "Riverside Runners"], run, tmp_path))
    (footer,) = root.find("footer")
    assert footer.text() == "Riverside Runners · Knee recovery guide · made with kneecard"
    assert d.PAGE_MARK not in footer.text()


# ---------------------------------------------------------------- style


def test_print_style_follows_the_paper(run, tmp_path):
    a4 = build(["--region", "front"], run, tmp_path, "a4.html")
    letter = build(["--region", "front", "--paper", "letter"], run, tmp_path, "letter.html")
    assert "@page { size: A4;" in a4 and "@page { size: letter;" in letter
    for page in (a4, letter):
        (margins,) = re.findall(r"@page \{ size: \w+; margin: ([^;]+);", page)
        assert all(float(m.removesuffix("mm")) >= 10 for m in margins.split())
        assert "@media print" in page and "break-inside: avoid" in page


def test_text_colours_reach_aa_contrast(front):
    page, _ = front
    style = page[page.index("<style>") : page.index("</style>")]
    colours = re.findall(r"(?<![-\w])color: (#[0-9a-f]{6})", style)
    backgrounds = ["#ffffff", *re.findall(r"background: (#[0-9a-f]{6})", style)]
    assert len(colours) > 5 and len(backgrounds) > 3
    for c in colours:
        for bg in backgrounds:
            assert page_html.contrast(c, bg) >= 4.5, (c, bg)


def test_a_pale_accent_is_darkened_for_text_a_dark_one_kept(tmp_path, run):
    assert page_html.readable("#1f5f73") == "#1f5f73"
    pale = page_html.readable("#7fbfff")
    assert pale != "#7fbfff" and page_html.contrast(pale) >= 4.5
    assert round(page_html.contrast("#000000"), 1) == 21.0 and round(page_html.contrast("#ffffff"), 1) == 1.0
    pale_layout = tmp_path / "pale.yaml"
    pale_layout.write_text(
        "extends: one-page\ndescription: pale accent\naccent: '#7fbfff'\n"
        "styles:\n  h2: {color: '#7fbfff'}\n  dose: {color: '#7fbfff'}\n"
    )
    page = build(["--region", "front", "--layout", pale_layout], run, tmp_path)
    style = page[page.index("<style>") : page.index("</style>")]
    assert "#7fbfff" not in re.findall(r"(?<![-\w])color: (#[0-9a-f]{6})", style)
    assert f"li::marker {{ color: {page_html.readable('#7fbfff', ('#ffffff', '#e8f1f5', '#f3f3ee', '#fbeeed'))};" in style


def test_markup_passes_only_b_i_and_br():
    assert page_html.inline("a <b>b</b> <i>c</i><br/>d &amp; e") == "a <b>b</b> <i>c</i><br>d &amp; e"
    assert page_html.inline('<font name="x" size="9">f</font> <a href="javascript:x">g</a>') == "f g"


# ---------------------------------------------------------------- the command


def test_same_bytes_on_rebuild(run, tmp_path):
    first = build(["--layout", "handout", "--club", "Riverside Runners", "--url", URL], run, tmp_path, "1.html")
    second = build(["--layout", "handout", "--club", "Riverside Runners", "--url", URL], run, tmp_path, "2.html")
    assert first == second
    warm = Cache()
    path = SAMPLES / "cards-front.yaml"
    cold = build_one({}, read_yaml(path, "routine"), str(path), cache=Cache(enabled=False), fmt="html")[0]
    for _ in range(2):
        assert build_one({}, read_yaml(path, "routine"), str(path), cache=warm, fmt="html")[0] == cold


def test_front_sample_is_rebuilt_byte_identical():
    path = SAMPLES / "front.yaml"
    built = build_one({}, read_yaml(path, "routine"), str(path), cache=Cache(enabled=False), fmt="html")[0]
    assert built == (SAMPLES / "front.html").read_bytes(), "run python samples/build.py"


def test_format_follows_the_output_suffix(run, tmp_path, monkeypatch):
    assert build(["--region", "front"], run, tmp_path, "r.html").startswith("<!DOCTYPE html>")
    assert build(["--region", "front"], run, tmp_path, "r.HTM").startswith("<!DOCTYPE html>")
    pdf = tmp_path / "r.pdf"
    assert run("build", "--region", "front", "-o", pdf).exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    assert run("build", "--region", "front", "--format", "html", "-o", tmp_path / "r.page").exit_code == 0
    assert (tmp_path / "r.page").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = run("build", "--region", "front", "--format", "html", "-o", "-")
    assert out.exit_code == 0 and out.stdout_bytes.startswith(b"<!DOCTYPE html>")
    monkeypatch.chdir(tmp_path)
    assert run("build", "--region", "front", "--name", "Zoë", "--format", "html").exit_code == 0
    assert (tmp_path / "zoe-front.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["--format", "docx", "-o", "x.pdf"], "'docx' is not a format"),
        (["--format", "htm", "-o", "x.html"], "did you mean 'html'"),
        (["--format", "HTML", "-o", "x.html"], "'HTML' is not a format"),
        (["--format", "", "-o", "x.pdf"], "'' is not a format"),
        (["--format", "pdf", "-o", "x.html"], "contradicts -o 'x.html'"),
        (["--format", "html", "-o", "x.pdf"], "contradicts -o 'x.pdf'"),
        (["--format", "pdf", "-o", "x.htm"], "contradicts -o 'x.htm'"),
        (["--format", "docx", "-o", "-"], "'docx' is not a format"),
    ],
)
def test_bad_format_is_one_line_exit_2_nothing_written(args, phrase, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--region", "front", *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --format: ") and phrase in lines[0], lines
    assert list(tmp_path.iterdir()) == [] and result.stdout_bytes == b""


def test_output_format_on_its_own():
    assert output_format(None, None) == "pdf" and output_format(None, "-") == "pdf"
    assert output_format(None, "a/b.HTML") == "html" and output_format(None, "b.txt") == "pdf"
    assert output_format("html", None) == "html" and output_format("html", "-") == "html"
    with pytest.raises(InputError) as err:
        output_format("pdf", "r.html")
    assert err.value.problems[0].field == "--format"


def test_default_output_name_takes_the_format():
    lib = library(None)
    routine = resolve(lib, None, None, {"region": "front", "name": "Sam"})
    assert default_output_name(routine) == "sam-front.pdf" and default_output_name(routine, "html") == "sam-front.html"


def test_html_walks_the_tree_alone():
    """pdfgen/html.py reads the document tree itself: no PDF renderer, no layout kind under it."""
    graph = import_graph(module_sources())
    reached, todo = set(), ["pdfgen.html"]
    while todo:
        for dep in graph[todo.pop()] - reached:
            reached.add(dep)
            todo.append(dep)
    assert not reached & {"pdfgen.render", "pdfgen.kinds", "pdfgen.kinds.page", "pdfgen.kinds.cards", "pdfgen.compose"}
