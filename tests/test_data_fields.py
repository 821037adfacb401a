"""Every required field of a data folder, and every length limit, as `kneecard check` reports it:
a field left out or one character too long is one located line, never a silently thinner PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# (file, the line of the first key of the mapping holding the field, the field's path)
FIRST = {
    "sources.yaml": "  - id: mpft-cold",
    "regions.yaml": "  - id: lateral",
    "methods.yaml": "  - id: cool-down",
    "exercises.yaml": "  - id: clamshell",
}
ITEM = {
    "sources.yaml": "sources[0]",
    "regions.yaml": "regions[0]",
    "methods.yaml": "methods[0]",
    "exercises.yaml": "exercises[0]",
}


def line_of(body: str, text: str) -> int:
    return body[: body.index(text)].count("\n") + 1


def drop(body: str, key_line: str) -> str:
    """Remove a `key: value` line and the lines of its value (indented deeper, or list items under it)."""
    lines = body.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(key_line))
    indent = len(key_line) - len(key_line.lstrip())
    end = start + 1
    while end < len(lines) and lines[end].strip() and (len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return "\n".join(lines[:start] + lines[end:])


def errors_of(run, folder: Path) -> list[str]:
    result = run("check", "--data", folder)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize(
    "file, field",
    [
        ("sources.yaml", "id"),
        ("sources.yaml", "title"),
        ("sources.yaml", "org"),
        ("regions.yaml", "id"),
        ("regions.yaml", "name"),
        ("regions.yaml", "short"),
        ("regions.yaml", "plain"),
        ("regions.yaml", "exercises"),
        ("methods.yaml", "id"),
        ("methods.yaml", "name"),
        ("methods.yaml", "summary"),
        ("methods.yaml", "steps"),
        ("methods.yaml", "dosage"),
        ("methods.yaml", "sources"),
        ("exercises.yaml", "name"),
        ("exercises.yaml", "region"),
        ("exercises.yaml", "goal"),
        ("exercises.yaml", "steps"),
        ("exercises.yaml", "sources"),
    ],
)
def test_a_required_field_of_an_item_left_out_is_reported(run, data_copy, file, field):
    path = data_copy / file
    body = path.read_text()
    first = FIRST[file]
    key = first if field == "id" else "    " + field + ":"
    start = body.index(first)
    head, tail = body[:start], body[start:]
    # id is the first key: rename it, so the mapping keeps its line
    tail = tail.replace("  - id:", "  - old_id:", 1) if field == "id" else drop(tail, key)
    path.write_text(head + tail)
    line = line_of(body, first)
    errors = errors_of(run, data_copy)
    assert f"error: {path}:{line}: {ITEM[file]}.{field}: is missing (it is required)" in errors, errors


@pytest.mark.parametrize(
    "section_key, field, path",
    [
        ("  method: ice", "note", "ice.note"),
        ("  method: ice", "ask_first", "ice.ask_first"),
        ("  method: ice", "sources", "ice.sources"),
        ("  method: ice", "limit", "ice.limit"),
        ("  text: >-\n    Pain up to", "text", "pain_rule.text"),
        ("  text: >-\n    Pain up to", "sources", "pain_rule.sources"),
        ("  emergency:\n    intro:", "emergency", "red_flags.emergency"),
        ("  emergency:\n    intro:", "urgent", "red_flags.urgent"),
        ("  emergency:\n    intro:", "routine", "red_flags.routine"),
        ("  emergency:\n    intro:", "sources", "red_flags.sources"),
        ("  text: >-\n    This sheet gives", "text", "disclaimer.text"),
        ("  intro:\n    - >-\n      Running puts", "intro", "about.intro"),
        ("  intro:\n    - >-\n      Running puts", "sources", "about.sources"),
    ],
)
def test_a_required_safety_field_left_out_is_reported(run, data_copy, section_key, field, path):
    safety = data_copy / "safety.yaml"
    body = safety.read_text()
    start = body.index(section_key)
    line = line_of(body, section_key)
    section_end = body.find("\n\n", start)
    section = body[start:section_end]
    # the section's first key keeps its line (renamed), so the section's line stays where it was
    first_key = section.startswith(f"  {field}:")
    section = section.replace(f"  {field}:", "  old_field:", 1) if first_key else drop(section, f"  {field}:")
    safety.write_text(body[:start] + section + body[section_end:])
    errors = errors_of(run, data_copy)
    assert f"error: {safety}:{line}: {path}: is missing (it is required)" in errors, errors


@pytest.mark.parametrize("section", ["ice", "pain_rule", "red_flags", "countries", "disclaimer", "about"])
def test_a_safety_section_left_out_is_reported(run, data_copy, section):
    safety = data_copy / "safety.yaml"
    body = safety.read_text()
    body = (
        body.replace(f"\n{section}:", "\nold_section:", 1)
        if section != "ice"
        else body.replace("ice:\n  method", "ice_rules:\n  method", 1)
    )
    safety.write_text(body)
    errors = errors_of(run, data_copy)
    top_line = 2  # the first key of safety.yaml, after its comment
    about_it = [e for e in errors if f": {section}:" in e or f": {section}." in e]
    assert about_it == [f"error: {safety}:{top_line}: {section}: is missing (it is required)"], errors  # said once, no knock-on


# (file, the field's line as it is, the field path, the limit)
LONG = [
    ("methods.yaml", "    name: Ease down after your run", "methods[0].name", 40),
    ("methods.yaml", "    summary: Slowing down bit by bit", "methods[0].summary", 140),
    ("methods.yaml", "      how_often: after every run\n    cautions: []", "methods[0].dosage.how_often", 60),
    ("exercises.yaml", "    goal: Strengthens the muscles", "exercises[0].goal", 140),
    ("exercises.yaml", "    equipment: a mat\n    steps:\n      - Lie on your side", "exercises[0].equipment", 60),
    ("regions.yaml", "    name: Outside of the knee", "regions[0].name", 40),
    ("regions.yaml", "    short: the outside of your knee", "regions[0].short", 40),
    ("regions.yaml", "    plain: >-\n      Pain on the outer side", "regions[0].plain", 300),
    ("safety.yaml", "      reason: A nerve", "ice.regions.lateral.reason", 200),
    ("safety.yaml", "  limit: Never leave", "ice.limit", 160),
    ("safety.yaml", '    intro: "Ask a doctor', "ice.ask_first.intro", 120),
    ("safety.yaml", "  text: >-\n    Pain up to", "pain_rule.text", 400),
    ("safety.yaml", '    intro: "{emergency} if:"', "red_flags.emergency.intro", 120),
    ("safety.yaml", '    intro: "Get help today', "red_flags.urgent.intro", 120),
    ("safety.yaml", '  routine: "Is your knee', "red_flags.routine", 200),
    ("safety.yaml", "    emergency: Call 999", "countries.gb.emergency", 80),
    ("safety.yaml", "  text: >-\n    This sheet gives", "disclaimer.text", 300),
]


@pytest.mark.parametrize("file, key_line, field, limit", LONG)
def test_one_character_over_a_length_limit_is_reported(run, data_copy, file, key_line, field, limit):
    """`key_line` is the field's line (with what follows it where that alone is not unique)."""
    path = data_copy / file
    body = path.read_text()
    start = body.index(key_line)
    first = key_line.split("\n")[0]
    key = first.split(":")[0]
    value = ("Long " * 100)[: limit - 1].rstrip().ljust(limit, "x")
    path.write_text(body[:start] + f"{key}: {value}x\n" + drop(body[start:], first).lstrip("\n"))
    errors = errors_of(run, data_copy)
    line = line_of(body, key_line)
    assert f"error: {path}:{line}: {field}: is {limit + 1} characters long (at most {limit} allowed)" in errors, errors


