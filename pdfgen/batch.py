"""Many routines from one spec: a YAML batch spec or a roster CSV, built in worker processes.

Each row becomes a PDF, or with the html format (`--format html`, `format: html` in a spec,
or an `output:` template ending in .html) a self-contained HTML page.

Rows are streamed (a CSV is never held whole), at most a few rows per worker are in flight,
and results are taken back in row order, so memory stays flat and the files written are the
same whatever the number of workers. Workers only render; the parent names and writes every
file, so an interrupted run can only ever leave whole files behind (`write_atomic`).

Nothing here prints: progress and per-row problems go to an `on_result` callback.
"""

from __future__ import annotations

import csv
import io
import re
import signal
import string
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdfgen.cache import Cache
from pdfgen.errors import InputError, KneecardError, OutputError, Problem, Problems
from pdfgen.load import merge_docs, read_text, read_yaml
from pdfgen.resolve import ROUTINE_FIELDS
from pdfgen.schema import LocDict, LocList, Reader, did_you_mean, line_of, type_name

DEFAULT_TEMPLATE = "{name}-{region}"  # + .pdf or .html
TEMPLATE_FIELDS = ("name", "region", "club", "layout", "paper", "row")
LIST_FIELDS = ("region", "methods", "exercises")
BOOL_FIELDS = ("backs", "tracker", "pdfa")
BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
CLUB_COLUMNS = {"club_name": "name", "club_url": "url", "club_logo": "logo"}
CSV_COLUMNS = (*ROUTINE_FIELDS, *CLUB_COLUMNS)
MAX_STEM = 100  # bytes of a file name before "-N.pdf" (or "-N.html"): far below every file system's 255
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
COMBINED_PDFA = "a file merged with --combine is not PDF/A (leave out --combine to write one PDF/A file per row)"
IN_FLIGHT_PER_JOB = 4  # enough to keep workers busy, few enough that memory stays flat


# ------------------------------------------------------------------ rows


@dataclass
class Row:
    """One routine to build, and where it came from, so its problems can name it."""

    number: int  # 1-based position among the spec's rows: shards, {row} and ordering use it
    file: str
    line: int | None
    doc: Any  # a LocDict of routine fields (line numbers kept), or whatever the item was
    prefix: str = ""  # field prefix for problems: "items[3]." in a YAML spec, "" in a CSV
    problems: list[Problem] = field(default_factory=list)  # found while reading, before building

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Spec:
    """A parsed spec: the file-name template and a one-pass iterator over its rows."""

    path: Path
    template: str
    layout: str | None
    rows: Callable[[], Iterator[Row]]
    count: Callable[[], int]
    format: str | None = None  # a YAML spec's `format:`
    format_line: int | None = None


def read_spec(path: Path) -> Spec:
    """A YAML spec or a roster CSV, chosen by the file's suffix; whole-file problems raise."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".yaml", ".yml"):
        return _read_yaml_spec(path)
    raise InputError(
        Problem(str(path), None, "SPEC", "is neither a .yaml batch spec nor a .csv roster (.yaml, .yml, .csv allowed)")
    )


def _loc(file: str, line: int, values: dict[str, Any]) -> LocDict:
    out = LocDict(values)
    out.file, out.line = file, line
    out.key_lines = dict.fromkeys(values, line)
    return out


class _Lines:
    """A roster's lines, decoded one at a time: a byte that is not UTF-8 is reported on its own
    line (a text stream decodes 8 KB ahead, so its error names a later line), and `line` is
    the physical line last read, whatever the csv reader's record count says."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.line = 0
        try:
            self.fh = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        except OSError:
            read_text(path, "roster")  # raises the located input error
            raise

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.line += 1
            if self.line == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
                message = f"is not UTF-8 text (byte 0x{raw[exc.start]:02X} at column {column}; save the file as UTF-8 CSV)"
                raise InputError(Problem(str(self.path), self.line, "roster", message)) from None


def _open_csv(path: Path) -> _Lines:
    return _Lines(path)


