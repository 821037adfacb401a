"""Safety rules as data: ice limits and the ice note, red flags by urgency, the services of
each country, the pain rule and the disclaimer, checked as they are read from safety.yaml.

The code refuses requests that break these rules; every number comes from `data/`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pdfgen.errors import Problems
from pdfgen.schema import LocDict, Reader, did_you_mean

if TYPE_CHECKING:
    from pdfgen.model import Item, Source

ICE_WORDS = re.compile(r"\b(ice|icing|iced|cold[- ]pack|frozen)\b", re.IGNORECASE)  # a method named so is an ice method
HARD_MAX_ICE = 20  # NHS cold-treatment guidance: never more than 20 minutes; no data folder may allow more
ICE_PLACEHOLDERS = {"minutes", "max_minutes", "between_hours"}
SERVICES = ("emergency", "urgent", "routine")  # where to go, per country: red flags name them as {emergency} etc.


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


def _per_region(r: Reader, regions: set[str]) -> Iterator[tuple[str, Reader]]:
    """Each entry of a `regions:` mapping with a reader for it (finished after use); an id that
    is no region is reported and still read, so its own mistakes show too."""
    if r.mapping("regions") is None:
        return
    regs = r.child("regions")
    for rid in list(regs.node):
        if rid not in regions:
            regs.problem(rid, f"'{rid}' is not a region{did_you_mean(rid, regions)}")
        if regs.mapping(rid) is None:
            continue
        rr = regs.child(rid)
        yield rid, rr
        rr.finish()
    regs.finish()


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


def read_safety(
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
    for rid, rr in _per_region(ice_r, regions):
        cap = rr.integer("max_minutes", required=True, lo=lo, hi=hi) or hi
        reason = rr.text("reason", required=True, max_len=200) or ""
        region_max[rid] = (cap, reason)
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
    for rid, rr in _per_region(flags, regions):
        for level in ("emergency", "urgent"):
            items = rr.text_list(level, max_items=4, max_len=120)
            if items:
                extra[level][rid] = items
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


def check_ice_method(doc: Reader, methods: dict[str, Item], ice_id: str) -> None:
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
