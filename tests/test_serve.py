"""`kneecard serve`'s HTTP contract, through Flask's test client: the form, /pdf (the same bytes
as `kneecard build`), /preview, /batch (the same rows and errors as `kneecard batch`), /healthz,
400/413 with each problem beside its field (HTML, or JSON when asked), 404, the shared-computer
guards (Host, Origin, body size, logo checks, no server paths), and no 500 for anything sent."""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import text
from PIL import Image
from pypdf import PdfReader

from pdfgen import webform
from pdfgen.errors import Problem

pytest.importorskip("flask")

BASE = "http://127.0.0.1:8765"
EPOCH = "1700000000"
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def client():
    """One app (and one pair of warm workers) for the module, with fixed PDF dates."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        from pdfgen.serve import create_app

        app = create_app(host="127.0.0.1", port=8765)
        try:
            yield app.test_client()
        finally:
            app.extensions["kneecard"].close()


def post(client, path: str, data: dict | None = None, **kw):
    return client.post(path, base_url=BASE, data=data or {}, **kw)


def cli_message(result) -> list[str]:
    """`error: FIELD: MESSAGE` lines of the CLI, as (field, message) text after the field."""
    return [line.split(": ", 2)[2] for line in result.stderr.splitlines() if line.startswith("error: ")]


# ------------------------------------------------------------------ the form


class _Controls(HTMLParser):
    """Every form control (id, name, type) and every label's `for`."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append({"tag": tag, **a})
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])


def test_get_form_has_every_field_each_labelled(client):
    resp = client.get("/", base_url=BASE)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = _Controls()
    page.feed(resp.get_data(as_text=True))
    names = {c.get("name") for c in page.controls}
    assert set(webform.FIELDS) - {"lang"} <= names  # one language today: no language to choose
    assert "roster" in names
    unlabelled = [c for c in page.controls if c.get("id") not in page.labels]
    assert unlabelled == []
    body = resp.get_data(as_text=True)
    assert "5,000 rows and 5 MB" in body
    assert "At most 10 on the outside of your knee: A nerve lies close to the skin here." in body


def test_healthz_and_404(client):
    resp = client.get("/healthz", base_url=BASE)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "ok")
    assert client.get("/nope", base_url=BASE).status_code == 404
    (error,) = client.get("/nope", base_url=BASE, headers=JSON).get_json()["errors"]
    assert error["field"] == "" and error["message"]
    assert client.get("/figure/not-an-exercise.svg", base_url=BASE).status_code == 404


def test_figures_are_svg(client):
    resp = client.get("/figure/clamshell.svg", base_url=BASE)
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert resp.get_data(as_text=True).startswith("<svg")


# ------------------------------------------------------------------ /pdf: the same bytes as kneecard build

CASES = [
    (
        {
            "name": "Zoë Ødegård",
            "region": "lateral",
            "methods": ["ice", "stretch"],
            "exercises": ["clamshell", "hip-hitch"],
            "ice_minutes": "8",
            "notes": "Easy week.\nNo hills.",
            "url": "https://example.org/v",
            "paper": "letter",
            "tracker": "no",
        },
        [
            "--name",
            "Zoë Ødegård",
            "--region",
            "lateral",
            "--methods",
            "ice,stretch",
            "--exercises",
            "clamshell,hip-hitch",
            "--ice-minutes",
            "8",
            "--notes",
            "Easy week.\nNo hills.",
            "--url",
            "https://example.org/v",
            "--paper",
            "letter",
            "--no-tracker",
        ],
        "zoe-odegard-lateral.pdf",
    ),
    (
        {"layout": "handout", "region": "all", "club_name": "Riverside Harriers", "club_url": "https://harriers.example"},
        ["--layout", "handout", "--region", "all", "--club", "Riverside Harriers", "--url", "https://harriers.example"],
        "riverside-harriers-all.pdf",
    ),
    (
        {"layout": "cards", "region": "front", "backs": "yes", "country": "us", "pdfa": "yes"},
        ["--layout", "cards", "--region", "front", "--backs", "--country", "us", "--pdfa"],
        "routine-front.pdf",
    ),
]


