"""The pipeline in one call: load -> resolve -> compose -> the layout kind's render (PDF) or the HTML page.

Batch workers and the web server call `build_one` many times with one `Cache`: the content
and layouts are loaded once per process while their files are unchanged, and reused.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdfgen import fonts, kinds, translate
from pdfgen.cache import Cache, files_key
from pdfgen.errors import InputError, Problem, Problems
from pdfgen.layout import Layout
from pdfgen.layout import load as load_layout
from pdfgen.load import DATA_DIR, layout_dirs, list_layout_files, load_docs, load_library
from pdfgen.model import Library
from pdfgen.resolve import Routine, language, resolve
from pdfgen.schema import did_you_mean, line_of

if TYPE_CHECKING:
    from pdfgen.document import Document

DEFAULT_LAYOUT = "one-page"
FORMATS = ("pdf", "html")
SUFFIX_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}
PAGE_SIZES = {"a4": (595.2755905511812, 841.8897637795277), "letter": (612.0, 792.0)}  # points, as ReportLab's A4 and LETTER


def library(data_dir: Path | None, cache: Cache | None = None, lang: str = "en") -> Library:
    """The content in a language, validated, and every string in it printable in the embedded
    fonts; kept in the cache while its files (and its translations) are unchanged."""

    folder = Path(data_dir) if data_dir is not None else DATA_DIR

    def make() -> Library:
        extra = fonts.LANG_EXTRA.get(lang)
        if extra and fonts.fallback_path(fonts.FALLBACKS[0][0]) is None:  # one line, not one per string
            raise InputError(
                Problem(None, None, "--lang", f"'{lang}' needs a font that is not installed (pip install \"kneecard[{extra}]\")")
            )
        if lang == translate.DEFAULT:
            lib = load_library(data_dir)
        else:  # the strings swapped in from data/locales/LANG before validation: numbers stay the English data's
            from pdfgen.model import build_library

            lib = build_library(translate.translate_docs(load_docs(folder), folder, lang), folder)
        glyph_problems(lib).raise_if_any()
        return lib

    if cache is None:
        return make()
    files = [*folder.glob("*.yaml"), *(folder.glob(f"locales/{lang}/*.yaml") if lang != translate.DEFAULT else ())]
    return cache.get("library", (str(data_dir), lang, files_key(files)), make)


def glyph_problems(lib: Library) -> Problems:
    """Content text with characters the font cannot draw: refused, never printed as blanks."""
    problems = Problems()
    files = {"method": "methods", "exercise": "exercises", "region": "regions", "safety": "safety"}
    for where, text in lib.text:
        missing = fonts.missing_glyphs(text)
        if missing:
            kind, _, item_id = where.partition(" ")
            field = f"{files[kind]}.{item_id}" if item_id else files[kind]
            problems.add(str(lib.folder / f"{files[kind]}.yaml"), None, field, fonts.refusal(missing))
    return problems


def layout(
    name: str, layouts_dir: Path | None, cache: Cache | None = None, lang: str = "en", data_dir: Path = DATA_DIR
) -> Layout:
    """A layout by name or path, checked with its kind's geometry, its wording in `lang`; kept
    while its files (and the translations) are unchanged."""

    def make() -> Layout:
        lay = kinds.prepare(load_layout(name, layouts_dir))
        return translate.translate_layout(lay, kinds.meta_words(lay), data_dir, lang)

    if cache is None:
        return make()
    files = [p for folder in layout_dirs(layouts_dir) for p in folder.glob("*.y*ml")]
    if name.endswith((".yaml", ".yml")) or "/" in name:
        files.append(Path(name))
    if lang != translate.DEFAULT:
        files.append(translate.locales_dir(data_dir) / lang / f"{translate.LAYOUT_KIND}.yaml")
    return cache.get("layout", (name, str(layouts_dir), lang, str(data_dir), files_key(files)), make)


def layout_name(options: dict[str, Any], doc: Any, file: str | None) -> str:
    """--layout wins; else the routine file's `layout:` (a path is relative to that file)."""
    if options.get("layout"):
        return str(options["layout"])
    value = doc.get("layout") if isinstance(doc, dict) else None
    if isinstance(value, str) and value:
        if file and (value.endswith((".yaml", ".yml")) or "/" in value):
            return str(Path(file).parent / value)
        return value
    return DEFAULT_LAYOUT


