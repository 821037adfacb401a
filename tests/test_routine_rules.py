"""How options and a routine file become a routine, as the command shows it: what is chosen,
what wins, and the one located line for every wrong value (fields, clubs, logos, links)."""

from __future__ import annotations

import io

import pytest
from conftest import text
from pypdf import PdfReader

REGIONS = "lateral, front, above, all"


def refused(run, tmp_path, *args) -> list[str]:
    out = tmp_path / "never.pdf"
    result = run("build", *args, "-o", out)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    return result.stderr.strip().splitlines()


def routine(tmp_path, body: str):
    path = tmp_path / "r.yaml"
    path.write_text(body)
    return path


# ------------------------------------------------------------------ choosing


def test_an_empty_option_leaves_the_files_value(build, tmp_path):
    path = routine(tmp_path, "name: From The File\nregion: front\n")
    assert "From The File" in text(build(path, "--name", ""))


def test_exercises_alone_choose_their_regions_in_order(build):
    body = text(build("--exercises", "wall-sit, clamshell,wall-sit", "--methods", "ice", "--layout", "handout"))
    assert body.index("An ache around or behind your kneecap") < body.index("Pain on the outer side of your knee")
    assert body.count("Side-lying clamshell") == 1 and "Step-down" not in body
    assert "Ice for 10 minutes" in body  # the lateral cap applies to a lateral exercise chosen alone


def test_methods_are_printed_once_each_in_the_order_given(build):
    body = text(build("--region", "front", "--methods", "stretch,ice,stretch"))
    assert body.index("Stretch your legs") < body.index("Ice your knee")
    assert body.count("Stretch your legs and hips") == 1 and "Refuel" not in body


def test_a_routine_file_lists_like_the_options(build, tmp_path):
    path = routine(tmp_path, "region: [front]\nmethods: ice, refuel\nexercises: [step-down]\n")
    body = text(build(path))
    assert "Refuel and drink" in body and "Step-down" in body and "Wall sit" not in body and "Stretch your legs" not in body


def test_a_layout_with_a_default_region_needs_none(build, run, tmp_path):
    body = text(build("--layout", "handout"))
    for region in ("Outside of the knee", "Front of the knee", "Above the knee"):
        assert region in body
    lay = tmp_path / "knee.yaml"
    lay.write_text("extends: handout\ndescription: mine\npage:\n  region_default: knee\n")
    assert (
        refused(run, tmp_path, "--layout", lay)[0]
        == "error: page.region_default: the layout's 'knee' is not a region (give --region)"
    )
    lay = tmp_path / "above.yaml"
    lay.write_text("extends: one-page\ndescription: mine\npage:\n  region_default: above\n")
    assert "Above the knee" in text(build("--layout", lay))


def test_paper_and_backs_and_tracker_reach_the_pdf(build):
    pdf = build("--region", "front", "--paper", "letter", "--no-tracker")
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width)) == 612
    assert "Your two weeks" not in text(pdf)
    assert "Your two weeks" in text(build("--region", "front", "--tracker"))
    cards = PdfReader(io.BytesIO(build("--layout", "cards", "--region", "front", "--backs")))
    assert len(cards.pages) == 4
    fronts = PdfReader(io.BytesIO(build("--layout", "cards", "--region", "front"))).pages
    assert len(fronts) == 3  # without backs, the deck ends with one safety card
    assert (fronts[-1].extract_text() or "").startswith("When to stop and get help")


def test_a_club_in_a_routine_file_with_its_logo_beside_the_file(build, tmp_path):
    from PIL import Image

    Image.new("RGB", (120, 60), "#204080").save(tmp_path / "logo.png")
    path = routine(
        tmp_path, "region: front\nlayout: handout\nclub: {name: Harriers AC, logo: logo.png, url: 'https://example.org/h'}\n"
    )
    pdf = build(path)
    assert "Harriers AC" in text(pdf) and "https://example.org/h" in text(pdf)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert doc.pages[0].images
    assert "Road Runners" in text(build("--region", "front", "--layout", "handout", "--club", "Road Runners"))
    path = routine(tmp_path, "region: front\nlayout: handout\nclub: Harriers AC\n")
    assert "Harriers AC" in text(build(path))


