"""`kneecard batch`: CSV and YAML specs, bad rows, hostile names, --combine, --shard, --jobs, Ctrl-C."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, text
from pypdf import PdfReader

from pdfgen.batch import MAX_STEM, Row, run_batch, safe_name


def write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def pdfs(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` by name (any stray non-PDF shows up too)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


ROSTER = """name,region,methods,ice_minutes,club_name
Sam Lee,front,,,
Zoë Ødegård,lateral;front,stretch;ice,8,Harriers
Ann,above,ice;stretch,15,
"""


def test_csv_roster_writes_one_pdf_per_row(run, tmp_path):
    roster = write(tmp_path / "roster.csv", ROSTER)
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    files = pdfs(tmp_path / "out")
    assert sorted(files) == ["ann-above.pdf", "sam-lee-front.pdf", "zoe-odegard-lateral-front.pdf"]
    assert all(pages(pdf) == 1 for pdf in files.values())
    assert "Zoë Ødegård" in text(files["zoe-odegard-lateral-front.pdf"])
    assert "Harriers" in text(files["zoe-odegard-lateral-front.pdf"])
    assert "15 min" in text(files["ann-above.pdf"])
    assert result.stderr.startswith("built 3, failed 0, ")  # not a TTY: no bar, just the summary


def test_yaml_spec_with_defaults_paper_and_template(run, tmp_path):
    spec = write(
        tmp_path / "spec.yaml",
        """layout: one-page
paper: letter
output: "{row}-{name}-{paper}.pdf"
defaults:
  methods: [stretch, ice]
  club: {name: Harriers}
items:
  - {name: Sam, region: front}
  - {name: Ann, region: above, paper: a4}
  - {region: lateral}
