"""``synth diff``: the click command; the ``synth`` group adds it with ``add_command``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._cli import user_errors
from .._errors import UsageError
from . import (
    ACK_FILE,
    NoContractsAtRevision,
    Source,
    compare,
    file_document,
    load_acks,
    resolve_auto_base,
    revision_document,
)
from ._render import render_json, render_table
from ._sources import contracts_document, git_root, revision_exists

__all__ = ["diff_command"]


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--against", metavar="REV",
    help="Compare the contracts at git revision REV with the working tree's; "
    "`auto` picks the merge base with origin/main, else HEAD.",
)  # fmt: skip
@click.option(
    "--contracts", "contracts_dir", default="contracts", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Folder of contract modules.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table",
    show_default=True, help="A table for people or JSON for machines.",
)  # fmt: skip
@click.option(
    "--ack", "ack_file", type=click.Path(dir_okay=False, path_type=Path),
    help=f"Acknowledged breaking changes (TOML) [default: CONTRACTS/{ACK_FILE} if it exists].",
)  # fmt: skip
@click.option(
    "--ci", is_flag=True,
    help="For `make contracts` in CI: implies --against auto, and skips (exit 0) when there "
    "is no base revision or the base has no contracts.",
)  # fmt: skip
@user_errors
def diff_command(
    *,
    old: str | None,
    new: str | None,
    against: str | None,
    contracts_dir: Path,
    fmt: str,
    ack_file: Path | None,
    ci: bool,
) -> None:
    """Classify every change between two API versions as breaking or not.

    Exit 0 when nothing breaks existing clients (or every breaking change is acknowledged, or
    the major version was bumped), 1 when something does, 2 on bad input.

    \b
    Examples:
      synth diff old.json new.yaml           # two OpenAPI 3.0 or 3.1 files
      synth diff --against origin/main       # contracts/ at a revision vs the working tree
      synth diff --against auto --ci         # what `make contracts` runs in CI
      synth diff old.json new.json --format json
    """
    code = _run(
        old=old, new=new, against=against, contracts_dir=contracts_dir, fmt=fmt,
        ack_file=ack_file, ci=ci,
    )  # fmt: skip
    sys.exit(code)


def _run(
    *,
    old: str | None,
    new: str | None,
    against: str | None,
    contracts_dir: Path,
    fmt: str,
    ack_file: Path | None,
    ci: bool,
) -> int:
    if ci and against is None and old is None:
        against = "auto"
    if against is not None:
        if old is not None or new is not None:
            raise UsageError("give either OLD and NEW, or --against REV, not both")
        sides = _against(against, contracts_dir, ci)
        if sides is None:
            return 0
        old_source, new_source = sides
    elif old is None or new is None:
        raise UsageError(
            "give two documents (synth diff OLD NEW) or a git revision (synth diff --against "
            "origin/main); see synth diff --help"
        )
    else:
        old_source = _side(old, contracts_dir)
        if Path(new).exists() and Path(new).resolve() == Path(old).resolve():
            new_source = Source(new, old_source.document)  # one file, read once
        else:
            new_source = _side(new, contracts_dir)
    if ack_file is None and (contracts_dir / ACK_FILE).is_file():
        ack_file = contracts_dir / ACK_FILE
    acks = load_acks(ack_file) if ack_file is not None else ()
    report = compare(old_source, new_source, acks)
    click.echo(render_json(report) if fmt == "json" else render_table(report), nl=False)
    return report.exit_code


def _against(rev: str, contracts_dir: Path, ci: bool) -> tuple[Source, Source] | None:
    if rev == "auto":
        found = resolve_auto_base(contracts_dir)
        if found is None:
            _skip("no base revision (not a git repository, or no commit yet)")
            return None
        rev, how = found
        click.echo(f"synth diff: comparing with {how} ({rev[:12]})", err=True)
    try:
        old = revision_document(rev, contracts_dir)
    except NoContractsAtRevision as exc:
        if ci:
            _skip(str(exc))
            return None
        raise
    return old, Source(f"{contracts_dir}/ (working tree)", contracts_document(contracts_dir))


def _skip(why: str) -> None:
    click.echo(f"synth diff: skipping the breaking-change check: {why}", err=True)


def _side(arg: str, contracts_dir: Path) -> Source:
    """A path (file or contracts folder), or else a git revision of the contracts."""
    path = Path(arg)
    if not path.exists():
        root = git_root(contracts_dir.resolve())
        if root is not None and revision_exists(root, arg):
            return revision_document(arg, contracts_dir)
    return file_document(path)
