"""ApiSpec → ``tests/``: readable pytest modules that run the invariant catalogue on a server.

One module per resource (operations grouped by their first tag), one test per (operation,
invariant) whose name carries the invariant id, plus one conformance test per operation. Each
test is a single call into ``synth.testing``; which invariants apply is decided by
``synth.catalogue``, the table the runtime binds its checks to, so the emitter and the runtime
cannot disagree (and generating never imports the test runtime).
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict

from .._provenance import PROVENANCE
from .._template import Template, render
from ..catalogue import Entry, Family, applicable
from ..relations import Graph
from ..spec import ApiSpec, OperationSpec

__all__ = ["emit", "emit_tests"]

# Each operation's tests are written family by family in this order, and within a family in
# the catalogue's order. It is not the catalogue's documented family order: it is the order
# the generated modules have always had, and changing it would rewrite every committed
# generated/tests module without changing a single test.
WRITTEN: tuple[Family, ...] = (
    "caching",
    "errors",
    "idempotency",
    "pagination",
    "tenancy",
    "updates",
    "limits",
    "observability",
)

MODULE = Template('''\
# ${provenance}
"""Property tests for the ${group} operations of ${title} ${version}.

Each test checks one invariant of the catalogue on one operation against the server that
`synth test` (or `pytest generated/tests --base-url ... --tenant ...`) points at.
"""

from synth.testing import Target, check, conformance
${tests}''')

TEST = Template('''

def test_${operation}__${slug}(target: Target) -> None:
    """${summary}"""
    check("${invariant}", "${operation}", target)
''')

CONFORMANCE = Template('''

def test_${operation}__CONFORMANCE(target: Target) -> None:
    """Schema conformance (schemathesis checks plus the error-taxonomy rules)."""
    conformance("${operation}", target)
''')

AUTHORIZATION = Template('''\
# ${provenance}
"""Object-level authorization across the tenants of ${title} ${version}.

schemathesis's own `object_level_authorization` check, with every `--tenant` as a peer: it
replays each tenant's reads of its own objects as the other tenants. One test per part of the
API (operations joined by a collection, a parent or a reference), named by its first
operation: schemathesis's engine deletes and updates the objects it finds, so each test keeps
its part to itself while the checks of the other parts go on.
"""

from synth.testing import Target, object_level_authorization
${tests}''')

AUTHORIZATION_TEST = Template('''

def test_${part}__OBJECT_LEVEL_AUTHORIZATION(target: Target) -> None:
    """No tenant receives an object that another tenant owns (schemathesis's check), over
    ${operations}."""
    object_level_authorization(target, "${part}")
''')

CONFTEST = Template('''\
# ${provenance}
"""The synth runtime's pytest plugin: target options (--base-url, --tenant, ...) and `target`."""

from synth.testing.plugin import (  # noqa: F401  (pytest finds hooks and fixtures by name)
    pytest_addoption,
    pytest_configure,
    pytest_terminal_summary,
    target,
)
''')


def _group(op: OperationSpec) -> str:
    if op.tags:
        return op.tags[0]
    segments = [s for s in op.path.split("/") if s and not s.startswith("{")]
    return segments[0] if segments else "root"


def _module_name(group: str) -> str:
    return re.sub(r"[^0-9a-zA-Z_]", "_", group).lower() or "root"


def emit_tests(spec: ApiSpec) -> dict[str, str]:
    """``{"tests/conftest.py": ..., "tests/test_<group>.py": ...}``, deterministic."""
    pairs = applicable(spec)
    groups: dict[str, list[OperationSpec]] = defaultdict(list)
    for op in spec.operations:
        groups[_group(op)].append(op)
    by_op: dict[int, list[Entry]] = defaultdict(list)
    for op, inv in pairs:
        by_op[id(op)].append(inv)
    for entries in by_op.values():  # a stable sort keeps the catalogue's order in a family
        entries.sort(key=lambda entry: WRITTEN.index(entry.family))
    summaries = {inv.id: "\n    ".join(textwrap.wrap(inv.summary, 88)) for _, inv in pairs}
    out = {"tests/conftest.py": render(CONFTEST, provenance=PROVENANCE)}
    for group in sorted(groups):
        tests = []
        for op in groups[group]:
            for inv in by_op[id(op)]:
                summary = summaries[inv.id]
                slug = inv.id.replace("-", "_")
                tests.append(render(TEST, operation=op.operation_id, slug=slug,
                                    invariant=inv.id, summary=summary))  # fmt: skip
            tests.append(render(CONFORMANCE, operation=op.operation_id))
        text = render(MODULE, provenance=PROVENANCE, group=group, title=spec.title,
                      version=spec.version, tests="".join(tests))  # fmt: skip
        out[f"tests/test_{_module_name(group)}.py"] = text
    parts: dict[str, list[OperationSpec]] = defaultdict(list)
    part_of = Graph(spec).parts()
    for op in spec.operations:
        parts[part_of[op.operation_id]].append(op)
    checked = [part for part, ops in sorted(parts.items()) if any(op.tenant_scoped for op in ops)]
    if checked:
        tests = [
            render(AUTHORIZATION_TEST, part=part, operations="\n    ".join(textwrap.wrap(
                ", ".join(op.operation_id for op in parts[part]), 84)))
            for part in checked
        ]  # fmt: skip
        out["tests/test_authorization.py"] = render(
            AUTHORIZATION, provenance=PROVENANCE, title=spec.title, version=spec.version,
            tests="".join(tests),
        )  # fmt: skip
    return dict(sorted(out.items()))


emit = emit_tests
