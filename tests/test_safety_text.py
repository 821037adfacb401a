"""Issue 15, read back from the PDFs: what a reader sees about safety, on every layout.

- red flags (by urgency, under the right country's services) and the disclaimer on every
  document, card decks with and without backs included;
- the tendon-rupture sign on pages for above the knee;
- one ice limit per page, or one line per limit saying where it applies;
- the ice box's skin check, sleep rule and ask-first list;
- doses that say how often, a pain rule on the tracker's 0–10 scale.
"""

from __future__ import annotations

import csv
import io
import re

import pdfplumber
import pytest
from conftest import edit_data, text
from pypdf import PdfReader

from pdfgen.build import library

LIB = library(None)
S = LIB.safety
FLAGS = S.flags
GB, US = S.countries["gb"], S.countries["us"]
TENDON = FLAGS.region_emergency["above"][0]
ONE_REGION_LAYOUTS = ["one-page", "large-print", "cards"]


def fold(s: str) -> str:
    return " ".join(s.split())


def pages(pdf: bytes) -> list[str]:
    return [fold(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def assert_red_flags(body: str, country=GB, regions=()) -> None:
    """Every sign under its intro, in order of urgency, and the routine line, as printed for `country`."""
    (emergency_intro, emergency), (urgent_intro, urgent) = FLAGS.groups(country, regions)
    assert emergency_intro in body and urgent_intro in body
    e, u = body.index(emergency_intro), body.index(urgent_intro)
    for sign in emergency:
        assert sign in body and e < body.index(sign) < u, sign
    for sign in urgent:
        assert sign in body and body.index(sign) > u, sign
    assert FLAGS.routine_line(country) in body


def assert_disclaimer(body: str) -> None:
    assert fold(S.disclaimer) in body


# ------------------------------------------------------------- 1. on every document


@pytest.mark.parametrize(
    "layout, region",
    [
        (layout, region)
        for layout in [*ONE_REGION_LAYOUTS, "handout"]
        for region in ("lateral", "front", "above", "all")
        if not (layout == "one-page" and region == "all")  # one page holds one area (the fit error says so)
    ],
)
def test_every_layout_and_region_prints_red_flags_and_disclaimer(build, layout, region):
    pdf = build("--layout", layout, "--region", region)
    body = text(pdf)
    regions = tuple(LIB.regions) if region == "all" else (region,)
    assert_red_flags(body, GB, regions)
    assert_disclaimer(body)


@pytest.mark.parametrize("backs", [False, True])
@pytest.mark.parametrize("region", ["lateral", "front", "above", "all"])
def test_every_card_deck_carries_red_flags_and_disclaimer(build, region, backs):
    pdf = build("--layout", "cards", "--region", region, *(["--backs"] if backs else []))
    sheets = pages(pdf)
    regions = tuple(LIB.regions) if region == "all" else (region,)
    assert_red_flags(" ".join(sheets), GB, regions)
    assert_disclaimer(" ".join(sheets))
    if backs:  # every back sheet: every card on it carries both
        for back in sheets[1::2]:
            cards_on_sheet = back.count(FLAGS.groups(GB, regions)[0][0])
            assert cards_on_sheet >= 1 and back.count(fold(S.disclaimer)) == cards_on_sheet
            assert_red_flags(back, GB, regions)
    else:  # the safety card ends the deck, on the last sheet
        assert_red_flags(sheets[-1], GB, regions)
        assert_disclaimer(sheets[-1])


def test_a_single_card_deck_still_has_its_safety_card(build):
    sheets = pages(build("--layout", "cards", "--region", "front", "--methods", "cool-down", "--exercises", "wall-sit"))
    assert len(sheets) == 1 and sheets[0].count(fold(S.disclaimer)) == 1
    assert_red_flags(sheets[0], GB, ("front",))


# ------------------------------------------------------------- 2. where to go, per country


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_gb_services_by_default_whatever_the_paper(build, paper):
    body = text(build("--region", "front", "--paper", paper))
    assert "Call 999 or go to A&E now if:" in body and "NHS 111" in body and "GP or physio" in body
    assert "911" not in body and "urgent care" not in body
    assert_red_flags(body, GB, ("front",))


@pytest.mark.parametrize("layout", ["one-page", "cards", "large-print"])
def test_us_services_with_country_us(build, layout):
    body = text(build("--layout", layout, "--region", "lateral", "--country", "us", "--paper", "letter"))
    assert "Call 911 or go to the ER now if:" in body and "urgent care or your own doctor" in body
    assert "physical therapist" in body
    assert "999" not in body and "NHS" not in body and "A&E" not in body
    assert_red_flags(body, US, ("lateral",))


def test_country_from_a_routine_file_and_option_overrides_it(run, build, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\ncountry: us\n")
    assert "Call 911" in text(build(routine))
    assert "Call 999" in text(build(routine, "--country", "gb", name="gb.pdf"))


def test_country_column_in_a_roster(run, tmp_path):
    roster = tmp_path / "r.csv"
    with roster.open("w", newline="") as f:
        csv.writer(f).writerows(
            [["name", "region", "country"], ["Ann", "front", "us"], ["Bo", "front", ""], ["Cy", "front", "gb"]]
        )
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    got = {p.name: text(p.read_bytes()) for p in (tmp_path / "out").glob("*.pdf")}
    assert "Call 911" in got["ann-front.pdf"] and "Call 999" in got["bo-front.pdf"] and "Call 999" in got["cy-front.pdf"]


def test_unknown_country_is_refused(run, tmp_path):
    result = run("build", "--region", "front", "--country", "fr", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert re.search(r"error: --country: 'fr' is not a country .*\(allowed: gb, us\)", result.stderr)


def test_every_country_entry_has_its_services_and_a_source():
    for c in S.countries.values():
        assert c.emergency and c.urgent and c.routine and c.sources
        assert all(s in LIB.sources for s in c.sources)
    assert "999" in GB.emergency and "111" in GB.urgent and "911" in US.emergency


# ------------------------------------------------------------- the tendon rupture sign


@pytest.mark.parametrize("layout", ONE_REGION_LAYOUTS)
def test_above_the_knee_page_carries_the_tendon_rupture_sign_as_an_emergency(build, layout):
    body = text(build("--layout", layout, "--region", "above"))
    assert TENDON in body
    assert "pop above your kneecap" in TENDON and "straighten your knee" in TENDON and "lift your leg" in TENDON
    emergency_intro, urgent_intro = FLAGS.groups(GB)[0][0], FLAGS.groups(GB)[1][0]
    assert body.index(emergency_intro) < body.index(TENDON) < body.index(urgent_intro)


def test_other_areas_do_not_print_the_tendon_sign(build):
    assert TENDON not in text(build("--region", "lateral"))
    assert TENDON in text(build("--layout", "handout"))  # all areas: it is there


# ------------------------------------------------------------- 3. one ice limit per page


@pytest.mark.parametrize("layout", ONE_REGION_LAYOUTS)
def test_a_lateral_document_states_one_ice_limit_10(build, layout):
    body = text(build("--layout", layout, "--region", "lateral"))
    assert "Never leave ice on for more than 10 minutes." in body
    assert "20 minutes" not in body and "never more than 20" not in body
    limits = {int(m) for m in re.findall(r"more than (\d+) minutes", body)}
    assert limits == {10}


@pytest.mark.parametrize("layout", ["one-page", "cards"])
def test_front_document_states_one_ice_limit_20(build, layout):
    body = text(build("--layout", layout, "--region", "front"))
    assert body.count("Never leave ice on for more than 20 minutes.") == 1
    assert "10 minutes at most" not in body


@pytest.mark.parametrize("layout", ["handout", "cards"])
def test_all_regions_say_which_limit_applies_where(build, layout):
    body = text(build("--layout", layout, "--region", "all"))
    assert "Outside of the knee: never more than 10 minutes." in body
    assert "Front of the knee and above the knee: never more than 20 minutes." in body
    assert "Never leave ice on for more than" not in body  # no limit without its place


@pytest.mark.parametrize("layout", ["one-page", "cards", "large-print"])
def test_ice_box_has_skin_check_sleep_rule_and_ask_first_list(build, layout):
    body = text(build("--layout", layout, "--region", "front"))
    assert "Check your skin every 5 minutes." in body and "Never fall asleep with ice on." in body
    assert fold(S.ice.ask_first_intro) in body
    for item in S.ice.ask_first:
        assert item in body, item
    for must in ("fever", "eczema", "dermatitis", "reaction to cold", "diabetes", "Raynaud"):
        assert must in " ".join(S.ice.ask_first), must


def test_ask_first_prints_as_a_bullet_list(build):
    """Each item starts a line of its own with a bullet just left of it (in whichever column it stands)."""
    with pdfplumber.open(io.BytesIO(build("--region", "front"))) as doc:
        words = doc.pages[0].extract_words()
    bullets = [w for w in words if w["text"] == "•"]
    for item in S.ice.ask_first:
        first, second = item.split()[:2]
        starts = [w for w, nxt in zip(words, words[1:], strict=False) if w["text"] == first and nxt["text"].startswith(second)]
        assert any(abs(b["top"] - w["top"]) < 2 and 0 <= w["x0"] - b["x1"] < 10 for w in starts for b in bullets), item


# ------------------------------------------------------------- 4. above the knee: loading


def test_above_the_knee_has_a_sourced_isometric_hold_with_dose_and_figure():
    hold = LIB.exercises["wall-sit-hold"]
    assert hold.region == "above" and LIB.regions["above"].exercises[0] == "wall-sit-hold"
    assert hold.dosage.hold_seconds == (30, 45) and hold.dosage.times == (5, 5) and hold.dosage.days_per_week == (4, 4)
    assert "rio-2015" in hold.sources and hold.source_note and "analogy" in hold.source_note
    assert hold.illustration is not None
    stretch = LIB.exercises["kneeling-thigh-stretch"]
    assert any("cushion" in c and "stretch less" in c for c in stretch.cautions)


@pytest.mark.parametrize("layout", ["one-page", "large-print", "cards"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_above_the_knee_fits_with_four_exercises(build, layout, paper):
    pdf = build("--layout", layout, "--region", "above", "--paper", paper)
    body = text(pdf)
    for x in LIB.region_exercises("above"):
        assert x.name in body
    assert "Hold 30–45 s · 5 times · 4 days a week" in body
    n = len(PdfReader(io.BytesIO(pdf)).pages)
    assert n == 1 if layout == "one-page" else n <= 8


# ------------------------------------------------------------- 5. doses and the pain rule


def test_every_exercise_and_method_says_how_often():
    for item in [*LIB.methods.values(), *LIB.exercises.values()]:
        assert item.dosage.how_often or item.dosage.days_per_week, item.id


def test_front_of_knee_exercises_print_how_often(build):
    body = text(build("--region", "front"))
    for x in LIB.region_exercises("front"):
        assert x.dosage.days_per_week == (2, 3)
    assert body.count("2–3 days a week") >= 3


def test_dose_without_how_often_is_refused(run, data_copy):
    data = edit_data(data_copy, lambda name, t: t.replace(", days_per_week: [2, 3]}", "}", 1) if name == "exercises.yaml" else t)
    result = run("check", "--data", data)
    assert result.exit_code == 2
    assert re.search(r"exercises\.yaml:\d+: exercises\[0\]\.dosage\.how_often: is missing: say how often", result.stderr)


def test_due_days_spread_over_the_week():
    from pdfgen.model import Dosage

    assert Dosage(days_per_week=(2, 3)).due_days() == (0, 2, 5)
    assert Dosage(days_per_week=(4, 4)).due_days() == (0, 2, 4, 5)
    assert Dosage(how_often="after every run").due_days() == tuple(range(7))


def test_pain_rule_gives_a_number_on_the_trackers_scale(build):
    assert "3 out of 10" in S.pain_rule and "within an hour" in S.pain_rule and "next morning" in S.pain_rule
    assert "thomee-1997" in S.sources
    body = text(build("--region", "lateral", "--methods", "cool-down", "--tracker"))
    assert fold(S.pain_rule) in body and "Pain today, 0–10" in body


# ------------------------------------------------------------- 6. sources that hold


def test_every_source_has_title_publisher_year_and_a_way_to_find_it():
    for s in LIB.sources.values():
        assert s.title and s.org and (s.year or s.accessed), s.id
        assert s.url or s.doi or s.pmid or s.isbn, s.id
    assert "acsm-2021" not in LIB.sources and "nca-cold" not in LIB.sources and "nhs-pfp-leaflet" not in LIB.sources
    assert LIB.sources["acsm-getp-2021"].isbn == "9781975150181"
    for region in LIB.regions.values():
        assert region.sources, region.id
    assert S.about_sources


@pytest.mark.parametrize(
    ("remove", "field", "message"),
    [
        ("    year: 1997\n", "year", "is missing (the year of publication"),
        (
            "    url: https://ohsu.elsevierpure.com/en/publications/cryotherapy-induced-common-peroneal-nerve-palsy\n",
            "url",
            "is missing: give a link or an identifier",
        ),
        ("    org: Moeller, Monroe & McKeag, Clin J Sport Med\n", "org", "is missing"),
        ("    title: Cryotherapy-induced common peroneal nerve palsy\n", "title", "is missing"),
    ],
)
def test_check_refuses_an_incomplete_source(run, data_copy, remove, field, message):
    data = edit_data(data_copy, lambda name, t: t.replace(remove, "") if name == "sources.yaml" else t)
    result = run("check", "--data", data)
    assert result.exit_code == 2
    pattern = rf"error: {re.escape(str(data / 'sources.yaml'))}:\d+: sources\[2\]\.{field}: {re.escape(message)}"
    assert re.search(pattern, result.stderr), result.stderr


def test_check_refuses_a_malformed_identifier(run, data_copy):
    data = edit_data(
        data_copy,
        lambda name, t: t.replace("doi: 10.1136/bjsports-2019-101253", "doi: bjsports") if name == "sources.yaml" else t,
    )
    result = run("check", "--data", data)
    assert result.exit_code == 2 and re.search(r"sources\[4\]\.doi: 'bjsports' is not a DOI", result.stderr)


def test_handout_lists_the_intro_and_region_sources(build):
    body = text(build("--layout", "handout"))
    for sid in (*S.about_sources, *(s for r in LIB.regions.values() for s in r.sources)):
        assert fold(LIB.sources[sid].org) in body, sid