# ------------------------------------------------------------------ refusing


@pytest.mark.parametrize(
    "body, line, field, message",
    [
        ("region: knee\n", 1, "region", f"'knee' is not a region (allowed: {REGIONS})"),
        ("region: [front, lateal]\n", 1, "region", f"'lateal' is not a region; did you mean 'lateral'? (allowed: {REGIONS})"),
        ("region: 5\n", 1, "region", "is not a list of ids (a list like [a, b] or 'a,b' is allowed)"),
        ("region: front\nmethods: [1, 2]\n", 2, "methods", "is not a list of ids (a list like [a, b] or 'a,b' is allowed)"),
        ("region: front\nexercises: {a: 1}\n", 2, "exercises", "is not a list of ids (a list like [a, b] or 'a,b' is allowed)"),
        (
            "region: front\nmethods: [ice, icing]\n",
            2,
            "methods",
            "'icing' is not a method (allowed: cool-down, stretch, ice, refuel, massage)",
        ),
        (
            "region: front\nexercises: [wall-sit, wallsit]\n",
            2,
            "exercises",
            "'wallsit' is not an exercise; did you mean 'wall-sit'? (see: kneecard list exercises)",
        ),
        (
            "region: front\nexercises: [clamshell]\n",
            2,
            "exercises",
            "'clamshell' is for region 'lateral', not front (choose that region's exercises)",
        ),
        ("region: front\npaper: a3\n", 2, "paper", "'a3' is not a paper size (allowed: a4, letter)"),
        (
            "region: front\npaper: leter\n",
            2,
            "paper",
            "'leter' is not a paper size; did you mean 'letter'? (allowed: a4, letter)",
        ),
        ("region: front\nlayout: 5\n", 2, "layout", "is not a layout name (text is allowed)"),
        ("region: front\nbacks: maybe\n", 2, "backs", "is 'maybe' (true or false is allowed)"),
        ("region: front\ntracker: 1\n", 2, "tracker", "is '1' (true or false is allowed)"),
        (
            "region: front\nurl: example.org\n",
            2,
            "url",
            "'example.org' is not a web address (http:// or https://, no spaces, at most 300 characters)",
        ),
        (
            "region: front\nurl: [https://example.org]\n",
            2,
            "url",
            "'['https://example.org']' is not a web address (http:// or https://, no spaces, at most 300 characters)",
        ),
        ("region: front\nclub: [a]\n", 2, "club", "is not a mapping (name, logo, url are allowed)"),
        (
            "region: front\nclub: {name: X, url: 'ftp://x'}\n",
            2,
            "club",
            "url 'ftp://x' is not a web address (http:// or https://, no spaces, at most 300 characters)",
        ),
        (
            "region: front\nclub: {name: X, logo: x.gif}\n",
            2,
            "club",
            "logo 'x.gif' is not a PNG or JPG file (.png, .jpg allowed)",
        ),
        ("region: front\nclub: {logo: x.gif}\n", 2, "club", "has no name (a club needs a name to go with its logo or link)"),
        ("region: front\nclub: {name: X, colour: red}\n", 2, "club.colour", "is not a known field (allowed: logo, name, url)"),
        (
            "region: front\nmethods: []\nexercises: []\n",
            2,
            "methods",
            "names no ids (give ids like a,b, or leave it out for the default)",
        ),
        (
            "region: front\nmethods: []\nexercises: []\n",
            3,
            "exercises",
            "names no ids (give ids like a,b, or leave it out for the default)",
        ),
        ("name: Sam\n", None, "region", f"is missing (give --region: {REGIONS})"),
        ("region: front\nregoin: lateral\n", 2, "regoin", "is not a known field; did you mean 'region'?"),
    ],
)
def test_a_wrong_routine_file_is_refused_with_file_line_and_field(run, tmp_path, body, line, field, message):
    path = routine(tmp_path, body)
    where = f"{path}:{line}" if line else f"{path}"
    errors = refused(run, tmp_path, path)
    assert any(
        e == f"error: {where}: {field}: {message}" or e.startswith(f"error: {where}: {field}: {message} (") for e in errors
    ), errors


