"""Writing the PDF: a failure (disk full, Ctrl-C, no permission) leaves no partial file, keeps
what was there, and is reported honestly in one line with exit 1 (130 for Ctrl-C)."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile

import pytest
from conftest import text


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "keep.pdf")


def fail_with(exc: BaseException):
    def raiser(*args, **kwargs):
        raise exc

    return raiser


DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["os.replace", "os.fsync"])
def test_disk_full_keeps_the_old_file_and_says_so(run, tmp_path, monkeypatch, where):
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"precious")
    monkeypatch.setattr(where, fail_with(DISK_FULL))
    result = run("build", "--region", "front", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {out}: No space left on device\n"
    assert out.read_bytes() == b"precious"
    assert leftovers(tmp_path) == []  # no .part file


def test_disk_full_with_no_old_file_leaves_nothing(run, tmp_path, monkeypatch):
    monkeypatch.setattr("os.replace", fail_with(DISK_FULL))
    result = run("build", "--region", "front", "-o", tmp_path / "new.pdf")
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert leftovers(tmp_path) == []


def test_cleanup_that_fails_too_still_reports_the_first_problem(run, tmp_path, monkeypatch):
    monkeypatch.setattr("os.replace", fail_with(DISK_FULL))
    monkeypatch.setattr("os.unlink", fail_with(OSError(errno.EIO, "I/O error")))
    result = run("build", "--region", "front", "-o", tmp_path / "new.pdf")
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {tmp_path / 'new.pdf'}: No space left on device\n"


def test_ctrl_c_while_writing_is_not_reported_as_written(run, tmp_path, monkeypatch):
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"precious")
    monkeypatch.setattr("os.replace", fail_with(KeyboardInterrupt()))
    result = run("build", "--region", "front", "-o", out)
    assert result.exit_code == 130
    assert result.stderr == "error: interrupted\n"
    assert "wrote" not in result.output
    assert out.read_bytes() == b"precious"
    assert leftovers(tmp_path) == []


def test_no_room_for_the_temporary_file(run, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "mkstemp", fail_with(PermissionError(errno.EACCES, "Permission denied")))
    result = run("build", "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {tmp_path / 'x.pdf'}: Permission denied\n"
    assert leftovers(tmp_path) == []


def test_written_file_is_the_whole_pdf_readable_by_all(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o077)  # a strict umask must not make the handout private
    try:
        result = run("build", "--region", "front", "-o", "sam.pdf")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("wrote sam.pdf (one-page, A4, ")
    out = tmp_path / "sam.pdf"
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert out.read_bytes() == run("build", "--region", "front", "-o", "-").stdout_bytes
    assert leftovers(tmp_path) == ["sam.pdf"]


def test_an_existing_file_is_replaced_whole(run, tmp_path):
    out = tmp_path / "x.pdf"
    out.write_bytes(b"old " * 100_000)  # longer than the new PDF: nothing of it may remain
    assert run("build", "--region", "front", "--name", "New Name", "-o", out).exit_code == 0
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and b"old old" not in pdf
    assert "New Name" in text(pdf)


def test_a_folder_or_a_missing_folder_is_refused(run, tmp_path):
    result = run("build", "--region", "front", "-o", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {tmp_path}: it is a folder (give a file name ending in .pdf)\n"
    missing = tmp_path / "no" / "x.pdf"
    result = run("build", "--region", "front", "-o", missing)
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {missing}: the folder {tmp_path / 'no'} does not exist (create it first)\n"
    assert leftovers(tmp_path) == []


def test_figure_write_failure_is_reported_the_same_way(run, tmp_path, monkeypatch):
    monkeypatch.setattr("os.replace", fail_with(DISK_FULL))
    out = tmp_path / "fig.pdf"
    result = run("figure", "clamshell", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {out}: No space left on device\n"
    assert leftovers(tmp_path) == []


def test_batch_disk_full_stops_with_whole_files_only(run, tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,region\nAnn,front\nBen,above\n")
    real_replace = os.replace
    calls = []

    def replace_once(src, dst):
        calls.append(dst)
        if len(calls) > 1:
            raise DISK_FULL
        real_replace(src, dst)

    monkeypatch.setattr("os.replace", replace_once)
    out = tmp_path / "out"
    result = run("batch", roster, "-o", out, "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"error: cannot write {out / 'ben-above.pdf'}: No space left on device"
    assert sorted(p.name for p in out.iterdir()) == ["ann-front.pdf"]
    assert text((out / "ann-front.pdf").read_bytes()).count("Ann") >= 1


def test_until_the_rename_the_pdf_is_a_hidden_part_file_beside_the_output(run, tmp_path, monkeypatch):
    """What a crash (power cut, kill -9) would leave: one hidden NAME.….part beside the output,
    on the same file system (so the rename is atomic), recognisable and never mistaken for the PDF."""
    real_replace = os.replace
    seen = []

    def replace(src, dst):
        seen.append((os.path.dirname(src), sorted(os.listdir(tmp_path))))
        real_replace(src, dst)

    monkeypatch.setattr("os.replace", replace)
    assert run("build", "--region", "front", "-o", tmp_path / "sam.pdf").exit_code == 0
    ((folder, listing),) = seen
    assert folder == str(tmp_path)
    assert len(listing) == 1 and re.fullmatch(r"\.sam\.pdf\.[^./]+\.part", listing[0]), listing
    assert leftovers(tmp_path) == ["sam.pdf"]


def test_the_current_folder_as_output_is_refused_as_a_folder(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in ([], ["--layout", "handout", "--club", "Harriers"]):
        result = run("build", "--region", "front", *args, "-o", ".")
        assert result.exit_code == 1, result.stderr
        assert result.stderr == "error: cannot write .: it is a folder (give a file name ending in .pdf)\n"
    assert list(tmp_path.iterdir()) == []


# In-process (the tests of special files in test_hardening.py run the command as a subprocess,
# which a mutation run cannot see into): a device or a FIFO is written through, never replaced.
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="making device nodes needs root")


@needs_root
def test_a_char_device_is_written_through_and_stays_a_device(run, tmp_path):
    null = tmp_path / "mynull"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = run("build", "--region", "front", "-o", null)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mynull"]


@needs_root
def test_a_full_device_is_one_honest_line_and_stays_a_device(run, tmp_path):
    full = tmp_path / "myfull"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    result = run("build", "--region", "front", "-o", full)
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {full}: No space left on device\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_fifo_gets_the_whole_pdf_and_stays_a_fifo(run, tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("build", "--region", "front", "-o", fifo)
    reader.join(timeout=30)
    if reader.is_alive():  # nothing wrote to the FIFO: unblock the reader
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert result.exit_code == 0, result.stderr
    assert got and "Knee recovery routine" in text(got[0])
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_output_inside_a_file_is_one_honest_line(run, tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    result = run("build", "--region", "front", "-o", tmp_path / "afile" / "x.pdf")
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {tmp_path / 'afile' / 'x.pdf'}: Not a directory\n"
    assert (tmp_path / "afile").read_text() == "not a folder"


@needs_root
def test_a_device_whose_name_does_not_end_in_pdf_is_still_written_through(run, tmp_path):
    """-o must end in .pdf, except for a device or FIFO (its name is not the user's to choose)."""
    null = tmp_path / "printer.dev"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = run("build", "--region", "front", "-o", null)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    plain = run("build", "--region", "front", "-o", tmp_path / "notes.txt")
    assert plain.exit_code == 2 and "notes.txt" in plain.stderr and not (tmp_path / "notes.txt").exists()


# ------------------------------------------------------------------ names kneecard chooses (no -o)


def _no_link(errno_):
    def link(src, dst):
        raise OSError(errno_, os.strerror(errno_))

    return link


def test_a_second_build_without_o_keeps_the_first_and_takes_the_next_name(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("build", "--region", "front", "--notes", "Firstnote").exit_code == 0
    (first,) = sorted(p.name for p in tmp_path.iterdir())
    before = (tmp_path / first).read_bytes()
    second = run("build", "--region", "front", "--notes", "Secondnote")
    assert second.exit_code == 0, second.stderr
    stem = first.removesuffix(".pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{stem}-2.pdf", first]
    assert second.stderr.startswith(f"wrote {stem}-2.pdf ")
    assert (tmp_path / first).read_bytes() == before and "Secondnote" in text((tmp_path / f"{stem}-2.pdf").read_bytes())


def test_without_hard_links_a_chosen_name_is_still_never_replaced(run, tmp_path, monkeypatch):
    """Some file systems (FAT, network shares) refuse hard links: check, then rename."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("os.link", _no_link(errno.EPERM))
    for note in ("Firstnote", "Secondnote", "Thirdnote"):
        assert run("build", "--region", "front", "--notes", note).exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3 and names[0].endswith("-2.pdf") and names[1].endswith("-3.pdf"), names
    assert "Firstnote" in text((tmp_path / names[2]).read_bytes())
    assert "Thirdnote" in text((tmp_path / names[1]).read_bytes())


def test_a_link_refused_for_another_reason_is_one_honest_line(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("os.link", _no_link(errno.EACCES))
    result = run("build", "--region", "front")
    assert result.exit_code == 1
    assert re.fullmatch(r"error: cannot write [\w.-]+\.pdf: Permission denied\n", result.stderr), result.stderr
    assert list(tmp_path.iterdir()) == []


def test_chosen_names_stop_at_9999_as_the_message_says(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    real_link = os.link

    def link(src, dst):
        if not str(dst).endswith("-10000.pdf"):
            raise FileExistsError(errno.EEXIST, "File exists")
        real_link(src, dst)

    monkeypatch.setattr("os.link", link)
    result = run("build", "--region", "front")
    assert result.exit_code == 1
    assert re.fullmatch(
        r"error: cannot write ([\w.-]+)\.pdf: \1-2 … \1-9999 all exist \(give a name with -o\)\n", result.stderr
    ), result.stderr
    assert list(tmp_path.iterdir()) == []


@needs_root
def test_writing_to_a_device_raises_no_warning(run, tmp_path):
    import warnings

    null = tmp_path / "mynull"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run("build", "--region", "front", "-o", null).exit_code == 0


def test_an_existing_file_not_ending_in_pdf_is_refused_and_kept(run, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    result = run("build", "--region", "front", "-o", notes)
    assert result.exit_code == 2 and result.stderr.startswith(f"error: -o: '{notes}'")
    assert notes.read_text() == "mine"


def test_a_socket_as_output_is_one_honest_line_and_stays(run, tmp_path):
    import socket

    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        result = run("build", "--region", "front", "-o", path)
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {path}: it is a socket (give a regular file name ending in .pdf)\n"
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_a_symlink_as_output_keeps_the_link_and_replaces_its_target(run, tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "front.pdf"
    target.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    assert run("build", "--region", "front", "-o", link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes().startswith(b"%PDF")
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "real" / "new.pdf")
    assert run("build", "--region", "front", "-o", dangling).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "new.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["front.pdf", "new.pdf"]
