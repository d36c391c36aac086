"""Target configuration: where the server is, who the tenants are, and how hard to test.

Every value comes from an explicit option (``synth test`` or pytest) or, failing that, from
an environment variable; a bad value raises ``UsageError`` (exit 2) echoing ``name=value``,
what was expected and how to fix it. Secrets (tenant tokens, ``--header`` values) are kept
out of every ``repr``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, quote_plus, urlsplit

from .._errors import UsageError

__all__ = [
    "FAR_ROUND_TRIP",
    "PROFILES",
    "Credential",
    "Profile",
    "TargetConfig",
    "Tenant",
    "check_tenant_ids",
    "config_from_options",
    "is_far",
]

ProfileName = Literal["quick", "default", "thorough"]


@dataclass(frozen=True, slots=True)
class Profile:
    """A test budget: Hypothesis examples per check and the size of seeded scopes."""

    name: ProfileName
    examples: int
    max_seed: int
    concurrency: int
    shrink_seconds: float
    shrink_requests: int


# Shrinking is where a failing check spends its time (bench/notes: 4.0 of 4.1 s with a 4 s
# budget, while the first failing example took 0.04 s); one second still shortens most
# sequences and keeps the time to a report near one second, and a cap on its requests keeps
# it that short against a far target too (each shrink step is a run of the example).
# `thorough` shrinks fully.
PROFILES: Mapping[str, Profile] = {
    "quick": Profile(
        "quick", examples=3, max_seed=6, concurrency=4, shrink_seconds=1, shrink_requests=60
    ),
    "default": Profile(
        "default", examples=8, max_seed=10, concurrency=6, shrink_seconds=1, shrink_requests=150
    ),
    "thorough": Profile(
        "thorough",
        examples=40,
        max_seed=25,
        concurrency=10,
        shrink_seconds=60,
        shrink_requests=5000,
    ),
}

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
_HEADER = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token
_RESERVED_HEADERS = {"authorization", "idempotency-key", "if-match", "if-none-match"}


@dataclass(frozen=True, slots=True)
class Tenant:
    """One tenant: its name, its secret (a bearer token, API key or session, sent as the
    contracts declare) and, with the tenant in the path, its id. The secret is never in a repr."""

    name: str
    token: str = field(repr=False)
    # The tenant's own value of the contract's tenant path parameter (``--tenant-id``).
    tenant_id: str | None = None

    @property
    def placeholder(self) -> str:
        """The shell variable that stands for this tenant's token in printed curl commands."""
        return "$TOKEN_" + re.sub(r"[^A-Z0-9]", "_", self.name.upper())


@dataclass(frozen=True, slots=True)
class Credential:
    """How a tenant's secret is sent, as the contracts declare it (``Api(auth=...)``).

    ``bearer``: ``Authorization: Bearer SECRET``; ``header``: ``NAME: SECRET`` (an API key);
    ``cookie``: ``Cookie: NAME=SECRET`` (a session).
    """

    style: Literal["bearer", "header", "cookie"] = "bearer"
    name: str = "Authorization"

    @property
    def header(self) -> str:
        """The request header that carries the secret."""
        return {"bearer": "Authorization", "cookie": "Cookie"}.get(self.style, self.name)

    def value(self, secret: str) -> str:
        """The header's value for ``secret`` (a placeholder in printed commands)."""
        if self.style == "bearer":
            return f"Bearer {secret}"
        if self.style == "cookie":
            return f"{self.name}={secret}"
        return secret

    def apply(self, headers: dict[str, str], secret: str) -> None:
        """Put ``secret`` into ``headers`` the declared way (next to cookies already there)."""
        name = next((h for h in headers if h.lower() == self.header.lower()), None)
        if self.style == "cookie" and name is not None:
            headers[name] = f"{headers[name]}; {self.value(secret)}"
            return
        if name is not None:
            del headers[name]
        headers[self.header] = self.value(secret)


@dataclass(frozen=True, slots=True)
class TargetConfig:
    """A fully validated target: a base URL or an in-process ASGI app, tenants and budget."""

    tenants: tuple[Tenant, ...]
    base_url: str | None = None
    app: Any = field(default=None, repr=False, compare=False)
    allow_hosts: tuple[str, ...] = ()
    profile: Profile = PROFILES["default"]
    seed: int | None = None
    timeout: float = 10.0
    retries: int = 3
    # Seconds before the second retry (the first goes at once); each further one waits twice as
    # long (2 s at most; ``_st.backoff``). Only where the target looks strained (``_st.Strain``).
    backoff: float = 0.1
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    contracts: Path = Path("contracts")
    cleanup: bool = True

    @property
    def url(self) -> str:
        """The base URL requests go to (``http://testserver`` for an in-process app)."""
        return self.base_url if self.base_url is not None else "http://testserver"

    @property
    def secrets(self) -> tuple[tuple[str, str], ...]:
        """Every secret value, in every form a server may echo it, with its placeholder."""
        out = [(t.token, t.placeholder) for t in self.tenants]
        out += [(value, header_placeholder(name)) for name, value in self.headers]
        return tuple((form, p) for s, p in out if s for form in sorted(encoded_forms(s)))

    def tenant(self, name: str) -> Tenant:
        for t in self.tenants:
            if t.name == name:
                return t
        raise KeyError(name)


