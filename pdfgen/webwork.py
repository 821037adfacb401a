"""The web page's builds, in worker processes: the server's threads only wait for them.

A routine (PDF or preview) goes to a small pool of warm workers, each with its own `Cache`
(the render caches are per process), so one slow build never blocks the page for others. A
roster goes to a process of its own that is killed when it runs over its time; every worker
has a memory ceiling. Whatever a user sends, the server answers: the work is bounded in rows,
bytes, time and memory (the numbers are below and on the page).

Nothing here knows about HTTP: results are bytes or lists of `Problem`s.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pdfgen.cache import Cache
from pdfgen.errors import InputError, KneecardError, Problem

BUILD_SECONDS = 30  # one routine: a one-page PDF takes ~0.05 s warm, a 40-card deck ~2 s
BATCH_SECONDS = 600  # one roster: 5,000 one-page rows take ~5 min on one core
MAX_ROWS = 5_000
MAX_COMBINED_ROWS = 500  # one merged PDF is held in memory while it is made
WORKER_MEMORY = 2 * 1024**3  # address space of each worker, bytes: a runaway build fails, the server stays up
LOGO_SIDE = 2048  # px: a re-encoded logo is at most this on its longer side (printed ~30 mm wide, it needs ~350)
PREVIEW_SCALE = 1.25  # PNG pixels per PDF point: an A4 page 744 px wide, sharp in a ~500 px column on a HiDPI screen
PRELOAD = ["pdfgen.build", "pdfgen.compose", "pdfgen.render", "pdfgen.kinds.page", "pdfgen.kinds.cards", "pdfgen.batch"]


class Busy(KneecardError):
    """The work could not be done now (too slow, a worker died, another roster is running): try again."""


@dataclass(frozen=True)
class Site:
    """Where the content and layouts come from: chosen on the command line, never by the browser."""

    data_dir: Path | None = None
    layouts_dir: Path | None = None


class _Worker:
    """What a worker process keeps between builds: its site and one cache."""

    site: Site = Site()
    cache: Cache = Cache(enabled=False)


def _limit_memory() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _watch(alive: Any) -> None:
    """A worker outlives no server: `alive` is the read end of a pipe whose only write end is the
    server's, so it reads end-of-file the moment the server exits, however it exits (even killed,
    when it cannot shut its pool down), and the worker exits too."""

    def watch() -> None:
        try:
            alive.poll(None)
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="kneecard-server-watch", daemon=True).start()


def _init(site: Site, alive: Any) -> None:
    """Runs once in each worker: Ctrl-C is the server's to handle, memory is capped, content loaded."""
    from pdfgen import build, fonts

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch(alive)
    _limit_memory()
    _Worker.site = site
    _Worker.cache = Cache.from_env()
    build.library(site.data_dir, _Worker.cache)
    fonts.register()


def clean_logo(upload: Path) -> Path:
    """The uploaded logo decoded and written again as a plain PNG or JPEG beside it: only pixels
    reach the PDF (no metadata, no odd chunks), at most LOGO_SIDE px a side. Raises InputError."""
    from PIL import Image

    from pdfgen.images import ImageError, inspect

    try:
        picture = inspect(upload)  # header only: format and the 50-megapixel limit, before decoding
        with Image.open(upload) as im:
            if picture.format == "JPEG":
                im.draft("RGB", (LOGO_SIDE, LOGO_SIDE))
            im.load()
            if im.mode not in ("RGB", "RGBA", "L", "LA"):
                im = im.convert("RGBA" if "transparency" in im.info or im.mode in ("P", "PA") else "RGB")
            im.thumbnail((LOGO_SIDE, LOGO_SIDE))
            jpeg = picture.format == "JPEG" and im.mode in ("RGB", "L")
            target = upload.with_name("logo-clean.jpg" if jpeg else "logo-clean.png")
            im.save(target, format="JPEG" if jpeg else "PNG", **({"quality": 92} if jpeg else {}))
    except ImageError as exc:
        raise InputError(Problem(None, None, "--logo", str(exc))) from None
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise InputError(Problem(None, None, "--logo", "cannot be read as a PNG or JPG image (the file is damaged)")) from None
    return target


def _build(options: dict[str, Any], logo: Path | None) -> tuple[bytes, str]:
    from pdfgen.build import build_one, default_output_name

    if logo is not None:
        options = {**options, "club": {**options.get("club", {}), "logo": str(clean_logo(logo))}}
    pdf, routine, _ = build_one(options, None, None, _Worker.site.data_dir, _Worker.site.layouts_dir, _Worker.cache)
    return pdf, default_output_name(routine)