def _csv_problem(path: Path, line: int, start: int, exc: csv.Error) -> Problem:
    """csv's own errors, said plainly and at the line where they start."""
    text = str(exc)
    if "field larger than field limit" in text:
        return Problem(
            str(path),
            start,
            "roster",
            f"has a cell longer than {csv.field_size_limit():,} characters (a cell is a name, a list, a note)",
        )
    if "unexpected end of data" in text or "EOF" in text:
        return Problem(
            str(path), start, "roster", 'has a quote (") opened on this line that is never closed (close it, or remove it)'
        )
    return Problem(str(path), line, "roster", f"cannot be read ({text})")


def _csv_header(path: Path) -> list[str]:
    with _open_csv(path) as fh:
        try:
            header = next(csv.reader(fh, strict=True), None)
        except csv.Error as exc:
            raise InputError(_csv_problem(path, fh.line, 1, exc)) from None
    if not header or not any(h.strip() for h in header):
        raise InputError(Problem(str(path), 1, "header", "is missing (a first row of field names is required)"))
    names = [h.strip() for h in header]
    problems = []
    for name in names:
        if name not in CSV_COLUMNS:
            problems.append(
                Problem(
                    str(path),
                    1,
                    "header",
                    f"'{name}' is not a routine field{did_you_mean(name, CSV_COLUMNS)} (allowed: {', '.join(CSV_COLUMNS)})",
                )
            )
        elif names.count(name) > 1:
            problems.append(Problem(str(path), 1, "header", f"'{name}' appears twice (each column once)"))
    if "club" in names and any(c in names for c in CLUB_COLUMNS):
        problems.append(
            Problem(str(path), 1, "header", "has both 'club' and club_* columns (use club, or club_name/club_url/club_logo)")
        )
    if problems:
        raise InputError(sorted(set(problems)))
    return names


def _csv_value(key: str, cell: str) -> Any:
    """A cell as the routine field expects it: `;` lists, whole numbers, yes/no, plain text."""
    if key in LIST_FIELDS:
        return [v.strip() for v in cell.split(";") if v.strip()]
    if key == "ice_minutes" and re.fullmatch(r"[+-]?\d+", cell):
        return int(cell)
    if key in BOOL_FIELDS and cell.strip().lower() in BOOLS:
        return BOOLS[cell.strip().lower()]
    return cell


def _read_csv(path: Path) -> Spec:
    header = _csv_header(path)
    file = str(path)

    def rows() -> Iterator[Row]:
        with _open_csv(path) as fh:
            reader = csv.reader(fh, strict=True)  # strict: an unclosed quote is an error, not the rest of the file
            number = 0
            next(reader)
            while True:
                start = fh.line + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise InputError(_csv_problem(path, fh.line, start, exc)) from None
                if not any(c.strip() for c in cells):
                    continue  # blank lines are not rows
                number += 1
                yield _csv_row(file, start, number, header, cells)

    def count() -> int:
        return sum(1 for _ in rows())

    return Spec(path, DEFAULT_TEMPLATE, None, rows, count)


def _csv_row(file: str, line: int, number: int, header: list[str], cells: list[str]) -> Row:
    problems = []
    if len(cells) > len(header):
        problems.append(Problem(file, line, "row", f"has {len(cells)} cells but the header has {len(header)} (one per column)"))
    values: dict[str, Any] = {}
    club: dict[str, Any] = {}
    for key, cell in zip(header, cells, strict=False):
        cell = cell.strip()
        if not cell:
            continue  # an empty cell means "not given": defaults apply
        if key in CLUB_COLUMNS:
            club[CLUB_COLUMNS[key]] = cell
        else:
            values[key] = _csv_value(key, cell)
    if club:
        values["club"] = _loc(file, line, club)
    return Row(number, file, line, _loc(file, line, values), "", problems)


