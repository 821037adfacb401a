"""Routine + layout -> document tree: what the page says, in reading order.

Compose decides every word and its order; it knows nothing of points, fonts or ReportLab.
The layout's kind arranges the blocks (page areas or cards); renderers lay the tree out.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pdfgen import document as d
from pdfgen import kinds
from pdfgen.document import esc, plain
from pdfgen.layout import Layout
from pdfgen.model import Item, Library
from pdfgen.resolve import Routine


def base_context(routine: Routine, library: Library, layout: Layout) -> dict[str, Any]:
    """The small, documented Jinja2 context every layout text sees (routine.paper: the one printed on)."""
    regions = [asdict(library.regions[r]) for r in routine.regions]
    ice = library.safety.ice
    return {
        "routine": {
            "name": routine.name or "",
            "notes": routine.notes or "",
            "paper": routine.paper or layout.paper,
            "ice_minutes": routine.ice_minutes,
            "regions": regions,
            "methods": [m.name for m in routine.methods],
            "exercises": [x.name for x in routine.exercises],
        },
        "region": regions[0] if len(regions) == 1 else None,
        "club": {"name": routine.club.name, "url": routine.club.url or ""} if routine.club else None,
        "safety": {"ice_max": ice.max_minutes, "ice_min": ice.min_minutes, "between_hours": ice.between_hours},
        "country": routine.country,
    }


FULL_STOPS = ("。", "？", "！", "：", "；")  # Chinese and Japanese sentence ends: the next sentence follows with no space


def sentences(texts: Any) -> str:
    """Sentences run together as one paragraph: a space after each, but none after a CJK full stop."""
    out = ""
    for text in texts:
        out += ("" if not out or out.endswith(FULL_STOPS) else " ") + text
    return out


class Composer:
    """The blocks of one routine in one layout; the layout's kind decides where they go."""

    def __init__(self, routine: Routine, library: Library, layout: Layout) -> None:
        self.routine = routine
        self.library = library
        self.layout = layout
        self.ctx = base_context(routine, library, layout)

    def text(self, key: str, **extra: Any) -> str:
        return self.layout.render_text(key, {**self.ctx, **extra}) if extra else self.layout.render_text(key, self.ctx)

    def region(self, rid: str | None) -> dict[str, Any] | None:
        return asdict(self.library.regions[rid]) if rid else None

    # ------------------------------------------------------------ items

    def dosage(self, item: Item) -> str:
        dose = asdict(item.dosage)
        if item.is_ice:
            dose["minutes"] = (self.routine.ice_minutes, self.routine.ice_minutes)
        return self.text("dosage", d=dose)

    def figure(self, item: Item) -> d.Figure | None:
        if item.illustration is None and not item.icon:
            return None
        alt = f"{item.name}: {item.summary}" if item.summary else item.name
        return d.Figure(alt=alt, illustration=item.illustration, icon=item.icon, optional="figure" in self.layout.optional)

    def item(self, item: Item) -> d.Item:
        """One method or exercise with the parts the layout shows; ice brings its safety box."""
        parts: list[d.Block] = []
        figure: d.Figure | None = None
        run_in = False
        link: d.Link | None = None  # below the item at full width, so the address never wraps beside a figure
        for part in self.layout.items[item.kind]:
            if part == "figure":
                figure = self.figure(item)
            elif part in ("dose", "dose_inline"):
                dose = self.dosage(item)
                if dose:
                    run_in = part == "dose_inline" and not parts
                    parts.append(d.Para(dose, "dose"))
            elif part == "summary":
                parts.append(d.Para(esc(item.summary), "body"))
            elif part == "equipment" and item.equipment:
                parts.append(d.Para(self.text("equipment", equipment=item.equipment), "small"))
            elif part == "steps":
                parts.append(d.ListBlock(tuple(esc(s) for s in item.steps), "step", numbered=True))
            elif part == "steps_inline":  # one running paragraph: fills lines, saves space
                parts.append(d.Para(sentences(esc(s) for s in item.steps), "step"))
            elif part == "cautions":
                parts += [d.Para(esc(c), "caution") for c in item.cautions]
            elif part == "link" and item.url:
                link = self.link(item.url)
        if link is not None:
            parts.append(link)
        if item.is_ice:
            parts.append(self.ice_box())
        return d.Item(item.id, item.kind, item.name, d.Heading(3, esc(item.name)), figure, tuple(parts), run_in)

    def ice_box(self) -> d.Box:
        """Ice safety: how long, then ONE limit line where every region of the document shares
        it (else one line per limit naming where it applies), the skin rules, and who should ask
        a doctor or physio first."""
        ice = self.library.safety.ice
        lines = [esc(line) for line in ice.note_lines(self.routine.ice_minutes)]
        limits = ice.limits(self.routine.regions)
        if len(limits) == 1:
            _, cap, reason = limits[0]
            limit_lines = [f"<b>{esc(ice.limit_line(cap))}</b>" + (f" {esc(reason)}" if reason else "")]
        else:
            limit_lines = []
            for rids, cap, reason in limits:
                names = [self.library.regions[r].name for r in rids]
                where = self.text("regions_and", names=[names[0], *(n[:1].lower() + n[1:] for n in names[1:])])
                limit_lines.append(self.text("ice_region", where=where, cap=cap, reason=reason))
        lines[1:1] = limit_lines
        children = (
            d.ListBlock(tuple(lines), "box_body"),
            d.Para(f"<b>{esc(ice.ask_first_intro)}</b>", "box_body"),
            d.ListBlock(tuple(esc(x) for x in ice.ask_first), "box_body", columns=2),
        )
        return d.Box("ice", self.text("ice_heading"), children)

    def link(self, url: str) -> d.Link:
        return d.Link(url, self.text("link_heading", url=url))

    # ------------------------------------------------------------ boxes and sections

    def red_flags(self) -> d.Box:
        """Red flags by how fast to act, each list under the service to use (from the routine's
        country): emergency, then urgent the same day, then the line for a routine booking."""
        s = self.library.safety
        country = s.countries[self.routine.country]
        groups = tuple(
            d.Group((d.Para(f"<b>{esc(intro)}</b>", "box_body"), d.ListBlock(tuple(esc(f) for f in signs), "box_body")))
            for intro, signs in s.flags.groups(country, self.routine.regions)
        )
        routine = d.Para(f"<b>{esc(s.flags.routine_line(country))}</b>", "box_body")
        return d.Box("red_flags", self.text("red_flags_heading"), (d.Columns(groups), routine))

    def pain_rule(self) -> d.Box:
        return d.Box("pain", self.text("pain_heading"), (d.Para(esc(self.library.safety.pain_rule), "box_body"),))

    def disclaimer(self) -> d.Para:
        return d.Para(esc(self.library.safety.disclaimer), "small")

    def methods(self) -> list[d.Block]:
        if not self.routine.methods:
            return []
        heading = self.text("methods_heading")
        items = tuple(self.item(m) for m in self.routine.methods)
        return [d.Section((d.Heading(2, heading),), items, continued=self.text("continued", heading=heading))]

    def exercises(self, show_where: bool) -> list[d.Block]:
        """A section per region; `show_where` adds the region's plain description under its heading."""
        out: list[d.Block] = []
        for rid in self.routine.regions:
            items = tuple(self.item(x) for x in self.routine.exercises if x.region == rid)
            if not items:
                continue
            heading = self.text("exercises_heading", region=self.region(rid))
            head: tuple[d.Block, ...] = (d.Heading(2, heading),)
            if show_where:
                head += (d.Para(esc(self.library.regions[rid].plain), "body"),)
            out.append(d.Section(head, items, continued=self.text("continued", heading=heading)))
        return out

    def tracker(self) -> list[d.Block]:
        """Two weeks on paper (L and R boxes where an exercise is done per side)."""
        if not self.routine.exercises or self.routine.tracker is False:
            return []
        days = 14
        rows = tuple(
            d.TrackerRow(
                esc(x.name) + ("\u00a0" + self.text("per_side_mark") if x.dosage.per_side else ""),  # never split from the name
                x.dosage.per_side,
                tuple(day % 7 in x.dosage.due_days() for day in range(days)),  # days it is not due get no box
            )
            for x in self.routine.exercises
        )
        return [
            d.Tracker(
                self.text("tracker_heading"),
                self.text("tracker_day"),
                self.text("tracker_pain"),
                self.text("tracker_notes"),
                rows,
                optional=not self.routine.tracker,
                said=(self.text("tracker_due"), self.text("tracker_due_sides"), self.text("tracker_rest")),
            )
        ]

    def sources(self) -> list[d.Block]:
        """Every source behind what this document prints: the intro (where placed), the regions,
        the items, the safety text, the country's services and, with ice, the ice rules."""
        safety = self.library.safety
        placed = {n for names in self.layout.slots.values() for n in names}
        cited: dict[str, None] = {}
        if "intro" in placed:
            cited.update(dict.fromkeys(safety.about_sources))
        cited.update(dict.fromkeys(s for r in self.routine.regions for s in self.library.regions[r].sources))
        cited.update(dict.fromkeys(s for item in [*self.routine.methods, *self.routine.exercises] for s in item.sources))
        cited.update(dict.fromkeys(safety.sources))
        cited.update(dict.fromkeys(safety.countries[self.routine.country].sources))
        if self.routine.has_ice:
            cited.update(dict.fromkeys(safety.ice.sources))
        refs = []
        for sid in cited:
            src = self.library.sources[sid]
            if src.doi or src.pmid:  # a journal article: authors, journal and year find it
                refs.append(f"{esc(src.org)} {src.year or ''}".strip())
            else:  # a book or a web page: its title too (an undated page prints no year)
                refs.append(f"{esc(src.org)}{f' ({src.year})' if src.year else ''}: <i>{esc(src.title)}</i>")
        return [d.Heading(2, self.text("sources_heading")), d.ListBlock(tuple(refs), "small")]

    def club(self) -> list[d.Block]:
        club = self.routine.club
        if not club:
            return []
        caption = self.text("club_link_caption") if club.url else ""
        return [d.ClubBand(self.text("club_heading"), club.url, club.logo, self.layout.qr, caption)]

    # ------------------------------------------------------------ slots (page layouts)

    def slot(self, name: str) -> list[d.Block]:
        """The blocks of one named slot of a page layout."""
        if name == "title":
            return [d.Heading(1, self.text("title"))]
        if name == "subtitle":
            text = self.text("subtitle")
            return [d.Para(text, "subtitle")] if text else []
        if name == "club":
            return self.club()
        if name == "intro":
            return [d.Para(esc(p), "body") for p in self.library.safety.about]
        if name == "region_intro":
            return [d.Para(esc(self.library.regions[r].plain), "body") for r in self.routine.regions]
        if name == "methods":
            return self.methods()
        if name == "exercises":
            top = self.layout.slots.get("top", ())
            return self.exercises(show_where="region_intro" not in top)  # where it hurts, said once on every layout
        if name == "ice_note":
            return [self.ice_box()] if self.routine.has_ice else []
        if name == "pain_rule":
            return [self.pain_rule()]
        if name == "notes":
            return (
                [d.Box("notes", self.text("notes_heading"), (d.Para(esc(self.routine.notes), "box_body"),))]
                if self.routine.notes
                else []
            )
        if name == "link":
            return [self.link(self.routine.url)] if self.routine.url else []
        if name == "tracker":
            return self.tracker()
        if name == "red_flags":
            return [self.red_flags()]
        if name == "disclaimer":
            return [self.disclaimer()]
        if name == "sources":
            return self.sources()
        raise ValueError(f"unknown slot {name}")  # layout validation allows only known slots


def compose(routine: Routine, library: Library, layout: Layout) -> d.Document:
    """The document tree of one routine in one layout (its kind places the blocks)."""
    kind = kinds.get(layout.kind)
    kind.check_placed(routine, layout)
    c = Composer(routine, library, layout)
    areas = kind.arrange(c)
    names = ", ".join(library.regions[r].name.lower() for r in routine.regions)
    subject = layout.text.get("pdf_subject", kind.SUBJECT)  # a translated layout carries the metadata's words
    footer = c.text("footer", page={"number": d.PAGE_MARK}) if "footer" in layout.text else ""
    return d.Document(
        title=plain(c.text("doc_title")),
        subject=f"{subject}: {names}" if names else subject,
        author=routine.name or (routine.club.name if routine.club else "kneecard"),
        lang=layout.lang,
        keywords=layout.text.get("pdf_keywords", kind.KEYWORDS),
        areas=tuple(areas),
        footer=footer,
        context=c.ctx,
    )
