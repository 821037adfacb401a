"""The shipped content: complete, cross-referenced, and carrying CONTENT.md's safety numbers."""

from __future__ import annotations

import re

from conftest import edit_data, text
from pypdf import PdfReader

from pdfgen import fonts
from pdfgen.build import library

LIB = library(None)


def test_counts_and_ids():
    assert list(LIB.methods) == ["cool-down", "stretch", "ice", "refuel", "massage"]
    assert list(LIB.regions) == ["lateral", "front", "above"]
    assert {r.id: len(r.exercises) for r in LIB.regions.values()} == {"lateral": 3, "front": 3, "above": 4}
    for region in LIB.regions.values():
        assert all(LIB.exercises[x].region == region.id for x in region.exercises)


def test_every_item_is_sourced_and_printable():
    for item in [*LIB.methods.values(), *LIB.exercises.values()]:
        assert item.sources and all(s in LIB.sources for s in item.sources)
        assert 1 <= len(item.steps) <= 4
    for where, line in LIB.text:
        assert not fonts.missing_glyphs(line), where


def test_safety_numbers_match_content_md():
    ice = LIB.safety.ice
    assert (ice.default_minutes, ice.min_minutes, ice.max_minutes, ice.between_hours) == (10, 5, 20, 2)
    assert ice.limit_for("lateral") == 10 and ice.limit_for("front") == 20
    assert LIB.exercises["clamshell"].dosage.reps == (10, 15) and LIB.exercises["clamshell"].dosage.sets == (3, 3)
    assert LIB.exercises["step-down"].dosage.reps == (8, 10)
    assert LIB.exercises["hamstring-stretch"].dosage.hold_seconds == (30, 30)  # not the article's 5 s
    assert LIB.methods["stretch"].dosage.times == (2, 3)
    assert LIB.methods["cool-down"].dosage.minutes == (5, 10)
    assert len(LIB.safety.red_flags) >= 7


def test_renamed_ice_method_keeps_its_note_when_safety_names_it(run, tmp_path, data_copy):
    def edit(name: str, text: str) -> str:
        if name == "methods.yaml":
            return text.replace("  - id: ice\n", "  - id: cold-pack\n")
        if name == "safety.yaml":
            return text.replace("  method: ice ", "  method: cold-pack ")
        return text

    data = edit_data(data_copy, edit)
    out = tmp_path / "x.pdf"
    result = run("build", "--data", data, "--region", "front", "--methods", "cold-pack", "-o", out)
    assert result.exit_code == 0, result.stderr
    page = " ".join(text(out.read_bytes()).split())
    for line in LIB.safety.ice.note_lines(LIB.safety.ice.default_minutes):
        assert line in page
    # on a card only the item itself can bring the note: the renamed method must
    cards = tmp_path / "cards.pdf"
    result = run("build", "--data", data, "--layout", "cards", "--region", "front", "--methods", "cold-pack", "-o", cards)
    assert result.exit_code == 0, result.stderr
    sheets = [" ".join((pg.extract_text() or "").split()) for pg in PdfReader(cards).pages]
    (sheet,) = [t for t in sheets if LIB.methods["ice"].name in t]
    for line in LIB.safety.ice.note_lines(LIB.safety.ice.default_minutes):
        assert line in sheet


def test_renamed_ice_method_in_an_old_data_folder_is_refused(run, data_copy):
    """A data folder from before `ice.method` (no such line) means the method `ice`."""

    def edit(name: str, text: str) -> str:
        if name == "safety.yaml":
            return "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("  method:"))
        return text.replace("  - id: ice\n", "  - id: cold-pack\n")

    data = edit_data(data_copy, edit)
    assert "method:" not in (data / "safety.yaml").read_text()
    result = run("check", "--data", data)
    assert result.exit_code == 2
    (line,) = [ln for ln in result.stderr.splitlines() if "ice.method" in ln]
    assert re.match(rf"error: {re.escape(str(data / 'safety.yaml'))}:\d+: ice\.method: 'ice' is not a method", line)
    assert "cold-pack" in line


def test_ice_method_pointing_at_another_method_is_refused(run, data_copy):
    """Naming the wrong (existing) method would print the real ice method without its note."""

    def edit(name: str, text: str) -> str:
        if name == "safety.yaml":
            return text.replace("  method: ice ", "  method: cool-down ")
        return text.replace("  - id: ice\n", "  - id: cold-pack\n")

    data = edit_data(data_copy, edit)
    result = run("check", "--data", data)
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(f"error: {data / 'methods.yaml'}:")]
    assert any(".dosage.minutes: is set, but 'cool-down' is the ice method" in ln for ln in lines), lines
    assert any(".name: 'Ice your knee' reads as an ice method" in ln and "'cold-pack'" in ln for ln in lines), lines


def test_empty_ice_method_is_refused(run, data_copy):
    data = edit_data(data_copy, lambda name, text: text.replace("  method: ice ", '  method: "" '))
    result = run("check", "--data", data)
    assert result.exit_code == 2 and "ice.method: is empty" in result.stderr


def test_a_region_id_used_twice_is_one_error_not_an_echo(run, data_copy):
    regions = data_copy / "regions.yaml"
    regions.write_text(regions.read_text().replace("id: front", "id: lateral", 1))
    result = run("check", "--data", data_copy)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "'lateral' is used twice" in lines[0] and f"{regions}:" in lines[0], lines
