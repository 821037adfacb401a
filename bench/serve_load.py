"""A load run of `kneecard serve`: N clients for S seconds against a server started here on a free
loopback port, alternating POST /pdf and POST /preview (one-page, a new name each time); every
response is checked (status, type, PDF or PNG bytes). Prints p50/p95/max per route and errors.

    python bench/serve_load.py [--clients 8] [--seconds 30] [--jobs 2]

Traffic goes to 127.0.0.1 only; the run is bounded in time and stops the server with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

REGIONS = ("front", "lateral", "above")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def client(url: str, n: int, until: float, times: dict[str, list[float]], errors: list[str], lock: threading.Lock) -> None:
    i = 0
    while time.monotonic() < until:
        route = ("pdf", "preview")[i % 2]
        body = urllib.parse.urlencode({"region": REGIONS[i % 3], "name": f"Runner {n}-{i}"}).encode()
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(url + route, data=body), timeout=60) as resp:
                data, kind, status = resp.read(), resp.headers["Content-Type"], resp.status
        except (urllib.error.URLError, OSError) as exc:
            data, kind, status = b"", "", getattr(exc, "code", str(exc))
        took = time.perf_counter() - start
        want = (b"%PDF-", "application/pdf") if route == "pdf" else (b"\x89PNG", "image/png")
        with lock:
            if status == 200 and data.startswith(want[0]) and kind == want[1]:
                times[route].append(took)
            else:
                errors.append(f"{route}: {status} {kind} {data[:60]!r}")
        i += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    cmd = [sys.executable, "-m", "pdfgen", "serve", "--no-browser", "--port", str(port), "--jobs", str(args.jobs)]
    server = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait(url)
        times: dict[str, list[float]] = {"pdf": [], "preview": []}
        errors: list[str] = []
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(url, n, until, times, errors, lock)) for n in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    print(f"{args.clients} clients, {args.seconds:g} s, {args.jobs} workers, {os.cpu_count()} CPUs")
    for route, values in times.items():
        values.sort()
        if values:
            p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
            print(
                f"POST /{route}: {len(values)} ok, p50 {statistics.median(values) * 1000:.0f} ms, "
                f"p95 {p95 * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms"
            )
    print(f"errors: {len(errors)}")
    for line in errors[:10]:
        print("  " + line)
    print(f"server exit code: {server.returncode}")
    sys.exit(1 if errors or server.returncode else 0)


if __name__ == "__main__":
    main()
