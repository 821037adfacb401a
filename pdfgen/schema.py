"""Typed reading of parsed YAML, reporting every problem with file, line and field.

The YAML loader (`load.py`) hands back dicts and lists that remember their line numbers;
`Reader` pulls typed values out of them and records a `Problem` for each one that is wrong,
so `kneecard check` can list every mistake in a file at once.
"""

from __future__ import annotations

import difflib
from typing import Any

from pdfgen.errors import Problems


class LocDict(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    file: str | None = None
    key_lines: dict[str, int]
    key_files: dict[str, str]  # set where a key came from another file (`extends:` merges)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}
        self.key_files = {}


class LocList(list):
    """A YAML sequence that remembers the line of itself and of each item."""

    line: int = 0
    file: str | None = None
    item_lines: list[int]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []


def line_of(node: Any, key: Any = None) -> int | None:
    """Best line number for `node[key]` (or the node itself)."""
    if isinstance(node, LocDict):
        return node.key_lines.get(key, node.line) if key is not None else node.line
    if isinstance(node, LocList):
        if isinstance(key, int) and 0 <= key < len(node.item_lines):
            return node.item_lines[key]
        return node.line
    return None


def file_of(node: Any, key: Any = None) -> str | None:
    """The file a value came from, where the node knows it (layouts merged by `extends:`)."""
    if isinstance(node, LocDict) and key is not None and key in node.key_files:
        return node.key_files[key]
    return getattr(node, "file", None)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        LocDict: "a mapping",
        dict: "a mapping",
        LocList: "a list",
        list: "a list",
    }.get(type(value), "nothing" if value is None else type(value).__name__)


Range = tuple[int, int]


class Reader:
    """Reads fields of one YAML mapping; records problems instead of raising."""

    def __init__(self, node: Any, file: str | None, path: str, problems: Problems, line: int | None = None) -> None:
        self.file = file_of(node) or file
        self.path = path
        self.problems = problems
        self.ok = isinstance(node, dict)
        self.node: dict = node if self.ok else LocDict()
        self._line = line_of(node) or line  # `line`: where the parent put a node that knows no line (text, a number)
        self.used: set[str] = set()
        if not self.ok:
            self.problems.add(self.file, self._line, path or "(top)", f"is {type_name(node)} (a mapping of fields is allowed)")

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def line(self, key: str | None = None) -> int | None:
        return line_of(self.node, key) if key is not None else self._line

    def problem(self, key: str, message: str) -> None:
        self.problems.add(file_of(self.node, key) or self.file, self.line(key), self.field(key), message)

    def has(self, key: str) -> bool:
        return key in self.node and self.node[key] is not None

    def raw(self, key: str, required: bool = False) -> Any:
        self.used.add(key)
        value = self.node.get(key)
        if value is None and required and self.ok:
            self.problems.add(file_of(self.node) or self.file, self._line, self.field(key), "is missing (it is required)")
        return value

    def text(self, key: str, required: bool = False, max_len: int | None = None) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(key, f"is {type_name(value)} (text is allowed)")
            return None
        value = str(value).strip()
        if not value and required:
            self.problem(key, "is empty (text is required)")
            return None
        if max_len is not None and len(value) > max_len:
            self.problem(key, f"is {len(value)} characters long (at most {max_len} allowed)")
        return value

    def integer(self, key: str, required: bool = False, lo: int | None = None, hi: int | None = None) -> int | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"is {type_name(value)} '{value}' (a whole number is allowed)")
            return None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.problem(key, f"is {value} (allowed: {lo}–{hi})")
            return None
        return value

    def number(self, key: str, lo: float, hi: float, default: float | None, unit: str = "", why: str = "") -> float:
        """A number (whole or not) within lo–hi; `default` when absent (None: the field is required).
        A wrong value is reported and the default used, so validation goes on to the next field."""
        value = self.raw(key)
        allowed = f"{lo:g}–{hi:g}{unit} allowed{why}"
        if value is None:
            if default is None:
                self.problem(key, f"is missing (a number, {allowed})")
                return lo
            return default
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not numeric or not lo <= value <= hi:
            self.problem(key, f"is '{value}'{unit if numeric else ''} ({allowed})")
            return default if default is not None else lo
        return float(value)

    def number_range(self, key: str, lo: int = 1, hi: int = 10_000) -> Range | None:
        """An int or a [low, high] pair, as doses are written."""
        value = self.raw(key)
        if value is None:
            return None
        pair = [value, value] if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
            self.problem(key, f"is {type_name(value)} (a whole number or [low, high] is allowed)")
            return None
        a, b = pair
        if not (lo <= a <= b <= hi):
            self.problem(key, f"is {value} (numbers {lo}–{hi}, low before high, are allowed)")
            return None
        return (a, b)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"is {type_name(value)} '{value}' (true or false is allowed)")
            return default
        return value

    def text_list(
        self,
        key: str,
        required: bool = False,
        min_items: int = 0,
        max_items: int | None = None,
        max_len: int | None = None,
        commas: bool = False,
    ) -> tuple[str, ...]:
        """A list of text; with `commas`, 'a,b' is also taken, as on the command line."""
        value = self.raw(key, required)
        if value is None:
            return ()
        if commas and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            self.problem(key, f"is {type_name(value)} (a list of text is allowed)")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.problems.add(
                    file_of(value) or self.file,
                    line_of(value, i),
                    f"{self.field(key)}[{i}]",
                    f"is {type_name(item)} (text is allowed)",
                )
                continue
            text = str(item).strip()
            if max_len is not None and len(text) > max_len:
                self.problems.add(
                    file_of(value) or self.file,
                    line_of(value, i),
                    f"{self.field(key)}[{i}]",
                    f"is {len(text)} characters long (at most {max_len} allowed)",
                )
            out.append(text)
        if len(out) < min_items or (max_items is not None and len(out) > max_items):
            most = f"{max_items}" if max_items is not None else "any number"
            self.problem(key, f"has {len(out)} items ({min_items} to {most} allowed)")
        return tuple(out)

    def mapping(self, key: str, required: bool = False) -> Any:
        value = self.raw(key, required)
        if value is not None and not isinstance(value, dict):
            self.problem(key, f"is {type_name(value)} (a mapping of fields is allowed)")
            return None
        return value

    def items(self, key: str, required: bool = False) -> list[tuple[int, Any]]:
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, f"is {type_name(value)} (a list is allowed)")
            return []
        return list(enumerate(value))

    def child(self, key: str, index: int | None = None) -> Reader:
        """A reader for a nested mapping, at `key` or at `key[index]`."""
        node = self.node.get(key)
        path = self.field(key)
        line = self.line(key)
        if index is not None:
            line = line_of(node, index)
            node = node[index]
            path = f"{path}[{index}]"
        return Reader(node, self.file, path, self.problems, line)

    def finish(self) -> None:
        """Report keys nobody asked for: a typo must not be silently ignored."""
        for key in self.node:
            if key not in self.used:
                self.problem(
                    str(key), f"is not a known field{did_you_mean(str(key), self.used)} (allowed: {', '.join(sorted(self.used))})"
                )
