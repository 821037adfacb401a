"""`kneecard serve` in headless Chromium (tests/browser.py): axe-core on the form, the preview
following the form (and how fast), the Download PDF button, a roster upload, the keyboard, a
phone-width window, and the whole form with JavaScript off."""

from __future__ import annotations

import io
import os
import statistics
import zipfile
from pathlib import Path

import pytest
from browser import axe, open_page, report
from conftest import text
from test_serve_cli import free_port, start, stop, wait_healthy

pytest.importorskip("flask")

PREVIEW_BUDGET_MS = 300  # the issue's: from a change in the form to the new preview on screen


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = start("--port", str(port))
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop(proc)


def shown_preview(page, after: int = 0) -> int:
    """Wait until a preview newer than `after` is on screen; its sequence number."""
    page.wait_for_function(
        f"() => {{ const i = document.getElementById('preview'); return Number(i.dataset.seq || 0) > {after} && i.complete }}",
        timeout=20_000,
    )
    return int(page.get_attribute("#preview", "data-seq"))


def test_axe_finds_nothing_on_the_form_with_and_without_errors(browser, server):
    with open_page(browser, server, allow=(server,)) as tab:
        shown_preview(tab.page)
        assert tab.refused == []  # the page needs nothing from outside this server
        violations = axe(tab.page)
        assert violations == [], report(violations)
        tab.page.fill("#f-ice_minutes", "15")  # over the outside-of-the-knee cap: a message beside the field
        tab.page.wait_for_selector("#err-ice_minutes-1:not([hidden])")
        assert "more than 10 minutes" in tab.page.inner_text("#err-ice_minutes-1")
        assert tab.page.get_attribute("#f-ice_minutes", "aria-invalid") == "true"
        violations = axe(tab.page)
        assert violations == [], report(violations)


def test_preview_follows_the_form_within_300_ms(browser, server):
    """Each change (typing a name, ticking a box, choosing a region) gives a new preview; the time
    from the change to the new image on screen is measured by the page and reported. A plain
    context: open_page's request routing (a round trip to the test process per request) is not the page's time."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server)
        seq = shown_preview(page)
        times = []
        changes = [
            lambda: page.fill("#f-name", "Sam"),
            lambda: page.uncheck("#m-massage"),
            lambda: page.select_option("#f-region", "front"),
            lambda: page.fill("#f-notes", "Easy week"),
            lambda: page.select_option("#f-paper", "letter"),
            lambda: page.fill("#f-name", "Alex"),
            lambda: page.check("#m-massage"),
            lambda: page.select_option("#f-layout", "large-print"),
            lambda: page.fill("#f-name", "Jo"),
            lambda: page.select_option("#f-layout", "one-page"),
        ]
        images = set()
        for change in changes:
            change()
            seq = shown_preview(page, seq)
            times.append(int(page.get_attribute("#preview", "data-ms")))
            images.add(page.evaluate("document.getElementById('preview').naturalWidth"))
        median = statistics.median(times)
        # the budget is for this machine as it is meant to run; when other work oversubscribes its
        # cores (load average above the CPU count) every process is slowed in proportion, and so is the budget
        busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
        print(
            f"\npreview latency, change to new image: median {median:.0f} ms, max {max(times)} ms, all {times}; load x{busy:.1f}"
        )
        assert median < PREVIEW_BUDGET_MS * busy, times
        assert images == {745, 765}  # A4 (595 pt) and Letter (612 pt) wide at the preview scale, 1.25 px a point
    finally:
        context.close()


def test_download_pdf_button(browser, server, tmp_path):
    with open_page(browser, server, allow=(server,)) as tab:
        page = tab.page
        page.fill("#f-name", "Robin")
        page.select_option("#f-region", "above")
        with page.expect_download() as info:
            page.click("#download")
        download = info.value
        assert download.suggested_filename == "robin-above.pdf"
        pdf = Path(download.path()).read_bytes()
        assert "Robin" in text(pdf) and "Above the knee" in text(pdf)


def test_roster_upload_gives_a_zip_and_lists_bad_rows(browser, server, tmp_path):
    roster = tmp_path / "club.csv"
    roster.write_text("name,region\nSam,front\nBo,nowhere\nAnn,above\n")
    with open_page(browser, server, allow=(server,)) as tab:
        page = tab.page
        page.set_input_files("#f-roster", str(roster))
        with page.expect_download() as info:
            page.click("#roster-go")
        zf = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
        assert zf.namelist() == ["errors.txt", "sam-front.pdf", "ann-above.pdf"]
        page.wait_for_selector("#roster-result li")
        listed = page.inner_text("#roster-result")
        assert "Built 2 PDF(s), 1 row(s) failed" in listed
        assert "club.csv:3: region: 'nowhere' is not a region" in listed


def test_every_control_is_reached_by_the_keyboard(browser, server):
    with open_page(browser, server, allow=(server,)) as tab:
        page = tab.page
        shown_preview(page)
        wanted = set(
            page.eval_on_selector_all(
                "input:not([type=hidden]), select, textarea, button",
                "els => els.filter(e => !e.disabled && e.offsetParent !== null).map(e => e.id)",
            )
        )
        reached = []
        for _ in range(len(wanted) + 20):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.id"))
        assert wanted - set(reached) == set()


def test_phone_width_does_not_scroll_sideways(browser, server):
    with open_page(browser, server, 360, allow=(server,)) as tab:
        shown_preview(tab.page)
        assert tab.scroll_width() <= 360
        violations = axe(tab.page)
        assert violations == [], report(violations)


def test_axe_finds_nothing_on_the_server_rendered_error_page(browser, server):
    """The page the server sends back with problems beside the fields (what a browser without
    JavaScript shows); app.js is refused so it stays as sent, while axe-core itself can run."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.route("**/static/app.js", lambda r: r.abort())
        page.goto(server)
        page.fill("#f-ice_minutes", "15")
        page.fill("#f-url", "not a link")
        page.click("#update")
        page.wait_for_selector("#summary")
        assert page.inner_text("#err-url-1").startswith("'not a link' is not a web address")
        violations = axe(page)
        assert violations == [], report(violations)
    finally:
        context.close()


def test_the_form_works_with_javascript_off(browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(server)
        assert page.is_visible("#update")  # the no-JS button; with JS the preview follows the form
        page.fill("#f-name", "Kim")
        page.fill("#f-ice_minutes", "15")  # lateral is chosen: over its 10-minute cap
        page.click("#update")
        page.wait_for_load_state()
        assert page.inner_text("#err-ice_minutes-1").startswith("15 is more than 10 minutes for the outside of your knee.")
        assert "Please check 1 thing" in page.inner_text("#summary")
        assert page.input_value("#f-name") == "Kim"  # what was typed is kept
        page.fill("#f-ice_minutes", "8")
        page.click("#update")
        page.wait_for_load_state()
        assert page.get_attribute("#preview", "src").startswith("data:image/png;base64,")
        with page.expect_download() as info:
            page.click("#download")
        assert info.value.suggested_filename == "kim-lateral.pdf"
        pdf = Path(info.value.path()).read_bytes()
        assert "Kim" in text(pdf) and "8 min" in text(pdf)
    finally:
        context.close()