def test_a_missing_logo_is_named_with_where_it_was_looked_for(run, tmp_path):
    path = routine(tmp_path, "region: front\nlayout: handout\nclub: {name: X, logo: pics/logo.png}\n")
    assert refused(run, tmp_path, path) == [
        f"error: {path}:3: club: logo '{tmp_path / 'pics' / 'logo.png'}' does not exist (give an existing PNG or JPG)"
    ]
    assert refused(run, tmp_path, "--region", "front", "--layout", "handout", "--club", "X", "--logo", "nope.jpg") == [
        "error: --logo: logo 'nope.jpg' does not exist (give an existing PNG or JPG)"
    ]
    assert refused(run, tmp_path, "--region", "front", "--layout", "handout", "--club", "X", "--logo", "logo.svg") == [
        "error: --logo: logo 'logo.svg' is not a PNG or JPG file (.png, .jpg allowed)"
    ]


@pytest.mark.parametrize(
    "args, line",
    [
        (["--region", "front,knee"], f"error: --region: 'knee' is not a region (allowed: {REGIONS})"),
        (["--region", "alll"], f"error: --region: 'alll' is not a region; did you mean 'all'? (allowed: {REGIONS})"),
        (
            ["--region", "front,above", "--exercises", "wall-sit,clamshell"],
            "error: --exercises: 'clamshell' is for region 'lateral', not front, above (choose that region's exercises)",
        ),
        (
            ["--region", "lateral,front", "--exercises", "wall-sit", "--ice-minutes", "15"],
            "error: --ice-minutes: 15 is more than 10 minutes for the outside of your knee. "
            "A nerve lies close to the skin here. Cold can hurt it. (5–10 allowed there)",
        ),
        (
            ["--region", "front", "--methods", "ice,ice-bath"],
            "error: --methods: 'ice-bath' is not a method (allowed: cool-down, stretch, ice, refuel, massage)",
        ),
        (
            ["--region", "front", "--club", "X", "--url", "www.x.org"],
            "error: --url: url 'www.x.org' is not a web address (http:// or https://, no spaces, at most 300 characters)",
        ),
    ],
)
def test_wrong_options_are_named_by_their_flag(run, tmp_path, args, line):
    assert refused(run, tmp_path, *args, "--layout", "handout") == [line]


def test_every_problem_in_a_routine_file_is_reported_at_once(run, tmp_path):
    path = routine(tmp_path, "region: knee\nmethods: [icing]\npaper: a5\nice_minutes: 30\nbacks: 2\n")
    errors = refused(run, tmp_path, path)
    assert sorted(e.split(": ")[1:3] for e in errors) == [
        [f"{path}:1", "region"],
        [f"{path}:2", "methods"],
        [f"{path}:3", "paper"],
        [f"{path}:4", "ice_minutes"],
        [f"{path}:5", "backs"],
    ]


@pytest.mark.parametrize("name", ["logo.jpeg", "LOGO.JPG", "logo.PNG"])
def test_logos_by_any_usual_name(build, tmp_path, name):
    import pdfplumber
    from PIL import Image

    Image.new("RGB", (120, 60), "#204080").save(tmp_path / name, format="PNG" if name.lower().endswith("png") else "JPEG")
    pdf = build("--region", "front", "--layout", "handout", "--club", "Harriers", "--logo", tmp_path / name)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert doc.pages[0].images


def test_no_known_method_and_no_known_exercise_says_there_is_nothing_to_print(run, tmp_path):
    result = run("build", "--region", "front", "--methods", "nope", "--exercises", "nah", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "error: routine: has nothing to print (choose some methods or exercises)"
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("length, echoed", [(80, "x" * 80), (81, "x" * 80 + "… (81 characters)")])
def test_a_wrong_value_is_echoed_whole_up_to_80_characters_then_cut(run, tmp_path, length, echoed):
    result = run("build", "--region", "front", "--url", "x" * length, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --url: '{echoed}' is not a web address (http:// or https://, no spaces, at most 300 characters)\n"
    )
