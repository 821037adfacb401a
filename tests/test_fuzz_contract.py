"""Issue 9: the command's contract under random input, whatever it is.

Random routine files, roster rows and layout overrides; the only thing asserted is the contract:
exit 0 with a sound PDF, or exit 2 with one `error: …` line per problem. Never a traceback,
never exit 1 for input, never a partial file left behind. Kept to a few seconds: few examples,
no deadline (a PDF build is ~50 ms, more on a busy machine).
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pdfgen.cli import main

FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)

TEXT = st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x4FF), max_size=30)
IDS = st.sampled_from(["clamshell", "wall-sit", "step-down", "ice", "stretch", "cool-down", "foam-roll", "bogus", ""])
REGIONS = st.sampled_from(["front", "above", "lateral", "all", "FRONT", "nowhere", ""])


def _value(*good: st.SearchStrategy) -> st.SearchStrategy:
    """A field's value: mostly plausible, sometimes anything at all."""
    return st.one_of(*good, st.none(), st.integers(-30, 1000), st.booleans(), TEXT, st.lists(TEXT, max_size=3))


ROUTINE = st.fixed_dictionaries(
    {},
    optional={
        "name": _value(TEXT),
        "region": _value(REGIONS, st.lists(REGIONS, max_size=3)),
        "methods": _value(st.lists(IDS, max_size=4), IDS.map(lambda i: f"{i},{i}")),
        "exercises": _value(st.lists(IDS, max_size=3)),
        "ice_minutes": _value(st.integers(0, 25)),
        "paper": _value(st.sampled_from(["a4", "letter", "A4", "a3"])),
        "layout": _value(st.sampled_from(["one-page", "handout", "cards", "large-print", "nope"])),
        "notes": _value(TEXT),
        "url": _value(st.sampled_from(["https://example.org/k", "ftp://x", "https://a b"])),
        "tracker": _value(),
        "backs": _value(),
        "club": _value(st.fixed_dictionaries({"name": TEXT}, optional={"url": TEXT, "logo": TEXT})),
        "bogus": _value(),
    },
)


def _check(result, out: Path, folder: Path) -> None:
    """The contract, for one run."""
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert not list(folder.rglob("*.part")), "a partial file was left behind"
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        errors = [line for line in lines if not line.startswith(("built ", "wrote "))]
        assert errors and all(line.startswith("error: ") for line in errors), result.stderr
        assert all(len(line) < 2000 for line in errors)
    pdfs = [out] if out.suffix == ".pdf" else sorted(out.glob("*.pdf")) if out.is_dir() else []
    if result.exit_code == 0 and out.suffix == ".pdf":
        assert out.exists()
    if out.suffix != ".pdf":  # a batch: as many PDFs as it says it built
        built = [line for line in result.stderr.splitlines() if line.startswith("built ")]
        assert built or result.exit_code == 2, result.stderr  # no summary only when the whole roster is refused
        assert not built or built[-1].startswith(f"built {len(pdfs)}, "), result.stderr
    for pdf in pdfs:
        if pdf.exists():
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
            assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    if result.exit_code == 2 and out.suffix == ".pdf":
        assert not out.exists(), "a failed build wrote its output"


def _run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@FUZZ
@given(routine=st.one_of(ROUTINE, TEXT))
def test_random_routine_files_keep_the_contract(routine):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        path = folder / "r.yaml"
        path.write_text(routine if isinstance(routine, str) else yaml.safe_dump(routine, allow_unicode=True), encoding="utf-8")
        out = folder / "out.pdf"
        _check(_run("build", path, "-o", out), out, folder)


COLUMNS = ["name", "region", "methods", "exercises", "ice_minutes", "paper", "notes", "tracker", "club", "url", "bogus"]
CELL = st.one_of(TEXT, REGIONS, IDS, st.sampled_from(["stretch;ice", "10", "15", "yes", "no", ";;", '"', "a4"]))


@FUZZ
@given(
    columns=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True),
    rows=st.lists(st.lists(CELL, min_size=0, max_size=5), min_size=1, max_size=3),
    raw=st.booleans(),
)
def test_random_roster_rows_keep_the_contract(columns, rows, raw):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        roster = folder / "r.csv"
        if raw:  # hand-joined, so quotes and separators are as broken as a person can make them
            roster.write_text("\n".join([",".join(columns), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
        else:
            buf = io.StringIO()
            csv.writer(buf).writerows([columns, *rows])
            roster.write_text(buf.getvalue(), encoding="utf-8")
        out = folder / "out"
        _check(_run("batch", roster, "-o", out, "--jobs", 1), out, folder)


JINJA = st.sampled_from(
    [
        "{{ routine.name }}",
        "{{ region.name }}",
        "{{ nope }}",
        "{% if routine.name %}x{% endif %}",
        "{{ 'x' * 100000 }}",
        "{{ routine.__class__ }}",
        "{% for r in routine.regions %}{{ r.id }}{% endfor %}",
        "{{ ",
        "<b>bold</b>",
        "{{ range(10)|join(',') }}",
    ]
)
LAYOUT = st.fixed_dictionaries(
    {"extends": st.sampled_from(["one-page", "large-print", "cards", "nope"])},
    optional={
        "accent": _value(st.sampled_from(["#7a1f5c", "red", "#12345"])),
        "text": _value(
            st.dictionaries(st.sampled_from(["title", "subtitle", "footer", "nope"]), st.lists(JINJA, max_size=3).map("".join))
        ),
        "margins": _value(st.lists(st.integers(-5, 80), min_size=4, max_size=4)),
        "styles": _value(
            st.fixed_dictionaries({"body": st.fixed_dictionaries({}, optional={"size": _value(st.integers(1, 40))})})
        ),
        "min_body": _value(st.integers(1, 30)),
        "max_scale": _value(st.floats(0, 3)),
        "paper": _value(st.sampled_from(["a4", "letter"])),
    },
)


@FUZZ
@given(layout=LAYOUT)
def test_random_layout_overrides_keep_the_contract(layout):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        path = folder / "mine.yaml"
        path.write_text(yaml.safe_dump(layout, allow_unicode=True), encoding="utf-8")
        out = folder / "out.pdf"
        _check(_run("build", "--region", "front", "--layout", path, "-o", out), out, folder)
