"""Resolve: a routine file and options become one checked Routine (no layout, no PDF)."""

from __future__ import annotations

import pytest

from pdfgen.build import library
from pdfgen.errors import InputError
from pdfgen.load import parse_yaml
from pdfgen.resolve import resolve

LIB = library(None)


def routine(text: str = "", **options):
    doc = parse_yaml(text, "r.yaml") if text else None
    return resolve(LIB, doc, "r.yaml" if text else None, options)


def problems(text: str = "", **options) -> list[str]:
    with pytest.raises(InputError) as err:
        routine(text, **options)
    return [str(p) for p in err.value.problems]


def test_defaults_are_all_methods_the_regions_exercises_and_the_data_ice_minutes():
    r = routine(region="front")
    assert r.regions == ("front",)
    assert [m.id for m in r.methods] == list(LIB.methods)
    assert [x.id for x in r.exercises] == list(LIB.regions["front"].exercises)
    assert r.ice_minutes == LIB.safety.ice.default_minutes and r.country == "gb"


def test_options_override_the_file_and_keep_its_other_fields():
    r = routine("name: Ana\nregion: lateral\nnotes: Easy week.\n", region="front")
    assert r.regions == ("front",) and r.name == "Ana" and r.notes == "Easy week."


def test_chosen_items_keep_the_order_given_and_ice_is_found_by_its_rule():
    r = routine(region="front", methods="ice,cool-down", exercises="step-down,wall-sit")
    assert [m.id for m in r.methods] == ["ice", "cool-down"] and r.has_ice
    assert [x.id for x in r.exercises] == ["step-down", "wall-sit"]
    assert not routine(region="front", methods="massage").has_ice


def test_every_region_takes_the_strictest_ice_cap_and_says_where():
    cap = LIB.safety.ice.limit_for("lateral")
    assert routine(region="all", ice_minutes=cap).ice_minutes == cap
    msgs = problems(region="all", ice_minutes=cap + 1)
    assert len(msgs) == 1 and "--ice-minutes" in msgs[0] and str(cap) in msgs[0]


def test_file_problems_are_located_by_line_and_field():
    msgs = problems("region: front\nice_minutes: 30\nname: [1, 2]\n")
    assert any(m.startswith("r.yaml:2: ice_minutes:") for m in msgs), msgs
    assert any(m.startswith("r.yaml:3: name:") for m in msgs), msgs


def test_an_exercise_of_another_region_is_refused_saying_whose_it_is():
    msgs = problems(region="front", exercises="clamshell")
    assert len(msgs) == 1 and msgs[0].startswith("--exercises:") and "'lateral'" in msgs[0]
