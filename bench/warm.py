"""kneecard in a long-running process (a batch worker, the web server): the one-page routine
built N times with one cache, a new PDF each time and the name varying; prints ms per PDF.

    python bench/warm.py [N] [--region front] [--cpu]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pdfgen.build import build_one  # noqa: E402
from pdfgen.cache import Cache  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=200)
    ap.add_argument("--region", default="front")
    ap.add_argument("--cpu", action="store_true", help="also print CPU ms per PDF (steadier on a busy machine)")
    args = ap.parse_args()
    cache = Cache()
    for i in range(5):
        build_one({"region": args.region, "name": f"Warm {i}"}, cache=cache)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(args.n):
        build_one({"region": args.region, "name": f"Sam {i}"}, cache=cache)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{wall / args.n * 1000:.2f}" + (f" {cpu / args.n * 1000:.2f}" if args.cpu else ""))


if __name__ == "__main__":
    main()
