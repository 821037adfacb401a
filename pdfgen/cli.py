"""The `kneecard` command: the only place that prints, and that turns errors into exit codes.

Heavy modules (ReportLab, Jinja2) are imported inside the commands that need them, so
`kneecard --help` and `kneecard list` start fast.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pdfgen import __version__
from pdfgen.errors import InputError, KneecardError

REGION_CHOICES = "lateral|front|above|all"


def _error(text: object) -> None:
    """Print one `error:` line: a control character in a value the user gave (a newline in a
    colour, a carriage return in a name) is shown escaped, so one problem is always one line."""
    line = re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]", lambda m: repr(m.group())[1:-1], str(text))
    click.echo(f"error: {line}", err=True)


def _fail(err: KneecardError) -> None:
    if isinstance(err, InputError):
        for problem in err.problems:
            _error(problem)
    else:
        _error(err)
    sys.exit(err.exit_code)


def handled(func: Callable) -> Callable:
    """Run a command, turning kneecard errors into messages and exit codes, never tracebacks."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            _check_source_date_epoch()  # here, not in the group: --help works whatever the environment
            return func(*args, **kwargs)
        except KneecardError as err:
            if debug:
                traceback.print_exc()
            _fail(err)
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # anything unexpected: a plain message, exit 1
            if debug:
                raise
            _error(f"{type(exc).__name__}: {exc} (run with --debug for details)")
            sys.exit(1)

    return wrapper


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Your own content folder instead of the built-in data/.",
)
layouts_option = click.option(
    "--layouts",
    "layouts_dir",
    type=click.Path(path_type=Path),
    help="A folder of your own layouts (searched first).",
)


class _Group(click.Group):
    """Click's own usage errors (a bad option value, an unknown option or command) in the same
    one-line form as every other input error: `error: …`, exit 2. --help is unchanged."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
            sys.exit(2)
        except click.UsageError as exc:
            message = " ".join(exc.format_message().split()).rstrip(".")
            param = getattr(exc, "param", None)
            if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and param is not None:
                field = param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
                message = f"{field}: {' '.join(exc.message.split()).rstrip('.')}"
            where = exc.ctx.command_path if exc.ctx else "kneecard"
            click.echo(f"error: {message} (see: {where} --help)", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        if isinstance(result, int) and not isinstance(result, bool):  # click.exceptions.Exit's code
            sys.exit(result)
        sys.exit(0)


def _check_source_date_epoch() -> None:
    """SOURCE_DATE_EPOCH fixes the PDFs' dates; ReportLab would fail on a malformed one deep inside."""
    import os
    import re

    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value and (not re.fullmatch(r"\d{1,12}", value) or int(value) > 253_402_300_799):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise InputError(
            _problem(
                "SOURCE_DATE_EPOCH",
                f"'{shown}' is not a time (whole seconds since 1970-01-01 UTC, 0 to 253402300799, are allowed)",
            )
        )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kneecard")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def main(debug: bool) -> None:
    """Build printable PDF recovery routines for runners with knee pain.

    \b
    Quick start:
      kneecard build --region front --name "Sam" -o sam.pdf
      kneecard list exercises
    """


# ------------------------------------------------------------------ list