def _read_yaml_spec(path: Path) -> Spec:
    file = str(path)
    doc = read_yaml(path, "batch spec")
    if not isinstance(doc, dict):
        raise InputError(Problem(file, line_of(doc), "(top)", f"is {type_name(doc)} (a mapping with items: is allowed)"))
    problems = Problems()
    top = Reader(doc, file, "", problems)
    for key in ("layout", "paper", "output", "format"):
        top.text(key)
    fmt = doc.get("format") if isinstance(doc.get("format"), str) else None
    wrong = _format_problem(fmt)
    if wrong:
        top.problem("format", wrong)
    items = top.raw("items")
    if not isinstance(items, list):
        top.problem("items", f"{'is missing' if items is None else 'is ' + type_name(items)} (a list of routines is allowed)")
    defaults = top.mapping("defaults")
    if defaults is None:
        defaults = LocDict()
    else:
        fields = top.child("defaults")
        for key in ROUTINE_FIELDS:  # the routine fields are checked per row; here only unknown names
            fields.raw(key)
        fields.finish()
    top.finish()
    template = doc.get("output") if isinstance(doc.get("output"), str) else DEFAULT_TEMPLATE
    try:
        check_template(template)
    except ValueError as exc:
        top.problem("output", str(exc))
    problems.raise_if_any()

    # spec-level layout and paper sit below `defaults:`, which sits below each item
    base = LocDict()
    base.file, base.line = file, doc.line
    for key in ("layout", "paper"):
        if key in doc:
            base[key] = doc[key]
            base.key_lines[key] = line_of(doc, key) or doc.line
    base = merge_docs(base, defaults)
    assert isinstance(items, LocList)

    def rows() -> Iterator[Row]:
        for i, item in enumerate(items):
            line = line_of(items, i)
            if not isinstance(item, dict):
                problem = Problem(file, line, f"items[{i}]", f"is {type_name(item)} (a mapping of routine fields is allowed)")
                yield Row(i + 1, file, line, item, f"items[{i}].", [problem])
            else:
                yield Row(i + 1, file, line, merge_docs(base, item), f"items[{i}].")

    return Spec(path, template, base.get("layout"), rows, lambda: len(items), fmt, line_of(doc, "format"))


# ------------------------------------------------------------------ format


def _format_problem(fmt: str | None) -> str | None:
    """What is wrong with a format name, or None."""
    from pdfgen.build import FORMATS

    if fmt is None or fmt in FORMATS:
        return None
    return f"'{fmt}' is not a format{did_you_mean(fmt, FORMATS)} (allowed: {', '.join(FORMATS)})"


def _suffix(name: str) -> str:
    """The last .suffix of a name or template ("..pdf" and ".pdf" included: a name is cleaned after)."""
    m = re.search(r"\.[A-Za-z0-9]+$", name)
    return m.group(0) if m else ""


def _suffix_format(suffix: str) -> str | None:
    from pdfgen.build import SUFFIX_FORMATS

    return SUFFIX_FORMATS.get(suffix.lower())


def batch_format(given: str | None, spec: Spec, combine: bool = False) -> str:
    """What every row becomes: --format, else the spec's `format:`, else the `output:` template's
    suffix (.html, .htm: html), else pdf. A format the template's suffix contradicts, or html with
    --combine (which merges PDF pages), is an input error before anything is built."""

    def bad(message: str) -> InputError:
        if given is None:
            return InputError(Problem(str(spec.path), spec.format_line, "format", message))
        return InputError(Problem(None, None, "--format", message))

    wrong = _format_problem(given)
    if wrong:
        raise bad(wrong)
    chosen = given or spec.format
    implied = _suffix_format(_suffix(spec.template))
    if chosen and implied and chosen != implied:
        where = f" in {spec.path}" if given else ""
        leave = "--format" if given else "format:"
        message = f"'{chosen}' contradicts output: '{spec.template}'{where}, a .{implied} name"
        message += f" (name it .{chosen}, or leave out {leave})"
        raise bad(message)
    fmt = chosen or implied or "pdf"
    if combine and fmt != "pdf":
        raise InputError(
            Problem(None, None, "--combine", f"merges PDFs, and this batch writes {fmt} (leave out --combine: one page a row)")
        )
    return fmt


# ------------------------------------------------------------------ file names


