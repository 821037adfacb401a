"""The content model: what a routine is made of, validated from `data/` YAML.

Every number that reaches the page lives in these objects and came from `data/`; the code
adds no health facts of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pdfgen.errors import Problems
from pdfgen.figures.pose import ICONS, Illustration, read_illustration
from pdfgen.safety import Safety, check_ice_method, read_safety
from pdfgen.schema import Range, Reader, did_you_mean

URL_RE = re.compile(r"https?://\S+")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IDENTIFIERS = ("url", "doi", "pmid", "isbn")  # a source needs one, so a reader can find it


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    org: str  # publisher, or authors and journal
    year: int | None = None  # year of publication
    url: str | None = None
    accessed: int | None = None  # an undated web page: the year its text was checked
    doi: str | None = None
    pmid: str | None = None
    isbn: str | None = None

    @property
    def when(self) -> str:
        return str(self.year) if self.year else f"accessed {self.accessed}" if self.accessed else ""


@dataclass(frozen=True)
class Dosage:
    """How much and how often, in numbers, so layouts can phrase it and tests can check it."""

    minutes: Range | None = None
    hold_seconds: Range | None = None
    reps: Range | None = None
    sets: Range | None = None
    times: Range | None = None
    per_side: bool = False
    how_often: str | None = None  # in words, where it is not a number of days ("after every run")
    days_per_week: Range | None = None  # how often, as a number the tracker can follow

    def due_days(self, week: int = 7) -> tuple[int, ...]:
        """The days of a week (0-based) the exercise is due: its days a week (the most of a
        range) spread out evenly; every day when it is not counted in days."""
        if not self.days_per_week:
            return tuple(range(week))
        n = min(self.days_per_week[1], week)
        return tuple(sorted({int(i * week / n + 0.5) for i in range(n)}))


@dataclass(frozen=True)
class Item:
    """A recovery method or a region exercise: one block on a page, one card in a deck."""

    id: str
    kind: str  # "method" or "exercise"
    name: str
    summary: str
    steps: tuple[str, ...]
    dosage: Dosage
    cautions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_note: str | None = None
    region: str | None = None
    equipment: str | None = None
    url: str | None = None  # a link to more (a video, a leaflet), printed with a QR code
    illustration: Illustration | None = None  # for exercises, once drawn from data
    icon: str | None = None  # a method's icon name, drawn by pdfgen.figures.icons
    is_ice: bool = False  # the method safety.yaml's ice rules cover (`ice.method`): it carries the ice note


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    short: str
    plain: str
    exercises: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Library:
    """All content of one data folder, checked and cross-referenced."""

    folder: Path
    sources: dict[str, Source]
    methods: dict[str, Item]
    regions: dict[str, Region]
    exercises: dict[str, Item]
    safety: Safety
    text: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (where, text) of every printed string

    def region_exercises(self, region: str) -> list[Item]:
        return [self.exercises[x] for x in self.regions[region].exercises]


# ---------------------------------------------------------------- building from YAML


def _dosage(r: Reader) -> Dosage:
    d = Dosage(
        minutes=r.number_range("minutes", 1, 120),
        hold_seconds=r.number_range("hold_seconds", 1, 600),
        reps=r.number_range("reps", 1, 100),
        sets=r.number_range("sets", 1, 20),
        times=r.number_range("times", 1, 20),
        per_side=r.boolean("per_side"),
        how_often=r.text("how_often", max_len=60),
        days_per_week=r.number_range("days_per_week", 1, 7),
    )
    if d.how_often is None and d.days_per_week is None and r.ok:
        r.problems.add(
            r.file,
            r.line(),
            r.field("how_often"),
            "is missing: say how often (days_per_week: a number or [low, high], or how_often: in words, e.g. after every run)",
        )
    r.finish()
    return d


def _item(r: Reader, kind: str, sources: dict[str, Source], regions: set[str], folder: Path) -> Item | None:
    item_id = r.text("id", required=True)
    if item_id and not ID_RE.match(item_id):
        r.problem("id", f"'{item_id}' is not a plain id (lower-case letters, digits and dashes are allowed)")
    region = None
    if kind == "exercise":
        region = r.text("region", required=True)
        if region and region not in regions:
            r.problem(
                "region", f"'{region}' is not a region{did_you_mean(region, regions)} (allowed: {', '.join(sorted(regions))})"
            )
    dosage_node = r.mapping("dosage", required=True)
    dosage = _dosage(r.child("dosage")) if dosage_node is not None else Dosage()
    src = r.text_list("sources", required=True, min_items=1)
    for sid in src:
        if sid not in sources:
            r.problem("sources", f"source '{sid}' is not in sources.yaml{did_you_mean(sid, sources.keys())}")
    item = Item(
        id=item_id or "",
        kind=kind,
        name=r.text("name", required=True, max_len=40) or "",
        summary=r.text("summary" if kind == "method" else "goal", required=True, max_len=140) or "",
        steps=r.text_list("steps", required=True, min_items=1, max_items=6, max_len=160),
        dosage=dosage,
        cautions=r.text_list("cautions", max_items=3, max_len=160),
        sources=src,
        source_note=r.text("source_note"),
        region=region,
        equipment=r.text("equipment", max_len=60) if kind == "exercise" else None,
        url=_url(r),
        illustration=_illustration(r, folder),
        icon=_icon(r),
    )
    r.finish()
    return item if item_id else None


DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
PMID_RE = re.compile(r"\d{1,9}")
ISBN_RE = re.compile(r"\d{9}[\dX]|\d{13}")


def _pattern(r: Reader, key: str, pattern: re.Pattern, allowed: str) -> str | None:
    value = r.text(key, max_len=100)
    if value is not None and not pattern.fullmatch(value):
        r.problem(key, f"'{value}' is not {allowed}")
        return None
    return value


def _url(r: Reader) -> str | None:
    url = r.text("url", max_len=300)
    if url is not None and not URL_RE.fullmatch(url):
        r.problem("url", f"'{url}' is not a web address (http:// or https://, no spaces)")
        return None
    return url


def _illustration(r: Reader, folder: Path) -> Illustration | None:
    """Pose data or an image, validated by the figures' pose schema."""
    if r.mapping("illustration") is None:  # absent, or not a mapping (reported)
        return None
    return read_illustration(r.child("illustration"), folder)