@pytest.mark.parametrize(("fields", "args", "filename"), CASES, ids=["one-page", "handout-club", "cards-backs"])
def test_pdf_is_byte_identical_to_kneecard_build(client, run, tmp_path, monkeypatch, fields, args, filename):
    resp = post(client, "/pdf", fields)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    result = run("build", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"wrote {filename} ")  # the name the CLI chose is the download's name
    assert resp.data == (tmp_path / filename).read_bytes()


def test_pdf_with_uploaded_logo(client):
    logo = io.BytesIO()
    Image.new("RGB", (300, 200), "#c03030").save(logo, "PNG")
    logo.seek(0)
    fields = {"layout": "handout", "region": "all", "club_name": "Harriers", "club_logo": (logo, "logo.png")}
    resp = post(client, "/pdf", fields, content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    reader = PdfReader(io.BytesIO(resp.data))
    images = [img for page in reader.pages for img in page.images]
    assert images, "the logo is printed"


# ------------------------------------------------------------------ /preview


def test_preview_is_page_one_png_and_follows_the_form(client):
    one = post(client, "/preview", {"region": "front", "name": "Sam"})
    two = post(client, "/preview", {"region": "front", "name": "Alex"})
    assert one.status_code == 200 and one.mimetype == "image/png"
    image = Image.open(io.BytesIO(one.data))
    assert image.format == "PNG" and abs(image.height / image.width - 297 / 210) < 0.01  # an A4 page
    assert one.data != two.data
    letter = Image.open(io.BytesIO(post(client, "/preview", {"region": "front", "paper": "letter"}).data))
    assert abs(letter.height / letter.width - 11 / 8.5) < 0.01


# ------------------------------------------------------------------ invalid input: 400, beside each field


def test_bad_fields_give_the_cli_messages_beside_each_field(client, run, tmp_path, monkeypatch):
    fields = {"region": "lateral", "ice_minutes": "15", "exercises": ["clamshell", "nope"], "url": "not a link"}
    resp = post(client, "/pdf", fields, headers=JSON)
    assert resp.status_code == 400 and resp.mimetype == "application/json"
    errors = resp.get_json()["errors"]
    monkeypatch.chdir(tmp_path)
    result = run("build", "--region", "lateral", "--ice-minutes", "15", "--exercises", "clamshell,nope", "--url", "not a link")
    assert result.exit_code == 2
    assert sorted(e["message"] for e in errors) == sorted(cli_message(result))
    assert {e["field"] for e in errors} == {"ice_minutes", "exercises", "url"}

    html = post(client, "/pdf", fields).get_data(as_text=True)
    for e in errors:  # each message in the slot that the field's control points to
        slot = re.search(rf'<p class="error" id="err-{e["field"]}-1">(.*?)</p>', html)
        assert slot, e
        assert slot.group(1) == e["message"].replace("'", "&#39;")
        assert re.search(rf'id="f-{e["field"]}"[^>]*aria-invalid="true"', html) or e["field"] == "exercises"
    assert 'value="clamshell" checked' in html  # the form keeps what was sent


def test_club_link_problem_goes_beside_the_club_link(client):
    errors = post(
        client, "/pdf", {"region": "all", "layout": "handout", "club_name": "H", "club_url": "ftp://x"}, headers=JSON
    ).get_json()
    assert [e["field"] for e in errors["errors"]] == ["club_url"]
    errors = post(client, "/pdf", {"region": "front", "club_url": "https://x.example"}, headers=JSON).get_json()
    assert [e["field"] for e in errors["errors"]] == ["club_name"]


def test_no_methods_ticked_is_an_error_not_all_methods(client):
    resp = post(
        client, "/pdf", {"region": "front", "methods_shown": "1", "exercises": ["wall-sit"], "exercises_shown": "1"}, headers=JSON
    )
    assert resp.status_code == 400
    assert resp.get_json()["errors"][0]["field"] == "methods"


@pytest.mark.parametrize("layout", ["/etc/passwd", "../layouts/one-page.yaml", "one-page.yaml", "C:\\x.yaml", "nope"])
def test_layout_is_a_listed_name_never_a_path(client, layout):
    resp = post(client, "/pdf", {"region": "front", "layout": layout}, headers=JSON)
    assert resp.status_code == 400
    assert resp.get_json()["errors"][0]["field"] == "layout"
    assert "is not a layout" in resp.get_json()["errors"][0]["message"]


def test_a_logo_path_as_text_is_ignored_and_a_name_path_is_just_text(client):
    plain = post(client, "/pdf", {"region": "all", "layout": "handout", "club_name": "H"})
    sneaky = post(client, "/pdf", {"region": "all", "layout": "handout", "club_name": "H", "club_logo": "/etc/passwd"})
    assert sneaky.status_code == 200 and sneaky.data == plain.data
    named = post(client, "/pdf", {"region": "front", "name": "../../etc/passwd"})
    assert named.status_code == 200
    assert named.headers["Content-Disposition"] == 'attachment; filename="etc-passwd-front.pdf"'
    assert "../../etc/passwd" in text(named.data)


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG file that says it is width x height (the pixels are missing: only the header is read)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.4 not a picture", "cannot be read as a PNG or JPG image"),
        (_png_header(20_000, 20_000), "400 megapixels"),
        (b"GIF89a" + b"\0" * 64, "cannot be read as a PNG or JPG image"),
    ],
    ids=["not-an-image", "20000x20000", "gif"],
)
def test_bad_logos_are_refused_beside_the_logo(client, data, says):
    fields = {"layout": "handout", "region": "all", "club_name": "H", "club_logo": (io.BytesIO(data), "logo.png")}
    resp = post(client, "/pdf", fields, headers=JSON, content_type="multipart/form-data")
    assert resp.status_code == 400
    (error,) = resp.get_json()["errors"]
    assert error["field"] == "club_logo" and says in error["message"], error