def check_template(template: str) -> None:
    """Raise ValueError naming what is wrong with an `output:` template."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"'{template}' is not a file-name template ({exc}; use {{name}}, {{region}} …)") from None
    allowed = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    for _, name, spec, conv in parts:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS:
            raise ValueError(f"'{{{name}}}' is not a template field (allowed: {allowed})")
        if spec or conv:  # blame the part that is wrong, not the field name, which is fine
            extra = (f"!{conv}" if conv else "") + (f":{spec}" if spec else "")
            raise ValueError(f"'{extra}' in '{{{name}{extra}}}' is not allowed (plain fields only: {allowed})")


def _region_text(value: Any) -> str:
    from pdfgen.build import slug

    if isinstance(value, str):
        value = [v for v in re.split(r"[,;]", value) if v.strip()]
    if isinstance(value, list) and "all" in [str(v).strip() for v in value]:
        return "all"
    return slug(value)


def safe_name(template: str, row: Row, fmt: str = "pdf") -> str:
    """A file name for `row`, safe on every OS: one path component, ASCII, bounded, not reserved.

    Values are slugged; whatever the template adds is cleaned too, so neither can smuggle in a
    separator, `..`, a device name (CON, NUL, COM1 …) or a name longer than the file system allows.
    Uniqueness is `Namer`'s job.
    """
    from pdfgen.build import slug

    doc = row.doc if isinstance(row.doc, dict) else {}
    values = {
        "name": slug(doc.get("name")) or f"row-{row.number}",
        "region": _region_text(doc.get("region")),
        "club": slug(doc.get("club")),
        "layout": slug(Path(str(doc["layout"])).stem if doc.get("layout") else ""),
        "paper": slug(doc.get("paper")),
        "row": str(row.number),
    }
    text = template.format(**values)
    text = re.sub(r"[^A-Za-z0-9._+-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    suffix = _suffix(text)
    if suffix and _suffix_format(suffix) == fmt:
        text = text[: -len(suffix)]
    stem = re.sub(r"-{2,}", "-", text).strip("-._ ")[:MAX_STEM].strip("-._ ")
    if not stem:
        stem = f"row-{row.number}"
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    return f"{stem}.{fmt}"


class Namer:
    """Hands out names in row order; a name already given gets `-2`, `-3` … (case-insensitively,
    for Windows and macOS)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, name: str) -> str:
        stem, _, ext = name.rpartition(".")
        candidate, n = name, 1
        while candidate.lower() in self.taken:
            n += 1
            candidate = f"{stem}-{n}.{ext}"
        self.taken.add(candidate.lower())
        return candidate


SCHEDULERS = (  # (index variable, first index, count variable): where a cluster says which shard this is
    ("JOB_COMPLETION_INDEX", 0, "KNEECARD_SHARDS"),  # Kubernetes Indexed Job; the count from auto/N or KNEECARD_SHARDS
    ("SLURM_ARRAY_TASK_ID", None, "SLURM_ARRAY_TASK_COUNT"),  # Slurm job array; first index SLURM_ARRAY_TASK_MIN
    ("PARALLEL_SEQ", 1, "KNEECARD_SHARDS"),  # GNU parallel's job number; the count from auto/N
)


def parse_shard(text: str, environ: Mapping[str, str] | None = None) -> tuple[int, int]:
    """'I/N' (1 ≤ I ≤ N) -> (I, N); rows I, I+N, I+2N … belong to shard I.

    'auto' or 'auto/N' reads I (and N where the scheduler gives it) from the environment the
    CLI passes in: a Kubernetes Indexed Job, a Slurm job array or GNU parallel."""
    auto = re.fullmatch(r"\s*auto\s*(?:/\s*(\d+)\s*)?", text or "")
    if auto:
        return _auto_shard(int(auto.group(1)) if auto.group(1) else None, environ or {})
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m or not (1 <= int(m.group(1)) <= int(m.group(2))):
        raise InputError(Problem(None, None, "--shard", f"'{text}' is not a shard (I/N with 1 ≤ I ≤ N allowed, e.g. 2/4)"))
    return int(m.group(1)), int(m.group(2))


