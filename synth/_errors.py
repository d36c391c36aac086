"""User-facing errors.

Every failure a user can cause is a ``SynthError``; the CLI catches that one type, prints
``Type: message`` and exits with the error's ``exit_code``. Anything else is a bug in synth.

    SynthError                 base of every user-facing failure (exit 2)
    ├── UsageError             bad command-line options or configuration
    ├── ContractError          one or more mistakes in the contracts, each with a location
    ├── InputError             a bad input document (OpenAPI file, git revision)
    └── SchemaError            a schema node that cannot be converted, at its JSON pointer
        ├── ZodError           (synth.zod) a schema the Zod emitter cannot express
        └── RegexTranslationError  (synth.regex) a pattern with no ECMA-262 equivalent
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ContractError",
    "InputError",
    "Location",
    "Problem",
    "SchemaError",
    "SynthError",
    "UsageError",
    "describe",
]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file: ``file:line``."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{_relative(self.file)}:{self.line}"


def _relative(file: str) -> str:
    path = Path(file)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake: where it is, what is wrong and how to fix it."""

    location: Location | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f"\n    fix: {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}"


class SynthError(Exception):
    """Base of every failure caused by the user's input; never a bug in synth."""

    exit_code = 2


class UsageError(SynthError):
    """A command-line option or configuration value is wrong."""


class InputError(SynthError):
    """An input document (OpenAPI file, git revision) cannot be used."""


class SchemaError(SynthError):
    """A schema node that cannot be converted; ``location`` is its JSON pointer."""

    def __init__(self, location: str, message: str, hint: str = "") -> None:
        self.location = location or "#"
        self.message = message
        self.hint = hint
        text = f"{self.location}: {message}"
        if hint:
            text += f"\n    fix: {hint}"
        super().__init__(text)


class ContractError(SynthError):
    """The contracts have one or more mistakes; each is a ``Problem`` with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = "1 contract error" if count == 1 else f"{count} contract errors"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


def describe(exc: SynthError) -> str:
    """``Type: message``: how every front end (the CLI, the pytest plugin) shows a user error."""
    return f"{type(exc).__name__}: {exc}"