def encoded_forms(secret: str) -> set[str]:
    """``secret`` as servers echo it: raw, URL-encoded, JSON-escaped, base64 (alone or as a
    bearer credential, standard or URL-safe, padded or not)."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/"),
             json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}  # fmt: skip
    for text in (secret, f"Bearer {secret}"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            coded = encode(text.encode()).decode()
            forms |= {coded, coded.rstrip("=")}
    # A form shorter than the secret's own length could be common text; never redact those.
    return {form for form in forms if len(form) >= min(len(secret), 8)}


def header_placeholder(name: str) -> str:
    return "$" + re.sub(r"[^A-Z0-9]", "_", name.upper())


def config_from_options(
    *,
    base_url: str | None = None,
    app: Any = None,
    tenants: Sequence[str] = (),
    tenant_ids: Sequence[str] = (),
    allow_hosts: Sequence[str] = (),
    profile: str | None = None,
    seed: str | int | None = None,
    timeout: str | float | None = None,
    headers: Sequence[str] = (),
    contracts: str | Path | None = None,
    cleanup: bool = True,
    env: Mapping[str, str] | None = None,
) -> TargetConfig:
    """Build a ``TargetConfig`` from options, falling back to ``SYNTH_*`` environment variables.

    Environment: ``SYNTH_BASE_URL``, ``SYNTH_TENANTS="a=tok1,b=tok2"``,
    ``SYNTH_TENANT_IDS="a=org_1,b=org_2"``, ``SYNTH_ALLOW_HOSTS``
    (comma-separated), ``SYNTH_PROFILE``, ``SYNTH_SEED``, ``SYNTH_TIMEOUT``, ``SYNTH_HEADERS``
    (``NAME=VALUE`` entries separated by newlines), ``SYNTH_CONTRACTS``.
    """
    env = os.environ if env is None else env
    base_url = base_url or env.get("SYNTH_BASE_URL") or None
    if not tenants and env.get("SYNTH_TENANTS"):
        tenants = [t for t in env["SYNTH_TENANTS"].split(",") if t.strip()]
    if not tenant_ids and env.get("SYNTH_TENANT_IDS"):
        tenant_ids = [t for t in env["SYNTH_TENANT_IDS"].split(",") if t.strip()]
    if not allow_hosts and env.get("SYNTH_ALLOW_HOSTS"):
        allow_hosts = [h for h in env["SYNTH_ALLOW_HOSTS"].split(",") if h.strip()]
    if not headers and env.get("SYNTH_HEADERS"):
        headers = [h for h in env["SYNTH_HEADERS"].splitlines() if h.strip()]
    profile = profile or env.get("SYNTH_PROFILE") or "default"
    seed = seed if seed is not None else env.get("SYNTH_SEED") or None
    timeout = timeout if timeout is not None else env.get("SYNTH_TIMEOUT") or None
    contracts = contracts or env.get("SYNTH_CONTRACTS") or "contracts"

    if app is not None and base_url is not None:
        raise UsageError("give either --base-url or an in-process app, not both")
    if app is None and base_url is None:
        raise UsageError(
            "no target: --base-url is not set (nor SYNTH_BASE_URL); "
            "expected e.g. --base-url http://127.0.0.1:8000/api/v1"
        )
    hosts = tuple(_host(h) for h in allow_hosts)
    if base_url is not None:
        base_url = _base_url(base_url, hosts)
    parsed = tuple(_tenant(t) for t in tenants)
    if not parsed:
        raise UsageError(
            "no tenants: pass --tenant NAME=TOKEN (twice or more for the tenant-isolation "
            'checks), or set SYNTH_TENANTS="a=TOKEN_A,b=TOKEN_B"'
        )
    names = [t.name for t in parsed]
    if len(set(names)) != len(names):
        raise UsageError(f"--tenant names must be unique; got {', '.join(names)}")
    tokens = [t.token for t in parsed]
    if len(set(tokens)) != len(tokens):
        raise UsageError(
            "two --tenant options share one token; each tenant needs its own token, "
            "or the tenant-isolation checks would compare a tenant with itself"
        )
    if profile not in PROFILES:
        raise UsageError(f"--profile={profile!r} is not one of {', '.join(PROFILES)}")
    ids = _tenant_ids(tenant_ids, names)
    parsed = tuple(Tenant(t.name, t.token, ids.get(t.name)) for t in parsed)
    return TargetConfig(
        tenants=parsed,
        base_url=base_url,
        app=app,
        allow_hosts=hosts,
        profile=PROFILES[profile],
        seed=_int("--seed", seed, 0, 2**63) if seed is not None else None,
        timeout=_float("--timeout", timeout, 0.1, 600.0) if timeout is not None else 10.0,
        headers=tuple(_header(h) for h in headers),
        contracts=Path(contracts),
        cleanup=cleanup,
    )


def _tenant(text: str) -> Tenant:
    name, sep, token = text.strip().partition("=")
    if not sep or not _NAME.fullmatch(name) or not token:
        shown = f"{name}=<redacted>" if sep else "<redacted>"
        raise UsageError(
            f"--tenant={shown} is not NAME=TOKEN; expected a name of letters, digits, '-' "
            "or '_' and a non-empty token, e.g. --tenant a=$TOKEN_A"
        )
    return Tenant(name, token)


def _tenant_ids(texts: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """``--tenant-id NAME=VALUE`` options, each naming a tenant given with ``--tenant``."""
    out: dict[str, str] = {}
    for text in texts:
        name, sep, value = text.strip().partition("=")
        value = value.strip()
        if not sep or not name or not value or "/" in value:
            raise UsageError(
                f"--tenant-id={text.strip()!r} is not NAME=VALUE; expected a tenant's name and "
                "its id in the path (no '/'), e.g. --tenant-id a=org_1"
            )
        if name not in names:
            raise UsageError(
                f"--tenant-id={name}=...: no --tenant named {name!r} (tenants: "
                f"{', '.join(names)}); give --tenant {name}=TOKEN too, or fix the name"
            )
        if name in out:
            raise UsageError(f"--tenant-id={name}=... is given twice; give each tenant one id")
        out[name] = value
    values = list(out.values())
    if len(set(values)) != len(values):
        raise UsageError(
            "two --tenant-id options share one value; each tenant needs its own id, or the "
            "tenant-isolation checks would compare a tenant with itself"
        )
    return out


def check_tenant_ids(config: TargetConfig, tenant_param: str | None) -> None:
    """``--tenant-id`` is required for every tenant when the contracts put the tenant in the
    path (``Api(tenant_param=...)``), and refused when they do not."""
    given = [t for t in config.tenants if t.tenant_id is not None]
    if tenant_param is None:
        if given:
            raise UsageError(
                f"--tenant-id={given[0].name}=...: the contracts in {config.contracts} declare "
                "no tenant path parameter (Api(tenant_param=...)), so there is nothing to fill; "
                "leave --tenant-id out, or declare tenant_param"
            )
        return
    missing = [t.name for t in config.tenants if t.tenant_id is None]
    if missing:
        example = " ".join(f"--tenant-id {t.name}=<its {tenant_param}>" for t in config.tenants)
        raise UsageError(
            f"--tenant-id is missing for tenant(s) {', '.join(missing)}: the contracts put the "
            f"tenant in the path ({{{tenant_param}}}), and synth fills it with the acting "
            f"tenant's own value; give one per tenant, e.g. {example} "
            '(or SYNTH_TENANT_IDS="a=org_1,b=org_2")'
        )


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not _HEADER.fullmatch(name):
        raise UsageError(
            f"--header={name or '<empty>'}=<redacted> is not NAME=VALUE with a valid header "
            "name; e.g. --header x-vercel-protection-bypass=$BYPASS"
        )
    if name.lower() in _RESERVED_HEADERS:
        raise UsageError(
            f"--header={name}=... sets a header the checks control; tenants' tokens go in "
            "--tenant NAME=TOKEN"
        )
    return name, value.strip()


def _host(text: str) -> str:
    host = text.strip().lower()
    if not host or "/" in host or " " in host:
        raise UsageError(
            f"--allow-host={text!r} is not a host name; e.g. --allow-host preview.example.app"
        )
    return host


# A round trip this long (seconds) leaves the CPUs idle while each request waits: more worker
# processes (``_parallel.workers_for``), the object-level check's phases in processes side by
# side (``_authorization.phase_groups``).
FAR_ROUND_TRIP = 0.01


def is_far(url: str, round_trip: float | None) -> bool:
    """Whether requests to ``url`` keep their sender waiting rather than busy: a host that is
    not this machine, or a measured ``round_trip`` of ``FAR_ROUND_TRIP`` or more (a proxy, a
    tunnel, a server whose own work takes that long)."""
    host = (urlsplit(url).hostname or "").lower()
    return not is_loopback(host) or (round_trip is not None and round_trip >= FAR_ROUND_TRIP)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host in ("localhost", "testserver") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _base_url(url: str, hosts: tuple[str, ...]) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--base-url={url!r} is not an http(s) URL; expected e.g. "
            "--base-url https://preview-123.example.app/api/v1"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"--base-url={url!r} has a query or fragment; give only the API's root")
    host = parts.hostname.lower()
    if not is_loopback(host) and host not in hosts:
        raise UsageError(
            f"--base-url={url!r}: synth test creates and deletes data, and {host!r} is not "
            f"loopback; if this server is meant for it, pass --allow-host {host}"
        )
    return url.rstrip("/")


def _int(name: str, value: str | int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name}={value!r} is not an integer") from None
    if not low <= number < high:
        raise UsageError(f"{name}={value!r} is out of range {low}..{high - 1}")
    return number


def _float(name: str, value: str | float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name}={value!r} is not a number of seconds") from None
    if not low <= number <= high:
        raise UsageError(f"{name}={value!r} is out of range {low}..{high} seconds")
    return number
