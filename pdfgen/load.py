"""Reading files: YAML with line numbers, the content folder, layouts, fonts.

This is the input edge of the pipeline. Everything here returns plain values or model
objects; parsing problems become `InputError`s that carry file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pdfgen.errors import InputError, Problem, Problems
from pdfgen.schema import LocDict, LocList, line_of

if TYPE_CHECKING:
    from pdfgen.model import Library

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """`data/` and `layouts/` live inside the wheel, or beside the package in a checkout."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


DATA_DIR = _shipped("data")
LAYOUTS_DIR = _shipped("layouts")


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when present: ~8x faster


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader whose mappings and lists remember their file and line numbers (1-based)."""

    kc_file: str | None = None


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LocDict:
    out = LocDict()
    out.line = node.start_mark.line + 1
    out.file = loader.kc_file
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)):
            raise yaml.constructor.ConstructorError(None, None, "a field name must be plain text", key_node.start_mark)
        key = str(key)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"field '{key}' appears twice (each field once)", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LocList:
    out = LocList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.file = loader.kc_file
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text; a syntax error becomes one located problem."""
    loader = _LineLoader(text)
    loader.kc_file = file
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "cannot be read"
        if "(" not in what:
            what += " (valid YAML is allowed)"
        raise InputError(Problem(file, line, "yaml", what)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: say which and on what line
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"has the character U+{ord(char):04X}, which YAML does not allow (plain text is allowed)"
        raise InputError(Problem(file, line, "yaml", message)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(file, None, "yaml", f"{' '.join(str(exc).split())} (valid YAML is allowed)")) from None
    finally:
        loader.dispose()


def read_text(path: Path, what: str = "file") -> str:
    """Read a UTF-8 text file; a missing or unreadable file is an input problem."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(str(path), None, what, "does not exist (give an existing file)")) from None
    except IsADirectoryError:
        raise InputError(Problem(str(path), None, what, "is a folder (give a file)")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), None, what, f"is not UTF-8 text ({exc.reason} at byte {exc.start})")) from None
    except OSError as exc:
        raise InputError(Problem(str(path), None, what, f"cannot be read ({exc.strerror})")) from None


def read_yaml(path: Path, what: str = "file") -> Any:
    return parse_yaml(read_text(path, what), str(path))


DATA_FILES = ("sources", "methods", "regions", "exercises", "safety")


def load_library(data_dir: Path | None = None) -> Library:
    """Read and validate every content file of a data folder, reporting all problems at once."""
    from pdfgen.model import build_library

    folder = Path(data_dir) if data_dir else DATA_DIR
    return build_library(load_docs(folder), folder)


def load_docs(folder: Path) -> dict[str, tuple[str, Any]]:
    """Every content file of a data folder, parsed (file name, YAML) by kind."""
    if not folder.is_dir():
        raise InputError(Problem(str(folder), None, "--data", "is not a folder (give the folder holding the content YAML)"))
    problems = Problems()
    docs: dict[str, tuple[str, Any]] = {}
    for name in DATA_FILES:
        path = folder / f"{name}.yaml"
        try:
            docs[name] = (str(path), read_yaml(path, "data file"))
        except InputError as err:
            problems.extend(err)
    problems.raise_if_any()
    return docs


def layout_dirs(extra: Path | None = None) -> list[Path]:
    """Where layouts are looked up by name: a user's folder first, then the built-ins."""
    if extra is not None and not Path(extra).is_dir():
        raise InputError(
            Problem(str(extra), None, "--layouts", "is not a folder (give the folder holding your layout .yaml files)")
        )
    return ([Path(extra)] if extra else []) + [LAYOUTS_DIR]


def find_layout(name: str, dirs: list[Path]) -> Path | None:
    """A layout name or path to its file; None if there is none."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or "/" in name or "\\" in name:
        return candidate if candidate.is_file() else None
    for folder in dirs:
        path = folder / f"{name}.yaml"
        if path.is_file():
            return path
    return None


def list_layout_files(dirs: list[Path]) -> list[Path]:
    """Every layout file, user folders first; a user layout hides a built-in of the same name."""
    seen: dict[str, Path] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                seen.setdefault(path.stem, path)
    return list(seen.values())


def merge_docs(base: Any, over: Any) -> Any:
    """Deep-merge `over` onto `base` (mappings merge, anything else replaces), keeping lines and files."""
    if not (isinstance(base, LocDict) and isinstance(over, LocDict)):
        return over
    out = LocDict()
    out.line, out.file = over.line, over.file
    for src in (base, over):
        for key, value in src.items():
            out[key] = merge_docs(out[key], value) if key in out else value
            out.key_lines[key] = src.key_lines.get(key, src.line)
            out.key_files[key] = src.key_files.get(key, src.file or "")
    return out


def load_layout_doc(name: str, dirs: list[Path]) -> tuple[Any, Path]:
    """Find a layout by name or path and merge its `extends:` chain; bad chains are input errors."""
    path = find_layout(name, dirs)
    if path is None:
        names = [p.stem for p in list_layout_files(dirs)]
        from pdfgen.schema import did_you_mean

        raise InputError(
            Problem(
                None,
                None,
                "--layout",
                f"'{name}' is not a layout{did_you_mean(name, names)} (allowed: {', '.join(names)}, or a .yaml file)",
            )
        )
    chain: list[tuple[Path, Any]] = []
    current: Path | None = path
    seen: set[Path] = set()
    while current is not None:
        real = current.resolve()
        if real in seen:
            raise InputError(
                Problem(
                    str(chain[-1][0]),
                    line_of(chain[-1][1], "extends"),
                    "extends",
                    f"'{current.stem}' leads back to itself (a chain without loops is allowed)",
                )
            )
        seen.add(real)
        doc = read_yaml(current, "layout")
        chain.append((current, doc))
        parent = doc.get("extends") if isinstance(doc, dict) else None
        if parent is None:
            current = None
            continue
        if not isinstance(parent, str):
            raise InputError(Problem(str(current), line_of(doc, "extends"), "extends", "is not a layout name (text is allowed)"))
        current = find_layout(parent, [current.parent, *dirs])
        if current is None:
            raise InputError(Problem(str(chain[-1][0]), line_of(doc, "extends"), "extends", f"layout '{parent}' does not exist"))
    merged: Any = None
    for _, doc in reversed(chain):
        merged = doc if merged is None else merge_docs(merged, doc)
    if isinstance(merged, LocDict):
        merged.pop("extends", None)
    return merged, path
