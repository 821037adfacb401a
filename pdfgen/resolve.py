"""From a routine file and command-line options to a checked `Routine`.

Options override the file. Every rule that keeps a routine safe (ice minutes, the lower limit
for the outside of the knee) is applied here, from the numbers in `data/`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdfgen import fonts
from pdfgen.errors import Problems
from pdfgen.layout import PAPERS
from pdfgen.model import URL_RE, Item, Library
from pdfgen.schema import LocDict, Reader, did_you_mean

ROUTINE_FIELDS = (
    "name",
    "region",
    "methods",
    "exercises",
    "layout",
    "paper",
    "ice_minutes",
    "notes",
    "club",
    "backs",
    "url",
    "tracker",
    "country",
    "pdfa",
)
CLUB_FIELDS = ("name", "logo", "url")
DEFAULT_COUNTRY = "gb"
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
LIMITS = {"name": 80, "notes": 800, "club.name": 80, "club.url": 300}


@dataclass(frozen=True)
class Club:
    name: str
    logo: Path | None = None
    url: str | None = None


@dataclass(frozen=True)
class Routine:
    """Everything one PDF says, chosen and checked; compose needs nothing else but the layout."""

    regions: tuple[str, ...]
    methods: tuple[Item, ...]
    exercises: tuple[Item, ...]
    ice_minutes: int
    paper: str
    layout: str
    name: str | None = None
    notes: str | None = None
    club: Club | None = None
    backs: bool = False  # card layouts: print a back sheet for each front sheet
    url: str | None = None  # a link for this routine (e.g. the physio's video), printed with a QR code
    tracker: bool | None = None  # the two-week paper tracker: on, off, or None = when it fits
    country: str = "gb"  # where to go for help: the services the red flags name (safety.yaml countries)
    pdfa: bool = False  # write PDF/A-2b, for record systems that archive PDFs

    @property
    def has_ice(self) -> bool:
        return any(m.is_ice for m in self.methods)


class _Origin:
    """Where a value came from: a routine file (file, line) or an option (its flag)."""

    def __init__(self, reader: Reader, options: dict[str, Any], problems: Problems) -> None:
        self.reader = reader
        self.options = options
        self.problems = problems

    def get(self, key: str) -> tuple[Any, str]:
        opt = self.options.get(key)
        if opt is not None and opt != () and opt != "":
            return opt, "option"
        return self.reader.raw(key), "file"

    def problem(self, key: str, origin: str, message: str) -> None:
        if origin == "option":
            self.problems.add(None, None, "--" + key.replace("_", "-"), message)
        else:
            self.reader.problem(key, message)


def _text(src: _Origin, key: str, value: Any, origin: str, limit: int, multiline: bool = False) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        src.problem(key, origin, "is not text (text is allowed)")
        return None
    text = str(value).replace("\r\n", "\n").replace("\t", " ").strip()
    if not multiline and "\n" in text:
        src.problem(key, origin, "has a line break (one line of text is allowed)")
        return None
    bad = CONTROL_RE.search(text) or next((c for c in text if unicodedata.category(c) == "Cf"), None)
    if bad:
        char = bad if isinstance(bad, str) else bad.group()
        src.problem(key, origin, f"has the invisible control character U+{ord(char):04X} (printable text is allowed)")
        return None
    if len(text) > limit:
        src.problem(key, origin, f"is {len(text)} characters long (at most {limit} allowed)")
        return None
    missing = fonts.missing_glyphs(text)
    if missing:
        shown = " ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
        src.problem(key, origin, f"has characters the font cannot print: {shown} (Latin, Greek and Cyrillic letters are allowed)")
        return None
    return text or None


def _cut(text: Any, limit: int = 80) -> str:
    """A value echoed in a message, cut so that a 5,000-character paste stays a one-line error."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _id_list(src: _Origin, key: str, value: Any, origin: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None  # --methods "" means "not given": the default, all of them
        value = [v.strip() for v in value.split(",") if v.strip()]
    if value == []:  # ",,," or []: never silently a routine without methods (and so without the ice note)
        src.problem(key, origin, "names no ids (give ids like a,b, or leave it out for the default)")
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        src.problem(key, origin, "is not a list of ids (a list like [a, b] or 'a,b' is allowed)")
        return None
    return tuple(value)


