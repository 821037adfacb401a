"""Rebuild every sample: each samples/*.yaml routine -> samples/NAME.pdf and samples/png/NAME[-PAGE].png
(archive-pdfa.yaml says `pdfa: true`: the PDF/A-2b sample),
the HTML samples (samples/NAME.html, with browser screenshots samples/png/NAME-html-1280.png and
-360.png), screenshots of `kneecard serve`'s page (samples/png/serve.png, serve-360.png) and the
contact sheet of every figure (samples/figures.py).

Run from the repository root:  python samples/build.py
Needs the test extras (pypdfium2 renders the PNG previews, Playwright drives the browser): pip install ".[test]"
The screenshots need Chromium (Debian: apt-get install chromium); without it they are kept as they are.
They are taken with the tests' browser helper (tests/browser.py), so they show what the browser tests check.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from browser import launch, open_page, screenshot, unavailable  # noqa: E402  (tests/browser.py)

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600", "PATH": ""}
HTML = ["front"]  # routines also built as an HTML page
WIDTHS = (1280, 360)  # screenshot widths in CSS px: a desktop window and a phone; each the whole page


def main() -> int:
    previews = HERE / "png"
    previews.mkdir(exist_ok=True)
    no_browser = unavailable()
    if no_browser:
        print(f"samples/build.py: browser screenshots kept as they are: {no_browser}", file=sys.stderr)
    for old in previews.glob("*.png"):  # previews of samples that no longer exist must go too
        if not no_browser or not ("-html-" in old.name or old.name.startswith("serve")):
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
        page = str(HERE / f"{stem}.html")
        subprocess.run([sys.executable, "-m", "pdfgen", "build", str(HERE / f"{stem}.yaml"), "-o", page], check=True, env=EPOCH)
    if not no_browser:
        with launch() as browser:
            for stem in HTML:
                for width in WIDTHS:
                    with open_page(browser, HERE / f"{stem}.html", width) as tab:
                        assert not tab.refused, tab.refused
                        screenshot(tab.page, previews / f"{stem}-html-{width}.png")
            serve_screenshots(browser, previews)
    # the contact sheet of every figure and icon (samples/figures.pdf, samples/png/figures.png)
    subprocess.run([sys.executable, str(HERE / "figures.py")], check=True, env=EPOCH)
    return 0


def serve_screenshots(browser: object, previews: Path) -> None:
    """`kneecard serve` on a free loopback port, its page filled in a little, once the preview is shown."""
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")} | {
        "SOURCE_DATE_EPOCH": EPOCH["SOURCE_DATE_EPOCH"]
    }
    server = subprocess.Popen([sys.executable, "-m", "pdfgen", "serve", "--no-browser", "--port", str(port)], env=env)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        for width, name in ((1280, "serve.png"), (360, "serve-360.png")):
            with open_page(browser, url, width, allow=(url,)) as tab:
                tab.page.fill("#f-name", "Sam Lee")
                tab.page.fill("#f-ice_minutes", "8")
                tab.page.wait_for_function(
                    "() => { const i = document.getElementById('preview'); return i.dataset.seq >= 2 && i.complete }"
                )
                tab.page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")  # no focus ring, preview at the top
                tab.page.wait_for_timeout(300)  # let the previous image fade back in
                screenshot(tab.page, previews / name)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
