"""``synth diff``: breaking-change detection between two OpenAPI documents.

Each side is an OpenAPI 3.0 or 3.1 file (JSON or YAML, maybe with other files it refers to), a
folder of contracts, or the contracts folder
at a git revision. Every change is classified by a rule (``RULES``) as breaking or not for
clients written against the old document: requests break when the inputs the server accepts
shrink, responses when the outputs a client may receive grow.

No maintained Python OpenAPI differ exists to build on: oasdiff (Go) and openapi-diff (Java)
are not Python packages, and the PyPI candidates are young single-release projects that know
neither Pydantic's nullability (``anyOf`` with ``null``) nor synth's extensions
(``x-synth-errors``, ``x-synth-semantics``). So the differ is written here, rule ids
following oasdiff's where the rule is the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._document import diff_documents
from ._model import Change, OpRef
from ._policy import ACK_FILE, Ack, Report, apply, load_acks, major
from ._rules import RULES, Level, Rule
from ._sources import (
    NoContractsAtRevision,
    Source,
    check_openapi,
    contracts_document,
    file_document,
    resolve_auto_base,
    revision_document,
)

__all__ = [
    "ACK_FILE",
    "RULES",
    "Ack",
    "Change",
    "Level",
    "NoContractsAtRevision",
    "OpRef",
    "Report",
    "Rule",
    "Source",
    "check_openapi",
    "compare",
    "contracts_document",
    "diff_documents",
    "file_document",
    "load_acks",
    "major",
    "resolve_auto_base",
    "revision_document",
]


def compare(old: Source, new: Source, acks: Sequence[Ack] = ()) -> Report:
    """Diff two sources and judge the result against the acknowledgements and versions."""
    changes = diff_documents(old.document, new.document, old.label, new.label)
    return apply(
        changes, acks, old_label=old.label, new_label=new.label, old_version=old.version,
        new_version=new.version,
    )  # fmt: skip