@pytest.mark.parametrize(
    "old, field, limit",
    [
        ("      - you heard a pop or snap when you hurt your knee", "red_flags.emergency.items[0]", 120),
        ("      - your knee is hot, red and swollen, or you have a fever", "red_flags.urgent.items[0]", 120),
        ("      - a heart problem", "ice.ask_first.items[0]", 120),
        ("    - Put a thin, damp cloth between the ice and your skin.", "ice.note[1]", 160),
    ],
)
def test_one_character_over_a_list_item_limit_is_reported(run, data_copy, old, field, limit):
    safety = data_copy / "safety.yaml"
    body = safety.read_text()
    line = line_of(body, old)
    safety.write_text(body.replace(old, old.split("- ")[0] + "- " + "y" * (limit + 1), 1))
    errors = errors_of(run, data_copy)
    assert f"error: {safety}:{line}: {field}: is {limit + 1} characters long (at most {limit} allowed)" in errors, errors


def test_about_paragraphs_are_limited_too(run, data_copy):
    safety = data_copy / "safety.yaml"
    body = safety.read_text()
    line = line_of(body, "    - >-\n      Running puts")
    safety.write_text(re.sub(r"    - >-\n      Running puts(.|\n)*?(?=    - >-)", "    - " + "z" * 401 + "\n", body, count=1))
    errors = errors_of(run, data_copy)
    assert f"error: {safety}:{line}: about.intro[0]: is 401 characters long (at most 400 allowed)" in errors, errors


