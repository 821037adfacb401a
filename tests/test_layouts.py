"""Layout files: validation with file:line, extends, and a Jinja2 sandbox that fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import text

ONE_PAGE = (Path(__file__).resolve().parent.parent / "layouts" / "one-page.yaml").read_text()


def write_layout(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(body)
    return path


def test_user_layout_extends_builtin_and_overrides(run, tmp_path):
    path = write_layout(tmp_path, "mine", 'extends: one-page\ndescription: Mine.\ntext:\n  title: "My {{ routine.name }} plan"\n')
    out = tmp_path / "x.pdf"
    result = run("build", "--layout", path, "--region", "front", "--name", "Ana", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "My Ana plan" in text(out.read_bytes())
    listed = run("list", "layouts", "--layouts", tmp_path).output
    assert "mine" in listed and "Mine." in listed


@pytest.mark.parametrize(
    "body, line, field, phrase",
    [
        ('extends: one-page\ntext:\n  title: "{{ routine.nmae }}"\n', 3, "text.title", "nmae"),
        ('extends: one-page\ntext:\n  title: "{{ routine.__class__.__mro__ }}"\n', 3, "text.title", "is not allowed in a layout"),
        ("extends: one-page\nstyles:\n  h2: {parent: bodyy}\n", 3, "styles.h2.parent", "did you mean 'body'"),
        ("extends: one-page\nslots:\n  top: [title, sidebar]\n", 3, "slots.top", "sidebar"),
        ("extends: one-page\npage:\n  margins: {top: 2}\n", 3, "page.margins.top", "6–80 mm"),
        ("extends: nowhere\n", 1, "extends", "does not exist"),
        ('extends: one-page\ntext:\n  title: "{% if %}"\n', 3, "text.title", "Jinja2"),
        ("extends: one-page\nkind: poster\n", 2, "kind", "allowed: page, cards"),
        ("extends: one-page\npage:\n  keep: maybe\n", 3, "page.keep", "'maybe' is not allowed"),
        ("extends: cards\ncards:\n  grid: [9, 9]\n", 3, "cards.grid", "each 1–6"),
    ],
)
def test_layout_errors_are_clean_exit_2(run, tmp_path, body, line, field, phrase):
    """Each mistake is one located line: the file, the line of the mistake, the field, and what is allowed."""
    path = write_layout(tmp_path, "bad", body)
    result = run("build", "--layout", path, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2, result.output + result.stderr
    assert "Traceback" not in result.stderr
    prefix = f"error: {path}:{line}: {field}: "
    matching = [ln for ln in result.stderr.splitlines() if ln.startswith(prefix)]
    assert matching, result.stderr
    assert phrase in matching[0]
    assert not (tmp_path / "x.pdf").exists()


def test_cyclic_extends(run, tmp_path):
    write_layout(tmp_path, "a", "extends: b\n")
    b = write_layout(tmp_path, "b", "extends: a\n")
    result = run("build", "--layout", b, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert "leads back to itself" in result.stderr


def test_line_numbers_point_into_the_file_that_has_the_mistake(run, tmp_path):
    path = write_layout(tmp_path, "bad", "extends: one-page\n\nstyles:\n  body: {size: huge}\n")
    result = run("build", "--layout", path, "--region", "front")
    assert f"error: {path}:4: styles.body.size:" in result.stderr


def test_a_mistake_in_a_mapping_only_the_extended_layout_has_names_that_file(run, tmp_path):
    """A style that only `base.yaml` defines, used through `child.yaml extends: base`: the
    error names base.yaml and its line, not the child the user asked for."""
    base = write_layout(tmp_path, "base", "extends: one-page\ndescription: base\n\nstyles:\n  mine: {parent: body, size: huge}\n")
    child = write_layout(tmp_path, "child", "extends: base\ndescription: child\n")
    result = run("build", "--layout", child, "--layouts", tmp_path, "--region", "front", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {base}:5: styles.mine.size: is 'huge' (4–96 allowed)\n"
    assert not (tmp_path / "x.pdf").exists()
