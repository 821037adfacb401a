"""The installed command works from any folder: data/, layouts/ and fonts ship in the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest


@pytest.mark.skipif(shutil.which("kneecard") is None, reason="kneecard is not installed (pip install .)")
def test_installed_kneecard_builds_outside_the_repo(tmp_path):
    env_python = subprocess.run(["kneecard", "--version"], capture_output=True, text=True, check=True)
    assert "kneecard" in env_python.stdout
    result = subprocess.run(
        ["kneecard", "build", "--region", "front", "--name", "Zoë", "-o", "z.pdf"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "z.pdf").read_bytes().startswith(b"%PDF")


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pdfgen", "list", "regions"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "lateral" in result.stdout