@main.command("list")
@click.argument("what", required=False, type=click.Choice(["methods", "regions", "exercises", "layouts", "languages"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@data_option
@layouts_option
@handled
def list_cmd(what: str | None, as_json: bool, data_dir: Path | None, layouts_dir: Path | None) -> None:
    """List the methods, regions, exercises, layouts or languages you can choose from."""
    groups = [what] if what else ["methods", "regions", "exercises", "layouts", "languages"]
    out: dict[str, list[dict[str, Any]]] = {}
    if "languages" in groups:
        from pdfgen import translate
        from pdfgen.load import DATA_DIR

        codes = translate.available(data_dir or DATA_DIR)
        out["languages"] = [{"id": c, "name": translate.LANGUAGES[c][0]} for c in codes]
    if any(g not in ("layouts", "languages") for g in groups):
        from pdfgen.load import load_library

        lib = load_library(data_dir)
        out["methods"] = [{"id": m.id, "name": m.name, "dosage": _dose_dict(m)} for m in lib.methods.values()]
        out["regions"] = [{"id": r.id, "name": r.name, "exercises": list(r.exercises)} for r in lib.regions.values()]
        out["exercises"] = [
            {"id": x.id, "name": x.name, "region": x.region, "dosage": _dose_dict(x)} for x in lib.exercises.values()
        ]
    if "layouts" in groups:
        from pdfgen.load import LAYOUTS_DIR, layout_dirs, list_layout_files, read_yaml

        rows = []
        for path in list_layout_files(layout_dirs(layouts_dir)):
            doc = read_yaml(path, "layout")
            desc = doc.get("description", "") if isinstance(doc, dict) else ""
            rows.append({"id": path.stem, "name": desc, "builtin": path.parent == LAYOUTS_DIR, "path": str(path)})
        out["layouts"] = rows
    out = {g: out[g] for g in groups}
    if as_json:
        click.echo(json.dumps(out if not what else out[what], indent=2, ensure_ascii=False))
        return
    for group, rows in out.items():
        if not what:
            click.echo(click.style(group, bold=True))
        width = max((len(r["id"]) for r in rows), default=0)
        for r in rows:
            extra = f"  [{r['region']}]" if group == "exercises" else ""
            if group == "layouts" and not r["builtin"]:
                extra = f"  ({r['path']})"
            click.echo(f"  {r['id']:<{width}}  {r['name']}{extra}")


def _dose_dict(item: Any) -> dict[str, Any]:
    d = {k: v for k, v in vars(item.dosage).items() if v not in (None, False)}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


# ------------------------------------------------------------------ build


@main.command()
@click.argument("routine_file", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=str, help="Output PDF path, or - for standard output. [default: NAME-REGION.pdf]")
@click.option("--format", "fmt", metavar="pdf|html", help="pdf, or html (one self-contained web page). [default: from -o]")
@click.option("--layout", help="one-page, handout, cards, large-print, or a layout .yaml file.")
@click.option("--region", metavar=REGION_CHOICES, help="Where the knee hurts: lateral (outside), front, above, or all.")
@click.option("--methods", metavar="ID,ID", help="Recovery methods to include (default: all). See: kneecard list methods")
@click.option("--exercises", metavar="ID,ID", help="Exercises to include (default: all of the region's).")
@click.option("--paper", metavar="a4|letter", help="Paper size (default: the layout's, a4).")
@click.option("--name", help="Who the routine is for; printed at the top.")
@click.option("--club", "club_name", help="Club name, for club handouts.")
@click.option("--logo", help="Club logo, PNG or JPG.")  # text, not a Path: 'https://…' must reach the check intact
@click.option("--url", help="Web address printed with a QR code: the club's with --club, else the routine's own.")
@click.option("--ice-minutes", type=int, help="Minutes of ice per application (5–20; at most 10 on the outside of the knee).")
@click.option("--notes", help="Free notes printed on the routine, e.g. from your physio.")
@click.option("--backs", is_flag=True, default=None, help="Cards layout: add a back sheet per front sheet (long-edge duplex).")
@click.option("--tracker/--no-tracker", default=None, help="The two-week paper tracker (default: shown when it fits).")
@click.option("--country", metavar="gb|us", help="Where to go for help: the services the red flags name (default: gb).")
@click.option("--pdfa", is_flag=True, default=None, help="Write PDF/A-2b (archival PDF, e.g. for a patient record system).")
@click.option("--lang", metavar="en|es|zh", help="Language of every word printed (default: en). See: kneecard list languages")
@data_option
@layouts_option
@handled
def build(
    routine_file: Path | None,
    output: str | None,
    fmt: str | None,
    layout: str | None,
    data_dir: Path | None,
    layouts_dir: Path | None,
    **opts: Any,
) -> None:
    """Build one routine PDF (or HTML page) from a ROUTINE_FILE (YAML) and/or options. Options override the file."""
    from pdfgen.build import build_one, default_output_name, output_format

    fmt = output_format(fmt, output)
    if fmt == "html" and opts.get("pdfa"):
        raise InputError(_problem("--pdfa", "applies to a PDF, not an HTML page (leave out --pdfa, or build a PDF)"))
    doc, file = _read_routine(routine_file)
    options = _routine_options(layout=layout, **opts)
    pdf, routine, lay = build_one(options, doc, file, data_dir, layouts_dir, fmt=fmt)
    if output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    from pdfgen.write import write_atomic, write_new

    if output:  # a name the user gave: replacing it is what was asked (never an input, though)
        target = Path(output)
        _refuse_overwriting("-o", target, [routine_file, routine.club.logo if routine.club else None])
        if fmt == "pdf":  # an .html output was chosen (or checked) by output_format
            _refuse_suffix("-o", target, ".pdf")
        write_atomic(target, pdf)
    else:  # a name we chose: an existing file keeps its name, ours gets -2, -3 …
        target = write_new(Path(default_output_name(routine, fmt)), pdf)
    click.echo(f"wrote {target} ({lay.name}, {(routine.paper or lay.paper).upper()}, {len(pdf) // 1024} KB)", err=True)


def _refuse_suffix(option: str, target: Path, suffix: str) -> None:
    """`-o notes.txt` would quietly hold a PDF; a device or FIFO (no suffix) is fine."""
    from pdfgen.write import is_stream

    if target.suffix and target.suffix.lower() != suffix and not is_stream(target):
        raise InputError(_problem(option, f"'{target}' ends in '{target.suffix}' but the output is a PDF ({suffix} is allowed)"))


def _refuse_overwriting(option: str, target: Path, inputs: list[Path | None]) -> None:
    """An output must never replace one of the command's own inputs."""
    for given in inputs:
        if given is not None and target.resolve() == Path(given).resolve():
            raise InputError(_problem(option, f"'{target}' is one of the inputs, {given} (choose another output name)"))


def _problem(field: str, message: str):
    from pdfgen.errors import Problem

    return Problem(None, None, field, message)


def _read_routine(path: Path | None) -> tuple[Any, str | None]:
    if path is None:
        return None, None
    from pdfgen.load import read_yaml

    return read_yaml(path, "routine"), str(path)


def _routine_options(
    club_name: str | None = None, logo: str | None = None, url: str | None = None, **opts: Any
) -> dict[str, Any]:
    options = {k: v for k, v in opts.items() if v is not None}
    if club_name or logo:
        options["club"] = {"name": club_name, "logo": str(logo) if logo else None, "url": url}
        if not club_name:
            raise InputError(_problem("--club", "is missing: --logo belongs to a club (add --club NAME)"))
    elif url:
        options["url"] = url  # no club: a link for the routine itself
    return options


# ------------------------------------------------------------------ check


@main.command()
@data_option
@layouts_option
@handled
def check(data_dir: Path | None, layouts_dir: Path | None) -> None:
    """Validate the content folder and every layout; exit 0 if all is well, 2 with every problem."""
    from pdfgen.build import check_all

    summary = check_all(data_dir, layouts_dir)
    click.echo(summary)


# ------------------------------------------------------------------ batch


@main.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path),
    help="Folder for the PDFs (or HTML pages), created if missing. [default: the current folder]",
)
@click.option(
    "--format", "fmt", metavar="pdf|html", help="pdf, or html (a web page a row). [default: the spec's format:, else pdf]"
)
@click.option("--combine", type=click.Path(path_type=Path), help="Write one merged PDF instead of one a row.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes. [default: CPU count]")
@click.option(
    "--shard",
    metavar="I/N|auto[/N]",
    help="Build only rows I, I+N, I+2N … (1 ≤ I ≤ N), to split a roster across machines; "
    "auto reads I (and N) from a Kubernetes Indexed Job, a Slurm array or GNU parallel.",
)
@data_option
@layouts_option
@handled
def batch(
    spec: Path,
    outdir: Path | None,
    fmt: str | None,
    combine: Path | None,
    jobs: int | None,
    shard: str | None,
    data_dir: Path | None,
    layouts_dir: Path | None,
) -> None:
    """Build one PDF (or HTML page) per row of a SPEC (YAML with items:) or a roster CSV (header = field names).

    \b
    CSV: list fields (region, methods, exercises) separated by ';'; club columns are
    club, or club_name, club_url, club_logo. Exit 2 if any row failed; the others are written.
    """
    import os
    import time

    from pdfgen.batch import batch_format, parse_shard, read_spec, run_batch

    started = time.perf_counter()
    if combine is not None and outdir is not None:
        raise InputError(_problem("--combine", "and -o both given (one merged file, or one file a row in -o: choose one)"))
    parsed = read_spec(spec)
    fmt = batch_format(fmt, parsed, combine is not None)  # before --combine's name: html cannot be combined at all
    if combine is not None:
        _refuse_overwriting("--combine", combine, [spec])
        _refuse_suffix("--combine", combine, ".pdf")
    shard_at = parse_shard(shard, os.environ) if shard else (1, 1)
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    tty = sys.stderr.isatty()
    bar = None
    if tty:
        total = -(-max(parsed.count() - shard_at[0] + 1, 0) // shard_at[1])
        bar = click.progressbar(length=total, label="building", file=sys.stderr)
        bar.__enter__()
    counts = {"built": 0, "failed": 0}

    def on_result(result: Any) -> None:
        counts["built" if result.ok else "failed"] += 1
        if bar is not None:
            bar.update(1)
        for problem in result.problems:
            if bar is not None:
                click.echo("", err=True)
            _error(problem)

    def summary() -> None:
        if bar is not None:
            bar.__exit__(None, None, None)
        click.echo(f"built {counts['built']}, failed {counts['failed']}, {time.perf_counter() - started:.1f} s", err=True)

    try:
        result = run_batch(spec, outdir, combine, jobs, shard_at, data_dir, layouts_dir, on_result, parsed, fmt)
    except KeyboardInterrupt:
        summary()
        raise
    summary()
    if result.combined is not None and result.combined != combine:
        click.echo(f"wrote {result.combined}, without the {result.failed} failed rows; {combine} is kept as it was", err=True)
    elif result.combined is not None:
        click.echo(f"wrote {combine}", err=True)
    if result.failed:
        sys.exit(2)


# ------------------------------------------------------------------ serve


@main.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (not loopback: your whole network can use it)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a web browser.")
@click.option("--jobs", "-j", type=click.IntRange(1, 16), default=2, show_default=True, help="Worker processes for builds.")
@data_option
@layouts_option
@handled
def serve(host: str, port: int, no_browser: bool, jobs: int, data_dir: Path | None, layouts_dir: Path | None) -> None:
    """Start the web page for building routines on this computer (needs: pip install "kneecard[web]"). Ctrl-C stops it."""
    try:
        from pdfgen import serve as web
    except ImportError as exc:
        message = f"needs the web extra, {exc.name} is missing (pip install \"kneecard[web]\")"
        raise InputError(_problem("serve", message)) from None
    from pdfgen.webwork import Builders, Site

    site = Site(data_dir, layouts_dir)
    builders = Builders(site, jobs)
    app = web.create_app(site, host, port, builders)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
    if not web.is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone on your network can use this page", err=True)
    try:
        builders.start(app.extensions["kneecard.layouts"])
        click.echo(f"kneecard serve: {address} (Ctrl-C stops it)", err=True)
        if not no_browser and _has_display():
            import webbrowser

            webbrowser.open(address)
        web.run(app, host, port)
    except OSError as exc:
        builders.close()
        message = f"{port} on {host} cannot be used ({exc.strerror or exc}; choose another --port)"
        raise InputError(_problem("--port", message)) from None
    click.echo("kneecard serve: stopped", err=True)


def _has_display() -> bool:
    """A browser can open: not a Linux/BSD session without a display (ssh, a container, CI)."""
    import os

    if sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


# ------------------------------------------------------------------ figure


@main.command()
@click.argument("exercise_id")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="A .pdf or .png file. [default: ID.pdf]")
@click.option(
    "--size", "size_mm", type=click.FloatRange(15, 400), default=80, show_default=True, help="Width in mm (height 3/4 of it)."
)
@click.option("--accent", default="#1f5f73", show_default=True, help="Colour of the moving limb and the arrow.")
@data_option
@handled
def figure(exercise_id: str, output: Path | None, size_mm: float, accent: str, data_dir: Path | None) -> None:
    """Draw one exercise's illustration on its own, to tune a pose in data/exercises.yaml."""
    from reportlab.lib import colors

    from pdfgen.figures import export as figures
    from pdfgen.load import load_library
    from pdfgen.schema import did_you_mean
    from pdfgen.write import is_stream, write_atomic

    lib = load_library(data_dir)
    item = lib.exercises.get(exercise_id)
    if item is None:
        hint = did_you_mean(exercise_id, list(lib.exercises))
        raise InputError(_problem("EXERCISE_ID", f"'{exercise_id}' is not an exercise{hint} (see: kneecard list exercises)"))
    if item.illustration is None:
        raise InputError(
            _problem("EXERCISE_ID", f"'{exercise_id}' has no illustration (add illustration: to it in exercises.yaml)")
        )
    try:
        colors.toColor(accent)
    except ValueError:
        raise InputError(_problem("--accent", f"'{accent}' is not a colour (a name or #rrggbb is allowed)")) from None
    target = output or Path(f"{exercise_id}.pdf")
    kind = target.suffix.lower() or (".pdf" if is_stream(target) else "")  # -o /dev/stdout, a FIFO: PDF
    if kind not in (".pdf", ".png"):
        raise InputError(_problem("-o", f"'{target}' ends in '{kind or '(nothing)'}' (.pdf or .png is allowed)"))
    width = size_mm * 72 / 25.4
    height = width * 3 / 4
    if kind == ".png":
        try:
            data = figures.figure_png(item.illustration, width, height, accent, title=item.name)
        except figures.NoPngRenderer as exc:
            raise InputError(_problem("-o", str(exc))) from None
    else:
        data = figures.figure_pdf(item.illustration, width, height, accent, title=item.name)
    write_atomic(target, data)
    click.echo(f"wrote {target} ({item.name}, {size_mm:g} mm wide)", err=True)
