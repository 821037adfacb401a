"""Page templates: the validated form of a `layouts/*.yaml` file and its Jinja2 text.

All geometry, styles and wording of a page live in the layout; compose reads them from here.
Text is Jinja2 in a sandbox with StrictUndefined and autoescaping, so a typo in a name is an
error (not a blank) and user text can never inject ReportLab markup.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pdfgen.cache import disk_dir, memo
from pdfgen.errors import InputError, Problem, Problems
from pdfgen.schema import Reader, did_you_mean, file_of, line_of
from pdfgen.styles import BOXES, HEX_RE, Box, Style, read_box, read_styles

MM = 72 / 25.4
PAPERS = ("a4", "letter")
SLOTS = (
    "title",
    "subtitle",
    "club",
    "intro",
    "region_intro",
    "methods",
    "exercises",
    "ice_note",
    "pain_rule",
    "notes",
    "red_flags",
    "disclaimer",
    "sources",
    "link",
    "tracker",
)
AREAS = ("top", "columns", "bottom")
ITEM_PARTS = ("dose", "dose_inline", "summary", "equipment", "steps", "steps_inline", "cautions", "link", "figure")
TEXTS = (
    "doc_title",
    "title",
    "subtitle",
    "methods_heading",
    "exercises_heading",
    "ice_heading",
    "pain_heading",
    "notes_heading",
    "red_flags_heading",
    "sources_heading",
    "club_heading",
    "card_tag",
    "back_title",
    "link_heading",
    "tracker_heading",
    "tracker_day",
    "tracker_pain",
    "tracker_notes",
    "dosage",
    "equipment",
    "ice_region",
    "footer",
)
OPTIONAL_TEXTS = {  # texts added since layouts were first written: a layout without them gets these
    "continued": "{{ heading }} (continued)",
    "club_link_caption": "Scan for the club's website",
}
KIND_RE = re.compile(r"[a-z][a-z0-9-]*")
KEEPS = ("item", "start")


@dataclass(frozen=True, eq=False)  # identity: caches key on the layout object
class Layout:
    """One page template, after `extends:` and validation."""

    name: str
    path: Path
    description: str
    paper: str
    margins: tuple[float, float, float, float]  # top, right, bottom, left in mm
    max_pages: int
    columns: int
    gap: float  # mm
    region_default: str | None
    min_body: float  # pt
    min_text: float  # pt: no text shrinks below this (text designed smaller keeps its size); at most min_body
    max_scale: float  # grow text up to this factor to fill a one-page layout
    lang: str
    accent: str
    styles: dict[str, Style]
    boxes: dict[str, Box]
    slots: dict[str, tuple[str, ...]]
    items: dict[str, tuple[str, ...]]  # kind -> parts shown, in order
    text: dict[str, str]  # raw Jinja2 sources
    text_lines: dict[str, tuple[str | None, int | None]]  # where each text came from, for errors
    kind: str = "page"  # page | cards: the module in pdfgen/kinds that places and draws the tree
    settings: Any = None  # the kind's own section of the YAML (`cards:` for cards), checked by the kind
    geometry: Any = None  # the kind's checked settings (pdfgen.kinds.prepare fills it in)
    kind_at: tuple[str | None, int | None] = (None, None)  # file and line of `kind:` (or of the layout), for errors
    fingerprint: str = ""  # a digest of the merged YAML: caches key on it, never on the object
    keep: str = "item"  # item: an item never splits; start: its start is kept together, its steps may flow on
    qr: bool = False  # print web addresses as QR codes too (club band)
    optional: tuple[str, ...] = ()  # slots and item parts shown only when they fit at full size, most wanted first
    figure: tuple[float, float, str] = (26.0, 22.0, "left")  # width mm, height mm, left|top of the item

    def render_text(self, key: str, context: dict[str, Any]) -> str:
        """Render one text template to ReportLab paragraph markup; template errors become input errors."""
        import jinja2

        try:
            source = self.text[key] if key in self.text else OPTIONAL_TEXTS[key]
            return _render(_compile(source), context).strip()
        except TooBig as exc:
            file, line = self.text_lines.get(key, (str(self.path), None))
            raise InputError(Problem(file, line, f"text.{key}", f"asks for too much: {exc}")) from None
        except jinja2.exceptions.SecurityError as exc:
            file, line = self.text_lines.get(key, (str(self.path), None))
            raise InputError(Problem(file, line, f"text.{key}", f"is not allowed in a layout ({exc})")) from None
        except jinja2.exceptions.UndefinedError as exc:
            file, line = self.text_lines.get(key, (str(self.path), None))
            names = ", ".join(sorted(context))
            raise InputError(Problem(file, line, f"text.{key}", f"{exc.message} (names allowed here: {names})")) from None
        except jinja2.exceptions.TemplateSyntaxError:
            _check_templates({key: self.text[key]}, self.text_lines)  # raises the located problem
            raise
        except (jinja2.exceptions.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            file, line = self.text_lines.get(key, (str(self.path), None))
            raise InputError(Problem(file, line, f"text.{key}", f"cannot be rendered: {exc}")) from None


def _render(template: Any, context: dict[str, Any]) -> str:
    """Render piece by piece, stopping as soon as the text passes TEXT_LIMIT."""
    out, size = [], 0
    for piece in template.generate(context):
        size += len(piece)
        if size > TEXT_LIMIT:
            raise TooBig(f"the text would be longer than {TEXT_LIMIT:,} characters")
        out.append(piece)
    return "".join(out)


def _rng(value: Any) -> str:
    """A dose range as people write it: (10, 15) -> '10–15', (30, 30) -> '30'."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        lo, hi = value
        return str(lo) if lo == hi else f"{lo}–{hi}"
    return str(value)