def _auto_shard(count: int | None, environ: Mapping[str, str]) -> tuple[int, int]:
    def bad(message: str) -> InputError:
        return InputError(Problem(None, None, "--shard", message))

    for var, first, count_var in SCHEDULERS:
        if var not in environ:
            continue
        if first is None:  # Slurm: array ids may start anywhere (--array=5-8)
            first = _env_int(environ, "SLURM_ARRAY_TASK_MIN", bad) if "SLURM_ARRAY_TASK_MIN" in environ else 0
        index = _env_int(environ, var, bad) - first + 1
        total = count if count is not None else (_env_int(environ, count_var, bad) if count_var in environ else None)
        if total is None:
            raise bad(f"auto found {var} but not how many shards there are (give --shard auto/N, or set {count_var})")
        if not 1 <= index <= total:
            raise bad(f"auto found {var}={environ[var]}, which is not one of {total} shards (shards start at {first})")
        return index, total
    names = ", ".join(var for var, _, _ in SCHEDULERS)
    raise bad(f"auto found no scheduler in the environment (set one of {names}, or give I/N such as 2/4)")


def _env_int(environ: Mapping[str, str], var: str, bad: Callable[[str], InputError]) -> int:
    value = environ[var].strip()
    if not re.fullmatch(r"\d{1,9}", value):
        raise bad(f"{var} is '{value[:40]}' (a whole number is allowed)")
    return int(value)


# ------------------------------------------------------------------ building


@dataclass
class RowResult:
    """What became of one row: written to `path`, or failed with `problems`."""

    row: int
    where: str
    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Summary:
    """Counts only: each failed row's problems go to `on_result` as they happen, so memory stays flat."""

    built: int = 0
    failed: int = 0
    combined: Path | None = None  # where --combine's pack went: the name given, or NAME-partial.pdf beside it


def _locate(row: Row, problems: list[Problem]) -> list[Problem]:
    """Point every problem at the row: option-style or file-less problems get the row's file:line,
    fields get the item prefix, and problems in other files (a layout) keep their own place in the message."""
    out = []
    for p in problems:
        fld = p.field[2:].replace("-", "_") if p.field.startswith("--") else p.field
        if p.file in (None, row.file):
            named = fld if row.prefix and fld.startswith(row.prefix.rstrip(".")) else row.prefix + fld
            out.append(Problem(row.file, p.line or row.line, named, p.message))
        else:
            out.append(Problem(row.file, row.line, row.prefix + "row", str(p)))
    return out


class Worker:
    """What a batch process keeps between rows: one cache, made in the parent before workers
    fork (so they start warm) and owned by each process after."""

    cache: Cache = Cache(enabled=False)


def _build_row(
    row: Row, data_dir: Path | None, layouts_dir: Path | None, fmt: str = "pdf"
) -> tuple[bytes | None, list[Problem]]:
    """Runs in a worker: one row to PDF (or HTML) bytes, or its problems; never raises for a bad row."""
    from pdfgen.build import build_one

    if row.problems:
        return None, _locate(row, row.problems)
    try:
        pdf, _, _ = build_one({}, row.doc, row.file, data_dir, layouts_dir, Worker.cache, fmt)
    except InputError as err:
        return None, _locate(row, err.problems)
    except KneecardError as err:
        return None, _locate(row, [Problem(None, None, "row", str(err))])
    except Exception as exc:  # one broken row must not stop the others
        return None, _locate(row, [Problem(None, None, "row", f"{type(exc).__name__}: {exc}")])
    return pdf, []


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops the run and cleans up in one place."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm(spec: Spec, data_dir: Path | None, layouts_dir: Path | None) -> None:
    """Load content, layout and fonts once in the parent: bad data fails the whole run up front,
    and forked workers start with everything already loaded."""
    from pdfgen import build, compose, fonts, render  # noqa: F401 - imported to be inherited by forked workers

    Worker.cache = Cache.from_env()
    build.library(data_dir, Worker.cache)
    build.layout(
        build.layout_name({}, {"layout": spec.layout} if spec.layout else None, str(spec.path)), layouts_dir, Worker.cache
    )
    fonts.register()
    fonts.missing_glyphs("")


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init)