def build_one(
    options: dict[str, Any],
    doc: Any = None,
    file: str | None = None,
    data_dir: Path | None = None,
    layouts_dir: Path | None = None,
    cache: Cache | None = None,
    fmt: str = "pdf",
) -> tuple[bytes, Routine, Layout]:
    """One routine's PDF bytes (or, with fmt "html", its HTML page as UTF-8), with the routine and layout it was built from."""
    cache = cache if cache is not None else Cache.from_env()
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    lang = language(doc, file, options, folder)
    lib = library(data_dir, cache, lang)
    lay = layout(layout_name(options, doc, file), layouts_dir, cache, lang, folder)
    routine = resolve(lib, doc, file, options, default_region=lay.region_default)
    if fmt == "html":
        if routine.pdfa:  # asked for in the routine file or a batch row; --pdfa itself is refused by the CLI
            line = line_of(doc, "pdfa") if isinstance(doc, dict) else None
            message = "applies to a PDF, not an HTML page (leave out pdfa, or build a PDF)"
            raise InputError(Problem(file, line, "pdfa", message))
        return render_html(routine, lib, lay).encode("utf-8"), routine, lay
    return render(routine, lib, lay, cache), routine, lay


def document(routine: Routine, lib: Library, lay: Layout) -> Document:
    """The routine's document tree: the one compose call every output format starts from."""
    from pdfgen.compose import compose

    return compose(routine, lib, lay)


def render(routine: Routine, lib: Library, lay: Layout, cache: Cache | None = None) -> bytes:
    """Compose the routine's document tree and lay it out with the layout's kind."""
    cache = cache if cache is not None else Cache.from_env()
    doc = document(routine, lib, lay)
    paper = PAGE_SIZES[routine.paper or lay.paper]
    return kinds.get(lay.kind).render(doc, lay, paper, cache, fit_key(routine, lay), pdfa=routine.pdfa)


def render_html(routine: Routine, lib: Library, lay: Layout) -> str:
    """The same document tree as one self-contained HTML page (no fit search: a web page has no page limit)."""
    from pdfgen import html

    return html.render(document(routine, lib, lay), lay, routine.paper or lay.paper)


def output_format(given: str | None, output: str | None) -> str:
    """--format if given, else -o's suffix (.html or .htm: html), else pdf. An unknown format, or
    one that -o's suffix contradicts, is an input error before anything is built."""
    implied = SUFFIX_FORMATS.get(Path(output).suffix.lower()) if output and output != "-" else None
    if given is None:
        return implied or "pdf"
    if given not in FORMATS:
        hint = did_you_mean(given, FORMATS)
        raise InputError(Problem(None, None, "--format", f"'{given}' is not a format{hint} (allowed: {', '.join(FORMATS)})"))
    if implied is not None and implied != given:
        raise InputError(
            Problem(
                None,
                None,
                "--format",
                f"'{given}' contradicts -o '{output}', a .{implied} name (name the file .{given}, or leave out --format)",
            )
        )
    return given


def fit_key(routine: Routine, lay: Layout) -> tuple:
    """Everything that decides how much room a routine takes, but the name: batch rows that
    differ only in the name measure once, then each is verified."""
    club = routine.club
    return (
        lay.fingerprint,
        routine.paper or lay.paper,
        routine.regions,
        tuple(m.id for m in routine.methods),
        tuple(x.id for x in routine.exercises),
        routine.ice_minutes,
        routine.notes,
        routine.url,
        (club.name, club.url, str(club.logo)) if club else None,
        routine.tracker,
        routine.backs,
    )


