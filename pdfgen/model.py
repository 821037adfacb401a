"""The content model: what a routine is made of, validated from `data/` YAML.

Every number that reaches the page lives in these objects and came from `data/`; the code
adds no health facts of its own.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pdfgen.errors import Problems
from pdfgen.figures.pose import ICONS, Illustration, read_illustration
from pdfgen.schema import LocDict, Range, Reader, did_you_mean

URL_RE = re.compile(r"https?://\S+")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ICE_WORDS = re.compile(r"\b(ice|icing|iced|cold[- ]pack|frozen)\b", re.IGNORECASE)  # a method named so is an ice method
HARD_MAX_ICE = 20  # NHS cold-treatment guidance: never more than 20 minutes; no data folder may allow more
ICE_PLACEHOLDERS = {"minutes", "max_minutes", "between_hours"}
SERVICES = ("emergency", "urgent", "routine")  # where to go, per country: red flags name them as {emergency} etc.
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
class IceRules:
    method: str  # id of the method these rules cover, so a renamed method can never lose its note
    default_minutes: int
    min_minutes: int
    max_minutes: int
    between_hours: int
    note: tuple[str, ...]
    limit: str  # the one limit, where every region on the page has the same: "... {max_minutes} minutes."
    ask_first_intro: str
    ask_first: tuple[str, ...]
    region_max: dict[str, tuple[int, str]]
    sources: tuple[str, ...]

    def limit_for(self, region: str | None) -> int:
        return self.region_max.get(region, (self.max_minutes, ""))[0] if region else self.max_minutes

    def note_lines(self, minutes: int) -> tuple[str, ...]:
        values = {"minutes": minutes, "max_minutes": self.max_minutes, "between_hours": self.between_hours}
        return tuple(line.format_map(values) for line in self.note)

    def limits(self, regions: tuple[str, ...] | list[str]) -> list[tuple[tuple[str, ...], int, str]]:
        """The ice limits that apply on a page covering `regions`: (regions, minutes, reason),
        one entry per different limit, strictest first. One entry means one limit for the page."""
        groups: dict[int, list[str]] = {}
        for rid in regions or ():
            groups.setdefault(self.limit_for(rid), []).append(rid)
        if not groups:
            return [((), self.max_minutes, "")]
        return [(tuple(rids), cap, self.region_max.get(rids[0], (cap, ""))[1]) for cap, rids in sorted(groups.items())]

    def limit_line(self, cap: int) -> str:
        return self.limit.format_map({"max_minutes": cap, "minutes": cap, "between_hours": self.between_hours})


@dataclass(frozen=True)
class Country:
    """Where to go for help in one country: the services the red flags name, with their source."""

    id: str
    name: str
    emergency: str
    urgent: str
    routine: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RedFlags:
    """Signs that need help, by how fast: emergency and urgent lists (plus extra signs for some
    regions), and the routine line. Intros name the country's services as {emergency} etc."""

    emergency_intro: str
    emergency: tuple[str, ...]
    urgent_intro: str
    urgent: tuple[str, ...]
    routine: str
    region_emergency: dict[str, tuple[str, ...]]
    region_urgent: dict[str, tuple[str, ...]]

    def groups(self, country: Country, regions: tuple[str, ...] | list[str] = ()) -> list[tuple[str, tuple[str, ...]]]:
        """(intro, signs) for the emergency and the urgent list, as they print for a page
        covering `regions` in `country`; a region's own signs come first in its list."""
        values = {k: getattr(country, k) for k in SERVICES}
        emergency = tuple(f for r in regions for f in self.region_emergency.get(r, ())) + self.emergency
        urgent = tuple(f for r in regions for f in self.region_urgent.get(r, ())) + self.urgent
        return [(self.emergency_intro.format_map(values), emergency), (self.urgent_intro.format_map(values), urgent)]

    def routine_line(self, country: Country) -> str:
        return self.routine.format_map({k: getattr(country, k) for k in SERVICES})


@dataclass(frozen=True)
class Safety:
    ice: IceRules
    pain_rule: str
    flags: RedFlags
    countries: dict[str, Country]
    disclaimer: str
    about: tuple[str, ...]
    sources: tuple[str, ...]  # of the pain rule and the red flags
    about_sources: tuple[str, ...] = ()

    @property
    def red_flags(self) -> tuple[str, ...]:
        """Every sign that prints on every page, emergency ones first."""
        return self.flags.emergency + self.flags.urgent


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