def run_batch(
    spec_path: Path,
    outdir: Path | None = None,
    combine: Path | None = None,
    jobs: int = 1,
    shard: tuple[int, int] = (1, 1),
    data_dir: Path | None = None,
    layouts_dir: Path | None = None,
    on_result: Callable[[RowResult], None] | None = None,
    spec: Spec | None = None,
    fmt: str | None = None,
) -> Summary:
    """Build every row of the spec (or of one shard), writing one PDF (or HTML page) per row into
    `outdir`, or all the PDFs merged into `combine`. Bad rows are reported and skipped, never fatal.
    `fmt` None: the spec's own choice (see batch_format)."""
    spec = spec or read_spec(spec_path)
    fmt = batch_format(fmt, spec, combine is not None)
    if combine is None:
        outdir = Path(outdir or ".")
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder {outdir}: {exc.strerror}") from None
        real_outdir = outdir.resolve()
    _warm(spec, data_dir, layouts_dir)
    index, count = shard
    namer = Namer()
    summary = Summary()
    merged = _Combiner() if combine is not None else None

    def finish(row: Row, name: str, pdf: bytes | None, problems: list[Problem]) -> None:
        result = RowResult(row.number, row.where, problems=problems)
        if pdf is not None:
            if merged is not None:
                merged.add(pdf)
            else:
                from pdfgen.write import write_atomic

                target = outdir / name
                if target.resolve().parent != real_outdir:  # belt and braces: names are one component
                    raise OutputError(f"refusing to write {target}: outside {outdir}")
                write_atomic(target, pdf)
                result.path = target
            summary.built += 1
        else:
            summary.failed += 1
        if on_result:
            on_result(result)

    def mine() -> Iterator[tuple[Row, str]]:
        for row in spec.rows():
            name = namer(safe_name(spec.template, row, fmt))  # every row takes its name, so shards agree
            if (row.number - index) % count == 0:
                if merged is not None and isinstance(row.doc, dict) and row.doc.get("pdfa") is True:
                    # pypdf merges pages, not the catalog: the pack would silently be neither PDF/A nor tagged
                    row.problems.append(Problem(None, None, "pdfa", COMBINED_PDFA))
                yield row, name

    if jobs > 1:  # never more workers than rows: each one costs a process start and ~50 MB
        jobs = min(jobs, max(1, -(-max(spec.count() - index + 1, 0) // count)))
    if jobs <= 1:
        for row, name in mine():
            finish(row, name, *_build_row(row, data_dir, layouts_dir, fmt))
    else:
        pending: deque[tuple[Row, str, Future]] = deque()
        pool = _pool(jobs)
        try:
            for row, name in mine():
                pending.append((row, name, pool.submit(_build_row, row, data_dir, layouts_dir, fmt)))
                while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                    head, hname, fut = pending.popleft()
                    finish(head, hname, *fut.result())
            while pending:
                head, hname, fut = pending.popleft()
                finish(head, hname, *fut.result())
        finally:
            for *_, fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    if merged is not None and summary.built:
        from pdfgen.write import is_stream, write_atomic

        summary.combined = combine
        if summary.failed and combine.exists() and not is_stream(combine):
            # a pack without some rows must not replace a complete one: it goes beside it
            summary.combined = combine.with_name(f"{combine.stem}-partial{combine.suffix or '.pdf'}")
        write_atomic(summary.combined, merged.result())
    return summary


class _Combiner:
    """Pages of many PDFs in one document (pypdf). Holds the merged pages in memory, so it suits
    handouts and card sets by the hundred; a 10,000-row roster should be written one file a row."""

    def __init__(self) -> None:
        from pypdf import PdfWriter

        self.writer = PdfWriter()

    def add(self, pdf: bytes) -> None:
        from pypdf import PdfReader

        self.writer.append(PdfReader(io.BytesIO(pdf)))

    def result(self) -> bytes:
        # no document id and a fixed producer: pypdf then adds nothing time-dependent (same rows, same bytes)
        self.writer.add_metadata({"/Producer": "kneecard (pypdf)", "/Title": "kneecard batch"})
        buf = io.BytesIO()
        self.writer.write(buf)
        return buf.getvalue()