def _icon(r: Reader) -> str | None:
    name = r.text("icon")
    if name is None:
        return None
    if name not in ICONS:
        r.problem("icon", f"'{name}' is not an icon{did_you_mean(name, ICONS)} (allowed: {', '.join(ICONS)})")
        return None
    return name


def _items(
    doc_reader: Reader, key: str, kind: str, sources: dict[str, Source], regions: set[str], folder: Path
) -> dict[str, Item]:
    out, _ = _keyed(doc_reader, key, lambda child: _item(child, kind, sources, regions, folder))
    doc_reader.finish()
    return out


T = TypeVar("T")


def _keyed(top: Reader, key: str, read: Callable[[Reader], T | None]) -> tuple[dict[str, T], bool]:
    """The records of a list keyed by their `id`, each read by `read`; an id used twice is
    one problem at its second use (the first record stays). Also says whether one was."""
    out: dict[str, T] = {}
    twice = False
    for i, _ in top.items(key, required=True):
        child = top.child(key, i)
        record = read(child)
        rid = getattr(record, "id", None)
        if record is None or not rid:
            continue
        if rid in out:
            child.problem("id", f"'{rid}' is used twice (ids must be unique)")
            twice = True
            continue
        out[rid] = record
    return out, twice


def _sources(doc: Any, file: str, problems: Problems) -> dict[str, Source]:
    top = Reader(doc, file, "", problems)

    def read(r: Reader) -> Source:
        sid = r.text("id", required=True)
        src = Source(
            id=sid or "",
            title=r.text("title", required=True) or "",
            org=r.text("org", required=True) or "",
            year=r.integer("year", lo=1900, hi=2100),
            url=_url(r),
            accessed=r.integer("accessed", lo=1990, hi=2100),
            doi=_pattern(r, "doi", DOI_RE, "a DOI like 10.1136/bjsports-2019-101253"),
            pmid=_pattern(r, "pmid", PMID_RE, "a PubMed id, digits only, in quotes"),
            isbn=_pattern(r, "isbn", ISBN_RE, "an ISBN of 10 or 13 digits, in quotes"),
        )
        if r.ok:
            if src.year is None and src.accessed is None and not r.has("year") and not r.has("accessed"):
                r.problem(
                    "year",
                    "is missing (the year of publication; for a web page that shows no date, accessed: the year you checked it)",
                )
            if not any(r.has(k) for k in IDENTIFIERS):
                r.problem(
                    "url", "is missing: give a link or an identifier (url, doi, pmid or isbn) so a reader can find the source"
                )
        r.finish()
        return src

    out, _ = _keyed(top, "sources", read)
    top.finish()
    return out


