"""The package's modules as text: ``__init__.py``, ``api.py`` (the ``Api``, its auth and the
error taxonomy), ``models.py`` and ``operations.py``, each opening with where it came from and
what it could not carry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._format import format_module as _format
from ._models import Notes
from ._operations import Operation

__all__ = ["api_module", "header", "init_module", "operations_module"]

_LINE = 99


def header(source: str, what: str) -> str:
    return (
        f'"""{what}\n\nImported by `synth import` from {source}; this is now the contract: '
        'edit it, then run `synth generate`.\n"""\n'
    )


def _notes_block(notes: Iterable[tuple[str, str]], kind: str) -> str:
    lines = [f"# synth import: {kind}: {where}: {what}" for where, what in notes]
    return "\n".join(lines) + ("\n" if lines else "")


def init_module(source: str) -> str:
    return header(source, "The API's contracts, imported from an OpenAPI document.")


def api_module(  # noqa: PLR0912 (a branch per Api argument the document may carry)
    source: str,
    document: Mapping[str, Any],
    *,
    base_path: str,
    servers: Sequence[str],
    auth: str | None,
    auth_import: str | None,
    tenant_param: str | None,
    request_id: Mapping[str, Any] | None = None,
    errors: Sequence[Mapping[str, Any]],
    error_type_base: str | None,
    notes: Notes,
    inferred_errors: bool,
) -> str:
    info = document.get("info") or {}
    args = [repr(str(info.get("title") or "API")), repr(str(info.get("version") or "0"))]
    if base_path:
        args.append(f"base_path={base_path!r}")
    if info.get("description"):
        args.append(f"description={str(info['description']).strip()!r}")
    imports = {"Api"}
    if auth:
        args.append(f"auth={auth}")
        if auth_import:
            imports.add(auth_import)
    if tenant_param:
        args.append(f"tenant_param={tenant_param!r}")
    if request_id is not None:
        args.append(f"request_id={_request_id(request_id)}")
        imports.add("RequestId")
    contact = info.get("contact")
    if isinstance(contact, dict) and contact.get("name"):
        parts = [repr(contact["name"])]
        parts += [f"{k}={contact[k]!r}" for k in ("url", "email") if contact.get(k)]
        args.append(f"contact=Contact({', '.join(parts)})")
        imports.add("Contact")
    lic = info.get("license")
    if isinstance(lic, dict) and lic.get("name") and lic.get("identifier"):
        args.append(f"license=License({lic['name']!r}, {lic['identifier']!r})")
        imports.add("License")
    if servers:
        args.append(f"servers={list(servers)!r}")
    if error_type_base and error_type_base != "about:blank#":
        args.append(f"error_type_base={error_type_base!r}")
    tags = {
        t["name"]: str(t.get("description") or "")
        for t in document.get("tags") or []
        if isinstance(t, dict) and isinstance(t.get("name"), str) and t.get("description")
    }
    if tags:
        args.append(f"tags={tags!r}")
    out = [header(source, "The API object and its error taxonomy."), ""]
    out.append(f"from synth.contract import {', '.join(sorted(imports))}\n\n")
    out.append(_notes_block([(w, x) for w, x in notes.lost if w == "api"], "not carried"))
    out.append(f"api = Api({', '.join(args)})\n\n")
    if inferred_errors:
        out.append(
            "# synth import: inferred: the error taxonomy (the document declares none): one code "
            "per error status it answers, and those synth implies; review the codes and texts\n"
        )
    for e in errors:
        retry = ", retryable=True" if e.get("retryable") else ""
        out.append(
            f"{constant(e['code'])} = api.error({e['code']!r}, {int(e['status'])}, "
            f"{str(e.get('title') or e['code'])!r}, {str(e.get('description') or e['code'])!r}"
            f"{retry})\n"
        )
    return _format("".join(out))


def constant(code: str) -> str:
    return re.sub(r"\W", "_", code).upper()


def operations_module(
    source: str, ops: Sequence[Operation], notes: Notes, *, formatted: bool = True
) -> str:
    used = set().union(*(op.used for op in ops)) if ops else set()
    by_module: dict[str, set[str]] = {}
    for dotted in used:
        module, _, name = dotted.rpartition(".")
        by_module.setdefault(module, set()).add(name)
    lines = [header(source, "The API's operations."), ""]
    for module in ("datetime", "typing"):
        if module in by_module:
            lines.append(f"from {module} import {', '.join(sorted(by_module[module]))}")
    lines.append("")
    for module in ("pydantic", "synth.contract"):
        if module in by_module:
            lines.append(f"from {module} import {', '.join(sorted(by_module[module]))}")
    lines.append("")
    lines.append(f"from .api import {', '.join(sorted({'api', *by_module.get('api', set())}))}")
    if "models" in by_module:
        lines.append(f"from .models import {', '.join(sorted(by_module['models']))}")
    lines.append("\n")
    lost = [(w, x) for w, x in notes.lost if w.startswith(("schema ", "document"))]
    if lost:
        lines.append(_notes_block(lost, "not carried"))
    others = {op.where for op in ops}
    changed = [
        (w, x)
        for w, x in notes.changed
        if not any(w.startswith(f"{o} (") or w == o for o in others)
    ]
    if changed:
        lines.append(_notes_block(changed, "changed on the way back"))
    for op in ops:
        lines.append("\n" + op.text + "\n")
    text = "\n".join(lines)
    return _format(text) if formatted else text


def _request_id(declared: Mapping[str, Any]) -> str:
    """``x-synth-semantics.requestId`` as the contract's ``RequestId(...)``."""
    given = [f"{k}={v!r}" for k, v in declared.items()
             if k in ("header", "member", "pattern") and isinstance(v, str)]  # fmt: skip
    return f"RequestId({', '.join(given)})"