def test_oversized_body_is_413(client):
    big = {"notes": "x" * (6 * 1024 * 1024), "region": "front"}
    assert post(client, "/pdf", big).status_code == 413
    resp = post(client, "/pdf", big, headers=JSON)
    assert resp.status_code == 413 and "5 MB" in resp.get_json()["errors"][0]["message"]
    upload = {"roster": (io.BytesIO(b"name\n" + b"a\n" * (3 * 1024 * 1024)), "r.csv")}
    assert post(client, "/batch", upload, content_type="multipart/form-data").status_code == 413


# ------------------------------------------------------------------ shared-computer guards


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost.evil.example:8765", "127.0.0.1"])
def test_foreign_host_header_is_400(client, host):
    assert client.get("/", base_url=f"http://{host}").status_code == 400
    assert client.post("/pdf", base_url=f"http://{host}", data={"region": "front"}).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"])
def test_own_host_names_are_served(client, host):
    assert client.get("/healthz", base_url=f"http://{host}").status_code == 200


def test_cross_site_post_is_403(client):
    assert post(client, "/pdf", {"region": "front"}, headers={"Origin": "http://evil.example"}).status_code == 403
    assert post(client, "/pdf", {"region": "front"}, headers={"Origin": "null"}).status_code == 403
    assert post(client, "/preview", {"region": "front"}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert post(client, "/pdf", {"region": "front"}, headers={"Origin": BASE}).status_code == 200


def test_security_headers_on_every_response(client):
    for resp in (client.get("/", base_url=BASE), post(client, "/pdf", {"region": "front"}), client.get("/x", base_url=BASE)):
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/", base_url=BASE).get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # no inline script to allow
    assert " on" not in " ".join(re.findall(r"<[^>]+>", page)).replace(" onl", "")  # no onclick= and the like


# ------------------------------------------------------------------ never a 500

BAD_VALUES = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "\u202e",
    "-1",
    "99999999999999999999",
    "1e3",
    "true",
    "../../etc/passwd",
    "ünïcødé ☃",
    "a,b;c",
]


