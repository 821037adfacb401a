"""--shard auto: a cluster scheduler's environment picks the same rows --shard I/N would."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pdfgen.batch import parse_shard
from pdfgen.cli import main

ROWS = 10


def built(tmp_path, roster, shard: str, env: dict[str, str], out: str) -> set[str]:
    result = CliRunner().invoke(main, ["batch", str(roster), "-o", str(tmp_path / out), "--shard", shard, "--jobs", "1"], env=env)
    assert result.exit_code == 0, result.stderr
    return {p.name for p in (tmp_path / out).glob("*.pdf")}


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name,region\n" + "".join(f"Runner {i},front\n" for i in range(1, ROWS + 1)))
    return path


@pytest.mark.parametrize(
    "shard, env_for",
    [
        ("auto/3", lambda i, n: {"JOB_COMPLETION_INDEX": str(i - 1)}),  # Kubernetes: 0-based
        ("auto", lambda i, n: {"JOB_COMPLETION_INDEX": str(i - 1), "KNEECARD_SHARDS": str(n)}),
        ("auto", lambda i, n: {"SLURM_ARRAY_TASK_ID": str(i + 4), "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": str(n)}),
        ("auto", lambda i, n: {"SLURM_ARRAY_TASK_ID": str(i - 1), "SLURM_ARRAY_TASK_COUNT": str(n)}),  # --array=0-2
        ("auto/3", lambda i, n: {"PARALLEL_SEQ": str(i)}),  # GNU parallel: 1-based
    ],
)
def test_every_scheduler_picks_the_rows_of_i_of_n_and_together_every_row_once(tmp_path, roster, shard, env_for):
    n = 3
    together: list[str] = []
    for i in range(1, n + 1):
        auto = built(tmp_path, roster, shard, env_for(i, n), f"auto{i}")
        explicit = built(tmp_path, roster, f"{i}/{n}", {}, f"explicit{i}")
        assert auto == explicit and auto
        together += sorted(auto)
    assert sorted(together) == sorted({f"runner-{k}-front.pdf" for k in range(1, ROWS + 1)})


@pytest.mark.parametrize(
    "shard, env, phrase",
    [
        ("auto", {}, "no scheduler"),
        ("auto", {"PARALLEL_SEQ": "2"}, "auto/N"),
        ("auto/3", {"JOB_COMPLETION_INDEX": "3"}, "not one of 3 shards"),
        ("auto", {"SLURM_ARRAY_TASK_ID": "x1", "SLURM_ARRAY_TASK_COUNT": "2"}, "whole number"),
        ("auto/0", {"PARALLEL_SEQ": "1"}, "not one of 0 shards"),
    ],
)
def test_a_missing_or_wrong_scheduler_environment_is_one_clear_line(tmp_path, roster, shard, env, phrase):
    clean = {"JOB_COMPLETION_INDEX": None, "SLURM_ARRAY_TASK_ID": None, "PARALLEL_SEQ": None, "KNEECARD_SHARDS": None}
    result = CliRunner().invoke(main, ["batch", str(roster), "-o", str(tmp_path / "o"), "--shard", shard], env={**clean, **env})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --shard:") and phrase in lines[0], lines
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").glob("*.pdf"))


def test_the_library_reads_only_the_environment_it_is_given():
    assert parse_shard("auto/4", {"PARALLEL_SEQ": "4"}) == (4, 4)
    assert parse_shard("2/5") == (2, 5)
