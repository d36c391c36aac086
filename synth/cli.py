"""The ``synth`` command line: a thin layer over the library.

User mistakes arrive as ``SynthError`` and leave as ``Type: message`` with exit code 2;
findings (a stale ``generated/``, violations) exit 1.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from ._cli import user_errors


class _Commands(click.Group):
    """The ``synth`` group, importing ``diff`` and ``test`` only when they are asked for.

    ``synth test`` brings the whole test runtime (hypothesis, pytest, schemathesis, httpx);
    ``synth generate`` and ``synth zod`` should not pay for it.
    """

    lazy = {
        "diff": ("synth.diff.cli", "diff_command"),
        "test": ("synth.testing.cli", "test_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, name = self.lazy[cmd_name]
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
@user_errors
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
    sys.exit(sync(files, out_dir, check=check, update="`synth generate`"))


@main.command()
@click.argument("openapi_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the TypeScript modules into.",
)  # fmt: skip
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file is stale.")
@click.option(
    "--esm", is_flag=True,
    help="Relative imports name their .js file, for an ESM project with moduleResolution "
    "nodenext (without it they name none, which bundlers such as Next.js's resolve).",
)  # fmt: skip
@click.option(
    "--package", "package", metavar="NAME",
    help="Write an npm package NAME: package.json (exports, types, zod as a peer), the "
    "tsconfig.json of its build (`npm run build`: src/ -> dist/) and the modules under src/, "
    "with .js imports.",
)  # fmt: skip
@user_errors
def zod(openapi_file: Path, out_dir: Path, check: bool, esm: bool, package: str | None) -> None:
    """Write Zod 4 schemas and operation contracts for any OpenAPI 3.1 or 3.0 document.

    \b
    Examples:
      synth zod openapi.json --out src/zod
      synth zod vendor-api.yaml --out src/vendor --check
      synth zod api.yaml --out src/api --esm     # for an ESM package on nodenext
      synth zod api.yaml --out vendor-zod --package @acme/vendor-zod
    """
    from .zod.cli import run

    sys.exit(run(openapi_file, out_dir, check=check, esm=esm, package=package))


@main.command("import")
@click.argument("document", type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path),
    help="Folder to write the contract package into (new or empty).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@user_errors
def import_(document: Path, out_dir: Path, force: bool) -> None:
    """Write a contract package for an existing OpenAPI document (3.1 or 3.0).

    Models come from the component schemas, operations in synth's contract language, and
    the semantics from the document's x-synth-semantics, else inferred and marked
    `# synth import: inferred ... review`. What a contract cannot say is listed per
    operation and schema, here and as comments in the package; the command still exits 0.
    Exit 2, writing nothing, on bad input or when no operation can be written.

    \b
    Examples:
      synth import openapi.yaml --out contracts
      synth generate --contracts contracts     # the document again, with everything else
    """
    from .importer import import_document

    result = import_document(document, out_dir, force=force)
    notes = result.notes
    click.echo(
        f"synth import: {result.operations} operations, {len(result.files)} modules written "
        f"to {out_dir}" + (f"; {result.skipped} operations left out" if result.skipped else "")
    )
    if result.findings:
        click.echo(
            f"warning: {len(result.findings)} finding(s) on the document, each read as "
            "described (fix the document to silence them):"
        )
        for finding in result.findings:
            click.echo(f"  {document.name}{'' if finding[:1] == '#' else ': '}{finding}")
    if notes.lost:
        click.echo(f"not carried ({len(notes.lost)}):")
        for where, what in notes.lost:
            click.echo(f"  {where}: {what}")
    if notes.changed:
        # One line per change, the operations it concerns together: a schema several answers
        # share changes the same way in each (each is commented at its operation too).
        grouped: dict[str, list[str]] = {}
        for where, what in notes.changed:
            grouped.setdefault(what, []).append(where)
        click.echo(f"changed on the way back ({len(notes.changed)}, {len(grouped)} distinct):")
        for what, wheres in grouped.items():
            click.echo(f"  {'; '.join(wheres)}: {what}")
    if notes.inferred:
        click.echo(f"inferred, review ({len(notes.inferred)}); marked `# synth import: inferred`:")
        for where, what in notes.inferred:
            click.echo(f"  {where}: {what}")


if __name__ == "__main__":  # pragma: no cover
    main()
