"""The document tree: what a routine says, in reading order, with no ReportLab in it.

Compose decides everything that is on the page and writes it here; renderers only lay it out.
The PDF renderer walks the tree with Platypus; an HTML renderer or a tagged-PDF pass can walk
the same tree, so nothing is composed twice.

Text in the tree is *inline markup*: user and data text escaped, with only `<b>`, `<i>` and
`<br/>` added by layout templates. Both ReportLab's paragraph markup and HTML read it as is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

PAGE_MARK = "\ue000"  # stands for the page number in the footer; a private-use character no user text can hold


def esc(text: str) -> str:
    """Data or user text as inline markup: it prints literally, line breaks kept."""
    return str(escape(text)).replace("\n", "<br/>")


def plain(markup: str) -> str:
    """Inline markup to plain text (metadata, alt text, tests)."""
    return html.unescape(re.sub(r"<br\s*/?>", " ", re.sub(r"<(?!br)[^>]+>", "", markup)))


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 the page title, 2 a section, 3 an item's name."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph in a role the layout styles: body, subtitle, dose, step, caution, small, box_body..."""

    text: str
    role: str = "body"


@dataclass(frozen=True)
class ListBlock:
    """Bullet or numbered items (steps, red flags, ice rules); `columns` is a hint for wide boxes."""

    items: tuple[str, ...]
    role: str = "body"
    numbered: bool = False
    columns: int = 1


@dataclass(frozen=True)
class Figure:
    """An exercise's pose drawing, a method's icon or an image, with alt text that says what you do."""

    alt: str
    illustration: Any = None  # pdfgen.figures pose data (plain data, no drawing)
    icon: str | None = None
    optional: bool = True  # a one-page layout may leave figures out when the page is full


@dataclass(frozen=True)
class Group:
    """Blocks that belong together (a heading line and its list), never split apart."""

    children: tuple[Block, ...]


@dataclass(frozen=True)
class Columns:
    """Groups side by side where the width allows (red flags by urgency), else one under another."""

    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Link:
    """A web address printed as a QR code with the address beside it for those who type."""

    url: str
    heading: str


@dataclass(frozen=True)
class Box:
    """A framed note with a title and a role: ice, red_flags, pain, notes."""

    role: str
    title: str
    children: tuple[Block, ...]


@dataclass(frozen=True)
class Item:
    """One method or exercise, kept together: its name, its figure and its parts."""

    id: str
    kind: str  # method | exercise
    label: str  # plain name, for a fit error that names what does not fit
    heading: Heading
    figure: Figure | None
    children: tuple[Block, ...]
    run_in: bool = False  # the first child (the dose) runs on from the name, on the same line


@dataclass(frozen=True)
class ClubBand:
    """The club's name, logo and address (as a QR code where the layout has room)."""

    name: str
    url: str | None
    logo: Any  # pathlib.Path or None
    qr: bool
    caption: str = ""


@dataclass(frozen=True)
class TrackerRow:
    label: str
    per_side: bool
    due: tuple[bool, ...]  # one per day: False for days the exercise is not done


@dataclass(frozen=True)
class Tracker:
    """Two weeks on paper: a tick box a day per exercise, a pain score, a line for notes."""

    heading: str
    day_label: str
    pain_label: str
    notes_label: str
    rows: tuple[TrackerRow, ...]
    days: int = 14
    optional: bool = True  # shown when it fits, unless the routine insists
    # what the HTML page reads out for a box, for two (per side) and for a dash
    said: tuple[str, str, str] = ("exercise day", "exercise day, left and right", "rest day")


@dataclass(frozen=True)
class Section:
    """A run of blocks under an optional heading; the heading rides with the first item.

    `continued` is the heading repeated when the section breaks across columns or pages."""

    heading: tuple[Block, ...]
    children: tuple[Block, ...]
    continued: str = ""


@dataclass(frozen=True)
class Area:
    """A named part of a page (top, columns, bottom) or a card side (front, back)."""

    name: str
    children: tuple[Block, ...]
    label: str = ""  # a card's item name, for errors


Block = Heading | Para | ListBlock | Figure | Link | Box | Item | ClubBand | Tracker | Section | Group | Columns


@dataclass(frozen=True)
class Document:
    """One routine as a tree: metadata, areas in reading order, and page furniture."""

    title: str
    subject: str
    author: str
    lang: str
    keywords: str
    areas: tuple[Area, ...]
    footer: str = ""  # page furniture: inline markup with PAGE_MARK where the page number goes
    context: dict[str, Any] = field(default_factory=dict, compare=False)  # layout text context (footer)

    def area(self, name: str) -> Area:
        return next((a for a in self.areas if a.name == name), Area(name, ()))


def walk(blocks: tuple[Block, ...] | list[Block]) -> Iterator[Block]:
    """Every block below `blocks`, depth first, in reading order."""
    for b in blocks:
        yield b
        if isinstance(b, Section):
            yield from walk(b.heading)
            yield from walk(b.children)
        elif isinstance(b, Item):
            yield b.heading
            if b.figure is not None:
                yield b.figure
            yield from walk(b.children)
        elif isinstance(b, Box | Group):
            yield from walk(b.children)
        elif isinstance(b, Columns):
            yield from walk(b.groups)


def texts(doc: Document) -> list[str]:
    """Every text of the document in reading order, as plain text (for tests and alt checks)."""
    out: list[str] = []
    for area in doc.areas:
        for b in walk(area.children):
            if isinstance(b, Heading | Para):
                out.append(plain(b.text))
            elif isinstance(b, ListBlock):
                out += [plain(i) for i in b.items]
            elif isinstance(b, Box):
                out.append(plain(b.title))
            elif isinstance(b, Link):
                out += [plain(b.heading), b.url]
            elif isinstance(b, ClubBand):
                out.append(b.name)
            elif isinstance(b, Tracker):
                out += [plain(b.heading)] + [plain(r.label) for r in b.rows]
    return out
