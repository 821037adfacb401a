"""Shared helpers: run the CLI in-process and read built PDFs back."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from pdfgen.cli import main

pytest_plugins = ["browser"]  # tests/browser.py: the `browser` fixture (headless Chromium) for any test

MM = 72 / 25.4
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory):
    """Compiled templates go to a folder of the test run's own, never the user's ~/.cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("KNEECARD_CACHE_DIR", str(tmp_path_factory.mktemp("kneecard-cache")))
    yield
    mp.undo()


@pytest.fixture
def run():
    """Invoke `kneecard ARGS...`; returns the Click result (stdout and stderr kept apart)."""

    def _run(*args: str, input: bytes | None = None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return _run


@pytest.fixture
def build(run, tmp_path):
    """Build a PDF with the given options and return its bytes (asserting success)."""

    def _build(*args: str, name: str = "out.pdf") -> bytes:
        out = tmp_path / name
        result = run("build", *args, "-o", out)
        assert result.exit_code == 0, result.output + result.stderr
        return out.read_bytes()

    return _build


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of the shipped data/ folder to edit, for --data."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder


def edit_data(folder: Path, edit: Callable[[str, str], str]) -> Path:
    """Rewrite each YAML file of a data folder through `edit(file name, text)`."""
    for f in folder.glob("*.yaml"):
        f.write_text(edit(f.name, f.read_text()))
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> int:
    """Replace `old` (once: it must be there exactly once) in one data file; return the line it starts on."""
    path = folder / name
    body = path.read_text()
    assert body.count(old) == 1, old
    path.write_text(body.replace(old, new))
    return body[: body.index(old)].count("\n") + 1


def words(pdf: bytes, page: int = 0) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return doc.pages[page].extract_words(keep_blank_chars=False, use_text_flow=True)


def text(pdf: bytes) -> str:
    """All text in drawing order (pypdf follows the content stream, so columns stay apart),
    whitespace folded so tests can look for phrases that wrap across lines."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def pytest_addoption(parser):
    parser.addoption(
        "--regen-samples",
        action="store_true",
        help="rebuild samples/ (PDFs and PNG previews) with samples/build.py instead of comparing against them",
    )
