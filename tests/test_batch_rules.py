"""`kneecard batch` rules the other batch tests leave out: empty or bad CSV headers, cells with
line breaks or unsafe ice minutes, `{club}` and the other template fields, whole-spec mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import text

COLUMNS = (
    "name, region, methods, exercises, layout, paper, ice_minutes, notes, club, backs, url, tracker, country, pdfa, "
    "club_name, club_url, club_logo"
)


def write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def errors(result) -> list[str]:
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("body", ["", "\n", " , ,\n", ",,\nSam,front,\n", "\ufeff\n"])
def test_an_empty_csv_header_is_reported(run, tmp_path, body):
    roster = write(tmp_path / "r.csv", body)
    result = run("batch", roster, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {roster}:1: header: is missing (a first row of field names is required)"]
    assert files(tmp_path / "out") == []


def test_every_header_problem_is_reported_at_once(run, tmp_path):
    roster = write(tmp_path / "r.csv", "name,nmae,name,club,club_url\nSam,x,y,z,w\n")
    result = run("batch", roster, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [
        f"error: {roster}:1: header: 'name' appears twice (each column once)",
        f"error: {roster}:1: header: 'nmae' is not a routine field; did you mean 'name'? (allowed: {COLUMNS})",
        f"error: {roster}:1: header: has both 'club' and club_* columns (use club, or club_name/club_url/club_logo)",
    ]


def test_a_header_with_spaces_and_a_bom_is_read(run, tmp_path):
    roster = write(tmp_path / "r.csv", "\ufeff name , region \nSam,front\n")
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert files(tmp_path / "out") == ["sam-front.pdf"]


def test_bad_cells_are_reported_with_their_line_and_the_others_built(run, tmp_path):
    roster = write(
        tmp_path / "r.csv",
        'name,region,ice_minutes,backs\n"Sam\nLee",front,,\n\nAnn,lateral,11,\nBo,lateral,10,\nCy,front,+12,maybe\n'
        "Di,front,twelve,\nEd,front,5,no,extra\nFay,front,-3,\n",
    )
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert errors(result) == [
        f"error: {roster}:2: name: has a line break (one line of text is allowed)",
        f"error: {roster}:5: ice_minutes: 11 is more than 10 minutes for the outside of your knee. "
        "A nerve lies close to the skin here. Cold can hurt it. (5–10 allowed there)",
        f"error: {roster}:7: backs: is 'maybe' (true or false is allowed)",
        f"error: {roster}:8: ice_minutes: is 'twelve' (a whole number of minutes, 5–20, is allowed)",
        f"error: {roster}:9: row: has 5 cells but the header has 4 (one per column)",
        f"error: {roster}:10: ice_minutes: -3 is less than 5 minutes, too short to ease pain (5–20 allowed)",
    ]
    assert files(tmp_path / "out") == ["bo-lateral.pdf"]
    assert "Ice for 10 minutes" in text((tmp_path / "out" / "bo-lateral.pdf").read_bytes())
    assert result.stderr.splitlines()[-1].startswith("built 1, failed 6, ")


def test_csv_lists_and_club_columns(run, tmp_path):
    roster = write(
        tmp_path / "r.csv",
        "name,region,methods,club_name,club_url\nSam,front; lateral,ice;;stretch ,Harriers AC,https://example.org/h\n",
    )
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert files(tmp_path / "out") == ["sam-front-lateral.pdf"]
    body = text((tmp_path / "out" / "sam-front-lateral.pdf").read_bytes())
    assert "Harriers AC" in body and "Ice your knee" in body and "Refuel" not in body


def test_club_in_file_names_from_a_yaml_club_mapping_or_text(run, tmp_path):
    spec = write(
        tmp_path / "s.yaml",
        """output: "{club}-{name}-{region}-{layout}-{paper}-{row}.pdf"
defaults:
  paper: letter
items:
  - {name: Sam, region: front, club: {name: Harriers AC, url: "https://example.org/h"}}
  - {name: Ann, region: [above, lateral], club: Road Runners, layout: handout}
  - {name: Bo, region: all, layout: handout}
  - {name: Cy, region: "front", layout: cards}