def _check_ice_note(r: Reader, key: str, lines: tuple[str, ...]) -> None:
    for line in lines:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(line) if f is not None}
        except ValueError as exc:
            r.problem(key, f"line '{line}' has a broken placeholder ({exc})")
            continue
        for name in names - ICE_PLACEHOLDERS:
            r.problem(
                key, f"placeholder {{{name}}} is unknown (allowed: {', '.join('{' + p + '}' for p in sorted(ICE_PLACEHOLDERS))})"
            )


def _safety(
    doc: Any, file: str, problems: Problems, sources: dict[str, Source], regions: set[str], methods: dict[str, Item]
) -> Safety:
    top = Reader(doc, file, "", problems)

    def source_list(r: Reader) -> tuple[str, ...]:
        ids = r.text_list("sources", required=True, min_items=1)
        for sid in ids:
            if sid not in sources:
                r.problem("sources", f"source '{sid}' is not in sources.yaml{did_you_mean(sid, sources.keys())}")
        return ids

    ice_r = top.child("ice") if top.mapping("ice", required=True) is not None else Reader({}, file, "ice", Problems())
    method = ice_r.text("method")
    if method == "":
        ice_r.problem("method", "is empty (the id of the method the ice rules cover is allowed, e.g. ice)")
    method = method or "ice"
    if methods and method not in methods:
        ice_r.problem(
            "method",
            f"'{method}' is not a method in methods.yaml{did_you_mean(method, methods)} "
            f"(name the method the ice rules and note cover: {', '.join(methods)})",
        )
    lo = ice_r.integer("min_minutes", required=True, lo=1, hi=60) or 5
    hi = ice_r.integer("max_minutes", required=True, lo=1, hi=HARD_MAX_ICE) or HARD_MAX_ICE
    default = ice_r.integer("default_minutes", required=True, lo=1, hi=60) or 10
    if not lo <= default <= hi:
        ice_r.problem("default_minutes", f"is {default} (must lie within min_minutes–max_minutes, {lo}–{hi})")
    region_max: dict[str, tuple[int, str]] = {}
    if ice_r.mapping("regions") is not None:
        regs = ice_r.child("regions")
        for rid in list(regs.node):
            if rid not in regions:
                regs.problem(rid, f"'{rid}' is not a region{did_you_mean(rid, regions)}")
            if regs.mapping(rid) is None:
                continue
            rr = regs.child(rid)
            cap = rr.integer("max_minutes", required=True, lo=lo, hi=hi) or hi
            reason = rr.text("reason", required=True, max_len=200) or ""
            rr.finish()
            region_max[rid] = (cap, reason)
        regs.finish()
    note = ice_r.text_list("note", required=True, min_items=1, max_items=10, max_len=160)
    _check_ice_note(ice_r, "note", note)
    limit = ice_r.text("limit", required=True, max_len=160) or ""
    _check_ice_note(ice_r, "limit", (limit,))
    ask_intro, ask_items = "", ()
    if ice_r.mapping("ask_first", required=True) is not None:
        ask = ice_r.child("ask_first")
        ask_intro = ask.text("intro", required=True, max_len=120) or ""
        ask_items = ask.text_list("items", required=True, min_items=1, max_items=12, max_len=120)
        ask.finish()
    ice = IceRules(
        method=method,
        default_minutes=default,
        min_minutes=lo,
        max_minutes=hi,
        between_hours=ice_r.integer("between_hours", required=True, lo=1, hi=48) or 2,
        note=note,
        limit=limit,
        ask_first_intro=ask_intro,
        ask_first=ask_items,
        region_max=region_max,
        sources=source_list(ice_r),
    )
    ice_r.finish()

    def section(key: str, parent: Reader = top, required: bool = True) -> Reader:
        if parent.mapping(key, required=required) is not None:
            return parent.child(key)
        return Reader(LocDict(), parent.file, parent.field(key), Problems())

    pain = section("pain_rule")
    flags = section("red_flags")
    disc = section("disclaimer")
    about = section("about")
    countries = _countries(section("countries"), source_list)
    red_flags = _red_flags(flags, regions, countries)
    safety = Safety(
        ice=ice,
        pain_rule=pain.text("text", required=True, max_len=400) or "",
        flags=red_flags,
        countries=countries,
        disclaimer=disc.text("text", required=True, max_len=300) or "",
        about=about.text_list("intro", required=True, min_items=1, max_items=5, max_len=400),
        sources=source_list(pain) + source_list(flags),
        about_sources=source_list(about),
    )
    for r in (pain, flags, disc, about, top):
        r.finish()
    return safety


