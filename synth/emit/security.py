"""Security matrix → ``security.md`` (for a reviewer of the threat model) and ``security.json``.

One row per operation, in declared order: how the caller authenticates, whether it is confined
to the caller's tenant, idempotency, its rate class, conditional requests and the error codes it
may return. Everything is read from the ``ApiSpec``, so the table cannot drift from the contracts.
"""

from __future__ import annotations

from typing import Any

from .._provenance import PROVENANCE
from ..spec import ApiSpec, OperationSpec
from ._json import dumps

__all__ = ["emit", "table"]

_AUTH_STYLE = {"bearer": "Bearer token", "header": "API key", "cookie": "session cookie"}


def _authentication(spec: ApiSpec, op: OperationSpec) -> dict[str, Any] | None:
    """The credential the operation requires; None for a public one (OpenAPI ``security: [{}]``)."""
    if not op.tenant_scoped:
        return None
    return {"scheme": spec.security_scheme, "style": spec.auth_style, "in": spec.auth_name}


def _tenancy(spec: ApiSpec, op: OperationSpec) -> dict[str, Any]:
    param = spec.tenant_param
    in_path = param is not None and any(p.name == param for p in op.path_params)
    return {"scoped": op.tenant_scoped, "param": param if in_path else None}


def _idempotency(op: OperationSpec) -> dict[str, Any] | None:
    if op.idempotency is None:
        return None
    return {"header": op.idempotency.header, "required": op.idempotency.required}


def _rate_limit(op: OperationSpec) -> dict[str, Any] | None:
    """The operation's declared rate limit (its window in seconds), or None."""
    limit = op.rate_limit
    if limit is None:
        return None
    return {"limit": limit.limit, "window": limit.window, "key": limit.key}


def _conditional(op: OperationSpec) -> dict[str, Any] | None:
    if op.cache is None:
        return None
    return {"etag": op.cache.etag, "ifMatch": op.cache.if_match}


def _latency(op: OperationSpec) -> dict[str, float] | None:
    return dict(op.slo.bounds()) if op.slo is not None else None


def table(spec: ApiSpec) -> list[dict[str, Any]]:
    """One row per operation, in declared order."""
    return [
        {
            "operation": op.operation_id,
            "method": op.method,
            "path": spec.base_path + op.path,
            "authentication": _authentication(spec, op),
            "tenancy": _tenancy(spec, op),
            "idempotency": _idempotency(op),
            "rateLimit": _rate_limit(op),
            "conditional": _conditional(op),
            "latency": _latency(op),
            "errors": [{"code": e.code, "status": e.status} for e in op.errors],
        }
        for op in spec.operations
    ]


def _cell_auth(row: dict[str, Any]) -> str:
    auth = row["authentication"]
    if auth is None:
        return "none (public)"
    return f"{_AUTH_STYLE[auth['style']]} (`{auth['in']}`)"


def _cell_tenancy(row: dict[str, Any]) -> str:
    tenancy = row["tenancy"]
    if not tenancy["scoped"]:
        return "not scoped"
    if tenancy["param"]:
        return f"caller's tenant, in `{{{tenancy['param']}}}`"
    return "caller's tenant"


def _cell_idempotency(row: dict[str, Any]) -> str:
    idem = row["idempotency"]
    if idem is None:
        return "no"
    return f"`{idem['header']}` {'required' if idem['required'] else 'optional'}"


def _cell_rate(row: dict[str, Any]) -> str:
    rate = row["rateLimit"]
    if rate is None:
        return "not declared"
    return f"{rate['limit']} per {rate['window']} s, per {rate['key']}"


def _cell_conditional(row: dict[str, Any]) -> str:
    cond = row["conditional"]
    if cond is None:
        return "no"
    parts = ["`ETag`, `If-None-Match`"] if cond["etag"] else []
    if cond["ifMatch"]:
        parts.append(f"`If-Match` {cond['ifMatch']}")
    return "; ".join(parts) or "no"


def _cell_latency(row: dict[str, Any]) -> str:
    bounds = row["latency"]
    if bounds is None:
        return "not declared"
    return ", ".join(f"{name} ≤ {ms:g} ms" for name, ms in bounds.items())


def _cell_errors(row: dict[str, Any]) -> str:
    return ", ".join(f"`{e['code']}` {e['status']}" for e in row["errors"]) or "none"


def _request_id_line(spec: ApiSpec) -> str:
    rid = spec.request_id
    if rid is None:
        return "Request ids: none declared."
    return (f"Request ids: every answer carries `{rid.header}` (the client's when valid) and "
            f"every problem body repeats it in `{rid.member}`.")  # fmt: skip


def emit(spec: ApiSpec) -> dict[str, str]:
    """``{"security.md": ..., "security.json": ...}``."""
    rows = table(spec)
    lines = [
        f"<!-- {PROVENANCE} -->",
        f"# Security matrix of {spec.title} {spec.version}",
        "",
        "Per operation: how the caller authenticates, whether it sees only its own tenant, "
        "idempotency, rate limit, conditional requests, latency objective and the error codes "
        "it may return. Derived from the contracts; `synth generate --check` fails when it is "
        "stale.",
        "",
        _request_id_line(spec),
        "",
        "| operation | method and path | authentication | tenancy | idempotency | rate limit "
        "| conditional requests | latency objective | error codes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            f"`{row['operation']}`", f"`{row['method']} {row['path']}`", _cell_auth(row),
            _cell_tenancy(row), _cell_idempotency(row), _cell_rate(row), _cell_conditional(row),
            _cell_latency(row), _cell_errors(row),
        ]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    rid = spec.request_id
    data = {
        "$comment": PROVENANCE, "api": spec.title, "version": spec.version,
        "requestId": {"header": rid.header, "member": rid.member} if rid is not None else None,
        "operations": rows,
    }  # fmt: skip
    return {"security.md": "\n".join(lines) + "\n", "security.json": dumps(data)}