""",
    )
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert files(tmp_path / "out") == [
        "bo-all-handout-letter-3.pdf",
        "cy-front-cards-letter-4.pdf",
        "harriers-ac-sam-front-letter-1.pdf",
        "road-runners-ann-above-lateral-handout-letter-2.pdf",
    ]
    assert "Harriers AC" in text((tmp_path / "out" / "harriers-ac-sam-front-letter-1.pdf").read_bytes())


def test_region_all_names_the_file_all(run, tmp_path):
    spec = write(
        tmp_path / "s.yaml", "layout: handout\nitems:\n  - {name: Bo, region: 'front,all'}\n  - {name: Cy, region: [all]}\n"
    )
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert files(tmp_path / "out") == ["bo-all.pdf", "cy-all.pdf"]


@pytest.mark.parametrize(
    "body, line, field, message",
    [
        ("- {region: front}\n", 1, "(top)", "is a list (a mapping with items: is allowed)"),
        ("layout: cards\n", 1, "items", "is missing (a list of routines is allowed)"),
        ("items: {region: front}\n", 1, "items", "is a mapping (a list of routines is allowed)"),
        (
            "output: '{name!r}.pdf'\nitems: []\n",
            1,
            "output",
            "'!r' in '{name!r}' is not allowed (plain fields only: {name}, {region}, {club}, {layout}, {paper}, {row})",
        ),
        (
            "output: '{name:>9}.pdf'\nitems: []\n",
            1,
            "output",
            "':>9' in '{name:>9}' is not allowed (plain fields only: {name}, {region}, {club}, {layout}, {paper}, {row})",
        ),
        (
            "output: '{name.pdf'\nitems: []\n",
            1,
            "output",
            "'{name.pdf' is not a file-name template (expected '}' before end of string; use {name}, {region} …)",
        ),
        ("items: []\ndefaults: [a]\n", 2, "defaults", "is a list (a mapping of fields is allowed)"),
    ],
)
def test_whole_spec_mistakes_stop_before_anything_is_built(run, tmp_path, body, line, field, message):
    spec = write(tmp_path / "s.yaml", body)
    result = run("batch", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {spec}:{line}: {field}: {message}"]
    assert files(tmp_path / "out") == []


def test_a_spec_must_be_yaml_or_csv(run, tmp_path):
    spec = write(tmp_path / "s.txt", "name,region\n")
    result = run("batch", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {spec}: SPEC: is neither a .yaml batch spec nor a .csv roster (.yaml, .yml, .csv allowed)"]
    assert run("batch", tmp_path / "missing.csv", "-o", tmp_path / "out").exit_code == 2


@pytest.mark.parametrize("shard", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_refused(run, tmp_path, shard):
    roster = write(tmp_path / "r.csv", "name,region\nSam,front\n")
    result = run("batch", roster, "--shard", shard, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"error: --shard: '{shard}' is not a shard (I/N with 1 ≤ I ≤ N allowed, e.g. 2/4)"]


def test_the_last_shard_takes_the_last_rows(run, tmp_path):
    roster = write(tmp_path / "r.csv", "name,region\nA,front\nB,front\nC,front\nD,front\nE,front\n")
    assert run("batch", roster, "--shard", " 2 / 2 ", "-o", tmp_path / "two", "--jobs", "1").exit_code == 0
    assert files(tmp_path / "two") == ["b-front.pdf", "d-front.pdf"]


def test_rows_use_layouts_from_the_layouts_folder_and_a_bad_one_is_named(run, tmp_path):
    lays = tmp_path / "lays"
    lays.mkdir()
    write(lays / "mine.yaml", "extends: one-page\ndescription: mine\npage:\n  paper: letter\n")
    write(lays / "bad.yaml", "extends: one-page\ndescription: bad\npage:\n  gap: 99\n")
    spec = write(
        tmp_path / "s.yaml", "items:\n  - {name: A, region: front, layout: mine}\n  - {name: B, region: front, layout: bad}\n"
    )
    result = run("batch", spec, "--layouts", lays, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {spec}:3: items[1].row: {lays / 'bad.yaml'}:4: page.gap: is '99' mm (0–40 mm allowed)"]
    assert files(tmp_path / "out") == ["a-front.pdf"]
    from pypdf import PdfReader

    assert round(float(PdfReader(tmp_path / "out" / "a-front.pdf").pages[0].mediabox.width)) == 612  # mine: letter


def test_an_unexpected_failure_in_one_row_is_reported_and_the_others_built(run, tmp_path, monkeypatch):
    import pdfgen.build
    from pdfgen.errors import KneecardError

    real = pdfgen.build.build_one

    def build_one(options, doc, *args):
        if doc.get("name") == "Boom":
            raise RuntimeError("the renderer fell over")
        if doc.get("name") == "Quiet":
            raise KneecardError("the fonts are gone")
        return real(options, doc, *args)

    monkeypatch.setattr(pdfgen.build, "build_one", build_one)
    roster = write(tmp_path / "r.csv", "name,region\nAnn,front\nBoom,front\nQuiet,above\nBo,above\n")
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert errors(result) == [
        f"error: {roster}:3: row: RuntimeError: the renderer fell over",
        f"error: {roster}:4: row: the fonts are gone",
    ]
    assert files(tmp_path / "out") == ["ann-front.pdf", "bo-above.pdf"]


def test_a_missing_roster_is_named(run, tmp_path):
    result = run("batch", tmp_path / "nope.csv", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {tmp_path / 'nope.csv'}: roster: does not exist (give an existing file)"]


def test_a_roster_that_is_not_utf8_is_reported_not_a_traceback(run, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_bytes(b"na\xffme,region\nA,front\n")
    result = run("batch", roster, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {roster}:1: roster: is not UTF-8 text (byte 0xFF at column 3; save the file as UTF-8 CSV)"]
    # far into a long roster: the rows before it are reported, then the file's problem (at the line it was met)
    roster.write_bytes(b"name,region\n" + b"x,knee\n" * 2000 + b"\xff,front\n")
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    last = errors(result)[-1]
    assert last == f"error: {roster}:2002: roster: is not UTF-8 text (byte 0xFF at column 1; save the file as UTF-8 CSV)"
    assert files(tmp_path / "out") == []


def test_a_yml_spec_with_its_layout_from_the_layouts_folder(run, tmp_path):
    lays = tmp_path / "lays"
    lays.mkdir()
    write(lays / "mine.yaml", "extends: one-page\ndescription: mine\npage:\n  paper: letter\n")
    spec = write(
        tmp_path / "s.yml",
        "layout: mine\noutput: '{name}.draft.pdf'\nitems:\n  - {name: Ann, region: front}\n  - {name: AUX, region: front}\n",
    )
    result = run("batch", spec, "--layouts", lays, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert files(tmp_path / "out") == ["_aux.draft.pdf", "ann.draft.pdf"]  # AUX.anything is a device name on Windows
    from pypdf import PdfReader

    assert round(float(PdfReader(tmp_path / "out" / "ann.draft.pdf").pages[0].mediabox.width)) == 612


def test_a_spec_level_mistake_is_reported_at_its_own_line(run, tmp_path):
    spec = write(tmp_path / "s.yaml", "items:\n  - {name: A, region: front}\npaper: a3\n")
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {spec}:3: items[0].paper: 'a3' is not a paper size (allowed: a4, letter)"]


def test_a_combined_pdf_is_titled(run, tmp_path):
    from pypdf import PdfReader

    roster = write(tmp_path / "r.csv", "name,region\nAnn,front\n")
    assert run("batch", roster, "--combine", tmp_path / "all.pdf", "--jobs", "1").exit_code == 0
    meta = PdfReader(tmp_path / "all.pdf").metadata
    assert meta["/Title"] == "kneecard batch" and meta["/Producer"] == "kneecard (pypdf)"
