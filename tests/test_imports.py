"""No import cycles inside pdfgen, counting imports hidden inside functions.

A cycle hidden behind a function-level import still ties two modules together (neither can be
understood, tested or replaced alone) and breaks the day someone moves the import to the top.
Imports are read from the source (ast), not by importing, so every branch counts; only
`if TYPE_CHECKING:` blocks are left out, as they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pdfgen"


def module_sources(root: Path = PACKAGE) -> dict[str, str]:
    """Dotted module name -> source text, for every .py file of the package."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path.read_text(encoding="utf-8")
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement at any depth (module, function, class, try), TYPE_CHECKING blocks aside."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(sources: dict[str, str], top: str = "pdfgen") -> dict[str, set[str]]:
    """Module -> the package modules its code imports (a submodule import also runs its parents' __init__)."""
    modules = set(sources)
    packages = {name for name in modules if any(other.startswith(name + ".") for other in modules)} | {top}

    def with_parents(name: str, importer: str) -> set[str]:
        parts = name.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & modules - {importer}

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, text in sources.items():
        here = name if name in packages else name.rpartition(".")[0]
        for node in _imports(ast.parse(text)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # `from pkg import mod` imports the submodule pkg.mod when there is one
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                if target == top or target.startswith(top + "."):
                    graph[name] |= with_parents(target, name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle path (a -> b -> ... -> a) for every strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph[v]:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_path_in(graph, group) for group in groups]


def _path_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest way from the group's first module back to itself, staying inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & group):
            if w == start:
                return [*paths[v], start]
            if w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    raise AssertionError(f"no cycle in {group}")  # cannot happen: the group is strongly connected


def test_no_import_cycle_inside_pdfgen():
    found = cycles(import_graph(module_sources()))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_old_figures_cycle_would_be_found():
    """The test can fail: the cycle the figures split removed, hidden inside functions, is reported with its path."""
    sources = {
        "pdfgen": "",
        "pdfgen.figures": "from pdfgen.schema import Reader\n\ndef draw():\n    from pdfgen.fonts import register\n",
        "pdfgen.fonts": "from pdfgen.load import FONTS_DIR\n",
        "pdfgen.load": "def load():\n    from pdfgen.model import build_library\n",
        "pdfgen.model": "def read():\n    try:\n        from pdfgen.figures import read_illustration\n"
        "    except ImportError:\n        pass\n",
        "pdfgen.schema": "",
    }
    assert cycles(import_graph(sources)) == [["pdfgen.figures", "pdfgen.fonts", "pdfgen.load", "pdfgen.model", "pdfgen.figures"]]


@pytest.mark.parametrize(
    "code",
    [
        "from . import b",
        "from .b import thing",
        "import pdfgen.pkg.b",
        "from pdfgen.pkg import b",
        "def f():\n    class C:\n        from pdfgen.pkg.b import thing",
    ],
)
def test_every_import_form_is_an_edge(code):
    sources = {"pdfgen": "", "pdfgen.pkg": "", "pdfgen.pkg.a": code, "pdfgen.pkg.b": "from pdfgen.pkg import a\n"}
    assert cycles(import_graph(sources)) == [["pdfgen.pkg.a", "pdfgen.pkg.b", "pdfgen.pkg.a"]]


def test_type_checking_imports_are_not_edges():
    sources = {
        "pdfgen": "",
        "pdfgen.a": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pdfgen.b import B\n",
        "pdfgen.b": "from pdfgen import a\n",
    }
    assert cycles(import_graph(sources)) == []
