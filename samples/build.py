"""Rebuild every sample: each samples/*.yaml routine -> samples/NAME.pdf and samples/png/NAME[-PAGE].png
(archive-pdfa.yaml says `pdfa: true`: the PDF/A-2b sample),
the HTML samples (samples/NAME.html, with browser screenshots samples/png/NAME-html-1280.png and
-360.png), and the contact sheet of every figure (samples/figures.py).

Run from the repository root:  python samples/build.py
Needs the test extras (pypdfium2 renders the PNG previews): pip install ".[test]"
The screenshots need Chromium (Debian: apt-get install chromium); without it they are kept as they are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600", "PATH": ""}
HTML = ["front"]  # routines also built as an HTML page
WINDOWS = {1280: 2000, 360: 4000}  # screenshot width: height in CSS px (360: the whole phone page)


def main() -> int:
    previews = HERE / "png"
    previews.mkdir(exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    for old in previews.glob("*.png"):  # previews of samples that no longer exist must go too
        if browser or "-html-" not in old.name:
            old.unlink()
    for routine in sorted(HERE.glob("*.yaml")):
        pdf = routine.with_suffix(".pdf")
        subprocess.run(
            [sys.executable, "-m", "pdfgen", "build", str(routine), "-o", str(pdf)],
            check=True,
            env=EPOCH,
        )
        doc = pdfium.PdfDocument(str(pdf))
        for i, page in enumerate(doc):
            suffix = "" if len(doc) == 1 else f"-{i + 1}"
            page.render(scale=100 / 72).to_pil().convert("RGB").save(previews / f"{routine.stem}{suffix}.png", optimize=True)
        doc.close()
    for stem in HTML:
        page = HERE / f"{stem}.html"
        subprocess.run([sys.executable, "-m", "pdfgen", "build", str(HERE / f"{stem}.yaml"), "-o", str(page)], check=True, env=EPOCH)
        if browser:
            for width, height in WINDOWS.items():
                screenshot(browser, page, previews / f"{stem}-html-{width}.png", width, height)
    # the contact sheet of every figure and icon (samples/figures.pdf, samples/png/figures.png)
    subprocess.run([sys.executable, str(HERE / "figures.py")], check=True, env=EPOCH)
    return 0


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> None:
    """What a browser window of width x height CSS px shows of the page (headless Chromium)."""
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # Chromium refuses root otherwise
    subprocess.run(
        [browser, "--headless", *sandbox, "--disable-gpu", "--hide-scrollbars", f"--screenshot={png}", f"--window-size={width},{height}", page.as_uri()],
        check=True,
        capture_output=True,
    )


if __name__ == "__main__":
    sys.exit(main())
