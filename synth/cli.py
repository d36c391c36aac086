"""The ``synth`` command line: a thin layer over the library.

User mistakes arrive as ``SynthError`` and leave as ``Type: message`` with exit code 2;
findings (a stale ``generated/``, violations) exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from ._errors import SynthError

F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SynthError as exc:
            click.echo(f"{type(exc).__name__}: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="synth")
def main() -> None:
    """synth: one contract, everything else generated and tested.

    Contracts are Pydantic models and decorated functions under contracts/. From them synth
    writes an OpenAPI 3.1 document, Zod schemas, an error taxonomy, SDKs and property tests
    that fuzz a running server for idempotency, pagination and tenant isolation.
    """


@main.command()
@click.option(
    "--contracts", "contracts_dir", default="contracts", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Folder of contract modules.",
)  # fmt: skip
@click.option(
    "--out", "out_dir", default="generated", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Folder to write into.",
)  # fmt: skip
@click.option(
    "--check", is_flag=True,
    help="Write nothing; exit 1 naming each stale file with a short diff.",
)  # fmt: skip
@_user_errors
def generate(contracts_dir: Path, out_dir: Path, check: bool) -> None:
    """Load the contracts and write (or --check) everything under generated/.

    \b
    Examples:
      synth generate                 # contracts/ -> generated/
      synth generate --check         # in CI: fail when generated/ is stale
    """
    from .generate import generate as run
    from .loader import load
    from .writer import sync

    files = run(load(contracts_dir))
    sys.exit(sync(files, out_dir, check=check, update="`make contracts` (or `synth generate`)"))


@main.command()
@click.argument("openapi_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the TypeScript modules into.",
)  # fmt: skip
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file is stale.")
@_user_errors
def zod(openapi_file: Path, out_dir: Path, check: bool) -> None:
    """Write Zod 4 schemas and operation contracts for any OpenAPI 3.1 document.

    \b
    Examples:
      synth zod openapi.json --out src/zod
      synth zod vendor-api.yaml --out src/vendor --check
    """
    from .zod.cli import run

    sys.exit(run(openapi_file, out_dir, check=check))


def _register() -> None:
    from .diff.cli import diff_command
    from .testing.cli import test_command

    main.add_command(diff_command)
    main.add_command(test_command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