def _pdf_task(options: dict[str, Any], logo: Path | None) -> tuple[bytes, str] | list[Problem]:
    try:
        return _build(options, logo)
    except InputError as err:
        return err.problems


def _preview_task(options: dict[str, Any], logo: Path | None) -> bytes | list[Problem]:
    try:
        pdf, _ = _build(options, logo)
    except InputError as err:
        return err.problems
    return page_png(pdf)


def page_png(pdf: bytes, scale: float = PREVIEW_SCALE) -> bytes:
    """Page 1 of a PDF as PNG (pypdfium2) in 64 colours, quickly compressed: the preview is made on
    every change, and this is 3x smaller and ~50 ms faster than full colour, with no visible loss."""
    import pypdfium2
    from PIL import Image

    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=scale).to_pil().quantize(64, method=Image.Quantize.FASTOCTREE)
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _warm_task(layouts: tuple[str, ...]) -> bool:
    """A preview in every layout, so each worker has its fonts, layouts, fitted sizes and ReportLab
    loaded before the first visitor: switching layout in the form is then as fast as typing a name."""
    from pdfgen.build import layout, library

    first_region = next(iter(library(_Worker.site.data_dir, _Worker.cache).regions))
    for name in layouts:
        try:
            lay = layout(name, _Worker.site.layouts_dir, _Worker.cache)
            region = "all" if lay.region_default == "all" else first_region
            page_png(_build({"layout": name, "region": region}, None)[0])
        except InputError:
            continue  # a user's layout that cannot build on its own: the form will say why when it is chosen
    return True


class Builders:
    """The pool of routine workers, and the one roster slot. Thread-safe: waitress calls from many threads."""

    def __init__(self, site: Site, jobs: int = 2) -> None:
        self.site = site
        self.jobs = jobs
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._roster = threading.BoundedSemaphore(1)
        self._alive, self._alive_w = self.ctx.Pipe(duplex=False)  # never written: closed by the server's exit

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.jobs, mp_context=self.ctx, initializer=_init, initargs=(self.site, self._alive)
                )
            return self._pool

    def start(self, layouts: tuple[str, ...] = ()) -> None:
        """Start and warm every worker now, so the first preview is as fast as the others."""
        pool = self._get_pool()
        for fut in [pool.submit(_warm_task, layouts) for _ in range(self.jobs)]:
            fut.result(timeout=300)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, task: Any, *args: Any) -> Any:
        pool = self._get_pool()
        try:
            return pool.submit(task, *args).result(timeout=BUILD_SECONDS)
        except FutureTimeout:
            raise Busy(f"the build took longer than {BUILD_SECONDS} s (try fewer exercises, or try again)") from None
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise Busy("the build stopped unexpectedly (try again)") from None

    def pdf(self, options: dict[str, Any], logo: Path | None = None) -> tuple[bytes, str]:
        """A routine's PDF and the file name `kneecard build` would give it; InputError when invalid."""
        result = self._run(_pdf_task, options, logo)
        if isinstance(result, list):
            raise InputError(result)
        return result

    def preview(self, options: dict[str, Any], logo: Path | None = None) -> bytes:
        """Page 1 as PNG; InputError when invalid."""
        result = self._run(_preview_task, options, logo)
        if isinstance(result, list):
            raise InputError(result)
        return result

    def roster(self, job: RosterJob) -> RosterResult:
        """Build a roster in a process of its own, killed after BATCH_SECONDS; one roster at a time."""
        if not self._roster.acquire(blocking=False):
            raise Busy("another roster is being built (try again when it is done)")
        try:
            receive, send = self.ctx.Pipe(duplex=False)
            proc = self.ctx.Process(target=_roster_child, args=(send, job, self.site, self._alive), daemon=True)
            proc.start()
            send.close()
            try:
                if not receive.poll(BATCH_SECONDS):
                    raise Busy(f"the roster took longer than {BATCH_SECONDS // 60} minutes (split it into smaller ones)")
                result = receive.recv()
            except EOFError:
                raise Busy("the roster build stopped unexpectedly (it may be too large; split it)") from None
            finally:
                if proc.is_alive():
                    proc.kill()
                proc.join()
                receive.close()
            return result
        finally:
            self._roster.release()


# ------------------------------------------------------------------ rosters


