"""`kneecard serve`'s web page: a Flask app (run on waitress by the CLI) over the same pipeline as the command line.

The routes only translate HTTP: `webform` turns fields into the CLI's options and problems
back into fields, `webwork` builds in worker processes. Safe on a shared computer: requests
for another host name (DNS rebinding) get 400, cross-site POSTs 403, bodies over 5 MB 413,
and every response carries a Content-Security-Policy with no inline script. Nothing prints.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template, request, send_file
from werkzeug.exceptions import HTTPException
from werkzeug.utils import secure_filename

from pdfgen import webform
from pdfgen.errors import InputError, Problem
from pdfgen.webwork import BATCH_SECONDS, BUILD_SECONDS, MAX_COMBINED_ROWS, MAX_ROWS, Builders, Busy, RosterJob, Site

MAX_BODY = 5 * 1024 * 1024  # bytes of one request: a roster, a logo, or a form
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
WEB_DIR = Path(__file__).resolve().parent / "web"


@dataclass
class Page:
    """What the form offers, read once from the content and layouts the server was started with."""

    lib: Any
    layouts: dict[str, Any]  # name -> Layout
    figures: dict[str, str] = field(default_factory=dict)  # exercise id -> SVG text
    languages: tuple[str, ...] = ()

    def has_tracker(self, name: str) -> bool:
        return any("tracker" in names for names in self.layouts[name].slots.values())

    @property
    def choices(self) -> webform.Choices:
        return webform.Choices(tuple(self.layouts), self.languages)


def _page(site: Site) -> Page:
    from reportlab.graphics import renderSVG

    from pdfgen import build
    from pdfgen.figures.draw import figure_flowable
    from pdfgen.load import layout_dirs, list_layout_files

    lib = build.library(site.data_dir)
    layouts = {p.stem: build.layout(p.stem, site.layouts_dir) for p in list_layout_files(layout_dirs(site.layouts_dir))}
    accent = layouts.get(build.DEFAULT_LAYOUT, next(iter(layouts.values()))).accent
    figures = {}
    for x in lib.exercises.values():
        if x.illustration is not None:
            svg = renderSVG.drawToString(figure_flowable(x.illustration, 120, 90, accent))
            figures[x.id] = svg[svg.index("<svg") :]
    languages = tuple(sorted({lay.lang for lay in layouts.values()}))
    return Page(lib, layouts, figures, languages)


def _allowed_host(host: str, served: str, port: int) -> bool:
    """The Host header names this server: localhost, an IP address, or the host name it was started
    with, at its port. A DNS name that merely points here (DNS rebinding) is refused."""
    m = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::(\d+))?", host or "")
    if not m:
        return False
    name, given_port = m.group(1).strip("[]").lower(), m.group(2)
    if given_port is not None and int(given_port) != port:
        return False
    if given_port is None and port != 80:
        return False
    if name in ("localhost", served.lower()):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _wants_json() -> bool:
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def _form_values(form: Any) -> dict[str, Any]:
    """The fields to show again in a re-rendered form (no file: a browser never refills one)."""
    values = {k: form.get(k, "") for k in webform.FIELDS if k not in ("methods", "exercises")}
    values["methods"] = form.getlist("methods")
    values["exercises"] = form.getlist("exercises")
    values["shown"] = bool(form.get("methods_shown"))
    return values


def create_app(site: Site | None = None, host: str = "127.0.0.1", port: int = 8765, builders: Builders | None = None) -> Flask:
    """The web app for content in `site`; `host` and `port` are what the Host header must name."""
    site = site or Site()
    page = _page(site)
    builders = builders or Builders(site)
    app = Flask(__name__, template_folder=str(WEB_DIR), static_folder=str(WEB_DIR / "static"), static_url_path="/static")
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY, MAX_FORM_PARTS=200)
    app.extensions["kneecard"] = builders
    app.extensions["kneecard.layouts"] = page.choices.layouts
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()

    def problems_response(
        problems: list[Problem] | list[str], status: int = 400, form: Any = None, roster: bool = False
    ) -> Response:
        """400 (or 413) listing each problem beside its field; a roster's problems all sit beside the roster, located."""
        errors = []
        for p in problems:
            name = "roster" if roster or isinstance(p, str) else webform.form_field(p)
            errors.append({"field": name, "message": str(p) if roster or not name else p.message})
        if _wants_json():
            return Response(_json({"errors": errors}), status, mimetype="application/json")
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(e["field"], []).append(e["message"])
        return Response(form_page(form, by_field, errors), status, mimetype="text/html")

    def form_page(form: Any, by_field: dict[str, list[str]] | None = None, errors: list | None = None, **extra: Any) -> str:
        values = _form_values(form) if form is not None else None
        return render_template(
            "index.html",
            page=page,
            values=values,
            by_field=by_field or {},
            errors=errors or [],
            limits={
                "rows": MAX_ROWS,
                "combined": MAX_COMBINED_ROWS,
                "mb": MAX_BODY // (1024 * 1024),
                "build_s": BUILD_SECONDS,
                "batch_min": BATCH_SECONDS // 60,
            },
            **extra,
        )

    def routine_options(work: Path) -> tuple[dict[str, Any], Path | None]:
        logo = None
        upload = request.files.get("club_logo")
        if upload is not None and upload.filename:
            logo = work / "logo-upload"
            upload.save(logo)
        opts, problems = webform.options(request.form, page.choices, logo)
        if problems:
            raise InputError(problems)
        return opts, logo

    @app.before_request
    def guard() -> Response | None:
        if not _allowed_host(request.host, host, port):
            return Response("400 Bad Request: this page answers only to its own address\n", 400, mimetype="text/plain")
        if request.method == "POST":
            origin = request.headers.get("Origin")
            cross = request.headers.get("Sec-Fetch-Site") == "cross-site"
            if cross or (origin is not None and origin.lower() != f"{request.scheme}://{request.host}".lower()):
                return Response("403 Forbidden: a form from another site cannot use this page\n", 403, mimetype="text/plain")
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"  # no-referrer would make a form post's Origin "null"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        text = {413: f"The upload is over {MAX_BODY // (1024 * 1024)} MB (at most {MAX_BODY // (1024 * 1024)} MB allowed)."}
        message = text.get(exc.code or 500, exc.description or exc.name)
        if _wants_json():
            return Response(_json({"errors": [{"field": "", "message": message}]}), exc.code, mimetype="application/json")
        return Response(render_template("error.html", code=exc.code, name=exc.name, message=message), exc.code)

    @app.errorhandler(Busy)
    def busy(exc: Busy) -> Response:
        if _wants_json():
            resp = Response(_json({"errors": [{"field": "", "message": str(exc)}]}), 503, mimetype="application/json")
        else:
            resp = Response(render_template("error.html", code=503, name="Busy", message=str(exc)), 503)
        resp.headers["Retry-After"] = "5"
        return resp

    @app.get("/")
    def index() -> str:
        return form_page(None)

    def built(kind: str) -> Any:
        """The form's routine from the workers: `pdf` (bytes, file name) or `preview` (PNG bytes).
        An invalid form raises InputError, which `invalid` answers with 400."""
        with tempfile.TemporaryDirectory(prefix="kneecard-web-") as work:
            opts, logo = routine_options(Path(work))
            return builders.pdf(opts, logo) if kind == "pdf" else builders.preview(opts, logo)

    @app.errorhandler(InputError)
    def invalid(err: InputError) -> Response:
        return problems_response(err.problems, form=request.form)

    @app.post("/")
    def update() -> Response:
        """Without JavaScript, 'Update preview' posts the form here: the page again, with its preview or its problems."""
        import base64

        png = base64.b64encode(built("preview")).decode("ascii")
        return Response(form_page(request.form, preview=png), mimetype="text/html")

    @app.post("/pdf")
    def pdf() -> Response:
        data, name = built("pdf")
        resp = Response(data, mimetype="application/pdf")
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return resp

    @app.post("/preview")
    def preview() -> Response:
        return Response(built("preview"), mimetype="image/png")

    @app.post("/batch")
    def batch() -> Response:
        upload = request.files.get("roster")
        if upload is None or not upload.filename:
            return problems_response(
                [Problem(None, None, "roster", "is missing (choose a .csv roster or a .yaml batch spec)")], roster=True
            )
        shown = secure_filename(upload.filename) or "roster"
        suffix = Path(shown).suffix.lower()
        if suffix not in (".csv", ".yaml", ".yml"):
            return problems_response(
                [
                    Problem(
                        None,
                        None,
                        "roster",
                        f"'{shown}' is neither a .csv roster nor a .yaml batch spec (.csv, .yaml, .yml allowed)",
                    )
                ],
                roster=True,
            )
        work = Path(tempfile.mkdtemp(prefix="kneecard-web-"))
        try:
            spec = work / f"upload{suffix}"
            upload.save(spec)
            combine = webform.TRUE.__contains__(str(request.form.get("combine", "")).lower())
            job = RosterJob(
                spec, shown, work / "roster.zip", page.choices.layouts, combine, int(epoch) if epoch.isdigit() else None
            )
            result = builders.roster(job)
            if result.problems:
                return problems_response(result.problems, 413 if result.too_large else 400, roster=True)
            if not result.built:
                return problems_response(list(result.errors), roster=True)
            resp = send_file(
                job.zip_path, mimetype="application/zip", as_attachment=True, download_name=f"{Path(shown).stem}.zip"
            )
            resp.headers["X-Kneecard-Built"] = str(result.built)
            resp.headers["X-Kneecard-Failed"] = str(result.failed)
            resp.call_on_close(lambda: shutil.rmtree(work, ignore_errors=True))
            work = None
            return resp
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)

    @app.get("/figure/<exercise_id>.svg")
    def figure(exercise_id: str) -> Response:
        svg = page.figures.get(exercise_id)
        if svg is None:
            return http_error(_not_found())
        resp = Response(svg, mimetype="image/svg+xml")
        resp.headers["Cache-Control"] = "max-age=3600"
        return resp

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")

    return app


def _not_found() -> HTTPException:
    from werkzeug.exceptions import NotFound

    return NotFound()


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the page on this computer."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(app: Flask, host: str, port: int, threads: int = 8) -> None:
    """Serve until Ctrl-C on waitress (a production WSGI server, pure Python, on every OS); the workers stop with it."""
    import signal

    from waitress.server import create_server

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # TERM (a service manager, `kill`) stops it as Ctrl-C does: workers shut down

    builders: Builders = app.extensions["kneecard"]
    signal.signal(signal.SIGTERM, stop)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=MAX_BODY + 64 * 1024,
        ident="kneecard",
        clear_untrusted_proxy_headers=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        builders.close()
