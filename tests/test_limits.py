"""Limits at their boundary, through the command: ice minutes per region, text lengths, line breaks.

Each limit is tried on both sides (the last value allowed builds a PDF that shows it, the first
value refused exits 2 with one line naming the field), so an off-by-one in a rule cannot pass.
"""

from __future__ import annotations

import pytest
from conftest import text

from pdfgen.build import library

ICE = library(None).safety.ice


def refused(run, tmp_path, *args: str) -> str:
    """Build with `args`; assert exit 2, one error line, no file; return the line."""
    out = tmp_path / "never.pdf"
    result = run("build", *args, "-o", out)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    return lines[0]


# ------------------------------------------------------------------ ice minutes

NERVE = "A nerve lies close to the skin here. Cold can hurt it."
# the limit line of the ice note: one line where every region has the same cap, else one per cap
CAP_LINE = {
    "front": "Never leave ice on for more than 20 minutes.",
    "above": "Never leave ice on for more than 20 minutes.",
    "lateral": f"Never leave ice on for more than 10 minutes. {NERVE}",
    "all": "Front of the knee and above the knee: never more than 20 minutes.",
}


@pytest.mark.parametrize(
    "region, minutes",
    [("front", 5), ("front", 20), ("above", 5), ("above", 20), ("lateral", 5), ("lateral", 10), ("all", 10)],
)
def test_ice_minutes_at_the_limits_are_printed(build, region, minutes):
    layout = ["--layout", "handout"] if region == "all" else []
    body = text(build("--region", region, "--ice-minutes", str(minutes), *layout))
    assert f"Ice for {minutes} minutes at a time." in body
    assert CAP_LINE[region] in body
    if region == "all":  # the strictest cap has its own line, with its reason
        assert f"Outside of the knee: never more than 10 minutes. {NERVE}" in body
    assert f"{minutes} min" in body


@pytest.mark.parametrize(
    "region, minutes, message",
    [
        ("front", 4, "4 is less than 5 minutes, too short to ease pain (5–20 allowed)"),
        ("lateral", 4, "4 is less than 5 minutes, too short to ease pain (5–20 allowed)"),
        ("front", 21, "21 is more than 20 minutes: longer icing can damage skin and nerves (5–20 allowed)"),
        ("above", 21, "21 is more than 20 minutes: longer icing can damage skin and nerves (5–20 allowed)"),
        (
            "lateral",
            11,
            f"11 is more than 10 minutes for the outside of your knee. {NERVE} (5–10 allowed there)",
        ),
        (
            "all",
            11,
            f"11 is more than 10 minutes for the outside of your knee. {NERVE} (5–10 allowed there)",
        ),
        (
            "front,lateral",
            20,
            f"20 is more than 10 minutes for the outside of your knee. {NERVE} (5–10 allowed there)",
        ),
    ],
)
def test_ice_minutes_past_the_limits_are_refused(run, tmp_path, region, minutes, message):
    assert refused(run, tmp_path, "--region", region, "--ice-minutes", str(minutes)) == f"error: --ice-minutes: {message}"


