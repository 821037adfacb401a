"""Layout kinds: each module places a document tree on paper its own way.

A kind module has: `SUBJECT` and `KEYWORDS` (the PDF metadata's words), `read_geometry(layout, problems)` for its
own settings, `check_placed(routine, layout)`, `arrange(composer)` -> areas in reading order,
and `render(document, layout, page_size, cache, fit_key)` -> PDF bytes. Adding a kind (a
fridge poster, an A5 booklet) is adding a module here and a layout YAML file.
"""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

from pdfgen.errors import InputError, Problem, Problems
from pdfgen.kinds import cards, page
from pdfgen.layout import Layout

KINDS: dict[str, ModuleType] = {"page": page, "cards": cards}


def get(name: str) -> ModuleType:
    return KINDS[name]


def prepare(layout: Layout) -> Layout:
    """The layout with its kind's geometry checked and filled in; an unknown kind is an input error."""
    if layout.kind not in KINDS:
        allowed = ", ".join(KINDS)
        raise InputError(Problem(*layout.kind_at, "kind", f"'{layout.kind}' is not a layout kind (allowed: {allowed})"))
    problems = Problems()
    geometry = KINDS[layout.kind].read_geometry(layout, problems)
    problems.raise_if_any()
    return replace(layout, geometry=geometry)


def meta_words(layout: Layout) -> dict[str, str]:
    """The English words a layout's kind puts in the PDF metadata, translated like layout text."""
    kind = get(layout.kind)
    return {"pdf_subject": kind.SUBJECT, "pdf_keywords": kind.KEYWORDS}
