"""The command's contract: options, routine files, exit codes and one clear line per problem."""

from __future__ import annotations

import json
import re

import pytest
from conftest import edit_data, text

from pdfgen import __version__

ERROR_LINE = re.compile(r"^error: (\S+?:(\d+:)? )?[\w.\[\]-]+: .+$")


def errors(result) -> list[str]:
    lines = result.stderr.strip().splitlines()
    assert lines, "expected error lines on stderr"
    for line in lines:
        assert ERROR_LINE.match(line), line
        assert "Traceback" not in line
    return lines


def test_version_and_help(run):
    assert __version__ in run("--version").output
    out = run("--help").output
    for cmd in ("build", "list", "check"):
        assert cmd in out
    assert "--ice-minutes" in run("build", "--help").output


def test_list_tables_and_json(run):
    out = run("list").output
    assert "clamshell" in out and "one-page" in out and "ice" in out
    exercises = json.loads(run("list", "exercises", "--json").output)
    assert len(exercises) == 10
    assert {"id", "name", "region"} <= set(exercises[0])
    assert {x["region"] for x in exercises} == {"lateral", "front", "above"}
    regions = json.loads(run("list", "regions", "--json").output)
    assert [r["id"] for r in regions] == ["lateral", "front", "above"]
    layouts = json.loads(run("list", "layouts", "--json").output)
    assert "one-page" in [x["id"] for x in layouts]


def test_check_passes_on_shipped_content(run):
    result = run("check")
    assert result.exit_code == 0, result.stderr
    assert "ok:" in result.output


def test_routine_file_and_options_override_it(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("name: File Name\nregion: front\nmethods: [ice, stretch]\nice_minutes: 12\nnotes: from the file\n")
    out = tmp_path / "o.pdf"
    result = run("build", routine, "--name", "Option Name", "-o", out)
    assert result.exit_code == 0, result.stderr
    body = text(out.read_bytes())
    assert "Option Name" in body and "File Name" not in body
    assert "12 min" in body and "from the file" in body
    assert "Refuel" not in body


def test_default_output_name(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--region", "front", "--name", "Zoë Ødegård")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "zoe-odegard-front.pdf").read_bytes().startswith(b"%PDF")


def test_stdout_output(run):
    result = run("build", "--region", "above", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF") and result.stdout_bytes.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize(
    "args, field, phrase",
    [
        (["--region", "front", "--ice-minutes", "25"], "--ice-minutes", "more than 20 minutes"),
        (["--region", "front", "--ice-minutes", "3"], "--ice-minutes", "less than 5 minutes"),
        (["--region", "lateral", "--ice-minutes", "15"], "--ice-minutes", "nerve"),
        (["--region", "frnt"], "--region", "did you mean 'front'"),
        (["--region", "front", "--methods", "ice,strech"], "--methods", "did you mean 'stretch'"),
        (["--region", "front", "--exercises", "clamshel"], "--exercises", "did you mean 'clamshell'"),
        (["--region", "front", "--exercises", "clamshell"], "--exercises", "is for region 'lateral'"),
        (["--region", "front", "--paper", "a3"], "--paper", "a4, letter"),
        (["--region", "front", "--name", "a\u2603b"], "--name", "U+2603"),
        (["--region", "front", "--methods", "stretch", "--ice-minutes", "10"], "--ice-minutes", "ice is not among"),
        (["--region", "front", "--layout", "one-pag"], "--layout", "did you mean 'one-page'"),
        ([], "region", "is missing"),
    ],
)
def test_bad_options_exit_2_with_one_line(run, tmp_path, args, field, phrase):
    out = tmp_path / "never.pdf"
    result = run("build", *args, "-o", out)
    assert result.exit_code == 2
    lines = errors(result)
    assert len(lines) == 1
    assert f" {field}: " in lines[0] or lines[0].startswith(f"error: {field}: ")
    assert phrase in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))