def test_ice_minutes_in_a_routine_file_are_checked_with_file_and_line(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("name: Sam\nregion: [above, lateral]\nice_minutes: 11\n")
    assert refused(run, tmp_path, routine).startswith(f"error: {routine}:3: ice_minutes: 11 is more than 10 minutes for the")
    routine.write_text("region: front\nice_minutes: true\n")
    assert refused(run, tmp_path, routine) == (
        f"error: {routine}:2: ice_minutes: is 'True' (a whole number of minutes, 5–20, is allowed)"
    )
    routine.write_text("region: front\nice_minutes: 12.5\n")
    assert refused(run, tmp_path, routine) == (
        f"error: {routine}:2: ice_minutes: is '12.5' (a whole number of minutes, 5–20, is allowed)"
    )


def test_default_ice_minutes_obey_the_strictest_region(build):
    assert ICE.default_minutes == 10 and ICE.limit_for("lateral") == 10  # the shipped numbers these tests lean on
    for args in (["--region", "lateral"], ["--region", "all", "--layout", "handout"], ["--region", "front"]):
        body = text(build(*args))
        assert "Ice for 10 minutes at a time." in body and "Ice your knee 10 min" in body


def test_ice_minutes_without_ice_are_refused_even_at_a_valid_value(run, tmp_path):
    line = refused(run, tmp_path, "--region", "lateral", "--methods", "stretch", "--ice-minutes", "10")
    assert line == (
        "error: --ice-minutes: is set but ice is not among the methods (add ice to the methods, or drop the ice minutes)"
    )


# ------------------------------------------------------------------ text


@pytest.mark.parametrize(
    "option, limit, extra",
    [
        ("--name", 80, []),
        ("--club", 80, ["--layout", "handout"]),
        ("--notes", 800, ["--layout", "handout"]),
    ],
)
def test_text_at_its_limit_is_printed_and_one_more_character_refused(run, build, tmp_path, option, limit, extra):
    words = ("Kneecap " * 200)[: limit - 1] + "Z"  # ends in a letter, so nothing is stripped
    assert len(words) == limit
    body = text(build("--region", "front", option, words, *extra))
    assert " ".join(words.split())[-30:] in body
    line = refused(run, tmp_path, "--region", "front", option, words + "Y", *extra)
    assert line == f"error: {option}: is {limit + 1} characters long (at most {limit} allowed)"


def test_surrounding_spaces_do_not_count_against_the_limit(build):
    name = "A" * 80
    assert name in text(build("--region", "front", "--name", f"  {name}\t "))


@pytest.mark.parametrize("url_len, ok", [(300, True), (301, False)])
def test_link_length_limit(run, tmp_path, url_len, ok):
    url = "https://example.org/" + "a" * (url_len - len("https://example.org/"))
    result = run("build", "--region", "front", "--layout", "handout", "--url", url, "-o", tmp_path / "x.pdf")
    if ok:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2
        shown = f"{url[:80]}… (301 characters)"  # a long value is shortened in the message
        assert result.stderr == (
            f"error: --url: '{shown}' is not a web address (http:// or https://, no spaces, at most 300 characters)\n"
        )
    club = run("build", "--region", "front", "--layout", "handout", "--club", "Harriers", "--url", url, "-o", tmp_path / "y.pdf")
    if ok:
        assert club.exit_code == 0, club.stderr
    else:
        assert club.exit_code == 2
        assert club.stderr == (
            f"error: --url: url '{shown}' is not a web address (http:// or https://, no spaces, at most 300 characters)\n"
        )


@pytest.mark.parametrize("option", ["--name", "--club"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_breaks_in_one_line_options_are_refused(run, tmp_path, option, newline):
    line = refused(run, tmp_path, "--region", "front", option, f"Sam{newline}Lee")
    assert line == f"error: {option}: has a line break (one line of text is allowed)"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_breaks_in_notes_are_kept(build, newline):
    body = text(build("--region", "front", "--layout", "handout", "--notes", f"First line{newline}Second line"))
    assert "First line Second line" in body


@pytest.mark.parametrize(
    "value, code",
    [("Sam\x07Lee", "U+0007"), ("Sam\u200bLee", "U+200B"), ("Sam\u2028Lee", "U+2028"), ("Sam\x85Lee", "U+0085")],
)
def test_invisible_characters_are_refused(run, tmp_path, value, code):
    line = refused(run, tmp_path, "--region", "front", "--name", value)
    assert line == f"error: --name: has the invisible control character {code} (printable text is allowed)"


def test_tabs_become_spaces(build):
    assert "Sam Lee" in text(build("--region", "front", "--name", "Sam\tLee"))


def test_text_fields_in_a_routine_file_must_be_text(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\nname: [Sam]\n")
    assert refused(run, tmp_path, routine) == f"error: {routine}:2: name: is not text (text is allowed)"
    routine.write_text("region: front\nname: true\n")
    assert refused(run, tmp_path, routine) == f"error: {routine}:2: name: is not text (text is allowed)"
    routine.write_text("region: front\nname: 1234\n")
    assert "1234" in text(run("build", routine, "-o", "-").stdout_bytes)


def test_a_name_of_only_spaces_prints_no_name(run, build):
    assert text(build("--region", "front", "--name", "   ")) == text(build("--region", "front"))


def test_characters_the_font_lacks_are_listed(run, tmp_path):
    line = refused(run, tmp_path, "--region", "front", "--name", "a\u2603b\u2602c\u2601d\u2600e\u2604f\u2605")
    assert line == (
        "error: --name: has characters the font cannot print: '\u2600' (U+2600) '\u2601' (U+2601) "
        "'\u2602' (U+2602) '\u2603' (U+2603) '\u2604' (U+2604) "
        "(Latin, Greek, Cyrillic, Chinese, Japanese and Korean are allowed)"
    )