def _regions(doc: Any, file: str, problems: Problems) -> tuple[dict[str, Region], bool]:
    """The regions, and whether an id was used twice (then checks across files would only echo it)."""
    top = Reader(doc, file, "", problems)

    def read(r: Reader) -> Region:
        rid = r.text("id", required=True)
        region = Region(
            id=rid or "",
            name=r.text("name", required=True, max_len=40) or "",
            short=r.text("short", required=True, max_len=40) or "",
            plain=r.text("plain", required=True, max_len=300) or "",
            exercises=r.text_list("exercises", required=True, min_items=1, max_items=6),
            sources=r.text_list("sources", required=True, min_items=1),
        )
        r.finish()
        return region

    out, twice = _keyed(top, "regions", read)
    top.finish()
    return out, twice


def _printed_text(methods: dict[str, Item], exercises: dict[str, Item], regions: dict[str, Region], safety: Safety) -> tuple:
    """Every string the tool may print, with where it came from, for the glyph and reading-level checks."""
    out: list[tuple[str, str]] = []
    for item in [*methods.values(), *exercises.values()]:
        where = f"{item.kind} {item.id}"
        out += [
            (where, t)
            for t in (item.name, item.summary, *item.steps, *item.cautions, item.dosage.how_often or "", item.equipment or "")
        ]
    for region in regions.values():
        out += [(f"region {region.id}", t) for t in (region.name, region.short, region.plain)]
    s = safety
    ice = s.ice
    out += [("safety ice", t) for t in (*ice.note, ice.limit, ice.ask_first_intro, *ice.ask_first)]
    out += [("safety ice", reason) for _, reason in ice.region_max.values()]
    f = s.flags
    flags = (*f.emergency, *f.urgent, *(x for v in f.region_emergency.values() for x in v))
    flags += tuple(x for v in f.region_urgent.values() for x in v)
    out += [("safety red_flags", t) for t in flags]
    for c in s.countries.values():
        out += [(f"safety red_flags ({c.id})", t) for t in (*(intro for intro, _ in f.groups(c)), f.routine_line(c))]
    out += [("safety", t) for t in (s.pain_rule, s.disclaimer, *s.about)]
    return tuple((w, t) for w, t in out if t)


def build_library(docs: dict[str, tuple[str, Any]], folder: Path) -> Library:
    """Validate the parsed content files together; raise one InputError listing every problem."""
    problems = Problems()
    sources = _sources(docs["sources"][1], docs["sources"][0], problems)
    regions, twice = _regions(docs["regions"][1], docs["regions"][0], problems)
    if twice:  # which region a second use meant is unknowable: every check below would only echo it
        problems.raise_if_any()
    region_ids = set(regions)
    mfile, mdoc = docs["methods"]
    methods = _items(Reader(mdoc, mfile, "", problems), "methods", "method", sources, region_ids, folder)
    efile, edoc = docs["exercises"]
    exercises = _items(Reader(edoc, efile, "", problems), "exercises", "exercise", sources, region_ids, folder)
    safety = read_safety(docs["safety"][1], docs["safety"][0], problems, sources, region_ids, methods)
    if safety.ice.method in methods:
        methods[safety.ice.method] = replace(methods[safety.ice.method], is_ice=True)
        check_ice_method(Reader(mdoc, mfile, "", problems), methods, safety.ice.method)

    rfile = docs["regions"][0]
    for region in regions.values():
        for xid in region.exercises:
            if xid not in exercises:
                problems.add(
                    rfile,
                    None,
                    f"regions.{region.id}.exercises",
                    f"exercise '{xid}' is not in exercises.yaml{did_you_mean(xid, exercises.keys())}",
                )
            elif exercises[xid].region != region.id:
                problems.add(
                    rfile, None, f"regions.{region.id}.exercises", f"exercise '{xid}' belongs to region '{exercises[xid].region}'"
                )
        for sid in region.sources:
            if sid not in sources:
                problems.add(
                    rfile,
                    None,
                    f"regions.{region.id}.sources",
                    f"source '{sid}' is not in sources.yaml{did_you_mean(sid, sources.keys())}",
                )
    used = (
        {s for item in [*methods.values(), *exercises.values()] for s in item.sources}
        | set(safety.ice.sources)
        | set(safety.sources)
        | set(safety.about_sources)
        | {s for r in regions.values() for s in r.sources}
        | {s for c in safety.countries.values() for s in c.sources}
    )
    for sid in sorted(set(sources) - used):
        problems.add(docs["sources"][0], None, f"sources.{sid}", "is never cited (cite it or remove it)")
    problems.raise_if_any()
    return Library(
        folder=folder,
        sources=sources,
        methods=methods,
        regions=regions,
        exercises=exercises,
        safety=safety,
        text=_printed_text(methods, exercises, regions, safety),
    )
