"""Errors that users see: every problem of an input file, in French, with its place.

A reader collects :class:`Problem` objects and raises one :class:`InputDataError` holding
all of them, so that an analyst fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``line`` is the 1-based line of the file as a text editor or a spreadsheet shows it
    (the header is line 1). ``sheet`` is set for XLSX inputs.
    """

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: object = None
    sheet: str | None = None

    def __str__(self) -> str:
        is_file = "/" in self.file or "." in self.file.rsplit(" ", 1)[-1]
        where = [f"fichier {self.file}" if is_file else self.file]
        if self.sheet:
            where.append(f"feuille « {self.sheet} »")
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        text = ", ".join(where) + f" : {self.message}"
        if self.value is not None and not (isinstance(self.value, float) and self.value != self.value):
            text += f" (valeur lue : « {self.value} »)"
        return text


class PmaEvalError(Exception):
    """Base class of the workbench's user-facing errors (message in French)."""

    exit_code = 1


class InputDataError(PmaEvalError):
    """One or more problems in input data. Exit status 2 on the command line."""

    exit_code = 2

    def __init__(self, problems: list[Problem], max_shown: int = 50):
        self.problems, self.max_shown = list(problems), max_shown
        n = len(self.problems)
        head = f"{n} problème{'s' if n > 1 else ''} dans les données d'entrée :"
        lines = [f"  - {p}" for p in self.problems[:max_shown]]
        if n > max_shown:
            lines.append(f"  … et {n - max_shown} autre(s) problème(s).")
        super().__init__("\n".join([head, *lines]))

    def __reduce__(self):  # raised in a worker process of the yearly run, re-raised in the parent
        return type(self), (self.problems, self.max_shown)


class ConfigurationError(PmaEvalError):
    """Wrong parameter, unknown territory, missing file: exit status 2."""

    exit_code = 2


def display_path(path: str | Path, root: str | Path | None = None) -> str:
    """Path shown to users: relative to ``root`` when inside it, else as given."""
    p = Path(path)
    if root is not None:
        try:
            return str(p.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(p)
