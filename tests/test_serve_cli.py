"""`kneecard serve` as a person starts it: a real waitress server in a subprocess, its address
printed, /healthz answered, Ctrl-C (SIGINT) stopping it cleanly with exit 0; the warning for
a non-loopback address; and `kneecard --help` starting without the web stack."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.Popen(
        [sys.executable, "-m", "pdfgen", "serve", "--no-browser", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as resp:
                return resp.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer")


def stop(proc: subprocess.Popen) -> tuple[int, str, str, float]:
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"Ctrl-C did not stop the server: {err}") from None
    return proc.returncode, out, err, time.monotonic() - started


def test_serve_answers_and_stops_cleanly_on_ctrl_c():
    port = free_port()
    proc = start("--port", str(port))
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}/", proc) == "ok"
        req = urllib.request.Request(f"http://127.0.0.1:{port}/pdf", data=b"region=front", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.headers["Content-Type"] == "application/pdf" and resp.read(5) == b"%PDF-"
    finally:
        code, out, err, took = stop(proc)
    assert code == 0, err
    assert took < 5
    assert f"kneecard serve: http://127.0.0.1:{port}/ (Ctrl-C stops it)" in err
    assert "Traceback" not in err and "warning" not in err


def test_non_loopback_host_warns():
    port = free_port()
    proc = start("--host", "0.0.0.0", "--port", str(port))
    try:
        wait_healthy(f"http://127.0.0.1:{port}/", proc)
    finally:
        code, _, err, _ = stop(proc)
    assert code == 0
    assert "warning: listening on 0.0.0.0: anyone on your network can use this page" in err


def test_port_in_use_is_one_error_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = start("--port", str(port))
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.splitlines()[-1].startswith(f"error: --port: {port} on 127.0.0.1 cannot be used (")


def test_help_does_not_import_the_web_stack():
    code = (
        "import sys; from pdfgen.cli import main\ntry: main(['--help'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('flask', 'waitress', 'werkzeug', 'pdfgen.serve') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")
    help_text = subprocess.run([sys.executable, "-m", "pdfgen", "serve", "--help"], capture_output=True, text=True).stdout
    for option in ("--host", "--port", "--data", "--layouts", "--no-browser"):
        assert option in help_text


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc), found before it dies."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        here = todo.pop()
        kids = {p for p, parent in parents.items() if parent == here}
        todo.extend(kids - found)
        found |= kids
    return found


def alive(pids: set[int]) -> set[int]:
    return {
        p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1][:3]
    }


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_term_stops_cleanly_and_a_killed_server_leaves_no_workers():
    port = free_port()
    proc = start("--port", str(port))
    wait_healthy(f"http://127.0.0.1:{port}/", proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0 and "kneecard serve: stopped" in err

    proc = start("--port", str(port))
    wait_healthy(f"http://127.0.0.1:{port}/", proc)
    workers = descendants(proc.pid)
    assert len(workers) >= 3  # the forkserver and the two warm workers (and the resource tracker)
    proc.kill()
    proc.communicate()
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(workers) == set()