@pytest.mark.parametrize("route", ["/pdf", "/preview"])
def test_fuzzed_fields_never_500(client, route):
    seen = set()
    for field in webform.FIELDS:
        for value in BAD_VALUES:
            resp = post(client, route, {"region": "front", field: value}, headers=JSON)
            assert resp.status_code in (200, 400), (field, value, resp.status_code, resp.data[:300])
            seen.add(resp.status_code)
            if resp.status_code == 400:
                assert all(set(e) == {"field", "message"} and e["message"] for e in resp.get_json()["errors"])
        resp = post(client, route, {"region": "front", field: ["a", "b", "c"]}, headers=JSON)
        assert resp.status_code in (200, 400), (field, "repeated")
    assert seen == {200, 400}


# ------------------------------------------------------------------ without JavaScript


def test_no_js_update_shows_the_preview_in_the_page(client):
    resp = post(client, "/", {"region": "above", "name": "Sam"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html and 'value="Sam"' in html
    bad = post(client, "/", {"region": "above", "ice_minutes": "50"})
    assert bad.status_code == 400
    assert 'id="err-ice_minutes-1">50 is more than 20 minutes' in bad.get_data(as_text=True)


# ------------------------------------------------------------------ /batch


ROSTER = "name,region,ice_minutes\nSam Lee,front,\nAnn,above,15\nBo,nowhere,\nCy,lateral,8\n"


def _zip(resp) -> zipfile.ZipFile:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(resp.data))


def test_roster_zip_has_the_pdfs_and_the_cli_errors(client, run, tmp_path, monkeypatch):
    resp = post(client, "/batch", {"roster": (io.BytesIO(ROSTER.encode()), "roster.csv")}, content_type="multipart/form-data")
    zf = _zip(resp)
    names = zf.namelist()
    assert names[0] == "errors.txt" and zf.getinfo("errors.txt").compress_type == zipfile.ZIP_STORED  # the page reads it
    assert resp.headers["X-Kneecard-Built"] == "3" and resp.headers["X-Kneecard-Failed"] == "1"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    Path("roster.csv").write_text(ROSTER)
    result = run("batch", "roster.csv", "-o", "out", "--jobs", "1")
    assert result.exit_code == 2
    cli_errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert zf.read("errors.txt").decode().splitlines() == cli_errors
    written = sorted(p.name for p in Path("out").iterdir())
    assert sorted(names[1:]) == written
    for name in written:
        assert zf.read(name) == (Path("out") / name).read_bytes()


def test_roster_combined_is_one_pdf_in_the_zip(client):
    resp = post(
        client,
        "/batch",
        {"roster": (io.BytesIO(ROSTER.encode()), "club.csv"), "combine": "yes"},
        content_type="multipart/form-data",
    )
    zf = _zip(resp)
    assert zf.namelist() == ["errors.txt", "club.pdf"]
    assert len(PdfReader(io.BytesIO(zf.read("club.pdf"))).pages) == 3


def test_yaml_spec_roster(client):
    spec = "layout: one-page\nitems:\n  - {name: A, region: front}\n  - {name: B, region: above, paper: letter}\n"
    zf = _zip(post(client, "/batch", {"roster": (io.BytesIO(spec.encode()), "spec.yaml")}, content_type="multipart/form-data"))
    assert zf.namelist() == ["a-front.pdf", "b-above.pdf"]


@pytest.mark.parametrize(
    ("body", "name", "says"),
    [
        ("name,region\n" + "A,front\n" * 5001, "big.csv", "has 5,001 rows (5,000 at most)"),
        ("layout: /etc/kneecard.yaml\nitems:\n  - {region: front}\n", "spec.yaml", "is not one of the layouts here"),
        ("name,region\nA,nowhere\n", "bad.csv", "'nowhere' is not a region"),
        ("name,region,club_name,club_logo\nA,front,H,/etc/logo.png\n", "logo.csv", "cannot name a picture on this computer"),
        ("name,region,layout\nA,front,../../x.yaml\n", "lay.csv", "is not one of the layouts here"),
        ("nme,region\nA,front\n", "typo.csv", "'nme' is not a routine field; did you mean 'name'?"),
        ("name\n", "empty.csv", "has no rows"),
        ("a: [unclosed\n", "broken.yaml", "yaml:"),
        ("name,region\n", "notes.txt", "is neither a .csv roster nor a .yaml batch spec"),
    ],
    ids=["5001-rows", "spec-layout-path", "bad-row", "logo-path", "row-layout-path", "header", "empty", "bad-yaml", "txt"],
)
def test_bad_rosters_are_listed_never_built_from_server_files(client, body, name, says):
    resp = post(client, "/batch", {"roster": (io.BytesIO(body.encode()), name)}, headers=JSON, content_type="multipart/form-data")
    assert resp.status_code == (413 if "5,001" in says else 400), resp.data[:300]
    messages = " | ".join(e["message"] for e in resp.get_json()["errors"])
    assert says in messages
    assert "/tmp/" not in messages and "kneecard-web-" not in messages  # the user's file name, not the server's


def test_roster_missing_file_is_400(client):
    resp = post(client, "/batch", {}, headers=JSON)
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == "roster"


# ------------------------------------------------------------------ the form <-> CLI mapping


@pytest.mark.parametrize(
    ("field", "message", "form"),
    [
        ("--ice-minutes", "x", "ice_minutes"),
        ("--club", "has no name", "club_name"),
        ("--logo", "x", "club_logo"),
        ("--url", "url 'x' is not a web address", "club_url"),
        ("--url", "layout 'cards' has no place for the club's link", "club_url"),
        ("--url", "'x' is not a web address", "url"),
        ("routine", "has nothing to print", ""),
    ],
)
def test_form_field_of_each_cli_problem(field, message, form):
    assert webform.form_field(Problem(None, None, field, message)) == form


def test_options_are_the_clis():
    class Fields(dict):
        def getlist(self, key):
            value = self.get(key)
            return value if isinstance(value, list) else [] if value is None else [value]

    opts, problems = webform.options(
        Fields(name="Sam", region="front", methods=["ice"], ice_minutes=" 8 ", tracker="yes", backs="no", club_name="H"),
        webform.Choices(("one-page",), ("en-GB",)),
        None,
    )
    assert problems == []
    assert opts == {
        "name": "Sam",
        "region": "front",
        "methods": ["ice"],
        "ice_minutes": 8,
        "tracker": True,
        "club": {"name": "H", "logo": None, "url": None},
    }
    assert os.sep not in str(opts)


def test_a_logo_is_decoded_and_written_again(tmp_path):
    """Only pixels reach the PDF: metadata chunks are dropped, and a big picture comes down to LOGO_SIDE."""
    from PIL import PngImagePlugin

    from pdfgen.webwork import LOGO_SIDE, clean_logo

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    upload = tmp_path / "logo-upload"
    Image.new("RGB", (4000, 1000), "#204080").save(upload, "PNG", pnginfo=info)
    clean = clean_logo(upload)
    assert clean != upload and clean.suffix == ".png"
    with Image.open(clean) as im:
        assert im.size == (LOGO_SIDE, LOGO_SIDE // 4)
        assert "Comment" not in im.info
    assert b"<script>" in upload.read_bytes() and b"<script>" not in clean.read_bytes()
    photo = tmp_path / "photo-upload"
    Image.new("RGB", (300, 300), "#804020").save(photo, "JPEG")
    assert clean_logo(photo).suffix == ".jpg"
