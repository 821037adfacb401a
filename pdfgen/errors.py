"""The package's own exceptions.

Library code raises these with the file, line and field of the problem; only the CLI turns
them into messages and exit codes, so every layer below it stays quiet and testable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, located as precisely as we know."""

    file: str | None
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.field}: {self.message}"


class KneecardError(Exception):
    """Base of everything kneecard raises on purpose; exit code 1 unless a subclass says."""

    exit_code = 1


class InputError(KneecardError):
    """Invalid input of any kind (options, routine, spec, data, layouts): exit code 2.

    Carries every problem found, so a user fixes a file in one pass instead of one error a run.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(KneecardError):
    """Writing the result failed (unwritable path, missing folder): exit code 1."""


class Problems:
    """Collects problems while validating, then raises them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str | None, line: int | None, field: str, message: str) -> None:
        self.items.append(Problem(file, line, field, message))

    def extend(self, err: InputError) -> None:
        self.items.extend(err.problems)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)
