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
    """Run the installed `kneecard` as a user would."""
    return subprocess.run(
        [*KNEECARD, *(str(a) for a in args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


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
