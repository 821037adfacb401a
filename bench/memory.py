"""Peak memory of `kneecard batch` over a big roster (default 10,000 rows); target under 300 MB.

Reports the largest single process (getrusage on the waited-for children, which includes the
forked workers), the peak of the whole process tree's RSS summed, sampled from /proc (an
over-estimate: pages a forked worker shares with the parent are counted twice), and the peak of
the tree's PSS (shared pages split among their sharers: what the run costs), with the PSS at each
quarter of the run to show whether anything grows with the rows.

    python bench/memory.py [--rows 10000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_kb(pid: int) -> tuple[int, int]:
    """Resident memory (RSS) and proportional set size (PSS) of `pid` and all its descendants,
    in KiB (Linux /proc). PSS splits a page that forked workers share with the parent among
    them, so the tree's PSS is what the run really costs the machine; RSS counts it each time."""
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            rss += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            pss += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return rss, pss


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    regions = ["front", "above", "lateral"]
    with tempfile.TemporaryDirectory() as d:
        roster = Path(d) / "roster.csv"
        with roster.open("w", encoding="utf-8") as fh:
            fh.write("name,region\n")
            for i in range(args.rows):
                fh.write(f"Runner {i},{regions[i % 3]}\n")
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "pdfgen", "batch", str(roster), "-o", str(Path(d) / "out"), "--jobs", str(args.jobs)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stderr=subprocess.PIPE,
        )
        samples: list[tuple[int, int]] = []
        while proc.poll() is None:
            samples.append(tree_kb(proc.pid))
            time.sleep(0.2)
        peak_tree = max((r for r, _ in samples), default=0)
        peak_pss = max((p for _, p in samples), default=0)
        # the tree's peak PSS in each quarter of the run: flat if nothing grows with the rows
        n = len(samples)
        quarters = [max((p for _, p in samples[n * q // 4 : n * (q + 1) // 4]), default=0) // 1024 for q in range(4)]
        err = proc.stderr.read().decode() if proc.stderr else ""
        seconds = time.perf_counter() - start
        built = len(list((Path(d) / "out").glob("*.pdf")))
    peak_one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(f"rows {args.rows}, jobs {args.jobs}, exit {proc.returncode}, {built} PDFs, {seconds:.0f} s")
    print(f"peak RSS, largest single process: {peak_one / 1024:.0f} MB")
    print(f"peak RSS, whole process tree summed: {peak_tree / 1024:.0f} MB (shared pages counted once a process)")
    print(f"peak PSS, whole process tree: {peak_pss / 1024:.0f} MB (target < 300 MB); by quarter of the run: {quarters} MB")
    print(err.strip().splitlines()[-1] if err.strip() else "")


if __name__ == "__main__":
    main()