def test_bad_routine_file_reports_every_problem_with_lines(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("name: Sam\nregion: front\nice_minutes: ten\ncolour: red\nmethods: [ice, strech]\n")
    result = run("build", routine, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    lines = errors(result)
    assert any(f"{routine}:3: ice_minutes:" in line for line in lines)
    assert any(f"{routine}:4: colour: is not a known field" in line for line in lines)
    assert any(f"{routine}:5: methods:" in line and "stretch" in line for line in lines)


def test_malformed_yaml_gives_file_and_line(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("name: Sam\nregion: [front\n")
    result = run("build", routine)
    assert result.exit_code == 2
    (line,) = errors(result)
    assert line.startswith(f"error: {routine}:3: yaml:")


def test_missing_routine_file(run, tmp_path):
    result = run("build", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "does not exist" in errors(result)[0]


def test_unwritable_output_is_exit_1_and_existing_file_kept(run, tmp_path):
    result = run("build", "--region", "front", "-o", tmp_path / "no" / "such" / "dir.pdf")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    existing = tmp_path / "keep.pdf"
    existing.write_bytes(b"precious")
    result = run("build", "--region", "front", "--ice-minutes", "99", "-o", existing)
    assert result.exit_code == 2
    assert existing.read_bytes() == b"precious"


def test_output_never_replaces_an_input(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\n")
    result = run("build", routine, "-o", routine)
    assert result.exit_code == 2
    assert routine.read_text() == "region: front\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text("items:\n  - {region: front}\n")
    result = run("batch", spec, "--combine", spec)
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert spec.read_text() == "items:\n  - {region: front}\n"


def test_too_much_to_fit_names_the_way_out(run, tmp_path):
    result = run("build", "--region", "all", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    (line,) = errors(result)
    assert "does not fit on 1 page" in line and "--methods" in line and "large-print" in line
    assert 'everything from "' in line  # names the first item that does not fit
    assert not (tmp_path / "x.pdf").exists()


def test_custom_data_folder(run, tmp_path, data_copy):
    data = edit_data(data_copy, lambda name, yaml_text: yaml_text.replace("Side-lying clamshell", "Clamshell on your side"))
    out = tmp_path / "x.pdf"
    assert run("build", "--data", data, "--region", "lateral", "-o", out).exit_code == 0
    assert "Clamshell on your side" in text(out.read_bytes())


def test_bad_data_folder_is_reported_by_check(run, data_copy):
    data = data_copy
    ex = data / "exercises.yaml"
    ex.write_text(ex.read_text().replace("region: front", "region: frnt", 1).replace("sets: 3", "sets: three", 1))
    result = run("check", "--data", data)
    assert result.exit_code == 2
    lines = errors(result)
    assert any("exercises.yaml:" in line and "region" in line and "did you mean 'front'" in line for line in lines)
    assert any("dosage.sets" in line for line in lines)


@pytest.mark.parametrize(
    "args, field",
    [
        (["--layout", "cards", "--region", "front", "--notes", "hello"], "--notes"),
        (["--layout", "cards", "--region", "front", "--url", "https://example.org"], "--url"),
    ],
)
def test_text_a_layout_cannot_place_is_refused_not_dropped(run, tmp_path, args, field):
    result = run("build", *args, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert f"error: {field}: layout 'cards' has no place for " in result.stderr


def test_cards_carry_the_name_and_club(build):
    body = text(build("--layout", "cards", "--region", "front", "--name", "Sam Lee", "--club", "Harriers"))
    assert "Sam Lee" in body and "Harriers" in body


@pytest.mark.parametrize(
    "args, phrase",
    [
        (
            ["--layout", "large-print", "--region", "front", "--tracker"],
            "--tracker: layout 'large-print' has no place for the tracker",
        ),
        (["--region", "front", "--backs"], "--backs: layout 'one-page' has no place for card backs"),
        (["--region", "front", "--name", "Ann\u202eB"], "invisible control character U+202E"),
        (["--region", "front", "--url", "https://x.org\n"], "--url:"),
    ],
)
def test_more_input_that_would_be_lost_or_hidden_is_refused(run, tmp_path, args, phrase):
    result = run("build", *args, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert phrase in result.stderr


def test_club_needs_a_name_and_regions_count_once(run, build, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\nclub: {url: https://example.org}\n")
    result = run("build", routine, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "club: has no name" in result.stderr
    assert text(build("--region", "front,front", name="twice.pdf")) == text(build("--region", "front", name="once.pdf"))


def test_multi_page_overflow_message_is_clean(run, tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text("extends: large-print\ndescription: Two pages only.\npage:\n  max_pages: 2\n")
    result = run("build", "--layout", short, "--region", "all", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    (line,) = errors(result)
    assert "handle_pageBegin" not in line and 'everything after "' in line and "does not fit on 2 pages" in line
    assert "use --layout large-print" not in line  # no advice to use the layout it already extends


def test_commands_import_only_what_they_need():
    """Start-up stays lean: listing content or asking for help loads neither Platypus nor
    ReportLab's graphics (they cost ~70 ms); building does."""
    import subprocess
    import sys

    probe = (
        "import sys; from click.testing import CliRunner; from pdfgen.cli import main; "
        "r = CliRunner().invoke(main, sys.argv[1:]); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m.startswith(('reportlab.platypus', 'reportlab.graphics', 'jinja2'))))"
    )
    for args in (["--help"], ["list", "layouts"], ["list", "exercises"]):
        out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "[]", (args, out)


def test_a_build_does_not_load_the_network_stack(tmp_path):
    """A one-page build (tagged, with its XMP metadata) never loads urllib.request, http.client
    or the email package: xml.sax.saxutils would, for ~20 ms of every start."""
    import subprocess
    import sys

    probe = (
        "import sys; from click.testing import CliRunner; from pdfgen.cli import main; "
        "r = CliRunner().invoke(main, sys.argv[1:]); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m in ('urllib.request', 'http.client', 'email.parser')))"
    )
    args = ["build", "--region", "front", "--pdfa", "-o", str(tmp_path / "a.pdf")]
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
