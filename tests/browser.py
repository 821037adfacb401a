"""Headless Chromium for tests: open a page at a window width, run axe-core on it, screenshot it.

Playwright (PyPI) drives Debian's /usr/bin/chromium; no browser is ever downloaded. axe-core's
JavaScript comes from the axe-playwright-python package (MPL-2.0 axe-core inside an MIT wrapper),
so nothing is fetched at run time either. Every request a page makes is routed: anything but
the page itself, data: URLs, a served page's own origin and the prefixes a test allows is
refused and listed in `Tab.refused`, so a test can say the page needs nothing from outside.

The API (keep it this small; `kneecard serve`'s tests reuse it):

    browser                              session fixture: one Chromium per test process
    launch()                             the same Chromium as a context manager, for scripts (samples/build.py)
    unavailable() -> str | None          why Chromium cannot run here (None: it can)
    open_page(browser, source, width=1280, *, height=800, allow=(), media="screen") -> Tab
        source: an HTML string, a Path to a file, or an http(s)/file URL
        allowed requests: the page itself, data: URLs, for an http(s) page its own origin,
        and URLs starting with one of `allow`; every other request is refused
    Tab.page                             the Playwright Page, for anything else
    Tab.refused                          URLs the page asked for and did not get
    Tab.scroll_width()                   the document's scroll width in CSS px (> width: scrolls sideways)
    Tab.close()                          (a Tab is also a context manager)
    axe(page, tags=WCAG21AA) -> list[dict]    axe-core's violations (empty: none)
    report(violations) -> str            one line per violation and element, for assert messages
    screenshot(page, path, full_page=True)    a PNG of what the window shows (or the whole page)

Without Chromium (or Playwright) the `browser` fixture skips, saying why; when the
environment says CI=true it fails instead, so CI never passes by skipping the browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = os.environ.get("KNEECARD_CHROMIUM", "/usr/bin/chromium")
WCAG21AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# Chromium as the machine's closed network wants it: no background connections, no update or sync
ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--font-render-hinting=none",
]


def unavailable() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test process; closed at the end."""
    reason = unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    with launch() as chromium:
        yield chromium


@contextmanager
def launch() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright; closed on leaving the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """A page in a fresh browser context (no cookies or cache shared with other tabs)."""

    page: Page
    context: BrowserContext
    refused: list[str] = field(default_factory=list)

    def scroll_width(self) -> int:
        return int(self.page.evaluate("document.scrollingElement.scrollWidth"))

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_page(
    browser: Browser,
    source: str | Path,
    width: int = 1280,
    *,
    height: int = 800,
    allow: tuple[str, ...] = (),
    media: str = "screen",
) -> Tab:
    """`source` (HTML text, a file, or a URL) in a window `width` x `height` CSS px, loaded.
    Requests for anything but the page itself, data: URLs, an http(s) page's own origin and URLs
    starting with one of `allow` are refused and listed in `Tab.refused`."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.emulate_media(media=media)
    tab = Tab(page, context)
    if isinstance(source, Path):
        url = source.resolve().as_uri()
    elif source.lstrip().startswith("<"):
        url = None
    else:
        url = source
    own = (url,) if url else ()
    if url and url.startswith(("http://", "https://")):
        parts = urlsplit(url)
        allow = (*allow, f"{parts.scheme}://{parts.netloc}/")

    def route(r: Any) -> None:
        target = r.request.url
        if target.startswith("data:") or target in own or any(target.startswith(a) for a in allow):
            r.continue_()
        else:
            tab.refused.append(target)
            r.abort("blockedbyclient")

    page.route("**/*", route)
    if url is None:
        page.set_content(str(source), wait_until="load")
    else:
        page.goto(url, wait_until="load")
    return tab


def axe(page: Page, tags: tuple[str, ...] = WCAG21AA) -> list[dict]:
    """axe-core's violations of the rules with these tags (default: WCAG 2.1 A and AA)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def report(violations: list[dict]) -> str:
    """Each violation as `rule (impact): element: what is wrong`, one element a line."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            why = "; ".join(c["message"] for c in node.get("any", []) + node.get("all", []) + node.get("none", []))
            lines.append(f"{v['id']} ({v['impact']}): {target}: {why or v['help']}")
    return "\n".join(lines)


def screenshot(page: Page, path: Path, full_page: bool = True) -> Path:
    """A PNG of the whole page (or only the window, full_page=False)."""
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