# What one layout text may make: enough for any wording, far too little to exhaust memory or time.
TEXT_LIMIT = 10_000  # characters (or items) of the rendered text and of any value made inside it
NUMBER_LIMIT = 1_000  # a whole number given as a width or count to a filter or method
STEP_LIMIT = 10_000  # loop turns and range() items in one rendering
_WIDTH_RE = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*:[^{}]*?(\d+)")


class TooBig(Exception):
    """A layout text asked for more than the limits above; becomes an input error at its line."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple, dict, set, frozenset)) else 0


def _bounded(value: Any, what: str) -> Any:
    if _size(value) > TEXT_LIMIT:
        raise TooBig(f"{what} would make {_size(value):,} characters or items (at most {TEXT_LIMIT:,})")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        raise TooBig(f"{what} would make a number of {value.bit_length():,} bits (at most 256)")
    return value


def _check_widths(fmt: Any, what: str) -> None:
    """A format string's widths and precisions (`%9999s`, `{:>9999}`) are sizes too."""
    if isinstance(fmt, str):
        for m in _WIDTH_RE.finditer(fmt):
            if int(next(g for g in m.groups() if g)) > NUMBER_LIMIT:
                raise TooBig(f"{what} asks for a width of {m.group(0)!r} (at most {NUMBER_LIMIT:,})")


def _check_numbers(args: Any, what: str) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > NUMBER_LIMIT:
            raise TooBig(f"{what} is given {arg:,} (at most {NUMBER_LIMIT:,} as a width or count)")