# ------------------------------------------------------------------ ids and cross-references


def edit(folder: Path, name: str, old: str, new: str) -> int:
    path = folder / name
    body = path.read_text()
    assert body.count(old) == 1, old
    path.write_text(body.replace(old, new))
    return line_of(body, old)


@pytest.mark.parametrize(
    "file, old, new, field, message",
    [
        (
            "methods.yaml",
            "  - id: stretch\n",
            "  - id: cool-down\n",
            "methods[1].id",
            "'cool-down' is used twice (ids must be unique)",
        ),
        (
            "exercises.yaml",
            "  - id: hip-hitch\n",
            "  - id: clamshell\n",
            "exercises[1].id",
            "'clamshell' is used twice (ids must be unique)",
        ),
        (
            "sources.yaml",
            "  - id: nca-knee\n",
            "  - id: mpft-cold\n",
            "sources[1].id",
            "'mpft-cold' is used twice (ids must be unique)",
        ),
        (
            "methods.yaml",
            "  - id: cool-down\n",
            "  - id: Cool_Down\n",
            "methods[0].id",
            "'Cool_Down' is not a plain id (lower-case letters, digits and dashes are allowed)",
        ),
        (
            "methods.yaml",
            "    icon: walk\n",
            "    icon: wlk\n",
            "methods[0].icon",
            "'wlk' is not an icon; did you mean 'walk'? (allowed: ",
        ),
        (
            "methods.yaml",
            "    sources: [van-hooren-2018]\n",
            "    sources: [van-hooren-2018]\n    url: www.example.org\n",
            "methods[0].url",
            "'www.example.org' is not a web address (http:// or https://, no spaces)",
        ),
        (
            "sources.yaml",
            "    url: https://mpft.nhs.uk/services/msk/self-help/general-advice/safe-use-cold-treatment\n",
            "    url: mpft.nhs.uk\n",
            "sources[0].url",
            "'mpft.nhs.uk' is not a web address (http:// or https://, no spaces)",
        ),
        (
            "methods.yaml",
            "    sources: [van-hooren-2018]\n",
            "    sources: [van-hooren-2019]\n",
            "methods[0].sources",
            "source 'van-hooren-2019' is not in sources.yaml; did you mean 'van-hooren-2018'?",
        ),
        (
            "exercises.yaml",
            "    region: lateral\n    goal: Strengthens",
            "    region: lateal\n    goal: Strengthens",
            "exercises[0].region",
            "'lateal' is not a region; did you mean 'lateral'? (allowed: above, front, lateral)",
        ),
    ],
)
def test_ids_and_references_are_checked(run, data_copy, file, old, new, field, message):
    line = edit(data_copy, file, old, new)
    if field.endswith(".url") and file == "methods.yaml":
        line += 1
    errors = errors_of(run, data_copy)
    assert any(e.startswith(f"error: {data_copy / file}:{line}: {field}: {message}") for e in errors), errors


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "[clamshell, hip-hitch, cross-body-stretch]",
            "[clamshel, hip-hitch, cross-body-stretch]",
            "exercise 'clamshel' is not in exercises.yaml; did you mean 'clamshell'?",
        ),
        (
            "[clamshell, hip-hitch, cross-body-stretch]",
            "[clamshell, hip-hitch, wall-sit]",
            "exercise 'wall-sit' belongs to region 'front'",
        ),
    ],
)
def test_a_region_lists_only_its_own_exercises(run, data_copy, old, new, message):
    edit(data_copy, "regions.yaml", old, new)
    assert f"error: {data_copy / 'regions.yaml'}: regions.lateral.exercises: {message}" in errors_of(run, data_copy)


ALLOWED = "(Latin, Greek, Cyrillic, Chinese, Japanese and Korean are allowed)"


