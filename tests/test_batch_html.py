"""`kneecard batch --format html` (or `format: html` in a spec, or an output template ending in .html):
one self-contained page a row, named like the PDFs, each the same bytes `build` writes for that row."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_html import parse

ROSTER = """name,region,methods,club_name
Sam Lee,front,,
Zoë Ødegård,lateral;front,stretch;ice,Harriers
Sam Lee,front,,
"""


def write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_roster_as_html_one_page_a_row_named_like_the_pdfs(run, tmp_path):
    roster = write(tmp_path / "roster.csv", ROSTER)
    result = run("batch", roster, "--format", "html", "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    out = files(tmp_path / "out")
    assert sorted(out) == ["sam-lee-front-2.html", "sam-lee-front.html", "zoe-odegard-lateral-front.html"]
    page = out["zoe-odegard-lateral-front.html"].decode("utf-8")
    root = parse(page)
    (title,) = root.find("head")[0].find("title")
    assert "Zoë Ødegård" in title.text()
    assert "Harriers" in root.find("header")[0].text()
    methods = [s.attrs["id"] for s in root.find("section", class_="item-method")]
    assert methods == ["method-stretch", "method-ice"]
    # the same bytes `kneecard build` writes for the same routine
    single = tmp_path / "one.html"
    args = ["--name", "Zoë Ødegård", "--region", "lateral,front", "--methods", "stretch,ice", "--club", "Harriers"]
    assert run("build", *args, "-o", single).exit_code == 0
    assert single.read_bytes() == out["zoe-odegard-lateral-front.html"]


def test_html_pages_are_the_same_whatever_the_number_of_workers(run, tmp_path):
    roster = write(tmp_path / "roster.csv", ROSTER)
    assert run("batch", roster, "--format", "html", "-o", tmp_path / "one", "--jobs", "1").exit_code == 0
    assert run("batch", roster, "--format", "html", "-o", tmp_path / "two", "--jobs", "2").exit_code == 0
    assert files(tmp_path / "one") == files(tmp_path / "two")


@pytest.mark.parametrize(
    ("head", "names"),
    [
        ("format: html\n", ["a-front.html", "b-all.html"]),  # the spec's format:, default names
        ("output: '{name}-{layout}.html'\n", ["a-cards.html", "b-handout.html"]),  # the template's suffix picks html
        ("format: html\noutput: '{name}.htm'\n", ["a.html", "b.html"]),  # .htm is html too
        ("output: '{name}'\n", ["a.pdf", "b.pdf"]),  # no suffix, no format: PDF, as before
    ],
)
def test_spec_format_and_template_suffix(head, names, run, tmp_path):
    spec = write(
        tmp_path / "spec.yaml",
        head + "items:\n  - {name: A, region: front, layout: cards}\n  - {name: B, region: all, layout: handout}\n",
    )
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    out = files(tmp_path / "out")
    assert sorted(out) == names
    for name, body in out.items():
        assert body.startswith(b"<!DOCTYPE html>" if name.endswith(".html") else b"%PDF-"), name


@pytest.mark.parametrize(
    ("spec", "args", "message"),
    [
        (None, ["--format", "docx"], "error: --format: 'docx' is not a format (allowed: pdf, html)"),
        (None, ["--format", "htm"], "error: --format: 'htm' is not a format; did you mean 'html'? (allowed: pdf, html)"),
        (
            None,
            ["--format", "html", "--combine", "all.pdf"],
            "error: --combine: merges PDFs, and this batch writes html (leave out --combine: one page a row)",
        ),
        (
            "format: html\nitems: [{name: A, region: front}]\n",
            ["--combine", "all.html"],
            "error: --combine: merges PDFs, and this batch writes html (leave out --combine: one page a row)",
        ),
        (
            "output: '{name}.pdf'\nitems: [{name: A, region: front}]\n",
            ["--format", "html"],
            "error: --format: 'html' contradicts output: '{name}.pdf' in spec.yaml, a .pdf name"
            " (name it .html, or leave out --format)",
        ),
        (
            "items: [{name: A, region: front}]\noutput: '{name}.html'\nformat: pdf\n",
            [],
            "error: spec.yaml:3: format: 'pdf' contradicts output: '{name}.html', a .html name"
            " (name it .pdf, or leave out format:)",
        ),
        (
            "items: [{name: A, region: front}]\nformat: PDF\n",
            [],
            "error: spec.yaml:2: format: 'PDF' is not a format (allowed: pdf, html)",
        ),
    ],
)
def test_bad_format_is_one_line_exit_2_nothing_written(spec, args, message, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = write(tmp_path / "spec.yaml", spec) if spec else write(tmp_path / "roster.csv", ROSTER)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("batch", source.name, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert sorted(p.name for p in tmp_path.iterdir()) == before