def _make_sandbox():
    """Jinja2's immutable sandbox, bounded: its own MAX_RANGE stops huge ranges, but not
    `"x" * 100000000`, `9 ** 9 ** 9`, `"x"|center(10**9)` or loops within loops, any of which
    hangs the tool or eats the machine's memory. Each is checked here before (or, where growth is
    linear in the operands, right after) it happens, and loops share one budget a rendering."""
    from jinja2 import StrictUndefined, nodes
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.utils import pass_context

    class LayoutSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            what = f"'{op}'"
            pow_ints = op == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1
            if pow_ints and right * left.bit_length() > 256:
                raise TooBig(f"{left} ** {right} is too large a number (at most 256 bits)")
            if op == "*":
                for seq, n in ((left, right), (right, left)):
                    if _size(seq) and isinstance(n, int) and _size(seq) * n > TEXT_LIMIT:
                        raise TooBig(f"'*' would make {_size(seq) * n:,} characters or items (at most {TEXT_LIMIT:,})")
                if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 256:
                    raise TooBig("'*' would make too large a number (at most 256 bits)")
            if op == "%" and isinstance(left, str):
                _check_widths(left, what)
                _check_numbers(right if isinstance(right, tuple) else (right,), what)
            return _bounded(self.binop_table[op](left, right), what)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            what = getattr(__obj, "__name__", "a call")
            if __obj is not _range:
                owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # the sandbox wraps str.format
                if what in ("format", "format_map") and isinstance(owner, str):
                    _check_widths(owner, what)
                else:
                    _check_numbers([*args, *kwargs.values()], what)
            return _bounded(super().call(__context, __obj, *args, **kwargs), what)

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            """Every `for` loop draws its turns from the rendering's one budget."""
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Filter(loop.iter, "_steps", [], [], None, None, lineno=loop.lineno)
            return tree

    def _charge(context: Any, n: int) -> None:
        spent = getattr(context, "kc_steps", 0) + n
        if spent > STEP_LIMIT:
            raise TooBig(f"loops would take more than {STEP_LIMIT:,} turns")
        context.kc_steps = spent

    @pass_context
    def _steps(context: Any, iterable: Any) -> Any:
        for item in iterable:
            _charge(context, 1)
            yield item

    @pass_context
    def _range(context: Any, *args: int) -> range:
        rng = range(*args)
        _charge(context, len(rng))
        return rng

    def guarded(name: str, func: Any) -> Any:
        skip = 2 if getattr(func, "jinja_pass_arg", None) else 1  # the context, then the value filtered

        def filter_(*args: Any, **kwargs: Any) -> Any:
            if name == "format":
                _check_widths(args[skip - 1] if len(args) >= skip else None, "format")
            else:
                _check_numbers([*args[skip:], *kwargs.values()], name)
            return _bounded(func(*args, **kwargs), name)

        filter_.__dict__.update(getattr(func, "__dict__", {}))  # keeps jinja_pass_arg
        return filter_

    env = LayoutSandbox(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["rng"] = _rng
    env.filters = {name: guarded(name, f) for name, f in env.filters.items()}
    env.filters["_steps"] = _steps
    env.globals["range"] = _range
    return env


@cache
def _env():
    return _make_sandbox()


TEMPLATES_KEPT = 512  # compiled templates kept on disk; the least recently written go first


@cache
def _salt() -> str:
    """Compiled code depends on this module's sandbox (its loop budget, intercepted operators):
    a changed module must never load code compiled by an older one."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _bytecode_cache() -> Any:
    """Jinja2's own file-system bytecode cache in kneecard's cache folder, so a new process loads
    compiled templates instead of compiling them; None when caches are off or there is no folder.
    Jinja2 keys each file by its source's checksum, so an edited template is always recompiled."""
    folder = disk_dir("templates")
    if folder is None:
        return None
    from jinja2 import FileSystemBytecodeCache

    class Kept(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            try:  # a full disk or a read-only folder costs a recompile next time, never the build
                super().dump_bytecode(bucket)
                kept = sorted(folder.glob("*.jinja"), key=lambda p: p.stat().st_mtime_ns)
            except OSError:
                return
            for old in kept[:-TEMPLATES_KEPT]:
                old.unlink(missing_ok=True)

    return Kept(str(folder), "%s.jinja")


@memo(256)
def _compile(source: str):
    """Templates are compiled once per process, however many pages use them, and once per
    machine while the cache folder keeps them."""
    env = _env()
    bcc = _bytecode_cache()
    if bcc is None:
        return env.from_string(source)
    name = f"{_salt()}-{hashlib.sha256(source.encode()).hexdigest()[:32]}"
    try:
        bucket = bcc.get_bucket(env, name, None, source)
    except Exception:  # a damaged cache file (cut short, foreign bytes): compile as if it were not there
        bucket = None
    code = bucket.code if bucket is not None else None
    if code is None:
        code = env.compile(source, name)
        if bucket is not None:
            bucket.code = code
            bcc.set_bucket(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def build_layout(doc: Any, path: Path, compile_all: bool = False) -> Layout:
    """Validate a merged layout document; raise one InputError with every problem.

    `compile_all` compiles every text now (kneecard check); a build compiles each text when it
    is first rendered, which reports the same located errors for the texts it uses."""
    problems = Problems()
    file = str(path)
    top = Reader(doc, file, "", problems)
    description = top.text("description", required=True, max_len=120) or ""
    lang = top.text("lang") or "en-GB"
    accent = top.text("accent") or "#1f5f73"
    if not HEX_RE.match(accent):
        top.problem("accent", f"'{accent}' is not a colour (#rrggbb allowed)")

    pr = top.child("page") if top.mapping("page", required=True) is not None else Reader({}, file, "page", Problems())
    paper = pr.text("paper") or "a4"
    if paper not in PAPERS:
        pr.problem("paper", f"'{paper}' is not a paper size{did_you_mean(paper, PAPERS)} (allowed: {', '.join(PAPERS)})")
    margins = (15.0, 15.0, 15.0, 15.0)
    if pr.mapping("margins", required=True) is not None:
        mr = pr.child("margins")
        why = ": home printers cannot print within 6 mm of the edge"
        top_, right, bottom, left = (mr.number(side, 6, 80, None, " mm", why) for side in ("top", "right", "bottom", "left"))
        mr.finish()
        margins = (top_, right, bottom, left)
    max_pages = pr.integer("max_pages", required=True, lo=1, hi=50) or 1
    keep = pr.text("keep") or "item"
    if keep not in KEEPS:
        pr.problem(
            "keep", f"'{keep}' is not allowed{did_you_mean(keep, KEEPS)} (item: an item never splits; start: steps may flow on)"
        )
        keep = "item"
    columns = pr.integer("columns", lo=1, hi=3) or 1
    gap = pr.number("gap", 0, 40, 6.0, " mm")
    region_default = pr.text("region_default")
    if region_default is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", region_default):
        pr.problem("region_default", f"'{region_default}' is not a region id (a region id from data/regions.yaml, or all)")
        region_default = None
    pr.finish()

    fr = top.child("fit") if top.mapping("fit", required=True) is not None else Reader({}, file, "fit", Problems())
    min_body = fr.number("min_body", 4, 40, None, " pt")
    min_text = fr.number("min_text", 4, 40, min_body, " pt")
    if min_text > min_body:
        fr.problem("min_text", f"{min_text:g} pt is above min_body {min_body:g} pt (at most min_body allowed)")
    max_scale = fr.number("max_scale", 1, 2, 1.0)
    fr.finish()

    styles = read_styles(top, problems)
    body_reported = any(p.field.startswith("styles.body.") for p in problems.items)  # no second error for one mistake
    if "body" in styles and not body_reported and styles["body"].size < min_body:
        top.problem("styles", f"body size {styles['body'].size:g} pt is below fit.min_body {min_body:g} pt")

    boxes: dict[str, Box] = {}
    bnode = top.mapping("boxes", required=True)
    if bnode is not None:
        br = top.child("boxes")
        for name in list(bnode):
            if name not in BOXES:
                br.problem(name, f"is not a known box{did_you_mean(name, BOXES)} (allowed: {', '.join(BOXES)})")
                br.used.add(name)
            elif br.mapping(name) is not None:
                boxes[name] = read_box(br.child(name))
        for name in BOXES:
            if name not in bnode:
                br.problem(name, "is missing (every layout needs the boxes " + ", ".join(BOXES) + ")")

    slots: dict[str, tuple[str, ...]] = {}
    if top.mapping("slots", required=True) is not None:
        sr = top.child("slots")
        for area in AREAS:
            names = sr.text_list(area)
            for name in names:
                if name not in SLOTS:
                    sr.problem(area, f"slot '{name}' does not exist{did_you_mean(name, SLOTS)} (allowed: {', '.join(SLOTS)})")
            slots[area] = tuple(n for n in names if n in SLOTS)
        sr.finish()

    items: dict[str, tuple[str, ...]] = {}
    if top.mapping("items", required=True) is not None:
        ir = top.child("items")
        for kind in ("method", "exercise"):
            parts = ir.text_list(kind, required=True)
            for part in parts:
                if part not in ITEM_PARTS:
                    ir.problem(
                        kind, f"part '{part}' does not exist{did_you_mean(part, ITEM_PARTS)} (allowed: {', '.join(ITEM_PARTS)})"
                    )
            items[kind] = tuple(p for p in parts if p in ITEM_PARTS)
        ir.finish()

    text: dict[str, str] = {}
    text_lines: dict[str, tuple[str | None, int | None]] = {}
    tnode = top.mapping("text", required=True)
    if tnode is not None:
        tr = top.child("text")
        for key in (*TEXTS, *OPTIONAL_TEXTS):
            value = tr.text(key, required=key in TEXTS)
            if value is not None:
                text[key] = value
                text_lines[key] = (file_of(tnode, key) or file, line_of(tnode, key))
        tr.finish()

    optional = top.text_list("optional")  # most wanted first: the last is the first to go
    for name in optional:
        if name not in SLOTS and name not in ITEM_PARTS:
            known = (*SLOTS, *ITEM_PARTS)
            top.problem(
                "optional",
                f"'{name}' is neither a slot nor an item part{did_you_mean(name, known)} (allowed: {', '.join(known)})",
            )
    figure = _figure(top) if top.mapping("figure") is not None else (26.0, 22.0, "left")
    kind = top.text("kind") or ("cards" if top.has("cards") else "page")  # old card layouts had no kind
    if not KIND_RE.fullmatch(kind):
        top.problem("kind", f"'{kind}' is not a layout kind (page or cards allowed)")
    settings = top.raw(kind) if kind != "page" else None  # a kind's own settings sit under its name
    qr = top.boolean("qr")
    top.finish()
    problems.raise_if_any()
    if compile_all:
        _check_templates(text, text_lines)
    return Layout(
        name=path.stem,
        path=path,
        description=description,
        paper=paper,
        margins=margins,
        max_pages=max_pages,
        columns=columns,
        gap=gap,
        region_default=region_default,
        min_body=min_body,
        min_text=min_text,
        max_scale=max_scale,
        lang=lang,
        accent=accent,
        styles=styles,
        boxes=boxes,
        slots=slots,
        items=items,
        text=text,
        text_lines=text_lines,
        kind=kind,
        settings=settings,
        kind_at=(file_of(doc, "kind") or file, line_of(doc, "kind") or line_of(doc, kind)),
        fingerprint=hashlib.sha1(repr(doc).encode()).hexdigest(),
        keep=keep,
        qr=qr,
        optional=optional,
        figure=figure,
    )


def _figure(top: Reader) -> tuple[float, float, str]:
    """Where an item's figure goes: its box in mm, beside (left) or above (top) the item's text."""
    r = top.child("figure")
    size = [r.number("width", 10, 150, 26.0, " mm"), r.number("height", 10, 150, 22.0, " mm")]
    position = r.text("position") or "left"
    if position not in ("left", "top"):
        r.problem("position", f"'{position}' is not a position{did_you_mean(position, ('left', 'top'))} (allowed: left, top)")
        position = "left"
    r.finish()
    return size[0], size[1], position


def _check_templates(text: dict[str, str], where: dict[str, tuple[str | None, int | None]]) -> None:
    """Compile every template now, so syntax errors surface at `check`, located."""
    import jinja2

    problems = Problems()
    for key, source in text.items():
        try:
            _compile(source)
        except jinja2.exceptions.TemplateSyntaxError as exc:
            file, line = where[key]
            line = (line or 0) + (exc.lineno or 1) - 1 if line else exc.lineno
            problems.add(file, line, f"text.{key}", f"{exc.message} (Jinja2 template syntax is allowed)")
    problems.raise_if_any()


def load(name: str, layouts_dir: Path | None = None, compile_all: bool = False) -> Layout:
    """A layout by name or path, extends merged and validated."""
    from pdfgen.load import layout_dirs, load_layout_doc

    doc, path = load_layout_doc(name, layout_dirs(layouts_dir))
    return build_layout(doc, path, compile_all)
