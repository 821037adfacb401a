"""The safety rules a data folder sets, seen from the command: `kneecard check --data` refuses
unsafe numbers and empty safety lists, and `kneecard build --data` prints only safe minutes.
Also the ice note, its sources, the ice box on the ice card's front and the safety card backs,
read back from the PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from conftest import edit, text
from pypdf import PdfReader

from pdfgen.build import library

LIB = library(None)
NERVE = "A nerve lies close to the skin here. Cold can hurt it."
GB = LIB.safety.countries["gb"]


def line_of(folder: Path, name: str, part: str) -> int:
    """The line `part` (once in the file) starts on."""
    body = (folder / name).read_text()
    assert body.count(part) == 1, part
    return body[: body.index(part)].count("\n") + 1


def cited(sid: str) -> str:
    """A source as the sources list prints it: an article by authors and year, else with its title."""
    src = LIB.sources[sid]
    if src.doi or src.pmid:
        return f"{src.org} {src.year or ''}".strip()
    return f"{src.org}{f' ({src.year})' if src.year else ''}: {src.title}"


def safety_texts(safety=LIB.safety, country=GB) -> list[str]:
    """Every red-flag line of a page (intros with the country's services, the signs, the routine line)."""
    out = []
    for intro, signs in safety.flags.groups(country):
        out += [intro, *signs]
    return [*out, safety.flags.routine_line(country)]


def check_errors(run, folder: Path) -> list[str]:
    result = run("check", "--data", folder)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


def ice_line(pdf: bytes) -> str:
    """The ice note's first line and the limit printed right after it."""
    match = re.search(r"Ice for \d+ minutes at a time\. • [^•]*?minutes\.", text(pdf))
    assert match, "no ice note"
    return match.group()


# ------------------------------------------------------------------ the numbers in safety.yaml


def test_a_default_above_a_regions_cap_is_lowered_to_the_cap(run, build, data_copy):
    edit(data_copy, "safety.yaml", "default_minutes: 10", "default_minutes: 15")
    assert run("check", "--data", data_copy).exit_code == 0
    assert ice_line(build("--data", data_copy, "--region", "front")) == (
        "Ice for 15 minutes at a time. • Never leave ice on for more than 20 minutes."
    )
    assert ice_line(build("--data", data_copy, "--region", "lateral")) == (
        "Ice for 10 minutes at a time. • Never leave ice on for more than 10 minutes."
    )
    both = build("--data", data_copy, "--region", "front,lateral", "--layout", "handout")
    assert ice_line(both) == "Ice for 10 minutes at a time. • Outside of the knee: never more than 10 minutes."
    assert "10 min" in text(both) and "15 min" not in text(both)


def test_a_lower_minimum_and_a_higher_cap_from_the_data_folder_are_used(run, build, data_copy, tmp_path):
    edit(data_copy, "safety.yaml", "min_minutes: 5", "min_minutes: 8")
    edit(data_copy, "safety.yaml", "      max_minutes: 10", "      max_minutes: 12")
    assert run("check", "--data", data_copy).exit_code == 0
    assert ice_line(build("--data", data_copy, "--region", "front", "--ice-minutes", "8")).startswith("Ice for 8 minutes")
    assert ice_line(build("--data", data_copy, "--region", "lateral", "--ice-minutes", "12")).startswith("Ice for 12 minutes")
    result = run("build", "--data", data_copy, "--region", "front", "--ice-minutes", "7", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == "error: --ice-minutes: 7 is less than 8 minutes, too short to ease pain (8–20 allowed)\n"
    result = run("build", "--data", data_copy, "--region", "lateral", "--ice-minutes", "13", "-o", tmp_path / "x.pdf")
    assert result.stderr == (
        f"error: --ice-minutes: 13 is more than 12 minutes for the outside of your knee. {NERVE} (8–12 allowed there)\n"
    )
    routine = data_copy.parent / "r.yaml"
    routine.write_text("region: front\nice_minutes: x\n")
    result = run("build", routine, "--data", data_copy, "-o", tmp_path / "x.pdf")
    assert result.stderr == f"error: {routine}:2: ice_minutes: is 'x' (a whole number of minutes, 8–20, is allowed)\n"


def test_a_lower_maximum_from_the_data_folder_is_used(run, build, data_copy, tmp_path):
    edit(data_copy, "safety.yaml", "  max_minutes: 20", "  max_minutes: 15")
    assert run("check", "--data", data_copy).exit_code == 0
    assert ice_line(build("--data", data_copy, "--region", "front", "--ice-minutes", "15")) == (
        "Ice for 15 minutes at a time. • Never leave ice on for more than 15 minutes."
    )
    result = run("build", "--data", data_copy, "--region", "above", "--ice-minutes", "16", "-o", tmp_path / "x.pdf")
    assert result.stderr == (
        "error: --ice-minutes: 16 is more than 15 minutes: longer icing can damage skin and nerves (5–15 allowed)\n"
    )


@pytest.mark.parametrize("layout", ["one-page", "cards"])
def test_the_ice_methods_dose_line_carries_the_routines_minutes(build, layout):
    """The dose under the method's name says the same minutes as the ice note beside it."""
    body = text(build("--layout", layout, "--region", "lateral", "--ice-minutes", "7"))
    assert "Ice your knee 7 min · after a run, if your knee is sore" in body


def test_the_limit_line_may_name_every_ice_number(run, build, data_copy):
    edit(
        data_copy,
        "safety.yaml",
        "limit: Never leave ice on for more than {max_minutes} minutes.",
        "limit: Wait {between_hours} hours between; at most {minutes} (cap {max_minutes}) minutes.",
    )
    edit(data_copy, "safety.yaml", "between_hours: 2", "between_hours: 3")
    assert run("check", "--data", data_copy).exit_code == 0
    assert ice_line(build("--data", data_copy, "--region", "front", "--ice-minutes", "7")) == (
        "Ice for 7 minutes at a time. • Wait 3 hours between; at most 20 (cap 20) minutes."
    )
    assert ice_line(build("--data", data_copy, "--region", "lateral")) == (
        "Ice for 10 minutes at a time. • Wait 3 hours between; at most 10 (cap 10) minutes."
    )


@pytest.mark.parametrize(
    "old, new, field, message",
    [
        (
            "default_minutes: 10",
            "default_minutes: 21",
            "ice.default_minutes",
            "is 21 (must lie within min_minutes–max_minutes, 5–20)",
        ),
        (
            "default_minutes: 10",
            "default_minutes: 4",
            "ice.default_minutes",
            "is 4 (must lie within min_minutes–max_minutes, 5–20)",
        ),
        ("min_minutes: 5", "min_minutes: 61", "ice.min_minutes", "is 61 (allowed: 1–60)"),
        ("  max_minutes: 20", "  max_minutes: 21", "ice.max_minutes", "is 21 (allowed: 1–20)"),
        ("  max_minutes: 20", "  max_minutes: 0", "ice.max_minutes", "is 0 (allowed: 1–20)"),
        ("min_minutes: 5", "min_minutes: 0", "ice.min_minutes", "is 0 (allowed: 1–60)"),
        ("      max_minutes: 10", "      max_minutes: 21", "ice.regions.lateral.max_minutes", "is 21 (allowed: 5–20)"),
        ("      max_minutes: 10", "      max_minutes: 4", "ice.regions.lateral.max_minutes", "is 4 (allowed: 5–20)"),
        ("between_hours: 2", "between_hours: 0", "ice.between_hours", "is 0 (allowed: 1–48)"),
        ("default_minutes: 10", "default_minutes: 0", "ice.default_minutes", "is 0 (allowed: 1–60)"),
        (
            "default_minutes: 10",
            "default_minutes: 1",
            "ice.default_minutes",
            "is 1 (must lie within min_minutes–max_minutes, 5–20)",
        ),
        ("default_minutes: 10", "default_minutes: 61", "ice.default_minutes", "is 61 (allowed: 1–60)"),
        ("between_hours: 2", "between_hours: 49", "ice.between_hours", "is 49 (allowed: 1–48)"),
        ("default_minutes: 10", "default_minutes: ten", "ice.default_minutes", "is text 'ten' (a whole number is allowed)"),
    ],
)
def test_unsafe_ice_numbers_are_refused_by_check(run, data_copy, old, new, field, message):
    line = edit(data_copy, "safety.yaml", old, new)
    errors = check_errors(run, data_copy)
    assert f"error: {data_copy / 'safety.yaml'}:{line}: {field}: {message}" in errors, errors


def test_a_minimum_above_the_default_is_refused_and_caps_below_it_too(run, data_copy):
    cap = line_of(data_copy, "safety.yaml", "      max_minutes: 10")
    line = edit(data_copy, "safety.yaml", "min_minutes: 5", "min_minutes: 11")
    safety = data_copy / "safety.yaml"
    assert check_errors(run, data_copy) == [
        f"error: {safety}:{line - 1}: ice.default_minutes: is 10 (must lie within min_minutes–max_minutes, 11–20)",
        f"error: {safety}:{cap}: ice.regions.lateral.max_minutes: is 10 (allowed: 11–20)",
    ]


def test_a_default_one_above_a_lowered_maximum_is_refused(run, data_copy):
    edit(data_copy, "safety.yaml", "  max_minutes: 20", "  max_minutes: 12")
    line = edit(data_copy, "safety.yaml", "default_minutes: 10", "default_minutes: 13")
    assert check_errors(run, data_copy) == [
        f"error: {data_copy / 'safety.yaml'}:{line}: ice.default_minutes: is 13 (must lie within min_minutes–max_minutes, 5–12)"
    ]


@pytest.mark.parametrize("default", [5, 20])
def test_a_default_equal_to_the_maximum_or_minimum_is_accepted(run, build, data_copy, default):
    edit(data_copy, "safety.yaml", "default_minutes: 10", f"default_minutes: {default}")
    assert run("check", "--data", data_copy).exit_code == 0
    assert ice_line(build("--data", data_copy, "--region", "front")).startswith(f"Ice for {default} minutes")


def test_missing_ice_numbers_are_each_reported(run, data_copy):
    safety = data_copy / "safety.yaml"
    body = safety.read_text()
    for key in ("default_minutes: 10", "min_minutes: 5", "  max_minutes: 20", "between_hours: 2"):
        body = body.replace(f"\n  {key.strip()}\n", "\n")
    safety.write_text(body)
    errors = check_errors(run, data_copy)
    for field in ("default_minutes", "min_minutes", "max_minutes", "between_hours"):
        assert f"error: {safety}:3: ice.{field}: is missing (it is required)" in errors, errors
    assert len(errors) == 4, errors  # the stand-in numbers are consistent: no knock-on errors


def test_a_region_cap_for_an_unknown_region_is_refused(run, data_copy):
    line = edit(data_copy, "safety.yaml", "    lateral:\n", "    latral:\n")
    assert (
        f"error: {data_copy / 'safety.yaml'}:{line}: ice.regions.latral: 'latral' is not a region; did you mean 'lateral'?"
        in (check_errors(run, data_copy))
    )


def test_a_region_cap_needs_a_reason(run, data_copy):
    line = edit(data_copy, "safety.yaml", "      max_minutes: 10\n", "      max_minutes: 10\n      colour: red\n")
    safety = data_copy / "safety.yaml"
    safety.write_text(re.sub(r"      reason: A nerve[^\n]*\n", "", safety.read_text()))
    errors = check_errors(run, data_copy)
    assert f"error: {safety}:{line}: ice.regions.lateral.reason: is missing (it is required)" in errors, errors
    assert any(f"{safety}:{line + 1}: ice.regions.lateral.colour: is not a known field" in e for e in errors), errors


# ------------------------------------------------------------------ lists that must not be empty


@pytest.mark.parametrize(
    "file, old, new, field, message",
    [
        (
            "safety.yaml",
            "    items:\n      - you heard a pop",
            "    items: []\n    old:\n      - you heard a pop",
            "red_flags.emergency.items",
            "has 0 items (1 to 10 allowed)",
        ),
        (
            "safety.yaml",
            "    items:\n      - your knee is hot",
            "    items: []\n    old:\n      - your knee is hot",
            "red_flags.urgent.items",
            "has 0 items (1 to 10 allowed)",
        ),
        (
            "safety.yaml",
            "    items:\n      - a heart problem",
            "    items: []\n    old:\n      - a heart problem",
            "ice.ask_first.items",
            "has 0 items (1 to 12 allowed)",
        ),
        (
            "safety.yaml",
            "  sources: [mpft-cold, nca-knee, moeller-1997, malone-1992, dubois-2020, bleakley-2004]",
            "  sources: []",
            "ice.sources",
            "has 0 items (1 to any number allowed)",
        ),
        (
            "safety.yaml",
            "  sources: [thomee-1997, silbernagel-2007]",
            "  sources: []",
            "pain_rule.sources",
            "has 0 items (1 to any number allowed)",
        ),
        (
            "safety.yaml",
            "    sources: [nhs-knee-pain]\n  us:",
            "    sources: []\n  us:",
            "countries.gb.sources",
            "has 0 items (1 to any number allowed)",
        ),
        (
            "methods.yaml",
            "    sources: [van-hooren-2018]",
            "    sources: []",
            "methods[0].sources",
            "has 0 items (1 to any number allowed)",
        ),
        (
            "safety.yaml",
            "  note:\n    - Ice for",
            "  note: []\n  old:\n    - Ice for",
            "ice.note",
            "has 0 items (1 to 10 allowed)",
        ),
        (
            "regions.yaml",
            "    exercises: [clamshell, hip-hitch, cross-body-stretch]",
            "    exercises: []",
            "regions[0].exercises",
            "has 0 items (1 to 6 allowed)",
        ),
    ],
)
def test_empty_safety_lists_are_refused_by_check(run, data_copy, file, old, new, field, message):
    line = edit(data_copy, file, old, new)
    errors = check_errors(run, data_copy)
    assert f"error: {data_copy / file}:{line}: {field}: {message}" in errors, errors


def test_a_source_nobody_cites_is_refused(run, data_copy):
    assert "malone-1992" not in [*LIB.safety.sources, *LIB.safety.about_sources]  # the ice rules alone cite it
    edit(data_copy, "safety.yaml", "malone-1992, ", "")
    assert f"error: {data_copy / 'sources.yaml'}: sources.malone-1992: is never cited (cite it or remove it)" in check_errors(
        run, data_copy
    )


def test_a_cited_source_must_exist(run, data_copy):
    line = edit(data_copy, "safety.yaml", "[thomee-1997, ", "[thome-1997, ")
    errors = check_errors(run, data_copy)
    assert (
        f"error: {data_copy / 'safety.yaml'}:{line}: pain_rule.sources: source 'thome-1997' is not in sources.yaml; "
        "did you mean 'thomee-1997'?"
    ) in errors, errors


def test_a_red_flag_intro_with_a_broken_placeholder_is_one_located_line(run, data_copy):
    line = edit(data_copy, "safety.yaml", 'intro: "Get help today from {urgent} if:"', 'intro: "Get help today from {urgent if:"')
    assert check_errors(run, data_copy) == [
        f"error: {data_copy / 'safety.yaml'}:{line}: red_flags.urgent.intro: 'Get help today from {{urgent if:' has a "
        "broken placeholder (unmatched '{' in format spec)"
    ]


def test_minutes_on_the_ice_method_are_refused_and_the_line_says_what_to_do(run, data_copy):
    """The ice method's minutes come from safety.yaml only: minutes of its own could differ from
    the ice note printed beside them."""
    line = edit(
        data_copy,
        "methods.yaml",
        "      how_often: after a run, if your knee is sore\n",
        ("      how_often: after a run, if your knee is sore\n      minutes: [5, 30]\n"),
    )
    index = [m.id for m in LIB.methods.values()].index("ice")
    assert check_errors(run, data_copy) == [
        f"error: {data_copy / 'methods.yaml'}:{line + 1}: methods[{index}].dosage.minutes: is set, but 'ice' is the ice "
        "method (safety.yaml ice.method) and its minutes come from safety.yaml: remove them, or point ice.method at "
        "the method that is ice"
    ]


def test_a_regions_urgent_signs_print_under_the_urgent_intro_on_that_regions_page_only(build, data_copy):
    urgent = "      urgent:\n        - your thigh swells up a day after a run\n"
    edit(data_copy, "safety.yaml", "    above:\n      emergency:\n", "    above:\n" + urgent + "      emergency:\n")
    body = text(build("--data", data_copy, "--region", "above"))
    urgent_intro = LIB.safety.flags.groups(GB)[1][0]
    assert body.index(urgent_intro) < body.index("your thigh swells up a day after a run")
    assert "your thigh swells" not in text(build("--data", data_copy, "--region", "front"))


@pytest.mark.parametrize("length, ok", [(120, True), (121, False)])
def test_a_regions_extra_sign_is_at_most_120_characters(run, data_copy, length, ok):
    tendon = "you feel a sudden pop above your kneecap, then you can't lift your leg or straighten your knee"
    line = edit(data_copy, "safety.yaml", tendon, "x" * length)
    if ok:
        assert run("check", "--data", data_copy).exit_code == 0
    else:
        assert check_errors(run, data_copy) == [
            f"error: {data_copy / 'safety.yaml'}:{line}: red_flags.regions.above.emergency[0]: "
            "is 121 characters long (at most 120 allowed)"
        ]


def test_a_country_code_that_is_not_two_lower_case_letters_is_one_located_line(run, data_copy):
    line = edit(data_copy, "safety.yaml", "\n  us:\n", "\n  USA:\n") + 1
    message = "'USA' is not a two-letter country code in lower case (e.g. gb, us)"
    assert f"error: {data_copy / 'safety.yaml'}:{line}: countries.USA: {message}" in check_errors(run, data_copy)


def test_a_data_folder_without_countries_is_refused(run, data_copy):
    safety = data_copy / "safety.yaml"
    body = safety.read_text()
    start, end = body.index("\ncountries:\n"), body.index("\ndisclaimer:\n")
    safety.write_text(body[:start] + "\ncountries: {}\n" + body[end:])
    line = body[:start].count("\n") + 2
    assert f"error: {safety}:{line}: countries: has no country (give at least gb, with its services and sources)" in (
        check_errors(run, data_copy)
    )


def test_red_flags_from_the_data_folder_are_all_printed(build, data_copy):
    for sign, added in (("your knee looks out of shape", "turns blue"), ("your knee gives way under you", "it aches")):
        edit(data_copy, "safety.yaml", f"      - {sign}\n", f"      - {sign}\n      - {added}\n")
    body = text(build("--data", data_copy, "--region", "front"))
    for flag in [*safety_texts(), "turns blue", "it aches"]:
        assert flag in body, flag
    assert body.index("your knee looks out of shape • turns blue") < body.index("your knee gives way under you • it aches")


# ------------------------------------------------------------------ the ice note on the page


def test_ice_note_placeholders_are_checked(run, data_copy):
    note = line_of(data_copy, "safety.yaml", "  note:\n")
    edit(data_copy, "safety.yaml", "    - Put a thin", "    - Ice {hours} {minutes:>3} ok.\n    - Put a thin")
    edit(data_copy, "safety.yaml", "    - Ice eases pain", "    - Ice {minutes eases pain")
    errors = check_errors(run, data_copy)
    safety = data_copy / "safety.yaml"
    allowed = "{between_hours}, {max_minutes}, {minutes}"
    assert f"error: {safety}:{note}: ice.note: placeholder {{hours}} is unknown (allowed: {allowed})" in errors, errors
    assert (
        f"error: {safety}:{note}: ice.note: line 'Ice {{minutes eases pain for a while. It does not speed healing.' "
        "has a broken placeholder (expected '}' before end of string)"
    ) in errors, errors
    assert len(errors) == 2, errors


def test_ice_note_lines_print_in_order_with_the_region_cap_second(build):
    body = text(build("--region", "lateral", "--ice-minutes", "7"))
    ice = LIB.safety.ice
    lines = list(ice.note_lines(7))
    assert lines[0] == "Ice for 7 minutes at a time."
    assert "Ice again after 2 hours," in lines[4]
    cap = f"Never leave ice on for more than 10 minutes. {NERVE}"
    expected = [lines[0], cap, *lines[1:], ice.ask_first_intro, *ice.ask_first]
    positions = [body.index(" ".join(line.split())) for line in expected]
    assert positions == sorted(positions), expected


def test_ice_sources_are_cited_only_with_ice(build):
    with_ice = text(build("--region", "front", "--layout", "handout"))
    without = text(build("--region", "front", "--layout", "handout", "--methods", "stretch,refuel"))
    for sid in LIB.safety.ice.sources:
        assert cited(sid) in with_ice, sid
    assert "malone-1992" in LIB.safety.ice.sources and "malone-1992" not in LIB.safety.sources
    assert cited("malone-1992") not in without  # cited by the ice rules alone
    assert cited("moeller-1997") in without  # the red flags cite it too
    for sid in [*LIB.safety.sources, *GB.sources]:  # pain rule, red flags and the country's services: always
        assert cited(sid) in without, sid


def card_pages(build, *args: str) -> list[str]:
    pdf = build("--layout", "cards", *args)
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def ice_card(front: str) -> str:
    """The ice card's text on a page of fronts: from its title to the next card."""
    start = front.index("Ice your knee")
    end = front.find("After your run", start)
    return front[start : end if end >= 0 else None]


def test_the_ice_box_is_on_the_ice_cards_front_beside_its_steps(build):
    pages = card_pages(build, "--backs", "--region", "front", "--ice-minutes", "15")
    fronts, backs = pages[0::2], pages[1::2]
    card = ice_card(next(p for p in fronts if "Ice your knee" in p))
    steps = "Wrap ice or frozen peas in a damp towel. Rest it on the sore spot."
    assert card.index(steps) < card.index("Ice safety"), card
    assert "Ice for 15 minutes at a time. • Never leave ice on for more than 20 minutes." in card
    for line in [LIB.safety.ice.ask_first_intro, *LIB.safety.ice.ask_first]:
        assert line in card, line
    for back in backs:  # every back: the red flags and the disclaimer, no ice box
        for line in safety_texts():
            assert line in back, line
        assert " ".join(LIB.safety.disclaimer.split()) in back
        assert "Ice safety" not in back and "Ice for" not in back
    lateral = card_pages(build, "--region", "lateral")
    assert f"Never leave ice on for more than 10 minutes. {NERVE}" in ice_card(next(p for p in lateral if "Ice your knee" in p))


def test_without_ice_no_card_has_the_ice_box_and_a_deck_without_backs_ends_with_the_safety_card(build):
    pages = card_pages(build, "--region", "front", "--methods", "stretch")
    assert not any("Ice safety" in p or "Ice for" in p for p in pages)
    last = pages[-1]
    assert last.startswith("When to stop and get help"), last
    for line in safety_texts():
        assert line in last, line
    assert " ".join(LIB.safety.disclaimer.split()) in last
    assert not any("When to stop and get help" in p for p in pages[:-1])


def test_a_missing_minimum_stands_in_as_5_minutes(run, data_copy):
    safety = data_copy / "safety.yaml"
    line = edit(data_copy, "safety.yaml", "  default_minutes: 10\n  min_minutes: 5\n", "  default_minutes: 5\n")
    assert check_errors(run, data_copy) == [f"error: {safety}:{line - 1}: ice.min_minutes: is missing (it is required)"]


def test_an_ice_method_that_is_not_a_method_is_named_with_the_choices(run, data_copy):
    line = edit(data_copy, "safety.yaml", "  method: ice ", "  method: icee ")
    assert (
        f"error: {data_copy / 'safety.yaml'}:{line}: ice.method: 'icee' is not a method in methods.yaml; did you mean 'ice'? "
        "(name the method the ice rules and note cover: cool-down, stretch, ice, refuel, massage)" in check_errors(run, data_copy)
    )


def test_a_missing_default_is_not_blamed_on_a_lower_maximum(run, data_copy):
    safety = data_copy / "safety.yaml"
    edit(data_copy, "safety.yaml", "  max_minutes: 20", "  max_minutes: 10")
    line = edit(data_copy, "safety.yaml", "  default_minutes: 10\n", "")
    assert check_errors(run, data_copy) == [f"error: {safety}:{line - 1}: ice.default_minutes: is missing (it is required)"]


def test_a_region_cap_must_give_its_minutes(run, data_copy):
    safety = data_copy / "safety.yaml"
    line = edit(data_copy, "safety.yaml", "    lateral:\n      max_minutes: 10\n", "    lateral:\n")
    assert check_errors(run, data_copy) == [
        f"error: {safety}:{line + 1}: ice.regions.lateral.max_minutes: is missing (it is required)"
    ]


def test_every_region_entry_is_checked_even_after_a_bad_one(run, data_copy):
    safety = data_copy / "safety.yaml"
    line = edit(
        data_copy, "safety.yaml", "    lateral:\n      max_minutes: 10\n", "    front: 12\n    lateral:\n      max_minutes: 99\n"
    )
    assert check_errors(run, data_copy) == [
        f"error: {safety}:{line}: ice.regions.front: is a number (a mapping of fields is allowed)",
        f"error: {safety}:{line + 2}: ice.regions.lateral.max_minutes: is 99 (allowed: 5–20)",
    ]


def test_every_safety_text_of_a_data_folder_is_printed(build, data_copy):
    edit(data_copy, "safety.yaml", "between_hours: 2", "between_hours: 3")
    body = text(build("--data", data_copy, "--region", "front", "--layout", "handout"))
    safety = LIB.safety
    assert "Ice again after 3 hours, once your skin feels normal." in body
    for line in (
        safety.ice.ask_first_intro,
        *safety.ice.ask_first,
        safety.pain_rule,
        *safety_texts(),
        safety.disclaimer,
        *safety.about,
    ):
        assert " ".join(line.split()) in body, line


def test_about_takes_one_to_five_paragraphs(run, data_copy, tmp_path):
    import shutil

    body = (data_copy / "safety.yaml").read_text()
    start = body.index("about:\n  intro:\n")
    line = body[:start].count("\n") + 2
    for count, ok in ((1, True), (5, True), (6, False), (0, False)):
        folder = shutil.copytree(data_copy, tmp_path / f"about{count}")
        paragraphs = "".join(f"    - Paragraph {i} about knees.\n" for i in range(count))
        intro = f"about:\n  intro:\n{paragraphs}" if count else "about:\n  intro: []\n"
        (folder / "safety.yaml").write_text(body[:start] + intro + "  sources: [fredericson-2000, nhs-knee-pain]\n")
        result = run("check", "--data", folder)
        if ok:
            assert result.exit_code == 0, result.stderr
        else:
            expected = f"error: {folder / 'safety.yaml'}:{line}: about.intro: has {count} items (1 to 5 allowed)\n"
            assert result.stderr == expected