def _services_in(r: Reader, key: str, text: str) -> None:
    """A red-flag line may name the country's services, and nothing else."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        r.problem(key, f"'{text}' has a broken placeholder ({exc})")
        return
    for name in sorted(names - set(SERVICES)):
        r.problem(key, f"placeholder {{{name}}} is unknown (allowed: {', '.join('{' + s + '}' for s in SERVICES)})")


def _red_flags(flags: Reader, regions: set[str], countries: dict[str, Country]) -> RedFlags:
    lists: dict[str, tuple[str, tuple[str, ...]]] = {}
    for level in ("emergency", "urgent"):
        if flags.mapping(level, required=True) is None:
            lists[level] = ("", ())
            continue
        r = flags.child(level)
        intro = r.text("intro", required=True, max_len=120) or ""
        _services_in(r, "intro", intro)
        lists[level] = (intro, r.text_list("items", required=True, min_items=1, max_items=10, max_len=120))
        r.finish()
    routine = flags.text("routine", required=True, max_len=200) or ""
    _services_in(flags, "routine", routine)
    extra: dict[str, dict[str, tuple[str, ...]]] = {"emergency": {}, "urgent": {}}
    if flags.mapping("regions") is not None:
        regs = flags.child("regions")
        for rid in list(regs.node):
            if rid not in regions:
                regs.problem(rid, f"'{rid}' is not a region{did_you_mean(rid, regions)}")
            if regs.mapping(rid) is None:
                continue
            rr = regs.child(rid)
            for level in ("emergency", "urgent"):
                items = rr.text_list(level, max_items=4, max_len=120)
                if items:
                    extra[level][rid] = items
            rr.finish()
        regs.finish()
    return RedFlags(
        emergency_intro=lists["emergency"][0],
        emergency=lists["emergency"][1],
        urgent_intro=lists["urgent"][0],
        urgent=lists["urgent"][1],
        routine=routine,
        region_emergency=extra["emergency"],
        region_urgent=extra["urgent"],
    )


def _countries(r: Reader, source_list: Any) -> dict[str, Country]:
    out: dict[str, Country] = {}
    for cid in list(r.node):
        if not isinstance(cid, str) or not re.fullmatch(r"[a-z]{2}", cid):
            r.problem(str(cid), f"'{cid}' is not a two-letter country code in lower case (e.g. gb, us)")
            continue
        if r.mapping(cid) is None:
            continue
        c = r.child(cid)
        out[cid] = Country(
            id=cid,
            name=c.text("name", required=True, max_len=60) or "",
            emergency=c.text("emergency", required=True, max_len=80) or "",
            urgent=c.text("urgent", required=True, max_len=80) or "",
            routine=c.text("routine", required=True, max_len=80) or "",
            sources=source_list(c),
        )
        c.finish()
    if r.ok and not out and not r.node:
        r.problems.add(
            r.file, r.line(), r.path or "countries", "has no country (give at least gb, with its services and sources)"
        )
    r.finish()
    return out


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


def _check_ice_method(doc: Reader, methods: dict[str, Item], ice_id: str) -> None:
    """Keep the ice note on the method that is really ice: the method `ice.method` names takes
    its minutes from safety.yaml, and no other method may be named as ice (it would print
    without the note)."""
    for i, node in doc.items("methods"):
        if not isinstance(node, dict) or node.get("id") not in methods:
            continue
        r = doc.child("methods", i)
        item = methods[node["id"]]
        if item.is_ice and item.dosage.minutes is not None:
            r.child("dosage").problem(
                "minutes",
                f"is set, but '{item.id}' is the ice method (safety.yaml ice.method) and its minutes come from "
                "safety.yaml: remove them, or point ice.method at the method that is ice",
            )
        elif not item.is_ice and ICE_WORDS.search(item.name):
            r.problem(
                "name",
                f"'{item.name}' reads as an ice method, but safety.yaml ice.method names '{ice_id}': point "
                f"ice.method at '{item.id}' so the ice note prints with it, or rename the method",
            )


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
    safety = _safety(docs["safety"][1], docs["safety"][0], problems, sources, region_ids, methods)
    if safety.ice.method in methods:
        methods[safety.ice.method] = replace(methods[safety.ice.method], is_ice=True)
        _check_ice_method(Reader(mdoc, mfile, "", problems), methods, safety.ice.method)

    for region in regions.values():
        for xid in region.exercises:
            if xid not in exercises:
                problems.add(
                    docs["regions"][0],
                    None,
                    f"regions.{region.id}.exercises",
                    f"exercise '{xid}' is not in exercises.yaml{did_you_mean(xid, exercises.keys())}",
                )
            elif exercises[xid].region != region.id:
                problems.add(
                    docs["regions"][0],
                    None,
                    f"regions.{region.id}.exercises",
                    f"exercise '{xid}' belongs to region '{exercises[xid].region}'",
                )
    for region in regions.values():
        for sid in region.sources:
            if sid not in sources:
                problems.add(
                    docs["regions"][0],
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