@dataclass(frozen=True)
class RosterJob:
    """An uploaded roster saved in a private folder; `shown` is the name problems give it."""

    spec: Path
    shown: str
    zip_path: Path
    layouts: tuple[str, ...]
    combine: bool = False
    epoch: int | None = None  # SOURCE_DATE_EPOCH: the ZIP's entry dates, so the same roster gives the same bytes


@dataclass
class RosterResult:
    built: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)  # one line per problem, as `kneecard batch` prints them
    problems: list[Problem] = field(default_factory=list)  # the upload as a whole is wrong (no ZIP made)
    too_large: bool = False


def _roster_child(conn: Any, job: RosterJob, site: Site, alive: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch(alive)
    _limit_memory()
    try:
        result = build_roster(job, site)
    except InputError as err:
        result = RosterResult(problems=[_shown(p, job) for p in err.problems])
    conn.send(result)
    conn.close()


def _shown(problem: Problem, job: RosterJob) -> Problem:
    """A problem in the upload names the file as the user called it, never the server's temporary path."""
    if problem.file == str(job.spec):
        return replace(problem, file=job.shown)
    return problem


def _server_files(row: Any, layouts: tuple[str, ...]) -> list[Problem]:
    """A roster sent to the page may not name files on this computer: layouts by name, no logos."""
    doc = row.doc if isinstance(row.doc, dict) else {}
    out = []
    lay = doc.get("layout")
    if isinstance(lay, str) and lay not in layouts:
        message = f"'{lay[:80]}' is not one of the layouts here (allowed: {', '.join(layouts)}; a layout file cannot be sent)"
        out.append(Problem(row.file, row.line, f"{row.prefix}layout", message))
    club = doc.get("club")
    if isinstance(club, dict) and club.get("logo"):
        message = "logo: a roster sent to the web page cannot name a picture on this computer (leave club_logo empty)"
        out.append(Problem(row.file, row.line, f"{row.prefix}club", message))
    return out


def build_roster(job: RosterJob, site: Site) -> RosterResult:
    """Every row of the roster to a PDF in a ZIP (or one combined PDF in it), with errors.txt first
    when rows failed, stored uncompressed so the page can read it back without unpacking the rest."""
    from pdfgen.batch import read_spec, run_batch

    spec = read_spec(job.spec)
    if spec.layout is not None and spec.layout not in job.layouts:
        message = f"'{spec.layout[:80]}' is not one of the layouts here (allowed: {', '.join(job.layouts)})"
        raise InputError(Problem(str(job.spec), None, "layout", message))
    rows = spec.count()
    limit = MAX_COMBINED_ROWS if job.combine else MAX_ROWS
    if rows > limit:
        what = "for one combined PDF " if job.combine else ""
        return RosterResult(
            problems=[Problem(job.shown, None, "roster", f"has {rows:,} rows ({limit:,} {what}at most)")], too_large=True
        )
    if rows == 0:
        raise InputError(Problem(str(job.spec), None, "roster", "has no rows (one routine a row is allowed)"))
    read_rows = spec.rows

    def checked_rows() -> Any:
        for row in read_rows():
            row.problems.extend(_server_files(row, job.layouts))
            yield row

    spec = replace(spec, rows=checked_rows)
    result = RosterResult()
    built: list[Path] = []

    def on_result(row: Any) -> None:
        result.errors.extend(str(_shown(p, job)) for p in row.problems)
        if row.path is not None:
            built.append(row.path)

    folder = job.zip_path.parent / "pdfs"
    combined = folder / f"{Path(job.shown).stem or 'roster'}.pdf" if job.combine else None
    if combined is not None:
        folder.mkdir()
    summary = run_batch(
        job.spec, None if job.combine else folder, combined, 1, (1, 1), site.data_dir, site.layouts_dir, on_result, spec
    )
    result.built, result.failed = summary.built, summary.failed
    if summary.combined is not None:
        built = [summary.combined]
    if result.built:
        _zip(job, built, result.errors)
    return result


def _zip(job: RosterJob, files: list[Path], errors: list[str]) -> None:
    import time

    stamp = time.gmtime(job.epoch)[:6] if job.epoch is not None else time.gmtime()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))  # the earliest date a ZIP can hold
    with zipfile.ZipFile(job.zip_path, "w") as zf:
        if errors:
            info = zipfile.ZipInfo("errors.txt", stamp)
            zf.writestr(info, "".join(f"error: {line}\n" for line in errors), compress_type=zipfile.ZIP_STORED)
        for path in files:
            info = zipfile.ZipInfo(path.name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as src, zf.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            path.unlink()
