"""Time whole commands, several runs each, and print medians and the ratios the issue sets targets for.

Not a test and not run in CI: it takes minutes. Every figure comes from this one run, on this
machine, so the ratios compare like with like.

    python bench/run.py [--runs 3] [--only one-page,imports,500,1000,weasyprint]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable


def roster(path: Path, rows: int) -> Path:
    """A roster of `rows` personal one-page routines, regions in turn."""
    regions = ["front", "above", "lateral"]
    lines = ["name,region"] + [f"Runner {i},{regions[i % 3]}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


DECKS, DECK = 36, 14  # `--layout cards --region all` is 14 cards (5 methods, 9 exercises): 36 decks = 504 cards


def cards_spec(path: Path, decks: int) -> Path:
    """A YAML batch spec of `decks` card sets, every item `{layout: cards, region: all}`."""
    path.write_text("items:\n" + "  - {layout: cards, region: all}\n" * decks, encoding="utf-8")
    return path


def timed(cmd: list[str], runs: int, tmp: Path) -> float:
    """Median wall time of `cmd`, each run in a fresh output folder."""
    times = []
    for _ in range(runs):
        out = tmp / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        argv = [str(a).replace("{out}", str(out)) for a in cmd]
        start = time.perf_counter()
        subprocess.run(
            argv,
            check=False,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="one-page,warm,imports,500,1000,weasyprint")
    args = ap.parse_args()
    only = set(args.only.split(","))
    kc = [PY, "-m", "pdfgen"]
    floor = [PY, str(BENCH / "canvas_floor.py")]
    rows: list[tuple[str, float, float, str, str]] = []  # what, kneecard, baseline, baseline name, target
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "one-page" in only:
            a = timed([*kc, "build", "--region", "front", "--name", "Sam", "-o", "{out}/sam.pdf"], args.runs, tmp)
            b = timed([*floor, "-o", "{out}/floor.pdf"], args.runs, tmp)
            t = timed([*floor, "--tagged", "-o", "{out}/floor.pdf"], args.runs, tmp)
            rows.append(("one-page build", a, b, "canvas floor, 1 page", "<= 1.6"))
            rows.append(("one-page build", a, t, "canvas floor, 1 page, tagged like every kneecard PDF", "(info)"))
        if "warm" in only:  # ms per PDF in one process; the two loops alternate, so load falls on both
            kc_ms, floor_ms, tagged_ms = [], [], []

            def ms(cmd: list) -> float:
                return float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)

            for _ in range(args.runs):
                kc_ms.append(ms([PY, str(BENCH / "warm.py"), "200"]))
                floor_ms.append(ms([*floor, "--warm", "200"]))
                tagged_ms.append(ms([*floor, "--warm", "200", "--tagged"]))
            a, b, t = statistics.median(kc_ms), statistics.median(floor_ms), statistics.median(tagged_ms)
            warm = "warm one-page in one process (ms per PDF, not s)"
            rows.append((warm, a, b, "canvas floor, same loop (ms)", "<= 1.5"))
            rows.append((warm, a, t, "canvas floor, tagged, same loop (ms)", "(info)"))
        if "imports" in only:
            # what the libraries the brief names cost before kneecard does anything: the
            # one-page target's budget measured against its own floor
            deps = timed([PY, "-c", "import reportlab.platypus, click, jinja2.sandbox"], args.runs, tmp)
            b = timed([*floor, "-o", "{out}/floor.pdf"], args.runs, tmp)
            rows.append(("import Platypus + Click + Jinja2, nothing else", deps, b, "canvas floor, 1 page", "(info)"))
        if "500" in only:
            spec = cards_spec(tmp / "cards.yaml", DECKS)
            n = DECKS * DECK
            a = timed([*kc, "batch", spec, "-o", "{out}", "--jobs", "1"], args.runs, tmp)
            b = timed([*floor, "--cards", n, "-o", "{out}/floor.pdf"], args.runs, tmp)
            c = timed([*floor, "--cards", n, "--split", "-o", "{out}/decks"], args.runs, tmp)
            what = f"{n} cards: batch --jobs 1 of {DECKS} x cards/all, {DECKS} PDFs"
            rows.append((what, a, b, f"canvas floor, {n} cards, 1 PDF", "(info)"))
            rows.append((what, a, c, f"canvas floor, {n} cards, {DECKS} PDFs", "<= 1.0"))
        if "1000" in only:
            r = roster(tmp / "r1000.csv", 1000)
            a = timed([*kc, "batch", r, "-o", "{out}", "--jobs", "2"], args.runs, tmp)
            b = timed([*floor, "--pages", "1000", "-o", "{out}/floor.pdf"], args.runs, tmp)
            c = timed([*floor, "--pages", "1000", "--split", "-o", "{out}/pages"], args.runs, tmp)
            rows.append(("1,000 routines, batch --jobs 2", a, b, "canvas floor, 1,000 pages, 1 PDF, 1 process", "(info)"))
            rows.append(("1,000 routines, batch --jobs 2", a, c, "canvas floor, 1,000 one-page PDFs, 1 process", "<= 0.8"))
        if "weasyprint" in only:
            try:
                import weasyprint  # noqa: F401
            except Exception as exc:  # optional: needs pango
                print(f"(weasyprint skipped: {exc})", file=sys.stderr)
            else:
                a = timed([*kc, "build", "--region", "front", "--name", "Sam", "-o", "{out}/sam.pdf"], args.runs, tmp)
                b = timed([PY, str(BENCH / "weasy_page.py"), "-o", "{out}/weasy.pdf"], args.runs, tmp)
                rows.append(("one-page build", a, b, "Jinja2 + WeasyPrint, 1 page", "(none)"))
    print(f"{args.runs} runs each, medians; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print("| what | kneecard s | baseline | baseline s | ratio | target |")
    print("|---|---:|---|---:|---:|---|")
    for what, a, b, base, target in rows:
        print(f"| {what} | {a:.2f} | {base} | {b:.2f} | {a / b:.2f}x | {target} |")


if __name__ == "__main__":
    main()
