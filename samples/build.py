"""Rebuild every sample: each samples/*.yaml routine -> samples/NAME.pdf and samples/png/NAME[-PAGE].png,
and the contact sheet of every figure (samples/figures.py).

Run from the repository root:  python samples/build.py
Needs the test extras (pypdfium2 renders the PNG previews): pip install ".[test]"
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent


def main() -> int:
    previews = HERE / "png"
    previews.mkdir(exist_ok=True)
    for old in previews.glob("*.png"):  # previews of samples that no longer exist must go too
        old.unlink()
    for routine in sorted(HERE.glob("*.yaml")):
        pdf = routine.with_suffix(".pdf")
        subprocess.run(
            [sys.executable, "-m", "pdfgen", "build", str(routine), "-o", str(pdf)],
            check=True,
            env={"SOURCE_DATE_EPOCH": "1767225600", "PATH": ""},
        )
        doc = pdfium.PdfDocument(str(pdf))
        for i, page in enumerate(doc):
            suffix = "" if len(doc) == 1 else f"-{i + 1}"
            page.render(scale=100 / 72).to_pil().convert("RGB").save(previews / f"{routine.stem}{suffix}.png", optimize=True)
        doc.close()
    # the contact sheet of every figure and icon (samples/figures.pdf, samples/png/figures.png)
    subprocess.run([sys.executable, str(HERE / "figures.py")], check=True, env={"SOURCE_DATE_EPOCH": "1767225600", "PATH": ""})
    return 0


if __name__ == "__main__":
    sys.exit(main())