def resolve(
    library: Library,
    doc: Any = None,
    file: str | None = None,
    options: dict[str, Any] | None = None,
    default_region: str | None = None,
) -> Routine:
    """Merge a routine document (may be None) with options and check every rule."""
    problems = Problems()
    reader = Reader(doc if doc is not None else LocDict(), file, "", problems)
    src = _Origin(reader, options or {}, problems)
    base_dir = Path(file).parent if file else Path.cwd()

    name = _text(src, "name", *src.get("name"), LIMITS["name"])
    notes = _text(src, "notes", *src.get("notes"), LIMITS["notes"], multiline=True)

    paper, origin = src.get("paper")
    if isinstance(paper, str) and paper.strip().lower() in PAPERS:
        paper = paper.strip().lower()  # A4, Letter: what people write
    if paper is not None and paper not in PAPERS:
        src.problem("paper", origin, f"'{paper}' is not a paper size{did_you_mean(str(paper), PAPERS)} (allowed: a4, letter)")
        paper = None
    layout, origin = src.get("layout")
    if layout is not None and not isinstance(layout, str):
        src.problem("layout", origin, "is not a layout name (text is allowed)")
        layout = None

    # regions
    all_regions = list(library.regions)
    region_value, region_origin = src.get("region")
    regions: tuple[str, ...] = ()
    if region_value is not None:
        wanted = _id_list(src, "region", region_value, region_origin) or ()
        if "all" in wanted:
            wanted = tuple(all_regions)
        for rid in wanted:
            if rid not in library.regions:
                allowed = ", ".join([*all_regions, "all"])
                src.problem(
                    "region",
                    region_origin,
                    f"'{rid}' is not a region{did_you_mean(rid, [*all_regions, 'all'])} (allowed: {allowed})",
                )
        regions = tuple(dict.fromkeys(r for r in wanted if r in library.regions))  # each region once

    # exercises
    ex_value, ex_origin = src.get("exercises")
    exercises: list[Item] = []
    ex_ids = _id_list(src, "exercises", ex_value, ex_origin)
    if ex_ids is not None:
        for xid in ex_ids:
            item = library.exercises.get(xid)
            if item is None:
                src.problem(
                    "exercises",
                    ex_origin,
                    f"'{xid}' is not an exercise{did_you_mean(xid, library.exercises.keys())} (see: kneecard list exercises)",
                )
            elif regions and item.region not in regions:
                src.problem(
                    "exercises",
                    ex_origin,
                    f"'{xid}' is for region '{item.region}', not {', '.join(regions)} (choose that region's exercises)",
                )
            elif item not in exercises:
                exercises.append(item)
        if not regions and exercises:
            regions = tuple(dict.fromkeys(x.region for x in exercises if x.region))
    if region_value is None and ex_ids is None:
        if default_region == "all":
            regions = tuple(all_regions)
        elif default_region in library.regions:
            regions = (default_region,)
        elif default_region:
            problems.add(None, None, "page.region_default", f"the layout's '{default_region}' is not a region (give --region)")
        else:
            problems.add(file, None, "region", f"is missing (give --region: {', '.join([*all_regions, 'all'])})")
    if ex_ids is None:
        exercises = [x for r in regions for x in library.region_exercises(r)]

    # methods
    m_value, m_origin = src.get("methods")
    m_ids = _id_list(src, "methods", m_value, m_origin)
    methods: list[Item] = []
    for mid in m_ids if m_ids is not None else list(library.methods):
        item = library.methods.get(mid)
        if item is None:
            src.problem(
                "methods",
                m_origin,
                f"'{mid}' is not a method{did_you_mean(mid, library.methods.keys())} (allowed: {', '.join(library.methods)})",
            )
        elif item not in methods:
            methods.append(item)

    # ice
    ice = library.safety.ice
    strictest = min([ice.limit_for(r) for r in regions] or [ice.max_minutes])
    minutes_value, minutes_origin = src.get("ice_minutes")
    ice_minutes = min(ice.default_minutes, strictest)
    has_ice = any(m.is_ice for m in methods)
    if minutes_value is not None:
        if isinstance(minutes_value, bool) or not isinstance(minutes_value, int):
            src.problem(
                "ice_minutes",
                minutes_origin,
                f"is '{minutes_value}' (a whole number of minutes, {ice.min_minutes}–{ice.max_minutes}, is allowed)",
            )
        elif minutes_value < ice.min_minutes:
            src.problem(
                "ice_minutes",
                minutes_origin,
                f"{minutes_value} is less than {ice.min_minutes} minutes, too short to ease pain "
                f"({ice.min_minutes}–{ice.max_minutes} allowed)",
            )
        elif minutes_value > ice.max_minutes:
            src.problem(
                "ice_minutes",
                minutes_origin,
                f"{minutes_value} is more than {ice.max_minutes} minutes: longer icing can damage skin and nerves "
                f"({ice.min_minutes}–{ice.max_minutes} allowed)",
            )
        else:
            for rid in regions:
                cap, reason = ice.region_max.get(rid, (ice.max_minutes, ""))
                if minutes_value > cap:
                    src.problem(
                        "ice_minutes",
                        minutes_origin,
                        f"{minutes_value} is more than {cap} minutes for {library.regions[rid].short}. {reason} "
                        f"({ice.min_minutes}–{cap} allowed there)",
                    )
                    break
            else:
                ice_minutes = minutes_value
                if not has_ice:
                    src.problem(
                        "ice_minutes",
                        minutes_origin,
                        f"is set but ice is not among the methods (add {ice.method} to the methods, or drop the ice minutes)",
                    )

    # club
    club = None
    club_value, club_origin = src.get("club")
    if club_value is not None:
        if isinstance(club_value, str):
            club_value = {"name": club_value}
        if not isinstance(club_value, dict):
            src.problem("club", club_origin, "is not a mapping (name, logo, url are allowed)")
        else:
            cr = Reader(club_value, file, "club", problems) if club_origin == "file" else None
            cname = _text(src, "club", club_value.get("name"), club_origin, LIMITS["club.name"])
            club_url = club_value.get("url")
            if club_url is not None and (
                not isinstance(club_url, str) or not URL_RE.fullmatch(club_url) or len(club_url) > LIMITS["club.url"]
            ):
                src.problem(
                    "club" if club_origin == "file" else "url",
                    club_origin,
                    f"url '{_cut(club_url)}' is not a web address (http:// or https://, no spaces, "
                    f"at most {LIMITS['club.url']} characters)",
                )
                club_url = None
            logo = club_value.get("logo")
            logo_path = None
            if logo is not None:
                logo_path = Path(str(logo)) if club_origin == "option" else base_dir / str(logo)
                if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", str(logo)):
                    src.problem(
                        "club" if club_origin == "file" else "logo",
                        club_origin,
                        f"logo '{_cut(str(logo))}' is a web address; links are not logos (download the picture, give its file)",
                    )
                    logo_path = None
                elif logo_path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
                    src.problem(
                        "club" if club_origin == "file" else "logo",
                        club_origin,
                        f"logo '{logo}' is not a PNG or JPG file (.png, .jpg allowed)",
                    )
                    logo_path = None
                elif not logo_path.is_file():
                    src.problem(
                        "club" if club_origin == "file" else "logo",
                        club_origin,
                        f"logo '{logo_path}' does not exist (give an existing PNG or JPG)",
                    )
                    logo_path = None
            if cr is not None:
                for k in ("name", "url", "logo"):
                    cr.raw(k)
                cr.finish()
            if cname:
                club = Club(name=cname, logo=logo_path, url=club_url)
            elif club_value.get("name") is None:
                src.problem("club", club_origin, "has no name (a club needs a name to go with its logo or link)")

    backs, origin = src.get("backs")
    if backs is not None and not isinstance(backs, bool):
        src.problem("backs", origin, f"is '{backs}' (true or false is allowed)")
        backs = False
    tracker, origin = src.get("tracker")
    if tracker is not None and not isinstance(tracker, bool):
        src.problem("tracker", origin, f"is '{tracker}' (true or false is allowed)")
        tracker = None
    pdfa, origin = src.get("pdfa")
    if pdfa is not None and not isinstance(pdfa, bool):
        src.problem("pdfa", origin, f"is '{pdfa}' (true or false is allowed)")
        pdfa = False
    url, origin = src.get("url")
    if url is not None and (not isinstance(url, str) or not URL_RE.fullmatch(url) or len(url) > LIMITS["club.url"]):
        src.problem(
            "url",
            origin,
            f"'{_cut(url)}' is not a web address (http:// or https://, no spaces, at most {LIMITS['club.url']} characters)",
        )
        url = None
    # country: which services the red flags name (a Letter page does not make it the US)
    country, origin = src.get("country")
    countries = library.safety.countries
    if country is None:
        country = DEFAULT_COUNTRY if DEFAULT_COUNTRY in countries else next(iter(countries), DEFAULT_COUNTRY)
    elif not isinstance(country, str) or country.lower() not in countries:
        src.problem(
            "country",
            origin,
            f"'{country}' is not a country with help services in the data{did_you_mean(str(country).lower(), countries)} "
            f"(allowed: {', '.join(countries)})",
        )
        country = DEFAULT_COUNTRY
    else:
        country = country.lower()
    for key in ROUTINE_FIELDS:
        reader.used.add(key)
    reader.finish()
    if regions and not exercises and not methods:
        problems.add(file, None, "routine", "has nothing to print (choose some methods or exercises)")
    problems.raise_if_any()
    return Routine(
        regions=regions,
        methods=tuple(methods),
        exercises=tuple(exercises),
        ice_minutes=ice_minutes,
        paper=paper or "",
        layout=layout or "",
        name=name,
        notes=notes,
        club=club,
        backs=bool(backs),
        url=url,
        tracker=tracker,
        country=country,
        pdfa=bool(pdfa),
    )
