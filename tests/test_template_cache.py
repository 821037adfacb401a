"""Compiled layout templates kept between runs (Jinja2's file-system bytecode cache): a new
process loads them instead of compiling, an edited template is always seen, and a cache
folder that cannot be used never breaks a build or changes its bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from conftest import text as pdf_text

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def kneecard(*args: str, cache: Path | None, **env: str) -> subprocess.CompletedProcess:
    """A fresh process, as a user's every command is: nothing carried over but the cache folder."""
    extra = {"KNEECARD_CACHE_DIR": str(cache)} if cache else {}
    return subprocess.run(
        [sys.executable, "-m", "pdfgen", *args],
        env={**ENV, **extra, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_second_process_loads_the_compiled_templates_and_prints_the_same_bytes(tmp_path):
    cache = tmp_path / "cache"
    first = kneecard("build", "--region", "front", "-o", str(tmp_path / "a.pdf"), cache=cache)
    assert first.returncode == 0, first.stderr
    kept = sorted((cache / "templates").glob("*.jinja"))
    assert len(kept) >= 10  # every text the one-page layout renders
    assert oct((cache / "templates").stat().st_mode & 0o777) == "0o700"
    stamps = {p: p.stat().st_mtime_ns for p in kept}
    second = kneecard("build", "--region", "front", "-o", str(tmp_path / "b.pdf"), cache=cache)
    assert second.returncode == 0, second.stderr
    assert {p: p.stat().st_mtime_ns for p in kept} == stamps  # loaded, not compiled and written again
    off = kneecard("build", "--region", "front", "-o", str(tmp_path / "c.pdf"), cache=cache, KNEECARD_NO_CACHE="1")
    assert off.returncode == 0, off.stderr
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes() == (tmp_path / "c.pdf").read_bytes()


def test_an_edited_template_is_seen_by_the_next_process(tmp_path):
    cache = tmp_path / "cache"
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    src = (ROOT / "layouts" / "one-page.yaml").read_text()
    (layouts / "mine.yaml").write_text("extends: one-page\ntext:\n  title: 'Routine for {{ routine.name }}'\n")
    args = ("build", "--region", "front", "--name", "Ana", "--layouts", str(layouts), "--layout", "mine")
    assert kneecard(*args, "-o", str(tmp_path / "a.pdf"), cache=cache).returncode == 0
    assert "Routine for Ana" in pdf_text((tmp_path / "a.pdf").read_bytes())
    (layouts / "mine.yaml").write_text("extends: one-page\ntext:\n  title: 'Plan for {{ routine.name }}'\n")
    done = kneecard(*args, "-o", str(tmp_path / "b.pdf"), cache=cache)
    assert done.returncode == 0, done.stderr
    text = pdf_text((tmp_path / "b.pdf").read_bytes())
    assert "Plan for Ana" in text and "Routine for" not in text
    assert (ROOT / "layouts" / "one-page.yaml").read_text() == src  # the built-in layout itself is untouched


@pytest.mark.parametrize("damage", ["cut", "foreign", "unwritable", "open-to-others", "a-file"])
def test_a_cache_folder_that_cannot_be_used_never_breaks_a_build(tmp_path, damage):
    cache = tmp_path / "cache"
    good = kneecard("build", "--region", "lateral", "-o", str(tmp_path / "good.pdf"), cache=cache)
    assert good.returncode == 0, good.stderr
    folder = cache / "templates"
    for kept in folder.glob("*.jinja"):
        if damage == "cut":
            kept.write_bytes(kept.read_bytes()[:40])
        elif damage == "foreign":
            kept.write_bytes(b"\x00" * 64)
    if damage == "unwritable":
        for kept in folder.glob("*.jinja"):
            kept.unlink()
        folder.chmod(0o500)
    elif damage == "open-to-others":
        folder.chmod(0o777)
    elif damage == "a-file":
        for kept in folder.glob("*"):
            kept.unlink()
        folder.rmdir()
        folder.write_text("not a folder")
    try:
        done = kneecard("build", "--region", "lateral", "-o", str(tmp_path / "again.pdf"), cache=cache)
    finally:
        if folder.is_dir():
            folder.chmod(0o700)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "good.pdf").read_bytes()


def test_a_folder_open_to_others_is_never_loaded_from(tmp_path):
    """Kept code is run when loaded: a folder others can write to is not used at all."""
    cache = tmp_path / "cache"
    assert kneecard("build", "--region", "front", "-o", str(tmp_path / "a.pdf"), cache=cache).returncode == 0
    folder = cache / "templates"
    folder.chmod(0o777)
    stamps = {p: p.stat().st_mtime_ns for p in folder.glob("*.jinja")}
    for kept in stamps:
        kept.write_bytes(b"planted by someone else")
    done = kneecard("build", "--region", "front", "-o", str(tmp_path / "b.pdf"), cache=cache)
    assert done.returncode == 0, done.stderr
    assert {p.read_bytes() for p in stamps} == {b"planted by someone else"}  # neither read nor rewritten
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_the_cache_keeps_a_bounded_number_of_templates(tmp_path, monkeypatch):
    from pdfgen import layout

    monkeypatch.setenv("KNEECARD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(layout, "TEMPLATES_KEPT", 5)
    for n in range(12):
        layout._compile.__wrapped__(f"text number {n} {{{{ name }}}}")
    kept = list((tmp_path / "templates").glob("*.jinja"))
    assert len(kept) == 5
    assert layout._compile.__wrapped__("text number 11 {{ name }}").render(name="x") == "text number 11 x"
