"""Issue 9: what a careless and a hostile user found. One test (or more) per defect, run on the
installed command where the defect is about the process (devices, FIFOs, symlinks, memory, time)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).parent / "kneecard"
KNEECARD = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "pdfgen"]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="making device nodes needs root (CI runs as root)")


def kc(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the installed `kneecard` as a user would; on a timeout its whole process group is ended
    (a batch's workers too), so a regression cannot leave hundreds of workers behind."""
    proc = subprocess.Popen(
        [*KNEECARD, *(str(a) for a in args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        pytest.fail(f"kneecard {' '.join(map(str, args))} ran past {timeout} s")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def error_lines(stderr: str) -> list[str]:
    lines = stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), stderr
    assert "Traceback" not in stderr
    return lines


# ------------------------------------------------------------------ 1. special files for -o


@needs_root
def test_output_to_a_char_device_streams_to_it_and_keeps_the_device(tmp_path):
    null = tmp_path / "mynull"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = kc("build", "--region", "front", "-o", null, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert not list(tmp_path.glob("*.part"))


@needs_root
def test_output_to_a_full_device_fails_with_exit_1_and_keeps_it(tmp_path):
    full = tmp_path / "myfull"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    result = kc("build", "--region", "front", "-o", full, cwd=tmp_path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == [f"error: cannot write {full}: No space left on device"]
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_output_to_a_fifo_streams_the_pdf(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = kc("figure", "wall-sit", "-o", fifo, cwd=tmp_path)
    reader.join(timeout=30)
    if reader.is_alive():  # the FIFO was replaced, nothing wrote to it: unblock the reader
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert result.returncode == 0, result.stderr
    assert got and got[0].startswith(b"%PDF") and got[0].rstrip().endswith(b"%%EOF")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "front.pdf"
    target.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    result = kc("build", "--region", "front", "-o", link, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert not list((tmp_path / "real").glob("*.part"))

    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "real" / "new.pdf")
    assert kc("figure", "wall-sit", "-o", dangling, cwd=tmp_path).returncode == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "new.pdf").read_bytes().startswith(b"%PDF")


def test_output_to_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        result = kc("build", "--region", "front", "-o", path, cwd=tmp_path)
        assert result.returncode == 1
        assert "is a socket" in error_lines(result.stderr)[0]
        assert stat.S_ISSOCK(os.stat(path).st_mode)


@needs_root
def test_combine_onto_a_device_and_into_a_symlinked_folder(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("layout: cards\nitems:\n  - {region: front}\n  - {region: above}\n")
    null = tmp_path / "mynull"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = kc("batch", spec, "--combine", null, "--jobs", 1, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)

    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    result = kc("batch", spec, "-o", tmp_path / "out", "--jobs", 1, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out").is_symlink()
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["row-1-front.pdf", "row-2-above.pdf"]


# ------------------------------------------------------------------ 2. a layout cannot hang the tool


_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def kc_measured(*args: object, cwd: Path, timeout: float = 60) -> tuple[int, str, float, float]:
    """Run the installed command; its exit code, stderr, seconds and own peak memory (MB).

    Measured by a small Python in between, so the pytest process's memory (which a forked child
    shares until it runs the command) is not counted."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, *KNEECARD, *(str(a) for a in args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"kneecard {' '.join(map(str, args))} ran past {timeout} s")
    seconds = time.perf_counter() - started
    code, kb = done.stdout.split()
    return int(code), done.stderr, seconds, int(kb) / 1024


BOMBS = [
    '{{ "x" * 100000000 }}',
    "{{ [1] * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    '{{ "x"|center(100000000) }}',
    '{{ "%100000000s"|format(1) }}',
    '{{ "%100000000s" % 1 }}',
    '{{ "{:>100000000}".format(1) }}',
    '{{ "x".ljust(100000000) }}',
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    '{% for c in "x" * 5000 %}{% for d in "y" * 5000 %}{{ c }}{% endfor %}{% endfor %}',
    '{% set ns = namespace(s="x") %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}',
    '{{ "a"|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")'
    '|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")'
    '|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") }}',
]


def _bomb_layout(folder: Path, expr: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "bomb.yaml"
    quoted = expr.replace("'", "''")
    path.write_text(f"extends: one-page\ndescription: a hostile layout\ntext:\n  title: '{quoted}'\n")
    return path


@pytest.mark.parametrize("expr", BOMBS)
def test_a_layout_text_cannot_make_a_huge_value(run, tmp_path, expr):
    path = _bomb_layout(tmp_path / "L", expr)
    started = time.perf_counter()
    result = run("build", "--region", "front", "--layout", path, "-o", tmp_path / "x.pdf")
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2
    assert error_lines(result.stderr)[0].startswith(f"error: {path}:4: text.title: asks for too much: ")
    assert not (tmp_path / "x.pdf").exists()


def test_a_layout_text_bomb_fails_fast_with_flat_memory_on_the_installed_command(tmp_path):
    path = _bomb_layout(tmp_path / "L", BOMBS[0])
    code, _, _, plain_mb = kc_measured("build", "--region", "front", "-o", "ok.pdf", cwd=tmp_path)
    assert code == 0
    for args in (["build", "--region", "front", "--layout", path, "-o", "x.pdf"], ["check", "--layouts", tmp_path / "L"]):
        code, err, seconds, mb = kc_measured(*args, cwd=tmp_path, timeout=30)
        assert code == 2, err
        assert f"{path}:4: text.title: asks for too much" in err
        assert seconds < 15  # about 1 s on an idle machine; 10 minutes before the fix
        assert mb < plain_mb + 30, (mb, plain_mb)  # flat: 2 GB before the fix


def test_ordinary_layout_text_still_works(build, tmp_path):
    path = tmp_path / "fine.yaml"
    path.write_text(
        'extends: one-page\ntext:\n  title: \'{{ "%d"|format(2026) }} {{ "{}".format("plan") }}'
        ' {% for r in routine.regions %}{{ r.name }}{% endfor %} {{ range(3)|join(",") }} {{ "ab" * 3 }}\'\n'
    )
    from conftest import text

    assert "2026 plan Front of the knee 0,1,2 ababab" in text(build("--region", "front", "--layout", path))


# ------------------------------------------------------------------ 3. default names: any script, never overwrite


def test_names_in_any_script_become_file_names():
    from pdfgen.build import slug

    assert slug("Юлия Иванова") == "yuliya-ivanova"
    assert slug("Λίνα") == "lina"
    assert slug("Zoë Ødegård") == "zoe-odegard"
    assert slug("Łukasz Straße") == "lukasz-strasse"
    assert slug("李小龙") and slug("محمد")
    assert slug(["front", "Юлия"]) == "front-yuliya" and slug({"name": "Λίνα"}) == "lina"


def test_a_default_name_never_replaces_an_existing_file(tmp_path):
    first = kc("build", "--region", "front", "--name", "Юлия", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith("wrote yuliya-front.pdf ")
    kept = (tmp_path / "yuliya-front.pdf").read_bytes()
    second = kc("build", "--region", "front", "--name", "Юлия", "--notes", "second", cwd=tmp_path)
    assert second.stderr.startswith("wrote yuliya-front-2.pdf "), second.stderr
    third = kc("build", "--region", "front", "--name", "Юлия", cwd=tmp_path)
    assert third.stderr.startswith("wrote yuliya-front-3.pdf "), third.stderr
    assert (tmp_path / "yuliya-front.pdf").read_bytes() == kept
    assert kc("build", "--region", "front", cwd=tmp_path).stderr.startswith("wrote routine-front.pdf ")
    # with -o the user named the file: replacing it is what was asked
    again = kc("build", "--region", "front", "--name", "Юлия", "--notes", "again", "-o", "yuliya-front.pdf", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "yuliya-front.pdf").read_bytes() != kept
    assert not list(tmp_path.glob(".*.part"))


def test_batch_names_are_transliterated(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("name,region\nЮлия,front\nΛίνα,above\n", encoding="utf-8")
    result = kc("batch", roster, "-o", tmp_path / "out", "--jobs", 1)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["lina-above.pdf", "yuliya-front.pdf"]


# ------------------------------------------------------------------ 4. images: one line, bounded, small


def _images(tmp_path: Path) -> dict[str, Path]:
    from PIL import Image

    paths = {name: tmp_path / name for name in ("fake.png", "bomb.png", "mid.png", "noisy.png", "photo.jpg")}
    paths["fake.png"].write_text("not a picture")
    Image.new("1", (20_000, 20_000)).save(paths["bomb.png"])  # 48 KB on disk, 400 megapixels
    Image.new("1", (8_000, 7_000)).save(paths["mid.png"])  # 56 megapixels: under Pillow's own limit, over ours
    noisy = Image.effect_noise((2000, 2000), 80).convert("RGB")
    noisy.save(paths["noisy.png"])
    noisy.save(paths["photo.jpg"], quality=92)
    return paths


def test_bad_logos_are_one_line_without_addresses_and_the_same_every_run(tmp_path):
    paths = _images(tmp_path)
    expected = {
        "fake.png": "cannot be read as a PNG or JPG image (the file is not a picture, or is damaged)",
        "bomb.png": "is 400 megapixels (at most 50 allowed)",
        "mid.png": "is 8,000 x 7,000 pixels (56 megapixels; at most 50 allowed)",
    }
    for name, message in expected.items():
        args = ("build", "--layout", "handout", "--club", "C", "--logo", paths[name], "-o", "x.pdf")
        runs = [kc_measured(*args, cwd=tmp_path), kc_measured(*args, cwd=tmp_path)]
        for code, err, seconds, mb in runs:
            assert code == 2
            assert error_lines(err) == [f"error: {paths[name]}: logo: {message}"]
            assert "0x" not in err
            assert seconds < 10 and mb < 150, (name, seconds, mb)  # refused from the header, nothing decoded
        assert runs[0][1] == runs[1][1]
    assert not (tmp_path / "x.pdf").exists()


def test_a_big_logo_is_resampled_to_300_ppi_and_not_ascii85(tmp_path):
    import io

    from pypdf import PdfReader

    paths = _images(tmp_path)
    for name in ("noisy.png", "photo.jpg"):
        result = kc("build", "--layout", "handout", "--club", "C", "--logo", paths[name], "-o", "h.pdf", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        pdf = (tmp_path / "h.pdf").read_bytes()
        assert len(pdf) < 600_000, (name, len(pdf))  # ~5 MB (PNG) and ~2 MB (JPG) before
        found = []
        for page in PdfReader(io.BytesIO(pdf)).pages:
            for obj in (page["/Resources"].get("/XObject") or {}).values():
                obj = obj.get_object()
                if obj.get("/Subtype") == "/Image":
                    found.append(obj)
        assert found
        for obj in found:
            filters = obj.get("/Filter")
            filters = [str(f) for f in (filters if isinstance(filters, list) else [filters])]
            assert "/ASCII85Decode" not in filters
            assert obj["/Width"] <= 340 and obj["/Height"] <= 340  # 28 mm at 300 ppi: 331 px
        again = kc("build", "--layout", "handout", "--club", "C", "--logo", paths[name], "-o", "h2.pdf", cwd=tmp_path)
        assert again.returncode == 0 and (tmp_path / "h2.pdf").read_bytes() == pdf


def _with_image(data: Path, image: str) -> None:
    """Give the first exercise of a data folder `illustration: {image: IMAGE}` instead of its pose."""
    lines = (data / "exercises.yaml").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "illustration:")
    indent = len(lines[at]) - len(lines[at].lstrip())
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    lines[at:end] = [" " * indent + f"illustration: {{image: {image}}}"]
    (data / "exercises.yaml").write_text("\n".join(lines) + "\n")


def test_a_bad_illustration_image_is_one_line(tmp_path, data_copy):
    paths = _images(tmp_path)
    (data_copy / "pictures").mkdir()
    for name in ("fake.png", "bomb.png"):
        (data_copy / "pictures" / name).write_bytes(paths[name].read_bytes())
    _with_image(data_copy, "pictures/fake.png")
    result = kc("check", "--data", data_copy, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = error_lines(result.stderr)
    assert line.endswith(  # noqa: E501
        "image: 'pictures/fake.png' cannot be read as a PNG or JPG image (the file is not a picture, or is damaged)"
    )
    (data_copy / "exercises.yaml").write_text((data_copy / "exercises.yaml").read_text().replace("fake.png", "bomb.png"))
    result = kc("check", "--data", data_copy, cwd=tmp_path)
    assert error_lines(result.stderr)[0].endswith("image: 'pictures/bomb.png' is 400 megapixels (at most 50 allowed)")


def test_an_illustration_image_is_drawn_resampled(tmp_path, data_copy):
    from PIL import Image

    (data_copy / "pictures").mkdir()
    Image.effect_noise((1500, 1500), 80).convert("RGB").save(data_copy / "pictures" / "p.png")
    _with_image(data_copy, "pictures/p.png")
    result = kc("build", "--region", "lateral", "--data", data_copy, "-o", "a.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a.pdf").stat().st_size < 400_000  # 26 mm at 300 ppi; ~2.5 MB before
    result = kc("figure", "clamshell", "--data", data_copy, "-o", "f.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "f.pdf").stat().st_size < 1_000_000


# ------------------------------------------------------------------ 5. an explicit empty list is an error


@pytest.mark.parametrize("value", [",,,", " , "])
def test_methods_naming_nothing_is_an_error(run, tmp_path, value):
    result = run("build", "--region", "front", "--methods", value, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert error_lines(result.stderr) == ["error: --methods: names no ids (give ids like a,b, or leave it out for the default)"]
    assert not (tmp_path / "x.pdf").exists()


def test_empty_methods_mean_all_and_empty_lists_in_files_are_errors(run, tmp_path):
    from conftest import text

    result = run("build", "--region", "front", "--methods", "", "-o", tmp_path / "all.pdf")
    assert result.exit_code == 0, result.stderr
    assert "Ice" in text((tmp_path / "all.pdf").read_bytes())
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\nmethods: []\n")
    result = run("build", routine, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "methods: names no ids" in result.stderr
    roster = tmp_path / "r.csv"
    roster.write_text("name,region,methods\nSam,front,;;;\n")
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", 1)
    assert result.exit_code == 2 and "r.csv:2: methods: names no ids" in result.stderr


# ------------------------------------------------------------------ 7. SOURCE_DATE_EPOCH


@pytest.mark.parametrize("value", ["garbage", "-5", "1.5", "99999999999999"])
def test_a_malformed_source_date_epoch_is_an_input_error(tmp_path, value):
    result = kc("build", "--region", "front", "-o", "x.pdf", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        f"error: SOURCE_DATE_EPOCH: '{value}' is not a time (whole seconds since 1970-01-01 UTC, 0 to 253402300799, are allowed)"
    ]
    assert not (tmp_path / "x.pdf").exists()
    assert kc("build", "--help", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": value}).returncode == 0


def test_a_good_source_date_epoch_dates_the_pdf(tmp_path):
    result = kc("build", "--region", "front", "-o", "x.pdf", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stderr
    assert b"D:20231114" in (tmp_path / "x.pdf").read_bytes()


# ------------------------------------------------------------------ 8. Click's usage errors: one line


@pytest.mark.parametrize(
    "args, line",
    [
        (["build", "--ice-minutes", "4.9"], "error: --ice-minutes: '4.9' is not a valid integer (see: kneecard build --help)"),
        (["batch", "x.csv", "--jobs", "0"], "error: --jobs: 0 is not in the range x>=1 (see: kneecard batch --help)"),
        (
            ["figure", "wall-sit", "--size", "1000"],
            "error: --size: 1000.0 is not in the range 15<=x<=400 (see: kneecard figure --help)",
        ),
        (
            ["list", "bogus"],
            "error: WHAT: 'bogus' is not one of 'methods', 'regions', 'exercises', 'layouts', 'languages' "
            "(see: kneecard list --help)",
        ),
        (
            ["build", "--bogus"],
            "error: No such option '--bogus'. (Did you mean one of: '--layouts', '--logo'?) (see: kneecard build --help)",
        ),
        (["bogus"], "error: No such command 'bogus' (see: kneecard --help)"),
        (["figure"], "error: Missing argument 'EXERCISE_ID' (see: kneecard figure --help)"),
    ],
)
def test_usage_errors_are_one_line_exit_2(tmp_path, args, line):
    result = kc(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [line]
    assert result.stdout == ""


def test_help_is_unchanged(tmp_path):
    result = kc("build", "--help", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("Usage: kneecard build [OPTIONS] [ROUTINE_FILE]")
    assert kc("--version", cwd=tmp_path).stdout.startswith("kneecard, version")


# ------------------------------------------------------------------ 9. --combine never loses a complete pack


def test_combine_keeps_a_complete_pack_when_a_row_fails(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("layout: cards\nitems:\n  - {region: front}\n  - {region: above}\n")
    pack = tmp_path / "pack.pdf"
    assert kc("batch", good, "--combine", pack, "--jobs", 1).returncode == 0
    complete = pack.read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text("layout: cards\nitems:\n  - {region: front}\n  - {region: nowhere}\n")
    result = kc("batch", bad, "--combine", pack, "--jobs", 1)
    assert result.returncode == 2
    assert pack.read_bytes() == complete
    partial = tmp_path / "pack-partial.pdf"
    assert partial.read_bytes().startswith(b"%PDF")
    assert f"wrote {partial}, without the 1 failed rows; {pack} is kept as it was" in result.stderr
    # no earlier pack: the partial one goes where asked, nothing is lost
    fresh = tmp_path / "fresh.pdf"
    assert kc("batch", bad, "--combine", fresh, "--jobs", 1).returncode == 2
    assert fresh.read_bytes().startswith(b"%PDF") and not (tmp_path / "fresh-partial.pdf").exists()


# ------------------------------------------------------------------ 11. the smaller ones


def test_no_more_workers_than_rows(tmp_path, monkeypatch, run):
    from pdfgen import batch

    asked: list[int] = []
    real = batch._pool
    monkeypatch.setattr(batch, "_pool", lambda jobs: asked.append(jobs) or real(jobs))
    roster = tmp_path / "r.csv"
    roster.write_text("name,region\nA,front\nB,above\nC,lateral\n")
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", 1000)
    assert result.exit_code == 0, result.stderr
    assert asked == [3]
    result = run("batch", roster, "-o", tmp_path / "out", "--jobs", 1000, "--shard", "2/2")
    assert asked == [3]  # one row in shard 2/2: built without a pool


def test_a_thousand_jobs_on_three_rows_is_quick(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("name,region\nA,front\nB,above\nC,lateral\n")
    started = time.perf_counter()
    result = kc("batch", roster, "-o", tmp_path / "out", "--jobs", 1000)
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 8  # ~10 s (1,000 processes) before; ~1.5 s now


@pytest.mark.parametrize(
    "template, bad",
    [("{name:>5}.pdf", "':>5' in '{name:>5}'"), ("{region!r}.pdf", "'!r' in '{region!r}'"), ("{nme}.pdf", "'{nme}'")],
)
def test_an_output_template_error_blames_the_bad_part(run, tmp_path, template, bad):
    spec = tmp_path / "s.yaml"
    spec.write_text(f'output: "{template}"\nitems:\n  - {{region: front}}\n')
    result = run("batch", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    (line,) = error_lines(result.stderr)
    assert line.startswith(f"error: {spec}:1: output: {bad}"), line


def test_roster_read_errors_name_the_right_line(run, tmp_path):
    latin = tmp_path / "latin.csv"
    # 2,000 blank rows (no builds) put the bad byte 40 KB in: well past a text stream's read-ahead
    latin.write_bytes(b"name,region\nSam,front\n" + b" ,                  \n" * 2000 + b"Zo\xe9,front\nBo,above\n")
    result = run("batch", latin, "-o", tmp_path / "o1", "--jobs", 1)
    assert result.exit_code == 2
    assert error_lines(result.stderr)[0] == (
        f"error: {latin}:2003: roster: is not UTF-8 text (byte 0xE9 at column 3; save the file as UTF-8 CSV)"
    )
    big = tmp_path / "big.csv"
    big.write_text("name,region,notes\nSam,front,ok\nAl,front," + "x" * 2_000_000 + "\nBo,above,\n")
    result = run("batch", big, "-o", tmp_path / "o2", "--jobs", 1)
    assert error_lines(result.stderr)[0].startswith(f"error: {big}:3: roster: has a cell longer than 131,072 characters")
    quote = tmp_path / "quote.csv"
    quote.write_text('name,region\nSam,front\n"Al,front\nBo,above\nCy,front\n')
    result = run("batch", quote, "-o", tmp_path / "o3", "--jobs", 1)
    assert error_lines(result.stderr)[0] == (
        f'error: {quote}:3: roster: has a quote (") opened on this line that is never closed (close it, or remove it)'
    )


def test_an_output_suffix_must_match_the_format(run, tmp_path):
    result = run("build", "--region", "front", "-o", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert error_lines(result.stderr) == [
        f"error: -o: '{tmp_path / 'x.txt'}' ends in '.txt' but the output is a PDF (.pdf is allowed)"
    ]
    assert not (tmp_path / "x.txt").exists()
    spec = tmp_path / "s.yaml"
    spec.write_text("items:\n  - {region: front}\n")
    assert run("batch", spec, "--combine", tmp_path / "pack.txt").exit_code == 2
    assert run("build", "--region", "front", "-o", tmp_path / "UPPER.PDF").exit_code == 0


def test_a_link_is_not_a_logo(tmp_path):
    result = kc(
        "build", "--region", "front", "--club", "C", "--logo", "https://example.org/logo.png", "-o", "x.pdf", cwd=tmp_path
    )
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        "error: --logo: logo 'https://example.org/logo.png' is a web address; links are not logos "
        "(download the picture, give its file)"
    ]


def test_routine_paper_and_any_case_paper(build, tmp_path):
    from conftest import text

    layout = tmp_path / "paper.yaml"
    layout.write_text("extends: one-page\ntext:\n  title: 'Paper {{ routine.paper }}'\n")
    assert "Paper a4" in text(build("--region", "front", "--layout", layout))
    assert "Paper letter" in text(build("--region", "front", "--layout", layout, "--paper", "Letter"))
    assert "Paper a4" in text(build("--region", "front", "--layout", layout, "--paper", "A4"))


def test_a_long_url_is_cut_in_the_message(run, tmp_path):
    url = "https://" + "a" * 5000
    result = run("build", "--region", "front", "--url", url, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    (line,) = error_lines(result.stderr)
    assert len(line) < 300 and "(5,008 characters)" in line


# ------------------------------------------------------------------ 12. the README's first command leaves nothing to commit


def test_the_readme_quick_start_output_is_ignored_by_git():
    import re
    import shutil

    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "pip install . && kneecard build samples/front.yaml -o front.pdf"
    assert blocks[1].strip() == 'pip install ".[test]" && python -m pytest'
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "check-ignore", "-q", "front.pdf"], cwd=ROOT)
    assert done.returncode == 0, "front.pdf (the README's first command) is not in .gitignore"
    kept = subprocess.run(["git", "check-ignore", "-q", "samples/front.pdf"], cwd=ROOT)
    assert kept.returncode == 1, "samples/*.pdf are committed and must not be ignored"


# ------------------------------------------------------------------ found by the fuzz test


def test_a_control_character_never_splits_an_error_line(run, tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("region: front\nname: a\x1fb\n")
    result = run("build", routine, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert error_lines(result.stderr) == [
        f"error: {routine}:2: yaml: has the character U+001F, which YAML does not allow (plain text is allowed)"
    ]
    layout = tmp_path / "l.yaml"
    layout.write_text('extends: one-page\naccent: "0\\r0"\n')
    result = run("build", "--region", "front", "--layout", layout, "-o", tmp_path / "x.pdf")
    assert error_lines(result.stderr) == [f"error: {layout}:2: accent: '0\\r0' is not a colour (#rrggbb allowed)"]


# ------------------------------------------------------------------ 10. batch memory


def test_the_paragraph_cache_keeps_shared_text_and_drops_one_row_text():
    """What grew over a roster: every row's own paragraphs (its name in the title) stayed cached,
    4096 of them, each with its line breaks, ~30 MB a worker. Now 1024, least recently used first,
    so the shared text (touched on every row) stays and a row's own text goes."""
    from pdfgen import build
    from pdfgen.cache import LIMITS, Cache
    from pdfgen.render import Flow

    layout = build.layout("one-page", None)
    cache = Cache()
    shared = [f"shared paragraph {i}" for i in range(400)]
    for row in range(3000):
        flow = Flow(layout, 1.0, cache)  # a row's story
        for text in shared[row % 40 :: 40]:  # every shared paragraph is used every 40 rows
            flow.para(text, "body")
        flow.para(f"Knee plan for runner {row}", "title")
        assert cache.size("para") <= LIMITS["para"] == 1024
    assert all(cache.peek("para", (layout.fingerprint, 1.0, "body", t, None)) is not None for t in shared)
    assert cache.peek("para", (layout.fingerprint, 1.0, "title", "Knee plan for runner 0", None)) is None


def test_a_batch_keeps_its_memory_flat_on_the_installed_command(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from memory import tree_kb
    finally:
        sys.path.pop(0)
    roster = tmp_path / "r.csv"
    roster.write_text("name,region\n" + "".join(f"Runner {i},{['front', 'above', 'lateral'][i % 3]}\n" for i in range(200)))
    proc = subprocess.Popen([*KNEECARD, "batch", roster, "-o", tmp_path / "out", "--jobs", "2"], stderr=subprocess.PIPE)
    samples = []
    while proc.poll() is None:
        samples.append(tree_kb(proc.pid)[1] / 1024)
        time.sleep(0.1)
    assert proc.returncode == 0, proc.stderr.read()
    assert len(list((tmp_path / "out").iterdir())) == 200
    assert max(samples) < 200, max(samples)  # PSS of the whole tree: ~100 MB


def test_a_default_name_is_found_where_hard_links_are_not_allowed(tmp_path, monkeypatch):
    import errno

    from pdfgen.write import write_new

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "a.pdf").write_bytes(b"kept")
    assert write_new(tmp_path / "a.pdf", b"%PDF-new") == tmp_path / "a-2.pdf"
    assert (tmp_path / "a.pdf").read_bytes() == b"kept" and (tmp_path / "a-2.pdf").read_bytes() == b"%PDF-new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.pdf", "a.pdf"]
