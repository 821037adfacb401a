"""Plain language: every string the tool prints reads at US school grade 6 or below
(Flesch–Kincaid, textstat), from data/ and from the layouts' `text:`.

Each sentence of 8 words or more is measured on its own (one idea per sentence); shorter
sentences and fragments ("after every run") are too short for the formula to mean anything, so
they are measured inside the whole item or section they belong to, which must read at grade 6
too. A few technical names are allowed where the same text explains them in plain words.
"""

from __future__ import annotations

import re

import pytest

from pdfgen.build import layout, library
from pdfgen.layout import TEXTS

textstat = pytest.importorskip("textstat")

LIB = library(None)
MAX_GRADE = 6.0
LONG = 8  # words: a sentence this long is graded on its own
GLOSSED = {  # technical name -> how the text that uses it must explain it
    "patellofemoral": "where the kneecap meets the thigh bone",
    "iliotibial": "strip of tough tissue",
    "quadriceps": "joins your thigh muscle to your kneecap",
}
PLACEHOLDERS = {"minutes": 10, "max_minutes": 20, "between_hours": 2, "emergency": "", "urgent": "", "routine": ""}
SENTENCE = re.compile(r"(?<=[.!?:])\s+")


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def plain(text: str) -> str:
    """Printed words only: layout markup, Jinja tags and data placeholders out, glossed names
    replaced by a one-syllable word (their plain explanation is checked separately)."""
    text = re.sub(r"\{[{%].*?[%}]\}", " ", text)  # Jinja: what it prints is data, checked on its own
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.format_map(PLACEHOLDERS) if "{" in text else text
    for word in GLOSSED:
        text = re.sub(word, "knee", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def units() -> list[tuple[str, str]]:
    """(where, text) for every printed unit: an item, a region, each part of safety.yaml, and
    each layout text; the strings of one unit joined as sentences."""
    grouped: dict[str, list[str]] = {}
    for where, text in LIB.text:
        grouped.setdefault(where, []).append(text if text.rstrip()[-1:] in ".!?:" else text + ".")
    out = [(where, " ".join(texts)) for where, texts in grouped.items() if not where.startswith("safety red_flags (")]
    flags = LIB.safety.flags
    for country in LIB.safety.countries.values():  # as printed: each intro with its signs, then the routine line
        printed = [f"{intro} {'. '.join(signs)}." for intro, signs in flags.groups(country, tuple(LIB.regions))]
        out.append((f"safety red_flags ({country.id})", " ".join([*printed, flags.routine_line(country)])))
    for name in ("one-page", "handout", "cards", "large-print"):
        lay = layout(name, None)
        out += [(f"layout {name} text.{key}", lay.text[key]) for key in TEXTS if key in lay.text]
    return out


def sentences() -> list[tuple[str, str]]:
    return [(where, s) for where, text in units() for s in SENTENCE.split(plain(text)) if s]


@pytest.mark.parametrize(("where", "sentence"), [ws for ws in sentences() if len(ws[1].split()) >= LONG])
def test_every_long_sentence_reads_at_grade_6(where, sentence):
    assert grade(sentence) <= MAX_GRADE, f"{where}: grade {grade(sentence):.1f}: {sentence}"


@pytest.mark.parametrize(("where", "text"), [(w, plain(t)) for w, t in units() if len(plain(t).split()) >= LONG])
def test_every_item_and_section_reads_at_grade_6(where, text):
    assert grade(text) <= MAX_GRADE, f"{where}: grade {grade(text):.1f}: {text}"


def test_technical_names_are_explained_where_they_print():
    for where, text in LIB.text:
        for word, gloss in GLOSSED.items():
            if word in text.lower():
                assert gloss in text, f"{where}: '{word}' printed without its plain explanation ('{gloss}')"


def test_no_clinician_jargon_in_print():
    for where, text in LIB.text:
        assert "clinician" not in text.lower(), f"{where}: say 'doctor or physio'"


def test_whole_content_reads_well_below_grade_6():
    everything = " ".join(plain(t) for _, t in units())
    assert grade(everything) <= 4.0
