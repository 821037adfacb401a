"""Every committed sample is what the code builds today, byte for byte, with caches on or off.

`python -m pytest tests/test_samples.py --regen-samples` rebuilds samples/ (PDFs and their PNG
previews) instead of comparing; look at the PNGs before committing them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pdfgen.build import build_one
from pdfgen.cache import Cache
from pdfgen.load import read_yaml

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EPOCH = "1767225600"  # the date samples/build.py stamps on every sample
ROUTINES = sorted(SAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module")
def regenerated(request):
    if request.config.getoption("--regen-samples"):
        subprocess.run([sys.executable, str(SAMPLES / "build.py")], check=True)
    return True


def build_sample(path: Path, cache: Cache) -> bytes:
    return build_one({}, read_yaml(path, "routine"), str(path), cache=cache)[0]


@pytest.mark.parametrize("routine", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_sample_is_rebuilt_byte_identical(routine, regenerated, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    committed = routine.with_suffix(".pdf").read_bytes()
    assert build_sample(routine, Cache(enabled=False)) == committed, f"{routine.name}: run python samples/build.py"


def test_caches_on_and_off_give_the_same_bytes(monkeypatch):
    """One warm cache across every sample, built twice, against no cache at all."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cache = Cache()
    cold = {p: build_sample(p, Cache(enabled=False)) for p in ROUTINES}
    for _ in range(2):
        for p in ROUTINES:
            assert build_sample(p, cache) == cold[p], p.name
    assert cache.hits > 0


def test_the_off_switch_is_the_environment(monkeypatch):
    monkeypatch.setenv("KNEECARD_NO_CACHE", "1")
    assert not Cache.from_env().enabled
    monkeypatch.setenv("KNEECARD_NO_CACHE", "0")
    assert Cache.from_env().enabled
    off = Cache(enabled=False)
    made = []
    assert off.get("x", 1, lambda: made.append(1) or "v") == "v" and off.get("x", 1, lambda: made.append(1) or "v") == "v"
    assert len(made) == 2 and off.size("x") == 0


def test_an_edited_data_file_is_seen_by_a_warm_cache(data_copy, monkeypatch):
    cache = Cache()
    first = build_one({"region": "front"}, data_dir=data_copy, cache=cache)[0]
    methods = data_copy / "methods.yaml"
    methods.write_text(methods.read_text().replace("Ice your knee", "Cool your knee"))
    second = build_one({"region": "front"}, data_dir=data_copy, cache=cache)[0]
    assert first != second
    from conftest import text

    assert "Cool your knee" in text(second)


def test_an_edit_that_keeps_size_and_time_is_seen_by_a_warm_cache(data_copy):
    """Keys are the files' bytes, not their size and mtime: a same-length edit with the old
    time put back (a copy that keeps times, an edit within the clock's tick) is still seen."""
    import os

    from conftest import text

    cache = Cache()
    methods = data_copy / "methods.yaml"
    stat = methods.stat()
    first = build_one({"region": "front"}, data_dir=data_copy, cache=cache)[0]
    methods.write_text(methods.read_text().replace("Ice your knee", "Cool the knee"))  # same length
    os.utime(methods, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert methods.stat().st_size == stat.st_size and methods.stat().st_mtime_ns == stat.st_mtime_ns
    second = build_one({"region": "front"}, data_dir=data_copy, cache=cache)[0]
    assert "Ice your knee" in text(first) and "Cool the knee" in text(second)


def test_the_environment_switch_turns_off_the_memos_below_the_build_too(monkeypatch):
    """KNEECARD_NO_CACHE=1 also bypasses compiled templates, font subsets, pictures and colours;
    the samples come out the same."""
    from pdfgen.cache import memo

    calls = []
    double = memo(4)(lambda x: calls.append(x) or 2 * x)
    assert double(2) == double(2) == 4 and calls == [2]
    monkeypatch.setenv("KNEECARD_NO_CACHE", "1")
    assert double(2) == 4 and calls == [2, 2]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for routine in (SAMPLES / "club-handout.yaml", SAMPLES / "front.yaml"):
        assert build_one({}, read_yaml(routine, "routine"), str(routine))[0] == routine.with_suffix(".pdf").read_bytes()


def test_an_edited_layout_file_is_seen_by_a_warm_cache(tmp_path):
    from conftest import text

    mine = tmp_path / "mine.yaml"
    mine.write_text('extends: one-page\ndescription: Mine.\ntext:\n  title: "First title"\n')
    cache = Cache()
    first = build_one({"region": "front", "layout": str(mine)}, cache=cache)[0]
    mine.write_text('extends: one-page\ndescription: Mine.\ntext:\n  title: "Second title, longer"\n')
    second = build_one({"region": "front", "layout": str(mine)}, cache=cache)[0]
    assert "First title" in text(first) and "Second title, longer" in text(second)