""",
    )
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    files = pdfs(tmp_path / "out")
    assert sorted(files) == ["1-sam-letter.pdf", "2-ann-a4.pdf", "3-row-3-letter.pdf"]
    box = PdfReader(io.BytesIO(files["1-sam-letter.pdf"])).pages[0].mediabox
    assert round(float(box.width)) == 612
    body = text(files["1-sam-letter.pdf"])
    assert "Harriers" in body and "Sam" in body


def test_bad_rows_are_reported_and_the_good_ones_written(run, tmp_path):
    roster = write(
        tmp_path / "r.csv",
        "name,region,ice_minutes,methods\nSam,front,,\nBad Ice,front,99,ice\nAnn,above,,\nBad Region,knee,,\n",
    )
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert sorted(pdfs(tmp_path / "out")) == ["ann-above.pdf", "sam-front.pdf"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {roster}:3: ice_minutes: 99 is more than")
    assert errors[1].startswith(f"error: {roster}:5: region: 'knee' is not a region")
    assert "built 2, failed 2" in result.stderr

    spec = write(
        tmp_path / "s.yaml",
        "items:\n  - name: Sam\n    region: front\n  - name: Bo\n    region: front\n    paper: A3\n  - just text\n",
    )
    result = run("batch", spec, "-o", tmp_path / "out2", "--jobs", "1")
    assert result.exit_code == 2
    assert sorted(pdfs(tmp_path / "out2")) == ["sam-front.pdf"]
    assert f"error: {spec}:6: items[1].paper: 'A3' is not a paper size" in result.stderr
    assert f"error: {spec}:7: items[2]: is text" in result.stderr


def test_whole_spec_problems_stop_before_building(run, tmp_path):
    roster = write(tmp_path / "r.csv", "nmae,region\nSam,front\n")
    result = run("batch", roster, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"error: {roster}:1: header: 'nmae' is not a routine field; did you mean 'name'?" in result.stderr
    spec = write(tmp_path / "s.yaml", "output: '{nme}.pdf'\nitems: []\n")
    result = run("batch", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2 and f"{spec}:1: output: '{{nme}}' is not a template field" in result.stderr
    assert run("batch", roster, "--shard", "0/2").exit_code == 2


def test_hostile_names_stay_inside_outdir_unique_and_portable(run, tmp_path):
    roster = write(
        tmp_path / "r.csv",
        "name,region\n../../x,front\na/b,front\nSam,front\nSam,front\nsam,front\n,front\nCON,front\nnul.txt,front\n"
        + "y" * 300
        + ",front\n",
    )
    out = tmp_path / "deep" / "out"
    result = run("batch", roster, "-o", out, "--jobs", "1")
    assert result.exit_code == 2  # the 300-character name is refused, naming its row
    assert f"error: {roster}:10: name: is 300 characters long" in result.stderr
    assert sorted(pdfs(out)) == [
        "a-b-front.pdf",
        "con-front.pdf",  # only CON itself (and CON.ext) is a device name on Windows
        "nul-txt-front.pdf",
        "row-6-front.pdf",
        "sam-front-2.pdf",
        "sam-front-3.pdf",
        "sam-front.pdf",
        "x-front.pdf",
    ]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted([*pdfs(out), "r.csv"])

    spec = write(tmp_path / "s.yaml", "output: '../{name}/../..pdf'\nitems:\n  - {name: CON, region: front}\n")
    assert run("batch", spec, "-o", tmp_path / "o2", "--jobs", "1").exit_code == 0
    assert sorted(pdfs(tmp_path / "o2")) == ["_con.pdf"]


@pytest.mark.parametrize(
    ("template", "name", "expected"),
    [
        ("{name}-{region}.pdf", "y" * 300, "y" * 60 + "-front.pdf"),  # each value slugged to 60
        ("{name}" + "z" * 300, "Sam", "sam" + "z" * (MAX_STEM - 3) + ".pdf"),
        ("{name}.pdf", "LPT1", "_lpt1.pdf"),
        ("{name}.pdf", "..", "row-1.pdf"),
        ("{name}.pdf", "C:\\Windows\\system32", "c-windows-system32.pdf"),
        ("/etc/{name}.pdf", "passwd", "etc-passwd.pdf"),
    ],
)
def test_safe_name(template, name, expected):
    name_ = safe_name(template, Row(1, "r.csv", 2, {"name": name, "region": ["front"]}))
    assert name_ == expected
    assert len(name_.encode()) <= MAX_STEM + 4 and "/" not in name_ and "\\" not in name_


def test_combine_merges_the_good_rows_in_order(run, tmp_path):
    roster = write(tmp_path / "r.csv", "name,region\nAnn,front\nBo,knee\nCy,above\nDi,lateral\n")
    combined = tmp_path / "all.pdf"
    result = run("batch", roster, "--combine", combined, "--jobs", "1")
    assert result.exit_code == 2
    reader = PdfReader(combined)
    assert len(reader.pages) == 3
    firsts = [(page.extract_text() or "") for page in reader.pages]
    assert "Ann" in firsts[0] and "Cy" in firsts[1] and "Di" in firsts[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf", "r.csv"]


def test_shards_cover_every_row_exactly_once(run, tmp_path):
    roster = write(tmp_path / "r.csv", "name,region\n" + "".join(f"P{i % 4},{'front'}\n" for i in range(7)))
    assert run("batch", roster, "-o", tmp_path / "all", "--jobs", "1").exit_code == 0
    whole = pdfs(tmp_path / "all")
    assert len(whole) == 7
    parts: dict[str, bytes] = {}
    for i in (1, 2, 3):
        result = run("batch", roster, "-o", tmp_path / f"s{i}", "--shard", f"{i}/3", "--jobs", "1")
        assert result.exit_code == 0, result.stderr
        shard = pdfs(tmp_path / f"s{i}")
        assert len(shard) == len(range(i - 1, 7, 3))
        assert not set(shard) & set(parts)  # names agree across shards, even for duplicate names
        parts.update(shard)
    assert parts == whole


def test_same_bytes_whatever_the_number_of_jobs(run, tmp_path):
    roster = write(tmp_path / "r.csv", ROSTER + "Bad,nowhere,,,\nEd,lateral,ice;stretch,9,\n")
    runs = {}
    for jobs in ("1", "2"):
        result = run("batch", roster, "-o", tmp_path / f"j{jobs}", "--jobs", jobs)
        assert result.exit_code == 2
        combined = tmp_path / f"c{jobs}.pdf"
        assert run("batch", roster, "--combine", combined, "--jobs", jobs).exit_code == 2
        runs[jobs] = (pdfs(tmp_path / f"j{jobs}"), combined.read_bytes(), result.stderr.splitlines()[:-1])
    assert len(runs["1"][0]) == 4
    assert runs["1"] == runs["2"]


def test_interrupt_keeps_only_whole_files(tmp_path):
    """In-process: Ctrl-C arriving mid-run stops the pool and leaves only complete PDFs."""
    roster = write(tmp_path / "r.csv", "name,region\n" + "".join(f"P{i},front\n" for i in range(12)))
    seen = []

    def on_result(result):
        seen.append(result)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(roster, tmp_path / "out", jobs=2, on_result=on_result)
    files = pdfs(tmp_path / "out")
    assert len(files) == 3 and all(pages(pdf) == 1 for pdf in files.values())


def test_ctrl_c_on_the_command_leaves_no_partial_file(tmp_path):
    """A real SIGINT to the process group, as a terminal sends it."""
    roster = write(tmp_path / "r.csv", "name,region\n" + "".join(f"P{i},front\n" for i in range(300)))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pdfgen", "batch", str(roster), "-o", str(out), "--jobs", "2"],
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert b"error: interrupted" in err
    files = pdfs(out)
    assert 5 <= len(files) < 300
    assert all(name.endswith(".pdf") for name in files)  # no .part left behind
    assert all(pages(pdf) == 1 for pdf in files.values())


def test_csv_takes_every_routine_field_including_yes_no(run, tmp_path):
    roster = write(
        tmp_path / "r.csv",
        "name,region,layout,backs,tracker,url\nAna,front,cards,yes,no,\nBo,above,one-page,,false,https://example.org/b\n",
    )
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    files = pdfs(tmp_path / "out")
    assert pages(files["ana-front.pdf"]) == 4  # 8 cards: two sheets, each with its back
    assert "Your two weeks" not in text(files["bo-above.pdf"])
    assert "https://example.org/b" in text(files["bo-above.pdf"])


def test_spec_typos_are_reported_with_lines_before_anything_is_built(run, tmp_path):
    spec = write(tmp_path / "s.yaml", "layot: cards\ndefaults: {colour: red}\nitems:\n  - {region: front}\n")
    result = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert f"error: {spec}:1: layot: is not a known field; did you mean 'layout'?" in result.stderr
    assert f"error: {spec}:2: defaults.colour: is not a known field" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
