"""What every ``synth`` command shares: a user error leaves as one line and an exit code."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click

from ._errors import SynthError, describe

__all__ = ["report_and_exit", "user_errors"]

F = TypeVar("F", bound=Callable[..., Any])


def report_and_exit(exc: SynthError) -> NoReturn:
    """``Type: message`` on stderr, then exit with the error's code (no traceback)."""
    click.echo(describe(exc), err=True)
    raise SystemExit(exc.exit_code) from None


def user_errors(func: F) -> F:
    """A command whose ``SynthError``s go through ``report_and_exit``.

    Goes directly above the function, under the click decorators, so click sees its options.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SynthError as exc:
            report_and_exit(exc)

    return wrapper  # type: ignore[return-value]
