"""Validation of data and layout files as `kneecard check` and `kneecard build` report it: every
wrong value one clean line `error: FILE:LINE: field: message`, at both sides of each limit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import edit

ROOT_DATA = Path(__file__).resolve().parent.parent / "data"
STEPS = "      - Slow to an easy jog or brisk walk until your breathing settles.\n"  # cool-down's last step
MOELLER_YEAR = "    year: 1997\n    url: https://ohsu"  # sources[2]'s year (another source is from 1997 too)
DOSE = "    dosage: {sets: 3, reps: [10, 15], per_side: true, days_per_week: [2, 3]}"  # clamshell's


def check(run, folder: Path) -> list[str]:
    """`kneecard check --data folder`: [] when it passes, else its error lines (exit 2, no traceback)."""
    result = run("check", "--data", folder)
    if result.exit_code == 0:
        assert result.output.startswith("ok: "), result.output
        return []
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.stderr and "run with --debug" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()


# ------------------------------------------------------------------ lists


def test_a_list_of_exactly_max_items_is_accepted_and_one_more_refused(run, data_copy, tmp_path):
    edit(data_copy, "methods.yaml", STEPS, STEPS + "      - Walk.\n      - Breathe.\n      - Drink.\n      - Sit.\n")
    edit(
        data_copy,
        "methods.yaml",
        "    cautions: []\n    sources: [van-hooren-2018]",
        "    cautions: [Go slow., Stay warm., Sip water.]\n    sources: [van-hooren-2018]",
    )
    assert check(run, data_copy) == []
    more = shutil.copytree(data_copy, data_copy.parent / "more")  # a new folder: a checked folder is not read again
    edit(more, "methods.yaml", "      - Sit.\n", "      - Sit.\n      - Stand.\n")
    steps = 7  # "    steps:" of the first method
    cautions = edit(more, "methods.yaml", "[Go slow., Stay warm., Sip water.]", "[Go slow., Stay warm., Sip water., Rest.]")
    methods = more / "methods.yaml"
    assert check(run, more) == [
        f"error: {methods}:{steps}: methods[0].steps: has 7 items (1 to 6 allowed)",
        f"error: {methods}:{cautions}: methods[0].cautions: has 4 items (0 to 3 allowed)",
    ]


@pytest.mark.parametrize(
    "file, old, new, field, kind",
    [
        (
            "methods.yaml",
            "    steps:\n      - Don't stop dead",
            "    steps: Walk.\n    old:\n      - Don't stop dead",
            "methods[0].steps",
            "text",
        ),
        (
            "safety.yaml",
            "    items:\n      - you heard a pop",
            "    items: {a: 1}\n    old:\n      - you heard a pop",
            "red_flags.emergency.items",
            "a mapping",
        ),
        (
            "safety.yaml",
            "    items:\n      - a heart problem",
            "    items: yes\n    old:\n      - a heart problem",
            "ice.ask_first.items",
            "true/false",
        ),
        ("safety.yaml", "  sources: [thomee-1997, silbernagel-2007]", "  sources: 12", "pain_rule.sources", "a number"),
    ],
)
def test_a_non_list_where_a_list_is_needed_is_one_clean_error(run, data_copy, file, old, new, field, kind):
    line = edit(data_copy, file, old, new)
    errors = check(run, data_copy)
    assert f"error: {data_copy / file}:{line}: {field}: is {kind} (a list of text is allowed)" in errors, errors


def test_a_non_list_of_items_is_one_clean_error(run, data_copy):
    (data_copy / "methods.yaml").write_text("methods: ice\n")
    errors = check(run, data_copy)
    assert f"error: {data_copy / 'methods.yaml'}:1: methods: is text (a list is allowed)" in errors, errors
    (data_copy / "methods.yaml").write_text("methods:\n  - just a name\n")
    errors = check(run, data_copy)
    assert f"error: {data_copy / 'methods.yaml'}:2: methods[0]: is text (a mapping of fields is allowed)" in errors, errors
    (data_copy / "methods.yaml").write_text("methods:\n  - just a name\n  - 12\n")
    errors = check(run, data_copy)
    assert f"error: {data_copy / 'methods.yaml'}:3: methods[1]: is a number (a mapping of fields is allowed)" in errors, errors
    (data_copy / "methods.yaml").write_text("- a list, not a mapping\n")
    errors = check(run, data_copy)
    assert f"error: {data_copy / 'methods.yaml'}:1: (top): is a list (a mapping of fields is allowed)" in errors, errors


def test_list_items_must_be_text_of_bounded_length(run, data_copy):
    methods = data_copy / "methods.yaml"
    step = "x" * 159 + "."
    line = edit(
        data_copy,
        "methods.yaml",
        "      - Don't stop dead at the end of your run.\n",
        f"      - {step}\n      - [a, b]\n      - true\n",
    )
    assert check(run, data_copy) == [
        f"error: {methods}:{line + 1}: methods[0].steps[1]: is a list (text is allowed)",
        f"error: {methods}:{line + 2}: methods[0].steps[2]: is true/false (text is allowed)",
    ]
    edit(data_copy, "methods.yaml", f"      - {step}\n      - [a, b]\n      - true\n", f"      - x{step}\n")
    assert check(run, data_copy) == [
        f"error: {methods}:{line}: methods[0].steps[0]: is 161 characters long (at most 160 allowed)"
    ]


# ------------------------------------------------------------------ doses


@pytest.mark.parametrize(
    "dose, message",
    [
        ("[true, 3]", "is a list (a whole number or [low, high] is allowed)"),
        ("[3, true]", "is a list (a whole number or [low, high] is allowed)"),
        ("true", "is true/false (a whole number or [low, high] is allowed)"),
        ("'10'", "is text (a whole number or [low, high] is allowed)"),
        ("[10, 15, 20]", "is a list (a whole number or [low, high] is allowed)"),
        ("[10]", "is a list (a whole number or [low, high] is allowed)"),
        ("[15, 10]", "is [15, 10] (numbers 1–100, low before high, are allowed)"),
        ("[0, 10]", "is [0, 10] (numbers 1–100, low before high, are allowed)"),
        ("[10, 101]", "is [10, 101] (numbers 1–100, low before high, are allowed)"),
        ("101", "is 101 (numbers 1–100, low before high, are allowed)"),
        ("[10.5, 12]", "is a list (a whole number or [low, high] is allowed)"),
    ],
)
def test_a_wrong_dose_is_refused(run, data_copy, dose, message):
    line = edit(data_copy, "exercises.yaml", DOSE, DOSE.replace("reps: [10, 15]", f"reps: {dose}"))
    assert check(run, data_copy) == [f"error: {data_copy / 'exercises.yaml'}:{line}: exercises[0].dosage.reps: {message}"]


@pytest.mark.parametrize("dose, reps", [("[1, 100]", [1, 100]), ("100", [100, 100]), ("1", [1, 1])])
def test_doses_at_the_limits_are_accepted(run, data_copy, dose, reps):
    edit(data_copy, "exercises.yaml", DOSE, DOSE.replace("reps: [10, 15]", f"reps: {dose}"))
    assert check(run, data_copy) == []
    listed = json.loads(run("list", "exercises", "--json", "--data", data_copy).output)
    assert listed[0]["dosage"] == {"sets": [3, 3], "reps": reps, "per_side": True, "days_per_week": [2, 3]}


@pytest.mark.parametrize(
    "value, message",
    [
        ("1", "is a number '1' (true or false is allowed)"),
        ("'yes please'", "is text 'yes please' (true or false is allowed)"),
    ],
)
def test_a_flag_must_be_true_or_false(run, data_copy, value, message):
    line = edit(data_copy, "exercises.yaml", DOSE, DOSE.replace("per_side: true", f"per_side: {value}"))
    assert check(run, data_copy) == [f"error: {data_copy / 'exercises.yaml'}:{line}: exercises[0].dosage.per_side: {message}"]


def test_a_dose_must_be_a_mapping_and_is_required(run, data_copy):
    exercises = data_copy / "exercises.yaml"
    line = edit(data_copy, "exercises.yaml", DOSE, "    dosage: 3")
    assert check(run, data_copy) == [
        f"error: {exercises}:{line}: exercises[0].dosage: is a number (a mapping of fields is allowed)"
    ]
    edit(data_copy, "exercises.yaml", "    dosage: 3\n", "")
    assert check(run, data_copy) == [f"error: {exercises}:5: exercises[0].dosage: is missing (it is required)"]


# ------------------------------------------------------------------ text and numbers


@pytest.mark.parametrize("length, ok", [(40, True), (41, False)])
def test_item_name_length(run, data_copy, length, ok):
    name = ("Ease down after your run " * 3)[: length - 1].strip().ljust(length - 1, "x") + "n"
    line = edit(data_copy, "methods.yaml", "name: Ease down after your run", f"name: {name}")
    expected = (
        []
        if ok
        else [f"error: {data_copy / 'methods.yaml'}:{line}: methods[0].name: is {length} characters long (at most 40 allowed)"]
    )
    assert check(run, data_copy) == expected


def test_text_fields_must_be_text_and_required_ones_not_empty(run, data_copy):
    methods = data_copy / "methods.yaml"
    line = edit(data_copy, "methods.yaml", "name: Ease down after your run", "name: [Ease, down]")
    summary = edit(
        data_copy, "methods.yaml", "summary: Slowing down bit by bit", "summary: '  '\n    old: Slowing down bit by bit"
    )
    errors = check(run, data_copy)
    assert f"error: {methods}:{line}: methods[0].name: is a list (text is allowed)" in errors, errors
    assert f"error: {methods}:{summary}: methods[0].summary: is empty (text is required)" in errors, errors


@pytest.mark.parametrize(
    "year, message",
    [
        ("1899", "is 1899 (allowed: 1900–2100)"),
        ("2101", "is 2101 (allowed: 1900–2100)"),
        ("true", "is true/false 'True' (a whole number is allowed)"),
        ("2000.5", "is a number '2000.5' (a whole number is allowed)"),
        ("1900", None),
        ("2100", None),
    ],
)
def test_source_years(run, data_copy, year, message):
    line = edit(data_copy, "sources.yaml", MOELLER_YEAR, f"    year: {year}\n    url: https://ohsu")
    expected = [f"error: {data_copy / 'sources.yaml'}:{line}: sources[2].year: {message}"] if message else []
    assert check(run, data_copy) == expected


def test_unknown_fields_are_named_with_a_suggestion(run, data_copy):
    line = edit(data_copy, "methods.yaml", "    icon: walk\n", "    icon: walk\n    sumary: typo\n")
    (error,) = check(run, data_copy)
    assert error == (
        f"error: {data_copy / 'methods.yaml'}:{line + 1}: methods[0].sumary: is not a known field; did you mean 'summary'? "
        "(allowed: cautions, dosage, icon, id, illustration, name, source_note, sources, steps, summary, url)"
    )


# ------------------------------------------------------------------ numbers in a layout file


def layout_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("extends: one-page\ndescription: mine\n" + body)
    return path


@pytest.mark.parametrize(
    "gap, ok", [("0", True), ("40", True), ("12.5", True), ("-1", False), ("41", False), ("wide", False), ("true", False)]
)
def test_layout_numbers_at_their_limits(run, tmp_path, gap, ok):
    path = layout_file(tmp_path, f"page:\n  gap: {gap}\n")
    result = run("build", "--region", "front", "--methods", "ice", "--layout", path, "-o", tmp_path / "x.pdf")
    if ok:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2
        unit = " mm" if gap.lstrip("-").isdigit() else ""
        shown = "True" if gap == "true" else gap
        assert result.stderr == f"error: {path}:4: page.gap: is '{shown}'{unit} (0–40 mm allowed)\n"


@pytest.mark.parametrize(
    "value, message",
    [
        ("null", "is missing (a number, 6–80 mm allowed: home printers cannot print within 6 mm of the edge)"),
        ("5.5", "is '5.5' mm (6–80 mm allowed: home printers cannot print within 6 mm of the edge)"),
    ],
)
def test_a_required_layout_number_names_its_range_and_why(run, tmp_path, value, message):
    path = layout_file(tmp_path, f"page:\n  margins: {{left: {value}}}\n")
    result = run("build", "--region", "front", "--layout", path, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}:4: page.margins.left: {message}\n"


def test_a_mistake_inherited_through_extends_is_reported_in_its_own_file(run, tmp_path):
    lays = tmp_path / "lays"
    lays.mkdir()
    (lays / "parent.yaml").write_text("extends: one-page\ndescription: parent\n\nstyles:\n  body: {size: huge}\n")
    (lays / "child.yaml").write_text("extends: parent\ndescription: child\npage:\n  gap: 99\n")
    result = run("build", "--layouts", lays, "--layout", "child", "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {lays / 'child.yaml'}:4: page.gap: is '99' mm (0–40 mm allowed)",
        f"error: {lays / 'parent.yaml'}:5: styles.body.size: is 'huge' (4–96 allowed)",
    ]


def test_every_wrong_layout_number_is_reported_at_once(run, tmp_path):
    path = layout_file(tmp_path, "page:\n  margins: {left: wide, top: 3}\n  gap: 99\n")
    result = run("build", "--region", "front", "--layout", path, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    why = "(6–80 mm allowed: home printers cannot print within 6 mm of the edge)"
    assert result.stderr.splitlines() == [
        f"error: {path}:4: page.margins.top: is '3' mm {why}",
        f"error: {path}:4: page.margins.left: is 'wide' {why}",
        f"error: {path}:5: page.gap: is '99' mm (0–40 mm allowed)",
    ]


def test_an_empty_data_file_and_dates_are_named_for_what_they_are(run, data_copy, tmp_path):
    (data_copy / "safety.yaml").write_text("")
    errors = check(run, data_copy)
    assert f"error: {data_copy / 'safety.yaml'}: (top): is nothing (a mapping of fields is allowed)" in errors, errors
    other = shutil.copytree(ROOT_DATA, tmp_path / "other")
    title = edit(other, "sources.yaml", "    title: Safe use of cold treatment", "    title: 2020-01-01")
    year = edit(other, "sources.yaml", MOELLER_YEAR, "    year: 1997-05-01\n    url: https://ohsu")
    assert check(run, other) == [
        f"error: {other / 'sources.yaml'}:{title}: sources[0].title: is date (text is allowed)",
        f"error: {other / 'sources.yaml'}:{year}: sources[2].year: is date '1997-05-01' (a whole number is allowed)",
    ]


def test_a_number_without_a_unit_is_shown_without_one(run, tmp_path):
    path = layout_file(tmp_path, "fit:\n  max_scale: 3\n")
    result = run("build", "--region", "front", "--layout", path, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}:4: fit.max_scale: is '3' (1–2 allowed)\n"


def test_a_mistake_in_a_mapping_both_files_fill_is_reported_in_the_file_that_has_it(run, tmp_path):
    lays = tmp_path / "lays"
    lays.mkdir()
    (lays / "parent.yaml").write_text("extends: one-page\ndescription: parent\npage:\n  gap: 99\n")
    (lays / "child.yaml").write_text("extends: parent\ndescription: child\npage:\n  max_pages: 2\n")
    result = run("build", "--layouts", lays, "--layout", "child", "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == f"error: {lays / 'parent.yaml'}:4: page.gap: is '99' mm (0–40 mm allowed)\n"