def slug(value: Any) -> str:
    """A file-name-safe ASCII slug of any script: 'Zoë Ødegård' -> 'zoe-odegard', 'Юлия' -> 'yuliya'.

    The one slug for every file name kneecard makes (build's default name, batch templates); a list
    is slugged item by item, a club by its name. anyascii transliterates, so no name falls back to
    an empty slug (and so to a name another routine would share) just because it is not Latin.
    """
    from anyascii import anyascii

    if isinstance(value, list):
        return "-".join(filter(None, (slug(v) for v in value)))
    if isinstance(value, dict):
        return slug(value.get("name"))
    if value is None:
        return ""
    text = anyascii(unicodedata.normalize("NFC", str(value)))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def default_output_name(routine: Routine, fmt: str = "pdf") -> str:
    who = slug(routine.name or (routine.club.name if routine.club else "")) or "routine"
    where = "all" if len(routine.regions) > 1 else (routine.regions[0] if routine.regions else "general")
    return f"{who}-{where}.{fmt}"


def check_all(data_dir: Path | None, layouts_dir: Path | None) -> str:
    """Validate content and every layout by building each layout for each region."""
    cache = Cache.from_env()
    lib = library(data_dir, cache)
    problems = Problems()
    if layouts_dir is not None and not Path(layouts_dir).is_dir():
        problems.add(str(layouts_dir), None, "--layouts", "is not a folder (give the folder holding your layout .yaml files)")
    paths = list_layout_files(layout_dirs(layouts_dir))
    built = 0
    for path in paths:
        try:
            lay = kinds.prepare(load_layout(str(path), layouts_dir, compile_all=True))
            regions = ["all"] if lay.region_default == "all" else list(lib.regions)
            for region in regions:
                render(resolve(lib, options={"region": region}, default_region=lay.region_default), lib, lay, cache)
                built += 1
        except InputError as err:
            for p in err.problems:
                problems.items.append(p if p.file else Problem(str(path), p.line, p.field, p.message))
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    builds = not problems.items  # test builds in a language only once the English ones pass
    lines = [
        check_language(lang, folder, layouts_dir, paths, problems, cache, builds) for lang in translate.available(folder)[1:]
    ]
    problems.raise_if_any()
    return "\n".join(
        [
            f"ok: {len(lib.methods)} methods, {len(lib.regions)} regions, {len(lib.exercises)} exercises, "
            f"{len(lib.sources)} sources; {len(paths)} layouts, {built} test builds",
            *lines,
        ]
    )


def check_language(
    lang: str, folder: Path, layouts_dir: Path | None, paths: list[Path], problems: Problems, cache: Cache, builds: bool = True
) -> str:
    """One language: every content string and every built-in layout's wording translated and
    current (missing, stale, placeholders and numbers kept), then a test build of each layout."""
    from pdfgen.load import LAYOUTS_DIR

    found = Problems()
    docs = load_docs(folder)
    translate.content_tables(docs, folder, lang, found)
    builtin = [kinds.prepare(load_layout(str(p), layouts_dir)) for p in paths if p.parent == LAYOUTS_DIR]
    translate.check_layouts([(lay, kinds.meta_words(lay)) for lay in builtin], folder, lang, found)
    strings = sum(1 for kind in translate.KINDS for _ in translate.strings(docs[kind][1], kind))
    built = 0
    extra = fonts.LANG_EXTRA.get(lang)
    no_font = bool(extra) and fonts.fallback_path(fonts.FALLBACKS[0][0]) is None
    if builds and not no_font and not found.items:
        try:
            lib = library(folder, cache, lang)
            for path in paths:
                lay = kinds.prepare(load_layout(str(path), layouts_dir))
                lay = translate.translate_layout(lay, kinds.meta_words(lay), folder, lang)
                regions = ["all"] if lay.region_default == "all" else list(lib.regions)
                for region in regions:
                    options = {"region": region, "lang": lang}
                    render(resolve(lib, options=options, default_region=lay.region_default), lib, lay, cache)
                    built += 1
        except InputError as err:
            found.extend(err)
    problems.items += found.items
    state = "ok" if not found.items else f"{len(found.items)} problems"
    builds_said = f"{built} test builds"
    if no_font:
        builds_said = f'no test builds (its font is not installed: pip install "kneecard[{extra}]")'
    return f"{lang}: {state}: {strings} content strings, {len(builtin)} layouts' wording, {builds_said}"