def test_content_the_font_cannot_print_is_refused(run, data_copy):
    edit(data_copy, "methods.yaml", "name: Ease down after your run", "name: Ease down \u2603")
    edit(data_copy, "safety.yaml", "      - your knee locks, or", "      - your knee \u2602, or")
    edit(data_copy, "regions.yaml", "    short: the outside of your knee", "    short: the outside \u2601")
    errors = errors_of(run, data_copy)
    assert errors == [
        f"error: {data_copy / 'methods.yaml'}: methods.cool-down: has characters the font cannot print: '\u2603' (U+2603) "
        f"{ALLOWED}",
        f"error: {data_copy / 'regions.yaml'}: regions.lateral: has characters the font cannot print: '\u2601' (U+2601) "
        f"{ALLOWED}",
        f"error: {data_copy / 'safety.yaml'}: safety.red_flags: has characters the font cannot print: '\u2602' (U+2602) "
        f"{ALLOWED}",
    ]


def test_a_caution_one_character_too_long_is_reported(run, data_copy):
    line = edit(
        data_copy,
        "methods.yaml",
        "      - Ease off if the pull turns sharp or you feel it inside the knee joint.\n",
        "      - " + "c" * 161 + "\n",
    )
    errors = errors_of(run, data_copy)
    assert (
        f"error: {data_copy / 'methods.yaml'}:{line}: methods[1].cautions[0]: is 161 characters long (at most 160 allowed)"
        in errors
    ), errors


def test_every_method_is_checked_for_reading_as_ice_even_after_a_broken_one(run, data_copy):
    methods = data_copy / "methods.yaml"
    edit(data_copy, "methods.yaml", "  - id: cool-down\n", "  - old_id: cool-down\n")
    line = edit(data_copy, "methods.yaml", "    name: Massage around the knee\n", "    name: Iced towel wrap\n")
    errors = errors_of(run, data_copy)
    assert any(
        e.startswith(f"error: {methods}:{line}: methods[4].name: 'Iced towel wrap' reads as an ice method") for e in errors
    ), errors


def test_a_source_needs_a_year_and_a_way_to_find_it(run, data_copy):
    sources = data_copy / "sources.yaml"
    body = sources.read_text()
    link = "    url: https://ohsu.elsevierpure.com/en/publications/cryotherapy-induced-common-peroneal-nerve-palsy\n"
    assert body.count(link) == 1
    body = body.replace("    accessed: 2026\n    url: https://mpft.nhs.uk", "    url: https://mpft.nhs.uk", 1).replace(link, "")
    sources.write_text(body)
    first, third = line_of(body, "  - id: mpft-cold"), line_of(body, "  - id: moeller-1997")  # as edited
    assert errors_of(run, data_copy) == [
        f"error: {sources}:{first}: sources[0].year: is missing "
        "(the year of publication; for a web page that shows no date, accessed: the year you checked it)",
        f"error: {sources}:{third}: sources[2].url: is missing: give a link or an identifier (url, doi, pmid or isbn) "
        "so a reader can find the source",
    ]


def test_a_dose_that_does_not_say_how_often_is_one_exact_line(run, data_copy):
    """The whole message, word for word: it tells the author both ways to say how often."""
    line = edit(
        data_copy,
        "exercises.yaml",
        "dosage: {sets: 3, reps: [10, 15], per_side: true, days_per_week: [2, 3]}",
        "dosage: {sets: 3, reps: [10, 15], per_side: true}",
    )
    assert errors_of(run, data_copy) == [
        f"error: {data_copy / 'exercises.yaml'}:{line}: exercises[0].dosage.how_often: is missing: say how often "
        "(days_per_week: a number or [low, high], or how_often: in words, e.g. after every run)"
    ]


def test_a_pain_rule_the_font_cannot_print_names_the_safety_file(run, data_copy):
    edit(data_copy, "safety.yaml", "do less next time.", "do less next time \u2603.")
    assert errors_of(run, data_copy) == [
        f"error: {data_copy / 'safety.yaml'}: safety: has characters the font cannot print: '\u2603' (U+2603) {ALLOWED}"
    ]


def test_a_sources_file_that_is_not_a_mapping_names_its_file(run, data_copy):
    """A bare number carries no file of its own: the line must still say which file is wrong."""
    sources = data_copy / "sources.yaml"
    sources.write_text("7\n")
    errors = errors_of(run, data_copy)
    assert errors[0] == f"error: {sources}: (top): is a number (a mapping of fields is allowed)", errors
